"""Keep text that XML 1.0 forbids out of every feed."""

from __future__ import annotations

import re

# XML 1.0 allows tab, newline, carriage return, and U+0020 upwards except surrogates,
# U+FFFE and U+FFFF. Anything else makes a strict parser reject the whole feed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)
