"""Saved news pages: the article's text by trafilatura, and what extraction drops as
boilerplate (the breadcrumb trail, source, author, hot words, neighbours) by heuristics that
fit the pages of Chinese portals, or by an import profile's CSS selectors."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import tzinfo
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from reader.encodings import UnknownEncodingError, decode_text
from reader.hygiene import drop_link_farms, glued_kicker, without_glued_pinyin
from reader.importing import bodytext, bylines, dating, masthead, structured
from reader.importing.record import ImageRef, Imported, NotArticle

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
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
    body = bodytext.without_datelines(bodytext.extracted(body_html or raw, canonical))
    if "\n\n" not in body.strip():
        # One block: a short story that extraction gave as the page's whole text, kicker,
        # headline and byline run in (its fallback); a precise reading gives the story.
        precise = bodytext.without_datelines(
            bodytext.extracted(body_html or raw, canonical, precise=True)
        )
        if len(bodytext.plain(precise)) >= bodytext.MIN_ARTICLE_CHARACTERS:
            body = precise
    if not body_html and bodytext.polluted(body):
        # Comment threads and lists of other articles taken for the story: read only the
        # element that holds the article's paragraphs, if one does.
        article = bodytext.article_html(tree)
        narrowed = (
            bodytext.without_datelines(bodytext.extracted(article, canonical)) if article else ""
        )
        if len(bodytext.plain(narrowed)) >= bodytext.MIN_ARTICLE_CHARACTERS:
            body = narrowed
    if len(bodytext.plain(body)) < bodytext.MIN_ARTICLE_CHARACTERS:
        return NotArticle(f"{path}: no article text found (an index or a navigation page?)")
    if not bodytext.has_prose(body):
        if structured.says_website(tree):
            return NotArticle(
                f"{path}: no paragraph of prose on a page that calls itself no article"
            )
        if structured.linked_headings(tree) >= structured.MANY_TEASERS:
            return NotArticle(f"{path}: a list of articles (headings that link on, no prose)")
    body, glued = without_glued_pinyin(body.strip())
    title, glued_in_title = without_glued_pinyin(title)
    if glued + glued_in_title:
        notes.append(f"{glued + glued_in_title} glued pinyin annotations removed")
    kicker = masthead.marked_kicker(tree)
    split = glued_kicker(title)
    if split is not None:
        kicker, title = split
    body = bodytext.without_repeated_title(body, (headline, title, kicker))
    page_text = _block_text(tree)
    site = masthead.site_name(segments)
    crumbs = _crumbs(tree, profile, headline, site) or _stated_section(tree)
    images = tuple(_image_refs(body, path, root, canonical))
    return Imported(
        origin=str(path),
        title=title,
        date=dating.published(tree, _selected(tree, profile.date), page_text, raw, zone),
        body=body,
        canonical=canonical,
        kicker=kicker,
        source=bylines.labelled(bylines.SOURCE, page_text, _profiled(tree, profile.source)),
        author=bylines.labelled(bylines.AUTHOR, page_text, _profiled(tree, profile.author))
        or bylines.byline(tree, page_text),
        crumbs=crumbs,
        tags=_keywords(tree, profile, (headline, site), (*crumbs, *site_words)),
        images=images,
        lead=images[0] if images else None,
        previous=_neighbour(tree, _PREVIOUS),
        next=_neighbour(tree, _NEXT),
        notes=tuple(notes),
        slug=_slug_of(canonical),
    )


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


HEAD_BYTES = 65_536
"""How much of a page is read for its ``meta keywords`` before it is read whole: a head is
smaller."""


def _page_head(path: Path) -> str:
    """The start of a saved page as text (``HEAD_BYTES``), for what its head says; "" when
    it cannot be read."""
    try:
        with path.open("rb") as file:
            data = file.read(HEAD_BYTES)
    except OSError:
        return ""
    declared = _declared_charset(data)
    if declared:
        return data.decode(declared, errors="replace")  # a character cut at the end: one
    try:
        return decode_text(data).text
    except UnknownEncodingError:
        return ""


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
        head = _page_head(path)
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


def _profiled(tree: Any, selector: str) -> str | None:
    """A profile's element's text, or None without a selector (the rules then look)."""
    return _selected(tree, selector) if selector else None


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


def _stated_section(tree: Any) -> tuple[str, ...]:
    """The section JSON-LD names, as a trail of one, when the page shows none."""
    section = structured.stated_section(tree)
    usable = masthead.a_name(section) and section.lower() not in masthead.NOT_SECTIONS
    return (section,) if section and usable else ()


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


def _image_refs(body: str, path: Path, root: Path, canonical: str) -> list[ImageRef]:
    """The body's images, each with the file of the saved copy that holds it, if any."""
    refs = []
    for alt, src in bodytext.MARKDOWN_IMAGE.findall(body):
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
