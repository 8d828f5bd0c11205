"""Hostile text in every plain-text field, read back from every output as a careless reader would.

A reader that renders HTML without sanitising it (a feed reader, a partner's CMS) must find
no script, no event handler, no script or data: link, no style that loads anything and no
element that redirects or re-bases the page in anything we send, wherever an editor or a
site owner typed the payload.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from reader.export import site_paths
from reader.site import Site
from tests.factories import NOW, SiteFactory

PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "'><iframe src=javascript:alert(4)>",
    "</script><!--<script>alert(5)//",
    "<a href=javascript:alert(6)>x</a>",
    "&lt;script&gt;alert(7)&lt;/script&gt;",
    '<a href="data:text/html,<script>alert(8)</script>">x</a>',
    "<style>*{background:url(javascript:alert(9))}</style>",
    '<p style="background:url(javascript:alert(10));width:expression(alert(10))">x</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(11)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>",
    '"}]}</script><script>alert(13)</script>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(14)"><base href="//evil.example/">',
    "<form action=javascript:alert(15)><button formaction=javascript:alert(15)>x</button></form>",
)
FIELDS = ("title", "summary", "source", "author", "kicker", "image_alt")


def _site_toml(payload: str) -> str:
    text = json.dumps(payload)  # a JSON string is a TOML basic string
    return f"""
title = {text}
base_url = "https://news.example.org/"
language = "en"
description = {text}
footer = [{text}]
copyright = {text}
contact = {text}
license = "https://creativecommons.org/licenses/by/4.0/"
license_name = {text}
usage_terms = {text}
"""


def _dangers(markup: str) -> list[str]:
    """What a browser would run or load from this HTML: scripts, handlers, script links."""
    if not markup.strip():
        return []
    root = lxml_html.fromstring(f"<div>{markup}</div>")
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and element.get("type") != "application/ld+json":
            found.append("script")
        if element.tag in ("iframe", "svg", "object", "embed", "style", "base"):
            found.append(element.tag)
        if element.tag == "meta" and element.get("http-equiv"):
            found.append("meta@http-equiv")
        for name, value in element.attrib.items():
            name, value = name.lower(), value.strip().lower()
            if name.startswith("on"):
                found.append(f"{element.tag}@{name}")
            if value.startswith(("javascript:", "vbscript:", "data:text", "data:image/svg")):
                found.append(f"{element.tag}@{name}={value[:12]}")
            if name == "style" and ("url(" in value or "expression(" in value):
                found.append(f"{element.tag}@style")
    return found


def _html_parts(path: str, body: bytes, media_type: str) -> Iterator[tuple[str, str]]:
    """Every part of an answer a reader would render as HTML, named for the failure message."""
    if media_type.startswith("text/html"):
        yield path, body.decode()
    elif "json" in media_type:
        document = json.loads(body)
        for item in document.get("items", []):  # JSON Feed
            yield f"{path} content_html", item.get("content_html", "")
        for item in document.get("data", []):  # the partner API
            for part in item.get("bodies", []):
                yield f"{path} body", part["value"]
        if "html" in document:  # oEmbed
            yield f"{path} html", document["html"]
    elif "xml" in media_type or "opml" in media_type:
        root = etree.fromstring(body)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            local = etree.QName(element).localname
            html_typed = element.get("type") in ("html", "xhtml")
            rss_html = local in ("description", "encoded") and root.tag == "rss"
            if (html_typed or rss_html) and element.text:
                yield f"{path} <{local}>", element.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_field_becomes_script_in_any_output(site: SiteFactory, payload: str) -> None:
    (site.root / "site.toml").write_text(_site_toml(payload), encoding="utf-8")
    fields: dict[str, Any] = {name: payload for name in FIELDS}
    site.article("news/a.md", body=f"Body.\n\n{payload}\n", tags=[payload, "plain"], **fields)
    site.article("news/b/index.md", title="Plain", image="lead.png", image_alt=payload)
    site.article("news/c.md", title="Hostile image", image="javascript:alert(16)")
    site.article("news/d.md", title="Data image", image="data:text/html,<script>alert(17)</script>")
    (site.root / "content/news/b/lead.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    site.section("news", title=payload, description=payload)
    server = Site(site.settings(), lambda: NOW)
    paths = [*site_paths(server.holder.current), "/api/v1/articles", "/no/such/page/"]
    paths.append("/oembed?url=https%3A%2F%2Fnews.example.org%2Fnews%2Fa%2F")
    checked = 0
    for path in paths:
        answer = server.answer(*path.split("?", 1))
        if answer.status >= 300 and answer.status != 404:
            continue
        for name, markup in _html_parts(path, answer.body, answer.content_type):
            assert _dangers(markup) == [], name
            checked += 1
    assert checked > 30
