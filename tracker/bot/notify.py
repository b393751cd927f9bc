"""Delivery of new flags: e-mail (SMTP), webhook (JSON POST) and stdout.

Configured under ``[notify]`` in ``foi-tracker.toml`` (the settings are declared in
``tracker.model.config`` and shown in the README); without it flags go to stdout only.

**Who gets what.** Each standing flag whose ``notified_at`` is NULL goes to every recipient of
every configured channel: one e-mail per flag to the addresses of ``to`` (the subject names the
request and the flag), one JSON POST per flag to the webhook, one block of text on stdout. What
happened is kept per flag, channel and recipient in ``notifications``. An address the SMTP
server refuses (``sendmail`` returns the refused ones; ``SMTPRecipientsRefused`` says it refused
them all) gets ``attempts`` and ``last_error``, the addresses it accepted ``delivered_at``. The
next run sends the flag again to the recipients still without it, and to them only. A message
that failed before is tried after the others, so that one the server always refuses cannot hold
up the rest. ``notified_at`` is set once every recipient of every configured channel has the
flag, and never changed after; a recipient added to the configuration later gets only the flags
not yet notified.

**Once, even when two runs meet.** Before sending a message a run claims its rows (``claimed_by``,
``claimed_until``) in an IMMEDIATE transaction; another run at the same moment finds them claimed
and leaves them alone. As soon as the channel answers, the rows are recorded delivered, or failed
and released for a later run. A claim lapses after ``CLAIM_LIFETIME`` (or ten times the channel's
timeout, if longer), so that a later run takes up the claims of one that crashed: a crash between
handing a message to the server and recording it (or an answer lost on the way back) is the one
way a message is sent twice, and only that message.

**When a channel fails.** A failure of one message (a recipient refused, the message refused after
DATA, a webhook answering non-2xx) is that message's: the run goes on with the next. A channel
that cannot be reached (no connection, a connection lost, a login refused) stops for this run; its
messages wait for the next.
"""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
import ssl
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
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
from tracker.store.schema import EVERY_RECIPIENT


class DeliveryError(Exception):
    """A message was not delivered to any of its recipients; str() is one line."""


class ChannelDown(DeliveryError):
    """The channel cannot deliver anything now (no connection, a connection lost, a login refused)."""


class Channel(Protocol):
    name: str
    timeout: float  # seconds

    @property
    def recipients(self) -> list[str]:
        """Who each message goes to, as ``notifications.recipient`` names them."""
        ...

    def open(self) -> None:
        """Raises ChannelDown."""
        ...

    def send(self, flag: dict[str, Any], today: date, recipients: list[str]) -> dict[str, str]:
        """Hand one message to ``recipients``; return those refused, each with its one line.

        Raises DeliveryError when no recipient got it, ChannelDown when the channel broke."""
        ...

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
    timeout: float = 0.0

    @property
    def recipients(self) -> list[str]:
        return ["stdout"]

    def open(self) -> None:
        return None

    def send(self, flag: dict[str, Any], today: date, recipients: list[str]) -> dict[str, str]:
        stream = self.stream or sys.stdout
        stream.write(f"== {subject_for(flag)}\n{text_for(flag)}\n")
        stream.flush()
        return {}

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

    @property
    def recipients(self) -> list[str]:
        return list(dict.fromkeys(self.to))

    def open(self) -> None:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                password = os.environ.get(self.password_env or "")
                if password is None:
                    smtp.close()
                    raise ChannelDown(f"e-mail: environment variable {self.password_env or '(password_env)'} is not set")
                smtp.login(self.username, password)
        except (OSError, smtplib.SMTPException) as error:
            raise ChannelDown(f"e-mail via {self.host}:{self.port}: {_one_line(error)}") from None
        self._smtp = smtp

    def send(self, flag: dict[str, Any], today: date, recipients: list[str]) -> dict[str, str]:
        """One e-mail to ``recipients``; return those the server refused, each with its one line."""
        message = EmailMessage()
        message["Subject"] = subject_for(flag)
        message["From"] = self.sender
        message["To"] = ", ".join(recipients)
        message["Message-ID"] = make_msgid(idstring=f"flag-{flag['flag_id']}", domain="foi-tracker.invalid")
        message["X-FOI-Tracker-Flag"] = f"{flag['flag_id']} {flag['flag']} {flag['request_id']}"
        message.set_content(text_for(flag))
        where = f"{self.host}:{self.port}"
        if self._smtp is None or self._smtp.sock is None:  # not yet open, or closed by a 421
            self.open()
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(message, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as error:  # every recipient refused
            refused = error.recipients
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:  # this message refused
            raise DeliveryError(f"e-mail via {where}: {_smtp_reply(error.smtp_code, error.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise ChannelDown(f"e-mail via {where}: {_one_line(error) or type(error).__name__}") from None
        return {address: f"e-mail to {address} refused by {where}: {_smtp_reply(*reply)}"
                for address, reply in refused.items()}

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

    @property
    def recipients(self) -> list[str]:
        """The URL's origin and a digest of the whole: a hook's URL often holds its secret."""
        url = httpx.URL(self.url)
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:12]
        return [f"{url.scheme}://{url.host}{f':{url.port}' if url.port else ''} #{digest}"]

    def open(self) -> None:
        self._client = httpx.Client(timeout=self.timeout, headers={"User-Agent": "foi-tracker notify"})

    def send(self, flag: dict[str, Any], today: date, recipients: list[str]) -> dict[str, str]:
        assert self._client is not None
        try:
            response = self._client.post(self.url, json=payload_for(flag, today))
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise ChannelDown(f"webhook {self.url}: {_one_line(error) or type(error).__name__}") from None
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook {self.url}: {_one_line(error) or type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"webhook {self.url}: HTTP {response.status_code}")
        return {}

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _one_line(error: BaseException | str) -> str:
    return " ".join(str(error).split())


def _smtp_reply(code: int, text: bytes | str) -> str:
    """An SMTP reply as one line: ``550 5.1.1 no such mailbox``."""
    return f"{code} {_one_line(text.decode('utf-8', 'replace') if isinstance(text, bytes) else text)}"


def channels_from_config(config: Config, *, stream: TextIO | None = None) -> list[Channel]:
    """The channels of ``[notify]`` (stdout only when there is none). Raises ConfigError."""
    section = config.notify
    where = f"{config.path}: " if config.path else ""
    channels: list[Channel] = []
    for name in dict.fromkeys(section.channels):
        if name == "stdout":
            channels.append(StdoutChannel(stream))
        elif name == "email":
            settings = section.email
            missing = [key for key, value in (("host", settings.host), ("from", settings.sender), ("to", settings.to))
                       if not value]
            if missing:
                raise ConfigError(f"{where}[notify.email] needs {', '.join(missing)}")
            channels.append(EmailChannel(
                host=settings.host, sender=settings.sender, to=settings.to, port=settings.port,
                starttls=settings.starttls, username=settings.username, password_env=settings.password_env,
                timeout=settings.timeout,
            ))
        else:
            url = section.webhook.url or ""
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"{where}[notify.webhook] needs an http(s) url")
            channels.append(WebhookChannel(url, timeout=section.webhook.timeout))
    return channels


# ---------------------------------------------------------------------------------------------
# Delivery

# How long a run's claim on a message holds (at least: ten times the channel's timeout when that
# is longer). A run that crashed leaves its claims behind; a later run takes them up after this.
CLAIM_LIFETIME = timedelta(minutes=10)


@dataclass
class DeliveryResult:
    pending: int = 0  # flags waiting for notification at the start
    notified: int = 0  # flags whose notified_at this run set
    sent: dict[str, int] = field(default_factory=dict)  # messages accepted per channel (by a recipient at least)
    elsewhere: int = 0  # messages left alone because another run was sending them
    failures: list[str] = field(default_factory=list)  # one line each, each line once

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, line: str) -> None:
        if line not in self.failures:
            self.failures.append(line)


def deliver(db: sqlite_utils.Database, config: Config, *, today: date,
            channels: list[Channel] | None = None) -> DeliveryResult:
    """Send every standing, not yet notified flag once to each recipient of each channel; see the
    module docstring."""
    channels = channels if channels is not None else channels_from_config(config)
    result = DeliveryResult(sent={channel.name: 0 for channel in channels})
    pending = list(flag_rows(db, extra="and f.notified_at is null", order="requester"))
    result.pending = len(pending)
    if not pending or not channels:
        return result
    run = uuid.uuid4().hex
    for channel in channels:
        _deliver_on(db, channel, pending, today, run, result)
    result.notified = _mark_notified(db, pending, channels)
    return result


def _deliver_on(db: sqlite_utils.Database, channel: Channel, pending: list[dict[str, Any]], today: date,
                run: str, result: DeliveryResult) -> None:
    """Send what ``channel`` still owes the pending flags, each message claimed before it is sent."""
    opened = False
    try:
        for flag, recipients in _owed(db, channel, pending):
            claimed = _claim(db, flag["flag_id"], channel, recipients, run)
            if not claimed:
                result.elsewhere += 1
                continue
            try:
                if not opened:
                    opened = True
                    channel.open()
                refused = channel.send(flag, today, claimed)
            except DeliveryError as error:
                _record(db, flag["flag_id"], channel.name, run, [], {recipient: str(error) for recipient in claimed})
                result.fail(str(error))
                if isinstance(error, ChannelDown):
                    return  # the rest waits for the next run
                continue
            _record(db, flag["flag_id"], channel.name, run, [r for r in claimed if r not in refused], refused)
            if len(refused) < len(claimed):
                result.sent[channel.name] += 1
            for line in refused.values():
                result.fail(line)
    finally:
        channel.close()


def _owed(db: sqlite_utils.Database, channel: Channel,
          pending: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[str]]]:
    """Each pending flag with the recipients of ``channel`` that do not have it yet.

    A message that failed before comes after the others, so that one the channel always refuses
    cannot hold up the rest.
    """
    rows = db.execute(
        """select flag_id, recipient, delivered_at is not null, coalesce(attempts, 0) from notifications
           where channel = ? and flag_id in (select value from json_each(?))""",
        [channel.name, json.dumps([flag["flag_id"] for flag in pending])],
    ).fetchall()
    delivered = {(flag_id, recipient) for flag_id, recipient, done, _ in rows if done}
    attempts = {(flag_id, recipient): tried for flag_id, recipient, _, tried in rows}
    owed = []
    for flag in pending:
        if (flag["flag_id"], EVERY_RECIPIENT) in delivered:
            continue
        missing = [recipient for recipient in channel.recipients if (flag["flag_id"], recipient) not in delivered]
        if missing:
            owed.append((flag, missing))
    return sorted(owed, key=lambda item: max(attempts.get((item[0]["flag_id"], r), 0) for r in item[1]))


def _claim(db: sqlite_utils.Database, flag_id: int, channel: Channel, recipients: list[str], run: str) -> list[str]:
    """Claim one message's rows for this run, in one IMMEDIATE transaction; return the recipients claimed.

    A row already delivered, or claimed by another run whose claim has not lapsed, is not taken.
    """
    now = utc_now()
    lifetime = max(CLAIM_LIFETIME, timedelta(seconds=10 * channel.timeout))
    params = {"flag": flag_id, "channel": channel.name, "run": run, "now": iso(now), "until": iso(now + lifetime)}
    with writing(db):
        for recipient in recipients:
            db.execute(
                """insert into notifications (flag_id, channel, recipient, claimed_by, claimed_until, attempts)
                   values (:flag, :channel, :recipient, :run, :until, 0)
                   on conflict (flag_id, channel, recipient) do update
                   set claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
                   where notifications.delivered_at is null
                     and (notifications.claimed_until is null or notifications.claimed_until <= :now)""",
                {**params, "recipient": recipient},
            )
        claimed = {row[0] for row in db.execute(
            """select recipient from notifications
               where flag_id = :flag and channel = :channel and claimed_by = :run and delivered_at is null""",
            params,
        )}
    return [recipient for recipient in recipients if recipient in claimed]


def _record(db: sqlite_utils.Database, flag_id: int, channel: str, run: str,
            delivered: list[str], failed: dict[str, str]) -> None:
    """What the channel answered for one message: the recipients it was delivered to, and those
    it failed for (with the line why), released for a later run."""
    with writing(db):
        for recipient in delivered:
            db.execute(
                """update notifications set delivered_at = coalesce(delivered_at, ?), claimed_by = null,
                   claimed_until = null where flag_id = ? and channel = ? and recipient = ?""",
                [iso(utc_now()), flag_id, channel, recipient],
            )
        for recipient, line in failed.items():
            db.execute(
                """update notifications set claimed_by = null, claimed_until = null,
                   attempts = coalesce(attempts, 0) + 1, last_error = ?
                   where flag_id = ? and channel = ? and recipient = ? and claimed_by = ?""",
                [line, flag_id, channel, recipient, run],
            )


def _mark_notified(db: sqlite_utils.Database, pending: list[dict[str, Any]], channels: list[Channel]) -> int:
    """Set ``notified_at`` on the pending flags that every recipient of every channel now has."""
    targets = [[channel.name, recipient] for channel in channels for recipient in channel.recipients]
    with writing(db):
        return db.execute(
            """update flags set notified_at = :now
               where notified_at is null and id in (select value from json_each(:flags))
                 and not exists (
                   select 1 from json_each(:targets) t where not exists (
                     select 1 from notifications n
                     where n.flag_id = flags.id and n.channel = json_extract(t.value, '$[0]')
                       and n.recipient in (json_extract(t.value, '$[1]'), :every) and n.delivered_at is not null))""",
            {"now": iso(utc_now()), "flags": json.dumps([flag["flag_id"] for flag in pending]),
             "targets": json.dumps(targets), "every": EVERY_RECIPIENT},
        ).rowcount
