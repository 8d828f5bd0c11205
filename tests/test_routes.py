"""The route table: building and parsing agree for every route, and no path breaks parsing."""

from __future__ import annotations

import re
from urllib.parse import unquote

from hypothesis import example, given
from hypothesis import strategies as st

from reader.endpoints import ENDPOINTS
from reader.urls import (
    ROUTE,
    ROUTES,
    FeedFormat,
    Params,
    Route,
    RouteName,
    build,
    rendition_path,
    renditions_folder,
    resolve,
)
from tests.factories import SiteFactory, make_client

# A path segment as an editor may name a folder or a keyword: any text without a slash,
# but not a dot segment (which servers remove) and not one of the reserved words alone.
segment = st.text(st.characters(exclude_characters="/\x00", codec="utf-8"), min_size=1).filter(
    lambda s: s not in (".", "..")
)
URL_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")
page = st.integers(min_value=2, max_value=999_999_999)
number = st.integers(min_value=1, max_value=999_999_999)


def _params_for(route: Route) -> st.SearchStrategy[Params]:
    pattern = route.pattern
    fields: dict[str, st.SearchStrategy[object]] = {}
    if "{path:path}" in pattern:
        fields["path"] = st.lists(segment, min_size=1, max_size=4).map(tuple)
    if "{tag}" in pattern:
        fields["tag"] = segment
    if "{page:int}" in pattern:
        fields["page"] = page
    if "{number:int}" in pattern:
        fields["number"] = number
    if "{format:feed}" in pattern:
        fields["format"] = st.sampled_from(list(FeedFormat))
    if "{format:archived}" in pattern:
        fields["format"] = st.sampled_from([f for f in FeedFormat if f.archived])
    if "{id}" in pattern:
        fields["id"] = segment
    if "{id:rest}" in pattern:
        fields["id"] = st.text(st.characters(exclude_characters="\x00", codec="utf-8"), min_size=1)
    return st.fixed_dictionaries(fields).map(lambda values: Params(**values))  # type: ignore[arg-type]


@given(st.sampled_from(ROUTES).flatmap(lambda route: st.tuples(st.just(route), _params_for(route))))
# Segments that read as escapes, or hold what only an escape may carry.
@example((ROUTE[RouteName.TAG], Params(tag="%41")))
@example((ROUTE[RouteName.CONTENT], Params(path=("news", "50%", "a b", "x%2Fy"))))
@example((ROUTE[RouteName.IMAGE], Params(path=("3e00c2", "320.webp"))))
def test_building_then_resolving_gives_back_the_route_and_its_parameters(
    case: tuple[Route, Params],
) -> None:
    route, params = case
    path = build(route.name, params)
    # What goes into a link is ASCII, with everything but RFC 3986's path characters escaped.
    assert URL_PATH.fullmatch(path), path
    found = resolve(unquote(path))
    if found.route is not route.name:
        # Only content can collide with a fixed route (a section named "tags", an article
        # named "rss.xml"): the loader reserves those names, so such a URL never exists.
        assert route.catch_all or "{path:path}" in route.pattern, (route, params, found)
        return
    assert found.params == params
    assert found.canonical is None


@given(
    st.text(min_size=1, max_size=24).filter(lambda key: "/" not in key),
    st.integers(min_value=1, max_value=10_000),
    st.sampled_from(["avif", "webp", "jpg", "png"]),
)
def test_a_renditions_folder_and_its_name_spell_the_renditions_path(
    key: str, width: int, fmt: str
) -> None:
    name = f"{width}.{fmt}"
    assert renditions_folder(key) + name == rendition_path(key, name)


@given(st.text())
@example("/page/2/")
@example("/page/1/")
@example("/%00")
@example("/news/page/²/")
@example("/news/page/" + "9" * 5000 + "/")
@example("//")
@example("/a/../b/")
@example("/tags/x/page/1")
def test_resolve_never_raises(path: str) -> None:
    found = resolve(path)
    assert found.route in ENDPOINTS


def test_every_route_has_one_endpoint() -> None:
    assert set(ENDPOINTS) == set(RouteName) == {route.name for route in ROUTES}


def test_page_one_and_a_missing_slash_name_the_canonical_spelling() -> None:
    assert resolve("/tags/x/page/1/").canonical == "/tags/x/"
    assert resolve("/tags/x/page/1").canonical == "/tags/x/"
    assert resolve("/news/page/1/").canonical == "/news/"
    assert resolve("/news/page/3").canonical == "/news/page/3/"
    assert resolve("/tags").canonical == "/tags/"
    assert resolve("/news/page/2/").canonical is None


def test_pages_that_crashed_the_old_resolver_answer_404(site: SiteFactory) -> None:
    site.article("news/a.md")
    client = make_client(site)
    for path in ("/page/2/", "/news/page/%C2%B2/", "/news/page/0/", "/page/0/", "/%00"):
        assert client.get(path).status_code == 404, path
    # Page 1 of the front page's list is the front page.
    first = client.get("/page/1/")
    assert (first.status_code, first.headers["location"]) == (301, "/")
