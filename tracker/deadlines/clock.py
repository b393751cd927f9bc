"""The deadlines of a thread: its milestones read from the classified messages.

``assess`` reads the milestones of a classified thread (request, clarification, fees notice,
extension notice, first substantive response, internal review) and gives the ``requests``
deadline columns (``DEADLINE_COLUMNS``); it never raises on bad data but leaves the dependent
columns empty and says why in ``problems``. The day of receipt is day zero: the first working
day after it is day one (ICO guidance; WhatDoTheyKnow's ``Holiday.due_date_from``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from tracker.deadlines.regimes import (
    DEFAULT_REGIME,
    REGIMES,
    Regime,
    count_from,
    is_school,
    long_stop_of,
    regime_for,
)
from tracker.model import OUTGOING, Message, Thread
from tracker.model.taxonomy import AWAITING_RESPONSE_STATES, CLOCK_KINDS
from tracker.model.times import instant_or_none, london_day, london_today

log = logging.getLogger(__name__)

# The requests columns this module computes (tracker.store saves exactly these).
DEADLINE_COLUMNS = (
    "sent_at", "due_date", "very_overdue_date", "first_response_at", "working_days_to_response",
    "answered_on_time", "review_requested_at", "review_due_date", "review_responded_at",
)

# ---------------------------------------------------------------------------------------------
# The milestones of a thread


@dataclass
class Assessment:
    """A thread's deadline columns under its regime, and what kept any of them from being known."""

    regime: str
    columns: dict[str, object]
    problems: list[str] = field(default_factory=list)


class _Moment(NamedTuple):
    """A milestone's London day, and its instant when the source gave a time."""

    day: date
    instant: datetime | None


def parse_moment(text: str | None) -> _Moment | None:
    """An ISO date or instant as its Europe/London calendar day (``times.instant`` reads it)."""
    if text and len(text) == 10:
        day = london_day(text)
        return _Moment(day, None) if day else None
    moment = instant_or_none(text)
    return _Moment(london_today(moment), moment) if moment else None


def _before(a: _Moment, b: _Moment) -> bool:
    if a.instant is not None and b.instant is not None:
        return a.instant < b.instant
    return a.day < b.day


RESPONSE_KINDS = frozenset({"response"})
# A message dated after ``today`` is bad data, but a day's slip is a clock or a caller counting in
# UTC (00:30 in London in summer is still yesterday in UTC): not worth ignoring a message for.
FUTURE_TOLERANCE = timedelta(days=1)
_FEE_PAID_KEYS = ("fee_received", "fee_paid", "paid_on")


def _stated_date(message: Message, keys: tuple[str, ...]) -> date | None:
    for key in keys:
        value = message.stated_dates.get(key)
        if value:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


@dataclass
class _Clock:
    """The response clock as the thread's messages move it."""

    regime: Regime
    start: date
    paused: int = 0  # working days disregarded (fees notice to fee received)
    fee_from: date | None = None
    awaiting_clarification: date | None = None
    extension: date | None = None
    extended: bool = False

    def restart(self, day: date) -> None:
        self.start, self.paused, self.fee_from = day, 0, None
        self.awaiting_clarification, self.extension, self.extended = None, None, False

    def base_due(self) -> date:
        return count_from(self.regime, self.start, self.regime.period + self.paused)

    def pause_until(self, day: date) -> None:
        if self.fee_from is not None:
            calendar = self.regime.calendar
            first = max(self.fee_from, self.start + timedelta(days=1))
            self.paused += calendar.working_days_between(first - timedelta(days=1), day)
            self.fee_from = None


def assess(thread: Thread, today: date | None = None, site_regime: str = DEFAULT_REGIME) -> Assessment:
    """The deadline columns of a classified thread, and what stopped any of them being known."""
    regime_id = regime_for(thread, site_regime)
    regime = REGIMES[regime_id]
    columns: dict[str, object] = dict.fromkeys(DEADLINE_COLUMNS)
    result = Assessment(regime_id, columns)
    problems = result.problems
    if not any(m.kind for m in thread.messages):
        problems.append("no message is classified yet, so no milestone is known")
        return result
    index = next((i for i, m in enumerate(thread.messages) if m.kind == "request" and m.direction == OUTGOING), None)
    if index is None:
        problems.append("no outgoing request in the thread: no clock to start")
        return result
    request = thread.messages[index]
    sent = parse_moment(request.sent_at)
    if sent is None:
        problems.append(f"the request's date {request.sent_at!r} does not parse")
        return result
    latest = today + FUTURE_TOLERANCE if today is not None else None
    if latest is not None and sent.day > latest:
        problems.append(f"the request is dated {sent.day}, after today ({today})")
        return result
    columns["sent_at"] = request.sent_at
    clock = _Clock(regime, sent.day)
    response: tuple[Message, _Moment] | None = None
    early_response: tuple[Message, _Moment] | None = None
    stopped_at_response: str | None = None
    review: tuple[Message, _Moment] | None = None
    review_answer: tuple[Message, _Moment] | None = None

    for position, message in enumerate(thread.messages):
        if position == index or not message.kind:
            continue
        moment = parse_moment(message.sent_at)
        if moment is None:
            if message.kind in CLOCK_KINDS:
                problems.append(f"{message.id}: {message.kind} date {message.sent_at!r} does not parse; ignored")
            continue
        if latest is not None and moment.day > latest:
            problems.append(f"{message.id}: {message.kind} dated {moment.day}, after today; ignored")
            continue
        kind, outgoing = message.kind, message.direction == OUTGOING
        if _before(moment, sent):
            if message.kind in CLOCK_KINDS:
                problems.append(f"{message.id}: {kind} dated {message.sent_at}, before the request ({request.sent_at})")
            if kind in RESPONSE_KINDS and early_response is None and not outgoing:
                early_response = (message, moment)
            continue
        if response is None:
            if outgoing and kind == "request":  # sent again: the clock restarts, as on Alaveteli
                clock.restart(moment.day)
            elif not outgoing and kind == "clarification_request":
                clock.awaiting_clarification = clock.awaiting_clarification or moment.day
            elif outgoing and kind == "clarification":
                clock.restart(moment.day)
            elif not outgoing and kind == "fees_notice":
                if clock.fee_from is None:
                    if moment.day <= clock.base_due():
                        clock.fee_from = moment.day
                    else:
                        problems.append(f"{message.id}: fees notice given after the due date; not a pause")
            elif clock.fee_from is not None and (outgoing or _stated_date(message, _FEE_PAID_KEYS)):
                clock.pause_until(_stated_date(message, _FEE_PAID_KEYS) or moment.day)
            elif not outgoing and kind == "extension_notice":
                if regime.extension_max is None:
                    problems.append(f"{message.id}: {regime.short} has no extension; the due date stands")
                else:
                    clock.extended = True
                    stated = _stated_date(message, ("respond_by", "new_due_date", "due_date"))
                    if stated and (clock.extension is None or stated > clock.extension):
                        clock.extension = stated
            elif not outgoing and kind in RESPONSE_KINDS:
                response = (message, moment)
                if clock.awaiting_clarification is not None:
                    stopped_at_response = f"clarification requested on {clock.awaiting_clarification}"
                else:
                    clock.pause_until(moment.day)
        if outgoing and kind == "internal_review_request" and review is None:
            review = (message, moment)
        elif not outgoing and kind == "internal_review_response" and review is not None and review_answer is None:
            review_answer = (message, moment)

    out_of_order = response is None and early_response is not None
    _fill_response_columns(columns, problems, regime, thread, clock, response or early_response, out_of_order,
                           stopped_at_response)
    _fill_review_columns(columns, problems, regime, review, review_answer)
    return result


def _fill_response_columns(
    columns: dict[str, object], problems: list[str], regime: Regime, thread: Thread, clock: _Clock,
    response: tuple[Message, _Moment] | None, out_of_order: bool, stopped_at_response: str | None,
) -> None:
    calendar = regime.calendar
    stopped = None
    if response is None:
        if clock.awaiting_clarification is not None:
            stopped = f"clock stopped: clarification requested on {clock.awaiting_clarification}"
        elif clock.fee_from is not None:
            stopped = f"clock stopped: fees notice given on {clock.fee_from}, no payment seen"
    elif stopped_at_response:
        stopped = f"answered while the clock was stopped ({stopped_at_response})"
    if stopped:
        problems.append(stopped)
    else:
        due = clock.base_due()
        very = count_from(regime, clock.start, long_stop_of(regime, is_school(thread.authority)) + clock.paused)
        if clock.extended and regime.extension_max is not None:
            furthest = count_from(regime, clock.start, regime.extension_max + clock.paused)
            extended = min(clock.extension or furthest, furthest)
            if clock.extension and clock.extension > furthest:
                problems.append(f"extension to {clock.extension} is beyond the {regime.extension_max} working days "
                                f"{regime.short} allows; counted to {furthest}")
            due = max(due, extended)
        columns["due_date"] = due.isoformat()
        columns["very_overdue_date"] = max(very, due).isoformat()
    if response is None:
        return
    message, moment = response
    columns["first_response_at"] = message.sent_at
    if out_of_order:
        return  # answered, but when relative to the request is unknown: no time, no on-time
    paused = clock.paused if not stopped else 0
    columns["working_days_to_response"] = max(0, calendar.working_days_between(clock.start, moment.day) - paused)
    if columns["due_date"] is not None:
        columns["answered_on_time"] = int(moment.day <= date.fromisoformat(str(columns["due_date"])))


def _fill_review_columns(
    columns: dict[str, object], problems: list[str], regime: Regime,
    review: tuple[Message, _Moment] | None, answer: tuple[Message, _Moment] | None,
) -> None:
    if review is None:
        return
    message, moment = review
    columns["review_requested_at"] = message.sent_at
    columns["review_due_date"] = count_from(regime, moment.day, regime.review.period).isoformat()
    if answer is not None:
        columns["review_responded_at"] = answer[0].sent_at
        if _before(answer[1], moment):
            problems.append(f"{answer[0].id}: internal review response dated before the review was requested")


def compute(thread: Thread, today: date | None = None, site_regime: str = DEFAULT_REGIME) -> dict[str, object]:
    """Exactly the ``requests`` deadline columns (ISO strings, ints or None)."""
    return assess(thread, today, site_regime).columns


def calendar_status(status: str | None, columns: dict[str, object], today: date) -> str | None:
    """Alaveteli's calendar variants of ``waiting_response``: ``waiting_response_overdue`` after
    the due date, ``waiting_response_very_overdue`` after the long stop; other states unchanged."""
    if status not in AWAITING_RESPONSE_STATES:
        return status
    due, very = london_day(str(columns.get("due_date") or "")), london_day(str(columns.get("very_overdue_date") or ""))
    if very and today > very:
        return "waiting_response_very_overdue"
    if due and today > due:
        return "waiting_response_overdue"
    return "waiting_response"


def apply(thread: Thread, today: date | None = None, site_regime: str = DEFAULT_REGIME) -> Thread:
    """Set ``thread.regime`` and ``thread.deadlines``, and give a waiting ``thread.status`` its
    overdue variant as on ``today`` (London); problems go to ``thread.warnings``."""
    result = assess(thread, today, site_regime)
    thread.regime = result.regime
    thread.deadlines = result.columns
    if thread.status:
        thread.status = calendar_status(thread.status, result.columns, today or london_today())
    for problem in result.problems:
        line = f"deadlines: {problem}"
        if line not in thread.warnings:
            thread.warnings.append(line)
            log.info("%s: %s", thread.id, line)
    return thread
