"""When a saved page's story was published: the time a profile's element gives, the time
the page states for machines, the first real date written on it, or htmldate's reading."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from reader.importing import structured

DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：時时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?"
)
"""A date as pages write it (2026-11-20, 2026/11/20, 2026年11月20日), maybe with a time."""


def published(tree: Any, selected: str, text: str, raw: str, zone: tzinfo) -> datetime | None:
    """The publication time, in the site's zone: the profile's, if it finds one; else the
    page's metadata (``article:published_time``), unless it gives a day alone and the text
    that day's time; else the first valid date and time written on the page; else
    htmldate's reading."""
    chosen = _first_written(selected, zone)
    if chosen is not None:
        return chosen
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
    for found in DATE.finditer(text):
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
