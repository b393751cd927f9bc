"""The vocabulary, in one place: message kinds, outcomes, request states and the sets of states.

Request states are Alaveteli's state names, so that our ``requests.status`` and the site's
``requests.site_status`` speak the same language: the states a requester (or an administrator)
picks on the site, the calendar variants Alaveteli computes from the due date
(``waiting_response_overdue``, ``waiting_response_very_overdue``) and ``waiting_classification``
(a response arrived that the requester has not classified). Labels are the site's own short
descriptions.

Every other module, the SQL views (``tracker.store.schema``) and the canned queries
(``tracker/web/metadata.yml``) take these names from here: the views and queries through the
``states``, ``kinds`` and ``outcomes`` reference tables written from this module.
``tests/test_taxonomy.py`` fails if a list of states or kinds is typed out anywhere else.
"""

from __future__ import annotations

from tracker.model.objects import INCOMING, OUTGOING

__all__ = [
    "ADMIN_STATES",
    "ANSWER_KINDS",
    "ANSWERED_STATES",
    "AWAITING_RESPONSE_STATES",
    "CLOCK_KINDS",
    "CLOSED_STATES",
    "CLOSED_WITHOUT_ANSWER",
    "DECIDED_STATES",
    "INACTIVE_STATES",
    "INCOMING_KINDS",
    "KIND_DIRECTION",
    "KIND_LABELS",
    "KINDS",
    "OPEN_STATES",
    "OUTCOME_KIND",
    "OUTCOME_LABELS",
    "OUTCOME_STATE",
    "OUTCOMES",
    "OUTGOING_KINDS",
    "RELIED_ON_KINDS",
    "RESPONSE_OUTCOME_STATE",
    "RESPONSE_OUTCOMES",
    "REVIEW_OUTCOME_STATE",
    "REVIEW_OUTCOMES",
    "SENT_STATE",
    "STATE_LABELS",
    "STATE_OUTCOME",
    "STATES",
    "UNSETTLED_STATES",
    "base_state",
]

# ------------------------------------------------------------------------------ message kinds

# Every kind: who writes it and its label. The requester's first, in the order a thread meets
# them; then the authority's (or its mail system's).
_KINDS: tuple[tuple[str, str, str], ...] = (
    ("request", OUTGOING, "Request"),
    ("follow_up", OUTGOING, "Follow-up"),
    ("clarification", OUTGOING, "Clarification"),
    ("internal_review_request", OUTGOING, "Internal review request"),
    ("withdrawal", OUTGOING, "Withdrawal"),
    ("acknowledgement", INCOMING, "Acknowledgement"),
    ("auto_reply", INCOMING, "Automatic reply"),
    ("clarification_request", INCOMING, "Clarification request"),
    ("fees_notice", INCOMING, "Fees notice"),
    ("extension_notice", INCOMING, "Extension notice"),
    ("delay_notice", INCOMING, "Delay notice"),
    ("response", INCOMING, "Response"),
    ("internal_review_response", INCOMING, "Internal review response"),
    ("other", INCOMING, "Other"),
)
KINDS: tuple[str, ...] = tuple(kind for kind, _, _ in _KINDS)
KIND_DIRECTION: dict[str, str] = {kind: direction for kind, direction, _ in _KINDS}
KIND_LABELS: dict[str, str] = {kind: label for kind, _, label in _KINDS}
OUTGOING_KINDS: tuple[str, ...] = tuple(kind for kind in KINDS if KIND_DIRECTION[kind] == OUTGOING)
INCOMING_KINDS: tuple[str, ...] = tuple(kind for kind in KINDS if KIND_DIRECTION[kind] == INCOMING)

# The answers: the kinds that carry an outcome.
ANSWER_KINDS: tuple[str, ...] = ("response", "internal_review_response")
# Kinds in which a cited exemption is relied on: an answer, or an extension to consider the
# public interest in one. Elsewhere (an acknowledgement quoting the law, say) it is only cited.
RELIED_ON_KINDS: tuple[str, ...] = (*ANSWER_KINDS, "extension_notice")
# Kinds that start, pause, restart, extend or stop a statutory clock (tracker.deadlines.clock).
CLOCK_KINDS: tuple[str, ...] = (
    "request", "clarification", "clarification_request", "fees_notice", "extension_notice",
    *ANSWER_KINDS, "internal_review_request",
)

# ------------------------------------------------------------------------------ outcomes

# Every outcome: the answer it belongs to, the state a requester picks after reading it, and its
# label. "refused" in the law and on the site's pages is "rejected" in its data. An upheld review
# keeps the outcome under review (tracker.reading.status); "rejected" is its state when that is
# unknown.
_OUTCOMES: tuple[tuple[str, str, str, str], ...] = (
    ("successful", "response", "successful", "Successful"),
    ("partially_successful", "response", "partially_successful", "Partially successful"),
    ("not_held", "response", "not_held", "Information not held"),
    ("refused", "response", "rejected", "Refused"),
    ("upheld", "internal_review_response", "rejected", "Upheld"),
    ("overturned", "internal_review_response", "successful", "Overturned"),
    ("partially_overturned", "internal_review_response", "partially_successful", "Partially overturned"),
)
OUTCOMES: tuple[str, ...] = tuple(outcome for outcome, *_ in _OUTCOMES)
OUTCOME_KIND: dict[str, str] = {outcome: kind for outcome, kind, _, _ in _OUTCOMES}
OUTCOME_STATE: dict[str, str] = {outcome: state for outcome, _, state, _ in _OUTCOMES}
OUTCOME_LABELS: dict[str, str] = {outcome: label for outcome, _, _, label in _OUTCOMES}
RESPONSE_OUTCOMES: tuple[str, ...] = tuple(o for o in OUTCOMES if OUTCOME_KIND[o] == "response")
REVIEW_OUTCOMES: tuple[str, ...] = tuple(o for o in OUTCOMES if OUTCOME_KIND[o] == "internal_review_response")
RESPONSE_OUTCOME_STATE: dict[str, str] = {outcome: OUTCOME_STATE[outcome] for outcome in RESPONSE_OUTCOMES}
REVIEW_OUTCOME_STATE: dict[str, str] = {outcome: OUTCOME_STATE[outcome] for outcome in REVIEW_OUTCOMES}

# ------------------------------------------------------------------------------ request states

# Every state, with the site's short description of it.
STATE_LABELS: dict[str, str] = {
    "waiting_response": "Awaiting response",
    "waiting_response_overdue": "Delayed",
    "waiting_response_very_overdue": "Long overdue",
    "waiting_clarification": "Waiting clarification",
    "successful": "Successful",
    "partially_successful": "Partially successful",
    "not_held": "Information not held",
    "rejected": "Refused",
    "internal_review": "Awaiting internal review",
    "user_withdrawn": "Withdrawn by the requester",
    "gone_postal": "Handled by postal mail",
    "error_message": "Delivery error",
    "waiting_classification": "Awaiting classification",
    "requires_admin": "Unusual response",
    "attention_requested": "Reported for administrator attention",
    "vexatious": "Considered by administrators as vexatious",
    "not_foi": "Considered by administrators as not an FOI request",
}
STATES: tuple[str, ...] = tuple(STATE_LABELS)

# waiting_response and its calendar variants: the authority owes a response.
AWAITING_RESPONSE_STATES: tuple[str, ...] = (
    "waiting_response", "waiting_response_overdue", "waiting_response_very_overdue",
)
# The request's outcome is known (the states a response outcome leads to).
DECIDED_STATES: tuple[str, ...] = tuple(dict.fromkeys(RESPONSE_OUTCOME_STATE.values()))
# The request ended without an outcome: nothing more is owed, not even an internal review.
INACTIVE_STATES: tuple[str, ...] = ("user_withdrawn", "gone_postal", "error_message", "not_foi", "vexatious")
# No response is awaited from the authority, so the response clock cannot be late (the late
# check, the late views and queries, the thread page): decided, inactive, or waiting for the
# requester's clarification (which stops the clock until it arrives).
CLOSED_STATES: tuple[str, ...] = (*DECIDED_STATES, *INACTIVE_STATES, "waiting_clarification")
# The request is in progress, someone is expected to write soon: polled daily.
OPEN_STATES: tuple[str, ...] = (*AWAITING_RESPONSE_STATES, "waiting_clarification", "internal_review")
# The site's state may yet change without a new message (a requester classifying, an
# administrator acting): polled every few days.
UNSETTLED_STATES: tuple[str, ...] = (
    "waiting_classification", "gone_postal", "error_message", "requires_admin", "attention_requested",
)
# A substantive answer has arrived (classified or not, or now under internal review).
ANSWERED_STATES: tuple[str, ...] = (*DECIDED_STATES, "waiting_classification", "internal_review")
# States that hand the request to the site's administrators.
ADMIN_STATES: tuple[str, ...] = ("requires_admin", "attention_requested", "vexatious", "not_foi")
# Inactive states a request reaches without any answer, with the words the thread page uses.
CLOSED_WITHOUT_ANSWER: dict[str, str] = {
    "user_withdrawn": "withdrawn by the requester",
    "gone_postal": "continued by post",
    "error_message": "the request could not be delivered",
}

# The outcome a decided state records.
STATE_OUTCOME: dict[str, str] = {state: outcome for outcome, state in RESPONSE_OUTCOME_STATE.items()}
# The state Alaveteli records on an outgoing message of these kinds (its ``calculated_state``);
# the site records none on the others.
SENT_STATE: dict[str, str] = {
    "request": "waiting_response",
    "clarification": "waiting_response",
    "internal_review_request": "internal_review",
}


def base_state(state: str) -> str:
    """The state a requester chose, without the site's calendar: the overdue variants are
    ``waiting_response``."""
    return "waiting_response" if state in AWAITING_RESPONSE_STATES else state
