"""A small Alaveteli-like web site on 127.0.0.1, for ``foi-tracker demo`` and the tests.

``SampleSite`` serves fixed routes (path -> body) with the HTTP behaviour a polite scraper relies
on: strong ETags, Last-Modified, 304 answers to conditional requests, Content-Length, 404 for
anything unknown. Routing looks at the path only, so ``/request/x?unfold=1`` is the
``/request/x`` route; listings are the exception, with one body per ``?page=N``.

``DemoSite`` fills a ``SampleSite`` with the bundled corpus, rendered for the real host:port
once the server is listening.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tracker.demo import render
from tracker.demo.corpus import build_corpus
from tracker.demo.corpus import authorities as corpus_authorities
from tracker.model import Thread

HTML = "text/html; charset=utf-8"


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    pages: list[bytes] | None = None  # a listing: page N (?page=N) is pages[N-1]; ``body`` is page 1
    last_modified: float = 0.0  # set by SampleSite; changes only when the body does


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int
    headers: dict[str, str]
    time: float


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class SampleSite:
    """An Alaveteli-like site on 127.0.0.1, for the demo and the tests."""

    def __init__(self, routes: dict[str, Route] | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self._bind = (host, port)
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._clock = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.log: list[LoggedRequest] = []
        self.base_url = ""
        self.host = ""
        for path, route in (routes or {}).items():
            self._store(path, route)

    # -- lifecycle

    def start(self) -> "SampleSite":
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(self._bind, _handler_for(self))
        server.daemon_threads = True
        self._server = server
        address, port = server.server_address[:2]
        self.host = f"{address}:{port}"
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
                self._clock = max(float(int(time.time())), self._clock + 1)
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
            route = site.route(parts.path)
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
                if status == 200:
                    etag = etag_for(body)
                    extra.update({"ETag": etag, "Last-Modified": formatdate(route.last_modified, usegmt=True)})
                    if _not_modified(headers, etag, route.last_modified):
                        status, body = 304, b""
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", content_type)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and body:
                self.wfile.write(body)
            site._record(LoggedRequest(self.command, parts.path, parts.query, status, headers, time.time()))

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
    """

    NO_JSON = 2

    def __init__(self, today: date | None = None, *, markup_mix: bool = True, host: str = "127.0.0.1",
                 port: int = 0):
        super().__init__(host=host, port=port)
        self.today = today or date.today()
        self.markup_mix = markup_mix
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
        self.threads = build_corpus(self.today, host=self.host)
        ordered = sorted(self.threads, key=lambda t: t.slug)
        self.markup = {t.slug: "2019" if self.markup_mix and i % 3 == 1 else "2025" for i, t in enumerate(ordered)}
        self.without_json = {ordered[5].slug, ordered[len(ordered) // 2 + 3].slug}  # one of each markup
        base = self.base_url
        for thread in self.threads:
            page = render.render_request_page(thread, base, unfold=True, markup=self.markup[thread.slug],
                                              today=self.today)
            self.set_route(f"/request/{thread.slug}", page)
            if thread.slug not in self.without_json:
                self.set_route(f"/request/{thread.slug}.json", render.render_request_json(thread, base),
                               content_type="application/json; charset=utf-8")
        self._listing("/list", "Recent Freedom of Information requests", self.threads)
        for body in corpus_authorities(self.host):
            mine = [t for t in self.threads if t.authority and t.authority.url_name == body.url_name]
            self._listing(f"/body/{body.url_name}", f"Freedom of Information requests to {body.name}", mine)
        users = {t.user.url_name: t.user for t in self.threads if t.user}
        for url_name, user in sorted(users.items()):
            mine = [t for t in self.threads if t.user and t.user.url_name == url_name]
            self._listing(f"/user/{url_name}", f"Freedom of Information requests made by {user.name}", mine)
        self.set_route("/body/all-authorities.csv", render.render_authorities_csv(corpus_authorities(self.host)),
                       content_type="text/csv; charset=utf-8")
        self.set_route("/robots.txt", render.ROBOTS_TXT, content_type="text/plain; charset=utf-8")

    def _listing(self, path: str, title: str, threads: list[Thread]) -> None:
        count = render.page_count(len(threads))
        pages = [render.render_listing(threads, self.base_url, title=title, page=n, path=path)
                 for n in range(1, count + 1)]
        self.set_route(path, pages[0], pages=pages)

    def thread(self, slug: str) -> Thread:
        return next(t for t in self.threads if t.slug == slug)


def demo_site(today: date | None = None, *, markup_mix: bool = True) -> DemoSite:
    """Build and start the demo site (a ``DemoSite``, already listening)."""
    return DemoSite(today, markup_mix=markup_mix).start()
