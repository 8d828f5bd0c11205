"""The real thing: ``reader serve`` as a subprocess over HTTP, with live reload."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import html

from tests.factories import SiteFactory
from tests.server import running_server, wait_for


def title_of(url: str) -> str | None:
    response = httpx.get(url)
    if response.status_code != 200:
        return None
    return str(html.fromstring(response.content).xpath("string(//h1)"))


def test_demo_site_serves_pages_and_feeds_over_http() -> None:
    with running_server() as base:
        home = httpx.get(base + "/")
        assert home.status_code == 200
        tree = html.fromstring(home.content)
        assert tree.get("lang") == "zh-Hant"
        canonical = tree.xpath("//link[@rel='canonical']/@href")
        assert canonical == [base + "/"], "the demo's base URL follows --host and --port"
        article = httpx.get(base + "/topics/harbour-district/news/ferry-night-service/")
        assert article.status_code == 200
        assert "港灣渡輪下月起增開夜間班次" in article.text
        feed = httpx.get(base + "/topics/harbour-district/news/atom.xml")
        assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
        parsed = feedparser.parse(feed.content)
        assert parsed.bozo == 0 and len(parsed.entries) == 4
        assert httpx.get(base + "/no/such/").status_code == 404


def test_a_full_disk_costs_the_caches_not_the_pages(tmp_path: Path) -> None:
    """No file of the server's cache can be written (the kernel's limit on a file's size,
    as a full disk does): every page, feed and search still answers, from memory. (The
    compiled templates' cache once failed every page with a 500, and the search index
    the start.)"""
    log = tmp_path / "server.log"
    with running_server("--no-watch", log_path=log, file_limit=4096) as base:
        for path in ("/", "/zh-hans/", "/rss.xml", "/search?q=%E6%B8%AF", "/search?q=ferry"):
            answer = httpx.get(base + path, timeout=10)
            assert answer.status_code == 200, (path, log.read_text())
        found = html.fromstring(httpx.get(base + "/search?q=%E6%B8%AF", timeout=10).text)
        assert found.xpath("//main//ol/li"), "the search finds what the demo holds"
        # The on-disk index is written beside the requests: its refusal is said, once done.
        assert wait_for(lambda: "the index cannot be written" in log.read_text(), 30)
    said = log.read_text()
    assert "searching from memory" in said and "Traceback" not in said
    assert "index saved" not in said


def test_edits_new_files_and_deletions_show_without_a_restart(site: SiteFactory) -> None:
    path = site.article("news/story.md", title="Before the edit")
    with running_server(str(site.root)) as base:
        url = base + "/news/story/"
        assert title_of(url) == "Before the edit"

        site.article("news/story.md", title="After the edit")
        assert wait_for(lambda: title_of(url) == "After the edit")

        site.article("news/new.md", title="A new story")
        assert wait_for(lambda: title_of(base + "/news/new/") == "A new story")
        assert wait_for(lambda: "A new story" in httpx.get(base + "/news/rss.xml").text)

        path.unlink()
        assert wait_for(lambda: httpx.get(url).status_code == 404)


def test_a_broken_edit_keeps_the_rest_of_the_site_up(site: SiteFactory) -> None:
    site.article("news/good.md", title="Good")
    bad = site.article("news/bad.md", title="Was fine")
    with running_server(str(site.root)) as base:
        bad.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        site.article("news/sign.md", title="Written with the broken edit")
        assert wait_for(lambda: httpx.get(base + "/news/sign/").status_code == 200)
        assert title_of(base + "/news/good/") == "Good"
        assert title_of(base + "/news/bad/") == "Was fine", "the version read before stays"
        bad.write_text("---\ntitle: [unclosed\ndraft: true\n---\n", encoding="utf-8")
        assert wait_for(lambda: httpx.get(base + "/news/bad/").status_code == 404)


def test_a_future_article_appears_when_its_time_comes(site: SiteFactory) -> None:
    site.article("news/first.md", title="First")
    with running_server(str(site.root)) as base:
        # The scheduled article is written with a published sibling: once the sibling is
        # served, the server has read both, so a 404 then is the schedule's, not a slow
        # reload's. On a machine too slow to get there before the time, try a later one.
        for attempt, margin in enumerate((4, 8, 16)):
            due = (datetime.now(UTC) + timedelta(seconds=margin)).replace(microsecond=0)
            site.article(f"news/soon{attempt}.md", title="Scheduled", date=due.isoformat())
            site.article(f"news/now{attempt}.md", title="Sibling")
            sibling, url = base + f"/news/now{attempt}/", base + f"/news/soon{attempt}/"
            assert wait_for(functools.partial(_answers, sibling, 200))
            early = httpx.get(url).status_code
            if datetime.now(UTC) < due:
                assert early == 404, "a scheduled article is hidden until its time"
                shown = functools.partial(_titled, url, "Scheduled")
                assert wait_for(shown, timeout=margin + 15)
                assert datetime.now(UTC) >= due
                return
        pytest.fail("the server never read the new files before their time, even 16 s ahead")


def _answers(url: str, status: int) -> bool:
    return httpx.get(url).status_code == status


def _titled(url: str, title: str) -> bool:
    return title_of(url) == title


def test_feedparser_revalidates_with_etag_and_modified(site: SiteFactory) -> None:
    site.article("news/story.md", title="A story")
    with running_server(str(site.root)) as base:
        url = base + "/news/atom.xml"
        first = feedparser.parse(url)
        assert first.status == 200 and first.etag and first.modified
        assert [e.title for e in first.entries] == ["A story"]
        again = feedparser.parse(url, etag=first.etag, modified=first.modified)
        assert again.status == 304 and again.entries == []
        by_date = feedparser.parse(url, modified=first.modified)
        assert by_date.status == 304
        site.article("news/story.md", title="A story, corrected")
        assert wait_for(lambda: "corrected" in httpx.get(url).text)
        changed = feedparser.parse(url, etag=first.etag, modified=first.modified)
        assert changed.status == 200 and changed.entries[0].title == "A story, corrected"


def test_several_workers_serve_the_same_bytes_and_all_see_an_edit(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/story.md", title="Before the edit")
    log = tmp_path / "workers.log"
    with running_server(str(site.root), "--workers", "2", log_path=log) as base:
        url = base + "/news/story/"
        # New connections each time, so both worker processes answer some of them.
        etags = {httpx.get(url).headers["etag"] for _ in range(20)}
        assert len(etags) == 1
        site.article("news/story.md", title="After the edit")
        assert wait_for(lambda: all(title_of(url) == "After the edit" for _ in range(20)))
        # Each worker says what it reloaded, as a single process does.
        assert wait_for(lambda: log.read_text().count("reloaded: 1 published articles") >= 2)


def test_a_restart_answers_from_the_on_disk_index(site: SiteFactory, tmp_path: Path) -> None:
    site.article("news/story.md", title="Indexed")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    log = tmp_path / "first.log"
    with running_server(str(site.root), env=cache, log_path=log) as base:
        assert wait_for(lambda: "index saved" in log.read_text())
    site.article("news/story.md", title="Edited while stopped")
    log = tmp_path / "second.log"
    with running_server(str(site.root), env=cache, log_path=log) as base:
        # The first answer may come from the index; the check after start finds the edit.
        assert wait_for(lambda: title_of(base + "/news/story/") == "Edited while stopped")
    assert list((tmp_path / "cache/accessible-reader").glob("*.sqlite"))
