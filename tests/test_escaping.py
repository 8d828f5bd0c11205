"""Text stays text: plain fields never become markup or script in any output."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from reader.cli import main
from reader.loader import load_catalog
from tests.factories import SiteFactory, make_client, parse_html

PAYLOAD = '<img src=x onerror="alert(1)">'
BREAKOUT = "</script><!--<script>alert(1)//"


def _executable(fragment: str) -> list[str]:
    """What a reader that renders HTML without sanitising would load or run."""
    root = lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    found = [e.tag for e in root.iter() if e.tag in ("img", "script", "iframe", "svg")]
    found += [name for e in root.iter() for name in e.attrib if name.startswith("on")]
    return found


def test_rss_descriptions_carry_plain_text_escaped_as_html(site: SiteFactory) -> None:
    site.article("news/a.md", title="A", summary=PAYLOAD, tags=[PAYLOAD])
    client = make_client(site)
    slug = "-".join(PAYLOAD.casefold().split())
    for path in ("/rss.xml", "/news/rss.xml", f"/tags/{slug}/rss.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        channel = etree.fromstring(response.content).find("channel")
        assert channel is not None
        descriptions = [channel.findtext("description") or ""]
        descriptions += [item.findtext("description") or "" for item in channel.iter("item")]
        for description in descriptions:
            assert _executable(description) == [], (path, description)
        shown = lxml_html.fragment_fromstring(descriptions[-1], create_parent="div")
        assert shown.text_content() == PAYLOAD, "the reader shows the text as written"


def test_json_ld_cannot_be_broken_out_of(site: SiteFactory) -> None:
    site.article("news/a.md", title=BREAKOUT, summary="A & B > C")
    page = parse_html(make_client(site).get("/news/a/"))
    (script,) = page.xpath("//script[@type='application/ld+json']")
    assert "<" not in script.text and ">" not in script.text and "&" not in script.text
    data = json.loads(script.text)
    assert data["headline"] == BREAKOUT and data["description"] == "A & B > C"
    assert page.xpath("//h1")[0].text_content() == BREAKOUT


def test_a_lead_image_is_a_site_path_or_an_http_url(site: SiteFactory) -> None:
    for number, image in enumerate(
        ["javascript:alert(1)", "data:image/svg+xml,<svg onload=alert(1)>", "//evil.example/x"]
    ):
        site.article(f"news/bad{number}.md", title=f"Bad {number}", image=image, image_alt="x")
    site.article("news/good.md", title="Good", image="https://cdn.example/x.jpg", image_alt="x")
    catalog = load_catalog(site.settings())
    images = {a.title: a.image for a in catalog.articles}
    assert images == {"Bad 0": "", "Bad 1": "", "Bad 2": "", "Good": "https://cdn.example/x.jpg"}
    assert sum("neither a path on the site" in p.message for p in catalog.problems) == 3
    feed = make_client(site).get("/feed.json").json()
    assert [item.get("image") for item in feed["items"] if "image" in item] == [
        "https://cdn.example/x.jpg"
    ]


def test_an_alias_never_replaces_a_real_page_in_the_export(
    site: SiteFactory, tmp_path: Path
) -> None:
    site.article("news/a.md", title="Alias thief", aliases=["/", "/news/", "/old/"])
    site.article("news/b.md", title="Other")
    out = tmp_path / "out"
    assert main(["build", str(site.root), str(out), "--no-index", "--no-precompress"]) == 0
    home = lxml_html.fromstring((out / "index.html").read_bytes())
    assert home.xpath("//h1")[0].text_content() == "Test Gazette"
    section = lxml_html.fromstring((out / "news/index.html").read_bytes())
    assert section.xpath("//h1")[0].text_content() == "News"
    moved = lxml_html.fromstring((out / "old/index.html").read_bytes())
    assert moved.xpath("//meta[@http-equiv='refresh']/@content") == [
        "0; url=https://news.example.org/news/a/"
    ]


def test_markup_inside_attribute_values_stays_text_through_every_pass(site: SiteFactory) -> None:
    # Alt text and titles are edited after sanitising (sizes, outbound links): what nh3
    # leaves in an attribute must stay an attribute's text, on every nh3 release we accept.
    body = (
        '![<img src=x onerror="alert(1)">](pic.png "<script>alert(2)</script>")\n\n'
        '<a href="https://elsewhere.example/" title="<img src=y onerror=alert(3)>">out</a>\n\n'
        '<img alt="<img src=z onerror=alert(4)>" src="pic.png">\n'
    )
    site.article("news/a/index.md", title="A", body=body)
    (site.root / "content/news/a/pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    client = make_client(site)
    page = parse_html(client.get("/news/a/"))
    (body_div,) = page.xpath("//div[@class='body']")
    fragment = lxml_html.tostring(body_div, encoding="unicode")
    assert _executable(fragment) == ["img", "img"], fragment  # the pictures, nothing else
    feed = client.get("/feed.json").json()
    assert _executable(feed["items"][0]["content_html"]) == ["img", "img"]
