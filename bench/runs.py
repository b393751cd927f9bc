"""Reliability runs against the sample site, shared by the tests (small) and bench/ (full size).

``fault_run``: poll a misbehaving site until it has answered N requests, switch the faults
off, poll once more, and compare the database with the site's truth: every message stored
exactly once, every failure recorded with its reason.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from scrapers.http import PoliteClient
from tracker.ingest import follow as following
from tracker.ingest import poll as polling
from tracker.store.db import open_db, private_path
from bench.faults import KINDS, faulty_site, hide_message
from tracker.model import INCOMING

CONTENT_QUERY = """
select m.id, m.request_id, m.direction, m.sent_at, m.body_text, m.hidden_at is not null as hidden,
       (select count(*) from attachments a where a.message_id = m.id) as attachments
from messages m order by m.id
"""


@dataclass
class FaultRunResult:
    fetches: int
    faults_served: Counter
    errors_recorded: Counter
    polls: int
    truth_messages: int
    stored_messages: int
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    hidden_ok: bool = False
    equal_to_clean_run: bool = False

    @property
    def ok(self) -> bool:
        return (not self.missing and not self.unexpected and self.hidden_ok and self.equal_to_clean_run
                and self.stored_messages == self.truth_messages)


def error_category(error: str) -> str:
    """A short name for a recorded failure reason, for counting."""
    for needle, name in (
        ("blocked by the site", "bot challenge"), ("larger than", "too large"), ("truncated", "truncated page"),
        ("UTF-8", "invalid UTF-8"), ("invalid JSON", "invalid JSON"), ("timed out", "timeout"), ("reset", "connection reset"),
        ("HTTP 5", "HTTP 5xx"), ("HTTP 429", "HTTP 429"), ("incomplete", "incomplete body"),
        ("Retry-After", "HTTP 429"), ("connect", "connection error"),
    ):
        if needle.lower() in error.lower():
            return name
    return error[:40]


def client_for_faults(host: str) -> PoliteClient:
    """A client that waits for nothing (backoff and Retry-After are recorded, not slept), so
    it has no time budget either: its waits would count against one without being waited."""
    return PoliteClient(allowed_hosts={host}, timeout=0.3, max_retries=2, backoff=0.0, host_budget=None,
                        sleep=lambda seconds: None)


def fault_run(fetches: int, *, rate: float = 0.2, seed: int = 7, today: date = date(2026, 11, 20),
              folder: Path | None = None) -> FaultRunResult:
    with tempfile.TemporaryDirectory() as scratch:
        folder = folder or Path(scratch)
        site, plan = faulty_site(today, rate=rate, seed=seed, kinds=KINDS)
        try:
            db = open_db(folder / "faults.db")
            urls = [f"{site.base_url}/request/{thread.slug}" for thread in site.threads]
            following.follow(db, urls)
            hidden = _pick_hidden(site)
            polls = 0
            with client_for_faults(site.host) as client:
                while len(site.log) < fetches:
                    polling.poll(db, client, poll_all=True)
                    polls += 1
                    if hidden and len(site.log) >= fetches // 2:
                        hide_message(site, *hidden)
                        hidden_done, hidden = hidden, None
                served = len(site.log)
                plan.enabled = False
                polling.poll(db, client, poll_all=True)
                polls += 1
            clean = _clean_run(site, folder / "clean.db")
            return _compare(db, site, plan.served, served, polls, hidden_done, clean)
        finally:
            site.stop()


def _pick_hidden(site) -> tuple[str, str] | None:
    for thread in sorted(site.threads, key=lambda t: t.slug):
        incoming = [m for m in thread.messages if m.direction == INCOMING]
        if len(incoming) >= 2:
            return thread.slug, incoming[0].id
    return None


def _clean_run(site, path: Path) -> list[dict]:
    """The same site, now clean, scraped once into a fresh database: the reference."""
    db = open_db(path)
    following.follow(db, [f"{site.base_url}/request/{thread.slug}" for thread in site.threads])
    with PoliteClient(allowed_hosts={site.host}) as client:
        polling.poll(db, client, poll_all=True)
    return _content(db)


def _content(db: sqlite_utils.Database) -> list[dict]:
    rows = list(db.query(CONTENT_QUERY))
    for row in rows:
        row.pop("hidden")
    return rows


def _compare(db, site, served_faults: Counter, fetches: int, polls: int, hidden: tuple[str, str] | None,
             clean: list[dict]) -> FaultRunResult:
    truth = {message.id for thread in site.threads for message in thread.messages}
    stored = [row["id"] for row in db.query("select id from messages")]
    errors = Counter(error_category(row["error"]) for row in db.query("select error from fetches where error is not null"))
    hidden_row = db["messages"].get(hidden[1]) if hidden else None
    hidden_ok = bool(hidden_row and hidden_row["hidden_at"] and hidden_row["body_text"])
    # The clean run saw the message hidden from the start (no body); the faulty run kept its body.
    faulty = _content(db)
    if hidden:
        faulty = [row for row in faulty if row["id"] != hidden[1]]
        clean = [row for row in clean if row["id"] != hidden[1]]
    return FaultRunResult(
        fetches=fetches,
        faults_served=served_faults,
        errors_recorded=errors,
        polls=polls,
        truth_messages=len(truth),
        stored_messages=len(stored),
        missing=sorted(truth - set(stored)),
        unexpected=sorted(set(stored) - truth),
        hidden_ok=hidden_ok,
        equal_to_clean_run=faulty == clean,
    )


@dataclass
class CrashRunResult:
    kills: int
    integrity: list[str]
    half_saved: list[str]
    duplicates: int
    equal_to_uninterrupted: bool
    threads: int
    messages: int
    saved_at_kills: list[int] = field(default_factory=list)  # threads up to date when each kill struck

    @property
    def ok(self) -> bool:
        return (all(result == "ok" for result in self.integrity) and not self.half_saved
                and self.duplicates == 0 and self.equal_to_uninterrupted)


CRASH_CONTENT_QUERY = """
select r.id, r.title, r.site_status, r.status, r.authority_id, r.user_id, r.page_sha256, r.json_sha256,
       (select group_concat(m.id || '|' || m.direction || '|' || coalesce(m.sent_at, '') || '|' || m.body_text, '~')
        from messages m where m.request_id = r.id) as messages,
       (select count(*) from attachments a join messages m on m.id = a.message_id where m.request_id = r.id) as attachments,
       (select count(*) from annotations n where n.request_id = r.id) as annotations
from requests r order by r.id
"""


def crash_run(kills: int, *, copies: int = 1, fetches_before_kill: tuple[int, int] = (2, 120), seed: int = 3,
              changing: float = 0.0, today: date = date(2026, 11, 20), folder: Path | None = None) -> CrashRunResult:
    """Kill the poller (a real ``foi-tracker poll`` process) with SIGKILL ``kills`` times at random
    points of its work, check the database after each kill, then let it finish and compare it with an
    uninterrupted run of the site as it ends.

    With ``changing``, that share of the threads gets a new message before each round, so every
    run has saving to do; a thread is then whole if it holds any state the site has shown.
    """
    import os
    import random
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from tracker.demo.server import DemoSite

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as scratch:
        folder = folder or Path(scratch)
        site = DemoSite(today, copies=copies).start()
        try:
            shown = {thread.id: [frozenset(m.id for m in thread.messages)] for thread in site.threads}
            urls = [f"{site.base_url}/request/{thread.slug}" for thread in site.threads]

            def command(db_path: Path, *args: str) -> list[str]:
                return [sys.executable, "-m", "tracker", "--db", str(db_path), *args]

            reference, crashed = folder / "reference.db", folder / "crashed.db"
            for path in (reference, crashed):
                subprocess.run(command(path, "follow", *urls), check=True, capture_output=True)

            integrity, half_saved, saved_at_kills = [], [], []
            for round_number in range(kills):
                if changing:
                    _add_messages(site, rng, changing, round_number, shown)
                mark = _last_fetch_id(crashed)
                target = rng.randint(*fetches_before_kill)
                process = subprocess.Popen(command(crashed, "poll", "--all"), stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
                # Strike once the poller has made ``target`` fetches this round: the kill lands
                # mid-work however fast the machine is (a timer alone can miss the whole run).
                deadline = time.monotonic() + 60
                while process.poll() is None and time.monotonic() < deadline:
                    if _last_fetch_id(crashed) - mark >= target:
                        break
                    time.sleep(0.005)
                process.send_signal(signal.SIGKILL)
                process.wait()
                integrity.append(_integrity(crashed))
                with sqlite3.connect(crashed) as connection:
                    stored: dict[str, set[str]] = {}
                    for request_id, message_id in connection.execute("select request_id, id from messages"):
                        stored.setdefault(request_id, set()).add(message_id)
                for request_id, ids in stored.items():
                    if frozenset(ids) not in shown.get(request_id, []):
                        half_saved.append(request_id)
                # Threads up to date with the site when the kill struck (the rest were still to do).
                saved_at_kills.append(sum(frozenset(stored.get(t, ())) == states[-1] for t, states in shown.items()))
            subprocess.run(command(crashed, "poll", "--all"), check=True, capture_output=True)
            subprocess.run(command(reference, "poll", "--all"), check=True, capture_output=True)
            integrity.append(_integrity(crashed))
            crashed_db, reference_db = open_db(crashed), open_db(reference)
            duplicates = next(iter(crashed_db.query(
                "select count(*) - count(distinct request_id || direction || coalesce(sent_at, '') || body_text) as n "
                "from messages")))["n"]
            return CrashRunResult(
                kills=kills,
                integrity=integrity,
                half_saved=sorted(set(half_saved)),
                duplicates=duplicates,
                equal_to_uninterrupted=list(crashed_db.query(CRASH_CONTENT_QUERY)) == list(reference_db.query(CRASH_CONTENT_QUERY)),
                threads=crashed_db["requests"].count,
                messages=crashed_db["messages"].count,
                saved_at_kills=saved_at_kills,
            )
        finally:
            site.stop()


def _integrity(path: Path) -> str:
    """SQLite's integrity check of the database and of its private file: "ok", or what failed."""
    import sqlite3

    results = []
    for file in (path, private_path(path)):
        with sqlite3.connect(file) as connection:
            results.append(f"{file.name}: {connection.execute('pragma integrity_check').fetchone()[0]}")
    return "ok" if all(result.endswith(": ok") for result in results) else "; ".join(results)


def _last_fetch_id(path: Path) -> int:
    """The newest fetch logged (in the private file; 0 before any), read without waiting on the writer."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{private_path(path)}?mode=ro", uri=True, timeout=0.05) as connection:
            return connection.execute("select coalesce(max(id), 0) from fetches").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _add_messages(site, rng, share: float, round_number: int, shown: dict[str, list[frozenset[str]]]) -> None:
    """New replies arrive in a share of the threads (the site's pages, .json and feeds change)."""
    from datetime import timedelta

    from tracker.model import Message
    from tracker.model.times import instant

    for n, thread in enumerate(rng.sample(site.threads, max(1, int(len(site.threads) * share)))):
        last = max(m.sent_at for m in thread.messages if m.sent_at)
        sent = (instant(last) + timedelta(days=1)).isoformat()
        site.add_message(thread.slug, Message(
            id=f"{site.host}/incoming-{800_000_000 + round_number * 100_000 + n}", direction=INCOMING, sent_at=sent,
            author=thread.authority.name if thread.authority else None,
            body_text=f"Further to our reply, we enclose the corrected figures (update {round_number}).",
            event_type="response"))
        shown[thread.id].append(frozenset(m.id for m in thread.messages))
