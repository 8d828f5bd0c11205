"""Pages, parsed as HTML: trails, neighbours, languages, headings, labels and URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

import pytest

from tests.factories import Client, SiteFactory, make_client, parse_html


@pytest.fixture
def newsroom(site: SiteFactory) -> SiteFactory:
    site.section("topics", title="Topics")
    site.section("topics/east", title="East District")
    site.section("topics/east/news", title="News")
    news = "topics/east/news"
    site.article(f"{news}/first.md", title="First story", date="2026-11-01T09:00:00+08:00")
    site.article(
        f"{news}/second.md",
        title="Second story",
        date="2026-11-02T09:00:00+08:00",
        kicker="Harbour series",
        source="Port Authority",
        author="Lin",
        tags=["Transport", "港灣區"],
        updated="2026-11-03T10:00:00+08:00",
        body="## Details\n\n> A quote\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    )
    site.article(f"{news}/third.md", title="Third story", date="2026-11-03T09:00:00+08:00")
    site.article(
        "topics/east/港口新聞.md",
        title="港口新聞",
        lang="zh-Hant",
        tags=["港灣區"],
        date="2026-11-04T09:00:00+08:00",
    )
    return site


@pytest.fixture
def client(newsroom: SiteFactory) -> Client:
    return make_client(newsroom)


def page(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return parse_html(response)


def texts(nodes: list[Any]) -> list[str]:
    return [" ".join(n.text_content().split()) for n in nodes]


def test_article_breadcrumbs_are_the_whole_trail(client: Client) -> None:
    tree = page(client, "/topics/east/news/second/")
    (nav,) = tree.xpath("//nav[ol[@itemtype='https://schema.org/BreadcrumbList']]")
    assert nav.get("aria-label") == "Breadcrumb"
    items = nav.xpath("./ol/li")
    assert texts(items) == ["Home", "Topics", "East District", "News", "Second story"]
    assert [i.xpath("string(.//a/@href)") for i in items] == [
        "/",
        "/topics/",
        "/topics/east/",
        "/topics/east/news/",
        "/topics/east/news/second/",
    ]
    current = nav.xpath(".//*[@aria-current]")
    assert len(current) == 1 and current[0].get("aria-current") == "page"
    assert current[0].text_content() == "Second story"
    assert [m.get("content") for m in nav.xpath(".//meta[@itemprop='position']")] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert not tree.xpath("//article//nav"), "navigation stays outside the article"


def test_article_reading_mode_markup(client: Client) -> None:
    tree = page(client, "/topics/east/news/second/")
    (main,) = tree.xpath("//main")
    (article,) = main.xpath("./article")
    assert texts(tree.xpath("//h1")) == ["Second story"]
    assert texts(article.xpath(".//*[@class='kicker']")) == ["Harbour series"]
    assert texts(article.xpath(".//*[@class='source']")) == ["Source: Port Authority"]
    assert texts(article.xpath(".//*[@class='author']")) == ["Author: Lin"]
    times = article.xpath(".//time/@datetime")
    assert times == ["2026-11-02T09:00:00+08:00", "2026-11-03T10:00:00+08:00"]
    for tag in ("h2", "blockquote", "ul", "table"):
        assert article.xpath(f".//div[@class='body']//{tag}"), tag
    tags = tree.xpath("//nav[@aria-label='Keywords']//a")
    assert texts(tags) == ["Transport", "港灣區"]
    assert [unquote(a.get("href")) for a in tags] == ["/tags/transport/", "/tags/港灣區/"]
    assert not article.xpath(".//a[@rel='tag']"), "keyword links stay outside the article"


def test_no_empty_byline_labels(client: Client) -> None:
    tree = page(client, "/topics/east/news/first/")
    article = tree.xpath("//article")[0]
    assert not article.xpath(".//*[@class='source' or @class='author' or @class='kicker']")
    assert texts(article.xpath(".//time")) and len(article.xpath(".//time")) == 1
    for span in article.xpath(".//p[@class='byline']/span[@class!='reading-time']"):
        label, _, value = span.text_content().partition(": ")
        assert value.strip(), f"empty label {label!r}"


def test_neighbours_have_titles_and_rel(client: Client) -> None:
    middle = page(client, "/topics/east/news/second/")
    (nav,) = middle.xpath("//nav[@aria-label='More in this section']")
    assert [(a.get("rel"), a.get("href"), a.text) for a in nav.xpath(".//a")] == [
        ("prev", "/topics/east/news/first/", "First story"),
        ("next", "/topics/east/news/third/", "Third story"),
    ]
    first = page(client, "/topics/east/news/first/")
    assert [a.get("rel") for a in first.xpath("//a[@rel='prev' or @rel='next']")] == ["next"]
    last = page(client, "/topics/east/news/third/")
    assert [a.get("rel") for a in last.xpath("//a[@rel='prev' or @rel='next']")] == ["prev"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/topics/",
        "/topics/east/news/",
        "/topics/east/news/second/",
        "/tags/",
        "/tags/transport/",
    ],
)
def test_every_page_has_the_essentials(client: Client, path: str) -> None:
    tree = page(client, path)
    assert tree.get("lang") == "en"
    assert len(tree.xpath("//h1")) == 1
    assert tree.xpath("string(//title)").strip()
    (canonical,) = tree.xpath("//link[@rel='canonical']/@href")
    assert canonical == "https://news.example.org" + path
    first_link = tree.xpath("//body//a")[0]
    assert first_link.get("class") == "skip-link" and first_link.get("href") == "#main"
    assert tree.xpath("//main[@id='main']")
    footer = texts(tree.xpath("//footer//p"))
    assert "Licence No. 123" in footer and "Registration 456" in footer
    assert tree.xpath("//link[@rel='alternate'][@type='application/atom+xml']")
    assert tree.xpath("//link[@rel='alternate'][@type='application/rss+xml']")
    for element in tree.xpath("//*[@aria-label]"):
        assert element.get("aria-label").strip()
    if path != "/":
        assert tree.xpath("//nav[@aria-label='Breadcrumb']")


def test_feed_autodiscovery_fits_the_page(client: Client) -> None:
    tree = page(client, "/topics/east/news/second/")
    feeds = tree.xpath("//link[@rel='alternate']/@href")
    assert "/topics/east/news/rss.xml" in feeds and "/topics/east/news/atom.xml" in feeds
    tag = page(client, "/tags/transport/")
    assert tag.xpath("//link[@rel='alternate']/@href") == [
        "/tags/transport/rss.xml",
        "/tags/transport/atom.xml",
        "/tags/transport/feed.json",
    ]


def test_article_language_sets_html_lang(client: Client) -> None:
    path = "/topics/east/" + quote("港口新聞") + "/"
    tree = page(client, path)
    assert tree.get("lang") == "zh-Hant"
    assert texts(tree.xpath("//nav[@aria-label='導覽路徑']//li"))[0] == "首頁"
    # The site's own (English) names inside a Chinese page carry their language.
    assert tree.xpath("//nav[@aria-label='導覽路徑']//span[@lang='en']")


def test_section_page_lists_its_tree_newest_first_and_paginates(newsroom: SiteFactory) -> None:
    client = make_client(newsroom, page_size=2)
    tree = page(client, "/topics/")
    assert texts(tree.xpath("//ul[@class='teasers']//h3")) == ["港口新聞", "Third story"]
    assert texts(tree.xpath("//ul[@class='sections']//a")) == ["East District"]
    assert tree.xpath("//nav[@aria-label='Pages']//a[@rel='next']/@href") == ["/topics/page/2/"]
    second = page(client, "/topics/page/2/")
    assert texts(second.xpath("//ul[@class='teasers']//h3")) == ["Second story", "First story"]
    assert second.xpath("//a[@rel='prev']/@href") == ["/topics/"]
    assert client.get("/topics/page/9/").status_code == 404
    assert client.get("/topics/page/1/").headers["location"] == "/topics/"


def test_tag_page_lists_the_articles(client: Client) -> None:
    tree = page(client, "/tags/" + quote("港灣區") + "/")
    assert texts(tree.xpath("//ul[@class='teasers']//h3")) == ["港口新聞", "Second story"]
    assert client.get("/tags/nothing/").status_code == 404


def test_styled_404(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    tree = parse_html(response)
    assert texts(tree.xpath("//h1")) == ["Page not found"]
    assert tree.xpath("//link[@rel='stylesheet']")


def test_missing_slash_and_aliases_redirect_permanently(newsroom: SiteFactory) -> None:
    newsroom.article("topics/old.md", title="Moved", aliases=["/2019/old-story/"])
    client = make_client(newsroom)
    response = client.get("/topics/east/news/second")
    assert response.status_code == 301
    assert response.headers["location"] == "/topics/east/news/second/"
    moved = client.get("/2019/old-story/")
    assert moved.status_code == 301
    assert moved.headers["location"] == "/topics/old/"


def test_absolute_urls_ignore_the_host_header(client: Client) -> None:
    response = client.get("/topics/", headers={"host": "evil.example"})
    tree = parse_html(response)
    assert tree.xpath("//link[@rel='canonical']/@href") == ["https://news.example.org/topics/"]


def test_drafts_and_future_articles_are_never_shown(newsroom: SiteFactory) -> None:
    newsroom.article("topics/east/news/draft.md", title="DRAFT-X", draft=True, tags=["Transport"])
    newsroom.article(
        "topics/east/news/future.md", title="FUTURE-X", date="2027-01-01T00:00:00+08:00"
    )
    # A one-entry feed length, so every older article is in an archive document too.
    client = make_client(newsroom, feed_length=1)
    assert client.get("/topics/east/news/rss-archive-2.xml").status_code == 200
    for path in (
        "/",
        "/topics/",
        "/topics/east/news/",
        "/topics/east/news/third/",
        "/tags/",
        "/tags/transport/",
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/topics/east/news/rss.xml",
        "/topics/east/news/feed.json",
        "/topics/east/news/rss-archive-1.xml",
        "/topics/east/news/rss-archive-2.xml",
        "/tags/transport/atom.xml",
        "/tags/transport/atom-archive-1.xml",
        "/feeds/",
        "/feeds.opml",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/api/v1/articles?limit=100",
        "/api/v1/articles?section=topics/east/news&tag=transport",
    ):
        body = client.get(path).text
        assert "DRAFT-X" not in body and "FUTURE-X" not in body, path
        assert "/draft/" not in body and "/future/" not in body, path
    assert client.get("/topics/east/news/draft/").status_code == 404
    newsroom.article("topics/hidden/index.md", draft=True)
    (newsroom.root / "content/topics/hidden/photo.png").write_bytes(b"\x89PNG")
    assert make_client(newsroom).get("/topics/hidden/photo.png").status_code == 404
    assert client.get("/topics/east/news/future/").status_code == 404


def test_bundle_files_and_static_files_are_served(site: SiteFactory) -> None:
    site.article("news/b/index.md", body="![A map](map.png)")
    (site.root / "content/news/b/map.png").write_bytes(b"\x89PNG\r\n")
    (site.root / "static/images").mkdir(parents=True)
    (site.root / "static/images/logo.svg").write_text("<svg/>")
    client = make_client(site)
    image = client.get("/news/b/map.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert client.get("/images/logo.svg").headers["content-type"] == "image/svg+xml"
    assert client.get("/news/b/index.md").status_code == 404
    assert client.get("/images/../../site.toml").status_code == 404
    assert client.get("/_assets/style.css").headers["content-type"] == "text/css; charset=utf-8"


def test_images_get_their_size_lazy_loading_and_alt(site: SiteFactory) -> None:
    site.article(
        "news/b/index.md",
        image="lead.svg",
        image_alt="The lead",
        body="![A map](map.svg)\n\n![](photo.svg)\n\n![Elsewhere](https://images.example/x.png)",
    )
    for name, size in (("lead.svg", (640, 360)), ("map.svg", (300, 200)), ("photo.svg", (40, 20))):
        (site.root / "content/news/b" / name).write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[0]}" height="{size[1]}"/>'
        )
    page = parse_html(make_client(site).get("/news/b/"))
    images = [dict(i.attrib) for i in page.xpath("//main//img")]
    assert images[0] == {
        "src": "lead.svg",
        "alt": "The lead",
        "width": "640",
        "height": "360",
        "fetchpriority": "high",
    }
    assert [(i["src"], i.get("width"), i.get("loading")) for i in images[1:]] == [
        ("map.svg", "300", "lazy"),
        ("photo.svg", "40", "lazy"),
        ("https://images.example/x.png", None, "lazy"),
    ]
    assert images[2]["alt"] == "", "no alt text: skipped by screen readers, reported by check"
    assert not page.xpath("//mark"), "no editor markers outside preview"
    preview = parse_html(make_client(site, preview=True).get("/news/b/"))
    (marker,) = preview.xpath("//mark[@class='missing-alt']")
    assert marker.text == "Editor: this image has no alt text"
    assert marker.getnext().get("src") == "photo.svg"


def test_an_images_alt_text_said_again_beside_it_is_said_once(site: SiteFactory) -> None:
    """A credit or caption written after the image and as its alt (imported portal pages do
    it: ``![图/pixabay](x.jpg) 图/pixabay``) would be read out twice (axe:
    image-redundant-alt): the words stay, the alt is emptied, and it is no missing alt."""
    site.article("news/a.md", body="![图/pixabay](/a.png) 图/pixabay\n\n![港灣](/b.png) 港灣的早晨")
    images = parse_html(make_client(site).get("/news/a/")).xpath("//main//img")
    assert [(i.get("src"), i.get("alt")) for i in images] == [("/a.png", ""), ("/b.png", "港灣")]
    preview = parse_html(make_client(site, preview=True).get("/news/a/"))
    assert not preview.xpath("//mark[@class='missing-alt']")


def test_without_a_lead_image_the_first_body_image_loads_at_once(site: SiteFactory) -> None:
    site.article("news/a.md", body="![One](/one.png)\n\n![Two](/two.png)")
    page = parse_html(make_client(site).get("/news/a/"))
    assert [i.get("loading") for i in page.xpath("//main//img")] == [None, "lazy"]


def test_head_and_conditional_get(client: Client) -> None:
    first = client.get("/topics/")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    again = client.get("/topics/", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    head = client.head("/topics/")
    assert head.status_code == 200 and head.headers["etag"] == etag


def test_dates_are_shown_in_the_site_zone(site: SiteFactory) -> None:
    site.article("news/a.md", date="2026-11-01T01:00:00Z")
    tree = page(make_client(site), "/news/a/")
    (time,) = tree.xpath("//article//time")
    assert time.get("datetime") == "2026-11-01T09:00:00+08:00"
    assert time.text == "Nov 1, 2026 09:00"  # compact, and the site's zone is not named


def test_one_instant_is_written_in_each_site_zone(site: SiteFactory) -> None:
    site.article("news/a.md", date="2026-11-01T01:00:00Z")
    (shanghai,) = page(make_client(site), "/news/a/").xpath("//article//time/text()")
    toml = site.root / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("Asia/Shanghai", "UTC"))
    (utc,) = page(make_client(site), "/news/a/").xpath("//article//time/text()")
    assert shanghai == "Nov 1, 2026 09:00"
    assert utc == "Nov 1, 2026 01:00"


@pytest.mark.parametrize(
    ("language", "home", "trail_label", "source"),
    [("zh-Hans", "首页", "导航路径", "来源"), ("zh-Hant", "首頁", "導覽路徑", "來源")],
)
def test_interface_labels_follow_the_site_language(
    site: SiteFactory, language: str, home: str, trail_label: str, source: str
) -> None:
    (site.root / "site.toml").write_text(f'title = "報"\nlanguage = "{language}"\n')
    site.article("news/a.md", source="市政府")
    tree = page(make_client(site), "/news/a/")
    assert tree.get("lang") == language
    (nav,) = tree.xpath(f"//nav[@aria-label='{trail_label}']")
    assert texts(nav.xpath(".//li"))[0] == home
    assert texts(tree.xpath("//*[@class='source']")) == [f"{source}：市政府"]


@pytest.mark.parametrize("keyword", ["AC/DC", "新聞/評論", "..", "a\\b", "Sport / 體育"])
def test_every_keyword_link_answers(site: SiteFactory, keyword: str) -> None:
    """A keyword that holds a slash (or is a dot segment) still links to its own page."""
    site.article("news/a.md", title="Tagged", tags=[keyword])
    client = make_client(site)
    article = parse_html(client.get("/news/a/"))
    links = [
        href
        for href in article.xpath("//a/@href")
        if href.startswith("/tags/") and href != "/tags/"
    ]
    assert links, "the keyword is linked"
    for href in links:
        page = client.get(href)
        assert page.status_code == 200, href
        assert (
            parse_html(page).xpath("string(//h1)").strip().endswith(keyword) or keyword in page.text
        )
        assert client.get(href + "rss.xml").status_code == 200
