"""Pages and redirects as responses: a view's page rendered with the theme, and redirects."""

from __future__ import annotations

from html import escape

from jinja2 import Environment

from reader.config import Settings
from reader.headers import alternate_link
from reader.pages import OEMBED_MEDIA_TYPE, ArticleContext, Page
from reader.rendered import Rendered
from reader.templating import render
from reader.urls import Kind, absolute


def page(environment: Environment, view: Page, *, status: int = 200) -> Rendered:
    """A page rendered with the theme; an article also names its oEmbed card in a header."""
    body = render(environment, view.template, view.variables())
    links: tuple[str, ...] = ()
    context = view.context
    if isinstance(context, ArticleContext) and context.chrome.oembed_url:
        links = (alternate_link(context.chrome.oembed_url, OEMBED_MEDIA_TYPE),)
    return Rendered(body, Kind.PAGE, status=status, links=links)


def personal_page(environment: Environment, view: Page) -> Rendered:
    """A page that shows one reader's choices: never shared, never cached."""
    return Rendered(render(environment, view.template, view.variables()), Kind.PERSONAL)


def redirect(settings: Settings, path: str) -> Rendered:
    """A permanent redirect to a path of ours, with a page for clients that do not follow.

    The ``Location`` is the path alone (RFC 9110 allows a relative reference): it can name
    no other host, whatever the request's ``Host`` said, and it survives a change of
    ``base_url``. The page inside names the absolute URL, for crawlers.
    """
    location = settings.base_path + path
    return Rendered(redirect_page(absolute(settings, path)), Kind.REDIRECT, 301, location=location)


def redirect_page(url: str) -> bytes:
    """A page that sends browsers and crawlers on to ``url``: a 301's body, or what a static
    host serves at an old address, since it cannot answer 301."""
    url = escape(url)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{url}</title>'
        f'<link rel="canonical" href="{url}"><meta http-equiv="refresh" content="0; url={url}">'
        f'</head><body><p><a href="{url}">{url}</a></p></body></html>'
    ).encode()
