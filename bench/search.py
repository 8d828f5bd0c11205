"""Search: build time, index size, query latency and recall on a realistic Chinese corpus.

The corpus follows real usage: its words are drawn by the frequencies of jieba's
dictionary (a count of words in a large body of modern Chinese), in sentences of 8 to 30
words, a fifth of the articles in Traditional script. Recall is measured against the
ground truth of a substring scan, for the tokenisation the reader uses (characters and
pairs of common ones) and two it could have used (every pair, as before; characters only,
queried as phrases).

    python bench/search.py [--articles 10000] [--out docs/search-figures.md]
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

from reader.config import load_settings
from reader.hygiene import script_of
from reader.search import SearchIndex
from reader.searchstore import IndexRow
from reader.searchtext import index_tokens, normalized, parse_query, stemmed, warm_pinyin
from reader.site import Site

SEED = 20261202
QUERY_SAMPLES = 200
"""Queries of each length (``--queries``)."""


def dictionary() -> tuple[list[str], list[int]]:
    """jieba's words and their counts (only words of Han characters)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words, counts = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, count, *_ = line.split()
        if all("\u4e00" <= c <= "\u9fff" for c in word):
            words.append(word)
            counts.append(int(count))
    return words, counts


def corpus(n: int) -> list[tuple[str, str]]:
    """``n`` articles (title, body) of words drawn by real frequencies."""
    rng = random.Random(SEED)
    words, counts = dictionary()
    cumulative = list(accumulate(counts))
    total = cumulative[-1]

    def sentence(low: int, high: int) -> str:
        picked = (
            words[bisect.bisect(cumulative, rng.random() * total)]
            for _ in range(rng.randint(low, high))
        )
        return "".join(picked)

    from opencc import OpenCC

    to_traditional = OpenCC("s2t")
    articles = []
    for _ in range(n):
        title = sentence(4, 8)
        body = "。".join(sentence(8, 30) for _ in range(rng.randint(8, 25))) + "。"
        if rng.random() < 0.2:
            title, body = to_traditional.convert(title), to_traditional.convert(body)
        articles.append((title, body))
    return articles


Tokens = Callable[[str], str]
Asked = Callable[[str], str] | None
"""A query as an FTS5 expression for another tokenisation (None: as the reader asks)."""


def all_pairs(text: str) -> str:
    """The alternative the reader used before: every pair of neighbours a token."""
    tokens = []
    for run in re.findall(r"[\u4e00-\u9fff]+|[^\W_\u4e00-\u9fff]+", normalized(text)):
        if "\u4e00" <= run[0] <= "\u9fff":
            tokens += [*run, *(run[i : i + 2] for i in range(len(run) - 1))]
        else:
            tokens.append(stemmed(run))
    return " ".join(tokens)


def all_pairs_asked(query: str) -> str:
    """A query of all pairs: the AND of its pairs (one character: itself)."""
    pairs = dict.fromkeys(query[i : i + 2] for i in range(len(query) - 1)) or {query: None}
    return " AND ".join(f'"{pair}"' for pair in pairs)


def characters_only(text: str) -> str:
    """The naive alternative: characters alone, a longer query asked as a phrase."""
    return " ".join(t for t in index_tokens(text).split() if len(t) == 1 or t.isascii())


def phrase_asked(query: str) -> str:
    """A query of characters only: the phrase of its characters."""
    return '"' + " ".join(query) + '"'


def build(
    articles: list[tuple[str, str]], tokens: Tokens, folder: Path
) -> tuple[SearchIndex, float]:
    """An index of the corpus on disk with this tokenisation, and the seconds it took."""
    index = SearchIndex(folder / "search.sqlite")
    started = time.perf_counter()
    batch: list[IndexRow] = []
    # Oldest first, as the reader writes them (the corpus is in date order, n the date).
    for n, (title, body) in enumerate(articles):
        batch.append(IndexRow(str(n), "v", float(n), tokens(title), tokens(body)))
        if len(batch) == 500:
            index.store.write(batch)
            batch = []
    index.store.write(batch)
    index.store.checkpoint()  # as a sync ends
    return index, time.perf_counter() - started


def write_site(articles: list[tuple[str, str]], folder: Path) -> Path:
    """The corpus as a site of Markdown files, one an article, as an editor keeps them."""
    site = folder / "site"
    content = site / "content" / "news"
    content.mkdir(parents=True)
    (site / "site.toml").write_text(
        'title = "Search bench"\nbase_url = "https://bench.example.org/"\nlanguage = "zh-Hans"\n',
        encoding="utf-8",
    )
    for n, (title, body) in enumerate(articles):
        date = datetime.fromtimestamp(1_700_000_000 + n * 60, UTC).isoformat()
        # The fifth in Traditional script say so, as the reader's checks ask.
        lang = "lang: zh-Hant\n" if script_of(title + body) == "zh-Hant" else ""
        front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\n{lang}---\n"
        (content / f"{n}.md").write_text(f"{front}\n{body}\n", encoding="utf-8")
    return site


def warm_restart(articles: list[tuple[str, str]], folder: Path) -> tuple[float, float, int]:
    """Index the corpus as a server does after its first start (``sync``: each article's
    Markdown read from its file), then open the index again, as a restart does, and check
    it against the same articles: the seconds each took, and how many articles the second
    check indexed again (none, if nothing changed)."""
    settings, problems = load_settings(write_site(articles, folder))
    assert not problems, problems
    snapshot = Site(settings, lambda: datetime.now(UTC)).holder.current
    assert len(snapshot.articles) == len(articles)
    started = time.perf_counter()
    SearchIndex(folder / "synced.sqlite").sync(snapshot)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = SearchIndex(folder / "synced.sqlite").sync(snapshot)
    return first, time.perf_counter() - started, again


def queries(
    articles: list[tuple[str, str]], length: int, rng: random.Random, count: int
) -> list[str]:
    """``count`` strings of ``length`` Han characters from the corpus, in Simplified script."""
    found: list[str] = []
    while len(found) < count:
        _, body = articles[rng.randrange(len(articles))]
        text = normalized(body)
        at = rng.randrange(0, max(1, len(text) - length))
        piece = text[at : at + length]
        if len(piece) == length and all("\u4e00" <= c <= "\u9fff" for c in piece):
            found.append(piece)
    return found


def recall(index: SearchIndex, texts: list[str], asked: list[str], expression: Asked) -> float:
    """The share of true matches found (ground truth: a substring scan), over all queries.

    Only the ranked candidates count, as a reader sees them; the cap applies to all
    tokenisations alike, so the comparison is of the first ``MAX_CANDIDATES``.
    """
    found_total = true_total = 0
    for query in asked:
        truth = {str(n) for n, text in enumerate(texts) if query in text}
        if not truth:
            continue
        if expression:
            found = index.store.candidates(expression(query), 1001)
            keys = {row.key for row in found}
        else:
            parsed = parse_query(query)
            keys = set(index.ranked(parsed)[0]) if parsed else set()
        # A reader sees at most the first 1,000 of any search, whichever way it is made.
        found_total += min(len(truth & keys), 1000)
        true_total += min(len(truth), 1000)
    return found_total / true_total if true_total else 0.0


def latency(index: SearchIndex, asked: list[str], expression: Asked = None) -> tuple[float, float]:
    """p50 and p99 milliseconds of a search, ranking included."""
    times = []
    for query in asked:
        parsed = parse_query(query)
        if parsed is None:
            continue
        started = time.perf_counter()
        if expression:
            index.store.candidates(expression(query), 1001)
        else:
            index.ranked(parsed)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    """Measure, print a Markdown report, and write it where asked."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--queries", type=int, default=QUERY_SAMPLES)
    args = parser.parse_args()
    rng = random.Random(SEED)
    started = time.perf_counter()
    articles = corpus(args.articles)
    made = time.perf_counter() - started
    texts = [normalized(t + " " + b) for t, b in articles]
    asked = {n: queries(articles, n, rng, args.queries) for n in (1, 2, 4)}
    warm_pinyin()
    lines = [
        f"Corpus: {args.articles:,} articles of words drawn by jieba's dictionary frequencies "
        f"(mean {statistics.mean(len(b) for _, b in articles):.0f} characters; made in "
        f"{made:.0f} s); {args.queries} queries of each length, taken from the corpus.",
        "",
        "| tokens | build (s) | index per article | recall, 1 char | 2 chars | 4 chars "
        "| p99 ms, 1 char | 2 chars |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    kept: SearchIndex | None = None
    alternatives: list[tuple[str, Tokens, Asked]] = [
        ("characters, pairs of common ones (used)", index_tokens, None),
        ("characters and every pair", all_pairs, all_pairs_asked),
        ("characters only, phrase queries", characters_only, phrase_asked),
    ]
    for name, tokens, expression in alternatives:
        folder = Path(tempfile.mkdtemp())
        index, seconds = build(articles, tokens, folder)
        size = index.size() / args.articles
        scores = [recall(index, texts, asked[n], expression) for n in (1, 2, 4)]
        slow = [latency(index, asked[n], expression)[1] for n in (1, 2)]
        lines.append(
            f"| {name} | {seconds:.1f} | {size / 1024:.1f} KB | "
            + " | ".join(f"{s:.3f}" for s in scores)
            + " | "
            + " | ".join(f"{t:.1f}" for t in slow)
            + " |"
        )
        if kept is None:
            kept = index
    assert kept is not None
    first, restart, again = warm_restart(articles, Path(tempfile.mkdtemp()))
    lines += [
        "",
        f"Indexing as a server does after its first start (`sync`: version check, each "
        f"article's Markdown read from its file, tokens, writes): {first:.1f} s. A restart "
        f"that finds nothing changed: {restart:.2f} s, {again} articles indexed again.",
    ]
    pinyin = ["shequ", "zhengfu", "jingji", "she", "guanli"]
    english = ["harbour", "news", "city"]
    lines += ["", "| query | p50 (ms) | p99 (ms) |", "| --- | --- | --- |"]
    for label, sample in (
        ("one character", asked[1]),
        ("two characters", asked[2]),
        ("four characters", asked[4]),
        ("pinyin", pinyin * 20),
        ("English", english * 20),
    ):
        p50, p99 = latency(kept, sample)
        lines.append(f"| {label} | {p50:.1f} | {p99:.1f} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
