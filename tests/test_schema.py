"""Opening a database: the schema declared in one place, and only the difference written."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

from click.testing import CliRunner

from tracker.cli import cli
from tracker.model import Citation, Message, Site, Thread
from tracker.store import sync
from tracker.store.db import open_db, save_thread
from tracker.store.schema import TABLES

HOST = "example.org"


def run(path: Path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


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
