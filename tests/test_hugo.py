"""A site moved from Hugo keeps its subscribers and renders its Markdown as Hugo does."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from playwright.sync_api import Dialog

from reader import markdown
from reader.app import create_app
from reader.cli import main
from reader.config import load_settings
from reader.loader import load_catalog
from reader.site import Site
from tests.browser import launched, require
from tests.factories import NOW, Client, SiteFactory, make_client, parse_html, redirect_target
from tests.server import running_server
from tests.test_newsboat import Reader, newsboat  # noqa: F401  (a fixture)


def article_body(client: Client, path: str) -> Any:
    """The article body of the page at ``path``, parsed."""
    return parse_html(client.get(path)).xpath("//div[@class='body']")[0]


@pytest.fixture
def hugo_site(site: SiteFactory) -> SiteFactory:
    site.section("posts", title="Posts")
    site.article("posts/first.md", title="First post", tags=["Harbour"], categories=["City"])
    site.article("posts/second.md", title="Second post", date="2026-11-02T09:00:00+08:00")
    return site


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/index.xml", "/rss.xml"),
        ("/posts/index.xml", "/posts/rss.xml"),
        ("/tags/harbour/index.xml", "/tags/harbour/rss.xml"),
        ("/categories/city/index.xml", "/categories/city/rss.xml"),
    ],
)
def test_hugos_feed_addresses_redirect_to_the_same_feed(
    hugo_site: SiteFactory, old: str, new: str
) -> None:
    client = make_client(hugo_site)
    moved = client.get(old)
    assert moved.status_code == 301 and moved.headers["location"] == new
    assert client.get(new).status_code == 200
    assert client.get("/nothing/index.xml").status_code == 404


def test_feedparser_follows_a_hugo_feed_address(hugo_site: SiteFactory) -> None:
    with running_server(str(hugo_site.root)) as base:
        parsed = feedparser.parse(base + "/posts/index.xml")
    assert parsed.status == 301 and parsed.href == base + "/posts/rss.xml"
    assert sorted(entry.title for entry in parsed.entries) == ["First post", "Second post"]


@pytest.mark.external
def test_newsboat_keeps_a_hugo_subscription(
    hugo_site: SiteFactory,
    newsboat: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    (tmp_path / "reader").mkdir()
    with running_server(str(hugo_site.root)) as base:
        reader = Reader(newsboat, tmp_path / "reader", [base + "/index.xml"])
        reader.reload()
    assert sorted(title for _, title, *_ in reader.items()) == ["First post", "Second post"]


def test_the_export_maps_hugos_feed_addresses(hugo_site: SiteFactory, tmp_path: Path) -> None:
    hugo_site.article("港灣/一.md", title="一", categories=["城市"])
    out = tmp_path / "out"
    base = "https://news.example.org/"
    assert main(["build", str(hugo_site.root), str(out), "--base-url", base, "--no-index"]) == 0
    lines = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/index.xml /rss.xml 301" in lines and "/posts/index.xml /posts/rss.xml 301" in lines
    assert "/categories/city/index.xml /categories/city/rss.xml 301" in lines
    harbour, city = "/%E6%B8%AF%E7%81%A3/", "/%E5%9F%8E%E5%B8%82/"
    assert f"{harbour}index.xml {harbour}rss.xml 301" in lines, "encoded once, not twice"
    # The keyword addresses categories had while merged into keywords.
    assert f"/tags{city}atom.xml /categories{city}atom.xml 301" in lines
    assert f"/tags{city} /categories{city} 301" in lines
    assert (out / "tags/城市/index.html").is_file(), "a redirect page for static hosts"
    assert not (out / "index.xml").exists(), "no HTML page where a feed reader wants a feed"


def test_the_export_writes_the_later_pages_of_every_taxonomy(
    site: SiteFactory, tmp_path: Path
) -> None:
    # A category's later pages were listed under keywords (/tags/city/page/2/): none was
    # written, each was a failure, and so every build after rendered everything again.
    site.site_toml += "page_size = 2\n"
    site.__post_init__()
    for n in range(5):
        day = f"2026-11-0{n + 1}T09:00:00+08:00"
        site.article(f"posts/p{n}.md", title=f"Story {n}", date=day, categories=["City"])
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--no-index", "--no-precompress"]) == 0
    last = lxml_html.fromstring((out / "categories/city/page/3/index.html").read_bytes())
    assert last.xpath("//main//h3/a/text()") == ["Story 0"], "the oldest, alone"
    assert not (out / "categories/city/page/4").exists()
    assert not (out / "tags/city/page").exists()


def test_markdown_as_hugos_goldmark_renders_it(site: SiteFactory) -> None:
    site.article(
        "posts/a.md",
        body="Said so[^1], see https://gohugo.io/ and ~~not~~ this.\n\n"
        "- [x] done\n- [ ] to do\n\nTerm\n: Its meaning.\n\n"
        '<p id="main">a hijacked id</p>\n\n[^1]: The footnote.\n',
    )
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath(".//sup/a/@href") == ["#fn1"]
    assert body.xpath(".//li[@id='fn1']//a/@href") == ["#fnref1"]
    assert "https://gohugo.io/" in body.xpath(".//a/@href")
    assert body.xpath(".//s/text()") == ["not"]
    assert [li.text_content().strip() for li in body.xpath(".//ul/li")] == ["☑ done", "☐ to do"]
    assert body.xpath(".//dt/text()") == ["Term"] and body.xpath(".//dd/text()") == ["Its meaning."]
    assert not body.xpath(".//input") and not body.xpath(".//*[@id='main']")


def test_more_divider_ends_the_summary(site: SiteFactory) -> None:
    long_lead = "The part before the divider. " * 10
    site.article("posts/a.md", body=f"{long_lead}\n\nSecond paragraph.\n\n<!--more-->\n\nAfter.\n")
    client = make_client(site)
    description = parse_html(client.get("/posts/a/")).xpath("//meta[@name='description']/@content")
    assert description == [" ".join(f"{long_lead} Second paragraph.".split())]


def test_a_summary_before_the_divider_links_by_the_references_after_it(
    site: SiteFactory,
) -> None:
    # As Hugo renders the whole body before it cuts the summary at the divider, a link whose
    # reference is defined at the end is a link in the summary too, not its brackets.
    site.article(
        "posts/a.md",
        body="See [the report][1] and [Hugo].\n\n<!--more-->\n\nAfter.\n\n"
        "[1]: https://example.org/report\n[hugo]: https://gohugo.io/\n",
    )
    description = parse_html(make_client(site).get("/posts/a/")).xpath(
        "//meta[@name='description']/@content"
    )
    assert description == ["See the report and Hugo."]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("htps:/w.@ab[]()<>\"'=x- \n*_`")), max_size=60))
def test_linkifying_only_where_a_bare_link_may_be_changes_nothing(text: str) -> None:
    """Bodies with no bare URL or address skip the (slow) linkify pass: same output."""
    if not markdown._BARE_LINK.search(text):
        for typographer in (True, False):
            plain = markdown._parser(linkify=False, typographer=typographer)
            linkifying = markdown._parser(linkify=True, typographer=typographer)
            assert plain.render(text) == linkifying.render(text)


def test_a_valid_hugo_site_checks_clean(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hugo's basic example has a headless bundle and a page that only names a layout."""
    site.write("homepage/index.md", "---\nheadless: true\n---\n")
    site.write("homepage/about.md", "---\ntitle: About block\n---\n\nUsed by the home page.\n")
    site.write("archives.md", '---\ndate: 2019-05-28\ntype: section\nlayout: "archives"\n---\n')
    site.write("hidden.md", "---\ntitle: Never\ndate: 2019-05-28\n_build:\n  render: never\n---\n")
    site.article("post/a.md", title="A post")
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "homepage" not in out
    client = make_client(site)
    assert client.get("/homepage/").status_code == 404
    assert client.get("/homepage/about.md").status_code == 404
    assert client.get("/hidden/").status_code == 404
    archives = client.get("/archives/")
    assert archives.status_code == 200 and parse_html(archives).xpath("string(//h1)") == "Archives"


def test_a_page_that_becomes_headless_is_not_kept_as_a_broken_edit(site: SiteFactory) -> None:
    page = site.write("bundle/index.md", "---\ntitle: Was a page\ndate: 2026-11-01\n---\n\nx\n")
    site.article("post/a.md", title="A post")
    server = Site(site.settings(), lambda: NOW)
    assert server.answer("/bundle/").status == 200
    page.write_text("---\nheadless: true\n---\n", encoding="utf-8")
    server.reloader.reload({str(page)})
    assert server.answer("/bundle/").status == 404


@pytest.mark.parametrize(
    ("files"),
    [
        {
            "hugo.yaml": "baseURL: https://hugo.example.org/\ntitle: From YAML\n"
            "pagination:\n  pagerSize: 7\n"
        },
        {
            "config.json": '{"BaseURL": "https://hugo.example.org/", "Title": "From JSON", '
            '"paginate": 7}'
        },
        {
            "config/_default/hugo.toml": 'baseurl = "https://hugo.example.org/"\n'
            "[pagination]\npagerSize = 7\n",
            "config/_default/params.toml": 'description = "From params"\n',
            "config/_default/languages.toml": '[en]\nweight = 1\nlanguageCode = "en-GB"\n',
        },
    ],
)
def test_every_form_of_hugo_config_is_read(tmp_path: Path, files: dict[str, str]) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    settings, problems = load_settings(root)
    assert not problems
    if "config/_default/languages.toml" in files:  # a file per top-level key: languages too
        # One language: the site is in it (a site of several is in test_languages.py).
        assert (settings.languages, settings.language) == ((), "en-GB")
    assert settings.base_url == "https://hugo.example.org/" and settings.page_size == 7
    if "config/_default/params.toml" in files:
        assert settings.description == "From params"
    else:
        assert settings.title == ("From YAML" if "hugo.yaml" in files else "From JSON")


def test_unused_hugo_settings_are_one_note(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    config = 'theme = "ananke"\nenableRobotsTXT = true\ntitle = "T"\n[module]\nx = 1\n'
    (root / "hugo.toml").write_text(config, encoding="utf-8")
    settings, problems = load_settings(root)
    assert settings.title == "T"
    assert [str(p) for p in problems] == [
        f"{root / 'hugo.toml'}: note: 3 Hugo setting(s) are not used here: enablerobotstxt, "
        "module, theme. Fix: nothing: docs/hugo.md says what each Hugo feature becomes"
    ]
    assert main(["check", str(root)]) == 0


def test_hugos_unlimited_feed_keeps_our_default(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text("[services.rss]\nlimit = -1\n", encoding="utf-8")
    settings, problems = load_settings(root)
    assert not problems and settings.feed_length == 50


def test_hugos_shortcodes_become_static_markup(site: SiteFactory) -> None:
    site.article(
        "posts/a.md",
        body="{{< youtube ZJthWmvUzzc >}}\n\n"
        '{{< youtube id="abc" title="The harbour at night" >}}\n\n'
        "{{< vimeo_simple 48912912 >}}\n\n"
        '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}\n\n'
        "{{< tweet 1085870671291310081 >}}\n\n"
        "{{< instagram BWNjjyYFxVx hidecaption >}}\n\n"
        "{{< gist spf13 7896402 >}}\n\n"
        '{{< highlight go "linenos=table,hl_lines=2" >}}\nfunc main() {\n\tfmt.Println("<hi>")\n}\n'
        "{{< /highlight >}}\n\n"
        "{{< math.inline >}}\n{{ if .Page.Params.math }}<p>Inline \\(x\\)</p>{{ end }}\n"
        "{{</ math.inline >}}\n\n{{< unknown thing >}}\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath(".//a/@href") == [
        "https://www.youtube.com/watch?v=ZJthWmvUzzc",
        "https://www.youtube.com/watch?v=abc",
        "https://vimeo.com/48912912",
        "https://x.com/SanDiegoZoo/status/1453110110599868418",
        "https://x.com/i/status/1085870671291310081",
        "https://www.instagram.com/p/BWNjjyYFxVx/",
        "https://gist.github.com/spf13/7896402",
    ]
    assert "YouTube: The harbour at night" in body.text_content()
    assert body.xpath("string(.//pre/code)") == 'func main() {\n\tfmt.Println("<hi>")\n}\n'
    text = body.text_content()
    assert "Inline" in text and "{{" not in text and "Params" not in text
    assert not body.xpath(".//iframe|.//script")


def test_chinese_sites_players_become_links(site: SiteFactory) -> None:
    # Found in LoveIt's demo, FixIt's author's blog, Jane's and Even's: bilibili, Youku
    # and music players were left out, the video or song a post was about gone.
    site.article(
        "posts/a.md",
        body="{{< bilibili BV1Sx411T7QQ >}}\n\n{{< bilibili id=BV1TJ411C7An p=3 >}}\n\n"
        "{{< bilibili 170001 >}}\n\n{{< youku XMzQ0ODUxMjM2NA >}}\n\n"
        "{{< music netease song 1868553 >}}\n\n"
        '{{< music server="tencent" type="playlist" id="8305844774" >}}\n\n'
        '{{% music "3950552" %}}\n\n'
        '{{< music url="/music/wave.mp3" name=Wavelength artist=oldmanyoung >}}\n\n'
        '{{< music auto="https://music.163.com/#/playlist?id=60198" >}}\n\n'
        '{{< music url="javascript:alert(1)" name=x >}}\n\n'
        '{{< music server="kugou" type="song" id="1" >}}\n\n{{< bilibili >}}\n',
    )
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath(".//a/@href") == [
        "https://www.bilibili.com/video/BV1Sx411T7QQ/",
        "https://www.bilibili.com/video/BV1TJ411C7An/?p=3",
        "https://www.bilibili.com/video/av170001/",
        "https://player.youku.com/embed/XMzQ0ODUxMjM2NA",
        "https://music.163.com/#/song?id=1868553",
        "https://y.qq.com/n/ryqq/playlist/8305844774",
        "https://music.163.com/#/song?id=3950552",
        "/music/wave.mp3",
        "https://music.163.com/#/playlist?id=60198",
    ]
    text = body.text_content()
    assert "bilibili: BV1TJ411C7An, P3" in text and "Wavelength – oldmanyoung" in text
    assert "NetEase Cloud Music: 1868553" in text and "QQ Music: 8305844774" in text
    assert "javascript" not in lxml_html.tostring(body, encoding="unicode")
    assert not body.xpath(".//iframe|.//script|.//audio")


def test_themes_images_people_and_meaningful_icons_are_kept(site: SiteFactory) -> None:
    # DoIt's example site (LoveIt's and FixIt's shortcodes too): its images with their
    # captions were left out, and so were the people and friends a post links to, its
    # audio, and the ticks and empty boxes of a table saying what is supported.
    site.article(
        "posts/a.md",
        body='{{< image src="shot.webp" caption="安装 PWA" height="693px" width="419px" >}}\n\n'
        '{{< image "/a.jpg" "An A" "The A" >}}\n\n'
        "| Language | Done | Icon |\n|---|---|---|\n"
        "| English | {{< fa-icon regular check-square >}} | {{< fa-icon brands sass >}} |\n"
        "| French | {{< fa-icon regular square >}} | x |\n\n"
        'Made by {{< person "https://dillonzq.example/" Dillon "author of LoveIt" >}}.\n\n'
        '{{< friend "PCloud" "https://pcloud.example/" "https://pcloud.example/a.jpg" "Hi" >}}\n\n'
        '{{< friend name="X" url="javascript:alert(1)" bio="b" >}}\n\n'
        "{{< aplayer >}}\n"
        '    {{< audio name="Wavelength" artist="oldmanyoung" url="/music/w.mp3" >}}\n'
        "{{< /aplayer >}}\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    figures = [
        (f.xpath("string(img/@src)"), f.xpath("string(img/@alt)"), f.xpath("string(figcaption)"))
        for f in body.xpath(".//figure")
    ]
    assert figures == [("shot.webp", "", "安装 PWA"), ("/a.jpg", "An A", "The A")]
    assert body.xpath(".//figure[1]/img/@width") == ["419"]
    assert [[c.text_content().strip() for c in row] for row in body.xpath(".//tbody/tr")] == [
        ["English", "☑", ""],
        ["French", "☐", "x"],
    ]
    assert [(a.get("href"), a.text) for a in body.xpath(".//a")] == [
        ("https://dillonzq.example/", "Dillon"),
        ("https://pcloud.example/", "PCloud"),
        (None, "X"),
        ("/music/w.mp3", "Wavelength – oldmanyoung"),
    ]
    text = " ".join(body.text_content().split())
    assert "Made by Dillon (author of LoveIt)." in text and "PCloud – Hi" in text
    assert not body.xpath(".//img[contains(@src, 'pcloud')]"), "no third party's avatar"


def test_unknown_and_inline_shortcodes_are_warnings_with_their_line(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.article(
        "posts/a.md",
        body="Text.\n\n{{< unknown thing >}}\n\n{{< css.inline >}}x{{< /css.inline >}}\n",
    )
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "a.md:8: warning: Hugo shortcode 'unknown'" in out
    assert "a.md:10: warning: the inline shortcode 'css.inline'" in out


def test_warnings_keep_their_lines_after_shortcodes_made_markup(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    # A warning after a highlight, figure, embed or $$ block named a line two or four
    # further down for each one above it, and one after a paired shortcode counted in
    # the wrong text.
    site.article(
        "posts/a.md",
        body="Text.\n\n{{< highlight go >}}\nx := 1\n{{< /highlight >}}\n\n"
        "{{< figure src=a.png alt=A >}}\n\n{{< youtube abc >}}\n\n"
        "{{< comment >}}\nnote\n{{< /comment >}}\n"
        "{{< mermaid >}}\ngraph LR;\n  A --> B\n{{< /mermaid >}}\n"
        "{{< css.inline >}}\n{{ .Site.Title\n}}\n{{< /css.inline >}}\n\n"
        "{{< bilibili BV1 >}}\n\n$$\nx^2\n$$\n\n{{< unknown >}}\n\n![](b.png)\n",
    )
    assert main(["check", str(site.root)]) == 0
    lines = (site.root / "content/posts/a.md").read_text("utf-8").splitlines()
    out = capsys.readouterr().out
    for written, said in [
        ("{{< css.inline >}}", "the inline shortcode 'css.inline'"),
        ("{{< unknown >}}", "Hugo shortcode 'unknown'"),
        ("![](b.png)", "image 'b.png'"),
    ]:
        assert f"a.md:{lines.index(written) + 1}: warning: {said}" in out
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath("string(.//pre[2]/code)") == "graph LR;\n  A --> B\n", "a diagram's source"


BLOCKS = [
    "Text.",
    "{{< highlight go >}}\nx := 1\n{{< /highlight >}}",
    "{{< figure src=a.png alt=A >}}",
    "{{< youtube abc >}}",
    "{{< bilibili BV1 >}}",
    "{{< comment >}}\nnote\n{{< /comment >}}",
    "{{< mermaid >}}\ngraph LR;\n{{< /mermaid >}}",
    "$$\nx^2\n$$",
    "$$ y $$",
    '{{< details "S" >}}\nFolded.\n\n- a\n{{< /details >}}',
    '{{< blockquote author="A" >}}\nQuoted.\n{{< /blockquote >}}',
    "{{< admonition tip T >}}\nTip.\n{{< /admonition >}}",
    '{{< details "One line" >}}Folded.{{< /details >}}',
    "{{< unknown >}}",
    "> [!NOTE]\n> Noted.",
]
"""Blocks a body's shortcodes and math make, each a paragraph of its own."""


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), max_size=8))
def test_a_warning_after_any_blocks_names_its_own_line(blocks: list[str]) -> None:
    body = "\n\n".join([*blocks, "![](last.png)"]) + "\n"
    rendered = markdown.render_markdown(body, path=Path("a.md"), first_line=5)
    lines = [p.line for p in rendered.problems if "last.png" in p.message]
    assert lines == [5 + body.split("\n").index("![](last.png)")]


def test_an_escaped_shortcode_is_shown_as_written(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found on a real site's posts about Hugo: {{</* x */>}} is how Hugo shows a shortcode
    # without running it. It was read as a shortcode named '/' and left out, with a warning.
    site.article(
        "posts/a.md",
        body='Write:\n\n```md\n{{</* imgc src="a.jpg" */>}}\n{{%/* note\n  two */%}}\n```\n\n'
        "Or {{</* x */>}} inline.\n\n{{< unknown >}}\n",
    )
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "shortcode '/'" not in out
    assert "a.md:16: warning: Hugo shortcode 'unknown'" in out, "its line, counted past them"
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath("string(.//pre)") == '{{< imgc src="a.jpg" >}}\n{{% note\n  two %}}\n'
    assert "Or {{< x >}} inline." in body.xpath("string(.//p[2])")
    # Text that looks like what stands in for them meanwhile is text.
    site.article("posts/b.md", body="\ue0007\ue001 and \ue0000\n\ue001 {{</* y */>}}\n")
    text = article_body(make_client(site), "/posts/b/").xpath("string(.//p)")
    assert text == "\ue0007\ue001 and \ue0000\n\ue001 {{< y >}}"


def test_section_aliases_redirect(site: SiteFactory, tmp_path: Path) -> None:
    site.write("news/city/_index.md", "---\ntitle: City\naliases: [/old-city/, town]\n---\n")
    site.article("news/city/a.md", title="A")
    client = make_client(site)
    for old in ("/old-city/", "/old-city", "/news/town/"):
        moved = client.get(old)
        assert moved.status_code == 301 and moved.headers["location"] == "/news/city/", old
    out = tmp_path / "out"
    base = "https://news.example.org/"
    assert main(["build", str(site.root), str(out), "--base-url", base, "--no-index"]) == 0
    assert "/old-city/ /news/city/ 301" in (out / "_redirects").read_text().splitlines()
    assert (out / "old-city/index.html").is_file()


def test_pages_that_are_not_news_stay_out_of_lists_and_feeds(site: SiteFactory) -> None:
    """An About page in the content root, and a page with a layout, are plain pages."""
    site.article("about.md", title="About us", date="2026-11-27T09:00:00+08:00")
    site.write("news/search.md", "---\ntitle: Search\nlayout: search\ndate: 2026-11-27\n---\n\nx\n")
    site.article("news/a.md", title="Real news", date="2026-11-01T09:00:00+08:00")
    site.article("news/b.md", title="Older news", date="2026-10-01T09:00:00+08:00")
    client = make_client(site)
    for path in ("/about/", "/news/search/"):
        page = parse_html(client.get(path))
        assert page.xpath("//a[@rel='prev' or @rel='next']") == [], path
    base = "https://news.example.org"
    listed = {
        path: {base + href for href in parse_html(client.get(path)).xpath("//main//a/@href")}
        for path in ("/", "/news/")
    }
    for path in ("/rss.xml", "/news/rss.xml"):
        listed[path] = {entry.link for entry in feedparser.parse(client.get(path).content).entries}
    listed["/feed.json"] = {item["url"] for item in client.get("/feed.json").json()["items"]}
    listed["/api/v1/articles"] = {
        item["renditions"][0]["href"] for item in client.get("/api/v1/articles").json()["data"]
    }
    for path, links in listed.items():
        assert base + "/news/a/" in links, path
        assert not links & {base + "/about/", base + "/news/search/"}, path
    sitemap = etree.fromstring(client.get("/sitemap.xml").content)
    locs = set(sitemap.xpath("//*[local-name()='loc']/text()"))
    assert {base + "/about/", base + "/news/search/"} <= locs
    news = parse_html(client.get("/news/a/"))
    assert news.xpath("//a[@rel='prev']/@href") == ["/news/b/"], "neighbours skip plain pages"


def test_editing_a_plain_page_keeps_it_plain(site: SiteFactory) -> None:
    page = site.article("about.md", title="About us")
    site.article("news/a.md", title="Real news")
    server = Site(site.settings(), lambda: NOW)
    site.article("about.md", title="About us, edited")
    server.reloader.reload({str(page)})
    assert b"About us, edited" in server.answer("/about/").body
    assert b"About us" not in server.answer("/rss.xml").body


def test_links_between_content_files_point_at_their_pages(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.article("news/part-1.md", title="Part 1")
    site.write("news/bridge/index.md", "---\ntitle: Bridge\ndate: 2026-11-01\n---\n\nx\n")
    site.article("city/港灣.md", title="Harbour")
    site.article(
        "news/part-2.md",
        title="Part 2",
        body="[one](part-1.md), [bridge](bridge/index.md#plan), [harbour](../city/港灣.md), "
        '[ref]({{< ref "news/part-1.md" >}}), [relref]({{< relref "news/bridge" >}}), '
        "[gone](nothing.md), [site](https://example.org/x.md)\n",
    )
    client = make_client(site)
    body = article_body(client, "/news/part-2/")
    assert body.xpath(".//a/@href") == [
        "/news/part-1/",
        "/news/bridge/#plan",
        "/city/%E6%B8%AF%E7%81%A3/",
        "/news/part-1/",
        "/news/bridge/",
        "nothing.md",
        "https://example.org/x.md",
    ]
    for href in body.xpath(".//a/@href")[:5]:
        assert client.get(href.split("#")[0]).status_code == 200, href
    main(["check", str(site.root)])
    assert "part-2.md:6: warning: the link to 'nothing.md' names no file" in capsys.readouterr().out


def test_listening_on_every_address_without_a_base_url_warns(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.root.joinpath("site.toml").write_text('title = "No base URL"\n', encoding="utf-8")
    site.article("news/a.md", title="A")
    log = tmp_path / "server.log"
    with running_server(str(site.root), "--host", "0.0.0.0", log_path=log):
        pass
    said = log.read_text()
    assert "warning: no base URL is set" in said and "--base-url" in said


def test_headings_get_ids_as_goldmark_gives_them(site: SiteFactory) -> None:
    site.article(
        "posts/a.md",
        body="## Ferry times\n\n## 港灣 新聞!\n\n## Ferry times\n\n## Main\n\n"
        '<h3 id="main">raw</h3>\n\n[back](#ferry-times)\n',
    )
    page = parse_html(make_client(site).get("/posts/a/"))
    body = page.xpath("//div[@class='body']")[0]
    assert body.xpath(".//h2/@id") == ["ferry-times", "港灣-新聞", "ferry-times-1", "main-1"]
    assert len(page.xpath("//*[@id='main']")) == 1, "the skip link's target stays unique"


def test_a_heading_gives_itself_an_id_as_goldmark_reads_it(site: SiteFactory) -> None:
    site.article(
        "posts/a.md",
        body='## 1 內容組織 {#contents}\n\n## Setup {#setup .wide data-x="1"}\n\n'
        "## Ferry {times}\n\n## Code `{#x}`\n\n## Main {#main}\n\n## Contents\n\n"
        "[back](#contents)\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    headings = [(h.get("id"), h.text_content()) for h in body.xpath(".//h2")]
    assert headings == [
        ("contents", "1 內容組織"),
        ("setup", "Setup"),
        ("ferry-times", "Ferry {times}"),  # not attributes: shown as written
        ("code-x", "Code {#x}"),  # in code: shown as written
        ("main-1", "Main"),  # never an id of the page's own
        ("contents-1", "Contents"),  # a made id never takes a given one
    ]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="{}#`\\*_[]<>&!|~$"),
        max_size=30,
    ),
    given_id=st.from_regex(r"[A-Za-z][\w-]{0,20}", fullmatch=True),
)
def test_a_given_heading_id_changes_nothing_else(text: str, given_id: str) -> None:
    def rendered(source: str) -> Any:
        html = markdown.render_markdown(source, path=Path("a.md")).html
        return lxml_html.fragment_fromstring(html, create_parent="div")

    plain, attributed = rendered(f"## {text}"), rendered(f"## {text} {{#{given_id}}}")
    assert [h.text_content() for h in attributed.iter("h2")] == [
        h.text_content() for h in plain.iter("h2")
    ]
    for heading in attributed.iter("h2"):
        expected = given_id + "-1" if given_id in markdown.PAGE_IDS else given_id
        assert heading.get("id") == expected


def test_a_themes_admonition_is_a_note_with_its_title(site: SiteFactory) -> None:
    # LoveIt's, DoIt's and FixIt's admonition (the common Chinese Hugo themes'), and
    # hugo-notice's notice, each on lines of its own.
    site.article(
        "posts/a.md",
        body="Before.\n"
        '{{< admonition tip "提示 *x* <b>" false >}}\n一个 **提示**\n\n- a\n{{< /admonition >}}\n'
        "After.\n\n{{< notice warning >}}\nCareful.\n{{< /notice >}}\n\n> A quote.\n\n"
        '{{< admonition type=info title="一行" >}} 一个 **信息** 横幅 {{< /admonition >}}\n\n'
        "{{< admonition >}} Not alone {{< /admonition >}}\nA line below.\n\n"
        "> [!WARNING]\n> Mind the gap.\n\n> [!TIP] Own title\n> Hold on.\n\n"
        "![](pic.png)\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    notes = body.xpath(".//div[@role='note']")
    assert [note.xpath("string(p/strong)") for note in notes] == [
        "提示 *x* <b>",
        "",
        "一行",
        "Warning",  # GitHub's and Hugo's alerts: their type, or their own title
        "Own title",
    ]
    assert [" ".join(n.text_content().split()) for n in notes[2:]] == [
        "一行 一个 信息 横幅",
        "Warning Mind the gap.",
        "Own title Hold on.",
    ]
    # On one line with a line below (which would be read as the note's own): tags dropped.
    assert "Not alone A line below." in " ".join(body.text_content().split())
    assert [" ".join(p.text_content().split()) for p in notes[0].xpath("p")] == [
        "提示 *x* <b> 一个 提示"
    ]
    assert notes[0].xpath("ul/li/text()") == ["a"]
    assert [p.text_content() for p in notes[1].xpath("p")] == ["Careful."]
    assert [p.text_content() for p in body.xpath("p")][:2] == ["Before.", "After."]
    assert body.xpath("string(blockquote)").strip() == "A quote.", "a quote stays a quote"
    assert "{{" not in body.text_content() and "admonition" not in body.text_content()
    # Line for line: a later warning names its own line.
    lines = (site.root / "content/posts/a.md").read_text("utf-8").splitlines()
    not_alone = lines.index("{{< admonition >}} Not alone {{< /admonition >}}") + 1
    problems = load_catalog(site.settings()).problems
    assert [(p.line, p.message.split(" ")[:3]) for p in problems] == [
        (not_alone, ["the", "shortcode", "'admonition'"]),
        (lines.index("![](pic.png)") + 1, ["image", "'pic.png'", "has"]),
    ]


def test_folds_and_attributed_quotes_keep_what_they_were(site: SiteFactory) -> None:
    # Jane's example site: its Octopress quotes were shown as the post's own words, their
    # authors and sources gone, and its "expand" folds (as Hugo's "details" and FixIt's)
    # lost their summaries.
    site.article(
        "posts/a.md",
        body='{{< details summary="See the *details*" >}}\nHidden **text**.\n\n- a\n'
        "{{< /details >}}\n"
        '{{< expand "展開？" >}}\n是的！\n{{< /expand >}}\n'
        "{{< details >}}\nNo summary.\n{{< /details >}}\n"
        '{{< blockquote author="Author3" source="Source <i>" >}}\n  A quote, indented.\n'
        "{{< /blockquote >}}\n"
        "Not quoted.\n"
        '{{< blockquote author="Author5" link="https://www.example.com/a" title="Ex" >}}\n'
        "Linked.\n{{< /blockquote >}}\n\n"
        '{{< blockquote link="https://www.example.com/long/path" >}}\n'
        "Bare.\n{{< /blockquote >}}\n\n"
        "{{< blockquote >}}\nPlain.\n{{< /blockquote >}}\n\n"
        '{{< details "一行" >}}Folded on one line.{{< /details >}}\n\n'
        '{{< admonition tip "Outer" >}}\nTip.\n{{< details "Inner" >}}\nDeep.\n{{< /details >}}\n'
        "{{< /admonition >}}\n\n![](pic.png)\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    folds = body.xpath(".//details")
    assert [fold.xpath("string(summary)") for fold in folds] == [
        "See the *details*",
        "展開？",
        "",
        "一行",
        "Inner",
    ]
    assert [[" ".join(e.text_content().split()) for e in f.xpath("*")] for f in folds] == [
        ["See the *details*", "Hidden text.", "a"],
        ["展開？", "是的！"],
        ["No summary."],
        ["一行", "Folded on one line."],
        ["Inner", "Deep."],
    ]
    assert not folds[2].xpath("summary") and not folds[0].get("open")
    note = body.xpath(".//div[@role='note']")[0]
    assert note.xpath("string(p/strong)") == "Outer" and note.xpath(".//details/summary")
    quotes = body.xpath(".//blockquote")
    assert [" ".join(q.text_content().split()) for q in quotes] == [
        "A quote, indented.",
        "Linked.",
        "Bare.",
        "Plain.",
    ]
    captions = [figure.xpath("string(figcaption)") for figure in body.xpath(".//figure")]
    assert captions == ["— Author3, Source <i>", "— Author5, Ex", "— example.com/long/path"]
    assert [figure.xpath("blockquote") != [] for figure in body.xpath(".//figure")] == [True] * 3
    assert body.xpath(".//figcaption/a/@href") == [
        "https://www.example.com/a",
        "https://www.example.com/long/path",
    ]
    assert "Not quoted." in [p.text_content() for p in body.xpath("p")]
    assert "{{" not in body.text_content()
    lines = (site.root / "content/posts/a.md").read_text("utf-8").splitlines()
    problems = load_catalog(site.settings()).problems
    assert [(p.line, p.message.split(" ")[:2]) for p in problems] == [
        (lines.index("![](pic.png)") + 1, ["image", "'pic.png'"])
    ], "line for line: a later warning names its own line"


def test_nexts_notes_and_stacks_attributed_quotes(site: SiteFactory) -> None:
    # NexT's example site: its notes ("note info", "note default no-icon") and quote were
    # left out as unknown shortcodes (their text kept loose); Stack's quote names its
    # author, source and the source's address.
    site.article(
        "posts/a.md",
        body="{{< note default no-icon >}}\n  ### Header\n  **Welcome**\n{{< /note >}}\n\n"
        "{{< quote >}}\n\n希望是无所谓有。\n\n**鲁迅**\n\n{{< /quote >}}\n\n"
        '{{< quote author="一位名人" source="他们写的书" '
        'url="https://zh.wikipedia.org/wiki/Book" >}}\n'
        "Lorem ipsum.\n{{< /quote >}}\n\n{{< quote-card >}}\nCard.\n{{< /quote-card >}}\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    note = body.xpath(".//div[@role='note']")[0]
    assert [e.tag for e in note] == ["h2", "p"] and "no-icon" not in note.text_content()
    quotes = body.xpath(".//blockquote")
    assert [[p.text_content() for p in q.xpath("p")] for q in quotes] == [
        ["希望是无所谓有。", "鲁迅"],
        ["Lorem ipsum."],
    ]
    assert body.xpath("string(.//figcaption)") == "— 一位名人, 他们写的书"
    assert body.xpath(".//figcaption/a/@href") == ["https://zh.wikipedia.org/wiki/Book"]
    assert "Card." in body.text_content(), "quote-card is another shortcode"


def test_a_themes_link_shortcode_is_a_link(site: SiteFactory) -> None:
    # LoveIt's and FixIt's, in their named and positional forms; nothing but a link.
    site.article(
        "posts/a.md",
        body='{{< link href="https://github.com/x" content="卡片 <b>" card=true >}}\n\n'
        'See {{< link "https://assemble.io" Assemble "A title" >}}, '
        '{{< link "mailto:a@b.example" >}} and {{< link "javascript:alert(1)" Bad >}}.\n',
    )
    body = article_body(make_client(site), "/posts/a/")
    links = [(a.get("href"), a.text, a.get("title")) for a in body.xpath(".//a")]
    assert links == [
        ("https://github.com/x", "卡片 <b>", None),
        ("https://assemble.io", "Assemble", "A title"),
        ("mailto:a@b.example", "mailto:a@b.example", None),
        (None, "Bad", None),  # the sanitiser keeps no javascript: address
    ]
    problems = load_catalog(site.settings()).problems
    assert not [p for p in problems if "shortcode" in p.message]


def test_a_themes_icons_are_not_read_as_their_class_names(site: SiteFactory) -> None:
    # LoveIt's and FixIt's Font Awesome icons in Markdown; kept in code, where docs show them.
    site.article(
        "posts/a.md",
        body="下载 :(fa-solid fa-download): 文件, :(fab fa-sass): SASS, `:(fas fa-x):` and "
        ":( a face ):\n\n## :(far fa-star fa-fw): Stars\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath("string(p)") == "下载 文件, SASS, :(fas fa-x): and :( a face ):"
    assert [(h.get("id"), h.text) for h in body.xpath("h2")] == [("stars", "Stars")]


def test_hugos_comment_shortcode_is_never_shown(site: SiteFactory) -> None:
    # Hugo's own (0.137): what it encloses is for the editors.
    site.article(
        "posts/a.md",
        body="Public.\n\n{{% comment %}} TODO: ask legal about Zhang San. {{% /comment %}}\n\n"
        "{{< comment >}}\nPrivate\nnote.\n{{< /comment >}}\n\n![](pic.png)\n",
    )
    client = make_client(site)
    for path in ("/posts/a/", "/rss.xml", "/feed.json", "/api/v1/articles"):
        shown = client.get(path).text
        assert "Zhang San" not in shown and "Private" not in shown, path
    assert article_body(client, "/posts/a/").text_content().split() == ["Public."]
    lines = (site.root / "content/posts/a.md").read_text("utf-8").splitlines()
    problems = load_catalog(site.settings()).problems
    assert [p.line for p in problems] == [lines.index("![](pic.png)") + 1]


def test_the_ids_the_theme_uses_are_never_given_to_a_body() -> None:
    theme = Path(__file__).resolve().parent.parent / "templates"
    used = {m for t in theme.glob("*.html") for m in re.findall(r'id="([^"{]+)"', t.read_text())}
    assert used <= markdown.PAGE_IDS, used - markdown.PAGE_IDS


def test_code_is_coloured_on_the_server_with_classes_only(site: SiteFactory) -> None:
    site.article(
        "posts/a.md",
        body='{{< highlight go >}}\nfunc main() { fmt.Println("<hi>") } // note\n'
        '{{< /highlight >}}\n\n<span class="evil" style="color:red">raw</span>\n',
    )
    body = article_body(make_client(site), "/posts/a/")
    (code,) = body.xpath(".//pre/code")
    assert code.text_content() == 'func main() { fmt.Println("<hi>") } // note\n'
    assert code.xpath(".//span[@class='kd']/text()") == ["func"]
    assert code.xpath(".//span[@class='c1']/text()") == ["// note"]
    assert not body.xpath(".//*[@style]") and not body.xpath(".//span[@class='evil']")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_code_colour_passes_wcag_aa_in_both_schemes() -> None:
    css = (Path(__file__).resolve().parent.parent / "templates/static/style.css").read_text()
    palette = dict(re.findall(r"--((?:light|dark)-[\w-]+):\s*(#[0-9a-f]{6})", css))
    code = [name for name in palette if "-code-" in name]
    assert len(code) == 12
    for name in code:
        scheme = name.split("-", 1)[0]
        lighter, darker = sorted(
            (_luminance(palette[name]), _luminance(palette[f"{scheme}-bg"])), reverse=True
        )
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, name


def test_tex_becomes_mathml_with_its_tex_kept(site: SiteFactory) -> None:
    site.article(
        "posts/a.md",
        body="Inline \\(x_1^2 < y\\) here.\n\nRight below a line:\n$$\n\\frac{a}{b}\n$$\n\n"
        "Broken \\(\\frac{\\) stays.\n",
    )
    page = make_client(site).get("/posts/a/")
    body = etree.fromstring(page.content, etree.HTMLParser()).xpath("//div[@class='body']")[0]
    inline, block = body.xpath(".//math")
    assert inline.get("display") == "inline" and block.get("display") == "block"
    assert inline.xpath("string(.//annotation)") == "x_1^2 < y"
    assert block.xpath(".//mfrac") and block.xpath("string(.//annotation)") == "\\frac{a}{b}"
    assert body.xpath("string(.//code)") == "\\frac{"


def test_display_math_on_one_line_is_math_and_in_fenced_code_is_code(site: SiteFactory) -> None:
    # How a math post shows its source, then the result (LoveIt's demo does).
    example = "$$\n\\frac{a}{b}\n$$\n$$ c = \\sqrt{a} $$\n"
    site.article(
        "posts/a.md",
        body=f"```markdown\n{example}```\n\n~~~~\n~~~\n{example}~~~~\n\nGives:\n\n{example}\n"
        "Costs $$5 and $$6.\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    assert [code.text for code in body.xpath(".//pre/code")] == [example, "~~~\n" + example]
    maths = body.xpath(".//*[local-name()='math']")
    assert [m.get("display") for m in maths] == ["block", "block"]
    assert [m.xpath("string(.//*[local-name()='annotation'])") for m in maths] == [
        "\\frac{a}{b}",
        "c = \\sqrt{a}",
    ]
    assert "Costs $$5 and $$6." in body.text_content()


MATH_MXSS = (
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style>'
    '<img src onerror=alert(2)>"></style></h1>',
    "<math><mi><style><img src=x onerror=alert(3)></style></mi></math>",
    '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(4)></annotation-xml>',
    '<math><mglyph><svg><mtext><textarea><a title="</textarea><img src=x onerror=alert(5)>">',
    "<svg><math><style><img src=x onerror=alert(6)>",
    '<math href="javascript:alert(7)"><mi xlink:href="javascript:alert(7)">x</mi></math>',
)


@pytest.mark.browser
def test_mutation_xss_through_math_runs_nothing_in_chromium(site: SiteFactory) -> None:
    """What the sanitiser keeps of MathML, parsed by a real browser with no CSP to help."""
    site.article("posts/a.md", body="Real \\(x^2\\).\n\n" + "\n\n".join(MATH_MXSS) + "\n")
    page_html = make_client(site).get("/posts/a/").text
    with launched() as browser:
        page = browser.new_page()
        alerts: list[str] = []

        def dismissed(dialog: Dialog) -> None:
            alerts.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismissed)
        page.set_content(page_html)
        page.wait_for_timeout(300)
        found = page.evaluate(
            """() => ({
                handlers: [...document.querySelectorAll('*')].filter(e =>
                    [...e.attributes].some(a => a.name.startsWith('on') ||
                        /^\\s*javascript:/i.test(a.value))).length,
                scripts: document.querySelectorAll(
                    'script:not([type="application/ld+json"])').length,
                mathml: [...document.querySelectorAll('math')].some(m =>
                    m.namespaceURI === 'http://www.w3.org/1998/Math/MathML' &&
                    m.querySelector('annotation')),
            })"""
        )
        page.close()
    assert alerts == [] and found["handlers"] == 0 and found["scripts"] == 0
    assert found["mathml"], "the real formula is MathML"


def test_a_permalink_for_a_section_named_page_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found in a popular theme's demo site: `page = "/:slug/"` names the section page/, not
    # the newer [permalinks.page] table, and reading the settings raised (a traceback).
    root = tmp_path / "site"
    (root / "content/post").mkdir(parents=True)
    (root / "content/page").mkdir()
    (root / "hugo.toml").write_text(
        '[permalinks]\npost = "/p/:slug/"\npage = "/:slug/"\n', encoding="utf-8"
    )
    (root / "content/post/hello.md").write_text("---\ntitle: Hello\ndate: 2020-01-02\n---\n\nx\n")
    (root / "content/page/about.md").write_text("---\ntitle: About\n---\n\nUs.\n")
    os.utime(root / "content/page/about.md", (FILE_TIME, FILE_TIME))  # an undated page
    settings, problems = load_settings(root)
    assert not problems
    assert dict(settings.permalinks) == {"post": "/p/:slug/", "page": "/:slug/"}
    client = Client(create_app(replace(settings, watch=False)))
    moved = client.get("/p/hello/")
    assert (moved.status_code, moved.headers.get("location")) == (301, "/post/hello/")
    # Its About page (Hugo's /about/), in the folder page/, which a theme's demo has.
    moved = client.get("/about/")
    assert (moved.status_code, moved.headers.get("location")) == (301, "/page/about/")
    assert client.get("/page/about/").status_code == 200
    # But /page/2/ is the front page's second page here: nothing there may be a number.
    (root / "content/page/2.md").write_text("---\ntitle: Two\n---\n\nx\n")
    assert main(["check", str(root)]) == 1
    said = capsys.readouterr().out
    assert "2.md: error: /page/2/ is the front page's page 2; this is not served" in said


def test_hugo_permalinks_keep_working(tmp_path: Path) -> None:
    """A Hugo site that published under [permalinks] patterns: every old address redirects."""
    root = tmp_path / "site"
    (root / "content/posts/bundle").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://hugo.example.org/"\n[permalinks]\n'
        'posts = "/:year/:month/:slug/"\nNews = "/news/:year/:filename/"\n'
        # Newer Hugo's tokens, as FixIt's sites write them (no slashes around).
        'notes = "notes/:slugorcontentbasename"\ndeep = "/:sections[1:]/:slugorfilename/"\n'
        'last = "/:sections[last]/:contentbasename/"\n',
        encoding="utf-8",
    )
    for name, text in {
        "notes/_acm/hustoj/index.md": "---\ntitle: HUSTOJ\ndate: 2020-01-02\n---\n",
        "notes/_acm/poj/index.md": "---\ntitle: POJ\nslug: given\ndate: 2020-01-02\n---\n",
        "deep/a/_index.md": "---\ntitle: A\n---\n",
        "deep/a/b/_index.md": "---\ntitle: B\n---\n",
        "deep/a/b/page.md": "---\ntitle: Page\ndate: 2020-01-02\n---\n",
        "deep/top.md": "---\ntitle: Top\ndate: 2020-01-02\n---\n",
        "last/x/_index.md": "---\ntitle: X\n---\n",
        "last/x/y.md": "---\ntitle: Y\nslug: not-this\ndate: 2020-01-02\n---\n",
    }.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    (root / "content/posts/first.md").write_text(
        '---\ntitle: "Hello, World!"\ndate: 2019-03-11T23:30:00+08:00\n---\n\nx\n', "utf-8"
    )
    (root / "content/posts/bundle/index.md").write_text(
        "---\ntitle: Bundled\nslug: own-slug\ndate: 2020-01-02\n---\n\nx\n", "utf-8"
    )
    (root / "content/news").mkdir()
    (root / "content/news/港灣.md").write_text(
        "---\ntitle: 港灣\ndate: 2021-05-06\n---\n\nx\n", "utf-8"
    )
    settings, problems = load_settings(root)
    assert not problems
    client = Client(create_app(replace(settings, watch=False)))
    for old, new in (
        ("/2019/03/hello-world/", "/posts/first/"),
        ("/2020/01/own-slug/", "/posts/own-slug/"),
        ("/news/2021/港灣/", "/news/%E6%B8%AF%E7%81%A3/"),
        ("/notes/hustoj/", "/notes/_acm/hustoj/"),
        ("/notes/given/", "/notes/_acm/given/"),
        ("/a/b/page/", "/deep/a/b/page/"),
        ("/top/", "/deep/top/"),  # no sections after the first: none in the address
        ("/x/y/", "/last/x/not-this/"),
    ):
        moved = client.get(old)
        assert (moved.status_code, moved.headers.get("location")) == (301, new), old


def hugo_root(tmp_path: Path, config: str, files: dict[str, str]) -> SiteFactory:
    """A site with a Hugo config (no site.toml) and these content files."""
    root = tmp_path / "hugo-site"
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
        # Before the tests' clock: a page without a date takes its file's time.
        os.utime(root / "content" / name, (FILE_TIME, FILE_TIME))
    factory = SiteFactory.__new__(SiteFactory)
    factory.root, factory.written = root, []
    return factory


@pytest.mark.parametrize("given", ["/", "/blog/", "//cdn.example/"])
def test_a_relative_hugo_base_url_is_a_warning_naming_hugos_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    # NexT's example site has baseURL: / (Hugo allows it): reader check failed with
    # "site.toml: error: base_url '/' is not an absolute http(s) URL", of a file the site
    # has not, and advised writing a key Hugo's config does not have.
    files = {"posts/a.md": "---\ntitle: A\ndate: 2026-11-01\n---\nText.\n"}
    site = hugo_root(tmp_path, f'baseURL = "{given}"\ntitle = "T"\n', files)
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert f"hugo.toml: warning: baseURL {given!r} is not an absolute http(s) address" in out
    assert "site.toml" not in out
    settings, _ = load_settings(site.root)
    assert not settings.base_url_configured and settings.title == "T"


FILE_TIME = (NOW - timedelta(days=3)).timestamp()
TAXONOMY_CONFIG = (
    'title = "Blog"\nbaseURL = "https://hugo.example.org/"\n'
    '[taxonomies]\ntag = "tags"\ncategory = "categories"\nseries = "series"\ngenre = "genres"\n'
)
TAXONOMY_FILES = {
    "posts/_index.md": "---\ntitle: Posts\n---\n",
    "posts/a.md": "---\ntitle: Alpha\ndate: 2026-11-01T09:00:00+08:00\ntags: [Harbour]\n"
    "categories: [City]\nseries: [Harbour works]\ngenres: [Report]\n---\n\nA.\n",
    "posts/b.md": "---\ntitle: Beta\ndate: 2026-11-02T09:00:00+08:00\ncategories: [city, Sport]\n"
    "---\n\nB.\n",
    "posts/draft.md": "---\ntitle: Hidden\ndate: 2026-11-03T09:00:00+08:00\ndraft: true\n"
    "categories: [Secret]\nseries: [Secret series]\n---\n\nC.\n",
    # Hugo reads a taxonomy's folder for its list page's title: valid, never a section.
    "categories/_index.md": "---\ntitle: Categories\n---\n",
}


def test_every_taxonomy_has_its_own_pages_and_feeds(tmp_path: Path) -> None:
    site = hugo_root(tmp_path, TAXONOMY_CONFIG, TAXONOMY_FILES)
    assert main(["check", str(site.root)]) == 0
    client = make_client(site)
    for taxonomy, term, titles in [
        ("categories", "city", ["Beta", "Alpha"]),
        ("categories", "sport", ["Beta"]),
        ("series", "harbour-works", ["Alpha"]),
        ("genres", "report", ["Alpha"]),
        ("tags", "harbour", ["Alpha"]),
    ]:
        page = parse_html(client.get(f"/{taxonomy}/{term}/"))
        assert page.xpath("//main//article//h3/a/text()") == titles, (taxonomy, term)
        feed = feedparser.parse(client.get(f"/{taxonomy}/{term}/atom.xml").content)
        assert [entry.title for entry in feed.entries] == titles
        listed = parse_html(client.get(f"/{taxonomy}/"))
        assert f"/{taxonomy}/{term}/" in listed.xpath("//main//a/@href")
    headings = {
        "categories": "Category: city",  # as the newest article spells it
        "series": "Series: Harbour works",
        "genres": "Genres: Report",
    }
    for taxonomy, heading in headings.items():
        slug = {"categories": "city", "series": "harbour-works", "genres": "report"}[taxonomy]
        assert parse_html(client.get(f"/{taxonomy}/{slug}/")).xpath("string(//h1)") == heading
    # Categories are no longer keywords; nothing unpublished has a term page.
    assert client.get("/tags/sport/").status_code == 301
    for hidden in (
        "/categories/secret/",
        "/series/secret-series/",
        "/series/secret-series/rss.xml",
    ):
        assert client.get(hidden).status_code == 404, hidden
    assert client.get("/unknown-taxonomy/").status_code == 404
    # The article names its terms, each linked to its page.
    article = parse_html(client.get("/posts/a/"))
    links = article.xpath("//aside//nav//a[@rel='tag']/@href")
    assert links == [
        "/categories/city/",
        "/series/harbour-works/",
        "/genres/report/",
        "/tags/harbour/",
    ]
    # Feeds carry every term as a category; the feeds page and sitemap list the terms.
    entry = feedparser.parse(client.get("/posts/rss.xml").content).entries[-1]
    assert {t.term for t in entry.tags} == {"Harbour", "City", "Harbour works", "Report"}
    feeds_page = parse_html(client.get("/feeds/")).xpath("//main//a/@href")
    assert "/series/harbour-works/rss.xml" in feeds_page
    sitemap = etree.fromstring(client.get("/sitemap.xml").content)
    locs = sitemap.xpath("//*[local-name()='loc']/text()")
    assert "https://hugo.example.org/genres/report/" in locs
    assert not any("secret" in loc for loc in locs)


def test_keyword_addresses_of_merged_categories_redirect(tmp_path: Path) -> None:
    # Before categories had pages of their own, /tags/sport/ listed them: old links follow.
    site = hugo_root(tmp_path, TAXONOMY_CONFIG, TAXONOMY_FILES)
    client = make_client(site)
    for old, new in [
        ("/tags/sport/", "/categories/sport/"),
        ("/tags/sport/rss.xml", "/categories/sport/rss.xml"),
        ("/tags/sport/feed.json", "/categories/sport/feed.json"),
        ("/tags/harbour-works/atom.xml", "/series/harbour-works/atom.xml"),
    ]:
        moved = client.get(old)
        assert moved.status_code == 301 and moved.headers["location"] == new, old
    assert client.get("/tags/harbour/").status_code == 200, "a keyword stays a keyword"
    assert client.get("/tags/secret/").status_code == 404, "never a hint of a draft's term"


def test_without_categories_as_a_taxonomy_they_stay_keywords(tmp_path: Path) -> None:
    config = '[taxonomies]\ntag = "tags"\nseries = "series"\n'
    site = hugo_root(tmp_path, config, TAXONOMY_FILES)
    client = make_client(site)
    assert client.get("/tags/sport/").status_code == 200
    assert client.get("/categories/city/").status_code == 404
    assert client.get("/categories/city/index.xml").headers["location"] == "/tags/city/rss.xml"


@pytest.mark.parametrize("plural", ["feeds", "api", "a/b", "..", "", "has space"])
def test_a_taxonomy_cannot_take_a_url_of_ours(tmp_path: Path, plural: str) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(f'[taxonomies]\nx = "{plural}"\n', encoding="utf-8")
    settings, problems = load_settings(root)
    assert len(problems) == 1 and "taxonomy" in problems[0].message
    assert settings.taxonomy_names == ("tags", "categories"), "the defaults stand"


def test_articles_in_a_taxonomys_folder_are_reported(tmp_path: Path) -> None:
    files = {**TAXONOMY_FILES, "series/lost.md": "---\ntitle: Lost\ndate: 2026-11-01\n---\n"}
    site = hugo_root(tmp_path, TAXONOMY_CONFIG, files)
    client = make_client(site)
    problems = [str(p) for p in client.app.site.holder.state.snapshot.problems]
    assert any("series" in p and "not served" in p for p in problems), problems


def test_hugos_url_front_matter_keeps_its_address(site: SiteFactory) -> None:
    site.article("about.md", title="About us", url="/about-us/")
    site.article("posts/old.md", title="Old", url="legacy/page.html")
    site.article("posts/home.md", title="Home?", url="/")
    # As Hugo keeps it: an ideographic space ends a real site's url, and its links.
    site.article("posts/wide.md", title="Wide", url="wrapper\u3000")
    client = make_client(site)
    moves = [("/about-us/", "/about/"), ("/legacy/page.html", "/posts/old/")]
    for old, new in [*moves, ("/wrapper%E3%80%80/", "/posts/wide/")]:
        moved = client.get(old)
        assert moved.status_code == 301 and moved.headers["location"] == new, old
    assert client.get("/").status_code == 200, "url: / takes no address"


def test_an_old_address_two_files_claim_is_named_and_leads_to_the_older(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real blog (wiloon/blog): 40 of its old addresses were each claimed by two posts'
    # url or aliases (url: disruptor, twice); which one a reader reached was not said.
    site.article("posts/a.md", title="Older", url="disruptor", date="2026-11-01")
    site.article("inbox/b.md", title="Newer", url="/disruptor/", date="2026-11-02")
    site.article("posts/c.md", title="Newest", aliases=["/disruptor"], date="2026-11-03")
    site.article(
        "posts/d.md", title="Oldest, a draft", url="disruptor", date="2026-10-01", draft=True
    )
    assert client_location(make_client(site), "/disruptor/") == "/posts/a/"
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert out.count("its old address /disruptor/ is also posts/a.md's") == 2
    assert "inbox/b.md: warning" in out and "posts/c.md: warning" in out


def client_location(client: Client, path: str) -> str:
    """Where ``path`` redirects."""
    moved = client.get(path)
    assert moved.status_code == 301, path
    return moved.headers["location"]


MENU_CONFIG = """title = "Blog"
[[menus.main]]
name = "All posts"
pageRef = "/posts"
weight = 20
[[menus.main]]
name = "Elsewhere <b>"
url = "https://gohugo.io/"
weight = 30
[[menus.main]]
name = ""
pre = "<i class='icon-github'></i>"
title = "GitHub"
url = "https://github.com/"
weight = 40
[[menus.main]]
name = "Child"
pageRef = "/posts/a"
parent = "Posts"
[[menus.main]]
name = "Bad"
url = "javascript:alert(1)"
[[menus.main]]
name = "Secret"
pageRef = "/posts/draft.md"
[[menus.main]]
name = "Our team"
pageRef = "/team.html"
weight = 50
"""


def test_menus_from_config_and_front_matter_are_shown_on_every_page(tmp_path: Path) -> None:
    files = {
        **TAXONOMY_FILES,
        "about.md": "---\ntitle: About\nmenu: main\n---\n\nUs.\n",
        # NexT's example site names its English About page by its address, "/about.html".
        "team.md": "---\ntitle: Team\n---\n\nWe.\n",
        "contact.md": "---\ntitle: Contact\nmenu:\n  main:\n    name: Write to us\n"
        "    weight: 10\n---\n\nHere.\n",
        "sport/_index.md": "---\ntitle: Sport\nmenu: [main, footer]\n---\n",
        "sport/run.md": "---\ntitle: Run\ndate: 2026-11-01\n---\n\nRan.\n",
    }
    site = hugo_root(tmp_path, MENU_CONFIG, files)
    client = make_client(site)
    # The top sections first, then the menu's other entries in the menu's order (by
    # weight, unweighted last): a section the menu names too is shown once, as the menu
    # names it; an entry shown as an icon by its theme is named by its title.
    expected = [
        ("All posts", "/posts/"),
        ("Sport", "/sport/"),
        ("Write to us", "/contact/"),
        ("Elsewhere <b>", "https://gohugo.io/"),
        ("GitHub", "https://github.com/"),
        ("Our team", "/team/"),
        ("About", "/about/"),
    ]
    for path in ("/", "/posts/a/", "/sport/run/", "/tags/", "/feeds/", "/nowhere/"):
        menu = parse_html(client.get(path)).xpath("//header//nav[@class='site-nav']//a")
        assert [(a.text, a.get("href")) for a in menu] == expected, path
    posts = parse_html(client.get("/posts/")).xpath("//header//nav//a[@aria-current]")
    assert [(a.text, a.get("aria-current")) for a in posts] == [("All posts", "page")]
    below = parse_html(client.get("/posts/a/")).xpath("//header//nav//a[@aria-current]")
    assert [(a.text, a.get("aria-current")) for a in below] == [("All posts", "true")]


def test_without_a_menu_the_header_lists_the_top_sections(site: SiteFactory) -> None:
    site.article("posts/a.md")
    site.article("news/deep/b.md")
    site.article("drafts/c.md", draft=True)
    site.article("新聞/d.md")
    page = parse_html(make_client(site).get("/"))
    links = page.xpath("//header//nav[@class='site-nav']//a")
    # A section without a title of its own is named by its folder, capitalized as Hugo
    # capitalizes it.
    assert [(a.text, a.get("href")) for a in links] == [
        ("News", "/news/"),
        ("Posts", "/posts/"),
        ("新聞", "/%E6%96%B0%E8%81%9E/"),
    ], "top sections with something published, by title"


def test_a_plain_page_needs_no_date_and_shows_none(tmp_path: Path) -> None:
    site = hugo_root(tmp_path, 'title = "Blog"\n', {"about.md": "---\ntitle: About\n---\n\nUs.\n"})
    assert main(["check", str(site.root)]) == 0
    page = parse_html(make_client(site).get("/about/"))
    assert page.xpath("string(//h1)") == "About"
    assert not page.xpath("//main//time") and not page.xpath("//p[@class='byline']")
    sitemap = etree.fromstring(make_client(site).get("/sitemap.xml").content)
    url = next(u for u in sitemap if (u[0].text or "").endswith("/about/"))
    lastmod = datetime.fromisoformat(url.findtext("{*}lastmod") or "")
    assert lastmod.timestamp() == FILE_TIME, "the file's time stands in for the date"


def test_an_empty_date_is_no_date(site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    # Found on a real Hugo site: a hundred posts with 'date: ""', which Hugo serves as
    # undated pages. Each was an error ("None is not a date") and not served at all.
    site.article("posts/dated.md", title="Dated")
    for name, date in (("empty", '""'), ("blank", "")):
        page = site.write(f"posts/{name}.md", f"---\ntitle: {name}\ndate: {date}\n---\n\nText.\n")
        os.utime(page, (FILE_TIME, FILE_TIME))  # before the tests' clock: its date
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    for name in ("empty.md", "blank.md"):
        said = next(line for line in out.splitlines() if name in line)
        assert f"{name}:3: note: the page has an empty date, so it is a plain page" in said
    client = make_client(site)
    for path in ("/posts/empty/", "/posts/blank/"):
        assert client.get(path).status_code == 200, path
    assert parse_html(client.get("/posts/")).xpath("//main//h3/a/text()") == ["Dated"]


def test_a_date_written_as_a_day_is_shown_without_a_time(site: SiteFactory) -> None:
    site.article("posts/day.md", title="Day", date="2019-03-11", lastmod="2019-03-12")
    site.article("posts/timed.md", title="Timed", date="2019-03-10T09:30:00+08:00")
    client = make_client(site)
    article = parse_html(client.get("/posts/day/"))
    times = [(t.get("datetime"), t.text) for t in article.xpath("//main//time")]
    assert times == [("2019-03-11", "Mar 11, 2019"), ("2019-03-12", "Mar 12, 2019")]
    teasers = parse_html(client.get("/posts/")).xpath("//main//time")
    assert (teasers[0].get("datetime"), teasers[0].text) == ("2019-03-11", "Mar 11, 2019")
    timed = teasers[1].text
    assert "09:30" in timed, "a time written is shown, in the site's zone"


TYPOGRAPHY = '"Quoted" -- \'single\' --- and... `"code" -- ...` :smile: `:smile:`\n'


@pytest.mark.parametrize(
    ("config", "curly", "emoji"),
    [
        ('title = "Blog"\n', True, False),
        ("enableEmoji = true\n[markup.goldmark.extensions]\ntypographer = false\n", False, True),
        ("[markup.goldmark.extensions.typographer]\ndisable = true\n", False, False),
    ],
)
def test_typographer_and_emoji_as_hugo_sets_them(
    tmp_path: Path, config: str, curly: bool, emoji: bool
) -> None:
    files = {"posts/a.md": f"---\ntitle: A\ndate: 2026-11-01\n---\n\n{TYPOGRAPHY}"}
    site = hugo_root(tmp_path, config, files)
    paragraph = article_body(make_client(site), "/posts/a/").xpath(".//p")[0]
    text = paragraph.xpath("string(.)")
    typographed = "“Quoted” – ‘single’ — and…"
    assert text.startswith(typographed if curly else "\"Quoted\" -- 'single' --- and...")
    assert paragraph.xpath(".//code/text()") == ['"code" -- ...', ":smile:"], "code as typed"
    assert ("😄" in text) is emoji


def test_escaped_brackets_starting_a_line_are_text_not_math(site: SiteFactory) -> None:
    # A real blog (zhengzangw/hugo-site): a list item "\\[Recommended\\] 安装 [Anaconda](…)"
    # was read as display math, "Recommended" in MathML and the rest, link and all, gone.
    site.article(
        "posts/a.md",
        body="* \\[Recommended\\] 安装 [Anaconda](https://anaconda.example/)\n* pip\n\n"
        "\\[ x^2 \\]\n\n> \\[ y \\]\n\n\\[ a\n\nb \\]\n\n\\[ z \\] (1)\n",
    )
    body = article_body(make_client(site), "/posts/a/")
    assert body.xpath("string(.//li[1])") == "[Recommended] 安装 Anaconda"
    assert body.xpath(".//li[1]/a/@href") == ["https://anaconda.example/"]
    assert body.xpath(".//math/@display") == ["block", "block"], "math alone on its line is"
    # Nor across a blank line, which ends any block: the search for its end stops there
    # (a file of unclosed ones took 35 s, each searched to the end of the file).
    assert "[ a" in [p.text_content() for p in body.xpath("./p")]
    assert body.xpath("string(./p[last()])") == "[ z ] (1)", "no numbered-equation form"


def test_the_typographer_changes_only_what_goldmarks_does(site: SiteFactory) -> None:
    # Found comparing a real blog's pages with Hugo's: markdown-it's typographer also made
    # a list's "(c)" ©, an ASCII table's "+-" ±, "cd .." "cd …", "?...." "?.." and ",,"
    # ",", none of which Goldmark's (Hugo's, checked with Hugo 0.111) does.
    written = "(a) (b) (c) (r) (tm) x +- y, cd .. then !!!!! ,, ng add --project p"
    body = f"{written}\n\n+-+\n|a|\n+-+\n\nWait... ?.... 10--20, a -- b, a---b.\n"
    site.article("posts/a.md", body=body)
    paragraphs = article_body(make_client(site), "/posts/a/").xpath(".//p")
    assert [p.text_content() for p in paragraphs] == [
        written,
        "+-+\n|a|\n+-+",
        "Wait… ?…. 10–20, a – b, a—b.",
    ]


def test_indented_table_rows_and_all_six_heading_levels_read_as_hugo_reads_them(
    site: SiteFactory,
) -> None:
    # From Hugo's basic example: rows indented four spaces, and headings # to ######.
    body = (
        "# H1\n\n## H2\n\n### H3\n\n#### H4\n\n##### H5\n\n###### H6\n\n"
        "   Name | Age\n--------|------\n    Bob | 27\n  Alice | 23\n\n"
        "```\n   Name | Age\n--------|------\n    Bob | 27\n```\n"
    )
    site.article("posts/a.md", body=body)
    rendered = article_body(make_client(site), "/posts/a/")
    headings = rendered.xpath(".//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")
    assert [(h.tag, h.text) for h in headings] == [
        ("h2", "H1"),
        ("h3", "H2"),
        ("h4", "H3"),
        ("h5", "H4"),
        ("h6", "H5"),
    ]
    assert rendered.xpath(".//p[@role='heading']/@aria-level") == ["7"], "no two levels collide"
    rows = rendered.xpath(".//table//tr")
    assert [[c.text for c in row] for row in rows] == [
        ["Name", "Age"],
        ["Bob", "27"],
        ["Alice", "23"],
    ]
    assert "    Bob | 27" in rendered.xpath("string(.//pre)"), "code stays as written"


def test_a_bodys_headings_never_skip_a_level(site: SiteFactory) -> None:
    # Hugo's "(Hu)go Template Primer", in many themes' example sites, runs "##" sections,
    # then "# Hugo Parameters" with "##" below it: its first headings were h3 under the
    # title's h1 (axe: heading-order), as are those of a body that starts at "###".
    site.article("posts/a.md", body="## A\n\n### B\n\n## C\n\n# D\n\n## E\n\n#### F\n")
    site.article("posts/b.md", body="### Only\n\n### Level\n\n##### Deeper\n")
    client = make_client(site)
    levels = [
        [h.tag for h in article_body(client, path).xpath(".//h2|.//h3|.//h4|.//h5|.//h6")]
        for path in ("/posts/a/", "/posts/b/")
    ]
    assert levels == [["h2", "h3", "h2", "h2", "h3", "h4"], ["h2", "h2", "h3"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=12))
def test_heading_levels_form_an_outline(written: list[int]) -> None:
    source = "\n\n".join(f"{'#' * level} H{n}" for n, level in enumerate(written))
    page = lxml_html.fragment_fromstring(
        markdown.render_markdown(source, path=Path("a.md")).html, create_parent="div"
    )
    given = [
        int(e.get("aria-level")) if e.tag == "p" else int(e.tag[1])
        for e in page.xpath(
            "./*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or @role]"
        )
    ]
    assert len(given) == len(written) and given[0] == 2
    assert all(2 <= b <= a + 1 for a, b in itertools.pairwise(given)), "no level skipped"
    for i, j in itertools.pairwise(range(len(written))):
        # The author's order kept: deeper stays deeper, a return to a level written
        # before (with nothing shallower between) returns to its level.
        if written[j] > written[i]:
            assert given[j] == given[i] + 1
        elif written[j] == written[i]:
            assert given[j] == given[i]
    if written[0] == 2 <= min(written) and all(b <= a + 1 for a, b in itertools.pairwise(written)):
        assert given == written, "an outline already without gaps under the title is kept"


CODE_OPTIONS = (
    '```python {linenos=table,hl_lines=[2,"4-5"]}\n'
    'def f():\n    return x\n# comment\na = "s"\nb = 2\n```\n\n'
    '{{< highlight go "linenos=inline,hl_lines=1" >}}\npackage main\nimport "fmt"\n'
    "{{< /highlight >}}\n\n```text {hl_lines=[1]}\nplain <b>\n```\n"
)


def test_code_line_numbers_and_highlighted_lines(site: SiteFactory) -> None:
    site.article("posts/a.md", body=CODE_OPTIONS)
    python, go, plain = article_body(make_client(site), "/posts/a/").xpath(".//pre/code")
    lines = python.xpath("./span[@class='lno']")
    assert [line.xpath("string(.)") for line in lines] == [
        "def f():",
        "    return x",
        "# comment",
        'a = "s"',
        "b = 2",
    ]
    marked = [n for n, line in enumerate(lines, 1) if line.xpath("./mark")]
    assert marked == [2, 4, 5]
    assert python.xpath(".//span[@class='k']/text()")[:1] == ["def"], "still coloured"
    assert [bool(line.xpath("./mark")) for line in go.xpath("./span[@class='lno']")] == [
        True,
        False,
    ]
    assert not plain.xpath("./span") and plain.xpath("string(./mark)") == "plain <b>"


@pytest.mark.browser
def test_line_numbers_are_not_read_aloud(site: SiteFactory) -> None:
    site.article("posts/a.md", body=CODE_OPTIONS)
    with running_server(str(site.root)) as base, launched() as browser:
        page = browser.new_page()
        page.goto(base + "/posts/a/")
        first = page.locator("pre .lno").first
        shown = first.evaluate("e => getComputedStyle(e, '::before').content")
        assert "counter(line)" in shown or shown.strip('"') == "1", "the number is drawn"
        session = page.context.new_cdp_session(page)
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        texts = {str(n.get("name", {}).get("value", "")).strip() for n in nodes}
        # The code's only digit is the 2 of "b = 2": a number read aloud would be another.
        assert "def" in texts and not texts & {"1", "3", "4", "5"}


def test_the_param_shortcode_shows_page_then_site_values(tmp_path: Path) -> None:
    config = '[params]\ndescription = "Site <wide>"\n[params.author]\nname = "Site author"\n'
    body = (
        '{{< param "description" >}} / {{< param "Author.Name" >}} / {{< param "colour" >}} / '
        '{{< param "missing" >}}.\n'
    )
    files = {
        "posts/a.md": f"---\ntitle: A\ndate: 2026-11-01\ncolour: blue\n---\n\n{body}",
        "posts/b.md": "---\ntitle: B\ndate: 2026-11-01\ndescription: Page's own\n"
        "params:\n  author:\n    name: Page author\n---\n\n" + body,
    }
    site = hugo_root(tmp_path, config, files)
    assert main(["check", str(site.root)]) == 0
    client = make_client(site)
    a = article_body(client, "/posts/a/").xpath("string(.//p)")
    b = article_body(client, "/posts/b/").xpath("string(.//p)")
    assert a == "Site <wide> / Site author / blue / ."
    assert b == "Page's own / Page author /  / ."


def test_an_unlisted_page_is_served_but_in_no_list(site: SiteFactory) -> None:
    site.write(
        "posts/hidden.md",
        "---\ntitle: Unlisted\ndate: 2026-11-01\n_build:\n  list: never\n---\n\nBody.\n",
    )
    site.article("posts/shown.md", title="Listed")
    client = make_client(site)
    assert client.get("/posts/hidden/").status_code == 200
    assert parse_html(client.get("/posts/")).xpath("//main//h3/a/text()") == ["Listed"]
    assert [e.title for e in feedparser.parse(client.get("/rss.xml").content).entries] == ["Listed"]


def test_an_undated_page_in_a_section_without_news_is_served(site: SiteFactory) -> None:
    # Found on a real Hugo site: a wiki of undated pages. The section has no news, so it is
    # not public; its page is served, and names no section that is not.
    site.section("wiki", title="Wiki")
    undated = "---\ntitle: Singleton\nlastmod: 2026-11-01\n---\n\nOne of a kind.\n"
    site.write("wiki/patterns/singleton.md", undated)
    client = make_client(site)
    page = client.get("/wiki/patterns/singleton/")
    assert page.status_code == 200
    crumbs = parse_html(page).xpath("//nav[@class='breadcrumbs']//a/@href")
    assert crumbs == ["/", "/wiki/patterns/singleton/"], "home, then the page itself"
    assert client.get("/wiki/").status_code == 404


HUGO_COMPARED = {
    "posts/first.md": "---\ntitle: First\ndate: 2026-11-01T09:00:00+08:00\n---\n\nA.\n",
    "posts/MyPost.md": "---\ntitle: Upper Case\ndate: 2026-11-02T09:00:00+08:00\n---\n\nB.\n",
    "posts/港灣.md": "---\ntitle: 港灣 News\ndate: 2026-11-03T09:00:00+08:00\n---\n\nC.\n",
    "posts/v2.0-notes.md": "---\ntitle: Notes\ndate: 2026-11-04T09:00:00+08:00\n---\n\nD.\n",
    "posts/bundle/index.md": "---\ntitle: Bundled\nslug: own-slug\ndate: 2026-11-05\n---\n\nE.\n",
    "posts/moved.md": "---\ntitle: Moved\ndate: 2026-11-06\nurl: /legacy/moved.html\n---\n\nF.\n",
    "news/item.md": "---\ntitle: Item\ndate: 2026-11-07T09:00:00+08:00\n---\n\nG.\n",
    "about.md": "---\ntitle: About\ndate: 2026-10-01\n---\n\nH.\n",
}


@pytest.mark.external
@pytest.mark.parametrize(
    "config",
    [
        "",
        '[permalinks]\nposts = "/:year/:month/:filename/"\n',
        'uglyURLs = true\n[permalinks]\nposts = "/:slug"\n',
        "uglyURLs = true\n",
    ],
)
def test_every_address_hugo_gives_answers_and_keeps_its_feed_id(
    tmp_path: Path, config: str
) -> None:
    """Hugo itself says where it publishes each page; each answers here, and the feed entry
    ids are Hugo's permalinks, so a migrated site's subscribers see nothing twice."""
    hugo = shutil.which("hugo")
    require(hugo, "hugo", "apt-get install hugo")
    base = 'baseURL = "https://hugo.example.org/"\ntitle = "T"\n'
    site = hugo_root(tmp_path, base + config, HUGO_COMPARED)
    listed = subprocess.run(
        [str(hugo), "list", "all"], cwd=site.root, capture_output=True, text=True, check=True
    ).stdout
    permalinks = {row["title"]: row["permalink"] for row in csv.DictReader(io.StringIO(listed))}
    assert len(permalinks) == len(HUGO_COMPARED)
    client = make_client(site)
    for title, permalink in permalinks.items():
        response = client.get(urlsplit(permalink).path)
        if response.status_code == 301:
            response = client.get(response.headers["location"])
        assert response.status_code == 200, permalink
        assert parse_html(response).xpath("string(//h1)") == title
    guids = {
        entry.title: entry.id for entry in feedparser.parse(client.get("/rss.xml").content).entries
    }
    assert guids == {t: p for t, p in permalinks.items() if t != "About"}


def test_an_ugly_sites_old_addresses_are_exported_as_the_files_hugo_wrote(
    tmp_path: Path,
) -> None:
    # forecho/hugo-blog (uglyURLs): its section's /posts.html and its posts' /a.html were
    # written as folders (posts.html/index.html) and mapped with a slash nginx never sees.
    files = {"posts/a.md": "---\ntitle: A\ndate: 2026-11-01\n---\nText.\n"}
    site = hugo_root(tmp_path, 'baseURL = "https://u.example.org/"\nuglyURLs = true\n', files)
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--no-index", "--no-precompress"]) == 0
    for old, new in [("posts.html", "/posts/"), ("posts/a.html", "/posts/a/")]:
        assert (out / old).is_file() and redirect_target(out / old) == new, old
        assert f'"/{old}" {new};' in (out / "redirects.map").read_text(encoding="utf-8")


PASSTHROUGH = """[markup.goldmark.extensions.passthrough]
enable = true
[markup.goldmark.extensions.passthrough.delimiters]
block = [['\\\\[', '\\\\]'], ['$$', '$$']]
inline = [['\\\\(', '\\\\)'], ['$', '$']]
"""


@pytest.mark.parametrize(("config", "dollars"), [(PASSTHROUGH, True), ("", False)])
def test_single_dollars_are_math_where_the_site_says(
    tmp_path: Path, config: str, dollars: bool
) -> None:
    body = "Let $x^2$ be; `$y$` is code, and it costs $5 or $6.\n"
    site = hugo_root(
        tmp_path, config, {"posts/a.md": f"---\ntitle: A\ndate: 2026-11-01\n---\n\n{body}"}
    )
    paragraph = article_body(make_client(site), "/posts/a/").xpath(".//p")[0]
    annotations = paragraph.xpath(".//annotation/text()")
    assert annotations == (["x^2"] if dollars else [])
    assert "$5 or $6" in paragraph.xpath("string(.)")
    assert paragraph.xpath(".//code/text()") == ["$y$"]


def test_a_folder_with_index_md_and_underscore_index_md_is_a_section_as_in_hugo(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hugo 0.111 reads such a folder as a section, serves the pages inside it, and leaves
    its index.md out; here its pages were 404 and the folder an article."""
    site.section("news", title="News")
    site.article("news/index.md", title="Lost bundle")
    site.article("news/ferry/index.md", title="Ferry")
    site.article("news/lights.md", title="Lights")
    client = make_client(site)
    assert client.get("/news/ferry/").status_code == 200
    assert client.get("/news/lights/").status_code == 200
    listed = parse_html(client.get("/news/")).xpath("//main//a/text()")
    assert "Ferry" in listed and "Lost bundle" not in listed
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "news/index.md" in out and "the folder's _index.md makes it a section" in out
