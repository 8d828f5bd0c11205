"""WordPress exports (WXR): posts and pages, categories as sections, tags, authors, dates,
drafts, featured images and the core shortcodes; old ``?p=123`` and permalink addresses
kept so old links redirect."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.hygiene import without_glued_pinyin, without_link_farms
from reader.importing.record import ImageRef, Imported

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
PUBLISHED = frozenset({"publish"})
"""Only these are published here; drafts, pending, private, future and password-protected
posts are imported as drafts, so nothing unpublished there is published here."""
DEFAULT_SECTION = "posts"
"""Where a post without a category goes (WordPress's "Uncategorized")."""
_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL)
_SHORTCODE = re.compile(r"\[/?[a-z_][\w-]*(?:\s[^\]]*)?\]")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def read_wxr(path: Path, zone: tzinfo) -> Iterator[Imported | str]:
    """Every post and page of a WordPress export; a line for what cannot be read."""
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as error:
        yield f"{path}: not a readable WordPress export ({error})"
        return
    _one_namespace(root)
    channel = root.find("channel")
    if channel is None:
        yield f"{path}: no <channel> in this WordPress export"
        return
    attachments = {
        _text(item, WP + "post_id"): _text(item, WP + "attachment_url")
        for item in channel.iter("item")
        if _text(item, WP + "post_type") == "attachment"
    }
    categories = {
        _text(c, WP + "category_nicename"): html.unescape(_text(c, WP + "cat_name"))
        for c in channel.iter(WP + "category")
    }
    for number, item in enumerate(channel.iter("item"), start=1):
        kind = _text(item, WP + "post_type")
        if kind not in ("post", "page"):
            continue
        origin = f"{path} item {number}"
        try:
            yield _article(item, kind, origin, zone, attachments, categories)
        except ValueError as error:
            yield f"{origin}: {error}"


def _article(
    item: Any,
    kind: str,
    origin: str,
    zone: tzinfo,
    attachments: dict[str, str],
    categories: dict[str, str],
) -> Imported:
    from markdownify import markdownify

    title = html.unescape(_text(item, "title")).strip()
    untitled = not title
    if untitled:
        # WordPress allows a post without a title: it is named by its first words.
        words = " ".join(_strip_tags(_text(item, CONTENT)).split())
        cut = (
            words[:40]
            if len(words) <= 40 or " " not in words[:40]
            else words[:41].rsplit(" ", 1)[0]
        )
        title = cut.rstrip() or _text(item, WP + "post_name") or f"Post {number_of(item)}"
    status = _text(item, WP + "status")
    protected = bool(_text(item, WP + "post_password"))
    link = _text(item, "link")
    post_id = _text(item, WP + "post_id")
    raw = _shortcodes(_text(item, CONTENT))
    raw, farms = without_link_farms(raw, frozenset({urlsplit(link).hostname or ""}))
    images = tuple(_images(raw))
    body = markdownify(raw, heading_style="ATX", bullets="-", strip=["script", "style"])
    body, glued = without_glued_pinyin(re.sub(r"\n{3,}", "\n\n", body).strip())
    meta = {
        _text(m, WP + "meta_key"): _text(m, WP + "meta_value") for m in item.iter(WP + "postmeta")
    }
    lead = None
    featured = attachments.get(meta.get("_thumbnail_id", ""), "")
    if featured:
        lead = ImageRef(featured, meta.get("_wp_attachment_image_alt", ""))
        images = (lead, *images)
    own = [c for c in item.iter("category") if c.get("domain") == "category"]
    section = tuple(
        c.get("nicename") or "" for c in own[:1] if c.get("nicename") != "uncategorized"
    )
    # A post is news, which needs a section: without a category it goes to posts/.
    section = section or (DEFAULT_SECTION,)
    notes = ["it had no title; its first words are its title"] if untitled else []
    if farms:
        notes.append(f"{len(farms)} link farm(s) dropped")
    if glued:
        notes.append(f"{glued} glued pinyin annotations removed")
    return Imported(
        origin=origin,
        title=title,
        date=_date(item, zone),
        body=body,
        canonical=link,
        author=_text(item, CREATOR),
        section=section if kind == "post" else (),
        section_titles=tuple(categories.get(s, s.title()) for s in section),
        tags=tuple(
            html.unescape(c.text or "").strip()
            for c in item.iter("category")
            if c.get("domain") == "post_tag"
        ),
        summary=" ".join(html.unescape(_strip_tags(_text(item, EXCERPT))).split()),
        images=images,
        lead=lead,
        aliases=(f"/?p={post_id}",) if post_id else (),
        draft=status not in PUBLISHED or protected,
        page=kind == "page",
        slug=re.sub(r"[^a-z0-9-]", "", _text(item, WP + "post_name").lower())[:60],
        notes=tuple(notes),
    )


_WXR_NAMESPACE = re.compile(r"^\{https?://wordpress\.org/export/1\.\d+/(excerpt/)?\}")


def _one_namespace(root: Any) -> None:
    """Give every element WXR 1.2's namespace: exports say ``http://`` or ``https://``
    (WordPress.com) and WXR 1.0, 1.1 or 1.2, for the same elements."""
    for element in root.iter():
        if isinstance(element.tag, str) and "wordpress.org/export/" in element.tag:
            element.tag = _WXR_NAMESPACE.sub(lambda m: WP[:-1] + (m[1] or "") + "}", element.tag)


def number_of(item: Any) -> str:
    """A post's WordPress id."""
    return _text(item, WP + "post_id")


def _text(element: Any, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _date(item: Any, zone: tzinfo) -> datetime | None:
    """``post_date_gmt`` in the site's zone; a draft's is often zero, then ``post_date``."""
    gmt = _text(item, WP + "post_date_gmt")
    if gmt and not gmt.startswith("0000"):
        return datetime.fromisoformat(gmt).replace(tzinfo=UTC).astimezone(zone)
    local = _text(item, WP + "post_date")
    if local and not local.startswith("0000"):
        return datetime.fromisoformat(local).replace(tzinfo=zone)
    return None


def _shortcodes(text: str) -> str:
    """``[caption]`` as a figure with its caption; other shortcodes (gallery, embed...)
    dropped, their text kept."""

    def figure(match: re.Match[str]) -> str:
        inner = match[1]
        image = _IMG.search(inner)
        caption = _strip_tags(_IMG.sub("", inner)).strip()
        if image is None:
            return caption
        if not caption:
            return image[0]
        # A caption as the image's title: the Markdown renderer makes it a figure.
        titled = re.sub(r"\stitle=\"[^\"]*\"", "", image[0])
        return "\n\n" + titled.replace("<img", f'<img title="{html.escape(caption)}"', 1) + "\n\n"

    return _SHORTCODE.sub("", _CAPTION.sub(figure, text))


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _images(fragment: str) -> Iterator[ImageRef]:
    for tag in _IMG.findall(fragment):
        src = re.search(r'src="([^"]+)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        if src:
            yield ImageRef(html.unescape(src[1]), html.unescape(alt[1]) if alt else "")
