"""Read one e-mail (an ``.eml`` file, or one message of a mailbox) into a plain object.

Uses the standard library's ``email`` package with ``policy.default``. Tolerant by design: junk
bytes give an :class:`Email` with whatever could be read, never an exception; a part in an
unknown or lying charset is decoded with replacement characters. The text body is the first
``text/plain`` part that is not an attachment, else the first ``text/html`` part converted to
text; attached e-mails (``message/rfc822``) are listed as attachments, not read as the body.

Mail stores are read as streams: an mbox is indexed line by line (``mailbox.mbox``) and its
messages are read one at a time, so memory follows the largest message, not the file. One
message is read up to ``MAX_EMAIL_BYTES``; a larger one is cut there (``MailItem.cut``), so that
its letter and the attachments within the limit are still imported.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import mailbox
import re
from collections.abc import Iterator
from typing import BinaryIO
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import Path

from bs4 import BeautifulSoup

from tracker.model.times import UTC

__all__ = ["Email", "MailItem", "RequestAddress", "iter_mail", "looks_like_email", "read_email", "request_address"]


@dataclass
class Email:
    headers: dict[str, str] = field(default_factory=dict)
    subject: str | None = None
    date: str | None = None  # ISO 8601 with offset
    from_: str | None = None
    to: str | None = None
    message_id: str | None = None
    body_text: str = ""
    attachments: list[tuple[str, str, int]] = field(default_factory=list)  # (filename, content_type, size)


def read_email(content: bytes) -> Email:
    """Parse one RFC 822 message; never raises on bad input."""
    if isinstance(content, str):
        content = content.encode("utf-8", errors="replace")
    try:
        message = _parse(content or b"")
    except Exception:  # the parser itself is tolerant; this guards against the unforeseen
        return Email(body_text=(content or b"").decode("utf-8", errors="replace"))
    headers = _headers(message)
    found = Email(
        headers=headers,
        subject=headers.get("Subject"),
        date=_iso_date(headers.get("Date")),
        from_=headers.get("From"),
        to=headers.get("To"),
        message_id=headers.get("Message-ID") or headers.get("Message-Id"),
    )
    plain: str | None = None
    html: str | None = None
    for part in _walk(message):
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        if content_type == "message/rfc822" or filename or disposition == "attachment" or part.get_content_maintype() not in ("text", "multipart"):
            if part.get_content_maintype() != "multipart":
                found.attachments.append((filename or "", content_type, _size(part)))
            continue
        if content_type == "text/plain" and plain is None:
            plain = _text(part)
        elif content_type == "text/html" and html is None:
            html = _text(part)
    if plain is not None and plain.strip():
        found.body_text = plain
    elif html:
        found.body_text = _html_to_text(html)
    else:
        found.body_text = plain or ""
    return found


def _parse(content: bytes) -> Message:
    """``email.message_from_bytes``, fed in slices: the whole message is never also held as one
    decoded string."""
    parser = email.parser.BytesFeedParser(policy=email.policy.default)
    for start in range(0, len(content), _PARSE_SLICE):
        parser.feed(content[start:start + _PARSE_SLICE])
    return parser.close()


def _headers(message: Message) -> dict[str, str]:
    """Every header once (the first occurrence wins), decoded; a broken header is read raw."""
    headers: dict[str, str] = {}
    for name in message.keys():
        if name in headers:
            continue
        try:
            value = message.get(name)
            headers[name] = " ".join(str(value).split()) if value is not None else ""
        except Exception:
            raw = next((v for k, v in message.raw_items() if k == name), "")
            headers[name] = " ".join(str(raw).split())
    return headers


def _walk(message: Message):
    """Parts of the message, not descending into attached e-mails."""
    if message.get_content_type() == "message/rfc822" or not message.is_multipart():
        yield message
        return
    for part in message.iter_parts() if isinstance(message, EmailMessage) else message.get_payload():
        if part.get_content_type() == "message/rfc822":
            yield part
        else:
            yield from _walk(part)


def _filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except Exception:
        return None


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", errors="replace")
    if isinstance(raw, list):
        return b"".join(p.as_bytes() if isinstance(p, Message) else b"" for p in raw)
    return b""


def _size(part: Message) -> int:
    """The decoded size of a part. A base64 part (most attachments, some tens of megabytes) is
    measured from its text, without decoding it."""
    payload = part.get_payload()
    if isinstance(payload, str) and str(part.get("content-transfer-encoding", "")).strip().lower() == "base64":
        whitespace = sum(payload.count(character) for character in " \t\r\n")
        padding = payload[-8:].rstrip().count("=")
        return max(0, (len(payload) - whitespace) * 3 // 4 - padding)
    return len(_payload_bytes(part))


def _text(part: Message) -> str:
    data = _payload_bytes(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    text = soup.get_text("\n")
    text = re.sub(r"[ \t\xa0]+", " ", text)
    return re.sub(r"\n\s*\n\s*\n+", "\n\n", text).strip()


def _iso_date(value: str | None) -> str | None:
    """The Date header as an ISO 8601 instant with its offset. ``-0000`` (or no zone) is UTC
    whose local zone is unknown (RFC 5322 section 3.3), so it is written ``+00:00``: an instant
    without an offset would be read as London time (``tracker.model.times``)."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()


# --------------------------------------------------------------------------------------------
# Mail stores: a single .eml, an mbox file, a Maildir folder


MAX_EMAIL_BYTES = 20 * 1024 * 1024  # one e-mail is read up to this size (as [http] max_page_mb for a page); a larger one is cut there
_PARSE_SLICE = 1024 * 1024


@dataclass
class MailItem:
    """One message of a mail store: its raw bytes, or why it could not be read."""

    label: str  # the file, or the mbox / Maildir and the message's position or key in it
    content: bytes | None = None
    error: str | None = None
    cut: bool = False  # larger than MAX_EMAIL_BYTES: ``content`` is its beginning only


def iter_mail(path: Path) -> Iterator[MailItem]:
    """Every message under ``path`` (a .eml, an mbox, a Maildir, or a folder of .eml files)."""
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            yield from _maildir(path)
        else:
            for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".eml", ".mbox")):
                yield from iter_mail(child)
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
            if head != b"From ":
                handle.seek(0)
                content, cut = _read_one(handle)
    except OSError as error:
        yield MailItem(str(path), error=error.strerror or str(error))
        return
    if head == b"From ":
        yield from _mbox(path)
    elif path.suffix.lower() == ".mbox":
        yield MailItem(str(path), error="not an mbox: it does not start with a 'From ' line")
    elif not looks_like_email(content):
        yield MailItem(str(path), error="not an e-mail: no header lines at the start")
    else:
        yield MailItem(str(path), content, cut=cut)


def _read_one(handle: BinaryIO) -> tuple[bytes, bool]:
    """One message from ``handle``, up to MAX_EMAIL_BYTES, and whether there was more."""
    content = handle.read(MAX_EMAIL_BYTES)
    return content, bool(handle.read(1))


def _mbox(path: Path) -> Iterator[MailItem]:
    box = mailbox.mbox(str(path), create=False)
    try:
        for position, key in enumerate(box.iterkeys(), start=1):
            label = f"{path}#{position}"
            try:
                # The mbox's own file, positioned on this message: read, never closed here.
                content, cut = _read_one(box.get_file(key))
            except Exception as error:  # a damaged entry must not stop the others
                yield MailItem(label, error=f"unreadable message ({error})")
                continue
            if looks_like_email(content):
                yield MailItem(label, content, cut=cut)
            else:
                yield MailItem(label, error="corrupt message: no header lines")
    finally:
        box.close()


def _maildir(path: Path) -> Iterator[MailItem]:
    box = mailbox.Maildir(str(path), factory=None, create=False)
    for key in sorted(box.iterkeys()):
        label = f"{path}/{key}"
        try:
            with box.get_file(key) as handle:
                content, cut = _read_one(handle)
        except Exception as error:
            yield MailItem(label, error=f"unreadable message ({error})")
            continue
        yield MailItem(label, content, cut=cut)


_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,60}:[ \t]")
_MAIL_HEADERS = (b"from:", b"subject:", b"date:", b"message-id:", b"received:", b"to:", b"mime-version:")


def looks_like_email(content: bytes) -> bool:
    """Text that opens with a block of RFC 822 headers (or an mbox ``From `` line and then
    headers), at least two of them ones every mail has."""
    head = content[:8192].lstrip()[:4096].replace(b"\r\n", b"\n")
    block = head.split(b"\n\n", 1)[0].split(b"\n")
    if len(block) < 2 or not _HEADER_LINE.match(block[0]) and not block[0].startswith(b"From "):
        return False
    return sum(1 for line in block if line.lower().startswith(_MAIL_HEADERS)) >= 2


# --------------------------------------------------------------------------------------------
# Alaveteli's per-request e-mail address: request-<id>-<hash>@<domain>

_REQUEST_ADDRESS = re.compile(r"\brequest-(\d+)-([0-9a-z]{4,})@([\w.-]+\.[a-z]{2,})", re.IGNORECASE)
_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "Reply-To", "Received", "From")


@dataclass(frozen=True)
class RequestAddress:
    request_id: int  # the site's numeric id of the request
    domain: str
    outgoing: bool  # found in From: the requester's message, sent by the site


def request_address(found: Email) -> RequestAddress | None:
    """The site's request address in the headers (else the body), and which side it is on."""
    for name in _ADDRESS_HEADERS:
        value = found.headers.get(name) or next((v for k, v in found.headers.items() if k.lower() == name.lower()), None)
        match = _REQUEST_ADDRESS.search(value or "")
        if match:
            return RequestAddress(int(match.group(1)), match.group(3).lower(), outgoing=name == "From")
    match = _REQUEST_ADDRESS.search(found.body_text or "")
    if match:
        return RequestAddress(int(match.group(1)), match.group(3).lower(), outgoing=False)
    return None
