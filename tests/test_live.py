"""Reloading in process: only changed files are parsed again, and failures keep the old store."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from reader.live import Reloader
from reader.load import load_site
from reader.loader import load_catalog
from reader.parsecache import ParseCache
from reader.store import SnapshotHolder
from tests.factories import NOW, SiteFactory, front_matter


def make_reloader(site: SiteFactory, clock_time: datetime = NOW) -> Reloader:
    settings = site.settings()
    cache = ParseCache()
    snapshot, catalog = load_site(settings, clock_time, cache)
    return Reloader(settings, SnapshotHolder(snapshot, catalog, id), lambda: clock_time, cache)


def test_a_reload_parses_only_what_changed(site: SiteFactory) -> None:
    for index in range(5):
        site.article(f"news/a{index}.md", title=f"Article {index}")
    reloader = make_reloader(site)
    edited = site.article("news/a2.md", title="Edited", body="A longer body than before.")
    reloader.reload()
    assert reloader.holder.catalog.read == {os.fspath(edited)}
    titles = {a.title for a in reloader.holder.current.articles}
    assert "Edited" in titles and len(titles) == 5


def test_deleted_files_leave_the_store_and_the_cache(site: SiteFactory) -> None:
    keep = site.article("news/keep.md")
    gone = site.article("news/gone.md")
    reloader = make_reloader(site)
    assert len(reloader.cache) == 2
    gone.unlink()
    reloader.reload()
    assert [a.slug for a in reloader.holder.current.articles] == ["keep"]
    assert len(reloader.cache) == 1
    assert keep.exists()


def test_a_failed_reload_keeps_the_previous_snapshot(
    site: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.article("news/a.md")
    reloader = make_reloader(site)
    before = reloader.holder.current

    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("reader.live.load_site", broken)
    with pytest.raises(RuntimeError):
        reloader.reload()
    assert reloader.holder.current is before


def test_republish_uses_the_files_already_read(site: SiteFactory) -> None:
    site.article("news/soon.md", date="2026-12-01T09:00:00+08:00")
    settings = site.settings()
    snapshot, catalog = load_site(settings, NOW)
    holder = SnapshotHolder(snapshot, catalog, id)
    later = datetime.fromisoformat("2026-12-01T09:00:00+08:00")
    Reloader(settings, holder, lambda: later).republish()
    assert [a.slug for a in holder.current.articles] == ["soon"]
    assert holder.catalog is catalog


def test_a_reload_told_what_changed_lists_only_those_folders(site: SiteFactory) -> None:
    site.article("news/a.md", title="News A")
    site.article("sport/b.md", title="Sport B")
    reloader = make_reloader(site)

    def listed() -> list[str]:
        return sorted(Path(folder).name for folder in reloader.holder.catalog.listed)

    edited = site.article("news/a.md", title="News A, edited")
    added = site.article("news/local/c.md", title="In a new subfolder")
    reloader.reload({os.fspath(edited), os.fspath(added), os.fspath(added.parent)})
    assert listed() == ["local", "news"]
    titles = {a.title for a in reloader.holder.current.articles}
    assert titles == {"News A, edited", "Sport B", "In a new subfolder"}

    removed = site.root / "content/sport/b.md"
    removed.unlink()
    reloader.reload({os.fspath(removed)})
    assert listed() == ["sport"]
    assert "Sport B" not in {a.title for a in reloader.holder.current.articles}


def test_a_change_outside_the_content_folder_lists_every_folder(site: SiteFactory) -> None:
    site.article("news/a.md", image="/lead.svg", image_alt="Lead")
    lead = site.root / "static/lead.svg"
    lead.parent.mkdir(parents=True, exist_ok=True)
    lead.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"/>')
    reloader = make_reloader(site)
    lead.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600"/>')
    reloader.reload({os.fspath(lead)})
    (article,) = reloader.holder.current.articles
    assert (article.image_width, article.image_height) == (1200, 600)


def test_a_replaced_image_is_shown_at_its_new_size_after_the_reload(site: SiteFactory) -> None:
    site.article("news/b/index.md", body="![A map of the ferry routes](map.svg)")
    image = site.root / "content/news/b/map.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"/>')
    reloader = make_reloader(site)
    assert _image_size(reloader) == ("120", "80")
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"/>')
    reloader.reload([str(image)])  # the article's own file is unchanged
    assert _image_size(reloader) == ("640", "360")


def test_a_link_to_another_article_follows_its_file_coming_and_going(site: SiteFactory) -> None:
    site.article("news/a.md", title="A")
    site.article("sport/b.md", title="B", body="See [the first](../news/a.md).")
    reloader = make_reloader(site)
    assert _links_of(reloader, "B") == ["/news/a/"]
    gone = site.root / "content/news/a.md"
    gone.unlink()
    reloader.reload({os.fspath(gone)})  # the linking article's own file is unchanged
    assert _links_of(reloader, "B") == ["../news/a.md"]
    site.article("news/a.md", title="A again")
    reloader.reload({os.fspath(gone)})
    assert _links_of(reloader, "B") == ["/news/a/"]


def _links_of(reloader: Reloader, title: str) -> list[str | None]:
    """Where the links of one article's body lead."""
    snapshot = reloader.holder.current
    (article,) = (a for a in snapshot.articles if a.title == title)
    body = lxml_html.fragment_fromstring(snapshot.body_html(article), create_parent=True)
    return [link.get("href") for link in body.iter("a")]


def _image_size(reloader: Reloader) -> tuple[str | None, str | None]:
    """The width and height the one article's body gives its one image."""
    snapshot = reloader.holder.current
    (article,) = snapshot.articles
    body = lxml_html.fragment_fromstring(snapshot.body_html(article), create_parent=True)
    (image,) = body.iter("img")
    return image.get("width"), image.get("height")


def _as_read_afresh(reloader: Reloader, site: SiteFactory) -> None:
    """The reloaded catalog is what a load from nothing makes of the same files."""
    fresh = load_catalog(site.settings())
    catalog = reloader.holder.catalog
    assert catalog.articles == fresh.articles
    assert [p.location() + p.message for p in catalog.problems] == [
        p.location() + p.message for p in fresh.problems
    ]


def test_an_edit_reads_again_only_its_file_and_ends_as_a_fresh_load(
    site: SiteFactory, tmp_path: Path
) -> None:
    for name in ("a", "b", "c"):
        site.article(f"news/{name}.md", title=f"News {name}")
    site.article("sport/d.md", title="Sport")
    reloader = make_reloader(site)

    def edit(name: str, **fields: Any) -> None:
        path = site.article(f"news/{name}.md", **fields)
        reloader.reload({os.fspath(path)})

    edit("b", title="News b, edited", body="A longer body than the first one.")
    catalog = reloader.holder.catalog
    assert catalog.read == {os.fspath(site.root / "content/news/b.md")}
    assert catalog.listed == set(), "the folder taken from the cache, only the file read"
    _as_read_afresh(reloader, site)
    # Each of these makes the folder's listing decide again.
    edit("b", title="News b", slug="a", body="Now it claims a's address.")
    assert "news" in {Path(folder).name for folder in reloader.holder.catalog.listed}
    _as_read_afresh(reloader, site)
    edit("b", title="News b", body="Its own address again.")
    _as_read_afresh(reloader, site)
    edit("c", title="News c", draft=True)
    _as_read_afresh(reloader, site)
    outside = tmp_path / "outside.md"
    # A file that would be read without a problem, so only confinement keeps it out.
    outside.write_text(
        front_matter(title="SECRET FROM OUTSIDE", date="2026-11-01T09:00:00+08:00") + "\nSecret.\n",
        encoding="utf-8",
    )
    linked = site.root / "content/news/a.md"
    linked.unlink()
    linked.symlink_to(outside)
    reloader.reload({os.fspath(linked)})
    assert "SECRET FROM OUTSIDE" not in {a.title for a in reloader.holder.catalog.articles}
    _as_read_afresh(reloader, site)
    # Files and folders that go are forgotten by the cache too.
    local = site.article("news/local/e.md", title="Local")
    reloader.reload({os.fspath(local), os.fspath(local.parent)})
    _as_read_afresh(reloader, site)
    held = len(reloader.cache)
    gone = site.root / "content/news/c.md"
    gone.unlink()
    reloader.reload({os.fspath(gone)})
    assert len(reloader.cache) == held - 1
    local.unlink()
    local.parent.rmdir()
    reloader.reload({os.fspath(local), os.fspath(local.parent)})
    assert len(reloader.cache) == held - 2
    assert os.fspath(local.parent) not in reloader.cache.folders
    _as_read_afresh(reloader, site)


def test_a_broken_edit_of_one_file_keeps_its_last_good_version(site: SiteFactory) -> None:
    site.article("news/a.md", title="Good")
    site.article("news/b.md", title="Other")
    reloader = make_reloader(site)
    path = site.write("news/a.md", "---\ntitle: [unclosed\n---\nBroken.\n")
    reloader.reload({os.fspath(path)})
    assert {a.title for a in reloader.holder.current.articles} == {"Good", "Other"}
    assert any("stays published" in p.message for p in reloader.holder.catalog.problems)


def test_a_bundle_becomes_a_section_and_back_as_its_underscore_index_comes_and_goes(
    site: SiteFactory,
) -> None:
    site.section("news", title="News")
    site.article("news/story/index.md", title="Story")
    site.article("news/story/inner/index.md", title="Inner")
    reloader = make_reloader(site)

    def titles() -> list[str]:
        return sorted(a.title for a in reloader.holder.current.articles)

    assert titles() == ["Story"], "a bundle: what is inside it is its files"
    made = site.section("news/story", title="Story section")
    reloader.reload({os.fspath(made)})
    assert titles() == ["Inner"], "a section, as Hugo reads a folder with both"
    made.unlink()
    reloader.reload({os.fspath(made)})
    assert titles() == ["Story"], "a bundle again"
    edited = site.article("news/story/index.md", title="Story, edited")
    reloader.reload({os.fspath(edited)})
    assert titles() == ["Story, edited"]
    listed = sorted(Path(folder).name for folder in reloader.holder.catalog.listed)
    assert listed == ["news"], "an edit of a bundle's text lists only its section"
    added = site.article("news/ferry/index.md", title="Ferry")
    reloader.reload({os.fspath(added), os.fspath(added.parent)})
    assert titles() == ["Ferry", "Story, edited"]
    listed = sorted(Path(folder).name for folder in reloader.holder.catalog.listed)
    assert listed == ["news"], "a new bundle lists only its section"
