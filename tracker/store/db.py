"""The database: created from ``tracker.store.schema``, written only through the ``save_*`` functions.

Saving is idempotent: saving the same thread twice changes nothing. History is append-only:
a message, attachment or annotation that disappears from a page gets ``hidden_at`` and is
never deleted; a change of status is appended to ``status_history``. Identity cannot be
forged: a message or annotation id belongs to the request it was first stored under; only the
site itself may move one (``allow_moves``), anything else that claims it for another request is
refused (``IdentityConflict``). Every fetch is recorded
in ``fetches`` with its raw body kept zlib-compressed in ``fetch_bodies`` for ``reparse``.

Two files: the public one (``foi.db``), which ``serve`` publishes, and the private one beside it
(``foi.private.db``: ``fetches``, ``fetch_bodies``, ``message_headers``), which it never opens.
``open_db`` attaches the private file as ``private``. SQLite commits the public file before an
attached one, so what the private file must hold first (a body, the headers of an e-mail) is
written in a transaction of its own before the public rows that rely on it: a crash in between
leaves an unused private row, never a public row without its private data.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from tracker.reading.exemptions import known_ids
from tracker.deadlines import DEADLINE_COLUMNS
from tracker.model import Annotation, Attachment, Authority, Citation, Message, Site, Thread, User
from tracker.model.times import instant, iso, utc_now
from tracker.store import sync
from tracker.store.migrations import MIGRATIONS, copy_private_data
from tracker.store.schema import PRIVATE_SCHEMA

SOURCE_PAGE = "page"
SOURCE_EMAIL = "email"
EMAIL_SITE_ID = "email"  # the pseudo-site of e-mail that belongs to no followed request
BUSY_TIMEOUT_MS = 10000


def private_path(path: str | Path) -> Path:
    """The private file of the database at ``path``: ``foi.db`` -> ``foi.private.db``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.private{path.suffix}")


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open the tracker database at ``path`` with its private file attached, creating or
    migrating them if needed.

    Opening a database that is up to date writes nothing, so read-only commands never wait
    for the write lock: the pending migrations and the differences from the declared schema are
    looked for first, and only when there are some are they applied, in one IMMEDIATE
    transaction (which looks again, in case another process got there first).
    """
    db = sqlite_utils.Database(path)
    # Wait for another process's lock from the very first read (a WAL file being checkpointed
    # answers "busy" to a connection that does not wait).
    db.conn.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
    if db["message_headers"].exists():
        db.close()
        raise sqlite3.DatabaseError(f"{path} is the private file of a database; open the public one")
    db.conn.execute("pragma foreign_keys = on")
    # WAL with synchronous=NORMAL: every commit is atomic and survives a crash of the process;
    # only a power cut can lose the last commits, never corrupt the file.
    db.conn.execute("pragma synchronous = normal")
    if db.journal_mode != "wal" and not _is_memory(db):
        _when_free(db, db.enable_wal)
    _open_private(private_path(path))
    db.execute(f"attach database ? as {PRIVATE_SCHEMA}", [str(private_path(path))])
    db.conn.execute(f"pragma {PRIVATE_SCHEMA}.synchronous = normal")
    if MIGRATIONS.pending(db) or sync.changes(db):
        upgrade(db)
    return db


def _open_private(path: Path) -> None:
    """Create the private file or bring it to its declared schema (``PRIVATE_TABLES``), on a
    connection of its own (sqlite-utils' table objects only see a connection's main file)."""
    private = sqlite_utils.Database(path)
    try:
        private.conn.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
        if private.journal_mode != "wal":
            _when_free(private, private.enable_wal)
        if sync.changes(private, private=True):
            with writing(private):
                for change in sync.changes(private, private=True):
                    change.apply(private)
    finally:
        private.close()


def upgrade(db: sqlite_utils.Database) -> list[str]:
    """Apply the pending migrations, then the differences from the declared schema; say what was done.

    Private data still in the public file is first copied to the private file, committed on its
    own: the migration that drops it from the public file then cannot commit without the copy.
    """
    done: list[str] = []
    if MIGRATIONS.pending(db):
        with writing(db):
            copy_private_data(db)
    with writing(db):
        applied = [migration.name for migration in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db)
        if applied:  # stamped on the tracker's own clock (tracker.model.times), like every instant we keep
            db.execute(
                f"update _sqlite_migrations set applied_at = ? where migration_set = ? "
                f"and name in ({', '.join('?' * len(applied))})",
                [iso(utc_now()), MIGRATIONS.name, *applied],
            )
        done += applied
        for change in sync.changes(db):
            change.apply(db)
            done.append(change.what)
    return done


def _is_memory(db: sqlite_utils.Database) -> bool:
    return not database_file(db)


def database_file(db: sqlite_utils.Database) -> str:
    """The file the database lives in ('' for one in memory)."""
    row = db.execute("pragma database_list").fetchone()
    return row[2] if row else ""


# ---------------------------------------------------------------------------------------------
# Write transactions: many processes, one database


BUSY_TIMEOUT_MS = 10_000  # how long SQLite itself waits for another connection's write lock
BUSY_PAUSES = (0.5, 1.0, 2.0, 4.0)  # then the pauses before asking again, while it still says busy


class DatabaseBusy(Exception):
    """Another process kept the write lock longer than we wait for it; str() is one line naming the file."""


def is_busy(error: BaseException) -> bool:
    """Whether SQLite refused for a lock held elsewhere (SQLITE_BUSY or SQLITE_LOCKED, any variant)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None and code & 0xFF in (
        sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


@contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """The one way to write: a transaction begun IMMEDIATE; nested, a savepoint within it.

    ``BEGIN IMMEDIATE`` takes the write lock before the transaction reads anything, so SQLite
    waits for another process's write (``busy_timeout``) instead of refusing at once, as it
    must when a deferred transaction that has read wants to write after another committed.
    If the lock is still held when the timeout runs out, the begin is tried again after each
    of ``BUSY_PAUSES``; then ``DatabaseBusy`` says which database was busy. Everything written
    inside commits together or not at all.
    """
    if db.conn.in_transaction:
        with db.atomic():  # a savepoint: rolled back alone if the inner block fails
            yield db
        return
    _when_free(db, lambda: db.conn.execute("begin immediate"))
    try:
        yield db
        db.conn.commit()
    except BaseException:
        db.conn.rollback()
        raise


def _when_free(db: sqlite_utils.Database, take_lock: Callable[[], object]) -> None:
    """Call ``take_lock`` until SQLite stops saying busy, pausing between tries; at last, DatabaseBusy."""
    for pause in (*BUSY_PAUSES, None):
        try:
            take_lock()
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            if pause is None:
                timeout = db.execute("pragma busy_timeout").fetchone()[0] / 1000
                waited = round(timeout * (len(BUSY_PAUSES) + 1) + sum(BUSY_PAUSES))
                raise DatabaseBusy(
                    f"{database_file(db) or 'the database'}: busy: another process has held its write lock "
                    f"for over {waited} s ({error}); try again when it has finished"
                ) from None
            time.sleep(pause)


class IdentityConflict(ValueError):
    """A source claims ids stored under another request and may not move them; str() is one line."""


@dataclass
class SaveResult:
    """What saving one thread changed."""

    request_id: str
    created: bool = False
    new_messages: list[str] = field(default_factory=list)
    changed_messages: list[str] = field(default_factory=list)
    hidden_messages: list[str] = field(default_factory=list)
    new_annotations: int = 0
    status_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.new_messages
            or self.changed_messages
            or self.hidden_messages
            or self.new_annotations
            or self.status_changed
        )


def save_thread(
    db: sqlite_utils.Database,
    thread: Thread,
    observed_at: str | None = None,
    sources: dict[str, str | None] | None = None,
    *,
    allow_moves: bool = False,
) -> SaveResult:
    """Upsert one thread (site, authority, user, request, messages, attachments, annotations).

    One transaction: a thread is saved whole or not at all, together with ``sources`` (the
    hashes of the bodies it was built from, ``page_sha256`` / ``json_sha256``), so that what
    was saved and what it was saved from never disagree, even after a crash.

    A message or annotation stored under another request moves here only with ``allow_moves``:
    the thread was read from the site itself, which may move a message between its own threads
    (Alaveteli's redeliver_incoming). Otherwise the thread is refused whole (``IdentityConflict``).
    """
    observed_at = observed_at or iso(utc_now())
    save_headers(db, [thread])
    with writing(db):
        result = _save_thread(db, thread, observed_at, allow_moves)
        if sources:
            _update(db, "requests", thread.id, sources)
        return result


def save_threads(db: sqlite_utils.Database, threads: Iterable[Thread], observed_at: str | None = None,
                 batch: int = 500) -> list[SaveResult]:
    """Save many threads, ``batch`` to a transaction: each is still saved whole or not at all.

    For bulk paths (reparse, imports) where one commit per thread would cost more than the
    writes; polling saves thread by thread as pages arrive.
    """
    observed_at = observed_at or iso(utc_now())
    results: list[SaveResult] = []
    pending = iter(threads)
    while True:
        chunk = list(islice(pending, batch))
        if not chunk:
            return results
        save_headers(db, chunk)
        with writing(db):
            results.extend(_save_thread(db, thread, observed_at, False) for thread in chunk)


def save_headers(db: sqlite_utils.Database, threads: Iterable[Thread]) -> None:
    """Keep the e-mail headers of the threads' messages in the private file, in a transaction of
    their own: called before the threads are saved, so no message is ever stored without them."""
    rows = [(message.id, json.dumps(message.headers)) for thread in threads for message in thread.messages
            if message.headers]
    if not rows:
        return
    with writing(db):
        db.conn.executemany(
            f"""insert into {PRIVATE_SCHEMA}.message_headers (message_id, headers) values (?, ?)
                on conflict (message_id) do update set headers = excluded.headers
                where headers is not excluded.headers""",
            rows,
        )


def _save_thread(db: sqlite_utils.Database, thread: Thread, observed_at: str, allow_moves: bool) -> SaveResult:
    result = SaveResult(thread.id)
    save_site(db, thread)
    if thread.authority:
        _upsert_changed(db, "authorities", _without_none({
            "id": thread.authority.id,
            "site_id": thread.authority.site_id,
            "url_name": thread.authority.url_name,
            "name": thread.authority.name,
            "tags": " ".join(thread.authority.tags) if thread.authority.tags else None,
            "regime": thread.authority.regime,
        }))
    if thread.user:
        _upsert_changed(db, "users", {
            "id": thread.user.id,
            "site_id": thread.user.site_id,
            "url_name": thread.user.url_name,
            "name": thread.user.name,
        })
    previous = _get(db, "requests", thread.id)
    result.created = previous is None
    request_row = _without_none({
        "id": thread.id,
        "site_id": thread.site.id,
        "url": thread.url,
        "slug": thread.slug,
        "title": thread.title,
        "authority_id": thread.authority.id if thread.authority else None,
        "user_id": thread.user.id if thread.user else None,
        "law_used": thread.law_used,
        "site_request_id": thread.site_request_id,
        "site_status": thread.site_status,
        "status": thread.status or thread.site_status,
        "status_why": thread.status_why,
        "regime": thread.regime,
        "site_due_date": thread.due_date,
        "created_at": thread.created_at,
    })
    request_row.update(_deadline_columns(thread))
    if previous is None:
        request_row["first_seen_at"] = observed_at
    changed_request = _upsert_changed(db, "requests", request_row, previous)
    old_status = (previous or {}).get("site_status"), (previous or {}).get("status")
    new_status = request_row.get("site_status"), request_row.get("status")
    if previous is None or (thread.site_status and old_status != new_status):
        _insert(db, "status_history", [{
            "request_id": thread.id,
            "observed_at": observed_at,
            "site_status": new_status[0],
            "status": new_status[1],
        }])
        result.status_changed = previous is not None

    _save_messages(db, thread, observed_at, result, allow_moves)
    result.new_annotations = _save_annotations(db, thread, observed_at, allow_moves)
    if result.changed or changed_request:
        _update(db, "requests", thread.id, {"last_changed_at": observed_at})
    return result




def _deadline_columns(thread: Thread) -> dict[str, Any]:
    """The deadline columns tracker.deadlines computed; all of them, so a cleared one is cleared."""
    if not thread.deadlines:
        return {}
    unknown = set(thread.deadlines) - set(DEADLINE_COLUMNS)
    if unknown:
        raise ValueError(f"unknown deadline columns: {sorted(unknown)}")
    return {column: thread.deadlines.get(column) for column in DEADLINE_COLUMNS}


def save_site(db: sqlite_utils.Database, thread: Thread) -> None:
    _upsert_changed(db, "sites", _without_none({
        "id": thread.site.id,
        "base_url": thread.site.base_url,
        "name": thread.site.name,
        "regime": thread.site.regime,
    }))


def _save_messages(db: sqlite_utils.Database, thread: Thread, observed_at: str, result: SaveResult,
                   allow_moves: bool) -> None:
    ids = json.dumps([message.id for message in thread.messages])
    # A message can move between threads (Alaveteli's redeliver_incoming): rows stored under
    # another request are read too, and saving moves them here when the site itself says so.
    stored = {row["id"]: row for row in _rows(
        db, "select * from messages where request_id = ? or id in (select value from json_each(?))", [thread.id, ids]
    )}
    _check_claims(thread.id, "message", stored.values(), allow_moves)
    new_rows: list[dict[str, Any]] = []
    _adopt_email_copies(db, thread, stored)
    for position, message in enumerate(thread.messages):
        row = _message_row(thread.id, position, message)
        before = stored.get(message.id)
        if before is None:
            row.update(first_seen_at=observed_at, updated_at=observed_at, source=message.source)
            if message.prominence != "normal":
                row["hidden_at"] = observed_at
            new_rows.append(row)
            result.new_messages.append(message.id)
            continue
        if message.prominence != "normal":
            # The site has hidden it: keep what we stored, note when it went.
            row = {"id": message.id, "prominence": message.prominence, "position": position}
            if not before["hidden_at"]:
                row["hidden_at"] = observed_at
        elif before["hidden_at"]:
            row["hidden_at"] = None
        if _upsert_changed(db, "messages", row, before):
            _update(db, "messages", message.id, {"updated_at": observed_at})
            result.changed_messages.append(message.id)
    _insert(db, "messages", new_rows)
    _save_attachments(db, [a for m in thread.messages for a in m.attachments], ids, observed_at)
    _save_citations(db, [m for m in thread.messages if m.kind is not None], ids)
    seen = {message.id for message in thread.messages}
    for message_id, before in stored.items():
        if before["request_id"] != thread.id:
            continue
        if message_id not in seen and before["source"] == SOURCE_PAGE and not before["hidden_at"]:
            _update(db, "messages", message_id, {"hidden_at": observed_at})
            result.hidden_messages.append(message_id)


EMAIL_TWIN_WINDOW = timedelta(minutes=10)


def _adopt_email_copies(db: sqlite_utils.Database, thread: Thread, stored: dict[str, dict[str, Any]]) -> None:
    """A page message whose e-mail copy was imported first takes that row over (one message).

    The copy is the stored e-mail message of the same request and direction sent within ten
    minutes of it (an incoming message's time on the page is its e-mail's Date header).
    """
    copies = [row for row in stored.values() if row["source"] == SOURCE_EMAIL and row["request_id"] == thread.id]
    if not copies:
        return
    for message in thread.messages:
        if message.id in stored or message.source != SOURCE_PAGE or not message.sent_at:
            continue
        sent = instant(message.sent_at)
        twins = [row for row in copies if row["direction"] == message.direction and row["sent_at"]
                 and abs(instant(row["sent_at"]) - sent) <= EMAIL_TWIN_WINDOW]
        if not twins:
            continue
        twin = min(twins, key=lambda row: abs(instant(row["sent_at"]) - sent))
        copies.remove(twin)
        db.conn.execute("pragma defer_foreign_keys = on")
        for table, column in (("attachments", "message_id"), ("message_exemptions", "message_id")):
            db.conn.execute(f"update [{table}] set [{column}] = ? where [{column}] = ?", [message.id, twin["id"]])
        db.conn.execute("update messages set id = ?, source = ? where id = ?", [message.id, SOURCE_PAGE, twin["id"]])
        db.conn.execute(f"update {PRIVATE_SCHEMA}.message_headers set message_id = ? where message_id = ?",
                        [message.id, twin["id"]])
        stored.pop(twin["id"])
        stored[message.id] = {**twin, "id": message.id, "source": SOURCE_PAGE}


def _message_row(request_id: str, position: int, message: Message) -> dict[str, Any]:
    row: dict[str, Any] = {
        "request_id": request_id,
        "position": position,
        "direction": message.direction,
        "sent_at": message.sent_at,
        "author": message.author,
        "subject": message.subject,
        "body_text": message.body_text,
        "event_type": message.event_type,
        "site_state": message.site_state,
        "site_display_status": message.site_display_status,
        "prominence": message.prominence,
    }
    row = _without_none(row)
    if message.kind is not None:
        # Classification is derived data: written whole, so a reclassification can clear outcome.
        row.update(
            kind=message.kind,
            outcome=message.outcome,
            confidence=message.confidence,
            reasons=json.dumps(message.reasons),
            authority_refs=json.dumps(message.authority_refs),
            stated_dates=json.dumps(message.stated_dates) if message.stated_dates else None,
            cost_limit=message.cost_limit,
        )
    return {"id": message.id, **row}


def _save_citations(db: sqlite_utils.Database, messages: list[Message], message_ids: str) -> None:
    """Replace classified messages' citations (derived data, rebuilt by every parse)."""
    if not messages:
        return
    stored: dict[str, dict[str, dict]] = {}
    for row in _rows(db, "select * from message_exemptions where message_id in (select value from json_each(?))", [message_ids]):
        stored.setdefault(row["message_id"], {})[row["exemption_id"]] = row
    for message in messages:
        wanted = {
            citation.exemption_id: {
                "message_id": message.id,
                "exemption_id": citation.exemption_id,
                "relied_on": int(citation.relied_on),
                "quote": citation.quote,
            }
            for citation in message.exemptions
        }
        if stored.get(message.id, {}) == wanted:
            continue
        db.conn.execute("delete from message_exemptions where message_id = ?", [message.id])
        _ensure_exemptions(db, set(wanted))
        _insert(db, "message_exemptions", list(wanted.values()))


def _ensure_exemptions(db: sqlite_utils.Database, exemption_ids: set[str]) -> None:
    """A provision the reference table lacks is still recorded, as kind 'unknown'."""
    unknown = exemption_ids - known_ids()
    if not unknown:
        return
    present = {row["id"] for row in _rows(
        db, "select id from exemptions where id in (select value from json_each(?))", [json.dumps(sorted(unknown))]
    )}
    rows = []
    for exemption in sorted(unknown - present):
        regime, _, provision = exemption.partition(" ")
        rows.append({"id": exemption, "regime": regime, "provision": provision, "kind": "unknown"})
    _insert(db, "exemptions", rows)


def _save_attachments(db: sqlite_utils.Database, attachments: list[Attachment], message_ids: str, observed_at: str) -> None:
    if not attachments:
        return
    stored = {row["id"]: row for row in _rows(
        db, "select * from attachments where message_id in (select value from json_each(?))", [message_ids]
    )}
    new_rows = []
    for attachment in attachments:
        row = _without_none({
            "id": attachment.id,
            "message_id": attachment.message_id,
            "filename": attachment.filename,
            "url": attachment.url,
            "content_type": attachment.content_type,
            "size": attachment.size,
        })
        before = stored.get(attachment.id) or _get(db, "attachments", attachment.id)
        if before is None:
            row["first_seen_at"] = observed_at
            new_rows.append(row)
        else:
            _upsert_changed(db, "attachments", row, before)
    _insert(db, "attachments", new_rows)


def _save_annotations(db: sqlite_utils.Database, thread: Thread, observed_at: str, allow_moves: bool) -> int:
    stored = {row["id"]: row for row in _rows(
        db, "select * from annotations where request_id = ? or id in (select value from json_each(?))",
        [thread.id, json.dumps([annotation.id for annotation in thread.annotations])],
    )}
    _check_claims(thread.id, "annotation", stored.values(), allow_moves)
    added = 0
    for annotation in thread.annotations:
        row = _annotation_row(annotation)
        before = stored.pop(annotation.id, None)
        if before is None:
            row["first_seen_at"] = observed_at
            added += 1
        elif before["hidden_at"]:
            row["hidden_at"] = None
        _upsert_changed(db, "annotations", row, before)
    for annotation_id, before in stored.items():
        if not before["hidden_at"]:
            _update(db, "annotations", annotation_id, {"hidden_at": observed_at})
    return added


def _check_claims(request_id: str, what: str, stored: Iterable[dict[str, Any]], allow_moves: bool) -> None:
    """Refuse ids stored under another request, unless they may move (``save_thread``)."""
    if allow_moves:
        return
    foreign = [row for row in stored if row["request_id"] != request_id]
    if foreign:
        raise IdentityConflict(
            f"{what} {foreign[0]['id']} belongs to {foreign[0]['request_id']}, not {request_id}: refused "
            f"({len(foreign)} {what}(s) of another request claimed; nothing saved)"
        )


def _annotation_row(annotation: Annotation) -> dict[str, Any]:
    return _without_none({
        "id": annotation.id,
        "request_id": annotation.request_id,
        "author": annotation.author,
        "created_at": annotation.created_at,
        "body_text": annotation.body_text,
    })


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.conn.execute(sql, params)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, values)) for values in cursor.fetchall()]


def _get(db: sqlite_utils.Database, table: str, pk: str) -> dict[str, Any] | None:
    rows = _rows(db, f"select * from [{table}] where id = ?", [pk])
    return rows[0] if rows else None


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows with plain executemany (one statement per set of columns).

    The save path writes row by row inside one transaction per thread; sqlite-utils' per-call
    machinery (savepoints, introspection) would cost more than the writes themselves.
    """
    by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(tuple(row.values()))
    for columns, values in by_columns.items():
        names = ", ".join(f"[{column}]" for column in columns)
        db.conn.executemany(f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})", values)


def _update(db: sqlite_utils.Database, table: str, pk: str, changes: dict[str, Any]) -> None:
    assignments = ", ".join(f"[{column}] = ?" for column in changes)
    db.conn.execute(f"update [{table}] set {assignments} where id = ?", [*changes.values(), pk])


def _upsert_changed(
    db: sqlite_utils.Database,
    table: str,
    row: dict[str, Any],
    before: dict[str, Any] | None | bool = False,
) -> bool:
    """Insert ``row`` or update the columns that differ; return whether anything was written.

    ``before`` is the stored row when the caller has it already (None: known to be absent).
    """
    if before is False:
        before = _get(db, table, row["id"])
    if before is None:
        _insert(db, table, [row])
        return True
    changes = {key: value for key, value in row.items() if key != "id" and before.get(key) != value}
    if changes:
        _update(db, table, row["id"], changes)
        return True
    return False


def _without_none(row: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown values so that a poorer source never blanks what a richer one stored."""
    return {key: value for key, value in row.items() if value is not None}


# ---------------------------------------------------------------------------------------------
# Fetches and their raw bodies


def record_fetch(
    db: sqlite_utils.Database,
    url: str,
    *,
    fetched_at: str | None = None,
    status_code: int | None = None,
    content: bytes | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    error: str | None = None,
    request_id: str | None = None,
    confirmed_sha256: str | None = None,
) -> int:
    """Record one fetch (or failed fetch) in the private file and keep its body, compressed, for
    ``reparse``. ``confirmed_sha256``: for a fetch without a body of its own (a 304), the body
    fetched before that it confirmed."""
    sha256 = sha256_of(content) if content else confirmed_sha256
    row = _without_none({
        "url": url,
        "request_id": request_id,
        "fetched_at": fetched_at or iso(utc_now()),
        "status_code": status_code,
        "bytes": len(content) if content is not None else None,
        "sha256": sha256,
        "etag": etag,
        "last_modified": last_modified,
        "error": error,
    })
    with writing(db):
        if content:
            db.conn.execute(
                f"insert or ignore into {PRIVATE_SCHEMA}.fetch_bodies (sha256, encoding, body) values (?, 'zlib', ?)",
                [sha256, zlib.compress(content, 6)],
            )
        names = ", ".join(f"[{column}]" for column in row)
        return db.conn.execute(
            f"insert into {PRIVATE_SCHEMA}.fetches ({names}) values ({', '.join('?' * len(row))})", list(row.values())
        ).lastrowid


def sha256_of(body: bytes | None) -> str | None:
    """The hex SHA-256 of a body: the key ``fetch_bodies`` keeps it under, and what ``requests``
    records of the bodies a thread was built from (None for no body)."""
    return hashlib.sha256(body).hexdigest() if body is not None else None


def set_fetch_error(db: sqlite_utils.Database, fetch_id: int, error: str) -> None:
    """Attach a problem found after the bytes arrived (e.g. a page that did not parse)."""
    with writing(db):
        db.conn.execute(f"update {PRIVATE_SCHEMA}.fetches set error = ? where id = ?", [error, fetch_id])


def fetch_body(db: sqlite_utils.Database, sha256: str) -> bytes | None:
    rows = list(db.query(f"select encoding, body from {PRIVATE_SCHEMA}.fetch_bodies where sha256 = ?", [sha256]))
    if not rows:
        return None
    return zlib.decompress(rows[0]["body"]) if rows[0]["encoding"] == "zlib" else rows[0]["body"]


@dataclass
class CachedFetch:
    """The last good fetch of a URL: what conditional GET needs, and its body."""

    etag: str | None
    last_modified: str | None
    sha256: str | None


def last_good_fetch(db: sqlite_utils.Database, url: str) -> CachedFetch | None:
    """The newest fetch of ``url`` that brought a body that parsed (200, no error)."""
    rows = list(db.query(
        f"""select etag, last_modified, sha256 from {PRIVATE_SCHEMA}.fetches
           where url = ? and status_code = 200 and error is null and sha256 is not null
           order by fetched_at desc, id desc limit 1""",
        [url],
    ))
    return CachedFetch(**rows[0]) if rows else None


def iter_request_ids(db: sqlite_utils.Database) -> Iterator[str]:
    for row in db.query("select id from requests order by id"):
        yield row["id"]


# ---------------------------------------------------------------------------------------------
# Reading a thread back


def complete_authority(db: sqlite_utils.Database, thread: Thread) -> Thread:
    """Give the thread's authority the tags and regime stored for it (from an authorities
    import or an earlier .json) when the page did not carry them: they decide the school rule
    and FOISA."""
    if thread.authority is None:
        return thread
    row = _get(db, "authorities", thread.authority.id)
    if row:
        if not thread.authority.tags and row["tags"]:
            thread.authority.tags = row["tags"].split()
        thread.authority.regime = thread.authority.regime or row["regime"]
    return thread


def load_thread(db: sqlite_utils.Database, request_id: str) -> Thread | None:
    """A stored thread as the model objects it was saved from (visible messages only)."""
    request = _get(db, "requests", request_id)
    if request is None:
        return None
    site_row = _get(db, "sites", request["site_id"]) or {"id": request["site_id"], "base_url": ""}
    authority = _get(db, "authorities", request["authority_id"]) if request["authority_id"] else None
    user = _get(db, "users", request["user_id"]) if request["user_id"] else None
    thread = Thread(
        id=request_id,
        site=Site(site_row["id"], site_row["base_url"], site_row.get("name"), site_row.get("regime") or "foia"),
        url=request["url"],
        slug=request["slug"] or request_id.rsplit("/", 1)[-1],
        title=request["title"] or "",
        authority=Authority(authority["id"], authority["site_id"], authority["url_name"], authority["name"],
                            (authority["tags"] or "").split(), authority["regime"]) if authority else None,
        user=User(user["id"], user["site_id"], user["url_name"], user["name"]) if user else None,
        site_status=request["site_status"],
        due_date=request["site_due_date"],
        law_used=request["law_used"],
        site_request_id=request["site_request_id"],
        created_at=request["created_at"],
    )
    attachments: dict[str, list[Attachment]] = {}
    for row in _rows(db, "select a.* from attachments a join messages m on m.id = a.message_id "
                         "where m.request_id = ? and a.hidden_at is null", [request_id]):
        attachments.setdefault(row["message_id"], []).append(
            Attachment(row["id"], row["message_id"], row["filename"], row["url"], row["content_type"], row["size"]))
    citations: dict[str, list[Citation]] = {}
    for row in _rows(db, "select me.* from message_exemptions me join messages m on m.id = me.message_id "
                         "where m.request_id = ?", [request_id]):
        citations.setdefault(row["message_id"], []).append(Citation(row["exemption_id"], bool(row["relied_on"]), row["quote"] or ""))
    for row in _rows(db, f"""select m.*, h.headers from messages m
                             left join {PRIVATE_SCHEMA}.message_headers h on h.message_id = m.id
                             where m.request_id = ? and m.hidden_at is null order by m.position""", [request_id]):
        thread.messages.append(Message(
            id=row["id"], direction=row["direction"], sent_at=row["sent_at"], author=row["author"],
            subject=row["subject"], body_text=row["body_text"] or "", attachments=attachments.get(row["id"], []),
            event_type=row["event_type"], site_state=row["site_state"], site_display_status=row["site_display_status"],
            prominence=row["prominence"] or "normal", exemptions=citations.get(row["id"], []),
            headers=json.loads(row["headers"]) if row["headers"] else {}, source=row["source"] or SOURCE_PAGE,
        ))
    for row in _rows(db, "select * from annotations where request_id = ? and hidden_at is null", [request_id]):
        thread.annotations.append(Annotation(row["id"], request_id, row["author"], row["created_at"], row["body_text"] or ""))
    return thread
