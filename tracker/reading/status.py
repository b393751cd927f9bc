"""A request's status, in Alaveteli's state names, from its classified messages.

Walks the thread in order as a requester would when choosing a state on the site: an answer
sets the outcome, a request for clarification waits for the requester, a review request waits
for the review, whose outcome decides the final state (upheld keeps the original outcome,
overturned is successful, partially overturned partially successful). Holding letters,
acknowledgements and out-of-office replies change nothing; a bounce is an error until a later
reply arrives. A requester who chases after an answer ("I am yet to receive a response") is
still waiting. The calendar variants (``waiting_response_overdue`` / ``_very_overdue``) are the
deadline module's business, not this one's.
"""

from __future__ import annotations

import re

from tracker.reading.hygiene import BOUNCE, reading_text
from tracker.model import INCOMING, OUTGOING, Message, Thread
from tracker.model.taxonomy import DECIDED_STATES, RESPONSE_OUTCOME_STATE, REVIEW_OUTCOME_STATE

__all__ = ["infer_status"]

_CHASE = re.compile(
    r"yet to receive|still (?:waiting|awaiting)|have (?:still )?not (?:yet )?(?:received|had|heard)|(?:not|n't) (?:yet )?(?:responded|replied|answered)"
    r"|when (?:can|may|will|could|should) i expect|please (?:can you )?(?:provide|send) (?:me )?(?:a|the|your) (?:response|reply|answer)",
    re.I,
)
_POSTAL = re.compile(r"postal address|by post\b|posted (?:to you|out)|by (?:royal )?mail\b", re.I)


def _is_bounce(message: Message) -> bool:
    return message.kind == "auto_reply" and any(BOUNCE in reason for reason in message.reasons)


def infer_status(thread: Thread) -> str:
    """Our status of a classified thread (``tracker.reading.classify.classify_thread`` has run)."""
    status = "waiting_response"
    settled: str | None = None  # the outcome before a review was asked for
    bounced = False
    for message in thread.messages:
        kind = message.kind
        if message.direction == OUTGOING:
            if kind == "withdrawal":
                return "user_withdrawn"
            if kind == "internal_review_request":
                settled = status if status in DECIDED_STATES else settled
                status = "internal_review"
            elif kind == "clarification" and status == "waiting_clarification":
                status = "waiting_response"
            elif kind == "follow_up" and status in DECIDED_STATES and _CHASE.search(reading_text(message.body_text)):
                status = "waiting_response"
            continue
        if message.direction != INCOMING:
            continue
        if _is_bounce(message):
            bounced = status not in DECIDED_STATES
            continue
        if kind == "auto_reply":
            continue
        bounced = False
        if kind == "response" and message.outcome in RESPONSE_OUTCOME_STATE:
            status = RESPONSE_OUTCOME_STATE[message.outcome]
        elif kind == "response" and message.outcome is None:
            status = "waiting_classification"  # answered, in an attachment we cannot read
        elif kind == "internal_review_response":
            if message.outcome in REVIEW_OUTCOME_STATE and message.outcome != "upheld":
                status = REVIEW_OUTCOME_STATE[message.outcome]
            else:
                status = settled or (status if status in DECIDED_STATES else "rejected")
        elif kind == "clarification_request" and status not in DECIDED_STATES:
            status = "waiting_clarification"
        elif kind == "other" and status not in DECIDED_STATES and status != "internal_review" and _POSTAL.search(message.body_text or ""):
            status = "gone_postal"
    if bounced:
        return "error_message"
    return status
