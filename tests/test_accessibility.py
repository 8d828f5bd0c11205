"""Every page type in Debian's Chromium: axe-core, reflow, keyboard, language, reading comfort."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.browser import (
    DEMO_PAGES,
    SCHEMES,
    WIDTHS,
    axe_violations,
    launched,
    opened,
)
from tests.factories import SiteFactory
from tests.server import running_server

pytestmark = pytest.mark.browser

ARTICLES = {name: path for name, path in DEMO_PAGES.items() if name.startswith("article")}
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
"""WCAG 1.4.12's test values: content must survive them."""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server("--no-watch") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as chromium:
        yield chromium


@pytest.mark.parametrize("name", list(DEMO_PAGES))
def test_axe_finds_nothing_at_any_width_or_scheme(browser: Browser, base: str, name: str) -> None:
    expected = 404 if name == "not-found" else 200
    assert httpx.get(base + DEMO_PAGES[name]).status_code == expected, "the page type exists"
    found = {}
    for width in WIDTHS:
        for scheme in SCHEMES:
            with opened(browser, base + DEMO_PAGES[name], width=width, scheme=scheme) as page:
                violations = axe_violations(page)
                if violations:
                    found[(width, scheme)] = violations
    assert not found, found


def overflow(page: Page) -> dict[str, Any]:
    """Whether the page scrolls sideways, and which text boxes clip their content."""
    result: dict[str, Any] = page.evaluate(
        """() => {
        const doc = document.documentElement;
        const clipped = [];
        for (const el of document.querySelectorAll('body *')) {
            const style = getComputedStyle(el);
            // Hidden from the eyes on purpose (for screen readers): the visually-hidden
            // pattern, as a class or as a phone's collapsed breadcrumbs.
            const forScreenReaders = el.closest('.visually-hidden, table')
                || (style.clipPath === 'inset(50%)' && el.getBoundingClientRect().width <= 1);
            if (forScreenReaders || style.display === 'none') continue;
            const hides = [style.overflowX, style.overflowY]
                .some(v => v === 'hidden' || v === 'clip');
            const spills = el.scrollWidth > el.clientWidth + 1
                || el.scrollHeight > el.clientHeight + 1;
            if (hides && spills) clipped.push(el.tagName + '.' + el.className);
        }
        return {sideways: doc.scrollWidth > doc.clientWidth, clipped};
    }"""
    )
    return result


@pytest.mark.parametrize("name", list(DEMO_PAGES))
def test_reflow_enlarged_text_and_text_spacing(browser: Browser, base: str, name: str) -> None:
    url = base + DEMO_PAGES[name]
    with opened(browser, url, width=320) as page:
        assert overflow(page) == {"sideways": False, "clipped": []}, "320 px (WCAG 1.4.10)"
        page.add_style_tag(content="html { font-size: 200% !important; }")
        assert overflow(page) == {"sideways": False, "clipped": []}, "200 % text at 320 px"
    with opened(browser, url, width=1280) as page:
        page.add_style_tag(content="html { font-size: 200% !important; }")
        assert overflow(page) == {"sideways": False, "clipped": []}, "200 % text (1.4.4)"
    with opened(browser, url, width=320) as page:
        page.add_style_tag(content=TEXT_SPACING)
        assert overflow(page) == {"sideways": False, "clipped": []}, "text spacing (1.4.12)"


FOCUS_STATE = """() => {
    const el = document.activeElement;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
    const top = document.elementFromPoint(x, y);
    const all = [...document.querySelectorAll(
        'a[href], button, input, select, textarea, [tabindex]')];
    return {
        tag: el.tagName, id: el.id, cls: el.className, text: el.textContent.trim().slice(0, 40),
        index: all.indexOf(el),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight,
        covered: !(top && (el === top || el.contains(top) || top.contains(el))),
        scroll: [scrollX, scrollY],
    };
}"""


@pytest.mark.parametrize(
    "name", ["home", "home-page-2", "article-last-kicker-source", "settings", "feeds"]
)
@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_skip_link_focus_and_order(
    browser: Browser, base: str, name: str, width: int
) -> None:
    with opened(browser, base + DEMO_PAGES[name], width=width) as page:
        assert (
            page.evaluate("document.querySelectorAll('[tabindex]:not([tabindex=\"-1\"])').length")
            == 0
        )
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_STATE)
        assert "skip-link" in first["cls"] and first["visible"] and first["outline"], first
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", "the skip link moves focus"
        page.keyboard.press("Shift+Tab")  # back to the start, then walk the whole page
        page.evaluate("document.activeElement.blur()")
        order: list[dict[str, Any]] = []
        for _ in range(200):
            page.keyboard.press("Tab")
            state = settled_focus(page)
            if state["tag"] == "BODY" or (order and state["index"] <= order[-1]["index"]):
                break
            assert state["outline"], f"focus is visible (2.4.7): {state}"
            assert state["visible"] and not state["covered"], f"focus not hidden (2.4.11): {state}"
            order.append(state)
        assert len(order) > 3
        indexes = [s["index"] for s in order]
        assert indexes == sorted(indexes), "tab order follows the reading order"


def settled_focus(page: Page) -> dict[str, Any]:
    """The focused element once a smooth scroll towards it has ended.

    A smooth scroll takes a few hundred milliseconds, but longer on a loaded machine, where
    the page may also draw no frame for a while, or start scrolling late. So this waits
    while the page still moves or has not yet moved (up to about ten seconds), and counts
    a pause as stillness only across drawn frames.
    """
    still, started = 0, False
    for _ in range(200):
        state: dict[str, Any] = page.evaluate(FOCUS_STATE)
        if state["tag"] == "BODY" or (state["visible"] and not state["covered"]):
            return state
        page.wait_for_timeout(50)
        page.evaluate(NEXT_FRAMES)
        moved = page.evaluate(
            f"scrollX !== {state['scroll'][0]} || scrollY !== {state['scroll'][1]}"
        )
        started = started or moved
        still = 0 if moved else still + 1
        # Three seconds and 120 frames without moving, once the scroll has begun: it stays
        # there. (With half a second, a CI run once failed here with the focus off screen
        # at 320 px; with a second, another at 1280 px, its scroll stopped at 731 of the
        # 867 the footer's last link needed; the runs after passed.) A scroll that has not
        # begun yet gets the full wait. Only a hidden focus waits so long: a visible one
        # returns at once.
        if still == 60 and started:
            return state
    return state


NEXT_FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
"""Resolves once the page has drawn two more frames."""


def page_facts(page: Page) -> dict[str, Any]:
    facts: dict[str, Any] = page.evaluate(
        """() => {
        const main = document.querySelector('main p') || document.querySelector('main');
        const style = getComputedStyle(main);
        const fontSize = parseFloat(style.fontSize);
        const emphasis = [...document.querySelectorAll('em')].map(e => [e.closest('[lang]').lang,
            getComputedStyle(e).fontStyle]);
        return {
            lang: document.documentElement.lang,
            langs: [...document.querySelectorAll('[lang]')].map(e => e.lang),
            lineHeight: parseFloat(style.lineHeight) / fontSize,
            measure: document.querySelector('main').clientWidth / fontSize,
            zero: (() => { const c = document.createElement('canvas').getContext('2d');
                           c.font = style.font; return c.measureText('0').width / fontSize; })(),
            justified: [...document.querySelectorAll('body *')].filter(
                e => getComputedStyle(e).textAlign === 'justify').length,
            emphasis,
            background: getComputedStyle(document.body).backgroundColor,
            images: [...document.querySelectorAll('img')].map(i => ({
                alt: i.getAttribute('alt'), width: i.getAttribute('width'),
                height: i.getAttribute('height'), loading: i.loading,
                top: i.getBoundingClientRect().top})),
        };
    }"""
    )
    return facts


@pytest.mark.parametrize("name", list(ARTICLES))
def test_reading_comfort(browser: Browser, base: str, name: str) -> None:
    with opened(browser, base + ARTICLES[name], width=1280) as page:
        facts = page_facts(page)
    chinese = facts["lang"].startswith("zh")
    assert facts["lang"] in ("zh-Hant", "zh-Hans", "en")
    assert all(lang in ("zh-Hant", "zh-Hans", "en") for lang in facts["langs"]), facts["langs"]
    assert facts["lineHeight"] >= (1.75 if chinese else 1.5)
    if chinese:
        assert 34 <= facts["measure"] <= 40, "about 35-40 Chinese characters a line"
    else:
        # Average English text runs about 1.25 characters to the width of a "0".
        assert 60 <= facts["measure"] / facts["zero"] * 1.25 <= 80, "about 70 characters a line"
    assert facts["justified"] == 0
    assert all(style == "normal" for lang, style in facts["emphasis"] if lang.startswith("zh"))
    for image in facts["images"]:
        assert image["alt"] is not None and image["width"] and image["height"], image
        if image["top"] > 800:
            assert image["loading"] == "lazy", f"below the fold, lazy: {image}"


def luminance(css_colour: str) -> float:
    channels = [int(v) / 255 for v in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_colour_scheme_and_reduced_motion_are_honoured(browser: Browser, base: str) -> None:
    url = base + DEMO_PAGES["article-middle-plain"]
    with opened(browser, url, scheme="light") as page:
        assert luminance(page_facts(page)["background"]) > 0.9
        assert (
            page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"
        )
    with opened(browser, url, scheme="dark", reduced_motion="reduce") as page:
        assert luminance(page_facts(page)["background"]) < 0.05
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
        assert (
            page.evaluate("getComputedStyle(document.querySelector('a')).transitionDuration")
            == "0s"
        )


def test_print_drops_navigation_and_shows_link_targets(browser: Browser, base: str) -> None:
    with opened(browser, base + DEMO_PAGES["article-english-figure"]) as page:
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => ['.breadcrumbs', '.article-extras', '.site-footer', '.settings-link']
                .map(s => getComputedStyle(document.querySelector(s)).display)"""
        )
        assert hidden == ["none"] * 4
        after = page.evaluate(
            "getComputedStyle(document.querySelector('.body a[href]'), '::after').content"
        )
        assert "https://volunteers.example.org/beach-day" in after


def test_reading_settings_work_without_javascript(browser: Browser, base: str) -> None:
    article = base + DEMO_PAGES["article-english-figure"]
    with opened(browser, article, java_script_enabled=False) as page:
        default_size = page.evaluate(
            "parseFloat(getComputedStyle(document.documentElement).fontSize)"
        )
        page.click("a.settings-link")
        page.check("input[name=size][value=largest]")
        page.check("input[name=theme][value=dark]")
        page.click("main button[type=submit]")
        # A click waits for the navigation to start, not for the new page's stylesheet.
        page.wait_for_url(article, wait_until="load")
        assert page.url == article, "saving returns to the page being read"
        size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert size == pytest.approx(default_size * 1.5)
        assert luminance(page_facts(page)["background"]) < 0.05, "dark though the system is light"
        page.goto(base + DEMO_PAGES["home"])
        assert luminance(page_facts(page)["background"]) < 0.05, "the choice persists"
        page.goto(base + DEMO_PAGES["settings"])
        assert page.is_checked("input[name=size][value=largest]")
        assert page.is_checked("input[name=theme][value=dark]")
        cookies = page.context.cookies()
    # axe needs script, so the chosen settings are checked again where script may run.
    with opened(browser, base + DEMO_PAGES["settings"]) as page:
        # Playwright types read cookies and cookies to set as two TypedDicts of one shape.
        page.context.add_cookies(cookies)  # type: ignore[arg-type]
        page.reload()
        assert page.is_checked("input[name=size][value=largest]")
        assert axe_violations(page) == []


def test_screen_readers_read_the_characters_once_not_their_pinyin(
    browser: Browser, base: str
) -> None:
    """The reading aid's ruby is for the eyes: what Chromium gives assistive technology
    (its accessibility tree, as Playwright's ARIA snapshot shows it) has the characters."""
    with opened(browser, base + DEMO_PAGES["pinyin-article"]) as page:
        heading = page.locator("main h1")
        assert heading.locator("rt").count() > 5, "the heading has its readings"
        assert "gǎng" in heading.evaluate("h => h.innerText")  # shown on screen
        spoken = heading.aria_snapshot()
        assert "港" in spoken and "gǎng" not in spoken
        body = page.locator("main .body").aria_snapshot()
        assert "渡輪" in body.replace(" ", "") and not any(t in body for t in ("dù", "lún"))
        assert axe_violations(page) == []


def test_a_phones_first_screen_shows_the_name_the_sections_and_the_lead_story(
    browser: Browser, base: str
) -> None:
    with opened(browser, base + DEMO_PAGES["home"], width=360) as page:
        page.set_viewport_size({"width": 360, "height": 740})
        bottoms = page.evaluate(
            """() => ['.site-title', '.site-nav li', '.lead-story h2']
                .map(s => document.querySelector(s).getBoundingClientRect().bottom)"""
        )
        assert all(0 < bottom <= 740 for bottom in bottoms), bottoms
        height = page.evaluate(
            "document.querySelector('.site-nav ul').getBoundingClientRect().height"
        )
        assert height < 60, "the sections take one row, scrolling inside it"


def test_a_phones_breadcrumb_trail_is_one_line_and_screen_readers_get_all_of_it(
    browser: Browser, base: str
) -> None:
    with opened(browser, base + DEMO_PAGES["article-first-with-image"], width=360) as page:
        trail = page.locator("nav.breadcrumbs")
        line = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.breadcrumbs li')).lineHeight)"
        )
        assert trail.locator("ol").bounding_box()["height"] <= 2 * line  # type: ignore[index]
        spoken = trail.aria_snapshot()
        for crumb in ("首頁", "專題", "港灣區", "新聞", "燈塔島清灘活動"):
            assert crumb in spoken, (crumb, spoken)
    with opened(browser, base + DEMO_PAGES["article-first-with-image"], width=1280) as page:
        shown = page.locator("nav.breadcrumbs").inner_text()
        assert all(c in shown for c in ("專題", "港灣區", "燈塔島清灘活動")), "all shown when wide"


def test_a_phones_trail_marks_only_crumbs_it_hides(browser: Browser, base: str) -> None:
    """An ellipsis stands for the crumbs between home and the parent, and only for them: a
    trail of home and the page alone shows home alone, with nothing before it."""

    def before_each(path: str) -> list[str]:
        with opened(browser, base + path, width=360) as page:
            return list(
                page.evaluate(
                    "[...document.querySelectorAll('.breadcrumbs li')].map("
                    "li => getComputedStyle(li, '::before').content)"
                )
            )

    assert before_each("/search?q=%E6%B8%A1%E8%BC%AA") == ["none", '"›"']
    trail = before_each(DEMO_PAGES["article-first-with-image"])
    assert trail[0] == "none" and trail[-2] == '"› … ›"'


@pytest.mark.parametrize("width", WIDTHS)
def test_the_keyboard_reaches_a_section_and_the_next_page(
    browser: Browser, base: str, width: int
) -> None:
    """Real key presses: Tab to the header's sections (a row that scrolls inside itself on
    a phone) and to the pager's "older" link, and Enter follows each."""

    def tab_to(page: Page, selector: str) -> dict[str, Any]:
        for _ in range(150):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return settled_focus(page)
        raise AssertionError(f"Tab never reached {selector}")

    with opened(browser, base + DEMO_PAGES["home"], width=width) as page:
        last = tab_to(page, ".site-nav li:last-child a")
        assert last["visible"] and not last["covered"] and last["outline"], last
        page.keyboard.press("Enter")
        page.wait_for_url("**/about/")
    with opened(browser, base + DEMO_PAGES["home"], width=width) as page:
        older = tab_to(page, ".pager a[rel=next]")
        assert older["visible"] and not older["covered"] and older["outline"], older
        page.keyboard.press("Enter")
        page.wait_for_url("**/page/2/")
        assert page.locator("main h1").inner_text().startswith("最新文章")


WIDE_TABLE = "| | " + " | ".join(f"Column {n}" for n in range(12)) + " |\n"
WIDE_TABLE += "|---" * 13 + "|\n" + "| Row | " + " | ".join(["12,345"] * 12) + " |\n"
"""A table of row labels under an empty header cell, too wide for a phone: as a real
site's articles have them."""


def test_a_wide_table_with_row_labels_passes_axe_on_a_phone(
    browser: Browser, site: SiteFactory
) -> None:
    # Found on a real site: axe reported the table's region that scrolls but takes no
    # focus (WCAG 2.1.1: a keyboard could not scroll it) and its empty header cell.
    site.article("news/figures.md", title="Figures", body=WIDE_TABLE)
    server = running_server(str(site.root), "--no-watch")
    with server as url, opened(browser, url + "/news/figures/", width=320) as page:
        assert page.evaluate("document.querySelector('table').scrollWidth > 320")
        assert axe_violations(page) == []
        page.focus("table")
        page.keyboard.press("ArrowRight")  # scrolls it, in as long as it takes
        page.wait_for_function("document.querySelector('table').scrollLeft > 0", timeout=5000)


THEMED_BODY = """\
A claim.[^1] Another.[^2]

{{< details "更多" >}}
Folded text with [a link](https://example.org/).
{{< /details >}}

{{< blockquote author="A. Writer" link="https://example.org/source" >}}
Quoted words.
{{< /blockquote >}}

[^1]: [The source](https://example.org/a)
[^2]: Plain words.
"""
"""What Hugo themes' example sites put in one body: a footnote that ends in a link, a fold
and an attributed quote."""


def test_footnotes_folds_and_quotes_pass_axe(browser: Browser, site: SiteFactory) -> None:
    # Found on Even's example site: a footnote ending in a link left its back link, a
    # lone arrow just after it, a target too small (axe: target-size).
    site.article("news/themed.md", title="Themed", body=THEMED_BODY)
    server = running_server(str(site.root), "--no-watch")
    with server as url:
        for width in (320, 1280):
            with opened(browser, url + "/news/themed/", width=width) as page:
                assert page.locator("details summary").count() == 1
                assert page.locator("figure figcaption a").count() == 1
                assert axe_violations(page) == []
