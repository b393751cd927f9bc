"""Read Alaveteli feeds, JSON or Atom: the documented change-detection API (25 newest events)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from scrapers.alaveteli.errors import NotARequestPage, PageError
from scrapers.alaveteli.markup import class_names, squash
from scrapers.alaveteli.request_json import EventFields, event_fields
from scrapers.alaveteli.values import decode_page, json_int, json_str, normalise_instant


@dataclass
class FeedEvent(EventFields):
    """One event of a feed. JSON feeds name the request's slug; Atom feeds only its title."""

    event_id: int | None = None
    request_title: str | None = None
    request_slug: str | None = None
    event_url: str | None = None
    authority_url_name: str | None = None
    user_url_name: str | None = None

    @property
    def request_key(self) -> str:
        """The slug when the feed gave it, else the title and requester (Atom)."""
        return self.request_slug or f"{self.request_title}|{self.user_url_name or ''}"


def parse_feed(content: bytes | str, url: str) -> list[FeedEvent]:
    """Events of an Alaveteli feed, JSON (an array of events) or Atom. Newest first, as served."""
    text = decode_page(content).lstrip("\ufeff").strip()
    if not text:
        raise PageError("empty feed")
    if text.startswith("["):
        return _json_feed(text)
    if text.startswith("<?xml") or text.startswith("<feed"):
        return _atom_feed(text)
    if text.startswith("{"):
        raise NotARequestPage("not a feed: a JSON object, not an array of events")
    raise NotARequestPage("not a feed: the site sent HTML (perhaps an error or challenge page)")


def _json_feed(text: str) -> list[FeedEvent]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PageError(f"feed is not valid JSON ({error})") from None
    events = []
    for item in data:
        if not isinstance(item, dict):
            continue
        request = item.get("info_request") if isinstance(item.get("info_request"), dict) else {}
        body = item.get("public_body") if isinstance(item.get("public_body"), dict) else {}
        user = item.get("user") if isinstance(item.get("user"), dict) else {}
        events.append(FeedEvent(
            event_id=json_int(item.get("id")),
            request_title=json_str(request.get("title")),
            request_slug=json_str(request.get("url_title")),
            authority_url_name=json_str(body.get("url_name")),
            user_url_name=json_str(user.get("url_name")),
            **event_fields(item),
        ))
    return events


_ATOM = "{http://www.w3.org/2005/Atom}"
_EVENT_ID = re.compile(r"InfoRequestEvent/(\d+)")
_ATOM_SENTENCES = (
    (re.compile(r"^\s*(?:Internal review request|Clarification|Follow up) sent", re.I), "followup_sent"),
    (re.compile(r"^\s*Request sent", re.I), "sent"),
    (re.compile(r"^\s*Response by", re.I), "response"),
    (re.compile(r"Annotated by", re.I), "comment"),
)


def _atom_feed(text: str) -> list[FeedEvent]:
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise PageError(f"feed is not valid Atom ({error})") from None
    if root.tag != f"{_ATOM}feed":
        raise NotARequestPage("not an Atom feed")
    events = []
    for entry in root.iter(f"{_ATOM}entry"):
        identifier = entry.findtext(f"{_ATOM}id") or ""
        match = _EVENT_ID.search(identifier)
        link = entry.find(f"{_ATOM}link[@rel='alternate']")
        content = BeautifulSoup(entry.findtext(f"{_ATOM}content") or "", "lxml")
        requester = content.select_one(".requester")
        sentence = squash(requester.get_text(" ")) if requester else ""
        icon = content.select_one("i[class*=icon_]")
        state = next((c[len("icon_"):] for c in class_names(icon) if c.startswith("icon_")), None) if icon else None
        user_link = requester.select_one("a[href*='/user/']") if requester else None
        body_link = requester.select_one("a[href*='/body/']") if requester else None
        events.append(FeedEvent(
            event_id=int(match.group(1)) if match else None,
            event_type=next((kind for pattern, kind in _ATOM_SENTENCES if pattern.search(sentence)), None),
            created_at=normalise_instant(entry.findtext(f"{_ATOM}published")),
            request_title=squash(entry.findtext(f"{_ATOM}title") or "") or None,
            calculated_state=state,
            event_url=link.get("href") if link is not None else None,
            authority_url_name=_last_path_part(body_link["href"]) if body_link else None,
            user_url_name=_last_path_part(user_link["href"]) if user_link else None,
        ))
    return events


def _last_path_part(href: str) -> str:
    return unquote(urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1])


def group_by_request(events: list[FeedEvent]) -> dict[str, list[FeedEvent]]:
    """Events keyed by request (slug, or title and requester for Atom), oldest first."""
    grouped: dict[str, list[FeedEvent]] = {}
    for event in sorted(events, key=lambda e: (e.created_at or "", e.event_id or 0)):
        grouped.setdefault(event.request_key, []).append(event)
    return grouped
