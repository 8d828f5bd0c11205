"""Interface labels and date formats in the page's language (zh-Hant, zh-Hans, en)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from reader.model import TAGS

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
        "missing_alt": "Editor: this image has no alt text",
        "settings": "Reading settings",
        "settings_intro": (
            "Choose how pages look to you. The choice is kept in a cookie on this device; "
            "no JavaScript is needed."
        ),
        "text_size": "Text size",
        "size_small": "Small",
        "size_medium": "Standard (your browser's size)",
        "size_large": "Large",
        "size_largest": "Largest",
        "theme": "Colours",
        "theme_auto": "As your device is set",
        "theme_light": "Light",
        "theme_dark": "Dark",
        "save": "Save",
        "return": "Back to the page you were reading",
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
        "menu": "Menu",
        "versions": "Read this page",
        "pinyin_on": "Show pinyin",
        "pinyin_off": "Hide pinyin",
        "reading_time": "{n} min read",
        "search": "Search",
        "search_label": "Search the site",
        "search_results": "Search: {q}",
        "search_count": "{n} articles found.",
        "search_capped": "The best {n} matches are shown; add a word to narrow the search.",
        "search_none": (
            "No published article matches “{q}”. Try fewer words, another spelling, or pinyin."
        ),
        "search_help": (
            "Type a word or two: Chinese characters (traditional or simplified), pinyin, "
            "or English."
        ),
        "search_section": "Within",
        "all_sections": "All sections",
        "search_tag": "Search for “{tag}”",
        "search_feeds": "Follow this search",
        "taxonomy_categories": "Categories",
        "term_categories": "Category: {term}",
        "taxonomy_series": "Series",
        "term_series": "Series: {term}",
        "term_other": "{taxonomy}: {term}",
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
        "missing_alt": "編輯注意：此圖片缺少替代文字",
        "settings": "閱讀設定",
        "settings_intro": "選擇頁面的顯示方式。設定保存在本裝置的 Cookie 中，無需 JavaScript。",
        "text_size": "文字大小",
        "size_small": "小",
        "size_medium": "標準（依瀏覽器設定）",
        "size_large": "大",
        "size_largest": "特大",
        "theme": "顏色",
        "theme_auto": "跟隨裝置設定",
        "theme_light": "淺色",
        "theme_dark": "深色",
        "save": "儲存",
        "return": "返回剛才閱讀的頁面",
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
        "feed_of": "{format} 訂閱：{title}",
        "pagination": "分頁",
        "page_n": "第 {n} 頁",
        "page_of": "第 {n} 頁，共 {total} 頁",
        "older": "較早文章",
        "newer": "較新文章",
        "not_found": "找不到網頁",
        "not_found_text": "這個網址沒有網頁，可能已移動或刪除。",
        "back_home": "返回首頁",
        "tag_title": "關鍵詞：{tag}",
        "all_tags": "全部關鍵詞",
        "menu": "選單",
        "versions": "閱讀方式",
        "pinyin_on": "加注拼音",
        "pinyin_off": "取消拼音",
        "reading_time": "閱讀約 {n} 分鐘",
        "search": "搜尋",
        "search_label": "搜尋本站",
        "search_results": "搜尋：{q}",
        "search_count": "找到 {n} 篇文章。",
        "search_capped": "只列出最相關的 {n} 篇；加一個詞可以縮小範圍。",
        "search_none": "沒有已發佈的文章符合「{q}」。試試少用幾個詞、換個寫法，或用拼音。",
        "search_help": "輸入一兩個詞：中文（繁體或簡體）、拼音或英文都可以。",
        "search_section": "範圍",
        "all_sections": "全部欄目",
        "search_tag": "搜尋「{tag}」",
        "search_feeds": "訂閱這個搜尋",
        "taxonomy_categories": "分類",
        "term_categories": "分類：{term}",
        "taxonomy_series": "系列",
        "term_series": "系列：{term}",
        "term_other": "{taxonomy}：{term}",
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
        "missing_alt": "编辑注意：此图片缺少替代文字",
        "settings": "阅读设置",
        "settings_intro": "选择页面的显示方式。设置保存在本设备的 Cookie 中，无需 JavaScript。",
        "text_size": "文字大小",
        "size_small": "小",
        "size_medium": "标准（依浏览器设置）",
        "size_large": "大",
        "size_largest": "特大",
        "theme": "颜色",
        "theme_auto": "跟随设备设置",
        "theme_light": "浅色",
        "theme_dark": "深色",
        "save": "保存",
        "return": "返回刚才阅读的页面",
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
        "feed_of": "{format} 订阅：{title}",
        "pagination": "分页",
        "page_n": "第 {n} 页",
        "page_of": "第 {n} 页，共 {total} 页",
        "older": "较早文章",
        "newer": "较新文章",
        "not_found": "找不到网页",
        "not_found_text": "这个网址没有网页，可能已移动或删除。",
        "back_home": "返回首页",
        "tag_title": "关键词：{tag}",
        "all_tags": "全部关键词",
        "menu": "菜单",
        "versions": "阅读方式",
        "pinyin_on": "加注拼音",
        "pinyin_off": "取消拼音",
        "reading_time": "阅读约 {n} 分钟",
        "search": "搜索",
        "search_label": "搜索本站",
        "search_results": "搜索：{q}",
        "search_count": "找到 {n} 篇文章。",
        "search_capped": "只列出最相关的 {n} 篇；加一个词可以缩小范围。",
        "search_none": "没有已发布的文章符合“{q}”。试试少用几个词、换个写法，或用拼音。",
        "search_help": "输入一两个词：中文（繁体或简体）、拼音或英文都可以。",
        "search_section": "范围",
        "all_sections": "全部栏目",
        "search_tag": "搜索“{tag}”",
        "search_feeds": "订阅这个搜索",
        "taxonomy_categories": "分类",
        "term_categories": "分类：{term}",
        "taxonomy_series": "系列",
        "term_series": "系列：{term}",
        "term_other": "{taxonomy}：{term}",
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

    def taxonomy(self, name: str) -> str:
        """A taxonomy's heading: "All keywords", "Categories", or a site's own name as written."""
        if name == TAGS:
            return self["all_tags"]
        return self.get(f"taxonomy_{name}") or name.replace("-", " ").replace("_", " ").title()

    def term(self, taxonomy: str, term: str) -> str:
        """A term's heading: "Keyword: harbour", "Category: Local"."""
        if taxonomy == TAGS:
            return self.format("tag_title", tag=term)
        own = self.get(f"term_{taxonomy}")
        if own is not None:
            return own.format(term=term)
        return self.format("term_other", taxonomy=self.taxonomy(taxonomy), term=term)

    def get(self, key: str) -> str | None:
        """A label, or None when there is none by that key."""
        return _LABELS[interface_language(self.lang)].get(key)

    def date(self, day: date) -> str:
        """A day as readers of this language write it compactly, with no time."""
        return format_date(day, "medium", locale=_locale(self.lang))

    def datetime(self, moment: datetime) -> str:
        """A date and time as readers of this language write it compactly (2024年8月30日
        16:27), in the moment's own zone, which pages do not name: it is the site's."""
        # Equal instants compare equal in any zone; with the offset, the key is the wall time.
        return _written(self.lang, moment, moment.utcoffset())


@functools.lru_cache(maxsize=16384)
def _written(lang: str, moment: datetime, offset: timedelta | None) -> str:
    # Babel takes about 80 µs, and lists show each article's date again on many pages.
    locale = _locale(lang)
    day = format_date(moment, "medium", locale=locale)
    clock = format_time(moment, "HH:mm", tzinfo=moment.tzinfo, locale=locale)
    return f"{day} {clock}"


@functools.lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")
