"""The store format: every front matter field, Hugo compatibility, zones, and bad files."""

from __future__ import annotations

import multiprocessing
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from reader import parsing
from reader.dates import is_date_only, parse_date
from reader.loader import load_catalog
from reader.model import Article, Severity
from reader.parsecache import SETTLED, ParseCache
from tests.factories import SiteFactory, make_client


def fragment(markup: str) -> Any:
    return lxml_html.fromstring(f"<div>{markup}</div>")


def only(site: SiteFactory) -> Article:
    catalog = load_catalog(site.settings())
    assert len(catalog.articles) == 1, catalog.problems
    return catalog.articles[0]


def body_of(site: SiteFactory) -> str:
    """The only article's body, rendered as a page or feed would ask for it."""
    catalog = load_catalog(site.settings())
    (article,) = catalog.articles
    return catalog.bodies.html(article)


def test_every_front_matter_field_is_read(site: SiteFactory) -> None:
    site.article(
        "news/harbour.md",
        body="First paragraph.",
        title="Harbour opens",
        date="2026-11-01T09:30:00+08:00",
        updated="2026-11-02T10:00:00+08:00",
        summary="A short summary.",
        source="Port Authority",
        author="Lin Hsiao-wen",
        tags=["Transport", "Harbour"],
        slug="harbour-opens",
        draft=False,
        kicker="Series: Ports",
        image="lead.jpg",
        image_alt="A ferry at the pier",
        aliases=["/old/harbour/"],
        lang="zh-TW",
        id="urn:uuid:8f9a1c1e-0000-4000-8000-000000000001",
    )
    article = only(site)
    assert fragment(body_of(site)).xpath("//p/text()") == ["First paragraph."]
    assert article.title == "Harbour opens"
    assert article.slug == "harbour-opens"
    assert article.key == ("news", "harbour-opens")
    assert article.date == datetime.fromisoformat("2026-11-01T09:30:00+08:00")
    assert article.updated == datetime.fromisoformat("2026-11-02T10:00:00+08:00")
    assert article.summary == "A short summary."
    assert (article.source, article.author) == ("Port Authority", "Lin Hsiao-wen")
    assert article.tags == ("Transport", "Harbour")
    assert (article.kicker, article.image, article.image_alt) == (
        "Series: Ports",
        "lead.jpg",
        "A ferry at the pier",
    )
    assert article.aliases == ("/old/harbour/",)
    assert article.lang == "zh-Hant"
    assert article.id == "urn:uuid:8f9a1c1e-0000-4000-8000-000000000001"


def test_toml_front_matter_and_hugo_field_names(site: SiteFactory) -> None:
    site.write(
        "news/toml.md",
        '+++\ntitle = "TOML article"\ndate = 2026-11-01T09:00:00+08:00\n'
        'lastmod = 2026-11-03T09:00:00+08:00\nkeywords = ["a", "b"]\ncategories = ["c", "A"]\n'
        'description = "From Hugo."\nauthors = ["X", "Y"]\n+++\n\nBody.\n',
    )
    article = only(site)
    assert article.title == "TOML article"
    assert article.updated == datetime.fromisoformat("2026-11-03T09:00:00+08:00")
    assert article.tags == ("a", "b"), "tags merge keywords"
    assert article.terms == (("categories", "c"), ("categories", "A")), "a taxonomy of its own"
    assert article.summary == "From Hugo."
    assert article.author == "X, Y"


def test_a_date_without_zone_takes_the_site_zone(site: SiteFactory) -> None:
    site.article("news/a.md", date="2026-11-01 09:00")
    article = only(site)
    assert article.date.utcoffset() == timedelta(hours=8)
    assert article.date.hour == 9


def test_date_only_and_rfc_2822_dates(site: SiteFactory) -> None:
    site.write("news/a.md", "---\ntitle: A\ndate: 2026-11-01\n---\nx\n")
    site.article("news/b.md", date="Sun, 01 Nov 2026 09:00:00 +0000")
    catalog = load_catalog(site.settings())
    dates = {a.slug: a.date for a in catalog.articles}
    assert dates["a"] == datetime.fromisoformat("2026-11-01T00:00:00+08:00")
    assert dates["b"] == datetime.fromisoformat("2026-11-01T09:00:00+00:00")
    assert all(d.tzinfo is not None for d in dates.values())


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FULL = ["January", "February", "March", "April", "May", "June", "July", "August"]
FULL += ["September", "October", "November", "December"]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_day_written_as_people_write_it_is_that_day(day: date) -> None:
    # Found on a real Hugo site: '26 Mar 2018' (which Hugo reads) was an error here.
    zone = ZoneInfo("Asia/Shanghai")
    short, full = MONTHS[day.month - 1], FULL[day.month - 1]
    for written in (
        f"{day.day} {short} {day.year}",
        f"{day.day:02} {full} {day.year}",
        f"{full} {day.day}, {day.year}",
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}/{day.month:02}/{day.day:02}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert parse_date(written, zone) == datetime(*day.timetuple()[:3], tzinfo=zone), written
        assert is_date_only(written), written


def test_a_day_that_reads_two_ways_or_none_is_not_read() -> None:
    zone = ZoneInfo("UTC")
    for written in ("03/04/2018", "4.3.2018", "31 Feb 2020", "2020-13-01", "Smarch 3, 2020"):
        with pytest.raises(ValueError, match="is not a date this reads"):
            parse_date(written, zone)


def test_page_bundle_is_an_article_with_resources(site: SiteFactory) -> None:
    site.article("news/bundle/index.md", title="Bundled", body="![A map](map.png)")
    (site.root / "content/news/bundle/map.png").write_bytes(b"\x89PNG")
    article = only(site)
    assert article.slug == "bundle"
    assert article.resources == frozenset({"map.png"})
    assert article.bundle_dir == site.root / "content/news/bundle"


def test_nested_sections_with_and_without_index(site: SiteFactory) -> None:
    site.section("topics", title="Topics", weight=2, description="By district")
    site.section("topics/east", title="East District")
    site.article("topics/east/news/a.md")
    catalog = load_catalog(site.settings())
    sections = catalog.sections
    assert sections[("topics",)].title == "Topics"
    assert sections[("topics",)].weight == 2
    assert sections[("topics",)].description == "By district"
    assert sections[("topics", "east")].title == "East District"
    assert sections[("topics", "east", "news")].title == "News", "no _index.md: folder name"
    assert sections[()].title == "Test Gazette"


def test_a_folders_articles_are_kept_newest_first(site: SiteFactory) -> None:
    """As every list shows them, so the snapshot's sort of all articles merges the folders'
    runs rather than sorting from scratch; ties by path, as in the lists."""
    for name, day in (("a", 3), ("b", 9), ("c", 1), ("d", 9), ("e", 5)):
        site.article(f"news/{name}.md", date=f"2026-11-0{day}T09:00:00+08:00")
    site.article("news/city/f.md", date="2026-11-04T09:00:00+08:00")
    cache = ParseCache()
    load_catalog(site.settings(), cache)
    news = next(f for name, f in cache.folders.items() if name.endswith("/news"))
    assert [a.slug for a in news.articles] == ["d", "b", "e", "a", "c"]


def test_broken_files_become_problems_and_the_rest_loads(site: SiteFactory) -> None:
    site.article("news/good.md")
    site.write("news/bad-yaml.md", "---\ntitle: ok\ndate: 2026-11-01\ntags: [unclosed\n---\nx\n")
    site.write("news/no-title.md", "---\ndate: 2026-11-01\n---\nx\n")
    site.write("news/no-date.md", "---\ntitle: T\n---\nx\n")
    site.write("news/bad-date.md", "---\ntitle: T\ndate: next tuesday\n---\nx\n")
    site.write("news/unclosed.md", "---\ntitle: T\n")
    site.write("news/plain.md", "Just text, no front matter.\n")
    site.write("news/bad-toml.md", '+++\ntitle = "T\ndate = 2026-11-01\n+++\nx\n')
    (site.root / "content/news/latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    catalog = load_catalog(site.settings())
    assert sorted((a.slug, a.plain) for a in catalog.articles) == [
        ("good", False),
        ("no-date", True),
    ]
    by_file = {p.path.name: p for p in catalog.problems}
    undated = by_file.pop("no-date.md")
    assert undated.severity is Severity.NOTE and "plain page" in undated.message
    assert set(by_file) == {
        "bad-yaml.md",
        "no-title.md",
        "bad-date.md",
        "unclosed.md",
        "plain.md",
        "bad-toml.md",
        "latin1.md",
    }
    assert all(p.severity is Severity.ERROR for p in by_file.values())
    assert all(p.fix for p in by_file.values())
    assert by_file["bad-date.md"].line == 3
    assert by_file["bad-yaml.md"].line is not None and by_file["bad-yaml.md"].line >= 4
    assert by_file["bad-toml.md"].line is not None
    assert "next tuesday" in by_file["bad-date.md"].message


def test_image_without_alt_text_is_a_warning_with_its_line(site: SiteFactory) -> None:
    site.article("news/a.md", body="Intro.\n\n![](photo.jpg)\n")
    catalog = load_catalog(site.settings())
    assert len(catalog.articles) == 1, "a warning never drops the article"
    (problem,) = catalog.problems
    assert problem.severity is Severity.WARNING
    # Lines 1-4 are front matter, 5 is blank, 6 is "Intro.", 7 is blank, 8 is the image.
    assert problem.line == 8
    assert "alt" in problem.message


def test_raw_html_images_without_alt_are_warnings_with_their_lines(site: SiteFactory) -> None:
    site.article(
        "news/a.md",
        body='Intro <img src="inline.png"> here.\n\n<div><img alt="" src="block.png"></div>\n\n'
        '<img alt="A described map" src="fine.png">\n',
    )
    problems = load_catalog(site.settings()).problems
    assert [(p.line, p.message) for p in problems] == [
        (6, "image 'inline.png' has no alt text"),
        (8, "image 'block.png' has no alt text"),
    ]


def test_lead_image_without_alt_is_a_warning(site: SiteFactory) -> None:
    site.article("news/a.md", image="lead.jpg")
    (problem,) = load_catalog(site.settings()).problems
    assert problem.severity is Severity.WARNING
    assert "image_alt" in problem.fix


def test_slug_clash_is_reported_and_the_first_kept(site: SiteFactory) -> None:
    site.article("news/a.md", title="First")
    site.article("news/b.md", title="Second", slug="a")
    catalog = load_catalog(site.settings())
    assert [a.title for a in catalog.articles] == ["First"]
    said = {p.path.name: p for p in catalog.problems}
    assert "is already a.md's; this file is not served" in said["b.md"].message
    assert "this file is served" in said["a.md"].message


def test_hugo_shortcodes_never_crash(site: SiteFactory) -> None:
    site.article(
        "news/a.md",
        body='{{< figure src="x.png" alt="An X" caption="The X" >}}\n\n'
        "{{< youtube abc >}}\n\n{{% note %}}Kept text{{% /note %}}\n",
    )
    html = body_of(site)
    body = fragment(html)
    (figure,) = body.xpath("//figure")
    assert [(i.get("src"), i.get("alt")) for i in figure.xpath("img")] == [("x.png", "An X")]
    assert figure.xpath("string(figcaption)") == "The X"
    assert "Kept text" in body.text_content()
    assert body.xpath("//a/@href") == ["https://www.youtube.com/watch?v=abc"], "a link, no player"
    assert "{{" not in html


def test_raw_html_is_sanitised(site: SiteFactory) -> None:
    site.article(
        "news/a.md",
        body='<script>alert(1)</script><p onclick="x()">Hi <a href="javascript:x()">a</a></p>',
    )
    html = body_of(site)
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "Hi" in html


def test_derived_ids_ignore_title_slug_and_file_name(site: SiteFactory) -> None:
    """The derived id (an old article's ``tag:`` id, an API name) names section and time."""
    path = site.article("news/original.md", title="Original")
    first = only(site).id
    path.unlink()
    site.article("news/renamed.md", title="Renamed", slug="new-slug")
    assert only(site).id == first and not only(site).id_pinned


def test_a_pinned_id_shared_by_two_files_is_reported_and_kept(site: SiteFactory) -> None:
    site.article("news/a.md", id="urn:x:1")
    site.article("news/b.md", id="urn:x:1")
    catalog = load_catalog(site.settings())
    assert [a.id for a in catalog.articles] == ["urn:x:1", "urn:x:1"]
    assert any("also the id of" in p.message for p in catalog.problems)


def test_reserved_top_level_names_are_reported(site: SiteFactory) -> None:
    site.article("tags/a.md")
    catalog = load_catalog(site.settings())
    assert not catalog.articles
    assert "tags" in catalog.problems[0].message


def test_hugo_site_without_site_toml(tmp_path: Path) -> None:
    from reader.config import load_settings

    root = tmp_path / "hugo"
    (root / "content/posts/bundle").mkdir(parents=True)
    (root / "config.toml").write_text(
        'baseURL = "https://hugo.example.com/"\ntitle = "Hugo Site"\nlanguageCode = "zh-tw"\n'
    )
    (root / "content/posts/_index.md").write_text("---\ntitle: Posts\n---\n")
    (root / "content/posts/bundle/index.md").write_text(
        '+++\ntitle = "Bundle"\ndate = "2026-10-01T08:00:00Z"\n+++\nHello\n'
    )
    settings, problems = load_settings(root)
    assert not problems
    assert settings.title == "Hugo Site"
    assert settings.base_url == "https://hugo.example.com/"
    assert settings.language == "zh-Hant"
    catalog = load_catalog(settings)
    assert [a.title for a in catalog.articles] == ["Bundle"]


def test_broken_section_index_keeps_the_section(site: SiteFactory) -> None:
    site.write("news/_index.md", "---\ntitle: [broken\n---\n")
    site.article("news/a.md")
    catalog = load_catalog(site.settings())
    assert catalog.sections[("news",)].title == "News"
    assert [a.slug for a in catalog.articles] == ["a"]
    assert catalog.problems[0].path.name == "_index.md"


def test_site_toml_problems_are_reported_and_defaults_used(tmp_path: Path) -> None:
    from reader.config import load_settings

    (tmp_path / "site.toml").write_text(
        'title = "T"\ncolour = "blue"\nfeed_length = "many"\ntimezone = "Mars/Base"\n'
        'base_url = "news.example.org"\n'
    )
    settings, problems = load_settings(tmp_path)
    messages = [p.message for p in problems]
    assert settings.title == "T"
    assert settings.feed_length == 50
    assert str(settings.timezone) == "UTC"
    assert any("colour" in m for m in messages)
    assert any("feed_length" in m for m in messages)
    assert any("Mars/Base" in m for m in messages)
    assert any("base_url" in m for m in messages)
    assert [p.severity for p in problems].count(Severity.WARNING) == 1


def test_summary_defaults_to_the_first_paragraph(site: SiteFactory) -> None:
    site.article(
        "news/a.md",
        body="| cell | cell |\n|---|---|\n| x | y |\n\nThe first *real* paragraph.\n\nMore.",
    )
    assert only(site).summary == "The first real paragraph."


def test_a_replaced_lead_image_is_measured_again(site: SiteFactory) -> None:
    site.article("news/b/index.md", image="lead.svg", image_alt="Lead")
    lead = site.root / "content/news/b/lead.svg"
    lead.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"/>')
    cache = ParseCache()
    (first,) = load_catalog(site.settings(), cache).articles
    assert (first.image_width, first.image_height) == (300, 200)
    lead.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600"/>')
    (second,) = load_catalog(site.settings(), cache).articles
    assert (second.image_width, second.image_height) == (1200, 600)
    assert second.image_length == lead.stat().st_size


def _svg(path: Path, width: int) -> None:
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="100"/>')


def test_themes_lead_images_are_read_and_a_bundles_cover_is_found(site: SiteFactory) -> None:
    # LoveIt's featuredImage (after an empty images list), PaperMod's cover with its alt.
    site.write(
        "news/loveit.md",
        "---\ntitle: L\ndate: 2026-11-01\nimages: []\nfeaturedImage: /img/l.png\n---\nx\n",
    )
    site.write(
        "news/papermod.md",
        "---\ntitle: P\ndate: 2026-11-01\ncover:\n  image: /img/p.png\n  alt: A pier\n---\nx\n",
    )
    # A bundle naming none: its image named as Hugo finds one for link previews.
    site.article("news/bundle/index.md")
    bundle = site.root / "content/news/bundle"
    for name, width in (("featured-image-preview.svg", 100), ("featured-image.svg", 300)):
        _svg(bundle / name, width)
    _svg(bundle / "cover.svg", 200)
    (bundle / "inside").mkdir()
    _svg(bundle / "inside/feature.svg", 50)
    cache = ParseCache()
    catalog = load_catalog(site.settings(), cache)
    found = {a.slug: (a.image, a.image_alt, a.image_width) for a in catalog.articles}
    assert found == {
        "loveit": ("/img/l.png", "", 0),
        "papermod": ("/img/p.png", "A pier", 0),
        "bundle": ("featured-image.svg", "", 300),
    }
    (warning,) = [p for p in catalog.problems if p.path == bundle / "index.md"]
    assert "featured-image.svg" in warning.message and "image_alt" in warning.fix
    page = lxml_html.fromstring(make_client(site).get("/news/bundle/").text)
    assert page.xpath("//figure[@class='lead-image']/img/@src") == ["featured-image.svg"]

    def bundle_image() -> tuple[str, int]:
        (article,) = [a for a in load_catalog(site.settings(), cache).articles if a.bundle]
        return article.image, article.image_width

    (bundle / "featured-image.svg").unlink()
    assert bundle_image() == ("featured-image-preview.svg", 100)
    (bundle / "featured-image-preview.svg").unlink()
    assert bundle_image() == ("cover.svg", 200)
    (bundle / "cover.svg").unlink()
    assert bundle_image() == ("", 0), "a cover that is gone is no lead image"
    site.article("news/bundle/index.md", image="cover.svg", image_alt="Cover")
    _svg(bundle / "featured.svg", 10)
    assert bundle_image() == ("cover.svg", 0), "the image the front matter names wins"


def test_a_cold_start_parsed_on_all_cores_loads_the_same_catalog(
    site: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(40):
        site.article(f"news/n{number}.md", title=f"News {number}", tags=["t"])
    site.section("news/city", title="City")
    site.article("news/city/bundle/index.md", body="![](missing.png)")
    site.write("news/bad-yaml.md", "---\ntitle: ok\ndate: 2026-11-01\ntags: [unclosed\n---\nx\n")
    site.write("news/.hidden.md", "---\ntitle: Hidden\n---\n")
    (site.root / "content/news/latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    one_by_one = load_catalog(site.settings())

    assert one_by_one.read_ahead == frozenset(), "a small site is parsed as it is walked"
    monkeypatch.setattr(parsing, "PARSE_AHEAD_MIN_FILES", 0)  # as if it were a large one
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    cache = ParseCache()
    ahead = load_catalog(site.settings(), cache)
    assert ahead.read_ahead == ahead.read == one_by_one.read, "workers parsed every file first"
    assert multiprocessing.active_children() == [], "the workers and the read-ahead are gone"
    assert ahead.articles == one_by_one.articles
    assert ahead.problems == one_by_one.problems
    assert len(ahead.articles) == 41 and {p.path.name for p in ahead.problems} >= {
        "bad-yaml.md",
        "latin1.md",
    }
    entries = [cache.entry(article.file) for article in ahead.articles]
    settled = [e for e in entries if e is not None and e.parsed is SETTLED]
    assert len(settled) == 41, "each parse, taken from its worker, is let go once built"


def test_reading_ahead_passes_over_files_that_went_away(site: SiteFactory) -> None:
    site.article("news/a.md", title="A")
    kept = site.root / "content/news/a.md"
    parsing._read_ahead([str(site.root / "content/news/gone.md"), str(kept)])  # no error
    assert kept.read_text(encoding="utf-8").startswith("---")
