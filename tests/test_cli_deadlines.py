"""The `deadline`, `late` and `schedule` commands, including bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import schedules.jobs
from tracker.cli import cli
from tracker.cli.deadlines import COMMANDS
from tracker.store.db import open_db

for command in COMMANDS:  # the lead registers them in tracker.cli; harmless if already there
    if command.name not in cli.commands:
        cli.add_command(command)


def invoke(tmp_path: Path, *args: str, config: str | None = None):
    options = ["--db", str(tmp_path / "cli.db")]
    if config is not None:
        path = tmp_path / "foi-tracker.toml"
        path.write_text(config, encoding="utf-8")
        options += ["--config", str(path)]
    return CliRunner().invoke(cli, [*options, *args])


def test_deadline_shows_its_working(tmp_path):
    result = invoke(tmp_path, "deadline", "--sent", "2019-07-12")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Sent (day zero): Friday 12 July 2019" in lines
    assert "Due date: Monday 12 August 2019 (20 working days)" in lines
    assert "Long overdue after: Tuesday 10 September 2019 (40 working days)" in lines
    assert "Non-working days skipped to the due date: 10 weekend days, and 1 bank holiday(s):" in lines
    assert "  Monday 5 August 2019  Summer Bank Holiday" in lines
    assert any("Battle of the Boyne" in line for line in lines)  # sent on a holiday: still day zero


def test_deadline_json_is_named_like_the_database(tmp_path):
    result = invoke(tmp_path, "deadline", "--sent", "2025-04-17", "--regime", "FOISA", "--school", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["regime"] == "foisa" and data["working_days"] == 20
    assert data["due_date"] == "2025-05-19" and data["very_overdue_date"] == "2025-06-17"
    assert {"date": "2025-04-18", "name": "Good Friday"} in data["skipped_holidays"]
    assert all(item["name"] != "Easter Monday" for item in data["skipped_holidays"])  # a working day in Scotland
    school = json.loads(invoke(tmp_path, "deadline", "--sent", "2024-01-08", "--school", "--json").output)
    assert school["very_overdue_date"] == "2024-04-04" and school["long_stop_working_days"] == 60


def test_deadline_takes_an_instant_on_its_london_day(tmp_path):
    result = invoke(tmp_path, "deadline", "--sent", "2024-06-13T23:30:00+00:00", "--json")
    assert json.loads(result.output)["sent_at"] == "2024-06-14"


@pytest.mark.parametrize(("args", "message"), [
    (["--sent", "2019-13-45"], "Invalid value for '--sent': '2019-13-45' is not a date (expected YYYY-MM-DD)"),
    (["--sent", "yesterday"], "'yesterday' is not a date"),
    (["--sent", "2019-07-12", "--regime", "gdpr"], "Invalid value for '--regime': 'gdpr' is not one of"),
    ([], "Missing option '--sent'"),
])
def test_deadline_bad_usage_is_one_clear_line_and_exit_2(tmp_path, args, message):
    result = invoke(tmp_path, "deadline", *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert sum(line.startswith("Error:") for line in result.output.splitlines()) == 1


@pytest.fixture
def late_db(tmp_path) -> Path:
    db = open_db(tmp_path / "cli.db")
    db["sites"].insert({"id": "example.org", "base_url": "https://example.org", "regime": "foia"})
    db["authorities"].insert({"id": "example.org/body/north", "site_id": "example.org", "url_name": "north",
                              "name": "North Council"})
    db["users"].insert({"id": "example.org/user/ann", "site_id": "example.org", "url_name": "ann", "name": "Ann Example"})
    db["requests"].insert({
        "id": "example.org/request/potholes", "site_id": "example.org", "url": "https://example.org/request/potholes",
        "title": "Pothole claims", "authority_id": "example.org/body/north", "user_id": "example.org/user/ann",
        "status": "waiting_response", "regime": "foia", "sent_at": "2024-01-08T10:00:00+00:00",
        "due_date": "2024-02-05", "very_overdue_date": "2024-03-04",
    })
    return tmp_path


def test_late_prints_the_report_and_is_idempotent(late_db):
    first = invoke(late_db, "late", "--today", "2024-02-07")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Late check for 2024-02-07: 1 new flag(s), 0 cleared; standing: 1 late")
    assert "Ann Example (1 request(s))" in first.output and "North Council: 1 late" in first.output
    again = json.loads(invoke(late_db, "late", "--today", "2024-02-07", "--json").output)
    assert again["raised"] == 0 and again["open"]["late"] == 1
    assert "5 February 2024" in again["by_requester"][0]["requests"][0]["chaser"]


def test_late_notify_on_stdout_once(late_db):
    first = invoke(late_db, "late", "--today", "2024-02-07", "--notify")
    assert first.exit_code == 0
    assert first.stdout.count("== [foi-tracker] late: Pothole claims (North Council)") == 1
    assert "notified 1 new flag(s) on stdout" in first.stderr
    second = invoke(late_db, "late", "--today", "2024-02-07", "--notify")
    assert "== [foi-tracker]" not in second.stdout and "notified 0 new flag(s)" in second.stderr
    as_json = invoke(late_db, "late", "--today", "2024-03-05", "--json", "--notify")
    assert json.loads(as_json.stdout)["raised"] == 1  # stdout stays pure JSON; notices go to stderr
    assert "== [foi-tracker] long overdue: Pothole claims" in as_json.stderr


def test_late_notify_failure_exits_1_with_one_line(late_db):
    config = '[notify]\nchannels = ["webhook"]\n[notify.webhook]\nurl = "http://127.0.0.1:9/hook"\ntimeout = 2\n'
    result = invoke(late_db, "late", "--today", "2024-02-07", "--notify", config=config)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: webhook http://127.0.0.1:9/hook:")
    assert open_db(late_db / "cli.db").execute("select notified_at from flags").fetchall() == [(None,)]


def test_late_bad_input(late_db):
    bad_day = invoke(late_db, "late", "--today", "2024-02-30")
    assert bad_day.exit_code == 2 and "'2024-02-30' is not a date" in bad_day.output
    bad_config = invoke(late_db, "late", "--notify", "--today", "2024-02-07", config='[notify]\nchannels = ["fax"]\n')
    assert bad_config.exit_code == 2 and "[notify] channels: unknown fax" in bad_config.output
    assert "Traceback" not in bad_day.output + bad_config.output


def test_schedule_runs_the_scheduler_in_the_foreground(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(schedules.jobs, "run_forever", lambda config, db_path: calls.append(db_path))
    result = invoke(tmp_path, "schedule", config='[schedule]\npoll_every_minutes = 30\n')
    assert result.exit_code == 0, result.output
    assert calls == [str(tmp_path / "cli.db")]
    assert "scheduler started: poll every 30 min, late check daily at 06:00 Europe/London" in result.stderr
    assert "scheduler stopped" in result.stderr
    bad = invoke(tmp_path, "schedule", config='[schedule]\npoll_every_minutes = -5\n')
    assert bad.exit_code == 2 and "poll_every_minutes" in bad.output and calls == [str(tmp_path / "cli.db")]
