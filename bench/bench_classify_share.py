"""What reading a thread costs next to parsing its page, thread by thread, on real threads.

Two corpora: the 10 real WhatDoTheyKnow pages saved in 2019 (tests/fixtures/wdtk_2019) and the
75 saved Sheffield threads (tests/fixtures/sheffield) rendered as the pages the site shows
(``tracker.demo.saved``, 2025 markup). For every page, each round times the page parse
(``parse_request_page``) and then the reading of the thread it gave (``classify_thread`` +
``infer_status``), in CPU time (``time.process_time``); rounds go over every page in turn, so
that a busy machine slows both alike. The share of a thread is the median classification over
the median parse. Reported for each corpus: the median thread, the worst thread and the
longest (by page bytes). Target (issue 12): the longest real thread's classification costs at
most 25% of its page parse.

Attachments are named but their text is not read yet (another issue): reading them will add
to the classification side. The rendered Sheffield pages carry less of the site's chrome
(navigation, scripts, footer) than the real pages do, so their parse is cheaper and their share
higher than the same thread's share on the site's own page would be.

``python -m bench.bench_classify_share [--rounds 15] [--json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field

from bench.common import ROOT, table, write_result
from bench.sheffield import saved_threads, sheffield_page
from scrapers.alaveteli import parse_request_page
from tracker.reading.classify import classify_thread
from tracker.reading.status import infer_status

WDTK = "https://www.whatdotheyknow.com"
REAL_2019 = sorted((ROOT / "tests" / "fixtures" / "wdtk_2019").glob("*.html"))
TARGET = 0.25
ATTACHMENTS_NOTE = "attachment text is not read yet (another issue): only their names count"
RENDERED_NOTE = "the Sheffield pages are rendered with less chrome than real pages: a cheaper parse, a higher share"


@dataclass
class Page:
    corpus: str
    name: str
    url: str
    content: bytes
    messages: int = 0
    parse: list[float] = field(default_factory=list)
    classify: list[float] = field(default_factory=list)

    @property
    def share(self) -> float:
        return statistics.median(self.classify) / statistics.median(self.parse)


def pages() -> list[Page]:
    found = [Page("wdtk_2019", path.name, f"{WDTK}/request/{path.stem}", path.read_bytes()) for path in REAL_2019]
    for name, saved in saved_threads().items():
        content = sheffield_page(saved, WDTK).encode("utf-8")
        found.append(Page("sheffield", name, f"{WDTK}/request/{saved.slug}", content))
    return found


def read_once(page: Page) -> tuple[float, float, int]:
    """CPU seconds to parse the page, then to classify the thread it gave; its message count."""
    start = time.process_time()
    thread = parse_request_page(page.content, page.url)
    parsed = time.process_time()
    classify_thread(thread)
    infer_status(thread)
    return parsed - start, time.process_time() - parsed, len(thread.messages)


def measure(rounds: int) -> list[Page]:
    measured = pages()
    for page in measured:  # warm up: imports, compiled patterns, caches
        read_once(page)
    for _ in range(rounds):
        for page in measured:
            parse, classify, page.messages = read_once(page)
            page.parse.append(parse)
            page.classify.append(classify)
    return measured


def figures(page: Page) -> dict:
    def ms(values: list[float]) -> dict:
        return {"median": round(statistics.median(values) * 1000, 3),
                "min": round(min(values) * 1000, 3), "max": round(max(values) * 1000, 3)}

    return {"thread": page.name, "messages": page.messages, "page_kb": round(len(page.content) / 1024, 1),
            "parse_ms": ms(page.parse), "classify_ms": ms(page.classify), "share": round(page.share, 3)}


def summarise(measured: list[Page], rounds: int) -> dict:
    result: dict = {"rounds": rounds, "clock": "process_time", "target": TARGET, "notes": [ATTACHMENTS_NOTE, RENDERED_NOTE],
                    "corpora": {}}
    for corpus in ("wdtk_2019", "sheffield"):
        group = sorted((p for p in measured if p.corpus == corpus), key=lambda p: p.share)
        longest = max(group, key=lambda p: len(p.content))
        result["corpora"][corpus] = {
            "threads": len(group),
            "median_share": round(statistics.median(p.share for p in group), 3),
            "median": figures(group[len(group) // 2]),
            "worst": figures(group[-1]),
            "longest": figures(longest),
            "longest_meets_target": longest.share <= TARGET,
        }
    return result


def show(result: dict) -> None:
    rows = []
    for corpus, report in result["corpora"].items():
        for which in ("median", "worst", "longest"):
            f = report[which]
            rows.append([corpus, which, f["thread"], f["messages"], f["page_kb"],
                         f"{f['parse_ms']['median']:.2f} ({f['parse_ms']['min']:.2f}-{f['parse_ms']['max']:.2f})",
                         f"{f['classify_ms']['median']:.2f} ({f['classify_ms']['min']:.2f}-{f['classify_ms']['max']:.2f})",
                         f"{f['share']:.3f}"])
    print(table(rows, ["corpus", "thread", "file", "messages", "page KB", "parse ms (range)", "classify ms (range)",
                       "share"]))
    print()
    for corpus, report in result["corpora"].items():
        print(f"{corpus}: {report['threads']} threads, median share {report['median_share']:.3f}; longest thread "
              f"{report['longest']['share']:.3f} (target <= {TARGET}: {'met' if report['longest_meets_target'] else 'NOT met'})")
    print(f"CPU time, median of {result['rounds']} interleaved rounds; classify = classify_thread + infer_status.")
    for note in result["notes"]:
        print(f"Note: {note}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds over every page (default 15)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = summarise(measure(args.rounds), args.rounds)
    write_result("bench_classify_share", result)
    if args.json:
        print(json.dumps(result))
    else:
        show(result)
    return 0 if all(report["longest_meets_target"] for report in result["corpora"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
