"""reader build: the exported tree is what reader serve answers, and rebuilds stay lean."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import brotli
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from reader import views
from reader.cli import DEMO_SITE, main
from reader.export import (
    MANIFEST,
    NGINX_REDIRECTS_FILE,
    NOT_FOUND_FILE,
    REDIRECTS_FILE,
    build,
    written_name,
)
from reader.model import Article
from reader.pages import Page
from reader.site import Site
from reader.store import Snapshot
from tests.commands import reader_with_small_files
from tests.factories import NOW, SiteFactory, redirect_target
from tests.server import running_server

BASE = "https://news.example.org/"


def url_path(out: Path, file: Path) -> str:
    """The URL path an exported file answers for."""
    relative = file.relative_to(out).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        relative = relative.removesuffix("index.html")
    return "/" + quote(relative)


SERVER_ONLY = re.compile(
    rb'<form class="site-search" role="search".*?</form>\n'
    rb'|<p><a href="[^"]*/search\?q=[^"]*">.*?</a></p>\n'
    rb'|<li><a href="[^"]*" data-version="pinyin">[^<]*</a></li>\n',
    re.DOTALL,
)
"""What only a server has, and so only its pages link to: search and the reading aid."""
"""What only a server that answers /search shows: the header's form, a keyword's search."""


def test_the_export_equals_what_the_server_answers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "reader", "build", str(DEMO_SITE), str(out)]
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}  # not the user's own cache folder
    finished = subprocess.run(
        [*command, "--base-url", BASE],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **cache},
    )
    assert finished.returncode == 0, finished.stderr
    files = [p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST]
    host_files = (NOT_FOUND_FILE, REDIRECTS_FILE, NGINX_REDIRECTS_FILE)  # not pages: for the host
    pages = [p for p in files if p.suffix not in (".gz", ".br") and p.name not in host_files]
    assert len(pages) > 150
    compared = 0
    # The export's cache: its resized images are made, and answered as the export wrote them.
    server = running_server(str(DEMO_SITE), "--base-url", BASE, "--no-watch", env=cache)
    with server as base, httpx.Client(base_url=base) as client:
        for page in pages:
            response = client.get(url_path(out, page))
            if response.status_code == 301:  # an alias: a page that sends readers on
                tree = lxml_html.fromstring(page.read_bytes())
                refresh = tree.xpath("//meta[@http-equiv='refresh']/@content")[0]
                assert refresh.endswith(response.headers["location"]), page
                continue
            assert response.status_code == 200, page
            # The differences: no search and no reading aid where no server answers them.
            served = SERVER_ONLY.sub(b"", response.content)
            assert served == page.read_bytes(), page
            compared += 1
        missing = client.get("/no/such/page/")
        assert missing.status_code == 404
        assert SERVER_ONLY.sub(b"", missing.content) == (out / NOT_FOUND_FILE).read_bytes()
    assert compared > 150
    for packed in files:
        original = packed.with_suffix("")
        if packed.suffix == ".gz":
            assert gzip.decompress(packed.read_bytes()) == original.read_bytes(), packed
        elif packed.suffix == ".br":
            assert brotli.decompress(packed.read_bytes()) == original.read_bytes(), packed


def test_every_link_of_the_export_names_a_file_of_it(tmp_path: Path) -> None:
    # One article a page, so that every list, keyword and category of two has later pages.
    site = tmp_path / "demo"
    shutil.copytree(DEMO_SITE, site)
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8")
    assert "page_size = 8\n" in text
    toml.write_text(text.replace("page_size = 8\n", "page_size = 1\n"), encoding="utf-8")
    # And a plain page (not news) with a picture of its own, in its page bundle.
    team = site / "content" / "team"
    team.mkdir()
    (team / "index.md").write_text("---\ntitle: Our team\n---\n\n![The newsroom](room.png)\n")
    (team / "room.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    assert main(["build", str(site), str(out), "--base-url", BASE, "--no-precompress"]) == 0
    missing, checked = set(), 0
    for page in out.rglob("*.html"):
        tree = lxml_html.fromstring(page.read_bytes())
        for link in tree.xpath("//a/@href | //link/@href | //img/@src | //source/@srcset"):
            url = urlsplit(urljoin(BASE + url_path(out, page).lstrip("/"), link.split()[0]))
            if not (BASE + url.path).startswith(BASE) or url.netloc != urlsplit(BASE).netloc:
                continue  # another site's
            if url.query or url.path.startswith(("/search", "/oembed")):
                continue  # what only a server answers
            name = unquote(url.path).lstrip("/")
            target = out / name / "index.html" if name == "" or name.endswith("/") else out / name
            checked += 1
            if not target.is_file():
                missing.add(f"{url.path} (in {url_path(out, page)})")
    assert checked > 1000
    assert not missing, sorted(missing)[:20]


def test_a_rebuild_writes_only_what_changed_and_removes_what_went(
    site: SiteFactory, tmp_path: Path
) -> None:
    for number in range(6):
        site.article(f"news/a{number}.md", title=f"Article {number}", tags=[f"t{number}"])
    site.article("sport/b.md", title="Sport")
    out = tmp_path / "out"
    first = build(Site(site.settings(), lambda: NOW), out, workers=2)
    assert first.failures == () and first.written > 0
    assert (out / "news/a3/index.html").is_file() and (out / "news/a3/index.html.br").is_file()
    stamp = (out / "sport/b/index.html").stat().st_mtime_ns

    unchanged = build(Site(site.settings(), lambda: NOW), out, workers=2)
    assert (unchanged.written, unchanged.removed) == (0, 0)
    assert unchanged.files == first.files

    site.article("sport/b.md", title="Sport, corrected")
    (site.root / "content/news/a5.md").unlink()
    (out / "keep-me.txt").write_text("not ours")
    again = build(Site(site.settings(), lambda: NOW), out, workers=1)
    assert not (out / "news/a5/index.html").exists()
    assert not (out / "tags/t5/index.html").exists()
    assert (out / "keep-me.txt").exists()  # only files a build wrote are ever removed
    assert again.removed > 0
    assert 0 < again.written < first.written
    page = lxml_html.fromstring((out / "sport/b/index.html").read_bytes())
    assert page.xpath("string(//h1)").strip() == "Sport, corrected"
    assert (out / "sport/b/index.html").stat().st_mtime_ns != stamp
    assert os.fspath(out) not in (out / MANIFEST).read_text()


@given(st.lists(st.sampled_from(["", ".", "..", "a", "b.xml", ".well-known", "新聞"]), max_size=6))
def test_a_written_name_is_what_pathlib_makes_of_the_path(segments: list[str]) -> None:
    # The manifest lists the names the builds before this one spelled with pathlib.
    out = Path("/srv/out")
    for path in ("/" + "/".join(segments), "/" + "/".join(segments) + "/"):
        relative = path.lstrip("/")
        if not relative or relative.endswith("/"):
            relative += "index.html"
        assert written_name(path) == os.fspath((out / relative).relative_to(out))


def test_a_missing_compressed_copy_is_written_again_alone(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/a.md", title="An article long enough to be compressed " * 20)
    out = tmp_path / "out"
    build(Site(site.settings(), lambda: NOW), out, workers=1)
    page = out / "news/a/index.html"
    stamp = page.stat().st_mtime_ns
    (out / "news/a/index.html.br").unlink()
    again = build(Site(site.settings(), lambda: NOW), out, workers=1)
    assert again.written == 1
    assert brotli.decompress((out / "news/a/index.html.br").read_bytes()) == page.read_bytes()
    assert page.stat().st_mtime_ns == stamp


def test_many_workers_write_the_same_tree_as_one(site: SiteFactory, tmp_path: Path) -> None:
    # More articles than one span of work, so that workers share bodies and feed entries.
    for number in range(300):
        section = ("news", "sport", "news/city")[number % 3]
        site.article(
            f"{section}/a{number}.md",
            f"Body of {number} with ![a photo](https://img.example.org/{number}.png).\n\n"
            + "A longer paragraph, so that a small cache overflows. " * 40,
            title=f"Article {number}",
            date=f"2026-10-{1 + number % 28:02d}T09:{number % 60:02d}:00+08:00",
            tags=[f"t{number % 7}", "all"],
        )
    parallel = Site(site.settings(), lambda: NOW)
    two = build(parallel, tmp_path / "two", workers=2)
    # A cache too small for all of them: the sharing stops, the writers render the rest.
    cramped = Site(site.settings(cache_mb=1), lambda: NOW)
    small = build(cramped, tmp_path / "small", workers=2)
    one = build(Site(site.settings(), lambda: NOW), tmp_path / "one", workers=1)
    assert two.failures == small.failures == one.failures == ()
    names = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*"))
    for other in ("two", "small"):
        assert names == sorted(
            p.relative_to(tmp_path / other) for p in (tmp_path / other).rglob("*")
        )
        for name in names:
            if (tmp_path / "one" / name).is_file():
                assert (tmp_path / "one" / name).read_bytes() == (
                    tmp_path / other / name
                ).read_bytes(), (other, name)
    # Every body was rendered once, by a worker, and handed back to the parent.
    assert len(parallel.holder.current.bodies) == 300
    assert len(cramped.holder.current.bodies) < 300, "the small cache really is too small"


def test_a_rebuild_reads_only_the_files_changed_since_the_last(
    site: SiteFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site.article("news/a.md", title="A")
    site.article("news/b.md", title="B")
    out = tmp_path / "out"
    command = ["build", str(site.root), str(out), "--base-url", BASE]
    assert main(command) == 0
    assert list((tmp_path / "cache").rglob("*.sqlite")), "the first build wrote the index"
    assert capsys.readouterr().err.strip().endswith("; 2 content files read")
    site.article("news/b.md", title="B, edited")
    assert main(command) == 0
    said = capsys.readouterr().err.strip()
    assert "; 1 content file read; " in said
    assert said.endswith(" outputs the changes reach rendered again")
    page = lxml_html.fromstring((out / "news/b/index.html").read_bytes())
    assert page.xpath("string(//h1)").strip() == "B, edited"
    assert main(command) == 0  # the edit's folder was written to the index
    assert "; 0 content files read" in capsys.readouterr().err


def test_a_build_writes_no_search_index(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A static export has no search of its own (its form leads to search_url).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site.article("news/a.md", title="A")
    command = ["build", str(site.root), str(tmp_path / "out"), "--base-url", BASE]
    assert main(command) == 0
    site.article("news/a.md", title="A, edited")
    assert main(command) == 0  # from the index: every file checked against it
    written = {path.name for path in (tmp_path / "cache").rglob("*.sqlite")}
    assert written and not any("search" in name for name in written), written


def test_a_build_without_the_index_keeps_none(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site.article("news/a.md", title="A")
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--base-url", BASE, "--no-index"]) == 0
    assert (out / "news/a/index.html").is_file()
    assert not (tmp_path / "cache").exists()


def test_a_build_for_a_host_that_compresses_writes_no_copies(
    site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site.article("news/a.md", "A body long enough to be worth compressing. " * 20, title="A")
    out = tmp_path / "out"
    command = ["build", str(site.root), str(out), "--base-url", BASE, "--no-index"]
    assert main(command) == 0
    packed = {p for p in out.rglob("*") if p.suffix in (".gz", ".br")}
    assert out / "news/a/index.html.br" in packed

    def pages() -> dict[Path, bytes]:
        return {
            p: p.read_bytes()
            for p in out.rglob("*")
            if p.is_file() and p not in packed and p.name != MANIFEST
        }

    before = pages()
    assert main([*command, "--no-precompress"]) == 0
    assert not [p for p in out.rglob("*") if p.suffix in (".gz", ".br")]
    assert pages() == before
    assert ".gz" not in (out / MANIFEST).read_text()


def test_a_page_that_cannot_be_made_is_named_and_the_rest_is_built(
    site: SiteFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A defect on one page (a lead image of no known type once aborted the whole build)
    fails that page alone: it is named, the exit status says so, and the rest is written."""
    site.article("news/good.md", title="Good")
    site.article("news/bad.md", title="Bad")
    real = views.article_page

    def failing(snapshot: Snapshot, article: Article) -> Page:
        if article.slug == "bad":
            raise ValueError("a defect")
        return real(snapshot, article)

    monkeypatch.setattr(views, "article_page", failing)
    out = tmp_path / "out"
    assert (
        main(
            ["build", str(site.root), str(out), "--base-url", BASE, "--no-index", "--workers", "1"]
        )
        == 1
    )
    assert "/news/bad/: could not be made (ValueError: a defect)" in capsys.readouterr().err
    assert (out / "news/good/index.html").is_file() and (out / "rss.xml").is_file()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_build_that_cannot_write_says_where_and_what_to_do(
    site: SiteFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workers: str,
) -> None:
    """A file where the build makes a folder (or a full disk: the same error, another
    reason) is said in one line naming the file, not a traceback, from a worker too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site.article("news/a.md", title="A")
    out = tmp_path / "out"
    out.mkdir()
    (out / "news").write_text("in the way")
    command = ["build", str(site.root), str(out), "--base-url", BASE, "--workers", workers]
    assert main(command) == 1
    said = capsys.readouterr().err
    assert f"reader: {out}: the build could not write there: {out / 'news'}" in said
    assert "move what is in the way, then build again" in said
    (out / "news").unlink()
    assert main(command) == 0
    assert (out / "news/a/index.html").is_file()


def test_a_build_that_runs_out_of_room_says_so_and_leaves_no_half_file(
    site: SiteFactory, tmp_path: Path
) -> None:
    """A disk that refuses a write part of the way through (here the kernel's limit on a
    file's size, as a full disk would): the build says so and leaves no partial file."""
    site.article("news/a.md", "A body that makes a page of some size. " * 400, title="A")
    out = tmp_path / "out"

    arguments = [str(site.root), str(out), "--base-url", BASE, "--no-index", "--workers", "2"]
    done = reader_with_small_files(["build", *arguments], 8192)
    assert done.returncode == 1, done.stderr
    assert f"reader: {out}: the build could not write there: File too large" in done.stderr
    assert "Traceback" not in done.stderr
    assert not [path for path in out.rglob("*") if path.name.endswith(".tmp")]


def test_an_article_unpublished_after_a_build_stopped_half_way_is_removed(
    site: SiteFactory, tmp_path: Path
) -> None:
    """A build the disk stops half way leaves every file it wrote in its manifest, so
    the next build removes the page of an article unpublished meanwhile (a takedown):
    before, a first build stopped so left no manifest, and the page stayed published."""
    for name in ("a", "b", "c", "d"):
        site.article(f"news/{name}.md", f"Short text {name}.", title=name.upper())
    site.article("news/z.md", "A long story. " * 2000, title="Z", date="2026-10-01T09:00:00+08:00")
    out = tmp_path / "out"
    arguments = [str(site.root), str(out), "--base-url", BASE, "--no-index", "--workers", "1"]
    stopped = reader_with_small_files(["build", *arguments], 16384)
    assert stopped.returncode == 1 and "File too large" in stopped.stderr
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written - {MANIFEST} <= set((out / MANIFEST).read_text().splitlines())
    pages = sorted(n for n in "abcd" if f"news/{n}/index.html" in written)
    assert pages, f"the build stopped before any short article's page: {sorted(written)}"
    site.article(f"news/{pages[0]}.md", "Taken down.", title="Gone", draft=True)
    assert main(["build", *arguments]) == 0
    assert not (out / f"news/{pages[0]}").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_the_export_writes_redirect_maps_for_static_hosts(
    site: SiteFactory, tmp_path: Path
) -> None:
    # An address of Hugo's uglyURLs (NexT's example site's /about.html) is a file, as
    # Hugo wrote it: it was a folder (about.html/index.html), and the maps said
    # "/about.html/", which nginx's $uri of a request for /about.html never is.
    site.article("news/a.md", title="A", aliases=["/old/a/", "/舊 址/", "/old/a.html"])
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--base-url", BASE, "--no-index"]) == 0
    netlify = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    aliases = [
        "/old/a.html /news/a/ 301",
        "/old/a/ /news/a/ 301",
        "/%E8%88%8A%20%E5%9D%80/ /news/a/ 301",
    ]
    assert [line for line in netlify if "/news/a/ 301" in line] == aliases
    assert "/news/index.xml /news/rss.xml 301" in netlify, "and Hugo's feed addresses"
    nginx = (out / "redirects.map").read_text(encoding="utf-8").splitlines()
    assert [line for line in nginx if "/news/a/;" in line] == [
        '"/old/a.html" /news/a/;',
        '"/old/a/" /news/a/;',
        '"/舊 址/" /news/a/;',
    ]
    assert (out / "old/a/index.html").is_file(), "and the redirect pages, as before"
    assert redirect_target(out / "old/a.html") == "/news/a/", "the file Hugo wrote, redirecting"
    site.article("news/a.md", title="A")
    assert main(["build", str(site.root), str(out), "--base-url", BASE, "--no-index"]) == 0
    assert "/old/a/" not in (out / "_redirects").read_text(), "gone with the alias"


def test_an_export_made_before_old_files_were_files_is_built_again(
    site: SiteFactory, tmp_path: Path
) -> None:
    # An export an earlier version wrote holds /old/a.html as a folder; the next build
    # writes the file there, through the folder it takes away (it stopped with "Not a
    # directory", at the folder's file it meant to remove).
    site.article("news/a.md", title="A", aliases=["/old/a.html"])
    out = tmp_path / "out"
    build = ["build", str(site.root), str(out), "--base-url", BASE, "--full", "--no-index"]
    assert main(build) == 0
    earlier = out / "old/a.html"
    page = earlier.read_bytes()
    for suffix in ("", ".gz", ".br"):
        Path(f"{earlier}{suffix}").unlink(missing_ok=True)
    earlier.mkdir()
    (earlier / "index.html").write_bytes(page)
    manifest = out / ".reader-build"
    names = manifest.read_text(encoding="utf-8").replace("old/a.html\n", "old/a.html/index.html\n")
    manifest.write_text(names, encoding="utf-8")
    (out / "mine.txt").write_text("not the build's", encoding="utf-8")
    assert main(build) == 0
    assert earlier.is_file() and redirect_target(earlier) == "/news/a/"
    assert (out / "mine.txt").is_file(), "nothing the builds did not write is touched"
