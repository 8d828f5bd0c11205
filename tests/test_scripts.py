"""Conversion between scripts and the reading aid, over classes of input (hypothesis):
markup, code and URLs are never touched, and nothing is lost."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.xml import ATOM_NS, entries_apart, serialise
from reader.config import Settings
from reader.languages import variants
from reader.lru import SizedLRU
from reader.rendered import Rendered
from reader.ruby import readings, ruby_text
from reader.scripts import TEXT_ATTRIBUTES, ScriptConverter, term_in_script
from reader.urls import Kind
from reader.variants import in_variant_response

HAN = st.sampled_from("漢字轉換頭髮發展乾隆軟體網路環保區銀行行走臺灣台湾发展头发后來著")
TEXT = st.text(alphabet=st.one_of(HAN, st.sampled_from("ab <>&\"'é ,。：\n")), max_size=40)
CONVERT = ScriptConverter("tw2sp", ("乾隆",))
_TAG = re.compile(r"<[^>]*>")
_READABLE = re.compile(rf'(\s(?:{"|".join(TEXT_ATTRIBUTES)})=")[^"]*(")')


@st.composite
def html_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """HTML as our templates and Markdown write it (text escaped), and its code's text."""
    parts, code = [], []
    for _ in range(draw(st.integers(1, 6))):
        text = escape(draw(TEXT))
        kind = draw(st.sampled_from(["text", "p", "code", "pre", "a", "img", "untranslated"]))
        if kind == "text":
            parts.append(text)
        elif kind == "p":
            parts.append(f'<p title="{text}">{text}</p>')
        elif kind == "code":
            parts.append(f"<p>x<code>{text}</code>y</p>")
            code.append(text)
        elif kind == "pre":
            parts.append(f'<pre><code class="language-go">{text}</code></pre>')
            code.append(text)
        elif kind == "a":
            parts.append(f'<a href="/新聞/{text}">{text}</a>')
        elif kind == "img":
            parts.append(f'<img src="/a/{text}.png" alt="{text}">')
        else:
            parts.append(f'<span translate="no" lang="zh-Hant">{text}</span>')
            code.append(text)
    return "".join(parts), code


@given(html_documents())
def test_conversion_changes_text_never_markup_code_or_urls(document: tuple[str, list[str]]) -> None:
    html, code = document
    converted = CONVERT.html(html)
    assert [_blank(t) for t in _TAG.findall(converted)] == [_blank(t) for t in _TAG.findall(html)]
    for text in code:
        assert text in converted
    # Between the same tags, each run of text is left as written or converted whole.
    for before, after in zip(_TAG.split(html), _TAG.split(converted), strict=True):
        assert after in (before, CONVERT.text(before))


def _blank(tag: str) -> str:
    """A tag with the values of its readable attributes (which are converted) left out."""
    return _READABLE.sub(r"\1\2", tag)


@given(TEXT)
def test_the_glossary_is_never_converted(text: str) -> None:
    assert CONVERT.text(f"{text}乾隆{text}").count("乾隆") >= 1


# No deadline: the first example loads the readings' dictionaries (350 ms on a busy machine).
@settings(deadline=None)
@given(TEXT)
def test_the_reading_aid_loses_and_adds_no_text(text: str) -> None:
    escaped = escape(text)
    annotated = ruby_text(escaped)
    without = re.sub(r"<rt[^>]*>[^<]*</rt>|</?ruby>", "", annotated)
    assert without == escaped
    # One reading over each character that has one, in order.
    shown = re.findall(r"<rt[^>]*>([^<]*)</rt>", annotated)
    expected = [r for run in re.findall(r"[\u4e00-\u9fff]+", text) for r in readings(run) if r]
    assert shown == expected


@given(st.text(alphabet=st.one_of(HAN, st.sampled_from("ab 1")), min_size=1, max_size=8))
def test_a_term_in_the_sites_script_stays_there(term: str) -> None:
    for language in ("zh-Hant", "zh-Hans"):
        once = term_in_script(term, language)
        assert term_in_script(once, language) == once
    assert term_in_script(term, "en") == term


LINK_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", blacklist_characters='"<>&#'),
    max_size=30,
)


@given(
    st.one_of(
        LINK_TEXT,
        st.builds(lambda s: "/" + s, LINK_TEXT),
        st.sampled_from(["//evil.example/x/", "https://evil.example/", "mailto:a@b.example"]),
    )
)
def test_a_variant_moves_only_links_to_our_own_pages(link: str) -> None:
    """Whatever a page links to, its variant links to the same place or to its variant."""
    settings = Settings(Path("/nonexistent"), language="zh-Hant")
    (variant,) = variants(settings)
    page = Rendered(f'<p><a href="{link}">x</a></p>'.encode(), Kind.PAGE)
    moved = in_variant_response(settings, variant, page, "/news/a/").body.decode()
    (href,) = re.findall(r'href="([^"]*)"', moved)
    if not link or link.startswith("//") or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", link):
        assert href == link  # another site's, a scheme's, or this very page
    else:
        resolved = link if link.startswith("/") else urljoin("/news/a/", link)
        assert href in (resolved, "/zh-hans" + resolved)


@given(
    st.one_of(LINK_TEXT, st.builds(lambda s: "/" + s, LINK_TEXT)),
    st.text(alphabet=HAN, min_size=1, max_size=6),
    st.lists(st.sampled_from(["/news/a/", "/news/b/c/", "/", "/a/b/page/2/"]), min_size=2),
)
def test_a_variant_pages_kept_pieces_are_what_each_page_would_make(
    link: str, words: str, paths: list[str]
) -> None:
    """Pieces of pages kept for the next page (tags, texts) change nothing: a relative link
    is still resolved against each page, the words converted as they were."""
    settings = Settings(Path("/nonexistent"), language="zh-Hant")
    (variant,) = variants(settings)
    html = f'<p title="{words}"><a href="{link}">{words}</a><img src="{link}" alt="{words}"></p>'
    page = Rendered(html.encode(), Kind.PAGE)
    kept: SizedLRU[str] = SizedLRU(1 << 20)
    for path in paths:
        alone = in_variant_response(settings, variant, page, path).body
        assert in_variant_response(settings, variant, page, path, kept).body == alone


@given(
    st.text(alphabet=HAN, min_size=1, max_size=6),
    st.sampled_from(["", '<a href="part-2/">', '<img alt="{w}" src="a.jpg">']),
)
def test_a_variant_feeds_kept_conversions_are_what_each_feed_would_make(
    words: str, markup: str
) -> None:
    """Feeds repeat their entries' titles and contents, and keep their conversions: an RSS
    feed, an Atom feed and a JSON Feed each come out as they would with nothing kept."""
    settings = Settings(Path("/nonexistent"), language="zh-Hant")
    (variant,) = variants(settings)
    content = escape(f"<p>{markup.format(w=words)}{words}</p>")
    rss = (
        f'<rss version="2.0"><channel><title>{words}</title><item><title>{words}</title>'
        f"<description>{content}</description></item></channel></rss>"
    )
    atom = (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{words}</title><entry>'
        f'<title>{words}</title><content type="html">{content}</content></entry></feed>'
    )
    document = {"title": words, "items": [{"title": words, "content_html": content}]}
    answers = [
        Rendered(rss.encode(), Kind.FEED, media_type="application/rss+xml"),
        Rendered(atom.encode(), Kind.FEED, media_type="application/atom+xml"),
        Rendered(json.dumps(document).encode(), Kind.FEED, media_type="application/feed+json"),
    ]
    kept: SizedLRU[str] = SizedLRU(1 << 20)
    for answer in answers * 2:
        alone = in_variant_response(settings, variant, answer, "/rss.xml").body
        assert in_variant_response(settings, variant, answer, "/rss.xml", kept).body == alone


RSS_NAMESPACES = {"content": "http://purl.org/rss/1.0/modules/content/"}
ENTRY_HTML = st.one_of(
    st.builds(lambda document: document[0], html_documents()),
    # What would cut a feed wrongly if its entries were found by text alone.
    st.sampled_from(
        [
            '<img alt="</item><item>" src="a.png">頭髮',
            '<img alt="<!--accessible-reader entry-->" src="a.png">發展',
            "<p>]]&gt; <entry> 軟體</p>",
        ]
    ),
)


@st.composite
def feeds_sharing_entries(draw: st.DrawFn) -> list[Rendered]:
    """RSS and Atom documents as lxml serialises ours, whose entries recur from one
    document to the next (an article in several feeds), in any order."""
    entries = draw(st.lists(st.tuples(TEXT, ENTRY_HTML), min_size=1, max_size=5))
    documents = []
    for _ in range(draw(st.integers(1, 4))):
        chosen = draw(st.lists(st.sampled_from(entries), max_size=4))
        if draw(st.booleans()):
            root = etree.Element("rss", version="2.0", nsmap=RSS_NAMESPACES)
            channel = etree.SubElement(root, "channel")
            etree.SubElement(channel, "title").text = draw(TEXT)
            for title, html in chosen:
                item = etree.SubElement(channel, "item")
                etree.SubElement(item, "title").text = title
                etree.SubElement(item, "link").text = "https://example.org/新聞/a/"
                content = etree.SubElement(item, f"{{{RSS_NAMESPACES['content']}}}encoded")
                content.text = etree.CDATA(html)
            media_type = "application/rss+xml"
        else:
            root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
            etree.SubElement(root, f"{{{ATOM_NS}}}title").text = draw(TEXT)
            for title, html in chosen:
                entry = etree.SubElement(root, f"{{{ATOM_NS}}}entry")
                etree.SubElement(entry, f"{{{ATOM_NS}}}title").text = title
                content = etree.SubElement(entry, f"{{{ATOM_NS}}}content", type="html")
                content.text = html
            media_type = "application/atom+xml"
        documents.append(Rendered(serialise(root), Kind.FEED, media_type=media_type))
    return documents


@given(feeds_sharing_entries())
def test_feeds_converted_entry_by_entry_are_the_feeds_converted_whole(
    answers: list[Rendered],
) -> None:
    """Each entry is converted once and spliced into every feed that holds it: every feed
    comes out byte for byte as converting the whole document makes it, whatever its
    entries hold, and a document cut where none is still comes out whole."""
    settings = Settings(Path("/nonexistent"), language="zh-Hant")
    (variant,) = variants(settings)
    kept: SizedLRU[str] = SizedLRU(1 << 20)
    entries: SizedLRU[bytes] = SizedLRU(1 << 20)
    for answer in answers * 2:
        whole = in_variant_response(settings, variant, answer, "/rss.xml").body
        by_entries = in_variant_response(settings, variant, answer, "/rss.xml", kept, entries)
        assert by_entries.body == whole
        apart = entries_apart(answer.body)
        if apart is not None:
            assert apart.head + b"".join(apart.entries) + apart.tail == answer.body


def test_a_feed_is_cut_only_around_one_run_of_entries() -> None:
    """Entries with something between them, or unbalanced, are not cut apart."""
    run = b"<rss><channel><title>t</title><item>a</item><item/><item>c</item></channel></rss>"
    apart = entries_apart(run)
    assert apart is not None
    assert apart.entries == [b"<item>a</item>", b"<item/>", b"<item>c</item>"]
    assert apart.head == b"<rss><channel><title>t</title>"
    assert entries_apart(run.replace(b"<item/>", b"<x/><item/>")) is None
    assert entries_apart(run.replace(b"</item><item/>", b"<item/>")) is None
    assert entries_apart(b"<rss><channel><title>t</title></channel></rss>") is None
    # What only looks like an entry's edge, in CDATA or a comment, is not one.
    inside = b"<item><d><![CDATA[<img alt='</item><item>'>]]></d><!-- <item> --></item>"
    apart = entries_apart(b"<rss><channel>" + inside + b"</channel></rss>")
    assert apart is not None
    assert apart.entries == [inside]


def test_a_text_that_looks_like_a_tag_is_kept_apart_from_the_tag() -> None:
    """A feed's title may be, word for word, a start tag some page has: the title's
    conversion leaves its link alone, the page's tag must still have its link moved."""
    settings = Settings(Path("/nonexistent"), language="zh-Hant")
    (variant,) = variants(settings)
    tag = '<a href="/news/" title="頭髮">'
    feed = f'<rss version="2.0"><channel><title>{escape(tag)}</title></channel></rss>'
    kept: SizedLRU[str] = SizedLRU(1 << 20)
    answer = Rendered(feed.encode(), Kind.FEED, media_type="application/rss+xml")
    in_variant_response(settings, variant, answer, "/rss.xml", kept)
    page = Rendered(f"<p>{tag}x</a></p>".encode(), Kind.PAGE)
    moved = in_variant_response(settings, variant, page, "/", kept).body.decode()
    assert 'href="/zh-hans/news/"' in moved
    assert moved == in_variant_response(settings, variant, page, "/").body.decode()
