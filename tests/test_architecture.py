"""Guards on the shape of the code: documented settings, and layers that only import down."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from reader.article import FIELDS, front_matter_table
from reader.config import ROUTE_NAMES_TAKEN, SITE_KEYS, settings_table
from reader.headers import ERROR_CACHE_CONTROL, POLICIES
from reader.urls import RESERVED_TOP_LEVEL

ROOT = Path(__file__).parent.parent
STORE_DOC = (ROOT / "docs/store.md").read_text(encoding="utf-8")
FEEDS_DOC = (ROOT / "docs/feeds.md").read_text(encoding="utf-8")

# Lowest first. A module may import only from its own layer or a lower one.
LAYERS: list[set[str]] = [
    {"reader.model", "reader.lru", "reader.memory", "reader.jsontext", "reader.preview"},
    {"reader.pacing"},
    {"reader.reads"},
    {"reader.accesslog"},
    {"reader.prefix", "reader.searchtext", "reader.scripts", "reader.searchstore"},
    {"reader.ruby", "reader.hygiene"},
    {"reader.encodings"},
    {"reader.config", "reader.dates", "reader.frontmatter", "reader.i18n", "reader.reading"},
    {"reader.urls"},
    {"reader.languages"},
    {"reader.markdown", "reader.images", "reader.renditions"},
    {"reader.parsing", "reader.article"},
    {"reader.bodies", "reader.tidy"},
    {"reader.parsecache"},
    {"reader.loader"},
    {"reader.store", "reader.index"},
    {"reader.load", "reader.filecheck", "reader.search", "reader.buildrecord", "reader.keptbodies"},
    {"feeds.cache", "feeds.xml"},
    {"reader.presentation"},
    {"feeds.scope"},
    {"feeds.jsonfeed"},
    {"feeds", "feeds.build", "feeds.opml", "reader.sitemap", "reader.api", "reader.oembed"},
    {"reader.templating", "reader.headers", "reader.rendered", "reader.pages"},
    {"reader.variants"},
    {"reader.limits"},
    {"reader.negotiation"},
    {"reader.connections"},
    {"reader.caches", "reader.views"},
    {"reader.responses"},
    {"reader.endpoints"},
    {"reader.live", "reader.websub"},
    {"reader.site"},
    {"reader.app"},
    {"reader.export"},
    {"reader.cli", "reader.__main__"},
]


def documented(name: str) -> bool:
    return f"`{name}`" in STORE_DOC


def test_the_settings_table_in_the_docs_is_the_declared_one() -> None:
    # Each setting is declared once, in reader/config.py; the docs' table is made from it.
    assert settings_table() in STORE_DOC, "paste reader.config.settings_table() into docs/store.md"
    assert all(f"| `{key}` |" in settings_table() for key in SITE_KEYS)


def test_every_caching_policy_is_documented() -> None:
    policies = {p.cache_control for p in POLICIES.values()} | {ERROR_CACHE_CONTROL}
    missing = sorted(p for p in policies if f"`{p}`" not in FEEDS_DOC)
    assert not missing, f"document these Cache-Control values in docs/feeds.md: {missing}"


def test_top_level_words_of_our_urls_are_reserved_for_them() -> None:
    assert {
        "feeds",
        "_assets",
        "_img",
        "page",
        "settings",
        "api",
        "_preview",
        "search",
        "zh-hans",
        "zh-hant",
        "pinyin",
    } == RESERVED_TOP_LEVEL
    # A taxonomy is a first segment too; the config refuses the words our routes take.
    assert RESERVED_TOP_LEVEL <= ROUTE_NAMES_TAKEN


def test_the_front_matter_table_in_the_docs_is_the_declared_one() -> None:
    # Each field is declared once, in reader/article.py, which reads front matter only
    # through the declarations; the docs' table is made from them.
    assert front_matter_table() in STORE_DOC, (
        "paste reader.article.front_matter_table() into docs/store.md"
    )


def test_front_matter_is_read_only_through_its_declared_fields() -> None:
    source = (ROOT / "reader/article.py").read_text(encoding="utf-8")
    declared = {name for field in FIELDS for name in field.names}
    # The one place a spelling is read directly: the first of Hugo's list of images.
    read = set(re.findall(r'meta\.get\("(\w+)"\)', source)) - {"image", "images"}
    assert read <= declared and not read - declared


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if name in layer:
            return index
    return None


def test_lower_layers_never_import_higher_ones() -> None:
    violations = []
    for path in sorted([*(ROOT / "reader").glob("*.py"), *(ROOT / "feeds").glob("*.py")]):
        name = module_name(path)
        if name == "reader":
            continue
        own = layer_of(name)
        assert own is not None, f"add {name} to LAYERS in {__file__}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = node.module
            elif isinstance(node, ast.Import):
                imported = node.names[0].name
            else:
                continue
            target = layer_of(imported)
            if target is not None and target > own:
                violations.append(f"{name} imports {imported}")
    assert not violations, violations


def test_only_feeds_imports_feedgen() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.joinpath("reader").rglob("*.py")
        if "feedgen" in path.read_text(encoding="utf-8")
    ]
    assert not offenders
