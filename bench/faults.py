"""A fault-injecting sample site: the demo site on its worst day.

``FaultPlan`` is a ``SampleSite.fault_hook``: at a chosen rate, a request for a request page or
its ``.json`` gets one of the faults a real site shows, chosen by a seeded random generator so a
run can be repeated. ``faulty_site`` starts a ``DemoSite`` with a plan attached; switch it off
with ``plan.enabled = False``.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from tracker.demo import render
from tracker.demo.server import DemoSite, Fault

CHALLENGE_PAGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>
<body><div class="main-wrapper"><noscript>Enable JavaScript and cookies to continue</noscript>
<script>window._cf_chl_opt={cvId: '3'};</script></div></body></html>"""

KINDS = (
    "http_500", "http_502", "http_503", "http_429", "reset", "timeout", "truncate", "cut_html",
    "bad_utf8", "challenge", "huge", "other_markup",
)


@dataclass
class FaultPlan:
    """Which faults to serve, how often, and a record of what was served."""

    rate: float = 0.2
    seed: int = 1
    kinds: tuple[str, ...] = KINDS
    timeout_delay: float = 0.6  # longer than the test client's timeout
    huge_bytes: int = 21 * 1024 * 1024
    site: DemoSite | None = None
    enabled: bool = True
    served: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def __call__(self, path: str, query: str, body: bytes) -> Fault | None:
        if not self.enabled or not path.startswith("/request/"):
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            fault = self._fault(kind, path, body)
            if fault is not None:
                self.served[kind] += 1
            return fault

    def _fault(self, kind: str, path: str, body: bytes) -> Fault | None:
        if kind.startswith("http_"):
            status = int(kind.removeprefix("http_"))
            headers = {"Retry-After": "1"} if status in (429, 503) else {}
            return Fault(kind, status=status, body=b"<html><body>Temporarily unavailable</body></html>", headers=headers)
        if kind == "reset":
            return Fault(kind)
        if kind == "timeout":
            return Fault(kind, delay=self.timeout_delay)
        if kind == "truncate":
            return Fault(kind, body=body)
        if kind == "cut_html":
            cut = body.rfind(b'<div class="incoming correspondence') if not path.endswith(".json") else -1
            return Fault(kind, body=body[: cut if cut > 0 else len(body) // 2])
        if kind == "bad_utf8":
            middle = len(body) // 2
            return Fault(kind, body=body[:middle] + b"\xff\xfe\xc3(" + body[middle:],
                         content_type="application/json" if path.endswith(".json") else "text/html; charset=utf-8")
        if kind == "challenge":
            return Fault(kind, status=503, body=CHALLENGE_PAGE, headers={"cf-mitigated": "challenge"})
        if kind == "huge":
            return Fault(kind, body=b"<html>" + b" " * self.huge_bytes + b"</html>")
        if kind == "other_markup":
            return self._other_markup(path)
        raise ValueError(f"unknown fault kind {kind!r}")

    def _other_markup(self, path: str) -> Fault | None:
        """The same thread rendered in the other Alaveteli version's markup (a valid page)."""
        if self.site is None or path.endswith(".json"):
            return None
        slug = path.removeprefix("/request/")
        thread = self.site.thread(slug)
        other = "2025" if self.site.markup.get(slug) == "2019" else "2019"
        page = render.render_request_page(thread, self.site.base_url, unfold=True, markup=other, today=self.site.today)
        return Fault("other_markup", body=page.encode("utf-8"))


def faulty_site(today: date | None = None, *, rate: float = 0.2, seed: int = 1, copies: int = 1,
                kinds: tuple[str, ...] = KINDS) -> tuple[DemoSite, FaultPlan]:
    """A started demo site that misbehaves at ``rate``, and its plan (to switch it off)."""
    site = DemoSite(today, copies=copies).start()
    plan = FaultPlan(rate=rate, seed=seed, kinds=kinds, site=site)
    site.fault_hook = plan
    return site, plan


def hide_message(site: DemoSite, slug: str, message_id: str) -> None:
    """The site hides a message (its prominence changes); the page then shows no body for it."""
    thread = site.thread(slug)
    for message in thread.messages:
        if message.id == message_id:
            message.prominence = "hidden"
    site._render(thread)
