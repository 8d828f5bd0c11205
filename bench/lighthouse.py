"""Lighthouse (npm lighthouse@12.2.3, mobile) on the demo's article and section pages.

Usage: python bench/lighthouse.py [--runs 3]
Needs Node and Debian's chromium; npx fetches Lighthouse on first use. Prints a Markdown
table of the median score of each category, to paste into docs/accessibility.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import DEMO_PAGES
from tests.server import running_server

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = (
    "home",
    "section-with-lead",
    "article-last-kicker-source",
    "article-english-figure",
    "section",
    "section-page-2",
)


def scores(url: str, chromium: str) -> dict[str, float]:
    """One Lighthouse run with its default (mobile) settings; scores out of 100."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                "npx",
                "--yes",
                LIGHTHOUSE,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": chromium},
            timeout=300,
        )
        found = json.loads(report.read_text())
    return {name: found["categories"][name]["score"] * 100 for name in CATEGORIES}


def main() -> int:
    """Run every page ``--runs`` times; print the medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("npx") is None:
        print("needs Debian's chromium and Node's npx", file=sys.stderr)
        return 2
    print("| page | " + " | ".join(CATEGORIES) + " |")
    print("| --- |" + " --- |" * len(CATEGORIES))
    with running_server("--no-watch") as base:
        for name in PAGES:
            runs = [scores(base + DEMO_PAGES[name], chromium) for _ in range(args.runs)]
            medians = [statistics.median(run[c] for run in runs) for c in CATEGORIES]
            print(
                f"| {name} (`{DEMO_PAGES[name]}`) | "
                + " | ".join(f"{m:.0f}" for m in medians)
                + " |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
