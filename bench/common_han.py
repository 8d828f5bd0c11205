"""The Han characters that make up much of running Chinese text, as ``searchtext`` lists them.

Counted from jieba's dictionary (word counts from a large body of modern Chinese), each
word's count given to every character it holds, in Simplified script. The index keeps a
pair of neighbouring characters as its own token only when both are among these: those
are the pairs a phrase search would be slow to find (both characters in most articles).

    python bench/common_han.py [--count 200]
"""

from __future__ import annotations

import argparse
from collections import Counter

from bench.search import dictionary
from reader.searchtext import normalized


def common_characters(count: int) -> tuple[str, float]:
    """The ``count`` most frequent characters, most frequent first, and their share of all
    characters in running text."""
    words, counts = dictionary()
    frequency: Counter[str] = Counter()
    for word, n in zip(words, counts, strict=True):
        for char in normalized(word):
            frequency[char] += n
    top = frequency.most_common(count)
    return "".join(c for c, _ in top), sum(n for _, n in top) / sum(frequency.values())


def main() -> None:
    """Print the characters, and the share of running text they make up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    characters, share = common_characters(args.count)
    print(f"# {args.count} characters, {share:.0%} of running text")
    print(characters)


if __name__ == "__main__":
    main()
