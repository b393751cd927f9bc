"""Polling: fetch what is due, cheaply, and save what changed.

Change detection comes first, cheapest first:

1. the JSON feed of each followed listing (a body, a user, a search) names the requests that
   had an event since the last check: those are due at once, new requests on the listing are
   followed, and the others stay asleep (a feed that overflowed wakes its whole listing);
2. for each due thread, its ``.json`` (the documented API) with conditional GET: unchanged, and
   the thread costs no page fetch;
3. only then the page (``?unfold=1``), with conditional GET too.

Then the page is parsed, joined with the ``.json``, enriched and saved in one transaction. A
failure is recorded in ``fetches`` and reported as one line; what is stored stays.

Polls can run side by side (by hand, from cron, under ``schedule``): each claims the due threads
it will poll (``tracker.ingest.leases``), so a poll started while another runs polls only the
threads nobody holds, and reports how many it skipped.

Every host is read from a thread of its own (``_run_by_host``): a host that is slow, throttles
or times out holds only its own threads, never another host's. The requests are all that runs
there; the database is read and written on the calling thread alone. What a host may cost is
the client's business (``scrapers.http``: a deadline per request, a time budget per host, the
longest ``Retry-After`` waited for). When the client is done with a host for the run (its
budget spent, still throttling after every retry, or too slow to answer one request in time),
the thread whose fetch ended it fails, and the host's other threads are left as they are, due,
for the next run; a host that asked to be left alone for longer than we wait has its threads
rescheduled for the time it gave.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import zip_longest
from typing import TypeVar

import sqlite_utils

from scrapers import alaveteli
from scrapers.http import FetchError, FetchResult, HostTimeOver, PoliteClient, RetryLater
from tracker.model.taxonomy import OPEN_STATES, UNSETTLED_STATES
from tracker.store import db as database
from tracker.store.schema import PRIVATE_SCHEMA
from tracker.store.db import writing
from tracker.ingest import leases
from tracker.ingest.follow import follow
from tracker.ingest.pipeline import Bodies, ingest
from tracker.model.times import instant, iso, london_today, utc_now


def next_poll_after(
    status: str | None,
    *,
    due_date: str | None = None,
    today: date | None = None,
    covered: bool = False,
    failed: bool = False,
) -> timedelta:
    """The poll plan: how long a thread may sleep, from what we know of it.

    Open threads daily, and every six hours within two days of their due date; unsettled ones
    every three days; finished ones monthly. A thread a followed feed covers sleeps at least a
    week: the feed wakes it when something happens.
    """
    if failed:
        return timedelta(hours=6)
    if status is None:
        return timedelta(hours=1)
    if status in OPEN_STATES:
        interval = timedelta(days=1)
        if due_date and today and abs((date.fromisoformat(due_date) - today).days) <= 2:
            interval = timedelta(hours=6)
    elif status in UNSETTLED_STATES:
        interval = timedelta(days=3)
    else:
        interval = timedelta(days=30)
    return max(interval, timedelta(days=7)) if covered else interval


# ---------------------------------------------------------------------------------------------
# Outcomes


@dataclass
class PollOutcome:
    """What one thread's poll did. ``left``: why it was not polled and stays due for the next
    run (the client was done with its host, ``HostTimeOver.why``); ``retry_at``: the site asked
    us to come back then."""

    request_id: str
    ok: bool
    changed: bool = False
    not_modified: bool = False
    new_messages: int = 0
    error: str | None = None
    left: str | None = None
    retry_at: datetime | None = None


@dataclass
class FeedCheck:
    """What the feeds of the followed listings said."""

    feeds: int = 0
    woken: int = 0
    followed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class PollReport:
    outcomes: list[PollOutcome] = field(default_factory=list)
    feeds: FeedCheck = field(default_factory=FeedCheck)
    skipped: int = 0  # due threads left alone: another poll was polling them

    @property
    def attempted(self) -> int:
        return sum(outcome.left is None for outcome in self.outcomes)

    @property
    def left(self) -> int:
        return sum(outcome.left is not None for outcome in self.outcomes)

    def left_by_site(self) -> dict[str, tuple[int, str]]:
        """Threads left for the next run, by site: how many, and why (the first reason given)."""
        counts: Counter[str] = Counter()
        why: dict[str, str] = {}
        for outcome in self.outcomes:
            if outcome.left is not None:
                site = outcome.request_id.split("/request/")[0]
                counts[site] += 1
                why.setdefault(site, outcome.left)
        return {site: (count, why[site]) for site, count in counts.items()}

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
    def unchanged(self) -> int:
        return sum(outcome.not_modified for outcome in self.outcomes)

    @property
    def new_messages(self) -> int:
        return sum(outcome.new_messages for outcome in self.outcomes)


# ---------------------------------------------------------------------------------------------
# Feeds


def check_feeds(db: sqlite_utils.Database, client: PoliteClient, now: datetime) -> FeedCheck:
    """Read the feed of every followed listing and wake the requests that changed."""
    check = FeedCheck()
    listings = list(db.query("select * from follows where kind in ('body', 'user', 'search') order by url"))
    by_site: dict[str, list[tuple[dict, str]]] = defaultdict(list)
    for listing in listings:
        url = alaveteli.feed_url(listing["url"])
        if url is not None:
            check.feeds += 1
            by_site[listing["site_id"]].append((listing, url))
    tasks = {site: (_check_feed(db, listing, url, now, check) for listing, url in feeds) for site, feeds in by_site.items()}
    for _ in _run_by_host(client, tasks):
        pass
    return check


def _check_feed(db: sqlite_utils.Database, listing: dict, url: str, now: datetime, check: FeedCheck) -> Steps[None]:
    fetched = yield from _fetch(db, url, None, api=True)
    if fetched.error:
        check.errors.append(str(fetched.error))
        return
    if not fetched.changed:
        _mark_feed(db, listing["url"], now, listing["last_event_at"])
        return
    try:
        events = alaveteli.parse_feed(fetched.body or b"", url)
    except alaveteli.PageError as error:
        database.set_fetch_error(db, fetched.fetch_id, str(error))
        check.errors.append(f"{url}: {error}")
        return
    _wake(db, listing, events, now, check)


def _wake(db: sqlite_utils.Database, listing: dict, events: list[alaveteli.FeedEvent], now: datetime, check: FeedCheck) -> None:
    mark = listing["last_event_at"]
    instants = [event.created_at for event in events if event.created_at]
    newest = max(instants, key=instant) if instants else mark
    if mark is None:  # the first check sets the mark; the listing was just read in full
        _mark_feed(db, listing["url"], now, newest)
        return
    fresh = [event for event in events if event.created_at and instant(event.created_at) > instant(mark)]
    base = next(iter(db.query("select base_url from sites where id = ?", [listing["site_id"]])))["base_url"]
    with writing(db):
        if fresh and len(fresh) == len(events):
            # Everything in the feed is new: more may have happened than it shows.
            cursor = db.execute(
                "update requests set next_poll_at = null where id in "
                "(select request_id from follow_requests where follow_url = ?)",
                [listing["url"]],
            )
            check.woken += cursor.rowcount
        for slug in {event.request_slug for event in fresh if event.request_slug}:
            request_id = f"{listing['site_id']}/request/{slug}"
            if db["requests"].count_where("id = ?", [request_id]):
                db["requests"].update(request_id, {"next_poll_at": None})
                check.woken += 1
            else:
                follow(db, [f"{base}/request/{slug}"], now, via=listing["url"])
                check.followed += 1
        _mark_feed(db, listing["url"], now, newest)


def _mark_feed(db: sqlite_utils.Database, url: str, now: datetime, newest: str | None) -> None:
    with writing(db):
        db["follows"].update(url, {"last_polled_at": iso(now), "last_event_at": newest})


# ---------------------------------------------------------------------------------------------
# Threads


def due_requests(
    db: sqlite_utils.Database, now: datetime, *, poll_all: bool = False, limit: int | None = None
) -> list[dict]:
    """Requests of the followed sites whose next poll is due (all with ``poll_all``), soonest first.

    With a ``limit`` (the run's budget), sites take turns, so one busy site cannot starve the
    others.
    """
    # Only the followed sites: a request known from an import alone, or e-mail, is not polled.
    sql = "select id, site_id, url, status, due_date from requests where site_id in (select site_id from follows)"
    params: list = []
    if not poll_all:
        sql += " and (next_poll_at is null or next_poll_at <= ?)"
        params.append(iso(now))
    sql += " order by coalesce(next_poll_at, ''), id"
    return take_turns(list(db.query(sql, params)), limit)


def take_turns(rows: list[dict], limit: int | None) -> list[dict]:
    """The first ``limit`` rows, sites taking turns (all of them without a limit)."""
    if limit is None:
        return rows
    by_site: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_site[row["site_id"]].append(row)
    shared = [row for turn in zip_longest(*by_site.values()) for row in turn if row is not None]
    return shared[:limit]


def poll(
    db: sqlite_utils.Database,
    client: PoliteClient,
    *,
    now: datetime | None = None,
    poll_all: bool = False,
    limit: int | None = None,
    use_feeds: bool = True,
    on_feeds: Callable[[FeedCheck], None] | None = None,
    on_due: Callable[[list[dict]], None] | None = None,
    on_outcome: Callable[[PollOutcome], None] | None = None,
) -> PollReport:
    """Check the feeds, then poll every due thread once; report what happened to each.

    ``poll_all`` polls every followed thread, without the feeds; ``limit`` is the run's budget
    (sites take turns). The callbacks see the feeds' verdict, the due threads and each outcome
    as they come, for progress reports.
    """
    now = now or utc_now()
    report = PollReport()
    if use_feeds and not poll_all:
        report.feeds = check_feeds(db, client, now)
        if on_feeds:
            on_feeds(report.feeds)
    due, claim = claim_due(db, now, poll_all=poll_all, limit=limit)
    report.skipped = claim.skipped
    if on_due:
        on_due(due)
    by_site: dict[str, list[dict]] = defaultdict(list)
    for row in due:
        by_site[row["site_id"]].append(row)
    tasks = {site: (_poll_thread(db, row, now) for row in rows) for site, rows in by_site.items()}
    try:
        for outcome in _run_by_host(client, tasks):
            claim.done(db, outcome.request_id)
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    finally:
        with suppress(Exception):  # what is left (threads a host had no time for) is given back; leases lapse anyway
            claim.release(db)
    return report



def claim_due(db: sqlite_utils.Database, now: datetime, *, poll_all: bool = False,
              limit: int | None = None) -> tuple[list[dict], leases.Claim]:
    """The due threads no other poll holds (``due_requests``), claimed in one IMMEDIATE
    transaction; the claim also counts the due threads skipped because another poll holds them."""
    with writing(db):
        held = leases.held_elsewhere(db)
        due = due_requests(db, now, poll_all=poll_all)
        free = [row for row in due if row["id"] not in held]
        chosen = take_turns(free, limit)
        claim = leases.claim(db, leases.Holder.this_poll(), [row["id"] for row in chosen], skipped=len(due) - len(free))
    return chosen, claim


# ---------------------------------------------------------------------------------------------
# Requests, one thread per host
#
# The work of a poll is written as generators ("steps") that yield each request they need
# (a _Get) and are sent its answer: a FetchResult, or the FetchError it ended in. The database
# is only touched by the steps, on the calling thread; the requests are made on their host's
# thread, one at a time, so a host holds at most one answer in memory.

T = TypeVar("T")
Steps = Generator["_Get", "FetchResult | FetchError", T]


@dataclass(frozen=True)
class _Get:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    api: bool = False


def _answer(client: PoliteClient, request: _Get) -> FetchResult | FetchError:
    try:
        return client.get(request.url, etag=request.etag, last_modified=request.last_modified, api=request.api)
    except FetchError as error:
        return error


def _run(steps: Steps[T], client: PoliteClient) -> T:
    """Carry out one piece of work on this thread."""
    try:
        request = next(steps)
        while True:
            request = steps.send(_answer(client, request))
    except StopIteration as done:
        return done.value


class _Lane:
    """A daemon thread making one host's requests, one at a time, answering into ``answers``."""

    def __init__(self, host: str, client: PoliteClient, answers: queue.Queue) -> None:
        self.host = host
        self._client = client
        self._answers = answers
        self._requests: queue.Queue[_Get | None] = queue.Queue()
        threading.Thread(target=self._serve, name=f"poll-{host}", daemon=True).start()

    def submit(self, request: _Get) -> None:
        self._requests.put(request)

    def close(self) -> None:
        self._requests.put(None)

    def _serve(self) -> None:
        while (request := self._requests.get()) is not None:
            try:
                answer: object = _answer(self._client, request)
            except Exception as error:  # a bug, not a failed fetch: raised again on the caller's thread
                answer = error
            self._answers.put((self.host, answer))


def _run_by_host(client: PoliteClient, tasks: dict[str, Iterator[Steps[T]]]) -> Iterator[T]:
    """Carry out each host's work in its order, every host's requests on a thread of its own;
    yield each piece's result, on the calling thread, as it is done."""
    answers: queue.Queue = queue.Queue()
    lanes = {host: _Lane(host, client, answers) for host in tasks}
    waiting: dict[str, Steps[T]] = {}  # host -> the work whose request is on its lane

    def start(host: str, steps: Steps[T], answer: object = None) -> Iterator[T]:
        """Advance the host's work until a request is on its lane or the host has no work left."""
        while True:
            try:
                request = steps.send(answer)
            except StopIteration as done:
                yield done.value
                steps = next(tasks[host], None)
                if steps is None:
                    return
                answer = None
            else:
                waiting[host] = steps
                lanes[host].submit(request)
                return

    try:
        for host in tasks:
            first = next(tasks[host], None)
            if first is not None:
                yield from start(host, first)
        while waiting:
            host, answer = answers.get()
            if isinstance(answer, Exception) and not isinstance(answer, FetchError):
                raise answer
            yield from start(host, waiting.pop(host), answer)
    finally:
        for lane in lanes.values():
            lane.close()


@dataclass
class _Fetched:
    """One URL's fetch within a poll: the body to parse (new or cached) and what happened."""

    url: str
    fetch_id: int | None = None
    body: bytes | None = None
    changed: bool = False
    error: FetchError | None = None


def _fetch(db: sqlite_utils.Database, url: str, request_id: str | None, *, api: bool) -> Steps[_Fetched]:
    """Fetch ``url`` (conditionally when a body is kept for it) and record the fetch. A fetch
    the client refused because it is done with the host for the run is left out of the record
    (the thread stays due; its next fetch is the one recorded)."""
    cached = database.last_good_fetch(db, url)
    cached_body = database.fetch_body(db, cached.sha256) if cached and cached.sha256 else None
    conditional = cached if cached_body is not None else None
    answer = yield _Get(
        url,
        etag=conditional.etag if conditional else None,
        last_modified=conditional.last_modified if conditional else None,
        api=api,
    )
    if isinstance(answer, HostTimeOver):
        return _Fetched(url, error=answer)
    if isinstance(answer, FetchError):
        fetch_id = database.record_fetch(
            db, url, request_id=request_id, status_code=answer.status_code, error=answer.reason
        )
        return _Fetched(url, fetch_id, error=answer)
    result = answer
    fetch_id = database.record_fetch(
        db,
        url,
        request_id=request_id,
        status_code=result.status_code,
        content=None if result.not_modified else result.content,
        etag=result.etag or (conditional.etag if result.not_modified and conditional else None),
        last_modified=result.last_modified,
        # A 304 row carries no body of its own: it points at the body it confirmed.
        confirmed_sha256=conditional.sha256 if result.not_modified and conditional else None,
    )
    if result.not_modified:
        return _Fetched(url, fetch_id, body=cached_body, changed=False)
    return _Fetched(url, fetch_id, body=result.content, changed=True)


def poll_request(db: sqlite_utils.Database, client: PoliteClient, row: dict, now: datetime) -> PollOutcome:
    """Check one thread's .json, fetch its page if anything may have changed, save it.

    "Changed" is judged against the bodies the stored thread was built from (their hashes are
    saved with it), never against the last fetch, so a run killed between fetching and saving
    cannot make the next run skip the change.
    """
    return _run(_poll_thread(db, row, now), client)


def _poll_thread(db: sqlite_utils.Database, row: dict, now: datetime) -> Steps[PollOutcome]:
    request_id, url = row["id"], row["url"]
    saved = next(iter(db.query("select page_sha256, json_sha256 from requests where id = ?", [request_id])))
    data = yield from _fetch(db, alaveteli.json_url(url), request_id, api=True)
    if isinstance(data.error, (HostTimeOver, RetryLater)):
        return _unpolled(db, row, now, data.error)
    if data.error is not None and data.error.host_done:  # this thread failed, and ended the run for its host
        return _finish(db, row, now, PollOutcome(request_id, ok=False, error=str(data.error)))
    json_sha = database.sha256_of(data.body)
    if (saved["page_sha256"] and data.error is None and json_sha == saved["json_sha256"]
            and not _page_unseen_for(db, url, now, PAGE_SAFETY_NET)):
        return _finish(db, row, now, PollOutcome(request_id, ok=True, not_modified=True))
    page = yield from _fetch(db, alaveteli.page_url(url), request_id, api=False)
    if isinstance(page.error, (HostTimeOver, RetryLater)):
        return _unpolled(db, row, now, page.error)
    if page.error:
        return _finish(db, row, now, PollOutcome(request_id, ok=False, error=str(page.error)))
    page_sha = database.sha256_of(page.body)
    if saved["page_sha256"] and page_sha == saved["page_sha256"] and json_sha == saved["json_sha256"]:
        return _finish(db, row, now, PollOutcome(request_id, ok=True, not_modified=True))
    bodies = Bodies(url, page=page.body or b"", json=data.body, page_fetch_id=page.fetch_id, json_fetch_id=data.fetch_id)
    try:
        result = ingest(db, bodies, request_id=request_id, now=now, record_sources=True, from_site=True)
    except alaveteli.PageError as error:
        return _finish(db, row, now, PollOutcome(request_id, ok=False, error=f"{page.url}: {error}"))
    outcome = PollOutcome(request_id, ok=True, changed=result.changed, new_messages=len(result.new_messages))
    return _finish(db, row, now, outcome)


PAGE_SAFETY_NET = timedelta(days=30)


def _page_unseen_for(db: sqlite_utils.Database, url: str, now: datetime, age: timedelta) -> bool:
    """Whether the page has not been fetched for ``age``: then it is read even if the .json
    looks unchanged, in case the site changed the page without logging an event."""
    rows = list(db.query(
        f"select max(fetched_at) as last from {PRIVATE_SCHEMA}.fetches where url = ? and status_code in (200, 304)",
        [alaveteli.page_url(url)],
    ))
    last = rows[0]["last"] if rows else None
    return last is None or instant(last) < now - age


def _unpolled(db: sqlite_utils.Database, row: dict, now: datetime, error: FetchError) -> PollOutcome:
    """A thread its host would not let us poll: left as it is (still due) when the client is
    done with the host, rescheduled for the time the site gave when it asked to be left alone."""
    if isinstance(error, HostTimeOver):
        return PollOutcome(row["id"], ok=False, error=str(error), left=error.why)
    return _finish(db, row, now, PollOutcome(row["id"], ok=False, error=str(error), retry_at=error.retry_at))


def _finish(db: sqlite_utils.Database, row: dict, now: datetime, outcome: PollOutcome) -> PollOutcome:
    stored = next(iter(db.query("select status, due_date from requests where id = ?", [row["id"]])))
    covered = bool(db["follow_requests"].count_where("request_id = ?", [row["id"]]))
    wait = next_poll_after(
        stored["status"], due_date=stored["due_date"], today=london_today(now), covered=covered, failed=not outcome.ok
    )
    next_poll_at = outcome.retry_at if outcome.retry_at is not None else now + wait
    with writing(db):
        db["requests"].update(
            row["id"],
            {"last_polled_at": iso(now), "next_poll_at": iso(next_poll_at), "last_error": outcome.error},
        )
    return outcome
