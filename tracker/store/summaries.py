"""Summary tables: the per-authority aggregates, computed once instead of on every page view.

``authority_response_times``, ``response_time_bands`` and ``exemption_usage`` are views over
every request; at a million requests they take seconds. ``refresh`` copies each into its
``summary_*`` table (the league table, the response-time distribution, the exemptions an
authority cites and the dashboard read those). The daily job calls ``refresh``;
``foi-tracker serve`` calls ``refresh_if_stale`` before it starts.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from tracker.model.times import instant, iso, utc_now
from tracker.store.db import writing
from tracker.store.schema import TABLES_BY_NAME

# summary table -> the view it copies
SUMMARIES: dict[str, str] = {
    "summary_authority_response_times": "authority_response_times",
    "summary_response_time_bands": "response_time_bands",
    "summary_exemption_usage": "exemption_usage",
}


def refresh(db: sqlite_utils.Database, now: str | None = None) -> dict[str, int]:
    """Recompute every summary table in one transaction; return the rows written per table."""
    now = now or iso(utc_now())
    written: dict[str, int] = {}
    with writing(db):
        for table, view in SUMMARIES.items():
            columns = [c for c in TABLES_BY_NAME[table].columns if c != "refreshed_at"]
            names = ", ".join(f"[{c}]" for c in columns)
            db.execute(f"delete from [{table}]")
            cursor = db.execute(
                f"insert into [{table}] ({names}, refreshed_at) select {names}, ? from [{view}]", [now]
            )
            written[table] = cursor.rowcount
    return written


def refreshed_at(db: sqlite_utils.Database) -> str | None:
    """When the summaries were last refreshed (None: never, or every summary came out empty)."""
    stamps = [db.execute(f"select max(refreshed_at) from [{table}]").fetchone()[0] for table in SUMMARIES]
    known = [stamp for stamp in stamps if stamp]
    return max(known) if known else None


def is_stale(db: sqlite_utils.Database, now: datetime | None = None) -> bool:
    """True if the summaries were never refreshed, not yet today, or before the last change."""
    now = now or utc_now()
    stamp = refreshed_at(db)
    if stamp is None:
        return db.execute("select exists (select 1 from requests)").fetchone()[0] == 1
    if stamp[:10] < now.date().isoformat():
        return True
    changed = db.execute("select max(last_changed_at) from requests").fetchone()[0]
    return bool(changed and instant(changed) > instant(stamp))


def refresh_if_stale(db: sqlite_utils.Database) -> bool:
    """Refresh the summaries when ``is_stale``; return whether it did."""
    if not is_stale(db):
        return False
    refresh(db)
    return True
