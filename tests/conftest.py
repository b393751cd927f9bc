"""What the tests share: fixtures and the helpers behind them.

- ``db``: a fresh tracker database in the test's temporary folder. A module whose tests need rows
  in it extends it (``def db(db)``: test_late, test_notify); a module whose tests run against
  another database altogether names it ``db`` for itself (test_publish: the demo database,
  test_synthetic: the synthetic one).
- ``sample_site``: an empty Alaveteli-like site on 127.0.0.1 whose routes a test sets.
- ``demo_db``: a demo database (``demo --no-serve --today DEMO_TODAY``), one per test module;
  ``filled_demo_db``: the same with the derived columns filled where still empty and one thread
  carrying script payloads (``payload_letter`` is its letter), for the publishing tests;
  ``london_day`` and ``calendar_of`` are the rules it fills the deadlines by.
- ``smtp`` and ``webhook``: a real SMTP server and a real webhook receiver on 127.0.0.1.
- ``free_port``: a function that gives a free port on 127.0.0.1; ``start_serve``: one that
  starts ``foi-tracker serve`` in its own process and waits until it answers.
- ``copy_database``: a function that copies a database with its private file.
"""

from __future__ import annotations

import email
import json
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from tracker.cli import cli
from tracker.deadlines import DEFAULT_REGIME, Calendar, calendar_for
from tracker.model import times
from tracker.demo.corpus import build_corpus
from tracker.demo.server import SampleSite
from tracker.store.db import open_db, private_path
from tracker.model.taxonomy import CLOSED_STATES

DEMO_TODAY = date(2026, 11, 20)


# ------------------------------------------------------------------------------------ databases


@pytest.fixture
def db(tmp_path: Path):
    return open_db(tmp_path / "tracker.db")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = build_demo(path)
    assert "51 requests, 176 messages" in result.stderr
    return path


@pytest.fixture(scope="module")
def filled_demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("filled") / "foi.db"
    build_demo(path)
    database = open_db(path)
    fill_plausible(database)
    add_payload_thread(database)
    database.close()
    return path


@pytest.fixture(scope="session")
def copy_database() -> Callable[[Path, Path], Path]:
    """A function that copies a tracker database, its private file too, consistently (the WAL included)."""
    return _copy_database


def _copy_database(source: Path, target: Path) -> Path:
    for origin, copy in ((source, target), (private_path(source), private_path(target))):
        if origin.exists():
            with sqlite3.connect(origin) as src, sqlite3.connect(copy) as dst:
                src.backup(dst)
    return target


@pytest.fixture(scope="session")
def payload_letter() -> str:
    return PAYLOAD_BODY


@pytest.fixture(scope="session")
def london_day() -> Callable[[str | None], date | None]:
    """The London day of an instant, as the thread page tells it."""
    return _london_day


@pytest.fixture(scope="session")
def calendar_of() -> Callable[[str | None], Calendar]:
    """The calendar ``fill_plausible`` counts a regime's working days in."""
    return _calendar


PAYLOAD_TITLE = 'Payload <script>window.__xss_title = 1</script> request'
RTL_FILENAME = "invoice\u202efdp.exe"  # displayed as "invoiceexe.pdf" if the override is obeyed
LONG_FILENAME = "scan_" + "0123456789" * 500 + ".pdf"
PAYLOAD_BODY = (
    "Dear council,\n\n<script>window.__xss = 1; alert('stored')</script>\n"
    '<img src="x" onerror="window.__xss = 2">\n<svg onload="window.__xss = 3"></svg>\n'
    '<a href="javascript:window.__xss=4">click</a>\n\nA unique phrase: quokka lighthouse ledger.\n\n'
    "> quoted line from before\n\nYours faithfully,\nMallory"
)


def build_demo(path: Path, today: date = DEMO_TODAY) -> Result:
    result = CliRunner().invoke(cli, ["--db", str(path), "demo", "--no-serve", "--today", today.isoformat()],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _london_day(instant: str | None) -> date | None:
    return times.london_day(instant)


def _calendar(regime: str | None) -> Calendar:
    return calendar_for(regime or DEFAULT_REGIME)


_SECTION = re.compile(r"section (\d+)(\(\d+\))?(\([a-z]\))?", re.I)


def fill_plausible(db, today: date = DEMO_TODAY) -> None:
    """Fill the derived columns that are still empty with plausible values.

    Kinds and outcomes are the demo corpus's true labels; citations are the "section N(n)(x)"
    the refusals name; deadlines follow the 20-working-day rule from the first outgoing message;
    flags are raised for what is late on ``today``.
    """
    host = db.execute("select id from sites").fetchone()[0]
    truth = {m.id: m for thread in build_corpus(today, host) for m in thread.messages}
    with db.conn:
        if not db.execute("select count(kind) from messages").fetchone()[0]:
            for message_id, message in truth.items():
                db.execute("update messages set kind = ?, outcome = ? where id = ?",
                           [message.kind, message.outcome, message_id])
        if not db.execute("select count(*) from message_exemptions").fetchone()[0]:
            _fill_citations(db)
        if not db.execute("select count(due_date) from requests").fetchone()[0]:
            _fill_deadlines(db)
        if not db.execute("select count(*) from flags").fetchone()[0]:
            _fill_flags(db, today)


def _fill_citations(db) -> None:
    known = {row[0] for row in db.execute("select id from exemptions")}
    rows = db.execute("""
        select m.id, m.body_text, coalesce(a.regime, 'foia') from messages m
        join requests r on r.id = m.request_id left join authorities a on a.id = r.authority_id
        where m.kind in ('response', 'internal_review_response')
          and m.outcome in ('refused', 'partially_successful', 'upheld', 'partially_overturned')""").fetchall()
    for message_id, text, regime in rows:
        for match in _SECTION.finditer(text or ""):
            exemption = f"{'FOISA' if regime == 'foisa' else 'FOIA'} s.{''.join(g or '' for g in match.groups())}"
            if exemption in known:
                db.execute("insert or ignore into message_exemptions (message_id, exemption_id, relied_on, quote) "
                           "values (?, ?, 1, ?)", [message_id, exemption, match.group(0)])


def _fill_deadlines(db) -> None:
    requests = db.execute("""
        select r.id, coalesce(a.regime, r.regime, 'foia'), coalesce(a.tags, '') from requests r
        left join authorities a on a.id = r.authority_id""").fetchall()
    for request_id, regime, tags in requests:
        messages = db.execute("select direction, kind, sent_at from messages where request_id = ? order by position",
                              [request_id]).fetchall()
        sent = next((m[2] for m in messages if m[0] == "outgoing"), None)
        if not sent:
            continue
        calendar = _calendar(regime)
        sent_day = _london_day(sent)
        due = calendar.add_working_days(sent_day, 20)
        school = any(tag in tags.split() for tag in ("school", "academy_trust"))
        columns: dict[str, Any] = {
            "regime": regime,
            "sent_at": sent,
            "due_date": due.isoformat(),
            "very_overdue_date": calendar.add_working_days(sent_day, 60 if school else 40).isoformat(),
        }
        response = next((m[2] for m in messages if m[1] == "response"), None)
        if response:
            answered = _london_day(response)
            columns.update(first_response_at=response,
                           working_days_to_response=calendar.working_days_between(sent_day, answered),
                           answered_on_time=int(answered <= due))
        review = next((m[2] for m in messages if m[1] == "internal_review_request"), None)
        if review:
            columns.update(review_requested_at=review,
                           review_due_date=calendar.add_working_days(_london_day(review), 20).isoformat())
            outcome = next((m[2] for m in messages if m[1] == "internal_review_response" and m[2] > review), None)
            columns["review_responded_at"] = outcome
        db["requests"].update(request_id, columns)


def _fill_flags(db, today: date) -> None:
    late = db.execute(f"""
        select id, due_date, coalesce(regime, 'foia') from requests
        where first_response_at is null and due_date < ?
          and coalesce(status, '') not in ({', '.join('?' * len(CLOSED_STATES))})""",
                      [today.isoformat(), *CLOSED_STATES]).fetchall()
    for request_id, due, regime in late:
        due_day = date.fromisoformat(due)
        db["flags"].insert({
            "request_id": request_id, "flag": "late", "raised_on": date.fromordinal(due_day.toordinal() + 1).isoformat(),
            "due_date": due, "working_days_late": _calendar(regime).working_days_between(due_day, today),
        })
    answered_late = db.execute("select id, due_date, first_response_at from requests where answered_on_time = 0").fetchall()
    for request_id, due, answered in answered_late:
        db["flags"].insert({
            "request_id": request_id, "flag": "late",
            "raised_on": date.fromordinal(date.fromisoformat(due).toordinal() + 1).isoformat(),
            "cleared_on": _london_day(answered).isoformat(), "due_date": due, "working_days_late": 1,
        })


def add_payload_thread(db) -> str:
    """A thread whose title and letter carry script payloads; returns its request id."""
    site = db.execute("select id from sites").fetchone()[0]
    authority = db.execute("select id from authorities order by id limit 1").fetchone()[0]
    request_id = f"{site}/request/payload_thread"
    with db.conn:
        db["requests"].insert({"id": request_id, "site_id": site, "url": "javascript:window.__xss=5",
                               "title": PAYLOAD_TITLE, "authority_id": authority, "status": "waiting_response",
                               "site_status": "waiting_response"})
        db["messages"].insert({"id": f"{site}/outgoing-999999", "request_id": request_id, "position": 0,
                               "direction": "outgoing", "sent_at": "2026-11-02T10:00:00+00:00",
                               "author": "<b onmouseover=window.__xss=6>Mallory</b>",
                               "subject": "<script>window.__xss = 7</script>", "body_text": PAYLOAD_BODY,
                               "kind": "request"})
        db["attachments"].insert({"id": f"{site}/outgoing-999999/attachment-2", "message_id": f"{site}/outgoing-999999",
                                  "filename": "<img src=x onerror=window.__xss=8>.pdf",
                                  "url": "javascript:window.__xss=9", "size": 1000})
        # A right-to-left override that makes an .exe look like a .pdf, and a name too long for any line.
        for number, filename in ((3, RTL_FILENAME), (4, LONG_FILENAME)):
            db["attachments"].insert({"id": f"{site}/outgoing-999999/attachment-{number}",
                                      "message_id": f"{site}/outgoing-999999", "filename": filename, "size": 2048})
    return request_id


# ------------------------------------------------------------------------------------ sites and servers


@pytest.fixture
def sample_site() -> Iterator[SampleSite]:
    with SampleSite() as site:
        yield site


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    return _free_port


@pytest.fixture(scope="session")
def start_serve() -> Callable[..., tuple[subprocess.Popen, str]]:
    """A function that starts ``foi-tracker --db PATH serve --port N ARGS...`` in its own process and
    gives it back with its base URL once it answers; the test stops it."""
    return _start_serve


def _start_serve(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(path), "serve", "--port", str(port), *args],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/-/versions.json", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return server, base


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts, or refuses everything.

    ``refuse_recipients`` are refused at RCPT TO (550), as a server refuses an unknown mailbox; a
    message whose subject contains a key of ``refuse_subjects`` gets that reply after DATA;
    ``mailboxes`` keeps what each accepted recipient received.
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.mailboxes: dict[str, list[email.message.EmailMessage]] = {}
        self.refuse = False
        self.refuse_recipients: set[str] = set()
        self.refuse_subjects: dict[str, str] = {}
        self.port = _free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.refuse_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return "451 Requested action aborted: try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        for words, reply in self.refuse_subjects.items():
            if words in message["Subject"]:
                return reply
        self.messages.append(message)
        for address in envelope.rcpt_tos:
            self.mailboxes.setdefault(address, []).append(message)
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def settings(self) -> dict:
        return {"host": "127.0.0.1", "port": self.port, "from": "foi-tracker@example.org", "to": ["me@example.org"]}


class WebhookSink:
    """An HTTP server on 127.0.0.1 that keeps the JSON POSTed to it, answering ``status`` (500 to
    the posts of the flags in ``refuse_flags``) after ``delay`` seconds."""

    def __init__(self):
        self.posts: list[dict] = []
        self.status = 204
        self.refuse_flags: set[int] = set()
        self.delay = 0.0  # seconds before each answer
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                post = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                status = 500 if post.get("flag_id") in sink.refuse_flags else sink.status
                time.sleep(sink.delay)
                if status < 300:
                    sink.posts.append({"content_type": self.headers.get("Content-Type"), **post})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "WebhookSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def webhook():
    sink = WebhookSink().start()
    yield sink
    sink.stop()
