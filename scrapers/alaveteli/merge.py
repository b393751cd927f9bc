"""Join a request's ``.json`` to its page's thread, or outline a thread from the ``.json`` alone."""

from __future__ import annotations

from scrapers.alaveteli.request_json import RequestEvent, RequestJson
from scrapers.alaveteli.urls import local_id, request_slug, request_url
from tracker import model
from tracker.model import Message, Site, Thread


_SENDING_EVENTS = frozenset({"sent", "followup_sent", "resent", "followup_resent", "send_error"})


def merge_json(thread: Thread, data: RequestJson) -> Thread:
    """Enrich a page's thread with its ``.json``; mutates and returns ``thread``.

    The page stays the source of truth for which messages exist and for the current status
    (its ``request-status-message--`` class is the site's own calculation); the JSON adds the
    site's id, law, tags and the per-message event type and classification.
    """
    warn = thread.warnings.append
    if data.slug != thread.slug:
        warn(f"the JSON is for slug {data.slug!r}, the page for {thread.slug!r}")
    if data.site_request_id is not None:
        if thread.site_request_id not in (None, data.site_request_id):
            warn(
                f"the page links to request id {thread.site_request_id}, the JSON says "
                f"{data.site_request_id}; using the JSON's"
            )
        thread.site_request_id = data.site_request_id
    thread.created_at = data.created_at or thread.created_at
    thread.law_used = data.law_used or thread.law_used
    thread.title = thread.title or data.title
    _merge_authority(thread, data)
    if thread.user is None:
        thread.user = data.user
    if thread.site_status is None:
        thread.site_status = (
            "waiting_classification" if data.awaiting_description else data.described_state
        )
    _merge_events(thread, data.events)
    return thread


def thread_from_json(data: RequestJson, url: str) -> Thread:
    """A thread's outline from its ``.json`` alone: ids, directions, times, the site's states.

    The JSON has no bodies, authors or attachments; this is for a site whose pages cannot be
    read (a saved ``.json``), and a later page fills the rest in.
    """
    site_id = model.site_id_for(url)
    slug = data.slug or request_slug(url)
    thread = Thread(
        id=f"{site_id}/request/{slug}",
        site=Site(site_id, model.base_url_for(url)),
        url=request_url(url, slug),
        slug=slug,
        title=data.title or slug,
        authority=data.authority,
        user=data.user,
        site_status="waiting_classification" if data.awaiting_description else data.described_state,
        law_used=data.law_used,
        site_request_id=data.site_request_id,
        created_at=data.created_at,
    )
    seen: set[str] = set()
    for event in data.events:
        if event.incoming_message_id is not None and event.event_type == "response":
            local, direction = f"incoming-{event.incoming_message_id}", model.INCOMING
        elif event.outgoing_message_id is not None and event.event_type in _SENDING_EVENTS:
            local, direction = f"outgoing-{event.outgoing_message_id}", model.OUTGOING
        else:
            continue
        if local in seen:
            continue
        seen.add(local)
        thread.messages.append(Message(
            id=f"{site_id}/{local}", direction=direction, sent_at=event.created_at,
            event_type=event.event_type, site_state=event.calculated_state,
            site_display_status=event.display_status,
        ))
    thread.warnings.append("built from the .json alone: no bodies, authors or attachments")
    return thread


def _merge_authority(thread: Thread, data: RequestJson) -> None:
    if data.authority is None:
        return
    if thread.authority is None:
        thread.authority = data.authority
    elif thread.authority.url_name == data.authority.url_name:
        thread.authority.tags = list(data.authority.tags)
    else:
        thread.warnings.append(
            f"the page names authority {thread.authority.url_name!r}, the JSON "
            f"{data.authority.url_name!r}; kept the page's, without tags"
        )


def _merge_events(thread: Thread, events: list[RequestEvent]) -> None:
    """Join events to messages on incoming_message_id / outgoing_message_id."""
    incoming: dict[int, RequestEvent] = {}
    outgoing: dict[int, RequestEvent] = {}
    comments: set[int] = set()
    for event in events:
        if event.incoming_message_id is not None:
            _keep_better(incoming, event.incoming_message_id, event, {"response"})
        if event.outgoing_message_id is not None:
            _keep_better(outgoing, event.outgoing_message_id, event, _SENDING_EVENTS)
        if event.comment_id is not None:
            comments.add(event.comment_id)

    on_page: set[str] = set()
    for message in thread.messages:
        local = local_id(message.id)
        on_page.add(local)
        number = int(local.rsplit("-", 1)[1])
        table = incoming if message.direction == model.INCOMING else outgoing
        event = table.get(number)
        if event is None:
            thread.warnings.append(f"{local} is on the page but has no event in the JSON")
            continue
        message.event_type = event.event_type
        message.site_state = event.calculated_state
        message.site_display_status = event.display_status

    for prefix, ids in (("incoming", incoming), ("outgoing", outgoing)):
        for number in ids:
            if f"{prefix}-{number}" not in on_page:
                thread.warnings.append(
                    f"the JSON lists {prefix}-{number}, which is not on the page "
                    "(hidden by the site?); not added"
                )
    shown = {local_id(annotation.id) for annotation in thread.annotations}
    for number in sorted(comments):
        if f"comment-{number}" not in shown:
            thread.warnings.append(
                f"the JSON lists comment-{number}, which is not on the page; not added"
            )


def _keep_better(
    table: dict[int, RequestEvent],
    key: int,
    event: RequestEvent,
    preferred: set[str] | frozenset[str],
) -> None:
    """Keep the first event of a preferred type for a message, else its first event."""
    current = table.get(key)
    if current is None or (
        current.event_type not in preferred and event.event_type in preferred
    ):
        table[key] = event
