"""Who wrote a saved page's story and where it came from: values after their labels
(來源：, 作者：), bylines as Taiwan's and Hong Kong's papers write them (記者林悅／台南報導),
the Central News Agency's dateline, and the person JSON-LD names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from reader.importing import masthead, structured
from reader.importing.masthead import MAX_NAME

_LABEL = r"[ \t\u3000\xa0]*[:：][ \t\u3000\xa0]*"
"""A label's colon: spaces around it, but no line break (a label ending a line is empty)."""
_NEXT_LABEL = (
    r"(?:作者|記者|记者|編輯|编辑|責任編輯|责任编辑|時間|时间|日期|發布|发布|發表|发表|瀏覽|浏览"
    r"|點擊|点击|閱讀|阅读|字號|字号)"
)
_VALUE = rf"((?:(?!{_NEXT_LABEL})[^\s　|｜])*)"
"""A label's value: up to a space, a bar or the next label (來源：某報作者：某人)."""
SOURCE = re.compile(rf"(?:信息|稿件|新聞|新闻)?(?:來源|来源|出處|出处|Source){_LABEL}{_VALUE}")
"""A source's label and value: 來源：, 信息来源：, Source:."""
AUTHOR = re.compile(rf"(?:作者|記者|记者|撰文|文|Author|By){_LABEL}{_VALUE}")
"""An author's label and value: 作者：, 記者：, 文：, By:."""
_WORD_CHARACTER = re.compile(r"[A-Za-z\u3400-\u9fff]")
"""What a label may not follow: a letter (a time, 12:11來源：, may come before one)."""
PLACEHOLDERS = frozenset(
    {"未知", "不詳", "不详", "佚名", "匿名", "網絡", "网络", "網絡整理", "网络整理", "互聯網",
     "互联网", "本站", "本站原創", "本站原创", "admin", "unknown", "n/a", "none"}
)  # fmt: skip
"""What a portal writes after 來源 or 作者 when it names no one: left out, as an empty label."""
_BYLINES = (
    re.compile(
        r"(?:記者|记者)\s*([\u3400-\u9fff]{2,4})\s*[／/]\s*[\u3400-\u9fff]{1,10}(?:報導|报道)"
    ),
    re.compile(
        r"[（(〔【]\s*([\u3400-\u9fff]{2,4})\s*[／/]\s*[\u3400-\u9fff]{1,10}(?:報導|报道)\s*[）)〕】]"
    ),
)
"""Bylines as Taiwan's and Hong Kong's papers write them: 記者林悅／台南報導, and
（王煌忠／台中報導）."""
_DESK = re.compile(r"(?:中心|新聞|新闻|編輯部|编辑部|綜合|综合|本報|本报|報導|报道)$")
"""A byline that names a desk, not a reporter (〔即時新聞／綜合報導〕)."""


def byline(tree: Any, text: str) -> str:
    """The reporter a byline names, in the page's text or in its JSON-LD author
    (``記者陳嘉寧／桃園機場報導``): the name alone; "" when none does."""
    written = byline_name(text)
    if written:
        return written
    for name in structured.stated_authors(tree):
        if any(pattern.search(name) for pattern in _BYLINES):
            named = byline_name(name)  # "" for a desk's byline
        else:
            named = name if masthead.a_name(name) and name.lower() not in PLACEHOLDERS else ""
        if named:
            return named
    return ""


def byline_name(text: str) -> str:
    """The first reporter's name a byline in ``text`` gives, a desk's passed over."""
    for pattern in _BYLINES:
        for found in pattern.finditer(text):
            if not _DESK.search(found[1]):
                return found[1]
    dateline = _AGENCY_DATELINE.search(text)
    if dateline:
        # 中央社記者邱俊欽桃園傳真: a name of two characters when a place follows them, else
        # of three, as most are.
        run = dateline[1]
        return run[:2] if run[2:4] in _TAIWAN_PLACES else run[:3]
    return ""


_AGENCY_DATELINE = re.compile(
    r"中央社(?:駐[\u3400-\u9fff]{1,6})?(?:特派員|記者)([\u3400-\u9fff]{4,12}?)"
    r"(?:\d{1,2}日)?(?:專電|電|傳真)"
)
"""The dateline of Taiwan's Central News Agency, republished by every portal: reporter,
place, day, then 電 (中央社記者邱俊欽桃園傳真, 中央社記者林悅台北19日電)."""
_TAIWAN_PLACES = frozenset(
    {"台北", "臺北", "新北", "桃園", "台中", "臺中", "台南", "臺南", "高雄", "基隆", "新竹",
     "苗栗", "彰化", "南投", "雲林", "嘉義", "屏東", "宜蘭", "花蓮", "台東", "臺東", "澎湖",
     "金門", "馬祖", "連江"}
)  # fmt: skip


def labelled(label: re.Pattern[str], text: str, selected: str | None = None) -> str:
    """A value written after its label (來源：...), by the profile's selector or in the page's
    text; "" for a label with nothing after it, or a placeholder (未知)."""
    if selected is not None:
        # A profile's element's text, without its label, whatever the label says.
        value = re.sub(r"^[^:：]{0,8}[:：]\s*", "", selected).strip()
    else:
        value = next(_label_values(label, text), "")
    return "" if value.lower() in PLACEHOLDERS else value


def _label_values(label: re.Pattern[str], text: str) -> Iterator[str]:
    """The values after a label that begins a word, in the page's order ("" for an empty
    label): 文： ends 王文： and 记者: is a headline's word in 怒斥记者:, unless it follows
    another label's value (來源：某報作者：某人); a sentence is no name, and is passed over."""
    for found in label.finditer(text):
        start = found.start()
        before = text[start - 1] if start else ""
        glued = SOURCE.search(text, max(0, start - 3 * MAX_NAME), start)
        if before and _WORD_CHARACTER.match(before) and not (glued and glued.end() == start):
            continue
        value = found[1]
        if masthead.a_name(value):
            yield value
