"""Split a Markdown file into front matter and body; parse YAML or TOML with line numbers."""

from __future__ import annotations

import datetime
import functools
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

_FENCES = {"---": "yaml", "+++": "toml"}
_KEY_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*[:=]")


class FrontMatterError(Exception):
    """Front matter that cannot be read, with the line (1-based, in the file) and a fix."""

    def __init__(self, message: str, line: int | None, fix: str, empty: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.fix = fix
        self.empty = empty
        """Whether the file holds nothing at all: a placeholder, said as a warning."""


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its metadata and its body."""

    meta: dict[str, Any]
    body: str
    body_line: int
    """The file line (1-based) on which the body starts."""
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int | None:
        """The file line on which a front matter key is written, when known."""
        return self.key_lines.get(key)


LENIENT_LINES = 200
"""How far into a file with no closing fence a lenient read looks for fields."""


def lenient_fields(text: str) -> tuple[tuple[str, str], ...]:
    """Every ``key: value`` or ``key = value`` line of a broken file's head, read line by line.

    For a file whose front matter cannot be parsed: what it seems to say, so that a draft
    flag or a date in it is still obeyed. Keys are lower-cased; quotes are dropped; a key
    written twice gives both values.
    """
    lines = text.removeprefix("\ufeff").splitlines()[:LENIENT_LINES]
    if lines and lines[0].strip() in _FENCES:
        fence = lines[0].strip()
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == fence), len(lines))
        lines = lines[1:end]
    found = []
    for line in lines:
        key, separator, value = _split_field(line)
        if separator:
            found.append((key.lower(), value.strip().strip("'\"").strip()))
    return tuple(found)


def lenient_body(text: str) -> str | None:
    """The body of a file whose front matter is broken: what follows its closing fence."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() not in _FENCES:
        return None
    fence = lines[0].strip()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == fence), None)
    return "".join(lines[end + 1 :]) if end is not None else None


def _split_field(line: str) -> tuple[str, str, str]:
    match = _KEY_LINE.match(line)
    if match is None:
        return "", "", ""
    return match.group(1), line[match.end() - 1], line[match.end() :]


def parse_document(text: str) -> Document:
    """Split ``text`` into front matter and body; raise FrontMatterError when it is broken."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not text.strip():
        # A placeholder (Hugo serves it as an untitled page): nothing to serve here.
        raise FrontMatterError(
            "the file is empty, so nothing is served for it",
            None,
            "write its front matter and text, or remove it",
            empty=True,
        )
    if lines[0].strip() not in _FENCES:
        raise FrontMatterError(
            "no front matter",
            1,
            "start the file with a line '---', then 'title: ...' and 'date: ...', then '---'",
        )
    fence = lines[0].strip()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == fence), None)
    if end is None:
        raise FrontMatterError(
            f"the front matter opened with {fence!r} on line 1 is never closed",
            1,
            f"add a line {fence!r} after the last front matter field",
        )
    source = "".join(lines[1:end])
    written = _parse(_FENCES[fence], source)
    key_lines: dict[str, int] = {}
    for offset, line in enumerate(lines[1:end], start=2):
        match = _KEY_LINE.match(line)
        if match and not line[:1].isspace():
            key_lines.setdefault(match.group(1).lower(), offset)
    return Document(
        _keys_in_lower_case(written, lines[1:end]), "".join(lines[end + 1 :]), end + 2, key_lines
    )


def _keys_in_lower_case(written: dict[str, Any], lines: list[str]) -> dict[str, Any]:
    """The fields under lower-case names, as Hugo reads them (``Title``, ``Draft: true`` and
    ``ExpiryDate`` are ``title``, ``draft`` and ``expirydate``: read any other way, a draft
    would be published). One written twice in two cases with two values is refused, as
    which one a reader meant cannot be known."""
    meta: dict[str, Any] = {}
    for key, value in written.items():
        name = key.lower()
        if name in meta and meta[name] != value:
            spelled = [
                (offset, found[1])
                for offset, line in enumerate(lines, start=2)
                if (found := _KEY_LINE.match(line)) and found[1].lower() == name
            ]
            raise FrontMatterError(
                f"the field {name!r} is written twice, in two cases with two values "
                f"({', '.join(repr(k) for _, k in spelled) or repr(key)}); Hugo reads them as one",
                spelled[-1][0] if spelled else None,
                "keep one of them",
            )
        meta[name] = value
    return meta


@functools.cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its fastest safe loader, loaded when first needed (not by a restart)."""
    import yaml

    try:  # The C loader is several times faster; fall back where libyaml is missing.
        return yaml, yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        return yaml, yaml.SafeLoader


_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _impossible_date_line(source: str) -> int | None:
    """The file line of the first date that is not on the calendar, if one can be found."""
    for offset, line in enumerate(source.splitlines(), start=2):
        for match in _DATE.finditer(line):
            try:
                datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                return offset
    return None


def _parse(kind: str, source: str) -> dict[str, Any]:
    if kind == "yaml":
        yaml, loader = _yaml()
        try:
            data = yaml.load(source, Loader=loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None
            position = getattr(error, "position", None)  # a character YAML refuses
            if line is None and isinstance(position, int):
                line = source.count("\n", 0, position) + 2
            problem = getattr(error, "problem", None) or str(error)
            raise FrontMatterError(
                f"invalid YAML front matter: {problem}",
                line,
                "check the quoting and indentation on that line; quote values holding ':' or '#'",
            ) from error
        except (ValueError, OverflowError) as error:
            # PyYAML reads a date such as 2026-02-30 as a date, and the calendar refuses it.
            raise FrontMatterError(
                f"a date in the front matter does not exist ({error})",
                _impossible_date_line(source),
                "correct the date, written like 2026-11-28 or 2026-11-28T09:30:00+08:00",
            ) from error
    else:
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as error:
            line = _toml_line(str(error))
            raise FrontMatterError(
                f"invalid TOML front matter: {error}",
                line + 1 if line is not None else None,
                'write each field as key = "value", with strings in double quotes',
            ) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            "the front matter is not a set of 'key: value' fields",
            2,
            "write one 'key: value' field a line",
        )
    return {str(key): value for key, value in data.items()}


def _toml_line(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None
