"""Delivery of new flags: e-mail (SMTP), webhook (JSON POST) and stdout.

Configured in ``foi-tracker.toml``; without a ``[notify]`` section flags go to stdout only.

```toml
[notify]
channels = ["stdout", "email", "webhook"]   # any of these, in this order

[notify.email]
host = "smtp.example.org"
port = 587                         # default 25
from = "foi-tracker@example.org"
to = ["me@example.org"]            # a string or a list
starttls = true                    # default false
username = "foi-tracker"           # optional: log in
password_env = "FOI_SMTP_PASSWORD" # the password is read from this environment variable
timeout = 30                       # seconds, default 30

[notify.webhook]
url = "https://hooks.example.org/foi"
timeout = 10                       # seconds, default 10
```

Each standing flag whose ``notified_at`` is NULL is sent once on every configured channel: one
e-mail per flag (the subject names the request and the flag) and one JSON POST per flag. What
each channel accepted is recorded in ``notifications`` as it happens, so a channel that fails
(SMTP refused, webhook down or answering non-2xx) is retried on the next run for the flags it
missed while the channels that worked send nothing twice. ``notified_at`` is set once every
configured channel has accepted the flag, and never changed after that.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import sys
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol, TextIO

import httpx
import sqlite_utils

from tracker.bot.chasers import chaser, regulator_advice
from tracker.bot.late import FLAG_LABELS, flag_rows
from tracker.model.config import Config, ConfigError
from tracker.model.times import iso, utc_now
from tracker.store.db import writing

CHANNELS = ("stdout", "email", "webhook")


class DeliveryError(Exception):
    """A channel could not deliver; str() is one line."""


class Channel(Protocol):
    name: str

    def open(self) -> None: ...

    def send(self, flag: dict[str, Any], today: date) -> None: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------------------------
# What a notification says


def subject_for(flag: dict[str, Any]) -> str:
    return f"[foi-tracker] {FLAG_LABELS[flag['flag']]}: {flag['title']} ({flag['authority']})"


def text_for(flag: dict[str, Any]) -> str:
    lines = [
        f"{flag['title']}",
        f"{flag['url']}",
        f"Authority: {flag['authority']}",
        f"Requester: {flag['requester']}",
        f"Flag: {FLAG_LABELS[flag['flag']]} (raised {flag['raised_on']})",
        f"Due: {flag['flag_due_date']}; {flag['working_days_late']} working days overdue",
        "",
        "Chaser to paste into the site's follow-up form:",
        "",
        chaser(flag).rstrip(),
    ]
    if flag["flag"] == "review_very_late":
        lines += ["", regulator_advice(flag)]
    return "\n".join(lines) + "\n"


def payload_for(flag: dict[str, Any], today: date) -> dict[str, Any]:
    return {
        "event": "foi-tracker.flag_raised",
        "today": today.isoformat(),
        "flag_id": flag["flag_id"],
        "flag": flag["flag"],
        "label": FLAG_LABELS[flag["flag"]],
        "raised_on": flag["raised_on"],
        "due_date": flag["flag_due_date"],
        "working_days_overdue": flag["working_days_late"],  # the receivers' name, kept
        "request_id": flag["request_id"],
        "title": flag["title"],
        "url": flag["url"],
        "regime": flag["regime"],
        "authority": flag["authority"],
        "requester": flag["requester"],
        "chaser": chaser(flag),
    }


# ---------------------------------------------------------------------------------------------
# Channels


@dataclass
class StdoutChannel:
    stream: TextIO | None = None
    name: str = "stdout"

    def open(self) -> None:
        return None

    def send(self, flag: dict[str, Any], today: date) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"== {subject_for(flag)}\n{text_for(flag)}\n")
        stream.flush()

    def close(self) -> None:
        return None


@dataclass
class EmailChannel:
    host: str
    sender: str
    to: list[str]
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None
    timeout: float = 30.0
    name: str = "email"
    _smtp: smtplib.SMTP | None = field(default=None, repr=False)

    def open(self) -> None:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                password = os.environ.get(self.password_env or "")
                if password is None:
                    smtp.close()
                    raise DeliveryError(f"e-mail: environment variable {self.password_env or '(password_env)'} is not set")
                smtp.login(self.username, password)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"e-mail via {self.host}:{self.port}: {_one_line(error)}") from None
        self._smtp = smtp

    def send(self, flag: dict[str, Any], today: date) -> None:
        message = EmailMessage()
        message["Subject"] = subject_for(flag)
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        message["Message-ID"] = make_msgid(idstring=f"flag-{flag['flag_id']}", domain="foi-tracker.invalid")
        message["X-FOI-Tracker-Flag"] = f"{flag['flag_id']} {flag['flag']} {flag['request_id']}"
        message.set_content(text_for(flag))
        try:
            assert self._smtp is not None
            refused = self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"e-mail via {self.host}:{self.port}: {_one_line(error)}") from None
        if refused:
            raise DeliveryError(f"e-mail: refused for {', '.join(sorted(refused))}")

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


@dataclass
class WebhookChannel:
    url: str
    timeout: float = 10.0
    name: str = "webhook"
    _client: httpx.Client | None = field(default=None, repr=False)

    def open(self) -> None:
        self._client = httpx.Client(timeout=self.timeout, headers={"User-Agent": "foi-tracker notify"})

    def send(self, flag: dict[str, Any], today: date) -> None:
        assert self._client is not None
        try:
            response = self._client.post(self.url, json=payload_for(flag, today))
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook {self.url}: {_one_line(error) or type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"webhook {self.url}: HTTP {response.status_code}")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def channels_from_config(config: Config, *, stream: TextIO | None = None) -> list[Channel]:
    """The channels of ``[notify]`` (stdout only when there is none). Raises ConfigError."""
    section = config.raw.get("notify", {})
    where = f"{config.path}: " if config.path else ""
    if not isinstance(section, dict):
        raise ConfigError(f"{where}[notify] must be a table")
    names = section.get("channels", ["stdout"])
    if isinstance(names, str):
        names = [names]
    unknown = [n for n in names if n not in CHANNELS]
    if unknown or not isinstance(names, list):
        raise ConfigError(f"{where}[notify] channels: unknown {', '.join(map(str, unknown))} (use {', '.join(CHANNELS)})")
    channels: list[Channel] = []
    for name in dict.fromkeys(names):
        settings = section.get(name, {})
        if name == "stdout":
            channels.append(StdoutChannel(stream))
        elif name == "email":
            missing = [key for key in ("host", "from", "to") if not settings.get(key)]
            if missing:
                raise ConfigError(f"{where}[notify.email] needs {', '.join(missing)}")
            to = settings["to"]
            channels.append(EmailChannel(
                host=str(settings["host"]), sender=str(settings["from"]), to=[to] if isinstance(to, str) else list(to),
                port=int(settings.get("port", 25)), starttls=bool(settings.get("starttls", False)),
                username=settings.get("username"), password_env=settings.get("password_env"),
                timeout=float(settings.get("timeout", 30)),
            ))
        else:
            url = str(settings.get("url", ""))
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"{where}[notify.webhook] needs an http(s) url")
            channels.append(WebhookChannel(url, timeout=float(settings.get("timeout", 10))))
    return channels


# ---------------------------------------------------------------------------------------------
# Delivery


@dataclass
class DeliveryResult:
    pending: int = 0  # flags waiting for notification at the start
    notified: int = 0  # flags whose notified_at this run set
    sent: dict[str, int] = field(default_factory=dict)  # messages accepted per channel
    failures: list[str] = field(default_factory=list)  # one line each

    @property
    def ok(self) -> bool:
        return not self.failures


def deliver(db: sqlite_utils.Database, config: Config, *, today: date,
            channels: list[Channel] | None = None) -> DeliveryResult:
    """Send every standing, not yet notified flag once on each channel; see the module docstring."""
    channels = channels if channels is not None else channels_from_config(config)
    result = DeliveryResult(sent={channel.name: 0 for channel in channels})
    pending = list(flag_rows(db, extra="and f.notified_at is null", order="requester"))
    result.pending = len(pending)
    if not pending or not channels:
        return result
    for channel in channels:
        done = {row["flag_id"] for row in db.query(
            "select flag_id from notifications where channel = ? and flag_id in (select value from json_each(?))",
            [channel.name, json.dumps([flag["flag_id"] for flag in pending])],
        )}
        todo = [flag for flag in pending if flag["flag_id"] not in done]
        if not todo:
            continue
        try:
            channel.open()
            for flag in todo:
                channel.send(flag, today)
                with writing(db):
                    db["notifications"].insert(
                        {"flag_id": flag["flag_id"], "channel": channel.name, "delivered_at": iso(utc_now())}, ignore=True)
                result.sent[channel.name] += 1
        except DeliveryError as error:
            result.failures.append(str(error))
        finally:
            channel.close()
    names = [channel.name for channel in channels]
    with writing(db):
        cursor = db.execute(
            f"""update flags set notified_at = ?
                where notified_at is null and id in (select value from json_each(?))
                  and (select count(*) from notifications n
                       where n.flag_id = flags.id and n.channel in ({', '.join('?' * len(names))})) = ?""",
            [iso(utc_now()), json.dumps([flag["flag_id"] for flag in pending]), *names, len(names)],
        )
        result.notified = cursor.rowcount
    return result
