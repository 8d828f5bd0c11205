"""Article bodies as finished HTML, rendered from their files when first asked for.

Bodies are the bulk of a store, so the snapshot holds none: it asks here, and the most
recently used bodies are kept under a size bound. A body is keyed by its file's version,
so a cached body is never served for a file that has since changed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path

from reader.config import Settings, flat_params
from reader.frontmatter import FrontMatterError, lenient_body, parse_document
from reader.i18n import Labels
from reader.images import finish_images, local_file
from reader.lru import SizedLRU
from reader.markdown import (
    PARAM_SHORTCODE,
    RenderedBody,
    mark_outbound_links,
    render_markdown,
    sanitize,
)
from reader.model import Article
from reader.parsing import SourceError, read_source

log = logging.getLogger("reader")

BodyKey = tuple[str, tuple[int, int]]
"""An article's file and that file's version (``Article.stamp``): what a body is kept by."""


def render_body(
    settings: Settings,
    text: str,
    *,
    path: Path,
    first_line: int,
    bundle: Path | None,
    lead_image: bool,
    lang: str,
    params: Mapping[str, str] | None = None,
) -> RenderedBody:
    """Markdown to safe HTML with outbound links marked and images sized; and its problems."""
    body = render_markdown(
        text,
        path=path,
        first_line=first_line,
        content_root=settings.content_dir,
        typographer=settings.typographer,
        emoji=settings.emoji,
        params=params,
        dollars=settings.math_dollars,
        allowed_hosts=settings.trusted_hosts,
    )
    missing = Labels(lang or settings.language)["missing_alt"] if settings.preview else ""
    finished = finish_images(
        mark_outbound_links(body.html, settings.trusted_hosts),
        lambda src: local_file(src, bundle, settings.static_dir),
        eager_first=not lead_image,
        missing_alt=missing,
    )
    # The two passes above edit sanitised HTML with regular expressions; the final HTML is
    # sanitised again, so whatever they might make of a crafted attribute never runs.
    return RenderedBody(sanitize(finished), body.problems, body.follows_files)


class BodyRenderer:
    """Renders bodies on demand and keeps the recently used ones within ``max_bytes``."""

    def __init__(self, settings: Settings, max_bytes: int) -> None:
        self.settings = settings
        self.cache: SizedLRU[str] = SizedLRU(max_bytes)
        """Finished bodies by (file, file version, images' version); a build's workers hand
        theirs on."""
        self._images = 0
        self._files = 0
        """Counts changes to which content files there are: a body that links another
        content file is kept under it too (``files_changed``)."""
        self._following: dict[str, tuple[int, int]] = {}
        """The files whose body, at that version, links other content files."""
        self.renders = 0
        """How many bodies were rendered (the rest came from the cache)."""
        self.fresh: dict[BodyKey, str] | None = None
        """Set by a build: every body rendered since from its file as the article's
        version has it, and linking no other content file, for the build to keep
        (``reader.keptbodies``)."""

    def images_changed(self) -> None:
        """Render every body again when next asked: an image it shows may have a new size.

        A counter in the key rather than emptying the cache, so that a body being rendered
        from the old image meanwhile is stored where it is never found.
        """
        self._images += 1

    def files_changed(self) -> None:
        """Render again, when next asked, every body that links another content file: that
        file may be gone, or a file it names may have come."""
        self._files += 1

    def follows_files(self, article: Article) -> bool:
        """Whether the article's body, as rendered, links other content files (and so
        depends on which there are)."""
        return self._following.get(article.file) == article.stamp

    def html(self, article: Article) -> str:
        """The article's body as finished HTML."""
        key: tuple[object, ...] = (article.file, article.stamp, self._images)
        cached = self.cache.get(key)
        if cached is None and self.follows_files(article):
            cached = self.cache.get((*key, self._files))
        if cached is not None:
            return cached
        text, as_versioned = self._source(article)
        if text is None:
            return ""
        params = self._params(article) if PARAM_SHORTCODE.search(text) else None
        body = render_body(
            self.settings,
            text,
            path=article.source_path,
            first_line=article.body_line,
            bundle=article.bundle_dir,
            lead_image=bool(article.image),
            lang=article.lang,
            params=params,
        )
        rendered = body.html
        self.renders += 1
        # A body that links other content files is kept only while they stay as they are,
        # and never for the next build, which knows a body by its own file alone.
        if body.follows_files:
            self._following[article.file] = article.stamp
            key = (*key, self._files)
        else:
            self._following.pop(article.file, None)
            if self.fresh is not None and as_versioned and not self._images:
                self.fresh[article.file, article.stamp] = rendered
        self.cache.put(key, rendered, sys.getsizeof(rendered))
        return rendered

    def adopt(
        self, bodies: Mapping[BodyKey, str], following: Mapping[str, tuple[int, int]] | None = None
    ) -> None:
        """Take finished bodies (kept by an earlier build of the same site and code, or
        rendered by a build's worker) as if rendered here; and which files' bodies link
        other content files (``following``, from a worker), as if found here."""
        for (file, stamp), html in bodies.items():
            self.cache.put((file, stamp, self._images), html, sys.getsizeof(html))
        self._following.update(following or {})

    def following(self) -> dict[str, tuple[int, int]]:
        """The files whose bodies, as rendered here, link other content files."""
        return dict(self._following)

    def take_fresh(self) -> dict[BodyKey, str]:
        """The bodies rendered since ``fresh`` was set or last taken (none unless set)."""
        taken = self.fresh or {}
        if self.fresh is not None:
            self.fresh = {}
        return taken

    def _params(self, article: Article) -> Mapping[str, str]:
        """What the ``param`` shortcode may show: the page's front matter (top level and
        its ``params``), then the site's ``[params]``; dotted lower-case names."""
        found = dict(self.settings.params)
        try:
            meta = parse_document(read_source(article.source_path).text).meta
        except (OSError, SourceError, FrontMatterError):
            return found
        page = {k: v for k, v in meta.items() if k.lower() != "params"}
        for table in (page, meta.get("params") if isinstance(meta.get("params"), dict) else {}):
            found |= dict(flat_params(table))
        return found

    def source(self, article: Article) -> str | None:
        """The article's body as its file holds it now (Markdown); None if unreadable."""
        return self._source(article)[0]

    def _source(self, article: Article) -> tuple[str | None, bool]:
        """The body as ``source`` finds it, and whether the file is still at the article's
        version."""
        path = article.source_path
        try:
            status = path.stat()
            text = read_source(path).text
        except (OSError, SourceError) as error:
            # The file went away or broke after it was loaded; the reload that follows
            # reports it properly. Until then the page shows no body rather than failing.
            log.warning("%s: cannot read the article body (%s)", path, error)
            return None, False
        if (status.st_mtime_ns, status.st_size) == article.stamp:
            return "".join(text.splitlines(keepends=True)[article.body_line - 1 :]), True
        try:  # changed since the snapshot was built: find the body afresh
            return parse_document(text).body, False
        except FrontMatterError:
            # A broken edit, while the version before stays published: its new body, if
            # the front matter's end can still be found.
            return lenient_body(text), False

    def __len__(self) -> int:
        return len(self.cache)
