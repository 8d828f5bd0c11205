"""The header policy: each kind of response gets its own type and freshness."""

from __future__ import annotations

import pytest

from reader.headers import Kind, Rendered, is_not_modified
from tests.factories import SiteFactory, make_client


def test_every_kind_has_its_own_policy() -> None:
    policies = {kind: Rendered(b"x", kind).headers() for kind in Kind}
    assert len(set(Kind)) == len(Kind.__members__), "no kind may alias another"
    assert "max-age=60," in policies[Kind.PAGE]["cache-control"]
    assert policies[Kind.REDIRECT]["cache-control"] == "public, max-age=3600"
    assert policies[Kind.RSS]["content-type"] == "application/rss+xml; charset=utf-8"
    assert Rendered(b"x", Kind.PAGE, status=404).headers()["cache-control"] == "public, max-age=30"


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, False), ('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ("*", True)],
)
def test_if_none_match(header: str | None, expected: bool) -> None:
    assert is_not_modified(header, '"abc"') is expected


def test_served_headers(site: SiteFactory) -> None:
    site.article("news/a.md", aliases=["/old/"])
    client = make_client(site)
    page = client.get("/news/a/")
    assert page.headers["cache-control"].startswith("public, max-age=60")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert client.get("/old/").headers["cache-control"] == "public, max-age=3600"
    assert client.get("/rss.xml").headers["cache-control"].startswith("public, max-age=300")
