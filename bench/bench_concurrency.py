"""Many processes, one database: each scenario of bench/concurrency.py, 20 trials by default.

    .venv/bin/python -m bench.bench_concurrency [--trials 20] [--copies 4] [--only NAME ...]

Every trial starts real ``foi-tracker`` processes at once on one database (the sample site on
127.0.0.1, copied ``--copies`` times); it passes when every process exits 0, the row counts equal
a single run's and nothing is stored or delivered twice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from bench.common import table, write_result
from bench.concurrency import SCENARIOS, Bench, run_scenario


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--copies", type=int, default=4, help="copies of the 51 sample threads (default 4: 204)")
    parser.add_argument("--only", nargs="+", help="run only the scenarios whose names start with these")
    args = parser.parse_args()

    scenarios = [s for s in SCENARIOS if not args.only or any(s.name.startswith(name) for name in args.only)]
    rows, figures = [], {}
    with tempfile.TemporaryDirectory() as scratch, Bench(Path(scratch), copies=args.copies) as bench:
        for scenario in scenarios:
            result = run_scenario(bench, scenario, args.trials)
            seconds = [trial.seconds for trial in result.trials]
            skipped = sum(trial.skipped for trial in result.trials)
            rows.append([scenario.name, len(result.trials), f"{result.clean_exits}/{len(result.trials)}",
                         f"{result.equal_counts}/{len(result.trials)}", result.duplicates, skipped,
                         f"{statistics.median(seconds):.1f}", f"{max(seconds):.1f}", "yes" if result.ok else "NO"])
            figures[scenario.name] = {
                "trials": len(result.trials), "clean_exits": result.clean_exits, "equal_counts": result.equal_counts,
                "duplicates": result.duplicates, "skipped": skipped, "median_seconds": statistics.median(seconds),
                "max_seconds": max(seconds), "expected": result.expected, "ok": result.ok,
            }
            for trial in result.trials:
                for error in trial.errors:
                    print(f"{scenario.name}: {error}", file=sys.stderr)
                if sum(trial.duplicates.values()):
                    print(f"{scenario.name}: duplicates {dict(+trial.duplicates)}", file=sys.stderr)
                if trial.counts != result.expected:
                    differ = {k: (v, result.expected[k]) for k, v in trial.counts.items() if v != result.expected[k]}
                    print(f"{scenario.name}: counts (got, single run) {differ}", file=sys.stderr)
    print(table(rows, ["scenario", "trials", "all exit 0", "counts = single run", "duplicates",
                       "threads skipped", "median s", "max s", "ok"]))
    threads = 51 * args.copies
    write_result("bench_concurrency", {"threads": threads, "scenarios": figures})
    ok = all(figure["ok"] for figure in figures.values())
    print(f"\n{threads} threads; " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
