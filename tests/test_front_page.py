"""The front page and section pages as news: a lead story, blocks per section, pagination,
teaser pictures in every format made of them, navigation, related articles, link previews."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from reader.model import Article
from reader.pages import Pager
from reader.renditions import WIDTHS, modern_formats, plan
from reader.site import Site
from reader.store import pinned_until
from reader.views import _ListedApart, open_graph_locale
from tests.factories import NOW, SiteFactory, fixed_clock, make_client, parse_html


def photo(site: SiteFactory, relative: str, size: tuple[int, int] = (1200, 800)) -> Path:
    """A JPEG of ``size`` below content/."""
    path = site.root / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 90, 40)).save(path, "JPEG")
    return path


def day(n: int) -> str:
    return (NOW - timedelta(days=n)).isoformat()


def news_site(site: SiteFactory, count: int = 12) -> None:
    """Two top sections; the third-newest article has a photo."""
    for n in range(count):
        section = "city" if n % 2 else "sport"
        fields: dict[str, object] = {"title": f"Story {n}", "date": day(n + 1)}
        if n == 2:
            photo(site, f"{section}/story-{n}/harbour.jpg")
            fields |= {"image": "harbour.jpg", "image_alt": "The harbour at dawn"}
            site.article(f"{section}/story-{n}/index.md", **fields)  # type: ignore[arg-type]
        else:
            site.article(f"{section}/story-{n}.md", **fields)  # type: ignore[arg-type]


def test_the_lead_is_the_newest_illustrated_article_and_is_not_listed_again(
    site: SiteFactory,
) -> None:
    news_site(site)
    client = make_client(site, page_size=5)
    page = parse_html(client.get("/"))
    assert page.xpath("//h1[@class='site-title']//text()") == ["Test Gazette"], "one h1"
    assert page.xpath("//main//h1") == []
    assert page.xpath("//article[@class='lead-story']//h2/a/text()") == ["Story 2"]
    lead_image = page.xpath("//article[@class='lead-story']//img")[0]
    assert lead_image.get("fetchpriority") == "high" and lead_image.get("loading") is None
    listed = []
    for number in (1, 2, 3):
        path = "/" if number == 1 else f"/page/{number}/"
        shown = parse_html(client.get(path))
        listed += shown.xpath("//*[@class='latest']//article/*/*[self::h2 or self::h3]/a/text()")
        if number > 1:
            assert not shown.xpath("//article[@class='lead-story']"), "the lead is page 1's"
            assert shown.xpath("//main/h1/text()") == [f"Latest articles - Page {number}"]
    assert client.get("/page/4/").status_code == 404
    assert listed == [f"Story {n}" for n in range(12) if n != 2], "every other article once"


def test_each_top_section_has_a_block_with_its_newest_and_a_link_to_the_rest(
    site: SiteFactory,
) -> None:
    news_site(site)
    page = parse_html(make_client(site).get("/"))
    blocks = {
        block.xpath("h2/text()")[0]: block for block in page.xpath("//section[@class='block']")
    }
    assert sorted(blocks) == ["City", "Sport"]
    assert blocks["Sport"].xpath(".//h3/a/text()") == ["Story 0", "Story 4", "Story 6"]
    assert blocks["Sport"].xpath(".//p[@class='more']/a/@href") == ["/sport/"]
    assert blocks["Sport"].xpath(".//p[@class='summary']") == [], "headlines only"


def test_an_editors_pin_leads_until_it_runs_out(site: SiteFactory) -> None:
    news_site(site)
    site.article(
        "city/pinned.md",
        title="Pinned",
        date=day(20),
        featured=True,
        featured_until=(NOW + timedelta(hours=5)).isoformat(),
    )
    site.article("city/typo.md", title="Typo", date=day(30), featured="ture")
    lead = "//article[@class='lead-story']//h2/a/text()"
    assert parse_html(make_client(site).get("/")).xpath(lead) == ["Pinned"]
    section = parse_html(make_client(site).get("/city/"))
    assert section.xpath(lead) == ["Pinned"], "a section's lead is its own pinned article"
    later = fixed_clock(NOW + timedelta(hours=6))
    assert parse_html(make_client(site, clock=later).get("/")).xpath(lead) == ["Story 2"]
    built = Site(site.settings(), fixed_clock())
    assert built.holder.current.refresh_at == NOW + timedelta(hours=5), "rebuilt when it ends"
    assert [a.title for a in built.holder.current.pinned] == ["Pinned"], "typo pins nothing"


def test_a_pin_without_an_end_lasts_the_sites_featured_days(site: SiteFactory) -> None:
    site.article("news/a.md", title="A", date=day(1), featured=True)
    settings_ = site.settings(featured_days=3)
    article = Site(settings_, fixed_clock()).holder.current.pinned[0]
    assert pinned_until(settings_, article) == article.date + timedelta(days=3)


@settings(max_examples=200, deadline=None)
@given(
    count=st.integers(0, 40),
    size=st.integers(1, 7),
    lead_at=st.integers(0, 45),
)
def test_pages_without_the_lead_hold_every_other_article_once(
    count: int, size: int, lead_at: int
) -> None:
    # Newest first, as every list is (some sharing a date: then by path).
    articles = [
        Article(
            section=("a",),
            slug=f"s{n:02d}",
            title=f"S{n}",
            date=NOW - timedelta(hours=n // 2),
            file=f"/s{n}.md",
            id=str(n),
        )
        for n in range(count)
    ]
    articles.sort(key=lambda a: (a.date, a.key), reverse=True)
    lead = articles[lead_at] if lead_at < count else None
    listed = _ListedApart(articles, lead)
    pages = max(1, -(-len(listed) // size))
    shown: list[Article] = []
    for number in range(1, pages + 1):
        page = listed.page(Pager(number, pages, None, None), size)
        assert len(page) == (size if number < pages else len(listed) - size * (pages - 1))
        shown += page
    assert shown == [a for a in articles if a is not lead]


def test_teasers_offer_each_format_at_each_width_and_keep_their_box(site: SiteFactory) -> None:
    news_site(site)
    page = parse_html(make_client(site).get("/sport/"))
    lead = page.xpath("//article[@class='lead-story']//picture")[0]
    image = lead.xpath(".//img")[0]
    assert (image.get("width"), image.get("height"), image.get("alt")) == (
        "1200",
        "800",
        "The harbour at dawn",
    )
    assert image.get("src") == "/sport/story-2/harbour.jpg"
    sources = lead.xpath(".//source")
    assert [s.get("type") for s in sources] == [f"image/{f}" for f in modern_formats()]
    widths = [w for w in WIDTHS if w < 1200] + [1200]
    for source in (*sources, image):
        offered = [c.strip().rsplit(" ", 1) for c in source.get("srcset").split(",")]
        assert [int(w[:-1]) for _, w in offered] == widths
        assert all(url.startswith("/_img/") for url, _ in offered)


def test_a_teaser_without_an_image_loses_nothing_and_an_svg_is_served_as_it_is(
    site: SiteFactory,
) -> None:
    site.article("news/plain.md", title="Plain", date=day(1))
    site.write(
        "news/drawn/index.md",
        "---\ntitle: Drawn\ndate: " + day(2) + "\nimage: map.svg\nimage_alt: A map\n---\n\nText.\n",
    )
    site.write(
        "news/drawn/map.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"></svg>',
    )
    page = parse_html(make_client(site).get("/news/"))
    drawn = page.xpath("//article[@class='lead-story']//img")[0]
    assert drawn.get("src") == "/news/drawn/map.svg" and drawn.get("srcset") is None
    assert (drawn.get("width"), drawn.get("height")) == ("300", "200")
    plain = page.xpath("//ul[@class='teasers']//article")[0]
    assert plain.get("class") == "teaser" and not plain.xpath(".//img")
    assert plain.xpath(".//h3/a/text()") == ["Plain"]


def test_renditions_are_made_beside_the_server_and_the_original_stands_in_until_then(
    site: SiteFactory, tmp_path: Path
) -> None:
    news_site(site)
    built = Site(site.settings(), fixed_clock(), index_path=tmp_path / "cache" / "index.sqlite")
    article = next(a for a in built.holder.current.articles if a.image)
    planned = plan(article)
    assert planned is not None
    webp = next(r for r in planned.renditions if r.format == "webp" and r.width == 640)
    path = f"/_img/{planned.key}/{webp.name}"
    before = built.answer(path)
    assert before.status == 200 and before.body[:2] == b"\xff\xd8", "the original JPEG"
    made = built.renditions.make(built.holder.current.articles)
    assert made == len(planned.renditions) - 1, "every rendition but the original itself"
    built.holder.fresh_caches(built.holder.current)
    after = built.answer(path)
    with Image.open(io.BytesIO(after.body)) as image:
        assert (image.format, image.size) == ("WEBP", (640, 427))
    assert built.renditions.make(built.holder.current.articles) == 0, "made once"
    assert built.answer(f"/_img/{planned.key}/641.webp").status == 404, "only what is offered"
    assert built.answer(f"/_img/{'0' * 20}/{webp.name}").status == 404


def test_a_broken_image_costs_only_its_renditions(site: SiteFactory, tmp_path: Path) -> None:
    site.write(
        "news/a/index.md",
        "---\ntitle: A\ndate: " + day(1) + "\nimage: a.jpg\nimage_alt: x\n---\n\nText.\n",
    )
    good = io.BytesIO()
    Image.effect_noise((800, 600), 64).convert("RGB").save(good, "JPEG")
    # Its header (and so its size) is whole; its pixels are cut short.
    (site.root / "content/news/a/a.jpg").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    built = Site(site.settings(), fixed_clock(), index_path=tmp_path / "index.sqlite")
    planned = plan(built.holder.current.articles[0])
    assert planned is not None, "its size is read from the header"
    assert built.renditions.make(built.holder.current.articles) == 0
    assert built.renditions.make(built.holder.current.articles) == 0, "tried once"
    served = built.answer(f"/_img/{planned.key}/{planned.renditions[0].name}")
    assert served.status == 200 and served.body == (site.root / "content/news/a/a.jpg").read_bytes()
    assert built.answer("/news/a/").status == 200


def test_an_article_names_its_section_feeds_related_articles_and_a_way_to_share(
    site: SiteFactory,
) -> None:
    site.article("news/a.md", title="A", date=day(1), tags=["ferry", "night"])
    for n in range(7):
        site.article(f"news/r{n}.md", title=f"R{n}", date=day(n + 2), tags=["ferry"])
    site.article("news/other.md", title="Other", date=day(1), tags=["market"])
    page = parse_html(make_client(site).get("/news/a/"))
    feeds = page.xpath("//section[@class='subscribe']//a/@href")
    assert feeds == ["/news/rss.xml", "/news/atom.xml", "/news/feed.json"]
    related = page.xpath("//section[@class='related']//h3/a/text()")
    assert related == ["R0", "R1", "R2", "R3", "R4"], "sharing a keyword, newest first, five"
    link = page.xpath("//a[@class='share-link']")[0]
    assert link.text == link.get("href") == "https://news.example.org/news/a/", "to copy"
    mail = urlsplit(page.xpath("//section[@class='share']//a/@href")[1])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query) == {"subject": ["A"], "body": ["https://news.example.org/news/a/"]}
    assert not page.xpath("//script[not(@type='application/ld+json')]"), "no script"


def test_the_header_names_the_sections_and_marks_the_current_one(site: SiteFactory) -> None:
    news_site(site)
    client = make_client(site)
    nav = "//header//nav[@class='site-nav']//a"
    home = parse_html(client.get("/"))
    assert [(a.text, a.get("aria-current")) for a in home.xpath(nav)] == [
        ("City", None),
        ("Sport", None),
    ]
    article = parse_html(client.get("/sport/story-0/"))
    assert [a.get("aria-current") for a in article.xpath(nav)] == [None, "true"]
    section = parse_html(client.get("/sport/"))
    assert [a.get("aria-current") for a in section.xpath(nav)] == [None, "page"]


def test_link_previews_carry_the_article_and_a_raster_image(site: SiteFactory) -> None:
    news_site(site)
    page = parse_html(make_client(site).get("/sport/story-2/"))

    def meta(name: str) -> list[str]:
        found = page.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
        return list(found)

    assert meta("og:type") == ["article"] and meta("og:title") == ["Story 2"]
    assert meta("og:url") == ["https://news.example.org/sport/story-2/"]
    assert meta("og:site_name") == ["Test Gazette"] and meta("og:locale") == ["en_US"]
    (image,) = meta("og:image")
    assert image.startswith("https://news.example.org/_img/") and image.endswith("/1200.jpg")
    assert meta("og:image:width") == ["1200"] and meta("og:image:height") == ["800"]
    assert meta("og:image:alt") == ["The harbour at dawn"]
    assert meta("twitter:card") == ["summary_large_image"]
    home = parse_html(make_client(site).get("/"))
    assert home.xpath("//meta[@property='og:type']/@content") == ["website"]


def test_open_graph_locales_from_language_tags() -> None:
    assert open_graph_locale("zh-Hant") == "zh_TW"
    assert open_graph_locale("zh-Hans") == "zh_CN"
    assert open_graph_locale("en") == "en_US"
    assert open_graph_locale("not a tag") == "not a tag".replace("-", "_")


def test_a_plan_is_made_only_for_what_we_can_resize() -> None:
    def article(**fields: object) -> Article:
        base: dict[str, object] = {
            "section": ("a",),
            "slug": "b",
            "title": "T",
            "date": NOW,
            "file": "/x.md",
            "id": "i",
            "image": "p.jpg",
            "image_type": "image/jpeg",
            "image_file": "/p.jpg",
            "image_width": 3000,
            "image_height": 2000,
            "image_key": "k",
        }
        return Article(**(base | fields))  # type: ignore[arg-type]

    big = plan(article())
    assert big is not None and [r.width for r in big.of("jpg")] == list(WIDTHS)
    assert plan(article(image_type="image/svg+xml")) is None
    assert plan(article(image_type="image/gif")) is None
    assert plan(article(image_file="")) is None, "another host's image"
    assert plan(article(image_width=0)) is None
    assert plan(article(image_width=100_000, image_height=100_000)) is None, "too large"
    assert plan(article(image_key="")) is None, "not measured"


def test_a_withdrawn_articles_pictures_are_withdrawn_with_it(site: SiteFactory) -> None:
    news_site(site)
    before = Site(site.settings(), fixed_clock())
    article = next(a for a in before.holder.current.articles if a.image)
    planned = plan(article)
    assert planned is not None
    path = f"/_img/{planned.key}/{planned.renditions[0].name}"
    assert before.answer(path).status == 200
    source = Path(article.file)
    source.write_text(source.read_text().replace("---\n", "---\ndraft: true\n", 1))
    after = Site(site.settings(), fixed_clock())
    assert after.answer(path).status == 404


def test_a_lead_images_addresses_follow_its_file_not_its_time(site: SiteFactory) -> None:
    image = photo(site, "news/a/p.jpg")
    site.article("news/a/index.md", title="A", date=day(1), image="p.jpg", image_alt="x")

    def key() -> str:
        article = Site(site.settings(), fixed_clock()).holder.current.articles[0]
        planned = plan(article)
        assert planned is not None
        return planned.key

    first = key()
    later = image.stat().st_mtime + 3600
    os.utime(image, (later, later))  # as another machine's checkout leaves it
    assert key() == first
    photo(site, "news/a/p.jpg", (1600, 900))
    assert key() != first, "a new picture, new addresses"


def test_the_export_writes_every_page_of_the_lists_and_no_more(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.site_toml += "page_size = 2\n"
    site.__post_init__()
    photo(site, "news/a/p.jpg")
    site.article("news/a/index.md", title="A", date=day(1), image="p.jpg", image_alt="x")
    for n in range(4):
        site.article(f"news/b{n}.md", title=f"B{n}", date=day(n + 2))
    out = tmp_path / "out"
    from reader.cli import main

    assert main(["build", str(site.root), str(out), "--no-index", "--no-precompress"]) == 0
    # Five articles, one the lead: four listed, two pages of two, on the front page and
    # in the section alike.
    for listed in ("", "news/"):
        assert (out / listed / "page/2/index.html").is_file(), listed
        assert not (out / listed / "page/3").exists(), listed


def test_a_reload_does_not_look_again_for_renditions_already_made(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news_site(site)
    built = Site(site.settings(), fixed_clock(), index_path=tmp_path / "index.sqlite")
    articles = built.holder.current.articles
    assert built.renditions.make(articles) > 0
    looked: list[str] = []
    monkeypatch.setattr(built.renditions, "made", lambda key, r: looked.append(key))
    assert built.renditions.make(articles) == 0
    assert looked == [], "every file of a complete image is not stat-ed on each reload"
