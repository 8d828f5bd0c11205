"""Firefox Reader View finds the article: Mozilla's Readability, run by Node on our pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import html

from tests.browser import DEMO_PAGES, NODE_MODULES, require
from tests.server import running_server

pytestmark = pytest.mark.external

SCRIPT = Path(__file__).with_name("readability.mjs")
ARTICLES = {name: path for name, path in DEMO_PAGES.items() if name.startswith("article")}
READERABLE = ("article-last-kicker-source",)
"""Readability only offers Reader View for pages with enough text; these demo articles have it."""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server("--no-watch") as url:
        yield url


def readability(page: bytes, url: str, tmp_path: Path) -> Any:
    node = shutil.which("node")
    require(node, "Node.js", "apt-get install nodejs")
    require((NODE_MODULES / "@mozilla" / "readability").is_dir(), "@mozilla/readability", "npm ci")
    source = tmp_path / "page.html"
    source.write_bytes(page)
    done = subprocess.run(
        [str(node), str(SCRIPT), str(source), url], capture_output=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(ARTICLES))
def test_reader_view_finds_the_article_and_nothing_else(
    base: str, name: str, tmp_path: Path
) -> None:
    url = base + ARTICLES[name]
    response = httpx.get(url)
    assert response.status_code == 200
    page = html.fromstring(response.content)
    found = readability(response.content, url, tmp_path)
    assert found["title"] == page.findtext(".//h1")
    assert found["lang"] == page.get("lang")
    published = page.xpath("//article//span[@class='published']/time/@datetime")[0]
    assert found["publishedTime"] == published
    byline = page.xpath("string(//meta[@name='author']/@content)") or page.xpath(
        "string(//p[@class='site-title'])"
    )
    assert found["byline"] == byline.strip()
    text = found["textContent"]
    first_paragraph = page.xpath("string(//div[@class='body']/p[1])")
    assert first_paragraph.strip()[:20] in text
    outside = page.xpath(
        "//nav[contains(@class,'breadcrumbs')]//a | //aside//a | //footer//p | //header//a"
    )
    for element in outside:
        label = element.text_content().strip()
        if len(label) >= 4 and label not in first_paragraph:
            assert label not in text, f"{label!r} is not part of the article"
    if name in READERABLE:
        assert found["readerable"], "Firefox offers Reader View for it"
