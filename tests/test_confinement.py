"""Nothing outside the site is read, served or exported, whatever symbolic links say."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.loader import load_catalog
from tests.factories import SiteFactory, make_client

SECRET = "outside-secret-51c9"
"""Written into files outside the content folder; looked for in every answer and file."""


@pytest.fixture
def hostile(site: SiteFactory, tmp_path: Path) -> SiteFactory:
    """A site whose content folder holds links out of it, back into it, and loops."""
    outside = tmp_path / "outside"
    (outside / "etc").mkdir(parents=True)
    (outside / "passwd").write_text(f"root:x:0:0:{SECRET}\n")
    for number in range(3):
        (outside / "etc" / f"conf{number}.md").write_text(
            f"---\ntitle: {SECRET} {number}\ndate: 2026-11-01\n---\n{SECRET}\n"
        )
    content = site.root / "content"
    site.article("news/live.md", title="Live")
    site.article("news/held.md", title="Held", body=f"{SECRET} draft", draft=True)
    site.article("news/bundle/index.md", title="Bundle", body="![Map](map.txt)")
    (content / "news/bundle/map.txt").write_text("a map")
    (content / "news/bundle/passwd").symlink_to(outside / "passwd")
    (content / "news/bundle/notes.txt").symlink_to(content / "news/held.md")
    (content / "etc").symlink_to(outside / "etc", target_is_directory=True)
    (content / "news/outside.md").symlink_to(outside / "etc" / "conf0.md")
    (content / "news/l1").symlink_to(".", target_is_directory=True)
    (content / "news/up").symlink_to("..", target_is_directory=True)
    (content / "a").mkdir()
    (content / "b").mkdir()
    (content / "a/to-b").symlink_to(content / "b", target_is_directory=True)
    (content / "b/to-a").symlink_to(content / "a", target_is_directory=True)
    (content / "news/self").symlink_to("self")
    static = site.root / "static"
    static.mkdir()
    (static / "passwd").symlink_to(outside / "passwd")
    site.article("news/leaky.md", title="Leaky", image="/../../outside/passwd", image_alt="x")
    return site


def test_links_out_of_the_site_and_loops_are_reported_not_followed(hostile: SiteFactory) -> None:
    catalog = load_catalog(hostile.settings())
    assert {a.title for a in catalog.articles} == {"Live", "Held", "Bundle", "Leaky"}
    assert not [key for key in catalog.sections if key[:1] == ("etc",)]
    reported = {p.path.name: p.message for p in catalog.problems}
    assert "outside the content folder" in reported["etc"]
    assert "outside the content folder" in reported["outside.md"]
    assert "loops" in reported["l1"] and "loops" in reported["up"]
    bundle = next(a for a in catalog.articles if a.title == "Bundle")
    assert bundle.resources == frozenset({"map.txt"})
    leaky = next(a for a in catalog.articles if a.title == "Leaky")
    assert leaky.image_length == 0, "an image outside static/ is not even measured"


def test_nothing_outside_is_served(hostile: SiteFactory) -> None:
    client = make_client(hostile)
    assert client.get("/news/bundle/map.txt").text == "a map"
    for path in (
        "/news/bundle/passwd",
        "/news/bundle/notes.txt",
        "/passwd",
        "/etc/",
        "/etc/conf0/",
        "/news/outside/",
        "/news/l1/live/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert SECRET not in response.text
    for path in ("/", "/sitemap.xml", "/feeds.opml", "/rss.xml", "/api/v1/articles"):
        response = client.get(path)
        assert response.status_code == 200 and SECRET not in response.text, path


def test_check_and_build_finish_and_write_nothing_from_outside(
    hostile: SiteFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(hostile.root)]) == 1  # the escaping links are errors
    out = capsys.readouterr().out
    assert "outside the content folder" in out and "loops" in out
    built = tmp_path / "built"
    command = ["build", str(hostile.root), str(built), "--no-index", "--no-precompress"]
    assert main(command) == 0
    written = [Path(d) / n for d, _, names in os.walk(built) for n in names]
    assert (built / "news/bundle/map.txt").is_file()
    assert not [p for p in written if SECRET in p.read_text(errors="replace")]
    assert not [p for p in written if p.name in ("passwd", "notes.txt")]
