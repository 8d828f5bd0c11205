"""``reader import``: saved portal pages (UTF-8 and GBK), a WordPress export and a feed file,
written for this project, imported into a site that the server then serves clean."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.importing.record import Imported
from reader.importing.writer import JOURNAL, MANIFEST, Writer, slug
from tests.commands import reader_with_small_files
from tests.factories import SiteFactory, make_client, parse_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
PORTAL = FIXTURES / "portal"
ZONE = ZoneInfo("Asia/Shanghai")
FERRY = "content/zhuanti/x-qu/xinwen-zixun/gangwan-dulun-xiayue-qizeng-kaiye"


def front(path: Path) -> tuple[dict[str, object], str]:
    """A written file's front matter and body."""
    _, meta, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(meta), body


@pytest.fixture
def portal(site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> SiteFactory:
    site.site_toml = site.site_toml.replace('language = "en"', 'language = "zh-Hant"')
    site.__post_init__()
    assert main(["import", str(PORTAL), str(site.root), "--no-download"]) == 0
    capsys.readouterr()
    return site


def test_a_portal_page_becomes_a_clean_article_in_its_sections(portal: SiteFactory) -> None:
    meta, body = front(portal.root / FERRY / "index.md")
    assert meta["title"] == "港灣渡輪下月起增開夜間班次" and meta["kicker"] == "交通新動向"
    assert meta["date"] == "2026-11-20T08:30:15+08:00", "its time, in the site's zone"
    assert "source" not in meta, "an empty 來源 gives no source, never an empty label"
    assert meta["author"] == "林曉雯"
    assert meta["tags"] == ["渡輪", "夜間班次", "燈塔島", "交通", "港灣區"], "hot words, then meta"
    assert meta["id"] == "https://old.example.org/zhuanti/xqu/xinwen/20261120/1234.html"
    assert meta["aliases"] == ["/zhuanti/xqu/xinwen/20261120/1234.html"]
    assert meta["image"] == "image-1.jpg" and "image_alt" not in meta, "no alt is invented"
    assert "區(qū)" not in body and "港灣區居民" in body, "glued pinyin removed"
    for dropped in ("娛樂城", "百家樂", "許可證", "上一篇", "熱詞", "登錄", "tracker"):
        assert dropped not in body, dropped
    assert "## 票價不變" in body and "| 東碼頭—燈塔島 | 23:30 |" in body
    assert "![東碼頭的候船區](image-2.png)" in body, "alt kept, image in the bundle"
    assert (portal.root / FERRY / "image-1.jpg").read_bytes() == (
        PORTAL / "uploads/2026/11/ferry.jpg"
    ).read_bytes()
    titles = [
        front(portal.root / "content" / p / "_index.md")[0]["title"]
        for p in ("zhuanti", "zhuanti/x-qu", "zhuanti/x-qu/xinwen-zixun")
    ]
    assert titles == ["專題", "X區", "新聞資訊"], "首頁 and 正文 are not sections"


def test_a_gbk_page_is_read_without_mojibake_and_marked_simplified(portal: SiteFactory) -> None:
    meta, body = front(portal.root / "content/shancheng-qu/xinwen/library/index.md")
    assert meta["title"] == "山城区图书馆翻新后重开 新设长者阅读角"
    assert meta["source"] == "山城区文化局" and meta["author"] == "陈志明"
    assert meta["lang"] == "zh-Hans", "the site is Traditional; this text is not"
    assert meta["date"] == "2026-11-15T09:30:00+08:00"
    assert "2026年11月15日" not in body, "the byline went to the front matter"
    assert "体育投注" not in body and "bet.example.com" not in body


def test_the_imported_site_is_served_clean_and_old_links_redirect(portal: SiteFactory) -> None:
    assert main(["check", str(portal.root)]) == 0
    client = make_client(portal)
    url = "/zhuanti/x-qu/xinwen-zixun/gangwan-dulun-xiayue-qizeng-kaiye/"
    page = client.get(url)
    assert page.status_code == 200
    tree = parse_html(page)
    assert tree.xpath("//p[@class='kicker']/text()") == ["交通新動向"]
    assert not tree.xpath("//*[@class='source']")
    assert [c.text for c in tree.xpath("//nav[@class='breadcrumbs']//span")][:4] == [
        "首頁",
        "專題",
        "X區",
        "新聞資訊",
    ]
    old = client.get("/zhuanti/xqu/xinwen/20261120/1234.html")
    assert (old.status_code, old.headers["location"]) == (301, url)
    for path in (url, "/rss.xml", "/api/v1/articles"):
        text = client.get(path).text
        assert "(qū)" not in text and "example.net" not in text and "casino" not in text, path


def test_importing_again_updates_in_place_and_never_overwrites_an_editors_change(
    portal: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(p for p in (portal.root / "content").rglob("*") if p.is_file())
    assert main(["import", str(PORTAL), str(portal.root), "--no-download"]) == 0
    assert "2 unchanged" in capsys.readouterr().out
    assert sorted(p for p in (portal.root / "content").rglob("*") if p.is_file()) == files
    edited = portal.root / FERRY / "index.md"
    edited.write_text(edited.read_text().replace("港灣渡輪公司", "渡輪公司"), encoding="utf-8")
    assert main(["import", str(PORTAL), str(portal.root), "--no-download"]) == 0
    out = capsys.readouterr().out
    assert "changed since it was imported; left as it is" in out and "1 skipped" in out
    assert "港灣渡輪公司" not in edited.read_text()


def test_a_dry_run_writes_nothing(site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(site.root.rglob("*"))
    assert main(["import", str(PORTAL), str(site.root), "--dry-run", "--no-download"]) == 0
    out = capsys.readouterr().out
    assert f"would write {site.root / FERRY / 'index.md'}" in out
    assert "index.html: no article text found" in out and "1 not articles" in out
    assert sorted(site.root.rglob("*")) == before


def test_a_wordpress_export_keeps_sections_drafts_pages_and_old_addresses(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(FIXTURES / "wordpress.xml"), str(site.root), "--no-download"]) == 0
    assert "5 imported" in capsys.readouterr().out
    content = site.root / "content"
    meta, body = front(content / "harbour-news/ferry-pier-reopens/index.md")
    assert meta["date"] == "2026-11-24T09:00:00+08:00" and meta["author"] == "Mei Chan"
    assert meta["tags"] == ["ferries", "accessibility"]
    assert meta["aliases"] == ["/2026/11/ferry-pier-reopens/", "/?p=10"]
    assert '"The pier\'s new railings")' in body and "[gallery" not in body
    assert front(content / "harbour-news/_index.md")[0] == {"title": "Harbour News"}
    for held in (
        "harbour-news/budget-plans-not-yet-approved",
        "posts/council-notes",
        "posts/private-memo",
    ):
        assert front(content / held / "index.md")[0]["draft"] is True, held
    about, _ = front(content / "about/index.md")
    assert "date" not in about, "a page is a plain page"
    client = make_client(site)
    moved = client.get("/?p=10")
    assert (moved.status_code, moved.headers["location"]) == (
        301,
        "/harbour-news/ferry-pier-reopens/",
    )
    assert client.get("/?p=20").status_code == 200, "a draft's old address leads nowhere"
    for path in ("/", "/rss.xml", "/sitemap.xml", "/posts/private-memo/"):
        text = client.get(path).text
        assert "Private memo" not in text and "Members-only" not in text, path


def test_the_export_maps_wordpress_addresses(site: SiteFactory, tmp_path: Path) -> None:
    assert main(["import", str(FIXTURES / "wordpress.xml"), str(site.root), "--no-download"]) == 0
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--no-index", "--no-precompress"]) == 0
    assert (
        '"/?p=10" /harbour-news/ferry-pier-reopens/;' in (out / "redirects-query.map").read_text()
    )
    assert "/ p=10 /harbour-news/ferry-pier-reopens/ 301" in (out / "_redirects").read_text()
    assert not list(out.glob("?p=*")), "no file named after a query"


def test_a_broken_export_says_so_and_writes_nothing(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    source = FIXTURES / "broken-wordpress.xml"
    assert main(["import", str(source), str(site.root)]) == 1
    assert "not a readable WordPress export" in capsys.readouterr().out
    assert not list((site.root / "content").rglob("*.md"))


def test_a_feed_file_is_imported_entry_by_entry(
    site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", str(FIXTURES / "feed.xml"), str(site.root), "--section", "community"]
    assert main(args) == 0
    meta, body = front(
        site.root / "content/community/dongqu-shequ-zhongxin-zhoumo-kaifang/index.md"
    )
    assert meta["title"] == "東區社區中心週末開放日" and meta["author"] == "陳小明"
    assert meta["date"] == "2026-11-21T10:00:00+08:00" and meta["tags"] == ["社區"]
    assert "手工藝工作坊" in body


def _old_feed(folder: Path, entries: int) -> Path:
    """An old site's feed of short articles, as a file."""
    items = "".join(
        f"<item><title>Item {n}</title><link>https://old.example.org/{n}.html</link>"
        f"<pubDate>Mon, 0{1 + n % 9} Jun 2025 08:00:00 +0800</pubDate>"
        f"<description>&lt;p&gt;The text of item {n}.&lt;/p&gt;</description></item>"
        for n in range(entries)
    )
    feed = folder / "old.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Old</title>'
        f"<link>https://old.example.org/</link><description>x</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    return feed


def test_an_import_stopped_before_its_record_is_not_written_twice(
    site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record of what was imported is written at the end; an import stopped before it
    (here a folder stands where it goes) is said in one line, and the next import knows
    every article it wrote: none is written again under a new name."""
    feed = _old_feed(tmp_path, 6)
    (site.root / MANIFEST).mkdir()
    (site.root / MANIFEST / "in the way").write_text("x")
    assert main(["import", str(feed), str(site.root)]) == 1
    said = capsys.readouterr().err
    assert f"reader: {site.root}: the import could not write there" in said
    written = sorted(p.parent.name for p in (site.root / "content").rglob("index.md"))
    assert len(written) == 6
    (site.root / MANIFEST / "in the way").unlink()
    (site.root / MANIFEST).rmdir()
    assert main(["import", str(feed), str(site.root)]) == 0
    assert "6 unchanged" in capsys.readouterr().out
    assert sorted(p.parent.name for p in (site.root / "content").rglob("index.md")) == written
    assert set(json.loads((site.root / MANIFEST).read_text())) == {
        f"https://old.example.org/{n}.html" for n in range(6)
    }
    assert not (site.root / JOURNAL).exists()


def test_an_import_onto_a_full_disk_says_so_in_one_line(site: SiteFactory, tmp_path: Path) -> None:
    """A disk that refuses a write (the kernel's limit on a file's size, as a full disk
    does): a line saying where and what to do, not a traceback."""
    feed = _old_feed(tmp_path, 3)
    done = reader_with_small_files(["import", str(feed), str(site.root)], 256)
    assert done.returncode == 1
    assert f"reader: {site.root}: the import could not write there" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreachable_image_keeps_its_address_and_is_tried_again(
    site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "pages" / "a.html"
    page.parent.mkdir()
    page.write_text(
        "<html><head><title>T</title></head><body><h1>港灣新聞一則</h1><p>2026-11-01 10:00</p>"
        "<div><p>" + "港灣渡輪增開班次，居民歡迎。" * 6 + "</p>"
        '<p><img src="http://127.0.0.1:9/photo.jpg" alt="渡輪"></p></div></body></html>',
        encoding="utf-8",
    )
    for _ in range(2):
        assert main(["import", str(page.parent), str(site.root)]) == 0
        out = capsys.readouterr().out
        assert "http://127.0.0.1:9/photo.jpg could not be fetched" in out, "said each time"
    written = next((site.root / "content").rglob("index.md")).read_text()
    assert "](http://127.0.0.1:9/photo.jpg)" in written


def test_nothing_is_written_outside_content(site: SiteFactory, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (site.root / "content" / "zhuanti").symlink_to(outside)
    hostile = Imported(
        origin="hostile",
        title="../../../etc/passwd",
        date=datetime(2026, 11, 1, tzinfo=ZONE),
        body="Text " * 20,
        crumbs=("..", "../..", "/etc", "新聞"),
        slug="../..",
    )
    writer = Writer(site.root)
    written = writer.write(hostile)
    assert written.path.resolve().is_relative_to((site.root / "content").resolve())
    assert ".." not in written.path.relative_to(site.root / "content").parts
    linked = Imported(origin="linked", title="專題新聞", date=None, body="x", crumbs=("專題",))
    with pytest.raises(ValueError, match="outside"):
        writer.write(linked)
    assert list(outside.iterdir()) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_a_slug_is_only_letters_digits_and_hyphens(text: str) -> None:
    made = slug(text)
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in made), made
    assert made == made.lower() and ".." not in made


def test_without_the_import_extra_the_command_says_what_to_install(
    site: SiteFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    assert main(["import", str(PORTAL), str(site.root)]) == 2
    assert "pip install 'accessible-reader[import]'" in capsys.readouterr().err


def test_the_manifest_records_what_was_written(portal: SiteFactory) -> None:
    manifest = json.loads((portal.root / MANIFEST).read_text())
    key = "https://old.example.org/zhuanti/xqu/xinwen/20261120/1234.html"
    assert manifest[key]["path"] == FERRY.removeprefix("content/")
    assert len(manifest[key]["sha256"]) == 64
    assert not os.path.exists(portal.root / "content" / MANIFEST), "beside content/, not in it"


def test_a_profile_reads_what_the_rules_miss_and_a_map_names_folders(
    site: SiteFactory, tmp_path: Path
) -> None:
    source = FIXTURES / "profiled"
    mapping = tmp_path / "sections.toml"
    mapping.write_text('"城市" = "city"\n"交通" = "traffic"\n', encoding="utf-8")
    args = ["import", str(source), str(site.root), "--profile", str(source / "profile.toml")]
    assert main([*args, "--map", str(mapping)]) == 0
    (written,) = (site.root / "content/city/traffic").glob("*/index.md")
    meta, body = front(written)
    assert meta["title"] == "海濱長廊週末封閉 進行照明更新工程"
    assert meta["source"] == "海灣市工務局" and meta["date"] == "2026-11-27T18:05:00+08:00"
    assert "廣告" not in body and "工務局表示" in body
    assert front(site.root / "content/city/_index.md")[0] == {"title": "城市"}


def test_a_profile_with_an_unknown_key_is_refused(
    site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('[selectors]\nheadline = "h1"\n', encoding="utf-8")
    assert main(["import", str(PORTAL), str(site.root), "--profile", str(profile)]) == 2
    assert "unknown profile keys: headline" in capsys.readouterr().err


def test_big5_pages_and_atom_feeds_are_read_too(site: SiteFactory, tmp_path: Path) -> None:
    pages = tmp_path / "big5"
    pages.mkdir()
    text = (
        "<html><head><title>港灣新聞</title></head><body>"
        "<h1>燈塔島清灘活動 三百名義工撿走兩噸垃圾</h1>"
        "<p>2026年11月05日 09:00　來源：港灣區環保署</p><div><p>"
        + "上週日早上，約三百名市民和學生乘早班渡輪前往燈塔島，參加一年一度的清灘活動。" * 2
        + "</p></div></body></html>"
    )
    (pages / "a.html").write_bytes(text.encode("big5"))
    assert main(["import", str(pages), str(site.root), "--section", "news"]) == 0
    (written,) = (site.root / "content/news").glob("*/index.md")
    meta, _ = front(written)
    assert meta["title"] == "燈塔島清灘活動 三百名義工撿走兩噸垃圾"
    assert meta["source"] == "港灣區環保署"
    atom = tmp_path / "atom.xml"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>T</title><id>urn:x</id><updated>2026-11-02T00:00:00Z</updated>"
        '<entry><title>Pier news</title><link href="https://x.example.org/pier"/>'
        "<id>urn:y</id><updated>2026-11-02T00:00:00Z</updated>"
        '<content type="html">&lt;p&gt;The pier is open.&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8",
    )
    assert main(["import", str(atom), str(site.root), "--section", "feed"]) == 0
    meta, body = front(next((site.root / "content/feed").glob("*/index.md")))
    assert meta["title"] == "Pier news" and meta["date"] == "2026-11-02T08:00:00+08:00"
    assert body.strip() == "The pier is open."


def test_progress_shows_a_bar_counts_rate_and_time_left() -> None:
    from reader.importing.run import progress_line

    assert progress_line(30, 120, 10.0) == "[#####...............] 30/120 3.0/s ETA 0:30"
    assert progress_line(0, 0, 0.0).startswith("[....................] 0/0")


def test_exports_from_wordpress_com_and_older_wxr_versions_are_read(
    site: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WordPress.com writes its namespaces with https://, older exports say 1.0 or 1.1; a
    post may have no title. (WordPress's own theme unit test export has all three.)"""
    text = (FIXTURES / "wordpress.xml").read_text(encoding="utf-8")
    text = text.replace("http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.1/")
    text = text.replace("<title>Ferry pier reopens after repairs</title>", "<title></title>")
    export = tmp_path / "wordpress-com.xml"
    export.write_text(text, encoding="utf-8")
    assert main(["import", str(export), str(site.root), "--no-download"]) == 0
    out = capsys.readouterr().out
    assert "5 imported" in out and "it had no title" in out
    meta, _ = front(next((site.root / "content/harbour-news").glob("*/index.md")))
    assert meta["title"] == "The east ferry pier reopened on Monday"


def test_a_western_page_in_its_declared_encoding_and_its_keywords(
    site: SiteFactory, tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    page = (
        '<html><head><meta charset="windows-1252"><title>T</title>'
        '<meta name="keywords" content="Precision Farming, Moderne Sensortechnik"></head>'
        "<body><h1>Sensortechnik im Kuhstall</h1><p>25.10.2007</p><div><p>"
        + "Die Kühe tragen Sensoren, die Daten über ihre Gesundheit senden. " * 3
        + "</p></div></body></html>"
    )
    (pages / "a.html").write_bytes(page.encode("cp1252"))
    (pages / "b.html").write_text(
        page.replace("windows-1252", "utf-8").replace(
            "Precision Farming, Moderne Sensortechnik", "渡輪 交通 港灣區"
        ),
        encoding="utf-8",
    )
    assert main(["import", str(pages), str(site.root), "--section", "news"]) == 0
    found: dict[tuple[str, ...], str] = {}
    for written in (site.root / "content/news").glob("*/index.md"):
        meta, body = front(written)
        tags = meta["tags"]
        assert isinstance(tags, list)
        found[tuple(tags)] = body
    assert set(found) == {
        ("Precision Farming", "Moderne Sensortechnik"),
        ("渡輪", "交通", "港灣區"),
    }
    assert all("Die Kühe tragen" in body for body in found.values()), "no mojibake"
