"""Publication fails closed: drafts however written, embargoes, expiry, empty sections."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from reader.cli import main
from reader.export import site_paths
from reader.live import Reloader
from reader.load import load_site
from reader.site import Site
from reader.store import SnapshotHolder
from tests.factories import NOW, SiteFactory, make_client, parse_html

MARKER = "Embargoed-7f3a"
"""Written into every article that must not be published; searched for in every output."""


def hidden(site: SiteFactory, relative: str, front: str) -> None:
    """An article that must stay unpublished, written with raw front matter lines."""
    site.write(
        relative,
        f"---\ntitle: {MARKER} headline\ndate: 2026-11-01T09:00:00+08:00\n"
        f"tags: [{MARKER}-tag]\n{front}\n---\n\n{MARKER} body.\n",
    )


@pytest.mark.parametrize(
    "front",
    [
        "draft: true",
        'draft: "true"',
        "draft: 'yes'",
        "draft: True",
        "draft: maybe",
        "draft:",
        "draft: 1",
        "publishDate: 2026-12-25T09:00:00+08:00",
        "publishdate: 2026-12-25",
        "expiryDate: 2026-11-20T00:00:00+08:00",
        "publishDate: not a date",
        # Hugo reads front matter keys in any case.
        "Draft: true",
        "DRAFT: yes",
        "PublishDate: 2026-12-25",
        "ExpiryDate: 2026-11-20T00:00:00+08:00",
        "draft: false\nDraft: true",  # which one is meant cannot be known: refused
    ],
)
def test_an_article_not_clearly_published_is_in_no_output(site: SiteFactory, front: str) -> None:
    site.article("news/live.md", title="Live", tags=["shared"])
    hidden(site, "news/held.md", front)
    hidden(site, "quiet/held.md", front)  # the only article of its section
    client = make_client(site)
    paths = ["/", "/news/", "/tags/", "/feeds/", "/feeds.opml", "/sitemap.xml", "/rss.xml"]
    paths += ["/atom.xml", "/feed.json", "/news/rss.xml", "/news-sitemap.xml"]
    paths += ["/api/v1/articles", "/tags/shared/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert MARKER not in response.text and "quiet" not in response.text, path
    for path in ("/news/held/", "/quiet/", "/quiet/rss.xml", f"/tags/{MARKER.lower()}-tag/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("front", ["draft: false", 'draft: "false"', "draft: no", "draft: 0"])
def test_a_clearly_false_draft_flag_publishes(site: SiteFactory, front: str) -> None:
    site.write("news/out.md", f"---\ntitle: Out\ndate: 2026-11-01\n{front}\n---\nText.\n")
    assert make_client(site).get("/news/out/").status_code == 200


def test_front_matter_keys_are_read_in_any_case_as_hugo_reads_them(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write(
        "news/caps.md",
        "---\nTitle: 大寫的鍵\nDate: 2026-11-01T09:00:00+08:00\nTags: [Harbour]\n"
        "Description: A summary.\n---\nText.\n",
    )
    site.write("news/twice.md", "---\ntitle: A\ndate: 2026-11-01\ndraft: false\nDraft: true\n---\n")
    page = parse_html(make_client(site).get("/news/caps/"))
    assert page.xpath("string(//h1)") == "大寫的鍵"
    assert page.xpath("//meta[@name='description']/@content") == ["A summary."]
    assert make_client(site).get("/tags/harbour/").status_code == 200
    assert main(["check", str(site.root)]) == 1
    said = capsys.readouterr().out
    assert "twice.md:5: error: the field 'draft' is written twice" in said, said


def test_check_says_why_an_article_is_held_back(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    hidden(site, "news/unsure.md", "draft: maybe")
    hidden(site, "news/later.md", "publishDate: 2099-01-01T00:00:00+08:00")
    site.article("news/live.md")
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "unsure.md:5: warning: draft: 'maybe' is neither true nor false" in out
    assert "later.md: note: not published: its publishDate 2099-01-01T00:00:00+08:00" in out


def test_embargo_and_expiry_take_effect_by_themselves(site: SiteFactory) -> None:
    site.article("news/live.md", title="Live")
    site.article("news/embargoed.md", title="Embargoed", publishDate="2026-11-28T13:00:00+08:00")
    site.article("news/expiring.md", title="Expiring", expiryDate="2026-11-28T14:00:00+08:00")
    settings = site.settings()
    snapshot, catalog = load_site(settings, NOW)
    holder = SnapshotHolder(snapshot, catalog, id)
    assert {a.title for a in holder.current.articles} == {"Live", "Expiring"}
    embargo = datetime.fromisoformat("2026-11-28T13:00:00+08:00")
    assert holder.current.refresh_at == embargo
    Reloader(settings, holder, lambda: embargo).republish()
    assert {a.title for a in holder.current.articles} == {"Live", "Expiring", "Embargoed"}
    expiry = datetime.fromisoformat("2026-11-28T14:00:00+08:00")
    assert holder.current.refresh_at == expiry
    Reloader(settings, holder, lambda: expiry + timedelta(seconds=1)).republish()
    assert {a.title for a in holder.current.articles} == {"Live", "Embargoed"}


def test_a_section_with_nothing_published_does_not_exist(site: SiteFactory) -> None:
    site.section("empty", title="Empty section", description="Nothing yet")
    site.section("news/plans", title="Plans")
    hidden(site, "news/plans/soon.md", "draft: true")
    site.article("news/live.md", title="Live")
    site.article("news/older.md", title="Older", date="2026-10-01T09:00:00+08:00")
    client = make_client(site)
    for path in ("/empty/", "/empty/rss.xml", "/news/plans/", "/news/plans/atom.xml"):
        assert client.get(path).status_code == 404, path
    opml = etree.fromstring(client.get("/feeds.opml").content)
    titles = {o.get("text") for o in opml.iter("outline")}
    assert "Empty section" not in titles and "Plans" not in titles
    home = parse_html(client.get("/"))
    assert home.xpath("//nav[@class='site-nav']//a/@href") == ["/news/"]
    assert [h.text for h in home.xpath("//section[@class='block']/h2")] == ["News"]
    assert "Empty section" not in home.text_content()


def test_no_output_of_any_route_or_the_export_holds_an_unpublished_article(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/live.md", title="Live", tags=["shared"], aliases=["/old-live/"])
    for number, front in enumerate(
        [
            "draft: true",
            'draft: "yes"',
            "date: 2099-01-01",
            "publishDate: 2099-01-01",
            "expiryDate: 2020-01-01",
        ]
    ):
        hidden(site, f"news/held{number}/index.md", f"{front}\naliases: [/{MARKER}{number}/]")
        (site.root / f"content/news/held{number}/{MARKER}.txt").write_text(MARKER)
    hidden(site, f"{MARKER}-section/only.md", "draft: true")
    settings = site.settings()
    built = Site(settings, lambda: NOW)
    snapshot = built.holder.current
    paths = site_paths(snapshot)
    assert len(paths) > 20
    for path in [*paths, "/api/v1/articles", "/api/v1/articles?limit=100", "/oembed?url=x"]:
        answer = built.answer(*path.split("?", 1))
        assert MARKER.encode() not in answer.body, path
        assert MARKER not in (answer.location or ""), path
    counts = parse_html(make_client(site).get("/tags/")).xpath("//span[@class='count']/text()")
    assert counts == ["(1)"], "a keyword counts only what is published"
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--no-index", "--no-precompress"]) == 0
    for file in out.rglob("*"):
        assert MARKER not in file.name
        if file.is_file():
            assert MARKER.encode() not in file.read_bytes(), file


GOOD = "---\ntitle: Was fine\ndate: 2026-11-01T09:00:00+08:00\n---\n\nThe good body.\n"


@pytest.mark.parametrize(
    "broken",
    [
        "---\ntitle: [unclosed\ndate: 2026-11-01\n---\n\nA new body.\n",  # YAML error
        "+++\ntitle = unquoted\n+++\n\nA new body.\n",  # TOML error
        "---\ntitle: Was fine\ndate: 2026-11-01\n\nNever closed.\n",  # no closing fence
        "---\ndate: 2026-11-01\n---\n\nThe title went missing.\n",  # parses, but no title
        "---\ntitle: [x\ndraft: false\nexpiryDate: 2099-01-01\n---\n",  # says it stays
    ],
)
def test_a_broken_edit_keeps_the_version_read_before(site: SiteFactory, broken: str) -> None:
    path = site.write("news/story.md", GOOD)
    live = Site(site.settings(), lambda: NOW)
    path.write_text(broken, encoding="utf-8")
    live.reloader.reload({str(path)})
    page = live.answer("/news/story/")
    assert page.status == 200 and b"Was fine" in page.body
    assert any("the version read before" in p.message for p in live.holder.catalog.problems)
    live.reloader.reload({str(site.root / "content/news/other.md")})  # an unrelated reload
    assert live.answer("/news/story/").status == 200, "kept until the file is fixed"


@pytest.mark.parametrize(
    "says",
    [
        "draft: true",
        "draft: 'maybe'",
        "draft = true",
        "date: 2099-01-01T00:00:00+08:00",
        "publishDate: 2099-01-01",
        "date: next tuesday",
        "expiryDate: 2000-01-01",
        "expirydate: garbled",
    ],
)
def test_a_broken_edit_that_seems_to_withdraw_withdraws(site: SiteFactory, says: str) -> None:
    """Read leniently, line by line: a draft flag or a date in broken text is obeyed."""
    path = site.write("news/story.md", GOOD)
    site.article("news/other.md", title="Other")
    live = Site(site.settings(), lambda: NOW)
    path.write_text(f"---\ntitle: [unclosed\n{says}\n---\n\n{MARKER}\n", encoding="utf-8")
    live.reloader.reload({str(path)})
    for route in ("/news/story/", "/news/story/index.md"):
        assert live.answer(route).status == 404
    assert b"Was fine" not in live.answer("/rss.xml").body
    assert any("until the file is fixed" in p.message for p in live.holder.catalog.problems)
    path.write_text(GOOD.replace("Was fine", "Fixed"), encoding="utf-8")
    live.reloader.reload({str(path)})
    assert b"Fixed" in live.answer("/news/story/").body, "back once the file is fixed"


def test_a_broken_file_never_read_well_is_not_published(site: SiteFactory) -> None:
    site.write("news/story.md", "---\ntitle: [unclosed\n---\n\nBody.\n")
    site.article("news/other.md", title="Other")
    assert Site(site.settings(), lambda: NOW).answer("/news/story/").status == 404
