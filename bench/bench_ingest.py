"""Ingest of a synthetic corpus through save_thread, as a ratio to a bare executemany of the
same rows into the same schema. Target: within 2.5x.

The corpus is the demo site's 51 threads repeated (new slugs and ids) to ``--threads``.
``python -m bench.bench_ingest [--threads 5000] [--json]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import table, write_result
from tracker.store.db import _annotation_row, _message_row, open_db, save_thread, save_threads
from tracker.demo.corpus import build_corpus
from tracker.demo.server import replicate
from tracker.model import Thread

OBSERVED = "2026-11-20T06:00:00+00:00"


def corpus(threads: int) -> list[Thread]:
    base = build_corpus(date(2026, 11, 20), host="bench.invalid")
    return replicate(base, -(-threads // len(base)))[:threads]


def rows_of(threads: list[Thread]) -> dict[str, list[dict]]:
    """The rows save_thread writes, built the same way, for the bare insert."""
    tables: dict[str, dict[str, dict]] = {name: {} for name in
                                           ("sites", "authorities", "users", "requests", "messages", "attachments", "annotations")}
    for thread in threads:
        tables["sites"][thread.site.id] = {"id": thread.site.id, "base_url": thread.site.base_url, "regime": "foia"}
        if thread.authority:
            a = thread.authority
            tables["authorities"][a.id] = {"id": a.id, "site_id": a.site_id, "url_name": a.url_name, "name": a.name,
                                           "tags": " ".join(a.tags)}
        if thread.user:
            u = thread.user
            tables["users"][u.id] = {"id": u.id, "site_id": u.site_id, "url_name": u.url_name, "name": u.name}
        tables["requests"][thread.id] = {
            "id": thread.id, "site_id": thread.site.id, "url": thread.url, "slug": thread.slug, "title": thread.title,
            "authority_id": thread.authority.id if thread.authority else None,
            "user_id": thread.user.id if thread.user else None, "site_status": thread.site_status,
            "status": thread.site_status, "first_seen_at": OBSERVED, "last_changed_at": OBSERVED,
        }
        for position, message in enumerate(thread.messages):
            row = _message_row(thread.id, position, message)
            row.update(first_seen_at=OBSERVED, updated_at=OBSERVED, source="page")
            tables["messages"][message.id] = row
            for attachment in message.attachments:
                tables["attachments"][attachment.id] = {
                    "id": attachment.id, "message_id": attachment.message_id, "filename": attachment.filename,
                    "url": attachment.url, "content_type": attachment.content_type, "size": attachment.size,
                    "first_seen_at": OBSERVED}
        for note in thread.annotations:
            row = _annotation_row(note)
            row["first_seen_at"] = OBSERVED
            tables["annotations"][note.id] = row
    return {name: list(rows.values()) for name, rows in tables.items()}


def bare_executemany(path: Path, rows: dict[str, list[dict]]) -> float:
    db = open_db(path)
    start = time.perf_counter()
    with db.conn:
        for name, table_rows in rows.items():
            for columns in {tuple(row) for row in table_rows}:
                same = [row for row in table_rows if tuple(row) == columns]
                sql = f"insert into [{name}] ({', '.join(f'[{c}]' for c in columns)}) values ({', '.join('?' * len(columns))})"
                db.conn.executemany(sql, [tuple(row[c] for c in columns) for row in same])
    return time.perf_counter() - start


def through_save_thread(path: Path, threads: list[Thread]) -> float:
    db = open_db(path)
    start = time.perf_counter()
    for thread in threads:
        save_thread(db, thread, OBSERVED)
    return time.perf_counter() - start


def through_save_threads(path: Path, threads: list[Thread]) -> float:
    db = open_db(path)
    start = time.perf_counter()
    save_threads(db, threads, OBSERVED)
    return time.perf_counter() - start


def measure(count: int) -> dict:
    threads = corpus(count)
    rows = rows_of(threads)
    with tempfile.TemporaryDirectory() as folder:
        bare = bare_executemany(Path(folder) / "bare.db", rows)
        bulk = through_save_threads(Path(folder) / "bulk.db", threads)
        one_by_one = through_save_thread(Path(folder) / "each.db", threads)
        stored = {name: open_db(Path(folder) / f"{name}.db")["messages"].count for name in ("bare", "bulk", "each")}
    return {
        "threads": len(threads),
        "messages": len(rows["messages"]),
        "stored_messages": stored,
        "bare_executemany_s": round(bare, 2),
        "save_threads_s (500 threads a transaction)": round(bulk, 2),
        "save_thread_s (a transaction each)": round(one_by_one, 2),
        "threads_per_second (bulk)": round(len(threads) / bulk),
        "ratio": round(bulk / bare, 2),
        "ratio_one_transaction_per_thread": round(one_by_one / bare, 2),
        "target": 2.5,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.threads)
    write_result("bench_ingest", result)
    print(json.dumps(result) if args.json else table([[k, v] for k, v in result.items()], ["ingest", "value"]))
    return 0 if result["ratio"] <= result["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
