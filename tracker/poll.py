"""Following threads and polling them: the flow from a URL to saved rows.

For each thread that is due: fetch its page (``?unfold=1``) and its ``.json`` with conditional
GET, and only when something changed parse, merge and save the thread (one transaction).
A failure is recorded in ``fetches`` and reported as one line; what is stored stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

import sqlite_utils

from scrapers import alaveteli
from scrapers.http import FetchError, FetchResult, PoliteClient
from tracker import db as database
from tracker.pipeline import enrich
from tracker.model import Thread, base_url_for, site_id_for

OPEN_STATUSES = {
    "waiting_response",
    "waiting_response_overdue",
    "waiting_response_very_overdue",
    "waiting_clarification",
    "waiting_classification",
    "internal_review",
    "gone_postal",
    "error_message",
    "requires_admin",
    "attention_requested",
}


def next_poll_after(status: str | None, failed: bool = False) -> timedelta:
    """How long to wait before polling a thread again, from what we know of it."""
    if failed:
        return timedelta(hours=6)
    if status is None or status in OPEN_STATUSES:
        return timedelta(days=1)
    return timedelta(days=14)


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Following


class FollowError(ValueError):
    """A URL that cannot be followed; str() is one line naming it."""


def follow(db: sqlite_utils.Database, urls: Iterable[str], now: datetime | None = None) -> list[str]:
    """Track request URLs: add each to ``requests`` (due at once). Returns the request ids."""
    added_at = iso(now or datetime.now(timezone.utc))
    ids = []
    for url in urls:
        if urlsplit(url.strip()).scheme not in ("http", "https"):
            raise FollowError(f"{url}: not an http(s) URL")
        try:
            canonical = alaveteli.canonical_request_url(url)
        except ValueError as error:
            raise FollowError(f"{url}: not a request URL ({error})") from None
        site_id = site_id_for(canonical)
        request_id = f"{site_id}/request/{alaveteli.request_slug(canonical)}"
        with db.atomic():
            db["sites"].insert({"id": site_id, "base_url": base_url_for(canonical), "regime": "foia"}, ignore=True)
            db["requests"].insert(
                {
                    "id": request_id,
                    "site_id": site_id,
                    "url": canonical,
                    "slug": alaveteli.request_slug(canonical),
                    "first_seen_at": added_at,
                },
                ignore=True,
            )
            db["follows"].insert(
                {"url": canonical, "kind": "request", "site_id": site_id, "added_at": added_at},
                ignore=True,
            )
        ids.append(request_id)
    return ids


def is_listing_url(url: str) -> bool:
    """A /user/ or /body/ page (or /list search) whose requests are followed together."""
    return alaveteli.listing_kind(url) is not None


def follow_listings(
    db: sqlite_utils.Database,
    client: PoliteClient,
    urls: Iterable[str],
    now: datetime | None = None,
    max_pages: int = 20,
) -> list[str]:
    """Follow every request listed on /user/ or /body/ pages, through all their pages."""
    added_at = iso(now or datetime.now(timezone.utc))
    request_urls: list[str] = []
    for url in urls:
        kind = alaveteli.listing_kind(url)
        if kind is None:
            raise FollowError(f"{url}: not a /user/, /body/ or /list page")
        site_id = site_id_for(url)
        with db.atomic():
            db["sites"].insert({"id": site_id, "base_url": base_url_for(url), "regime": "foia"}, ignore=True)
        client.allow_host(site_id)
        page_url: str | None = url
        for _ in range(max_pages):
            if page_url is None:
                break
            try:
                result = client.get(page_url)
            except FetchError as error:
                database.record_fetch(db, page_url, status_code=error.status_code, error=error.reason)
                raise FollowError(str(error)) from None
            fetch_id = database.record_fetch(
                db, page_url, status_code=result.status_code, content=result.content,
                etag=result.etag, last_modified=result.last_modified,
            )
            try:
                listing = alaveteli.parse_listing(result.content, page_url)
            except alaveteli.PageError as error:
                database.set_fetch_error(db, fetch_id, str(error))
                raise FollowError(f"{page_url}: {error}") from None
            request_urls.extend(listing.request_urls)
            page_url = listing.next_url
        with db.atomic():
            db["follows"].upsert(
                {"url": url, "kind": kind, "site_id": site_id, "added_at": added_at, "last_polled_at": added_at},
                pk="url",
            )
    return follow(db, dict.fromkeys(request_urls), now)


def followed_hosts(db: sqlite_utils.Database) -> set[str]:
    """The hosts of every site we follow: the only hosts the scraper may fetch from."""
    return {row["id"] for row in db.query("select id from sites")}


# ---------------------------------------------------------------------------------------------
# Polling


@dataclass
class PollOutcome:
    request_id: str
    ok: bool
    changed: bool = False
    not_modified: bool = False
    new_messages: int = 0
    error: str | None = None


@dataclass
class PollReport:
    outcomes: list[PollOutcome] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.outcomes)

    @property
    def succeeded(self) -> int:
        return sum(outcome.ok for outcome in self.outcomes)

    @property
    def failed(self) -> int:
        return self.attempted - self.succeeded

    @property
    def changed(self) -> int:
        return sum(outcome.changed for outcome in self.outcomes)

    @property
    def new_messages(self) -> int:
        return sum(outcome.new_messages for outcome in self.outcomes)


def due_requests(
    db: sqlite_utils.Database, now: datetime, *, poll_all: bool = False, limit: int | None = None
) -> list[dict]:
    """Requests whose next poll is due (all of them with ``poll_all``), soonest first."""
    sql = "select id, url, status from requests"
    params: list = []
    if not poll_all:
        sql += " where next_poll_at is null or next_poll_at <= ?"
        params.append(iso(now))
    sql += " order by coalesce(next_poll_at, '') , id"
    if limit:
        sql += f" limit {int(limit)}"
    return list(db.query(sql, params))


def poll(
    db: sqlite_utils.Database,
    client: PoliteClient,
    *,
    now: datetime | None = None,
    poll_all: bool = False,
    limit: int | None = None,
    on_outcome: Callable[[PollOutcome], None] | None = None,
    requests: list[dict] | None = None,
) -> PollReport:
    """Poll every due thread once and report what happened to each."""
    now = now or datetime.now(timezone.utc)
    report = PollReport()
    for row in requests if requests is not None else due_requests(db, now, poll_all=poll_all, limit=limit):
        outcome = poll_request(db, client, row, now)
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return report


@dataclass
class _Fetched:
    """One URL's fetch within a poll: the body to parse (new or cached) and what happened."""

    url: str
    fetch_id: int | None = None
    body: bytes | None = None
    changed: bool = False
    error: FetchError | None = None


def _fetch(db: sqlite_utils.Database, client: PoliteClient, url: str, request_id: str, *, api: bool) -> _Fetched:
    cached = database.last_good_fetch(db, url)
    cached_body = database.fetch_body(db, cached.sha256) if cached and cached.sha256 else None
    conditional = cached if cached_body is not None else None
    try:
        result: FetchResult = client.get(
            url,
            etag=conditional.etag if conditional else None,
            last_modified=conditional.last_modified if conditional else None,
            api=api,
        )
    except FetchError as error:
        fetch_id = database.record_fetch(
            db, url, request_id=request_id, status_code=error.status_code, error=error.reason
        )
        return _Fetched(url, fetch_id, error=error)
    fetch_id = database.record_fetch(
        db,
        url,
        request_id=request_id,
        status_code=result.status_code,
        content=None if result.not_modified else result.content,
        etag=result.etag or (conditional.etag if result.not_modified and conditional else None),
        last_modified=result.last_modified,
    )
    if result.not_modified:
        # A 304 row carries no body of its own: point it at the body it confirmed.
        db["fetches"].update(fetch_id, {"sha256": conditional.sha256 if conditional else None})
        return _Fetched(url, fetch_id, body=cached_body, changed=False)
    return _Fetched(url, fetch_id, body=result.content, changed=True)


def poll_request(db: sqlite_utils.Database, client: PoliteClient, row: dict, now: datetime) -> PollOutcome:
    """Fetch one thread's page and .json; parse and save it if either changed."""
    request_id, url = row["id"], row["url"]
    page = _fetch(db, client, alaveteli.page_url(url), request_id, api=False)
    if page.error:
        return _finish(db, row, now, PollOutcome(request_id, ok=False, error=str(page.error)))
    data = _fetch(db, client, alaveteli.json_url(url), request_id, api=True)
    json_changed = data.changed or (data.error is not None and _had_json(db, data.url))
    if not page.changed and not json_changed and row.get("status") is not None:
        return _finish(db, row, now, PollOutcome(request_id, ok=True, not_modified=True))
    try:
        thread = alaveteli.parse_request_page(page.body or b"", url)
    except alaveteli.PageError as error:
        if page.fetch_id:
            database.set_fetch_error(db, page.fetch_id, str(error))
        return _finish(db, row, now, PollOutcome(request_id, ok=False, error=f"{page.url}: {error}"))
    if data.body is not None:
        try:
            thread = alaveteli.merge_json(thread, alaveteli.parse_request_json(data.body, url))
        except alaveteli.PageError as error:
            if data.fetch_id:
                database.set_fetch_error(db, data.fetch_id, str(error))
    if thread.id != request_id:
        thread.warnings.append(f"page is for {thread.id}, saved under {request_id}")
        rekey(thread, request_id)
    result = database.save_thread(db, enrich(thread, now.date()), iso(now))
    outcome = PollOutcome(request_id, ok=True, changed=result.changed, new_messages=len(result.new_messages))
    return _finish(db, row, now, outcome, status=thread.site_status)


def rekey(thread: Thread, request_id: str) -> None:
    """Save a thread under the id we follow it by (a renamed request keeps its first id)."""
    thread.id = request_id
    for annotation in thread.annotations:
        annotation.request_id = request_id


def _had_json(db: sqlite_utils.Database, url: str) -> bool:
    """Whether an earlier poll had a .json for this URL (so losing it changes the thread)."""
    return database.last_good_fetch(db, url) is not None


def _finish(
    db: sqlite_utils.Database, row: dict, now: datetime, outcome: PollOutcome, status: str | None = None
) -> PollOutcome:
    status = status or row.get("status")
    with db.atomic():
        db["requests"].update(
            row["id"],
            {
                "last_polled_at": iso(now),
                "next_poll_at": iso(now + next_poll_after(status, failed=not outcome.ok)),
                "last_error": outcome.error,
            },
        )
    return outcome


# ---------------------------------------------------------------------------------------------
# Offline: saved pages and reparse

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


def import_saved_page(db: sqlite_utils.Database, path: Path, url: str | None = None, now: datetime | None = None) -> database.SaveResult:
    """Import a request page saved from a browser. Raises PageError with one clear line."""
    content = path.read_bytes()
    url = url or url_of_saved_page(content)
    if url is None:
        raise alaveteli.NotARequestPage("cannot tell which request this page is (no og:url); pass --url")
    fetch_id = database.record_fetch(db, path.resolve().as_uri(), content=content, request_id=None)
    try:
        thread = alaveteli.parse_request_page(content, url)
    except alaveteli.PageError as error:
        database.set_fetch_error(db, fetch_id, str(error))
        raise
    db["fetches"].update(fetch_id, {"request_id": thread.id})
    sibling = path.with_suffix(".json")
    if sibling.exists():
        json_content = sibling.read_bytes()
        json_fetch = database.record_fetch(db, sibling.resolve().as_uri(), content=json_content, request_id=thread.id)
        try:
            thread = alaveteli.merge_json(thread, alaveteli.parse_request_json(json_content, url))
        except alaveteli.PageError as error:
            database.set_fetch_error(db, json_fetch, str(error))
    observed_at = iso(now or datetime.now(timezone.utc))
    with db.atomic():
        result = database.save_thread(db, enrich(thread), observed_at)
        db["follows"].insert(
            {"url": thread.url, "kind": "request", "site_id": thread.site.id, "added_at": observed_at},
            ignore=True,
        )
    return result


def reparse(db: sqlite_utils.Database, now: datetime | None = None) -> tuple[int, list[str]]:
    """Rebuild every thread from its newest stored page (and .json) bodies, fetching nothing."""
    rebuilt, problems = 0, []
    observed_at = iso(now or datetime.now(timezone.utc))
    for row in list(db.query("select id, url from requests")):
        bodies = {"page": None, "json": None}
        for fetch in db.query(
            """select url, sha256 from fetches where request_id = ? and error is null
               and sha256 is not null order by fetched_at desc, id desc""",
            [row["id"]],
        ):
            kind = "json" if fetch["url"].split("?")[0].endswith(".json") else "page"
            if bodies[kind] is None:
                bodies[kind] = database.fetch_body(db, fetch["sha256"])
        if bodies["page"] is None:
            continue
        try:
            thread = alaveteli.parse_request_page(bodies["page"], row["url"])
            if bodies["json"] is not None:
                thread = alaveteli.merge_json(thread, alaveteli.parse_request_json(bodies["json"], row["url"]))
        except alaveteli.PageError as error:
            problems.append(f"{row['url']}: {error}")
            continue
        rekey(thread, row["id"])
        database.save_thread(db, enrich(thread), observed_at)
        rebuilt += 1
    return rebuilt, problems
