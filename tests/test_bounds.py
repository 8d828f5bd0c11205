"""Memory and work stay bounded whatever is asked: byte-counted caches, queries apart, a
bounded queue for work no cache holds, and big text compressed once."""

from __future__ import annotations

import asyncio
import threading
from http import HTTPStatus

from reader.caches import SnapshotCaches
from reader.limits import QueryLimiter, plain_error
from reader.rendered import Rendered
from reader.site import Site
from reader.urls import Kind
from tests.factories import NOW, SiteFactory, make_client


def test_a_flood_of_queries_pushes_no_page_out(site: SiteFactory) -> None:
    for number in range(3):
        site.article(f"news/a{number}.md", title=f"A{number}", tags=["港灣" * 50])
    server = Site(site.settings(cache_mb=1), lambda: NOW)
    caches = server.holder.state.caches
    pages = ["/", "/news/", "/news/a0/", "/rss.xml"]
    for path in pages:
        server.answer(path)
    for number in range(2000):
        long_tag = f"tag={'港' * 300}{number}"
        server.answer("/api/v1/articles", f"limit={1 + number % 100}&{long_tag}")
        server.answer(f"/no/such/{'x' * 1500}/{number}/")
    assert all(caches.responses.get(path) is not None for path in pages), "pages stay"
    for lru in (caches.responses, caches.missing, caches.queries):
        assert lru.size <= lru.max_size
    assert caches.size <= site.settings(cache_mb=1).response_cache_bytes
    assert caches.queries.size > caches.queries.max_size // 2, "the queries were kept, apart"


def test_work_no_cache_holds_waits_in_a_bounded_queue() -> None:
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow() -> Rendered:
        started.release()
        release.wait(5)
        return Rendered(b"done", Kind.API)

    async def flood() -> list[int]:
        limiter = QueryLimiter(workers=1, queue=2)
        tasks = [asyncio.create_task(limiter.run(slow)) for _ in range(3)]
        await asyncio.sleep(0)  # the three are taken: one works, two wait
        refused = await limiter.run(slow)  # the fourth finds no room
        await asyncio.to_thread(started.acquire)
        release.set()
        return [refused.status] + [(await task).status for task in tasks]

    assert asyncio.run(flood()) == [429, 200, 200, 200]


def test_a_busy_answer_asks_to_retry_and_is_never_cached(site: SiteFactory) -> None:
    site.article("news/a.md")
    busy = plain_error(HTTPStatus.TOO_MANY_REQUESTS).wire(None).headers
    headers = {k.decode(): v.decode() for k, v in busy}
    assert headers["retry-after"] == "1" and headers["cache-control"] == "no-store"


def test_big_text_files_are_compressed_once_and_kept(site: SiteFactory) -> None:
    static = site.root / "static"
    static.mkdir()
    (static / "data.json").write_text("[" + ",".join(['"港灣"'] * 200_000) + "]")
    (static / "photo.jpg").write_bytes(b"\xff\xd8" + b"\0" * 400_000)
    client = make_client(site)
    first = client.get("/data.json", headers={"accept-encoding": "br"})
    assert first.status_code == 200 and first.headers["content-encoding"] == "br"
    caches: SnapshotCaches = client.app.site.holder.state.caches
    kept = caches.responses.get("/data.json")
    assert kept is not None and "brotli_body" in vars(kept), "compressed once, kept"
    again = client.get("/data.json", headers={"accept-encoding": "br"})
    assert again.content == first.content and caches.responses.get("/data.json") is kept
    photo = client.get("/photo.jpg")
    assert photo.status_code == 200 and len(photo.content) == 400_002
    assert caches.responses.get("/photo.jpg") is None, "a big photo is streamed, not held"


def test_an_editors_temporary_files_cost_no_reload_and_no_render(site: SiteFactory) -> None:
    """Editors save through hidden temporary files: those changes re-read and re-render
    nothing (they used to count as an image change, which renders every body again)."""
    site.article("news/a.md", title="A")
    site.article("news/b.md", title="B")
    server = Site(site.settings(), lambda: NOW)
    for path in ("/news/a/", "/news/b/"):
        server.answer(path)
    bodies = server.holder.catalog.bodies
    rendered, before = bodies.renders, server.holder.current
    folder = site.root / "content/news"
    server.reloader.reload({str(folder / ".b.md.swp"), str(folder / "b.md~")})
    assert server.holder.current is before, "no reload for files the site ignores"
    site.article("news/b.md", title="B, edited")
    server.reloader.reload({str(folder / ".b.md.tmp"), str(folder / "b.md")})
    # The search index reads the new body beside the reload: let it finish first, so the
    # page does not render the same body at the same moment (counted twice).
    server._searching.submit(lambda: None).result(timeout=30)
    server.answer("/news/a/")
    server.answer("/news/b/")
    assert bodies.renders == rendered + 1, "only the edited body is rendered again"
