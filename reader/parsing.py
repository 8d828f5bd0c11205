"""Reading one content file into its front matter and what its body holds to report; on a
cold start, every file of a large site at once, on all cores."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from reader.encodings import Decoded, UnknownEncodingError, decode_text
from reader.frontmatter import Document, FrontMatterError, lenient_fields, parse_document
from reader.hygiene import glued_pinyin
from reader.markdown import (
    first_paragraph_text,
    may_have_problems,
    render_markdown,
    summary_before_more,
)
from reader.model import Problem, Severity

SECTION_INDEX = "_index.md"
MARKDOWN_SUFFIXES = (".md", ".markdown")
PARSE_AHEAD_MIN_FILES = 2000
"""Below this many files, starting worker processes costs more than it saves."""
_PARSE_AHEAD_CHUNK = 500


@dataclass(frozen=True)
class Parsed:
    """One file read and split, with its body's opening rendered; or why it could not be."""

    document: Document | None
    """The front matter; its ``body`` is dropped once read, so the cache stays small."""
    problems: tuple[Problem, ...]
    lead: str = ""
    """The body's first paragraph as plain text, for the summary."""
    body_problems: tuple[Problem, ...] = ()
    """What rendering the body found (missing alt text, unknown shortcodes)."""
    lenient: tuple[tuple[str, str], ...] = ()
    """For a file whose front matter is broken: its fields read line by line."""
    lead_whole: bool = False
    """Whether ``lead`` is the text before ``<!--more-->`` (Hugo's manual summary)."""


MAX_SOURCE_BYTES = 10 * 1024 * 1024
"""A content file larger than this is not read: no article is that long, and reading one
would hold it in memory whole."""
_LENIENT_HEAD_BYTES = 64 * 1024


class SourceError(Exception):
    """A content file that cannot be taken as text: too large, or in no encoding we read."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def read_source(path: Path) -> Decoded:
    """A content file's text (at most ``MAX_SOURCE_BYTES``, UTF-8 or a legacy encoding).

    Raises SourceError, or OSError when the file cannot be read at all.
    """
    with path.open("rb") as file:
        data = file.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(
            f"the file is over {MAX_SOURCE_BYTES // 2**20} MB; it is not read",
            "split it into several articles, or put large data in static/ and link to it",
        )
    try:
        return decode_text(data)
    except UnknownEncodingError as error:
        raise SourceError(f"{error} (is it a binary file?)", "save it as UTF-8 text") from None


def parse_file(
    path: Path,
    thorough: bool,
    content_root: Path | None = None,
    allowed_hosts: frozenset[str] = frozenset(),
) -> Parsed:
    """Read and parse one file; ``thorough`` renders every body to find its problems
    (links to other content files resolved below ``content_root``; links to
    ``allowed_hosts`` never make a link farm)."""
    try:
        decoded = read_source(path)
    except SourceError as error:
        problem = Problem(path, None, error.message, error.fix)
        return Parsed(None, (problem,), lenient=_lenient_undecodable(path))
    except OSError as error:
        return Parsed(None, (unreadable(path, error),))
    text = decoded.text
    read: tuple[Problem, ...] = ()
    if decoded.legacy is not None:
        read = (
            Problem(
                path,
                None,
                f"the file is in {decoded.legacy_name}, not UTF-8; it is read as "
                f"{decoded.legacy_name}",
                "save it as UTF-8",
                Severity.WARNING,
            ),
        )
    try:
        document = parse_document(text)
    except FrontMatterError as error:
        severity = Severity.WARNING if error.empty else Severity.ERROR
        problem = Problem(path, error.line, error.message, error.fix, severity)
        return Parsed(None, (*read, problem), lenient=lenient_fields(text))
    if path.name.split(".")[0] == SECTION_INDEX.split(".")[0]:  # _index.md, _index.en.md
        return Parsed(replace(document, body=""), read)
    body_problems: tuple[Problem, ...] = ()
    # A full render costs about a millisecond a file, so only a body that could hold a
    # problem pays it here (every body under `reader check`); the rest render when served.
    if thorough or may_have_problems(document.body):
        body_problems = render_markdown(
            document.body,
            path=path,
            first_line=document.body_line,
            content_root=content_root,
            allowed_hosts=allowed_hosts,
        ).problems
    glued = glued_pinyin(document.body)
    if glued:
        line = document.body_line + document.body.count("\n", 0, glued[0].start())
        body_problems += (
            Problem(
                path,
                line,
                f"{len(glued)} pinyin annotations are glued into the text (such as "
                f"{glued[0][0]}), as a broken converter leaves them",
                "run 'reader fix --pinyin SITE' to remove them (it shows the change first)",
                Severity.WARNING,
            ),
        )
    manual = summary_before_more(document.body)
    lead = manual if manual is not None else first_paragraph_text(document.body)
    return Parsed(
        replace(document, body=""), read, lead, body_problems, lead_whole=manual is not None
    )


def _lenient_undecodable(path: Path) -> tuple[tuple[str, str], ...]:
    # A draft flag or a date is ASCII in any encoding a site might use.
    try:
        with path.open("rb") as file:
            head = file.read(_LENIENT_HEAD_BYTES)
    except OSError:
        return (("draft", "unreadable"),)
    return lenient_fields(head.decode("utf-8", "replace"))


def unreadable(path: Path, error: OSError) -> Problem:
    """The problem of a file that cannot be read at all."""
    return Problem(path, None, f"cannot read the file ({error.strerror})", "check its permissions")


Stamped = tuple[str, tuple[int, int], bytes]
"""A file's path, its version (modification time and size) when read, and its parse,
pickled (``reader.parsecache.Entry`` takes it apart when it is needed)."""


def parse_ahead(
    root: Path, thorough: bool, allowed_hosts: frozenset[str] = frozenset()
) -> Iterator[Stamped]:
    """Every Markdown file below ``root``, parsed by one forked worker per core.

    One more process asks the kernel to read the files ahead of the workers.

    For a cold start of a large site, where reading and parsing front matter is most of
    the time. Nothing for a small site or a single core: the walk then parses as it goes.
    """
    processes = os.cpu_count() or 1
    files = _markdown_files(root)
    if processes < 2 or len(files) < PARSE_AHEAD_MIN_FILES:
        return
    chunks = [
        (files[i : i + _PARSE_AHEAD_CHUNK], thorough, root, allowed_hosts)
        for i in range(0, len(files), _PARSE_AHEAD_CHUNK)
    ]
    context = multiprocessing.get_context("fork")
    reader = context.Process(target=_read_ahead, args=(files,), daemon=True)
    reader.start()
    try:
        with context.Pool(processes) as pool:
            for parsed in pool.imap_unordered(_parse_chunk, chunks):
                yield from parsed
    finally:
        reader.terminate()
        reader.join()


def _read_ahead(files: list[str]) -> None:
    """Ask the kernel to read the files in the order the workers will parse them.

    When the files are not in the page cache (the first start after a boot, or content
    not read for a while), a worker waiting on one file at a time leaves its core idle:
    at 100,000 files reading took as long as parsing. Queued ahead, the reads overlap the
    parsing. ``posix_fadvise`` only queues them, so on a warm cache this costs little.
    """
    advise = getattr(os, "posix_fadvise", None)  # not on macOS: the workers read alone
    if advise is None:
        return
    for name in files:
        try:
            descriptor = os.open(name, os.O_RDONLY)
        except OSError:
            continue  # the worker reports it
        try:
            advise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(descriptor)


def _markdown_files(root: Path) -> list[str]:
    found = []
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [
            os.path.join(folder, name)
            for name in names
            if name.lower().endswith(MARKDOWN_SUFFIXES) and not name.startswith(".")
        ]
    return found


def _parse_chunk(job: tuple[list[str], bool, Path, frozenset[str]]) -> list[Stamped]:
    names, thorough, root, allowed = job
    parsed = []
    for name in names:
        try:
            status = os.stat(name)
        except OSError:
            continue  # gone already: the walk reports it, if it is still listed
        stamp = (status.st_mtime_ns, status.st_size)
        parse = parse_file(Path(name), thorough, root, allowed)
        parsed.append((name, stamp, pickle.dumps(parse, pickle.HIGHEST_PROTOCOL)))
    return parsed
