"""Benchmark: the daily late check over synthetic databases of 10k, 100k and 1M requests.

    .venv/bin/python bench/bench_late.py [--sizes 10000 100000 1000000] [--today 2026-03-02]

Databases are built once with ``bench.synthetic`` and cached under ``bench/out/``. Every
measurement runs in a fresh subprocess, so that its peak memory (``ru_maxrss``: SQLite's page
cache and temp tables included, which tracemalloc cannot see) is its own:

- ``first``: flags emptied, partial indexes dropped, then one ``late.check`` (creates the
  indexes and raises every flag);
- ``again``: ``late.check`` on the same day once more (the idempotent daily case).

Target on a 2-core machine: under 30 s and 500 MB at 1,000,000 requests.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_SECONDS, TARGET_MB = 30.0, 500.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def child_build(path: str, size: int, today: str) -> dict:
    from bench import synthetic

    started = time.perf_counter()
    synthetic.generate(path, size, today=date.fromisoformat(today))
    return {"seconds": round(time.perf_counter() - started, 2), "peak_mb": round(_peak_mb(), 1)}


def child_check(path: str, mode: str, today: str) -> dict:
    from tracker.bot import late
    from tracker.store.db import open_db, upgrade
    from tracker.store.schema import TABLES_BY_NAME

    db = open_db(path)
    if mode == "first":
        with db.atomic():
            for index in TABLES_BY_NAME["requests"].partial_indexes:
                db.execute(f"drop index if exists {index.name}")
            db.execute("delete from notifications")
            db.execute("delete from flags")
    started = time.perf_counter()
    if mode == "first":  # the first check also builds the partial indexes it uses
        upgrade(db)
    report = late.check(db, date.fromisoformat(today))
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2), "peak_mb": round(_peak_mb(), 1), "raised": len(report.raised),
        "cleared": len(report.cleared), "open": report.open_counts,
    }


def _run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"child {' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--today", default="2026-03-02", help="the day the databases are built for and checked on")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, *rest = args.child
        result = child_build(path, int(rest[0]), args.today) if kind == "build" else child_check(path, kind, args.today)
        print(json.dumps(result))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes:
        path = OUT / f"synthetic_{size}_{args.today}.db"
        sidecar = path.with_suffix(".build.json")
        cached = path.exists()
        if not cached:
            print(f"building {path.name} ...", file=sys.stderr, flush=True)
            sidecar.write_text(json.dumps(_run_child("build", str(path), str(size))), encoding="utf-8")
        build = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else None
        first = _run_child("first", str(path))
        again = _run_child("again", str(path))
        results.append({"requests": size, "database_mb": round(path.stat().st_size / 2**20, 1), "build": build,
                        "first": first, "again": again})
        print(f"{size:>9,} requests: first check {first['seconds']:6.2f} s, {first['peak_mb']:6.1f} MB peak "
              f"({first['raised']:,} flags raised); again {again['seconds']:6.2f} s, {again['peak_mb']:6.1f} MB"
              + (f"; built in {build['seconds']:.0f} s, {build['peak_mb']:.0f} MB peak" if build else "")
              + (" (cached)" if cached else ""),
              flush=True)
    (OUT / "bench_late.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    largest = results[-1]
    worst = max(largest["first"]["seconds"], largest["again"]["seconds"])
    peak = max(largest["first"]["peak_mb"], largest["again"]["peak_mb"])
    verdict = "within" if worst < TARGET_SECONDS and peak < TARGET_MB else "OUTSIDE"
    print(f"at {largest['requests']:,} requests: {worst:.2f} s and {peak:.0f} MB, {verdict} the target "
          f"of {TARGET_SECONDS:.0f} s and {TARGET_MB:.0f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
