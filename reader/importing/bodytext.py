"""A saved page's story as Markdown: trafilatura's extraction, read again where it took
lists of other stories or a short story's whole page, and what is taken out of it (links to
scripts, the byline, the headline said again)."""

from __future__ import annotations

import re
from typing import Any

from reader.importing import masthead
from reader.importing.bylines import AUTHOR, SOURCE
from reader.importing.dating import DATE
from reader.importing.mainbody import article_element

POLLUTED_LINKS = 30
POLLUTED_SHARE = 0.15
"""An extraction with this many links, their words this part of its text, took a page's
comments or teasers for its article (portals' were 47-125 links and 19-62 % of the text; of
109 European pages, one had as many: a Wikipedia article's references, at 18 %)."""


def polluted(markdown: str) -> bool:
    """Whether an extraction is mostly other pages' links: comments, teasers, menus."""
    links = _LINK.findall(markdown)
    if len(links) < POLLUTED_LINKS:
        return False
    linked = sum(len("".join(text.split())) for text in links)
    return linked >= POLLUTED_SHARE * max(1, len(plain(markdown)))


_LINK = re.compile(r"(?<!!)\[([^\[\]]*)\]\([^()\n]*\)")


def article_html(tree: Any) -> str:
    """The HTML of the element that holds the article's paragraphs (``mainbody``), or ""."""
    from lxml import html as lxml_html

    element = article_element(tree)
    return "" if element is None else str(lxml_html.tostring(element, encoding="unicode"))


def extracted(page: str, canonical: str, *, precise: bool = False) -> str:
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
    return without_script_links(found or "")


_SCRIPT_LINK = re.compile(
    r"!?\[[^\[\]\n]*\]\(\s*(?:<\s*(?:javascript|vbscript|data):[^<>\n]*>"
    r"|(?:javascript|vbscript|data):(?:[^()\s]|\([^()\s]*\))*)\s*\)",
    re.IGNORECASE,
)
"""A Markdown link or image to a script (``[打印本页](<javascript:window.print();>)``): a
page's button, which no reader's page would follow, and which Markdown leaves as text."""
_ONLY_MARKS = re.compile(r"^[ \t|【】〔〕\[\]（）()<>]*$", re.MULTILINE)


def without_script_links(markdown: str) -> str:
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


MIN_ARTICLE_CHARACTERS = 40
"""Less text than this (links and images aside) is no article: an index or a menu."""


def plain(markdown: str) -> str:
    """The words of Markdown, without its links' addresses, images and markup."""
    text = MARKDOWN_IMAGE.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    return re.sub(r"[\s#*|_>`-]+", "", text)


_ORIGINAL_TITLE = re.compile(r"^[（(]?(?:本文)?原[標标][題题][：:]\s*《?(.+?)》?[）)]?$")
"""A republished story's note of its title at the source: 原标题：…, （原標題：…）."""


def has_prose(markdown: str) -> bool:
    """Whether a text has a line of prose (a sentence's length of words, no link's), not
    only menus and lists of names."""
    unlinked = _LINK.sub("", MARKDOWN_IMAGE.sub("", markdown))
    return any(len(plain(line)) >= MIN_ARTICLE_CHARACTERS for line in unlinked.splitlines())


def without_repeated_title(body: str, titles: tuple[str, ...]) -> str:
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


def without_datelines(body: str) -> str:
    """The body without the page's byline (date, 來源, 作者) that extraction kept as text,
    a line of its own: those go into the front matter. A paragraph longer than a byline
    holds more than one, and stays."""
    blocks = body.strip().split("\n\n")
    kept = [
        b
        for i, b in enumerate(blocks)
        if not (
            i < 3
            and len(plain(b)) <= MAX_BYLINE_CHARACTERS
            and DATE.search(b)
            and (SOURCE.search(b) or AUTHOR.search(b))
        )
    ]
    return "\n\n".join(kept)


MAX_BYLINE_CHARACTERS = 80
"""Characters of words a byline line has at most (date, source, author, reading time)."""
MARKDOWN_IMAGE = re.compile(r"!\[([^\[\]]*)\]\(([^()\s]+)\)")
"""An image in Markdown; no bracket or parenthesis inside its parts, so that text of many
unclosed ones costs a scan, not a scan from each."""
