"""``reader check``: every diagnostic, and an exit status that scripts can use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reader.cli import DEMO_SITE, main
from tests.factories import SiteFactory


def test_check_passes_on_the_demo_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(DEMO_SITE)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    # The demo's draft and its future-dated article are listed, as held back, not as faults.
    assert lines[-1] == "0 errors, 0 warnings; 2 articles not published"
    assert all(": note: not published: " in line for line in lines[:-1]) and len(lines) == 3


def test_check_exits_1_on_errors_and_prints_file_line_and_fix(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.article("news/good.md")
    site.write("news/bad.md", "---\ntitle: T\ndate: someday\n---\n")
    assert main(["check", str(site.root)]) == 1
    out = capsys.readouterr().out
    assert f"{site.root / 'content/news/bad.md'}:3: error:" in out
    assert "Fix:" in out
    assert "1 error, 0 warnings" in out


def test_check_exits_0_with_only_warnings(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site.article("news/a.md", body="![](photo.jpg)")
    assert main(["check", str(site.root)]) == 0
    out = capsys.readouterr().out
    assert "warning: image 'photo.jpg' has no alt text" in out
    assert "0 errors, 1 warning" in out


def test_broken_site_toml_is_an_error_not_a_crash(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    (site.root / "site.toml").write_text('title = "unclosed\n')
    assert main(["check", str(site.root)]) == 1
    assert "site.toml:1: error: invalid TOML" in capsys.readouterr().out


def test_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    assert main(["check", "/no/such/folder"]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_python_dash_m_reader() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "serve" in result.stdout and "check" in result.stdout
