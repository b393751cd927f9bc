"""foi-tracker's Datasette plugin: the thread page, links to it, safety headers, no local paths.

Registered by ``tracker.web.publish`` (``pm.register``), not through an entry point, so that it only
runs inside ``foi-tracker serve`` and the tests. The thread page is Datasette's row page of
``requests``: ``templates/row.html`` extends the default one and, when ``extra_template_vars``
gave it a ``thread``, draws the conversation and its deadline line. Everything reaches the
page as text through Jinja's autoescaping; letters are never marked safe.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from datetime import date
from typing import Any, Callable

import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import Response

from tracker.deadlines import stored_calendar
from tracker.model.taxonomy import CLOSED_STATES, CLOSED_WITHOUT_ANSWER
from tracker.model.times import LONDON, instant_or_none, london_day, london_today
from tracker.store.schema import VIEWS

PLUGIN_NAME = "foi-tracker"


# ------------------------------------------------------------------------------ quoted text


@dataclass
class Segment:
    """A piece of a letter: what it says (``folded`` False) or quoted/boilerplate text."""

    text: str
    folded: bool = False
    label: str = ""


_TAIL_MARKERS = (
    (re.compile(r"^\s*-{2,}\s*original message\s*-{2,}\s*$", re.I), "original message"),
    (re.compile(r"^\s*on\b.{4,200}\bwrote:\s*$", re.I), "quoted e-mail"),
    (re.compile(r"^\s*-{20,}\s*$"), "site footer"),
    (re.compile(r"^\s*from:\s.+$", re.I), "forwarded e-mail"),
)


def _starts_tail(lines: list[str], index: int) -> str | None:
    """The label of the quoted tail that starts at ``lines[index]``, if one does."""
    line = lines[index]
    for pattern, label in _TAIL_MARKERS:
        if not pattern.match(line):
            continue
        if label == "forwarded e-mail":
            following = " ".join(lines[index + 1:index + 5]).lower()
            if not any(key in following for key in ("sent:", "date:", "to:", "subject:")):
                continue
        if label == "site footer" and index + 1 >= len(lines):
            continue
        return label
    return None


def fold_simple(text: str) -> list[Segment]:
    """Split a letter into what it says and folded parts: "> " runs and quoted tails.

    A tail (an "-----Original Message-----" block, an "On ... wrote:" quote, an e-mail header
    block, a line of dashes before a site footer) folds everything after it.
    """
    lines = text.split("\n")
    segments: list[Segment] = []
    current: list[str] = []
    quoted: list[str] = []

    def flush_text() -> None:
        if "".join(current).strip():
            segments.append(Segment("\n".join(current).strip("\n")))
        current.clear()

    def flush_quote() -> None:
        if quoted:
            segments.append(Segment("\n".join(quoted), folded=True, label="quoted lines"))
        quoted.clear()

    for index, line in enumerate(lines):
        label = _starts_tail(lines, index)
        if label:
            flush_quote()
            flush_text()
            segments.append(Segment("\n".join(lines[index:]).strip("\n"), folded=True, label=label))
            return segments
        if line.lstrip().startswith(">"):
            flush_text()
            quoted.append(line)
        elif quoted and not line.strip():
            quoted.append(line)
        else:
            flush_quote()
            current.append(line)
    flush_quote()
    flush_text()
    return segments


def _hygiene_reader() -> Callable[[str], str] | None:
    try:
        from tracker.reading.hygiene import reading_text  # written alongside; optional until it lands
    except ImportError:
        return None
    return reading_text


def _label_of(lines: list[str]) -> str:
    """What a folded run of lines is, for its "Show ..." summary."""
    for index, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith(">"):
                return "quoted lines"
            return _starts_tail(lines, index) or "quoted or boilerplate text"
    return "quoted or boilerplate text"


def fold_against(text: str, speaking: str) -> list[Segment]:
    """Fold the lines of ``text`` that its reading text ``speaking`` left out, in place.

    The reading text may drop a tail, quoted lines in the middle, a footer or a disclaimer:
    a line diff finds each dropped run, so the letter keeps its order and loses nothing.
    """
    lines = text.split("\n")
    matcher = SequenceMatcher(None, [line.strip() for line in lines],
                              [line.strip() for line in speaking.split("\n")], autojunk=False)
    runs: list[tuple[bool, list[str]]] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        chunk = lines[i1:i2]
        folded = tag == "delete" and any(line.strip() for line in chunk)
        if runs and runs[-1][0] == folded:
            runs[-1][1].extend(chunk)
        elif chunk:
            runs.append((folded, list(chunk)))
    segments = []
    for folded, chunk in runs:
        body = "\n".join(chunk).strip("\n")
        if body.strip():
            segments.append(Segment(body, folded=folded, label=_label_of(chunk) if folded else ""))
    return segments


def fold(text: str | None) -> list[Segment]:
    """The segments of a letter: ``tracker.reading.hygiene.reading_text`` decides what speaks when it
    is available, ``fold_simple`` otherwise."""
    text = (text or "").replace("\r\n", "\n")
    reader = _hygiene_reader()
    if reader is None:
        return fold_simple(text)
    return fold_against(text, reader(text))


# ------------------------------------------------------------------------------ the thread


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def deadline_line(request: dict[str, Any], today: date) -> dict[str, Any]:
    """Sent, due, long overdue, answered, and the verdict: on time, or how late, in working days."""
    calendar = stored_calendar(request.get("regime"))  # the one lookup the daily check uses
    due = _day(request.get("due_date"))
    due_source = "ours" if due else None
    if due is None and request.get("site_due_date"):
        due, due_source = _day(request["site_due_date"]), "site"
    very = _day(request.get("very_overdue_date"))
    answered = london_day(request.get("first_response_at"))
    status = request.get("status") or request.get("site_status") or ""
    line: dict[str, Any] = {
        "sent": london_day(request.get("sent_at")),
        "due": due,
        "due_source": due_source,
        "long_overdue_after": very,
        "answered": answered,
        "state": "unknown",
        "verdict": "",
    }
    if answered and due:
        on_time = request.get("answered_on_time")
        on_time = bool(on_time) if on_time is not None else answered <= due
        if on_time:
            took = request.get("working_days_to_response")
            took = f", after {_plural(took, 'working day')}" if isinstance(took, int) else ""
            line.update(state="on_time", verdict=f"answered on time{took}")
        else:
            late = calendar.working_days_between(due, answered)
            line.update(state="late", verdict=f"answered {_plural(late, 'working day')} late")
    elif answered:
        line.update(state="answered", verdict="answered")
    elif status in CLOSED_WITHOUT_ANSWER:
        line.update(state="closed", verdict=f"closed: {CLOSED_WITHOUT_ANSWER[status]}")
    elif status == "waiting_clarification":
        line.update(state="paused", verdict="waiting for the requester's clarification (the clock restarts)")
    elif status in CLOSED_STATES:
        line.update(state="closed", verdict=f"closed: {status.replace('_', ' ')}")
    elif due and today > due:
        overdue = calendar.working_days_between(due, today)
        long = (very is not None and today > very) or status == "waiting_response_very_overdue"
        line.update(
            state="long_overdue" if long else "overdue",
            verdict=f"{'long overdue' if long else 'overdue'}: {_plural(overdue, 'working day')} late",
        )
    elif due:
        left = calendar.working_days_between(today, due)
        line.update(state="pending", verdict=f"due in {_plural(left, 'working day')}" if left else "due today")
    return line


@dataclass
class ThreadItem:
    """One entry of the timeline: a message or an annotation.

    Its row's columns (id, author, kind, outcome, hidden_at ...) read as attributes, so the
    template names them as the database does; a column the row lacks is undefined there.
    """

    kind_of_item: str  # message | annotation
    row: dict[str, Any]
    at: str | None
    segments: list[Segment] = field(default_factory=list)
    exemptions: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    milestone: str | None = None

    def __getattr__(self, column: str) -> Any:
        try:
            return self.__dict__["row"][column]
        except KeyError:
            raise AttributeError(column) from None


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load_thread(conn: sqlite3.Connection, request_id: str, today: date) -> dict[str, Any] | None:
    """Everything the thread page shows, in order (None if there is no such request)."""
    found = _rows(conn, """
        select r.*, a.name as authority_name, u.name as requester_name
        from requests r
        left join authorities a on a.id = r.authority_id
        left join users u on u.id = r.user_id
        where r.id = ?""", [request_id])
    if not found:
        return None
    request = found[0]
    messages = _rows(conn, "select * from messages where request_id = ? order by position, sent_at", [request_id])
    citations = _rows(conn, """
        select me.message_id, me.exemption_id, me.relied_on, me.quote, e.short_name
        from messages m
        join message_exemptions me on me.message_id = m.id
        left join exemptions e on e.id = me.exemption_id
        where m.request_id = ?
        order by me.exemption_id""", [request_id])
    files = _rows(conn, """
        select t.* from messages m join attachments t on t.message_id = m.id
        where m.request_id = ? order by t.id""", [request_id])
    notes = _rows(conn, "select * from annotations where request_id = ? order by created_at", [request_id])
    flags = _rows(conn, "select * from flags where request_id = ? order by raised_on, id", [request_id])

    if not request.get("sent_at"):
        first_out = next((m for m in messages if m["direction"] == "outgoing" and m["sent_at"]), None)
        request["sent_at"] = first_out["sent_at"] if first_out else None
    milestones = {
        ("outgoing", request.get("sent_at")): "request sent",
        ("incoming", request.get("first_response_at")): "first substantive response",
        ("outgoing", request.get("review_requested_at")): "internal review requested",
        ("incoming", request.get("review_responded_at")): "internal review response",
    }
    items: list[ThreadItem] = []
    for message in messages:
        items.append(ThreadItem(
            "message", message, message["sent_at"],
            segments=fold(message["body_text"]),
            exemptions=[c for c in citations if c["message_id"] == message["id"]],
            attachments=[f for f in files if f["message_id"] == message["id"]],
            milestone=milestones.get((message["direction"], message["sent_at"])) if message["sent_at"] else None,
        ))
    for note in notes:
        item = ThreadItem("annotation", note, note["created_at"], segments=fold(note["body_text"]))
        _insert_by_time(items, item)
    return {
        "request": request,
        "timeline": items,
        "messages": len(messages),
        "deadline": deadline_line(request, today),
        "flags": flags,
    }


def _insert_by_time(items: list[ThreadItem], item: ThreadItem) -> None:
    """Put an annotation after the last item written before it (messages keep their order)."""
    moment = instant_or_none(item.at)
    position = len(items)
    if moment is not None:
        for index, other in enumerate(items):
            other_moment = instant_or_none(other.at)
            if other_moment is not None and other_moment > moment:
                position = index
                break
    items.insert(position, item)


# ------------------------------------------------------------------------------ hooks


def _today(datasette) -> date:
    configured = (datasette.plugin_config(PLUGIN_NAME) or {}).get("today")
    return date.fromisoformat(configured) if configured else london_today()


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "requests" or request is None or "pks" not in request.url_vars:
        return {}

    async def thread_vars() -> dict[str, Any]:
        pks = urlsafe_components(request.url_vars["pks"])
        if len(pks) != 1:
            return {}
        db = datasette.get_database(database)
        today = _today(datasette)
        thread = await db.execute_fn(lambda conn: load_thread(conn, pks[0], today))
        return {"thread": thread} if thread else {}

    return thread_vars


@hookimpl
def render_cell(value, column, table, database, datasette):
    """In views and query results, a request_id links to its thread page; in the attachments
    table, a file name shows its bidirectional controls (``_filename``)."""
    if table == "attachments" and column == "filename" and isinstance(value, str) and _BIDI_CONTROLS.search(value):
        return _filename(value)
    if column != "request_id" or not isinstance(value, str) or (table is not None and table not in VIEWS):
        return None
    href = datasette.urls.row(database, "requests", tilde_encode(value))
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)


def _web_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL, else None: only those become links."""
    text = str(value or "").strip()
    return text if re.match(r"^https?://", text, re.I) else None


# Unicode's explicit directional formatting characters (UAX #9): embeddings, overrides,
# isolates and the three marks. In a file name they can make "invoice\u202efdp.exe" read
# "invoiceexe.pdf"; shown as their code points, the name reads as what it is.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _filename(value: Any) -> str:
    """A file name for display, each bidirectional control character shown as ``[U+202E]``."""
    return _BIDI_CONTROLS.sub(lambda match: f"[U+{ord(match.group()):04X}]", str(value or ""))


def _filesize(size: Any) -> str:
    if not isinstance(size, (int, float)):
        return ""
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def _long_day(value: date | None) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}" if value else ""


def _when(instant: str | None) -> str:
    moment = instant_or_none(instant)
    if moment is None:
        return instant or ""
    moment = moment.astimezone(LONDON)
    return f"{_long_day(moment.date())}, {moment:%H:%M}"


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["web_url"] = _web_url
    env.filters["filesize"] = _filesize
    env.filters["filename"] = _filename
    env.filters["long_day"] = _long_day
    env.filters["when"] = _when
    env.filters["tilde"] = tilde_encode


# ------------------------------------------------------------------------------ no local paths


def _authorizer(action: int, table: str | None, column: str | None, database: str | None, trigger: str | None) -> int:
    """What SQLite lets a query served by Datasette read: the ``file`` column of
    ``pragma_database_list`` (where the database lives on disk) reads as NULL, and
    ``fts3_tokenizer()``, which hands out and takes function pointers, is refused."""
    if action == sqlite3.SQLITE_READ and (table or "").lower() == "pragma_database_list" and (column or "").lower() == "file":
        return sqlite3.SQLITE_IGNORE
    if action == sqlite3.SQLITE_FUNCTION and (column or "").lower() == "fts3_tokenizer":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn, database, datasette):
    conn.set_authorizer(_authorizer)


async def _databases(request, datasette):
    """Datasette's /-/databases, without where each database lives on disk."""
    return Response.json([
        {"name": db.name, "route": db.route, "is_mutable": db.is_mutable, "is_memory": db.is_memory}
        for name, db in datasette.databases.items() if name != "_internal"
    ])


async def _not_found(request, datasette):
    return Response.text("Not found\n", status=404)


@hookimpl
def register_routes(datasette):
    """Datasette's own pages that would tell where files live: the databases (their paths) and
    the threads (the source files of its running tasks)."""
    return [(r"^/-/databases(\.(?P<format>json))?$", _databases), (r"^/-/threads(\.(?P<format>json))?$", _not_found)]


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _refuse(send) -> None:
    body = b"This Datasette is read-only.\n"
    await send({"type": "http.response.start", "status": 405, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS"),
        (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    """Read-only at the door (only GET, HEAD and OPTIONS), security headers on every response,
    and ``X-Robots-Tag: noindex`` unless --public."""

    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if scope.get("method", "GET") not in READ_METHODS:
                await _refuse(send)
                return
            public = bool((datasette.plugin_config(PLUGIN_NAME) or {}).get("public"))
            extra = list(SECURITY_HEADERS)
            if not public:
                extra.append((b"x-robots-tag", b"noindex, nofollow"))

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    names = {name.lower() for name, _ in event.get("headers", [])}
                    headers = list(event.get("headers", []))
                    headers += [(name, value) for name, value in extra if name not in names]
                    event = {**event, "headers": headers}
                await send(event)

            await app(scope, receive, send_with_headers)

        return with_headers

    return wrap
