"""JSON documents as we send them: UTF-8 text (Chinese as written, not ``\\u`` escapes)."""

from __future__ import annotations

import json


def json_bytes(document: object, *, indent: int | None = 1) -> bytes:
    """A JSON document as UTF-8 bytes; one space per level, so a person can read it."""
    return json.dumps(document, ensure_ascii=False, indent=indent).encode()
