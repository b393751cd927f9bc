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

__all__ = ["explain_status", "infer_status"]

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
    return explain_status(thread)[0]


def _on(message: Message) -> str:
    return f" of {message.sent_at[:10]}" if message.sent_at else ""


def _reading(message: Message) -> str:
    """The first reason the reader gave for the message's outcome (or its kind)."""
    reasons = [r for r in message.reasons if r.startswith("outcome ")] or message.reasons
    return f" ({reasons[0]})" if reasons else ""


def explain_status(thread: Thread) -> tuple[str, str]:
    """Our status of a classified thread and, in one sentence, the message that decides it."""
    status, why = "waiting_response", "no substantive answer yet"
    settled: tuple[str, str] | None = None  # the outcome before a review was asked for, and why
    bounced = False
    for message in thread.messages:
        kind = message.kind
        if message.direction == OUTGOING:
            if kind == "withdrawal":
                return "user_withdrawn", f"the requester withdrew the request{_on(message)}"
            if kind == "internal_review_request":
                settled = (status, why) if status in DECIDED_STATES else settled
                status, why = "internal_review", f"an internal review was asked for{_on(message)} and has not been answered"
            elif kind == "clarification" and status == "waiting_clarification":
                status, why = "waiting_response", f"the requester clarified{_on(message)}; no answer since"
            elif kind == "follow_up" and status in DECIDED_STATES and _CHASE.search(reading_text(message.body_text)):
                status, why = "waiting_response", f"the requester said{_on(message)} the answer was not complete and is waiting"
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
            why = f"the answer{_on(message)} reads {message.outcome.replace('_', ' ')}{_reading(message)}"
        elif kind == "response" and message.outcome is None:
            status = "waiting_classification"  # answered, in an attachment we cannot read
            why = f"the answer{_on(message)} is in an attachment whose outcome its words do not say"
        elif kind == "internal_review_response":
            outcome = (message.outcome or "upheld").replace("_", " ")
            if message.outcome in REVIEW_OUTCOME_STATE and message.outcome != "upheld":
                status = REVIEW_OUTCOME_STATE[message.outcome]
            else:
                status = settled[0] if settled else (status if status in DECIDED_STATES else "rejected")
            why = f"the internal review{_on(message)} reads {outcome}{_reading(message)}"
        elif kind == "clarification_request" and status not in DECIDED_STATES:
            status, why = "waiting_clarification", f"the authority asked for clarification{_on(message)}; no reply from the requester since"
        elif kind == "other" and status not in DECIDED_STATES and status != "internal_review" and _POSTAL.search(message.body_text or ""):
            status, why = "gone_postal", f"the authority answered by post{_on(message)}"
    if bounced:
        return "error_message", "the last message to the authority bounced"
    return status, why
