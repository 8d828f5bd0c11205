"""No request can crash the server: every route fuzzed over paths, queries, headers and bodies.

The app is called as uvicorn calls it (an ASGI scope with the raw path and query bytes),
so invalid UTF-8, NUL and overlong input reach it exactly as a scanner would send them.
The only outcomes allowed are 2xx, 3xx and 4xx, and an error never shows a file path,
a traceback or a version.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote_to_bytes

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader import __version__
from reader.app import ReaderApp, create_app
from reader.cli import DEMO_SITE
from reader.config import load_settings
from reader.export import site_paths
from reader.limits import MAX_BODY_BYTES, MAX_PATH_BYTES, MAX_QUERY_BYTES
from reader.urls import api_article_path

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "TRACE", "BREW")


@dataclass(frozen=True)
class Answer:
    """What the app sent back."""

    status: int
    headers: dict[str, str]
    body: bytes


def call(
    app: ReaderApp,
    method: str,
    raw_path: bytes,
    query: bytes = b"",
    headers: tuple[tuple[bytes, bytes], ...] = (),
    body: bytes = b"",
) -> Answer:
    """One request, as uvicorn hands it over: the path percent-decoded as UTF-8 with
    replacement characters, the raw path and query as the client sent them."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, object]] = []
    chunks = [body]

    async def receive() -> dict[str, object]:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = sent[0]
    raw_headers = start["headers"]
    assert isinstance(raw_headers, list)
    answer_headers = {bytes(k).decode(): bytes(v).decode("latin-1") for k, v in raw_headers}
    payload = b"".join(m["body"] for m in sent[1:] if isinstance(m.get("body"), bytes))  # type: ignore[misc]
    status = start["status"]
    assert isinstance(status, int)
    return Answer(status, answer_headers, payload)


@pytest.fixture(scope="module")
def app() -> ReaderApp:
    settings, _ = load_settings(DEMO_SITE, base_url="https://news.example.org/")
    return create_app(replace(settings, watch=False))


QUERY_ROUTES = {
    "/api/v1/articles": ["limit", "cursor", "section", "tag", "since", "lang"],
    "/api/v1/articles/city/new-bridge": ["lang"],
    "/en/api/v1/articles": ["limit", "lang", "q"],
    "/zh-hans/search": ["q", "page", "section"],
    "/oembed": ["url", "maxwidth", "maxheight", "format"],
    "/settings/": ["back"],
    "/_preview/a.b/": [],
    "/_preview/a.b/x.png": [],
}
"""Routes that read their query or are never exported, with the parameters they read."""


@pytest.fixture(scope="module")
def known_paths(app: ReaderApp) -> list[str]:
    snapshot = app.site.holder.current
    api = [api_article_path(article) for article in snapshot.articles[:5]]
    # The other languages of the (bilingual) demo, each under its prefix.
    others = [
        language.site.settings.base_path + path
        for language in app.languages
        for path in site_paths(language.site.holder.current)
    ]
    return sorted(site_paths(snapshot)) + others + api + list(QUERY_ROUTES)


def assert_answered_safely(answer: Answer, oembed_format: bool = False) -> None:
    """A status below 500, and an error that tells nothing of the machine.

    oEmbed's specification asks for 501 when a consumer asks for a format the provider
    does not make (XML here): the one 5xx a request may get, and only there.
    """
    allowed = (501,) if oembed_format else ()
    assert answer.status < 500 or answer.status in allowed, answer
    for header, value in answer.headers.items():
        assert "\r" not in value and "\n" not in value, header
    if answer.status >= 400:
        text = answer.body.decode("utf-8", "replace")
        assert "Traceback" not in text and str(DEMO_SITE) not in text
        assert f"reader {__version__}" not in text and "uvicorn" not in text.lower()
        if answer.headers.get("content-type", "").startswith("text/plain"):
            assert len(answer.body) < 100


def nested_cursor(depth: int) -> str:
    return base64.urlsafe_b64encode(b"[" * depth).decode()


# Pieces a scanner or a broken client puts in URLs: odd digits, NUL, invalid and overlong
# UTF-8, dot segments, encoded slashes, huge numbers, deep nesting.
HOSTILE_PIECES = st.sampled_from(
    [
        "%00",
        "%C2%B2",
        "%D9%A3",
        "%EF%BC%91",
        "%ff%fe",
        "%C0%AF",
        "%E0%80%AF",
        "%2e%2e",
        "..",
        ".",
        "%2F",
        "%5C",
        "page",
        "2",
        "0",
        "01",
        "9" * 40,
        "-1",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "index.md",
        "%E6%B8%AF",
        "\u6e2f",
        "a" * 300,
    ]
)
SEGMENT = st.one_of(
    HOSTILE_PIECES,
    st.text(st.characters(codec="utf-8", exclude_characters="/?#"), max_size=12).map(
        lambda s: quote(s, safe="")
    ),
)
ODD_NUMBERS = st.sampled_from(
    ["%C2%B2", "%D9%A3", "%EF%BC%91", "0", "-1", "9" * 40, "9" * 5000, "1e3", "+1", "%201", ""]
)
QUERY_VALUE = st.one_of(
    ODD_NUMBERS,
    HOSTILE_PIECES,
    st.text(max_size=20).map(lambda s: quote(s, safe="")),
    st.integers(min_value=1, max_value=500).map(nested_cursor),
    st.just(quote(base64.urlsafe_b64encode(json.dumps(["2026-01-01", [1, 2]]).encode()))),
    st.just(quote(base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00", ["a"]]).encode()))),
)
QUERY_NAME = st.sampled_from(
    [
        "limit",
        "cursor",
        "section",
        "tag",
        "since",
        "url",
        "maxwidth",
        "maxheight",
        "format",
        "back",
        "q",
        "page",
        "x",
    ]
)
QUERY = st.lists(st.tuples(QUERY_NAME, QUERY_VALUE), max_size=4).map(
    lambda pairs: "&".join(f"{name}={value}" for name, value in pairs).encode("utf-8")
)
HEADER = st.one_of(
    st.tuples(
        st.just(b"accept-encoding"), st.sampled_from([b"br", b"gzip;q=x", b"*;q=0", b"\xff"])
    ),
    st.tuples(st.just(b"if-none-match"), st.binary(max_size=40)),
    st.tuples(
        st.just(b"if-modified-since"),
        st.sampled_from([b"yesterday", b"\xff\xfe", b"Mon, 99 Foo 2026"]),
    ),
    st.tuples(
        st.just(b"range"),
        st.sampled_from([b"bytes=0-", b"bytes=-1", b"bytes=9-1", b"bytes=x", b"bytes=0-1,2-3"]),
    ),
    st.tuples(st.just(b"cookie"), st.binary(max_size=60)),
    st.tuples(
        st.just(b"content-type"),
        st.sampled_from(
            [
                b"application/x-www-form-urlencoded",
                b"multipart/form-data; boundary=x",
                b"text/plain",
            ]
        ),
    ),
)


@st.composite
def paths(draw: st.DrawFn, known: list[str]) -> bytes:
    """A known path of the demo site, mutated; or a path made of hostile pieces alone."""
    if draw(st.booleans()):
        base = quote(draw(st.sampled_from(known)), safe="/%")
        parts = base.strip("/").split("/")
        for _ in range(draw(st.integers(0, 3))):
            position = draw(st.integers(0, len(parts)))
            parts.insert(position, draw(SEGMENT))
        trailing = base.endswith("/") != draw(st.integers(0, 3).map(lambda n: n == 0))
        return ("/" + "/".join(parts) + ("/" if trailing else "")).encode().replace(b"//", b"/")
    pieces = draw(st.lists(SEGMENT, min_size=1, max_size=6))
    return ("/" + "/".join(pieces)).encode()


NUMERIC = frozenset({"limit", "maxwidth", "maxheight"})


@st.composite
def own_queries(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A route that reads its query, asked with its own parameters, each once, oddly valued."""
    path = draw(st.sampled_from(sorted(QUERY_ROUTES)))
    names = draw(st.lists(st.sampled_from(QUERY_ROUTES[path] or ["x"]), unique=True, max_size=3))
    values = [draw(ODD_NUMBERS if name in NUMERIC else QUERY_VALUE) for name in names]
    if path == "/oembed" and draw(st.booleans()):
        names, values = [*names, "url"], [*values, quote("https://news.example.org/", safe="")]
    query = "&".join(
        f"{name}={value}" for name, value in dict(zip(names, values, strict=True)).items()
    )
    return path.encode(), query.encode()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@example(data=None)  # the regressions below, each seen as a 500 once
def test_no_request_gets_a_server_error(
    app: ReaderApp, known_paths: list[str], data: st.DataObject | None
) -> None:
    if data is None:
        for path, query in [
            (b"/api/v1/articles", b"limit=%C2%B2"),
            (b"/api/v1/articles", b"cursor=" + nested_cursor(100_000 // 4 * 3).encode()[:3000]),
            (b"/oembed", b"url=https%3A%2F%2Fnews.example.org%2F&maxwidth=%C2%B2"),
            (b"/settings/", b"back=%2F%0D%0ASet-Cookie:x=1"),
            (b"/page/2/", b""),
            (b"/%00", b""),
            (b"/_assets/%00", b""),
        ]:
            assert_answered_safely(call(app, "GET", path, query))
        return
    method = data.draw(st.sampled_from(METHODS))
    if data.draw(st.booleans()):
        path, query = data.draw(own_queries())
    else:
        path, query = data.draw(paths(known_paths)), data.draw(QUERY)
    headers = tuple(data.draw(st.lists(HEADER, max_size=3)))
    body = data.draw(st.binary(max_size=200)) if method == "POST" else b""
    if body:
        headers += ((b"content-length", str(len(body)).encode()),)
    oembed_format = path.startswith(b"/oembed") and b"format=" in query
    assert_answered_safely(call(app, method, path, query, headers, body), oembed_format)


def test_the_settings_form_takes_any_body(app: ReaderApp) -> None:
    form = (b"content-type", b"application/x-www-form-urlencoded")
    bodies = (
        b"size=%ff&back=/%0d%0aSet-Cookie:%20x=1",
        b"back=/%09/evil.example/",
        b"back=/%E6%B8%AF/",
        b"=" * 4000,
        b"a=1&" * 20,
        b"\xff\xfe\x00",
        b"",
    )
    for body in bodies:
        length = (b"content-length", str(len(body)).encode())
        answer = call(app, "POST", b"/settings/", b"", (form, length), body)
        assert_answered_safely(answer)
        location = answer.headers.get("location", "/")
        assert location.isascii() and location.startswith(("/", "https://news.example.org/"))
        assert "evil" not in location


@pytest.mark.parametrize(
    ("method", "path", "query", "length", "status"),
    [
        ("GET", b"/" + b"a" * MAX_PATH_BYTES, b"", None, 414),
        ("GET", b"/", b"q=" + b"a" * MAX_QUERY_BYTES, None, 414),
        ("POST", b"/settings/", b"", MAX_BODY_BYTES + 1, 413),
        ("GET", b"/", b"", 10**30, 413),
        ("PUT", b"/", b"", None, 405),
        ("DELETE", b"/news/", b"", None, 405),
        ("POST", b"/", b"", None, 405),
        ("BREW", b"/rss.xml", b"", None, 405),
    ],
)
def test_the_limits(
    app: ReaderApp, method: str, path: bytes, query: bytes, length: int | None, status: int
) -> None:
    """The documented limits, whether or not the path's answer is already cached."""
    headers = ((b"content-length", str(length).encode()),) if length is not None else ()
    for _ in range(2):
        call(app, "GET", b"/")  # the home page is cached: refused all the same
        answer = call(app, method, path, query, headers)
        assert answer.status == status
        assert answer.headers["content-type"].startswith("text/plain")
        assert answer.body.decode().startswith(str(status))
    if status == 405:
        assert answer.headers["allow"] == "GET, HEAD, OPTIONS"


def test_just_within_the_limits_is_answered(app: ReaderApp) -> None:
    long_path = b"/" + b"a" * (MAX_PATH_BYTES - 1)
    assert call(app, "GET", long_path).status == 404
    assert call(app, "GET", b"/", b"q=" + b"a" * (MAX_QUERY_BYTES - 2)).status == 200
