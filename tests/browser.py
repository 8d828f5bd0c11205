"""Real Chromium (Debian's) driven by Playwright, and the checkers we run in it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = (320, 1280)
SCREENSHOT_WIDTHS = (320, 1280, 1920)
SCHEMES = ("light", "dark")


def require(found: object, what: str, install: str) -> None:
    """Skip a test whose tool is missing; under CI, where make test installs it, fail instead."""
    if found:
        return
    message = f"{what} is missing: {install} (make test installs it when run as root)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    """Debian's Chromium; Playwright's own browser downloads are not used."""
    found = shutil.which("chromium") or ""
    require(found, "Chromium", "apt-get install chromium")
    return found


@contextmanager
def launched() -> Iterator[Browser]:
    """A headless Chromium for the length of the block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def opened(
    browser: Browser, url: str, *, width: int = 1280, scheme: str = "light", **options: Any
) -> Iterator[Page]:
    """A page at ``url`` in a fresh context; CSP is bypassed only to inject the checkers."""
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        color_scheme=scheme,  # type: ignore[arg-type]
        bypass_csp=True,
        **options,
    )
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page with our WCAG 2.2 AA and best-practice tags; its violations."""
    require(AXE.is_file(), "axe-core", "npm ci")
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


DEMO_PAGES = {
    "home": "/",
    "home-page-2": "/page/2/",
    "section": "/topics/",
    "section-with-lead": "/sports/",
    "section-page-2": "/topics/page/2/",
    "article-first-with-image": "/topics/harbour-district/news/lighthouse-island-volunteers/",
    "article-middle-plain": "/topics/harbour-district/news/fish-market-lights/",
    "article-last-kicker-source": "/topics/harbour-district/news/ferry-night-service/",
    "article-english-figure": "/english/beach-clean-up/",
    "article-simplified-chinese": "/business/night-market-economy/",
    "article-bundle-image": "/city/new-bridge/",
    "article-table": "/city/budget-consultation/",
    "tag": "/tags/%E6%B8%AF%E7%81%A3%E5%8D%80/",
    "tags": "/tags/",
    "category": "/categories/%E7%A4%BE%E5%8D%80%E7%94%9F%E6%B4%BB/",
    "categories": "/categories/",
    "feeds": "/feeds/",
    "settings": "/settings/",
    "page-plain": "/about/",
    "search": "/search",
    "search-results": "/search?q=%E6%B8%AF%E7%81%A3",
    "search-none": "/search?q=zzzz",
    "not-found": "/no/such/page/",
    "variant-home": "/zh-hans/",
    "variant-article": "/zh-hans/topics/harbour-district/news/lighthouse-island-volunteers/",
    "pinyin-article": "/pinyin/topics/harbour-district/news/ferry-night-service/",
    "english-edition-section": "/en/city/",
    "english-edition-article": "/en/city/new-bridge/",
}
"""Every page type of the demo site, by a name used for screenshots and test ids."""
