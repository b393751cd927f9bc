"""The daily check, written once: the ``late`` command and the scheduler's job both call it.

``run_daily_check`` raises, updates and clears the late flags (``tracker.bot.late``), refreshes
the summary tables the published pages read (``tracker.store.summaries``), then delivers the
new flags on the configured channels (``tracker.bot.notify``). Both entry points do all three,
so the database after ``foi-tracker late --notify`` is the database after the scheduled job.
For a day before the latest check recorded it does none of them: history is append-only, and the
late report is the record of that day (``tracker.bot.late.recorded``), read only.

What it does not do is record a ``job_runs`` row: that table is the scheduler's log of its own
runs (every job writes one, and the catch-up at start reads it to tell whether today's slot was
missed). A hand-run ``late`` is not the scheduled run: counting it would let the scheduler skip
a day's delivery after a ``late`` run without ``--notify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

import sqlite_utils

from tracker.bot import late
from tracker.bot import notify as notifications
from tracker.model.config import Config
from tracker.store import summaries


@dataclass
class DailyCheck:
    """What one daily check did: the late report, the summary rows written, the delivery."""

    late: late.LateReport
    summaries: dict[str, int]  # rows written per summary table
    delivery: notifications.DeliveryResult | None  # None: delivery was not asked for

    @property
    def ok(self) -> bool:
        """False when a notification could not be delivered (it is retried on the next run)."""
        return self.delivery is None or self.delivery.ok

    @property
    def summary(self) -> str:
        """One line: what the scheduler records in ``job_runs``."""
        report = self.late
        if report.read_only:
            return (f"{report.today}: before the latest check ({report.latest_check}): nothing changed or sent; "
                    f"{report.open_total} standing that day")
        line = (f"{report.today}: {len(report.raised)} raised, {len(report.cleared)} cleared, "
                f"{report.open_total} standing")
        if self.delivery is not None:
            line += f"; {self.delivery.notified} notified"
            if self.delivery.failures:
                line += "; delivery failed: " + "; ".join(self.delivery.failures)
        return line


def run_daily_check(
    db: sqlite_utils.Database,
    config: Config,
    today: date,
    *,
    notify: bool = True,
    channels: list[notifications.Channel] | None = None,
    on_checked: Callable[[late.LateReport], None] | None = None,
) -> DailyCheck:
    """Check the flags for ``today``, refresh the summaries, deliver the new flags.

    For a day before the latest check, only the late report (read only): no summary is
    refreshed and nothing is delivered. ``notify=False`` stops before delivery; ``channels`` overrides the configured ones.
    ``on_checked`` sees the late report as soon as the flags are settled, before the summaries
    and the delivery (the ``late`` command prints it there).
    """
    report = late.check(db, today)
    if on_checked is not None:
        on_checked(report)
    if report.read_only:
        return DailyCheck(report, {}, None)
    written = summaries.refresh(db)
    delivery = notifications.deliver(db, config, today=today, channels=channels) if notify else None
    return DailyCheck(report, written, delivery)
