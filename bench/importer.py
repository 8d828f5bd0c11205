"""The importer's speed: pages a second on one core, and where the time goes.

Usage: python bench/importer.py [--pages 2000]
Writes portal-shaped pages (breadcrumb, byline, hot words, a link farm, glued pinyin) into a
temporary folder, imports them into a fresh site with ``--no-download``, and prints the rate
and the share of time of each step, to paste into docs/import.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.importing.pages import Profile
from reader.importing.run import run_import
from reader.importing.writer import Writer

SENTENCES = (
    "港灣渡輪公司宣布增開夜間班次，末班船延至晚上十一時半。",
    "交通局表示，過去半年夜間乘客人數上升約三成。",
    "區議會建議在碼頭增設候船座椅和遮雨設施。",
    "市民可於網上提交意見，諮詢期為期一個月。",
    "工程期間，市民可改用平行道路前往碼頭，沿途設有指示牌。",
    "圖書館增設長者閱讀角，提供大字版書籍和放大鏡。",
)
SECTIONS = (("專題", "港灣區", "新聞資訊"), ("市政",), ("體育", "賽事"), ("財經", "小店"))


def page(number: int, rng: random.Random) -> str:
    """One portal-shaped page."""
    trail = rng.choice(SECTIONS)
    crumbs = " &gt; ".join(f'<a href="/{i}/">{name}</a>' for i, name in enumerate(trail))
    paragraphs = "".join(
        "<p>" + "".join(rng.choices(SENTENCES, k=4)) + "</p>" for _ in range(rng.randint(3, 8))
    )
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>新聞{number}_海灣市新聞網</title>
<link rel="canonical" href="https://old.example.org/news/{number}.html"></head><body>
<div class="nav"><a href="/">首頁</a><a href="/a/">專題</a><a href="/b/">市政</a></div>
<div class="pos"><a href="/">首頁</a> &gt; {crumbs} &gt; 正文</div>
<h1>專題報道丨港灣新聞第{number}號 區(qū)議會討論</h1>
<div class="info">2026-11-{rng.randint(1, 28):02d} 08:{rng.randint(0, 59):02d}
　來源：海灣市交通局　作者：林曉雯</div>
<div class="content">{paragraphs}<p>經(jīng)濟發(fā)展</p></div>
<p>友情鏈接：<a href="http://a.casino.example.com/">百家樂</a> <a href="http://b.example.com/">時時彩</a>
<a href="http://c.example.com/">蜘蛛池</a></p>
<div class="hot">相關熱詞：<a href="/s?q=1">渡輪</a> <a href="/s?q=2">交通</a></div>
<div class="footer">許可證編號：00000000</div></body></html>"""


def main() -> int:
    """Write the pages, import them once under the profiler, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        source, site = Path(folder) / "pages", Path(folder) / "site"
        source.mkdir()
        (site / "content").mkdir(parents=True)
        for number in range(args.pages):
            (source / f"{number}.html").write_text(page(number, rng), encoding="utf-8")
        writer = Writer(site, download=False, language="zh-Hant")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        summary = run_import(source, writer, ZoneInfo("Asia/Shanghai"), Profile())
        profiler.disable()
        elapsed = time.perf_counter() - started
    assert summary.counts["imported"] == args.pages, summary.lines()[-1]
    print(f"{args.pages} pages in {elapsed:.1f} s: {args.pages / elapsed:.0f} pages a second")
    stats = pstats.Stats(profiler, stream=io.StringIO())
    steps = {
        "text extraction (trafilatura.extract)": "trafilatura/core.py:.*\\(extract\\)",
        "date fallback (htmldate)": "htmldate/core.py:.*\\(find_date\\)",
        "decoding and parsing the page (lxml)": "lxml/html/__init__.py:.*\\(fromstring\\)",
        "link farms (hygiene.drop_link_farms)": "hygiene.py:.*\\(drop_link_farms\\)",
        "writing bundles (Writer.write)": "writer.py:.*\\(write\\)",
    }
    for label, pattern in steps.items():
        spent = sum(
            v[3]
            for (file, line, name), v in stats.stats.items()  # type: ignore[attr-defined]
            if re.search(pattern, f"{file}:{line}({name})")
        )
        print(f"| {label} | {spent / elapsed:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
