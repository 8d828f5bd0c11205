"""Languages and scripts: dates as each language writes them, script variants, one keyword
across scripts, the pinyin reading aid."""

from __future__ import annotations

import pytest

from tests.factories import SiteFactory, make_client, parse_html

CHINESE_SITE_TOML = """
title = "市民日報"
base_url = "https://news.example.org/"
language = "zh-Hant"
timezone = "Asia/Shanghai"
footer = ["新聞許可證 123"]
"""


@pytest.fixture
def chinese(site: SiteFactory) -> SiteFactory:
    """A Traditional Chinese site."""
    (site.root / "site.toml").write_text(CHINESE_SITE_TOML, encoding="utf-8")
    return site


# --- dates -------------------------------------------------------------------------------


def test_a_teaser_date_is_compact_and_does_not_name_the_site_zone(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", title="甲", date="2024-08-30T08:27:00Z")
    tree = parse_html(make_client(chinese).get("/news/"))
    (time,) = tree.xpath("//main//li//time")
    assert time.get("datetime") == "2024-08-30T16:27:00+08:00"
    assert time.text == "2024年8月30日 16:27"


def test_a_day_written_alone_gets_no_time_in_chinese(chinese: SiteFactory) -> None:
    chinese.article("news/a.md", title="甲", date="2024-08-30")
    client = make_client(chinese)
    for path in ("/news/", "/news/a/"):
        times = parse_html(client.get(path)).xpath("//main//time")
        assert [(t.get("datetime"), t.text) for t in times][:1] == [("2024-08-30", "2024年8月30日")]
