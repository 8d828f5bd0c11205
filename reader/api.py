"""The partner API: published articles as IPTC ninjs 2.2 documents, filtered and paged."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from feeds.cache import FeedCache
from reader.config import normalize_language
from reader.dates import parse_date
from reader.jsontext import json_bytes
from reader.languages import versions
from reader.model import Article
from reader.presentation import article_url, byline, entry_html, lead_image_url
from reader.search import Found
from reader.searchtext import Query, parse_query
from reader.store import Snapshot, tag_slug
from reader.urls import absolute, api_article_path, api_articles_path, entry_id, tag_path

NINJS_VERSION = "2.2"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
PARAMETERS = ("section", "tag", "q", "since", "limit", "cursor", "lang")


@dataclass(frozen=True)
class Answer:
    """A JSON body with its status and any Link header values."""

    status: int
    body: bytes
    links: tuple[str, ...] = ()


class BadRequest(ValueError):
    """A query the API cannot answer, with how to fix it."""

    def __init__(self, parameter: str, message: str, fix: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.fix = fix


Matcher = Callable[[Query], Found]
"""The site's search, for ``q=``."""


def article_list(
    snapshot: Snapshot, query: str, cache: FeedCache, search: Matcher | None = None
) -> Answer:
    """``/api/v1/articles``: newest first, filtered by section, tag, words (``q``, as the
    site's search reads them) and ``since``, paged."""
    try:
        params = _parameters(query)
        _check_language(snapshot, params)
        articles = _filtered(snapshot, params)
        if "q" in params:
            articles = _matching(articles, params["q"], search)
        limit = _limit(params.get("limit"))
        start = _after_cursor(articles, params.get("cursor"))
    except BadRequest as error:
        return _error(400, error.message, error.fix, error.parameter)
    page = articles[start : start + limit]
    document: dict[str, Any] = {
        "data": [ninjs(snapshot, a, cache) for a in page],
        "links": {"self": absolute(snapshot.settings, api_articles_path(params))},
    }
    links: tuple[str, ...] = ()
    if start + limit < len(articles):
        following = dict(params, cursor=_cursor(page[-1]))
        next_url = absolute(snapshot.settings, api_articles_path(following))
        document["links"]["next"] = next_url
        links = (f'<{next_url}>; rel="next"',)
    return Answer(200, json_bytes(document), links)


def _matching(articles: Sequence[Article], words: str, search: Matcher | None) -> list[Article]:
    parsed = parse_query(words)
    if parsed is None or search is None:
        raise BadRequest("q", f"nothing in q={words!r} can be searched for", "give a word")
    found = {id(a) for a in search(parsed).articles}
    return [a for a in articles if id(a) in found]


def one_article(snapshot: Snapshot, article_id: str, cache: FeedCache, query: str = "") -> Answer:
    """``/api/v1/articles/<id>``: one published article by its stable id (``lang`` asks
    for it in a script variant)."""
    try:
        params = _parameters(query)
        if set(params) - {"lang"}:
            raise BadRequest(min(params), "an article takes only lang", "leave the rest out")
        _check_language(snapshot, params)
    except BadRequest as error:
        return _error(400, error.message, error.fix, error.parameter)
    article = snapshot.article_by_id(article_id)
    if article is None:
        return _error(
            404, f"no published article has the id {article_id!r}", "list /api/v1/articles"
        )
    return Answer(200, json_bytes(ninjs(snapshot, article, cache)))


def ninjs(snapshot: Snapshot, article: Article, cache: FeedCache) -> dict[str, Any]:
    """One article as a ninjs 2.2 news item, with its full body and rights."""
    settings = snapshot.settings
    url = article_url(snapshot, article)
    body = entry_html(snapshot, article, cache)
    item: dict[str, Any] = {
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "uri": entry_id(settings, article),
        "type": "text",
        "representationtype": "full",
        "firstcreated": article.date.isoformat(),
        "versioncreated": article.last_modified.isoformat(),
        "contentcreated": article.date.isoformat(),
        "pubstatus": "usable",
        "language": article.lang or settings.language,
        "headlines": [{"role": "main", "value": article.title}],
        "descriptions": [
            {"role": "summary", "contenttype": "text/plain", "value": article.summary}
        ],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "by": byline(snapshot, article),
        "copyrightholder": settings.title,
        "renditions": [{"name": "html", "href": url, "contenttype": "text/html"}],
        "altids": [
            {"role": "url", "value": url},
            {"role": "api", "value": absolute(settings, api_article_path(article))},
        ],
    }
    if article.kicker:
        item["headlines"].append({"role": "kicker", "value": article.kicker})
    if article.source:
        item["infosources"] = [{"name": article.source}]
    if article.taxonomy_terms:
        # Each term with its page as its identifier; a category's is /categories/x/.
        item["subjects"] = [
            {"name": term, "uri": absolute(settings, tag_path(tag_slug(term), taxonomy=taxonomy))}
            for taxonomy, term in article.taxonomy_terms
        ]
    if settings.copyright:
        item["copyrightnotice"] = settings.copyright
    if settings.usage_terms:
        item["usageterms"] = settings.usage_terms
    if settings.license:
        item["rightsinfo"] = {"linkedrights": settings.license}
    image = lead_image_url(snapshot, article)
    if image:
        rendition: dict[str, Any] = {"name": "original", "href": image}
        if article.image_type:
            rendition["contenttype"] = article.image_type
        if article.image_length:
            rendition["sizeinbytes"] = article.image_length
        item["associations"] = [
            {
                "name": "featureimage",
                "uri": image,
                "type": "picture",
                "descriptions": [{"role": "alt", "value": article.image_alt}],
                "renditions": [rendition],
            }
        ]
    return item


def _parameters(query: str) -> dict[str, str]:
    parsed = parse_qs(query, keep_blank_values=True)
    params: dict[str, str] = {}
    for name, values in parsed.items():
        if name not in PARAMETERS:
            raise BadRequest(name, f"unknown parameter {name!r}", f"use {', '.join(PARAMETERS)}")
        if len(values) > 1:
            raise BadRequest(name, f"parameter {name!r} is given twice", "give it once")
        params[name] = values[0]
    return params


def language_asked(query: str) -> str | None:
    """The language ``lang`` names in a query the API accepted, as the site spells it."""
    values = parse_qs(query).get("lang")
    return normalize_language(values[0]) if values else None


def _check_language(snapshot: Snapshot, params: dict[str, str]) -> None:
    if "lang" not in params:
        return
    offered = [version.lang for version in versions(snapshot.settings)]
    if normalize_language(params["lang"]) not in offered:
        raise BadRequest(
            "lang", f"articles are not offered in {params['lang']!r}", f"use {', '.join(offered)}"
        )


def _filtered(snapshot: Snapshot, params: dict[str, str]) -> Sequence[Article]:
    articles: Sequence[Article] = snapshot.articles
    if "section" in params:
        key = tuple(p for p in params["section"].split("/") if p)
        if snapshot.section(key) is None:
            raise BadRequest(
                "section", f"there is no section {params['section']!r}", "use a path like news/city"
            )
        articles = snapshot.section_articles(key)
    if "tag" in params:
        slug = tag_slug(params["tag"])
        tag = snapshot.tag(slug)
        chosen = {a.key for a in tag.articles} if tag else set()
        articles = [a for a in articles if a.key in chosen]
    if "since" in params:
        since = _since(params["since"], snapshot)
        articles = [a for a in articles if a.last_modified >= since]
    return articles


def _since(value: str, snapshot: Snapshot) -> datetime:
    try:
        return parse_date(value, snapshot.settings.timezone)
    except ValueError as error:
        raise BadRequest(
            "since", f"since is not a date: {error}", "write it like 2026-11-28T09:30:00+08:00"
        ) from error


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_LIMIT:
        raise BadRequest(
            "limit", f"limit {value!r} is not a number from 1 to {MAX_LIMIT}", "use limit=20"
        )
    return int(value)


def _cursor(article: Article) -> str:
    raw = json.dumps([article.date.isoformat(), list(article.key)], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after_cursor(articles: Sequence[Article], cursor: str | None) -> int:
    """The index of the first article after the cursor's; stable while articles come and go."""
    if cursor is None:
        return 0
    refused = BadRequest(
        "cursor", "the cursor is not one this API gave out", "follow links.next as it is"
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        date_text, key = json.loads(raw)
        position = (datetime.fromisoformat(date_text), tuple(key))
    except (binascii.Error, ValueError, TypeError, RecursionError) as error:
        raise refused from error
    # Compared with articles' dates and keys below: it must be made of the same things.
    if position[0].tzinfo is None or not all(isinstance(part, str) for part in position[1]):
        raise refused
    for index, article in enumerate(articles):
        if (article.date, article.key) < position:
            return index
    return len(articles)


def _error(status: int, message: str, fix: str, parameter: str = "") -> Answer:
    error = {"status": status, "message": message}
    if fix:
        error["fix"] = fix
    if parameter:
        error["parameter"] = parameter
    return Answer(status, json_bytes({"error": error}))
