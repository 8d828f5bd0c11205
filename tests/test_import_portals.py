"""Saved pages laid out as real Chinese portals lay them out (written for this project, on the
patterns of 75 portal pages tried by hand): a logo in an ``h1``, the headline only in a
``<div>``, the site's name and channels in ``<title>``, trails marked by class or by a
当前位置 label and separated by pictures, labels glued to times and to each other, and
headlines with 记者： or 文： in them beside the article."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from reader.cli import main
from reader.importing import mainbody, masthead, structured
from reader.importing.bodytext import plain, polluted, without_datelines, without_script_links
from reader.importing.bylines import byline_name
from reader.importing.pages import Profile, _rel_tags, read_page
from reader.importing.record import Imported
from reader.importing.writer import Outcome, Writer
from tests.factories import SiteFactory, make_client
from tests.test_import import front

PORTALS = Path(__file__).resolve().parent / "fixtures" / "import" / "portals"
ZONE = ZoneInfo("Asia/Hong_Kong")


def imported(name: str) -> Imported:
    """One fixture page, read as ``reader import`` reads it."""
    found = read_page(PORTALS / name, PORTALS, ZONE, Profile())
    assert isinstance(found, Imported), found
    return found


def test_a_logo_in_an_h1_and_a_menu_and_comments_before_the_trail_are_passed_over() -> None:
    page = imported("bus.html")
    assert page.title == "市區巴士新路線下月通車", "the h1 that <title> repeats, not the logo"
    assert page.crumbs == ("交通",), "the marked trail, between pictures, its first crumb a root"
    assert page.source == "海灣日報", "a value ends where the next label begins"
    assert page.author == "陳大文", "a label glued to the value before it"
    assert page.tags == ("巴士",), "no site name, section, headline or markup as a keyword"
    assert page.body.startswith("交通局今日宣布"), "no note of an original title that is this one"
    assert page.date == datetime(2026, 11, 28, 10, 5, 31, tzinfo=ZONE), "as its metadata says"
    assert page.notes == (
        "1 link farm(s) dropped (www.bet-one.example, www.violins.example, www.bet-two.example)",
    ), "betting brands; the site's own hidden menu is no farm"


def test_the_sites_name_leading_a_trail_is_no_section_and_unknown_is_no_author() -> None:
    page = imported("fares.html")
    assert page.title == "長者乘車優惠擴至離島"
    assert page.crumbs == ("民生",), "港灣網 is the site, named last in <title>; then the page"
    assert page.source == "港灣網-民生頻道"
    assert page.body.startswith("原標題：長者兩元乘車優惠擴至離島航線"), "another title: kept"
    assert page.author == "", "未知 names no one"
    assert page.date == datetime(2026, 11, 26, 9, 30, tzinfo=ZONE), "the day stated, at its time"


def test_a_headline_found_only_in_the_title_and_a_div_and_a_labelled_trail() -> None:
    page = imported("typhoon.html")
    assert page.title == "颱風今晚逼近 全市學校明日停課", "not the SEO h1, nor 天氣快訊"
    assert page.crumbs == ("天氣新聞",), "after 當前位置：, its home left out"
    assert page.source == "海灣天文台", "信息來源, its value on the next line of the source"
    assert page.author == "", "an empty label takes nothing from the next paragraph"
    assert page.date == datetime(2026, 9, 14, 17, 20, tzinfo=ZONE), (
        "a script's day, a byline's time"
    )


def test_a_title_with_a_hyphen_in_a_number_range_and_a_trail_naming_a_section_twice() -> None:
    page = imported("visitors.html")
    assert page.title == "1-10月港灣區旅客人數回升", "1-10月 is a range, not a separator"
    assert page.crumbs == ("旅遊",)
    assert page.source == "港灣區旅遊局"
    assert page.date == datetime(2026, 11, 20, tzinfo=ZONE), "not a stylesheet's numbers"


def test_the_sections_made_have_clean_names(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(PORTALS), str(site.root), "--no-download"]) == 0
    assert "7 imported" in capsys.readouterr().out
    sections = sorted(
        (front(p)[0] for p in (site.root / "content").rglob("_index.md")),
        key=lambda meta: str(meta["title"]),
    )
    assert sections == [{"title": t} for t in ("交通", "地方", "天氣新聞", "旅遊", "民生")]


NAMES = st.text(
    st.sampled_from("港灣新聞交通天氣旅遊民生首頁正文abcXYZ09%"), min_size=1, max_size=8
)
BETWEEN = st.sampled_from([" &gt; ", "&gt;&gt;", " › ", "<img src='/a.gif' alt=''>", "\n\t", " "])


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(NAMES, min_size=1, max_size=6),
    between=BETWEEN,
    label=st.sampled_from(["", "當前位置：", "您所在的位置：\n   "]),
    marked=st.booleans(),
)
def test_a_trail_is_its_links_names(
    names: list[str], between: str, label: str, marked: bool
) -> None:
    """Whatever separates them and whatever label comes first, a trail's sections are its
    links' names, in order, once each, home and page left out."""
    links = between.join(f'<a href="/s{i}/">\n  {name}  </a>' for i, name in enumerate(names))
    attribute = ' class="crumbs"' if marked else ""
    page = f"<html><body><div{attribute}>{label}{links}</div><p>x</p></body></html>"
    expected: list[str] = []
    for name in names:
        home = name.lower() in masthead.NOT_SECTIONS or name.endswith(("首頁", "主頁"))
        if not home and (not expected or expected[-1] != name):
            expected.append(name)
    found = masthead.trail(html.fromstring(page), "標題", "港灣網")
    joined = len(names) > 1 and between.strip(" \n\t") in ("&gt;", "&gt;&gt;", "›")
    if marked or label or joined:
        assert found == tuple(expected)
    else:
        assert found == (), "links neither marked, labelled nor joined by > are no trail"


def test_readers_comments_are_not_the_article() -> None:
    page = imported("ferry-comments.html")
    assert page.body.startswith("港灣渡輪公司今日宣布"), page.body[:80]
    assert "交通局提醒乘客" in page.body, "the article's last paragraph"
    for other in ("網友評論", "港灣阿明", "尾班船。\n\n", "市民反應熱烈"):
        assert other not in page.body, other


def test_a_ranking_of_other_articles_under_a_short_story_is_left_out() -> None:
    """trafilatura takes the sixty ranked links for the story's; the element holding the
    story's paragraphs is read instead."""
    page = imported("ferry-ranking.html")
    assert page.body.startswith("港灣渡輪公司今日宣布") and "方便夜間等船的乘客" in page.body
    assert "](" not in page.body and "市立圖書館" not in page.body, page.body[-200:]


def _page(*blocks: str) -> html.HtmlElement:
    return html.fromstring(f"<html><body>{''.join(blocks)}</body></html>")


STORY = "".join(
    f"<p>第{n}段：港灣渡輪公司今日宣布，夜航班次將由每小時一班增至每半小時一班，尾班船延至凌晨開出。</p>"
    for n in range(6)
)
TEASERS = "".join(
    f'<div class="item"><p><a href="https://news.example.org/{n}.html">燈塔島舉行開放日</a>'
    f" {n}跟帖</p></div>"
    for n in range(40)
)


def test_the_article_is_the_element_holding_most_of_the_prose() -> None:
    tree = _page('<div class="nav"><p>首頁</p></div>', f'<div id="story">{STORY}</div>', TEASERS)
    assert mainbody.article_element(tree) is tree.get_element_by_id("story")
    parts = "".join(f"<div>{STORY}</div>" for _ in range(3))
    split = _page(f'<div id="story">{parts}</div>', TEASERS)
    assert mainbody.article_element(split) is split.get_element_by_id("story"), "split in three"


def test_no_article_element_when_two_blocks_of_prose_are_alike_or_there_is_little() -> None:
    assert mainbody.article_element(_page(f"<div>{STORY}</div><div>{STORY}</div>")) is None
    assert mainbody.article_element(_page("<div><p>港灣渡輪公司今日宣布。</p></div>")) is None
    assert mainbody.article_element(_page(TEASERS)) is None, "links are nobody's prose"


def test_an_extraction_of_mostly_other_pages_links_ispolluted() -> None:
    teaser = "[燈塔島舉行開放日 市民反應熱烈](https://news.example.org/1.html)\n\n"
    story = "港灣渡輪公司今日宣布，夜航班次將由每小時一班增至每半小時一班。\n\n"
    assert polluted(story * 10 + teaser * 30)
    assert not polluted(story * 10 + teaser * 29), "fewer links than that is an article's"
    references = "見[參考](https://example.org/r)。\n\n"
    assert not polluted(story * 100 + references * 60), "a reference list is few words"


def _saved_pages(folder: Path, count: int) -> None:
    """Pages of one site, each with the site's SEO keywords and one of its own."""
    folder.mkdir()
    for n in range(count):
        (folder / f"{n}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>第{n}則新聞_海灣網</title>'
            f'<meta content="海灣網 新聞 港灣區 第{n}則" name="keywords"></head><body>'
            f"<h1>第{n}則新聞</h1><div>{STORY}</div></body></html>",
            encoding="utf-8",
        )


def test_the_sites_own_keywords_on_every_page_are_no_tags(
    site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _saved_pages(tmp_path / "saved", 6)
    assert main(["import", str(tmp_path / "saved"), str(site.root), "--section", "n"]) == 0
    out = capsys.readouterr().out
    noted = "the site's own keywords, on half of its pages or more, left out: 新聞, 海灣網, 港灣區"
    assert noted in out
    tags = [front(page)[0]["tags"] for page in (site.root / "content/n").rglob("index.md")]
    assert sorted(tags, key=str) == [[f"第{n}則"] for n in range(6)], (
        "海灣網 is the site's name, in <title>"
    )


def test_a_few_pages_keep_their_keywords(site: SiteFactory, tmp_path: Path) -> None:
    _saved_pages(tmp_path / "saved", 4)
    assert main(["import", str(tmp_path / "saved"), str(site.root), "--section", "n"]) == 0
    tags = [front(p)[0]["tags"] for p in (site.root / "content/n").rglob("index.md")]
    assert len(tags) == 4, tags
    assert all(isinstance(t, list) and "港灣區" in t for t in tags), "too few to tell"


@pytest.mark.parametrize("section_first", [False, True])
def test_an_article_and_a_section_of_one_name_get_folders_of_their_own(
    site: SiteFactory, section_first: bool
) -> None:
    """A page headed 新聞動態 (a portal's list page, read as an article) and an article in the
    section 新聞動態: one folder for both would be a bundle whose articles nobody sees."""
    when = datetime(2026, 11, 2, tzinfo=ZONE)
    named = Imported(origin="named", title="新聞動態", date=when, body=STORY)
    inside = Imported(
        origin="inside", title="中藥技能大賽", date=when, body=STORY, crumbs=("新聞動態",)
    )
    pair = [inside, named] if section_first else [named, inside]
    writer = Writer(site.root)
    for article in pair:
        writer.write(article)
    writer.save_manifest()
    content = site.root / "content"
    both = [p.parent for p in content.rglob("index.md") if (p.parent / "_index.md").exists()]
    assert both == [], "a folder both an article's bundle and a section"
    again = Writer(site.root)
    assert [again.write(a).outcome for a in pair] == [Outcome.UNCHANGED] * 2
    client = make_client(site)
    for index in content.rglob("index.md"):
        path = "/" + index.parent.relative_to(content).as_posix() + "/"
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("trail", "crumbs"),
    [
        ('<nav class="breadcrumb"><a href="/">Startseite</a> › '
         '<a href="/m/">Die Menschen</a></nav>', ("Die Menschen",)),
        ('<div class="crumbs"><a href="/t/">Thema</a> › <a href="/t/u/">Umwelt</a> › '
         '<a href="/t/u/k/">Thema: Umwelt und Klima</a></div>', ("Thema", "Umwelt")),
        ('<div class="nav-links"><a href="/a/">← Vorheriger Beitrag</a> '
         '<a href="/b/">Nächster Beitrag →</a></div>', ()),
        ('<div><a href="/a/">« Previous</a> | <a href="/b/">Next »</a></div>', ()),
        ('<div><a href="/k/1/">› Gebäck</a><a href="/k/2/">› Geschenk</a></div>', ()),
        ('<div class="tweet"><a href="https://t.co/x">https://t.co/x</a> › '
         '<a href="https://pic.example/y">pic.twitter.com/y</a></div>', ()),
    ],
)  # fmt: skip
def test_pagers_bullets_and_addresses_make_no_trail(trail: str, crumbs: tuple[str, ...]) -> None:
    """Runs of links found on European pages: a trail whose home is Startseite, a pager's
    arrows, a list of categories drawn with ›, a tweet's addresses."""
    assert masthead.trail(_page(trail, "<p>x</p>"), "標題", "") == crumbs


def test_a_profiles_date_that_finds_nothing_leaves_the_rules_to_find_one() -> None:
    profile = Profile(date=".when")
    page = read_page(PORTALS / "fares.html", PORTALS, ZONE, profile)
    assert isinstance(page, Imported)
    assert page.date == datetime(2026, 11, 26, 9, 30, tzinfo=ZONE)


def test_a_byline_as_taiwans_papers_write_it_and_what_json_ld_states() -> None:
    page = imported("pier.html")
    assert page.author == "林小明", "〔記者林小明／港灣報導〕; not the desk of a sidebar's byline"
    assert page.date == datetime(2026, 11, 18, 7, 45, 10, tzinfo=ZONE), "datePublished"
    assert page.crumbs == ("地方",), "articleSection, where the page shows no trail"


def test_json_ld_malformed_nested_or_naming_an_organization_gives_nothing_false() -> None:
    blocks = [
        '{"@type": "NewsArticle", "author": {"@type": "Organization", "name": "港灣日報"},'
        ' "datePublished": "not a date"}',
        '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "陳大文"}}',
        '[{"@type": ["Article"], "author": ["周小英", {"name": "記者何家明／港灣報導"}]}]',
        "[" * 100_000,  # past the parser's depth: passed over, not raised
        '{"@type": "NewsArticle", "@id": "@id": "x"}',
    ]
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    tree = _page(scripts)
    assert structured.stated_authors(tree) == ["陳大文", "周小英", "記者何家明／港灣報導"]
    assert structured.stated_date(tree, ZONE) is None


@pytest.mark.parametrize(
    ("byline", "name"),
    [
        ("記者林悅／南市報導", "林悅"),
        ("（王煌忠／台中報導）", "王煌忠"),
        ("〔即時新聞／綜合報導〕", ""),
        ("中央社記者邱俊欽桃園傳真 105年3月19日", "邱俊欽"),
        ("（中央社記者林悅台北19日電）", "林悅"),
        ("中央社駐華盛頓特派員王小明華盛頓18日專電", "王小明"),
        ("中央社台北19日電", ""),
    ],
)
def test_a_byline_names_its_reporter(byline: str, name: str) -> None:
    """Taiwan's and Hong Kong's papers' bylines, and the Central News Agency's dateline
    that portals republish with its stories."""
    assert byline_name(f"今天上午，{byline}港灣渡輪公司宣布加開班次。") == name


def test_a_pages_links_to_scripts_are_left_out(tmp_path: Path) -> None:
    """A portal's print and close buttons (``[打印本页](<javascript:window.print();>)``)
    came through extraction as Markdown that renders as its own source text."""
    buttons = (
        '【<a href="javascript:window.print();">打印本頁</a>】'
        '【<a href="javascript:void(0)">關閉</a>】'
    )
    page = tmp_path / "buttons.html"
    page.write_text(
        f"<html><head><title>港灣新聞</title></head><body><h1>按鈕</h1>"
        f"<div>{STORY}<p>{buttons}</p></div></body></html>",
        encoding="utf-8",
    )
    read = read_page(page, tmp_path, ZONE, Profile())
    assert isinstance(read, Imported) and "第0段" in read.body
    assert "javascript" not in read.body and "打印本頁" not in read.body, read.body[-120:]


@pytest.mark.parametrize(
    "hostile", ["[" * 60_000, "\\[" * 30_000 + "\\]", "[a](" * 20_000, "![" * 60_000]
)
def test_markdown_of_unclosed_brackets_is_read_in_one_pass(hostile: str) -> None:
    """What extraction hands on may hold tens of thousands of unclosed ``[`` (it escapes
    them as ``\\[``): the patterns once scanned on from each one (22 s for one page's)."""
    assert not polluted(hostile)
    assert len(plain(hostile)) <= len(hostile)
    cleaned = without_script_links(hostile + "\n[x](javascript:void(0)) 文字")
    assert cleaned == hostile + "\n 文字"


MIRROR = PORTALS.parent / "mirror"


def test_a_mirror_of_a_clean_site_brings_its_articles_and_not_its_lists(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``wget --mirror`` of a site laid out as this reader lays its own out: a short story
    came out as one run of kicker, headline, byline and text, then lost whole with its
    byline; lists and indexes came in as articles."""
    assert main(["import", str(MIRROR), str(site.root), "--no-download"]) == 0
    out = capsys.readouterr().out
    assert "city/index.html: a list of articles" in out
    assert "tags/index.html: no paragraph of prose" in out
    assert "2 imported, 2 not articles" in out
    meta, body = front(site.root / "content/shizheng/new-bridge/index.md")
    assert meta["source"] == "海灣市工務局" and meta["date"] == "2026-10-25T12:00:00+08:00"
    assert meta["kicker"] == "城市建設", "the line the page marks as its kicker"
    assert meta["tags"] == ["城市建設", "市政", "港灣區"], "its keywords, the section's too"
    assert body.strip().startswith("經過一個月的公開投票") and "閱讀約" not in body
    assert (site.root / "content/about/index.md").exists(), "an About page stays, named as it was"


def test_a_byline_line_goes_but_a_paragraph_with_a_byline_in_it_stays() -> None:
    byline = "來源：海灣市工務局　發布：2026年10月25日 12:00"
    story = (
        "經過一個月的公開投票，跨海新橋正式命名為「連心橋」，得票率超過四成。"
        "工務局表示，新橋設有行人及單車專用道，預計明年夏天通車。"
    )
    assert without_datelines(f"{byline}\n\n{story}") == story
    assert without_datelines(f"城市建設 {byline} {story}") == f"城市建設 {byline} {story}"


def test_an_articles_rel_tag_links_are_its_keywords_not_a_clouds_or_categories() -> None:
    """WordPress marks a post's keywords rel="tag" and its categories rel="category tag"."""
    cloud = "".join(f'<a rel="tag" href="/tag/{n}/">雲{n}</a>' for n in range(30))
    tree = _page(
        '<article><h1>渡輪加班</h1><p>正文</p><a rel="tag" href="/tag/ferry/">渡輪</a>'
        '<a rel="category tag" href="/category/news/">新聞</a></article>',
        f"<aside>{cloud}</aside>",
    )
    assert _rel_tags(tree) == ["渡輪"]
    assert _rel_tags(_page(f"<div>{cloud}</div>")) == [], "a cloud of thirty is no article's"


def test_a_mirrors_pictures_are_found_in_its_host_and_port_folder(tmp_path: Path) -> None:
    """wget names a host's folder with its port when the site was served on one."""
    host = tmp_path / "news.example.org:8080"
    (host / "story").mkdir(parents=True)
    (host / "images").mkdir()
    (host / "images" / "pier.png").write_bytes(b"\\x89PNG\\r\\n\\x1a\\n")
    (host / "story" / "index.html").write_text(
        '<html><head><title>港灣新聞</title><link rel="canonical" '
        'href="http://news.example.org:8080/story/"></head><body><h1>碼頭</h1>'
        f'<div><p><img src="/images/pier.png" alt="碼頭"></p>{STORY}</div></body></html>',
        encoding="utf-8",
    )
    read = read_page(host / "story" / "index.html", tmp_path, ZONE, Profile())
    assert isinstance(read, Imported)
    assert [image.local for image in read.images] == [(host / "images" / "pier.png").resolve()]


def test_an_article_stating_itself_so_is_no_list_whatever_else_it_lists() -> None:
    related = "".join(f'<h3><a href="/n/{n}/">相關新聞{n}</a></h3>' for n in range(5))
    listing = '{"@type": "ItemList", "itemListElement": []}'
    page = (
        f'<script type="application/ld+json">{listing}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        f"<h1>渡輪加班</h1>{STORY}{related}"
    )
    assert not structured.lists_articles(_page(page))
    assert structured.lists_articles(_page(page.replace("NewsArticle", "WebPage")))


def test_a_channel_page_of_linked_headings_and_no_prose_is_a_list(tmp_path: Path) -> None:
    """A portal's channel page calls itself nothing (no og:type): two dozen headings that
    link to stories, and no paragraph of prose of its own, is a list; a short story with
    neither the headings nor a long line stays an article."""
    headings = "".join(
        f'<h3><a href="https://news.example.org/n/{n}.html">燈塔島第{n}則新聞</a></h3><p>{n}跟帖</p>'
        for n in range(24)
    )
    channel = tmp_path / "channel.html"
    channel.write_text(
        f"<html><head><title>港灣新聞_港灣網</title></head><body><h1>港灣新聞</h1>"
        f"<div>{headings}</div></body></html>",
        encoding="utf-8",
    )
    assert str(read_page(channel, tmp_path, ZONE, Profile())).endswith(
        "a list of articles (headings that link on, no prose)"
    )
    brief = tmp_path / "brief.html"
    lines = "".join(f"<p>港灣渡輪今晚{n}時加開班次。</p>" for n in range(8))
    brief.write_text(
        f"<html><head><title>快訊</title></head><body><h1>快訊</h1><div>{lines}</div></body></html>",
        encoding="utf-8",
    )
    assert isinstance(read_page(brief, tmp_path, ZONE, Profile()), Imported)


def test_a_feed_entrys_reporter_is_read_from_its_dateline_when_the_feed_names_none(
    site: SiteFactory, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    items = (
        ("https://news.example.org/1", "", "（中央社記者何家明港灣23日電）港灣渡輪今晚加開班次。"),
        (
            "https://news.example.org/2",
            "<author>desk@example.org (周小英)</author>",
            "（中央社記者何家明港灣23日電）燈塔島清灘。",
        ),
    )
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>港灣</title>'
        + "".join(
            f"<item><title>新聞{n}</title><link>{link}</link>{author}"
            f"<pubDate>Wed, 23 Sep 2026 23:02:56 +0800</pubDate>"
            f"<description>{text}</description></item>"
            for n, (link, author, text) in enumerate(items)
        )
        + "</channel></rss>",
        encoding="utf-8",
    )
    assert main(["import", str(feed), str(site.root), "--section", "n"]) == 0
    authors = sorted(
        str(front(page)[0]["author"]) for page in (site.root / "content/n").rglob("index.md")
    )
    assert authors == ["何家明", "周小英"], "the dateline's, and the feed's own"
