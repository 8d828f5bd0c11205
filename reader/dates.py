"""Read the date formats editors and Hugo sites write, always ending with a zoned datetime."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime


def parse_date(value: object, zone: tzinfo) -> datetime:
    """Return ``value`` as an aware datetime; a value without a zone takes ``zone``."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        parsed = _parse_text(value.strip())
    else:
        raise ValueError(f"{value!r} is not a date")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def is_date_only(value: object) -> bool:
    """Whether a date was written without a time (``2019-03-11``): shown without one."""
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    return isinstance(value, str) and _DAY.fullmatch(value.strip()) is not None


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{text!r} is neither ISO 8601 nor RFC 2822") from None
