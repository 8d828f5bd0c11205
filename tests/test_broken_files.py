"""A site of broken and hostile files: each a diagnostic with file, line and fix, never a
crash, and every good article beside them still served."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from reader.cli import main
from reader.frontmatter import FrontMatterError, parse_document
from reader.load import load_site
from reader.markdown import sanitize
from reader.model import Severity
from reader.parsing import MAX_SOURCE_BYTES
from reader.site import Site
from reader.store import tag_slug
from tests.factories import NOW, SiteFactory

CHINESE = "海灣市交通局宣布，為方便市民夜間出行，港灣區渡輪將於下月起增開夜間班次。"
SIMPLIFIED = "海湾市交通局宣布，为方便市民夜间出行，港湾区渡轮将于下月起增开夜间班次。"

# file name -> bytes, and whether a good article must come of it
BROKEN: dict[str, bytes] = {
    "bad-yaml.md": b"---\ntitle: [unclosed\ndate: 2026-11-01\n---\n\nx\n",
    "bad-toml.md": b'+++\ntitle = "unclosed\ndate = 2026-11-01\n+++\n\nx\n',
    "no-closing-fence.md": b"---\ntitle: T\ndate: 2026-11-01\n\nBody.\n",
    "tags-a-number.md": b"---\ntitle: T\ndate: 2026-11-01\ntags: 42\n---\n\nx\n",
    "date-a-list.md": b"---\ntitle: T\ndate: [2026, 11, 1]\n---\n\nx\n",
    "impossible-date.md": b"---\ntitle: T\ndate: 2026-02-30\n---\n\nx\n",
    "empty.md": b"",
    "front-matter-only.md": b"---\ntitle: Only\n---\n",
    "nul-bytes.md": b"---\ntitle: T\x00\ndate: 2026-11-01\n---\n\nBody \x00 here.\n",
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "title-a-map.md": b"---\ntitle: {a: 1}\ndate: 2026-11-01\n---\n\nx\n",
    # Tags that never close: found in time linear in the file (their expressions once took
    # cubic time: a minute for these).
    "unclosed-shortcodes.md": b"---\ntitle: T\ndate: 2026-11-01\n---\n\n"
    + b"{{< highlight go >}}x" * 1000
    + b"{{< a >" * 1000
    + b"{{</* x " * 1000
    + b"{{% comment %}}z\n" * 1000,
}
GOOD: dict[str, tuple[bytes, str]] = {
    # Display math that never closes, a block each: text, read in linear time (35 s with
    # the math plugin's own rule, which searched to the end of the file from each).
    "unclosed-math.md": (
        b"---\ntitle: T\ndate: 2026-11-01\n---\n\n" + b"\\[ x\n\n" * 20000,
        "\n".join(["[ x"] * 20000),
    ),
    "gbk.md": (
        f"---\ntitle: 簡體\ndate: 2026-11-01\n---\n\n{SIMPLIFIED}\n".encode("gbk"),
        SIMPLIFIED,
    ),
    "gb18030.md": (
        f"---\ntitle: 罕字\ndate: 2026-11-01\n---\n\n𠀀{SIMPLIFIED}\n".encode("gb18030"),
        "𠀀" + SIMPLIFIED,
    ),
    "big5.md": (f"---\ntitle: 正體\ndate: 2026-11-01\n---\n\n{CHINESE}\n".encode("big5"), CHINESE),
    "bom.md": (
        "\ufeff---\ntitle: BOM\ndate: 2026-11-01\n---\n\nWith a BOM.\n".encode(),
        "With a BOM.",
    ),
    "crlf.md": (
        b"---\r\ntitle: CRLF\r\ndate: 2026-11-01\r\n---\r\n\r\nWindows lines.\r\n",
        "Windows lines.",
    ),
    "with space.md": (b"---\ntitle: Space\ndate: 2026-11-01\n---\n\nSpaced.\n", "Spaced."),
    "港灣.md": ("---\ntitle: 中文\ndate: 2026-11-01\n---\n\n中文檔名。\n".encode(), "中文檔名。"),
}
LEGACY = {"gbk.md", "gb18030.md", "big5.md"}


@pytest.fixture
def hostile(site: SiteFactory) -> SiteFactory:
    folder = site.root / "content" / "news"
    folder.mkdir(parents=True)
    for name, data in {**BROKEN, **{n: d for n, (d, _) in GOOD.items()}}.items():
        (folder / name).write_bytes(data)
    site.article("news/good.md", title="Good", body="The good one.")
    return site


def test_each_broken_file_is_a_diagnostic_and_the_good_are_served(
    hostile: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(hostile.root)]) == 1
    out = capsys.readouterr().out
    for name in [*BROKEN, *LEGACY]:
        line = next((line for line in out.splitlines() if name in line), None)
        assert line is not None, f"{name} is reported"
        # A title alone is an undated page, which Hugo serves: a plain page, and a note.
        said = "note" if name == "front-matter-only.md" else "error|warning"
        assert re.search(rf"{re.escape(name)}(:\d+)?: ({said}): .+\. Fix: .+", line), line
    # A placeholder, as real sites keep (Hugo serves it untitled): said for what it is.
    assert "empty.md: warning: the file is empty, so nothing is served for it" in out
    server = Site(hostile.settings(), lambda: NOW)
    for name, (_, text) in GOOD.items():
        slug = name.removesuffix(".md")
        page = server.answer(f"/news/{slug}/")
        assert page.status == 200, name
        body = lxml_html.fromstring(page.body).xpath("string(//div[@class='body'])")
        assert body.strip() == text, f"{name} is read as written"
    assert server.answer("/news/good/").status == 200
    for path in ("/", "/news/", "/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml"):
        assert server.answer(path).status == 200, path


def test_a_legacy_encoding_is_a_warning_that_names_it(hostile: SiteFactory) -> None:
    _, catalog = load_site(hostile.settings(), NOW)
    said = {p.path.name: p for p in catalog.problems if p.path.name in LEGACY}
    assert said["big5.md"].severity is Severity.WARNING and "Big5" in said["big5.md"].message
    assert "GB18030 (GBK)" in said["gbk.md"].message


def test_a_file_over_the_limit_is_refused_unread(site: SiteFactory) -> None:
    site.article("news/good.md", title="Good")
    huge = site.root / "content/news/huge.md"
    with huge.open("wb") as file:
        file.write(b"---\ntitle: Huge\ndate: 2026-11-01\n---\n\n")
        file.write(b"word " * (MAX_SOURCE_BYTES // 5 + 10))
    snapshot, catalog = load_site(site.settings(), NOW)
    (problem,) = [p for p in catalog.problems if p.path == huge]
    assert "over 10 MB" in problem.message and problem.fix
    assert [a.slug for a in snapshot.articles] == ["good"]


def test_two_files_claiming_one_url_are_both_reported(site: SiteFactory) -> None:
    site.article("news/story.md", title="The file")
    site.write("news/story/index.md", "---\ntitle: The bundle\ndate: 2026-11-02\n---\n\nx\n")
    site.article("news/other.md", title="Slugged", slug="story")
    snapshot, catalog = load_site(site.settings(), NOW)
    clashes = [p for p in catalog.problems if "story" in p.message]
    assert len(clashes) >= 2, [p.message for p in catalog.problems]
    assert all("served" in p.message or "kept" in p.message for p in clashes)
    assert sum(1 for a in snapshot.articles if a.slug == "story") == 1


def test_nfc_and_nfd_names_are_one_url(site: SiteFactory) -> None:
    nfd = unicodedata.normalize("NFD", "café")
    site.article(f"news/{nfd}.md", title="Decomposed")
    server = Site(site.settings(), lambda: NOW)
    for form in ("NFC", "NFD"):
        name = unicodedata.normalize(form, "café")
        assert server.answer(f"/news/{name}/").status in (200, 301), form


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_front_matter_parser_raises_only_its_own_error(text: str) -> None:
    try:
        parse_document(text)
    except FrontMatterError as error:
        assert error.message and error.fix


def _any_case(word: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in word)).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    key=st.sampled_from(["title", "draft", "publishdate", "expirydate", "tags"]).flatmap(_any_case),
    toml=st.booleans(),
    repeated=st.booleans(),
)
def test_front_matter_keys_are_read_in_lower_case_whatever_their_case(
    key: str, toml: bool, repeated: bool
) -> None:
    first, field = ("a = 1", f'{key} = "x"') if toml else ("a: 1", f"{key}: x")
    again = f'\n{key.lower()} = "y"' if toml else f"\n{key.lower()}: y"
    fence = "+++" if toml else "---"
    text = f"{fence}\n{first}\n{field}{again if repeated else ''}\n{fence}\nBody.\n"
    if repeated and key != key.lower():  # two cases, two values: refused, on the later one
        with pytest.raises(FrontMatterError) as refused:
            parse_document(text)
        assert refused.value.line == 4 and repr(key.lower()) in refused.value.message
        return
    if repeated:  # one key written twice: the format's own error (TOML) or the last (YAML)
        return
    document = parse_document(text)
    assert document.meta == {"a": 1, key.lower(): "x"}
    assert document.line_of(key.lower()) == 3


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tag_slugs_are_one_path_segment(name: str) -> None:
    slug = tag_slug(name)
    assert "/" not in slug and slug not in (".", "..")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_the_sanitiser_leaves_no_markup_it_was_not_asked_to_keep(text: str) -> None:
    cleaned = sanitize(text)
    assert "<script" not in cleaned.lower() and "javascript:" not in cleaned.lower()
