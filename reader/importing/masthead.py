"""What a saved portal page says around its article: the headline among the page's other
headings, the site's name, and the section trail.

Portals put their logo in an ``h1``, a site-wide menu before the trail, a comment box full of
``>``, their own name as the trail's first crumb, and their name and channel after the
headline in ``<title>`` (``標題_頻道_某某網``); other sites write a ``<title>`` for search
engines. The rules here read the ``<title>`` first and believe the page's headings where
they agree with it, or else an ``h1`` that reads as a headline rather than a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

NOT_SECTIONS = frozenset(
    {"首頁", "首页", "主頁", "主页", "網站首頁", "网站首页", "home", "homepage", "home page",
     "startseite", "start", "zur startseite", "accueil", "inicio", "正文", "正文內容",
     "正文内容", "內容", "内容", "詳情", "详情", "文章", "article"}
)  # fmt: skip
"""Crumbs that name no section: the home page, and the page itself."""
_HOME_SUFFIX = re.compile(r"(?:首頁|首页|主頁|主页|home)$", re.IGNORECASE)
"""A home link named for the site (网易首页, CSDN首页)."""
_TRAIL_MARK = re.compile(
    r"crumb|bread|mbx|weizhi|location|position(?!-(?:relative|absolute|fixed|sticky|static))"
    r"|(?:^|[\s_-])(?:nav_?)?path(?:$|[\s_-])|navpath",
    re.IGNORECASE,
)
"""Class names and ids portals give their trail (``post_crumb``, ``weizhi``, ``news_path``),
not a stylesheet's ``position-relative``."""
_TRAIL_LABEL = re.compile(r"(?:位置|You are here)\s*[:：]", re.IGNORECASE)
"""The label before an unmarked trail: 當前位置：, 您所在的位置：, 现在位置：."""
_SEPARATOR = re.compile(r"[>›»＞→]")
_DECORATION = "←→«»‹›<>|•·＞ \t\n"
"""Arrows and bullets a link's name is drawn with (``› Gebäck``, ``Next »``)."""
_NOT_A_TRAIL = re.compile(
    r"\b(?:previous|next|vorherige[rs]?|nächste[rs]?|précédent|suivant)\b|上一|下一|://|\w\.\w+/|©",
    re.IGNORECASE,
)
"""Words of links that page through articles, addresses and copyright lines: a run of
links with one of them is no trail."""
SENTENCE = re.compile(r"[，。！？；：,!?;]|[.:]\s")
"""Punctuation that makes a text a sentence, which no section or keyword name is."""
MAX_NAME = 20
"""Han characters a section's, keyword's or person's name may have (twice as many Latin
letters); longer is a headline or a remark."""
MAX_LOGO = 12
"""Han characters an ``h1`` with no sentence in it may have and still be a name (twice as
many Latin letters)."""
_HAN = re.compile(r"[\u3400-\u9fff]")
_TITLE_SEPARATOR = re.compile(
    r"\s*(?:_+|\|+|｜|--+|——|\s[-–—»·]\s"
    r"|(?<=[\u3400-\u9fff）】」』”》])-|-(?=[\u3400-\u9fff（【「『“《]))\s*"
)
"""Where a ``<title>`` joins headline, channel and site: ``_``, ``|``, ``--``, a spaced dash,
``»`` or ``·``, or a hyphen beside a Han character (not ``1-10月``, ``COVID-19``)."""
_HEADINGS = ("h1", "h2")
_TITLED = re.compile(r"title|headline|biaoti", re.IGNORECASE)


def normalized(text: str) -> str:
    """Text with its runs of whitespace made one space."""
    return " ".join(text.split())


def page_title(tree: Any) -> str:
    """The page's ``<title>``, its whitespace normalized."""
    found = tree.find(".//title")
    return normalized(found.text_content()) if found is not None else ""


def title_segments(tree: Any) -> tuple[str, ...]:
    """The page's ``<title>`` cut where it joins headline, channel and site name."""
    return tuple(part for part in _TITLE_SEPARATOR.split(page_title(tree)) if part)


def _names(segments: tuple[str, ...]) -> list[str]:
    """The parts of a ``<title>`` after its first that name a channel or the site: short,
    and no sentence (``明日股市预测--最新出炉联合国贸发报告：…`` puts the headline last)."""
    return [s for s in segments[1:] if a_name(s)]


def site_name(segments: tuple[str, ...]) -> str:
    """The site's name: the ``<title>``'s last name (``…_和讯网``, ``… - Süddeutsche.de``);
    "" when the title names none."""
    names = _names(segments)
    return names[-1] if names else ""


def headline(tree: Any) -> str:
    """The article's headline: the first heading (or element named as a title) that the
    ``<title>`` repeats with its first part; else one it repeats that is no channel's or
    site's name; else one that is its longest part (``天氣快訊--颱風今晚逼近…``); else the
    first ``h1`` that is no logo; else the ``h1`` of a ``<title>`` naming the site alone;
    else the ``<title>``'s first part that is no name."""
    segments = title_segments(tree)
    whole, joined = page_title(tree), " ".join(segments)
    names = set(_names(segments))
    repeated = [
        text
        for text in (
            normalized(e.text_content())
            for e in (
                *(e for tag in _HEADINGS for e in tree.iter(tag)),
                *(e for e in tree.iter() if _TITLED.search(_names_of(e))),
            )
        )
        if len(text) >= 2 and (text in whole or text in joined)
    ]
    longest = max(segments, key=len, default="")
    for chosen in (
        next((t for t in repeated if segments[0] in t), None),
        next((t for t in repeated if t not in names), None),
        next((t for t in repeated if t == longest), None),
    ):
        if chosen is not None:
            return chosen
    h1s = [t for t in (normalized(e.text_content()) for e in tree.iter("h1")) if t]
    first_h1 = h1s[0] if h1s else ""
    worded = next((t for t in h1s if not _a_logo(t)), None)
    if worded is not None:
        return worded  # a <title> written for search engines (ADAC Kindersitz-Test 2018)
    if len(segments) == 1 and first_h1 and not (a_name(first_h1) and not a_name(segments[0])):
        return first_h1  # a <title> naming only the site (港灣新聞), an h1 its headline
    return next((s for s in segments if s not in names), first_h1)


def _a_logo(text: str) -> bool:
    """Whether an ``h1`` reads as a site's or a channel's name rather than a headline:
    short and no sentence (新闻中心, CNET.de, Letters to the Editor), or a ``<title>`` of
    its own, parts joined (今日股市行情_明日大盘_…)."""
    short = len(text) <= (MAX_LOGO if _HAN.search(text) else 2 * MAX_LOGO)
    return (short and not SENTENCE.search(text)) or len(_TITLE_SEPARATOR.split(text)) > 2


def marked_kicker(tree: Any) -> str:
    """The series or topic line a page marks as its kicker (``<p class="kicker">``,
    ``eyebrow``, ``overline``) above the headline, when it is a name; else ""."""
    for element in tree.iter():
        if _KICKER.search(_names_of(element)):
            text = normalized(element.text_content())
            return text if text and a_name(text) else ""
    return ""


_KICKER = re.compile(r"(?:^|[\s_-])(?:kicker|eyebrow|overline)(?:$|[\s_-])", re.IGNORECASE)


def a_name(text: str) -> bool:
    """Whether a text could be a name (a site's, a section's, a keyword, a person's): short
    (twice as long in Latin letters) and no sentence."""
    limit = MAX_NAME if _HAN.search(text) else 2 * MAX_NAME
    return len(text) <= limit and not SENTENCE.search(text)


def trail(tree: Any, title: str, site: str) -> tuple[str, ...]:
    """The section trail, its home, its page and the site's name left out: from the first
    element marked as a trail (by class, id, ``aria-label`` or schema.org), else the first
    labelled 當前位置：, else the first short run of links joined by ``>``."""
    marked, labelled, joined = [], [], []
    for element in tree.iter("nav", "div", "p", "span", "ol", "ul", "li", "td", "h2", "h3"):
        links = element.findall(".//a")
        text = element.text_content()
        if not links or len(links) > 12 or len(text) > 300:
            continue
        if _TRAIL_MARK.search(_names_of(element)):
            marked.append(element)
        elif _TRAIL_LABEL.search(_own_text(element)):
            labelled.append(element)
        elif len(links) >= 2 and len(text) < 200 and _SEPARATOR.search(_between(element)):
            joined.append(element)
    for element in (*marked, *labelled, *joined):
        crumbs = _crumbs_of(element.findall(".//a"), title, site)
        if crumbs:
            return crumbs
    return ()


def _crumbs_of(links: list[Any], title: str, site: str) -> tuple[str, ...]:
    """A trail's section names; none when one before the last is no name (a headline, a
    comment: this is no trail). The last may be the page's own title, cut short."""
    crumbs: list[str] = []
    for place, link in enumerate(links):
        text = normalized(link.text_content()).strip(_DECORATION)
        if _NOT_A_TRAIL.search(text):
            return ()
        if not text or _leads_home(link, text, site, first=place == 0) or text == title:
            continue
        if "rss" in text.lower() or "rss" in (link.get("href") or "").lower():
            continue  # a feed's link, put beside the trail
        if not a_name(text):
            return tuple(crumbs) if place == len(links) - 1 else ()
        if not crumbs or crumbs[-1] != text:
            crumbs.append(text)
    return tuple(crumbs)


def _leads_home(link: Any, text: str, site: str, first: bool) -> bool:
    """Whether a crumb is the home page: by its name or the site's, or, first in the trail,
    by its address, a site's root (人民网 leads to www.people.com.cn/; a channel after it
    may lead to its own host's root, culture.people.com.cn/)."""
    if text.lower() in NOT_SECTIONS or _HOME_SUFFIX.search(text) or text == site:
        return True
    href = link.get("href")
    return first and href is not None and _ROOT.fullmatch(urlsplit(href).path) is not None


_ROOT = re.compile(r"/?(?:index\.\w+)?")


def keywords(words: Iterable[str], named: Iterable[str]) -> tuple[str, ...]:
    """Keywords once each, without what is no keyword: what ``named`` names already (the
    headline, the site, the sections), a sentence, a number, markup, a name too long."""
    known = set(named)
    kept = (
        w
        for w in (normalized(word) for word in words)
        if w and w not in known and a_name(w) and not w.isdigit() and not _MARKUP.search(w)
    )
    return tuple(dict.fromkeys(kept))


_MARKUP = re.compile(r"[<>=\"]")
"""What no keyword holds: a broken ``meta`` element's markup read as its words."""


def _between(element: Any) -> str:
    """An element's text outside its links: where a trail's separators are (a ``›`` inside
    each link's name is a bullet, not a separator)."""
    parts = [element.text or ""]

    def outside_links(parent: Any) -> None:
        for child in parent:
            if isinstance(child.tag, str) and child.tag != "a":
                parts.append(child.text or "")
                outside_links(child)
            parts.append(child.tail or "")

    outside_links(element)
    return "".join(parts)


def _own_text(element: Any) -> str:
    """The text an element holds itself, not inside its children (a trail's label)."""
    return "".join([element.text or "", *(child.tail or "" for child in element)])


def _names_of(element: Any) -> str:
    """An element's class, id and ARIA label, and its schema.org type, as one text."""
    if not isinstance(element.tag, str):
        return ""  # a comment or processing instruction
    get = element.get
    return " ".join(v for v in (get("class"), get("id"), get("aria-label"), get("itemtype")) if v)
