"""The database contract, declared as data: every table, index, view and reference table.

Table and column names here are what analysts and the published views rely on (the database
contract, docs/database.md): add freely, rename nothing without a migration. ``tracker.store.db.open_db``
applies the named migrations (``tracker.store.migrations``), then brings the database to these
declarations, writing only the difference (``tracker.store.sync``); ``metadata.yml`` documents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from tracker.reading.exemptions import reference_rows as exemption_rows


@dataclass(frozen=True)
class PartialIndex:
    """A named index over the rows that match ``where`` only."""

    name: str
    columns: tuple[str, ...]
    where: str

from tracker.model import taxonomy


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...] | None = "id"
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other table, other column)
    indexes: tuple[tuple[str, ...], ...] = ()
    unique_indexes: tuple[tuple[str, ...], ...] = ()
    partial_indexes: tuple[PartialIndex, ...] = ()
    not_null: frozenset[str] = field(default_factory=frozenset)
    fts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A reference table and the rows it must hold.

    Rows are matched by the table's primary key: a missing one is inserted, a differing one
    corrected; rows the reference does not list (e.g. an exemption first seen in a letter,
    stored as kind 'unknown') are left alone, unless the reference is ``complete`` (a vocabulary:
    a name it no longer lists is removed).
    """

    table: str
    rows: Callable[[], Iterable[dict[str, Any]]]
    complete: bool = False


TABLES: tuple[Table, ...] = (
    Table(
        "sites",
        {"id": str, "base_url": str, "name": str, "regime": str},
    ),
    Table(
        "authorities",
        {"id": str, "site_id": str, "url_name": str, "name": str, "tags": str, "regime": str},
        foreign_keys=(("site_id", "sites", "id"),),
        indexes=(("site_id",), ("name",)),
    ),
    Table(
        "users",
        {"id": str, "site_id": str, "url_name": str, "name": str},
        foreign_keys=(("site_id", "sites", "id"),),
        indexes=(("site_id",),),
    ),
    Table(
        "requests",
        {
            "id": str,
            "site_id": str,
            "url": str,
            "slug": str,
            "title": str,
            "authority_id": str,
            "user_id": str,
            "regime": str,
            "law_used": str,
            "site_request_id": int,
            "site_status": str,
            "status": str,
            "status_why": str,
            "site_due_date": str,
            "created_at": str,
            "sent_at": str,
            "due_date": str,
            "very_overdue_date": str,
            "first_response_at": str,
            "working_days_to_response": int,
            "answered_on_time": int,
            "review_requested_at": str,
            "review_due_date": str,
            "review_responded_at": str,
            "first_seen_at": str,
            "last_changed_at": str,
            "last_polled_at": str,
            "next_poll_at": str,
            "last_error": str,
            "page_sha256": str,
            "json_sha256": str,
        },
        foreign_keys=(
            ("site_id", "sites", "id"),
            ("authority_id", "authorities", "id"),
            ("user_id", "users", "id"),
        ),
        indexes=(
            ("site_id",),
            ("authority_id",),
            ("user_id",),
            ("status",),
            ("sent_at",),
            ("due_date",),
            ("next_poll_at",),
        ),
        partial_indexes=(
            # The daily late check, the late_requests view and the "late" canned queries only
            # ever look at the small share of requests still waiting.
            PartialIndex("requests_awaiting_response", ("due_date",),
                         "first_response_at is null and due_date is not null"),
            PartialIndex("requests_awaiting_review", ("review_due_date",),
                         "review_requested_at is not null and review_responded_at is null"
                         " and review_due_date is not null"),
        ),
        not_null=frozenset({"site_id", "url"}),
        fts=("title",),
    ),
    Table(
        "messages",
        {
            "id": str,
            "request_id": str,
            "position": int,
            "direction": str,
            "sent_at": str,
            "author": str,
            "subject": str,
            "body_text": str,
            "kind": str,
            "outcome": str,
            "confidence": float,
            "reasons": str,
            "authority_refs": str,
            "stated_dates": str,
            "cost_limit": int,
            "event_type": str,
            "site_state": str,
            "site_display_status": str,
            "prominence": str,
            "source": str,
            "first_seen_at": str,
            "updated_at": str,
            "hidden_at": str,
        },
        foreign_keys=(("request_id", "requests", "id"),),
        indexes=(("request_id", "position"), ("sent_at",), ("kind",)),
        not_null=frozenset({"request_id", "direction"}),
        fts=("subject", "body_text"),
    ),
    Table(
        "attachments",
        {
            "id": str,
            "message_id": str,
            "filename": str,
            "url": str,
            "content_type": str,
            "size": int,
            "first_seen_at": str,
            "hidden_at": str,
        },
        foreign_keys=(("message_id", "messages", "id"),),
        indexes=(("message_id",),),
    ),
    Table(
        "annotations",
        {
            "id": str,
            "request_id": str,
            "author": str,
            "created_at": str,
            "body_text": str,
            "first_seen_at": str,
            "hidden_at": str,
        },
        foreign_keys=(("request_id", "requests", "id"),),
        indexes=(("request_id",), ("created_at",)),
    ),
    Table(
        "exemptions",
        {"id": str, "regime": str, "provision": str, "short_name": str, "kind": str, "notes": str},
        indexes=(("regime", "provision"),),
    ),
    Table(
        "message_exemptions",
        {"message_id": str, "exemption_id": str, "relied_on": int, "quote": str},
        pk=("message_id", "exemption_id"),
        foreign_keys=(("message_id", "messages", "id"), ("exemption_id", "exemptions", "id")),
        indexes=(("exemption_id",),),
    ),
    Table(
        "status_history",
        {"id": int, "request_id": str, "observed_at": str, "site_status": str, "status": str},
        foreign_keys=(("request_id", "requests", "id"),),
        indexes=(("request_id", "observed_at"),),
    ),
    Table(
        "flags",
        {
            "id": int,
            "request_id": str,
            "flag": str,
            "raised_on": str,
            "cleared_on": str,
            "due_date": str,
            "working_days_late": int,
            "notified_at": str,
        },
        foreign_keys=(("request_id", "requests", "id"),),
        indexes=(("request_id", "flag"), ("raised_on",), ("cleared_on",)),
    ),
    # One row per flag, channel and recipient (tracker.bot.notify): claimed by one run while it
    # sends, then delivered, or failed and retried by a later run.
    Table(
        "late_checks",
        {"day": str, "checked_at": str},
        pk="day",
    ),
    Table(
        "notifications",
        {
            "flag_id": int,
            "channel": str,
            "recipient": str,
            "delivered_at": str,
            "claimed_by": str,
            "claimed_until": str,
            "attempts": int,
            "last_error": str,
        },
        pk=("flag_id", "channel", "recipient"),
        foreign_keys=(("flag_id", "flags", "id"),),
        not_null=frozenset({"recipient"}),
    ),
    Table(
        "follows",
        {"url": str, "kind": str, "site_id": str, "added_at": str, "last_polled_at": str, "last_event_at": str},
        pk="url",
        foreign_keys=(("site_id", "sites", "id"),),
    ),
    Table(
        "follow_requests",
        {"follow_url": str, "request_id": str},
        pk=("follow_url", "request_id"),
        foreign_keys=(("follow_url", "follows", "url"), ("request_id", "requests", "id")),
        indexes=(("request_id",),),
    ),
    Table(
        "job_runs",
        {"id": int, "job": str, "started_at": str, "finished_at": str, "ok": int, "summary": str},
        indexes=(("job", "started_at"),),
    ),
    # The threads a running poll holds (tracker.ingest.leases): a second poll skips them.
    Table(
        "poll_leases",
        {"request_id": str, "holder": str, "claimed_at": str, "expires_at": str},
        pk="request_id",
        indexes=(("holder",),),
    ),
    # The vocabulary of tracker.model.taxonomy as reference tables (rows in VOCABULARY_ROWS, kept
    # equal to the module by tracker.store.sync), so that the views and canned queries select
    # states by what they mean instead of typing lists of names out.
    Table(
        "states",
        {
            "state": str,
            "label": str,
            "base_state": str,
            "open": int,
            "closed": int,
            "inactive": int,
            "decided": int,
            "outcome": str,
        },
        pk="state",
    ),
    Table("kinds", {"kind": str, "direction": str, "label": str}, pk="kind"),
    Table("outcomes", {"outcome": str, "kind": str, "label": str, "state": str}, pk="outcome"),
    # Summaries: copies of the authority_response_times, response_time_bands and
    # exemption_usage views, kept by tracker.store.summaries.refresh so that the league table, the
    # canned queries and the charts answer at once on a large database.
    Table(
        "summary_authority_response_times",
        {
            "authority_id": str,
            "authority": str,
            "site_id": str,
            "requests": int,
            "answered": int,
            "median_working_days_to_response": float,
            "p90_working_days_to_response": int,
            "mean_working_days_to_response": float,
            "answered_on_time": int,
            "share_on_time": float,
            "decided": int,
            "share_successful": float,
            "share_partially_successful": float,
            "share_not_held": float,
            "share_refused": float,
            "refreshed_at": str,
        },
        pk="authority_id",
    ),
    Table(
        "summary_response_time_bands",
        {
            "authority_id": str,
            "authority": str,
            "band_order": int,
            "band": str,
            "min_working_days": int,
            "max_working_days": int,
            "requests": int,
            "refreshed_at": str,
        },
        pk=("authority_id", "band_order"),
    ),
    Table(
        "summary_exemption_usage",
        {
            "authority_id": str,
            "authority": str,
            "exemption_id": str,
            "regime": str,
            "provision": str,
            "short_name": str,
            "exemption_kind": str,
            "messages": int,
            "requests": int,
            "share_of_requests": float,
            "first_cited_at": str,
            "last_cited_at": str,
            "refreshed_at": str,
        },
        pk=("authority_id", "exemption_id"),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}

# notifications.recipient of a row written before deliveries were kept per recipient: the channel
# accepted the flag for every recipient it had then (migration notifications_per_recipient).
EVERY_RECIPIENT = "*"


# Triggers: rules the database itself enforces, whatever writes to it. The text after
# "CREATE TRIGGER <name>" (tracker.store.sync creates or replaces them like the views).
# History is append-only: no flag is cleared before the day it was raised, so a check for an
# earlier day than one already recorded can never rewrite it (tracker.bot.late).
_CLEARED_BEFORE_RAISED = """
WHEN NEW.cleared_on < NEW.raised_on
BEGIN SELECT RAISE(ABORT, 'a flag cannot be cleared before the day it was raised'); END"""
TRIGGERS: dict[str, str] = {
    "flags_insert_cleared_after_raised": "BEFORE INSERT ON flags" + _CLEARED_BEFORE_RAISED,
    "flags_update_cleared_after_raised": "BEFORE UPDATE OF raised_on, cleared_on ON flags" + _CLEARED_BEFORE_RAISED,
}

# The private database: what is never published. A file beside the public one (foi.db ->
# foi.private.db) that `serve` never opens: raw bodies (a saved page, a whole raw e-mail), e-mail
# headers, and the fetch log with its URLs and the local paths of imported files.
# tracker.store.db.open_db attaches it to the public file's connection under PRIVATE_SCHEMA, so
# SQL on that connection reaches its tables as private.fetches (or, no public table having their
# names, plainly as fetches). No foreign key can cross the two files.
PRIVATE_SCHEMA = "private"
PRIVATE_TABLES: tuple[Table, ...] = (
    Table(
        "fetches",
        {
            "id": int,
            "url": str,
            "request_id": str,
            "fetched_at": str,
            "status_code": int,
            "bytes": int,
            "sha256": str,
            "etag": str,
            "last_modified": str,
            "error": str,
        },
        indexes=(("url", "fetched_at"), ("request_id",), ("fetched_at",)),
    ),
    Table(
        "fetch_bodies",
        {"sha256": str, "encoding": str, "body": bytes},
        pk="sha256",
    ),
    Table(
        "message_headers",
        {"message_id": str, "headers": str},
        pk="message_id",
    ),
)

# Views for the published site and analysts. Medians and percentiles are computed with window
# functions so that they stay correct as rows change. "Today" in a view is SQLite's
# date('now') (UTC). The heavy per-authority aggregates are also kept in the summary_* tables,
# refreshed by tracker.store.summaries (the daily job and `serve`), which the league table and the
# dashboard read.

# The rows of the vocabulary tables. A request in a closed state has no response to wait for,
# and in an inactive one no internal review either: the views read these flags, the late check
# the same sets (tracker.model.taxonomy), so the views agree with the flags.
VOCABULARY_ROWS: dict[str, list[dict[str, str | int | None]]] = {
    "states": [
        {
            "state": state,
            "label": label,
            "base_state": taxonomy.base_state(state),
            "open": int(state in taxonomy.OPEN_STATES),
            "closed": int(state in taxonomy.CLOSED_STATES),
            "inactive": int(state in taxonomy.INACTIVE_STATES),
            "decided": int(state in taxonomy.DECIDED_STATES),
            "outcome": taxonomy.STATE_OUTCOME.get(state),
        }
        for state, label in taxonomy.STATE_LABELS.items()
    ],
    "kinds": [
        {"kind": kind, "direction": taxonomy.KIND_DIRECTION[kind], "label": label}
        for kind, label in taxonomy.KIND_LABELS.items()
    ],
    "outcomes": [
        {
            "outcome": outcome,
            "kind": taxonomy.OUTCOME_KIND[outcome],
            "label": label,
            "state": taxonomy.OUTCOME_STATE[outcome],
        }
        for outcome, label in taxonomy.OUTCOME_LABELS.items()
    ],
}
# Reference tables and their rows, kept equal to the data bundled with the package
# (tracker.store.sync writes only the difference).
REFERENCES: tuple[Reference, ...] = (
    Reference("exemptions", exemption_rows),
    *(Reference(name, lambda rows=rows: rows, complete=True) for name, rows in VOCABULARY_ROWS.items()),
)
# Bands of working days to the first substantive response: (order, label, lowest, highest).
RESPONSE_TIME_BANDS: tuple[tuple[int, str, int | None, int | None], ...] = (
    (1, "<=5", None, 5),
    (2, "<=10", 6, 10),
    (3, "<=15", 11, 15),
    (4, "<=20", 16, 20),
    (5, "<=40", 21, 40),
    (6, ">40", 41, None),
)


def _band_case(column: str) -> str:
    """SQL giving the band order of a number of working days."""
    whens = " ".join(
        f"when {column} <= {high} then {order}" for order, _, _, high in RESPONSE_TIME_BANDS if high is not None
    )
    return f"case {whens} else {RESPONSE_TIME_BANDS[-1][0]} end"


def _bands_values() -> str:
    """The bands as a VALUES list: (band_order, band, min_working_days, max_working_days)."""
    def literal(value: int | None) -> str:
        return "null" if value is None else str(value)

    return ", ".join(
        f"({order}, '{label}', {literal(low)}, {literal(high)})" for order, label, low, high in RESPONSE_TIME_BANDS
    )


VIEWS: dict[str, str] = {
    "late_requests": """
select
  r.id as request_id, r.title, r.url, r.authority_id, a.name as authority,
  r.user_id, u.name as requester, r.regime, r.status, r.site_status,
  'response' as clock,
  r.sent_at as clock_started_at,
  r.due_date,
  r.very_overdue_date,
  cast(julianday(date('now')) - julianday(r.due_date) as integer) as days_overdue,
  coalesce(r.very_overdue_date < date('now'), 0) as long_overdue,
  (select f.working_days_late from flags f
    where f.request_id = r.id and f.flag in ('late', 'very_late') and +f.cleared_on is null
    order by f.id desc limit 1) as working_days_late,
  (select min(f.raised_on) from flags f
    where f.request_id = r.id and f.flag in ('late', 'very_late') and +f.cleared_on is null)
    as flagged_on
from requests r
left join authorities a on a.id = r.authority_id
left join users u on u.id = r.user_id
where r.first_response_at is null
  and r.due_date < date('now')
  and coalesce(r.status, '') not in (select state from states where closed)
union all
select
  r.id, r.title, r.url, r.authority_id, a.name, r.user_id, u.name, r.regime, r.status,
  r.site_status,
  'internal_review',
  r.review_requested_at,
  r.review_due_date,
  null,
  cast(julianday(date('now')) - julianday(r.review_due_date) as integer),
  0,
  (select f.working_days_late from flags f
    where f.request_id = r.id and f.flag in ('review_late', 'review_very_late')
      and +f.cleared_on is null
    order by f.id desc limit 1),
  (select min(f.raised_on) from flags f
    where f.request_id = r.id and f.flag in ('review_late', 'review_very_late')
      and +f.cleared_on is null)
from requests r
left join authorities a on a.id = r.authority_id
left join users u on u.id = r.user_id
where r.review_requested_at is not null
  and r.review_responded_at is null
  and r.review_due_date < date('now')
  and coalesce(r.status, '') not in (select state from states where inactive)
""",
    "authority_response_times": """
with ranked as (
  select
    authority_id, working_days_to_response as days,
    row_number() over (partition by authority_id order by working_days_to_response) as rank,
    count(*) over (partition by authority_id) as n
  from requests
  where authority_id is not null and working_days_to_response is not null
),
percentiles as (
  select
    authority_id,
    avg(days) filter (where rank in ((n + 1) / 2, (n + 2) / 2)) as median,
    max(days) filter (where rank = (9 * n + 9) / 10) as p90
  from ranked
  group by authority_id
),
counts as (
  select
    authority_id,
    count(*) as requests,
    count(first_response_at) as answered,
    avg(working_days_to_response) as mean,
    sum(answered_on_time) as on_time,
    count(answered_on_time) as on_time_known,
    sum(status in (select state from states where decided)) as decided,
    sum(status = 'successful') as successful,
    sum(status = 'partially_successful') as partially_successful,
    sum(status = 'not_held') as not_held,
    sum(status = 'rejected') as refused
  from requests
  where authority_id is not null
  group by authority_id
)
select
  c.authority_id, a.name as authority, a.site_id,
  c.requests, c.answered,
  round(p.median, 1) as median_working_days_to_response,
  p.p90 as p90_working_days_to_response,
  round(c.mean, 1) as mean_working_days_to_response,
  c.on_time as answered_on_time,
  round(1.0 * c.on_time / nullif(c.on_time_known, 0), 3) as share_on_time,
  c.decided,
  round(1.0 * c.successful / nullif(c.decided, 0), 3) as share_successful,
  round(1.0 * c.partially_successful / nullif(c.decided, 0), 3) as share_partially_successful,
  round(1.0 * c.not_held / nullif(c.decided, 0), 3) as share_not_held,
  round(1.0 * c.refused / nullif(c.decided, 0), 3) as share_refused
from counts c
left join authorities a on a.id = c.authority_id
left join percentiles p on p.authority_id = c.authority_id
""",
    "response_time_bands": f"""
with bands (band_order, band, min_working_days, max_working_days) as (values {_bands_values()}),
counted as (
  select authority_id, {_band_case("working_days_to_response")} as band_order, count(*) as requests
  from requests
  where authority_id is not null and working_days_to_response is not null
  group by authority_id, 2
)
select
  c.authority_id, a.name as authority, b.band_order, b.band, b.min_working_days,
  b.max_working_days, c.requests
from counted c
join bands b on b.band_order = c.band_order
left join authorities a on a.id = c.authority_id
""",
    "exemption_usage": """
with cited as (
  select
    r.authority_id, me.exemption_id,
    count(distinct m.id) as messages,
    count(distinct r.id) as requests,
    min(m.sent_at) as first_cited_at,
    max(m.sent_at) as last_cited_at
  from message_exemptions me
  join messages m on m.id = me.message_id
  join requests r on r.id = m.request_id
  where coalesce(me.relied_on, 1) = 1
  group by r.authority_id, me.exemption_id
)
select
  c.authority_id, a.name as authority, c.exemption_id, e.regime, e.provision, e.short_name,
  e.kind as exemption_kind, c.messages, c.requests,
  round(1.0 * c.requests / (select count(*) from requests t where t.authority_id = c.authority_id), 3)
    as share_of_requests,
  c.first_cited_at, c.last_cited_at
from cited c
left join authorities a on a.id = c.authority_id
left join exemptions e on e.id = c.exemption_id
""",
    "thread_timeline": """
select
  m.request_id,
  m.sent_at as at,
  coalesce(datetime(m.sent_at), m.sent_at) as sort_at,
  'message' as event,
  m.id as item_id,
  m.position,
  m.direction,
  m.kind,
  m.outcome,
  case
    when m.direction = 'outgoing' and m.sent_at = r.sent_at then 'sent'
    when m.sent_at = r.first_response_at then 'first_response'
    when m.direction = 'outgoing' and m.sent_at = r.review_requested_at then 'review_requested'
    when m.sent_at = r.review_responded_at then 'review_responded'
  end as milestone,
  m.author,
  substr(m.body_text, 1, 300) as excerpt,
  (select group_concat(me.exemption_id, '; ') from message_exemptions me
    where me.message_id = m.id and coalesce(me.relied_on, 1) = 1) as exemptions,
  (select count(*) from attachments t where t.message_id = m.id) as attachments,
  m.hidden_at
from messages m
join requests r on r.id = m.request_id
union all
select
  n.request_id, n.created_at, coalesce(datetime(n.created_at), n.created_at), 'annotation', n.id,
  null, null, null, null, null, n.author, substr(n.body_text, 1, 300), null, 0, n.hidden_at
from annotations n
union all
select
  r.id, r.due_date, r.due_date || ' 23:59:59', 'deadline', r.id || '#due', null, null, null,
  null, 'due', null, 'Response due (statutory deadline)', null, 0, null
from requests r where r.due_date is not null
union all
select
  r.id, r.very_overdue_date, r.very_overdue_date || ' 23:59:59', 'deadline',
  r.id || '#long_overdue', null, null, null, null, 'long_overdue', null,
  'Long overdue after this day', null, 0, null
from requests r where r.very_overdue_date is not null
union all
select
  r.id, r.review_due_date, r.review_due_date || ' 23:59:59', 'deadline', r.id || '#review_due',
  null, null, null, null, 'review_due', null, 'Internal review due', null, 0, null
from requests r where r.review_due_date is not null
union all
select
  f.request_id, f.raised_on, f.raised_on || ' 23:59:59', 'flag_raised', f.id, null, null, f.flag,
  null, null, null, 'Flagged ' || f.flag || ' (due ' || coalesce(f.due_date, '?') || ')', null, 0,
  null
from flags f
union all
select
  f.request_id, f.cleared_on, f.cleared_on || ' 23:59:59', 'flag_cleared', f.id, null, null,
  f.flag, null, null, null, 'Flag ' || f.flag || ' cleared', null, 0, null
from flags f where f.cleared_on is not null
order by 1, 3, 6
""",
    "status_disagreements": """
select
  r.id as request_id, r.title, r.url, r.authority_id, a.name as authority,
  r.status, r.site_status,
  (r.site_status = 'waiting_classification') as site_unknown,
  case when r.site_status = 'waiting_classification' then 'site_unknown' else 'differs' end
    as disagreement,
  r.due_date, r.site_due_date, r.last_polled_at
from requests r
left join authorities a on a.id = r.authority_id
where r.status is not null and r.site_status is not null and r.status != r.site_status
""",
}
