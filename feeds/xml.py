"""XML details feedgen does not cover: forbidden characters, links RSS cannot carry, and
cutting a serialised feed into its entries so each is serialised once and spliced after."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
"""RFC 5005's namespace, for the ``fh:archive`` marker."""

# XML 1.0 allows tab, newline, carriage return, and U+0020 upwards except surrogates,
# U+FFFE and U+FFFF. Anything else makes a strict parser reject the whole feed.
_PARSER = etree.XMLParser(strip_cdata=False, resolve_entities=False)
"""Keeps feedgen's CDATA sections as they are when links are added afterwards."""
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)


def xml_escaped(text: str) -> str:
    """``text`` as XML character data: forbidden characters dropped, markup escaped."""
    # html.escape without quotes is xml.sax.saxutils.escape, whose module imports
    # urllib.request, http.client and ssl: a sixth of a one-edit build's imports.
    return html.escape(xml_text(text), quote=False)


@dataclass(frozen=True)
class Link:
    """A feed-level link: WebSub's hub and self, RFC 5005's archive links, RFC 4946's licence."""

    rel: str
    href: str
    type: str = ""
    length: str = ""


def parse(document: bytes) -> etree._Element:
    """The root of a document feedgen wrote, its CDATA sections kept."""
    return etree.fromstring(document, _PARSER)


def add_rss_extras(root: etree._Element, links: Sequence[Link], archive: bool) -> None:
    """Give an RSS channel the ``atom:link`` elements feedgen writes only for ``self``."""
    channel = root.find("channel")
    assert channel is not None, "feedgen always writes a channel"
    existing = channel.findall(f"{{{ATOM_NS}}}link")
    position = channel.index(existing[-1]) + 1 if existing else len(channel)
    extras = [_history_marker()] if archive else []
    for link in links:
        element = etree.Element(f"{{{ATOM_NS}}}link", rel=link.rel, href=link.href)
        if link.type:
            element.set("type", link.type)
        extras.append(element)
    for offset, element in enumerate(extras):
        channel.insert(position + offset, element)


def add_atom_extras(root: etree._Element, enclosures: Mapping[str, Link], archive: bool) -> None:
    """Add entry enclosures by entry id, and mark a complete archive (RFC 5005 section 4).

    feedgen 1.0 drops every attribute but ``href`` from an Atom entry's links, which would
    turn an enclosure into a second alternate link; so enclosures are written here.
    """
    if archive:
        root.insert(0, _history_marker())
    for entry in root.iter(f"{{{ATOM_NS}}}entry"):
        link = enclosures.get(entry.findtext(f"{{{ATOM_NS}}}id") or "")
        if link is not None:
            element = etree.SubElement(
                entry, f"{{{ATOM_NS}}}link", rel=link.rel, href=link.href, length=link.length
            )
            if link.type:
                element.set("type", link.type)


def _history_marker() -> etree._Element:
    return etree.Element(f"{{{HISTORY_NS}}}archive", nsmap={"fh": HISTORY_NS})


def serialise(root: etree._Element) -> bytes:
    """The document's bytes, with its XML declaration."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


_ENTRY_MARK = "accessible-reader entry"
"""A comment no entry can hold: entry HTML is sanitised, which drops comments."""
_ENTRY_TAGS = ("item", f"{{{ATOM_NS}}}entry")


def end_of_entries(document: bytes) -> int:
    """Where an RSS or Atom document's entries end: entries made elsewhere go in there."""
    return document.rindex(b"</channel>" if document.endswith(b"</rss>") else b"</feed>")


def entry_bytes(root: etree._Element) -> list[bytes]:
    """Each entry of a document as the bytes it has in place, in document order.

    The root declares every namespace prefix, so an entry's bytes are the same in any
    document of the same flavour: they can be serialised once and spliced into many.
    """
    entries = list(root.iter(*_ENTRY_TAGS))
    for entry in entries:
        entry.addprevious(etree.Comment(_ENTRY_MARK))
    if not entries:
        return []
    entries[-1].addnext(etree.Comment(_ENTRY_MARK))
    pieces = serialise(root).split(f"<!--{_ENTRY_MARK}-->".encode())
    if len(pieces) != len(entries) + 2:
        raise ValueError("an entry holds the marker comment used to cut entries apart")
    return pieces[1:-1]


_MARK = f"<!--{_ENTRY_MARK}-->".encode()
_ENTRY_EDGES = re.compile(
    rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<(/?)(?:item|entry)(?=[\s/>])", re.DOTALL
)
"""What can hold a ``<`` that is not markup (CDATA, comments, processing instructions),
and the edges of entries: RSS's ``item`` and Atom's ``entry``."""


@dataclass(frozen=True)
class EntriesApart:
    """A serialised feed cut around its entries, which are one run, as ``_document``
    splices them: what comes before them, each entry, and what comes after."""

    head: bytes
    entries: list[bytes]
    tail: bytes

    def marked(self, entries: Sequence[bytes]) -> bytes:
        """The document with only these of its entries, each followed by a marker comment
        (and one before the first), for ``cut_at_marks`` to find them again after a
        parse and a serialisation."""
        return b"".join([self.head, _MARK, *(entry + _MARK for entry in entries), self.tail])


def entries_apart(document: bytes) -> EntriesApart | None:
    """The document cut around its entries; None when it has none, or they are not one
    run, or its markup is not as ``serialise`` writes it."""
    entries: list[bytes] = []
    depth, start, first, end = 0, 0, -1, -1
    for edge in _ENTRY_EDGES.finditer(document):
        closing = edge[1]
        if closing is None:
            continue  # no markup inside
        close = document.find(b">", edge.end())
        if close < 0:
            return None
        empty = not closing and document[close - 1 : close] == b"/"
        if not closing and depth == 0:
            if entries and edge.start() != end:
                return None  # something between two entries
            start = edge.start()
            first = start if first < 0 else first
        depth += 0 if empty else -1 if closing else 1
        if depth < 0:
            return None
        if depth == 0:
            end = close + 1
            entries.append(document[start:end])
    if depth or not entries:
        return None
    return EntriesApart(document[:first], entries, document[end:])


def cut_at_marks(document: bytes, entries: int) -> list[bytes] | None:
    """A document ``EntriesApart.marked`` made (and parsed and serialised since) cut at its
    marks: what comes before the entries, each of them, what comes after; None if the
    marks are not where they were put."""
    pieces = document.split(_MARK)
    return pieces if len(pieces) == entries + 2 else None
