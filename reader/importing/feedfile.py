"""An RSS or Atom feed file, for an old site that offers nothing else: each entry's full
content when the feed has it, else its summary."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.hygiene import without_glued_pinyin, without_link_farms
from reader.importing.bylines import byline_name
from reader.importing.record import ImageRef, Imported
from reader.importing.wxr import _images


def read_feed(path: Path, zone: tzinfo) -> Iterator[Imported | str]:
    """Every entry of a feed file; a line for what cannot be read."""
    import feedparser
    from markdownify import markdownify

    try:
        data = path.read_bytes()
    except OSError as error:
        yield f"{path}: cannot be read ({error.strerror})"
        return
    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") or "it holds no entries"
        yield f"{path}: not a readable feed ({reason})"
        return
    for number, entry in enumerate(parsed.entries, start=1):
        origin = f"{path} entry {number}"
        title = " ".join(str(entry.get("title", "")).split())
        if not title:
            yield f"{origin}: an entry without a title is left out"
            continue
        content = entry.get("content") or []
        raw = str(content[0].get("value", "")) if content else str(entry.get("summary", ""))
        link = str(entry.get("link", ""))
        raw, farms = without_link_farms(raw, frozenset({urlsplit(link).hostname or ""}))
        body = markdownify(raw, heading_style="ATX", bullets="-", strip=["script", "style"])
        body, glued = without_glued_pinyin(re.sub(r"\n{3,}", "\n\n", body).strip())
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        date = (
            datetime.fromtimestamp(calendar.timegm(moment), UTC).astimezone(zone)
            if moment
            else None
        )
        images: tuple[ImageRef, ...] = tuple(_images(raw))
        notes = [f"{len(farms)} link farm(s) dropped"] if farms else []
        notes += [f"{glued} glued pinyin annotations removed"] if glued else []
        yield Imported(
            origin=origin,
            title=title,
            date=date,
            body=body or title,
            canonical=link,
            author=_author(entry) or byline_name(body[:BYLINE_REACH]),
            tags=tuple(
                str(t.get("term", "")).strip() for t in entry.get("tags", []) if t.get("term")
            ),
            images=images,
            lead=images[0] if images else None,
            notes=tuple(notes),
        )


BYLINE_REACH = 200
"""How far into an entry's text its byline may be (（中央社記者黃自強吉隆坡23日專電）opens it)."""


def _author(entry: Any) -> str:
    """The author the feed names for an entry, or ""."""
    return str(entry.get("author_detail", {}).get("name") or entry.get("author", ""))
