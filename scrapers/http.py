"""The polite HTTP client every scraper goes through.

One place decides how foi-tracker behaves towards the sites it reads (docs/http.md, "Being a
good citizen of the sites we read"):

- it says who it is: a User-Agent with the product token ``foi-tracker``, its version and a
  contact;
- it sends at most one request per ``min_interval`` seconds to each host, and slows down for the
  rest of its life on a host that answered 429 or 503;
- it retries transient failures with exponential backoff and honours ``Retry-After`` up to
  ``max_retry_after``; a host asking for longer, still answering 429/503 after every retry, or
  too slow to answer one request within its deadline, is left alone for the rest of the
  client's life;
- it keeps time: each request (connecting, sending and every byte of the answer) has a
  ``request_deadline``, and each host a ``host_budget`` of time for the client's life (a run),
  after which the client refuses to contact it again;
- it obeys robots.txt (RFC 9309, with ``*`` and ``$`` wildcards) for ordinary pages, while the
  endpoints a site documents as its API (``api=True``) are used as documented;
- it makes conditional GETs, caps the size of a body, stays on the hosts it was given, and
  reports a bot challenge as such instead of trying to get round it.

``connect_to`` maps a host to the address to connect to instead, like curl's ``--connect-to``:
the URL, the Host header, the TLS server name, robots.txt, the rate limit and every id stay the
host's own (the demo serves ``http://alaveteli.localhost`` from a random port on 127.0.0.1).

Everything that goes wrong surfaces as a :class:`FetchError` whose ``str()`` is one line naming
the URL and the reason. Everything the client remembers about a host (its interval, its time
budget, a Retry-After it was refused, whether it is done with it) is that host's alone: a slow
or throttling host never slows another, as long as each host is read from its own thread
(``tracker.ingest.poll`` does).
"""

from __future__ import annotations

import ipaddress
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType

import httpx
from protego import Protego

from scrapers.transport import ConnectTo, DeadlineTransport, deadline, past_deadline
from tracker.model.times import UTC, utc_now

DEFAULT_CONTACT = "https://github.com/foi-tracker/foi-tracker"
PRODUCT_TOKEN = "foi-tracker"
MAX_REDIRECTS = 5

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUS_CODES = frozenset({500, 502, 504})
SLOW_DOWN_CODES = frozenset({429, 503})
BLOCKING_STATUS_CODES = frozenset({202, 403, 405, 429, 503})

BLOCKED_REASON = "blocked by the site (bot challenge): import saved pages or e-mail instead"
ACCEPT = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"

# How much of a body the bot-challenge check reads: challenge pages are small, and looking no
# further keeps a long thread that happens to quote a marker from being mistaken for one.
CHALLENGE_SCAN_BYTES = 128 * 1024


def _package_version() -> str:
    try:
        return version("foi-tracker")
    except PackageNotFoundError:
        return "dev"


def user_agent(contact: str | None = None) -> str:
    """The User-Agent foi-tracker sends: product token, version and a way to reach its operator."""
    contact = DEFAULT_CONTACT if contact is None else contact.strip()
    if not contact or any(ord(ch) < 32 or ord(ch) == 127 for ch in contact):
        raise ValueError(f"contact must be a non-empty single line, got {contact!r}")
    return f"{PRODUCT_TOKEN}/{_package_version()} (+{contact}; FOI request tracker)"


_build_user_agent = user_agent  # PoliteClient's ``user_agent`` parameter shadows the function


@dataclass
class FetchResult:
    url: str
    final_url: str
    status_code: int
    content: bytes
    headers: httpx.Headers
    etag: str | None
    last_modified: str | None
    not_modified: bool
    content_type: str | None


class FetchError(Exception):
    """A fetch that did not give a usable answer; ``str()`` is ``"<url>: <reason>"``.

    ``retry_after`` (seconds) and ``retry_at`` (an aware UTC datetime) are set when the site
    asked us to come back later than we are willing to wait (:class:`RetryLater`); ``host_done``
    when this failure made the client done with the host for its life (why, in a few words).
    """

    def __init__(
        self,
        url: str,
        reason: str,
        status_code: int | None = None,
        *,
        retry_after: float | None = None,
        retry_at: datetime | None = None,
        host_done: str | None = None,
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status_code = url, reason, status_code
        # When to come back, and whether the client is done with the host.
        self.retry_after, self.retry_at, self.host_done = retry_after, retry_at, host_done


class BlockedBySite(FetchError):
    """The site answered with a bot challenge (Cloudflare, Anubis, AWS WAF, a captcha ...)."""


class DisallowedByRobots(FetchError):
    """robots.txt does not let foi-tracker fetch this URL, or robots.txt could not be read."""


class TooLarge(FetchError):
    """The body is larger than the client's ``max_bytes`` cap."""


class OffSite(FetchError):
    """The URL, or a redirect, leads to a host the client is not allowed to visit."""


class RetryLater(FetchError):
    """The host asked (``Retry-After``) for a wait longer than ``max_retry_after``: it is not
    contacted again by this client, and the caller should come back at ``retry_at``."""


class HostTimeOver(FetchError):
    """The client is done with this host for its life (a run): the host's time budget is spent,
    it went on answering 429/503 after every retry, or it gave no complete answer within a
    request's deadline. ``why`` says which, in a few words."""

    def __init__(self, url: str, reason: str, status_code: int | None = None, *, why: str) -> None:
        super().__init__(url, reason, status_code)
        self.why = why


# --- bot challenges ----------------------------------------------------------------------------

# Markers that only ever appear on challenge interstitials, whatever the status code.
_STRONG_CHALLENGE = re.compile(
    rb"<title[^>]*>\s*(?:just a moment(?:\.\.\.|&hellip;|\xe2\x80\xa6)?"
    rb"|attention required! \| cloudflare"
    rb"|making sure you(?:&#39;|'|&apos;|\xe2\x80\x99)re not a bot!?)\s*</title>"
    rb"|_cf_chl_opt|__cf_chl_|cf-chl-widget"
    rb"|/cdn-cgi/challenge-platform/(?:h/[a-z]/)?orchestrate/"
    rb"|anubis_challenge|\.within\.website/x/cmd/anubis"
    rb"|gokuprops|awswafcookiedomainlist"
    rb"|captcha-delivery\.com",
)

# Markers of a generic "checking your browser" or captcha page: only trusted on a status a
# challenge is served with, since an ordinary page may well mention them.
_WEAK_CHALLENGE = re.compile(
    rb"checking your browser|checking if the site connection is secure"
    rb"|verify(?:ing)? you are (?:a )?human|are you a robot|prove you(?:&#39;|')?re not a robot"
    rb"|class=\"g-recaptcha|class=\"h-captcha|class=\"cf-turnstile|px-captcha"
    rb"|<title[^>]*>[^<]{0,80}captcha[^<]{0,80}</title>"
    rb"|_incapsula_resource|please enable (?:javascript and )?cookies to continue",
)


def looks_like_bot_challenge(status_code: int, headers: httpx.Headers, body: bytes) -> bool:
    """True when a response is a bot challenge rather than the page asked for.

    Conservative on purpose: a 200 page is flagged only by markers that never occur outside a
    challenge (Cloudflare's ``cf-mitigated`` header, its challenge scripts and titles, Anubis,
    AWS WAF's ``gokuProps``); generic wording such as "checking your browser" or a captcha
    widget only counts on 202/403/405/429/503. Cloudflare's bot-detection script injected into
    normal pages (``/cdn-cgi/challenge-platform/scripts/jsd``) is not a challenge.
    """
    if headers.get("cf-mitigated", "").strip().lower() == "challenge":
        return True
    if headers.get("x-amzn-waf-action", "").strip().lower() in {"captcha", "challenge"}:
        return True
    head = body[:CHALLENGE_SCAN_BYTES].lower()
    if _STRONG_CHALLENGE.search(head):
        return True
    return status_code in BLOCKING_STATUS_CODES and bool(_WEAK_CHALLENGE.search(head))


# --- small helpers -----------------------------------------------------------------------------


def _status_reason(status_code: int) -> str:
    phrase = httpx.codes.get_reason_phrase(status_code)
    return f"HTTP {status_code} {phrase}".rstrip()


def _format_size(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


def _format_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _netloc(url: httpx.URL) -> str:
    """``host[:port]`` in lower case, without user info; default ports are dropped by httpx."""
    return url.netloc.decode("ascii").lower()


def _normalise_host(host: str) -> str:
    host = host.strip()
    if "://" in host:
        return _netloc(httpx.URL(host))
    return host.rstrip("/").lower()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent
    or unreadable. A date in the past means no wait."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # an HTTP-date is always GMT
    now = now or utc_now()
    return max(0.0, (when - now).total_seconds())


class _Transient(Exception):
    """A network failure worth retrying; ``reason`` is the short phrase for the final error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Hop:
    """One URL on the way to an answer: ``origin`` is what the caller asked for (and what every
    error names), ``url`` the URL actually requested, which differs after a redirect."""

    origin: str
    url: httpx.URL
    redirected: bool = False

    def explain(self, reason: str) -> str:
        """Mention the redirect target in a reason when the failing hop is not the URL asked for."""
        return f"{reason} (after redirect to {self.url})" if self.redirected else reason


@dataclass
class _Raw:
    hop: _Hop
    status_code: int
    headers: httpx.Headers
    body: bytes


@dataclass
class _RobotsRules:
    """What one origin's robots.txt says: a parser, or a blanket answer with its reason."""

    parser: Protego | None
    allow_all: bool
    reason: str


# --- rate limiting -----------------------------------------------------------------------------


class _RateLimiter:
    """At most one request per interval per host; thread-safe.

    Each caller reserves the next free slot for its host under the lock and sleeps outside it,
    so concurrent threads queue up one interval apart instead of waking together.
    """

    def __init__(
        self,
        interval: float,
        max_interval: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        loopback_interval: float = 0.0,
    ) -> None:
        self._default = interval
        self._loopback = loopback_interval
        self._max = max(max_interval, interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._interval: dict[str, float] = {}

    def wait(self, host: str, within: float | None = None) -> bool:
        """Wait for the host's next slot and take it; False, without waiting, when the slot is
        more than ``within`` seconds away."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            if within is not None and start - now > within:
                return False
            self._next[host] = start + self._interval.get(host, self._base_interval(host))
        if start > now:
            self._sleep(start - now)
        return True

    def _base_interval(self, host: str) -> float:
        return self._loopback if _is_loopback(host) else self._default

    def slow_down(self, host: str) -> None:
        """Double the host's interval (at least 1 s, capped) for the rest of the client's life."""
        with self._lock:
            current = self._interval.get(host, self._base_interval(host))
            slower = min(max(current * 2, 1.0), self._max)
            self._interval[host] = slower
            self._next[host] = max(self._next.get(host, 0.0), self._clock() + slower)


class _HostTimes:
    """Per host, for the client's life: its time budget, a Retry-After it was refused, and
    whether the client is done with it.

    A host's budget starts with the first request to it; ``left`` is what remains (None when
    there is no budget).
    """

    def __init__(self, budget: float | None, clock: Callable[[], float]) -> None:
        self.budget = budget
        self._clock = clock
        self._lock = threading.Lock()
        self._started: dict[str, float] = {}
        self._closed: dict[str, datetime] = {}
        self._over: dict[str, str] = {}

    def start(self, host: str) -> None:
        with self._lock:
            self._started.setdefault(host, self._clock())

    def left(self, host: str) -> float | None:
        if self.budget is None:
            return None
        with self._lock:
            started = self._started.get(host)
        return self.budget if started is None else self.budget - (self._clock() - started)

    def close(self, host: str, until: datetime) -> None:
        with self._lock:
            self._closed[host] = max(until, self._closed.get(host, until))

    def closed_until(self, host: str) -> datetime | None:
        with self._lock:
            return self._closed.get(host)

    def end(self, host: str, why: str) -> str:
        """Be done with the host (the first reason stands); returns ``why``."""
        with self._lock:
            self._over.setdefault(host, why)
        return why

    def over(self, host: str) -> str | None:
        """Why the client is done with the host (None: it is not), its budget aside."""
        with self._lock:
            return self._over.get(host)


def _is_loopback(host: str) -> bool:
    """Whether ``host[:port]`` is this machine (127.0.0.0/8, [::1], localhost).

    Politeness is owed to other people's servers; one on loopback is the user's own (the demo
    site, a test server), so it gets ``loopback_interval`` instead of ``min_interval``.
    """
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host[1:]
    else:
        name = host.split(":")[0] if host.count(":") == 1 else host
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: names under localhost are loopback
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# --- the client --------------------------------------------------------------------------------


class PoliteClient:
    """A synchronous, thread-safe HTTP client that reads sites the way docs/http.md promises.

    ``allowed_hosts`` limits where the client may go, redirects included. When it is None the
    host of each URL passed to :meth:`get` is allowed as it is asked for, so a redirect can only
    lead to a host the caller asked for or added with :meth:`allow_host`. ``connect_to`` maps a
    ``host[:port]`` to the ``host[:port]`` to connect to instead (see the module docstring).

    Time: ``timeout`` bounds each network operation (a connect, one read), ``request_deadline``
    a whole request (connecting, sending, every byte of the answer), ``host_budget`` (None: no
    limit) the time one host may take of the client's life, waits and retries included;
    ``max_retry_after`` is the longest ``Retry-After`` waited for. ``max_backoff`` caps the
    backoff between retries and the interval of a host that answered 429 or 503.
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        user_agent: str | None = None,
        min_interval: float = 1.0,
        loopback_interval: float = 0.0,
        max_retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        timeout: float = 30.0,
        request_deadline: float = 60.0,
        host_budget: float | None = 1800.0,
        max_retry_after: float = 120.0,
        max_bytes: int = 20 * 1024 * 1024,
        respect_robots: bool = True,
        allowed_hosts: set[str] | None = None,
        connect_to: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_agent = user_agent or _build_user_agent(contact)
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.request_deadline = request_deadline
        self.host_budget = host_budget
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.respect_robots = respect_robots
        self._robots_token = self.user_agent.split("/", 1)[0].split()[0].lower()
        self._auto_allow = allowed_hosts is None
        self._allowed = {_normalise_host(h) for h in allowed_hosts or ()}
        self._sleep = sleep
        self._limiter = _RateLimiter(min_interval, max_backoff, clock, sleep, loopback_interval)
        self._hosts = _HostTimes(host_budget, clock)
        self._random = random.Random()
        self._lock = threading.Lock()
        self._robots: dict[str, _RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.stats: dict[str, int] = dict.fromkeys(
            ("requests", "not_modified", "retries", "redirects", "errors", "blocked"), 0
        )
        self._client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept": ACCEPT},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport or DeadlineTransport(),
            mounts={f"all://{_normalise_host(host)}": ConnectTo(address) for host, address in (connect_to or {}).items()},
        )

    # public API

    @property
    def allowed_hosts(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._allowed)

    def allow_host(self, host: str) -> None:
        """Allow a host (``host[:port]``, or a URL whose host is taken)."""
        with self._lock:
            self._allowed.add(_normalise_host(host))

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        api: bool = False,
    ) -> FetchResult:
        """GET ``url`` politely, following up to five redirects.

        ``etag`` / ``last_modified`` make the request conditional; a 304 answer comes back as
        ``not_modified=True`` with empty content. ``api=True`` marks an endpoint the site
        documents as its API (``.json``, feeds, all-authorities.csv), which skips robots.txt.
        """
        try:
            return self._get(url, etag=etag, last_modified=last_modified, api=api)
        except FetchError as exc:
            self._count("errors")
            if isinstance(exc, BlockedBySite):
                self._count("blocked")
            raise

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # the redirect loop

    def _get(
        self, url: str, *, etag: str | None, last_modified: str | None, api: bool
    ) -> FetchResult:
        first = self._parse_url(url, url)
        if self._auto_allow:
            self.allow_host(_netloc(first))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        check_robots = self.respect_robots and not api
        return self._result(self._follow(_Hop(url, first), headers, check_robots=check_robots))

    def _follow(self, hop: _Hop, headers: dict[str, str], *, check_robots: bool) -> _Raw:
        """Fetch a URL and up to MAX_REDIRECTS redirects, each hop checked on its own."""
        for _ in range(MAX_REDIRECTS + 1):
            raw = self._fetch_hop(hop, headers, check_robots=check_robots)
            if raw.status_code not in REDIRECT_CODES:
                return raw
            hop = _Hop(hop.origin, self._redirect_target(hop, raw), redirected=True)
            self._count("redirects")
        raise FetchError(hop.origin, f"too many redirects (more than {MAX_REDIRECTS})")

    def _parse_url(self, origin: str, target: str | httpx.URL) -> httpx.URL:
        try:
            parsed = httpx.URL(target)
        except (httpx.InvalidURL, TypeError) as exc:
            raise FetchError(origin, f"invalid URL {str(target)!r}: {exc}") from None
        if parsed.scheme not in {"http", "https"} or not parsed.host:
            raise FetchError(origin, f"not an http(s) URL: {parsed}")
        return parsed

    def _redirect_target(self, hop: _Hop, raw: _Raw) -> httpx.URL:
        location = raw.headers.get("location")
        if not location:
            reason = f"{_status_reason(raw.status_code)} without a Location header"
            raise FetchError(hop.origin, hop.explain(reason), raw.status_code)
        try:
            target = hop.url.join(location)
        except httpx.InvalidURL as exc:
            reason = f"redirected to an invalid URL {location!r}: {exc}"
            raise FetchError(hop.origin, reason) from None
        return self._parse_url(hop.origin, target)

    def _result(self, raw: _Raw) -> FetchResult:
        status = raw.status_code
        if status == 304:
            self._count("not_modified")
        elif not 200 <= status < 300:
            raise FetchError(raw.hop.origin, raw.hop.explain(_status_reason(status)), status)
        headers = raw.headers
        return FetchResult(
            url=raw.hop.origin,
            final_url=str(raw.hop.url),
            status_code=status,
            content=b"" if status == 304 else raw.body,
            headers=headers,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            not_modified=status == 304,
            content_type=headers.get("content-type"),
        )

    # one hop: host check, robots, retries

    def _fetch_hop(self, hop: _Hop, headers: dict[str, str], *, check_robots: bool) -> _Raw:
        host = _netloc(hop.url)
        if host not in self.allowed_hosts:
            raise OffSite(hop.origin, hop.explain(f"host {host} is not in the allowed hosts"))
        self._check_host_open(hop, host)
        self._hosts.start(host)
        if check_robots:
            self._check_robots(hop)
        return self._with_retries(hop, host, headers)

    def _check_host_open(self, hop: _Hop, host: str) -> None:
        """Refuse, without a request, a host that asked to be left alone or whose time is up."""
        until = self._hosts.closed_until(host)
        if until is not None:
            reason = f"not contacted: {host} asked to be left alone until {_format_instant(until)} (Retry-After)"
            wait = max(0.0, (until - utc_now()).total_seconds())
            raise RetryLater(hop.origin, hop.explain(reason), retry_after=wait, retry_at=until)
        why = self._hosts.over(host)
        if why is not None:
            raise HostTimeOver(hop.origin, hop.explain(f"not contacted: {why}"), why=why)
        left = self._hosts.left(host)
        if left is not None and left <= 0:
            raise self._budget_spent(hop, host, "not contacted")

    def _budget_spent(self, hop: _Hop, host: str, what: str, status: int | None = None) -> HostTimeOver:
        why = f"the time budget for {host} ({_format_seconds(self._hosts.budget or 0)} a run) is spent"
        return HostTimeOver(hop.origin, hop.explain(f"{what}: {why}"), status, why=why)

    def _with_retries(self, hop: _Hop, host: str, headers: dict[str, str]) -> _Raw:
        reason, status = "", None
        for attempt in range(self.max_retries + 1):
            if attempt:
                self._count("retries")
            if not self._limiter.wait(host, within=self._hosts.left(host)):
                raise self._budget_spent(hop, host, reason or "not contacted", status)
            delay: float | None = None
            try:
                raw = self._attempt(hop, host, headers)
            except _Transient as exc:
                reason, status = exc.reason, None
            else:
                status = raw.status_code
                if looks_like_bot_challenge(status, raw.headers, raw.body):
                    raise BlockedBySite(hop.origin, BLOCKED_REASON, status)
                if status in SLOW_DOWN_CODES:
                    self._limiter.slow_down(host)
                    delay = self._retry_after_delay(hop, raw)
                elif status not in RETRY_STATUS_CODES:
                    return raw
                reason = _status_reason(status)
            if attempt == self.max_retries:
                break
            pause = delay if delay is not None else self._backoff_delay(attempt)
            left = self._hosts.left(host)
            if left is not None and pause >= left:
                raise self._budget_spent(hop, host, reason, status)
            self._sleep(pause)
        reason = _after_retries(reason, self.max_retries)
        done = None
        if status in SLOW_DOWN_CODES:  # still throttled after every wait: leave the host alone this run
            done = self._hosts.end(host, f"{host} went on answering {reason}")
        raise FetchError(hop.origin, hop.explain(reason), status, host_done=done)

    def _retry_after_delay(self, hop: _Hop, raw: _Raw) -> float | None:
        """The wait a 429/503 asks for. Longer than ``max_retry_after``: the fetch gives up at
        once, and the host is left alone until then (:class:`RetryLater`)."""
        now = utc_now()
        delay = parse_retry_after(raw.headers.get("retry-after"), now)
        if delay is None or delay <= self.max_retry_after:
            return delay
        until = now + timedelta(seconds=delay)
        self._hosts.close(_netloc(hop.url), until)
        reason = (
            f"{_status_reason(raw.status_code)}, Retry-After {_format_seconds(delay)} is longer "
            f"than the {_format_seconds(self.max_retry_after)} limit: retry after {_format_instant(until)}"
        )
        raise RetryLater(hop.origin, hop.explain(reason), raw.status_code, retry_after=delay, retry_at=until)

    def _backoff_delay(self, attempt: int) -> float:
        delay = min(self.backoff * (2**attempt), self.max_backoff)
        jitter = self._random.uniform(0, delay * 0.1)
        return min(delay + jitter, self.max_backoff)

    # one request

    def _attempt(self, hop: _Hop, host: str, headers: dict[str, str]) -> _Raw:
        """Send one request and read its body within the size cap, the request's deadline and
        what is left of the host's budget.

        Network failures worth retrying become :class:`_Transient`; a request still unanswered
        at its deadline is not retried (the server is there, only too slow); anything else that
        httpx raises becomes a :class:`FetchError`, so no httpx exception leaves the client.
        """
        left = self._hosts.left(host)
        cut_by_budget = left is not None and left < self.request_deadline
        with deadline(max(0.0, left) if cut_by_budget else self.request_deadline):
            try:
                return self._exchange(hop, headers)
            except httpx.TimeoutException:
                if not past_deadline():
                    raise _Transient("timed out") from None
        if cut_by_budget:
            raise self._budget_spent(hop, host, "no complete answer")
        reason = f"no complete answer within the {_format_seconds(self.request_deadline)} deadline"
        raise FetchError(hop.origin, hop.explain(reason), host_done=self._hosts.end(host, f"{host} gave {reason}"))

    def _exchange(self, hop: _Hop, headers: dict[str, str]) -> _Raw:
        self._count("requests")
        try:
            with self._client.stream("GET", hop.url, headers=headers) as response:
                self._check_declared_size(hop, response)
                body = self._read_capped(hop, response)
                return _Raw(hop, response.status_code, response.headers, body)
        except httpx.TimeoutException:
            raise  # _attempt tells a slow operation from a request past its deadline
        except httpx.ConnectError as exc:
            raise _Transient(_with_detail("could not connect", exc)) from None
        except httpx.RemoteProtocolError:
            raise _Transient("incomplete response (connection closed early)") from None
        except (httpx.ReadError, httpx.WriteError):
            raise _Transient("connection reset") from None
        except httpx.UnsupportedProtocol as exc:
            reason = _with_detail("unsupported URL", exc)
        except httpx.TransportError as exc:
            raise _Transient(_with_detail(f"network error ({type(exc).__name__})", exc)) from None
        except httpx.DecodingError:
            reason = "could not decode the response body"
        except httpx.HTTPError as exc:
            reason = _with_detail("HTTP client error", exc)
        raise FetchError(hop.origin, hop.explain(reason))

    def _check_declared_size(self, hop: _Hop, response: httpx.Response) -> None:
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            cap = _format_size(self.max_bytes)
            reason = f"page larger than {cap} cap (Content-Length {declared})"
            raise TooLarge(hop.origin, hop.explain(reason), response.status_code)

    def _read_capped(self, hop: _Hop, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                reason = f"page larger than {_format_size(self.max_bytes)} cap"
                raise TooLarge(hop.origin, hop.explain(reason), response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    # robots.txt

    def _check_robots(self, hop: _Hop) -> None:
        rules = self._robots_rules(hop)
        if rules.allow_all:
            return
        if rules.parser is not None and rules.parser.can_fetch(str(hop.url), self._robots_token):
            return
        raise DisallowedByRobots(hop.origin, hop.explain(rules.reason))

    def _robots_rules(self, hop: _Hop) -> _RobotsRules:
        """The rules for the hop's origin, fetched once (one fetch even with many threads)."""
        key = f"{hop.url.scheme}://{_netloc(hop.url)}"
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._robots:
                self._robots[key] = self._fetch_robots(hop, f"{key}/robots.txt")
            return self._robots[key]

    def _fetch_robots(self, hop: _Hop, robots_url: str) -> _RobotsRules:
        """Read robots.txt with RFC 9309 semantics: a 4xx means no rules, a 5xx or no answer
        means keep out. A bot challenge on robots.txt is reported as such, and not cached."""
        try:
            raw = self._follow(_Hop(robots_url, httpx.URL(robots_url)), {}, check_robots=False)
        except BlockedBySite as exc:
            raise BlockedBySite(hop.origin, exc.reason, exc.status_code) from None
        except FetchError as exc:
            return _robots_unavailable(exc.reason)
        status = raw.status_code
        if 400 <= status < 500:  # a 429 never gets here: it was retried, then raised
            return _RobotsRules(None, True, f"{robots_url} answered HTTP {status}")
        if not 200 <= status < 300:
            return _robots_unavailable(_status_reason(status))
        parser = Protego.parse(raw.body.decode("utf-8", errors="replace"))
        return _RobotsRules(parser, False, f"disallowed by robots.txt ({robots_url})")

    # bookkeeping

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] = self.stats.get(key, 0) + 1


def _robots_unavailable(why: str) -> _RobotsRules:
    return _RobotsRules(None, False, f"robots.txt unavailable ({why}): not fetching from this host")


def _after_retries(reason: str, retries: int) -> str:
    if retries == 0:
        return reason
    return f"{reason} after {retries} {'retry' if retries == 1 else 'retries'}"


def _with_detail(reason: str, exc: BaseException) -> str:
    detail = " ".join(str(exc).split())
    return f"{reason} ({detail})" if detail else reason


__all__ = [
    "DEFAULT_CONTACT",
    "BlockedBySite",
    "DisallowedByRobots",
    "FetchError",
    "FetchResult",
    "HostTimeOver",
    "OffSite",
    "PoliteClient",
    "RetryLater",
    "TooLarge",
    "looks_like_bot_challenge",
    "parse_retry_after",
    "user_agent",
]
