"""What a feed holds and says about itself: its articles, archive pages, title and entry HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reader.i18n import Labels
from reader.model import Article
from reader.presentation import joined_title
from reader.reads import ReadName
from reader.store import Snapshot
from reader.urls import FeedScope


def scope_articles(snapshot: Snapshot, scope: FeedScope) -> Sequence[Article]:
    """Every published article of a scope, newest first."""
    if scope.tag is not None:
        tag = snapshot.tag(scope.tag, scope.taxonomy)
        return tag.articles if tag else ()
    return snapshot.section_articles(scope.section or ())


def scope_exists(snapshot: Snapshot, scope: FeedScope) -> bool:
    """Whether the section or tag a feed is for exists in this snapshot."""
    if scope.tag is not None:
        return snapshot.term_name(scope.tag, scope.taxonomy) is not None
    return snapshot.section(scope.section or ()) is not None


def feed_articles(snapshot: Snapshot, scope: FeedScope) -> Sequence[Article]:
    """The subscription feed's entries: the newest, at most the configured feed length."""
    return scope_articles(snapshot, scope)[: snapshot.settings.feed_length]


@dataclass(frozen=True)
class Archives:
    """A scope's RFC 5005 archive documents: fixed pages of the oldest entries first.

    Page ``n`` holds the ``n``-th full run of ``feed_length`` articles counted from the
    oldest, so a full page never changes as new articles arrive. Entries not yet on a
    full page are all in the subscription feed, which links to the newest page.
    """

    articles: Sequence[Article]
    """Every article of the scope, newest first."""
    size: int

    @property
    def count(self) -> int:
        """How many full archive documents there are."""
        return len(self.articles) // self.size


def archives(snapshot: Snapshot, scope: FeedScope) -> Archives:
    """The archive documents of a scope."""
    return Archives(scope_articles(snapshot, scope), snapshot.settings.feed_length)


def archive_page(
    snapshot: Snapshot, scope: FeedScope, number: int
) -> tuple[Sequence[Article], int]:
    """The articles of a scope's archive ``number`` (1 is the oldest; ``Archives``),
    newest first, and how many full archives there are, counted no further than the one
    after it; read as no more than that, so a build renders the page again only when
    those change."""
    listed: ReadName = (
        ("term", scope.tag, scope.taxonomy)
        if scope.tag is not None
        else ("tree", scope.section or ())
    )
    return snapshot.archive_page(listed, number, snapshot.settings.feed_length)


def feed_title(snapshot: Snapshot, scope: FeedScope) -> str:
    """A feed's human title: what it holds, then the site's name."""
    settings = snapshot.settings
    if scope.query is not None:
        heading = Labels(settings.language).format("search_results", q=scope.query)
        return joined_title(heading, settings.title)
    if scope.tag is not None:
        name = snapshot.term_name(scope.tag, scope.taxonomy) or scope.tag
        return joined_title(Labels(settings.language).term(scope.taxonomy, name), settings.title)
    section = snapshot.section(scope.section or ())
    if section is None or not section.key:
        return settings.title
    return joined_title(
        *(s.title for s in reversed(snapshot.ancestors(section.key))), settings.title
    )


def feed_description(snapshot: Snapshot, scope: FeedScope) -> str:
    """A line about the feed: the section's description, else the site's, else its title."""
    section = snapshot.section(scope.section or ()) if scope.tag is None else None
    if section is not None and section.description:
        return section.description
    return snapshot.settings.description or feed_title(snapshot, scope)
