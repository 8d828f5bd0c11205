"""Search text: Chinese and Latin text as index tokens, and a reader's query as an FTS5 match.

Chinese has no spaces between words, so every Han character is a token, and so is every
pair of neighbours that are both among the commonest characters (``COMMON_HAN``). A
one-character query matches the character; a longer one of common characters matches all
its pairs, and any other is asked as a phrase of its characters, which is quick because a
rarer character is in few articles (docs/search.md has the measurements). Both sides are
written in Simplified script first (OpenCC), so 社區 finds 社区 and the reverse. A query in
pinyin (``shequ``, ``she qu``, ``shè qū``) becomes the words and characters read so, from
pypinyin's dictionaries, rather than every body's pinyin being indexed. Latin words are
folded to lower case and stemmed (Snowball's English stemmer: ``ferries`` and ``ferry`` are
both ``ferri``), and a stem of four letters or more matches as a prefix.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from reader.pacing import Pause, unpaced

MAX_QUERY_CHARS = 200
"""A longer query is cut here: no search needs more, and each term costs a lookup."""
MAX_TERMS = 12
MAX_PINYIN_CANDIDATES = 60
"""Readings with more spellings than this keep the most common ones (a syllable such as
``shi`` is read by hundreds of characters)."""

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
_LATIN_WORD = re.compile(r"[a-z]+")

COMMON_HAN = (
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下于们后就发自之对得主长可"
    "过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军还然起种所"
    "如现理机体表力好外与当文两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城"
    "十相但已些正口通想度加第她合院物性战由位常点海意场武使次向二治因立数样身情入原问把路被并利石老教万知"
)
"""The 200 commonest Han characters, half of running Chinese text (``bench/common_han.py``
counts them in jieba's dictionary). A pair of neighbours is a token of its own only when
both are among them: a phrase of two such characters, each in most articles, would be
slow to find. Changing them changes the tokens: move ``searchstore.FORMAT`` with them."""
_COMMON_RUN = re.compile(f"[{COMMON_HAN}]{{2,}}")
_COMMON_PAIR = re.compile(f"(?=([{COMMON_HAN}]{{2}}))")
_WORD = re.compile(rf"[^\W_{_HAN}]+")
_BREAK = "\ue000"
"""A token between two runs of Han characters (a private-use character: no query holds it)."""


@functools.cache
def _converter() -> object:
    import opencc  # loaded when the first text is indexed or searched

    return opencc.OpenCC("t2s")


def normalized(text: str) -> str:
    """Text as both sides are compared: NFKC, lower case, Simplified script."""
    if _nfkc_matters().search(text):
        text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    if not _HAN_RUN.search(folded):
        return folded
    try:
        converted: str = _converter().convert(folded)  # type: ignore[attr-defined]
    except UnicodeEncodeError:  # a lone surrogate, which OpenCC cannot take: it stands alone
        converted = _converter().convert(folded.encode("utf-8", "replace").decode())  # type: ignore[attr-defined]
    return converted


@functools.cache
def _nfkc_matters() -> re.Pattern[str]:
    """Finds a character whose NFKC form can change the tokens. Most Chinese text has none
    (its full-width punctuation becomes other punctuation), and NFKC took a quarter of the
    time of making its tokens."""
    same = []
    for first, last in _NFKC_CANDIDATES:
        for code in range(first, last + 1):
            char = chr(code)
            form = unicodedata.normalize("NFKC", char)
            if form == char or not _TOKEN_CHARACTER.search(char + form):
                same.append(code)
    ranges: list[list[int]] = []
    for code in same:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    members = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(f"[^{members}]")


_NFKC_CANDIDATES = (
    (0x0000, 0x007F),  # ASCII
    (0x2000, 0x206F),  # general punctuation: “ ” … —
    (0x3000, 0x303F),  # CJK symbols and punctuation: 。、「」
    (0x3400, 0x4DBF),  # Han, extension A
    (0x4E00, 0x9FFF),  # Han
    (0xFF00, 0xFFEF),  # full-width punctuation and letters: ，！（
)
"""Where the characters of Chinese and English text are; each is checked at first use."""
_TOKEN_CHARACTER = re.compile(r"[^\W_]")


@functools.cache
def _english() -> object:
    import Stemmer  # PyStemmer: Snowball's stemmers, compiled (no type stubs)

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=1 << 16)  # bounded: a text's words are anyone's
def stemmed(word: str) -> str:
    """A folded Latin word as the index holds it: its English stem; other words as they are."""
    if not _LATIN_WORD.fullmatch(word):
        return word  # digits, and words of other scripts
    stem: str = _english().stemWord(word)  # type: ignore[attr-defined]
    return stem


def index_tokens(text: str) -> str:
    """The tokens of a text for the index, separated by spaces: each Han character, each
    word of other scripts, and each pair of neighbouring characters that are both common."""
    folded = normalized(text)
    # Each Han run's characters, the runs kept apart: to a phrase 社区。服务 is not 区服.
    # A pair or a word is only ever asked for alone, so its place does not matter.
    han = " ".join(_BREAK.join(_HAN_RUN.findall(folded)))
    words = " ".join(map(stemmed, _WORD.findall(folded)))
    pairs = " ".join(_COMMON_PAIR.findall(folded))
    return " ".join(part for part in (han, words, pairs) if part)


@dataclass(frozen=True)
class Query:
    """A reader's query as the index is asked it: each term must match (AND); a term
    matches any of its spellings (OR)."""

    text: str
    """The query as asked, cleaned: what the page says it searched for."""
    terms: tuple[tuple[str, ...], ...]
    hits: frozenset[str]
    """What to mark in the matching passage: the Han strings and words sought."""

    def match(self) -> str:
        """The FTS5 expression: every token quoted, so no query can be FTS syntax."""
        return " AND ".join(self._clauses())

    def in_title(self) -> list[str]:
        """One FTS5 expression per term, matching the articles that match the query and
        have that term in their title."""
        clauses = self._clauses()
        if len(clauses) == 1:
            return [f"{{title}} : ({clauses[0]})"]
        # The whole query beside the term lets FTS5 skip what cannot match at all.
        whole = " AND ".join(clauses)
        return [f"{{title}} : ({clause}) AND ({whole})" for clause in clauses]

    def _clauses(self) -> list[str]:
        clauses = []
        for spellings in self.terms:
            alternatives = [_phrase(s) for s in spellings]
            joined = " OR ".join(alternatives)
            clauses.append(joined if len(alternatives) == 1 else f"({joined})")
        return clauses


def _phrase(spelling: str) -> str:
    """One spelling as FTS5 reads it: a Han string of common characters as the AND of its
    pairs, another as the phrase of its characters; a word as a quoted prefix."""
    if _HAN_RUN.fullmatch(spelling):
        if len(spelling) == 1:
            return f'"{spelling}"'
        if not _COMMON_RUN.fullmatch(spelling):
            return '"' + " ".join(spelling) + '"'
        pairs = dict.fromkeys(map(operator.add, spelling, spelling[1:]))
        joined = " AND ".join(f'"{pair}"' for pair in pairs)
        return f"({joined})" if len(pairs) > 1 else joined
    return f'"{spelling}"*' if len(spelling) >= 4 else f'"{spelling}"'


def parse_query(text: str) -> Query | None:
    """The query a reader typed, or None when nothing in it can be searched for."""
    cleaned = " ".join(text[:MAX_QUERY_CHARS].split())
    terms: list[tuple[str, ...]] = []
    words: list[str] = []
    for run in _RUN.findall(normalized(cleaned)):
        if _HAN_RUN.fullmatch(run):
            terms.append((run,))
        else:
            words.append(run)
    # Several words that read as one Chinese word in pinyin ("she qu") ask for that word;
    # otherwise each word is itself, or the Chinese it reads as ("she": 社, 设, ...).
    together: tuple[str, ...] = ()
    if len(words) > 1:
        # Tone marks, where typed, tell words apart: shè qū is 社区, not 摄取 (shè qǔ).
        toned = _words_toned().get(" ".join(words), ()) if _has_tones(words) else ()
        together = toned or _pinyin_spellings(" ".join(_toneless(w) for w in words))
    if together:
        terms.append(together)
    else:
        terms += [
            tuple(dict.fromkeys((stemmed(w), *_pinyin_spellings(_toneless(w))))) for w in words
        ]
    terms = terms[:MAX_TERMS]
    if not terms:
        return None
    # The words as typed are marked too: "ferry" in a passage, where the stem is "ferri".
    hits = frozenset((*(s for term in terms for s in term), *words))
    return Query(cleaned, tuple(terms), hits)


PinyinTable = dict[str, tuple[str, ...]]
"""Spellings of pinyin, and the characters or words read so, most common first."""
_TABLES: dict[str, PinyinTable] = {}
"""The pinyin tables, built once: by ``warm_pinyin``, or else in the first search."""


def warm_pinyin(pause: Pause = unpaced) -> None:
    """Build the pinyin tables now (they take most of a second), not in a first search;
    calling ``pause`` as it goes, so requests are not held up meanwhile (``pacing``)."""
    for build in (_build_reverse_characters, _build_reverse_words, _build_words_toned):
        _table(build, pause)


def _table(build: Callable[[Pause], PinyinTable], pause: Pause) -> PinyinTable:
    table = _TABLES.get(build.__name__)
    if table is None:  # two threads may both build it: the same table, kept once
        table = _TABLES.setdefault(build.__name__, build(pause))
    return table


def _reverse_characters() -> PinyinTable:
    return _table(_build_reverse_characters, unpaced)


def _reverse_words() -> PinyinTable:
    return _table(_build_reverse_words, unpaced)


def _words_toned() -> PinyinTable:
    return _table(_build_words_toned, unpaced)


def _toneless(word: str) -> str:
    """A pinyin spelling without tone marks or numbers: ``shè`` and ``she4`` are ``she``."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    )
    return stripped.replace("ü", "v").rstrip("012345")


def _pinyin_spellings(typed: str) -> tuple[str, ...]:
    """The Chinese words or characters that pinyin reads as ``typed`` (one syllable or a
    run of them, with or without spaces), most common first; none if it is not pinyin."""
    compact = typed.replace(" ", "")
    if not compact:
        return ()
    split = _syllables(compact)
    if split is None:
        return ()
    if len(split) == 1:
        return _characters_read(split[0])[:MAX_PINYIN_CANDIDATES]
    return _words_read(" ".join(split))[:MAX_PINYIN_CANDIDATES]


@functools.cache
def _syllables(compact: str) -> tuple[str, ...] | None:
    """``shequ`` as its syllables (``she``, ``qu``), preferring fewer; None if it is not
    pinyin."""
    valid = _syllable_set()
    best: list[tuple[str, ...] | None] = [None] * (len(compact) + 1)
    best[0] = ()
    for end in range(1, len(compact) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            piece = compact[start:end]
            if before is not None and piece in valid:
                candidate = (*before, piece)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(compact)]


@functools.cache
def _syllable_set() -> frozenset[str]:
    return frozenset(_reverse_characters())


def _build_reverse_characters(pause: Pause) -> PinyinTable:
    """Each toneless syllable and the characters read so; common characters (those in
    pypinyin's phrases) first."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    common: dict[str, int] = {}
    for phrase in phrases_dict:
        pause()
        for char in phrase:
            common[char] = common.get(char, 0) + 1
    found: dict[str, list[str]] = {}
    for code, readings in pinyin_dict.items():
        pause()
        char = chr(code)
        if char not in common or normalized(char) != char:
            continue  # rare characters, and Traditional forms (the index is Simplified)
        for reading in readings.split(","):
            found.setdefault(_toneless(reading), []).append(char)
    return {
        syllable: tuple(sorted(chars, key=lambda c: -common[c]))
        for syllable, chars in found.items()
    }


def _characters_read(syllable: str) -> tuple[str, ...]:
    return _reverse_characters().get(syllable, ())


def _build_reverse_words(pause: Pause) -> PinyinTable:
    """Each toneless reading of pypinyin's words (``she qu``) and the words read so."""
    from pypinyin.phrases_dict import phrases_dict

    found: dict[str, list[str]] = {}
    for phrase, readings in phrases_dict.items():
        pause()
        key = " ".join(_toneless(r[0]) for r in readings)
        found.setdefault(key, []).append(normalized(phrase))
    return {key: tuple(dict.fromkeys(words)) for key, words in found.items()}


def _build_words_toned(pause: Pause) -> PinyinTable:
    """Each reading of pypinyin's words with its tone marks (``shè qū``), and the words."""
    from pypinyin.phrases_dict import phrases_dict

    found: dict[str, list[str]] = {}
    for phrase, readings in phrases_dict.items():
        pause()
        key = unicodedata.normalize("NFC", " ".join(r[0] for r in readings))
        found.setdefault(key, []).append(normalized(phrase))
    return {key: tuple(dict.fromkeys(words)) for key, words in found.items()}


def _has_tones(words: list[str]) -> bool:
    return any(_toneless(w) != w for w in words if not w.isdigit())


def _words_read(syllables: str) -> tuple[str, ...]:
    return _reverse_words().get(syllables, ())


def marked_passage(text: str, hits: frozenset[str], width: int = 80) -> tuple[str, str, str]:
    """The passage of ``text`` around its first hit, as (before, hit, after); the whole
    start when nothing matches (the hit was in the title or keywords)."""
    folded = normalized(text)
    if len(folded) != len(text):
        # Character by character, so positions match the text's (a phrase conversion may
        # change a length); a character whose form has another length stays as written.
        folded = "".join(f if len(f := normalized(c)) == 1 else c for c in text)
    first = None
    for hit in sorted(hits, key=len, reverse=True):
        at = folded.find(hit)
        if at >= 0 and (first is None or at < first[0]):
            length = len(hit)
            if _LATIN_WORD.fullmatch(hit):
                # A stem or prefix is marked to its word's end: "harbours", not "harbour".
                word = _LATIN_WORD.match(folded, at)
                length = len(word.group()) if word else length
            first = (at, length)
    if first is None:
        return text[:width], "", ""
    at, length = first
    start = max(0, at - width // 3)
    before = ("…" if start else "") + text[start:at]
    after = text[at + length : at + length + width]
    return before, text[at : at + length], after + ("…" if at + length + width < len(text) else "")
