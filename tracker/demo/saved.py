"""Saved threads back into the request pages they were read from.

A saved thread (``scrapers.saved_threads.read_saved_thread``) is the text of a WhatDoTheyKnow
request page: each message's date, direction, attachment names and sizes and its body as plain
text. ``render_saved_thread`` gives it the page again in Alaveteli's markup, through
``render.render_request_page``: each message a ``correspondence`` block, its attachments a
``li.attachment`` list, its body escaped and laid out by ``simple_format`` as Alaveteli lays
out plain-text mail (one ``<br />`` per line break, a paragraph only at a blank line, and
saved text has none), and the requester's label in the status box as the site words it.

What the saved text does not hold is not made up: the requester's name (the page says
"Anonymous user") and the authority, unless the caller names it. Two things are filled in the
way the site would: the attachments' part numbers and content types (from their names), and,
for a request still waiting, the site's due date (20 working days on the UK calendar from the
day the request was sent).
"""

from __future__ import annotations

import copy
import mimetypes
from datetime import date

from tracker.deadlines import due_date
from tracker.demo.render import render_request_page
from tracker.model import OUTGOING, Attachment, Authority, Thread
from tracker.model.taxonomy import AWAITING_RESPONSE_STATES
from tracker.model.times import london_day

__all__ = ["render_saved_thread", "site_thread"]

# The standard table only, so that a page does not depend on the machine's mime.types.
_CONTENT_TYPES = mimetypes.MimeTypes()
_FIRST_ATTACHMENT_PART = 2  # Alaveteli numbers a mail's parts from 1, the body first


def site_thread(saved: Thread, authority: Authority | None = None) -> Thread:
    """A copy of ``saved`` as the site holds it, ready for ``render_request_page``."""
    thread = copy.deepcopy(saved)
    thread.authority = authority or thread.authority
    for message in thread.messages:
        message.attachments = [
            Attachment(f"{message.id}/attachment-{part}", message.id, attachment.filename,
                       content_type=attachment.content_type or _CONTENT_TYPES.guess_type(attachment.filename)[0],
                       size=attachment.size)
            for part, attachment in enumerate(message.attachments, _FIRST_ATTACHMENT_PART)
        ]
    if thread.due_date is None and thread.site_status in AWAITING_RESPONSE_STATES:
        sent = next((london_day(m.sent_at) for m in thread.messages if m.direction == OUTGOING and m.sent_at), None)
        thread.due_date = due_date(sent).isoformat() if sent else None
    return thread


def render_saved_thread(saved: Thread, base_url: str, *, authority: Authority | None = None, markup: str = "2025",
                        today: date | None = None) -> str:
    """The request page of a saved thread, unfolded, as the site at ``base_url`` shows it.

    ``authority``: whom the request was made to (saved text does not say); ``today`` only
    matters for a request awaiting classification (see ``render_request_page``).
    """
    return render_request_page(site_thread(saved, authority), base_url, unfold=True, markup=markup, today=today)
