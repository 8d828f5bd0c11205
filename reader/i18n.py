"""Interface labels and date formats in the page's language (zh-Hant, zh-Hans, en)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_gmt

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "all_feeds": "All feeds",
        "all_feeds_intro": (
            "Subscribe to any part of the site in a feed reader. Each feed comes as RSS, "
            "Atom and JSON Feed; they hold the same articles in full."
        ),
        "site_feeds": "The whole site",
        "section_feeds": "Sections",
        "tag_feeds": "Keywords",
        "opml": "Subscribe to every section at once",
        "opml_text": "An OPML file of all section feeds, to import into a feed reader.",
        "license": "Licence",
        "skip": "Skip to main content",
        "colon": ": ",
        "home": "Home",
        "breadcrumbs": "Breadcrumb",
        "source": "Source",
        "author": "Author",
        "published": "Published",
        "updated": "Updated",
        "keywords": "Keywords",
        "neighbours": "More in this section",
        "previous": "Previous article",
        "next": "Next article",
        "sections": "Sections",
        "subsections": "In this section",
        "latest": "Latest articles",
        "articles": "Articles",
        "feeds": "Subscribe",
        "feed_of": "{format} feed: {title}",
        "pagination": "Pages",
        "page_n": "Page {n}",
        "page_of": "Page {n} of {total}",
        "older": "Older articles",
        "newer": "Newer articles",
        "not_found": "Page not found",
        "not_found_text": "There is no page at this address. It may have moved or been removed.",
        "back_home": "Go to the home page",
        "tag_title": "Keyword: {tag}",
        "all_tags": "All keywords",
        "footer": "About this site",
        "empty": "No articles yet.",
        "kicker": "Series",
        "moved": "This page has moved to {url}.",
    },
    "zh-Hant": {
        "all_feeds": "全部訂閱源",
        "all_feeds_intro": (
            "在閱讀器中訂閱本站任何部分。"
            "每個訂閱源都有 RSS、Atom 和 JSON Feed 三種格式，內容相同，均為全文。"
        ),
        "site_feeds": "全站",
        "section_feeds": "欄目",
        "tag_feeds": "關鍵詞",
        "opml": "一次訂閱所有欄目",
        "opml_text": "包含所有欄目訂閱源的 OPML 檔案，可匯入閱讀器。",
        "license": "授權",
        "skip": "跳至主要內容",
        "colon": "：",
        "home": "首頁",
        "breadcrumbs": "導覽路徑",
        "source": "來源",
        "author": "作者",
        "published": "發布",
        "updated": "更新",
        "keywords": "關鍵詞",
        "neighbours": "本欄目其他文章",
        "previous": "上一篇",
        "next": "下一篇",
        "sections": "欄目",
        "subsections": "子欄目",
        "latest": "最新文章",
        "articles": "文章",
        "feeds": "訂閱",
        "feed_of": "{format} 訂閱:{title}",
        "pagination": "分頁",
        "page_n": "第 {n} 頁",
        "page_of": "第 {n} 頁,共 {total} 頁",
        "older": "較早文章",
        "newer": "較新文章",
        "not_found": "找不到網頁",
        "not_found_text": "這個網址沒有網頁,可能已移動或刪除。",
        "back_home": "返回首頁",
        "tag_title": "關鍵詞:{tag}",
        "all_tags": "全部關鍵詞",
        "footer": "網站資訊",
        "empty": "暫無文章。",
        "kicker": "專題",
        "moved": "本頁已移至 {url}。",
    },
    "zh-Hans": {
        "all_feeds": "全部订阅源",
        "all_feeds_intro": (
            "在阅读器中订阅本站任何部分。"
            "每个订阅源都有 RSS、Atom 和 JSON Feed 三种格式，内容相同，均为全文。"
        ),
        "site_feeds": "全站",
        "section_feeds": "栏目",
        "tag_feeds": "关键词",
        "opml": "一次订阅所有栏目",
        "opml_text": "包含所有栏目订阅源的 OPML 文件，可导入阅读器。",
        "license": "授权",
        "skip": "跳至主要内容",
        "colon": "：",
        "home": "首页",
        "breadcrumbs": "导航路径",
        "source": "来源",
        "author": "作者",
        "published": "发布",
        "updated": "更新",
        "keywords": "关键词",
        "neighbours": "本栏目其他文章",
        "previous": "上一篇",
        "next": "下一篇",
        "sections": "栏目",
        "subsections": "子栏目",
        "latest": "最新文章",
        "articles": "文章",
        "feeds": "订阅",
        "feed_of": "{format} 订阅:{title}",
        "pagination": "分页",
        "page_n": "第 {n} 页",
        "page_of": "第 {n} 页,共 {total} 页",
        "older": "较早文章",
        "newer": "较新文章",
        "not_found": "找不到网页",
        "not_found_text": "这个网址没有网页,可能已移动或删除。",
        "back_home": "返回首页",
        "tag_title": "关键词:{tag}",
        "all_tags": "全部关键词",
        "footer": "网站信息",
        "empty": "暂无文章。",
        "kicker": "专题",
        "moved": "本页已移至 {url}。",
    },
}

SUPPORTED = tuple(_LABELS)


def interface_language(lang: str) -> str:
    """The supported interface language closest to ``lang`` (English when none is)."""
    if lang in _LABELS:
        return lang
    if lang.lower().startswith("zh"):
        return "zh-Hant" if "hant" in lang.lower() else "zh-Hans"
    return "en"


@dataclass(frozen=True)
class Labels:
    """The interface words of one language, and its way of writing dates."""

    lang: str

    def __getitem__(self, key: str) -> str:
        return _LABELS[interface_language(self.lang)][key]

    def format(self, key: str, **values: object) -> str:
        """A label with its ``{placeholders}`` filled in."""
        return self[key].format(**values)

    def datetime(self, moment: datetime) -> str:
        """A date and time as readers of this language write it, always with its zone."""
        locale = _locale(self.lang)
        day = format_date(moment, "long", locale=locale)
        clock = format_time(moment, "HH:mm", tzinfo=moment.tzinfo, locale=locale)
        zone = get_timezone_gmt(moment, "long", locale=locale)
        return f"{day} {clock} ({zone})"


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")
