"""Read a request's ``/request/<slug>.json``: its metadata and event timeline (no bodies)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from scrapers.alaveteli.errors import NotARequestPage, PageError
from scrapers.alaveteli.urls import authority_for, user_for
from scrapers.alaveteli.values import decode_page, json_display_status, json_int, json_str, normalise_instant
from tracker import model
from tracker.model import Authority, User


@dataclass
class EventFields:
    """The fields an event has in a request's ``.json`` and in a JSON feed alike (``event_fields``)."""

    event_type: str | None = None
    created_at: str | None = None
    calculated_state: str | None = None
    display_status: str | None = None
    incoming_message_id: int | None = None
    outgoing_message_id: int | None = None
    comment_id: int | None = None


@dataclass
class RequestEvent(EventFields):
    """One entry of ``info_request_events`` in ``/request/<slug>.json``."""

    id: int | None = None
    described_state: str | None = None


@dataclass
class RequestJson:
    """What ``/request/<slug>.json`` says about a request (metadata and timeline, no bodies)."""

    site_request_id: int | None
    slug: str
    title: str
    created_at: str | None = None
    described_state: str | None = None
    display_status: str | None = None
    awaiting_description: bool | None = None
    law_used: str | None = None
    tags: list[str] = field(default_factory=list)
    user: User | None = None
    authority: Authority | None = None
    events: list[RequestEvent] = field(default_factory=list)


def parse_request_json(content: bytes | str, url: str) -> RequestJson:
    """Read ``/request/<slug>.json``; ``url`` gives the site the ids are built on.

    Raises :class:`InvalidEncoding`, :class:`PageError` for invalid JSON and
    :class:`NotARequestPage` for JSON (or HTML) that is not a request object.
    """
    text = decode_page(content)
    if not text.strip():
        raise NotARequestPage("empty JSON document")
    if text.lstrip()[:1] == "<":
        raise NotARequestPage("not JSON: the content looks like an HTML page")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PageError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise NotARequestPage(
            f"JSON is a {type(data).__name__}, not an Alaveteli request object"
            " (a feed or search result?)"
        )
    slug, title = data.get("url_title"), data.get("title")
    if not isinstance(slug, str) or not slug or not isinstance(title, str):
        raise NotARequestPage("JSON is not an Alaveteli request object (no url_title and title)")
    site_id = model.site_id_for(url)
    if not site_id:
        raise ValueError(f"the JSON URL must be absolute: {url!r}")
    events = data.get("info_request_events") or []
    if not isinstance(events, list):
        raise PageError("JSON request object has an info_request_events that is not a list")
    awaiting = data.get("awaiting_description")
    return RequestJson(
        site_request_id=json_int(data.get("id")),
        slug=slug,
        title=title,
        created_at=normalise_instant(data.get("created_at")),
        described_state=json_str(data.get("described_state")),
        display_status=json_display_status(data.get("display_status")),
        awaiting_description=awaiting if isinstance(awaiting, bool) else None,
        law_used=json_str(data.get("law_used")),
        tags=_tags(data.get("tags")),
        user=_json_user(data.get("user"), site_id),
        authority=_json_authority(data.get("public_body"), site_id),
        events=[_json_event(event) for event in events if isinstance(event, dict)],
    )


def _tags(value: Any) -> list[str]:
    """``[["name", null], ["name", "value"]]`` (or plain strings) as ``["name", "name:value"]``."""
    if isinstance(value, str):
        return value.split()
    if not isinstance(value, list):
        return []
    tags: list[str] = []
    for tag in value:
        if isinstance(tag, str):
            tags.append(tag)
        elif isinstance(tag, (list, tuple)) and tag and isinstance(tag[0], str):
            extra = tag[1] if len(tag) > 1 else None
            tags.append(f"{tag[0]}:{extra}" if extra not in (None, "") else tag[0])
    return tags


def _named(value: Any) -> tuple[str, str] | None:
    """``url_name`` and ``name`` of a JSON user or public body (the name defaults to the url_name)."""
    if not isinstance(value, dict) or not json_str(value.get("url_name")):
        return None
    return value["url_name"], json_str(value.get("name")) or value["url_name"]


def _json_user(value: Any, site_id: str) -> User | None:
    named = _named(value)
    return user_for(site_id, *named) if named else None


def _json_authority(value: Any, site_id: str) -> Authority | None:
    named = _named(value)
    return authority_for(site_id, *named, tags=_tags(value.get("tags"))) if named else None


def event_fields(value: dict[str, Any]) -> dict[str, Any]:
    """The fields an event has in a request's ``.json`` and in a JSON feed alike (not its id)."""
    return {
        "event_type": json_str(value.get("event_type")),
        "created_at": normalise_instant(json_str(value.get("created_at"))),
        "calculated_state": json_str(value.get("calculated_state")),
        "incoming_message_id": json_int(value.get("incoming_message_id")),
        "outgoing_message_id": json_int(value.get("outgoing_message_id")),
        "comment_id": json_int(value.get("comment_id")),
        "display_status": json_display_status(value.get("display_status")),
    }


def _json_event(value: dict[str, Any]) -> RequestEvent:
    return RequestEvent(
        id=json_int(value.get("id")),
        described_state=json_str(value.get("described_state")),
        **event_fields(value),
    )
