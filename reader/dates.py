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
    if not isinstance(value, str):
        return False
    text = value.strip()
    return _DAY.fullmatch(text) is not None or _written_day(text) is not None


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    day = _written_day(text)
    if day is None:
        raise ValueError(
            f"{text!r} is not a date this reads: ISO 8601, RFC 2822, or a day written with "
            "its month's name or its year first (26 Mar 2018, March 26, 2018, 2018年3月26日)"
        )
    return day


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_YEAR_FIRST = re.compile(
    r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2})|年(\d{1,2})月(\d{1,2})日)"
)


def _written_day(text: str) -> datetime | None:
    """A day written as people write one, when it can be read only one way: with its
    month's name in English (``26 Mar 2018``, which Hugo reads too; ``March 26, 2018``)
    or its year first (``2018-3-26``, ``2018/03/26``, ``2018年3月26日``). Numbers alone in
    another order (``03/04/2018``) could be either day or month first: not read."""
    if found := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = found[1], _MONTHS.get(found[2].lower()), found[3]
    elif found := _MONTH_DAY_YEAR.fullmatch(text):
        month, day, year = _MONTHS.get(found[1].lower()), found[2], found[3]
    elif found := _YEAR_FIRST.fullmatch(text):
        # One of its three spellings matched: its month and day are that one's groups.
        year = found[1]
        month_text, day = next((found[i], found[i + 1]) for i in (2, 4, 6) if found[i])
        month = int(month_text)
    else:
        return None
    if month is None:
        return None
    try:
        return datetime(int(year), month, int(day))
    except ValueError:  # the 30th of February
        return None
