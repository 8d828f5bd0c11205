"""The snapshot: publication decided once, ordering, neighbours, tags and aliases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from reader.loader import load_catalog
from reader.model import Article
from reader.parsecache import ParseCache
from reader.store import RECENT_WINDOW, Neighbours, Snapshot, build_snapshot, update_snapshot
from tests.factories import NOW, SiteFactory


def snapshot_of(site: SiteFactory, now: datetime = NOW) -> Snapshot:
    settings = site.settings()
    return build_snapshot(settings, load_catalog(settings), now)


def test_drafts_and_future_articles_are_in_no_part_of_the_snapshot(site: SiteFactory) -> None:
    site.article("news/live.md", tags=["shared"], date="2026-11-01T09:00:00+08:00")
    site.article("news/draft.md", tags=["secret", "shared"], draft=True)
    site.article("news/future.md", tags=["later"], date="2026-12-25T09:00:00+08:00")
    snapshot = snapshot_of(site)
    assert [a.slug for a in snapshot.articles] == ["live"]
    assert [a.slug for a in snapshot.section_articles(())] == ["live"]
    assert [a.slug for a in snapshot.section_articles(("news",))] == ["live"]
    assert [t.slug for t in snapshot.tags()] == ["shared"]
    shared = snapshot.tag("shared")
    assert shared is not None and [a.slug for a in shared.articles] == ["live"]
    assert snapshot.article(("news", "draft")) is None
    assert snapshot.article(("news", "future")) is None
    live = snapshot.article(("news", "live"))
    assert live is not None
    neighbours = snapshot.neighbours(live)
    assert neighbours.previous is None and neighbours.next is None
    assert snapshot.refresh_at == datetime.fromisoformat("2026-12-25T09:00:00+08:00")


def test_a_future_article_appears_once_its_time_comes(site: SiteFactory) -> None:
    site.article("news/future.md", date="2026-12-25T09:00:00+08:00")
    settings = site.settings()
    catalog = load_catalog(settings)
    before = build_snapshot(settings, catalog, datetime.fromisoformat("2026-12-25T08:59:59+08:00"))
    after = build_snapshot(settings, catalog, datetime.fromisoformat("2026-12-25T09:00:00+08:00"))
    assert before.articles == ()
    assert [a.slug for a in after.articles] == ["future"]
    # Next it goes stale when the article leaves the two-day news window.
    assert after.refresh_at == after.articles[0].date + RECENT_WINDOW


def test_neighbours_within_a_section_by_date_and_nothing_past_the_ends(site: SiteFactory) -> None:
    site.article("news/b.md", date="2026-11-02T09:00:00+08:00")
    site.article("news/a.md", date="2026-11-01T09:00:00+08:00")
    site.article("news/c.md", date="2026-11-03T09:00:00+08:00")
    site.article("other/x.md", date="2026-11-02T12:00:00+08:00")
    snapshot = snapshot_of(site)

    def around(slug: str) -> tuple[str | None, str | None]:
        article = snapshot.article(("news", slug))
        assert article is not None
        n = snapshot.neighbours(article)
        return (
            n.previous.slug if n.previous else None,
            n.next.slug if n.next else None,
        )

    assert around("a") == (None, "b")
    assert around("b") == ("a", "c")
    assert around("c") == ("b", None)


def test_neighbours_of_many_articles_with_equal_dates_follow_the_list(site: SiteFactory) -> None:
    for number in range(23):
        day = 1 + (number * 7) % 5  # several articles share each date; their paths break ties
        site.article(f"news/n{number:02}.md", date=f"2026-11-0{day}T09:00:00+08:00")
    site.article("news/draft.md", date="2026-11-02T09:00:00+08:00", draft=True)
    snapshot = snapshot_of(site)
    listed = snapshot.section_articles(("news",))
    assert len(listed) == 23
    for position, article in enumerate(listed):
        n = snapshot.neighbours(article)
        assert n.next is (listed[position - 1] if position > 0 else None)
        assert n.previous is (listed[position + 1] if position + 1 < len(listed) else None)
    draft = next(a for a in load_catalog(site.settings()).articles if a.draft)
    assert snapshot.neighbours(draft) == Neighbours(None, None)


def test_section_lists_include_subsections_newest_first(site: SiteFactory) -> None:
    site.article("topics/east/news/a.md", date="2026-11-01T09:00:00+08:00")
    site.article("topics/b.md", date="2026-11-03T09:00:00+08:00")
    site.article("topics/west/c.md", date="2026-11-02T09:00:00+08:00")
    snapshot = snapshot_of(site)
    assert [a.slug for a in snapshot.section_articles(("topics",))] == ["b", "c", "a"]
    assert [s.key for s in snapshot.subsections(("topics",))] == [
        ("topics", "east"),
        ("topics", "west"),
    ]
    assert [s.title for s in snapshot.ancestors(("topics", "east", "news"))] == [
        "Topics",
        "East",
        "News",
    ]


def test_sections_order_by_weight_then_title(site: SiteFactory) -> None:
    site.section("zeta", title="Zeta", weight=1)
    site.section("alpha", title="Alpha", weight=2)
    site.section("beta", title="Beta", weight=2)
    for name in ("zeta", "alpha", "beta"):
        site.article(f"{name}/a.md")
    snapshot = snapshot_of(site)
    assert [s.title for s in snapshot.subsections(())] == ["Zeta", "Alpha", "Beta"]


def test_aliases_point_to_published_articles_only(site: SiteFactory) -> None:
    site.article("news/a.md", aliases=["/old/a", "relative-a"])
    site.article("news/d.md", aliases=["/old/d/"], draft=True)
    snapshot = snapshot_of(site)
    target = snapshot.alias_target("/old/a/")
    assert target is not None and target.slug == "a"
    assert snapshot.alias_target("/news/relative-a") is target
    assert snapshot.alias_target("/old/d/") is None


def test_tags_merge_case_and_keep_chinese(site: SiteFactory) -> None:
    site.article("news/a.md", tags=["Harbour", "港灣區"], date="2026-11-01T09:00:00+08:00")
    site.article("news/b.md", tags=["harbour"], date="2026-11-02T09:00:00+08:00")
    site.article("news/c.md", tags=["harbour"], date="2026-10-30T09:00:00+08:00")
    snapshot = snapshot_of(site)
    harbour = snapshot.tag("harbour")
    assert harbour is not None and [a.slug for a in harbour.articles] == ["b", "a", "c"]
    assert harbour.name == "harbour", "written as in the newest article"
    assert snapshot.tag("港灣區") is not None


def _readable(snapshot: Snapshot, catalog_articles: tuple[Article, ...]) -> dict[str, object]:
    """Everything pages and feeds can read from a snapshot, by value."""
    keys = {a.key for a in catalog_articles}
    return {
        "articles": snapshot.articles,
        "recent": snapshot.recent,
        "refresh_at": snapshot.refresh_at,
        "sections": dict(snapshot.sections),
        "problems": snapshot.problems,
        "lists": {key: snapshot.section_articles(key) for key in snapshot.section_tree()},
        "by_key": {key: snapshot.article(key) for key in keys},
        "by_id": {a.id: snapshot.article_by_id(a.id) for a in catalog_articles},
        "tags": [(t.slug, t.name, t.articles) for t in snapshot.tags()],
        "aliases": {
            alias: snapshot.alias_target(alias) for a in catalog_articles for alias in a.aliases
        },
        "neighbours": [(n.previous, n.next) for n in map(snapshot.neighbours, catalog_articles)],
    }


B_DATE = "2026-11-02T09:00:00+08:00"
EDITS: dict[str, tuple[bool, str, dict[str, Any]]] = {
    # name: (swapped into the old snapshot?, file, its new front matter)
    "words": (True, "news/b.md", {"title": "B, corrected", "date": B_DATE, "tags": ["Harbour"]}),
    "summary": (
        True,
        "news/c.md",
        {"title": "C", "date": "2026-11-03T09:00:00+08:00", "summary": "Now summarised."},
    ),
    "tags": (False, "news/b.md", {"title": "B", "date": B_DATE, "tags": ["Harbour", "Ferry"]}),
    "date": (False, "news/b.md", {"title": "B", "date": "2026-11-05", "tags": ["Harbour"]}),
    "draft": (False, "news/b.md", {"date": B_DATE, "tags": ["Harbour"], "draft": True}),
    "alias": (False, "news/b.md", {"date": B_DATE, "tags": ["Harbour"], "aliases": ["/b-old"]}),
    "new": (False, "news/z.md", {"title": "Z"}),
    "recent": (  # in the news window, with an old URL
        True,
        "sport/e.md",
        {"title": "E, corrected", "date": "2026-11-27T09:00:00+08:00", "aliases": ["/e-old"]},
    ),
    "clash": (True, "news/twin2.md", {"title": "Twin two, corrected", "date": "2026-11-04"}),
    "shared alias": (  # two articles claim one old address (a real blog's url: disruptor)
        True,
        "sport/f.md",
        {"title": "F, corrected", "date": "2026-11-27T10:00:00+08:00", "aliases": ["/e-old"]},
    ),
    "future": (True, "news/later.md", {"title": "Later, corrected", "date": "2026-12-25"}),
    "spellings": (  # the loader keeps one spelling of a tag, so this is a change of words
        True,
        "news/d.md",
        {"title": "D, corrected", "date": "2026-11-03T10:00:00+08:00", "tags": ["Port", "port"]},
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_swapped_into_the_snapshot_reads_as_one_built_afresh(
    site: SiteFactory, edit: str
) -> None:
    site.article("news/a.md", date="2026-11-01T09:00:00+08:00", tags=["Harbour"])
    site.article("news/b.md", title="B", date=B_DATE, tags=["Harbour"])
    site.article("news/c.md", title="C", date="2026-11-03T09:00:00+08:00")
    site.article("news/d.md", date="2026-11-03T10:00:00+08:00", tags=["Port", "port"])
    site.article("news/twin1.md", title="Twin one", date="2026-11-04")  # the same feed id
    site.article("news/twin2.md", title="Twin two", date="2026-11-04")
    site.article("news/later.md", date="2026-12-25")
    site.article("sport/e.md", date="2026-11-27T09:00:00+08:00", aliases=["/e-old"])
    site.article("sport/f.md", date="2026-11-27T10:00:00+08:00", aliases=["/e-old"])
    settings = site.settings()
    cache = ParseCache()
    first_catalog = load_catalog(settings, cache)
    first = build_snapshot(settings, first_catalog, NOW)
    swapped, file, fields = EDITS[edit]
    site.article(file, **fields)
    catalog = load_catalog(settings, cache)
    later = NOW + timedelta(minutes=1)
    updated = update_snapshot(first, first_catalog, catalog, later)
    afresh = build_snapshot(settings, catalog, later)
    assert _readable(updated, catalog.articles) == _readable(afresh, catalog.articles)
    assert (updated.sections is first.sections) == swapped, "swapped in, or built afresh"


def test_time_passing_a_publication_builds_the_snapshot_afresh(site: SiteFactory) -> None:
    site.article("news/a.md", date="2026-11-01T09:00:00+08:00")
    site.article("news/later.md", date="2026-11-28T13:00:00+08:00")
    settings = site.settings()
    catalog = load_catalog(settings)
    first = build_snapshot(settings, catalog, NOW)
    due = datetime.fromisoformat("2026-11-28T13:00:00+08:00")
    updated = update_snapshot(first, catalog, catalog, due)
    assert [a.slug for a in updated.articles] == ["later", "a"]
    assert _readable(updated, catalog.articles) == _readable(
        build_snapshot(settings, catalog, due), catalog.articles
    )


def test_two_versions_of_an_article_are_told_apart_where_articles_are_keys() -> None:
    # An article hashes by its key alone (cheap, for caches keyed by articles); equality
    # still weighs every field, so an edited article is never taken for its old version.
    first = Article(("news",), "a", "Title", NOW, "content/news/a.md", "id-a")
    edited = Article(("news",), "a", "Title, corrected", NOW, "content/news/a.md", "id-a")
    again = Article(("news",), "a", "Title", NOW, "content/news/a.md", "id-a")
    assert hash(first) == hash(again) and first == again
    assert first != edited
    made = {first: "old", edited: "new"}
    assert (made[again], made[edited]) == ("old", "new")
    assert len({first, edited, again}) == 2
