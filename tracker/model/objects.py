"""Plain objects passed between the scrapers and the database.

Scrapers build these from bytes; ``tracker.store.db`` turns them into rows. Every ``id`` is the
global, stable id of the database contract: the site's host, then the site's own identifier,
e.g. ``www.whatdotheyknow.com/request/some_slug`` or ``www.whatdotheyknow.com/incoming-1234``.
Instants are ISO 8601 strings with their offset (``tracker.model.times`` reads and writes them),
days are ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

INCOMING = "incoming"
OUTGOING = "outgoing"


def site_id_for(url: str) -> str:
    """The site id of any URL on it: its host (with a port when one is given), lower case."""
    return urlsplit(url).netloc.lower()


def base_url_for(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass
class Site:
    id: str
    base_url: str
    name: str | None = None
    regime: str = "foia"


@dataclass
class Authority:
    id: str
    site_id: str
    url_name: str
    name: str
    tags: list[str] = field(default_factory=list)
    regime: str | None = None


@dataclass
class User:
    id: str
    site_id: str
    url_name: str
    name: str


@dataclass
class Attachment:
    id: str
    message_id: str
    filename: str
    url: str | None = None
    content_type: str | None = None
    size: int | None = None  # bytes, as printed by the site ("183K" -> 187392)


@dataclass
class Citation:
    """An exemption named in a letter: relied on (the authority withholds under it) or only mentioned."""

    exemption_id: str  # normalised, the id of the exemptions table: "FOIA s.40(2)", "EIR reg 12(5)(e)"
    relied_on: bool
    quote: str = ""  # the words that named it


@dataclass
class Message:
    id: str
    direction: str  # INCOMING or OUTGOING
    sent_at: str | None
    author: str | None = None
    subject: str | None = None
    body_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    # What the site says about the message, when its .json was available.
    event_type: str | None = None  # sent, followup_sent, response, resent ...
    site_state: str | None = None  # the event's calculated_state
    site_display_status: str | None = None
    prominence: str = "normal"  # normal, hidden, requester_only
    # Filled by tracker.reading.classify.
    kind: str | None = None
    outcome: str | None = None
    confidence: float | None = None
    reasons: list[str] = field(default_factory=list)
    authority_refs: list[str] = field(default_factory=list)
    # Filled by tracker.reading.extract.
    exemptions: list[Citation] = field(default_factory=list)
    stated_dates: dict[str, str] = field(default_factory=dict)  # e.g. received_on, respond_by (YYYY-MM-DD)
    cost_limit: int | None = None  # pounds, when a s.12 cost limit figure is stated
    # E-mail headers, when the message came from an e-mail (Auto-Submitted, X-Autoreply ...).
    headers: dict[str, str] = field(default_factory=dict)
    source: str = "page"  # page (a request page or its .json) or email (an imported e-mail)


@dataclass
class Annotation:
    id: str
    request_id: str
    author: str | None
    created_at: str | None
    body_text: str = ""


@dataclass
class Thread:
    """One request thread as read from a site (a page, its .json, or e-mails)."""

    id: str
    site: Site
    url: str
    slug: str
    title: str
    authority: Authority | None = None
    user: User | None = None
    site_status: str | None = None  # Alaveteli state name from the page or .json
    due_date: str | None = None  # the due date the page prints, if any
    law_used: str | None = None  # foi, eir ...
    site_request_id: int | None = None  # the site's numeric id, when known
    created_at: str | None = None
    messages: list[Message] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # non-fatal oddities found while parsing
    # Filled by the tracker after parsing: our status (Alaveteli state names), the legal regime,
    # and the requests table's deadline columns (sent_at, due_date, ..., answered_on_time).
    status: str | None = None
    status_why: str | None = None  # the message that decides our status, in one sentence
    regime: str | None = None
    deadlines: dict[str, object] = field(default_factory=dict)
