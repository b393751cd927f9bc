"""Many processes, one database: IMMEDIATE write transactions, poll leases, the scheduler's record
of a failed job, and the scenarios of bench/concurrency.py with real processes (two trials each;
bench/bench_concurrency.py runs twenty)."""

from __future__ import annotations

import ast
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from bench.concurrency import SCENARIOS, Bench, run_scenario
from schedules import jobs
from tracker.cli import cli
from tracker.ingest import leases
from tracker.ingest import poll as polling
from tracker.model.config import Config, ConfigError
from tracker.model.times import iso, utc_now
from tracker.store import db as store
from tracker.store.db import DatabaseBusy, open_db, writing
from tracker.web import publish

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------- helpers


class WriteLock:
    """Another process's writer, played by a second connection: holds the write lock while open."""

    def __init__(self, path: Path, seconds: float | None = None):
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute("begin immediate")
        self.timer = threading.Timer(seconds, self.release) if seconds is not None else None
        if self.timer:
            self.timer.start()

    def release(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("rollback")

    def __enter__(self) -> WriteLock:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.timer:
            self.timer.cancel()
        self.release()
        self.connection.close()


@pytest.fixture
def short_waits(monkeypatch):
    """SQLite waits 0.2 s for the lock, then tries twice more after 0.1 s: about 0.8 s in all."""
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(store, "BUSY_PAUSES", (0.1, 0.1))


def followed_db(path: Path, count: int = 3):
    db = open_db(path)
    with writing(db):
        db["sites"].insert({"id": "example.org", "base_url": "https://example.org", "regime": "foia"})
        for n in range(count):
            db["requests"].insert({"id": f"example.org/request/r{n}", "site_id": "example.org",
                                   "url": f"https://example.org/request/r{n}", "slug": f"r{n}"})
            db["follows"].insert({"url": f"https://example.org/request/r{n}", "kind": "request",
                                  "site_id": "example.org", "added_at": "2026-11-20T09:00:00+00:00"})
    return db


# ------------------------------------------------------------------------------- write transactions


def test_a_write_waits_for_another_processes_write_instead_of_failing(tmp_path):
    db = followed_db(tmp_path / "t.db")
    db.execute("select count(*) from requests").fetchone()  # has read: a deferred BEGIN would now fail at once
    with WriteLock(tmp_path / "t.db", seconds=0.5):
        started = time.monotonic()
        with writing(db):
            db.execute("update requests set title = 'waited' where id = 'example.org/request/r0'")
        assert time.monotonic() - started >= 0.4  # it waited for the lock...
    assert db.execute("select title from requests where id = 'example.org/request/r0'").fetchone()[0] == "waited"


def test_writing_begins_immediate_and_nests_as_savepoints(tmp_path):
    db = followed_db(tmp_path / "t.db")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with writing(db):
        db.execute("update requests set title = 'outer' where id = 'example.org/request/r0'")
        with pytest.raises(ValueError):
            with writing(db):
                db.execute("update requests set title = 'inner' where id = 'example.org/request/r1'")
                raise ValueError("inner block fails")
    db.conn.set_trace_callback(None)
    assert statements[0].lower() == "begin immediate"
    assert any(statement.upper().startswith("SAVEPOINT") for statement in statements)
    titles = dict(db.execute("select id, title from requests").fetchall())
    assert titles["example.org/request/r0"] == "outer" and titles["example.org/request/r1"] is None


def test_a_lock_held_past_every_retry_is_one_line_naming_the_database(tmp_path, short_waits):
    path = tmp_path / "t.db"
    followed_db(path).close()
    db = open_db(path)
    with WriteLock(path):
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as caught:
            with writing(db):
                pass
        assert time.monotonic() - started >= 0.7  # three waits of 0.2 s and two pauses of 0.1 s
    message = str(caught.value)
    assert message.startswith(f"{path}: busy") and "\n" not in message
    assert not db.conn.in_transaction


def test_a_command_on_a_locked_database_says_busy_in_one_line(tmp_path, short_waits):
    path = tmp_path / "t.db"
    followed_db(path).close()
    with WriteLock(path):
        result = CliRunner().invoke(cli, ["--db", str(path), "late", "--today", "2026-11-20"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {path}: busy: another process has held")
    assert "cannot use as a database" not in result.output and "Traceback" not in result.output


def test_opening_and_the_published_summaries_do_not_wait_for_a_writer(tmp_path, demo_db, short_waits, capsys):
    """Read-only work never takes the write lock: an up-to-date database opens, and `serve`'s
    summaries, refreshed already, are left alone, while another process holds the lock; stale
    ones it cannot refresh are served as they are, with a warning."""
    path = tmp_path / "demo.db"
    with closing(sqlite3.connect(demo_db)) as origin, closing(sqlite3.connect(path)) as copy:
        origin.backup(copy)
    assert publish.refresh_summaries(path) is True  # built on the demo's frozen day: stale today
    with WriteLock(path):
        started = time.monotonic()
        db = open_db(path)
        assert publish.refresh_summaries(path) is False
        assert db.execute("select count(*) from requests").fetchone()[0] == 51
        assert time.monotonic() - started < 0.2  # never waited
    for table in ("summary_authority_response_times", "summary_response_time_bands", "summary_exemption_usage"):
        db.execute(f"update {table} set refreshed_at = '2000-01-01T00:00:00+00:00'")
    with WriteLock(path):
        assert publish.refresh_summaries(path) is False  # stale, and the lock stays busy
    assert "warning: summary tables not refreshed: " in capsys.readouterr().err


def _transaction_code(path: Path) -> list[str]:
    """``file:line what`` for each transaction begun outside ``tracker.store.db.writing``."""
    found: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        allowed = path == ROOT / "tracker" / "store" / "db.py" and function == "writing"
        if isinstance(node, ast.Attribute) and node.attr in ("atomic", "begin") and not allowed:
            found.append(f"{where} .{node.attr}")
        if isinstance(node, ast.With) and any(isinstance(item.context_expr, ast.Attribute)
                                              and item.context_expr.attr == "conn" for item in node.items):
            found.append(f"{where} with ...conn")
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and node.value.lower().startswith(("begin", "savepoint")) and not allowed):
            found.append(f"{where} {node.value!r}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(path.read_text(encoding="utf-8")), None)
    return found


def test_every_write_in_tracker_and_schedules_goes_through_writing():
    """No deferred transaction anywhere: no `.atomic()`, no `with db.conn`, no BEGIN of its own."""
    sources = sorted([*(ROOT / "tracker").rglob("*.py"), *(ROOT / "schedules").rglob("*.py")])
    assert [line for path in sources for line in _transaction_code(path)] == []
    assert "begin immediate" in (ROOT / "tracker" / "store" / "db.py").read_text(encoding="utf-8")


def test_the_guard_sees_a_deferred_transaction(tmp_path):
    (tmp_path / "copy.py").write_text("with db.atomic():\n    pass\nwith db.conn:\n    db.execute('BEGIN')\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _transaction_code(tmp_path / "copy.py") == [
            "copy.py:1 .atomic", "copy.py:3 with ...conn", "copy.py:4 'BEGIN'"]
    finally:
        ROOT = saved


def test_no_command_writes_outside_an_immediate_transaction(tmp_path, monkeypatch):
    """Every statement that writes runs inside a transaction begun IMMEDIATE: the demo (following
    listings, polling, the late check), `late --notify`, an e-mail import and `reparse`."""
    import tracker.cli.context as context

    statements: list[tuple[bool, str]] = []

    def traced(path):
        db = open_db(path)
        db.conn.set_trace_callback(lambda sql: statements.append((db.conn.in_transaction, sql.strip())))
        return db

    monkeypatch.setattr(context, "open_db", traced)
    path = str(tmp_path / "demo.db")
    runner = CliRunner()
    for args in (["demo", "--no-serve", "--today", "2026-11-20"], ["late", "--notify", "--today", "2026-11-21"],
                 ["import", str(ROOT / "tests" / "fixtures" / "email" / "document-pdf.eml")], ["reparse"]):
        result = runner.invoke(cli, ["--db", path, *args])
        assert result.exit_code == 0, (args, result.output)
    begins = [sql.lower() for _, sql in statements if sql.lower().startswith("begin")]
    assert begins and set(begins) == {"begin immediate"}
    writes = [(inside, sql) for inside, sql in statements
              if sql.split(None, 1)[0].lower() in ("insert", "update", "delete", "replace")]
    assert len(writes) > 100 and [sql for inside, sql in writes if not inside] == []


# ------------------------------------------------------------------------------- poll leases


def test_a_poll_skips_the_threads_another_live_poll_holds(tmp_path):
    db = followed_db(tmp_path / "t.db", count=3)
    other = leases.Holder(leases.Holder.this_poll().host, os.getpid(), "another-poll")  # a live process
    with writing(db):
        leases.claim(db, other, ["example.org/request/r0", "example.org/request/r1"])
    due, claim = polling.claim_due(db, utc_now())
    assert [row["id"] for row in due] == ["example.org/request/r2"] and claim.skipped == 2
    holders = dict(db.execute("select request_id, holder from poll_leases").fetchall())
    assert holders["example.org/request/r2"] == str(claim.holder) and holders["example.org/request/r0"] == str(other)
    claim.done(db, "example.org/request/r2")
    assert db.execute("select count(*) from poll_leases where holder = ?", [str(claim.holder)]).fetchone()[0] == 0


def test_the_leases_of_a_killed_poll_or_a_lapsed_one_are_taken_over(tmp_path):
    db = followed_db(tmp_path / "t.db", count=3)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    host = leases.Holder.this_poll().host
    killed, lapsed = leases.Holder(host, ended.pid, "killed"), leases.Holder("elsewhere", 1, "lapsed")
    with writing(db):
        leases.claim(db, killed, ["example.org/request/r0"])
        leases.claim(db, lapsed, ["example.org/request/r1"])
        db.execute("update poll_leases set expires_at = ? where holder = ?",
                   [iso(utc_now() - timedelta(seconds=1)), str(lapsed)])
    due, claim = polling.claim_due(db, utc_now())
    assert len(due) == 3 and claim.skipped == 0
    assert {row[0] for row in db.execute("select holder from poll_leases")} == {str(claim.holder)}


def test_the_poll_command_says_how_many_threads_it_skipped(tmp_path):
    path = tmp_path / "t.db"
    db = followed_db(path, count=2)
    with writing(db):
        leases.claim(db, leases.Holder(leases.Holder.this_poll().host, os.getpid(), "another-poll"),
                     ["example.org/request/r0", "example.org/request/r1"])
    result = CliRunner().invoke(cli, ["--db", str(path), "poll"])
    assert result.exit_code == 0, result.output
    assert "skipped 2 due thread(s) that another poll is polling" in result.output
    assert "nothing is due" not in result.output


# ------------------------------------------------------------------------------- the scheduler


@pytest.fixture
def sched_db(tmp_path) -> str:
    db = followed_db(tmp_path / "sched.db", count=0)
    with writing(db):
        db["requests"].insert({"id": "example.org/request/potholes", "site_id": "example.org",
                               "url": "https://example.org/request/potholes", "status": "waiting_response",
                               "regime": "foia", "due_date": "2026-10-29", "very_overdue_date": "2099-01-01",
                               "next_poll_at": "2099-01-01T00:00:00+00:00"})
    db.close()
    return str(tmp_path / "sched.db")


DEAD_WEBHOOK = Config(raw={"notify": {"channels": ["webhook"], "webhook": {"url": "http://127.0.0.1:9/hook", "timeout": 2}}})


def test_a_failed_job_is_recorded_once_the_lock_is_free_though_it_could_not_start(sched_db, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 400)
    monkeypatch.setattr(store, "BUSY_PAUSES", (0.2,))  # about 1 s per write transaction
    with WriteLock(Path(sched_db), seconds=1.5):
        assert jobs.late_check_job(sched_db, Config(), today=date(2026, 11, 20)) is False
    rows = list(open_db(sched_db).query("select job, ok, summary, finished_at from job_runs"))
    assert len(rows) == 1
    assert (rows[0]["job"], rows[0]["ok"]) == ("late_check", 0) and rows[0]["finished_at"]
    assert rows[0]["summary"].startswith(f"{sched_db}: busy")


def test_the_scheduler_reports_a_failed_job_as_failed_in_one_line(sched_db, caplog):
    scheduler = BackgroundScheduler(timezone=jobs.TIMEZONE)
    jobs.register_jobs(scheduler, DEAD_WEBHOOK, sched_db)
    events: list[int] = []
    done = threading.Event()

    def seen(event) -> None:
        if event.job_id == jobs.LATE_CHECK:
            events.append(event.code)
            done.set()

    scheduler.add_listener(seen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        with caplog.at_level(logging.INFO):
            scheduler.get_job(jobs.LATE_CHECK).modify(next_run_time=utc_now())
            assert done.wait(20)
        assert jobs.run_job_now(scheduler, jobs.LATE_CHECK) is False  # on demand: the verdict, not an exception
    finally:
        scheduler.shutdown(wait=True)
    assert events == [EVENT_JOB_ERROR]
    record = next(r for r in caplog.records if r.name == "apscheduler.executors.default" and r.levelno == logging.ERROR)
    assert record.exc_info is None and "late_check_job failed (see job_runs)" in record.getMessage()
    assert not any("executed successfully" in r.getMessage() for r in caplog.records if "late" in r.getMessage())
    assert [(row["job"], row["ok"]) for row in open_db(sched_db).query("select * from job_runs")] == [
        ("late_check", 0), ("late_check", 0)]


def test_poll_on_start_makes_the_first_poll_due_at_once(sched_db):
    scheduler = BackgroundScheduler(timezone=jobs.TIMEZONE)
    scheduler.start(paused=True)
    try:
        before = utc_now()
        jobs.register_jobs(scheduler, Config(raw={"schedule": {"poll_on_start": True}}), sched_db)
        assert scheduler.get_job(jobs.POLL).next_run_time <= utc_now() and scheduler.get_job(jobs.POLL).next_run_time >= before
        jobs.register_jobs(scheduler, Config(), sched_db)
        assert scheduler.get_job(jobs.POLL).next_run_time >= before + timedelta(minutes=59)
    finally:
        scheduler.shutdown(wait=False)
    with pytest.raises(ConfigError, match="poll_on_start must be true or false"):
        jobs.settings_from(Config(raw={"schedule": {"poll_on_start": "yes"}}))


# ------------------------------------------------------------------------------- real processes


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    with Bench(tmp_path_factory.mktemp("concurrency")) as prepared:
        yield prepared


@pytest.fixture(scope="module")
def results(bench):
    """Two trials of each scenario, run once for the module."""
    cache: dict[str, object] = {}

    def result(name: str):
        if name not in cache:
            cache[name] = run_scenario(bench, next(s for s in SCENARIOS if s.name == name), 2)
        return cache[name]

    return result


NAMES = [scenario.name for scenario in SCENARIOS]


@pytest.mark.parametrize("name", NAMES)
def test_processes_at_once_all_exit_0_and_leave_the_counts_of_a_single_run(results, name):
    result = results(name)
    for trial in result.trials:
        assert trial.exits and all(code == 0 for code in trial.exits), trial.errors
        assert trial.counts == result.expected
    assert result.expected["poll_leases"] == 0 and result.expected["requests"] >= 51


@pytest.mark.parametrize("name", NAMES)
def test_processes_at_once_store_and_deliver_nothing_twice(results, name):
    for trial in results(name).trials:
        assert sum(trial.duplicates.values()) == 0, dict(trial.duplicates)
