"""``foi-tracker demo --today D`` builds the same database every time: ids name the sample site,
not its port, and every recorded instant comes from the frozen clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts import compare_demo
from tracker.cli import cli
from tracker.demo import DEMO_SITE_NAME
from tracker.model.times import utc_now
from tracker.store.db import open_db, private_path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"
NOON = "2026-12-01T12:00:00+00:00"  # noon in London in December is noon UTC
POLLED = "2026-12-01T12:00:01+00:00"  # the clock is stepped once, between following and polling


def dump(path: Path) -> list[str]:
    """The SQL of the database and of its private file."""
    lines = []
    for file in (path, private_path(path)):
        connection = sqlite3.connect(file)
        try:
            lines += connection.iterdump()
        finally:
            connection.close()
    return lines


def connect(path: Path) -> sqlite3.Connection:
    """The database with its private file attached, as open_db has it, without opening it for writing."""
    connection = sqlite3.connect(path)
    connection.execute("attach database ? as private", [str(private_path(path))])
    return connection


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "demo", "--no-serve", "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


def test_two_runs_give_byte_identical_tables(demo_db, tmp_path):
    """The second run is another process with another hash seed, so set order cannot hide in it."""
    other = tmp_path / "again.db"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "tracker", "--db", str(other), "demo", "--no-serve", "--today", TODAY],
                   check=True, cwd=tmp_path, env=env, capture_output=True)
    first, second = dump(demo_db), dump(other)
    assert len(first) > 1000
    assert first == second


def test_ids_name_the_site_not_its_port(demo_db):
    db = connect(demo_db)
    assert db.execute("select id, base_url from sites").fetchall() == [(DEMO_SITE_NAME, f"http://{DEMO_SITE_NAME}")]
    ids = [row[0] for row in db.execute("select id from requests union all select id from messages")]
    assert len(ids) > 200 and all(i.startswith(f"{DEMO_SITE_NAME}/") for i in ids)
    urls = [row[0] for row in db.execute("select url from requests union all select url from fetches")]
    assert all(url.startswith(f"http://{DEMO_SITE_NAME}/") for url in urls)


def test_every_recorded_instant_is_the_frozen_clock(demo_db):
    db = connect(demo_db)
    single = lambda sql: {row[0] for row in db.execute(sql)}  # noqa: E731
    assert single("select first_seen_at from requests") == {NOON}
    assert single("select last_polled_at from requests") == {POLLED}
    assert single("select observed_at from status_history") == {POLLED}
    assert single("select fetched_at from fetches where url like '%/body/%'") == {NOON}
    assert single("select fetched_at from fetches where url like '%/request/%'") == {POLLED}
    assert single("select raised_on from flags") == {TODAY}
    # the sample site's Last-Modified dates come from the same clock (a second apart per page)
    stamps = single("select last_modified from fetches where last_modified is not null")
    assert len(stamps) > 50 and all(stamp.startswith("Tue, 01 Dec 2026 12:0") for stamp in stamps)


def test_the_clock_runs_again_after_the_demo(demo_db):
    assert abs(utc_now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_the_comparison_script_sees_a_changed_reading_and_nothing_else(demo_db, tmp_path, capsys):
    again = tmp_path / "again.db"
    result = CliRunner().invoke(cli, ["--db", str(again), "demo", "--no-serve", "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert compare_demo.main([str(demo_db), str(again)]) == 0
    assert capsys.readouterr().out.endswith("no differences\n")
    changed = sqlite3.connect(again)
    with changed:
        changed.execute("update messages set outcome = 'refused' where id = (select min(id) from messages where outcome = 'successful')")
    changed.close()
    assert compare_demo.main([str(demo_db), str(again)]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT messages (request, position, kind, outcome, confidence): 1 row(s) only in OLD, 1 only in NEW" in out
    assert "flags (request, flag, raised_on, cleared_on, due_date, working_days_late): 8 rows equal" in out


def test_the_comparison_script_reads_a_database_before_and_after_the_private_file(tmp_path, capsys):
    """The release before the private file kept the fetch log, the bodies and the headers in one
    file: migrated, the same database compares equal to itself as it was."""
    old, migrated = tmp_path / "old.db", tmp_path / "migrated.db"
    shutil.copyfile(ROOT / "tests" / "data" / "db-0.1.0.db", old)
    connection = sqlite3.connect(old)
    with connection:
        connection.execute("update messages set headers = '{\"Auto-Submitted\": \"no\"}' where id = (select min(id) from messages)")
    connection.close()  # the last connection out writes the WAL back into the file, which is copied
    shutil.copyfile(old, migrated)
    open_db(migrated).close()
    assert not sqlite3.connect(migrated).execute("select count(*) from sqlite_master where name = 'fetches'").fetchone()[0]
    new_tables = ["_sqlite_migrations", "notifications", "states", "kinds", "outcomes", "late_checks", "poll_leases"]
    arguments = [str(old), str(migrated), *(f"--allow-new-table={name}" for name in new_tables),
                 "--allow-new-column=requests.status_why"]
    assert compare_demo.main(arguments) == 0, capsys.readouterr().out
    assert "no differences" in capsys.readouterr().out
    with sqlite3.connect(private_path(migrated)) as connection:
        connection.execute("update message_headers set headers = '{}'")
    assert compare_demo.main(arguments) == 1
    assert "DIFFERENT message_headers (all columns): 1 row(s) only in OLD, 1 only in NEW" in capsys.readouterr().out
