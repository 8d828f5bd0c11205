"""The on-disk index: a restart with unchanged files reads none, and a bad index costs nothing."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

import reader.filecheck
import reader.index
from reader.config import load_settings
from reader.filecheck import FileCheck, changed_files
from reader.load import load_site
from reader.model import NO_RESOURCES, Article
from reader.parsecache import SETTLED, ParseCache
from reader.site import Site
from tests.factories import NOW, SiteFactory

DEMO = Path(reader.index.__file__).parent / "demo_site"


def start(site: SiteFactory, index: Path) -> Site:
    return Site(site.settings(), lambda: NOW, index)


def test_a_restart_from_the_index_reads_no_file(site: SiteFactory, tmp_path: Path) -> None:
    for number in range(3):
        site.article(f"news/a{number}.md", title=f"Article {number}", body="Body *text*.")
    index = tmp_path / "index.sqlite"
    first = start(site, index)
    assert not first.restored
    first.reloader.save_index()
    assert len(first.holder.catalog.read) == 3
    second = start(site, index)
    assert second.restored and second.holder.catalog.read == frozenset()
    assert [a.title for a in second.holder.current.articles] == [
        a.title for a in first.holder.current.articles
    ]
    page = second.answer("/news/a1/")
    assert page.status == 200
    assert lxml_html.fromstring(page.body).xpath("//main//p/em/text()") == ["text"]


def test_a_first_start_without_an_index_folder_warns_of_nothing(
    site: SiteFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site.article("news/a.md")
    index = tmp_path / "no" / "folder" / "yet" / "index.sqlite"
    first = start(site, index)
    assert not first.restored and "cannot be read" not in caplog.text
    first.reloader.save_index()
    assert start(site, index).restored


def test_the_check_after_a_restart_finds_what_changed_while_down(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/a.md", title="Before")
    index = tmp_path / "index.sqlite"
    start(site, index).reloader.save_index()
    site.article("news/a.md", title="Edited while the server was down")
    site.article("news/b.md", title="Added while down")
    restarted = start(site, index)
    assert not restarted.holder.current.articles, "no version of an edited file is served"
    restarted.reloader.reload()  # what the app runs right after starting from the index
    titles = {a.title for a in restarted.holder.current.articles}
    assert titles == {"Edited while the server was down", "Added while down"}
    restarted.reloader.index_written()
    again = start(site, index)  # and the index has learnt it
    assert {a.title for a in again.holder.current.articles} == titles


@pytest.mark.parametrize(
    "child", [None, "/nonexistent/python", "/bin/false", "/bin/true", "/bin/echo"]
)
def test_a_restart_serves_nothing_withdrawn_while_down(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: str | None
) -> None:
    """Until the first reload reads them, changed and deleted files are not served at all,
    whether the files are checked by a child process (None) or, when the child cannot be
    started, fails or answers nonsense, in the server's own."""
    monkeypatch.setattr(reader.filecheck, "CHILD_FROM", 0)
    if child is not None:
        monkeypatch.setattr(sys, "executable", child)
    site.article("news/kept.md", title="Kept")
    site.article("news/retracted.md", title="Retracted")
    gone = site.article("news/deleted.md", title="Deleted")
    index = tmp_path / "index.sqlite"
    start(site, index).reloader.save_index()
    site.article("news/retracted.md", title="Retracted", draft=True)
    gone.unlink()
    restarted = start(site, index)
    assert restarted.holder.catalog.read == frozenset(), "still no file read"
    assert {a.title for a in restarted.holder.current.articles} == {"Kept"}
    for path in ("/news/retracted/", "/news/deleted/"):
        assert restarted.answer(path).status == 404
    assert b"Retracted" not in restarted.answer("/rss.xml").body


@pytest.mark.parametrize("child_from", [0, 10**6])
def test_the_child_process_finds_the_files_changed_gone_or_replaced(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_from: int
) -> None:
    """As the server's own check does (and does for fewer files than a child is worth)."""
    monkeypatch.setattr(reader.filecheck, "CHILD_FROM", child_from)
    for number in range(30):
        site.article(f"news/a{number}.md", title=f"A {number}")
        site.article(f"news/city/b{number}.md", title=f"B {number}")
        site.article(f"news/port/c{number}.md", title=f"C {number}")
    articles = load_site(site.settings(), NOW)[0].articles
    files = {a.title: Path(a.file) for a in articles}
    files["A 1"].write_text(files["A 1"].read_text() + "More.")  # another size
    os.utime(files["A 2"], ns=(0, 10**18))  # the same size, another time
    files["B 3"].unlink()
    files["B 4"].unlink()
    files["B 4"].mkdir()  # a folder where the file was
    folder = files["C 5"].parent
    folder.rename(tmp_path / "moved")  # a whole folder gone
    check = FileCheck()
    for some in (articles[:20], articles[20:50], articles[50:]):  # as the index yields them
        check.add(some)
    assert (check._child is not None) == (child_from == 0), "a child for the many, none else"
    found = check.changed()
    in_folder = {os.fspath(p) for p in files.values() if p.parent == folder}
    expected = {os.fspath(files[t]) for t in ("A 1", "A 2", "B 3", "B 4")} | in_folder
    assert found == expected == changed_files(articles)


def test_the_check_after_a_restart_reads_no_unchanged_file(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/a.md", title="A", tags=["harbour"])
    site.article("news/city/b.md", title="B")
    index = tmp_path / "index.sqlite"
    start(site, index).reloader.save_index()
    restarted = start(site, index)
    restarted.reloader.reload()  # the files' entries come from the index before the check
    assert restarted.holder.catalog.read == frozenset()
    assert {a.title for a in restarted.holder.current.articles} == {"A", "B"}
    edited = site.article("news/city/b.md", title="B, edited")
    restarted.reloader.reload()
    assert restarted.holder.catalog.read == {os.fspath(edited)}
    assert {a.title for a in restarted.holder.current.articles} == {"A", "B, edited"}


def test_a_reload_writes_its_rows_beside_the_next_reloads_in_order(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = site.article("news/a.md", title="Version 0")
    site.article("news/b.md", title="Other")
    index = tmp_path / "index.sqlite"
    start(site, index).reloader.save_index()
    live = start(site, index)
    live.reloader.reload()
    live.reloader.index_written()
    # The first row written waits until three more edits are served, so their rows queue.
    reloading = threading.get_ident()
    release = threading.Event()
    pickled_on: set[int] = set()
    entries_blob = reader.index._entries_blob

    def held_entries_blob(*args: Any) -> bytes:
        pickled_on.add(threading.get_ident())
        assert release.wait(timeout=30)
        return entries_blob(*args)

    monkeypatch.setattr(reader.index, "_entries_blob", held_entries_blob)
    for version in range(1, 5):
        site.article("news/a.md", title=f"Version {version}")
        os.utime(path, ns=(version * 10**9, version * 10**9))  # a new version, whatever the clock
        live.reloader.reload({os.fspath(path)})
        assert {a.title for a in live.holder.current.articles} == {f"Version {version}", "Other"}
    assert reloading not in pickled_on, "a reload waited for the index to be written"
    release.set()
    live.reloader.index_written()
    again = start(site, index)
    again.reloader.reload()
    assert again.holder.catalog.read == frozenset(), "the index holds the last version"
    assert {a.title for a in again.holder.current.articles} == {"Version 4", "Other"}


def test_templates_compiled_by_one_start_serve_the_next_and_follow_edits(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/a.md", title="A")
    index = tmp_path / "index.sqlite"
    first = start(site, index).answer("/news/a/").body
    compiled = list(tmp_path.glob("index-templates/*/*"))
    assert compiled, "the first start kept its compiled templates beside the index"
    assert start(site, index).answer("/news/a/").body == first
    # The site overrides the article template: the compiled bundled one must not be used.
    theme = Path(__file__).resolve().parent.parent / "templates" / "article.html"
    own = site.root / "templates" / "article.html"
    own.parent.mkdir(exist_ok=True)
    own.write_text(theme.read_text().replace("<article", "<article data-own-theme", 1))
    again = start(site, index).answer("/news/a/").body
    assert lxml_html.fromstring(again).xpath("//article[@data-own-theme]") and again != first
    own.write_text(own.read_text().replace("data-own-theme", "data-edited-theme"))
    edited = lxml_html.fromstring(start(site, index).answer("/news/a/").body)
    assert edited.xpath("//article[@data-edited-theme]")


class _OutOfRange(pickle.Pickler):
    """Writes a reference to an article the folder does not have."""

    def persistent_id(self, obj: Any) -> int | None:
        return 999 if obj == "news" else None


def _saved_with(site: SiteFactory, tmp_path: Path, column: str, damaged: bytes) -> Path:
    """An index of the site as it is, with one column of every row overwritten."""
    index = tmp_path / "index.sqlite"
    start(site, index).reloader.save_index()
    with contextlib.closing(sqlite3.connect(index)) as db, db:
        db.execute(f"UPDATE sections SET {column} = ?", (damaged,))
    return index


def _out_of_range_blob() -> bytes:
    buffer = io.BytesIO()
    _OutOfRange(buffer).dump({"news": 1})
    return buffer.getvalue()


@pytest.mark.parametrize("damaged", [b"not a pickle", _out_of_range_blob()])
def test_damaged_file_entries_cost_only_a_slower_check(
    site: SiteFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture, damaged: bytes
) -> None:
    site.article("news/a.md", title="A")
    index = _saved_with(site, tmp_path, "entries", damaged)
    restarted = start(site, index)
    assert restarted.restored
    site.article("news/b.md", title="B")
    restarted.reloader.reload()
    assert "file entries cannot be read" in caplog.text
    assert {a.title for a in restarted.holder.current.articles} == {"A", "B"}
    restarted.reloader.index_written()
    again = start(site, index)  # the check wrote whole rows again
    again.reloader.reload()
    assert {a.title for a in again.holder.current.articles} == {"A", "B"}


@pytest.mark.parametrize(
    "damaged",
    [b"not a pickle", b"cbuiltins\nint\n(S'x'\ntR."],  # the second raises ValueError
)
def test_damaged_folder_rows_cost_only_the_fast_start(
    site: SiteFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture, damaged: bytes
) -> None:
    site.article("news/a.md", title="Still here")
    index = _saved_with(site, tmp_path, "own", damaged)
    restarted = start(site, index)
    assert not restarted.restored
    assert [a.title for a in restarted.holder.current.articles] == ["Still here"]
    assert "the index cannot be read" in caplog.text


def test_a_damaged_index_costs_only_the_fast_start(
    site: SiteFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site.article("news/a.md", title="Still here")
    index = tmp_path / "index.sqlite"
    index.write_bytes(b"this is not a database" * 100)
    restarted = start(site, index)
    assert not restarted.restored
    assert [a.title for a in restarted.holder.current.articles] == ["Still here"]
    assert "the index cannot be read" in caplog.text


def test_other_settings_do_not_use_the_index(site: SiteFactory, tmp_path: Path) -> None:
    site.article("news/a.md", title="Dated", date="2026-11-01T09:00:00")
    index = tmp_path / "index.sqlite"
    Site(site.settings(), lambda: NOW, index).reloader.save_index()
    other_zone = Site(site.settings(timezone=ZoneInfo("UTC")), lambda: NOW, index)
    assert not other_zone.restored


def test_a_build_and_a_server_of_one_site_share_its_index(
    site: SiteFactory, tmp_path: Path
) -> None:
    # An editor previews with `reader serve` while `reader build` publishes: each wrote the
    # index under its own fingerprint, so each start (and every build) read every file.
    for number in range(3):
        site.article(f"news/a{number}.md", title=f"Article {number}")
    index = tmp_path / "index.sqlite"
    Site(site.settings(watch=True), lambda: NOW, index).reloader.save_index()
    build = Site(site.settings(exporting=True), lambda: NOW, index, check_files=True)
    assert build.indexed and build.holder.catalog.read == frozenset()
    build.reloader.save_index()
    assert Site(site.settings(watch=True), lambda: NOW, index).restored


def test_bodies_render_when_first_asked_for_and_stay_within_the_bound(
    site: SiteFactory,
) -> None:
    for number in range(20):
        site.article(f"news/a{number}.md", title=f"A{number}", body="Long text. " * 2000)
    settings = site.settings(cache_mb=1)  # a quarter of it, 256 KiB, holds bodies
    snapshot, _ = load_site(settings, NOW, ParseCache())
    assert snapshot.bodies.renders == 0  # loading renders no body
    for article in snapshot.articles:
        assert "Long text." in snapshot.body_html(article)
    assert snapshot.bodies.renders == 20
    assert 0 < len(snapshot.bodies) < 20  # ~22 KB each: only the recent ones are kept
    snapshot.body_html(snapshot.articles[-1])
    assert snapshot.bodies.renders == 20  # the last one asked for was still there
    snapshot.body_html(snapshot.articles[0])
    assert snapshot.bodies.renders == 21  # the first one had been let go


def test_articles_come_back_from_the_index_whole() -> None:
    """The index rebuilds each article straight into its slots, not through ``__init__``:
    every field, and the key ``__init__`` computes, must come back as they were."""
    settings, _ = load_settings(DEMO)
    _, catalog = load_site(settings, NOW)
    articles = catalog.articles
    assert articles
    back = pickle.loads(pickle.dumps(articles, protocol=pickle.HIGHEST_PROTOCOL))
    for article, restored in zip(articles, back, strict=True):
        for slot in Article.__slots__:
            assert getattr(restored, slot) == getattr(article, slot), slot


def test_file_entries_keep_only_what_a_walk_reads_again(site: SiteFactory, tmp_path: Path) -> None:
    """Once an article is built, its file's entry keeps the article, its version and what a
    later walk reads (problems, the slug's line): a clean file's parse is one shared object,
    its version the article's own, after a start from scratch and after a restart."""
    clean = site.article("news/clean.md", title="Clean")
    slugged = site.article("news/slugged.md", title="Slugged", slug="own-name")
    index = tmp_path / "index.sqlite"
    first = start(site, index)
    first.reloader.save_index()
    restarted = start(site, index)
    assert restarted.restored and restarted.reloader.index is not None
    restarted.reloader.index.restore_entries(restarted.reloader.cache)
    for cache in (first.reloader.cache, restarted.reloader.cache):
        entry = cache.entry(os.fspath(clean))
        assert entry is not None and entry.built is not None and entry.built[0] is not None
        assert entry.parsed is SETTLED
        assert entry.stamp is entry.built[0].stamp
        own = cache.entry(os.fspath(slugged))
        assert own is not None and own.parsed is not SETTLED
        assert own.parsed.document is not None and own.parsed.document.line_of("slug") == 3
        assert own.parsed.document.meta == {}
    assert all(a.resources is NO_RESOURCES for a in first.holder.catalog.articles)
    restored = restarted.holder.catalog.articles
    assert len({id(a.resources) for a in restored}) == 1, "one empty set for a folder's articles"
    # A clash after a restart still names the slug's line, kept in the entry: the file
    # first in name order keeps the address.
    site.article("news/a-rival.md", title="Rival", slug="own-name")
    restarted.reloader.reload()
    problems = restarted.holder.catalog.problems
    (clash,) = [p for p in problems if p.path.name == "slugged.md" and p.line is not None]
    assert clash.line == 3 and "already a-rival.md's" in clash.message
