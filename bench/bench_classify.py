"""How much reading the letters costs, next to parsing the page they came on.

For the 10 real WhatDoTheyKnow pages (tests/fixtures/wdtk_2019): the median time to classify
and extract one real message (``classify_text``), the median time to parse each page with a
bare ``BeautifulSoup(html, "lxml")``, and for each thread the ratio of classifying all of its
messages in context (``classify_thread``) to parsing its page. Target: ratio <= 0.25.

Run: ``.venv/bin/python bench/bench_classify.py [--repeat N]``. Timings are interleaved (each
round parses then classifies every page) so that a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

from bench.common import write_result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapers.alaveteli import parse_request_page  # noqa: E402
from tracker.reading.classify import classify_text, classify_thread  # noqa: E402

PAGES = sorted((ROOT / "tests" / "fixtures" / "wdtk_2019").glob("*.html"))
TARGET = 0.25


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="rounds (default 30)")
    repeat = parser.parse_args().repeat

    pages = [(path.name, path.read_bytes()) for path in PAGES]
    threads = {name: parse_request_page(html, "https://www.whatdotheyknow.com/request/" + name) for name, html in pages}
    parse_times: dict[str, list[float]] = {name: [] for name, _ in pages}
    thread_times: dict[str, list[float]] = {name: [] for name, _ in pages}
    message_times: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, html in pages:
            parse_times[name].append(_timed(BeautifulSoup, html, "lxml"))
            thread_times[name].append(_timed(classify_thread, threads[name]))
            for message in threads[name].messages:
                message_times.setdefault(message.id, []).append(
                    _timed(classify_text, message.body_text, None, message.direction))

    print(f"{'page':<14}{'messages':>9}{'parse ms':>10}{'classify ms':>13}{'ratio':>8}")
    ratios = []
    total_parse = total_classify = 0.0
    for name, _ in pages:
        parse = statistics.median(parse_times[name])
        classify = statistics.median(thread_times[name])
        ratios.append(classify / parse)
        total_parse += parse
        total_classify += classify
        print(f"{name:<14}{len(threads[name].messages):>9}{parse * 1000:>10.2f}{classify * 1000:>13.2f}{classify / parse:>8.3f}")
    per_message = statistics.median(statistics.median(times) for times in message_times.values())
    median_parse = statistics.median(statistics.median(times) for times in parse_times.values())
    print()
    print(f"messages: {len(message_times)}; rounds: {repeat}")
    print(f"median time to classify and extract one message: {per_message * 1e6:.0f} us "
          f"({per_message / median_parse:.3f} of the median page parse, {median_parse * 1000:.2f} ms)")
    print(f"thread classification / page parse: median {statistics.median(ratios):.3f}, "
          f"max {max(ratios):.3f}, all pages together {total_classify / total_parse:.3f} (target <= {TARGET})")
    write_result("bench_classify", {
        "messages": len(message_times), "median_message_us": round(per_message * 1e6),
        "median_page_parse_ms": round(median_parse * 1000, 2), "ratio_median": round(statistics.median(ratios), 3),
        "ratio_max": round(max(ratios), 3), "ratio_all_pages": round(total_classify / total_parse, 3), "target": TARGET,
    })
    return 0 if total_classify / total_parse <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
