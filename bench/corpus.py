"""Write a realistic news corpus of N articles that reader, Hugo and Pelican can all build.

Usage: python bench/corpus.py N OUT [--pelican PELICAN_OUT] [--many-keywords]

Articles are Chinese (Traditional and Simplified) and English, 300 to 1,500 characters
or words of body, in nested sections (district > desk), with keywords, lead images with
alt text, and a few drafts and future-dated pieces. The same seed gives the same corpus.
``--many-keywords`` gives most articles new two-character keywords of their own, as a
portal's hot-word lists do (about 17,000 keywords over 10,000 articles).
The tree is a Hugo site too (hugo.toml and minimal layouts); ``--pelican`` also writes
the same articles in Pelican's metadata format.
"""

from __future__ import annotations

import argparse
import random
import struct
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

DISTRICTS = ["north", "south", "east", "west", "harbour", "old-town", "airport", "hills"]
DESKS = ["news", "business", "culture", "sports", "transport"]
DISTRICT_TITLES = ["北區", "南區", "東區", "西區", "海港區", "舊城區", "機場區", "山區"]
DESK_TITLES = ["新聞", "財經", "文化", "體育", "交通"]
TAG_POOL = [f"關鍵詞{n}" for n in range(150)] + [f"topic {n}" for n in range(150)]
HANT = "本市今日宣布新的交通安排，市民可於官方網站查詢詳情。區議會表示將繼續聽取居民意見。"
HANS = "本市今日宣布新的交通安排，市民可于官方网站查询详情。区议会表示将继续听取居民意见。"
ENGLISH = (
    "The council said on Tuesday that the new ferry timetable would take effect next month, "
    "after residents asked for later crossings on weekdays. "
)
IMAGES = 12
COMMON = (
    "市民政府交通安全經濟發展文化教育醫療衛生環境保護社區服務旅遊體育科技創新港口機場"
    "鐵路公路房屋土地水電能源農業漁業商業金融就業青年長者兒童婦女警察消防法院議會選舉"
    "天氣颱風暴雨山林海灘公園圖書館博物音樂電影美食節日市場價格工資稅收預算銀行保險"
    "學校大學考試研究醫院病人疫苗藥物健康運動足球籃球游泳跑步比賽冠軍記者報道消息"
)
"""Characters the keyword-heavy corpus makes its two-character keywords of."""
NEW_KEYWORD_SHARE = 0.67
"""In the keyword-heavy corpus, the share of keywords an article brings that no earlier
article has."""
END = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Piece:
    """One generated article, in the terms every generator needs."""

    district: int
    desk: int
    slug: str
    title: str
    date: datetime
    lang: str
    tags: tuple[str, ...]
    body: str
    image: int | None
    draft: bool


def pieces(count: int, seed: int = 2026, many_keywords: bool = False) -> list[Piece]:
    """The corpus's articles, deterministically from ``seed``."""
    rng = random.Random(seed)
    result = []
    words = _two_character_words(random.Random(seed + 1)) if many_keywords else iter(())
    span = timedelta(days=3 * 365).total_seconds()
    for index in range(count):
        lang = rng.choices(["zh-Hant", "zh-Hans", "en"], weights=[6, 2, 2])[0]
        # A few articles are scheduled for a date after the corpus's end: never published.
        future = index % 97 == 0
        offset = timedelta(seconds=rng.random() * span)
        date = END + offset if future else END - offset
        paragraphs = rng.randint(3, 12)
        body = _body(rng, lang, paragraphs, index)
        headline = {"en": "Ferry timetable changes", "zh-Hant": "市區交通安排更新"}
        title = f"第{index}號公告：{headline.get(lang, '市区交通安排更新')}"
        if lang == "en":
            title = f"{headline['en']} for district {index}"
        result.append(
            Piece(
                district=rng.randrange(len(DISTRICTS)),
                desk=rng.randrange(len(DESKS)),
                slug=f"story-{index}",
                title=title,
                date=date.replace(microsecond=0),
                lang=lang,
                tags=_tags(rng, words) if many_keywords else _few_tags(rng),
                body=body,
                image=rng.randrange(IMAGES) if rng.random() < 0.6 else None,
                draft=index % 89 == 0,
            )
        )
    return result


def _few_tags(rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(TAG_POOL, rng.randint(1, 4)))


def _tags(rng: random.Random, fresh: Iterator[str]) -> tuple[str, ...]:
    """One to four keywords: most new (``fresh``), the rest from the common pool."""
    tags = [
        next(fresh) if rng.random() < NEW_KEYWORD_SHARE else rng.choice(TAG_POOL)
        for _ in range(rng.randint(1, 4))
    ]
    return tuple(dict.fromkeys(tags))


def _two_character_words(rng: random.Random) -> Iterator[str]:
    """Every pair of ``COMMON``'s characters once, in a shuffled order."""
    characters = "".join(dict.fromkeys(COMMON))
    pairs = [a + b for a in characters for b in characters if a != b]
    rng.shuffle(pairs)
    return iter(pairs)


def _body(rng: random.Random, lang: str, paragraphs: int, index: int) -> str:
    unit = {"zh-Hant": HANT, "zh-Hans": HANS, "en": ENGLISH}[lang]
    blocks = []
    for number in range(paragraphs):
        text = unit * rng.randint(2, 5)
        if number == 1:
            text += f" [相關報道](https://example.org/news/{index})"
        blocks.append(text)
        if number == 2 and rng.random() < 0.3:
            blocks.append(f"![A harbour view, photo {index}](/images/photo-{index % IMAGES}.png)")
        if number == 3 and rng.random() < 0.2:
            blocks.append("## 背景" if lang != "en" else "## Background")
    return "\n\n".join(blocks) + "\n"


def write_site(
    root: Path, count: int, seed: int = 2026, many_keywords: bool = False
) -> list[Piece]:
    """Write the corpus as a reader site and a Hugo site in one folder."""
    content = root / "content"
    (root / "static" / "images").mkdir(parents=True, exist_ok=True)
    for number in range(IMAGES):
        (root / "static" / "images" / f"photo-{number}.png").write_bytes(_png(1200, 675, number))
    (root / "site.toml").write_text(
        'title = "Bench City News"\nlanguage = "zh-Hant"\ntimezone = "Asia/Shanghai"\n'
        'base_url = "https://news.example.org/"\nfeed_length = 20\npage_size = 20\n'
        'license = "https://creativecommons.org/licenses/by/4.0/"\n',
        encoding="utf-8",
    )
    (root / "hugo.toml").write_text(
        'baseURL = "https://news.example.org/"\ntitle = "Bench City News"\n'
        'languageCode = "zh-Hant"\ntimeZone = "Asia/Shanghai"\n'
        "[pagination]\npagerSize = 20\n[services.rss]\nlimit = 20\n",
        encoding="utf-8",
    )
    _write_hugo_layouts(root / "layouts")
    for d, district in enumerate(DISTRICTS):
        folder = content / district
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "_index.md", f"---\ntitle: {DISTRICT_TITLES[d]}\nweight: {d}\n---\n")
        for k, desk in enumerate(DESKS):
            (folder / desk).mkdir(exist_ok=True)
            _write(folder / desk / "_index.md", f"---\ntitle: {DESK_TITLES[k]}\n---\n")
    generated = pieces(count, seed, many_keywords)
    for piece in generated:
        folder = content / DISTRICTS[piece.district] / DESKS[piece.desk]
        _write(folder / f"{piece.slug}.md", _front_matter(piece) + "\n" + piece.body)
    return generated


def _front_matter(piece: Piece) -> str:
    lines = [
        "---",
        f'title: "{piece.title}"',
        f"date: {piece.date.isoformat()}",
        f"tags: [{', '.join(piece.tags)}]",
        f"lang: {piece.lang}",
        "source: 海灣市新聞網" if piece.lang != "en" else "source: Bay City News",
        "author: 編輯部" if piece.lang != "en" else "author: Newsroom",
    ]
    if piece.image is not None:
        lines.append(f"images: [/images/photo-{piece.image}.png]")
        lines.append(f"image_alt: Photo {piece.image} of the harbour at dusk")
    if piece.draft:
        lines.append("draft: true")
    lines.append("---")
    return "\n".join(lines) + "\n"


def write_pelican(root: Path, generated: list[Piece]) -> None:
    """The same articles in Pelican's own layout and metadata format."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(
        'SITENAME = "Bench City News"\nSITEURL = "https://news.example.org"\n'
        'PATH = "content"\nTIMEZONE = "Asia/Shanghai"\nDEFAULT_LANG = "zh"\n'
        "DEFAULT_PAGINATION = 20\nFEED_MAX_ITEMS = 20\n"
        'FEED_ALL_ATOM = "feeds/all.atom.xml"\nFEED_ALL_RSS = "feeds/all.rss.xml"\n'
        'CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"\n'
        'TAG_FEED_ATOM = "feeds/tag-{slug}.atom.xml"\n'
        "RSS_FEED_SUMMARY_ONLY = False\nSTATIC_PATHS = []\nRELATIVE_URLS = False\n"
        # Page 5 of 'topic 3' would otherwise be written where 'topic 35' is.
        "PAGINATION_PATTERNS = ((1, '{url}', '{save_as}'),\n"
        "    (2, '{base_name}/page/{number}/', '{base_name}/page/{number}/index.html'))\n",
        encoding="utf-8",
    )
    for piece in generated:
        folder = content / DISTRICTS[piece.district]
        folder.mkdir(exist_ok=True)
        meta = [
            f"Title: {piece.title}",
            f"Date: {piece.date.strftime('%Y-%m-%d %H:%M')}",
            f"Category: {DISTRICTS[piece.district]}-{DESKS[piece.desk]}",
            f"Tags: {', '.join(piece.tags)}",
            f"Slug: {piece.slug}",
            f"Lang: {piece.lang}",
        ]
        if piece.draft:
            meta.append("Status: draft")
        _write(folder / f"{piece.slug}.md", "\n".join(meta) + "\n\n" + piece.body)


def _write_hugo_layouts(layouts: Path) -> None:
    """A small theme doing what ours does: crumbs, prev/next, keywords, images, feeds."""
    default = layouts / "_default"
    default.mkdir(parents=True, exist_ok=True)
    _write(
        default / "baseof.html",
        '<!doctype html><html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">'
        "<title>{{ .Title }} | {{ site.Title }}</title>"
        '{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}"'
        ' href="{{ .Permalink }}">{{ end }}</head><body>'
        '<nav aria-label="breadcrumb"><ol>{{ range .Ancestors.Reverse }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol></nav>'
        '<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer>'
        "</body></html>\n",
    )
    _write(
        default / "single.html",
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>'
        '<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">'
        '{{ .Date.Format "2006-01-02 15:04" }}</time>'
        '{{ with .Params.images }}<img src="{{ index . 0 }}" alt="{{ $.Params.image_alt }}">'
        "{{ end }}{{ .Content }}"
        '<ul>{{ range .Params.tags }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">'
        "{{ . }}</a></li>{{ end }}</ul>"
        '{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "{{ end }}"
        '{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "{{ end }}"
        "</article>{{ end }}\n",
    )
    _write(
        default / "list.html",
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>'
        '{{ with .Paginator.Next }}<a rel="next" href="{{ .URL }}">next</a>{{ end }}'
        "{{ end }}\n",
    )


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _png(width: int, height: int, shade: int) -> bytes:
    """A real, small, single-colour PNG, so image sizes can be read from it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes([shade * 20 % 256]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    """Write the corpus and say where."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pelican", type=Path, help="also write a Pelican copy here")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--many-keywords", action="store_true", help="most articles bring new keywords"
    )
    args = parser.parse_args()
    generated = write_site(args.out, args.articles, args.seed, args.many_keywords)
    if args.pelican:
        write_pelican(args.pelican, generated)
    print(f"wrote {len(generated)} articles to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
