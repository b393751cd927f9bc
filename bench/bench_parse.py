"""Parse throughput on the 10 real WhatDoTheyKnow pages, as a ratio to bare BeautifulSoup(lxml).

Target: within 1.5x. ``python -m bench.bench_parse [--json]``
"""

from __future__ import annotations

import sys

from bs4 import BeautifulSoup

from bench.common import ROOT, best_of, show_result
from scrapers.alaveteli import parse_request_page

PAGES = sorted((ROOT / "tests" / "fixtures" / "wdtk_2019").glob("*.html"))
URL = "https://www.whatdotheyknow.com/request/{}"


def measure() -> dict:
    contents = [(page.read_bytes(), URL.format(page.stem)) for page in PAGES]
    total = sum(len(content) for content, _ in contents)
    for content, _ in contents:  # warm up
        BeautifulSoup(content, "lxml")

    def bare() -> None:
        for content, _ in contents:
            BeautifulSoup(content, "lxml")

    def ours() -> None:
        for content, url in contents:
            try:
                parse_request_page(content, url)
            except ValueError:
                parse_request_page(content, URL.format("x"))

    bare_s, ours_s = best_of(bare, 7), best_of(ours, 7)
    return {
        "pages": len(contents),
        "megabytes": round(total / 1e6, 2),
        "bare_bs4_ms_per_page": round(1000 * bare_s / len(contents), 2),
        "parse_ms_per_page": round(1000 * ours_s / len(contents), 2),
        "pages_per_second": round(len(contents) / ours_s, 1),
        "ratio": round(ours_s / bare_s, 2),
        "target": 1.5,
    }


def main() -> int:
    result = measure()
    show_result("bench_parse", result, "parse", sys.argv)
    return 0 if result["ratio"] <= result["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
