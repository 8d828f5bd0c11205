"""Text from bytes: UTF-8, or the legacy Chinese encodings old sites were saved in.

The one function that decides what encoding a file is in, for the loader and the
importer alike. UTF-8 (with or without a byte-order mark) is taken as it is; anything else
is tried only as GB18030 (which reads GBK and GB2312 too) or Big5, with charset-normalizer
judging which reads as real text. When neither does, the file is refused rather than
shown as mojibake.
"""

from __future__ import annotations

from dataclasses import dataclass

LEGACY_ENCODINGS = ("gb18030", "big5", "big5hkscs")
"""The encodings tried when a file is not UTF-8: mainland and Taiwan/Hong Kong sites'."""
_NAMES = {"gb18030": "GB18030 (GBK)", "big5": "Big5", "big5hkscs": "Big5-HKSCS"}


@dataclass(frozen=True)
class Decoded:
    """A file's text, and the legacy encoding it was found in (None for UTF-8)."""

    text: str
    legacy: str | None = None

    @property
    def legacy_name(self) -> str:
        """The legacy encoding as editors know it (GBK, Big5)."""
        return _NAMES.get(self.legacy or "", self.legacy or "UTF-8")


class UnknownEncodingError(ValueError):
    """Bytes that are neither UTF-8 nor text in a legacy encoding we read."""


def decode_text(data: bytes) -> Decoded:
    """The text of a file's bytes, universal newlines; raises UnknownEncodingError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, legacy = _legacy(data)
        return Decoded(_newlines(text), legacy)
    return Decoded(_newlines(text))


def _legacy(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # loaded only when a legacy file appears

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or best.encoding not in LEGACY_ENCODINGS:
        raise UnknownEncodingError("the file is neither UTF-8 nor GBK, GB18030 or Big5 text")
    return str(best), best.encoding


def _newlines(text: str) -> str:
    # As Python's text files read them, so a CRLF file parses as an LF one.
    return text.replace("\r\n", "\n").replace("\r", "\n")
