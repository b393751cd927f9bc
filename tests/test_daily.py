"""The one daily check (tracker.bot.daily): the `late` command and the scheduler's job leave the same
database (flags, summary tables, notifications); only the scheduler logs its run in job_runs."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from schedules import jobs
from tracker.bot.daily import run_daily_check
from tracker.cli import cli
from tracker.ingest.pipeline import Bodies, ingest
from tracker.model.config import Config
from tracker.store import summaries
from tracker.store.db import open_db

FIXTURES = Path(__file__).parent / "fixtures" / "synthetic"
TODAY = date(2024, 2, 7)


def _database(path: Path) -> Path:
    """An answered thread (for the summaries) and a request late on TODAY (for a flag)."""
    db = open_db(path)
    ingest(db, Bodies("https://www.whatdotheyknow.com/request/number_of_parking_fines_issued_i",
                      page=(FIXTURES / "synthetic_request_page_wdtk.html").read_bytes(),
                      json=(FIXTURES / "synthetic_request.json").read_bytes()),
           now=datetime(2024, 4, 2, tzinfo=timezone.utc))
    db["requests"].insert({
        "id": "www.whatdotheyknow.com/request/potholes", "site_id": "www.whatdotheyknow.com",
        "url": "https://www.whatdotheyknow.com/request/potholes", "title": "Pothole claims",
        "status": "waiting_response", "regime": "foia", "sent_at": "2024-01-08T10:00:00+00:00",
        "due_date": "2024-02-05", "very_overdue_date": "2024-03-04",
    })
    db.close()
    return path


def after(path: Path) -> dict[str, list[tuple]]:
    """What a daily check leaves, without the instants it ran at."""
    db = open_db(path)
    tables = {
        "flags": "select request_id, flag, raised_on, due_date, working_days_late, notified_at is not null"
                 " from flags order by id",
        "notifications": "select flag_id, channel from notifications order by flag_id, channel",
    }
    for table in summaries.SUMMARIES:
        columns = [column for column in db[table].columns_dict if column != "refreshed_at"]
        tables[table] = f"select {', '.join(columns)} from {table} order by 1, 2"
    return {table: [tuple(row) for row in db.execute(sql).fetchall()] for table, sql in tables.items()}


def test_the_late_command_and_the_scheduled_job_leave_the_same_database(tmp_path, capsys):
    by_hand = _database(tmp_path / "by_hand.db")
    scheduled = tmp_path / "scheduled.db"
    shutil.copy(by_hand, scheduled)

    result = CliRunner().invoke(cli, ["--db", str(by_hand), "late", "--today", TODAY.isoformat(), "--notify"])
    assert result.exit_code == 0, result.output
    assert "notified 1 new flag(s) on stdout" in result.stderr
    assert jobs.late_check_job(str(scheduled), Config(), today=TODAY) is True
    assert "[foi-tracker] late: Pothole claims" in capsys.readouterr().out

    done = after(by_hand)
    assert done == after(scheduled)
    assert done["flags"] == [("www.whatdotheyknow.com/request/potholes", "late", "2024-02-07", "2024-02-05", 2, 1)]
    assert done["notifications"] == [(1, "stdout")]
    assert done["summary_authority_response_times"], "the summaries were refreshed"
    for path in (by_hand, scheduled):
        assert summaries.refreshed_at(open_db(path)) is not None
    # The scheduler's own log: catch-up reads it, so a run by hand does not count as the day's.
    assert open_db(by_hand)["job_runs"].count == 0
    assert [row["job"] for row in open_db(scheduled).query("select job from job_runs")] == [jobs.LATE_CHECK]


def test_without_notify_the_check_and_the_summaries_run_and_nothing_is_sent(tmp_path):
    path = _database(tmp_path / "x.db")
    result = CliRunner().invoke(cli, ["--db", str(path), "late", "--today", TODAY.isoformat()])
    assert result.exit_code == 0 and result.output.startswith("Late check for 2024-02-07: 1 new flag(s)")
    db = open_db(path)
    assert summaries.refreshed_at(db) is not None
    assert db.execute("select count(*) from flags where notified_at is null").fetchone()[0] == 1

    seen = []
    check = run_daily_check(db, Config(), TODAY, notify=False, on_checked=seen.append)
    assert check.delivery is None and check.ok and seen == [check.late]
    assert check.summary == "2024-02-07: 0 raised, 0 cleared, 1 standing"
    assert sum(check.summaries.values()) > 0


def file_state(path: Path) -> tuple[int, int, str, int]:
    """The database file's size, mtime and hash, and the size of its write-ahead log."""
    stat, wal = path.stat(), path.with_name(f"{path.name}-wal")
    return stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest(), wal.stat().st_size if wal.exists() else 0


def test_a_past_day_is_a_report_only_and_the_next_notify_sends_nothing(tmp_path, capsys):
    path = _database(tmp_path / "x.db")
    late = ["--db", str(path), "late", "--notify"]
    first = CliRunner().invoke(cli, [*late, "--today", TODAY.isoformat()])
    assert first.exit_code == 0 and "notified 1 new flag(s) on stdout" in first.stderr
    capsys.readouterr()
    db = open_db(path)
    flags = db.execute("select * from flags order by id").fetchall()
    refreshed = summaries.refreshed_at(db)
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    before = file_state(path)

    past = CliRunner().invoke(cli, [*late, "--today", "2024-01-01"])
    assert past.exit_code == 0, past.output
    assert past.stdout.startswith("Late on 2024-01-01, as recorded (the latest check was for 2024-02-07")
    assert "nothing was changed or sent" in past.stderr and "notified" not in past.stderr
    assert capsys.readouterr().out == ""  # nothing on the stdout channel either
    assert file_state(path) == before  # not a byte written: flags, summaries, notifications as they were
    db = open_db(path)
    assert db.execute("select * from flags order by id").fetchall() == flags
    assert summaries.refreshed_at(db) == refreshed

    again = CliRunner().invoke(cli, [*late, "--today", "2024-02-08"])
    assert again.exit_code == 0 and again.stdout.startswith("Late check for 2024-02-08: 0 new flag(s), 0 cleared")
    assert "notified 0 new flag(s)" in again.stderr and capsys.readouterr().out == ""
    db = open_db(path)
    assert db.execute("select count(*) from flags").fetchone()[0] == len(flags) == 1
    assert db.execute("select count(*) from flags where cleared_on < raised_on").fetchone()[0] == 0
    assert db.execute("select count(*) from notifications").fetchone()[0] == 1
