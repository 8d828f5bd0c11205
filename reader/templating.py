"""The Jinja2 environment: the bundled theme, overridable file by file by the site's templates."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context

from reader.config import Settings
from reader.prefix import prefixed_html


def theme_dir() -> Path:
    """The bundled theme: inside the installed package, or the checkout's templates/ folder."""
    packaged = Path(__file__).parent / "theme"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def asset_dirs(settings: Settings) -> tuple[Path, ...]:
    """Where theme assets are looked up, the site's own first."""
    return (settings.templates_dir / "static", theme_dir() / "static")


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, where a disk that refuses to read or write (a
    full disk) costs time only: the template is compiled, and the page served."""

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill ``bucket`` from its file, if it can be read."""
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep ``bucket`` in its file, if it can be written."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def make_environment(settings: Settings, compiled: Path | None = None) -> Environment:
    """A template environment for one site; strict, so a missing value fails loudly in tests.

    ``compiled`` is a folder of the reader's own cache where templates are kept compiled
    for the next process: compiling the eight an article's feeds and pages need took
    0.04 s of a one-article rebuild, in each of its workers. A template whose source
    changed is compiled again (Jinja checks the source's digest).
    """
    cache = None
    if compiled is not None:
        folder = compiled / _compiler_digest()
        with contextlib.suppress(OSError):  # no cache costs only time
            folder.mkdir(parents=True, exist_ok=True)
            cache = _CompiledTemplates(os.fspath(folder))
    environment = Environment(
        bytecode_cache=cache,
        loader=ChoiceLoader(
            [FileSystemLoader(settings.templates_dir), FileSystemLoader(theme_dir())]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # A site that is not watched does not follow its files: each template is read once,
        # which keeps every page of a run on one theme and spares a stat per page.
        auto_reload=settings.watch,
        extensions=["jinja2.ext.i18n"],
    )
    # Interface words come from the gettext catalogues of the page's language (its
    # ``chrome.labels``), through Jinja's i18n extension: ``{{ _("skip") }}``.
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_page_gettext, ngettext=_page_ngettext, newstyle=True
    )
    environment.globals[BASE_PATH] = settings.base_path
    return environment


def _compiler_digest() -> str:
    """What compiled templates depend on besides their source: Jinja's version and this
    module (the environment's options), so an upgrade never loads code compiled before."""
    digest = hashlib.sha256(jinja2.__version__.encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


@pass_context
def _page_gettext(context: Context, message: str) -> str:
    """A message in the language of the page being rendered."""
    return str(context["chrome"].labels[message])


@pass_context
def _page_ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    """Our messages have no plural forms (Chinese has none; the English reads either way)."""
    return _page_gettext(context, singular if count == 1 else plural)


BASE_PATH = "base_path"
"""The global holding the path the site is served under ("" at the host's root)."""


def render(environment: Environment, name: str, context: dict[str, Any]) -> bytes:
    """Render one template to UTF-8 bytes, its links under the site's base path."""
    html = environment.get_template(name).render(context)
    return prefixed_html(html, str(environment.globals[BASE_PATH])).encode("utf-8")
