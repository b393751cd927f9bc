"""The ingest chain, written once: every way a thread comes in goes through ``ingest``.

parse the page (scrapers) -> merge its ``.json`` -> rekey to the id we follow it by -> complete
the authority from the store -> enrich (classify and extract every message, infer our status,
compute the deadlines, which add the overdue variants of a waiting status) -> save
(tracker.store.db), in one transaction.

Polling, the offline imports (a page or a ``.json`` saved from a browser), ``reparse`` and the
e-mail import all call ``ingest``; they differ only in where the bytes come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from scrapers import alaveteli
from tracker import deadlines
from tracker.ingest.follow import is_followed_site
from tracker.model import Thread, iso
from tracker.reading.classify import classify_thread
from tracker.model.times import london_today, utc_now
from tracker.reading.status import explain_status
from tracker.store import db as database
from tracker.store.schema import PRIVATE_SCHEMA


@dataclass
class Bodies:
    """The raw bodies a thread is read from: its page and its ``.json``, either may be missing.

    ``page_fetch_id`` / ``json_fetch_id`` are the ``fetches`` rows that brought them, if any: a
    body that does not parse is marked there, and the rows are given the thread's request id.
    """

    url: str
    page: bytes | None = None
    json: bytes | None = None
    page_fetch_id: int | None = None
    json_fetch_id: int | None = None


def ingest(
    db: sqlite_utils.Database,
    source: Bodies | Thread,
    *,
    request_id: str | None = None,
    now: datetime | None = None,
    strict_json: bool = False,
    record_sources: bool = False,
    follow: bool = False,
    from_site: bool = False,
) -> database.SaveResult:
    """Read a thread from ``source`` and save it, enriched, as of ``now`` (default: the present).

    ``source`` is the raw bodies (the page, joined with its ``.json``; or the ``.json`` alone
    when no page is known), or a thread already built (e-mail import). ``request_id``: the id
    we follow the thread by, when the page may name another (a renamed request keeps its first
    id). A page that does not parse raises ``alaveteli.PageError`` and nothing is saved; a
    ``.json`` that does not parse is marked on its fetch and left out (the thread is saved from
    its page alone), or raises too with ``strict_json``. ``record_sources`` saves the hashes of
    the bodies with the thread, which is what polling compares the next fetch with; ``follow``
    also follows the request (a page imported by hand) when its site is followed already: an
    import never adds a host to what is polled. ``from_site``: the bodies were fetched from the
    site itself (polling), which may move a message between its own threads; from anywhere else
    a message or annotation stored under another request is refused, ``IdentityConflict``, and
    nothing is saved (the fetches of the bodies say why).
    """
    now = now or utc_now()
    if isinstance(source, Thread):
        thread, sources, fetch_ids = source, None, []
    else:
        thread, json_used = read_bodies(db, source, strict_json)
        sources = {"page_sha256": database.sha256_of(source.page), "json_sha256": database.sha256_of(json_used)} if record_sources else None
        fetch_ids = [fetch_id for fetch_id in (source.page_fetch_id, source.json_fetch_id) if fetch_id is not None]
    if request_id is not None:
        rekey(thread, request_id)
    enrich(database.complete_authority(db, thread), london_today(now))
    observed_at = iso(now)
    # The private file first, each in a transaction of its own (tracker.store.db): the fetches
    # named after the thread and its messages' e-mail headers, then the thread.
    attribute_fetches(db, fetch_ids, thread.id)
    database.save_headers(db, [thread])
    try:
        with database.writing(db):
            result = database.save_thread(db, thread, observed_at, sources, allow_moves=from_site)
            if follow and is_followed_site(db, thread.site.id):
                db["follows"].insert(
                    {"url": thread.url, "kind": "request", "site_id": thread.site.id, "added_at": observed_at},
                    ignore=True,
                )
    except database.IdentityConflict as error:
        for fetch_id in fetch_ids:
            _mark(db, fetch_id, error)
        raise
    return result


def read_bodies(db: sqlite_utils.Database, bodies: Bodies, strict_json: bool = False) -> tuple[Thread, bytes | None]:
    """Parse the page and merge the ``.json``: the thread, and the ``.json`` body it used.

    The first step of ``ingest``, for a caller that adds to the thread before saving it
    (``reparse`` adds the e-mail imported into it)."""
    thread = None
    if bodies.page is not None:
        try:
            thread = alaveteli.parse_request_page(bodies.page, bodies.url)
        except alaveteli.PageError as error:
            _mark(db, bodies.page_fetch_id, error)
            raise
    if bodies.json is None:
        if thread is None:
            raise alaveteli.PageError(f"{bodies.url}: neither a page nor a .json to read")
        return thread, None
    try:
        data = alaveteli.parse_request_json(bodies.json, bodies.url)
    except alaveteli.PageError as error:
        _mark(db, bodies.json_fetch_id, error)
        if strict_json or thread is None:
            raise
        return thread, None
    if thread is None:
        return alaveteli.thread_from_json(data, bodies.url), bodies.json
    return alaveteli.merge_json(thread, data), bodies.json


def _mark(db: sqlite_utils.Database, fetch_id: int | None, error: Exception) -> None:
    if fetch_id is not None:
        database.set_fetch_error(db, fetch_id, str(error))


def attribute_fetches(db: sqlite_utils.Database, fetch_ids: list[int], request_id: str) -> None:
    """Give the fetches of bodies read before we knew their request (a saved page, an e-mail) its id."""
    if fetch_ids:
        with database.writing(db):
            db.execute(
                f"update {PRIVATE_SCHEMA}.fetches set request_id = ? "
                f"where request_id is null and id in ({', '.join('?' * len(fetch_ids))})",
                [request_id, *fetch_ids],
            )


def rekey(thread: Thread, request_id: str) -> None:
    """Save a thread under the id we follow it by (a renamed request keeps its first id)."""
    if thread.id != request_id:
        thread.warnings.append(f"page is for {thread.id}, saved under {request_id}")
    thread.id = request_id
    for annotation in thread.annotations:
        annotation.request_id = request_id


def enrich(thread: Thread, today: date | None = None) -> Thread:
    """Annotate a parsed thread in place: message kinds, citations, our status, deadlines.

    Messages stay in the site's order (its event order), which is the order they are read in.
    """
    classify_thread(thread)
    thread.status, thread.status_why = explain_status(thread)
    return deadlines.apply(thread, today or london_today(), site_regime=thread.site.regime or deadlines.DEFAULT_REGIME)
