"""Saved news pages: the article's text by trafilatura, and what extraction drops as
boilerplate (the breadcrumb trail, source, author, hot words, neighbours) by heuristics that
fit the pages of Chinese portals, or by an import profile's CSS selectors."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from reader.encodings import UnknownEncodingError, decode_text
from reader.hygiene import drop_link_farms, glued_kicker, without_glued_pinyin
from reader.importing import masthead, structured
from reader.importing.mainbody import article_element
from reader.importing.masthead import MAX_NAME
from reader.importing.record import ImageRef, Imported, NotArticle

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
_LABEL = r"[ \t\u3000\xa0]*[:：][ \t\u3000\xa0]*"
"""A label's colon: spaces around it, but no line break (a label ending a line is empty)."""
_NEXT_LABEL = (
    r"(?:作者|記者|记者|編輯|编辑|責任編輯|责任编辑|時間|时间|日期|發布|发布|發表|发表|瀏覽|浏览"
    r"|點擊|点击|閱讀|阅读|字號|字号)"
)
_VALUE = rf"((?:(?!{_NEXT_LABEL})[^\s　|｜])*)"
"""A label's value: up to a space, a bar or the next label (來源：某報作者：某人)."""
_SOURCE = re.compile(rf"(?:信息|稿件|新聞|新闻)?(?:來源|来源|出處|出处|Source){_LABEL}{_VALUE}")
_AUTHOR = re.compile(rf"(?:作者|記者|记者|撰文|文|Author|By){_LABEL}{_VALUE}")
_WORD_CHARACTER = re.compile(r"[A-Za-z\u3400-\u9fff]")
"""What a label may not follow: a letter (a time, 12:11來源：, may come before one)."""
PLACEHOLDERS = frozenset(
    {"未知", "不詳", "不详", "佚名", "匿名", "網絡", "网络", "網絡整理", "网络整理", "互聯網",
     "互联网", "本站", "本站原創", "本站原创", "admin", "unknown", "n/a", "none"}
)  # fmt: skip
"""What a portal writes after 來源 or 作者 when it names no one: left out, as an empty label."""
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：時时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?"
)
_HOT_WORDS = re.compile(r"(熱詞|热词|關鍵詞|关键词|關鍵字|关键字|標籤|标签|Tags|Keywords)")
_PREVIOUS = re.compile(r"(上一篇|上一條|上一条|Previous)")
_NEXT = re.compile(r"(下一篇|下一條|下一条|Next)")


@dataclass(frozen=True)
class Profile:
    """CSS selectors for a site whose pages the heuristics misread (``--profile FILE``)."""

    title: str = ""
    breadcrumb: str = ""
    source: str = ""
    author: str = ""
    date: str = ""
    tags: str = ""
    body: str = ""
    drop: tuple[str, ...] = ()

    @classmethod
    def of(cls, table: dict[str, Any]) -> Profile:
        """A profile from its TOML table; an unknown key is an error the user sees."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(table) - known
        if unknown:
            raise ValueError(f"unknown profile keys: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {
            k: (tuple(str(s) for s in v) if k == "drop" else str(v)) for k, v in table.items()
        }
        return cls(**values)


def read_page(
    path: Path,
    root: Path,
    zone: tzinfo,
    profile: Profile,
    site_words: frozenset[str] = frozenset(),
) -> Imported | str:
    """One saved page as an article; or why it is none (a line of the summary).
    ``site_words`` are keywords the whole site's pages give (``site_wide_keywords``)."""
    from lxml import html as lxml_html

    text = _page_text(path)
    if isinstance(text, _Unread):
        return str(text)
    try:
        tree = lxml_html.fromstring(text)
    except Exception:  # lxml refuses empty or binary documents in several ways
        return f"{path}: not an HTML page"
    canonical = _canonical(tree) or _mirrored_url(path, root)
    host = urlsplit(canonical).hostname or ""
    for selector in profile.drop:
        for element in tree.cssselect(selector):
            element.drop_tree()
    notes: list[str] = []
    dropped = drop_link_farms(tree, _own_hosts(host))
    farms = [farm for farm in dropped if farm.spam]
    hidden = [farm for farm in dropped if not farm.spam]  # a dropdown menu, a tracker
    if farms:
        notes.append(f"{len(farms)} link farm(s) dropped ({', '.join(farms[0].hosts[:3])})")
    if hidden:
        hosts = ", ".join(hidden[0].hosts[:3])
        notes.append(f"{len(hidden)} hidden block(s) of links left out ({hosts})")
    raw = lxml_html.tostring(tree, encoding="unicode")
    segments = masthead.title_segments(tree)
    title = headline = _selected(tree, profile.title) or masthead.headline(tree)
    if not title:
        return NotArticle(f"{path}: no headline found (give a title selector in an import profile)")
    if not profile.body and structured.lists_articles(tree):
        return NotArticle(f"{path}: a list of articles (a section's, a keyword's), not one")
    body_html = _selected_html(tree, profile.body)
    body = _without_datelines(_extracted(body_html or raw, canonical))
    if "\n\n" not in body.strip():
        # One block: a short story that extraction gave as the page's whole text, kicker,
        # headline and byline run in (its fallback); a precise reading gives the story.
        precise = _without_datelines(_extracted(body_html or raw, canonical, precise=True))
        if len(_plain(precise)) >= MIN_ARTICLE_CHARACTERS:
            body = precise
    if not body_html and _polluted(body):
        # Comment threads and lists of other articles taken for the story: read only the
        # element that holds the article's paragraphs, if one does.
        article = _article_html(tree)
        narrowed = _without_datelines(_extracted(article, canonical)) if article else ""
        if len(_plain(narrowed)) >= MIN_ARTICLE_CHARACTERS:
            body = narrowed
    if len(_plain(body)) < MIN_ARTICLE_CHARACTERS:
        return NotArticle(f"{path}: no article text found (an index or a navigation page?)")
    if structured.says_website(tree) and not _has_prose(body):
        return NotArticle(f"{path}: no paragraph of prose on a page that calls itself no article")
    body, glued = without_glued_pinyin(body.strip())
    title, glued_in_title = without_glued_pinyin(title)
    if glued + glued_in_title:
        notes.append(f"{glued + glued_in_title} glued pinyin annotations removed")
    kicker = masthead.marked_kicker(tree)
    split = glued_kicker(title)
    if split is not None:
        kicker, title = split
    body = _without_repeated_title(body, (headline, title, kicker))
    page_text = _block_text(tree)
    site = masthead.site_name(segments)
    crumbs = _crumbs(tree, profile, headline, site) or _stated_section(tree)
    images = tuple(_image_refs(body, path, root, canonical))
    return Imported(
        origin=str(path),
        title=title,
        date=_date(tree, profile, page_text, raw, zone),
        body=body,
        canonical=canonical,
        kicker=kicker,
        source=_labelled(tree, profile.source, _SOURCE, page_text),
        author=_labelled(tree, profile.author, _AUTHOR, page_text) or _byline(tree, page_text),
        crumbs=crumbs,
        tags=_keywords(tree, profile, (headline, site), (*crumbs, *site_words)),
        images=images,
        lead=images[0] if images else None,
        previous=_neighbour(tree, _PREVIOUS),
        next=_neighbour(tree, _NEXT),
        notes=tuple(notes),
        slug=_slug_of(canonical),
    )


POLLUTED_LINKS = 30
POLLUTED_SHARE = 0.15
"""An extraction with this many links, their words this part of its text, took a page's
comments or teasers for its article (portals' were 47-125 links and 19-62 % of the text; of
109 European pages, one had as many: a Wikipedia article's references, at 18 %)."""


def _polluted(markdown: str) -> bool:
    """Whether an extraction is mostly other pages' links: comments, teasers, menus."""
    links = _LINK.findall(markdown)
    if len(links) < POLLUTED_LINKS:
        return False
    linked = sum(len("".join(text.split())) for text in links)
    return linked >= POLLUTED_SHARE * max(1, len(_plain(markdown)))


_LINK = re.compile(r"(?<!!)\[([^\[\]]*)\]\([^()\n]*\)")


def _article_html(tree: Any) -> str:
    """The HTML of the element that holds the article's paragraphs (``mainbody``), or ""."""
    from lxml import html as lxml_html

    element = article_element(tree)
    return "" if element is None else str(lxml_html.tostring(element, encoding="unicode"))


def _extracted(page: str, canonical: str, *, precise: bool = False) -> str:
    """An article's text as Markdown, by trafilatura: headings, lists, tables, links and
    images kept; a script's buttons (打印本页, 关闭窗口) left out."""
    import trafilatura

    found = trafilatura.extract(
        page,
        output_format="markdown",
        include_images=True,
        include_links=True,
        include_tables=True,
        include_formatting=True,
        include_comments=False,
        favor_precision=precise,
        url=canonical or None,
    )
    return _without_script_links(found or "")


_SCRIPT_LINK = re.compile(
    r"!?\[[^\[\]\n]*\]\(\s*(?:<\s*(?:javascript|vbscript|data):[^<>\n]*>"
    r"|(?:javascript|vbscript|data):(?:[^()\s]|\([^()\s]*\))*)\s*\)",
    re.IGNORECASE,
)
"""A Markdown link or image to a script (``[打印本页](<javascript:window.print();>)``): a
page's button, which no reader's page would follow, and which Markdown leaves as text."""
_ONLY_MARKS = re.compile(r"^[ \t|【】〔〕\[\]（）()<>]*$", re.MULTILINE)


def _without_script_links(markdown: str) -> str:
    """Markdown without links to scripts, and without the lines they leave with nothing but
    brackets and bars."""
    if not _SCRIPT_LINK.search(markdown):
        return markdown
    kept = []
    for line in markdown.split("\n"):
        left = _SCRIPT_LINK.sub("", line)
        if left == line or left.strip() == "" or not _ONLY_MARKS.match(left):
            kept.append(left)
    return "\n".join(kept)


class _Unread(str):
    """Why a saved page could not be read as text."""


def _page_text(path: Path) -> str:
    """A saved page's text; an ``_Unread`` saying why, when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return _Unread(f"{path}: cannot be read ({error.strerror})")
    # A page that names its encoding, and whose bytes are all valid in it, is read as it
    # says, as a browser reads it (a windows-1252 page could pass for GB18030); the rest
    # are detected by the loader's one function.
    declared = _declared_charset(data)
    try:
        return data.decode(declared) if declared else decode_text(data).text
    except UnicodeDecodeError:
        try:
            return decode_text(data).text
        except UnknownEncodingError as error:
            return _Unread(f"{path}: {error}")
    except UnknownEncodingError as error:
        return _Unread(f"{path}: {error}")


HEAD_CHARACTERS = 65_536
"""How much of a page is searched for its ``meta keywords``: a head is smaller."""
SITE_WIDE_SHARE = 0.5
"""A ``meta keywords`` word on this part of a site's pages (five or more) is the site's."""
_META_KEYWORDS = re.compile(
    r"""<meta\s(?=[^<>]{0,2000}name\s*=\s*["']?keywords)[^<>]{0,2000}content\s*=\s*(["'])"""
    r"""([^<>]{0,4000}?)\1""",
    re.IGNORECASE | re.DOTALL,
)


def site_wide_keywords(paths: list[Path]) -> frozenset[str]:
    """The ``meta keywords`` words that half of the pages or more give, of five or more:
    the site's own (头条网, 山西省人民政府网站), which as tags would each hold every article."""
    if len(paths) < 5:
        return frozenset()
    counts: Counter[str] = Counter()
    for path in paths:
        text = _page_text(path)
        head = "" if isinstance(text, _Unread) else text[:HEAD_CHARACTERS]
        end = head.lower().find("</head>")
        head = head[:end] if end >= 0 else head
        found = _META_KEYWORDS.search(head)
        if found:
            counts.update(set(meta_keywords(html_unescape(found[2]))))
    return frozenset(w for w, n in counts.items() if n >= SITE_WIDE_SHARE * len(paths))


def meta_keywords(content: str) -> list[str]:
    """The words of a ``meta keywords`` list: comma'd, or, in Chinese, often spaced."""
    listed = [w.strip() for w in re.split(r"[,，、;；|｜]+", content)]
    if len(listed) == 1 and re.search(r"[\u3400-\u9fff]", listed[0]):
        listed = listed[0].split()
    return [w for w in listed if w]


def _own_hosts(host: str) -> frozenset[str]:
    """The page's host and its site's domain (news.163.com: 163.com), whose links (a login
    menu's, go.163.com) are the site's own and make no link farm."""
    from tld import get_fld

    domain = get_fld(host, fail_silently=True, fix_protocol=True) if host else None
    return frozenset(h for h in (host, domain) if h)


_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The encoding a page's ``<meta>`` declares, when Python knows it."""
    import codecs

    found = _CHARSET.search(data[:4096])
    if found is None:
        return None
    try:
        return codecs.lookup(found[1].decode("ascii")).name
    except LookupError:
        return None


MIN_ARTICLE_CHARACTERS = 40
"""Less text than this (links and images aside) is no article: an index or a menu."""


def _plain(markdown: str) -> str:
    """The words of Markdown, without its links' addresses, images and markup."""
    text = _MARKDOWN_IMAGE.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    return re.sub(r"[\s#*|_>`-]+", "", text)


_ORIGINAL_TITLE = re.compile(r"^[（(]?(?:本文)?原[標标][題题][：:]\s*《?(.+?)》?[）)]?$")
"""A republished story's note of its title at the source: 原标题：…, （原標題：…）."""


def _has_prose(markdown: str) -> bool:
    """Whether a text has a line of prose (a sentence's length of words, no link's), not
    only menus and lists of names."""
    unlinked = _LINK.sub("", _MARKDOWN_IMAGE.sub("", markdown))
    return any(len(_plain(line)) >= MIN_ARTICLE_CHARACTERS for line in unlinked.splitlines())


def _without_repeated_title(body: str, titles: tuple[str, ...]) -> str:
    """The body without opening paragraphs that only say the headline or kicker again, as
    they are or as a note of the original title; one that gives another title stays."""
    said = {masthead.normalized(t) for t in titles if t}
    blocks = body.split("\n\n")

    def repeats(block: str) -> bool:
        text = masthead.normalized(block.strip("#*_ \n"))
        original = _ORIGINAL_TITLE.match(text)
        return text in said or (original is not None and masthead.normalized(original[1]) in said)

    head = blocks[:3]
    return "\n\n".join([b for b in head if not repeats(b)] + blocks[3:])


def _without_datelines(body: str) -> str:
    """The body without the page's byline (date, 來源, 作者) that extraction kept as text,
    a line of its own: those go into the front matter. A paragraph longer than a byline
    holds more than one, and stays."""
    blocks = body.strip().split("\n\n")
    kept = [
        b
        for i, b in enumerate(blocks)
        if not (
            i < 3
            and len(_plain(b)) <= MAX_BYLINE_CHARACTERS
            and _DATE.search(b)
            and (_SOURCE.search(b) or _AUTHOR.search(b))
        )
    ]
    return "\n\n".join(kept)


MAX_BYLINE_CHARACTERS = 80
"""Characters of words a byline line has at most (date, source, author, reading time)."""


_BLOCK_TAGS = (
    *("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("section", "article", "header", "footer", "dd", "dt", "table", "ul", "ol"),
)


def _block_text(tree: Any) -> str:
    """The page's text with a line between blocks and only there, so a label's value never
    runs into the next paragraph (the tree's text is joined with no space), and a value on
    the next line of the page's source (``來源：\n  新華網``) is still the label's."""
    for element in tree.iter():
        if element.tag == "style":
            element.text = ""  # a stylesheet's numbers (SVG paths) would pass for dates
        elif isinstance(element.tag, str) and element.text:
            element.text = _SPACES.sub(" ", element.text)
        if element.tail:
            element.tail = _SPACES.sub(" ", element.tail)
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return str(tree.text_content())


_SPACES = re.compile(r"\s+")


def _selected(tree: Any, selector: str) -> str:
    if not selector:
        return ""
    found = tree.cssselect(selector)
    return " ".join(found[0].text_content().split()) if found else ""


def _selected_html(tree: Any, selector: str) -> str:
    if not selector:
        return ""
    from lxml import html as lxml_html

    found = tree.cssselect(selector)
    return "".join(lxml_html.tostring(e, encoding="unicode") for e in found)


def _canonical(tree: Any) -> str:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        found = tree.xpath(xpath)
        if found and found[0].strip().startswith(("http://", "https://")):
            return str(found[0].strip())
    return ""


def _mirrored_url(path: Path, root: Path) -> str:
    """A page of a ``wget --mirror`` copy (``root/host/a/b.html``) at its old address."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return ""
    if len(parts) > 1 and "." in parts[0]:
        return "https://" + "/".join(parts)
    return ""


def _date(tree: Any, profile: Profile, text: str, raw: str, zone: tzinfo) -> datetime | None:
    """The publication time, in the site's zone: the profile's, if it finds one; else the
    page's metadata (``article:published_time``), unless it gives a day alone and the text
    that day's time; else the first valid date and time written on the page; else
    htmldate's reading."""
    selected = _first_written(_selected(tree, profile.date), zone) if profile.date else None
    if selected is not None:
        return selected
    written = _first_written(text, zone)
    stated = structured.stated_date(tree, zone)
    if stated is not None:
        when, timed = stated
        if timed or written is None or written.date() != when.date():
            return when
    if written is not None:
        return written
    from htmldate import find_date

    day_found = find_date(raw, extensive_search=False, original_date=True)
    if day_found:
        return datetime.fromisoformat(day_found).replace(tzinfo=zone)
    return None


def _first_written(text: str, zone: tzinfo) -> datetime | None:
    """The first real date written in a text (``9999-0-0`` is passed over), with the time of
    day written with it or, if none, with the same day later on (a script's address holds
    the day, the byline the day and time)."""
    first: datetime | None = None
    for found in _DATE.finditer(text):
        year, month, day, hour, minute, second = (int(v) if v else 0 for v in found.groups())
        try:
            when = datetime(year, month, day, hour, minute, second, tzinfo=zone)
        except ValueError:
            continue
        timed = found[4] is not None
        if first is None and timed:
            return when
        if first is None:
            first = when
        elif timed and when.date() == first.date():
            return when
    return first


_BYLINES = (
    re.compile(
        r"(?:記者|记者)\s*([\u3400-\u9fff]{2,4})\s*[／/]\s*[\u3400-\u9fff]{1,10}(?:報導|报道)"
    ),
    re.compile(
        r"[（(〔【]\s*([\u3400-\u9fff]{2,4})\s*[／/]\s*[\u3400-\u9fff]{1,10}(?:報導|报道)\s*[）)〕】]"
    ),
)
"""Bylines as Taiwan's and Hong Kong's papers write them: 記者林悅／台南報導, and
（王煌忠／台中報導）."""


_DESK = re.compile(r"(?:中心|新聞|新闻|編輯部|编辑部|綜合|综合|本報|本报|報導|报道)$")
"""A byline that names a desk, not a reporter (〔即時新聞／綜合報導〕)."""


def _byline(tree: Any, text: str) -> str:
    """The reporter a byline names, in the page's text or in its JSON-LD author
    (``記者陳嘉寧／桃園機場報導``): the name alone; "" when none does."""
    written = _byline_name(text)
    if written:
        return written
    for name in structured.stated_authors(tree):
        if any(pattern.search(name) for pattern in _BYLINES):
            named = _byline_name(name)  # "" for a desk's byline
        else:
            named = name if masthead.a_name(name) and name.lower() not in PLACEHOLDERS else ""
        if named:
            return named
    return ""


def _byline_name(text: str) -> str:
    """The first reporter's name a byline in ``text`` gives, a desk's passed over."""
    for pattern in _BYLINES:
        for found in pattern.finditer(text):
            if not _DESK.search(found[1]):
                return found[1]
    dateline = _AGENCY_DATELINE.search(text)
    if dateline:
        # 中央社記者邱俊欽桃園傳真: a name of two characters when a place follows them, else
        # of three, as most are.
        run = dateline[1]
        return run[:2] if run[2:4] in _TAIWAN_PLACES else run[:3]
    return ""


_AGENCY_DATELINE = re.compile(
    r"中央社(?:駐[\u3400-\u9fff]{1,6})?(?:特派員|記者)([\u3400-\u9fff]{4,12}?)"
    r"(?:\d{1,2}日)?(?:專電|電|傳真)"
)
"""The dateline of Taiwan's Central News Agency, republished by every portal: reporter,
place, day, then 電 (中央社記者邱俊欽桃園傳真, 中央社記者林悅台北19日電)."""
_TAIWAN_PLACES = frozenset(
    {"台北", "臺北", "新北", "桃園", "台中", "臺中", "台南", "臺南", "高雄", "基隆", "新竹",
     "苗栗", "彰化", "南投", "雲林", "嘉義", "屏東", "宜蘭", "花蓮", "台東", "臺東", "澎湖",
     "金門", "馬祖", "連江"}
)  # fmt: skip


def _stated_section(tree: Any) -> tuple[str, ...]:
    """The section JSON-LD names, as a trail of one, when the page shows none."""
    section = structured.stated_section(tree)
    usable = masthead.a_name(section) and section.lower() not in masthead.NOT_SECTIONS
    return (section,) if section and usable else ()


def _labelled(tree: Any, selector: str, label: re.Pattern[str], text: str) -> str:
    """A value written after its label (來源：...), by the profile's selector or in the page's
    text; "" for a label with nothing after it, or a placeholder (未知)."""
    if selector:
        # The selected element's text, without its label, whatever the label says.
        value = re.sub(r"^[^:：]{0,8}[:：]\s*", "", _selected(tree, selector)).strip()
    else:
        value = next(_label_values(label, text), "")
    return "" if value.lower() in PLACEHOLDERS else value


def _label_values(label: re.Pattern[str], text: str) -> Iterator[str]:
    """The values after a label that begins a word, in the page's order ("" for an empty
    label): 文： ends 王文： and 记者: is a headline's word in 怒斥记者:, unless it follows
    another label's value (來源：某報作者：某人); a sentence is no name, and is passed over."""
    for found in label.finditer(text):
        start = found.start()
        before = text[start - 1] if start else ""
        glued = _SOURCE.search(text, max(0, start - 3 * MAX_NAME), start)
        if before and _WORD_CHARACTER.match(before) and not (glued and glued.end() == start):
            continue
        value = found[1]
        if masthead.a_name(value):
            yield value


def _crumbs(tree: Any, profile: Profile, title: str, site: str) -> tuple[str, ...]:
    """The section trail: the profile's links, else the page's trail (``masthead.trail``)."""
    if profile.breadcrumb:
        found = tree.cssselect(profile.breadcrumb)
        # The profile's trail is its links, whatever separates them.
        links = [masthead.normalized(a.text_content()) for e in found[:1] for a in e.iter("a")]
        return tuple(t for t in links if t and t.lower() not in masthead.NOT_SECTIONS)
    return masthead.trail(tree, title, site)


def _keywords(
    tree: Any, profile: Profile, named: tuple[str, ...], seo: tuple[str, ...]
) -> tuple[str, ...]:
    """The article's keywords: the ones its editors linked (hot words, ``rel="tag"``), then
    its ``meta keywords`` less what the trail and the site's own pages say already."""
    linked = masthead.keywords(_tags(tree, profile), named)
    listed = [
        w for c in tree.xpath("//meta[@name='keywords']/@content") for w in meta_keywords(str(c))
    ]
    return tuple(dict.fromkeys([*linked, *masthead.keywords(listed, (*named, *seo))]))


def _tags(tree: Any, profile: Profile) -> tuple[str, ...]:
    """Hot words (a labelled list of links) and ``rel="tag"`` links, in that order."""
    words: list[str] = []
    if profile.tags:
        for element in tree.cssselect(profile.tags):
            words += [a.text_content().strip() for a in element.iter("a")]
    else:
        for element in tree.iter("div", "p", "span", "ul", "dl", "nav"):
            own = (element.text or "").strip() + " " + (element.get("aria-label") or "")
            if _HOT_WORDS.search(own) and element.findall(".//a"):
                words += [a.text_content().strip() for a in element.iter("a")]
                break
        words += _rel_tags(tree)
    return tuple(words)


_REL_TAG = (
    "contains(concat(' ', normalize-space(@rel), ' '), ' tag ')"
    " and not(contains(concat(' ', normalize-space(@rel), ' '), ' category '))"
)
"""A keyword's link: ``rel="tag"``, not WordPress's categories' ``rel="category tag"``."""
MAX_REL_TAGS = 20
"""``rel="tag"`` links a page may have for them to be its article's tags, not a cloud's."""


def _rel_tags(tree: Any) -> list[str]:
    """The names of links marked ``rel="tag"`` (as WordPress and this reader mark an
    article's keywords): in the article that holds the headline, else on the page when
    they are few enough to be one article's."""
    links = tree.xpath(f"//article[.//h1]//a[{_REL_TAG}]") or tree.xpath(f"//a[{_REL_TAG}]")
    if len(links) > MAX_REL_TAGS:
        return []
    return [masthead.normalized(a.text_content()) for a in links]


def _neighbour(tree: Any, label: re.Pattern[str]) -> str:
    for anchor in tree.iter("a"):
        before = (anchor.getprevious().tail if anchor.getprevious() is not None else None) or (
            anchor.getparent().text or ""
        )
        if label.search(before or "") or label.search(anchor.text_content()[:4]):
            text = label.sub("", anchor.text_content()).strip(" ：:")
            if text:
                return text
    return ""


_MARKDOWN_IMAGE = re.compile(r"!\[([^\[\]]*)\]\(([^()\s]+)\)")
"""An image in Markdown; no bracket or parenthesis inside its parts, so that text of many
unclosed ones costs a scan, not a scan from each."""


def _image_refs(body: str, path: Path, root: Path, canonical: str) -> list[ImageRef]:
    """The body's images, each with the file of the saved copy that holds it, if any."""
    refs = []
    for alt, src in _MARKDOWN_IMAGE.findall(body):
        refs.append(ImageRef(src, alt.strip(), _local_copy(src, path, root, canonical)))
    return refs


def _local_copy(src: str, page: Path, root: Path, canonical: str) -> Path | None:
    """The saved file of an image: beside the page, under the copy's root, or under the
    host's folder of a mirror (``host:8080`` when wget saved a port); never outside
    ``root``."""
    parts = urlsplit(urljoin(canonical or "", src))
    relative = unquote(parts.path).lstrip("/")
    candidates = [page.parent / unquote(src)] if not urlsplit(src).scheme else []
    host = parts.hostname or ""
    candidates += [root / relative, root / host / relative]
    with contextlib.suppress(ValueError):  # a port out of range: no such folder
        if parts.port:
            candidates.append(root / f"{host}:{parts.port}" / relative)
    base = root.resolve()
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except (OSError, ValueError):
            continue
        if resolved.is_relative_to(base) and resolved.is_file():
            return resolved
    return None


def _slug_of(canonical: str) -> str:
    """A slug from the old address, when its last segment is a readable word: a folder's
    ``index.html`` (a mirror's ``/about/index.html``) is the folder's."""
    path = Path(unquote(urlsplit(canonical).path))
    stem = path.stem.lower()
    if stem in _INDEX_NAMES:
        stem = path.parent.name.lower()
    return stem if re.fullmatch(r"[a-z][a-z0-9-]{2,60}", stem) else ""


_INDEX_NAMES = frozenset({"index", "default", "home"})
