"""Shared fixtures: a site folder in tmp_path and an in-process client for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import SiteFactory


@pytest.fixture
def site(tmp_path: Path) -> SiteFactory:
    """An empty site with a site.toml; tests add the articles they need."""
    return SiteFactory(tmp_path / "site")
