"""The scheduled jobs, and the one function that wires them into an APScheduler 3 scheduler.

Jobs are plain functions of ``(db_path, config)``: each opens its own connection (jobs run in
the scheduler's worker threads), does its work through ``tracker``, and records a ``job_runs``
row (job, started_at, finished_at, ok, summary). A failing job records why and returns; it never
takes the scheduler down.

The times and the interval are ``[schedule]`` settings, declared in ``tracker.model.config``.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import date, datetime, time, timedelta
from functools import partial
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
from tracker.model.config import Config, ScheduleConfig
from tracker.model.times import LONDON, LONDON_ZONE, instant, iso, london_time, london_today, utc_now
from tracker.store.db import DatabaseBusy, open_db, writing

log = logging.getLogger(__name__)

TIMEZONE = LONDON_ZONE
POLL, LATE_CHECK, REFRESH_AUTHORITIES = "poll", "late_check", "refresh_authorities"


def settings_from(config: Config) -> ScheduleConfig:
    """``[schedule]`` of the configuration, checked when it was read (``tracker.model.config``)."""
    return config.schedule


# ---------------------------------------------------------------------------------------------
# Jobs


class JobFailed(Exception):
    """What a scheduled job that failed raises to APScheduler, which then logs a failure (one
    line, see ``_OneLineFailures``) instead of "executed successfully"; ``job_runs`` says why."""


def _recorded(job: str, db_path: str, work: Callable[[sqlite_utils.Database], tuple[bool, str]]) -> bool:
    """Run ``work`` with its own connection, recording a ``job_runs`` row around it.

    Every write waits its turn for the write lock (``tracker.store.db.writing``); if the lock
    stays busy past that, the run is recorded as failed, with the reason, once it is free.
    """
    try:
        db = open_db(db_path)
    except Exception as error:  # nowhere to record it: say it once, the next run tries again
        log.error("%s: cannot open %s (%s)", job, db_path, " ".join(str(error).split()))
        return False
    try:
        started_at = iso(utc_now())
        try:
            with writing(db):
                run_id = db["job_runs"].insert({"job": job, "started_at": started_at}).last_pk
        except DatabaseBusy as error:
            run_id, ok, summary = None, False, str(error)
        else:
            try:
                ok, summary = work(db)
            except Exception as error:  # a job must not stop the scheduler: record the reason
                ok, summary = False, f"{type(error).__name__}: {' '.join(str(error).split())}"
                log.debug("%s failed", job, exc_info=True)
        (log.info if ok else log.error)("%s: %s", job, summary)
        finished = {"finished_at": iso(utc_now()), "ok": int(ok), "summary": summary}
        try:
            with writing(db):
                if run_id is None:
                    db["job_runs"].insert({"job": job, "started_at": started_at, **finished})
                else:
                    db["job_runs"].update(run_id, finished)
        except DatabaseBusy as error:
            log.error("%s: the run could not be recorded (%s)", job, error)
            return False
        return ok
    finally:
        db.close()


def _scheduled(job: Callable[..., bool], *args: Any) -> bool:
    """How the scheduler runs a job: a failure raises ``JobFailed``, so APScheduler records it as one."""
    if not job(*args):
        raise JobFailed(f"{job.__name__} failed (see job_runs)")
    return True


class _OneLineFailures(logging.Filter):
    """APScheduler logs a job that raised with its traceback; for ``JobFailed`` one line says it all."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], JobFailed):
            record.msg, record.args = f"{record.getMessage()}: {record.exc_info[1]}", ()
            record.exc_info = record.exc_text = None
        return True


def poll_job(db_path: str, config: Config) -> bool:
    """Poll every followed thread that is due."""
    def work(db: sqlite_utils.Database) -> tuple[bool, str]:
        with polite_client(config, db) as client:
            report = polling.poll(db, client)
        summary = (f"polled {report.attempted}: {report.succeeded} ok ({report.changed} changed, "
                   f"{report.new_messages} new messages), {report.failed} failed"
                   + (f", {report.left} left for the next run" if report.left else ""))
        if report.skipped:
            summary += f"; skipped {report.skipped} that another poll is polling"
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
    With ``poll_on_start`` the first poll is due at once. The scheduler runs each job through
    ``_scheduled``: a run that failed is recorded in ``job_runs`` and reported to APScheduler as
    failed.
    """
    settings = settings_from(config)
    executor_log = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(known, _OneLineFailures) for known in executor_log.filters):
        executor_log.addFilter(_OneLineFailures())
    interval = settings.poll_every_minutes * 60
    common = {"args": [db_path, config], "coalesce": True, "max_instances": 1, "replace_existing": True}
    return [
        scheduler.add_job(
            partial(_scheduled, poll_job), IntervalTrigger(seconds=interval, jitter=min(300, interval // 10), timezone=TIMEZONE),
            id=POLL, name="poll followed threads", misfire_grace_time=max(60, interval // 2),
            **({"next_run_time": utc_now()} if settings.poll_on_start else {}), **common,
        ),
        scheduler.add_job(
            partial(_scheduled, late_check_job),
            CronTrigger(hour=settings.late_check_at.hour, minute=settings.late_check_at.minute, timezone=TIMEZONE),
            id=LATE_CHECK, name="daily late check", misfire_grace_time=6 * 3600, **common,
        ),
        scheduler.add_job(
            partial(_scheduled, refresh_authorities_job),
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
    """Whether a daily slot passed since the last successful late check, with no run since.

    A check that never ran has missed nothing before today's slot: started at 04:13 with the
    check at 06:00, the scheduler waits for 06:00 rather than running the check twice.
    """
    slot = last_slot(now, at)
    started = []
    for row in db.query("select started_at from job_runs where job = ? and ok = 1 order by id desc limit 50",
                        [LATE_CHECK]):
        try:
            started.append(instant(row["started_at"]))
        except (TypeError, ValueError):
            continue
    if not started:
        return slot.date() == now.astimezone(LONDON).date()
    return all(run < slot for run in started)


def catch_up(scheduler: BaseScheduler, db_path: str, now: datetime, config: Config | None = None) -> bool:
    """At start: if a slot of the daily check was missed (``missed_late_check``), run it at once.

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


def run_job_now(scheduler: BaseScheduler, job_id: str) -> bool:
    """Run a registered job in this thread, at once (on demand), with its own arguments; whether it succeeded."""
    job = scheduler.get_job(job_id)
    if job is None:
        raise KeyError(f"no job {job_id!r}")
    try:
        return job.func(*job.args, **job.kwargs)
    except JobFailed:
        return False


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
