"""Search finds Chinese by one or two characters, across scripts and by pinyin; never the
unpublished; and any query, however hostile, gets a page."""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from reader import search
from reader.cli import DEMO_SITE, main
from reader.config import load_settings
from reader.pacing import unpaced
from reader.search import SearchIndex, markdown_text, plain_text
from reader.searchstore import SHARDS, IndexRow, TokenStore
from reader.searchtext import COMMON_HAN, index_tokens, parse_query
from reader.site import Site
from reader.store import Snapshot
from tests.factories import NOW, Client, MovingClock, SiteFactory, make_client, parse_html


def titles(client: Client, query: str, extra: str = "") -> list[str]:
    """The titles a search lists, in order."""
    response = client.get(f"/search?q={quote(query)}{extra}")
    assert response.status_code == 200, query
    return [str(t) for t in parse_html(response).xpath("//main//ol//h2/a/text()")]


@pytest.fixture
def news(site: SiteFactory) -> SiteFactory:
    site.article("city/a.md", title="社區中心開幕", body="新的社區中心今天開放，居民踴躍參加。")
    site.article("city/b.md", title="施工通告", body="道路施工將持續兩週。", date="2026-11-02")
    site.article("city/c.md", title="垃圾分类", body="社区推行垃圾分类，居民反应良好。")
    site.article("sport/d.md", title="Harbour race", body="The harbour race drew 300 rowers.")
    site.article("sport/e.md", title="She wins", body="She won the 社區 marathon.")
    site.article("city/f.md", title="摄取营养", body="专家谈如何摄取足够的营养。")
    site.article("sport/g.md", title="Island service", body="The ferries are running again.")
    return site


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("施", {"施工通告"}),
        ("社區", {"社區中心開幕", "垃圾分类", "She wins"}),
        ("社区", {"社區中心開幕", "垃圾分类", "She wins"}),  # Simplified finds Traditional
        ("垃圾分類", {"垃圾分类"}),  # and the reverse
        ("shequ", {"社區中心開幕", "垃圾分类", "She wins", "摄取营养"}),  # 社区, 摄取
        ("she qu", {"社區中心開幕", "垃圾分类", "She wins", "摄取营养"}),
        ("shè qū", {"社區中心開幕", "垃圾分类", "She wins"}),  # tones tell them apart
        ("shè qǔ", {"摄取营养"}),
        ("sheququ", set()),
        ("harbour", {"Harbour race"}),
        ("rowers 300", {"Harbour race"}),
        ("harbours", {"Harbour race"}),  # English words by their stems
        ("ferry", {"Island service"}),
        ("Ferries", {"Island service"}),
        ("run", {"Island service"}),
        ("marathon 社區", {"She wins"}),  # Chinese and English in one query
        ("摄取", {"摄取营养"}),
    ],
)
def test_finds_by_characters_scripts_pinyin_and_words(
    news: SiteFactory, query: str, expected: set[str]
) -> None:
    assert set(titles(make_client(news), query)) == expected


def test_a_word_that_is_also_pinyin_searches_both(news: SiteFactory) -> None:
    found = set(titles(make_client(news), "she"))
    # The English word, and the characters read "she" (社, 摄, ...).
    assert {"She wins", "社區中心開幕", "垃圾分类", "摄取营养"} <= found


def test_a_stemmed_hit_is_marked_as_the_whole_word(news: SiteFactory) -> None:
    page = parse_html(make_client(news).get("/search", params={"q": "ferry"}))
    assert page.xpath("//main//ol//mark/text()") == ["ferries"]


def test_title_hits_rank_above_text_hits_and_newer_above_older(site: SiteFactory) -> None:
    site.article("a/older.md", title="港灣新聞", body="無關。", date="2026-11-01")
    site.article("a/newer.md", title="港灣新聞二", body="無關。", date="2026-11-05")
    site.article("a/text.md", title="其他", body="今天港灣很熱鬧。", date="2026-11-10")
    assert titles(make_client(site), "港灣") == ["港灣新聞二", "港灣新聞", "其他"]


def test_more_of_the_terms_in_the_title_rank_higher(site: SiteFactory) -> None:
    site.article("a/both.md", title="港灣颱風", body="無關。", date="2026-11-01")
    site.article("a/one.md", title="港灣新聞", body="颱風。", date="2026-11-05")
    site.article("a/other.md", title="颱風新聞", body="港灣。", date="2026-11-07")
    site.article("a/none.md", title="其他", body="港灣颱風。", date="2026-11-10")
    site.article("a/half.md", title="港灣", body="沒有。", date="2026-11-12")
    assert titles(make_client(site), "港灣 颱風") == ["港灣颱風", "颱風新聞", "港灣新聞", "其他"]


def test_among_text_hits_the_newer_comes_first_however_often_the_older_says_it(
    site: SiteFactory,
) -> None:
    # A news search's order, as WordPress's is: what a word count adds is not worth
    # counting every article that holds a common word (docs/search.md).
    site.article("a/often.md", title="甲", body="港灣。" * 8, date="2026-11-01")
    site.article("a/once.md", title="乙", body="今天港灣很熱鬧，人很多。", date="2026-11-05")
    assert titles(make_client(site), "港灣") == ["乙", "甲"]


def test_the_matching_passage_is_shown_with_the_hit_marked(news: SiteFactory) -> None:
    page = parse_html(make_client(news).get("/search?q=" + quote("居民")))
    marks = page.xpath("//main//ol//mark/text()")
    assert marks and set(marks) == {"居民"}
    passage = page.xpath("//main//ol//p[mark]")[0].xpath("string(.)")
    assert "居民踴躍參加" in passage or "居民反应良好" in passage


def test_nothing_unpublished_is_ever_found(site: SiteFactory) -> None:
    site.article("a/draft.md", title="秘密草稿", body="秘密。", draft=True)
    later = (NOW + timedelta(days=1)).isoformat()
    site.article("a/future.md", title="秘密計劃", body="秘密。", date=later)
    site.article("a/public.md", title="公開", body="沒有秘密。")
    clock = MovingClock()
    client = make_client(site, clock)
    assert titles(client, "秘密") == ["公開"]
    clock.moment = NOW + timedelta(days=2)
    client.app.site.reloader.republish()
    assert set(titles(client, "秘密")) == {"公開", "秘密計劃"}, "found once it is published"


def test_an_edit_is_searchable_after_the_reload(news: SiteFactory) -> None:
    client = make_client(news)
    assert titles(client, "颱風") == []
    path = news.article("city/new.md", title="颱風警告", body="今晚颱風來襲。")
    client.app.site.reloader.reload([str(path)])
    assert titles(client, "台风") == ["颱風警告"]
    path.unlink()
    client.app.site.reloader.reload([str(path)])
    assert titles(client, "颱風") == []


def test_an_edited_article_is_no_longer_found_by_words_it_lost(news: SiteFactory) -> None:
    # The newest article's row is the last written: its new version must not take over the
    # old row's number, or the old text's tokens would still find it.
    client = make_client(news)
    assert titles(client, "來襲") == []  # the others indexed first
    path = news.article("city/new.md", title="颱風警告", body="今晚颱風來襲。")
    client.app.site.reloader.reload([str(path)])
    assert titles(client, "來襲") == ["颱風警告"]
    news.article("city/new.md", title="颱風警告", body="風暴已經過去。")
    client.app.site.reloader.reload([str(path)])
    assert titles(client, "來襲") == []
    assert titles(client, "風暴") == ["颱風警告"]


def test_a_slow_search_index_never_holds_up_the_next_reload(news: SiteFactory) -> None:
    """The watcher waits for each reload before it sees the next edit: indexing for search
    (minutes, the first time on a large site) must not happen inside one."""
    client = make_client(news)
    site = client.app.site
    released, finished = threading.Event(), threading.Event()
    syncing = site.search.sync

    def slow_sync(
        snapshot: Snapshot, body_text: Any = None, pause: Any = unpaced, wait: Any = None
    ) -> int:
        released.wait(30)  # held until the test lets go (a bound, not a measurement)
        try:
            return syncing(snapshot, body_text, pause, wait)
        finally:
            finished.set()

    site.search.sync = slow_sync  # type: ignore[method-assign]
    try:
        for n in range(3):
            path = news.article(f"city/edit{n}.md", title=f"編輯 {n}")
            site.reloader.reload([str(path)])
            assert not finished.is_set(), "a reload waited for the search index"
            assert client.get(f"/city/edit{n}/").status_code == 200
    finally:
        released.set()
    assert titles(client, "編輯 2") == ["編輯 2"]  # a search catches the index up


def test_a_search_during_a_long_update_answers_from_what_is_indexed(
    news: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first indexing of a large site takes minutes, and longer while requests come in:
    # a search meanwhile answers from the index as it stands rather than waiting it out.
    client = make_client(news)
    index = client.app.site.search
    assert titles(client, "施") == ["施工通告"]
    with index._syncing:  # an update under way, for as long as the test holds it
        path = news.article("city/new.md", title="施工新聞")
        client.app.site.reloader.reload([str(path)])  # its own update waits its turn
        monkeypatch.setattr(search, "CATCH_UP_SECONDS", 0.05)
        during = titles(client, "施")
    assert during == ["施工通告"], "what was indexed, and nothing newer"
    monkeypatch.setattr(search, "CATCH_UP_SECONDS", 30.0)  # a bound, not a measurement
    assert set(titles(client, "施")) == {"施工通告", "施工新聞"}, "caught up once it is over"


def test_results_are_paginated_and_narrowed_to_a_section(site: SiteFactory) -> None:
    for n in range(25):
        site.article(f"city/n{n}.md", title=f"城市 {n}", date=f"2026-11-{n + 1:02d}")
    site.article("sport/s.md", title="城市馬拉松")
    client = make_client(site)
    first = titles(client, "城市")
    second = titles(client, "城市", "&page=2")
    assert len(first) == 20 and len(second) == 6 and not set(first) & set(second)
    assert titles(client, "城市", "&section=sport") == ["城市馬拉松"]
    assert client.get("/search?q=x&section=nowhere").status_code == 404
    assert client.get("/search?q=x&page=99").status_code == 404
    assert client.get("/search?q=x&page=abc").status_code == 404


HOSTILE = [
    '"',
    '"unbalanced',
    "NEAR(a b",
    "*",
    "-",
    "a OR",
    "(((",
    ")",
    "title:x",
    "^x",
    "a AND NOT b",
    "{x}",
    "\x00\x01",
    "　",
    "x" * 3000,
    "x" * 5000,
    "社" * 400,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_query_gets_a_helpful_page(news: SiteFactory, query: str) -> None:
    response = make_client(news).get("/search", params={"q": query})
    assert response.status_code in (200, 414), "a page, never an error"
    if response.status_code == 200:
        page = parse_html(response)
        assert page.xpath("//main//form[@role='search']"), "the form, to try again"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_a_query_that_answers(query: str) -> None:
    parsed = parse_query(query)
    if parsed is not None:
        expression = parsed.match()
        index = _shared_index()
        # SQLite must accept whatever the query turned into, and what ranking asks.
        index.store.candidates(expression, 10)
        for in_title in parsed.in_title():
            index.store.matching_rows(in_title, 0)


_INDEX: list[SearchIndex] = []


def _shared_index() -> SearchIndex:
    if not _INDEX:
        _INDEX.append(SearchIndex(None))
    return _INDEX[0]


def test_tokens_are_characters_and_common_pairs_in_simplified_script() -> None:
    assert {"中", "国"} <= set(COMMON_HAN)
    assert "社" not in COMMON_HAN
    # 中国: both common, a pair of its own; 社区: a phrase of two; runs kept apart.
    # The characters come first, then the words, then the pairs.
    assert (
        index_tokens("中國 Harbours 300 社區。中")
        == "中 国 \ue000 社 区 \ue000 中 harbour 300 中国"
    )


_CHINESE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),  # anything
        st.sampled_from("社區中国，。、！？「」（）“”…—　ＡＢｃ１２ﬁ²Ⅻ〸〹兀"),  # NFKC's cases
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(_CHINESE_TEXT)
def test_tokens_are_those_of_the_texts_nfkc_form(text: str) -> None:
    # NFKC is skipped where it cannot change a token (most Chinese text): never otherwise.
    assert index_tokens(text) == index_tokens(unicodedata.normalize("NFKC", text))


# Common (in COMMON_HAN) and rarer characters, so both ways of asking are tried.
_COMMON = "的是人中国区"
_RARE = "社鑫淼"
_TEXT = st.text(alphabet=_COMMON + _RARE + "。 ,ab", max_size=40)


def _only_row(index: SearchIndex, text: str) -> None:
    index.store.clear()
    index.store.write([IndexRow("a", "1", 1.0, "", index_tokens(text))])


def test_the_characters_tried_are_common_and_rare_as_named() -> None:
    assert set(_COMMON) <= set(COMMON_HAN)
    assert not set(_RARE) & set(COMMON_HAN)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.data())
def test_every_string_of_characters_in_a_text_finds_it(text: str, data: st.DataObject) -> None:
    han = re.findall(f"[{_COMMON}{_RARE}]+", text)
    if not han:
        return
    run = data.draw(st.sampled_from(han))
    start = data.draw(st.integers(0, len(run) - 1))
    piece = run[start : start + data.draw(st.integers(1, 4))]
    index = _shared_index()
    _only_row(index, text)
    parsed = parse_query(piece)
    assert parsed is not None
    assert index.ranked(parsed)[0] == ["a"], (text, piece, parsed.match())


@pytest.mark.parametrize("pair", ["区中", "社区", "鑫淼", "中社"])
@pytest.mark.parametrize("between", ["。", " ", "a"])
def test_a_pair_is_never_found_across_a_break(pair: str, between: str) -> None:
    index = _shared_index()
    _only_row(index, f"{pair[0]}{between}{pair[1]}")
    parsed = parse_query(pair)
    assert parsed is not None
    assert index.ranked(parsed)[0] == []
    _only_row(index, f"{pair}{between}{pair[1]}")
    assert index.ranked(parsed)[0] == ["a"]


def test_a_body_is_read_for_search_as_its_readers_see_it() -> None:
    source = (
        "A [ferry timetable](https://ferries.example.org/timetable) and "
        '![Pier at dawn](/img/pier.jpg "Seen from the lighthouse") with a '
        "[reference][tides] and <https://autolink.example.net/x> &amp; "
        '<span class="hidden-attribute">spanned</span> '
        '{{< figure src="/img/q.jpg" caption="港灣 at noon" >}}\n\n'
        "[tides]: https://tides.example.com/bay\n"
        "glued<br>apart\n"
    )
    words = set(index_tokens(markdown_text(source)).split())
    assert {"glu", "apart"} <= words, "what a tag stood between stays two words"
    for shown in ("ferri", "timet", "pier", "dawn", "lighthous", "refer", "autolink", "span"):
        assert any(word.startswith(shown) for word in words), shown
    assert {"港", "湾", "noon"} <= words
    for hidden in ("ferries", "img", "tides", "hidden", "attribut", "figur", "caption", "amp"):
        assert not any(word.startswith(hidden) for word in words), hidden


def test_code_is_read_as_written() -> None:
    # Code is shown as written, tags and addresses included; so is List<T> in a sentence.
    code = (
        "Use `<kbd>Ctrl</kbd>` or a FrozenDictionary<TKey,TValue>:\n\n"
        '```html\n<select name="district"><option>東區</option></select>\n```\n\n'
        '    <input type="checkbox" href="https://code.example.org/indented">\n'
    )
    read = set(index_tokens(markdown_text(code)).split())
    for shown in ("kbd", "tkey", "tvalu", "select", "district", "option", "东", "checkbox"):
        assert shown in read, shown
    assert "indent" in read, "an indented block is code too"


def test_the_plain_text_of_html_is_one_trimmed_line() -> None:
    assert plain_text(" <p>Ferry\n<b>news</b>&amp;more</p> ") == "Ferry news &more"


def test_every_word_a_demo_article_shows_is_read_for_search() -> None:
    settings, _ = load_settings(DEMO_SITE)
    snapshot = Site(settings, lambda: NOW).holder.current
    assert len(snapshot.articles) > 10
    for article in snapshot.articles:
        shown = set(index_tokens(plain_text(snapshot.body_html(article))).split())
        read = set(index_tokens(markdown_text(snapshot.bodies.source(article) or "")).split())
        assert shown <= read, (article.file, sorted(shown - read))


def test_a_warm_restart_indexes_nothing_again(news: SiteFactory, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    first = Site(news.settings(), lambda: NOW, index)
    assert first.search.sync(first.holder.current) == 7
    first.search.close()
    second = Site(news.settings(), lambda: NOW, index)
    assert second.search.sync(second.holder.current) == 0
    assert second.search.size() > 0


def test_a_search_after_a_restart_answers_from_the_stored_index_meanwhile(
    news: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a restart the search index's first update compares every stored version with
    the snapshot (seconds at a million articles): a search never does it in its own time."""
    index = tmp_path / "index.sqlite"
    first = Site(news.settings(), lambda: NOW, index)
    assert first.search.sync(first.holder.current) == 7
    first.search.close()
    second = Site(news.settings(), lambda: NOW, index)
    released = threading.Event()
    versions = second.search.store.versions

    def slow_versions() -> dict[str, str]:
        released.wait(30)  # held until the test lets go (a bound, not a measurement)
        return versions()

    monkeypatch.setattr(second.search.store, "versions", slow_versions)
    monkeypatch.setattr(search, "CATCH_UP_SECONDS", 0.05)
    answers: list[bytes] = []
    asking = threading.Thread(
        target=lambda: answers.append(second.answer("/search", "q=" + quote("施")).body)
    )
    try:
        asking.start()
        asking.join(20)  # a bound, not a measurement
        assert answers, "the search waited for the comparison of every stored version"
    finally:
        released.set()
    found = lxml_html.fromstring(answers[0]).xpath("//main//ol//h2/a/text()")
    assert found == ["施工通告"], "found in the index as it was stored"
    assert second.search.partial == 1
    monkeypatch.setattr(search, "CATCH_UP_SECONDS", 30.0)  # a bound, not a measurement
    second.answer("/search", "q=" + quote("施"))
    assert second.search.partial == 1, "up to date once the comparison is over"


def test_an_update_that_fails_is_said_and_searches_go_on_from_the_stored_index(
    news: SiteFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    index = tmp_path / "index.sqlite"
    first = Site(news.settings(), lambda: NOW, index)
    assert first.search.sync(first.holder.current) == 7
    first.search.close()
    second = Site(news.settings(), lambda: NOW, index)

    def failing() -> dict[str, str]:
        raise sqlite3.OperationalError("disk I/O error")  # what a failing disk says

    monkeypatch.setattr(second.search.store, "versions", failing)
    page = second.answer("/search", "q=" + quote("施"))
    assert page.status == 200
    found = lxml_html.fromstring(page.body).xpath("//main//ol//h2/a/text()")
    assert found == ["施工通告"]
    assert "the search index could not be brought up to date" in caplog.text
    assert "disk I/O error" in caplog.text


def test_the_stored_versions_are_read_beside_searches(tmp_path: Path) -> None:
    # A restart's first update reads every stored version (a million rows): on disk,
    # through a connection of its own, so the searches' connection is free meanwhile.
    store = TokenStore(tmp_path / "search.sqlite")
    store.write([IndexRow("news/a", "v1", 0.0, "a", "a")])
    read: list[dict[str, str]] = []
    with store._lock:  # a search under way, for as long as the test holds it
        reading = threading.Thread(target=lambda: read.append(store.versions()))
        reading.start()
        reading.join(20)  # a bound, not a measurement
        assert read == [{"news/a": "v1"}], "the versions waited for the searches' connection"
    reading.join()
    store.close()


def test_after_a_reload_only_what_changed_is_indexed_again(news: SiteFactory) -> None:
    site = make_client(news).app.site
    index = SearchIndex(None)  # the site's own is also kept up to date by its listener
    assert index.sync(site.holder.current) == 7
    path = news.article("city/new.md", title="颱風警告", body="今晚颱風來襲。")
    site.reloader.reload([str(path)])
    assert index.sync(site.holder.current) == 1
    site.reloader.reload()  # every file checked again, none changed
    assert index.sync(site.holder.current) == 0
    path.unlink()
    site.reloader.reload([str(path)])
    assert index.sync(site.holder.current) == 0
    assert [key for key in index.store.versions() if "new" in key] == []


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_a_lost_or_damaged_shard_rebuilds_the_whole_index(
    news: SiteFactory, tmp_path: Path, damage: str
) -> None:
    index = tmp_path / "index.sqlite"
    first = Site(news.settings(), lambda: NOW, index)
    assert first.search.sync(first.holder.current) == 7
    shards = first.search.store.shard_paths()
    assert len(shards) == SHARDS and all(p.stat().st_size for p in shards)
    first.search.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{shards[-1]}{suffix}").unlink(missing_ok=True)
    if damage == "garbage":
        shards[-1].write_bytes(b"not a database" * 1000)
    second = Site(news.settings(), lambda: NOW, index)
    assert second.search.sync(second.holder.current) == 7, "every article indexed again"
    page = second.answer("/search", "q=" + quote("社區"))
    found = lxml_html.fromstring(page.body).xpath("//main//ol//h2/a/text()")
    assert set(found) == {"社區中心開幕", "垃圾分类", "She wins"}


def test_two_processes_opening_one_index_at_once_keep_each_others_rows(tmp_path: Path) -> None:
    # As ``reader serve --workers 2`` does: each worker opens the same files and indexes.
    # Connections of their own contend for SQLite's locks just as processes do.
    for attempt in range(15):
        path = tmp_path / str(attempt) / "search.sqlite"
        together = threading.Barrier(2)
        failures: list[BaseException] = []

        def index(
            key: str,
            path: Path = path,
            together: threading.Barrier = together,
            failures: list[BaseException] = failures,
        ) -> None:
            together.wait()
            try:
                store = TokenStore(path)
                store.write([IndexRow(key, "1", 1.0, "title", index_tokens(f"{key} 社區"))])
                store.close()
            except BaseException as error:  # reported below, from the test's thread
                failures.append(error)

        workers = [threading.Thread(target=index, args=(key,)) for key in ("a", "b")]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert not failures, failures
        store = TokenStore(path)
        assert set(store.versions()) == {"a", "b"}, "neither made the index afresh over the other"
        assert {c.key for c in store.candidates('"社 区"', 10)} == {"a", "b"}
        store.close()


def test_every_page_has_an_accessible_search_form(news: SiteFactory) -> None:
    page = parse_html(make_client(news).get("/city/a/"))
    (form,) = page.xpath("//header//form[@role='search']")
    assert form.get("action") == "/search" and form.get("method") == "get"
    (field,) = form.xpath(".//input[@name='q']")
    assert form.xpath(f".//label[@for='{field.get('id')}']/text()")


@pytest.mark.parametrize("search_url", ["", "https://search.example.org/"])
def test_an_export_has_a_form_only_where_something_answers(
    news: SiteFactory, tmp_path: Path, search_url: str
) -> None:
    if search_url:
        toml = news.root / "site.toml"
        toml.write_text(toml.read_text() + f'\nsearch_url = "{search_url}"\n')
    out = tmp_path / "out"
    assert main(["build", str(news.root), str(out), "--no-index"]) == 0
    page: Any = parse_html_file(out / "city/a/index.html")
    actions = page.xpath("//form[@role='search']/@action")
    assert actions == ([search_url] if search_url else [])
    assert not (out / "search").exists()


def parse_html_file(path: Path) -> Any:
    """A written page, parsed."""
    from lxml import html

    return html.fromstring(path.read_bytes())


def test_the_partner_api_takes_q(news: SiteFactory) -> None:
    client = make_client(news)
    found = client.get("/api/v1/articles?q=" + quote("社区")).json()["data"]
    headlines = {item["headlines"][0]["value"] for item in found}
    assert headlines == {"社區中心開幕", "垃圾分类", "She wins"}
    dated = [item["versioncreated"] for item in found]
    assert dated == sorted(dated, reverse=True), "newest first, as the rest of the API"
    refused = client.get("/api/v1/articles?q=" + quote("!!!"))
    assert refused.status_code == 400 and refused.json()["error"]["parameter"] == "q"


def test_a_keyword_page_offers_a_search_for_its_word(site: SiteFactory) -> None:
    site.article("city/a.md", title="A", tags=["環保"])
    page = parse_html(make_client(site).get("/tags/" + quote("環保") + "/"))
    (link,) = page.xpath("//main//a[starts-with(@href, '/search')]")
    assert link.get("href") == "/search?q=" + quote("環保")


def test_a_search_is_a_subscription(news: SiteFactory) -> None:
    import feedparser

    client = make_client(news)
    page = parse_html(client.get("/search?q=" + quote("社區")))
    links = page.xpath("//head/link[@rel='alternate']/@href")
    assert links == ["/search/rss.xml?q=" + quote("社區"), "/search/atom.xml?q=" + quote("社區")]
    for link in links:
        feed = feedparser.parse(client.get(link).content)
        assert not feed.bozo, feed.bozo_exception
        titles = [entry.title for entry in feed.entries]
        assert set(titles) == {"社區中心開幕", "垃圾分类", "She wins"}
        dates = [entry.published_parsed for entry in feed.entries]
        assert dates == sorted(dates, reverse=True), "newest first, as a subscription reads"
        assert "社區" in feed.feed.title
    assert client.get("/search/feed.json?q=x").status_code == 404
    assert client.get("/search/rss.xml").status_code == 404


def test_replaced_versions_are_compacted_away(
    news: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A contentless index keeps a replaced version's tokens; when they outnumber the live
    # ones it is built afresh, and the count of dead versions starts again from nothing.
    monkeypatch.setattr(search, "MIN_DEAD_TO_REBUILD", 20)
    site = Site(news.settings(), lambda: NOW)
    index = site.search
    assert index.sync(site.holder.current) == 7
    deads = []
    for round_ in range(1, 60):
        path = news.article("city/a.md", title=f"社區中心開幕 {round_}")
        site.reloader.reload([str(path)])
        deads.append(int(index.store.meta("dead") or 0))
    assert max(deads) <= 20, "never more than the bound"
    after_first = deads[deads.index(max(deads)) + 1 :]
    assert after_first and min(after_first) < 5, "rebuilt, and counting from nothing"
    page = site.answer("/search", "q=" + quote("社區中心"))
    found = lxml_html.fromstring(page.body).xpath("//main//ol//h2/a/text()")
    assert found == ["社區中心開幕 59"]
