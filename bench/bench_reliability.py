"""Never lose a message, at full size: the fault run (5,000 fetches at a 20% fault rate, then
faults off and one more poll) and the crash run (the poller killed with SIGKILL 20 times).

    .venv/bin/python -m bench.bench_reliability [--fetches 5000] [--kills 20]
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.common import table, write_result
from bench.runs import crash_run, fault_run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetches", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    faults = fault_run(args.fetches, rate=args.rate, seed=11)
    fault_seconds = time.perf_counter() - started
    started = time.perf_counter()
    crashes = crash_run(args.kills, copies=10, fetches_before_kill=(2, 900), seed=5, changing=0.05)
    crash_seconds = time.perf_counter() - started

    print(table([
        ["fetches served", faults.fetches],
        ["polls", faults.polls],
        ["faults served", sum(faults.faults_served.values())],
        ["faults by kind", ", ".join(f"{k} {v}" for k, v in sorted(faults.faults_served.items()))],
        ["failures recorded", ", ".join(f"{k} {v}" for k, v in sorted(faults.errors_recorded.items()))],
        ["messages: truth / stored", f"{faults.truth_messages} / {faults.stored_messages}"],
        ["missing / unexpected", f"{len(faults.missing)} / {len(faults.unexpected)}"],
        ["hidden later: kept with hidden_at", faults.hidden_ok],
        ["equal to a clean run", faults.equal_to_clean_run],
        ["seconds", round(fault_seconds, 1)],
    ], ["fault run", "value"]))
    print()
    print(table([
        ["kills", crashes.kills],
        ["threads saved at each kill", " ".join(map(str, crashes.saved_at_kills))],
        ["integrity_check", "ok" if set(crashes.integrity) == {"ok"} else crashes.integrity],
        ["half-saved threads seen", len(crashes.half_saved)],
        ["duplicate messages", crashes.duplicates],
        ["final database equal to an uninterrupted run", crashes.equal_to_uninterrupted],
        ["threads / messages", f"{crashes.threads} / {crashes.messages}"],
        ["seconds", round(crash_seconds, 1)],
    ], ["crash run", "value"]))
    write_result("bench_reliability", {
        "fault_run": {"ok": faults.ok, "fetches": faults.fetches, "faults": dict(faults.faults_served),
                      "recorded": dict(faults.errors_recorded), "messages": faults.stored_messages,
                      "missing": len(faults.missing), "unexpected": len(faults.unexpected), "seconds": fault_seconds},
        "crash_run": {"ok": crashes.ok, "kills": crashes.kills, "saved_at_kills": crashes.saved_at_kills,
                      "duplicates": crashes.duplicates, "half_saved": len(crashes.half_saved),
                      "equal": crashes.equal_to_uninterrupted, "seconds": crash_seconds},
    })
    ok = faults.ok and crashes.ok
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
