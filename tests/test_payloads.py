"""Hostile text in every plain-text field, read back from every output as a careless reader would.

A reader that renders HTML without sanitising it (a feed reader, a partner's CMS) must find
no script, no event handler and no javascript: link in anything we send, wherever an
editor or a site owner typed the payload.
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
        if element.tag in ("iframe", "svg", "object", "embed"):
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag}@{name}")
            if value.strip().lower().startswith("javascript:"):
                found.append(f"{element.tag}@{name}=javascript:")
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
