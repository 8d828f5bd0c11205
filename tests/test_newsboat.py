"""A real feed reader: newsboat, unattended, against ``reader serve`` over HTTP."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from reader.load import load_site
from reader.urls import FeedFormat, FeedScope, absolute, article_path, entry_id, feed_path
from tests.factories import NOW, SiteFactory
from tests.server import running_server, wait_for

pytestmark = pytest.mark.external


@pytest.fixture
def newsboat() -> str:
    found = shutil.which("newsboat")
    if found is None:
        message = "newsboat is not installed: `apt-get install newsboat` (make test does, as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


class Reader:
    """One newsboat profile: its URL list, its config and its cache, in a folder."""

    def __init__(self, binary: str, folder: Path, urls: list[str]) -> None:
        self.binary = binary
        self.folder = folder
        (folder / "urls").write_text("\n".join(urls) + "\n")
        (folder / "config").write_text("")
        self.cache = folder / "cache.db"

    def reload(self) -> None:
        subprocess.run(
            [self.binary, "-u", "urls", "-c", "cache.db", "-C", "config", "-x", "reload"],
            cwd=self.folder,
            env={**os.environ, "HOME": str(self.folder)},
            check=True,
            timeout=60,
            capture_output=True,
        )

    def items(self) -> list[tuple[str, str, str, int, str]]:
        with sqlite3.connect(self.cache) as db:
            rows = db.execute("SELECT guid, title, url, pubDate, feedurl FROM rss_item")
            return sorted(rows.fetchall())


def statuses(log: Path, path: str, count: int) -> list[int]:
    """The statuses of the first ``count`` requests for ``path`` in the access log, once
    they are all there (its lines are written a moment after each answer)."""
    pattern = re.compile(rf'"GET {re.escape(path)} HTTP/1\.1" (\d{{3}})')

    def logged() -> list[int]:
        return [int(m[1]) for m in pattern.finditer(log.read_text())]

    wait_for(lambda: len(logged()) >= count, 5)
    return logged()[:count]


def test_newsboat_subscribes_revalidates_and_updates_in_place(
    site: SiteFactory, newsboat: str, tmp_path: Path
) -> None:
    site.article("news/ferry.md", title="港灣渡輪增開夜班", tags=["Harbour"])
    site.article("news/market.md", title="Night market", date="2026-11-03T19:30:00+08:00")
    site.article("news/tide.md", title="Tide tables", date="2026-11-05T06:00:00+08:00")
    site.article("sports/race.md", title="Dragon boats", date="2026-11-02T10:00:00+08:00")
    site.article("sports/swim.md", title="Harbour swim", date="2026-11-04T08:00:00+08:00")
    site.article("city/not-subscribed.md", title="Elsewhere")
    snapshot, _ = load_site(site.settings(), NOW)
    feeds = {
        ("news",): feed_path(FeedScope(section=("news",)), FeedFormat.RSS),
        ("sports",): feed_path(FeedScope(section=("sports",)), FeedFormat.ATOM),
    }
    log = tmp_path / "server.log"
    (tmp_path / "reader").mkdir()
    with running_server(str(site.root), log_path=log) as base:
        reader = Reader(newsboat, tmp_path / "reader", [base + p for p in feeds.values()])
        reader.reload()
        expected = sorted(
            (
                entry_id(snapshot.settings, article),
                article.title,
                absolute(snapshot.settings, article_path(article)),
                int(article.date.timestamp()),
                base + path,
            )
            for key, path in feeds.items()
            for article in snapshot.section_articles(key)
        )
        assert reader.items() == expected

        # newsboat 2.21 stores a new feed's validators only from its second fetch on
        # (newsboat/newsboat#2734), so the third reload is the first that can revalidate.
        reader.reload()
        reader.reload()
        for path in feeds.values():
            assert statuses(log, path, 3)[-1] == 304, statuses(log, path, 3)

        site.article("news/ferry.md", title="港灣渡輪增開夜班（更新）", tags=["Harbour"])
        news_feed = base + feeds[("news",)]
        assert wait_for(lambda: "（更新）" in httpx.get(news_feed).text)
        reader.reload()
        assert statuses(log, feeds[("news",)], 4)[-1] == 200
        assert statuses(log, feeds[("sports",)], 4)[-1] == 304, "an unrelated feed stays the same"
        items = reader.items()
        assert len(items) == len(expected), "the edit updated the item, it did not add one"
        ferry_id = next(g for g, title, *_ in expected if title == "港灣渡輪增開夜班")
        assert [title for guid, title, *_ in items if guid == ferry_id] == [
            "港灣渡輪增開夜班（更新）"
        ]
