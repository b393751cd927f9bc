"""The scheduled jobs, and the one function that wires them into an APScheduler 3 scheduler.

Jobs are plain functions of ``(db_path, config)``: each opens its own connection (jobs run in
the scheduler's worker threads), does its work through ``tracker``, and records a ``job_runs``
row (job, started_at, finished_at, ok, summary). A failing job records why and returns; it never
takes the scheduler down.

```toml
[schedule]
poll_every_minutes = 60        # polling interval (with up to 10% jitter, at most 5 minutes)
late_check_at = "06:00"        # the daily late check, Europe/London time
refresh_authorities_on = "mon" # the weekly refresh of all-authorities.csv ...
refresh_authorities_at = "04:30"  # ... at this Europe/London time
```
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

import sqlite_utils
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker.ingest import authorities
from tracker.bot.daily import run_daily_check
from tracker.ingest.clients import polite_client
from tracker.ingest import poll as polling
from tracker.model.config import Config, ConfigError
from tracker.model.times import LONDON, LONDON_ZONE, instant, iso, london_time, london_today, utc_now
from tracker.store.db import open_db

log = logging.getLogger(__name__)

TIMEZONE = LONDON_ZONE
POLL, LATE_CHECK, REFRESH_AUTHORITIES = "poll", "late_check", "refresh_authorities"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ScheduleSettings:
    poll_every_minutes: int = 60
    late_check_at: time = time(6, 0)
    refresh_authorities_on: str = "mon"
    refresh_authorities_at: time = time(4, 30)


def settings_from(config: Config) -> ScheduleSettings:
    """``[schedule]`` of the configuration; one-line ConfigError for a bad value."""
    section = config.raw.get("schedule", {})
    where = f"{config.path}: " if config.path else ""
    known = set(ScheduleSettings.__dataclass_fields__)
    unknown = set(section) - known
    if unknown:
        raise ConfigError(f"{where}unknown [schedule] setting(s): {', '.join(sorted(unknown))}")
    defaults = ScheduleSettings()
    minutes = section.get("poll_every_minutes", defaults.poll_every_minutes)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 7 * 24 * 60:
        raise ConfigError(f"{where}[schedule] poll_every_minutes must be a whole number of minutes (1 to 10080)")
    day = str(section.get("refresh_authorities_on", defaults.refresh_authorities_on)).lower()[:3]
    if day not in DAYS:
        raise ConfigError(f"{where}[schedule] refresh_authorities_on must be a day of the week (mon ... sun)")
    return ScheduleSettings(
        poll_every_minutes=minutes,
        late_check_at=_clock_time(section, "late_check_at", defaults.late_check_at, where),
        refresh_authorities_on=day,
        refresh_authorities_at=_clock_time(section, "refresh_authorities_at", defaults.refresh_authorities_at, where),
    )


def _clock_time(section: dict[str, Any], key: str, default: time, where: str) -> time:
    value = section.get(key)
    if value is None:
        return default
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{where}[schedule] {key} must be a time like \"06:00\"") from None


# ---------------------------------------------------------------------------------------------
# Jobs


def _recorded(job: str, db_path: str, work: Callable[[sqlite_utils.Database], tuple[bool, str]]) -> bool:
    """Run ``work`` with its own connection, recording a ``job_runs`` row around it."""
    try:
        db = open_db(db_path)
    except Exception as error:  # nowhere to record it: say it once, the next run tries again
        log.error("%s: cannot open %s (%s)", job, db_path, " ".join(str(error).split()))
        return False
    try:
        with db.atomic():
            run_id = db["job_runs"].insert({"job": job, "started_at": iso(utc_now())}).last_pk
        try:
            ok, summary = work(db)
        except Exception as error:  # a job must not stop the scheduler: record the reason
            ok, summary = False, f"{type(error).__name__}: {' '.join(str(error).split())}"
            log.debug("%s failed", job, exc_info=True)
        (log.info if ok else log.error)("%s: %s", job, summary)
        with db.atomic():
            db["job_runs"].update(run_id, {"finished_at": iso(utc_now()), "ok": int(ok), "summary": summary})
        return ok
    finally:
        db.close()


def poll_job(db_path: str, config: Config) -> bool:
    """Poll every followed thread that is due."""
    def work(db: sqlite_utils.Database) -> tuple[bool, str]:
        with polite_client(config, db) as client:
            report = polling.poll(db, client)
        summary = (f"polled {report.attempted}: {report.succeeded} ok ({report.changed} changed, "
                   f"{report.new_messages} new messages), {report.failed} failed"
                   + (f", {report.left} left for the next run" if report.left else ""))
        return not (report.attempted and not report.succeeded), summary
    return _recorded(POLL, db_path, work)


def late_check_job(db_path: str, config: Config, today: date | None = None) -> bool:
    """The daily check (``tracker.bot.daily``): flags, summaries, delivery on the configured channels."""
    def work(db: sqlite_utils.Database) -> tuple[bool, str]:
        result = run_daily_check(db, config, today or london_today())
        return result.ok, result.summary
    return _recorded(LATE_CHECK, db_path, work)


def refresh_authorities_job(db_path: str, config: Config) -> bool:
    """The weekly refresh of every followed site's all-authorities.csv."""
    def work(db: sqlite_utils.Database) -> tuple[bool, str]:
        with polite_client(config, db) as client:
            result = authorities.refresh(db, client)
        parts = [f"{site}: {count} authorities" for site, count in result.imported.items()]
        parts += [f"{site}: unchanged" for site in result.unchanged]
        parts += result.errors
        return not result.errors, "; ".join(parts) or "no site followed"
    return _recorded(REFRESH_AUTHORITIES, db_path, work)


# ---------------------------------------------------------------------------------------------
# Wiring


def register_jobs(scheduler: BaseScheduler, config: Config, db_path: str) -> list:
    """Add the three jobs to ``scheduler`` (replacing any with the same ids); returns them.

    Every job coalesces missed runs into one and never runs twice at once. Grace periods: a
    poll may start up to half an interval late, the daily check up to six hours, the weekly
    refresh up to a day; later than that, the run is skipped (and ``catch_up`` covers the check).
    """
    settings = settings_from(config)
    interval = settings.poll_every_minutes * 60
    common = {"args": [db_path, config], "coalesce": True, "max_instances": 1, "replace_existing": True}
    return [
        scheduler.add_job(
            poll_job, IntervalTrigger(seconds=interval, jitter=min(300, interval // 10), timezone=TIMEZONE),
            id=POLL, name="poll followed threads", misfire_grace_time=max(60, interval // 2), **common,
        ),
        scheduler.add_job(
            late_check_job,
            CronTrigger(hour=settings.late_check_at.hour, minute=settings.late_check_at.minute, timezone=TIMEZONE),
            id=LATE_CHECK, name="daily late check", misfire_grace_time=6 * 3600, **common,
        ),
        scheduler.add_job(
            refresh_authorities_job,
            CronTrigger(day_of_week=settings.refresh_authorities_on, hour=settings.refresh_authorities_at.hour,
                        minute=settings.refresh_authorities_at.minute, timezone=TIMEZONE),
            id=REFRESH_AUTHORITIES, name="weekly refresh of authorities", misfire_grace_time=24 * 3600, **common,
        ),
    ]


def last_slot(now: datetime, at: time) -> datetime:
    """The latest daily slot (``at``, London time) at or before ``now``."""
    local = now.astimezone(LONDON)
    slot = london_time(local.date(), at)
    if slot > local:
        slot = london_time(local.date() - timedelta(days=1), at)
    return slot


def missed_late_check(db: sqlite_utils.Database, now: datetime, at: time = time(6, 0)) -> bool:
    """Whether no successful late check has started since the latest daily slot."""
    slot = last_slot(now, at)
    for row in db.query("select started_at from job_runs where job = ? and ok = 1 order by id desc limit 50",
                        [LATE_CHECK]):
        try:
            if instant(row["started_at"]) >= slot:
                return False
        except (TypeError, ValueError):
            continue
    return True


def catch_up(scheduler: BaseScheduler, db_path: str, now: datetime, config: Config | None = None) -> bool:
    """At start: if the daily check's latest slot passed with no successful run, run it at once.

    The registered daily job (``register_jobs`` first) is simply moved to ``now``; after that
    run its trigger takes it back to the usual time.
    """
    job = scheduler.get_job(LATE_CHECK)
    if job is None:
        raise KeyError(f"no {LATE_CHECK!r} job: call register_jobs first")
    db = open_db(db_path)
    try:
        missed = missed_late_check(db, now, settings_from(config or Config()).late_check_at)
    finally:
        db.close()
    if missed:
        job.modify(next_run_time=now)
        log.info("the daily late check was missed; running it now")
    return missed


def run_job_now(scheduler: BaseScheduler, job_id: str) -> Any:
    """Run a registered job in this thread, at once (on demand), with its own arguments."""
    job = scheduler.get_job(job_id)
    if job is None:
        raise KeyError(f"no job {job_id!r}")
    return job.func(*job.args, **job.kwargs)


def run_forever(config: Config, db_path: str, *, stop: threading.Event | None = None,
                on_start: Callable[[BaseScheduler], None] | None = None) -> None:
    """Run the scheduler until SIGINT / SIGTERM (or ``stop`` is set); running jobs finish first."""
    stop = stop or threading.Event()
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    register_jobs(scheduler, config, db_path)
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        scheduler.start()
        catch_up(scheduler, db_path, utc_now(), config)
        log.info("scheduler running: %s", ", ".join(f"{job.name} next at {job.next_run_time}" for job in scheduler.get_jobs()))
        if on_start:
            on_start(scheduler)
        while not stop.wait(0.5):
            pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log.info("scheduler stopped")
