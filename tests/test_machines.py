"""Several machines behind one cache (docs/deploy.md): two checkouts of one site, as git
leaves them (other folders, other file times), answer every address with the same bytes,
so a page cached from one machine is revalidated by the other and its images are found
there."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from lxml import html as lxml_html

from reader.cli import DEMO_SITE
from tests.server import running_server

pytestmark = pytest.mark.slow

MAX_ADDRESSES = 400
BASE = "https://news.example.org/"


def checkout(where: Path, seconds_later: int) -> Path:
    """A copy of the demo site whose files all carry one modification time, as a git
    checkout made at that moment would."""
    shutil.copytree(DEMO_SITE, where)
    moment = 1_790_000_000 + seconds_later
    for path in where.rglob("*"):
        os.utime(path, (moment, moment))
    return where


def links(base: str, response: httpx.Response) -> set[str]:
    """The same-site addresses an HTML page points to (links, images, feeds in its head)."""
    if "html" not in response.headers.get("content-type", ""):
        return set()
    tree = lxml_html.fromstring(response.content)
    found: set[str] = set()
    values = tree.xpath("//@href | //@src")
    for srcset in tree.xpath("//@srcset"):
        values += [part.split()[0] for part in srcset.split(",") if part.strip()]
    for value in values:
        absolute = urljoin(str(response.url), str(value))
        for prefix in (base, BASE):
            if absolute.startswith(prefix):
                found.add("/" + absolute[len(prefix) :].lstrip("/"))
    return {urlsplit(a)._replace(fragment="").geturl() for a in found}


def test_two_checkouts_answer_every_address_alike(tmp_path: Path) -> None:
    first = checkout(tmp_path / "machine-a" / "site", 0)
    second = checkout(tmp_path / "machine-b" / "checkout" / "site", 86_400)
    with (
        running_server(str(first), "--base-url", BASE) as a,
        running_server(str(second), "--base-url", BASE) as b,
        httpx.Client(timeout=30) as client,
    ):
        queue = ["/", "/sitemap.xml", "/atom.xml", "/feed.json", "/api/v1/articles"]
        seen: set[str] = set()
        differing: list[str] = []
        while queue and len(seen) < MAX_ADDRESSES:
            address = queue.pop(0)
            if address in seen:
                continue
            seen.add(address)
            from_a = client.get(a + address)
            from_b = client.get(b + address)
            if address.startswith("/_img/"):
                # Each machine resizes in the background and sends the original until then:
                # the address must be found on both, its bytes may differ for a while.
                if (from_a.status_code, from_b.status_code) != (200, 200):
                    differing.append(f"{address}: {from_a.status_code} / {from_b.status_code}")
                continue
            if (from_a.status_code, from_a.content) != (from_b.status_code, from_b.content):
                differing.append(f"{address}: {from_a.status_code} / {from_b.status_code}")
                continue
            etag = from_a.headers.get("etag")
            if from_a.status_code == 200 and etag:
                again = client.get(b + address, headers={"if-none-match": etag})
                if again.status_code != 304:
                    differing.append(f"{address}: B answers A's ETag with {again.status_code}")
            queue += sorted(links(a, from_a) - seen)
    assert not differing, "\n".join(differing)
    assert len(seen) > 50, f"only {len(seen)} addresses were reached"
    assert any(address.startswith("/_img/") for address in seen), "no resized image was asked for"
