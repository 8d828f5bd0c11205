"""reader build after a change: only what an edited text is in is rendered again, and the
tree is byte for byte what a build from scratch writes, whatever the change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from reader.export import Report, build
from reader.site import Site
from tests.factories import DEFAULT_SITE_TOML, NOW, SiteFactory

CHINESE_SITE = DEFAULT_SITE_TOML.replace('language = "en"', 'language = "zh-Hant"')
"""A Chinese site, so every page and feed has its other-script copy to keep in step too."""


def tree(out: Path) -> dict[str, bytes]:
    """Every file of a build, by its path within it."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


class Builds:
    """One output folder built again and again, as an editor's machine does, and the same
    content built from scratch beside it each time."""

    def __init__(self, site: SiteFactory, root: Path) -> None:
        self.site, self.root = site, root
        self.out = root / "out"
        self.fresh = 0

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
        return Site(replace(self.site.settings(), exporting=True), lambda: NOW, index)


def story(site: SiteFactory, name: str, **fields: object) -> Path:
    """An article whose first paragraph is its summary; edits add to its text after it."""
    fields.setdefault("title", f"報道 {name}")
    fields.setdefault("tags", ["市政"])
    return site.article(f"{name}.md", body=f"第一段：{name}。\n\n第二段。", **fields)


def test_an_incremental_build_equals_a_build_from_scratch_over_many_changes(
    tmp_path: Path,
) -> None:
    site = SiteFactory(tmp_path / "site", site_toml=CHINESE_SITE)
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

    def front(name: str, **fields: object) -> Callable[[], object]:
        return lambda: story(site, name, **fields)

    def delete(name: str) -> Callable[[], object]:
        return (site.root / "content" / f"{name}.md").unlink

    def rename(old: str, new: str) -> Callable[[], object]:
        return lambda: (site.root / "content" / f"{old}.md").rename(
            site.root / "content" / f"{new}.md"
        )

    steps: list[tuple[str, Callable[[], object], bool]] = [
        ("one article's text", text("sport/a3"), True),
        ("two articles' text", text("city/a2", "sport/a5"), True),
        ("nothing", lambda: None, True),
        ("a keyword", front("city/a4", date="2026-11-05T09:00:00+08:00", tags=["體育"]), False),
        ("a date", front("sport/a1", date="2026-10-01T09:00:00+08:00"), False),
        ("a new article", front("city/new", date="2026-11-20T09:00:00+08:00"), False),
        ("the new one's text", text("city/new"), True),
        ("a deletion", delete("sport/a7"), False),
        ("a rename", rename("city/a6", "city/a6-moved"), False),
        ("the renamed one's text", text("city/a6-moved"), True),
        ("a title", front("city/a8", title="新標題", date="2026-11-09T09:00:00+08:00"), False),
    ]
    for number, (change, make, only_text) in enumerate(steps):
        make()
        report = builds.again(workers=1 + number % 2)
        assert not report.failures, change
        assert report.incremental == only_text, change
        if only_text and change != "nothing":
            assert 0 < report.rendered < first.rendered / 2, change
        assert tree(builds.out) == builds.from_scratch(), change


def test_a_full_build_can_be_asked_for_and_a_changed_tree_gets_one(tmp_path: Path) -> None:
    site = SiteFactory(tmp_path / "site", site_toml=CHINESE_SITE)
    for n in range(3):
        story(site, f"city/a{n}", date=f"2026-11-0{n + 1}T09:00:00+08:00")
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
