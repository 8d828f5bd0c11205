"""The pinyin reading aid: Han characters with their readings over them, as ruby.

Readings come from pypinyin, phrase by phrase, so a character with several readings gets
the one its word gives it (銀行 háng, 行走 xíng). pypinyin knows Simplified phrases best,
so Traditional text is looked up through its Simplified form, character for character.
"""

from __future__ import annotations

import functools
import re
from html import escape

from reader.scripts import simplified

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_RUN = 256
"""Longer runs of characters are read in pieces of this size (phrases rarely span them)."""


def ruby_text(text: str) -> str:
    """HTML text with each run of Han characters given its pinyin as ruby.

    Each reading is hidden from assistive technology (``aria-hidden``): a screen reader
    reads the characters once, not their romanisation on top of them. It is marked as
    what it is, Chinese in Latin letters (``zh-Latn-pinyin``), which also keeps language
    detectors (the Nu checker's) from taking the page for Vietnamese.
    """
    return _RUN.sub(lambda found: _ruby(found[0]), text)


def readings(run: str) -> list[str]:
    """The tone-marked pinyin of each character of a run of Han characters ("" if none)."""
    looked_up = simplified(run)
    if len(looked_up) != len(run):  # a phrase changed length: keep the characters aligned
        looked_up = "".join(c if len(s := simplified(c)) != 1 else s for c in run)
    # Imported here: a quarter of a second that a start or a build with no ruby need not pay.
    from pypinyin import Style, pinyin

    found = []
    for start in range(0, len(looked_up), MAX_RUN):
        piece = looked_up[start : start + MAX_RUN]
        read = pinyin(piece, style=Style.TONE, errors="ignore")
        if len(read) != len(piece):  # a character without a reading was left out
            read = [(pinyin(c, style=Style.TONE, errors="ignore") or [[""]])[0] for c in piece]
        found += [item[0] if item else "" for item in read]
    return found


@functools.lru_cache(maxsize=16384)
def _ruby(run: str) -> str:
    pairs = "".join(
        f'{character}<rt lang="zh-Latn-pinyin" aria-hidden="true">{escape(reading)}</rt>'
        if reading
        else character
        for character, reading in zip(run, readings(run), strict=True)
    )
    return f"<ruby>{pairs}</ruby>"
