"""Opening a database: the schema declared in one place, only the difference written, named
migrations, and a database made by the last release (0.1.0) that opens, migrates once and works."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from datasette.utils import tilde_encode
from sqlite_utils import Migrations

from tracker.bot import notify
from tracker.bot.late import check as late_check
from tracker.cli import cli
from tracker.model.config import Config
from tracker.model import Citation, Message, Site, Thread
from tracker.store import db as database
from tracker.store import sync
from tracker.store.db import open_db, save_thread
from tracker.store.migrations import MIGRATIONS
from tracker.store.schema import TABLES
from tracker.web import plugin as datasette_plugin
from tracker.web import publish

HOST = "example.org"
RELEASE_0_1_0 = Path(__file__).parent / "data" / "db-0.1.0.db"  # see tests/data/README.md
MADE_ON = "2026-12-01"  # its demo's --today


@pytest.fixture
def old_db(tmp_path) -> Path:
    """A copy: even a read-only connection leaves -wal and -shm files beside a WAL database."""
    path = tmp_path / "foi.db"
    shutil.copyfile(RELEASE_0_1_0, path)
    return path


def run(path: Path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def read_only(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


def counts(path: Path) -> dict[str, int]:
    """Rows per table, of the public file and of its private file when there is one."""
    found = {}
    for file in (path, database.private_path(path)):
        if file.exists():
            tables = [name for (name,) in read_only(file, "select name from sqlite_master where type = 'table'")]
            found |= {table: read_only(file, f"select count(*) from [{table}]")[0][0] for table in tables}
    return found


def file_state(path: Path) -> tuple[int, int, str, int]:
    """The database file's size, mtime and hash, and the size of its write-ahead log."""
    stat, wal = path.stat(), path.with_name(f"{path.name}-wal")
    return stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest(), wal.stat().st_size if wal.exists() else 0


def schema_version(db) -> int:
    return db.execute("pragma schema_version").fetchone()[0]


def late_database(path: Path) -> Path:
    """A database with one late request, its flag raised and delivered by the `late` command."""
    db = open_db(path)
    db["sites"].insert({"id": HOST, "base_url": f"https://{HOST}", "regime": "foia"})
    db["requests"].insert({
        "id": f"{HOST}/request/potholes", "site_id": HOST, "url": f"https://{HOST}/request/potholes",
        "title": "Pothole claims", "status": "waiting_response", "regime": "foia",
        "sent_at": "2024-01-08T10:00:00+00:00", "due_date": "2024-02-05", "very_overdue_date": "2024-03-04",
    })
    db.close()
    run(path, "late", "--today", "2024-02-07", "--notify")
    return path


# ---------------------------------------------------------------------------------------------
# The declared schema


def test_every_table_and_index_in_a_database_is_declared(tmp_path):
    db = open_db(late_database(tmp_path / "late.db"))
    assert db["notifications"].count == 1  # the delivery ran, on the declared table
    fts = {table.name for table in TABLES if table.fts}
    undeclared = {
        name for name in db.table_names()
        if name not in {table.name for table in TABLES} | {"_sqlite_migrations"}
        and not any(name.startswith(f"{table}_fts") for table in fts)
    }
    assert not undeclared
    declared = set()
    for table in TABLES:
        declared |= {(table.name, columns, False) for columns in table.indexes}
        declared |= {(table.name, columns, True) for columns in table.unique_indexes}
        declared |= {(table.name, index.name, False) for index in table.partial_indexes}
    found = {
        (table.name, index.name if index.partial else tuple(index.columns), bool(index.unique))
        for table in db.tables if table.name != "_sqlite_migrations"
        for index in table.indexes if index.origin == "c"  # made by CREATE INDEX, not by a key
    }
    assert found == declared


def test_a_second_open_writes_nothing_even_with_an_unknown_exemption_stored(tmp_path):
    path = late_database(tmp_path / "t.db")
    db = open_db(path)
    thread = Thread(id=f"{HOST}/request/refused", site=Site(HOST, f"https://{HOST}"),
                    url=f"https://{HOST}/request/refused", slug="refused", title="Refused")
    thread.messages.append(Message(f"{HOST}/incoming-1", "incoming", "2024-01-09T10:00:00+00:00", kind="refusal",
                                   exemptions=[Citation("FOIA s.99(9)", True, "section 99(9)")]))
    save_thread(db, thread, "2024-01-10T00:00:00+00:00")
    assert db["exemptions"].get("FOIA s.99(9)")["kind"] == "unknown"
    db.execute("pragma wal_checkpoint(truncate)")  # all in the file, whoever closes last
    version = schema_version(db)
    db.close()
    before = file_state(path)
    for _ in range(2):
        db = open_db(path)
        assert db.conn.total_changes == 0
        assert sync.changes(db) == []
        assert schema_version(db) == version
        db.close()
    assert file_state(path) == before


def test_opening_an_up_to_date_database_does_not_wait_for_the_write_lock(tmp_path):
    path = tmp_path / "busy.db"
    open_db(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("begin immediate")  # another process is writing
    try:
        started = time.monotonic()
        db = open_db(path)
        assert db["requests"].count == 0
        assert time.monotonic() - started < 5  # open_db waits up to 10 s for a lock it needs
    finally:
        writer.execute("rollback")
        writer.close()


def test_opening_restores_only_what_differs_from_the_declarations(tmp_path):
    path = tmp_path / "t.db"
    db = open_db(path)
    reference = db.execute("select id, short_name from exemptions order by id limit 1").fetchone()
    db.execute("update exemptions set short_name = 'changed by hand' where id = ?", [reference[0]])
    db.execute("insert into exemptions (id, regime, provision, kind) values ('FOIA s.99', 'FOIA', 's.99', 'unknown')")
    db.execute("drop index requests_awaiting_review")
    db.execute("drop index idx_flags_raised_on")
    db.execute("drop view status_disagreements")
    assert [change.what for change in sync.changes(db)] == [
        "partial index requests_awaiting_review", "index flags(raised_on)", "view status_disagreements",
        "1 row(s) of exemptions",
    ]
    db.close()
    db = open_db(path)
    assert db.conn.total_changes == 1  # the one reference row put back; the rest is schema
    assert sync.changes(db) == []
    assert db["exemptions"].get(reference[0])["short_name"] == reference[1]
    assert db["exemptions"].get("FOIA s.99")["kind"] == "unknown"  # not in the reference: left alone
    assert "status_disagreements" in db.view_names()


# ---------------------------------------------------------------------------------------------
# notifications kept per channel only, before recipients


def test_notifications_kept_per_channel_become_rows_for_every_recipient(tmp_path):
    """What an e-mail channel accepted before recipients were kept is not sent again to anyone."""
    path = tmp_path / "before.db"
    db = open_db(path)
    db["sites"].insert({"id": HOST, "base_url": f"https://{HOST}", "regime": "foia"})
    for slug in ("potholes", "gritting"):
        db["requests"].insert({
            "id": f"{HOST}/request/{slug}", "site_id": HOST, "url": f"https://{HOST}/request/{slug}",
            "title": slug, "status": "waiting_response", "regime": "foia",
            "sent_at": "2024-01-08T10:00:00+00:00", "due_date": "2024-02-05",
        })
    late_check(db, date(2024, 2, 7))
    with db.conn:  # the table as the code before this migration declared and filled it
        db.execute("drop table notifications")
        db.execute("create table notifications (flag_id integer references flags(id), channel text,"
                   " delivered_at text, primary key (flag_id, channel))")
        db.execute("insert into notifications values (1, 'email', '2024-02-07T06:00:00+00:00')")
        db.execute("delete from _sqlite_migrations where name = 'notifications_per_recipient'")
    db.close()

    db = open_db(path)
    assert MIGRATIONS.pending(db) == [] and sync.changes(db) == []
    assert db["notifications"].pks == ["flag_id", "channel", "recipient"]
    assert list(db.query("select flag_id, channel, recipient, delivered_at from notifications")) == [
        {"flag_id": 1, "channel": "email", "recipient": "*", "delivered_at": "2024-02-07T06:00:00+00:00"}]
    stream = io.StringIO()
    channels = [notify.EmailChannel("127.0.0.1", "bot@example.org", ["a@example.org", "b@example.org"], port=9),
                notify.StdoutChannel(stream)]
    result = notify.deliver(db, Config(), today=date(2024, 2, 7), channels=channels)
    assert len(result.failures) == 1 and result.failures[0].startswith("e-mail via 127.0.0.1:9: ")
    assert db.execute("select flag_id, recipient from notifications where last_error is not null").fetchall() == [
        (2, "a@example.org"), (2, "b@example.org")]  # flag 2 only: flag 1 was done
    assert result.sent == {"email": 0, "stdout": 2} and result.notified == 1
    assert db.execute("select id from flags where notified_at is not null").fetchall() == [(1,)]


# ---------------------------------------------------------------------------------------------
# A database made by 0.1.0


def test_the_old_database_is_what_0_1_0_made(old_db):
    columns = [row[1] for row in read_only(old_db, "pragma table_info(flags)")]
    assert "working_days_overdue" in columns and "working_days_late" not in columns
    assert read_only(old_db, "select count(*) from requests")[0][0] == 51
    assert not read_only(old_db, "select name from sqlite_master where name = '_sqlite_migrations'")


def test_opening_it_applies_every_migration_and_the_rename_keeps_the_values(old_db):
    flags = dict(read_only(old_db, "select id, working_days_overdue from flags"))
    assert flags and all(value is not None for value in flags.values())
    before = counts(old_db)
    db = open_db(old_db)
    assert [migration.name for migration in MIGRATIONS.applied(db)] == [
        "rename_flags_working_days_overdue",
        "notifications_per_recipient",  # nothing to do: 0.1.0 had no notifications table
        "repair_flags_cleared_before_raised",
        "move_private_data_to_private_file",
    ]
    assert MIGRATIONS.pending(db) == [] and sync.changes(db) == []
    assert "working_days_overdue" not in db["flags"].columns_dict
    assert dict(db.execute("select id, working_days_late from flags").fetchall()) == flags
    # Nothing lost: every table keeps its rows (the fetch log and the bodies now in the private
    # file); the new ones are the migrations', notifications and the private file's headers.
    after = counts(old_db)
    assert {table: after[table] for table in before} == before
    assert set(after) - set(before) == {"_sqlite_migrations", "notifications", "states", "kinds", "outcomes",
                                        "late_checks", "message_headers", "poll_leases"}
    assert not read_only(old_db, "select name from sqlite_master where name in ('fetches', 'fetch_bodies')")
    late = db.execute("select request_id, working_days_late from late_requests where working_days_late is not null")
    assert late.fetchall()


def test_the_private_data_moves_to_the_private_file_and_leaves_no_trace(old_db):
    """The fetch log, the raw bodies and e-mail headers leave the public file, bytes and all."""
    with sqlite3.connect(old_db) as connection:
        connection.execute("update messages set headers = ? where id = (select min(id) from messages)",
                           ['{"Received": "from relay.canary-headers.invalid"}'])
        connection.execute("insert into fetches (url, fetched_at, sha256) values (?, ?, ?)",
                           ["file:///srv/canary-path/page.html", "2026-12-01T12:00:00+00:00", "c" * 64])
    bodies = dict(read_only(old_db, "select sha256, body from fetch_bodies"))
    fetches = read_only(old_db, "select * from fetches order by id")
    db = open_db(old_db)
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    public = old_db.read_bytes()
    for canary in (b"canary-headers", b"canary-path", b"unfold=1"):
        assert canary not in public
    assert not any(body[:64] in public for body in bodies.values())
    private = database.private_path(old_db)
    assert dict(read_only(private, "select sha256, body from fetch_bodies")) == bodies
    assert read_only(private, "select * from fetches order by id") == fetches
    assert read_only(private, "select headers from message_headers") == [('{"Received": "from relay.canary-headers.invalid"}',)]
    assert "headers" not in [row[1] for row in read_only(old_db, "pragma table_info(messages)")]


def test_a_crash_after_the_copy_loses_nothing(old_db, monkeypatch):
    """The copy to the private file is committed before the drop; a run that dies in between
    leaves both copies, and the next open finishes the move."""
    fetches = read_only(old_db, "select count(*) from fetches")[0][0]

    def dies(db):
        raise KeyboardInterrupt

    failing = Migrations("foi-tracker")
    for migration in MIGRATIONS.pending(sqlite_utils.Database(memory=True)):
        failing(name=migration.name)(dies if migration.name == "move_private_data_to_private_file" else migration.fn)
    monkeypatch.setattr(database, "MIGRATIONS", failing)
    with pytest.raises(KeyboardInterrupt):
        open_db(old_db)
    assert read_only(old_db, "select count(*) from fetches")[0][0] == fetches
    assert read_only(database.private_path(old_db), "select count(*) from fetches")[0][0] == fetches
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS)
    db = open_db(old_db)
    assert db.execute("select count(*) from fetches").fetchone()[0] == fetches
    assert not db["fetches"].exists()  # not in the public file


def test_a_second_open_applies_nothing_and_writes_nothing(old_db):
    first = open_db(old_db)
    applied = [(m.name, m.applied_at) for m in MIGRATIONS.applied(first)]
    first.close()
    before = file_state(old_db)
    db = open_db(old_db)
    assert db.conn.total_changes == 0
    assert [(m.name, m.applied_at) for m in MIGRATIONS.applied(db)] == applied
    db.close()
    assert file_state(old_db) == before


def test_a_failing_migration_leaves_the_database_as_it_was(old_db, monkeypatch):
    failing = Migrations("foi-tracker")
    for migration in MIGRATIONS.pending(sqlite_utils.Database(memory=True)):  # all of them
        failing(name=migration.name)(migration.fn)

    @failing()
    def breaks(db):
        raise RuntimeError("migration failed")

    monkeypatch.setattr(database, "MIGRATIONS", failing)
    before = file_state(old_db)
    with pytest.raises(RuntimeError, match="migration failed"):
        open_db(old_db)
    assert file_state(old_db) == before
    columns = [row[1] for row in read_only(old_db, "pragma table_info(flags)")]
    assert "working_days_overdue" in columns and "working_days_late" not in columns
    assert not read_only(old_db, "select name from sqlite_master where name in ('_sqlite_migrations', 'notifications')")


def test_late_on_the_migrated_database_updates_the_renamed_column(old_db):
    standing = dict(read_only(old_db, "select id, working_days_overdue from flags where cleared_on is null"))
    same_day = json.loads(run(old_db, "late", "--today", MADE_ON, "--json").stdout)
    assert same_day["raised"] == 0 and same_day["cleared"] == 0
    assert sum(same_day["open"].values()) == len(standing)
    week_later = run(old_db, "late", "--today", "2026-12-08")
    assert week_later.stdout.startswith("Late check for 2026-12-08:")
    # Tuesday to Tuesday, no bank holiday: every standing flag is five working days later.
    later = dict(read_only(old_db, "select id, working_days_late from flags where raised_on = '2026-12-01'"))
    assert later == {flag: days + 5 for flag, days in standing.items()}


def test_serve_pages_work_on_the_migrated_database(old_db):
    open_db(old_db).close()  # what `serve` does first
    publish.refresh_summaries(old_db)
    metadata = publish.metadata_for(old_db)
    metadata["plugins"][datasette_plugin.PLUGIN_NAME]["today"] = MADE_ON
    ds = publish.make_datasette(old_db, metadata=metadata)
    name = old_db.stem
    request_id = read_only(old_db, "select request_id from flags order by id limit 1")[0][0]

    def get(path: str, **params):
        async def fetch():
            return await ds.client.get(path, params=params or None)

        response = asyncio.run(fetch())
        assert response.status_code == 200, (path, response.text[:300])
        return response

    for path in ("/", f"/{name}", f"/{name}/requests", f"/{name}/flags", f"/{name}/notifications",
                 f"/{name}/late_today", f"/{name}/thread_timeline", "/-/dashboards/foi",
                 f"/{name}/requests/{tilde_encode(request_id)}"):
        get(path)
    late = get(f"/{name}/late_requests.json", _shape="array").json()
    assert late and any(row["working_days_late"] is not None for row in late)
    flags = get(f"/{name}/flags.json", _shape="array", _sort="working_days_late").json()
    assert [row["working_days_late"] for row in flags] == sorted(row["working_days_late"] for row in flags)


def test_reparse_on_the_migrated_database(old_db):
    """Every message survives the reparse with its text and kind; outcomes are read again by
    today's reader (which reads the demo's one published-and-withheld answer as partial)."""
    messages = read_only(old_db, "select id, kind, body_text from messages order by id")
    result = run(old_db, "reparse")
    assert "reparsed 51 thread(s), 0 failed" in result.stderr
    assert read_only(old_db, "select id, kind, body_text from messages order by id") == messages
    unread = read_only(old_db, "select count(*) from messages where kind = 'response' and outcome is null")
    assert unread == [(0,)]


def test_a_past_day_on_the_migrated_database_changes_no_flag(old_db):
    open_db(old_db).close()
    flags = read_only(old_db, "select * from flags order by id")
    assert flags and {row[3] for row in flags} == {MADE_ON}
    past = json.loads(run(old_db, "late", "--today", "2026-01-01", "--json").stdout)
    assert past["read_only"] and past["latest_check"] == MADE_ON
    assert (past["raised"], past["cleared"], sum(past["open"].values())) == (0, 0, 0)
    assert read_only(old_db, "select * from flags order by id") == flags
    later = json.loads(run(old_db, "late", "--today", "2026-12-02", "--json").stdout)
    assert (later["raised"], later["cleared"], sum(later["open"].values())) == (0, 0, len(flags))
    assert read_only(old_db, "select count(*) from flags where cleared_on < raised_on") == [(0,)]
