"""Signed preview links: one unpublished article for the link's holder, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest

from reader.cli import main
from reader.preview import SECRET_VARIABLE, sign
from reader.urls import preview_path
from tests.factories import NOW, SiteFactory, make_client, parse_html

SECRET = "s3cret-for-tests-only-0123456789abcdef"


@pytest.fixture
def drafted(site: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> SiteFactory:
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    site.article("news/live.md", title="Live")
    site.article("news/plan.md", title="Secret plan", body="Embargoed words.", draft=True)
    return site


def link(site: SiteFactory, article: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["preview-link", str(site.root), article]) == 0
    return urlsplit(capsys.readouterr().out.strip()).path


def test_a_preview_link_shows_its_article_to_its_holder_only(
    drafted: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    client = make_client(drafted, preview_secret=SECRET)
    assert client.get("/news/plan/").status_code == 404
    for article in (str(drafted.root / "content/news/plan.md"), "/news/plan/"):
        shown = client.get(link(drafted, article, capsys))
        assert shown.status_code == 200
        page = parse_html(shown)
        assert page.xpath("string(//h1)") == "Secret plan"
        assert page.xpath("string(//div[@class='body'])").strip() == "Embargoed words."
        assert shown.headers["cache-control"] == "private, no-store"
        assert shown.headers["x-robots-tag"] == "noindex, nofollow"
    assert "Secret plan" not in client.get("/").text
    assert "Secret plan" not in client.get("/rss.xml").text


def test_expired_altered_and_foreign_links_are_not_found(drafted: SiteFactory) -> None:
    client = make_client(drafted, preview_secret=SECRET)
    missing = client.get("/no/such/page/")
    key = ("news", "plan")
    good = sign(SECRET, key, NOW + timedelta(hours=1))
    assert client.get(preview_path(good)).status_code == 200
    body, mac = good.split(".")
    altered_mac = ("A" if mac[0] != "A" else "B") + mac[1:]
    other_key = sign(SECRET, ("news", "live"), NOW + timedelta(hours=1)).split(".")[0]
    for token in (
        sign(SECRET, key, NOW - timedelta(seconds=1)),  # expired
        f"{body}.{altered_mac}",  # altered signature
        f"{other_key}.{mac}",  # another article's payload under this signature
        sign("another-secret-of-enough-length-0123456789", key, NOW + timedelta(hours=1)),
        "not-a-token",
        "a.b.c",
    ):
        refused = client.get(preview_path(token))
        assert refused.status_code == 404, token
        assert refused.content == missing.content
    without_secret = make_client(drafted)
    assert without_secret.get(preview_path(good)).status_code == 404


def test_preview_link_needs_a_long_secret(
    site: SiteFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site.article("news/plan.md", draft=True)
    monkeypatch.setenv(SECRET_VARIABLE, "short")
    assert main(["preview-link", str(site.root), "/news/plan/"]) == 2
    assert SECRET_VARIABLE in capsys.readouterr().err
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    assert main(["preview-link", str(site.root), "/news/nothing/"]) == 2


def test_a_preview_shows_the_bundles_photos_and_nothing_else(site: SiteFactory) -> None:
    site.write(
        "news/plan/index.md",
        "---\ntitle: Plan\ndate: 2026-11-01\ndraft: true\n---\n\n![A map of the plan](map.png)\n",
    )
    (site.root / "content/news/plan/map.png").write_bytes(b"\x89PNG map")
    site.article("news/live.md", title="Live")
    client = make_client(site, preview_secret=SECRET)
    page = preview_path(sign(SECRET, ("news", "plan"), NOW + timedelta(hours=1)))
    (src,) = parse_html(client.get(page)).xpath("//div[@class='body']//img/@src")
    photo = client.get(urljoin(page, src))
    assert photo.status_code == 200 and photo.content == b"\x89PNG map"
    assert photo.headers["cache-control"] == "private, no-store"
    assert photo.headers["x-robots-tag"] == "noindex, nofollow"
    assert client.get("/news/plan/map.png").status_code == 404, "not without the link"
    for name in ("index.md", "../live.md", "%2e%2e/live.md", "nothing.png"):
        assert client.get(page + name).status_code == 404, name
    expired = preview_path(sign(SECRET, ("news", "plan"), NOW - timedelta(hours=1)))
    assert client.get(expired + "map.png").status_code == 404
