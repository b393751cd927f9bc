"""The ingest chain, written once: every way a thread comes in goes through ``ingest``.

parse the page (scrapers) -> merge its ``.json`` -> rekey to the id we follow it by -> complete
the authority from the store -> enrich (classify and extract every message, infer our status,
compute the deadlines, which add the overdue variants of a waiting status) -> save
(tracker.store.db), in one transaction.

Polling, the offline imports (a page or a ``.json`` saved from a browser), ``reparse`` and the
e-mail import all call ``ingest``; they differ only in where the bytes come from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from scrapers import alaveteli
from tracker import deadlines
from tracker.model import Thread, iso
from tracker.reading.classify import classify_thread
from tracker.model.times import london_today, utc_now
from tracker.reading.status import infer_status
from tracker.store import db as database


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
) -> database.SaveResult:
    """Read a thread from ``source`` and save it, enriched, as of ``now`` (default: the present).

    ``source`` is the raw bodies (the page, joined with its ``.json``; or the ``.json`` alone
    when no page is known), or a thread already built (e-mail import). ``request_id``: the id
    we follow the thread by, when the page may name another (a renamed request keeps its first
    id). A page that does not parse raises ``alaveteli.PageError`` and nothing is saved; a
    ``.json`` that does not parse is marked on its fetch and left out (the thread is saved from
    its page alone), or raises too with ``strict_json``. ``record_sources`` saves the hashes of
    the bodies with the thread, which is what polling compares the next fetch with; ``follow``
    also follows the request (a page imported by hand).
    """
    now = now or utc_now()
    if isinstance(source, Thread):
        thread, sources, fetch_ids = source, None, []
    else:
        thread, json_used = _read(db, source, strict_json)
        sources = {"page_sha256": sha256_of(source.page), "json_sha256": sha256_of(json_used)} if record_sources else None
        fetch_ids = [fetch_id for fetch_id in (source.page_fetch_id, source.json_fetch_id) if fetch_id is not None]
    if request_id is not None:
        rekey(thread, request_id)
    enrich(database.complete_authority(db, thread), london_today(now))
    observed_at = iso(now)
    with database.writing(db):
        _attribute_fetches(db, fetch_ids, thread.id)
        result = database.save_thread(db, thread, observed_at, sources)
        if follow:
            db["follows"].insert(
                {"url": thread.url, "kind": "request", "site_id": thread.site.id, "added_at": observed_at},
                ignore=True,
            )
    return result


def _read(db: sqlite_utils.Database, bodies: Bodies, strict_json: bool) -> tuple[Thread, bytes | None]:
    """Parse the page and merge the ``.json``: the thread, and the ``.json`` body it used."""
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


def _attribute_fetches(db: sqlite_utils.Database, fetch_ids: list[int], request_id: str) -> None:
    """Give the fetches of bodies read before we knew their request (a saved page) its id."""
    if fetch_ids:
        db.execute(
            f"update fetches set request_id = ? where request_id is null and id in ({', '.join('?' * len(fetch_ids))})",
            [request_id, *fetch_ids],
        )


def sha256_of(body: bytes | None) -> str | None:
    """The hex SHA-256 of a body, as ``fetches`` and ``requests`` store it (None for no body)."""
    return hashlib.sha256(body).hexdigest() if body is not None else None


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
    thread.status = infer_status(thread)
    return deadlines.apply(thread, today or london_today(), site_regime=thread.site.regime or deadlines.DEFAULT_REGIME)
