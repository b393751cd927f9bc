"""Offline ways in: pages saved from a browser, and rebuilding from the raw bodies kept.

For sites that block programs, a requester saves the request page (and its ``.json``) from
the browser and imports it; ``reparse`` re-reads every stored body after a parser or classifier
improvement, without fetching anything. ``import_paths`` takes whatever a requester has (saved
pages, saved .json, e-mail in ``tracker.ingest.mail``) and sends each to its importer.

An import never adds a host to what is polled: a saved page is followed only when its site is
followed already (``foi-tracker follow``); otherwise it is stored and the report says how to
have it polled. Nor can it take another request's messages (``tracker.store.db.IdentityConflict``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Iterable

import sqlite_utils

from scrapers import alaveteli
from scrapers.mailbox import looks_like_email
from tracker.ingest.follow import is_followed_site
from tracker.ingest.mail import MAIL_URL_PREFIX, MailImport, import_mail, join_email, read_stored_email
from tracker.ingest.pipeline import Bodies, ingest, read_bodies
from tracker.model import site_id_for
from tracker.store import db as database
from tracker.store.schema import PRIVATE_SCHEMA
from tracker.model.times import utc_now


_PAGE_URL_PATTERNS = (
    re.compile(rb'<meta[^>]+property="og:url"[^>]+content="([^"]+/request/[^"]+)"'),
    re.compile(rb'<link[^>]+rel="canonical"[^>]+href="([^"]+/request/[^"]+)"'),
    re.compile(rb'class="cplink__field"[^>]+value="(https?://[^"#]+/request/[^"#]+)'),
    re.compile(rb'href="(https?://[^"]+/request/[^"/]+)/feed'),
)


def url_of_saved_page(content: bytes) -> str | None:
    """The request URL a saved page came from, read from the page itself."""
    for pattern in _PAGE_URL_PATTERNS:
        match = pattern.search(content)
        if match:
            return alaveteli.canonical_request_url(match.group(1).decode("utf-8", "replace"))
    return None


class TooLarge(ValueError):
    """A saved page or .json larger than the cap (``[http] max_page_mb``): refused unread."""


def read_saved(path: Path, max_bytes: int | None = None) -> bytes:
    """A saved file's bytes; :class:`TooLarge`, reading no further, past ``max_bytes`` (None: no cap)."""
    with path.open("rb") as handle:
        content = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(content) > max_bytes:
        raise TooLarge(f"larger than the {max_bytes / 2**20:g} MB cap ([http] max_page_mb): not imported")
    return content


def import_saved_page(db: sqlite_utils.Database, path: Path, url: str | None = None, now: datetime | None = None,
                      max_bytes: int | None = None) -> database.SaveResult:
    """Import a request page saved from a browser (and the ``.json`` saved beside it), and
    follow the request. Raises PageError, or TooLarge past ``max_bytes``, with one clear line."""
    content = read_saved(path, max_bytes)
    url = url or url_of_saved_page(content)
    if url is None:
        raise alaveteli.NotARequestPage("cannot tell which request this page is (no og:url); pass --url")
    bodies = Bodies(url, page=content, page_fetch_id=database.record_fetch(db, path.resolve().as_uri(), content=content))
    sibling = path.with_suffix(".json")
    if sibling.exists():
        bodies.json = read_saved(sibling, max_bytes)
        bodies.json_fetch_id = database.record_fetch(db, sibling.resolve().as_uri(), content=bodies.json)
    return ingest(db, bodies, now=now, follow=True)


def import_saved_json(db: sqlite_utils.Database, path: Path, url: str | None = None, now: datetime | None = None,
                      max_bytes: int | None = None) -> database.SaveResult:
    """Import a request's ``.json`` saved from a browser.

    Joined with the thread's stored page when there is one; otherwise the thread's outline is
    saved from the JSON alone. A saved JSON does not say which site it came from: the request
    must be followed already (its slug is looked up) or ``url`` given.
    """
    content = read_saved(path, max_bytes)
    data = alaveteli.parse_request_json(content, url or "https://unknown.invalid/request/x")
    if url is None:
        rows = list(db.query("select url from requests where slug = ?", [data.slug]))
        if len(rows) != 1:
            where = "several sites" if rows else "no followed request"
            raise alaveteli.PageError(f"slug {data.slug!r} matches {where}; pass --url")
        url = rows[0]["url"]
    request_id = f"{site_id_for(url)}/request/{alaveteli.request_slug(url)}"
    database.record_fetch(db, path.resolve().as_uri(), content=content, request_id=request_id)
    bodies = Bodies(url, page=_newest_body(db, request_id, "page")[1], json=content)
    return ingest(db, bodies, request_id=request_id, now=now)


def _newest_body(db: sqlite_utils.Database, request_id: str, kind: str) -> tuple[str | None, bytes | None]:
    """Where the newest good raw body of a request's page or .json came from, and the body.

    E-mail imported into the request is not one of its pages (``read_stored_email``)."""
    for fetch in db.query(
        f"""select url, sha256 from {PRIVATE_SCHEMA}.fetches where request_id = ? and error is null
           and sha256 is not null and url not like ? order by fetched_at desc, id desc""",
        [request_id, f"{MAIL_URL_PREFIX}%"],
    ):
        is_json = fetch["url"].split("?")[0].endswith(".json")
        if is_json == (kind == "json"):
            return fetch["url"], database.fetch_body(db, fetch["sha256"])
    return None, None


def reparse(db: sqlite_utils.Database, now: datetime | None = None, batch: int = 500) -> tuple[int, list[str]]:
    """Rebuild every thread from what it was read from, fetching nothing: its newest stored page
    (and .json), and the e-mail imported into it, read again; a thread known only from e-mail,
    from its e-mail alone.

    A thread whose stored bodies no longer parse, or that would take another request's
    messages, is left as it is and reported; ``batch`` threads are saved to a transaction (each
    still whole or not at all).
    """
    problems: list[str] = []
    rebuilt = 0
    now = now or utc_now()
    rows = iter(list(db.query("select id, site_id, url from requests")))
    while chunk := list(islice(rows, batch)):
        with database.writing(db):
            for row in chunk:
                try:
                    rebuilt += _rebuild(db, row, now)
                except (alaveteli.PageError, database.IdentityConflict) as error:
                    problems.append(f"{row['url']}: {error}")
    return rebuilt, problems


def _rebuild(db: sqlite_utils.Database, row: dict, now: datetime) -> bool:
    """Rebuild one thread (``reparse``); False when nothing is stored to rebuild it from."""
    page_url, page = _newest_body(db, row["id"], "page")
    json_url, json = _newest_body(db, row["id"], "json")
    stored = None
    if db["messages"].count_where("request_id = ? and source = ?", [row["id"], database.SOURCE_EMAIL]):
        stored = database.load_thread(db, row["id"])
    # The e-mail imported into it, read again where its raw e-mail is kept.
    emails = read_stored_email(db, row["id"], row["site_id"]) if stored else {}
    email_messages = [emails.get(m.id, m) for m in stored.messages if m.source == database.SOURCE_EMAIL] if stored else []
    if page is not None or json is not None:
        thread, _ = read_bodies(db, Bodies(row["url"], page=page, json=json), strict_json=True)
    elif stored is not None:
        thread = stored
        thread.messages = [message for message in stored.messages if message.source != database.SOURCE_EMAIL]
    else:
        return False
    if email_messages:
        join_email(thread, email_messages)
    # Only what came from the site itself may move a message from another of its threads.
    from_site = (page_url or json_url or "").startswith(("http://", "https://"))
    ingest(db, thread, request_id=row["id"], now=now, from_site=from_site)
    return True


# ---------------------------------------------------------------------------------------------
# Importing whatever a requester has: saved pages, saved .json and e-mail


PAGE_SUFFIXES = {".html", ".htm"}
MAIL_SUFFIXES = {".eml", ".mbox"}


@dataclass
class SavedImport:
    """One saved page or .json: what saving it changed, or the one line saying why it failed.

    ``unpolled``: the request's URL when its site is not followed, so it is stored but not
    polled (``foi-tracker follow`` that URL to have it polled)."""

    path: Path
    result: database.SaveResult | None = None
    error: str | None = None
    unpolled: str | None = None


@dataclass
class ImportReport:
    """What ``import_paths`` did with each path it was given."""

    unknown: list[Path] = field(default_factory=list)  # neither a saved page nor e-mail
    saved: list[SavedImport] = field(default_factory=list)
    mail: MailImport | None = None  # None: no e-mail among the paths

    @property
    def imported(self) -> int:
        """Items taken in (an e-mail already stored, or already on its page, counts)."""
        mail = self.mail.imported + self.mail.on_page_already + self.mail.already_stored if self.mail else 0
        return sum(item.error is None for item in self.saved) + mail

    @property
    def failed(self) -> int:
        return len(self.unknown) + sum(item.error is not None for item in self.saved) + (
            len(self.mail.errors) if self.mail else 0)


def import_paths(db: sqlite_utils.Database, paths: Iterable[Path], *, url: str | None = None,
                 me: Iterable[str] = (), max_page_bytes: int | None = None) -> ImportReport:
    """Import saved pages (with the .json beside them), saved .json and e-mail, in that order.

    Directories are searched for pages and e-mails; a Maildir is read as one. ``url`` is the
    request a page or .json that does not name itself came from; ``me`` the requester's own
    addresses (``import_mail``); a page or .json over ``max_page_bytes`` is refused unread. A
    path that fails is reported, one line, and the rest go on.
    """
    saved, mail, unknown = sort_paths(paths)
    report = ImportReport(unknown=unknown)
    for path in saved:
        try:
            if path.suffix.lower() == ".json":
                result = import_saved_json(db, path, url=url, max_bytes=max_page_bytes)
            else:
                result = import_saved_page(db, path, url=url, max_bytes=max_page_bytes)
        except OSError as error:
            report.saved.append(SavedImport(path, error=str(error.strerror or error)))
            continue
        except ValueError as error:
            report.saved.append(SavedImport(path, error=str(error)))
            continue
        request = db["requests"].get(result.request_id)
        unpolled = None if is_followed_site(db, request["site_id"]) else request["url"]
        report.saved.append(SavedImport(path, result, unpolled=unpolled))
    if mail:
        report.mail = import_mail(db, mail, me=me)
    return report


def sort_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Saved pages (and .json), mail stores, and paths that are neither."""
    pages: list[Path] = []
    mail: list[Path] = []
    unknown: list[Path] = []
    for path in paths:
        if path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            mail.append(path)
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                suffix = child.suffix.lower()
                if suffix in PAGE_SUFFIXES:
                    pages.append(child)
                elif suffix in MAIL_SUFFIXES:
                    mail.append(child)
        elif path.suffix.lower() in PAGE_SUFFIXES | {".json"} or not path.exists():
            pages.append(path)
        elif path.suffix.lower() in MAIL_SUFFIXES or _starts_like_mail(path):
            mail.append(path)
        else:
            unknown.append(path)
    return pages, mail, unknown


def _starts_like_mail(path: Path) -> bool:
    """An mbox without the suffix, or an e-mail saved under another name."""
    try:
        with path.open("rb") as handle:
            return looks_like_email(handle.read(4096))
    except OSError:
        return False
