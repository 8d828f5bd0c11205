"""Resized lead images: which sizes and formats a teaser offers, and their making with Pillow.

What a page offers is decided from the article alone (its image's file, size and type), so
a page's bytes never depend on how far the making has got. The making runs beside the
server after each load, never on a request; until a rendition is made, its address answers
with the original file, which every browser shows as well.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.model import Article
from reader.pacing import Pause, unpaced

log = logging.getLogger("reader")

WIDTHS = (320, 640, 960, 1280, 1920)
"""The widths made of a raster lead image, those narrower than it; it is offered at its own
width too, up to the largest of these."""
MAX_PIXELS = 50_000_000
"""Larger images are not resized (their originals are served): decoding one would hold
hundreds of megabytes."""
_RESIZED = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
"""The raster types we resize, by the extension of their own format (a GIF may move, and
an SVG needs no sizes: both are served as they are)."""
_PILLOW_FORMATS = {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG", "png": "PNG"}
MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class Rendition:
    """One size in one format of an article's lead image."""

    width: int
    height: int
    format: str
    """Its file extension: ``avif``, ``webp``, ``jpg`` or ``png``."""

    @property
    def name(self) -> str:
        """Its file name, the last segment of its address."""
        return f"{self.width}.{self.format}"


@dataclass(frozen=True)
class Plan:
    """What an article's lead image is offered as: each modern format, then its own."""

    key: str
    """Names the image file's version: a new file gets new addresses, so no cache serves
    the old picture."""
    formats: tuple[str, ...]
    """The formats offered, best first; the last is the image's own, for every browser."""
    renditions: tuple[Rendition, ...]

    def of(self, fmt: str) -> tuple[Rendition, ...]:
        """The renditions in one format, narrowest first."""
        return tuple(r for r in self.renditions if r.format == fmt)

    def named(self, name: str) -> Rendition | None:
        """The rendition a file name asks for, if the plan has it."""
        return next((r for r in self.renditions if r.name == name), None)


@functools.cache
def modern_formats() -> tuple[str, ...]:
    """The formats better than JPEG and PNG that this Pillow writes, best first."""
    from PIL import features

    return tuple(fmt for fmt in ("avif", "webp") if features.check(fmt))


def plan(article: Article) -> Plan | None:
    """The renditions offered of an article's lead image; None when it is not ours to
    resize (another host's, an SVG or GIF, too large, or of unknown size)."""
    own = _RESIZED.get(article.image_type)
    width, height = article.image_width, article.image_height
    if not (article.image_file and article.image_key and own and width > 0 and height > 0):
        return None
    if width * height > MAX_PIXELS:
        return None
    sizes = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        sizes.append(width)
    formats = (*(f for f in modern_formats() if f != own), own)
    renditions = tuple(
        Rendition(w, max(1, round(height * w / width)), fmt) for fmt in formats for w in sizes
    )
    return Plan(article.image_key, formats, renditions)


def _stored(article: Article) -> str:
    """The folder of the renditions made of this version of the image file, on this machine
    (the address's key stays when a file is replaced by one of the same size)."""
    made_of = f"{article.image_file}\0{article.image_mtime}\0{article.image_length}"
    return hashlib.sha256(made_of.encode()).hexdigest()[:20]


def is_original(article: Article, rendition: Rendition) -> bool:
    """Whether a rendition is the image file itself: its own format at its own width."""
    own = _RESIZED.get(article.image_type)
    return rendition.format == own and rendition.width == article.image_width


class Renditions:
    """The made renditions, in a folder of the reader's own cache (one per site)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        """None when the site keeps no cache on disk: then originals are served."""
        self._failed: set[str] = set()
        """Images Pillow could not read: tried once per file version, not on every load."""
        self._settled_sources: set[tuple[str, int, int]] = set()
        """The image files (path, modification time, size) already settled (made, failed,
        or not ours to resize), however many articles show them."""
        self._complete: set[str] = set()
        """Images whose renditions are all made: not looked for again on every reload (each
        names one version of a file, so it stays complete)."""

    def made(self, article: Article, rendition: Rendition) -> Path | None:
        """The rendition of the article's lead image if it has been made of its file."""
        if self.folder is None:
            return None
        path = self.folder / _stored(article) / rendition.name
        return path if path.is_file() else None

    def make(self, articles: Iterable[Article], pause: Pause = unpaced) -> int:
        """Make every missing rendition of these articles' lead images; how many were made;
        ``pause`` between images (background work gives way to requests there).

        A damaged or hostile file costs only its own renditions: it is logged once and its
        original goes on being served.
        """
        if self.folder is None:
            return 0
        made = 0
        settled = self._complete | self._failed
        # Looked up by the image file's version first: planning every illustrated article
        # on every reload took a second at 100,000 articles, most sharing a few pictures.
        done = self._settled_sources
        for article in articles:
            source = (article.image_file, article.image_mtime, article.image_length)
            if source in done:
                continue
            planned = plan(article)
            stored = _stored(article)
            if planned is None or stored in settled:
                done.add(source)
                continue
            settled.add(stored)
            done.add(source)
            missing = [
                r
                for r in planned.renditions
                if not is_original(article, r) and self.made(article, r) is None
            ]
            try:
                if missing:
                    made += self._make(Path(article.image_file), stored, missing, pause)
            except Exception as error:  # Pillow raises many kinds on a bad file
                log.warning("%s: its lead image could not be resized: %s", article.file, error)
                self._failed.add(stored)
            else:
                self._complete.add(stored)
            pause()
        return made

    def _make(self, source: Path, stored: str, missing: list[Rendition], pause: Pause) -> int:
        from PIL import Image, ImageOps

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        folder = self.folder
        assert folder is not None
        target = folder / stored
        target.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
        made = 0
        for rendition in sorted(missing, key=lambda r: -r.width):
            resized = image.resize(
                (rendition.width, rendition.height), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
            _write(resized, target / rendition.name, rendition.format)
            made += 1
            # Encoders let other threads run, but an AVIF takes a core for most of a second.
            pause()
        return made


def _write(image: object, path: Path, fmt: str) -> None:
    """Encode at settings that pay on the web, into a temporary file renamed into place, so
    a reader never gets half a file."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    options: dict[str, Any]
    if fmt == "jpg":
        image = image.convert("RGB")
        options = {"quality": 82, "progressive": True}
    elif fmt == "png":
        options = {"optimize": True}
    elif fmt == "webp":
        options = {"quality": 80, "method": 4}
    else:
        options = {"quality": 60, "speed": 8}
    if fmt in ("webp", "avif") and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix="." + fmt)
    try:
        with os.fdopen(handle, "wb") as out:
            image.save(out, _PILLOW_FORMATS[fmt], **options)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
