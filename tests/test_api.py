"""The partner API (ninjs, checked against IPTC's schema) and oEmbed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator
from lxml import html as lxml_html

from tests.factories import Client, SiteFactory, make_client, parse_html

SCHEMA = json.loads((Path(__file__).parent / "schemas/ninjs-schema_2.2.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def valid_ninjs(document: dict[str, Any]) -> dict[str, Any]:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert not errors, errors
    return document


@pytest.fixture
def newsroom(site: SiteFactory) -> SiteFactory:
    site.article(
        "city/bridge/index.md",
        title="新橋通車",
        date="2026-11-20T09:00:00+08:00",
        tags=["交通", "Harbour"],
        source="港務局",
        kicker="城市建設",
        image="bridge.svg",
        image_alt="斜拉橋",
        lang="zh-Hant",
    )
    (site.root / "content/city/bridge/bridge.svg").write_text("<svg/>")
    for day in range(1, 8):
        site.article(f"sports/game-{day}.md", date=f"2026-11-0{day}T09:00:00+08:00")
    site.article("sports/draft.md", draft=True)
    site.article("sports/future.md", date="2027-01-01T00:00:00+08:00")
    return site


def get_json(client: Client, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_every_article_is_a_valid_ninjs_item_with_rights(newsroom: SiteFactory) -> None:
    client = make_client(newsroom)
    listing = get_json(client, "/api/v1/articles?limit=100")
    assert len(listing["data"]) == 8, "no draft, no future article"
    for item in listing["data"]:
        valid_ninjs(item)
        assert item["copyrightnotice"] == "© Test Gazette"
        assert item["rightsinfo"] == {
            "linkedrights": "https://creativecommons.org/licenses/by/4.0/"
        }
        assert item["usageterms"].startswith("Republish")
    bridge = listing["data"][0]
    assert bridge["headlines"][0] == {"role": "main", "value": "新橋通車"}
    assert bridge["language"] == "zh-Hant"
    assert [s["name"] for s in bridge["subjects"]] == ["交通", "Harbour"]
    assert bridge["infosources"] == [{"name": "港務局"}]
    (image,) = bridge["associations"]
    assert image["uri"] == "https://news.example.org/city/bridge/bridge.svg"
    assert image["renditions"][0]["sizeinbytes"] == 6
    assert image["descriptions"] == [{"role": "alt", "value": "斜拉橋"}]
    assert "<p>" in bridge["bodies"][0]["value"]


def test_one_article_by_its_feed_id(newsroom: SiteFactory) -> None:
    client = make_client(newsroom)
    first = get_json(client, "/api/v1/articles?limit=1")["data"][0]
    api_url = next(a["value"] for a in first["altids"] if a["role"] == "api")
    one = get_json(client, api_url.removeprefix("https://news.example.org"))
    assert valid_ninjs(one) == first
    assert api_url.endswith(
        "/api/v1/articles/" + first["renditions"][0]["href"].split("/", 3)[3].strip("/")
    )
    missing = get_json(client, "/api/v1/articles/" + quote("city/nothing@2026"), 404)
    assert "no published article" in missing["error"]["message"]


def test_an_old_api_name_still_finds_its_article(site: SiteFactory) -> None:
    """Earlier versions named articles by section and time; partners' links keep working."""
    site.article("news/a.md", title="Old name", date="2026-11-01T08:00:00+08:00")
    client = make_client(site)
    old = get_json(client, "/api/v1/articles/" + quote("news@2026-11-01T00:00:00Z"))
    assert old["headlines"][0]["value"] == "Old name"


@pytest.mark.parametrize(
    "article_id", ["urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", "https://example.org/s/1"]
)
def test_an_article_with_its_own_id_is_found_by_it(site: SiteFactory, article_id: str) -> None:
    site.article("news/a.md", title="Own id", id=article_id)
    client = make_client(site)
    (item,) = get_json(client, "/api/v1/articles")["data"]
    assert item["uri"] == article_id
    api_url = next(a["value"] for a in item["altids"] if a["role"] == "api")
    assert get_json(client, api_url.removeprefix("https://news.example.org"))["uri"] == article_id


def test_filters_and_cursor_pagination(newsroom: SiteFactory) -> None:
    client = make_client(newsroom)
    seen: list[str] = []
    path: str | None = "/api/v1/articles?section=sports&limit=3"
    while path:
        response = client.get(path)
        page = response.json()
        seen += [item["uri"] for item in page["data"]]
        following = page["links"].get("next")
        if following:
            assert f"<{following}>" in response.headers["link"]
        path = following.removeprefix("https://news.example.org") if following else None
    assert len(seen) == 7 and len(set(seen)) == 7
    tagged = get_json(client, "/api/v1/articles?tag=harbour")["data"]
    assert [i["headlines"][0]["value"] for i in tagged] == ["新橋通車"]
    since = get_json(client, "/api/v1/articles?since=2026-11-06T00:00:00%2B08:00")["data"]
    assert len(since) == 3


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("since=yesterday", "since"),
        ("section=nowhere", "section"),
        ("cursor=%21%21", "cursor"),
        ("colour=red", "colour"),
    ],
)
def test_bad_queries_say_what_to_fix(newsroom: SiteFactory, query: str, parameter: str) -> None:
    error = get_json(make_client(newsroom), f"/api/v1/articles?{query}", 400)["error"]
    assert error["parameter"] == parameter and error["message"] and error["fix"]


def test_oembed_discovery_and_card(newsroom: SiteFactory) -> None:
    client = make_client(newsroom)
    response = client.get("/city/bridge/")
    (href,) = parse_html(response).xpath("//link[@type='application/json+oembed']/@href")
    assert 'rel="alternate"' in response.headers["link"] and href in response.headers["link"]
    card = get_json(client, href.removeprefix("https://news.example.org"))
    assert card["version"] == "1.0" and card["type"] == "rich"
    assert card["title"] == "新橋通車" and card["provider_url"] == "https://news.example.org/"
    html = lxml_html.fragment_fromstring(card["html"])
    assert html.get("lang") == "zh-Hant"
    assert html.xpath("//a/@href") == ["https://news.example.org/city/bridge/"]
    assert html.xpath("//time/@datetime") == ["2026-11-20T09:00:00+08:00"]
    narrow = get_json(client, href.removeprefix("https://news.example.org") + "&maxwidth=300")
    assert narrow["width"] == 300


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("https://elsewhere.example/city/bridge/", 404),
        ("https://news.example.org/sports/draft/", 404),
        ("https://news.example.org/city/", 404),
    ],
)
def test_oembed_refuses_what_is_not_a_published_article(
    newsroom: SiteFactory, url: str, status: int
) -> None:
    get_json(make_client(newsroom), "/oembed?url=" + quote(url, safe=""), status)


def test_oembed_offers_json_only(newsroom: SiteFactory) -> None:
    url = quote("https://news.example.org/city/bridge/", safe="")
    get_json(make_client(newsroom), f"/oembed?url={url}&format=xml", 501)
