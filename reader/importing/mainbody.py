"""Where a saved portal page keeps its article: the element that holds most of the text of
its paragraphs.

trafilatura, given a whole portal page, may take the comment threads and the lists of other
articles under the story for the story (NetEase's, Sina's, Guancha's pages: a body of a
hundred links and a few lines of the article). A portal writes its article as paragraphs in
one element; comments and teasers are short texts, each in its own, and mostly links. So
each paragraph's words that are not a link's count for the element around it, and half for
the one around that (an article's paragraphs may each have an element of their own); the
element with the most is the article's, when no element apart from it comes close. Readers'
comments, marked as such, count for nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

MIN_CHARACTERS = 200
"""Paragraph text an element needs to be taken for the article: less is a teaser."""
LEAD = 2
"""How many times the next element's count (not one around or inside it) the article's
element must have: a page with two blocks of prose alike is left whole."""


def article_element(tree: Any) -> Any | None:
    """The element that holds the article's paragraphs, or None when no element clearly
    does (then the whole page is read)."""
    credit: Counter[Any] = Counter()
    for paragraph in tree.iter("p"):
        words = _unlinked_length(paragraph)
        parent = paragraph.getparent()
        if not words or parent is None or _in_comments(paragraph):
            continue
        credit[parent] += words
        grandparent = parent.getparent()
        if grandparent is not None:
            credit[grandparent] += words // 2
    if not credit:
        return None
    ranked = credit.most_common()
    best, most = ranked[0]
    inside = set(best.iter())
    around = set(best.iterancestors())
    runner_up = next((n for e, n in ranked[1:] if e not in inside and e not in around), 0)
    if most < MIN_CHARACTERS or most < LEAD * runner_up:
        return None
    return best


_COMMENTS = re.compile(r"comment|reply|discuss|pinglun|gentie", re.IGNORECASE)
"""Class names and ids of readers' comments, which trafilatura leaves out as well."""


def _in_comments(element: Any) -> bool:
    """Whether an element is inside a box of readers' comments."""
    return any(
        _COMMENTS.search(f"{e.get('class') or ''} {e.get('id') or ''}")
        for e in element.iterancestors()
    )


def _unlinked_length(paragraph: Any) -> int:
    """How many characters of a paragraph's text are not a link's, whitespace aside."""
    linked = sum(len("".join(a.text_content().split())) for a in paragraph.iter("a"))
    return max(0, len("".join(paragraph.text_content().split())) - linked)
