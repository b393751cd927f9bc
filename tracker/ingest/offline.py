"""Offline ways in: pages saved from a browser, and rebuilding from the raw bodies kept.

For sites that block programs, a requester saves the request page (and its ``.json``) from
the browser and imports it; ``reparse`` re-reads every stored body after a parser or classifier
improvement, without fetching anything.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Iterator

import sqlite_utils

from scrapers import alaveteli
from tracker.store import db as database
from tracker.model import Thread, site_id_for
from tracker.model.times import iso, utc_now
from tracker.ingest.pipeline import enrich


def rekey(thread: Thread, request_id: str) -> None:
    """Save a thread under the id we follow it by (a renamed request keeps its first id)."""
    thread.id = request_id
    for annotation in thread.annotations:
        annotation.request_id = request_id


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
    observed_at = iso(now or utc_now())
    with db.atomic():
        result = database.save_thread(db, enrich(database.complete_authority(db, thread)), observed_at)
        db["follows"].insert(
            {"url": thread.url, "kind": "request", "site_id": thread.site.id, "added_at": observed_at},
            ignore=True,
        )
    return result


def import_saved_json(db: sqlite_utils.Database, path: Path, url: str | None = None, now: datetime | None = None) -> database.SaveResult:
    """Import a request's ``.json`` saved from a browser.

    Joined with the thread's stored page when there is one; otherwise the thread's outline is
    saved from the JSON alone. A saved JSON does not say which site it came from: the request
    must be followed already (its slug is looked up) or ``url`` given.
    """
    content = path.read_bytes()
    data = alaveteli.parse_request_json(content, url or "https://unknown.invalid/request/x")
    if url is None:
        rows = list(db.query("select url from requests where slug = ?", [data.slug]))
        if len(rows) != 1:
            where = "several sites" if rows else "no followed request"
            raise alaveteli.PageError(f"slug {data.slug!r} matches {where}; pass --url")
        url = rows[0]["url"]
        data = alaveteli.parse_request_json(content, url)
    request_id = f"{site_id_for(url)}/request/{alaveteli.request_slug(url)}"
    database.record_fetch(db, path.resolve().as_uri(), content=content, request_id=request_id)
    page = _newest_body(db, request_id, "page")
    thread = (
        alaveteli.merge_json(alaveteli.parse_request_page(page, url), data)
        if page is not None
        else alaveteli.thread_from_json(data, url)
    )
    rekey(thread, request_id)
    with db.atomic():
        return database.save_thread(db, enrich(database.complete_authority(db, thread)), iso(now or utc_now()))


def _newest_body(db: sqlite_utils.Database, request_id: str, kind: str) -> bytes | None:
    """The newest good raw body of a request's page or .json."""
    for fetch in db.query(
        """select url, sha256 from fetches where request_id = ? and error is null
           and sha256 is not null order by fetched_at desc, id desc""",
        [request_id],
    ):
        is_json = fetch["url"].split("?")[0].endswith(".json")
        if is_json == (kind == "json"):
            return database.fetch_body(db, fetch["sha256"])
    return None


def reparse(db: sqlite_utils.Database, now: datetime | None = None) -> tuple[int, list[str]]:
    """Rebuild every thread from its newest stored page (and .json) bodies, fetching nothing."""
    problems: list[str] = []
    observed_at = iso(now or utc_now())

    def rebuilt_threads() -> Iterator[Thread]:
        for row in list(db.query("select id, url from requests")):
            bodies = {kind: _newest_body(db, row["id"], kind) for kind in ("page", "json")}
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
            yield enrich(database.complete_authority(db, thread))

    rebuilt = len(database.save_threads(db, rebuilt_threads(), observed_at))
    return rebuilt, problems
