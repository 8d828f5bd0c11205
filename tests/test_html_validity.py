"""The Nu Html Checker (vnu.jar, run by Java) finds no error and no warning on any page type."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.browser import DEMO_PAGES, VNU, require
from tests.factories import SiteFactory, make_client
from tests.server import running_server

pytestmark = pytest.mark.external


def vnu_messages(files: list[Path]) -> list[dict[str, object]]:
    java = shutil.which("java")
    require(java, "Java", "apt-get install default-jre-headless")
    require(VNU.is_file(), "vnu-jar", "npm ci")
    done = subprocess.run(
        [str(java), "-jar", str(VNU), "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stderr or b'{"messages": []}')
    return [
        {
            "file": Path(str(m.get("url", ""))).name,
            "type": m.get("type"),
            "message": m.get("message"),
        }
        for m in report["messages"]
    ]


def test_every_page_type_and_the_stylesheet_are_valid(tmp_path: Path) -> None:
    files = []
    with running_server("--no-watch") as base:
        for name, path in DEMO_PAGES.items():
            target = tmp_path / f"{name}.html"
            target.write_bytes(httpx.get(base + path).content)
            files.append(target)
        personal = httpx.get(base + "/settings/", cookies={"reading": "largest.dark"})
        (tmp_path / "settings-chosen.html").write_bytes(personal.content)
        files.append(tmp_path / "settings-chosen.html")
        (tmp_path / "style.css").write_bytes(httpx.get(base + "/_assets/style.css").content)
        files.append(tmp_path / "style.css")
    assert vnu_messages(files) == []


def test_preview_markers_are_valid_too(site: SiteFactory, tmp_path: Path) -> None:
    site.article("news/a.md", body='No alt: ![](map.png) and <img src="x.png">.')
    page = make_client(site, preview=True).get("/news/a/")
    target = tmp_path / "preview.html"
    target.write_bytes(page.content)
    assert vnu_messages([target]) == []
