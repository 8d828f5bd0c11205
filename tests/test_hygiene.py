"""Polluted content: pinyin glued into the text, injected link farms, text in the other
script, empty labels and glued kickers: found at load and by ``reader check``, fixed by
``reader fix``, and the farms never served."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.hygiene import (
    MIN_HAN_FOR_SCRIPT,
    glued_kicker,
    glued_pinyin,
    script_of,
    without_glued_pinyin,
    without_link_farms,
)
from reader.scripts import converted
from tests.commands import reader_with_small_files
from tests.factories import SiteFactory, make_client, parse_html

JUNK = "海灣市東區(qū)新聞資訊：本區(qū)經(jīng)濟發(fā)展迅速，社(shè)區(qū)活動豐富。"
CLEAN = "海灣市東區新聞資訊：本區經濟發展迅速，社區活動豐富。"
FARM = (
    '<div class="links">友情链接：<a href="http://a.example.net/">娱乐城</a> '
    '<a href="http://b.example.net/">百家乐</a> <a href="http://c.example.net/">蜘蛛池</a></div>'
)


def test_glued_pinyin_is_taken_out_and_nothing_else() -> None:
    assert without_glued_pinyin(JUNK) == (CLEAN, 6)
    assert without_glued_pinyin("區（qū）經（jīng）發（fā）") == ("區經發", 3), "full-width too"
    assert without_glued_pinyin("區(qu1)經(jing1)發(fa1)") == ("區經發", 3), "tone numbers too"


@pytest.mark.parametrize(
    "kept",
    [
        "「社區（shèqū）」一詞指居民共同生活的地方；區(qū)、經(jīng) 兩字是例子。",  # a gloss
        "港灣(Harbour)區(District)的新聞(News)資訊",  # English in parentheses
        "第一(1)第二(2)第三(3)",  # numbers
        "單(qū)字(zhāng)讀(bèi)錯",  # not these characters' readings
        "只有一個：區(qū)。",  # one alone: an editor's
    ],
)
def test_what_looks_like_glued_pinyin_but_is_not_is_left_alone(kept: str) -> None:
    assert glued_pinyin(kept) == [] or len(glued_pinyin(kept)) < 3
    assert without_glued_pinyin(kept)[0] == kept


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("區經發社東港灣(（)）qūjīngfā shèABC123,。"), max_size=80))
def test_taking_pinyin_out_never_takes_a_character_and_is_done_once(text: str) -> None:
    cleaned, count = without_glued_pinyin(text)
    han = re.compile(r"[\u3400-\u9fff]")
    assert han.findall(cleaned) == han.findall(text), "every Han character is kept"
    assert len(text) - len(cleaned) >= 3 * count
    assert without_glued_pinyin(cleaned) == (cleaned, 0)


def test_link_farms_hidden_or_spammy_are_taken_out_and_other_links_kept() -> None:
    hidden = '<p style="display:none"><a href="http://x.example.net/">x</a></p>'
    reading = (
        '<ul><li><a href="https://bbc.co.uk/a">BBC</a></li><li><a href="https://cnn.com/b">'
        'CNN</a></li><li><a href="https://rthk.hk/c">RTHK</a></li></ul>'
    )
    body = f"<p>正文。</p>{hidden}{FARM}{reading}"
    cleaned, farms = without_link_farms(body, frozenset({"news.example.org"}))
    assert [f.reason for f in farms] == ["hidden", "spam"]
    assert cleaned == f"<p>正文。</p>{reading}", "a reading list of news sites is not spam"
    allowed = frozenset({"example.net"})
    assert without_link_farms(body, allowed) == (body, []), "the site's allowlist is trusted"


def test_a_farm_in_the_store_is_an_error_and_is_not_served(site: SiteFactory) -> None:
    site.article("news/a.md", title="A", body=f"First paragraph.\n\n{FARM}\n\nLast paragraph.\n")
    assert main(["check", str(site.root)]) == 1
    page = make_client(site).get("/news/a/")
    assert page.status_code == 200
    body = parse_html(page).xpath("//div[@class='body']")[0]
    assert [p.text_content() for p in body.xpath("p")] == ["First paragraph.", "Last paragraph."]
    assert not body.xpath(".//a"), "the farm's links are gone, and nothing else"
    text = page.text
    assert "example.net" not in text and "娱乐城" not in text
    feed = make_client(site).get("/rss.xml").text
    assert "example.net" not in feed


def test_check_names_the_farms_line_and_the_pinyin_count(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.article("news/a.md", title="A", body=f"{JUNK}\n\nText.\n\n{FARM}\n")
    assert main(["check", str(site.root)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"a\.md:10: error: a block of 3 links to other sites", out), out
    assert re.search(r"a\.md:6: warning: 6 pinyin annotations are glued", out), out


def test_a_fix_the_disk_refuses_leaves_each_file_whole_and_says_so(site: SiteFactory) -> None:
    """A disk that refuses a write part of the way (the kernel's limit on a file's size, as
    a full disk does): the file it refused is as it was, nothing half written is left, and
    a line says so, not a traceback."""
    small = site.article("news/a.md", title="A", body=JUNK)
    big = site.article("news/b.md", title="B", body=JUNK + "\n\n" + "長文。" * 3000)
    before = big.read_bytes()
    done = reader_with_small_files(["fix", str(site.root), "--pinyin", "--yes"], 4096)
    assert done.returncode == 1
    assert f"reader: {site.root}: the fix could not write there: File too large" in done.stderr
    assert "Traceback" not in done.stderr
    assert big.read_bytes() == before
    assert CLEAN in small.read_text(encoding="utf-8")
    assert not [p for p in site.root.rglob("*") if p.name.endswith(".tmp")]


def test_fix_shows_the_change_then_writes_it_when_asked(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    path = site.article("news/a.md", title="A", body=JUNK)
    other = site.article("news/b.md", title="B", body="社區（shèqū）一詞。")
    before = path.read_text()
    assert main(["fix", str(site.root), "--pinyin"]) == 1, "not a terminal: nothing written"
    out = capsys.readouterr().out
    assert f"-{JUNK}" in out and f"+{CLEAN}" in out and "nothing written" in out
    assert path.read_text() == before
    assert main(["fix", str(site.root), "--pinyin", "--yes"]) == 0
    assert path.read_text() == before.replace(JUNK, CLEAN)
    assert other.read_text().endswith("社區（shèqū）一詞。\n"), "a gloss stays"
    assert main(["check", str(site.root)]) == 0


def test_text_in_the_other_script_empty_sources_and_glued_kickers_are_warned_of(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.site_toml = site.site_toml.replace('language = "en"', 'language = "zh-Hant"')
    site.__post_init__()
    simplified = "港湾区夜市扩建后新增两百个摊位，区公所表示，其中近一半由首次创业的年轻人经营。"
    site.article("news/a.md", title="夜市扩建", body=simplified)
    site.article("news/b.md", title="交通新動向丨渡輪增班", source="", body="渡輪增班。")
    site.article("news/c.md", title="夜市扩建", lang="zh-Hans", body=simplified)
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "a.md:" in out and "add 'lang: zh-Hans'" in out
    assert "c.md" not in out, "its language says Simplified"
    assert "b.md:" in out and "the source is empty" in out
    assert "write 'kicker: 交通新動向' and 'title: 渡輪增班'" in out
    page = parse_html(make_client(site).get("/news/b/"))
    assert not page.xpath("//*[@class='source']"), "never an empty label"


def _script_by_definition(text: str) -> str | None:
    """What ``script_of`` means, spelt out a character at a time with OpenCC."""
    han = [c for c in text if "\u3400" <= c <= "\u9fff"]
    if len(han) < MIN_HAN_FOR_SCRIPT:
        return None
    ideographs = [c for c in han if "\u4e00" <= c <= "\u9fff"]
    simplified = sum(converted(c, "s2t") != c for c in ideographs)
    traditional = sum(converted(c, "t2s") != c for c in ideographs)
    if simplified >= 4 * max(1, traditional) and simplified >= 3:
        return "zh-Hans"
    if traditional >= 4 * max(1, simplified) and traditional >= 3:
        return "zh-Hant"
    return None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="區区們们說说國国的是一在有港灣夜市㐀 a,。", max_size=120))
def test_the_script_of_a_text_is_judged_by_its_definition(text: str) -> None:
    assert script_of(text) == _script_by_definition(text)


def test_scripts_and_kickers_are_judged_only_when_clear() -> None:
    assert script_of(
        "港灣區夜市擴建後新增兩百個攤位，區公所表示，其中近一半由首次創業的年輕人經營。"
    )
    assert script_of("短") is None
    assert script_of("The ferry runs later on weekends, the transport office said today.") is None
    assert glued_kicker("小店故事｜夜市經濟") == ("小店故事", "夜市經濟")
    assert glued_kicker("No bar in this title") is None
    # A bar of code is no separator (found on a real site: "|=" was read as one).
    assert glued_kicker("java boolean的|=或&=或^=写法") is None
    assert glued_kicker("a || b in Go") is None
