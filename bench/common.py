"""Helpers shared by the benchmarks: timing, peak memory of a fresh process, a table."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def best_of(function: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux's ``VmHWM`` where there is one: ``ru_maxrss`` survives exec, so a process started by
    a bigger one (pytest, say) would report its parent's peak as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def table(rows: list[list[object]], header: list[str]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([line.format(*header), line.format(*("-" * w for w in widths))] + [line.format(*map(str, r)) for r in rows])


def show_result(name: str, result: dict, label: str, argv: list[str]) -> None:
    """Keep a bench's figures (``write_result``) and print them: as JSON with ``--json``, else a table."""
    write_result(name, result)
    if "--json" in argv:
        print(json.dumps(result))
    else:
        print(table([[key, value] for key, value in result.items()], [label, "value"]))


def write_result(name: str, data: object) -> Path:
    """Keep a bench's figures as bench/out/<name>.json for bench/run.py's summary."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path
