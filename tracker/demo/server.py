"""A small Alaveteli-like web site on 127.0.0.1, for ``foi-tracker demo``, the tests and bench/.

``SampleSite`` serves fixed routes (path -> body) and dynamic handlers (a path prefix -> a
function of the path and query) with the HTTP behaviour a polite scraper relies on: strong
ETags, Last-Modified, 304 answers to conditional requests, Content-Length, 404 for anything
unknown. Fixed routes ignore the query, so ``/request/x?unfold=1`` is the ``/request/x`` route.
A ``fault_hook`` can make it misbehave (see ``bench.faults``).

``DemoSite`` fills a ``SampleSite`` with the bundled corpus, rendered for its host once the
server is listening: request pages and their .json, listings with Alaveteli's cap and
date-window search, JSON feeds, the authorities CSV and robots.txt. The host is the real
host:port, or a fixed ``name`` (``foi-tracker demo`` uses ``DEMO_SITE_NAME``) that a client
reaches through ``address`` (``PoliteClient(connect_to=...)``), so that ids do not change with
the port. Last-Modified dates come from ``tracker.model.times``, so a frozen clock fixes them.
"""

from __future__ import annotations

import copy
import hashlib
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Callable
from datetime import date, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from tracker.demo import render
from tracker.demo.corpus import build_corpus
from tracker.demo.corpus import authorities as corpus_authorities
from tracker.model import Message, Thread
from tracker.model.times import london_day, london_today, utc_now

HTML = "text/html; charset=utf-8"
# The sample site's name in ``foi-tracker demo``: *.localhost is loopback (RFC 6761), whatever port serves it.
DEMO_SITE_NAME = "alaveteli.localhost"


Handler = Callable[[str, dict[str, list[str]]], "tuple[int, bytes | str, str] | None"]


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    pages: list[bytes] | None = None  # a listing: page N (?page=N) is pages[N-1]; ``body`` is page 1
    last_modified: float = 0.0  # set by SampleSite; changes only when the body does


@dataclass
class Fault:
    """How to misbehave for one request: a status, a reset, a stall, a cut or a different body."""

    kind: str
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


FaultHook = Callable[[str, str, bytes], "Fault | None"]


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int
    headers: dict[str, str]
    time: float
    fault: str | None = None  # the fault served instead, if any


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class SampleSite:
    """An Alaveteli-like site on 127.0.0.1, for the demo and the tests."""

    def __init__(self, routes: dict[str, Route] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 name: str | None = None):
        self._bind = (host, port)
        self._name = name
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._clock = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Handler] = {}
        self.fault_hook: FaultHook | None = None
        self.log: list[LoggedRequest] = []
        self.base_url = ""
        self.host = ""  # the name in URLs and ids: ``name``, or the address
        self.address = ""  # host:port the server listens on
        for path, route in (routes or {}).items():
            self._store(path, route)

    # -- lifecycle

    def start(self) -> "SampleSite":
        if self._server is not None:
            return self
        server = _QuietServer(self._bind, _handler_for(self))
        server.daemon_threads = True
        self._server = server
        address, port = server.server_address[:2]
        self.address = f"{address}:{port}"
        self.host = self._name or self.address
        self.base_url = f"http://{self.host}"
        self._thread = threading.Thread(target=server.serve_forever, name=f"sample-site-{port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "SampleSite":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- routes

    def set_route(self, path: str, body: bytes | str, *, status: int = 200, content_type: str = HTML,
                  headers: dict[str, str] | None = None, pages: list[bytes | str] | None = None) -> None:
        encoded = body.encode("utf-8") if isinstance(body, str) else body
        page_bodies = [p.encode("utf-8") if isinstance(p, str) else p for p in pages] if pages else None
        self._store(path, Route(encoded, status, content_type, dict(headers or {}), page_bodies))

    def set_handler(self, prefix: str, handler: "Handler") -> None:
        """Answer every path under ``prefix`` that has no fixed route with ``handler(path, query)``.

        The handler returns ``(status, body, content_type)``, or None for a 404.
        """
        with self._lock:
            self._handlers[prefix] = handler

    def dynamic(self, path: str, query: str) -> Route | None:
        with self._lock:
            prefixes = sorted((p for p in self._handlers if path.startswith(p)), key=len, reverse=True)
            handler = self._handlers[prefixes[0]] if prefixes else None
        answer = handler(path, parse_qs(query)) if handler else None
        if answer is None:
            return None
        status, body, content_type = answer
        return Route(body.encode("utf-8") if isinstance(body, str) else body, status, content_type,
                     last_modified=float(int(utc_now().timestamp())))

    def remove_route(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def route(self, path: str) -> Route | None:
        with self._lock:
            return self._routes.get(path)

    def paths(self) -> list[str]:
        with self._lock:
            return sorted(self._routes)

    def requests_for(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def _store(self, path: str, route: Route) -> None:
        with self._lock:
            previous = self._routes.get(path)
            if previous is not None and previous.body == route.body and previous.pages == route.pages:
                route.last_modified = previous.last_modified
            else:
                # Whole seconds, strictly increasing, so that a changed body is always newer in HTTP dates.
                self._clock = max(float(int(utc_now().timestamp())), self._clock + 1)
                route.last_modified = self._clock
            self._routes[path] = route

    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.log.append(entry)


def _not_modified(headers: dict[str, str], etag: str, last_modified: float) -> bool:
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= last_modified
        except (TypeError, ValueError):
            return False
    return False


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (it timed out, or refused a huge body) is not an error."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _handler_for(site: SampleSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without TCP_NODELAY each response
        # waits ~40 ms for the client's delayed ACK.
        disable_nagle_algorithm = True
        server_version = "Alaveteli-demo/0.46"

        def log_message(self, format: str, *args: object) -> None:  # quiet: the site keeps its own log
            return

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def _serve(self, *, send_body: bool) -> None:
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            route = site.route(parts.path) or site.dynamic(parts.path, parts.query)
            extra: dict[str, str] = {}
            if route is None:
                status, body, content_type = 404, render.render_not_found(parts.path).encode(), HTML
            else:
                status, body, content_type, extra = route.status, route.body, route.content_type, dict(route.headers)
                if route.pages is not None:
                    page = _page_number(parts.query)
                    if page is None or not 1 <= page <= len(route.pages):
                        status, body, content_type = 404, render.render_not_found(self.path).encode(), HTML
                    else:
                        body = route.pages[page - 1]
                fault = site.fault_hook(parts.path, parts.query, body) if site.fault_hook else None
                if fault is not None:
                    self._misbehave(fault, parts, headers, send_body)
                    return
                if status == 200:
                    etag = etag_for(body)
                    extra.update({"ETag": etag, "Last-Modified": formatdate(route.last_modified, usegmt=True)})
                    if _not_modified(headers, etag, route.last_modified):
                        status, body = 304, b""
            # Logged before answering, so that whoever got the answer finds it in the log.
            site._record(LoggedRequest(self.command, parts.path, parts.query, status, headers, utc_now().timestamp()))
            self._answer(status, content_type, extra, body, send_body)

        def _answer(self, status: int, content_type: str, extra: dict[str, str], body: bytes, send_body: bool,
                    *, sent: int | None = None) -> None:
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", content_type)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and body:
                self.wfile.write(body if sent is None else body[:sent])

        def _misbehave(self, fault: Fault, parts, headers: dict[str, str], send_body: bool) -> None:
            """Answer as a failing site would (see bench.faults)."""
            status = {"reset": 0, "timeout": 0}.get(fault.kind, fault.status)
            site._record(LoggedRequest(self.command, parts.path, parts.query, status, headers, utc_now().timestamp(),
                                       fault=fault.kind))
            if fault.kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
            elif fault.kind == "timeout":
                time.sleep(fault.delay)
                self.close_connection = True
            elif fault.kind == "truncate":
                self._answer(200, HTML, {}, fault.body, send_body, sent=len(fault.body) // 2)
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            else:
                self._answer(status, fault.content_type, dict(fault.headers), fault.body, send_body)

    return Handler


def _page_number(query: str) -> int | None:
    values = parse_qs(query).get("page")
    if not values:
        return 1
    try:
        return int(values[0])
    except ValueError:
        return None


class DemoSite(SampleSite):
    """The bundled sample site: the demo corpus rendered for this server's own host:port.

    About a third of the request pages use the 2019 markup (``markup_mix``), and two requests have
    no ``.json`` (404), as on a site whose API is blocked. ``threads`` is the truth the pages show.
    Listings behave like Alaveteli's: 25 a page, at most 500 results, ``/list`` searches with
    ``query`` (``requested_from:``, ``requested_by:``, title words) and event-date windows
    (``request_date_after`` / ``request_date_before``, dd/mm/yyyy); JSON feeds give the 25
    newest events. ``copies`` grows the site by repeating the corpus under new slugs and ids.
    """

    def __init__(self, today: date | None = None, *, markup_mix: bool = True, copies: int = 1,
                 host: str = "127.0.0.1", port: int = 0, name: str | None = None):
        super().__init__(host=host, port=port, name=name)
        self.today = today or london_today()
        self.markup_mix = markup_mix
        self.copies = copies
        self.threads: list[Thread] = []
        self.markup: dict[str, str] = {}
        self.without_json: set[str] = set()

    def start(self) -> "DemoSite":
        if self.host:
            return self
        super().start()
        self.populate()
        return self

    def populate(self) -> None:
        """Build the corpus for this host and register every route."""
        self.threads = replicate(build_corpus(self.today, host=self.host), self.copies)
        self._by_slug = {thread.slug: thread for thread in self.threads}
        ordered = sorted(self.threads, key=lambda t: t.slug)
        self.markup = {t.slug: "2019" if self.markup_mix and i % 3 == 1 else "2025" for i, t in enumerate(ordered)}
        self.without_json = {ordered[5].slug, ordered[len(ordered) // 2 + 3].slug}  # one of each markup
        for thread in self.threads:
            self._render(thread)
        self.set_handler("/list", self._search_listing)
        self.set_handler("/body/", self._owner_listing)
        self.set_handler("/user/", self._owner_listing)
        self.set_handler("/feed/", self._feed)
        self.set_route("/body/all-authorities.csv", render.render_authorities_csv(corpus_authorities(self.host)),
                       content_type="text/csv; charset=utf-8")
        self.set_route("/robots.txt", render.ROBOTS_TXT, content_type="text/plain; charset=utf-8")

    def _render(self, thread: Thread) -> None:
        page = render.render_request_page(thread, self.base_url, unfold=True, markup=self.markup[thread.slug],
                                          today=self.today)
        self.set_route(f"/request/{thread.slug}", page)
        if thread.slug not in self.without_json:
            self.set_route(f"/request/{thread.slug}.json", render.render_request_json(thread, self.base_url),
                           content_type="application/json; charset=utf-8")

    def thread(self, slug: str) -> Thread:
        return self._by_slug[slug]

    def add_message(self, slug: str, message: Message) -> None:
        """A new message arrives in a thread: its page, .json, listings and feeds change."""
        thread = self._by_slug[slug]
        thread.messages.append(message)
        self._render(thread)

    # -- listings and feeds, computed from the current threads at each request

    def _listing(self, threads: list[Thread], title: str, path: str, query: dict[str, list[str]]):
        page = _page_number("&".join(f"page={v}" for v in query.get("page", [])))
        pages = render.page_count(min(len(threads), render.MAX_RESULTS))
        if page is None or not 1 <= page <= pages:
            return None
        return 200, render.render_listing(threads, self.base_url, title=title, page=page, path=path), HTML

    def _search_listing(self, path: str, query: dict[str, list[str]]):
        if path.rstrip("/") != "/list":
            return None
        terms = query.get("query", [""])[0]
        after = _dmy(query.get("request_date_after", [""])[0])
        before = _dmy(query.get("request_date_before", [""])[0])
        found = [t for t in self.threads if _matches(t, terms) and _has_event_between(t, after, before)]
        kept = {k: v[0] for k, v in query.items() if k != "page" and v and v[0]}
        link = "/list" + (f"?{urlencode(kept)}" if kept else "")
        return self._listing(found, "Freedom of Information requests", link, query)

    def _owner_listing(self, path: str, query: dict[str, list[str]]):
        kind, _, url_name = path.strip("/").partition("/")
        if not url_name or "/" in url_name:
            return None
        field = "authority" if kind == "body" else "user"
        mine = [t for t in self.threads if getattr(t, field) and getattr(t, field).url_name == url_name]
        if not mine:
            return None
        return self._listing(mine, f"Freedom of Information requests ({url_name})", path, query)

    def _feed(self, path: str, query: dict[str, list[str]]):
        parts = path.removesuffix(".json").strip("/").split("/", 2)
        if len(parts) != 3 or not path.endswith(".json"):
            return None
        _, kind, name = parts
        name = unquote(name)
        if kind == "body":
            threads = [t for t in self.threads if t.authority and t.authority.url_name == name]
        elif kind == "user":
            threads = [t for t in self.threads if t.user and t.user.url_name == name]
        elif kind == "search":
            threads = [t for t in self.threads if _matches(t, name)]
        elif kind == "list" and name == "recent":
            threads = self.threads
        else:
            return None
        return 200, render.render_feed_json(threads), "application/json; charset=utf-8"


def replicate(threads: list[Thread], copies: int) -> list[Thread]:
    """The corpus and ``copies - 1`` copies of it under new slugs, titles and ids (a bigger site)."""
    grown = list(threads)
    for k in range(1, copies):
        offset = k * 1_000_000
        for original in threads:
            thread = copy.deepcopy(original)
            thread.slug = f"{original.slug}_{k}"
            thread.title = f"{original.title} ({k + 1})"
            thread.id = original.id.replace(f"/request/{original.slug}", f"/request/{thread.slug}")
            thread.url = original.url.replace(f"/request/{original.slug}", f"/request/{thread.slug}") if original.url else original.url
            thread.site_request_id = (original.site_request_id or 0) + offset
            for message in thread.messages:
                message.id = _shift(message.id, offset)
                for attachment in message.attachments:
                    attachment.message_id = message.id
                    attachment.id = f"{message.id}/{attachment.id.rsplit('/', 1)[1]}"
            for note in thread.annotations:
                note.id = _shift(note.id, offset)
                note.request_id = thread.id
            grown.append(thread)
    return grown


def _shift(item_id: str, offset: int) -> str:
    prefix, _, number = item_id.rpartition("-")
    return f"{prefix}-{int(number) + offset}"


def _dmy(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def _matches(thread: Thread, terms: str) -> bool:
    """Alaveteli's search operators that listings use; other words must appear in the title."""
    for term in terms.split():
        operator, _, value = term.partition(":")
        if value and operator == "requested_from":
            if not thread.authority or thread.authority.url_name != value:
                return False
        elif value and operator == "requested_by":
            if not thread.user or thread.user.url_name != value:
                return False
        elif term.lower() not in thread.title.lower():
            return False
    return True


def _has_event_between(thread: Thread, after: date | None, before: date | None) -> bool:
    """Like Alaveteli's date range: a request matches if any of its events falls in the window."""
    if after is None and before is None:
        return True
    for message in thread.messages:
        if not message.sent_at:
            continue
        day = london_day(message.sent_at)
        if (after is None or day >= after) and (before is None or day <= before):
            return True
    return False


def demo_site(today: date | None = None, *, markup_mix: bool = True, copies: int = 1,
              name: str | None = None) -> DemoSite:
    """Build and start the demo site (a ``DemoSite``, already listening)."""
    return DemoSite(today, markup_mix=markup_mix, copies=copies, name=name).start()
