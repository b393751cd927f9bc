"""Importing the requester's own copies of the correspondence: .eml files, mbox, Maildir.

Each e-mail is matched to a tracked request by the site's request address
(``request-<id>-<hash>@<site domain>``, in the headers or quoted in the body), else by its
subject ("Freedom of Information request - <title>"); an e-mail that matches neither starts or
joins a thread of its own on the ``email`` pseudo-site (a request sent straight to an
authority). A message already on the request page (same direction, sent within minutes) is not
stored twice; a page that arrives later takes the e-mail's row over.

Each distinct e-mail is kept once in ``fetches`` (``mail:<where it was read>``, its raw bytes in
``fetch_bodies``), under the request it went into, so that ``reparse`` reads the e-mail threads
again from their e-mail (``read_stored_email``). An e-mail whose message is stored under another
request is refused, one line: a message belongs to the request it was first stored under.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Iterable

import sqlite_utils

from scrapers.mailbox import MAX_EMAIL_BYTES, Email, iter_mail, read_email, request_address
from tracker.store import db as database
from tracker.model import INCOMING, OUTGOING, Attachment, Authority, Message, Site, Thread, User
from tracker.model.times import UTC, instant, utc_now
from tracker.ingest.pipeline import attribute_fetches, ingest

EMAIL_SITE = Site(database.EMAIL_SITE_ID, "mailto:", "E-mail correspondence", "foia")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_FOI_PREFIX = re.compile(
    r"^\s*(?:internal review of\s+)?(?:freedom of information|environmental information)\s+(?:request|regulations request)\s*[-:–]\s*",
    re.IGNORECASE,
)


@dataclass
class MailImport:
    """What an import did: one line per problem, the rest counted."""

    imported: int = 0
    already_stored: int = 0
    on_page_already: int = 0
    threads: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def title_of(subject: str | None) -> str:
    """The request title an e-mail subject carries, without Re:/Fwd: and the FOI prefix."""
    text = _REPLY_PREFIX.sub("", subject or "")
    return " ".join(_FOI_PREFIX.sub("", text).split())


def import_mail(
    db: sqlite_utils.Database, paths: Iterable[Path], *, me: Iterable[str] = (), now: datetime | None = None
) -> MailImport:
    """Import every e-mail under ``paths``. ``me``: the requester's own addresses, if known."""
    report = MailImport()
    mine = {address.lower() for address in me}
    now = now or utc_now()
    for path in paths:
        for item in iter_mail(path):
            if item.error:
                report.errors.append(f"{item.label}: {item.error}")
                continue
            mail = read_email(item.content or b"")
            if item.cut:
                limit = f"{MAX_EMAIL_BYTES / 2**20:g} MB"
                report.notes.append(f"{item.label}: larger than {limit}; imported from its first {limit} "
                                    "(attachments past that are left out or cut short)")
            if mail.date is None:
                report.notes.append(f"{item.label}: no Date header; stored without a date")
            try:
                _import_one(db, item.label, item.content or b"", mail, mine, now, report)
            except database.IdentityConflict as error:
                report.errors.append(f"{item.label}: {error}")
    return report


def _import_one(db: sqlite_utils.Database, label: str, content: bytes, mail: Email, mine: set[str],
                now: datetime, report: MailImport) -> None:
    thread, direction = _thread_for(db, mail, mine)
    message = _message(thread.site.id, mail, direction, content)
    fetch_id = _record_once(db, label, content)
    if any(existing.id == message.id for existing in thread.messages):
        report.already_stored += 1
    elif _page_twin(thread, message):
        report.on_page_already += 1
    else:
        join_email(thread, [message])
        try:
            ingest(db, thread, now=now)
        except database.IdentityConflict as error:
            database.set_fetch_error(db, fetch_id, str(error))
            raise
        report.imported += 1
        report.threads.add(thread.id)
    with database.writing(db):
        attribute_fetches(db, [fetch_id], thread.id)


MAIL_URL_PREFIX = "mail:"


def _record_once(db: sqlite_utils.Database, label: str, content: bytes) -> int:
    """The ``fetches`` row of this e-mail: recorded the first time it is imported, found after."""
    found = db.execute(
        "select id from fetches where sha256 = ? and url like ? order by id limit 1",
        [database.sha256_of(content), f"{MAIL_URL_PREFIX}%"],
    ).fetchone()
    return found[0] if found else database.record_fetch(db, f"{MAIL_URL_PREFIX}{label}", content=content)


def read_stored_email(db: sqlite_utils.Database, request_id: str, site_id: str) -> dict[str, Message]:
    """The e-mail messages stored under a request, read again from the e-mails imported into it.

    Keyed by message id; each keeps the direction it was imported with (which ``--me`` decided).
    An e-mail whose message the page took over, or that was on the page already, is left out.
    """
    directions = dict(db.execute(
        "select id, direction from messages where request_id = ? and source = ?", [request_id, database.SOURCE_EMAIL]
    ).fetchall())
    found: dict[str, Message] = {}
    for (sha256,) in db.execute(
        "select distinct sha256 from fetches where request_id = ? and url like ? and sha256 is not null",
        [request_id, f"{MAIL_URL_PREFIX}%"],
    ).fetchall():
        content = database.fetch_body(db, sha256) or b""
        mail = read_email(content)
        message_id = _message_id(site_id, mail, content)
        if message_id in directions:
            found[message_id] = _message(site_id, mail, directions[message_id], content)
    return found


def _thread_for(db: sqlite_utils.Database, mail: Email, mine: set[str]) -> tuple[Thread, str]:
    """The tracked thread an e-mail belongs to (or a new e-mail thread), and its direction."""
    sender = parseaddr(mail.from_ or "")[1].lower()
    found = request_address(mail)
    if found is not None:
        rows = list(db.query(
            "select id from requests where site_request_id = ? and (site_id = ? or site_id like ? or site_id like ?)",
            [found.request_id, found.domain, f"%.{found.domain}", f"{found.domain}:%"],
        ))
        if len(rows) == 1:
            direction = OUTGOING if found.outgoing or sender in mine else INCOMING
            return database.load_thread(db, rows[0]["id"]), direction
    title = title_of(mail.subject)
    if title:
        rows = list(db.query("select id from requests where lower(title) = lower(?) and site_id != 'email'", [title]))
        if len(rows) == 1:
            return database.load_thread(db, rows[0]["id"]), OUTGOING if sender in mine else INCOMING
    return _email_thread(db, mail, title, sender, mine)


def _email_thread(db: sqlite_utils.Database, mail: Email, title: str, sender: str, mine: set[str]) -> tuple[Thread, str]:
    """A thread of the ``email`` pseudo-site, keyed by the subject's title.

    Which messages are the requester's own cannot be told from a mailbox alone: they are the
    ones sent from ``mine`` (``--me`` or ``[email] me``).
    """
    slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:60] or "untitled_" + hashlib.sha1(sender.encode()).hexdigest()[:8]
    request_id = f"{EMAIL_SITE.id}/request/{slug}"
    thread = database.load_thread(db, request_id)
    if thread is None:
        requester = sender if sender in mine else next(iter(sorted(mine)), "")
        thread = Thread(request_id, EMAIL_SITE, f"email:{slug}", slug, title or "(no subject)")
        thread.user = User(f"{EMAIL_SITE.id}/user/{requester}", EMAIL_SITE.id, requester, requester) if requester else None
    # Only the requester's own addresses send outgoing messages; all else in a mailbox came in.
    direction = OUTGOING if sender and sender in mine else INCOMING
    if thread.authority is None:
        other = sender if direction == INCOMING else _first_recipient(mail)
        domain = other.rsplit("@", 1)[-1] if "@" in other else other
        if domain:
            thread.authority = Authority(f"{EMAIL_SITE.id}/body/{domain}", EMAIL_SITE.id, domain, domain)
    return thread, direction


def _first_recipient(mail: Email) -> str:
    addresses = [address for _, address in getaddresses([mail.to or ""]) if address]
    return addresses[0].lower() if addresses else ""


def _message_id(site_id: str, mail: Email, content: bytes) -> str:
    """An e-mail's message id: from its Message-ID header, else from its bytes."""
    key = mail.message_id or hashlib.sha256(content).hexdigest()
    return f"{site_id}/email-{hashlib.sha1(key.encode()).hexdigest()[:16]}"


def _message(site_id: str, mail: Email, direction: str, content: bytes) -> Message:
    message_id = _message_id(site_id, mail, content)
    name, address = parseaddr(mail.from_ or "")
    return Message(
        id=message_id,
        direction=direction,
        sent_at=mail.date,
        author=name or address or None,
        subject=mail.subject,
        body_text=mail.body_text,
        attachments=[
            Attachment(f"{message_id}/attachment-{n}", message_id, filename or f"attachment {n}", None, content_type, size)
            for n, (filename, content_type, size) in enumerate(mail.attachments, start=1)
        ],
        headers=mail.headers,
        source=database.SOURCE_EMAIL,
    )


def _page_twin(thread: Thread, message: Message) -> bool:
    """Whether the page already has this message (same direction, sent within minutes)."""
    if not message.sent_at:
        return False
    sent = instant(message.sent_at)
    return any(
        other.source == database.SOURCE_PAGE and other.direction == message.direction and other.sent_at
        and abs(instant(other.sent_at) - sent) <= database.EMAIL_TWIN_WINDOW
        for other in thread.messages
    )


def join_email(thread: Thread, messages: Iterable[Message]) -> None:
    """Add e-mail messages to a thread and put all its messages in order of sending (undated last)."""
    thread.messages.extend(messages)
    thread.messages.sort(key=_order)


def _order(message: Message) -> datetime:
    return instant(message.sent_at) if message.sent_at else datetime.max.replace(tzinfo=UTC)
