"""Languages and scripts: dates as each language writes them, script variants, one keyword
across scripts, the pinyin reading aid."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from lxml import html as lxml_html

from reader.cli import main
from reader.config import load_settings
from reader.languages import language_settings
from reader.presentation import reading_minutes
from reader.preview import SECRET_VARIABLE
from tests.browser import require
from tests.factories import HUGO_MULTILINGUAL, SiteFactory, make_client, parse_html

CHINESE_SITE_TOML = """
title = "市民日報"
base_url = "https://news.example.org/"
language = "zh-Hant"
timezone = "Asia/Shanghai"
footer = ["新聞許可證 123"]
"""


@pytest.fixture
def chinese(site: SiteFactory) -> SiteFactory:
    """A Traditional Chinese site."""
    (site.root / "site.toml").write_text(CHINESE_SITE_TOML, encoding="utf-8")
    return site


# --- dates -------------------------------------------------------------------------------


def test_a_teaser_date_is_compact_and_does_not_name_the_site_zone(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", title="甲", date="2024-08-30T08:27:00Z")
    tree = parse_html(make_client(chinese).get("/news/"))
    (time,) = tree.xpath("//main//li//time")
    assert time.get("datetime") == "2024-08-30T16:27:00+08:00"
    assert time.text == "2024年8月30日 16:27"


def test_a_day_written_alone_gets_no_time_in_chinese(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", title="甲", date="2024-08-30")
    client = make_client(chinese)
    for path in ("/news/", "/news/a/"):
        times = parse_html(client.get(path)).xpath("//main//time")
        assert [(t.get("datetime"), t.text) for t in times][:1] == [("2024-08-30", "2024年8月30日")]


# --- script variants ---------------------------------------------------------------------

BODY = """港灣渡輪將於下月起增開夜間班次。乾隆年間的碼頭軟體。

![渡輪碼頭](pier.svg)

`程式碼` 不轉換：

```
網路 = "不轉換"
```

另見[另一篇](../b/)。
"""


def _variant_site(chinese: SiteFactory) -> SiteFactory:
    chinese.site_toml = CHINESE_SITE_TOML + 'glossary = ["乾隆"]\n'
    (chinese.root / "site.toml").write_text(chinese.site_toml, encoding="utf-8")
    chinese.article("news/a/index.md", BODY, title="渡輪增開夜間班次", tags=["環保"])
    chinese.write("news/a/pier.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    chinese.article("news/b.md", title="另一篇報導", aliases=["/old/b/"])
    return chinese


def test_a_variant_page_is_in_the_other_script_and_stays_there(chinese: SiteFactory) -> None:
    client = make_client(_variant_site(chinese))
    response = client.get("/zh-hans/news/a/")
    assert response.status_code == 200
    tree = parse_html(response)
    assert tree.get("lang") == "zh-Hans"
    assert tree.xpath("string(//h1)") == "渡轮增开夜间班次"
    body = tree.xpath("string(//main//article)")
    assert "港湾渡轮将于下月起增开夜间班次" in body
    assert "乾隆" in body and "乾隆" not in "".join(body.split("乾隆"))  # the glossary's name
    assert tree.xpath("string(//p/code)") == "程式碼"  # code is left as written
    assert '網路 = "不轉換"' in tree.xpath("string(//pre)")
    # Every link to a page or feed of ours stays in the variant; files stay where they are.
    links = [h for h in tree.xpath("//a/@href|//link/@href|//form/@action") if h.startswith("/")]
    pages = [h for h in links if not h.startswith(("/_assets/", "/_reading.css", "/settings/"))]
    outside = [h for h in pages if not h.startswith("/zh-hans/")]
    assert outside == ["/news/a/"], "only the switch back leaves the variant"
    assert "/zh-hans/news/b/" in links
    (image,) = tree.xpath("//main//img/@src")
    assert image == "/news/a/pier.svg"
    assert client.get(image).status_code == 200
    assert tree.xpath("//main//img/@alt") == ["渡轮码头"]


def test_a_variant_names_the_original_as_canonical_and_both_as_alternates(
    chinese: SiteFactory,
) -> None:
    client = make_client(_variant_site(chinese))
    for path in ("/news/a/", "/zh-hans/news/a/"):
        tree = parse_html(client.get(path))
        assert tree.xpath("//link[@rel='canonical']/@href") == ["https://news.example.org/news/a/"]
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath("//link[@rel='alternate'][@hreflang]")
        }
        assert alternates == {
            "zh-Hant": "https://news.example.org/news/a/",
            "zh-Hans": "https://news.example.org/zh-hans/news/a/",
        }
    original = parse_html(client.get("/news/a/"))
    (switch,) = original.xpath("//nav[@class='versions']//a[@hreflang]")
    assert (switch.get("href"), switch.get("lang"), switch.text) == (
        "/zh-hans/news/a/",
        "zh-Hans",
        "简体中文",
    )
    variant = parse_html(client.get("/zh-hans/news/a/"))
    (back,) = variant.xpath("//nav[@class='versions']//a[@hreflang]")
    assert (back.get("href"), back.text) == ("/news/a/", "繁體中文")


def test_variant_feeds_are_in_the_variant_with_the_same_entry_ids(chinese: SiteFactory) -> None:
    feedparser = pytest.importorskip("feedparser")
    client = make_client(_variant_site(chinese))
    for name in ("rss.xml", "atom.xml", "feed.json"):
        original = client.get(f"/news/{name}")
        variant = client.get(f"/zh-hans/news/{name}")
        assert variant.status_code == 200
        assert variant.headers["content-type"] == original.headers["content-type"]
        if name == "feed.json":
            document = variant.json()
            assert document["language"] == "zh-Hans"
            assert document["feed_url"] == "https://news.example.org/zh-hans/news/feed.json"
            titles = [item["title"] for item in document["items"]]
            ids = [item["id"] for item in document["items"]]
            links = [item["url"] for item in document["items"]]
            assert ids == [item["id"] for item in original.json()["items"]]
        else:
            parsed = feedparser.parse(variant.content)
            assert not parsed.bozo, parsed.get("bozo_exception")
            assert parsed.feed.get("language", "zh-Hans") == "zh-Hans"
            titles = [entry.title for entry in parsed.entries]
            links = [entry.link for entry in parsed.entries]
            ids = [entry.id for entry in parsed.entries]
            assert ids == [entry.id for entry in feedparser.parse(original.content).entries]
            assert "港湾渡轮" in variant.text and "港灣渡輪" not in variant.text
        assert titles == ["另一篇报导", "渡轮增开夜间班次"]
        assert all(link.startswith("https://news.example.org/zh-hans/news/") for link in links)


def test_a_variant_redirects_into_itself(chinese: SiteFactory) -> None:
    client = make_client(_variant_site(chinese))
    response = client.get("/zh-hans/old/b/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/zh-hans/news/b/"


@pytest.mark.parametrize(
    "path",
    ["/zh-hans/news/a/pier.svg", "/zh-hans/_assets/style.css", "/zh-hans/nothing/", "/zh-hant/"],
)
def test_only_pages_and_feeds_have_a_variant(chinese: SiteFactory, path: str) -> None:
    response = make_client(_variant_site(chinese)).get(path)
    assert response.status_code == 404
    # A Traditional site has no Traditional variant: its own not-found page answers that.
    expected = "zh-Hant" if path == "/zh-hant/" else "zh-Hans"
    assert parse_html(response).get("lang") == expected


def test_nothing_unpublished_has_a_variant(chinese: SiteFactory) -> None:
    chinese.article("news/draft.md", title="草稿", draft=True)
    chinese.article("news/later.md", title="未來", date="2099-01-01T00:00:00+08:00")
    chinese.article("news/shown.md", title="已發布")
    client = make_client(chinese)
    for path in ("/zh-hans/news/draft/", "/zh-hans/news/later/"):
        assert client.get(path).status_code == 404
    for path in ("/zh-hans/news/", "/zh-hans/rss.xml", "/zh-hans/feed.json"):
        text = client.get(path).text
        assert "已发布" in text and "草稿" not in text and "未来" not in text


def test_a_simplified_site_has_a_traditional_variant_and_an_english_one_none(
    site: SiteFactory,
) -> None:
    site.article("news/a.md", title="软件与网络")
    assert make_client(site).get("/zh-hans/news/a/").status_code == 404  # English: none
    (site.root / "site.toml").write_text(
        CHINESE_SITE_TOML.replace("zh-Hant", "zh-Hans"), encoding="utf-8"
    )
    client = make_client(site)
    assert client.get("/zh-hans/news/a/").status_code == 404
    tree = parse_html(client.get("/zh-hant/news/a/"))
    assert (tree.get("lang"), tree.xpath("string(//h1)")) == ("zh-Hant", "軟件與網絡")


@pytest.mark.parametrize(("region", "expected"), [("", "软体与网路"), ("tw", "软件与网络")])
def test_the_region_chooses_the_vocabulary(
    chinese: SiteFactory, region: str, expected: str
) -> None:
    (chinese.root / "site.toml").write_text(
        CHINESE_SITE_TOML + f'region = "{region}"\n', encoding="utf-8"
    )
    chinese.article("news/a.md", title="軟體與網路")
    tree = parse_html(make_client(chinese).get("/zh-hans/news/a/"))
    assert tree.xpath("string(//h1)") == expected


def test_variants_can_be_turned_off(chinese: SiteFactory) -> None:
    (chinese.root / "site.toml").write_text(
        CHINESE_SITE_TOML + "script_variants = false\n", encoding="utf-8"
    )
    chinese.article("news/a.md", title="甲")
    client = make_client(chinese)
    assert client.get("/zh-hans/news/a/").status_code == 404
    # No other script, and so no alternates; the reading aid stays.
    assert not parse_html(client.get("/news/a/")).xpath("//link[@hreflang]|//a[@hreflang]")
    assert client.get("/pinyin/news/a/").status_code == 200


def test_the_sitemap_lists_every_version_with_its_alternates(chinese: SiteFactory) -> None:
    client = make_client(_variant_site(chinese))
    tree = etree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    by_url = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in tree.findall("s:url", ns)
    }
    original, variant = (f"https://news.example.org{p}/news/a/" for p in ("", "/zh-hans"))
    assert by_url[original] == by_url[variant] == {"zh-Hant": original, "zh-Hans": variant}
    assert all(len(alternates) == 2 for alternates in by_url.values())
    for url in by_url:
        assert client.get(str(url).removeprefix("https://news.example.org")).status_code == 200


def test_a_partner_asks_the_api_for_either_script(chinese: SiteFactory) -> None:
    validator = Draft202012Validator(
        json.loads((Path(__file__).parent / "schemas/ninjs-schema_2.2.json").read_text())
    )
    client = make_client(_variant_site(chinese))
    original = client.get("/api/v1/articles/news/a").json()
    for query in ("lang=zh-Hans", "lang=zh-CN"):
        response = client.get(f"/api/v1/articles/news/a?{query}")
        assert response.status_code == 200
        item = response.json()
        validator.validate(item)
        assert item["language"] == "zh-Hans"
        assert item["headlines"][0]["value"] == "渡轮增开夜间班次"
        assert item["uri"] == original["uri"]  # the same article, the same id
        (body,) = item["bodies"]
        assert "港湾渡轮" in body["value"] and "<code>程式碼</code>" in body["value"]
        assert item["renditions"][0]["href"] == "https://news.example.org/zh-hans/news/a/"
    listed = client.get("/api/v1/articles?lang=zh-Hans").json()
    assert [i["headlines"][0]["value"] for i in listed["data"]] == [
        "另一篇报导",
        "渡轮增开夜间班次",
    ]
    assert client.get("/api/v1/articles/news/a?lang=zh-Hant").json() == original
    refused = client.get("/api/v1/articles?lang=fr")
    assert refused.status_code == 400 and refused.json()["error"]["parameter"] == "lang"


def test_the_export_writes_every_version(chinese: SiteFactory, tmp_path: Path) -> None:
    _variant_site(chinese)
    out = tmp_path / "out"
    finished = subprocess.run(
        [sys.executable, "-m", "reader", "build", str(chinese.root), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    page = (out / "zh-hans/news/a/index.html").read_text(encoding="utf-8")
    assert "渡轮增开夜间班次" in page and 'lang="zh-Hans"' in page
    assert (out / "zh-hans/news/rss.xml").is_file()
    # The reading aid is the server's: not written, and not linked from what is.
    assert not (out / "pinyin").exists() and 'data-version="pinyin"' not in page
    assert not (out / "zh-hans/news/a/pier.svg").exists()  # files stay at their one address
    assert "/zh-hans/old/b/ /zh-hans/news/b/ 301" in (out / "_redirects").read_text()


# --- one keyword across scripts ------------------------------------------------------------


def test_one_keyword_across_scripts(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", title="甲", tags=["環保"], date="2026-11-01T09:00:00+08:00")
    chinese.article("news/b.md", title="乙", tags=["环保"], date="2026-11-02T09:00:00+08:00")
    client = make_client(chinese)
    tree = parse_html(client.get("/tags/環保/"))
    assert tree.xpath("string(//h1)") == "關鍵詞：環保"  # shown in the site's script
    assert [t.strip() for t in tree.xpath("//main//h3/a/text()")] == ["乙", "甲"]
    index = parse_html(client.get("/tags/"))
    assert "环保" not in client.get("/tags/").text
    assert any("(2)" in "".join(li.itertext()) for li in index.xpath("//main//li"))
    for path in ("/news/a/", "/news/b/"):
        assert parse_html(client.get(path)).xpath("//a[text()='環保']/@href") == [
            "/tags/%E7%92%B0%E4%BF%9D/"
        ]
    variant = parse_html(client.get("/zh-hans/tags/環保/"))
    assert variant.xpath("string(//h1)") == "关键词：环保"  # and in the variant's


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/tags/环保/", "/tags/%E7%92%B0%E4%BF%9D/"),
        ("/tags/环保/rss.xml", "/tags/%E7%92%B0%E4%BF%9D/rss.xml"),
        ("/tags/环保/feed.json", "/tags/%E7%92%B0%E4%BF%9D/feed.json"),
        ("/tags/环保/page/2/", "/tags/%E7%92%B0%E4%BF%9D/page/2/"),
    ],
)
def test_the_other_scripts_keyword_addresses_redirect(
    chinese: SiteFactory, old: str, new: str
) -> None:
    for n in range(12):
        chinese.article(f"news/a{n}.md", title=f"甲{n}", tags=["環保"])
    response = make_client(chinese).get(old, follow_redirects=False)
    assert (response.status_code, response.headers.get("location")) == (301, new)


def test_the_export_maps_the_other_scripts_keyword(chinese: SiteFactory, tmp_path: Path) -> None:
    chinese.article("news/a.md", title="甲", tags=["環保"])
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "reader", "build", str(chinese.root), str(out)], check=True
    )
    assert (
        "/tags/%E7%8E%AF%E4%BF%9D/ /tags/%E7%92%B0%E4%BF%9D/ 301"
        in (out / "_redirects").read_text()
    )


# --- the pinyin reading aid -----------------------------------------------------------------


def _readings(element: Any) -> list[tuple[str, str]]:
    """Each character of a ruby element with the reading over it."""
    pairs = []
    for ruby in element.iter("ruby"):
        base = ruby.text or ""
        for rt in ruby.iter("rt"):
            pairs.append((base[-1], rt.text))
            base = rt.tail or ""
    return pairs


def test_the_reading_aid_puts_pinyin_over_each_character(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", "他在銀行工作，每天行走上班。\n\n`程式` 不注音。\n", title="銀行")
    client = make_client(chinese)
    original = parse_html(client.get("/news/a/"))
    (link,) = original.xpath("//a[@data-version='pinyin']")
    assert (link.get("href"), link.text) == ("/pinyin/news/a/", "加注拼音")
    response = client.get("/pinyin/news/a/")
    assert response.status_code == 200
    tree = parse_html(response)
    body = tree.xpath("//main//div[contains(@class, 'body')]")[0]
    readings = _readings(body)
    # The polyphone is read by its word: 銀行 háng, 行走 xíng.
    assert ("行", "háng") in readings and ("行", "xíng") in readings
    assert readings[:2] == [("他", "tā"), ("在", "zài")]
    assert tree.xpath("//main//code/text()") == ["程式"]  # code is not annotated
    assert not tree.xpath("//header[@class='site-header']//ruby|//footer//ruby|//title//ruby")
    assert all(rt.get("aria-hidden") == "true" for rt in tree.iter("rt"))
    assert {rt.get("lang") for rt in tree.iter("rt")} == {"zh-Latn-pinyin"}
    (back,) = tree.xpath("//a[@data-version='pinyin']")
    assert (back.get("href"), back.text) == ("/news/a/", "取消拼音")
    assert tree.xpath("//link[@rel='canonical']/@href") == ["https://news.example.org/news/a/"]
    assert tree.xpath("//p[@class='site-title']/a/@href") == ["/pinyin/"]


def test_the_reading_aid_follows_the_reader_and_the_script(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", title="銀行", tags=["環保"])
    chinese.article("news/b.md", title="行走", date="2026-11-02T09:00:00+08:00")
    client = make_client(chinese)
    tree = parse_html(client.get("/zh-hans/pinyin/news/a/"))
    assert tree.get("lang") == "zh-Hans"
    assert _readings(tree.xpath("//h1")[0]) == [("银", "yín"), ("行", "háng")]
    links = tree.xpath("//a/@href")
    assert "/zh-hans/pinyin/news/b/" in links
    assert "/zh-hans/pinyin/tags/%E7%92%B0%E4%BF%9D/" in links
    switch = tree.xpath("//a[@hreflang='zh-Hant']/@href")
    assert switch == ["/pinyin/news/a/"]  # the other script, still with pinyin
    assert client.get("/pinyin/rss.xml").status_code == 404  # feeds have no ruby
    sitemap = client.get("/sitemap.xml").text
    assert "/pinyin/" not in sitemap


def test_the_reading_aid_is_for_chinese_sites(site: SiteFactory) -> None:
    site.article("news/a.md", title="Harbour")
    client = make_client(site)
    assert client.get("/pinyin/news/a/").status_code == 404
    assert not parse_html(client.get("/news/a/")).xpath("//a[@data-version]")


def test_each_version_renders_with_its_own_settings_whatever_came_first(
    chinese: SiteFactory,
) -> None:
    chinese.article("news/a.md", title="銀行")
    chinese.article("news/b.md", title="行走")
    client = make_client(chinese)
    # The script variant and its reading aid share a language, not their settings.
    plain = parse_html(client.get("/zh-hans/news/a/"))
    aided = parse_html(client.get("/zh-hans/pinyin/news/b/"))
    assert not plain.xpath("//ruby") and aided.xpath("//h1/ruby")
    assert aided.xpath("//a[@data-version='pinyin']/text()") == ["取消拼音"]


# --- reading time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("港" * 1200, 3),  # Chinese by its characters: about 400 a minute
        ("harbour " * 440, 2),  # Latin script by its words: about 220 a minute
        ("港" * 400 + " ferry" * 220, 2),
        ("", 1),
        ("短文。", 1),
    ],
)
def test_reading_time_counts_characters_for_chinese_and_words_for_latin(
    text: str, minutes: int
) -> None:
    assert reading_minutes(text) == minutes


def test_an_article_says_how_long_it_takes_to_read(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", "港灣渡輪。" * 300, title="甲")  # 1,200 characters
    tree = parse_html(make_client(chinese).get("/news/a/"))
    assert tree.xpath("string(//*[@class='reading-time'])") == "閱讀約 3 分鐘"


# --- multilingual Hugo sites ----------------------------------------------------------------


def _bilingual(site: SiteFactory, *, own_folders: bool = False) -> SiteFactory:
    (site.root / "site.toml").unlink()
    config = HUGO_MULTILINGUAL
    if own_folders:
        config = config.replace("weight = 1", 'weight = 1\ncontentDir = "content/zh"')
        config = config.replace("weight = 2", 'weight = 2\ncontentDir = "content/en"')
    (site.root / "hugo.toml").write_text(config, encoding="utf-8")
    zh, en = ("zh/", "en/") if own_folders else ("", "")
    en_suffix = "" if own_folders else ".en"
    site.section(f"{zh}news", title="新聞")
    site.write(f"{en}news/_index{en_suffix}.md", "---\ntitle: News\n---\n")
    site.article(f"{zh}news/ferry.md", "渡輪增開夜間班次。", title="渡輪增開夜間班次")
    site.article(f"{en}news/ferry{en_suffix}.md", "Ferries run later.", title="Ferries run later")
    site.article(f"{zh}news/market.md", "魚市場。", title="魚市場")  # no English
    site.article(f"{en}news/draft{en_suffix}.md", "Not yet.", title="Draft", draft=True)
    site.article(f"{zh}news/draft.md", "草稿已發布。", title="已發布的")
    return site


@pytest.mark.parametrize("own_folders", [False, True], ids=["suffixes", "content-dirs"])
def test_each_language_is_served_under_its_prefix(site: SiteFactory, own_folders: bool) -> None:
    client = make_client(_bilingual(site, own_folders=own_folders))
    zh = parse_html(client.get("/news/ferry/"))
    en = parse_html(client.get("/en/news/ferry/"))
    assert (zh.get("lang"), zh.xpath("string(//h1)")) == ("zh-Hant", "渡輪增開夜間班次")
    assert (en.get("lang"), en.xpath("string(//h1)")) == ("en", "Ferries run later")
    assert en.xpath("string(//a[@class='skip-link'])") == "Skip to main content"
    assert en.xpath("string(//p[@class='site-title'])").strip() == "Citizen Daily"
    # Each language has its own sections, lists and feeds.
    home = client.get("/en/").text
    assert "Ferries run later" in home and "渡輪" not in home and "魚市場" not in home
    assert client.get("/en/news/market/").status_code == 404  # no English version
    assert client.get("/en/news/draft/").status_code == 404  # unpublished in English
    assert client.get("/news/draft/").status_code == 200
    feed = etree.fromstring(client.get("/en/news/rss.xml").content)
    assert feed.findtext("channel/language") == "en"
    assert [item.findtext("title") for item in feed.iter("item")] == ["Ferries run later"]
    assert feed.findtext("channel/item/link") == "https://news.example.org/en/news/ferry/"
    sitemap = client.get("/en/sitemap.xml").text
    assert "https://news.example.org/en/news/ferry/" in sitemap and "/market/" not in sitemap
    moved = client.get("/en", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, "/en/")


def test_translations_name_each_other(site: SiteFactory) -> None:
    client = make_client(_bilingual(site))
    zh = parse_html(client.get("/news/ferry/"))
    en = parse_html(client.get("/en/news/ferry/"))
    for tree in (zh, en):
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath("//link[@rel='alternate'][@hreflang]")
        }
        assert alternates["zh-Hant"] == "https://news.example.org/news/ferry/"
        assert alternates["en"] == "https://news.example.org/en/news/ferry/"
    (to_english,) = zh.xpath("//a[@hreflang='en']")
    assert (to_english.get("href"), to_english.text) == (
        "https://news.example.org/en/news/ferry/",
        "English",
    )
    assert en.xpath("//a[@hreflang='zh-Hant']/text()") == ["中文"]
    # A page with no published translation names none.
    market = parse_html(client.get("/news/market/"))
    assert not market.xpath("//*[@hreflang='en']")
    draft = parse_html(client.get("/news/draft/"))
    assert not draft.xpath("//*[@hreflang='en']")


def test_a_bilingual_site_is_exported_and_checked_language_by_language(
    site: SiteFactory, tmp_path: Path
) -> None:
    _bilingual(site)
    out = tmp_path / "out"
    reader = [sys.executable, "-m", "reader"]
    subprocess.run([*reader, "build", str(site.root), str(out)], check=True, capture_output=True)
    english = lxml_html.fromstring((out / "en/news/ferry/index.html").read_bytes())
    assert english.xpath("string(//h1)") == "Ferries run later"
    assert english.xpath("//link[@hreflang='zh-Hant']/@href") == [
        "https://news.example.org/news/ferry/"
    ]
    chinese = lxml_html.fromstring((out / "news/ferry/index.html").read_bytes())
    assert chinese.xpath("string(//h1)") == "渡輪增開夜間班次"
    assert not (out / "en/news/market").exists() and not (out / "en/news/draft").exists()
    assert etree.parse(out / "en/rss.xml").findtext("channel/language") == "en"
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://news.example.org/en/sitemap.xml" in robots
    checked = subprocess.run(
        [*reader, "check", str(site.root)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.count("note: not published") == 1  # the English draft, once


def test_a_translation_links_to_pages_in_its_own_language(site: SiteFactory) -> None:
    _bilingual(site)
    site.article("news/english-only.en.md", "Only in English.", title="English only")
    site.article("news/links.en.md", "See [that page](english-only.md).", title="Links")
    client = make_client(site)
    tree = parse_html(client.get("/en/news/links/"))
    assert tree.xpath("//main//a[text()='that page']/@href") == ["/en/news/english-only/"]
    assert client.get("/en/news/english-only/").status_code == 200


@pytest.mark.external
@pytest.mark.parametrize("own_folders", [False, True], ids=["suffixes", "content-dirs"])
def test_every_page_hugo_publishes_in_each_language_answers_here(
    site: SiteFactory, own_folders: bool
) -> None:
    """Hugo itself says where each language's pages are; each answers here, in its language."""
    hugo = shutil.which("hugo")
    require(hugo, "hugo", "apt-get install hugo")
    _bilingual(site, own_folders=own_folders)
    listed = subprocess.run(
        [str(hugo), "list", "all"], cwd=site.root, capture_output=True, text=True, check=True
    ).stdout
    published = [row for row in csv.DictReader(io.StringIO(listed)) if row["draft"] != "true"]
    assert len(published) == 4  # two stories in Chinese, one in English, and the Chinese "draft"
    client = make_client(site)
    for row in published:
        response = client.get(urlsplit(row["permalink"]).path)
        assert response.status_code == 200, row["permalink"]
        tree = parse_html(response)
        assert tree.xpath("string(//h1)") == row["title"]
        english = "/en/" in row["permalink"]
        assert tree.get("lang") == ("en" if english else "zh-Hant")


@pytest.mark.external
def test_hugos_addresses_of_translated_bundles_answer_here(site: SiteFactory) -> None:
    """LoveIt's demo: posts are bundles in two languages (``index.en.md``,
    ``index.zh-cn.md``) under ``posts = ":contentbasename"``; their Hugo addresses were
    404, the base name read as ``index.en``. (Hugo 0.111 names it ``:filename``.)"""
    hugo = shutil.which("hugo")
    require(hugo, "hugo", "apt-get install hugo")
    _bilingual(site)
    config = (site.root / "hugo.toml").read_text(encoding="utf-8")
    (site.root / "hugo.toml").write_text(
        config + '\n[permalinks]\nnews = ":filename"\n', encoding="utf-8"
    )
    site.article("news/boats/index.md", "船。", title="船期")
    site.article("news/boats/index.en.md", "Boats.", title="Boat times")
    listed = subprocess.run(
        [str(hugo), "list", "all"], cwd=site.root, capture_output=True, text=True, check=True
    ).stdout
    published = [row for row in csv.DictReader(io.StringIO(listed)) if row["draft"] != "true"]
    assert {urlsplit(row["permalink"]).path for row in published} >= {
        "/boats/",
        "/en/boats/",
        "/ferry/",
        "/en/ferry/",
    }
    client = make_client(site)
    for row in published:
        response = client.get(urlsplit(row["permalink"]).path, follow_redirects=True)
        assert response.status_code == 200, row["permalink"]
        assert parse_html(response).xpath("string(//h1)") == row["title"]


def test_a_site_publishing_both_scripts_as_languages_has_no_converted_variant(
    site: SiteFactory,
) -> None:
    (site.root / "site.toml").unlink()
    config = HUGO_MULTILINGUAL.replace('[languages.en]\nlanguageCode = "en"', "[languages.cn]")
    config = config.replace('languageName = "English"', 'languageCode = "zh-CN"')
    (site.root / "hugo.toml").write_text(config, encoding="utf-8")
    site.article("news/a.md", title="渡輪")
    site.article("news/a.cn.md", title="渡轮（编辑所写）")
    client = make_client(site)
    assert client.get("/zh-hans/news/a/").status_code == 404  # no conversion: it has its own
    tree = parse_html(client.get("/news/a/"))
    assert tree.xpath("//a[@hreflang='zh-Hans']/@href") == ["https://news.example.org/cn/news/a/"]
    assert parse_html(client.get("/cn/news/a/")).xpath("string(//h1)") == "渡轮（编辑所写）"


def test_translations_are_paired_by_file_whatever_their_slugs(site: SiteFactory) -> None:
    _bilingual(site)
    site.article("news/market.en.md", "Fish.", title="Fish market", slug="fish-market")
    client = make_client(site)
    zh = parse_html(client.get("/news/market/"))
    assert zh.xpath("//a[@hreflang='en']/@href") == [
        "https://news.example.org/en/news/fish-market/"
    ]
    en = parse_html(client.get("/en/news/fish-market/"))
    assert en.xpath("//a[@hreflang='zh-Hant']/@href") == ["https://news.example.org/news/market/"]


def test_a_change_in_one_language_shows_in_the_others_pages(site: SiteFactory) -> None:
    _bilingual(site)
    client = make_client(site)
    assert parse_html(client.get("/news/ferry/")).xpath("//a[@hreflang='en']")
    site.article("news/ferry.en.md", "Withdrawn.", title="Ferries run later", draft=True)
    (english,) = client.app.languages
    english.site.reloader.reload()
    assert not parse_html(client.get("/news/ferry/")).xpath("//*[@hreflang='en']")


def test_a_translations_draft_has_a_preview_link_in_its_language(
    site: SiteFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "s3cret-for-tests-only-0123456789abcdef"
    monkeypatch.setenv(SECRET_VARIABLE, secret)
    _bilingual(site)
    draft = str(site.root / "content/news/draft.en.md")
    assert main(["preview-link", str(site.root), draft]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://news.example.org/en/_preview/")
    shown = make_client(site, preview_secret=secret).get(urlsplit(url).path)
    assert shown.status_code == 200
    assert parse_html(shown).xpath("string(//h1)") == "Draft"


def test_a_multilingual_sites_cache_memory_is_shared_out_not_multiplied(
    site: SiteFactory,
) -> None:
    _bilingual(site)
    settings = site.settings()
    shares = [own.cache_mb for own in language_settings(settings)]
    assert shares == [settings.cache_mb // 2] * 2
    # Asked again from a language's settings (robots.txt names every language's sitemap).
    again = language_settings(language_settings(settings)[1])
    assert [own.cache_mb for own in again] == shares
    assert [own.base_url for own in again] == [
        "https://news.example.org/",
        "https://news.example.org/en/",
    ]


ZH_MENU = """
[[main]]
name = "港口消息"
url = "/news/"
"""

LANGUAGES_OWN_SETTINGS = """
baseURL = "https://news.example.org/"
defaultContentLanguage = "zh"
copyright = "© Citizen Media"
[params]
description = "The city's news"
desk = "City desk"
[[menus.main]]
name = "Harbour"
url = "/news/"
[languages.zh]
languageCode = "zh-TW"
title = "市民日報"
weight = 1
[languages.zh.params]
description = "本市新聞"
desk = "本市組"
[languages.en]
languageCode = "en"
title = "Citizen Daily"
weight = 2
copyright = "© Citizen Media, in English"
"""
"""A bilingual Hugo site whose languages set some settings for themselves, as Hugo's
``[languages.en]`` does: Chinese its params (its description among them), English its
copyright; Chinese its own menu too (``ZH_MENU``, in this file or in a file of its own)."""


@pytest.mark.parametrize("in_folder", [False, True], ids=["hugo.toml", "config-folder"])
def test_each_language_has_its_own_menu_description_copyright_and_params(
    site: SiteFactory, in_folder: bool
) -> None:
    _bilingual(site)
    site.article("news/desk.md", '{{< param "desk" >}}', title="編輯部")
    site.article("news/desk.en.md", '{{< param "desk" >}}', title="Desk")
    (site.root / "hugo.toml").unlink()
    if in_folder:  # Hugo's config folder: one file a key; menus.zh.toml is zh's menus
        folder = site.root / "config" / "_default"
        folder.mkdir(parents=True)
        (folder / "hugo.toml").write_text(LANGUAGES_OWN_SETTINGS, encoding="utf-8")
        (folder / "menus.zh.toml").write_text(ZH_MENU, encoding="utf-8")
        (folder / "menus.fr.toml").write_text(ZH_MENU, encoding="utf-8")  # no such language
    else:
        own_menu = ZH_MENU.replace("[[main]]", "[[languages.zh.menus.main]]")
        config = LANGUAGES_OWN_SETTINGS + own_menu
        (site.root / "hugo.toml").write_text(config, encoding="utf-8")
    client = make_client(site)

    def menu(path: str) -> list[tuple[str, str]]:
        links = parse_html(client.get(path)).xpath("//nav[@class='site-nav']//a")
        return [(a.text, a.get("href")) for a in links]

    assert menu("/") == menu("/news/ferry/") == [("港口消息", "/news/")]
    assert menu("/zh-hans/") == [("港口消息", "/zh-hans/news/")]
    assert menu("/en/") == [("Harbour", "/en/news/")]
    assert client.get("/fr/").status_code == 404

    def channel(path: str) -> tuple[str | None, str | None]:
        feed = etree.fromstring(client.get(path).content)
        return feed.findtext("channel/description"), feed.findtext("channel/copyright")

    assert channel("/rss.xml") == ("本市新聞", "© Citizen Media")
    assert channel("/en/rss.xml") == ("The city's news", "© Citizen Media, in English")
    english_footer = parse_html(client.get("/en/")).xpath("string(//footer)")
    assert "© Citizen Media, in English" in english_footer
    desk = "normalize-space(//div[@class='body'])"
    assert parse_html(client.get("/news/desk/")).xpath(desk) == "本市組"
    assert parse_html(client.get("/en/news/desk/")).xpath(desk) == "City desk"


def test_a_languages_own_settings_in_site_toml_take_our_names(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(
        'title = "市民日報"\ndescription = "本市新聞"\ncopyright = "© 市民"\n'
        'params = { desk = "本市組", city = "港城" }\n'
        'menu = [{ name = "新聞", url = "/news/" }]\n'
        '[languages.zh]\nlanguageCode = "zh-TW"\nweight = 1\n'
        '[languages.en]\nweight = 2\ntitle = "Citizen Daily"\ndescription = "City news"\n'
        'params = { desk = "City desk" }\nmenu = [{ name = "News", url = "/news/" }]\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(tmp_path)
    assert not problems
    zh, en = language_settings(settings)
    assert (zh.title, zh.description, zh.copyright) == ("市民日報", "本市新聞", "© 市民")
    assert (en.title, en.description, en.copyright) == ("Citizen Daily", "City news", "© 市民")
    assert (zh.menu, en.menu) == ((("新聞", "/news/", "", 0),), (("News", "/news/", "", 0),))
    assert dict(en.params) == {"desk": "City desk", "city": "港城"}
    # Made from either language's settings, each language's are the same.
    assert language_settings(en) == (zh, en)


def _config_folder(site: SiteFactory, files: dict[str, str]) -> None:
    (site.root / "site.toml").unlink()
    folder = site.root / "config" / "_default"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


NEWER_HUGO_LANGUAGES = {
    "hugo.toml": 'baseURL = "https://news.example.org/"\ntitle = "菠菜"\n'
    'defaultContentLanguage = "zh-cn"\ndisableLanguages = ["en"]\ncapitalizeListTitles = false\n',
    "languages.zh-cn.toml": 'weight = 1\nlocale = "zh-CN"\nlabel = "简体中文"\n'
    'copyright = "CC 中文"\n',
    "languages.en.toml": 'weight = 2\nlocale = "en"\nlabel = "English"\ncopyright = "CC"\n',
    "menus.zh-cn.toml": '[[main]]\nname = "关于"\nurl = "/about/"\n',
}
"""A site of newer Hugo's config folder (FixIt's author's): each language a file of its own,
with ``locale`` and ``label``; English switched off."""


def test_a_hugo_config_folder_of_language_files_with_one_left_is_a_site_in_it(
    site: SiteFactory,
) -> None:
    _config_folder(site, NEWER_HUGO_LANGUAGES)
    site.article("posts/a.md", "港口。", title="港口")
    site.article("about.md", "我们。", title="关于我们")
    client = make_client(site)
    home = parse_html(client.get("/"))
    assert home.get("lang") == "zh-Hans"
    assert home.xpath("string(//a[@class='skip-link'])") == "跳至主要内容"
    nav = [(a.text, a.get("href")) for a in home.xpath("//nav[@class='site-nav']//a")]
    assert nav == [("posts", "/posts/"), ("关于", "/about/")]  # capitalizeListTitles off
    assert "CC 中文" in home.xpath("string(//footer)")
    assert client.get("/en/").status_code == 404, "a language switched off is not served"


@pytest.mark.parametrize("named", ["languages", "hugo"])
def test_a_multilingual_sites_languages_may_say_locale_and_label(
    site: SiteFactory, named: str
) -> None:
    # DoIt's example site names its languages' files hugo.en.toml and hugo.zh-cn.toml:
    # its Chinese half was not served at all (/zh-cn/ 404), the site read as English only.
    files = {
        name.replace("languages.", f"{named}.", 1): text
        for name, text in NEWER_HUGO_LANGUAGES.items()
    }
    files["hugo.toml"] = files["hugo.toml"].replace('disableLanguages = ["en"]\n', "")
    _config_folder(site, files)
    site.article("posts/a.md", "港口。", title="港口")
    site.article("posts/a.en.md", "Harbour.", title="Harbour")
    client = make_client(site)
    english = parse_html(client.get("/en/posts/a/"))
    assert english.get("lang") == "en" and "CC" in english.xpath("string(//footer)")
    chinese = parse_html(client.get("/posts/a/"))
    assert chinese.xpath("//a[@hreflang='en']/text()") == ["English"]


def test_a_site_named_only_by_its_default_content_language_is_in_it(site: SiteFactory) -> None:
    _config_folder(site, {"hugo.toml": 'title = "市民"\ndefaultContentLanguage = "zh-tw"\n'})
    site.article("posts/a.md", "港口。", title="港口")
    assert parse_html(make_client(site).get("/")).get("lang") == "zh-Hant"
