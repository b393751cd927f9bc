"""Delivery of new flags (tracker.bot.notify) to a REAL SMTP server and a REAL webhook receiver on 127.0.0.1."""

from __future__ import annotations

import io
from datetime import date

import pytest

from tracker.bot import late
from tracker.bot import notify
from tracker.model.config import Config, ConfigError

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
