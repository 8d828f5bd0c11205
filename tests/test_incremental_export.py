"""reader build after a change: only what an edited text is in is rendered again, and the
tree is byte for byte what a build from scratch writes, whatever the change."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from reader import export
from reader.buildrecord import layout_path, load, record_path, save
from reader.cli import main
from reader.export import Report, build
from reader.keptbodies import KeptBodies, kept_bodies_path
from reader.site import Site
from tests.factories import DEFAULT_SITE_TOML, HUGO_MULTILINGUAL, NOW, SiteFactory

CHINESE_SITE = DEFAULT_SITE_TOML.replace('language = "en"', 'language = "zh-Hant"')
"""A Chinese site, so every page and feed has its other-script copy to keep in step too."""
SHORT_LISTS = CHINESE_SITE + "feed_length = 2\npage_size = 3\n"
"""Lists of many pages, feeds of many archive pages, from a few articles."""


def tree(out: Path) -> dict[str, bytes]:
    """Every file of a build, by its path within it."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def empty_folders(out: Path) -> list[Path]:
    """Folders of a build with nothing in them (a build from scratch makes none)."""
    return [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())]


class Builds:
    """One output folder built again and again, as an editor's machine does, and the same
    content built from scratch beside it each time."""

    def __init__(self, site: SiteFactory, root: Path) -> None:
        self.site, self.root = site, root
        self.out = root / "out"
        self.fresh = 0
        self.now = NOW

    def again(self, workers: int) -> Report:
        """Build into the same folder, with the same on-disk index (and build record)."""
        return build(self.site_at(self.root / "cache" / "index.sqlite"), self.out, workers=workers)

    def from_scratch(self) -> dict[str, bytes]:
        """What a first build of the same content writes, into a new folder."""
        self.fresh += 1
        folder = self.root / f"fresh-{self.fresh}"
        build(self.site_at(folder / "cache" / "index.sqlite"), folder / "out", workers=1)
        return tree(folder / "out")

    def site_at(self, index: Path) -> Site:
        """The site as ``reader build`` loads it, with this on-disk index."""
        return Site(replace(self.site.settings(), exporting=True), lambda: self.now, index)


def city_site(root: Path, site_toml: str, stories: int) -> SiteFactory:
    """A site of so many stories in one section, one a day from 2026-11-01."""
    site = SiteFactory(root / "site", site_toml=site_toml)
    for n in range(stories):
        story(site, f"city/a{n}", date=f"2026-11-0{n + 1}T09:00:00+08:00")
    return site


def story(site: SiteFactory, name: str, **fields: object) -> Path:
    """An article whose first paragraph is its summary; edits add to its text after it."""
    fields.setdefault("title", f"報道 {name}")
    fields.setdefault("tags", ["市政"])
    return site.article(f"{name}.md", body=f"第一段：{name}。\n\n第二段。", **fields)


TEXT, LISTS, FULL = "text", "lists", "full"
"""What a change is, for the build after it: an edit of text alone renders only what
embeds that text; a change of front matter, what reads the article and every page of the
lists it joins or leaves; anything else (a new section, a draft's file) everything."""


def test_an_incremental_build_equals_a_build_from_scratch_over_many_changes(
    tmp_path: Path,
) -> None:
    site = SiteFactory(tmp_path / "site", site_toml=SHORT_LISTS)
    for n in range(10):
        desk = ("city", "sport")[n % 2]
        day = f"2026-11-{n + 1:02d}T09:00:00+08:00"
        story(site, f"{desk}/a{n}", date=day, tags=["市政", f"話題{n % 3}"])
    builds = Builds(site, tmp_path)
    first = builds.again(workers=2)
    assert not first.incremental and not first.failures
    assert tree(builds.out) == builds.from_scratch()

    def text(*names: str) -> Callable[[], object]:
        def edit() -> None:
            for name in names:
                path = site.root / "content" / f"{name}.md"
                path.write_text(path.read_text(encoding="utf-8") + "\n更正。\n", encoding="utf-8")

        return edit

    def lead(name: str) -> Callable[[], object]:
        def edit() -> None:  # the first paragraph is the summary the lists show
            path = site.root / "content" / f"{name}.md"
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("第一段：", "第一段（更新）："), encoding="utf-8")

        return edit

    def front(name: str, **fields: object) -> Callable[[], object]:
        return lambda: story(site, name, **fields)

    def delete(name: str) -> Callable[[], object]:
        return (site.root / "content" / f"{name}.md").unlink

    def rename(old: str, new: str) -> Callable[[], object]:
        return lambda: (site.root / "content" / f"{old}.md").rename(
            site.root / "content" / f"{new}.md"
        )

    def several(*makes: Callable[[], object]) -> Callable[[], object]:
        return lambda: [make() for make in makes]

    def later(days: int) -> Callable[[], object]:
        return lambda: setattr(builds, "now", NOW + timedelta(days=days))

    on = "2026-11-{:02d}T09:00:00+08:00".format
    steps: list[tuple[str, Callable[[], object], str]] = [
        ("one article's text", text("sport/a3"), TEXT),
        ("two articles' text", text("city/a2", "sport/a5"), TEXT),
        ("nothing", lambda: None, TEXT),
        ("a keyword", front("city/a4", date=on(5), tags=["體育"]), LISTS),
        ("a date", front("sport/a1", date="2026-10-01T09:00:00+08:00"), LISTS),
        ("a new article", front("city/new", date=on(20)), LISTS),
        ("a new oldest article", front("sport/old", date="2026-09-01T09:00:00+08:00"), LISTS),
        ("the new one's text", text("city/new"), TEXT),
        ("a summary", lead("city/a2"), LISTS),
        ("a deletion", delete("sport/a7"), LISTS),
        ("a rename", rename("city/a6", "city/a6-moved"), LISTS),
        ("the renamed one's text", text("city/a6-moved"), TEXT),
        ("a title", front("city/a8", title="新標題", date=on(9)), LISTS),
        ("a keyword of its own", front("sport/a9", date=on(10), tags=["獨家"]), LISTS),
        ("its keyword gone again", front("sport/a9", date=on(10), tags=["市政"]), LISTS),
        (
            "a keyword three carry",
            several(
                front("city/a0", date=on(1), tags=["ferry"]),
                front("sport/a3", date=on(4), tags=["ferry"]),
                front("sport/a5", date=on(6), tags=["Ferry"]),
            ),
            LISTS,
        ),
        # The newest spells it for every page: its archive page, of the two oldest, too.
        ("its spelling", front("sport/a5", date=on(6), tags=["FERRY"]), LISTS),
        ("an old address", front("city/a0", date=on(1), aliases=["/old/a0/"]), LISTS),
        ("a menu entry", front("sport/a5", date=on(6), menu="main"), LISTS),
        ("a lead story, new", front("city/a2", date=on(27), featured=True), LISTS),
        ("a plain page", front("about", date=on(2), menu="main"), LISTS),
        ("its text", text("about"), TEXT),
        ("a new section", front("culture/c1", date=on(21)), FULL),
        ("a draft", front("city/a8", title="新標題", date=on(9), draft=True), FULL),
        ("three days on: no longer news", later(3), LISTS),
        ("the last of a section", delete("culture/c1"), FULL),
    ]
    for number, (change, make, kind) in enumerate(steps):
        make()
        report = builds.again(workers=1 + number % 2)
        assert not report.failures, change
        assert report.incremental == (kind != FULL), change
        if kind == TEXT and change != "nothing":
            assert 0 < report.rendered < first.rendered / 2, change
        if kind == LISTS:
            assert 0 < report.rendered < first.rendered, change
        assert tree(builds.out) == builds.from_scratch(), change
        assert not empty_folders(builds.out), change


def test_a_full_build_can_be_asked_for_and_a_changed_tree_gets_one(tmp_path: Path) -> None:
    site = city_site(tmp_path, CHINESE_SITE, 3)
    builds = Builds(site, tmp_path)
    builds.again(workers=1)
    assert builds.again(workers=1).incremental
    assert not build(
        builds.site_at(tmp_path / "cache" / "index.sqlite"), builds.out, full=True
    ).incremental
    # The output's list of files changed by another tool (one file removed with it): the
    # record no longer vouches for the tree, and everything is built.
    (builds.out / "city" / "a1" / "index.html").unlink()
    (builds.out / ".reader-build").write_text("edited by hand\n")
    report = builds.again(workers=1)
    assert not report.incremental
    assert tree(builds.out) == builds.from_scratch()


def test_a_text_edit_leaves_the_records_layout_and_a_layout_not_its_own_is_refused(
    tmp_path: Path,
) -> None:
    site = city_site(tmp_path, CHINESE_SITE, 3)
    builds = Builds(site, tmp_path)
    builds.again(workers=1)
    layout = layout_path(record_path(tmp_path / "cache" / "index.sqlite"))
    first = layout.read_bytes()
    stamp = layout.stat().st_mtime_ns

    path = site.root / "content" / "city" / "a1.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n更正。\n", encoding="utf-8")
    assert builds.again(workers=1).incremental
    assert layout.stat().st_mtime_ns == stamp  # the outputs read what they read before
    assert tree(builds.out) == builds.from_scratch()

    story(site, "city/a9", date="2026-11-09T09:00:00+08:00")  # a new output: a new layout
    assert builds.again(workers=1).incremental
    assert layout.read_bytes() != first
    assert tree(builds.out) == builds.from_scratch()

    # The layout of another build (restored by hand, or a build stopped between writing
    # the two files) is not this record's: everything is built again.
    layout.write_bytes(first)
    path.write_text(path.read_text(encoding="utf-8") + "\n再更正。\n", encoding="utf-8")
    again = builds.again(workers=1)
    assert not again.incremental
    assert tree(builds.out) == builds.from_scratch()


def test_a_record_naming_reads_this_version_does_not_know_renders_their_readers(
    tmp_path: Path,
) -> None:
    site = city_site(tmp_path, CHINESE_SITE, 3)
    builds = Builds(site, tmp_path)
    builds.again(workers=1)
    file = record_path(tmp_path / "cache" / "index.sqlite")
    record = load(file)
    assert record is not None
    # As if an older version had noted the menu under another name.
    names = tuple(("retired",) if name == ("menu",) else name for name in record.names)
    save(file, dataclasses.replace(record, names=names))
    readers = sum(names.index(("retired",)) in read for read in record.reads)
    assert readers > 3
    report = builds.again(workers=1)
    assert report.incremental and report.rendered == readers
    assert tree(builds.out) == builds.from_scratch()


def test_each_language_of_a_multilingual_site_builds_again_as_from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = SiteFactory(tmp_path / "site")
    (site.root / "site.toml").unlink()
    (site.root / "hugo.toml").write_text(HUGO_MULTILINGUAL, encoding="utf-8")
    for n in range(4):
        story(site, f"news/a{n}", date=f"2026-11-0{n + 1}T09:00:00+08:00")
    site.article("news/a0.en.md", "Ferries run later.", title="Ferries", date="2026-11-01")

    def built(out: Path, cache: Path) -> dict[str, bytes]:
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        assert main(["build", str(site.root), str(out)]) == 0
        return tree(out)

    built(tmp_path / "out", tmp_path / "cache")
    changes: list[tuple[str, Callable[[], object]]] = [
        ("a title", lambda: story(site, "news/a1", title="新", date="2026-11-02T09:00:00+08:00")),
        ("a translation", lambda: site.article("news/a2.en.md", "Later.", title="Market")),
        ("its text", lambda: site.article("news/a2.en.md", "Later still.", title="Market")),
        ("a new article", lambda: story(site, "news/a9", date="2026-11-20T09:00:00+08:00")),
        ("a translated one deleted", (site.root / "content/news/a0.md").unlink),
    ]
    for number, (change, make) in enumerate(changes):
        make()
        again = built(tmp_path / "out", tmp_path / "cache")
        assert again == built(tmp_path / f"fresh-{number}", tmp_path / f"cache-{number}"), change
    assert any(name.startswith("en/") for name in again), "the English site is in it"


def test_an_output_folder_named_relative_to_where_the_build_runs_is_kept_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = city_site(tmp_path, SHORT_LISTS, 4)
    monkeypatch.chdir(tmp_path)

    def built(out: str, cache: str) -> dict[str, bytes]:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / cache))
        assert main(["build", str(site.root), out]) == 0
        return tree(tmp_path / out)

    built("out", "cache")
    story(site, "city/new", date="2026-11-20T09:00:00+08:00")
    (site.root / "content/city/a1.md").unlink()
    assert built("out", "cache") == built("fresh", "fresh-cache")


def test_a_rebuild_renders_only_the_edited_body_and_takes_the_others_from_the_last_build(
    tmp_path: Path,
) -> None:
    site = city_site(tmp_path, SHORT_LISTS, 6)
    builds = Builds(site, tmp_path)
    builds.again(workers=2)  # forked workers render the bodies; the parent keeps them
    edited = site.root / "content" / "city" / "a2.md"
    for round in range(2):
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n更正{round}。\n", "utf-8")
        again = builds.site_at(tmp_path / "cache" / "index.sqlite")
        report = build(again, builds.out, workers=1)
        assert report.incremental
        # Its feeds and archive pages embed their other articles' bodies too, unchanged.
        assert again.holder.current.bodies.renders == 1, round
        assert tree(builds.out) == builds.from_scratch(), round


def test_kept_bodies_are_found_only_at_their_version_and_under_their_fingerprint(
    tmp_path: Path,
) -> None:
    path = kept_bodies_path(record_path(tmp_path / "index.sqlite"))
    kept = KeptBodies(path, "one")
    kept.keep({("/a.md", (1, 10)): "<p>a</p>", ("/b.md", (2, 20)): "<p>b</p>"})
    kept.keep({("/a.md", (3, 11)): "<p>a, edited</p>"})
    kept.close()
    again = KeptBodies(path, "one")
    wanted = [("/a.md", (1, 10)), ("/a.md", (3, 11)), ("/b.md", (2, 21)), ("/c.md", (1, 1))]
    assert again.find(wanted) == {("/a.md", (3, 11)): "<p>a, edited</p>"}
    assert again.find([("/b.md", (2, 20))]) == {("/b.md", (2, 20)): "<p>b</p>"}
    again.close()
    # Other settings, theme, files or code: nothing kept before is found.
    other = KeptBodies(path, "two")
    assert other.find([("/b.md", (2, 20))]) == {}
    other.close()
    # A damaged store costs only the bodies.
    path.write_bytes(b"not a database")
    damaged = KeptBodies(path, "two")
    assert damaged.find([("/b.md", (2, 20))]) == {}
    damaged.keep({("/b.md", (2, 20)): "<p>b</p>"})


def test_a_body_linking_another_article_is_rendered_again_when_that_file_comes_or_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bodies and feed entries made by workers of their own first, then shared, as on a
    # site of more than CHUNK articles: a body's link must travel with them.
    monkeypatch.setattr(export, "CHUNK", 2)
    site = city_site(tmp_path, SHORT_LISTS, 4)
    linking = {"title": "B", "date": "2026-11-09T09:00:00+08:00", "tags": ["體育"]}
    site.article("sport/b.md", body="見 [第一篇](../city/a1.md)。", **linking)
    builds = Builds(site, tmp_path)
    builds.again(workers=2)
    linked = site.root / "content" / "city" / "a1.md"
    text = linked.read_text(encoding="utf-8")
    changes: list[tuple[str, Callable[[], object]]] = [
        ("the linked file gone", linked.unlink),
        ("back again", lambda: linked.write_text(text, encoding="utf-8")),
    ]
    for change, make in changes:
        make()
        report = builds.again(workers=2)
        assert report.incremental, change
        assert tree(builds.out) == builds.from_scratch(), change


def test_an_article_whose_id_another_file_now_claims_is_rendered_again(tmp_path: Path) -> None:
    # Old articles keep derived tag: ids; a newer file pinning the same id makes the loader
    # give the older one another id, though its own file is as it was.
    # Feeds of two: the two oldest articles make an archive page a new article leaves as
    # it is, but for the id it shows.
    site_toml = SHORT_LISTS + "tag_ids_before = 2026-12-01\n"
    site = SiteFactory(tmp_path / "site", site_toml=site_toml)
    story(site, "city/b-old", date="2026-11-01T09:00:00+08:00")
    story(site, "city/c", date="2026-11-02T09:00:00+08:00")
    builds = Builds(site, tmp_path)
    builds.again(workers=1)
    claimed = builds.site_at(tmp_path / "id-cache" / "index.sqlite").holder.current
    (old,) = (a for a in claimed.articles if a.slug == "b-old")
    story(site, "city/a-new", date="2026-11-03T09:00:00+08:00", id=old.id)
    report = builds.again(workers=1)
    assert report.incremental
    assert tree(builds.out) == builds.from_scratch()
