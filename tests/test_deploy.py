"""docs/deploy.md's nginx configuration, run for real in front of reader serve."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import require

pytestmark = [pytest.mark.external, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def test_the_documented_nginx_cache_serves_hot_pages_and_later_edits() -> None:
    nginx = shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
    require(nginx, "nginx", "apt-get install nginx")
    # It waits out a page's freshness (60 s) to see the edit arrive through the cache.
    finished = subprocess.run(
        [sys.executable, str(ROOT / "scripts/nginx_cache_check.py")],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = finished.stdout + finished.stderr
    assert finished.returncode == 0, report
    for check in (
        "a hot page is a cache HIT",
        "20 more requests never reach reader",
        "nginx serves the fresh copy",
        "the edit is served after its freshness",
        "reading settings are never shared",
    ):
        assert f"ok: {check}" in report, report
