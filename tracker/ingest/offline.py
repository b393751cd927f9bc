"""Offline ways in: pages saved from a browser, and rebuilding from the raw bodies kept.

For sites that block programs, a requester saves the request page (and its ``.json``) from
the browser and imports it; ``reparse`` re-reads every stored body after a parser or classifier
improvement, without fetching anything.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

import sqlite_utils

from scrapers import alaveteli
from tracker.ingest.pipeline import Bodies, ingest
from tracker.model import site_id_for
from tracker.store import db as database


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
    """Import a request page saved from a browser (and the ``.json`` saved beside it), and
    follow the request. Raises PageError with one clear line."""
    content = path.read_bytes()
    url = url or url_of_saved_page(content)
    if url is None:
        raise alaveteli.NotARequestPage("cannot tell which request this page is (no og:url); pass --url")
    bodies = Bodies(url, page=content, page_fetch_id=database.record_fetch(db, path.resolve().as_uri(), content=content))
    sibling = path.with_suffix(".json")
    if sibling.exists():
        bodies.json = sibling.read_bytes()
        bodies.json_fetch_id = database.record_fetch(db, sibling.resolve().as_uri(), content=bodies.json)
    return ingest(db, bodies, now=now, follow=True)


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
    request_id = f"{site_id_for(url)}/request/{alaveteli.request_slug(url)}"
    database.record_fetch(db, path.resolve().as_uri(), content=content, request_id=request_id)
    bodies = Bodies(url, page=_newest_body(db, request_id, "page"), json=content)
    return ingest(db, bodies, request_id=request_id, now=now)


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


def reparse(db: sqlite_utils.Database, now: datetime | None = None, batch: int = 500) -> tuple[int, list[str]]:
    """Rebuild every thread from its newest stored page (and .json) bodies, fetching nothing.

    A thread whose stored bodies no longer parse is left as it is and reported; ``batch``
    threads are saved to a transaction (each still whole or not at all).
    """
    problems: list[str] = []
    rebuilt = 0
    now = now or datetime.now(timezone.utc)
    rows = iter(list(db.query("select id, url from requests")))
    while chunk := list(islice(rows, batch)):
        with db.atomic():
            for row in chunk:
                bodies = Bodies(row["url"], page=_newest_body(db, row["id"], "page"), json=_newest_body(db, row["id"], "json"))
                if bodies.page is None:
                    continue
                try:
                    ingest(db, bodies, request_id=row["id"], now=now, strict_json=True)
                except alaveteli.PageError as error:
                    problems.append(f"{row['url']}: {error}")
                    continue
                rebuilt += 1
    return rebuilt, problems
