"""The daily late check: flags with their history, and the report (with chasers ready to send).

``check(db, today)`` reads the deadline columns of ``requests`` (filled by ``tracker.deadlines``)
and keeps ``flags`` in step, set-based so that it scales to millions of requests:

- ``late``: past ``due_date`` with no substantive response;
- ``very_late``: past ``very_overdue_date`` (the long stop) with no substantive response;
- ``review_late``: an internal review past ``review_due_date`` with no outcome;
- ``review_very_late``: a review past the regime's long stop (FOIA: 40 working days; EIR reg 11(4):
  40; FOISA s.21(1): 20), when the requester can go to the regulator.

A flag is raised once (one row per episode), its ``working_days_late`` is brought up to date
by every run, and it is cleared (``cleared_on``) when the answer arrives or the request is closed
or withdrawn. Running twice on the same day changes nothing. Working days overdue are counted
after the due date up to and including today, on the request's regime calendar (a Saturday after
a Friday due date is late but 0 working days overdue).

History is append-only. Every check records its day in ``late_checks``; a check for a day
before the latest one recorded writes nothing and reports what the flags record as late on that
day (``LateReport.read_only``), so no flag is ever cleared before it was raised (the schema's
triggers refuse it too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from itertools import groupby
from typing import Any, Iterator, Mapping

import sqlite_utils

from tracker.bot.chasers import chaser, regulator_advice
from tracker.deadlines import CALENDARS, DEFAULT_REGIME, REGIMES, Calendar, WorkingDayIndex, stored_calendar
from tracker.model.times import iso, london_day, utc_now
from tracker.model.taxonomy import CLOSED_STATES, INACTIVE_STATES
from tracker.store.db import writing

FLAGS = ("late", "very_late", "review_late", "review_very_late")
FLAG_LABELS = {
    "late": "late",
    "very_late": "long overdue",
    "review_late": "internal review late",
    "review_very_late": "internal review long overdue",
}
# The flag a request's chaser is written for, most severe first.
SEVERITY = ("review_very_late", "review_late", "very_late", "late")

# Due dates before this are not flagged (FOIA came into force in 2005): a garbled year cannot make
# the check build a calendar over centuries.
EARLIEST = date(2000, 1, 1)

@dataclass
class LateReport:
    """What one check did, and the flags standing after it (read from the database on demand).

    ``read_only``: ``today`` is before ``latest_check``, the latest day checked; nothing was
    written, and the report is the record of that day (the flags raised and cleared on it, those
    standing at its end, with their working days late as of it).
    """

    today: date
    db: sqlite_utils.Database = field(repr=False)
    raised: list[int] = field(default_factory=list)  # flag ids raised by this run (on this day, read-only)
    cleared: list[int] = field(default_factory=list)  # flag ids cleared by this run (on this day, read-only)
    open_counts: dict[str, int] = field(default_factory=dict)  # standing flags per kind
    read_only: bool = False
    latest_check: date | None = None

    @property
    def open_total(self) -> int:
        return sum(self.open_counts.values())

    def requests(self, order: str = "requester") -> Iterator[LateRequest]:
        """Every request with a standing flag, grouped by ``requester`` or ``authority``."""
        yield from _late_requests(self.db, set(self.raised), order, self.today if self.read_only else None)


@dataclass
class LateRequest:
    """A request with its standing flags; ``row`` has what a chaser needs."""

    row: dict[str, Any]
    flags: list[dict[str, Any]]

    @property
    def worst(self) -> dict[str, Any]:
        return min(self.flags, key=lambda f: SEVERITY.index(f["flag"]))


# ---------------------------------------------------------------------------------------------
# The check


def check(db: sqlite_utils.Database, today: date) -> LateReport:
    """Raise, update and clear flags for ``today``, in one transaction; idempotent.

    For a day before the latest check recorded, nothing is written: the report is the record of
    that day (``recorded``). The partial indexes of requests still waiting
    (``tracker.store.schema``) keep it fast.
    """
    conn = db.conn
    with writing(db):
        latest = latest_check(db)
        if latest is not None and today < latest:
            return recorded(db, today, latest)
        report = LateReport(today, db, latest_check=today)
        _calendar_tables(db, today)
        conn.execute("drop table if exists temp._late_now")
        conn.execute(
            "create temp table _late_now (request_id text, flag text, due_date text, overdue integer,"
            " primary key (request_id, flag)) without rowid"
        )
        params = {"today": today.isoformat()}
        for sql in _CURRENT_FLAGS:
            conn.execute(sql.format(closed=_sql_list(CLOSED_STATES), inactive=_sql_list(INACTIVE_STATES)), params)
        report.cleared = [row[0] for row in conn.execute(
            """update flags set cleared_on = :today
               where cleared_on is null and not exists (
                 select 1 from _late_now n where n.request_id = flags.request_id and n.flag = flags.flag)
               returning id""",
            params,
        ).fetchall()]
        conn.execute(
            """update flags set working_days_late = n.overdue, due_date = n.due_date
               from _late_now n
               where flags.cleared_on is null and n.request_id = flags.request_id and n.flag = flags.flag
                 and (flags.working_days_late is not n.overdue or flags.due_date is not n.due_date)"""
        )
        report.raised = [row[0] for row in conn.execute(
            """insert into flags (request_id, flag, raised_on, due_date, working_days_late)
               select n.request_id, n.flag, :today, n.due_date, n.overdue from _late_now n
               where not exists (select 1 from flags f
                                 where f.request_id = n.request_id and f.flag = n.flag and f.cleared_on is null)
               order by n.request_id, n.flag
               returning id""",
            params,
        ).fetchall()]
        report.open_counts = _open_counts(db, "f.cleared_on is null", params)
        conn.execute("insert or ignore into late_checks (day, checked_at) values (?, ?)", [params["today"], iso(utc_now())])
        for table in ("_late_now", "_late_days", "_late_working", "_late_regimes"):
            conn.execute(f"drop table if exists temp.{table}")
    return report


def latest_check(db: sqlite_utils.Database) -> date | None:
    """The latest day checked: the latest in ``late_checks``, or on which a flag was raised or
    cleared (a database whose checks an earlier release ran records only those)."""
    latest = db.execute(
        "select max(day) from (select max(day) as day from late_checks"
        " union all select max(raised_on) from flags union all select max(cleared_on) from flags)"
    ).fetchone()[0]
    return date.fromisoformat(latest) if latest else None


# A flag stands at the end of :today when it was raised by then and not cleared by then.
_STANDING_ON = "f.raised_on <= :today and (f.cleared_on is null or f.cleared_on > :today)"


def recorded(db: sqlite_utils.Database, day: date, latest: date | None = None) -> LateReport:
    """What the flags record for ``day``, read only: raised and cleared on it, standing at its end."""
    params = {"today": day.isoformat()}
    report = LateReport(day, db, read_only=True, latest_check=latest or latest_check(db))
    report.raised = [row[0] for row in db.execute("select id from flags where raised_on = :today order by id", params)]
    report.cleared = [row[0] for row in db.execute("select id from flags where cleared_on = :today order by id", params)]
    report.open_counts = _open_counts(db, _STANDING_ON, params)
    return report


def _open_counts(db: sqlite_utils.Database, standing: str, params: Mapping[str, Any]) -> dict[str, int]:
    counts = {flag: 0 for flag in FLAGS}
    counts.update(db.execute(f"select f.flag, count(*) from flags f where {standing} group by f.flag", params).fetchall())
    return counts


# A request in a closed state has no response to wait for; in an inactive one, no internal
# review either (tracker.model.taxonomy).
_AWAITING_RESPONSE = """
  from requests r
  left join _late_regimes g on g.regime = coalesce(r.regime, '{default}')
  join _late_days d on d.cal = coalesce(g.cal, 'uk') and d.day = r.{column}
  join _late_days t on t.cal = d.cal and t.day = :today
  where r.first_response_at is null and r.due_date is not null and r.due_date < :today
    and r.{column} < :today and coalesce(r.status, '') not in ({{closed}})
"""
_AWAITING_REVIEW = """
  from requests r
  left join _late_regimes g on g.regime = coalesce(r.regime, '{default}')
  join _late_days d on d.cal = coalesce(g.cal, 'uk') and d.day = r.review_due_date
  join _late_days t on t.cal = d.cal and t.day = :today
  {extra_join}
  where r.review_requested_at is not null and r.review_responded_at is null
    and r.review_due_date is not null and r.review_due_date < :today
    and coalesce(r.status, '') not in ({{inactive}})
"""
_CURRENT_FLAGS = (
    "insert into _late_now select r.id, 'late', r.due_date, t.n - d.n"
    + _AWAITING_RESPONSE.format(default=DEFAULT_REGIME, column="due_date"),
    "insert into _late_now select r.id, 'very_late', r.very_overdue_date, t.n - d.n"
    + _AWAITING_RESPONSE.format(default=DEFAULT_REGIME, column="very_overdue_date"),
    "insert into _late_now select r.id, 'review_late', r.review_due_date, t.n - d.n"
    + _AWAITING_REVIEW.format(default=DEFAULT_REGIME, extra_join=""),
    "insert into _late_now select r.id, 'review_very_late', w.day, t.n - w.n"
    + _AWAITING_REVIEW.format(
        default=DEFAULT_REGIME,
        extra_join="join _late_working w on w.cal = d.cal and w.n = d.n + coalesce(g.review_extra, 20)",
    )
    + " and w.day < :today",
)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _calendar_tables(db: sqlite_utils.Database, today: date) -> None:
    """Working-day ordinals of every day the check can meet, per calendar, as temp tables.

    The range runs from the earliest date a waiting request is due to a little after today (so
    that a review's long stop, counted forward from its due date, can be looked up).
    """
    conn = db.conn
    earliest = [
        conn.execute(
            "select min(due_date) from requests where first_response_at is null and due_date is not null"
        ).fetchone()[0],
        conn.execute(
            "select min(review_due_date) from requests where review_requested_at is not null"
            " and review_responded_at is null and review_due_date is not null"
        ).fetchone()[0],
    ]
    first = max(EARLIEST, min([today] + [d for d in (london_day(v) for v in earliest if v) if d is not None]))
    last = today + timedelta(days=120)
    for table, columns in (
        ("_late_days", "cal text, day text, n integer, primary key (cal, day)"),
        ("_late_working", "cal text, n integer, day text, primary key (cal, n)"),
        ("_late_regimes", "regime text primary key, cal text, review_extra integer"),
    ):
        conn.execute(f"drop table if exists temp.{table}")
        conn.execute(f"create temp table {table} ({columns}) without rowid")
    for name, calendar in CALENDARS.items():
        index = WorkingDayIndex(calendar, first - timedelta(days=1), last)
        days = [(name, day.isoformat(), ordinal) for day, ordinal in index.days()]
        conn.executemany("insert into _late_days values (?, ?, ?)", days)
        conn.executemany(
            "insert into _late_working values (?, ?, ?)",
            [(name, ordinal, day) for name, day, ordinal in days if calendar.is_working_day(date.fromisoformat(day))],
        )
    conn.executemany(
        "insert into _late_regimes values (?, ?, ?)",
        [(r.id, r.calendar.name, r.review.long_stop - r.review.period) for r in REGIMES.values()],
    )


# ---------------------------------------------------------------------------------------------
# Reading the standing flags


_STANDING = """
select f.id as flag_id, f.flag, f.raised_on, f.due_date as flag_due_date, f.working_days_late, f.notified_at,
       r.id as request_id, r.title, r.url, r.regime, r.status, r.sent_at, r.due_date, r.very_overdue_date,
       r.review_requested_at, r.review_due_date,
       r.authority_id, coalesce(a.name, r.authority_id, 'Unknown authority') as authority,
       r.user_id, coalesce(u.name, r.user_id, 'Unknown requester') as requester
from flags f
join requests r on r.id = f.request_id
left join authorities a on a.id = r.authority_id
left join users u on u.id = r.user_id
where {standing} {extra}
order by {order}, r.id, f.flag
"""
_ORDERS = {
    "requester": "requester collate nocase, r.user_id",
    "authority": "authority collate nocase, r.authority_id",
}
_REQUEST_KEYS = (
    "request_id", "title", "url", "regime", "status", "sent_at", "due_date", "very_overdue_date",
    "review_requested_at", "review_due_date", "authority_id", "authority", "user_id", "requester",
)
_FLAG_KEYS = ("flag_id", "flag", "raised_on", "flag_due_date", "working_days_late", "notified_at")


def flag_rows(db: sqlite_utils.Database, *, order: str = "requester", extra: str = "",
              params: Mapping[str, Any] | None = None, on: date | None = None) -> Iterator[dict[str, Any]]:
    """Standing flags joined with their request, authority and requester (one dict per flag):
    standing now, or at the end of the day ``on``."""
    params = dict(params or {})
    standing = "f.cleared_on is null"
    if on is not None:
        standing, params["today"] = _STANDING_ON, on.isoformat()
    yield from db.query(_STANDING.format(standing=standing, extra=extra, order=_ORDERS[order]), params)


def _late_requests(db: sqlite_utils.Database, raised: set[int], order: str, on: date | None) -> Iterator[LateRequest]:
    for _, rows in groupby(flag_rows(db, order=order, on=on), key=lambda row: row["request_id"]):
        rows = list(rows)
        flags = [{**{k: row[k] for k in _FLAG_KEYS}, "new": row["flag_id"] in raised} for row in rows]
        if on is not None:  # the stored count is as of the latest check: count again, as of that day
            for flag in flags:
                flag["working_days_late"] = _working_days_late(flag, rows[0]["regime"], on)
        yield LateRequest({k: rows[0][k] for k in _REQUEST_KEYS}, flags)


def _working_days_late(flag: Mapping[str, Any], regime: str | None, on: date) -> int | None:
    """Working days after the flag's due date up to and including ``on``, as the check counts them."""
    if not flag["flag_due_date"]:
        return flag["working_days_late"]
    return _working_days_after(stored_calendar(regime), flag["flag_due_date"], on)


@lru_cache(maxsize=4096)
def _working_days_after(calendar: Calendar, due_date: str, on: date) -> int:
    """Counted once per calendar and due date: many flags share them."""
    return calendar.working_days_between(date.fromisoformat(due_date), on)


def chaser_row(request: LateRequest) -> dict[str, Any]:
    """What ``chaser`` reads: the request's columns and its most severe flag."""
    worst = request.worst
    return {**request.row, "flag": worst["flag"], "flag_due_date": worst["flag_due_date"],
            "working_days_late": worst["working_days_late"]}


# ---------------------------------------------------------------------------------------------
# The report


def _flag_line(flag: Mapping[str, Any]) -> str:
    new = " NEW" if flag.get("new") else ""
    return (f"{FLAG_LABELS[flag['flag']]}{new}: due {flag['flag_due_date']}, "
            f"{flag['working_days_late']} working days overdue (since {flag['raised_on']})")


def format_report(report: LateReport) -> str:
    """The daily report: by requester (with a chaser for each late request), then by authority."""
    counts = ", ".join(f"{report.open_counts.get(flag, 0)} {FLAG_LABELS[flag]}" for flag in FLAGS)
    if report.read_only:
        out = [
            f"Late on {report.today}, as recorded (the latest check was for {report.latest_check}; nothing was "
            f"changed): {len(report.raised)} flag(s) raised that day, {len(report.cleared)} cleared; "
            f"standing at its end: {counts}.",
        ]
    else:
        out = [
            f"Late check for {report.today}: {len(report.raised)} new flag(s), {len(report.cleared)} cleared; "
            f"standing: {counts}.",
        ]
    if not report.open_total:
        out.append("Nothing is late.")
        return "\n".join(out) + "\n"
    out += ["", "BY REQUESTER", "============"]
    for requester, requests in groupby(report.requests("requester"), key=lambda r: r.row["user_id"] or r.row["requester"]):
        requests = list(requests)
        out += ["", f"{requests[0].row['requester']} ({len(requests)} request(s))", ""]
        for request in requests:
            row = request.row
            out.append(f"* {row['title']} - {row['authority']}")
            out.append(f"  {row['url']}")
            out += [f"  {_flag_line(flag)}" for flag in request.flags]
            draft = chaser_row(request)
            out.append("  Chaser to paste into the site's follow-up form:")
            out += [f"    {line}".rstrip() for line in chaser(draft).splitlines()]
            if draft["flag"] == "review_very_late":
                out.append(f"  {regulator_advice(draft)}")
            out.append("")
    out += ["BY AUTHORITY", "============", ""]
    for _, requests in groupby(report.requests("authority"), key=lambda r: r.row["authority_id"] or r.row["authority"]):
        requests = list(requests)
        per_flag = {flag: sum(1 for r in requests for f in r.flags if f["flag"] == flag) for flag in FLAGS}
        summary = ", ".join(f"{n} {FLAG_LABELS[flag]}" for flag, n in per_flag.items() if n)
        out.append(f"{requests[0].row['authority']}: {summary}")
        for request in requests:
            worst = request.worst
            out.append(f"  - {request.row['title']} ({FLAG_LABELS[worst['flag']]}, "
                       f"{worst['working_days_late']} working days overdue; {request.row['requester']})")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _request_dict(request: LateRequest) -> dict[str, Any]:
    draft = chaser_row(request)
    item = {**request.row, "flags": request.flags, "chaser": chaser(draft)}
    if draft["flag"] == "review_very_late":
        item["how_to_complain"] = regulator_advice(draft)
    return item


def report_as_dict(report: LateReport) -> dict[str, Any]:
    """The report as JSON-ready data, grouped like ``format_report``."""
    by_requester = []
    for _, requests in groupby(report.requests("requester"), key=lambda r: r.row["user_id"] or r.row["requester"]):
        requests = list(requests)
        by_requester.append({
            "requester": requests[0].row["requester"], "user_id": requests[0].row["user_id"],
            "requests": [_request_dict(r) for r in requests],
        })
    by_authority = []
    for _, requests in groupby(report.requests("authority"), key=lambda r: r.row["authority_id"] or r.row["authority"]):
        requests = list(requests)
        by_authority.append({
            "authority": requests[0].row["authority"], "authority_id": requests[0].row["authority_id"],
            "flags": {flag: sum(1 for r in requests for f in r.flags if f["flag"] == flag) for flag in FLAGS},
            "requests": [
                {"request_id": r.row["request_id"], "title": r.row["title"], "url": r.row["url"],
                 "requester": r.row["requester"], "flags": r.flags}
                for r in requests
            ],
        })
    return {
        "today": report.today.isoformat(),
        "read_only": report.read_only,
        "latest_check": report.latest_check.isoformat() if report.latest_check else None,
        "raised": len(report.raised),
        "cleared": len(report.cleared),
        "open": dict(report.open_counts),
        "by_requester": by_requester,
        "by_authority": by_authority,
    }
