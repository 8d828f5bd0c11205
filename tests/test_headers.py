"""The header policy: types, freshness, validators, content coding, CORS, methods."""

from __future__ import annotations

import gzip
from datetime import timedelta

import brotli
import pytest

from reader.export import site_paths
from reader.headers import POLICIES, WITHDRAWN_WITHIN_SECONDS, http_date, response_headers
from reader.negotiation import choose_encoding, is_not_modified, reply
from reader.rendered import Rendered
from reader.site import Site
from reader.urls import Kind
from tests.factories import NOW, MovingClock, SiteFactory, make_client

BODY = b"<!doctype html><p>" + "海灣市新聞".encode() * 100


def test_every_kind_has_a_policy_and_only_machine_formats_are_shared() -> None:
    assert set(POLICIES) == set(Kind)
    shared = {kind for kind, policy in POLICIES.items() if policy.cross_origin}
    assert shared == {Kind.FEED, Kind.ARCHIVE, Kind.API, Kind.OPML}
    # Whatever can carry an article is reused for at most a minute, never served stale: a
    # withdrawn article leaves shared caches within WITHDRAWN_WITHIN_SECONDS.
    for kind in (Kind.PAGE, Kind.FEED, Kind.ARCHIVE, Kind.API, Kind.SITEMAP, Kind.REDIRECT):
        control = response_headers(Rendered(b"x", kind))["cache-control"]
        assert control == f"public, max-age={WITHDRAWN_WITHIN_SECONDS}", kind
    assert response_headers(Rendered(b"x", Kind.ATTACHMENT))["cache-control"] == control
    assert "max-age=3600" in response_headers(Rendered(b"x", Kind.CSS))["cache-control"]
    assert (
        response_headers(Rendered(b"x", Kind.PAGE, status=404))["cache-control"]
        == "public, max-age=30"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"abc-br"', True),
        ('"abc-gz"', True),
        ('"abd"', False),
        ("*", True),
    ],
)
def test_if_none_match(header: str | None, expected: bool) -> None:
    assert is_not_modified('"abc"', None, header) is expected


def test_if_modified_since_is_ignored_when_if_none_match_is_sent() -> None:
    since = http_date(NOW)
    assert is_not_modified('"abc"', NOW, None, since)
    assert not is_not_modified('"abc"', NOW + timedelta(seconds=1), None, since)
    assert not is_not_modified('"abc"', NOW, '"other"', since)
    assert not is_not_modified('"abc"', NOW, None, "not a date")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("gzip;q=0", None),
        # The client's preference, by weight, before ours (brotli at a tie).
        ("br;q=0.5, gzip;q=1.0, *;q=0", "gzip"),
        ("gzip;q=0.9, *;q=0.8", "gzip"),
        ("gzip;q=0.8, br;q=0.8", "br"),
        ("identity;q=1, gzip;q=0.1", "gzip"),
    ],
)
def test_choose_encoding(header: str | None, expected: str | None) -> None:
    assert choose_encoding(header) == expected


def test_reply_compresses_once_and_each_coding_has_its_own_etag() -> None:
    rendered = Rendered(BODY, Kind.PAGE, modified=NOW)
    plain = reply(rendered, "GET", {})
    zipped = reply(rendered, "GET", {"accept-encoding": "gzip"})
    squeezed = reply(rendered, "GET", {"accept-encoding": "br"})
    assert plain.body == BODY and "content-encoding" not in plain.headers
    assert gzip.decompress(zipped.body) == BODY and zipped.headers["content-encoding"] == "gzip"
    assert brotli.decompress(squeezed.body) == BODY
    assert len(squeezed.body) < len(BODY) / 2
    etags = {plain.headers["etag"], zipped.headers["etag"], squeezed.headers["etag"]}
    assert len(etags) == 3
    assert all(r.headers["vary"] == "Accept-Encoding" for r in (plain, zipped, squeezed))
    assert rendered.gzip_body is rendered.gzip_body, "computed once per body"
    assert plain.headers["last-modified"] == http_date(NOW)
    tiny = reply(Rendered(b"x", Kind.PAGE), "GET", {"accept-encoding": "br"})
    assert "content-encoding" not in tiny.headers


def test_head_gets_gets_headers_without_a_body() -> None:
    rendered = Rendered(BODY, Kind.PAGE)
    get = reply(rendered, "GET", {"accept-encoding": "br"})
    head = reply(rendered, "HEAD", {"accept-encoding": "br"})
    assert head.body == b"" and head.headers == get.headers
    assert head.headers["content-length"] == str(len(get.body))


def test_not_modified_carries_validators_and_no_entity_headers() -> None:
    rendered = Rendered(BODY, Kind.FEED, modified=NOW)
    first = reply(rendered, "GET", {"accept-encoding": "gzip"})
    again = reply(
        rendered, "GET", {"accept-encoding": "gzip", "if-none-match": first.headers["etag"]}
    )
    assert again.status == 304 and again.body == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["access-control-allow-origin"] == "*"
    assert "content-type" not in again.headers and "content-length" not in again.headers
    by_date = reply(rendered, "GET", {"if-modified-since": first.headers["last-modified"]})
    assert by_date.status == 304


def test_other_methods_are_refused_and_preflight_is_answered() -> None:
    assert reply(Rendered(BODY, Kind.PAGE), "POST", {}).status == 405
    preflight = reply(Rendered(BODY, Kind.FEED), "OPTIONS", {})
    assert preflight.status == 204
    assert "If-None-Match" in preflight.headers["access-control-allow-headers"]
    page = reply(Rendered(BODY, Kind.PAGE), "OPTIONS", {})
    assert "access-control-allow-origin" not in page.headers


def test_served_headers(site: SiteFactory) -> None:
    site.article("news/a.md", aliases=["/old/"])
    client = make_client(site)
    page = client.get("/news/a/")
    assert page.headers["cache-control"].startswith("public, max-age=60")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "access-control-allow-origin" not in page.headers
    assert page.headers["last-modified"] == http_date(NOW)
    assert client.get("/old/").headers["cache-control"] == "public, max-age=60"
    feed = client.get("/rss.xml")
    assert feed.headers["cache-control"] == "public, max-age=60"
    assert feed.headers["access-control-allow-origin"] == "*"
    assert client.get("/api/v1/articles").headers["access-control-allow-origin"] == "*"
    assert client.request("DELETE", "/news/a/").status_code == 405


def test_served_compression_and_conditional_get(site: SiteFactory) -> None:
    site.article("news/a.md", body="A paragraph of the article. " * 40)
    client = make_client(site)
    for coding in ("br", "gzip"):
        response = client.get("/news/a/", headers={"accept-encoding": coding})
        assert response.headers["content-encoding"] == coding
        assert b"A paragraph of the article." in response.content
        again = client.get(
            "/news/a/",
            headers={"accept-encoding": coding, "if-none-match": response.headers["etag"]},
        )
        assert again.status_code == 304 and again.content == b""
    head = client.head("/news/a/", headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 1000


def test_last_modified_moves_only_when_a_urls_bytes_change(site: SiteFactory) -> None:
    site.article("news/a.md", title="First")
    site.article("sports/b.md", title="Second")
    clock = MovingClock()
    server = Site(site.settings(), clock)
    news_feed, sports_feed = server.answer("/news/rss.xml"), server.answer("/sports/rss.xml")
    assert news_feed.modified == sports_feed.modified == NOW
    clock.moment = NOW + timedelta(minutes=5)
    site.article("news/a.md", title="First, corrected")
    server.reloader.reload()
    assert server.answer("/sports/rss.xml").modified == NOW
    assert server.answer("/sports/rss.xml").etag == sports_feed.etag
    changed = server.answer("/news/rss.xml")
    assert changed.modified == clock.moment and changed.etag != news_feed.etag


def test_a_change_within_the_same_second_still_moves_last_modified(site: SiteFactory) -> None:
    # libcurl (newsboat) drops a 200 whose Last-Modified is not newer than the one it has.
    site.article("news/a.md", title="First")
    clock = MovingClock(NOW + timedelta(microseconds=100))
    server = Site(site.settings(), clock)
    first = server.answer("/news/rss.xml").modified
    clock.moment = NOW + timedelta(microseconds=900_000)
    site.article("news/a.md", title="Second")
    server.reloader.reload()
    second = server.answer("/news/rss.xml").modified
    assert first is not None and second is not None
    assert http_date(second) != http_date(first) and second > first


def test_unknown_paths_cannot_push_pages_out_of_the_cache(site: SiteFactory) -> None:
    site.article("news/a.md", title="Kept", body="Text. " * 3000)
    app = Site(site.settings(cache_mb=1), lambda: NOW)
    page = app.answer("/news/a/")
    for number in range(3000):
        assert app.answer(f"/probe-{number}/").status == 404
    assert app.answer("/news/a/") is page  # still the cached object, not rendered again


def test_every_cache_of_a_snapshot_stays_within_one_budget(site: SiteFactory) -> None:
    for number in range(60):
        site.article(f"news/a{number}.md", title=f"A{number}", tags=[f"t{number}"], body="W " * 900)
    settings = site.settings(cache_mb=1)
    app = Site(settings, lambda: NOW)
    for path in [*site_paths(app.holder.current), *(f"/{'x' * 2000}/{n}" for n in range(500))]:
        app.answer(path)
    caches = app.holder.state.caches
    assert caches.feeds.entries.size > 0 and caches.responses.size > 0, "the caches were used"
    assert caches.size <= settings.response_cache_bytes


@pytest.mark.parametrize("size", [1000, 300_000])  # a cached file, and one streamed from disk
def test_static_files_answer_ranges_and_head_with_the_header_policy(
    site: SiteFactory, size: int
) -> None:
    site.article("news/a.md")
    data = bytes(range(256)) * (size // 256) + b"end"
    (site.root / "static").mkdir()
    (site.root / "static" / "clip.bin").write_bytes(data)
    client = make_client(site)
    full = client.get("/clip.bin")
    assert full.status_code == 200 and full.content == data
    assert full.headers["accept-ranges"] == "bytes"
    part = client.get("/clip.bin", headers={"range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    tail = client.get("/clip.bin", headers={"range": "bytes=-3"})
    assert tail.content == b"end"
    for answer in (full, part):
        assert answer.headers["cache-control"] == POLICIES[Kind.FILE].cache_control
        assert answer.headers["x-content-type-options"] == "nosniff"
    head = client.head("/clip.bin")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(data))
    again = client.get("/clip.bin", headers={"if-none-match": full.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    beyond = client.get("/clip.bin", headers={"range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416
