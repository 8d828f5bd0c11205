"""Screenshots of every page type of the demo site: 320, 1280 and 1920 px wide, light and dark.

Usage: python scripts/screenshots.py [OUT]   (default docs/screenshots; needs Debian's chromium)
Runs the real ``reader serve`` and Debian's Chromium, so the pictures show what readers get.
Each is taken once the pictures in view have loaded, and kept in 256 colours (a third of
the bytes; text and flat drawings look the same).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import DEMO_PAGES, SCHEMES, SCREENSHOT_WIDTHS, launched, opened
from tests.server import running_server

HEIGHT = {320: 720, 1280: 900, 1920: 1080}


PICTURES_IN_VIEW = """() => Promise.all([...document.images]
    .filter(i => i.getBoundingClientRect().top < innerHeight)
    .map(i => i.decode().catch(() => null)))"""
"""Waits for the images a screenshot shows: lazy ones start loading only once laid out."""


def main() -> int:
    """Write one PNG per page type, width and colour scheme."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with running_server("--no-watch") as base, launched() as browser:
        for name, path in DEMO_PAGES.items():
            for width in SCREENSHOT_WIDTHS:
                for scheme in SCHEMES:
                    with opened(browser, base + path, width=width, scheme=scheme) as page:
                        page.set_viewport_size({"width": width, "height": HEIGHT[width]})
                        target = out / f"{name}-{width}-{scheme}.png"
                        page.evaluate(PICTURES_IN_VIEW)
                        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
                        shot.quantize(256, dither=Image.Dither.NONE).save(target, optimize=True)
                        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
