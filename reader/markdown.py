"""Markdown to sanitised HTML, in one place: Hugo shortcodes, figures, heading levels, alt text."""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import os
import re
import shlex
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from mdit_py_plugins.texmath import texmath_plugin

from reader.hygiene import MIN_FARM_LINKS, LinkFarm, without_link_farms
from reader.model import Problem, Severity

_ARGS = r"((?:[^{}]|\{(?!\{)|\}(?!\}))*?)"
"""A shortcode's arguments: never across another tag's braces, so that finding tags takes
time linear in the text, whatever it holds."""
_SHORTCODE = re.compile(rf"\{{\{{([<%])\s*(/?)\s*([\w/.-]+){_ARGS}\s*[>%]\}}\}}")

ALLOWED_TAGS = frozenset(
    nh3.ALLOWED_TAGS
    | {"figure", "figcaption", "picture", "source", "details", "summary", "mark", "time"}
    | {"section", "sup", "dl", "dt", "dd", "s"}  # footnotes, definitions, strikethrough
    | {
        # MathML, as latex2mathml writes it; nothing that links, scripts or styles.
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msup",
        "msub",
        "msubsup",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "mtable",
        "mtr",
        "mtd",
        "munder",
        "mover",
        "munderover",
        "menclose",
        "mpadded",
        "mphantom",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"lang", "dir", "title"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "source": {"srcset", "type", "media"},
    "a": {"href", "hreflang", "rel", "id"},
    "time": {"datetime"},
    "mark": {"class"},  # the editors' preview marks a missing alt text with a class
    "span": {"class"},  # syntax colours, by Pygments' short token classes only
    "math": {"display"},
    "annotation": {"encoding"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mi": {"mathvariant"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "largeop", "movablelimits"},
    "mfrac": {"linethickness"},
    "mspace": {"width"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "displaystyle"},
    "mtd": {"columnalign"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "menclose": {"notation"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    # Footnotes link a reference and its note by id; a code block or table that scrolls
    # takes focus.
    "sup": {"id"},
    "pre": {"tabindex"},
    "table": {"tabindex"},
    "li": {"id"},
    **{heading: {"id"} for heading in ("h1", "h2", "h3", "h4", "h5", "h6")},
    "p": {"role", "aria-level"},  # a heading below h6 (see _demote_headings)
    "div": {"role"},  # a note (see _as_notes)
}
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+(?::\d+)?")
PAGE_IDS = frozenset(
    {
        "main",
        "latest-heading",
        "related-heading",
        "share-heading",
        "subscribe-heading",
        "sections-heading",
        "subsections-heading",
        "articles-heading",
        "feeds-heading",
        "site-feeds-heading",
        "section-feeds-heading",
        "tags-feeds-heading",
        "opml-heading",
        "site-search-query",
        "search-page-query",
        "search-section",
        "search-feeds-heading",
    }
)
"""The ids the theme's pages use (a test keeps this in step with the templates): a heading
of a body never takes one, so the skip link and the labelled regions stay right."""
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TOKEN_CLASS = re.compile(r"[a-z]{1,3}[0-9]?")
"""Pygments' short token classes (``k``, ``s2``, ``cpf``): the only classes a body keeps."""


def _allowed_value(element: str, attribute: str, value: str) -> str | None:
    """Ids only of headings and footnotes (``fn1``, ``fnref1``), and never one the page
    itself uses."""
    if attribute == "id":
        if element in _HEADINGS:
            return value if value not in PAGE_IDS else None
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    if attribute == "class" and element == "span":
        return value if _TOKEN_CLASS.fullmatch(value) or value == "lno" else None
    if attribute == "tabindex":
        return "0" if value == "0" else None  # in the reading order, never ahead of it
    if attribute == "role":  # a heading below h6; a theme's note (an admonition)
        return value if (element, value) in (("p", "heading"), ("div", "note")) else None
    if attribute == "aria-level":
        return value if value in ("7", "8") else None
    return value


@dataclass(frozen=True)
class RenderedBody:
    """An article body as safe HTML, with what the editor should hear about it."""

    html: str
    problems: tuple[Problem, ...]
    follows_files: bool = False
    """Whether it links another content file, which it points at that page when the file
    is there: it then depends on which files are (``_link_content_files``)."""


def sanitize(fragment: str, *, base_url: str | None = None) -> str:
    """Clean HTML against the allowlist; with ``base_url``, make every relative URL absolute."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        url_relative=("rewrite_with_base", base_url) if base_url else "pass_through",
        attribute_filter=_allowed_value,
    )


# nh3 writes every attribute value in double quotes and escapes the quotes inside it.
_ANCHOR = re.compile(r'<a((?:\s+[\w-]+="[^"]*")*)\s*>')
_HREF = re.compile(r'\shref="([^"]*)"')
_REL = re.compile(r'\srel="[^"]*"')


def mark_outbound_links(fragment: str, trusted_hosts: frozenset[str]) -> str:
    """Add ``rel="nofollow noopener"`` to links leaving the trusted hosts (sanitised HTML in)."""

    def mark(match: re.Match[str]) -> str:
        href = _HREF.search(match[1])
        if href is None or _is_trusted(html.unescape(href[1]), trusted_hosts):
            return match[0]
        return f'<a{_REL.sub("", match[1])} rel="nofollow noopener">'

    return _ANCHOR.sub(mark, fragment)


def _is_trusted(url: str, trusted_hosts: frozenset[str]) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return True  # mailto:, tel: and the like lead to no page to credit
    host = (parts.hostname or "").lower()
    if not host:
        return True
    return any(host == trusted or host.endswith("." + trusted) for trusted in trusted_hosts)


def render_markdown(
    text: str,
    *,
    path: Path,
    first_line: int = 1,
    content_root: Path | None = None,
    typographer: bool = True,
    emoji: bool = False,
    params: Mapping[str, str] | None = None,
    dollars: bool = False,
    allowed_hosts: frozenset[str] = frozenset(),
) -> RenderedBody:
    """Render an article body; ``first_line`` maps body lines back to file lines.

    With ``content_root``, a link to another content file (``part-1.md``, a ``ref``
    shortcode) becomes a link to that page's URL. ``typographer`` makes quotes curly and
    ``--``, ``---`` and ``...`` dashes and an ellipsis, as Hugo does by default; ``emoji``
    turns ``:smile:`` into its emoji (Hugo's ``enableEmoji``). ``params`` are what the
    ``param`` shortcode shows, by lower-case dotted name. ``dollars`` reads ``$x$`` as
    inline math (a site's passthrough delimiters). Injected link farms are taken out
    before sanitising (which would show hidden ones), unless they link only to
    ``allowed_hosts`` (the site's own and its ``link_allowlist``).
    """
    problems: list[Problem] = []
    marks = _unused_marks(text) if "{{" in text and _QUOTED_OPENING.search(text) else None
    text = _replace_shortcodes(text, path, first_line, problems, params or {}, marks)
    if "$$" in text:
        text = _display_dollars(text)
    text = _dedent_table_rows(text) if "|" in text else text
    parser = _parser(
        linkify=_BARE_LINK.search(text) is not None,
        typographer=typographer,
        dollars=dollars and "$" in text,
    )
    tokens = parser.parse(text)
    if marks is not None or "[!" in text:
        tokens = _as_notes(tokens, marks)
    if emoji and ":" in text:
        _emojize(tokens)
    _demote_headings(tokens)
    _mark_figures(tokens)
    _tasks_as_text(tokens)
    _check_alt_text(tokens, path, first_line, problems)
    follows = False
    if content_root is not None:
        follows = _link_content_files(tokens, path, content_root, first_line, problems)
    raw = parser.renderer.render(tokens, parser.options, {})
    raw, farms = without_link_farms(raw, allowed_hosts)
    for farm in farms:
        problems.append(_farm_problem(farm, text, path, first_line))
    return RenderedBody(sanitize(raw), tuple(problems), follows)


def _farm_problem(farm: LinkFarm, text: str, path: Path, first_line: int) -> Problem:
    """A link farm as ``reader check`` reports it, at the line of its first link."""
    at = text.find(farm.first_href)
    line = first_line + text.count("\n", 0, at) if at >= 0 else None
    how = "hidden from view" if farm.reason == "hidden" else "with gambling or spam words"
    hosts = ", ".join(farm.hosts[:5]) + (", ..." if len(farm.hosts) > 5 else "")
    return Problem(
        path,
        line,
        f"a block of {farm.links} links to other sites ({hosts}), {how}, looks injected; "
        "it is not served",
        "delete the block; if the links are wanted, add their hosts to link_allowlist in site.toml",
    )


def may_hold_pollution(text: str) -> bool:
    """Whether a body could hold a link farm (cheap, may say yes needlessly)."""
    return text.count("http") >= MIN_FARM_LINKS or "style=" in text or "hidden" in text


def first_paragraph_text(text: str) -> str:
    """The plain text of the body's first paragraph (for summaries), rendering little.

    Rendering a whole body costs about a millisecond, so a first block that is plain text
    is taken as it is, and otherwise blocks are rendered one more at a time until one
    comes out as ``<p>``. Link reference definitions from anywhere in the text come along,
    so reference links still resolve.
    """
    first = text.lstrip("\n").split("\n\n", 1)[0]
    if first and not _MARKUP.search(first):
        return " ".join(first.split())
    definitions = "".join(_LINK_DEFINITION.findall(text))
    prefix = ""
    for block in text.split("\n\n"):
        prefix += block + "\n\n"
        if _open_fence(prefix):
            continue
        found = _FIRST_PARAGRAPH.search(render_markdown(prefix + definitions, path=Path()).html)
        if found:
            return " ".join(html.unescape(nh3.clean(found[1], tags=set())).split())
    return ""


_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)


def summary_before_more(text: str) -> str | None:
    """The plain text before Hugo's ``<!--more-->`` divider, or None without one."""
    found = _MORE.search(text)
    if found is None:
        return None
    # Hugo cuts the whole body's HTML: links by reference defined after the divider are
    # links before it too.
    definitions = "".join(_LINK_DEFINITION.findall(text[found.end() :]))
    before = render_markdown(text[: found.start()] + "\n\n" + definitions, path=Path()).html
    return " ".join(html.unescape(nh3.clean(before, tags=set())).split())


# Anything that could make a block more than a paragraph of plain text.
_MARKUP = re.compile(r"[\\`*_\[\]<>&|~{}]|^\s*[-+=#>\d]|^ {4}| {2}$", re.MULTILINE)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


PARAM_SHORTCODE = re.compile(r"\{\{[<%]\s*param\b")
"""A body that shows front matter or site values, which its rendering then needs."""


def may_have_problems(text: str) -> bool:
    """Whether rendering ``text`` could report a problem (cheap, may say yes needlessly)."""
    if _BLANK_ALT.search(text) or _RAW_IMG.search(text) or _SHORTCODE.search(text):
        return True
    return may_hold_pollution(text)


_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:.*\n?", re.MULTILINE)
_BLANK_ALT = re.compile(r"!\[[\s*_~`]*\]")
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def _open_fence(text: str) -> bool:
    return len(_FENCE.findall(text)) % 2 == 1


class _Renderer(RendererHTML):
    """Renders a lone captioned image as a figure, and every image as lazily loaded; code
    blocks as regions a keyboard can reach, since they scroll sideways on their own."""

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        language, numbered, marked = _code_options(token.info)
        coloured = _highlighted(token.content, language)
        if coloured is None and not (numbered or marked):
            return _focusable(super().fence(tokens, idx, options, env))
        code = coloured if coloured is not None else html.escape(token.content)
        if numbered or marked:
            code = _lines_marked(code, numbered, marked)
        return f'<pre tabindex="0"><code>{code}</code></pre>\n'

    def code_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return _focusable(super().code_block(tokens, idx, options, env))

    def table_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        # A wide table scrolls sideways on its own, as code does: a keyboard must reach it.
        tokens[idx].attrSet("tabindex", "0")
        return self.renderToken(tokens, idx, options, env)

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # An empty header cell (``| | 2025 |``, over a column of row labels) names no
        # column: a plain cell, which screen readers do not announce as a header.
        inline, close = tokens[idx + 1], tokens[idx + 2]
        if inline.type == "inline" and not inline.content.strip() and close.type == "th_close":
            tokens[idx].tag = close.tag = "td"
        return self.renderToken(tokens, idx, options, env)

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        src = html.escape(str(token.attrGet("src") or ""))
        img = f'<img src="{src}" alt="{html.escape(alt)}" loading="lazy" decoding="async">'
        caption = token.meta.get("caption")
        if caption:
            return f"{img}<figcaption>{html.escape(caption)}</figcaption>"
        title = token.attrGet("title")
        if title:
            img = img[:-1] + f' title="{html.escape(str(title))}">'
        return img


def _math_rule(display: str) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        block = _mathml(tokens[idx].content, display)
        return f"<p>{block}</p>\n" if display == "block" else block

    return render


def _mathml(tex: str, display: str) -> str:
    """TeX as MathML, which browsers and screen readers read without JavaScript; the TeX
    is kept as its annotation. TeX that cannot be read is shown as written."""
    from latex2mathml.converter import convert

    try:
        converted = convert(tex.strip(), display=display)
    except Exception:  # latex2mathml raises many kinds on TeX it cannot read
        return f"<code>{html.escape(tex)}</code>"
    opening, _, rest = converted.partition(">")
    inner = rest.rsplit("</math>", 1)[0]
    annotation = f'<annotation encoding="application/x-tex">{html.escape(tex.strip())}</annotation>'
    return f"{opening}><semantics>{inner}{annotation}</semantics></math>"


_DISPLAY_DOLLARS = re.compile(
    r"^\$\$[ \t]*\n(.+?)\n[ \t]*\$\$[ \t]*$|^\$\$([^$\n][^\n]*?)\$\$[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
"""A ``$$`` block on lines of its own, which Hugo's passthrough reads as display math, or
on one line of its own, as the math scripts of Hugo's themes (KaTeX, MathJax) read it."""
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _display_dollars(text: str) -> str:
    """``$$`` blocks as display math (``\\[ \\]``), each a block of its own even right below
    a paragraph's line, as Hugo's passthrough reads them; never in fenced code, which
    shows them as written."""
    out: list[str] = []
    prose: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        if fence:
            out.append(line)
            closing = _FENCE_LINE.match(line)
            if closing and closing[1][0] == fence[0] and len(closing[1]) >= len(fence):
                fence = "" if not line[closing.end() :].strip() else fence
            continue
        opening = _FENCE_LINE.match(line)
        if opening is None:
            prose.append(line)
            continue
        out.append(_DISPLAY_DOLLARS.sub(_as_display_math, "".join(prose)))
        prose, fence = [], opening[1]
        out.append(line)
    out.append(_DISPLAY_DOLLARS.sub(_as_display_math, "".join(prose)))
    return "".join(out)


def _as_display_math(found: re.Match[str]) -> str:
    """A ``$$`` block as ``\\[ \\]``, line for line, with blank lines around it where a
    paragraph's line is next to it (the brackets are read only as a block of their own)."""
    block = f"\\[\n{found[1]}\n\\]" if found[1] is not None else f"\\[{found[2]}\\]"
    lines = found[0].count("\n")
    return _on_lines_of_its_own(
        block, found.string, found.start(), found.end(), lines, before=True, after=True
    )


def _highlighted(code: str, language: str) -> str | None:
    """Code coloured on the server by Pygments, as spans with its short token classes
    (the stylesheet colours them; no inline style, which the page's policy forbids)."""
    if not language:
        return None
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return None
    return str(highlight(code, lexer, HtmlFormatter(nowrap=True)))


_CODE_OPTION = re.compile(r'(\w+)\s*=\s*(\[[^\]]*\]|"[^"]*"|[^,}]+)')
_LINE_RANGE = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def _code_options(info: str) -> tuple[str, bool, frozenset[int]]:
    """A fence's language, and Hugo's options after it (``go {linenos=table,
    hl_lines=[2,"4-5"]}``): whether lines are numbered, and which are highlighted."""
    language = re.split(r"[\s{]", info.strip(), maxsplit=1)[0]
    found = dict(_CODE_OPTION.findall(info[len(language) :]))
    numbered = found.get("linenos", "false").strip().strip('"').lower() not in ("false", "")
    marked: set[int] = set()
    for first, last in _LINE_RANGE.findall(found.get("hl_lines", "")):
        start, end = int(first), int(last or first)
        marked.update(range(start, min(end, start + 10_000) + 1))
    return language, numbered, frozenset(marked)


def _lines_marked(code: str, numbered: bool, marked: frozenset[int]) -> str:
    """Code split into its lines: each in a span the stylesheet numbers (numbers that
    screen readers skip), highlighted lines in ``<mark>``."""
    lines = code.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    out = []
    for number, line in enumerate(lines, start=1):
        if number in marked:
            line = f"<mark>{line}</mark>"
        out.append(f'<span class="lno">{line}</span>' if numbered else line)
    return "\n".join(out) + "\n"


def _focusable(block: str) -> str:
    return '<pre tabindex="0"' + block[4:] if block.startswith("<pre") else block


def _bracket_math_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block of display math, ``\\[`` to ``\\]``, when nothing but spaces follows the
    ``\\]`` on its line; else the line is text (a list item of a real blog's began
    "\\[Recommended\\] 安装 …": its words and link were lost to the math)."""
    begin = state.bMarks[start] + state.tShift[start]
    found = _BRACKET_MATH.match(state.src, begin)
    if found is None:
        return False
    line = start
    while line < end and found.end() > state.eMarks[line]:
        line += 1
    if line >= end:
        return False  # it closes outside the block it opened in (a quote, a list item)
    if not silent:
        token = state.push("math_block", "math", 0)
        token.block = True
        token.content = found[1]
        token.markup = "\\["
        token.map = [start, line + 1]
    state.line = line + 1
    return True


_BRACKET_MATH = re.compile(r"\\\[((?:(?!\\\]|\n[ \t]*\n)[\s\S])+?)\\\][ \t]*$", re.MULTILINE)
"""Display math: not across a blank line, which ends any block (and bounds the search
for its end: a file of unclosed ``\\[`` took 35 s to read with the plugin's own rule)."""


@functools.cache
def _parser(*, linkify: bool, typographer: bool, dollars: bool = False) -> MarkdownIt:
    # What Hugo's Goldmark renders by default: GFM tables, strikethrough, task lists and
    # bare links; footnotes and definition lists; the typographer.
    options = {"html": True, "linkify": linkify, "typographer": typographer}
    parser = MarkdownIt("commonmark", options, renderer_cls=_Renderer)
    parser.enable(["table", "strikethrough", *(["linkify"] if linkify else [])])
    if typographer:
        parser.enable(["smartquotes"])
        # Goldmark's replacements, not markdown-it's (which also make "(c)" ©, "+-" ±,
        # ".." …, "?...." "?.." and ",," ","): an ASCII table's "+--" or a list's "(c)"
        # stays as written, as on Hugo's page.
        parser.core.ruler.before("smartquotes", "dashes_and_ellipses", _dashes_and_ellipses)
    if linkify and parser.linkify is not None:
        # As Goldmark: links with a scheme or "www.", and addresses; a bare "example.com"
        # (or "a.as", which looks like one) and a scheme-relative "//x.y" stay text.
        parser.linkify.set({"fuzzy_link": False}).add("//", None)
    parser.use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)
    parser.use(texmath_plugin, delimiters="brackets")
    # Only what is display math as Hugo's themes read it: not "\[Recommended\] text", which
    # is Markdown's escaped brackets, nor texmath's own "\[ x \] (1)".
    parser.block.ruler.at("math_block", _bracket_math_block)
    parser.block.ruler.disable("math_block_eqno")
    if dollars:
        # Single dollars, as a site's passthrough may add them: "$x$" but not "$5 or $6".
        parser.use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False)
        parser.add_render_rule("math_inline_double", _math_rule("block"))
    parser.add_render_rule("math_inline", _math_rule("inline"))
    parser.add_render_rule("math_block", _math_rule("block"))
    # Headings get ids, as Goldmark's autoHeadingID gives them, so "#section" links work;
    # an id the heading gives itself ("## Setup {#setup}") first, taken before any is made.
    parser.use(anchors_plugin, min_level=1, max_level=6, slug_func=_heading_id)
    # Read before the typographer and linkify, which would change the id as written.
    parser.core.ruler.after("inline", "heading_attributes", _heading_attributes)
    parser.core.ruler.after("heading_attributes", "icons", _drop_icons)
    return parser


def _dashes_and_ellipses(state: StateCore) -> None:
    """The typographer's replacements Goldmark makes: ``...`` as an ellipsis (``....``
    one and a dot), ``---`` an em dash, ``--`` an en dash (between words or between
    spaces, as markdown-it places them: ``--flag`` stays), in text but not in code or in
    a link written out as its address."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_autolink = 0
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                in_autolink += 1
            elif token.type == "link_close" and token.info == "auto":
                in_autolink -= 1
            elif (
                token.type == "text"
                and not in_autolink
                and ("--" in token.content or "..." in token.content)
            ):
                text = _ELLIPSIS.sub("\u2026", token.content)
                text = _EM_DASH.sub("\\1\u2014", text)
                text = _EN_DASH_BETWEEN_WORDS.sub("\\1\u2013", text)
                token.content = _EN_DASH_BETWEEN_SPACES.sub("\\1\u2013", text)


_ELLIPSIS = re.compile(r"\.\.\.")
_EM_DASH = re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE)
_EN_DASH_BETWEEN_WORDS = re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", re.MULTILINE)
_EN_DASH_BETWEEN_SPACES = re.compile(r"(^|\s)--(?=\s|$)", re.MULTILINE)


_ATTRIBUTES = re.compile(
    r"""[ \t]*((?:[#.][^ \t{}"']+|[\w-]+=(?:"[^"]*"|'[^']*'|[^ \t{}"']+))"""
    r"""(?:[ \t]+(?:[#.][^ \t{}"']+|[\w-]+=(?:"[^"]*"|'[^']*'|[^ \t{}"']+)))*)[ \t]*"""
)
"""What Goldmark reads between the braces ending a heading: ``#id .class key=value``."""
_GIVEN_ID = re.compile(r"(?:^|[ \t])#([^ \t{}\"']+)")


def _trailing_attributes(text: str) -> tuple[int, str] | None:
    """Where a heading's attributes (``{#id .class}``) begin in its text, and what is between
    the braces; None when it does not end with them."""
    end = len(text.rstrip(" \t"))
    if not text[:end].endswith("}"):
        return None
    start = text.rfind("{", 0, end)
    if start < 0 or _ATTRIBUTES.fullmatch(text, start + 1, end - 1) is None:
        return None
    return len(text[:start].rstrip()), text[start + 1 : end - 1]  # as a heading's end is


def _heading_attributes(state: StateCore) -> None:
    """A heading's attributes, as Goldmark reads them by default in Hugo: its id given, the
    braces not shown (classes and the rest are not kept, as the sanitiser would drop them)."""
    if "}" not in state.src:
        return
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        found = _trailing_attributes(last.content) if last and last.type == "text" else None
        if last is None or found is None:
            continue
        last.content = last.content[: found[0]]
        in_source = _trailing_attributes(inline.content)
        if in_source is not None:
            inline.content = inline.content[: in_source[0]]
        given = _GIVEN_ID.findall(found[1])
        if given:
            token.attrSet("id", given[-1] + "-1" if given[-1] in PAGE_IDS else given[-1])


def _heading_id(text: str) -> str:
    """A heading's id: lower case, spaces as hyphens, punctuation dropped, letters of any
    script kept; never an id of the page's own."""
    words = re.sub(r"[^\w\s-]", "", text.strip().lower(), flags=re.UNICODE).split()
    found = "-".join(words) or "section"
    return found + "-1" if found in PAGE_IDS else found


_BARE_LINK = re.compile(
    r"""(?<![(<"'=/\w])(?:https?://|ftp://|www\.)|[\w.+-]@[\w-]+\.\w""", re.IGNORECASE
)
"""A URL not written as a link's target (``](https://...)``, ``<https://...>``), or an
e-mail address. Linkifying costs more than the rest of a render, so a body without one
is parsed without it: the same output, at a third of the time."""


def _emojize(tokens: list[Token]) -> None:
    """``:smile:`` as its emoji in text, never in code, links' targets or raw HTML."""
    import emoji

    for token in tokens:
        for child in token.children or ():
            if child.type == "text" and ":" in child.content:
                child.content = emoji.emojize(child.content, language="alias")


_ICON = re.compile(r"[ \t]?:\((?:fa[srlbdt]?|fa-[a-z]+)(?:[ \t]+fa-[\w-]+)+\):")
"""An icon in LoveIt's and FixIt's Markdown (``:(fas fa-download):``, Font Awesome's classes
between ``:(`` and ``):``), drawn by their scripts and fonts."""


def _drop_icons(state: StateCore) -> None:
    """Themes' icons taken out of text (never of code), before headings get their ids:
    pictures with no words, they would read as their class names."""
    if ":(" not in state.src:
        return
    for token in state.tokens:
        for place, child in enumerate(token.children or ()):
            if child.type == "text" and ":(" in child.content:
                child.content = _ICON.sub("", child.content)
                if place == 0:
                    child.content = child.content.lstrip(" \t")


_TABLE_START = re.compile(
    r"^ {0,3}[^ \n][^\n]*\|[^\n]*\n {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$",
    re.MULTILINE,
)
"""A table's header line and its delimiter row (``--------|------``)."""
_INDENTED_ROW = re.compile(r"^ {4,}(?=\S[^\n]*\|)", re.MULTILINE)


def _dedent_table_rows(text: str) -> str:
    """A table's rows indented four spaces or more (Hugo's example writes ``    Bob | 27``)
    stay rows, as Goldmark reads them, rather than becoming a code block."""
    out, at = [], 0
    for start in _TABLE_START.finditer(text):
        if start.start() < at or _open_fence(text[: start.start()]):
            continue  # inside a table already seen, or a fenced code block
        end = text.find("\n\n", start.end())
        end = len(text) if end < 0 else end
        out.append(text[at : start.end()])
        out.append(_INDENTED_ROW.sub("", text[start.end() : end]))
        at = end
    return "".join(out) + text[at:] if out else text


def _demote_headings(tokens: list[Token]) -> None:
    """The page's only h1 is the article title, and no heading skips a level below it:
    each heading is placed one level below the nearest heading before it written with
    fewer ``#`` (the title, if none), so a body's outline keeps its shape whatever level
    it starts at or returns to. Deeper than h6 is a paragraph that assistive technology
    reads as a heading of level 7 or more, which HTML lacks."""
    written: list[tuple[int, int]] = []  # the open headings: level written, level given
    given = 0
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
            while written and written[-1][0] >= level:
                written.pop()
            given = written[-1][1] + 1 if written else 2
            written.append((level, given))
        elif token.type != "heading_close":
            continue
        if given <= 6:
            token.tag = f"h{given}"
            continue
        token.tag = "p"
        if token.type == "heading_open":
            token.attrs = {"role": "heading", "aria-level": str(given)}


_CONTENT_SUFFIXES = (".md", ".markdown")
_SECTION_FILES = ("index", "_index")


def _link_content_files(
    tokens: list[Token], path: Path, root: Path, first_line: int, problems: list[Problem]
) -> bool:
    """Point links to other content files (``[part 1](part-1.md)``) at those pages' URLs,
    as Hugo's ``ref`` does; a link to a file that is not there is a warning. Whether any
    link named a content file (the body then depends on which files there are)."""
    lang = _language_suffix(path.name)
    follows = False
    for token in tokens:
        for child in token.children or []:
            if child.type != "link_open":
                continue
            href = str(child.attrGet("href") or "")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.lower().endswith(_CONTENT_SUFFIXES):
                continue
            relative = unquote(parts.path)
            start = root if relative.startswith("/") else path.parent
            named = Path(os.path.normpath(start / relative.lstrip("/")))
            if not named.is_relative_to(root):
                continue
            follows = True
            bases = [named]
            if not relative.startswith(("/", ".")):
                bases.append(Path(os.path.normpath(root / relative)))  # Hugo tries the root too
            target = next(
                (c for base in bases for c in _content_candidates(base, lang) if c.is_file()),
                named,
            )
            if not target.is_file():
                line = first_line + (token.map[0] if token.map else 0)
                problems.append(
                    Problem(
                        path,
                        line,
                        f"the link to {href!r} names no file of the site",
                        "correct the path, relative to this file or to content/",
                        Severity.WARNING,
                    )
                )
                continue
            child.attrSet(
                "href",
                _page_url(target.relative_to(root), lang)
                + ("#" + parts.fragment if parts.fragment else ""),
            )
    return follows


def _content_candidates(named: Path, lang: str) -> list[Path]:
    """The files a link to ``named`` may mean: itself; on a multilingual site, its page in
    the linking file's language (``header.en.md``); a bundle or section named without its
    index file (``header/index.md``, ``header/_index.en.md``)."""
    folder = named.with_suffix("")
    own = (f".{lang}", "") if lang else ("",)
    return [
        named,
        *([folder.parent / f"{folder.name}.{lang}.md"] if lang else []),
        *(folder / f"{index}{suffix}.md" for suffix in own for index in _SECTION_FILES),
    ]


_LANGUAGE_SUFFIX = re.compile(r"\.([a-z]{2,3}(?:-[a-z0-9]{2,8})*)\.(?:md|markdown)$")


def _language_suffix(name: str) -> str:
    """The language a file's name gives it on a multilingual site (``a.en.md``), if any."""
    found = _LANGUAGE_SUFFIX.search(name)
    return found[1] if found else ""


def _page_url(relative: Path, lang: str = "") -> str:
    """The URL of a content file, from its place below content/ (a translation's suffix,
    ``.en``, is not part of it)."""
    names = [unicodedata.normalize("NFC", name) for name in relative.parts]
    stem = names[-1].rsplit(".", 1)[0]
    if lang:
        stem = stem.removesuffix(f".{lang}")
    names = names[:-1] if stem in _SECTION_FILES else [*names[:-1], stem]
    return "/" + "".join(quote(name, safe="") + "/" for name in names)


def _tasks_as_text(tokens: list[Token]) -> None:
    # A task list's box as a character (☑ done, ☐ to do), not a form control: the page has
    # no form, and the sanitiser keeps no input element.
    for token in tokens:
        for child in token.children or []:
            if child.type == "html_inline" and "task-list-item-checkbox" in child.content:
                child.type, child.content = "text", "☑" if "checked" in child.content else "☐"


def _mark_figures(tokens: list[Token]) -> None:
    for index in range(1, len(tokens) - 1):
        opening, inline, closing = tokens[index - 1], tokens[index], tokens[index + 1]
        if opening.type != "paragraph_open" or closing.type != "paragraph_close":
            continue
        children = [c for c in inline.children or [] if c.type != "softbreak"]
        if len(children) == 1 and children[0].type == "image" and children[0].attrGet("title"):
            children[0].meta["caption"] = str(children[0].attrGet("title"))
            opening.tag = closing.tag = "figure"


_RAW_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_RAW_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_RAW_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _check_alt_text(
    tokens: list[Token], path: Path, first_line: int, problems: list[Problem]
) -> None:
    """Warn about every image without alt text, in Markdown or in raw HTML."""

    def warn(src: object, token: Token) -> None:
        problems.append(
            Problem(
                path,
                first_line + token.map[0] if token.map else None,
                f"image {src!r} has no alt text",
                'describe the image: ![what it shows](file.jpg), or <img alt="...">',
                Severity.WARNING,
            )
        )

    for token in tokens:
        if token.type == "html_block":
            for src in _raw_images_without_alt(token.content):
                warn(src, token)
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type == "image" and not child.content.strip():
                warn(child.attrGet("src"), token)
            elif child.type == "html_inline":
                for src in _raw_images_without_alt(child.content):
                    warn(src, token)


def _raw_images_without_alt(fragment: str) -> list[str]:
    missing = []
    for tag in _RAW_IMG.findall(fragment):
        alt = _RAW_ALT.search(tag)
        if alt is None or not "".join(g or "" for g in alt.groups()).strip():
            src = _RAW_SRC.search(tag)
            missing.append("".join(g or "" for g in src.groups()) if src else "")
    return missing


_PAIRED_OPENING = re.compile(
    rf"\{{\{{([<%])\s*(highlight|mermaid|echarts|comment|[\w.-]+\.inline)\b{_ARGS}\s*[>%]\}}\}}"
)
"""The shortcodes read with what they enclose: code, diagrams' and charts' sources (drawn
by a theme's script, shown as their code), Hugo's comment, inline templates."""
_CLOSING_TAG = re.compile(r"\{\{[<%]\s*/\s*([\w.-]+)\s*[>%]\}\}")


def _paired_sub(text: str, replace: Callable[[re.Match[str], str, re.Match[str]], str]) -> str:
    """``text`` with each paired shortcode (``_PAIRED_OPENING`` to its closing tag) replaced
    by ``replace(opening, inner, closing)``; its closing tag found by position, not by
    searching on from each opening (which took cubic time on a file of unclosed tags)."""
    closings: dict[str, list[re.Match[str]]] = {}
    for closing in _CLOSING_TAG.finditer(text):
        closings.setdefault(closing[1], []).append(closing)
    starts = {name: [found.start() for found in tags] for name, tags in closings.items()}
    out: list[str] = []
    at = 0
    for opening in _PAIRED_OPENING.finditer(text):
        if opening.start() < at or opening[2] not in closings:
            continue
        after = bisect.bisect_left(starts[opening[2]], opening.end())
        if after == len(starts[opening[2]]):
            continue
        closing = closings[opening[2]][after]
        inner = text[opening.end() : closing.start()]
        out += [text[at : opening.start()], replace(opening, inner, closing)]
        at = closing.end()
    out.append(text[at:])
    return "".join(out)


def _standing_alone(block: str, match: re.Match[str]) -> str:
    """Block HTML standing where a shortcode stood, as a block of its own (the line after
    it blank, or the HTML block would take it in)."""
    return _on_lines_of_its_own(block, match.string, match.start(), match.end(), 0, after=True)


def _on_lines_of_its_own(
    block: str,
    text: str,
    start: int,
    end: int,
    lines: int,
    *,
    before: bool = False,
    after: bool = False,
) -> str:
    """``block`` in place of ``text[start:end]``, which held ``lines`` line breaks, on lines
    of its own (with a blank line ``before`` or ``after`` it, where asked), adding only
    the line breaks that needs and making up after it any it has fewer than it replaced:
    the lines after it keep their numbers (for later warnings) whenever it was written as
    a block of its own."""
    # Read where it stands, never copying the text around it: a file of 80,000 embeds
    # took 25 s when each copied what came before and after it.
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    after_break = text.endswith("\n", 0, start)
    # Only line breaks before it: the start of the text, or of the run of it between
    # fenced code blocks that ``_display_dollars`` reads, where a block may begin.
    opening = _NOT_A_LINE_BREAK.search(text, 0, start) is None
    if opening or text.endswith("\n\n", 0, start) or (after_break and not before):
        lead = ""
    elif after_break or (indent and not indent.strip()):
        lead = "\n"  # a blank line, or the indent left on one (else it would make code)
    else:
        lead = "\n\n" if before else "\n"
    closing = _NOT_WHITE_SPACE.search(text, end) is None
    if closing or text.startswith("\n\n", end) or (text.startswith("\n", end) and not after):
        tail = ""
    else:
        tail = "\n" if text.startswith("\n", end) else "\n\n" if after else "\n"
    replaced = lead + block + tail
    return replaced + "\n" * max(0, lines - replaced.count("\n"))


_NOT_A_LINE_BREAK = re.compile(r"[^\n]")
_NOT_WHITE_SPACE = re.compile(r"\S")


_TEMPLATE_ACTION = re.compile(r"\{\{-?.*?-?\}\}", re.DOTALL)
_EMBEDS = {
    "youtube": ("YouTube", "https://www.youtube.com/watch?v={id}"),
    "vimeo": ("Vimeo", "https://vimeo.com/{id}"),
    "vimeo_simple": ("Vimeo", "https://vimeo.com/{id}"),
    "instagram": ("Instagram", "https://www.instagram.com/p/{id}/"),
    "instagram_simple": ("Instagram", "https://www.instagram.com/p/{id}/"),
    "x": ("X", "https://x.com/{user}/status/{id}"),
    "tweet": ("X", "https://x.com/{user}/status/{id}"),
    "twitter": ("X", "https://x.com/{user}/status/{id}"),
    "twitter_simple": ("X", "https://x.com/{user}/status/{id}"),
    "gist": ("GitHub Gist", "https://gist.github.com/{user}/{id}"),
}
"""Hugo's embedding shortcodes: each becomes a plain link to the post, never a player or a
script of the third party's (no tracking, nothing that needs JavaScript)."""


def _replace_shortcodes(
    text: str,
    path: Path,
    first_line: int,
    problems: list[Problem],
    params: Mapping[str, str],
    marks: _Marks | None = None,
) -> str:
    """Hugo's shortcodes as static Markdown or HTML: figures, code, embeds as links; notes
    (``admonition`` and its kin), folds (``details``) and attributed quotes as quotes
    starting with ``marks`` (``_quoted_shortcodes``), which ``_as_notes`` finishes; the
    others dropped with a warning, keeping their inner text without template code."""
    if "{{" not in text:
        return text

    newlines: list[tuple[str, list[int]]] = []  # of the text as it is when warned about

    def warn(at: int, message: str, fix: str) -> None:
        if not newlines or newlines[-1][0] is not text:  # found once: a file may hold many
            newlines.append((text, [found.start() for found in re.finditer("\n", text)]))
        line = first_line + bisect.bisect_left(newlines[-1][1], at)
        problems.append(Problem(path, line, message, fix, Severity.WARNING))

    def paired(match: re.Match[str], inner: str, closing: re.Match[str]) -> str:
        name, args = match.group(2), match.group(3)
        lines = (match[0] + inner + closing[0]).count("\n")
        if name == "comment":  # Hugo's: what it encloses is for the editors, never shown
            return "\n" * lines
        if name in ("highlight", "mermaid", "echarts"):
            language, *rest = _shortcode_parts(args) if name == "highlight" else [name]
            # Its options ("linenos=table,hl_lines=2 4-5") as a fence's, which Hugo also reads.
            info = f"{language} {{{rest[0]}}}" if rest else language
            fence = "~~~~" if "~~~" in inner else "~~~"
            block = f"{fence}{info if name != 'echarts' else ''}\n{inner.strip(chr(10))}\n{fence}"
            return _on_lines_of_its_own(block, match.string, match.start(), closing.end(), lines)
        warn(
            match.start(),
            f"the inline shortcode {name!r} is a template; its text is kept, its code left out",
            "write the content as Markdown or HTML",
        )
        return _TEMPLATE_ACTION.sub(lambda action: "\n" * action[0].count("\n"), inner)

    def single(match: re.Match[str]) -> str:
        closing, name, args = match.group(2), match.group(3), match.group(4)
        if closing:
            return ""
        if name == "figure":
            return _standing_alone(_figure_html(_shortcode_args(args)), match)
        if name == "image":  # LoveIt's, DoIt's and FixIt's: src, alt, caption by place too
            named = _shortcode_args(args)
            found = {
                "src": _argument(args, "src", 0),
                "alt": _argument(args, "alt", 1),
                "caption": _argument(args, "caption", 2),
                **{key: named.get(key, "") for key in ("title", "width", "height")},
            }
            if found["src"].strip():
                return _standing_alone(_figure_html(found), match)
        if name == "fa-icon":  # DoIt's: a picture, but a box ticked or not says something
            return _ICON_MEANINGS.get(_argument(args, "name", 1).removeprefix("fa-"), "")
        if name in ("ref", "relref"):
            target = (_positional(args) or [""])[0]
            if target:
                # The link pass turns a content file's path into its page's URL.
                return target if target.lower().endswith(_CONTENT_SUFFIXES) else target + ".md"
        if name in _EMBEDS or name in _PLAYERS:
            link = _embed_link(name, args) if name in _EMBEDS else _PLAYERS[name](args)
            if link:
                return _standing_alone(link, match)
        if name == "link":
            link = _link_html(args)
            if link:
                return link
        if name == "person":  # LoveIt's and DoIt's: a link to someone, in a sentence
            person = _person_html(args)
            if person:
                return person
        if name == "friend":  # DoIt's and FixIt's: a card linking a friend's site
            friend = _friend_html(args)
            if friend:
                return _standing_alone(friend, match)
        if name == "param":
            # As Hugo's: the value, or nothing when neither the page nor the site sets it.
            key = (_positional(args) or [""])[0].lower()
            return html.escape(params.get(key, ""))
        if _QUOTED_NAME.fullmatch(name):
            warn(
                match.start(),
                f"the shortcode {name!r} was not read, only its text kept: its tags are "
                "neither on lines of their own nor on one line with a blank line below",
                "put each of its tags on a line of its own",
            )
            return ""
        warn(
            match.start(),
            f"Hugo shortcode {name!r} is not supported and was left out",
            "replace it with Markdown or HTML (understood: figure, highlight, param, ref, "
            "relref, link, image, youtube, vimeo, x, tweet, instagram, gist, bilibili, youku, "
            "music, and themes' notes, folds and quotes)",
        )
        return ""

    # Escaped ones ({{</* x */>}}, as pages about shortcodes write them) are shown as
    # written, unescaped: kept aside meanwhile, behind a mark the text does not hold and
    # as many lines long, so that lines still count.
    mark = _unused_mark(text + "".join(marks or ())) if _ESCAPED_SHORTCODE.search(text) else None
    if mark is None:
        text = _quoted_shortcodes(text, marks) if marks is not None else text
        text = _paired_sub(text, paired)  # what ``warn`` counts lines in from here
        return _SHORTCODE.sub(single, text)
    escaped: list[str] = []

    def aside(match: re.Match[str]) -> str:
        opening, inner, closing = match.groups()
        escaped.append(f"{{{{{opening}{inner}{closing}}}}}")
        return f"{mark}{len(escaped) - 1}" + "\n" * inner.count("\n") + mark

    text = _ESCAPED_SHORTCODE.sub(aside, text)  # what ``warn`` counts lines in from here
    text = _quoted_shortcodes(text, marks) if marks is not None else text
    text = _paired_sub(text, paired)
    done = _SHORTCODE.sub(single, text)
    kept_aside = re.compile(f"{mark}(\\d+)\n*{mark}")
    return kept_aside.sub(lambda m: escaped[int(m[1])], done)


_ESCAPED_SHORTCODE = re.compile(r"\{\{([<%])/\*((?:(?!\{\{[<%]/\*).)*?)\*/([>%])\}\}", re.DOTALL)
_NOTE_NAMES = ("admonition", "notice", "hint", "alert", "callout", "note")
_QUOTE_NAMES = ("blockquote", "quote")
_FOLD_NAMES = ("details", "expand")
_QUOTED_NAME = re.compile("|".join((*_NOTE_NAMES, *_FOLD_NAMES, *_QUOTE_NAMES)))
_QUOTED_OPENING = re.compile(
    rf"^[ \t]{{0,3}}\{{\{{([<%])[ \t]*({_QUOTED_NAME.pattern})(?![\w.-])"
    rf'((?:[^>%"\n]|"[^"\n]*")*)[>%]\}}\}}',
    re.MULTILINE,
)
"""The opening tag of a shortcode made a quote, each tag on a line of its own or both on
one line: a note of Hugo's themes (LoveIt's, DoIt's and FixIt's ``admonition``, its title
the second argument or ``title``; hugo-notice's ``notice``, Book's ``hint``, Docsy's
``alert``, Hextra's ``callout``, NexT's ``note``), a fold (Hugo's ``details``, its
``summary``; FixIt's ``details`` and Jane's ``expand``, the first argument) or a quote,
attributed when it says by whom (the Octopress ``blockquote`` of Jane and others:
``author``, ``source``, ``link``, ``title``; Stack's and NexT's ``quote``: ``author``,
``source``, ``url``).
Its closing tag is any ``_CLOSING_TAG`` of its name."""
_NESTING = 8
"""How deep quoted shortcodes are read inside each other; deeper ones keep their text."""


class _Marks(NamedTuple):
    """Private-use characters a body does not hold, by which the token pass knows what a
    quote was: a note (its text starts with ``note``), a fold or an attributed quote (its
    first line starts with what is between two ``fold`` or ``cite`` marks)."""

    note: str
    fold: str
    cite: str


def _unused_marks(text: str) -> _Marks | None:
    """Three private-use characters ``text`` does not hold (None if it holds all but two)."""
    found = list(itertools.islice(_free_characters(text), 3))
    return _Marks(*found) if len(found) == 3 else None


def _quoted_shortcodes(text: str, marks: _Marks, depth: int = 0) -> str:
    """Each quoted shortcode (``_QUOTED_OPENING``) as a Markdown quote that starts as
    ``_quote_start`` says, line for line, so that later warnings keep their line: the
    opening tag's line becomes the quote's first, the closing tag's an empty one. One on
    one line is one only when a blank line follows it (a line below it would be read as
    its own). Read line by line, in time linear in the text at each depth of nesting."""
    lines = text.split("\n")
    closings: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        if (closing := _CLOSING_TAG.fullmatch(line.strip())) is not None:
            closings.setdefault(closing[1], []).append(number)
    out: list[str] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        opening = _QUOTED_OPENING.match(line)
        rest = line[opening.end() :] if opening else ""
        if opening and not rest.strip():
            ends = closings.get(opening[2], [])
            after = bisect.bisect_right(ends, number)
            if after < len(ends):
                inner = "\n".join(lines[number + 1 : ends[after]])
                if depth < _NESTING and "{{" in inner:
                    inner = _quoted_shortcodes(inner, marks, depth + 1)
                out.append(_quote_start(opening[2], opening[3], marks, block=True))
                out += [f"> {line}" if line.strip() else ">" for line in inner.split("\n")]
                out.append("")
                number = ends[after] + 1
                continue
        elif opening:
            at = rest.rfind("{{")
            closing = _CLOSING_TAG.fullmatch(rest[at:].rstrip()) if at >= 0 else None
            blank_below = number + 1 == len(lines) or not lines[number + 1].strip()
            if closing is not None and closing[1] == opening[2] and blank_below:
                start = _quote_start(opening[2], opening[3], marks, block=False)
                out.append(start + rest[:at].strip())
                number += 1
                continue
        out.append(line)
        number += 1
    return "\n".join(out)


def _quote_start(name: str, args: str, marks: _Marks, *, block: bool) -> str:
    """The first line of the quote a quoted shortcode becomes: a note's mark and bold
    title (then a hard break, or a space before text on the same line); a fold's summary
    or a quote's attribution between two marks (the attribution in Markdown)."""
    if name in _FOLD_NAMES:
        summary = _as_markdown_text(_argument(args, "summary", 0))
        return f"> {marks.fold}{summary}{marks.fold}"
    if name in _QUOTE_NAMES:
        return f"> {marks.cite}{_attribution(_shortcode_args(args))}{marks.cite}"
    return f"> {marks.note}" + _note_title(args, "  " if block else " ")


def _attribution(args: Mapping[str, str]) -> str:
    """A quote's attribution in Markdown: its author, then its source, linked to its
    ``link`` (Octopress's) or ``url`` (Stack's), the link reading ``title``, else the
    source, else the address; "" when it gives none."""
    author = _as_markdown_text(args.get("author", "").strip())
    source = args.get("source", "").strip()
    link = (args.get("link") or args.get("url") or "").strip()
    if link:
        words = args.get("title", "").strip() or source or re.sub(r"^\w+://(www\.)?", "", link)
        source = f'<a href="{html.escape(link)}">{html.escape(words)}</a>'
    else:
        source = _as_markdown_text(source)
    return ", ".join(part for part in (author, source) if part)


def _note_title(args: str, then: str) -> str:
    """A note's title (``title``, else its second argument, but NexT's ``no-icon`` flag) as
    bold Markdown, then ``then``."""
    title = _argument(args, "title", 1)
    title = "" if title == "no-icon" else title
    escaped = _as_markdown_text(title)
    return f"**{escaped}**{then}" if title else ""


_MARKDOWN_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
"""What Markdown may read as syntax: each escaped in text written into it."""


def _as_markdown_text(text: str) -> str:
    """``text`` written into Markdown as text: every character it could read as syntax
    escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", text)


@dataclass
class _Quote:
    """A quote open in the token pass: where it starts in the output, what it became and,
    for an attributed one, its attribution."""

    opening: Token
    at: int
    kind: str = "quote"
    attribution: list[Token] = field(default_factory=list)


def _as_notes(tokens: list[Token], marks: _Marks | None) -> list[Token]:
    """The quotes that quoted shortcodes became (``_quoted_shortcodes``), finished: a note
    as ``<div role="note">``, its mark taken out; a fold as ``<details>`` with its summary;
    an attributed quote in a ``<figure>``, its attribution the caption; and the alerts of
    GitHub and Hugo (``> [!WARNING]``) as notes, their type or title in bold."""
    out: list[Token] = []
    opened: list[_Quote] = []
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            opened.append(_Quote(token, len(out)))
        elif token.type == "blockquote_close" and opened:
            quote = opened.pop()
            if quote.kind == "note":
                quote.opening.tag = token.tag = "div"
                quote.opening.attrSet("role", "note")
            elif quote.kind == "fold":
                quote.opening.tag = token.tag = "details"
            elif quote.kind == "cite":
                out.insert(quote.at, Token("figure_open", "figure", 1))
                caption = _wrapped("figcaption", [Token("text", "", 0, content="— ")])
                caption[1].children = [*(caption[1].children or []), *quote.attribution]
                out += [token, *caption, Token("figure_close", "figure", -1)]
                continue
        elif (
            token.type == "inline"
            and opened
            and index >= 2
            and tokens[index - 2] is opened[-1].opening
        ):
            quote = opened[-1]
            children = token.children or []
            first = children[0].content if children else ""
            alert = _ALERT.match(token.content)
            if marks is not None and first.startswith(marks.note):
                quote.kind = "note"
                children[0].content = first[len(marks.note) :]
                if (
                    not children[0].content
                    and len(children) > 1
                    and children[1].type == "softbreak"
                ):
                    del children[:2]  # the mark's line, ended
            elif marks is not None and first.startswith((marks.fold, marks.cite)):
                mark = first[0]
                words = _between_marks(token, mark)
                if mark == marks.cite:
                    quote.kind, quote.attribution = ("cite", words) if words else ("quote", [])
                else:
                    quote.kind = "fold"
                    if words:
                        out[quote.at + 1 : quote.at + 1] = _wrapped("summary", words)
            elif alert and children and first.startswith(alert[0]):
                quote.kind = "note"
                _alert_title(children, alert)
            marked = marks is not None and first.startswith(marks)
            if (marked or quote.kind != "quote") and not any(
                child.content for child in token.children or []
            ):
                tokens[index - 1].hidden = tokens[index + 1].hidden = True
        out.append(token)
    return out


def _between_marks(inline: Token, mark: str) -> list[Token]:
    """What an inline token's children hold between its leading ``mark`` and the next,
    taken out of it with the marks and the line break after them."""
    children = inline.children or []
    for at, child in enumerate(children):
        end = child.content.find(mark, 1 if at == 0 else 0) if child.type == "text" else -1
        if end < 0:
            continue
        head = children[:at]
        before = child.content[:end]
        if before:
            head.append(Token("text", "", 0, content=before))
        child.content = child.content[end + 1 :]
        tail = children[at:] if child.content else children[at + 1 :]
        if tail and tail[0].type in ("softbreak", "hardbreak"):
            tail = tail[1:]
        if head and head[0].type == "text":
            head[0].content = head[0].content.removeprefix(mark)
        inline.children = tail
        return [token for token in head if token.content or token.type != "text"]
    return []


def _wrapped(tag: str, children: list[Token]) -> list[Token]:
    """An element holding inline children, as block tokens (a summary, a caption)."""
    inline = Token("inline", "", 0, children=children, content="")
    return [Token(f"{tag}_open", tag, 1), inline, Token(f"{tag}_close", tag, -1)]


_ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][+-]?[ \t]*", re.IGNORECASE)
"""The first line of an alert, as GitHub and Hugo read it: its type, then maybe a title."""


def _alert_title(children: list[Token], alert: re.Match[str]) -> None:
    """An alert's first line as its title in bold: what follows its type, or else its type
    ("Warning"); the text below it on a line of its own."""
    line_end = next((i for i, c in enumerate(children) if c.type == "softbreak"), len(children))
    rest = children[0].content[alert.end() :]
    children[0].content = rest or ("" if line_end > 1 else alert[1].capitalize())
    if line_end < len(children):
        children[line_end].type, children[line_end].tag = "hardbreak", "br"
    children.insert(line_end, Token("strong_close", "strong", -1, markup="**"))
    children.insert(0, Token("strong_open", "strong", 1, markup="**"))


def _unused_mark(text: str) -> str | None:
    """A private-use character ``text`` does not hold (None if it holds them all)."""
    return next(_free_characters(text), None)


def _free_characters(text: str) -> Iterator[str]:
    """The private-use characters ``text`` does not hold, to mark what a pass leaves for
    the next: text cannot be taken for them."""
    present = set(text)
    return (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in present)


def _positional(args: str) -> list[str]:
    return [part for part in _shortcode_parts(args) if "=" not in part]


def _shortcode_parts(args: str) -> list[str]:
    try:
        return shlex.split(args)
    except ValueError:
        return []


def _embed_link(name: str, args: str) -> str:
    """An embed as a paragraph holding a link to the post on its site."""
    site, pattern = _EMBEDS[name]
    named, positional = _shortcode_args(args), _positional(args)
    values = {"user": named.get("user", ""), "id": named.get("id", "")}
    posts = ("x", "tweet", "twitter", "twitter_simple", "gist")
    if name in posts and len(positional) >= 2:  # {{< gist user id >}}, an old tweet's form
        values["user"], values["id"] = positional[0], positional[1]
    elif positional:  # the id first: "{{< instagram ID hidecaption >}}" has a flag after it
        values["id"] = positional[0]
    if not values["id"]:
        return ""
    if "{user}" in pattern and not values["user"]:
        pattern = pattern.replace("{user}", "i")  # x.com/i/status/ID finds any post
    url = pattern.format(**{k: quote(v, safe="") for k, v in values.items()})
    return _embed_paragraph(url, f"{site}: {named.get('title') or values['id']}")


def _bilibili_link(args: str) -> str:
    """LoveIt's, FixIt's and Even's ``bilibili``: its video (a ``BV`` id or an ``av``
    number, then a part number, by place or as ``id``/``p``) on bilibili."""
    video = _argument(args, "id", 0).strip()
    part = _argument(args, "p", 1).strip()
    if not video:
        return ""
    named = ("av" if video.isdigit() else "") + quote(video, safe="")
    address = f"https://www.bilibili.com/video/{named}/"
    address += f"?p={part}" if part.isdigit() and part != "1" else ""
    label = f"{video}, P{part}" if part.isdigit() and part != "1" else video
    return _embed_paragraph(address, f"bilibili: {label}")


def _youku_link(args: str) -> str:
    """Jane's ``youku``: its video's player page on Youku."""
    video = _argument(args, "id", 0).strip()
    if not video:
        return ""
    return _embed_paragraph(
        f"https://player.youku.com/embed/{quote(video, safe='')}", f"Youku: {video}"
    )


def _music_link(args: str) -> str:
    """A theme's ``music`` player as a link: to the audio file (``url``, titled by ``name``
    and ``artist``), to the page it plays (``auto``), or to a song, list or album of
    NetEase Cloud Music or QQ Music (``server``, ``type``, ``id``, or the three by place,
    LoveIt's and FixIt's; one id alone is a NetEase song, as Jane's and Even's)."""
    named = _shortcode_args(args)
    if named.get("url"):
        title = " – ".join(part for part in (named.get("name"), named.get("artist")) if part)
        return _embed_paragraph(named["url"], title or named["url"])
    if named.get("auto"):
        return _embed_paragraph(named["auto"], named["auto"])
    positional = _positional(args)
    given = positional if len(positional) == 3 else ["netease", "song", *positional[:1]]
    server, kind = named.get("server", given[0]), named.get("type", given[1])
    item = (named.get("id") or (given[2] if len(given) > 2 else "")).strip()
    address = _MUSIC.get(server, {}).get(kind)
    if not item or address is None:
        return ""
    label = "NetEase Cloud Music" if server == "netease" else "QQ Music"
    return _embed_paragraph(address.format(id=quote(item, safe="")), f"{label}: {item}")


_MUSIC = {
    "netease": {
        kind: f"https://music.163.com/#/{kind}?id={{id}}"
        for kind in ("song", "playlist", "album", "artist")
    },
    "tencent": {
        "song": "https://y.qq.com/n/ryqq/songDetail/{id}",
        "playlist": "https://y.qq.com/n/ryqq/playlist/{id}",
        "album": "https://y.qq.com/n/ryqq/albumDetail/{id}",
        "artist": "https://y.qq.com/n/ryqq/singer/{id}",
    },
}
"""Where a player's ``server`` and ``type`` (MetingJS's names) are pages a reader opens."""
_PLAYERS: dict[str, Callable[[str], str]] = {
    "bilibili": _bilibili_link,
    "youku": _youku_link,
    "music": _music_link,
    "audio": _music_link,  # DoIt's, inside its ``aplayer``: ``url``, ``name``, ``artist``
}
"""The players of Chinese sites that themes embed, each a plain link as ``_EMBEDS``."""


def _embed_paragraph(address: str, label: str) -> str:
    """A paragraph of its own holding one link; "" without an address."""
    if not address.strip():
        return ""
    return f'<p><a href="{html.escape(address.strip())}">{html.escape(label)}</a></p>'


def _shortcode_args(args: str) -> dict[str, str]:
    try:
        parts = shlex.split(args)
    except ValueError:
        return {}
    named: dict[str, Any] = {}
    for part in parts:
        key, sep, value = part.partition("=")
        if sep:
            named[key.strip()] = value
    return named


def _argument(args: str, name: str, place: int) -> str:
    """A shortcode's argument given by its name, else by its place (themes take either)."""
    positional = _positional(args)
    return _shortcode_args(args).get(name) or (positional[place] if len(positional) > place else "")


def _link_html(args: str) -> str:
    """LoveIt's and FixIt's ``link``: a link to ``href`` (or the first argument) reading
    ``content`` (or the second, else the address), titled ``title`` (or the third); "" when
    it names no address. Its card form is a plain link too."""
    href = _argument(args, "href", 0)
    text = _argument(args, "content", 1) or href
    title = _argument(args, "title", 2)
    if not href.strip():
        return ""
    titled = f' title="{html.escape(title)}"' if title else ""
    return f'<a href="{html.escape(href.strip())}"{titled}>{html.escape(text)}</a>'


_ICON_MEANINGS = {
    "check-square": "☑",
    "square-check": "☑",
    "square": "☐",
    "check": "✓",
    "circle-check": "✓",
    "check-circle": "✓",
    "times": "✗",
    "xmark": "✗",
}
"""The icons that say something (a table's yes and no), as the characters that say it;
other icons are pictures with no words, left out."""


def _person_html(args: str) -> str:
    """A person (``url``, ``name``, then ``text``, by name or place) as a link reading
    their name, what the text says of them after it in brackets; "" without an address."""
    url, name = _argument(args, "url", 0).strip(), _argument(args, "name", 1)
    text = _argument(args, "text", 2)
    if not url:
        return ""
    said = f" ({html.escape(text)})" if text.strip() else ""
    return f'<a href="{html.escape(url)}">{html.escape(name.strip() or url)}</a>{said}'


def _friend_html(args: str) -> str:
    """A friend's card (``name``, ``url``, then ``avatar`` and ``bio``, or FixIt's
    ``logo`` and ``word``) as a paragraph: a link reading the name, then the words."""
    name, url = _argument(args, "name", 0), _argument(args, "url", 1).strip()
    words = _argument(args, "bio", 3) or _argument(args, "word", 3)
    if not url:
        return ""
    after = f" – {html.escape(words)}" if words.strip() else ""
    return f'<p><a href="{html.escape(url)}">{html.escape(name.strip() or url)}</a>{after}</p>'


def _figure_html(args: dict[str, str]) -> str:
    src = html.escape(args.get("src", ""))
    alt = html.escape(args.get("alt", ""))
    caption = args.get("caption") or args.get("title") or ""
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    size = "".join(
        f' {side}="{number}"'
        for side in ("width", "height")
        if (number := args.get(side, "").strip().removesuffix("px")).isdigit()
    )
    return f'<figure><img src="{src}" alt="{alt}"{size} loading="lazy">{figcaption}</figure>'
