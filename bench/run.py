"""Run every benchmark, each in its own process, and print one table against the targets.

    make bench                 # or: .venv/bin/python -m bench.run [--quick] [--only NAME ...]

Databases of 10k, 100k and 1M synthetic requests are built once and cached in bench/out/
(about 7 GB; building the 1M ones takes a few minutes). ``--quick`` skips the 1M sizes and
runs the reliability and change-detection benches at a tenth of their size (and the concurrency
scenarios five times each on the 51 sample threads).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, table

FULL_SIZES = ["10000", "100000", "1000000"]
QUICK_SIZES = ["10000", "100000"]
TARGETED_PAGES = ("league table", "thread page", "full-text search (phrase)")


def benches(quick: bool) -> list[tuple[str, list[str]]]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    return [
        ("parse", ["-m", "bench.bench_parse"]),
        ("memory", ["-m", "bench.bench_memory"]),
        ("classify", ["-m", "bench.bench_classify", "--repeat", "10" if quick else "30"]),
        ("classify_share", ["-m", "bench.bench_classify_share", "--rounds", "5" if quick else "15"]),
        ("ingest", ["-m", "bench.bench_ingest", "--threads", "2000" if quick else "5000"]),
        ("late", ["bench/bench_late.py", "--sizes", *sizes]),
        *[("publish", ["-m", "bench.bench_publish", "--requests", size]) for size in sizes],
        ("changes", ["-m", "bench.bench_changes", "--threads", "1000" if quick else "10000"]),
        ("reliability", ["-m", "bench.bench_reliability", "--fetches", "600" if quick else "5000",
                         "--kills", "6" if quick else "20"]),
        ("mbox", ["-m", "bench.bench_mbox"]),
        ("concurrency", ["-m", "bench.bench_concurrency", "--trials", "5" if quick else "20",
                         "--copies", "1" if quick else "4"]),
    ]


def exponent(points: list[tuple[float, float]]) -> float | None:
    """The slope of log(cost) against log(size): 1.0 is linear, below 1 is sublinear."""
    points = [(n, c) for n, c in points if n > 0 and c > 0]
    if len(points) < 2:
        return None
    xs, ys = [math.log(n) for n, _ in points], [math.log(c) for _, c in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def load(name: str):
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def summary() -> list[list[object]]:
    rows: list[list[object]] = []
    if parse := load("bench_parse"):
        rows.append(["parse vs bare BeautifulSoup(lxml)", f"{parse['ratio']}x", "<= 1.5x", parse["ratio"] <= 1.5])
    if memory := load("bench_memory"):
        rows.append([f"peak memory, {memory['page_mb']:g} MB page: parse / import", f"{memory['parse_peak_mb']:.0f} MB / "
                     f"{memory['import_peak_mb']:.0f} MB (one tree: {memory['one_tree_peak_mb']:.0f} MB)",
                     f"<= {memory['target_mb']} MB", max(memory["parse_peak_mb"], memory["import_peak_mb"]) <= memory["target_mb"]])
        rows.append([f"{memory['huge_mb']:g} MB page imported", f"refused, {memory['refused_peak_mb']:.0f} MB peak",
                     "refused in one line", memory["refused_in_one_line"]])
    if classify := load("bench_classify"):
        rows.append(["classification cost / page parse", f"{classify['ratio_all_pages']:.3f} (max {classify['ratio_max']:.3f})",
                     "<= 0.25", classify["ratio_all_pages"] <= 0.25])
        rows.append(["classify + extract one message", f"{classify['median_message_us']} us", "", ""])
    if share := load("bench_classify_share"):
        for corpus, report in share["corpora"].items():
            longest = report["longest"]
            rows.append([f"classification / page parse, longest {corpus} thread ({longest['messages']} messages)",
                         f"{longest['share']:.3f} (median thread {report['median_share']:.3f})", "<= 0.25",
                         report["longest_meets_target"]])
    if ingest := load("bench_ingest"):
        rows.append(["ingest vs bare executemany", f"{ingest['ratio']}x (one transaction a thread: "
                     f"{ingest['ratio_one_transaction_per_thread']}x)", "<= 2.5x", ingest["ratio"] <= 2.5])
    if late := load("bench_late"):
        for entry in late:
            rows.append([f"late check, {entry['requests']:,} requests", f"{entry['first']['seconds']:.2f} s, "
                         f"{entry['first']['peak_mb']:.0f} MB", "< 30 s, < 500 MB" if entry["requests"] >= 1_000_000 else "",
                         entry["first"]["seconds"] < 30 and entry["first"]["peak_mb"] < 500])
        slope = exponent([(e["requests"], e["first"]["seconds"]) for e in late])
        if slope is not None:
            rows.append(["late check: cost ~ requests^k", f"k = {slope:.2f}", "<= 1 (linear)", slope <= 1.1])
    published = [report for size in FULL_SIZES if (report := load(f"publish_{size}"))]
    for report in published:
        for page in TARGETED_PAGES:
            figure = report["results"][page]
            rows.append([f"Datasette {page}, {report['requests']:,} requests", f"{figure['median_ms']:.0f} ms (max "
                         f"{figure['max_ms']:.0f})", "< 500 ms", figure["median_ms"] < 500])
        if "peak_mb" in report:
            rows.append([f"Datasette peak memory, {report['requests']:,} requests", f"{report['peak_mb']:.0f} MB",
                         "< 500 MB", report["peak_mb"] < 500])
    for page in TARGETED_PAGES:
        slope = exponent([(r["requests"], r["results"][page]["median_ms"]) for r in published])
        if slope is not None:
            rows.append([f"Datasette {page}: cost ~ requests^k", f"k = {slope:.2f}", "<= 1 (linear)", slope <= 1.1])
    if changes := load("bench_changes"):
        poll_2 = changes["poll_2"]
        rows.append([f"second poll, {changes['threads']:,} threads, {changes['changed']} changed",
                     f"{poll_2.get('feed', 0)} feeds, {poll_2.get('json', 0)} .json, {poll_2.get('page', 0)} pages",
                     "pages of changed threads only", changes["ok"] and changes["poll_2_pages_of_unchanged_threads"] == 0])
    if reliability := load("bench_reliability"):
        fault, crash = reliability["fault_run"], reliability["crash_run"]
        rows.append([f"fault run, {fault['fetches']:,} fetches", f"{sum(fault['faults'].values())} faults, "
                     f"{fault['messages']} messages, {fault['missing']} lost, {fault['unexpected']} extra",
                     "nothing lost or doubled", fault["ok"]])
        rows.append([f"crash run, {crash['kills']} SIGKILLs", f"{crash['half_saved']} half-saved, "
                     f"{crash['duplicates']} duplicates, equal to uninterrupted: {crash['equal']}", "all ok", crash["ok"]])
    if mbox := load("bench_mbox"):
        for shape, figure in mbox["shapes"].items():
            rows.append([f"import a {figure['mbox_mb']:.0f} MB mbox ({shape})", f"{figure['peak_mb']:.0f} MB peak, "
                         f"{figure['seconds']:.0f} s", f"<= {mbox['target_mb']:.0f} MB", figure["ok"]])
    if concurrency := load("bench_concurrency"):
        for name, figure in concurrency["scenarios"].items():
            rows.append([f"{name} at once, {concurrency['threads']} threads, {figure['trials']} trials",
                         f"exit 0 {figure['clean_exits']}/{figure['trials']}, counts {figure['equal_counts']}/"
                         f"{figure['trials']}, {figure['duplicates']} duplicates", "all, none twice", figure["ok"]])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1M sizes; smaller runs")
    parser.add_argument("--only", nargs="+", help="run only these benches (default: all)")
    parser.add_argument("--summary", action="store_true", help="print the table from the last results only")
    args = parser.parse_args()
    failed = []
    if not args.summary:
        for name, command in benches(args.quick):
            if args.only and name not in args.only:
                continue
            print(f"\n=== {name}: {' '.join(command)}", flush=True)
            started = time.perf_counter()
            code = subprocess.run([sys.executable, *command], cwd=ROOT).returncode
            print(f"--- {name}: exit {code} in {time.perf_counter() - started:.0f} s", flush=True)
            if code:
                failed.append(name)
    rows = summary()
    print()
    print(table([[what, figure, target, "" if ok == "" else ("yes" if ok else "NO")] for what, figure, target, ok in rows],
                ["measure", "figure", "target", "met"]))
    if failed:
        print(f"\nbenches that failed: {', '.join(failed)}")
    return 1 if failed or any(ok is False for *_, ok in rows) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
