"""E-mail import: real fixtures, one message whether seen by e-mail or on the page, bad input."""

from __future__ import annotations

import mailbox
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.db import open_db
from tracker.demo import DemoSite
from tracker.ingest.mail import title_of
from tracker.model import INCOMING, Message

FIXTURES = Path(__file__).parent / "fixtures" / "email"
AUTO_REPLIES = {  # file: why it is an auto-reply or a bounce
    "track-response-exchange-oof-1.eml": "out of office",
    "track-response-generic-oof.eml": "out of office",
    "track-response-exim-bounce.eml": "bounce",
    "humberside-police-odd-mime-type.eml": "bounce",
    "autoresponse-header.eml": "Auto-Submitted header",
}


def run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def test_the_real_email_fixtures_import_and_auto_replies_are_recognised(tmp_path):
    emails = sorted(FIXTURES.glob("*.eml"))
    assert len(emails) == 13
    result = run(tmp_path / "mail.db", "import", *map(str, emails))
    assert result.exit_code == 0, result.output
    assert "error:" not in result.stderr
    db = open_db(tmp_path / "mail.db")
    assert db["messages"].count == 13
    assert db["messages"].count_where("direction = 'outgoing'") == 0  # none is from the requester
    auto = {row["id"] for row in db.query("select id from messages where kind = 'auto_reply'")}
    expected = {row["id"] for row in db.query("select id, subject from messages")
                if any(word in (row["subject"] or "") for word in ("Out of Office", "Mail delivery failed"))}
    assert auto == expected and len(expected) == len(AUTO_REPLIES)
    # The acknowledgement is read as one, and attachments are recorded with names, types, sizes.
    dos = next(db.query("select kind from messages where subject like '%Plans for the East Oxford%'"))
    assert dos["kind"] == "acknowledgement"
    pdf = list(db.query("select filename, content_type, size from attachments where content_type = 'application/pdf'"))
    assert pdf and all(row["size"] > 0 and row["filename"] for row in pdf)
    # Importing the same files again stores nothing twice.
    again = run(tmp_path / "mail.db", "import", *map(str, emails))
    assert "13 already imported" in again.stderr
    assert open_db(tmp_path / "mail.db")["messages"].count == 13


def email_copy(message: Message, thread, *, address: str | None) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{thread.authority.name} <foi@{thread.authority.url_name}.gov.uk>"
    mail["To"] = address or "someone@example.org"
    mail["Subject"] = f"RE: Freedom of Information request - {thread.title}"
    mail["Date"] = format_datetime(datetime.fromisoformat(message.sent_at))
    mail["Message-ID"] = f"<{message.id.rsplit('-', 1)[1]}@{thread.authority.url_name}.gov.uk>"
    mail.set_content(message.body_text)
    return bytes(mail)


def import_reply(db_path: Path, site: DemoSite, thread, number: str, sent_at: str, text: str) -> Message:
    """A reply of the thread's authority, sent to the site's request address, imported from e-mail."""
    reply = Message(f"{site.host}/{number}", INCOMING, sent_at, author=thread.authority.name, body_text=text,
                    event_type="response")
    mail = db_path.with_name(f"{number}.eml")
    mail.write_bytes(email_copy(reply, thread, address=f"request-{thread.site_request_id}-3f2a9c1b@127.0.0.1"))
    assert "1 imported" in run(db_path, "import", str(mail)).stderr
    return reply


def polled_thread(site: DemoSite, db_path: Path):
    """A successful thread of the demo site, with its .json, followed and polled into ``db_path``."""
    thread = next(t for t in site.threads if t.site_status == "successful" and t.slug not in site.without_json)
    run(db_path, "follow", f"{site.base_url}/request/{thread.slug}")
    assert run(db_path, "poll").exit_code == 0
    return thread


def test_a_message_seen_by_email_and_on_the_page_is_stored_once(tmp_path):
    with DemoSite(date(2026, 11, 20)) as site:
        db_path = tmp_path / "both.db"
        thread = polled_thread(site, db_path)
        on_page = next(m for m in thread.messages if m.direction == INCOMING)

        # A copy of a message already on the page: recognised, not stored again.
        copy = tmp_path / "copy.eml"
        copy.write_bytes(email_copy(on_page, thread, address=None))
        result = run(db_path, "import", str(copy))
        assert "1 already on the request page" in result.stderr
        count = open_db(db_path)["messages"].count

        # A new reply reaches the requester's inbox first, to the site's request address ...
        new = import_reply(db_path, site, thread, "incoming-7000001",
                           (datetime.now(timezone.utc) - timedelta(hours=2)).replace(microsecond=0).isoformat(),
                           "Further to our response, please find the annex attached.")
        db = open_db(db_path)
        assert db["messages"].count == count + 1
        stored = next(db.query("select id, source, request_id from messages where source = 'email'"))
        assert stored["request_id"] == thread.id

        # ... then it appears on the page: the page's message takes the e-mail's row over.
        site.add_message(thread.slug, new)
        assert run(db_path, "poll", "--all").exit_code == 0
        db = open_db(db_path)
        assert db["messages"].count == count + 1
        row = db["messages"].get(new.id)
        headers = db.execute("select headers from message_headers where message_id = ?", [new.id]).fetchone()
        assert row["source"] == "page" and headers[0]  # the e-mail's headers are kept (in the private file)
        assert db["messages"].count_where("source = 'email'") == 0


def test_bad_mail_gives_one_line_each_and_the_rest_is_imported(tmp_path):
    good = (FIXTURES / "dos-linebreaks.eml").read_bytes()
    no_date = b"From: Council <foi@council.gov.uk>\nTo: me@example.org\nSubject: Your request\n\nWe hold no information.\n"
    corrupt_mbox = tmp_path / "broken.mbox"
    corrupt_mbox.write_bytes(b"\x00\x01\x02 this is not a mailbox \xff\xfe" * 20)
    mixed_mbox = tmp_path / "mixed.mbox"
    box = mailbox.mbox(mixed_mbox)
    box.add(good)
    box.close()
    with mixed_mbox.open("ab") as handle:
        handle.write(b"From x@y Thu Jan  1 00:00:00 2009\n\x00\x00\x00 garbage \xff\n")
    dated = tmp_path / "no-date.eml"
    dated.write_bytes(no_date)
    result = run(tmp_path / "bad.db", "import", str(corrupt_mbox), str(mixed_mbox), str(dated))
    assert result.exit_code == 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, errors
    assert any("broken.mbox" in line and "not an mbox" in line for line in errors)
    assert any("mixed.mbox#2" in line and "corrupt" in line for line in errors)
    assert any("no-date.eml" in line and "no Date header" in line for line in result.stderr.splitlines())
    db = open_db(tmp_path / "bad.db")
    assert db["messages"].count == 2
    assert db["messages"].count_where("sent_at is null") == 1


def test_a_maildir_imports_and_unmatched_mail_becomes_its_own_thread(tmp_path):
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    for n, (sender, subject) in enumerate([
        ("me@example.org", "Freedom of Information request - Road gritting routes"),
        ("foi@county.gov.uk", "RE: Freedom of Information request - Road gritting routes"),
    ]):
        mail = EmailMessage()
        mail["From"], mail["To"] = sender, "foi@county.gov.uk" if n == 0 else "me@example.org"
        mail["Subject"] = subject
        mail["Date"] = format_datetime(datetime(2025, 1, 6 + 10 * n, 9, 0, tzinfo=timezone.utc))
        mail.set_content("Please provide the gritting routes for 2024." if n == 0 else "Thank you for your request. We will respond within 20 working days.")
        box.add(mail)
    result = run(tmp_path / "dir.db", "import", "--me", "me@example.org", str(tmp_path / "Mail"))
    assert result.exit_code == 0, result.output
    db = open_db(tmp_path / "dir.db")
    request = db["requests"].get("email/request/road_gritting_routes")
    assert request["title"] == "Road gritting routes"
    assert request["authority_id"] == "email/body/county.gov.uk"
    rows = list(db.query("select direction, kind from messages order by sent_at"))
    assert rows == [{"direction": "outgoing", "kind": "request"}, {"direction": "incoming", "kind": "acknowledgement"}]
    assert request["due_date"] == "2025-02-03"


def test_titles_from_subjects():
    assert title_of("RE: Fwd: Freedom of Information request - Plans for the centre") == "Plans for the centre"
    assert title_of("Internal review of Freedom of Information request - Parking fines") == "Parking fines"
    assert title_of("AW: Environmental Information Regulations request - Flood maps") == "Flood maps"


def table_counts(db) -> dict[str, int]:
    return {table: db[table].count for table in db.table_names()}


def test_a_mailbox_imported_twice_then_reparsed_keeps_its_counts(tmp_path):
    box = mailbox.mbox(tmp_path / "foi.mbox")
    for path in sorted(FIXTURES.glob("*.eml")):
        box.add(path.read_bytes())
    box.close()
    db_path = tmp_path / "twice.db"
    first = run(db_path, "import", str(tmp_path / "foi.mbox"))
    assert first.exit_code == 0 and "13 imported" in first.stderr
    once = table_counts(open_db(db_path))
    again = run(db_path, "import", str(tmp_path / "foi.mbox"))
    assert again.exit_code == 0 and "13 already imported" in again.stderr
    assert table_counts(open_db(db_path)) == once  # not even a fetches row more
    messages = list(open_db(db_path).query("select id, request_id, direction, kind, body_text from messages order by id"))

    reparsed = run(db_path, "reparse")
    assert reparsed.exit_code == 0, reparsed.output
    assert "0 failed" in reparsed.stderr and "error:" not in reparsed.stderr
    db = open_db(db_path)
    threads = db.execute("select count(*) from requests").fetchone()[0]
    assert f"reparsed {threads} thread(s)" in reparsed.stderr  # every e-mail thread, from its e-mail
    assert table_counts(db) == once
    assert list(db.query("select id, request_id, direction, kind, body_text from messages order by id")) == messages
    # The e-mail pseudo-site is never polled.
    polled = run(db_path, "poll", "--all")
    assert polled.exit_code == 0 and "nothing is due" in polled.stderr


def thread_rows(db_path: Path) -> dict[str, list[dict]]:
    db = open_db(db_path)
    return {table: list(db.query(sql)) for table, sql in (
        ("messages", "select id, request_id, position, direction, source, kind, body_text from messages order by id"),
        ("requests", "select id, status, site_status, due_date, first_response_at from requests"),
    )}


def test_a_matched_email_thread_survives_reparse(tmp_path):
    with DemoSite(date(2026, 11, 20)) as site:
        db_path = tmp_path / "matched.db"
        thread = polled_thread(site, db_path)
        import_reply(db_path, site, thread, "incoming-7000002", "2026-11-19T10:00:00+00:00",
                     "Please find the annex we promised attached.")
    stored = thread_rows(db_path)
    assert [m["request_id"] for m in stored["messages"] if m["source"] == "email"] == [thread.id]
    for _ in range(2):
        result = run(db_path, "reparse")
        assert result.exit_code == 0, result.output
        assert "reparsed 1 thread(s), 0 failed" in result.stderr
        assert thread_rows(db_path) == stored


def test_an_email_claiming_the_message_of_another_thread_is_refused(tmp_path):
    letters = []
    for subject, text in (("Freedom of Information request - Bus lanes", "The bus lane data is attached."),
                          ("Freedom of Information request - Tree felling", "A forged copy of that message.")):
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "foi@council.gov.uk", "me@example.org", subject
        mail["Date"] = "Mon, 06 Jan 2025 09:00:00 +0000"
        mail["Message-ID"] = "<same-id@council.gov.uk>"
        mail.set_content(text)
        letters.append(tmp_path / f"{len(letters)}.eml")
        letters[-1].write_bytes(bytes(mail))
    db_path = tmp_path / "claims.db"
    assert run(db_path, "import", str(letters[0])).exit_code == 0
    result = run(db_path, "import", str(letters[1]))
    assert result.exit_code == 1
    assert "belongs to email/request/bus_lanes, not email/request/tree_felling: refused" in result.stderr
    db = open_db(db_path)
    assert [row["id"] for row in db.query("select id from requests")] == ["email/request/bus_lanes"]
    assert db.execute("select body_text from messages").fetchone()[0].startswith("The bus lane data")
    assert "refused" in db.execute("select error from fetches where url like '%1.eml'").fetchone()[0]


def test_reparse_exits_1_when_a_thread_fails(tmp_path):
    from tracker.store.db import record_fetch

    with DemoSite(date(2026, 11, 20)) as site:
        db_path = tmp_path / "fails.db"
        thread = polled_thread(site, db_path)
    db = open_db(db_path)
    record_fetch(db, f"{site.base_url}/request/{thread.slug}?unfold=1", status_code=200, request_id=thread.id,
                 content=b"<html><body>Down for maintenance</body></html>")
    db.close()
    result = run(db_path, "reparse")
    assert result.exit_code == 1
    assert "reparsed 0 thread(s), 1 failed" in result.stderr
    assert f"error: {site.base_url}/request/{thread.slug}: not an Alaveteli request page" in result.stderr
