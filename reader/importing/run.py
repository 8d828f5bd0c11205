"""One import, from a source to the site: what kind of source it is, each article read and
written in turn, progress while it runs, and a summary at the end."""

from __future__ import annotations

import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import TextIO

from reader.importing.feedfile import read_feed
from reader.importing.pages import HTML_SUFFIXES, Profile, read_page, site_wide_keywords
from reader.importing.record import Imported, NotArticle
from reader.importing.writer import Outcome, Writer
from reader.importing.wxr import read_wxr


@dataclass
class Summary:
    """What an import did: how many of each outcome, and every problem with its source."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as the command prints it."""
        order = ("imported", "updated", "unchanged", "skipped", "not articles", "failed")
        counted = ", ".join(f"{self.counts[k]} {k}" for k in order if self.counts[k])
        return [*self.problems, *self.notes, counted or "nothing to import"]


def kind_of(source: Path) -> str:
    """``pages`` (a saved page or a folder of them), ``wxr`` or ``feed``."""
    if source.is_dir():
        return "pages"
    try:
        head = source.read_bytes()[:4096].lower()
    except OSError:
        return "pages"
    if b"<rss" in head and b"wordpress.org/export" in head:
        return "wxr"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return "pages"


def articles(
    source: Path, zone: tzinfo, profile: Profile
) -> tuple[int, Iterator[Imported | str], list[str]]:
    """How many articles the source holds (files, for saved pages), and each in order, or
    a line for each that cannot be read; and what was noticed of the whole source."""
    kind = kind_of(source)
    if kind in ("wxr", "feed"):
        read = read_wxr(source, zone) if kind == "wxr" else read_feed(source, zone)
        found = list(read)
        return len(found), iter(found), []
    root = source if source.is_dir() else source.parent
    files = (
        sorted(p for p in source.rglob("*") if p.suffix.lower() in HTML_SUFFIXES and p.is_file())
        if source.is_dir()
        else [source]
    )
    site_words = site_wide_keywords(files)
    listed = ", ".join(sorted(site_words))
    noticed = [f"the site's own keywords, on half of its pages or more, left out: {listed}"]
    stream = (read_page(path, root, zone, profile, site_words) for path in files)
    return len(files), stream, noticed if site_words else []


def load_profile(path: Path | None) -> Profile:
    """An import profile's CSS selectors, from a TOML file's ``[selectors]``."""
    if path is None:
        return Profile()
    return Profile.of(tomllib.loads(path.read_text(encoding="utf-8")).get("selectors", {}))


def run_import(
    source: Path,
    writer: Writer,
    zone: tzinfo,
    profile: Profile,
    *,
    progress: TextIO | None = None,
) -> Summary:
    """Import every article of ``source`` through ``writer``; one bad article costs a line
    of the summary, never the rest."""
    summary = Summary()
    started = time.monotonic()
    total, stream, noticed = articles(source, zone, profile)
    summary.notes += noticed
    titles: dict[str, Imported] = {}
    for done, item in enumerate(stream, start=1):
        if isinstance(item, NotArticle):
            summary.notes.append(item)
            summary.counts["not articles"] += 1
        elif isinstance(item, str):
            summary.problems.append(item)
            summary.counts["failed"] += 1
        else:
            try:
                written = writer.write(item)
            except (OSError, ValueError) as error:
                summary.problems.append(f"{item.origin}: not written ({error})")
                summary.counts["failed"] += 1
            else:
                summary.counts[written.outcome.value] += 1
                summary.problems += written.problems
                summary.notes += [f"{item.origin}: {note}" for note in item.notes]
                if written.outcome is not Outcome.SKIPPED:
                    summary.written.append(written.path)
                titles[item.title] = item
        if progress is not None:
            progress.write("\r" + progress_line(done, total, time.monotonic() - started))
            progress.flush()
    if progress is not None:
        progress.write("\n")
    summary.notes += _order_notes(titles)
    writer.save_manifest()
    return summary


def _order_notes(titles: dict[str, Imported]) -> list[str]:
    """Where a page's own 上一篇 names an article dated after it: the dates may be wrong."""
    notes = []
    for article in titles.values():
        before = titles.get(article.previous)
        if before and before.date and article.date and before.date > article.date:
            notes.append(
                f"{article.origin}: its previous article {before.title!r} is dated later; "
                "check the dates"
            )
    return notes


def progress_line(done: int, total: int, elapsed: float) -> str:
    """``[#####.....] 120/3000 4.0/s ETA 12:00``: a bar, counts, rate and time left."""
    width = 20
    filled = width * done // max(total, 1)
    rate = done / max(elapsed, 1e-6)
    left = max(total - done, 0) / rate if rate else 0
    eta = f"{int(left // 60)}:{int(left % 60):02d}"
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:.1f}/s ETA {eta}"


def progress_stream() -> TextIO | None:
    """Where progress goes: standard error, when someone is watching it."""
    return sys.stderr if sys.stderr.isatty() else None
