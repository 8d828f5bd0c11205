"""The ceiling: a bare ASGI app that answers fixed paths with fixed bytes, and nothing else.

It is given the exact status, headers and body ``reader serve`` sent for each path (in
a JSON file), so a benchmark compares the same bytes on the wire and measures only what
reader adds: finding the cached answer and choosing the variant.

Usage: uvicorn --factory bench.bare:app_from_environment (BARE_ANSWERS=answers.json)
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


def make_app(answers: dict[str, Answer], conditional: dict[str, Answer]) -> Any:
    """An ASGI app: a 304 answer for a path when If-None-Match is sent, else the 200."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        answer = answers.get(path)
        if path in conditional:
            for name, _ in scope["headers"]:
                if name == b"if-none-match":
                    answer = conditional[path]
        if answer is None:
            answer = answers["__404__"]
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def load(path: str) -> tuple[dict[str, Answer], dict[str, Answer]]:
    """Read answers written by ``bench/run.py``: {path: [status, headers, body]} in base64."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))

    def decode(item: list[Any]) -> Answer:
        status, headers, body = item
        pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return status, pairs, base64.b64decode(body)

    return (
        {p: decode(a) for p, a in raw["plain"].items()},
        {p: decode(a) for p, a in raw["conditional"].items()},
    )


def app_from_environment() -> Any:
    """The app for uvicorn's --factory, with answers from $BARE_ANSWERS."""
    return make_app(*load(os.environ["BARE_ANSWERS"]))
