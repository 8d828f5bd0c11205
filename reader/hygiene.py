"""Detectors for polluted content: pinyin glued into the text, injected link farms, text in
the other script than its ``lang`` says. The loader, ``reader check``, ``reader fix`` and
``reader import`` share them, so an article is judged the same wherever it comes from.

The rules, and what they leave alone, are written down in docs/import.md.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- Pinyin glued into the text -----------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_GLUED = re.compile(rf"([\u3400-\u9fff\uf900-\ufaff])([(（])([a-zA-Z{_TONED}]{{1,6}}[1-5]?)([)）])")
MIN_GLUED = 3
"""How many annotations an article must hold before they count as a converter's junk: one
or two are an editor showing how a word is read, on purpose."""


def _plain_syllable(syllable: str) -> str:
    """A syllable without tone marks or tone number, ü as v (pypinyin's NORMAL style)."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", syllable.lower()) if not unicodedata.combining(c)
    )
    return stripped.rstrip("12345").replace("ü", "v").replace("u\u0308", "v")


@functools.lru_cache(maxsize=8192)
def _readings(character: str) -> frozenset[str]:
    """Every reading of a character, without tones (``區``: qu, ou, gou, qiu, kou)."""
    from pypinyin import Style, pinyin

    found = pinyin(character, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(r.replace("ü", "v") for group in found for r in group)


def glued_pinyin(text: str) -> list[re.Match[str]]:
    """The junk annotations of ``text`` (``區(qū)``): a Han character, then in parentheses
    straight after it one syllable that is a reading of that character; and only when
    there are at least ``MIN_GLUED`` of them. A gloss of a word (``社區（shèqū）``), English
    or numbers in parentheses, and a lone annotation are left alone."""
    found = [m for m in _GLUED.finditer(text) if _plain_syllable(m[3]) in _readings(m[1])]
    return found if len(found) >= MIN_GLUED else []


def without_glued_pinyin(text: str) -> tuple[str, int]:
    """``text`` with its junk annotations removed, and how many there were."""
    found = glued_pinyin(text)
    if not found:
        return text, 0
    kept, start = [], 0
    for match in found:
        kept.append(text[start : match.start(2)])
        start = match.end(4)
    kept.append(text[start:])
    return "".join(kept), len(found)


# --- Injected link farms ------------------------------------------------------------------

SPAM_WORDS = (
    "博彩", "赌博", "賭博", "赌场", "賭場", "娱乐城", "娛樂城", "百家乐", "百家樂", "六合彩",
    "时时彩", "時時彩", "老虎机", "老虎機", "真人视讯", "真人視訊", "棋牌", "投注", "下注",
    "开户送", "開戶送", "彩金", "色情", "约炮", "約炮", "成人视频", "成人影片", "蜘蛛池",
    "站群", "外链", "外鏈", "快排", "代孕", "办证", "辦證", "代开发票", "代開發票", "私服",
    "必威体育", "必威體育", "亚博体育", "亞博體育", "开云体育", "開雲體育", "乐鱼体育", "樂魚體育",
    "万博体育", "萬博體育", "十博体育", "十博體育", "bet365",
    "casino", "poker", "betting", "porn", "viagra", "cialis", "escort", "slot machine",
)  # fmt: skip
"""Words of the gambling, adult and SEO-spam trades that link farms are made of (among them
betting brands that pass for sports sites, found injected into a county portal's 友情链接)."""
MIN_FARM_LINKS = 3
"""Links to other hosts a visible block needs, beside spam words, to be a farm."""
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])"
    r"|opacity\s*:\s*0(?![.\d]*[1-9])|(?:left|top|text-indent)\s*:\s*-\d{3,}"
    r"|height\s*:\s*0[a-z]*\s*;[^\"]*overflow\s*:\s*hidden",
    re.IGNORECASE,
)
_BLOCKS = ("p", "div", "ul", "ol", "section", "aside", "table", "span", "li", "dl", "center")


@dataclass(frozen=True)
class LinkFarm:
    """A block of links injected into an article."""

    hosts: tuple[str, ...]
    """The other hosts it links to, in order."""
    links: int
    reason: str
    """"hidden" (styled out of sight) or "spam" (spam words among many outside links)."""
    first_href: str
    """Its first outside link as written, to find the block in the source."""
    spam: bool = True
    """Whether its words are the spam trades' (a hidden menu of a site's own links is not)."""


def _host(href: str) -> str:
    try:
        return (urlsplit(href.strip()).hostname or "").lower()
    except ValueError:
        return ""


def _outside(host: str, allowed: Iterable[str]) -> bool:
    return bool(host) and not any(host == a or host.endswith("." + a) for a in allowed)


def _spam_words(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in SPAM_WORDS)


def _is_hidden(element: object) -> bool:
    style = getattr(element, "get", lambda _: None)("style") or ""
    hidden = getattr(element, "get", lambda _: None)("hidden")
    return hidden is not None or bool(_HIDDEN_STYLE.search(style))


def _farm(element: object, allowed: frozenset[str]) -> LinkFarm | None:
    """The element as a link farm, if it is one."""
    from lxml.html import HtmlElement

    assert isinstance(element, HtmlElement)
    anchors = [a for a in element.iter("a") if _outside(_host(a.get("href") or ""), allowed)]
    if not anchors:
        return None
    hosts = tuple(dict.fromkeys(_host(a.get("href") or "") for a in anchors))
    first = anchors[0].get("href") or ""
    text = element.text_content()
    spam = _spam_words(text + " " + " ".join(a.get("href") or "" for a in anchors))
    if _is_hidden(element):
        return LinkFarm(hosts, len(anchors), "hidden", first, spam)
    if len(anchors) < MIN_FARM_LINKS or len(hosts) < 2:
        return None
    linked = sum(len(a.text_content().strip()) for a in element.iter("a"))
    dense = linked >= 0.5 * max(1, len(text.strip()))
    if dense and spam:
        return LinkFarm(hosts, len(anchors), "spam", first)
    return None


def without_link_farms(fragment: str, allowed: frozenset[str]) -> tuple[str, list[LinkFarm]]:
    """HTML (as written, before sanitising, which would make hidden links visible) without
    its link farms, and the farms. Links to ``allowed`` hosts (the site's own and its
    ``link_allowlist``) never make a farm."""
    outside = fragment.count('href="http') + fragment.count("href='http")
    hiding = "style=" in fragment or "hidden" in fragment
    if outside == 0 or (outside < MIN_FARM_LINKS and not hiding):
        return fragment, []  # most bodies: no parsing at all
    from lxml import etree
    from lxml.html import fragment_fromstring, tostring

    try:
        root = fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment, []
    farms = drop_link_farms(root, allowed)
    if not farms:
        return fragment, []
    inner = (root.text or "") + "".join(
        tostring(child, encoding="unicode") for child in root if isinstance(child.tag, str)
    )
    return inner, farms


def drop_link_farms(root: object, allowed: frozenset[str]) -> list[LinkFarm]:
    """Take the link farms out of a parsed HTML tree, in place; the farms."""
    from lxml.html import HtmlElement

    assert isinstance(root, HtmlElement)
    farms: list[LinkFarm] = []

    def visit(element: HtmlElement) -> None:
        for child in list(element):
            if not isinstance(child.tag, str):
                continue
            farm = _farm(child, allowed) if child.tag in _BLOCKS else None
            if farm is None:
                visit(child)
                continue
            farms.append(farm)
            tail = child.tail or ""
            previous = child.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                element.text = (element.text or "") + tail
            element.remove(child)

    visit(root)
    return farms


# --- Text in the other script -------------------------------------------------------------

MIN_HAN_FOR_SCRIPT = 20
"""Han characters a text needs before its script is judged: a short title may be either."""


def script_of(text: str) -> str | None:
    """``zh-Hans`` or ``zh-Hant`` when the text is clearly in one script, else None.

    Characters found in only one script are counted (a lookup each, so every article can
    be judged at load); the text is that script's when it has four times as many of its
    characters as of the other's, and at least three.
    """
    han = [c for c in text if "\u3400" <= c <= "\u9fff"]
    if len(han) < MIN_HAN_FOR_SCRIPT:
        return None
    traditional_only, simplified_only = _script_only()
    simplified = sum(c in simplified_only for c in han)
    traditional = sum(c in traditional_only for c in han)
    if simplified >= 4 * max(1, traditional) and simplified >= 3:
        return "zh-Hans"
    if traditional >= 4 * max(1, simplified) and traditional >= 3:
        return "zh-Hant"
    return None


@functools.cache
def _script_only() -> tuple[frozenset[str], frozenset[str]]:
    """The characters that converting to the other script changes, for each script: made
    once from OpenCC's tables, a character a line."""
    from reader.scripts import converted

    characters = [chr(c) for c in range(0x4E00, 0xA000)]
    joined = "\n".join(characters)
    to_simplified = converted(joined, "t2s").split("\n")
    to_traditional = converted(joined, "s2t").split("\n")
    traditional = frozenset(c for c, s in zip(characters, to_simplified, strict=False) if s != c)
    simplified = frozenset(c for c, t in zip(characters, to_traditional, strict=False) if t != c)
    return traditional, simplified


def script_of_language(lang: str) -> str | None:
    """The script a language tag names: ``zh-TW`` and ``zh-Hant`` are Traditional,
    ``zh-CN`` and ``zh-Hans`` Simplified; None for ``zh`` alone and other languages."""
    parts = lang.lower().split("-")
    if parts[0] != "zh":
        return None
    if "hant" in parts or any(p in ("tw", "hk", "mo") for p in parts):
        return "zh-Hant"
    if "hans" in parts or any(p in ("cn", "sg", "my") for p in parts):
        return "zh-Hans"
    return None


# --- A kicker glued to the title ----------------------------------------------------------

_KICKER_BAR = re.compile(r"^\s*([^丨|｜]{1,20}?)\s*[丨|｜]\s*([^\s=|].*)$")
"""A bar followed by ``=`` or another bar is code (``|=``, ``||``), not a separator."""


def glued_kicker(title: str) -> tuple[str, str] | None:
    """A series name glued to a title with a bar (``系列名丨標題``): (kicker, title)."""
    found = _KICKER_BAR.match(title)
    return (found[1].strip(), found[2].strip()) if found else None
