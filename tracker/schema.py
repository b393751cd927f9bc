"""The database contract, declared as data.

Table and column names here are what analysts and the published views rely on (DESIGN.md,
"Database contract"): add freely, rename nothing without a migration. ``tracker.db`` creates
and migrates the database from these declarations; ``metadata.yml`` documents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...] | None = "id"
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other table, other column)
    indexes: tuple[tuple[str, ...], ...] = ()
    unique_indexes: tuple[tuple[str, ...], ...] = ()
    not_null: frozenset[str] = field(default_factory=frozenset)
    fts: tuple[str, ...] = ()


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
            "headers": str,
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
            "working_days_overdue": int,
            "notified_at": str,
        },
        foreign_keys=(("request_id", "requests", "id"),),
        indexes=(("request_id", "flag"), ("raised_on",), ("cleared_on",)),
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
        "job_runs",
        {"id": int, "job": str, "started_at": str, "finished_at": str, "ok": int, "summary": str},
        indexes=(("job", "started_at"),),
    ),
    Table(
        "fetch_bodies",
        {"sha256": str, "encoding": str, "body": bytes},
        pk="sha256",
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}

# Tables that hold bookkeeping or raw bytes, hidden in Datasette.
INTERNAL_TABLES = ("fetch_bodies",)

# Views for the published site and analysts. Percentiles are computed in the views with window
# functions so that they stay correct as rows change; heavy aggregates can move to summary
# tables refreshed by the daily job.
VIEWS: dict[str, str] = {
    "late_requests": """
select
  r.id as request_id, r.title, r.url, a.name as authority, u.name as requester,
  r.status, r.site_status, r.sent_at, r.due_date, r.very_overdue_date
from requests r
left join authorities a on a.id = r.authority_id
left join users u on u.id = r.user_id
where r.first_response_at is null
  and r.due_date is not null
  and r.due_date < date('now')
  and coalesce(r.status, r.site_status) in
      ('waiting_response', 'waiting_response_overdue', 'waiting_response_very_overdue')
""",
    "authority_response_times": """
select
  a.id as authority_id, a.name as authority,
  count(r.id) as requests,
  count(r.first_response_at) as answered,
  round(avg(r.working_days_to_response), 1) as mean_working_days_to_response,
  round(1.0 * sum(r.answered_on_time) / nullif(count(r.answered_on_time), 0), 3) as share_on_time,
  round(1.0 * sum(r.status in ('successful', 'partially_successful')) / count(r.id), 3)
    as share_successful,
  round(1.0 * sum(r.status = 'rejected') / count(r.id), 3) as share_refused,
  round(1.0 * sum(r.status = 'not_held') / count(r.id), 3) as share_not_held
from authorities a
join requests r on r.authority_id = a.id
group by a.id
""",
    "exemption_usage": """
select
  a.id as authority_id, a.name as authority, e.id as exemption_id, e.regime, e.provision,
  e.short_name, count(distinct m.id) as messages, count(distinct r.id) as requests
from message_exemptions me
join exemptions e on e.id = me.exemption_id
join messages m on m.id = me.message_id
join requests r on r.id = m.request_id
left join authorities a on a.id = r.authority_id
where me.relied_on = 1
group by a.id, e.id
""",
    "thread_timeline": """
select
  m.request_id, m.sent_at as at, 'message' as event, m.id as item_id, m.direction,
  m.kind, m.outcome, m.author, substr(m.body_text, 1, 300) as excerpt, m.hidden_at
from messages m
union all
select
  n.request_id, n.created_at as at, 'annotation' as event, n.id as item_id, null, null, null,
  n.author, substr(n.body_text, 1, 300), n.hidden_at
from annotations n
order by 1, 2
""",
}
