"""Following: requests, and every request of a /user/, /body/ or /list search page.

Alaveteli listings show 25 results a page and never more than 500. When a listing reaches that
cap, its requests are found again through ``/list`` searches (``requested_from:``,
``requested_by:`` or the search's own query) over event-date windows that are halved until each
holds fewer than 500 results, so a listing of any size is followed completely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import sqlite_utils

from scrapers import alaveteli
from scrapers.http import FetchError, PoliteClient
from tracker.store import db as database
from tracker.model import base_url_for, site_id_for
from tracker.model.times import iso, london_today, utc_now

LISTING_CAP = 500
PER_PAGE = 25
EARLIEST = date(2007, 1, 1)  # before the first Alaveteli site opened


class FollowError(ValueError):
    """A URL that cannot be followed; str() is one line naming it."""


def ensure_site(db: sqlite_utils.Database, url: str) -> str:
    """Record the site of ``url`` (if new, as a FOIA site); return its id."""
    site_id = site_id_for(url)
    with database.writing(db):
        db["sites"].insert({"id": site_id, "base_url": base_url_for(url), "regime": "foia"}, ignore=True)
    return site_id


def follow(
    db: sqlite_utils.Database,
    urls: Iterable[str],
    now: datetime | None = None,
    *,
    via: str | None = None,
) -> list[str]:
    """Track request URLs: add each to ``requests`` (due at once). Returns the request ids.

    ``via`` is the followed listing they were found on (its feed then covers them).
    """
    added_at = iso(now or utc_now())
    ids = []
    with database.writing(db):
        for url in urls:
            if urlsplit(url.strip()).scheme not in ("http", "https"):
                raise FollowError(f"{url}: not an http(s) URL")
            try:
                canonical = alaveteli.canonical_request_url(url)
            except ValueError as error:
                raise FollowError(f"{url}: not a request URL ({error})") from None
            site_id = ensure_site(db, canonical)
            slug = alaveteli.request_slug(canonical)
            request_id = f"{site_id}/request/{slug}"
            db["requests"].insert(
                {"id": request_id, "site_id": site_id, "url": canonical, "slug": slug, "first_seen_at": added_at},
                ignore=True,
            )
            if via:
                db["follow_requests"].insert({"follow_url": via, "request_id": request_id}, ignore=True)
            else:
                db["follows"].insert(
                    {"url": canonical, "kind": "request", "site_id": site_id, "added_at": added_at}, ignore=True
                )
            ids.append(request_id)
    return ids


def is_listing_url(url: str) -> bool:
    """A /user/ or /body/ page or a /list search, whose requests are followed together."""
    return alaveteli.listing_kind(url) is not None


@dataclass
class FollowResult:
    """What following a list of URLs did: the requests now followed, one line per URL that failed."""

    request_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def follow_urls(db: sqlite_utils.Database, client: PoliteClient, urls: Iterable[str],
                now: datetime | None = None) -> FollowResult:
    """Follow request URLs, and every request of the listings among them (read with ``client``).

    A URL that cannot be followed is reported in ``errors``, one line each; the others are
    followed still.
    """
    result = FollowResult()
    for url in urls:
        try:
            if is_listing_url(url):
                result.request_ids += follow_listings(db, client, [url], now)
            else:
                result.request_ids += follow(db, [url], now)
        except FollowError as error:
            result.errors.append(str(error))
    return result


@dataclass
class ListingRead:
    """What reading a listing found, and what it cost."""

    request_urls: list[str] = field(default_factory=list)
    pages: int = 0
    windows: int = 0


def follow_listings(
    db: sqlite_utils.Database,
    client: PoliteClient,
    urls: Iterable[str],
    now: datetime | None = None,
) -> list[str]:
    """Follow every request listed on /user/, /body/ or /list pages, however many there are."""
    now = now or utc_now()
    ids: list[str] = []
    for url in urls:
        kind = alaveteli.listing_kind(url)
        if kind is None:
            raise FollowError(f"{url}: not a /user/, /body/ or /list page")
        with database.writing(db):
            site_id = ensure_site(db, url)
            db["follows"].upsert(
                {"url": url, "kind": kind, "site_id": site_id, "added_at": iso(now)}, pk="url"
            )
        client.allow_host(site_id)
        found = read_listing(db, client, url, today=london_today(now))
        ids.extend(follow(db, dict.fromkeys(found.request_urls), now, via=url))
        with database.writing(db):
            db["follows"].update(url, {"last_polled_at": iso(now)})
    return ids


def read_listing(db: sqlite_utils.Database, client: PoliteClient, url: str, *, today: date) -> ListingRead:
    """Every request URL of a listing: its pages, or date windows when it hits the cap."""
    read = ListingRead()
    first = _read_pages(db, client, url, read)
    if not _capped(first, read):
        return read
    query = search_query_for(url)
    if query is None:
        raise FollowError(f"{url}: more than {LISTING_CAP} results and no search to split it by date")
    _read_windows(db, client, base_url_for(url), query, EARLIEST, today, read)
    return read


def _capped(first: alaveteli.Listing | None, read: ListingRead) -> bool:
    if first is not None and first.total is not None:
        return first.total > LISTING_CAP
    return len(read.request_urls) >= LISTING_CAP


def search_query_for(listing_url: str) -> str | None:
    """The /list search that finds a listing's requests: requested_from:, requested_by: or its query."""
    parts = urlsplit(listing_url)
    kind = alaveteli.listing_kind(listing_url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if kind == "body":
        return f"requested_from:{name}"
    if kind == "user":
        return f"requested_by:{name}"
    if kind == "search":
        return parse_qs(parts.query).get("query", [""])[0]
    return None


def window_url(base_url: str, query: str, start: date, end: date) -> str:
    params = {
        "query": query,
        "request_date_after": start.strftime("%d/%m/%Y"),
        "request_date_before": end.strftime("%d/%m/%Y"),
    }
    return f"{base_url}/list?{urlencode(params, quote_via=quote)}"


def _read_windows(
    db: sqlite_utils.Database, client: PoliteClient, base_url: str, query: str, start: date, end: date, read: ListingRead
) -> None:
    """Read [start, end]; halve it while it holds more results than a listing can show."""
    pending = [(start, end)]
    while pending:
        low, high = pending.pop()
        read.windows += 1
        window = ListingRead()
        first = _read_pages(db, client, window_url(base_url, query, low, high), window)
        read.pages += window.pages
        if _capped(first, window) and high > low:
            middle = low + (high - low) // 2
            pending.extend([(middle + timedelta(days=1), high), (low, middle)])
            continue
        read.request_urls.extend(window.request_urls)
    read.request_urls[:] = list(dict.fromkeys(read.request_urls))


def _read_pages(db: sqlite_utils.Database, client: PoliteClient, url: str, read: ListingRead) -> alaveteli.Listing | None:
    """Read a listing page by page (at most the cap); return its first page."""
    first = None
    page_url: str | None = url
    for _ in range(LISTING_CAP // PER_PAGE):
        if page_url is None:
            break
        listing = _fetch_listing(db, client, page_url)
        read.pages += 1
        read.request_urls.extend(listing.request_urls)
        if first is None:
            first = listing
            if listing.total is not None and listing.total > LISTING_CAP:
                break  # it will be split by date: no need to read the pages we cannot finish
        page_url = listing.next_url
    return first


def _fetch_listing(db: sqlite_utils.Database, client: PoliteClient, url: str) -> alaveteli.Listing:
    try:
        result = client.get(url)
    except FetchError as error:
        database.record_fetch(db, url, status_code=error.status_code, error=error.reason)
        raise FollowError(str(error)) from None
    fetch_id = database.record_fetch(
        db, url, status_code=result.status_code, content=result.content,
        etag=result.etag, last_modified=result.last_modified,
    )
    try:
        return alaveteli.parse_listing(result.content, url)
    except alaveteli.PageError as error:
        database.set_fetch_error(db, fetch_id, str(error))
        raise FollowError(f"{url}: {error}") from None


def followed_hosts(db: sqlite_utils.Database) -> set[str]:
    """The hosts of every site we follow (a request or listing on it, by ``follow``): the only
    hosts the scraper may fetch from. A site known only from an import is not one of them."""
    return {row["site_id"] for row in db.query("select distinct site_id from follows where site_id is not null")}


def is_followed_site(db: sqlite_utils.Database, site_id: str) -> bool:
    """Whether ``site_id`` is one of the ``followed_hosts``, the only sites polled."""
    return bool(db["follows"].count_where("site_id = ?", [site_id]))
