"""Write small sites into a folder, so each test builds exactly the content it talks about."""

from __future__ import annotations

import asyncio
import textwrap
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from lxml import html as lxml_html

from reader.app import ReaderApp, create_app
from reader.config import Settings, load_settings
from reader.live import Clock

DEFAULT_SITE_TOML = """
title = "Test Gazette"
base_url = "https://news.example.org/"
language = "en"
timezone = "Asia/Shanghai"
footer = ["Licence No. 123", "Registration 456"]
copyright = "© Test Gazette"
contact = "desk@example.org"
license = "https://creativecommons.org/licenses/by/4.0/"
license_name = "CC BY 4.0"
usage_terms = "Republish in full with a link to the original."
link_allowlist = ["partner.example"]
"""


HUGO_MULTILINGUAL = """
baseURL = "https://news.example.org/"
defaultContentLanguage = "zh"
timeZone = "Asia/Shanghai"
[languages.zh]
languageCode = "zh-TW"
languageName = "中文"
title = "市民日報"
weight = 1
[languages.en]
languageCode = "en"
languageName = "English"
title = "Citizen Daily"
weight = 2
"""
"""A Hugo site in Traditional Chinese and English, each its own language."""


def front_matter(**fields: Any) -> str:
    """YAML front matter from keyword fields (lists and strings as YAML flow values)."""
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key}: {value}")
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_quote(v) for v in value)}]")
        else:
            lines.append(f"{key}: {_quote(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _quote(value: Any) -> str:
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class SiteFactory:
    """A site folder under construction."""

    root: Path
    site_toml: str = DEFAULT_SITE_TOML
    written: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        (self.root / "content").mkdir(parents=True, exist_ok=True)
        (self.root / "site.toml").write_text(textwrap.dedent(self.site_toml), encoding="utf-8")

    def write(self, relative: str, text: str) -> Path:
        """Write a file below content/."""
        path = self.root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.append(path)
        return path

    def article(self, relative: str, body: str = "Body text.", **fields: Any) -> Path:
        """Write an article with YAML front matter; title and date get defaults."""
        fields.setdefault("title", Path(relative).stem.replace("-", " ").title())
        fields.setdefault("date", "2026-11-01T09:00:00+08:00")
        return self.write(relative, front_matter(**fields) + "\n" + body + "\n")

    def section(self, relative: str, **fields: Any) -> Path:
        """Write a section's _index.md."""
        return self.write(f"{relative}/_index.md", front_matter(**fields))

    def settings(self, **overrides: Any) -> Settings:
        """Load this site's settings, with watching off unless asked for."""
        settings, problems = load_settings(self.root)
        assert not problems, problems
        overrides.setdefault("watch", False)
        return replace(settings, **overrides)


NOW = datetime.fromisoformat("2026-11-28T12:00:00+08:00")


class MovingClock:
    """A clock a test sets by hand."""

    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def fixed_clock(moment: datetime = NOW) -> Clock:
    """A clock that always says ``moment``."""
    return lambda: moment


class Client:
    """Synchronous HTTP calls into an ASGI app in this process (no server, no lifespan)."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET a path, never following redirects."""
        return asyncio.run(self._request("GET", path, **kwargs))

    def head(self, path: str, **kwargs: Any) -> httpx.Response:
        """HEAD a path."""
        return asyncio.run(self._request("HEAD", path, **kwargs))

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Any method on a path."""
        return asyncio.run(self._request(method, path, **kwargs))

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, path, **kwargs)


def make_client(site: SiteFactory, clock: Clock | None = None, **overrides: Any) -> Client:
    """An in-process client for the site as its files stand now."""
    return Client(create_app(site.settings(**overrides), clock=clock or fixed_clock()))


def parse_html(response: httpx.Response) -> Any:
    """Parse an HTML response into an lxml tree."""
    return lxml_html.fromstring(response.content)


def redirect_target(page: Path) -> str:
    """The path an exported redirect page sends a reader to (its canonical link's)."""
    href = lxml_html.fromstring(page.read_bytes()).xpath("string(//link[@rel='canonical']/@href)")
    return urlsplit(str(href)).path
