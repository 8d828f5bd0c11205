"""Reading preferences: a form, a cookie and a stylesheet; shared pages stay shared."""

from __future__ import annotations

import pytest

from reader.reading import Preferences, from_cookie_header, safe_return_path, stylesheet
from tests.factories import SiteFactory, make_client, parse_html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Preferences()),
        ("reading=large.dark", Preferences("large", "dark")),
        ("other=1; reading=small.light", Preferences("small", "light")),
        ("reading=huge.neon", Preferences()),
        ("reading=largest", Preferences("largest", "auto")),
        ('reading="unterminated', Preferences()),
    ],
)
def test_cookie_values_outside_the_choices_fall_back(
    header: str | None, expected: Preferences
) -> None:
    assert from_cookie_header(header) == expected


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/news/a/", "/news/a/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        (None, "/"),
    ],
)
def test_return_path_stays_on_the_site(back: str | None, expected: str) -> None:
    assert safe_return_path(back) == expected


def test_stylesheet_names_only_the_palette_it_picks() -> None:
    assert "--text-scale" not in stylesheet(Preferences())
    dark = stylesheet(Preferences("largest", "dark"))
    assert "--text-scale: 1.5;" in dark
    assert "color-scheme: dark;" in dark and "--bg: var(--dark-bg);" in dark


def test_saving_sets_a_cookie_and_returns_to_the_page(site: SiteFactory) -> None:
    site.article("news/a.md")
    client = make_client(site)
    saved = client.request(
        "POST",
        "/settings/",
        content=b"size=large&theme=dark&back=%2Fnews%2Fa%2F",
        headers={"content-type": "application/x-www-form-urlencoded"},  # as browsers send
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/news/a/"
    cookie = saved.headers["set-cookie"]
    assert cookie.startswith("reading=large.dark;") and "HttpOnly" in cookie
    assert "Secure" in cookie, "the site is served over https"
    css = client.get("/_reading.css", headers={"cookie": "reading=large.dark"})
    assert "--text-scale: 1.25;" in css.text
    assert css.headers["cache-control"] == "private, no-cache"
    assert "Cookie" in css.headers["vary"]
    form = parse_html(client.get("/settings/", headers={"cookie": "reading=large.dark"}))
    assert form.xpath("//input[@checked]/@value") == ["large", "dark"]


def test_pages_do_not_depend_on_the_cookie(site: SiteFactory) -> None:
    site.article("news/a.md")
    client = make_client(site)
    plain = client.get("/news/a/")
    chosen = client.get("/news/a/", headers={"cookie": "reading=largest.dark"})
    assert plain.content == chosen.content and plain.headers["etag"] == chosen.headers["etag"]
    assert "Cookie" not in plain.headers.get("vary", "")
    page = parse_html(plain)
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["/_assets/style.css", "/_reading.css"]
    assert page.xpath("//a[@class='settings-link']/@href") == ["/settings/?back=%2Fnews%2Fa%2F"]
    assert client.request("POST", "/news/a/").status_code == 405
