"""Threads that someone saved as text: one JSON file per thread, each message's page text.

The format is the one a third party's web app used for WhatDoTheyKnow threads
(``{id, title, display_status, law_used, url_title, created_at, events: [{created_at,
message_id, type, content: [text]}]}``): the correspondence text of each message as the page
shows it, taken line by line with every blank line stripped, an incoming message opening with
the page's attachment list ("1 Attachment", the file name, its size, "Download", "View as
HTML"). The real-thread part of the gold set is kept in it; ``read_saved_thread`` turns one file
into a :class:`Thread` whose messages carry their attachments by name and printed size.
"""

from __future__ import annotations

import json
import re

from scrapers.alaveteli.values import parse_size
from tracker.model import INCOMING, OUTGOING, Attachment, Message, Site, Thread
from tracker.model.taxonomy import STATE_LABELS

__all__ = ["read_saved_thread", "split_attachment_list"]

_COUNT = re.compile(r"^(\d+) Attachments?$")
_SIZE = re.compile(r"^\d+(?:\.\d+)?\s?(?:K|M|G|KB|MB|bytes?)$", re.I)
_ACTIONS = ("Download", "View as HTML")
_STATE_OF_LABEL = {label.lower(): state for state, label in STATE_LABELS.items()}


def split_attachment_list(text: str) -> tuple[list[tuple[str, str | None]], str]:
    """``"1 Attachment\\nFOI 1 Response.pdf\\n95K\\nDownload\\nView as HTML\\nDear ..."`` ->
    ``([("FOI 1 Response.pdf", "95K")], "Dear ...")`` (the size as printed, None if there is
    none); text without such a list comes back whole."""
    lines = text.split("\n")
    count = _COUNT.match(lines[0].strip()) if lines else None
    if not count:
        return [], text
    listed: list[tuple[str, str | None]] = []
    i = 1
    while len(listed) < int(count.group(1)) and i < len(lines):
        name, size = lines[i].strip(), None
        i += 1
        if i < len(lines) and _SIZE.match(lines[i].strip()):
            size = lines[i].strip()
            i += 1
        while i < len(lines) and lines[i].strip() in _ACTIONS:
            i += 1
        listed.append((name, size))
    return listed, "\n".join(lines[i:])


def read_saved_thread(content: bytes | str, base_url: str = "https://www.whatdotheyknow.com") -> Thread:
    """One saved thread. ``site_status`` is the requester's label as a state name (None if unknown)."""
    record = json.loads(content)
    slug = record["url_title"]
    site = Site(base_url.split("://", 1)[-1], base_url)
    thread = Thread(
        id=f"{site.id}/request/{slug}", site=site, url=f"{base_url}/request/{slug}", slug=slug,
        title=record.get("title") or slug, law_used=record.get("law_used"), created_at=record.get("created_at"),
        site_request_id=record.get("id"),
        site_status=_STATE_OF_LABEL.get(str(record.get("display_status") or "").strip().rstrip(".").lower()),
    )
    for event in record.get("events", []):
        direction = INCOMING if event.get("type") == INCOMING else OUTGOING
        message_id = f"{direction}-{event['message_id']}"
        listed, body = split_attachment_list("\n".join(event.get("content") or []))
        thread.messages.append(Message(
            id=message_id, direction=direction, sent_at=event.get("created_at"), body_text=body,
            attachments=[Attachment(f"{message_id}/{number}", message_id, name, size=parse_size(size or ""))
                         for number, (name, size) in enumerate(listed, 1)],
        ))
    return thread
