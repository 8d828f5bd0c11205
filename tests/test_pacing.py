"""Background work gives way to requests: the pacer, and the work and the app that use it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from reader.pacing import LONGEST_PAUSE_SECONDS, SLICE_SECONDS, Pacer
from reader.search import SearchIndex
from reader.site import Site
from tests.factories import NOW, SiteFactory, make_client


class FakeTime:
    """A clock the test moves, and a sleep that moves it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_work_runs_unhindered_while_no_request_comes_in() -> None:
    time = FakeTime()
    pause = Pacer(0.2, time.clock, time.sleep).run()
    for _ in range(100):
        time.now += 0.01  # a unit of work longer than a slice
        pause()
    assert time.slept == []


def test_while_requests_come_in_work_keeps_to_its_share() -> None:
    time = FakeTime()
    pacer = Pacer(0.2, time.clock, time.sleep)
    pause = pacer.run()
    started = time.now
    worked = 0.0
    for _ in range(100):
        pacer.requests += 1  # a request came in during the unit
        time.now += 0.003
        worked += 0.003
        pause()
    assert worked / (time.now - started) <= 0.2 + 1e-9
    assert len(time.slept) == 50, "a sleep for each slice of two units"


def test_units_shorter_than_a_slice_are_paced_together() -> None:
    time = FakeTime()
    pacer = Pacer(0.2, time.clock, time.sleep)
    pause = pacer.run()
    for _ in range(3):
        pacer.requests += 1
        time.now += SLICE_SECONDS / 4
        pause()
    assert time.slept == [], "not one sleep per tiny unit"
    time.now += SLICE_SECONDS
    pause()
    assert len(time.slept) == 1


def test_a_long_unit_is_paid_for_within_a_bound() -> None:
    time = FakeTime()
    pacer = Pacer(0.2, time.clock, time.sleep)
    pause = pacer.run()
    pacer.requests += 1
    time.now += 0.5  # an image encoded
    pause()
    assert time.slept == [2.0]
    pacer.requests += 1
    time.now += 60.0
    pause()
    assert time.slept[-1] == LONGEST_PAUSE_SECONDS


def test_a_run_begins_afresh_however_long_since_the_last() -> None:
    time = FakeTime()
    pacer = Pacer(0.2, time.clock, time.sleep)
    pacer.run()()  # one run of work ends
    time.now += 3600  # an hour of requests later, the next run begins
    pacer.requests += 1000
    pause = pacer.run()
    time.now += SLICE_SECONDS / 2
    pause()
    assert time.slept == []


def test_every_request_tells_the_pacer(site: SiteFactory) -> None:
    site.article("news/a.md", title="A")
    client = make_client(site)
    pacer = client.app.site.pacer
    for path in ("/news/a/", "/news/a/", "/no/such/page/"):  # rendered, cached, missing
        before = pacer.requests
        client.get(path)
        assert pacer.requests == before + 1, path


def test_indexing_for_search_gives_way_between_articles(site: SiteFactory) -> None:
    for n in range(5):
        site.article(f"news/{n}.md", title=f"Article {n}")
    calls: list[None] = []
    built = Site(site.settings(), lambda: NOW)
    SearchIndex(None).sync(built.holder.current, pause=lambda: calls.append(None))
    assert len(calls) >= 5


def test_saving_the_index_gives_way_between_folders(site: SiteFactory, tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        site.article(f"{folder}/one.md", title=folder)
    built = Site(site.settings(), lambda: NOW, tmp_path / "index.sqlite")
    calls: list[None] = []
    built.reloader.save_index(lambda: calls.append(None))
    assert len(calls) >= 3


def test_the_server_says_once_when_the_work_after_a_start_is_over(
    site: SiteFactory, caplog: pytest.LogCaptureFixture
) -> None:
    site.article("news/a.md", title="A")
    built = Site(site.settings(), lambda: NOW)
    with caplog.at_level(logging.INFO, logger="reader"):
        built.index_for_search()
        built.index_for_search()  # nothing to do: not said again
        built.make_renditions()
        built.make_renditions()
        built._resizing.shutdown(wait=True)
    said = [record.getMessage() for record in caplog.records]
    assert [m.split(" in ")[0] for m in said if m.startswith("search index")] == [
        "search index up to date: 1 indexed again"
    ]
    assert [m.split(" in ")[0] for m in said if m.startswith("lead images")] == [
        "lead images ready: 0 resized copies made"
    ]


def test_the_pinyin_tables_are_built_giving_way_to_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader import searchtext

    monkeypatch.setattr(searchtext, "_TABLES", {})  # as in a server that has not built them
    calls: list[None] = []
    searchtext.warm_pinyin(lambda: calls.append(None))
    # Most of a second of work in one go held up every request; now it pauses throughout.
    assert len(calls) > 10_000
    warmed = searchtext._TABLES
    monkeypatch.setattr(searchtext, "_TABLES", {})
    assert searchtext._characters_read("she")[:1] and searchtext._words_read("she qu")
    searchtext._words_toned()
    assert warmed == searchtext._TABLES, "the same tables as a first search builds"
