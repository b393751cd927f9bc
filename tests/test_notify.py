"""Delivery of new flags (tracker.bot.notify) to a REAL SMTP server and a REAL webhook receiver on
127.0.0.1: once per flag and recipient, failed recipients retried, two real processes at once."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from tracker.bot import late
from tracker.bot import notify
from tracker.model import times
from tracker.model.config import Config, ConfigError
from tracker.store.db import open_db

D = date.fromisoformat
SITE = "example.org"


# ------------------------------------------------------------------------------ real servers (tests/conftest.py)


def notify_config(smtp, webhook, channels=("email", "webhook")) -> Config:
    return Config(raw={"notify": {"channels": list(channels), "email": smtp.settings(),
                                  "webhook": {"url": webhook.url, "timeout": 5}}})


# ------------------------------------------------------------------------------ data


@pytest.fixture
def db(db):
    db["sites"].insert({"id": SITE, "base_url": f"https://{SITE}", "regime": "foia"})
    db["authorities"].insert({"id": f"{SITE}/body/north", "site_id": SITE, "url_name": "north",
                              "name": "North Council"})
    db["users"].insert({"id": f"{SITE}/user/ann", "site_id": SITE, "url_name": "ann", "name": "Ann Example"})
    for slug, title in (("potholes", "Pothole claims"), ("gritting", "Gritting routes")):
        db["requests"].insert({
            "id": f"{SITE}/request/{slug}", "site_id": SITE, "url": f"https://{SITE}/request/{slug}", "title": title,
            "authority_id": f"{SITE}/body/north", "user_id": f"{SITE}/user/ann", "status": "waiting_response",
            "regime": "foia", "sent_at": "2024-01-08T10:00:00+00:00", "due_date": "2024-02-05",
            "very_overdue_date": "2024-03-04",
        })
    return db


def notified(db) -> list:
    return [row["notified_at"] for row in db.query("select notified_at from flags order by id")]


def deliveries(db) -> list[tuple]:
    """(flag, channel, recipient, delivered?, attempts, claimed?) for every notifications row."""
    return db.execute(
        """select flag_id, channel, recipient, delivered_at is not null, attempts, claimed_by is not null
           from notifications order by flag_id, channel, recipient"""
    ).fetchall()


def flag_ids(messages) -> list[int]:
    return sorted(int(message["X-FOI-Tracker-Flag"].split()[0]) for message in messages)


# ------------------------------------------------------------------------------ tests


def test_one_email_and_one_post_per_new_flag_and_nothing_the_second_time(db, smtp, webhook):
    config = notify_config(smtp, webhook)
    late.check(db, D("2024-02-07"))
    result = notify.deliver(db, config, today=D("2024-02-07"))
    assert result.ok and result.pending == 2 and result.notified == 2
    assert result.sent == {"email": 2, "webhook": 2}
    subjects = sorted(message["Subject"] for message in smtp.messages)
    assert subjects == ["[foi-tracker] late: Gritting routes (North Council)",
                        "[foi-tracker] late: Pothole claims (North Council)"]
    body = smtp.messages[0].get_content()
    assert "Chaser to paste into the site's follow-up form:" in body and "FOIA s.10(1)" in body
    assert smtp.messages[0]["To"] == "me@example.org"
    assert sorted(post["title"] for post in webhook.posts) == ["Gritting routes", "Pothole claims"]
    post = webhook.posts[0]
    assert post["content_type"] == "application/json"
    assert post["event"] == "foi-tracker.flag_raised" and post["flag"] == "late" and post["due_date"] == "2024-02-05"
    assert post["working_days_overdue"] == 2 and post["authority"] == "North Council"
    assert "5 February 2024" in post["chaser"]
    assert all(notified(db))

    late.check(db, D("2024-02-08"))
    again = notify.deliver(db, config, today=D("2024-02-08"))
    assert again.pending == 0 and again.sent == {"email": 0, "webhook": 0}
    assert len(smtp.messages) == 2 and len(webhook.posts) == 2

    late.check(db, D("2024-03-05"))  # now long overdue: two new flags, sent once each
    third = notify.deliver(db, config, today=D("2024-03-05"))
    assert third.sent == {"email": 2, "webhook": 2} and len(smtp.messages) == 4
    assert {post["flag"] for post in webhook.posts[2:]} == {"very_late"}


def test_failing_webhook_leaves_flags_unnotified_and_the_next_run_delivers_once(db, smtp, webhook):
    config = notify_config(smtp, webhook)
    late.check(db, D("2024-02-07"))
    webhook.status = 500
    failed = notify.deliver(db, config, today=D("2024-02-07"))
    assert not failed.ok and failed.notified == 0
    assert failed.failures == [f"webhook {webhook.url}: HTTP 500"]
    assert notified(db) == [None, None]
    assert len(smtp.messages) == 2  # e-mail worked ...

    webhook.status = 200
    retried = notify.deliver(db, config, today=D("2024-02-08"))
    assert retried.ok and retried.notified == 2
    assert retried.sent == {"email": 0, "webhook": 2}  # ... and is not sent twice
    assert len(smtp.messages) == 2 and len(webhook.posts) == 2
    assert all(notified(db))
    assert notify.deliver(db, config, today=D("2024-02-09")).sent == {"email": 0, "webhook": 0}


def test_smtp_refusing_or_down_is_retried(db, smtp, webhook, free_port):
    config = notify_config(smtp, webhook, channels=("email",))
    late.check(db, D("2024-02-07"))
    smtp.refuse = True
    refused = notify.deliver(db, config, today=D("2024-02-07"))
    assert refused.notified == 0 and refused.failures and "451" in refused.failures[0]
    smtp.refuse = False
    assert notify.deliver(db, config, today=D("2024-02-07")).notified == 2
    assert len(smtp.messages) == 2
    nowhere = Config(raw={"notify": {"channels": ["email"], "email": {**smtp.settings(), "port": free_port()}}})
    db["requests"].update(f"{SITE}/request/potholes", {"very_overdue_date": "2024-02-06"})
    late.check(db, D("2024-02-07"))
    down = notify.deliver(db, nowhere, today=D("2024-02-07"))
    assert down.notified == 0 and down.failures[0].startswith("e-mail via 127.0.0.1:")
    assert len(down.failures) == 1


def test_missing_password_is_a_failure_line_not_a_crash(db, smtp, monkeypatch):
    monkeypatch.delenv("FOI_TEST_SMTP_PASSWORD", raising=False)
    config = Config(raw={"notify": {"channels": ["email"], "email": {
        **smtp.settings(), "username": "me", "password_env": "FOI_TEST_SMTP_PASSWORD"}}})
    late.check(db, D("2024-02-07"))
    result = notify.deliver(db, config, today=D("2024-02-07"))
    assert result.failures == ["e-mail: environment variable FOI_TEST_SMTP_PASSWORD is not set"]
    assert notified(db) == [None, None]


def test_stdout_is_the_default_channel(db):
    late.check(db, D("2024-02-07"))
    stream = io.StringIO()
    channels = notify.channels_from_config(Config(), stream=stream)
    result = notify.deliver(db, Config(), today=D("2024-02-07"), channels=channels)
    assert result.sent == {"stdout": 2}
    assert stream.getvalue().count("== [foi-tracker] late:") == 2
    assert notify.deliver(db, Config(), today=D("2024-02-07"), channels=channels).sent == {"stdout": 0}


def test_cleared_flags_are_not_notified(db):
    late.check(db, D("2024-02-07"))
    db["requests"].update(f"{SITE}/request/potholes", {"first_response_at": "2024-02-08T10:00:00+00:00"})
    late.check(db, D("2024-02-08"))
    stream = io.StringIO()
    result = notify.deliver(db, Config(), today=D("2024-02-08"), channels=[notify.StdoutChannel(stream)])
    assert result.pending == 1 and "Gritting routes" in stream.getvalue() and "Pothole" not in stream.getvalue()


@pytest.mark.parametrize(("section", "message"), [
    ({"channels": ["pigeon"]}, "[notify] channels: unknown pigeon"),
    ({"channels": ["email"], "email": {"host": "smtp.example.org"}}, "[notify.email] needs from, to"),
    ({"channels": ["webhook"], "webhook": {"url": "ftp://example.org"}}, "[notify.webhook] needs an http(s) url"),
])
def test_bad_configuration_is_one_clear_line(section, message):
    with pytest.raises(ConfigError) as error:
        notify.channels_from_config(Config(raw={"notify": section}))
    assert message in str(error.value) and "\n" not in str(error.value)


# ------------------------------------------------------------------------------ per recipient, once

ME, GONE = "me@example.org", "gone@example.org"


def two_recipients(smtp) -> Config:
    return Config(raw={"notify": {"channels": ["email"], "email": {**smtp.settings(), "to": [ME, GONE]}}})


def test_a_partially_refused_email_records_who_got_it_and_retries_only_the_refused_recipient(db, smtp):
    config = two_recipients(smtp)
    late.check(db, D("2024-02-07"))
    smtp.refuse_recipients = {GONE}
    first = notify.deliver(db, config, today=D("2024-02-07"))
    refusal = f"e-mail to {GONE} refused by 127.0.0.1:{smtp.port}: 550 5.1.1 No such mailbox here"
    assert first.sent == {"email": 2} and first.failures == [refusal] and first.notified == 0
    assert flag_ids(smtp.mailboxes[ME]) == [1, 2] and GONE not in smtp.mailboxes
    assert deliveries(db) == [(1, "email", GONE, 0, 1, 0), (1, "email", ME, 1, 0, 0),
                              (2, "email", GONE, 0, 1, 0), (2, "email", ME, 1, 0, 0)]
    assert db.execute("select distinct last_error from notifications where recipient = ?", [GONE]).fetchall() == [(refusal,)]
    assert notified(db) == [None, None]  # not every recipient has them

    still = notify.deliver(db, config, today=D("2024-02-08"))  # still refused: tried again, for GONE only
    assert still.sent == {"email": 0} and still.failures == [refusal]
    assert len(smtp.mailboxes[ME]) == 2 and len(smtp.messages) == 2
    assert [row[4] for row in deliveries(db) if row[2] == GONE] == [2, 2]

    smtp.refuse_recipients = set()
    retried = notify.deliver(db, config, today=D("2024-02-09"))
    assert retried.ok and retried.sent == {"email": 2} and retried.notified == 2
    assert flag_ids(smtp.mailboxes[GONE]) == [1, 2] and flag_ids(smtp.mailboxes[ME]) == [1, 2]
    assert [message["To"] for message in smtp.mailboxes[GONE]] == [GONE, GONE]  # the retry went to GONE alone
    assert all(notified(db))
    assert notify.deliver(db, config, today=D("2024-02-10")).pending == 0
    assert len(smtp.messages) == 4


def test_every_recipient_refused_fails_each_flag_and_stops_none(db, smtp):
    config = two_recipients(smtp)
    late.check(db, D("2024-02-07"))
    smtp.refuse_recipients = {ME, GONE}  # smtplib raises SMTPRecipientsRefused
    result = notify.deliver(db, config, today=D("2024-02-07"))
    assert result.sent == {"email": 0} and not smtp.messages
    assert sorted(result.failures) == [
        f"e-mail to {address} refused by 127.0.0.1:{smtp.port}: 550 5.1.1 No such mailbox here" for address in (GONE, ME)]
    assert [row[3:] for row in deliveries(db)] == [(0, 1, 0)] * 4  # both flags tried, for both recipients
    smtp.refuse_recipients = {GONE}
    assert notify.deliver(db, config, today=D("2024-02-08")).sent == {"email": 2}
    assert flag_ids(smtp.mailboxes[ME]) == [1, 2]


def test_a_webhook_failing_for_one_flag_delivers_the_others_then_that_one_once(db, webhook):
    config = Config(raw={"notify": {"channels": ["webhook"], "webhook": {"url": webhook.url, "timeout": 5}}})
    late.check(db, D("2024-02-07"))
    webhook.refuse_flags = {1}
    first = notify.deliver(db, config, today=D("2024-02-07"))
    assert first.failures == [f"webhook {webhook.url}: HTTP 500"] and first.sent == {"webhook": 1}
    assert [post["flag_id"] for post in webhook.posts] == [2]
    assert notified(db)[0] is None and notified(db)[1] is not None
    webhook.refuse_flags = set()
    second = notify.deliver(db, config, today=D("2024-02-08"))
    assert second.ok and second.sent == {"webhook": 1} and second.notified == 1
    assert sorted(post["flag_id"] for post in webhook.posts) == [1, 2]
    recipient = notify.WebhookChannel(webhook.url).recipients[0]
    assert webhook.url not in recipient and recipient.startswith("http://127.0.0.1:")  # the URL may hold a secret
    assert [row[2:5] for row in deliveries(db)] == [(recipient, 1, 1), (recipient, 1, 0)]


def test_a_message_the_server_closes_the_connection_on_does_not_stop_the_next(db, smtp):
    config = Config(raw={"notify": {"channels": ["email"], "email": smtp.settings()}})
    late.check(db, D("2024-02-07"))
    smtp.refuse_subjects = {"Gritting": "421 4.3.0 Content filter unavailable, closing connection"}
    first = notify.deliver(db, config, today=D("2024-02-07"))  # smtplib closes on a 421: the next reconnects
    assert first.failures == [f"e-mail via 127.0.0.1:{smtp.port}: 421 4.3.0 Content filter unavailable, closing connection"]
    assert first.sent == {"email": 1} and flag_ids(smtp.messages) == [2]
    smtp.refuse_subjects = {}
    assert notify.deliver(db, config, today=D("2024-02-08")).sent == {"email": 1}
    assert flag_ids(smtp.messages) == [1, 2] and all(notified(db))


@dataclass
class BreaksOn(notify.StdoutChannel):
    """stdout, except that the message of flag ``breaks_on`` breaks the channel (as a connection
    the server drops after one message would)."""

    breaks_on: int = 0

    def send(self, flag, today, recipients):
        if flag["flag_id"] == self.breaks_on:
            raise notify.ChannelDown("stdout: broken")
        return super().send(flag, today, recipients)


def test_a_message_that_breaks_its_channel_goes_after_the_others_next_time(db):
    late.check(db, D("2024-02-07"))
    stream = io.StringIO()
    channel = BreaksOn(stream, breaks_on=1)  # flag 1 (Gritting routes) comes first
    first = notify.deliver(db, Config(), today=D("2024-02-07"), channels=[channel])
    assert first.failures == ["stdout: broken"] and first.sent == {"stdout": 0}  # the rest waits
    second = notify.deliver(db, Config(), today=D("2024-02-08"), channels=[channel])
    assert second.sent == {"stdout": 1} and "Pothole claims" in stream.getvalue()
    assert notified(db)[1] is not None


def test_a_crash_after_sending_repeats_that_message_only_and_only_once_its_claim_lapses(db, smtp, monkeypatch):
    config = Config(raw={"notify": {"channels": ["email"], "email": smtp.settings()}})
    late.check(db, D("2024-02-07"))
    record = notify._record

    def crash(*args):
        raise KeyboardInterrupt("killed between handing the message over and recording it")

    with times.frozen(datetime(2024, 2, 7, 6, 0, tzinfo=timezone.utc)) as clock:
        monkeypatch.setattr(notify, "_record", crash)
        with pytest.raises(KeyboardInterrupt):
            notify.deliver(db, config, today=D("2024-02-07"))
        monkeypatch.setattr(notify, "_record", record)
        assert flag_ids(smtp.messages) == [1]
        assert deliveries(db) == [(1, "email", ME, 0, 0, 1)]  # still claimed by the dead run

        clock.step(timedelta(minutes=5))  # another run soon after leaves the claimed message alone
        soon = notify.deliver(db, config, today=D("2024-02-07"))
        assert soon.elsewhere == 1 and soon.sent == {"email": 1} and soon.notified == 1
        assert flag_ids(smtp.messages) == [1, 2]

        clock.step(notify.CLAIM_LIFETIME)  # the claim has lapsed: that one message goes again
        later = notify.deliver(db, config, today=D("2024-02-07"))
        assert later.ok and later.sent == {"email": 1} and later.notified == 1
    assert flag_ids(smtp.messages) == [1, 1, 2]
    assert all(notified(db))


# ------------------------------------------------------------------------------ two real processes


def test_two_late_notify_processes_at_once_deliver_each_message_once(demo_db, tmp_path, smtp, webhook):
    config = tmp_path / "foi-tracker.toml"
    config.write_text(
        f'[notify]\nchannels = ["email", "webhook"]\n'
        f'[notify.email]\nhost = "127.0.0.1"\nport = {smtp.port}\nfrom = "bot@example.org"\n'
        f'to = ["{ME}", "{GONE}"]\n'
        f'[notify.webhook]\nurl = "{webhook.url}"\ntimeout = 5\n'
    )
    webhook.delay = 0.05  # deliveries take a while, so that the two runs overlap
    for trial in range(3):
        path = tmp_path / f"trial-{trial}.db"
        with sqlite3.connect(demo_db) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
            copy.execute("pragma journal_mode = wal")
        flags = [row[0] for row in sqlite3.connect(path).execute(
            "select id from flags where cleared_on is null and notified_at is null order by id")]
        assert len(flags) == 8
        smtp.messages.clear(), smtp.mailboxes.clear(), webhook.posts.clear()
        runs = [subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", str(path), "--config", str(config),
             "late", "--today", "2026-11-20", "--notify"],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        ) for _ in range(2)]
        errors = [run.communicate(timeout=120)[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], errors
        assert flag_ids(smtp.mailboxes[ME]) == flags and flag_ids(smtp.mailboxes[GONE]) == flags, trial
        assert sorted(post["flag_id"] for post in webhook.posts) == flags, trial
        counted = [int(line.split()[1]) for error in errors for line in error.splitlines() if line.startswith("notified ")]
        assert sum(counted) == 8, errors
        db = open_db(path)
        assert all(row[0] for row in db.execute("select notified_at from flags where id in (%s)" % ",".join(map(str, flags))))
        assert db.execute("select count(*) from notifications where delivered_at is null or claimed_by is not null"
                          ).fetchone()[0] == 0
