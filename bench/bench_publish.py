"""The published Datasette on a large database: league table, thread page, full-text search.

Target: each answers in under 500 ms (median of warm runs, through Datasette's own request
handling and HTML rendering, in-process) on a synthetic database of 1,000,000 requests. Also
reported, without a target: the other canned queries, the dashboard's chart queries, and the
daily summary refresh that keeps the league table fast.

The database is made once by ``bench.synthetic.generate`` and cached in bench/out/.
``python -m bench.bench_publish [--requests 1000000] [--repeat 5] [--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from datasette.utils import tilde_encode

from bench.common import OUT, peak_rss_mb, table
from tracker.web import publish
from tracker.store import summaries
from tracker.store.db import open_db, private_path

TARGET_MS = 500.0
TODAY = date(2026, 11, 20)
TARGETED = ("league table", "thread page", "full-text search (phrase)", "full-text search (common word)")


def database(requests: int) -> Path:
    """The cached synthetic database of ``requests`` requests, generated on first use."""
    from bench.synthetic import generate

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"publish_{requests}.db"
    if not path.exists():
        partial = path.with_suffix(".db.tmp")
        for leftover in [*OUT.glob(partial.name + "*"), *OUT.glob(private_path(partial).name + "*")]:
            leftover.unlink()
        started = time.perf_counter()
        generate(partial, requests, seed=1, today=TODAY)
        print(f"generated {requests:,} requests in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        private_path(partial).rename(private_path(path))  # the two files go together
        partial.rename(path)
    return path


def prepare(path: Path) -> dict[str, float]:
    """What the daily job does: the late check (once, when there are no flags yet) and the
    summary refresh; return how long each took, in seconds."""
    db = open_db(path)
    timings = {}
    try:
        if not db["flags"].count:
            try:
                from tracker.bot.late import check
            except ImportError:
                check = None
            if check:
                started = time.perf_counter()
                check(db, TODAY)
                timings["late_check_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        summaries.refresh(db)
        timings["summary_refresh_s"] = round(time.perf_counter() - started, 1)
        return timings
    finally:
        db.close()


def phrase_from_a_letter(path: Path, rng: random.Random) -> str:
    """Three consecutive words (letters only) of a random letter, as a quoted phrase."""
    db = open_db(path)
    try:
        top = db.execute("select max(rowid) from messages").fetchone()[0]
        while True:
            text = db.execute("select body_text from messages where rowid = ?", [rng.randint(1, top)]).fetchone()
            words = ((text or [""])[0] or "").split()
            windows = [i for i in range(len(words) - 2) if all(w.isalpha() for w in words[i:i + 3])]
            if windows:
                start = rng.choice(windows)
                return '"' + " ".join(words[start:start + 3]) + '"'
    finally:
        db.close()


def sample_request_ids(path: Path, rng: random.Random, count: int) -> list[str]:
    db = open_db(path)
    try:
        top = db.execute("select max(rowid) from requests").fetchone()[0]
        ids = []
        while len(ids) < count:
            row = db.execute("select id from requests where rowid = ?", [rng.randint(1, top)]).fetchone()
            if row:
                ids.append(row[0])
        return ids
    finally:
        db.close()


def chart_sql(query: str) -> str:
    """A dashboard chart's SQL without its optional filter sections."""
    return re.sub(r"\[\[.*?\]\]", "", query)


def measure(path: Path, repeat: int, seed: int = 7) -> dict[str, dict]:
    rng = random.Random(seed)
    name = path.stem
    datasette = publish.make_datasette(path)
    threads = sample_request_ids(path, rng, repeat)
    phrases = [phrase_from_a_letter(path, rng) for _ in range(repeat)]
    dashboard = publish.metadata_for(path)["plugins"]["datasette-dashboards"]["foi"]["charts"]
    authority = open_db(path).execute(
        "select authority from summary_authority_response_times order by requests desc limit 1").fetchone()[0]
    cases: dict[str, list[str]] = {
        "league table": [f"/{name}/authority_league_table"],
        "thread page": [f"/{name}/requests/{tilde_encode(request_id)}" for request_id in threads],
        "full-text search (phrase)": [f"/{name}/search_correspondence?" + _query({"q": p}) for p in phrases],
        "full-text search (common word)": [f"/{name}/search_correspondence?q={word}"
                                           for word in ("information", "council", "request", "please", "data")],
        "late today": [f"/{name}/late_today"],
        "response time distribution": [f"/{name}/response_time_distribution"],
        "exemptions an authority cites": [f"/{name}/authority_exemptions?authority={authority}"],
        "internal reviews pending": [f"/{name}/internal_reviews_pending"],
        "dashboard page": ["/-/dashboards/foi"],
    }
    for slug, chart in dashboard.items():
        cases[f"chart: {slug}"] = [f"/{name}.json?" + _query({"sql": chart_sql(chart["query"]), "_shape": "objects"})]

    async def run() -> dict[str, dict]:
        await datasette.invoke_startup()
        await datasette.client.get("/")  # introspection of the schema, once
        results = {}
        for label, urls in cases.items():
            first_started = time.perf_counter()
            response = await datasette.client.get(urls[0])
            first = time.perf_counter() - first_started
            if response.status_code != 200:
                raise RuntimeError(f"{label}: {urls[0]} answered {response.status_code}: {response.text[:300]}")
            times = []
            for index in range(repeat):
                url = urls[index % len(urls)]
                started = time.perf_counter()
                response = await datasette.client.get(url)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (label, url, response.status_code)
            results[label] = {
                "first_ms": round(first * 1000, 1),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
                "target_ms": TARGET_MS if label in TARGETED else None,
            }
        return results

    results = asyncio.run(run())
    results["full-text search (phrase)"]["queries"] = phrases
    return results


def _query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    path = database(args.requests)
    timings = prepare(path)
    counts = open_db(path).execute(
        "select (select count(*) from requests), (select count(*) from messages), (select count(*) from flags)"
    ).fetchone()
    results = measure(path, args.repeat)
    report = {"requests": counts[0], "messages": counts[1], "flags": counts[2], **timings, "results": results}
    failed = [label for label, r in results.items() if r["target_ms"] and r["median_ms"] > r["target_ms"]]
    report["ok"] = not failed
    report["peak_mb"] = round(peak_rss_mb(), 1)  # this process: Datasette, SQLite's cache, the queries
    text = "\n".join([
        f"{counts[0]:,} requests, {counts[1]:,} messages, {counts[2]:,} flags; "
        + ", ".join(f"{key[:-2].replace('_', ' ')} {value} s" for key, value in timings.items()),
        table([[label, r["first_ms"], r["median_ms"], r["max_ms"], r["target_ms"] or "",
                ("ok" if r["median_ms"] <= r["target_ms"] else "SLOW") if r["target_ms"] else ""]
               for label, r in results.items()],
              ["what", "first ms", "median ms", "max ms", "target ms", ""]),
        f"peak memory of this process: {report['peak_mb']} MB",
    ])
    (OUT / f"publish_{args.requests}.txt").write_text(text + "\n")
    (OUT / f"publish_{args.requests}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report) if args.json else text)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
