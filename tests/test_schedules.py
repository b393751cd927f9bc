"""The scheduler wiring (schedules.jobs), tested without waiting for any trigger."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler

from schedules import jobs
from tracker.model.config import Config, ConfigError
from tracker.store.db import open_db
from tracker.model.times import LONDON

UTC = timezone.utc
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db_path(tmp_path) -> str:
    path = tmp_path / "sched.db"
    db = open_db(path)
    db["sites"].insert({"id": "example.org", "base_url": "https://example.org", "regime": "foia"})
    db["requests"].insert({
        "id": "example.org/request/potholes", "site_id": "example.org", "url": "https://example.org/request/potholes",
        "title": "Potholes", "status": "waiting_response", "regime": "foia", "sent_at": "2026-10-01T10:00:00+01:00",
        "due_date": "2026-10-29", "very_overdue_date": "2099-01-01",  # late whatever the real date
        "next_poll_at": "2099-01-01T00:00:00+00:00",  # never due: no test reaches the network
    })
    db.close()
    return str(path)


@pytest.fixture
def scheduler():
    """A real scheduler, started paused: jobs get their next run times but never fire by themselves."""
    instance = BackgroundScheduler(timezone=jobs.TIMEZONE)
    instance.start(paused=True)
    yield instance
    instance.shutdown(wait=False)


def runs(db_path: str) -> list[tuple]:
    return [(row["job"], row["ok"], row["summary"]) for row in open_db(db_path).query("select * from job_runs order by id")]


def test_register_jobs_wires_three_jobs_that_coalesce_and_never_overlap(scheduler, db_path):
    registered = jobs.register_jobs(scheduler, Config(raw={"schedule": {"poll_every_minutes": 30}}), db_path)
    assert sorted(job.id for job in registered) == ["late_check", "poll", "refresh_authorities"]
    for job in scheduler.get_jobs():
        assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time >= 60
        assert job.args == (db_path, job.args[1])
    assert scheduler.get_job("late_check").misfire_grace_time == 6 * 3600
    assert scheduler.get_job("poll").misfire_grace_time == 15 * 60
    jobs.register_jobs(scheduler, Config(), db_path)  # registering again replaces, never duplicates
    assert len(scheduler.get_jobs()) == 3


def fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    times, previous, now = [], None, start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        times.append(previous)
        now = previous
    return times


def test_daily_check_stays_at_six_in_london_across_both_clock_changes(scheduler, db_path):
    jobs.register_jobs(scheduler, Config(), db_path)
    trigger = scheduler.get_job("late_check").trigger
    spring = fire_times(trigger, datetime(2026, 3, 27, 12, 0, tzinfo=UTC), 3)
    assert [t.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z") for t in spring] == [
        "2026-03-28 06:00 GMT", "2026-03-29 06:00 BST", "2026-03-30 06:00 BST"]
    assert [t.astimezone(UTC).hour for t in spring] == [6, 5, 5]
    autumn = fire_times(trigger, datetime(2026, 10, 23, 12, 0, tzinfo=UTC), 3)
    assert [t.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z") for t in autumn] == [
        "2026-10-24 06:00 BST", "2026-10-25 06:00 GMT", "2026-10-26 06:00 GMT"]
    assert [t.astimezone(UTC).hour for t in autumn] == [5, 6, 6]


def test_weekly_refresh_and_polling_interval(scheduler, db_path):
    jobs.register_jobs(scheduler, Config(raw={"schedule": {"poll_every_minutes": 60, "refresh_authorities_on": "Sunday",
                                                           "refresh_authorities_at": "03:15"}}), db_path)
    weekly = fire_times(scheduler.get_job("refresh_authorities").trigger, datetime(2026, 3, 20, tzinfo=UTC), 3)
    assert [t.astimezone(LONDON).strftime("%a %Y-%m-%d %H:%M %Z") for t in weekly] == [
        "Sun 2026-03-22 03:15 GMT", "Sun 2026-03-29 03:15 BST", "Sun 2026-04-05 03:15 BST"]
    poll = scheduler.get_job("poll").trigger
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the hour the clocks go forward
    for _ in range(20):
        upcoming = poll.get_next_fire_time(start, start)
        assert timedelta(minutes=60) <= upcoming - start <= timedelta(minutes=65)  # up to 10% jitter, max 5 min


def test_a_missed_daily_check_is_caught_up_at_start(scheduler, db_path):
    db = open_db(db_path)
    db["job_runs"].insert({"job": "late_check", "started_at": "2026-11-19T06:00:04+00:00", "ok": 1})
    db["job_runs"].insert({"job": "late_check", "started_at": "2026-11-20T06:00:02+00:00", "ok": 0})  # failed
    now = datetime(2026, 11, 20, 9, 0, tzinfo=LONDON)
    jobs.register_jobs(scheduler, Config(), db_path)
    assert jobs.catch_up(scheduler, db_path, now) is True
    daily = scheduler.get_job("late_check")
    assert daily.next_run_time == now
    assert jobs.run_job_now(scheduler, "late_check") is True
    assert runs(db_path)[-1][:2] == ("late_check", 1)
    assert "1 raised" in runs(db_path)[-1][2]
    assert [row["flag"] for row in open_db(db_path).query("select flag from flags")] == ["late"]
    assert jobs.missed_late_check(open_db(db_path), now) is False


def test_no_catch_up_before_six_or_after_a_run(db_path):
    db = open_db(db_path)
    db["job_runs"].insert({"job": "late_check", "started_at": "2026-03-28T06:00:01+00:00", "ok": 1})
    assert not jobs.missed_late_check(db, datetime(2026, 3, 29, 5, 59, tzinfo=LONDON))  # before today's slot
    assert jobs.missed_late_check(db, datetime(2026, 3, 29, 6, 0, tzinfo=LONDON))
    # The day the clocks go forward, 06:00 BST is 05:00 UTC: a run at 05:00:10 UTC counts.
    db["job_runs"].insert({"job": "late_check", "started_at": "2026-03-29T05:00:10+00:00", "ok": 1})
    assert not jobs.missed_late_check(db, datetime(2026, 3, 29, 7, 0, tzinfo=LONDON))
    scheduler = BackgroundScheduler(timezone=jobs.TIMEZONE)
    jobs.register_jobs(scheduler, Config(), db_path)
    scheduler.start(paused=True)
    try:
        assert jobs.catch_up(scheduler, db_path, datetime(2026, 3, 29, 7, 0, tzinfo=LONDON)) is False
        next_run = scheduler.get_job("late_check").next_run_time.astimezone(LONDON)
        assert next_run.hour == 6 and next_run > datetime.now(LONDON)  # left at its usual time
    finally:
        scheduler.shutdown(wait=False)


def test_started_before_the_first_slot_the_check_waits_for_it(scheduler, db_path):
    """Started at 04:13 with the check at 06:00, a check that never ran has missed nothing."""
    db = open_db(db_path)
    early = datetime(2026, 11, 20, 4, 13, tzinfo=LONDON)
    assert not jobs.missed_late_check(db, early)
    assert jobs.missed_late_check(db, datetime(2026, 11, 20, 6, 1, tzinfo=LONDON))  # today's slot passed, no run
    jobs.register_jobs(scheduler, Config(), db_path)
    assert jobs.catch_up(scheduler, db_path, early) is False
    assert scheduler.get_job("late_check").next_run_time.astimezone(LONDON).hour == 6
    # Once it has run, only a slot that passed since its last successful run counts.
    db["job_runs"].insert({"job": "late_check", "started_at": "2026-11-18T06:00:03+00:00", "ok": 1})
    assert jobs.missed_late_check(db, early)  # the 19th's slot passed since
    db["job_runs"].insert({"job": "late_check", "started_at": "2026-11-19T06:00:03+00:00", "ok": 1})
    assert not jobs.missed_late_check(db, early)


def test_jobs_run_on_demand_and_record_their_runs(scheduler, db_path, capsys):
    jobs.register_jobs(scheduler, Config(), db_path)
    assert jobs.run_job_now(scheduler, "poll") is True
    assert jobs.late_check_job(db_path, Config(), today=date(2026, 11, 20)) is True
    assert "[foi-tracker] late: Potholes" in capsys.readouterr().out  # the default channel
    assert jobs.run_job_now(scheduler, "refresh_authorities") is True
    recorded = runs(db_path)
    assert [(job, ok) for job, ok, _ in recorded] == [("poll", 1), ("late_check", 1), ("refresh_authorities", 1)]
    assert recorded[0][2].startswith("polled 0")
    assert recorded[1][2] == "2026-11-20: 1 raised, 0 cleared, 1 standing; 1 notified"
    assert recorded[2][2] == "no site followed"
    row = next(open_db(db_path).query("select * from job_runs where job = 'poll'"))
    assert row["started_at"] <= row["finished_at"]
    with pytest.raises(KeyError):
        jobs.run_job_now(scheduler, "nonesuch")


def test_a_failing_job_records_why_and_does_not_raise(db_path, tmp_path):
    dead = Config(raw={"notify": {"channels": ["webhook"], "webhook": {"url": "http://127.0.0.1:9/hook", "timeout": 2}}})
    assert jobs.late_check_job(db_path, dead, today=date(2026, 11, 20)) is False
    job, ok, summary = runs(db_path)[-1]
    assert (job, ok) == ("late_check", 0) and "delivery failed: webhook http://127.0.0.1:9/hook" in summary
    assert jobs.poll_job(str(tmp_path), Config()) is False  # a directory is no database: logged, not raised


def test_settings_are_checked(db_path):
    for section, message in (
        ({"poll_every_minutes": 0}, "poll_every_minutes"),
        ({"poll_every_minutes": "often"}, "poll_every_minutes"),
        ({"late_check_at": "six"}, "late_check_at"),
        ({"refresh_authorities_on": "someday"}, "refresh_authorities_on"),
        ({"pol_every_minutes": 5}, "unknown [schedule] setting(s): pol_every_minutes"),
    ):
        with pytest.raises(ConfigError, match=re.escape(message)):
            jobs.settings_from(Config(raw={"schedule": section}))
    assert jobs.settings_from(Config(raw={"schedule": {"late_check_at": "07:30"}})).late_check_at == time(7, 30)


def test_run_forever_stops_when_asked_and_catches_up_first(db_path):
    stop, started, ran = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def on_start(scheduler):
        seen["jobs"] = sorted(job.id for job in scheduler.get_jobs())
        scheduler.add_listener(lambda event: ran.set() if event.job_id == "late_check" else None, EVENT_JOB_EXECUTED)
        started.set()

    # At 00:00 today's slot has always passed, whatever time the test runs.
    midnight = Config(raw={"schedule": {"late_check_at": "00:00"}})
    worker = threading.Thread(target=jobs.run_forever, args=(midnight, db_path),
                              kwargs={"stop": stop, "on_start": on_start}, daemon=True)
    worker.start()
    assert started.wait(10)
    assert ran.wait(10)  # never run before, so caught up at once
    stop.set()
    worker.join(10)
    assert not worker.is_alive()
    assert seen["jobs"] == ["late_check", "poll", "refresh_authorities"]
    assert [(job, ok) for job, ok, _ in runs(db_path)] == [("late_check", 1)]


SCRIPT = """
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
from schedules.jobs import run_forever
from tracker.model.config import Config
run_forever(Config(), sys.argv[1])
print("clean exit", flush=True)
"""


def test_sigterm_stops_the_foreground_scheduler_cleanly(db_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, db_path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        for line in process.stderr:
            if line.startswith("scheduler running"):
                break
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "clean exit" in out and "scheduler stopped" in err and "Traceback" not in err
