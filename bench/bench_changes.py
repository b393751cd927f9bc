"""Change detection at scale: a 10,000-thread sample site, 1% of threads changed between polls.

Follows every authority of the loopback sample site (each past Alaveteli's 500-result cap, so
by date windows), polls everything once, adds a message to 1% of the threads, polls again, and
prints what each poll cost in requests by kind. Target: the second poll fetches only the changed
threads' pages (plus feeds), and unchanged threads cost no page fetch.

    .venv/bin/python -m bench.bench_changes [--threads 10000] [--changed 0.01]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.common import write_result
from scrapers.http import PoliteClient
from tracker.ingest import follow as following
from tracker.ingest import poll as polling
from tracker.store.db import open_db
from tracker.demo import DemoSite
from tracker.demo.corpus import build_corpus
from tracker.model import INCOMING, Message
from tracker.model.times import london_today, utc_now


def kind_of(path: str) -> str:
    if path.startswith("/feed/"):
        return "feed"
    if path.startswith("/request/"):
        return "json" if path.endswith(".json") else "page"
    if path.startswith("/list") or path.startswith("/body/") or path.startswith("/user/"):
        return "listing"
    return "other"


def costs(site: DemoSite, start: int) -> Counter:
    return Counter(kind_of(entry.path) for entry in site.log[start:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()
    today = london_today()
    copies = -(-args.threads // len(build_corpus(today)))

    started = time.perf_counter()
    with DemoSite(today, copies=copies) as site, tempfile.TemporaryDirectory() as folder:
        print(f"sample site: {len(site.threads)} threads ({time.perf_counter() - started:.1f} s to render)")
        db = open_db(Path(folder) / "changes.db")
        client = PoliteClient(allowed_hosts={site.host})
        bodies = sorted({f"{site.base_url}/body/{t.authority.url_name}" for t in site.threads})

        mark = len(site.log)
        clock = time.perf_counter()
        following.follow_listings(db, client, bodies)
        follow_cost, follow_time = costs(site, mark), time.perf_counter() - clock

        mark = len(site.log)
        clock = time.perf_counter()
        first = polling.poll(db, client)
        first_cost, first_time = costs(site, mark), time.perf_counter() - clock

        changed = sorted(site.threads, key=lambda t: t.slug)[:: int(1 / args.changed)]
        now = utc_now()
        for n, thread in enumerate(changed):
            site.add_message(thread.slug, Message(
                id=f"{site.host}/incoming-{900_000_000 + n}", direction=INCOMING,
                sent_at=(now - timedelta(minutes=1)).isoformat(timespec="seconds"),
                author=thread.authority.name, body_text="Thank you for your patience.", event_type="response",
            ))

        mark = len(site.log)
        clock = time.perf_counter()
        second = polling.poll(db, client)
        second_cost, second_time = costs(site, mark), time.perf_counter() - clock
        changed_pages = {f"/request/{t.slug}" for t in changed}
        fetched_pages = {e.path for e in site.log[mark:] if kind_of(e.path) == "page"}

        print()
        print(f"{'step':<26}{'feeds':>8}{'listings':>10}{'.json':>8}{'pages':>8}{'seconds':>10}")
        for name, cost, seconds in (
            (f"follow {len(bodies)} authorities", follow_cost, follow_time),
            (f"poll 1 ({first.attempted} threads)", first_cost, first_time),
            (f"poll 2 ({len(changed)} changed)", second_cost, second_time),
        ):
            print(f"{name:<26}{cost['feed']:>8}{cost['listing']:>10}{cost['json']:>8}{cost['page']:>8}{seconds:>10.1f}")
        print()
        print(f"threads followed: {db['requests'].count} of {len(site.threads)}")
        print(f"second poll: {second.feeds.woken} woken by feeds; pages fetched {len(fetched_pages)}, "
              f"all of them changed threads: {fetched_pages == changed_pages}; "
              f"unchanged threads fetched: {len(fetched_pages - changed_pages)}")
        new = db["messages"].count_where("id like ?", [f"{site.host}/incoming-9000%"])
        print(f"new messages stored: {new} of {len(changed)}")
        ok = fetched_pages == changed_pages and new == len(changed) and db["requests"].count == len(site.threads)
        write_result("bench_changes", {
            "threads": len(site.threads), "changed": len(changed), "followed": db["requests"].count,
            "follow": dict(follow_cost), "poll_1": dict(first_cost), "poll_2": dict(second_cost),
            "poll_2_pages_of_unchanged_threads": len(fetched_pages - changed_pages), "ok": ok,
        })
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
