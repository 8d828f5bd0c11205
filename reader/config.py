"""Settings: one frozen object, read from site.toml (or a Hugo config) and passed in."""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reader.model import TAGS, Problem, Severity

SITE_FILE = "site.toml"
HUGO_FILES = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
"""Hugo's site configuration files, in the order Hugo looks for them."""
HUGO_CONFIG_DIR = Path("config") / "_default"
"""Hugo's configuration folder: a root file, and one file per top-level key (params.toml)."""
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"

# Hugo and browsers use region subtags; we want script subtags, which say what readers see.
_LANGUAGE_ALIASES = {
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zh-hant": "zh-Hant",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh": "zh-Hans",
}


Read = Callable[[Any], Any]
"""How a setting's value is read from site.toml: the value, or ValueError(message, fix)."""


def _text(value: Any) -> str:
    return str(value).strip()


def _url(example: str) -> Read:
    def read(value: Any) -> str:
        url = str(value).strip()
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            return url
        raise ValueError(f"{url!r} is not an absolute http(s) URL", f'write it like "{example}"')

    return read


def _base_url(value: Any) -> str:
    return normalize_base_url(_url("https://news.example.org/")(value))


def _zone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a known time zone",
            'use an IANA name such as "Asia/Shanghai"; UTC is used until then',
        ) from None


def _flag(value: Any) -> bool:
    return bool(value)


def flat_params(value: Any) -> tuple[tuple[str, str], ...]:
    """Hugo's ``[params]`` (or a page's front matter) flattened to dotted lower-case names
    (as Hugo reads them) with values as text: what the ``param`` shortcode shows."""
    found: list[tuple[str, str]] = []

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for key, item in table.items():
            name = f"{prefix}{str(key).lower()}"
            if isinstance(item, dict):
                walk(name + ".", item)
            elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                found.append((name, str(item)))

    walk("", value)
    return tuple(found)


def _language(value: Any) -> str:
    return normalize_language(str(value))


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(str(line) for line in value)


def _region(value: Any) -> str:
    region = str(value).strip().lower()
    if region in REGIONS:
        return region
    raise ValueError(f"{value!r} is not a region we convert for", 'write "tw", "hk" or ""')


REGIONS = ("", "tw", "hk")
"""The vocabularies script conversion knows: none (characters and common phrases),
Taiwan's, Hong Kong's."""


def _hosts(value: Any) -> tuple[str, ...]:
    return tuple(str(host).strip().lower() for host in value)


def _day(value: Any) -> datetime.date | None:
    # A TOML datetime is a date too; only its day counts.
    return value.date() if isinstance(value, datetime.datetime) else value


def _permalinks(value: Any) -> tuple[tuple[str, str], ...]:
    # Hugo's [permalinks] table: section name -> URL pattern; newer sites nest it under
    # "page" (regular pages), which is what old links name. A pattern under "page" is
    # the section page/'s own, as older sites write it.
    if not isinstance(value, dict):
        return ()
    nested = value.get("page")
    table = nested if isinstance(nested, dict) else value
    return tuple(
        (str(section), pattern) for section, pattern in table.items() if isinstance(pattern, str)
    )


DEFAULT_TAXONOMIES = (("tag", TAGS), ("category", "categories"))
"""Hugo's default taxonomies, singular and plural (the plural names the URL and the key)."""


def _taxonomies(value: Any) -> tuple[tuple[str, str], ...]:
    # Hugo's [taxonomies] table, singular -> plural; the plural is the front matter key and
    # the first URL segment, so it must be one plain segment that no route of ours takes.
    pairs = []
    for singular, plural in value.items():
        name = str(plural).strip()
        if not _TAXONOMY_NAME.fullmatch(name) or name in ROUTE_NAMES_TAKEN:
            raise ValueError(
                f"taxonomy {singular!r} = {plural!r} cannot be a URL segment of its own",
                'use a plain name such as series = "series" (letters, digits, "-" or "_")',
            )
        pairs.append((str(singular), name))
    if not any(plural == TAGS for _, plural in pairs):
        pairs.insert(0, ("tag", TAGS))  # keywords are ours: a site cannot turn them off
    return tuple(pairs)


_TAXONOMY_NAME = re.compile(r"[^\W_][\w-]{0,63}")
ROUTE_NAMES_TAKEN = frozenset(
    {
        "feeds",
        "api",
        "search",
        "settings",
        "page",
        "index.xml",
        "sitemap.xml",
        "_assets",
        "_img",
        "_preview",
        "zh-hans",
        "zh-hant",
        "pinyin",
    }
)
"""First URL segments the reader's own routes take: no taxonomy may be named so (checked
against the route table by a test)."""


MenuLink = tuple[str, str, str, int]
"""A configured menu entry: its text, its ``url`` or else its ``pageRef`` (a content path
such as ``/about``, as Hugo names a page), and its weight."""


def _menu(value: Any) -> tuple[MenuLink, ...]:
    # Hugo's [[menus.main]] entries; a child (with a parent) is not shown, the top level is.
    entries = []
    for raw in value:
        item = _lower_keys(raw)
        if not isinstance(item, dict) or item.get("parent"):
            continue
        url = str(item.get("url") or "").strip()
        page_ref = "" if url else str(item.get("pageref") or "").strip()
        # An entry shown as an icon has no name, only a title (its tooltip): the text here.
        name = " ".join(str(item.get("name") or item.get("title") or "").split())
        weight = item.get("weight", 0)
        if not isinstance(weight, int) or isinstance(weight, bool):
            weight = 0
        if url or page_ref:
            entries.append((name, url, page_ref, weight))
    return tuple(entries)


@dataclass(frozen=True)
class SiteLanguage:
    """One language of a multilingual site (Hugo's ``[languages.en]``)."""

    key: str
    """Its name in the config and in file names (``about.en.md``) and its URL prefix."""
    code: str
    """Its BCP 47 tag, as pages and feeds say it (``languageCode``, else the key)."""
    name: str = ""
    """Its own name for itself, for the switch between languages (``languageName``)."""
    weight: int = 0
    content_dir: str = ""
    """Its own content folder, relative to the site's (``contentDir``); "" to share
    ``content/``, telling its files apart by their suffix."""
    own: tuple[tuple[str, Any], ...] = ()
    """Its values of the settings a language may have its own of (``LANGUAGE_SETTINGS``):
    the site's, where its table gives none (filled in once all settings are read)."""


LANGUAGE_SETTINGS = ("title", "description", "copyright", "menu", "params")
"""The settings a language's table may give its own value, as in Hugo's ``[languages.en]``
(its title, ``params.description``, ``copyright``, ``[[menus.main]]`` and ``[params]``)."""


_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


def _languages(value: Any) -> tuple[SiteLanguage, ...]:
    # Hugo's [languages] table: key -> its settings; sorted by weight, then key.
    if not isinstance(value, dict):
        raise ValueError("must be a table of languages", "write [languages.en] and so on")
    found = []
    for key, raw in value.items():
        item = _lower_keys(raw) if isinstance(raw, dict) else {}
        name = str(key).strip().lower()
        if not _LANGUAGE_KEY.fullmatch(name) or item.get("disabled") is True:
            continue
        weight = item.get("weight", 0)
        content_dir = str(item.get("contentdir") or "").strip().strip("/")
        if content_dir and (Path(content_dir).is_absolute() or ".." in Path(content_dir).parts):
            raise ValueError(
                f"of {name!r} names a folder outside the site: {content_dir!r}",
                "give a folder inside the site, such as content/en",
            )
        found.append(
            SiteLanguage(
                name,
                normalize_language(str(item.get("languagecode") or item.get("locale") or name)),
                str(item.get("languagename") or item.get("label") or "").strip(),
                weight if isinstance(weight, int) and not isinstance(weight, bool) else 0,
                content_dir,
                _own_settings(item),
            )
        )
    return tuple(sorted(found, key=lambda language: (language.weight, language.key)))


def _own_settings(table: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    # A language's table names a setting as site.toml does or as Hugo does.
    own = []
    for f in SITE_SETTINGS:
        if f.name not in LANGUAGE_SETTINGS:
            continue
        for key in (f.name, *f.metadata["hugo"]):
            found = _looked_up(table, key)
            if _usable(found, f.metadata["toml"]):
                own.append((f.name, f.metadata["read"](found)))
                break
    return tuple(own)


def _looked_up(table: dict[str, Any], dotted: str) -> Any:
    found: Any = table
    for part in dotted.lower().split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found


def _usable(found: Any, wanted: type) -> bool:
    """Whether a value found in a config has a setting's TOML type (a bool is not a number,
    and an empty text is no value)."""
    if isinstance(found, int) and not isinstance(found, bool) and found < 1:
        return False  # Hugo's -1 means "no limit": our default stands
    return (
        isinstance(found, wanted)
        and (wanted is bool or not isinstance(found, bool))
        and found != ""
    )


def _at_least_one(value: Any) -> int:
    if value < 1:
        raise ValueError("must be at least 1", "set {key} = 20 or more")
    return int(value)


def setting(
    default: Any,
    toml: type,
    doc: str,
    *,
    read: Read = _text,
    hugo: tuple[str, ...] = (),
    shown: str | None = None,
    kind: str | None = None,
) -> Any:
    """Declare a site.toml setting: default, TOML type, reader, Hugo keys and documentation
    (``kind`` names the type in the docs when the TOML type alone would mislead)."""
    metadata = {"toml": toml, "doc": doc, "read": read, "hugo": hugo, "shown": shown}
    metadata["kind"] = kind
    if callable(default):
        return field(default_factory=default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one site; each site.toml setting is declared once here.

    A field made with ``setting`` is a key of site.toml, with its TOML type, how its value
    is read, the Hugo config keys it is taken from, and its documentation, from which the
    table in docs/store.md is made. The other fields come from the command line.
    """

    site_dir: Path
    title: str = setting(
        "News",
        str,
        "The site's name: page titles, the home heading, feed titles.",
        hugo=("title",),
    )
    base_url: str = setting(
        DEFAULT_BASE_URL,
        str,
        "The public address. Every absolute URL (canonical links, feeds, redirects) is built "
        "from it, never from a request's `Host` header.",
        read=_base_url,
        hugo=("baseURL", "baseurl"),
        shown="`http://HOST:PORT/` of `reader serve`",
    )
    language: str = setting(
        "en",
        str,
        "The site's language as a BCP 47 tag. Use `zh-Hant` or `zh-Hans` for Chinese; `zh-TW`, "
        "`zh-HK` and `zh-CN` are read as those. Interface labels exist for `zh-Hant`, "
        "`zh-Hans` and `en`.",
        read=_language,
        hugo=("languageCode", "locale"),
    )
    timezone: ZoneInfo = setting(
        lambda: ZoneInfo("UTC"),
        str,
        "An IANA zone such as `Asia/Shanghai`. A date written without a zone is in this zone.",
        read=_zone,
        hugo=("timeZone",),
        shown='`"UTC"`',
    )
    description: str = setting(
        "",
        str,
        "A line about the site; the description of the site-wide feeds.",
        hugo=("params.description",),
    )
    footer: tuple[str, ...] = setting(
        (),
        list,
        "Lines for the page footer, such as licence and registration numbers.",
        read=_lines,
    )
    copyright: str = setting(
        "",
        str,
        "Shown in the footer; the rights statement of every feed (RSS `<copyright>`, Atom "
        "`<rights>`) and the partner API's `copyrightnotice`.",
        hugo=("copyright",),
    )
    license: str = setting(
        "",
        str,
        "The URL of the licence articles are published under (such as "
        '`https://creativecommons.org/licenses/by/4.0/`): `rel="license"` on pages and in '
        "feeds (RFC 4946), `rightsinfo` in the partner API.",
        read=_url("https://creativecommons.org/licenses/by/4.0/"),
    )
    license_name: str = setting(
        "", str, "The licence's short name (`CC BY 4.0`), the link text in the footer."
    )
    usage_terms: str = setting(
        "", str, "What partners may do with an article, in words; the partner API's `usageterms`."
    )
    hub: str = setting(
        "",
        str,
        'A WebSub hub. When set, every feed names it (`rel="hub"`) and the server tells it '
        "which feeds changed after each edit (see docs/feeds.md).",
        read=_url("https://pubsubhubbub.appspot.com/"),
    )
    link_allowlist: tuple[str, ...] = setting(
        (),
        list,
        "Hosts (and their subdomains) whose links in article bodies are passed on as they are. "
        'Every other outbound link gets `rel="nofollow noopener"`, so a spam link slipped '
        "into an article gives its target no credit. The site's own host is always trusted.",
        read=_hosts,
    )
    contact: str = setting("", str, "Shown in the footer.")
    feed_length: int = setting(
        50,
        int,
        "How many entries a subscription feed holds.",
        read=_at_least_one,
        hugo=("services.rss.limit", "rssLimit"),
    )
    page_size: int = setting(
        20,
        int,
        "How many articles a section or tag page lists before paginating.",
        read=_at_least_one,
        hugo=("pagination.pagerSize", "paginate"),
    )
    featured_days: int = setting(
        2,
        int,
        "How many days an article marked `featured: true` leads the front page, unless its "
        "`featured_until` says otherwise.",
        read=_at_least_one,
    )
    cache_mb: int = setting(
        256,
        int,
        "Memory, in MB, for rendered pages, feeds and article bodies, kept per snapshot. The "
        "least recently used go first when it is full, so a store of any size fits; a page "
        "that was let go is rendered again when next asked for. A multilingual site shares "
        "it out equally among its languages.",
        read=_at_least_one,
    )
    id_authority: str = setting(
        "",
        str,
        "The authority of `tag:` entry ids (see *Entry ids*). Set it once and keep it "
        "if the site may ever move to another domain.",
        shown="the host of `base_url`",
    )
    permalinks: tuple[tuple[str, str], ...] = setting(
        (),
        dict,
        "The URL patterns a Hugo site published its articles under, by top-level section "
        '(`posts = "/:year/:month/:slug/"`). Articles keep the reader\'s own URLs; each old '
        "address redirects to its article. Read from a Hugo config's `[permalinks]` too.",
        read=_permalinks,
        hugo=("permalinks",),
        shown="none",
    )
    taxonomies: tuple[tuple[str, str], ...] = setting(
        DEFAULT_TAXONOMIES,
        dict,
        "The site's taxonomies as Hugo declares them, singular to plural "
        '(`category = "categories"`, `series = "series"`). Each plural is a front matter key '
        "and has its pages (`/categories/`, `/categories/local/`) and feeds. Keywords "
        "(`tags`) are always one of them. Read from a Hugo config's `[taxonomies]` too.",
        read=_taxonomies,
        hugo=("taxonomies",),
        shown='`tag = "tags"`, `category = "categories"`',
    )
    menu: tuple[MenuLink, ...] = setting(
        (),
        list,
        "The main menu, shown at the top of every page: a list of tables, each with `name`, "
        "`weight` and either `url` (`/about/`, or an `https://` address) or `pageRef` (a "
        'content path such as `"/about"`, Hugo\'s). Pages with `menu: main` in their front '
        "matter join it. Read from a Hugo config's `[[menus.main]]` too.",
        read=_menu,
        hugo=("menus.main", "menu.main"),
        shown="none",
        kind="list of tables",
    )
    params: tuple[tuple[str, str], ...] = setting(
        (),
        dict,
        'Values Hugo\'s `param` shortcode shows (`{{< param "author.name" >}}`) when the '
        "page's front matter has none by that name. Read from a Hugo config's `[params]`.",
        read=flat_params,
        hugo=("params",),
        shown="none",
    )
    typographer: bool = setting(
        True,
        bool,
        'Curly quotes ("a" as “a”), dashes (`--` as –, `---` as —) and an ellipsis (`...` as '
        "…) in article bodies, as Hugo's Goldmark makes them by default; never in code. "
        "Read from a Hugo config's `markup.goldmark.extensions.typographer` too.",
        read=_flag,
    )
    capitalize_titles: bool = setting(
        True,
        bool,
        "A section without a title of its own is named by its folder, with its first letter "
        "capitalized (`posts`: Posts), as Hugo names it; `false` keeps the folder's name as "
        "written. Hugo's `capitalizeListTitles`.",
        read=_flag,
        hugo=("capitalizeListTitles",),
    )
    emoji: bool = setting(
        False,
        bool,
        "Emoji shortcodes in bodies (`:smile:` as 😄), never in code. Hugo's `enableEmoji`.",
        read=_flag,
        hugo=("enableEmoji",),
    )
    math_dollars: bool = setting(
        False,
        bool,
        "Read `$x$` in bodies as inline math, as Hugo does when a site's passthrough "
        "delimiters include single dollars (`$5 and $6` stays text). `\\( \\)`, "
        "`\\[ \\]` and `$$` are always math. Read from a Hugo config's "
        "`markup.goldmark.extensions.passthrough` too.",
        read=_flag,
    )
    ugly_urls: bool = setting(
        False,
        bool,
        "Hugo's `uglyURLs`: the site published pages as `/posts/harbour.html` rather than "
        "`/posts/harbour/`. Those addresses (sections' too) redirect to the reader's.",
        read=_flag,
        hugo=("uglyURLs",),
    )
    tag_ids_before: datetime.date | None = setting(
        None,
        datetime.date,
        "Articles dated before this day (a TOML date, `2026-12-01`, in the site's zone) keep "
        "the `tag:` entry ids that earlier versions of the reader derived, so subscribers do not "
        "see them again (see *Entry ids*). Leave it out on a new site.",
        read=_day,
        shown="none",
    )
    search_url: str = setting(
        "",
        str,
        "Where the header's search form sends queries in a static export (`reader build`), "
        "which has no server to answer `/search`: a search service's URL that takes `q=`. "
        "Without it, exported pages have no search form; `reader serve` always answers "
        "`/search` itself.",
        read=_url("https://search.example.org/"),
        shown="none",
    )
    script_variants: bool = setting(
        True,
        bool,
        "A Chinese site also serves every page and feed in the other script, converted "
        "with OpenCC, under `/zh-hans/` or `/zh-hant/` (see docs/languages.md).",
        read=_flag,
    )
    region: str = setting(
        "",
        str,
        "Converting between scripts, use the vocabulary of Taiwan (`tw`: 軟體, 網路) or "
        "Hong Kong (`hk`) on the Traditional side, and of the mainland on the Simplified "
        "side; empty converts characters and common phrases only.",
        read=_region,
        shown='`""`',
    )
    glossary: tuple[str, ...] = setting(
        (),
        list,
        "Names never converted between scripts (a person's or a company's own spelling): "
        '`glossary = ["乾隆", "台積電"]`.',
        read=_lines,
        shown="`[]`",
    )
    languages: tuple[SiteLanguage, ...] = setting(
        (),
        dict,
        "A multilingual site's languages, as Hugo's `[languages]` table: `[languages.en]` with "
        "`languageCode`, `languageName`, `weight`, `contentDir`, and its own `title`, "
        "`description`, `copyright`, `menu` and `params` if not the site's. Each language is "
        "served under `/KEY/` (the default one at the root), from its own `contentDir` or from "
        "the files named for it (`about.en.md`); see docs/languages.md.",
        read=_languages,
        hugo=("languages",),
        shown="none",
    )
    default_language: str = setting(
        "",
        str,
        "The key of the language served at the site's root (Hugo's "
        "`defaultContentLanguage`); the first of `languages` by weight when not given.",
        read=lambda value: str(value).strip().lower(),
        hugo=("defaultContentLanguage",),
        shown="the first language",
    )
    language_key: str = ""
    """The language of a multilingual site these settings render ("" for a site with one)."""
    variant_of: str = ""
    """The language of the original when these settings render its script variant."""
    ruby: bool = False
    """These settings render the pinyin reading aid."""
    base_url_configured: bool = False
    """Whether ``base_url`` came from site.toml or the command line, not the default."""
    watch: bool = True
    """Reload when files change (``reader serve --no-watch`` turns it off)."""
    exporting: bool = False
    """Pages are written for a static host (``reader build``): nothing answers a query."""
    preview: bool = False
    """Editors' preview: visible markers for what needs fixing (never unpublished articles)."""
    preview_secret: str = field(default="", repr=False)
    """Signs preview links (``READER_PREVIEW_SECRET``); without it, no preview link works."""

    @property
    def content_dir(self) -> Path:
        """The folder of sections and articles (a language's own, if it has one)."""
        own = self.site_language
        return self.site_dir / (own.content_dir if own and own.content_dir else "content")

    @property
    def site_language(self) -> SiteLanguage | None:
        """The language of a multilingual site these settings render (its root language's
        unless they name another), if the site has several."""
        key = self.language_key or self.root_language
        return next((lang for lang in self.languages if lang.key == key), None)

    @property
    def root_language(self) -> str:
        """The key of the language served at the site's root ("" for a site with one)."""
        keys = [language.key for language in self.languages]
        if len(keys) < 2:
            return ""
        return self.default_language if self.default_language in keys else keys[0]

    @property
    def static_dir(self) -> Path:
        """The site's own static files, served from the site root (as Hugo does)."""
        return self.site_dir / "static"

    @property
    def templates_dir(self) -> Path:
        """Templates here override the bundled theme's, file by file."""
        return self.site_dir / "templates"

    @property
    def body_cache_bytes(self) -> int:
        """A quarter of ``cache_mb`` keeps rendered article bodies, shared by pages and feeds."""
        return self.cache_mb * 1024 * 1024 // 4

    @property
    def response_cache_bytes(self) -> int:
        """The rest of ``cache_mb`` keeps finished responses (and their compressed forms)."""
        return self.cache_mb * 1024 * 1024 - self.body_cache_bytes

    @property
    def authority(self) -> str:
        """The tag-URI authority for entry ids: configured, else the base URL's host."""
        return self.id_authority or (urlsplit(self.base_url).hostname or "localhost")

    @property
    def base_path(self) -> str:
        """The path of ``base_url`` without its final slash, percent-encoded as links spell
        it: ``/news``, or "" at the host's root."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def taxonomy_names(self) -> tuple[str, ...]:
        """The plural names of the site's taxonomies, keywords (``tags``) first."""
        return (TAGS, *(plural for _, plural in self.taxonomies if plural != TAGS))

    @property
    def trusted_hosts(self) -> frozenset[str]:
        """Hosts whose links in content keep their search-engine credit: ours and the allowlist."""
        own = urlsplit(self.base_url).hostname or ""
        return frozenset({own, *self.link_allowlist} - {""})


SITE_SETTINGS: tuple[Field[Any], ...] = tuple(f for f in fields(Settings) if "toml" in f.metadata)
"""The settings site.toml may hold, in the order they are declared."""
SITE_KEYS: Mapping[str, type] = {f.name: f.metadata["toml"] for f in SITE_SETTINGS}
"""Each site.toml key and the TOML type its value must have."""
_TYPE_NAMES = {
    bool: "boolean",
    str: "string",
    int: "integer",
    list: "list of strings",
    datetime.date: "date",
    dict: "table",
}


def settings_table() -> str:
    """The site.toml table of docs/store.md, made from the declarations above."""
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for f in SITE_SETTINGS:
        shown = f.metadata["shown"] or _shown_default(f.default)
        kind = f.metadata["kind"] or _TYPE_NAMES[f.metadata["toml"]]
        rows.append(f"| `{f.name}` | {kind} | {shown} | {f.metadata['doc']} |")
    return "\n".join(rows) + "\n"


def _shown_default(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, tuple):
        return "`[]`"
    return f"`{value}`"


def normalize_language(tag: str) -> str:
    """Return a BCP 47 tag with a script subtag for Chinese (zh-TW becomes zh-Hant)."""
    cleaned = tag.strip().replace("_", "-")
    return _LANGUAGE_ALIASES.get(cleaned.lower(), cleaned)


def normalize_base_url(url: str) -> str:
    """Return the base URL with its path percent-encoded (a URL, not an IRI: sitemaps and
    feeds want one) and exactly one trailing slash."""
    parts = urlsplit(url.rstrip("/") + "/")
    return parts._replace(path=quote(unquote(parts.path), safe="/")).geturl()


def load_settings(site_dir: Path, *, base_url: str | None = None) -> tuple[Settings, list[Problem]]:
    """Read site.toml, or a Hugo config when there is none; problems never stop the site."""
    site_dir = site_dir.resolve()
    problems: list[Problem] = []
    site_file = site_dir / SITE_FILE
    if site_file.is_file():
        raw = _read_toml(site_file, problems)
        values = _site_values(raw, site_file, problems)
    else:
        raw = _read_hugo_config(site_dir, problems)
        values = _hugo_values(raw)
        site_file = _hugo_config_path(site_dir)  # where a setting's problem is
        try:
            if "base_url" in values:
                _base_url(values["base_url"])  # as site.toml's is read
        except ValueError:
            # As Hugo allows ("/" on a site served from several hosts); a feed cannot.
            written = str(values.pop("base_url")).strip()
            problems.append(
                Problem(
                    site_file,
                    None,
                    f"baseURL {written!r} is not an absolute http(s) address, so it is not "
                    "used: feeds, sitemaps and canonical links name the server's own address",
                    "set baseURL to the site's public address, or pass "
                    "--base-url https://news.example.org/",
                    Severity.WARNING,
                )
            )
        unused = sorted(set(raw) - _HUGO_KEYS_READ)
        if unused:
            problems.append(
                Problem(
                    site_file,
                    None,
                    f"{len(unused)} Hugo setting(s) are not used here: {', '.join(unused)}",
                    "nothing: docs/hugo.md says what each Hugo feature becomes",
                    Severity.NOTE,
                )
            )
    settings = _build(site_dir, values, problems, site_file)
    if base_url:
        settings = replace(
            settings, base_url=normalize_base_url(base_url), base_url_configured=True
        )
    return settings, problems


def _hugo_config_path(site_dir: Path) -> Path:
    """The Hugo config file a site has (its folder, when it has only that)."""
    found = next((site_dir / name for name in HUGO_FILES if (site_dir / name).is_file()), None)
    return found or site_dir / HUGO_CONFIG_DIR


def _read_hugo_config(site_dir: Path, problems: list[Problem]) -> dict[str, Any]:
    """Hugo's configuration, merged as Hugo merges it, with every key in lower case
    (Hugo's keys are case-insensitive: ``baseURL`` is ``baseurl``)."""
    merged: dict[str, Any] = {}
    per_language: list[tuple[str, str, dict[str, Any]]] = []
    folder = site_dir / HUGO_CONFIG_DIR
    if folder.is_dir():
        for file in sorted(folder.iterdir()):
            stem = file.stem.lower()
            if file.suffix.lower() in (".toml", ".yaml", ".yml", ".json") and file.is_file():
                content = _read_config_file(file, problems)
                key, _, language = stem.partition(".")
                if stem in ("hugo", "config"):
                    merged = {**content, **merged}
                elif language:  # menus.en.toml: the menus of the language en
                    per_language.append((language, key, content))
                else:
                    merged[stem] = content
    for name in HUGO_FILES:
        file = site_dir / name
        if file.is_file():
            merged = {**merged, **_read_config_file(file, problems)}
            break
    lowered: dict[str, Any] = _lower_keys(merged)
    _fold_languages(lowered, [(lang, key, _lower_keys(c)) for lang, key, c in per_language])
    return lowered


_ONE_LANGUAGES_OWN = frozenset({"title", "copyright", "params", "menus", "menu", "timezone"})
"""What a site's only language gives the site, as Hugo reads it from ``[languages.zh-cn]``."""


def _fold_languages(config: dict[str, Any], per_language: list[tuple[str, str, Any]]) -> None:
    """Hugo's languages as its config folder and its newer keys give them: a language's own
    table in ``languages.zh-cn.toml`` or ``hugo.zh-cn.toml`` (DoIt's example site), its
    menus in ``menus.zh-cn.toml``; the languages of ``disableLanguages`` taken out (never
    the default); a site left with one language is a site in that language (its ``locale``
    or ``languageCode``, its title, menus...), and one with none is in its
    ``defaultContentLanguage`` when it names no ``languageCode``."""
    found = config.get("languages")
    languages: dict[str, Any] = dict(found) if isinstance(found, dict) else {}
    tables = ("languages", "hugo", "config")  # hugo.zh-cn.toml: a language's own table too
    for language, key, content in sorted(per_language, key=lambda item: item[1] not in tables):
        own = languages.get(language)
        if key in tables and isinstance(content, dict):
            languages[language] = {**(own if isinstance(own, dict) else {}), **content}
        elif isinstance(own, dict):  # a file for a language the site has not is not read
            own[key] = content
    default = str(config.get("defaultcontentlanguage") or "").strip().lower()
    off = config.get("disablelanguages")
    disabled = {str(name).lower() for name in off} if isinstance(off, list) else set()
    languages = {k: v for k, v in languages.items() if k.lower() not in disabled - {default}}
    config.pop("languages", None)
    if len(languages) > 1:
        config["languages"] = languages
        return
    for key, table in languages.items():
        own = table if isinstance(table, dict) else {}
        for name, value in own.items():
            if name == "params" and isinstance(value, dict):
                params = config.get("params")
                config["params"] = {**(params if isinstance(params, dict) else {}), **value}
            elif name in _ONE_LANGUAGES_OWN:
                config[name] = value
        code = own.get("languagecode") or own.get("locale")
        if code or not (config.get("languagecode") or config.get("locale")):
            config["languagecode"] = code or key
    if not languages and default and not (config.get("languagecode") or config.get("locale")):
        config["languagecode"] = default


def _read_config_file(path: Path, problems: list[Problem]) -> dict[str, Any]:
    if path.suffix.lower() == ".toml":
        return _read_toml(path, problems)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml  # only a Hugo site with a YAML configuration needs it

            data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        problems.append(Problem(path, None, f"cannot read the file ({error})", "correct it"))
        return {}
    except Exception as error:  # PyYAML's errors, whose line it names
        problems.append(Problem(path, None, f"invalid YAML: {error}", "correct the syntax"))
        return {}
    return data if isinstance(data, dict) else {}


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path, None, f"cannot read the file ({error})", "save it as UTF-8"))
    except tomllib.TOMLDecodeError as error:
        problems.append(
            Problem(
                path,
                _toml_error_line(error),
                f"invalid TOML: {error}",
                "correct the syntax; defaults are used until then",
            )
        )
    return {}


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    text = str(error)
    marker = "(at line "
    if marker in text:
        digits = text.split(marker, 1)[1].split(",", 1)[0]
        if digits.isascii() and digits.isdigit():
            return int(digits)
    return None


def _site_values(raw: dict[str, Any], path: Path, problems: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = SITE_KEYS.get(key)
        if expected is None:
            problems.append(
                Problem(
                    path,
                    None,
                    f"unknown setting {key!r}",
                    f"remove it, or use one of: {', '.join(SITE_KEYS)}",
                    Severity.WARNING,
                )
            )
        elif not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            kind = _TYPE_NAMES[expected]
            problems.append(
                Problem(
                    path,
                    None,
                    f"setting {key!r} must be a {kind}, not {type(value).__name__}",
                    f"write {key} as a TOML {kind}",
                )
            )
        else:
            values[key] = value
    return values


def _hugo_values(raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    # Goldmark's typographer is on unless turned off: "typographer = false" in older
    # configs, "[...typographer] disable = true" in newer ones.
    typographer: Any = raw
    for part in ("markup", "goldmark", "extensions", "typographer"):
        typographer = typographer.get(part) if isinstance(typographer, dict) else None
    if typographer is False or (
        isinstance(typographer, dict) and typographer.get("disable") is True
    ):
        values["typographer"] = False
    passthrough: Any = raw
    for part in ("markup", "goldmark", "extensions", "passthrough"):
        passthrough = passthrough.get(part) if isinstance(passthrough, dict) else None
    if isinstance(passthrough, dict) and passthrough.get("enable") is True:
        delimiters = passthrough.get("delimiters")
        inline = delimiters.get("inline") if isinstance(delimiters, dict) else None
        if isinstance(inline, list) and ["$", "$"] in inline:
            values["math_dollars"] = True
    for f in SITE_SETTINGS:
        for hugo_key in f.metadata["hugo"]:
            found = _looked_up(raw, hugo_key)
            if _usable(found, f.metadata["toml"]) and f.name not in values:
                values[f.name] = found
    return values


_HUGO_KEYS_READ = frozenset(
    {key.split(".")[0].lower() for f in fields(Settings) for key in f.metadata.get("hugo", ())}
    | {"markup", "disablelanguages"}
)
"""Hugo's top-level config keys something here reads (of markup: the typographer)."""


def _build(site_dir: Path, values: dict[str, Any], problems: list[Problem], path: Path) -> Settings:
    kwargs: dict[str, Any] = {}
    for f in SITE_SETTINGS:
        if f.name not in values:
            continue
        try:
            kwargs[f.name] = f.metadata["read"](values[f.name])
        except ValueError as error:
            message, fix = error.args if len(error.args) == 2 else (str(error), "correct it")
            problems.append(Problem(path, None, f"{f.name} {message}", fix.format(key=f.name)))
    if "base_url" in kwargs:
        kwargs["base_url_configured"] = True
    if "languages" in kwargs:
        kwargs["languages"] = _with_site_values(kwargs["languages"], kwargs)
    return Settings(site_dir=site_dir, **kwargs)


def _with_site_values(
    languages: tuple[SiteLanguage, ...], site: dict[str, Any]
) -> tuple[SiteLanguage, ...]:
    """Each language's own settings completed with the site's, so that any language's
    settings can be made from any other's; its params are the site's, its own added over
    them, as Hugo merges them."""
    defaults = {f.name: f.default for f in SITE_SETTINGS if f.name in LANGUAGE_SETTINGS}
    completed = []
    for language in languages:
        own = dict(language.own)
        values = {
            name: own.get(name, site.get(name, default)) for name, default in defaults.items()
        }
        values["params"] = tuple(
            {**dict(site.get("params", ())), **dict(own.get("params", ()))}.items()
        )
        completed.append(replace(language, own=tuple(values.items())))
    return tuple(completed)
