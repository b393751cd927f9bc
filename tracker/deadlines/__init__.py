"""Working-day calendars, legal regimes and the deadlines of a thread.

The one place for the working-day rule. FOIA s.10(6): a working day is any day other than a
Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in *any part* of the United
Kingdom, so the calendar for FOIA and EIR is the union of the ``holidays`` package's UK
subdivisions. FOISA s.73 counts Scottish bank holidays only (Easter Monday is a working day
there). The day of receipt is day zero: the first working day after it is day one, so a request
sent on a Saturday has the Monday as day one (ICO guidance; WhatDoTheyKnow's
``Holiday.due_date_from``).

Regimes are data (``REGIMES``): period, unit, long stop, calendar, how receipt is counted,
extension, internal review and complaint route. ``assess`` reads the milestones of a classified
thread (request, clarification, fees notice, extension notice, first substantive response,
internal review) and gives the ``requests`` deadline columns; it never raises on bad data but
leaves the dependent columns empty and says why in ``problems``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Iterator
from zoneinfo import ZoneInfo

import holidays

from tracker.store.db import DEADLINE_COLUMNS
from tracker.model import OUTGOING, Authority, Message, Thread

log = logging.getLogger(__name__)

UK_SUBDIVISIONS = ("ENG", "NIR", "SCT", "WLS")
LONDON = ZoneInfo("Europe/London")

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
# How the day of receipt is counted.
RECEIPT_DAY_ZERO = "day_zero"  # ICO and WhatDoTheyKnow: the day of receipt is day zero, whatever day it is
RECEIPT_NEXT_WORKING_DAY = "next_working_day"  # s.45 Code (2018) para 4.2: a non-working day of receipt moves to the next working day


@dataclass(frozen=True)
class Calendar:
    """A named set of non-working days besides weekends."""

    name: str
    subdivisions: tuple[str, ...]

    def holidays_in(self, year: int) -> dict[date, str]:
        return _holidays_for(self.subdivisions, year)

    def holiday_name(self, day: date) -> str | None:
        return self.holidays_in(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays_in(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The day on which ``days`` working days after ``start`` (day zero) have been counted."""
        current = start
        counted = 0
        while counted < days:
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days counted after ``start`` up to and including ``end`` (0 if end <= start)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Weekday holidays after ``start`` up to and including ``end``, by name, in order."""
        found = []
        for year in range(start.year, end.year + 1):
            for day, name in self.holidays_in(year).items():
                if start < day <= end and day.weekday() < 5:
                    found.append((day, name))
        return sorted(found)

    def index(self, first: date, last: date) -> WorkingDayIndex:
        return WorkingDayIndex(self, first, last)


@lru_cache(maxsize=None)
def _holidays_for(subdivisions: tuple[str, ...], year: int) -> dict[date, str]:
    union: dict[date, str] = {}
    for subdivision in subdivisions:
        for day, name in holidays.UK(subdiv=subdivision, years=year).items():
            if day in union and name not in union[day]:
                union[day] = f"{union[day]}; {name}"
            else:
                union.setdefault(day, name)
    return union


UK = Calendar("uk", UK_SUBDIVISIONS)
SCOTLAND = Calendar("scotland", ("SCT",))
CALENDARS = {UK.name: UK, SCOTLAND.name: SCOTLAND}


def due_date(sent: date, working_days: int = 20, calendar: Calendar = UK) -> date:
    """Due date of a request received on ``sent`` (day zero)."""
    return calendar.add_working_days(sent, working_days)


class WorkingDayIndex:
    """Working-day ordinals over a fixed range, so that many dates cost a lookup each.

    ``ordinal(day)`` is the number of working days from ``first`` up to and including ``day``;
    the working days between two dates is the difference of their ordinals, and the day on which
    ``n`` working days after ``start`` have been counted is a list lookup. Used where thousands
    of dates are counted at once (the late check, the synthetic database).
    """

    def __init__(self, calendar: Calendar, first: date, last: date):
        if last < first:
            raise ValueError(f"empty range {first}..{last}")
        self.calendar = calendar
        self.first = first
        self.last = last
        self._ordinals: list[int] = []
        self._working: list[date] = []
        day, count = first, 0
        while day <= last:
            if calendar.is_working_day(day):
                count += 1
                self._working.append(day)
            self._ordinals.append(count)
            day += timedelta(days=1)

    def ordinal(self, day: date) -> int:
        offset = (day - self.first).days
        if not 0 <= offset < len(self._ordinals):
            raise ValueError(f"{day} is outside {self.first}..{self.last}")
        return self._ordinals[offset]

    def between(self, start: date, end: date) -> int:
        """As ``Calendar.working_days_between``."""
        return max(0, self.ordinal(end) - self.ordinal(start)) if end > start else 0

    def add(self, start: date, days: int) -> date:
        """As ``Calendar.add_working_days``."""
        if days <= 0:
            return start
        position = self.ordinal(start) + days - 1
        if position >= len(self._working):
            raise ValueError(f"{days} working days after {start} is beyond {self.last}")
        return self._working[position]

    def working_day_at(self, ordinal: int) -> date | None:
        """The working day with this ordinal (1 = the first working day of the range)."""
        return self._working[ordinal - 1] if 1 <= ordinal <= len(self._working) else None

    def days(self) -> Iterator[tuple[date, int]]:
        """Every day of the range with its ordinal."""
        for offset, ordinal in enumerate(self._ordinals):
            yield self.first + timedelta(days=offset), ordinal


# ---------------------------------------------------------------------------------------------
# Regimes, as data


@dataclass(frozen=True)
class ReviewRule:
    """How long an internal review may take, counted from the day the request for it is received."""

    period: int  # working days: the review is late after this
    long_stop: int  # working days: past this, complain to the regulator
    provision: str
    statutory: bool


@dataclass(frozen=True)
class Regime:
    id: str
    law: str  # full title
    short: str  # FOIA, EIR, FOISA, EISR
    calendar: Calendar
    provision: str  # where the period is set, e.g. "FOIA s.10(1)"
    period: int = 20
    unit: str = WORKING_DAYS
    receipt: str = RECEIPT_DAY_ZERO
    long_stop: int = 40  # "long overdue" (WhatDoTheyKnow's very late), in ``unit``
    school_long_stop: int | None = None  # the long stop for authorities tagged school / academy_trust
    extension_max: int | None = None  # the furthest an extension notice can move the due date
    extension_basis: str | None = None
    review: ReviewRule = ReviewRule(20, 40, "s.45 Code of Practice (2018) ch.5", statutory=False)
    regulator: str = "the Information Commissioner's Office (ICO)"
    regulator_site: str = "https://ico.org.uk/make-a-complaint/"
    complaint_provision: str = "FOIA s.50"


_FOIA = "Freedom of Information Act 2000"
_FOISA = "Freedom of Information (Scotland) Act 2002"
_SIC = "the Scottish Information Commissioner"
_SIC_SITE = "https://www.foi.scot/"

REGIMES: dict[str, Regime] = {
    regime.id: regime
    for regime in (
        Regime(
            "foia", _FOIA, "FOIA", UK, "FOIA s.10(1)",
            school_long_stop=60,  # SI 2004/3364 reg 3, SI 2010/2768: schools and academies, 60th working day
            extension_max=40,
            extension_basis="FOIA s.10(3) public interest extension (ICO: normally no more than 20 further working days)",
        ),
        Regime(
            "eir", "Environmental Information Regulations 2004", "EIR", UK, "EIR reg 5(2)",
            school_long_stop=60,  # as WhatDoTheyKnow shows schools, whatever the law used
            extension_max=40, extension_basis="EIR reg 7(1) extension for complex and voluminous requests",
            review=ReviewRule(40, 40, "EIR reg 11(4)", statutory=True),
            complaint_provision="EIR reg 18 (FOIA s.50)",
        ),
        Regime(
            "foisa", _FOISA, "FOISA", SCOTLAND, "FOISA s.10(1)",
            review=ReviewRule(20, 20, "FOISA s.21(1)", statutory=True),
            regulator=_SIC, regulator_site=_SIC_SITE, complaint_provision="FOISA s.47(1)",
        ),
        Regime(
            "eisr", "Environmental Information (Scotland) Regulations 2004", "EISR", SCOTLAND, "EISR reg 5(2)",
            extension_max=40, extension_basis="EISR reg 7(1) extension for complex and voluminous requests",
            review=ReviewRule(20, 20, "EISR reg 16(4)", statutory=True),
            regulator=_SIC, regulator_site=_SIC_SITE, complaint_provision="EISR reg 17 (FOISA s.47(1))",
        ),
    )
}
DEFAULT_REGIME = "foia"


class UnknownRegime(ValueError):
    """A regime name that is not in REGIMES; str() is one line."""


def get_regime(regime: str | Regime) -> Regime:
    if isinstance(regime, Regime):
        return regime
    try:
        return REGIMES[regime.lower()]
    except (KeyError, AttributeError):
        raise UnknownRegime(f"unknown regime {regime!r} (known: {', '.join(REGIMES)})") from None


def calendar_for(regime: str | Regime) -> Calendar:
    return get_regime(regime).calendar


def count_from(regime: Regime, start: date, days: int) -> date:
    """The day ``days`` (in the regime's unit) after a request received on ``start``."""
    calendar = regime.calendar
    if regime.receipt == RECEIPT_NEXT_WORKING_DAY:
        start = calendar.next_working_day(start)
    if regime.unit == CALENDAR_DAYS:
        return calendar.next_working_day(start + timedelta(days=days))
    return calendar.add_working_days(start, days)


# ---------------------------------------------------------------------------------------------
# The due dates of a sending day, with their working


@dataclass(frozen=True)
class Explanation:
    """A due date and how it was reached, for ``foi-tracker deadline``."""

    regime: Regime
    sent: date
    school: bool
    working_days: int
    long_stop: int
    due_date: date
    very_overdue_date: date
    skipped_holidays: list[tuple[date, str]]  # weekday holidays after day zero up to the due date
    skipped_holidays_to_very_overdue: list[tuple[date, str]]  # after the due date up to the long stop
    weekend_days: int  # Saturdays and Sundays after day zero up to the due date
    day_zero_note: str | None  # why day zero is what it is, when it is a non-working day

    def as_dict(self) -> dict[str, object]:
        """Keys named like the ``requests`` columns where there is one."""
        return {
            "regime": self.regime.id,
            "law": self.regime.law,
            "provision": self.regime.provision,
            "sent_at": self.sent.isoformat(),
            "school": self.school,
            "working_days": self.working_days,
            "long_stop_working_days": self.long_stop,
            "due_date": self.due_date.isoformat(),
            "very_overdue_date": self.very_overdue_date.isoformat(),
            "skipped_holidays": [{"date": d.isoformat(), "name": n} for d, n in self.skipped_holidays],
            "skipped_holidays_to_very_overdue": [
                {"date": d.isoformat(), "name": n} for d, n in self.skipped_holidays_to_very_overdue
            ],
            "weekend_days": self.weekend_days,
            "day_zero_note": self.day_zero_note,
        }


def long_stop_of(regime: Regime, school: bool) -> int:
    return regime.school_long_stop if school and regime.school_long_stop else regime.long_stop


def explain(sent: date, regime: str | Regime = DEFAULT_REGIME, school: bool = False) -> Explanation:
    """The due date and long-overdue date of a request sent on ``sent``, with the days skipped."""
    rule = get_regime(regime)
    calendar = rule.calendar
    long_stop = long_stop_of(rule, school)
    due = count_from(rule, sent, rule.period)
    very = count_from(rule, sent, long_stop)
    weekend_days = sum(1 for n in range(1, (due - sent).days + 1) if (sent + timedelta(days=n)).weekday() >= 5)
    note = None
    if not calendar.is_working_day(sent):
        what = calendar.holiday_name(sent) if sent.weekday() < 5 else f"{sent:%A}"
        note = (f"{sent} is not a working day ({what}); it is still day zero, so the next working "
                f"day, {calendar.next_working_day(sent)}, is day one")
        if rule.receipt == RECEIPT_NEXT_WORKING_DAY:
            note = f"{sent} is not a working day ({what}); the date of receipt is the next working day"
    return Explanation(
        regime=rule, sent=sent, school=school, working_days=rule.period, long_stop=long_stop,
        due_date=due, very_overdue_date=very,
        skipped_holidays=calendar.holidays_between(sent, due),
        skipped_holidays_to_very_overdue=calendar.holidays_between(due, very),
        weekend_days=weekend_days, day_zero_note=note,
    )


# ---------------------------------------------------------------------------------------------
# Which regime a thread falls under

_ENVIRONMENTAL = re.compile(
    r"environmental\s+information\s+(?:\(scotland\)\s+)?regulations|(?-i:\bEIS?Rs?\b)", re.IGNORECASE
)
SCHOOL_TAGS = frozenset({"school", "academy_trust"})


def is_scottish(authority: Authority | None) -> bool:
    if authority is None:
        return False
    if authority.regime in ("foisa", "eisr"):
        return True
    return any("scotland" in tag.lower() or "scottish" in tag.lower() for tag in authority.tags)


def is_school(authority: Authority | None) -> bool:
    return authority is not None and bool(SCHOOL_TAGS & {tag.lower() for tag in authority.tags})


def invokes_eir(thread: Thread) -> bool:
    """Whether the request was made, or is being handled, under the environmental regulations."""
    if (thread.law_used or "").lower() in ("eir", "eisr"):
        return True
    return any(_ENVIRONMENTAL.search(f"{m.subject or ''}\n{m.body_text or ''}") for m in thread.messages)


def regime_for(thread: Thread, site_regime: str = DEFAULT_REGIME) -> str:
    """FOISA (EISR if environmental) for Scottish authorities or a Scottish site; EIR when the
    correspondence invokes the Environmental Information Regulations; else the site's regime."""
    site = site_regime.lower() if site_regime and site_regime.lower() in REGIMES else DEFAULT_REGIME
    scottish = is_scottish(thread.authority) or site in ("foisa", "eisr")
    environmental = invokes_eir(thread) or site in ("eir", "eisr")
    if scottish:
        return "eisr" if environmental else "foisa"
    return "eir" if environmental else site


# ---------------------------------------------------------------------------------------------
# The milestones of a thread


@dataclass
class Assessment:
    regime: str
    columns: dict[str, object]
    problems: list[str] = field(default_factory=list)


@dataclass
class _Moment:
    day: date
    instant: datetime | None  # None for a date without a time


def parse_moment(text: str | None) -> _Moment | None:
    """An ISO date or instant as its Europe/London calendar day (naive instants are London time)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return _Moment(date.fromisoformat(text), None)
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=LONDON)
    return _Moment(instant.astimezone(LONDON).date(), instant)


def london_day(text: str | None) -> date | None:
    moment = parse_moment(text)
    return moment.day if moment else None


def _before(a: _Moment, b: _Moment) -> bool:
    if a.instant is not None and b.instant is not None:
        return a.instant < b.instant
    return a.day < b.day


RESPONSE_KINDS = frozenset({"response"})
# A message dated after ``today`` is bad data, but a day's slip is a clock or a caller counting in
# UTC (00:30 in London in summer is still yesterday in UTC): not worth ignoring a message for.
FUTURE_TOLERANCE = timedelta(days=1)
_FEE_PAID_KEYS = ("fee_received", "fee_paid", "paid_on")
_CLOCK_KINDS = frozenset({
    "request", "clarification", "clarification_request", "fees_notice", "extension_notice", "response",
    "internal_review_request", "internal_review_response",
})


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
            if message.kind in _CLOCK_KINDS:
                problems.append(f"{message.id}: {message.kind} date {message.sent_at!r} does not parse; ignored")
            continue
        if latest is not None and moment.day > latest:
            problems.append(f"{message.id}: {message.kind} dated {moment.day}, after today; ignored")
            continue
        kind, outgoing = message.kind, message.direction == OUTGOING
        if _before(moment, sent):
            if message.kind in _CLOCK_KINDS:
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
    if status not in ("waiting_response", "waiting_response_overdue", "waiting_response_very_overdue"):
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
        thread.status = calendar_status(thread.status, result.columns, today or datetime.now(LONDON).date())
    for problem in result.problems:
        line = f"deadlines: {problem}"
        if line not in thread.warnings:
            thread.warnings.append(line)
            log.info("%s: %s", thread.id, line)
    return thread


def review_long_stop_date(regime: str | Regime, review_due: date) -> date:
    """The day past which a review is long overdue, from its due date (a working day)."""
    rule = get_regime(regime)
    return rule.calendar.add_working_days(review_due, rule.review.long_stop - rule.review.period)


__all__ = [
    "CALENDARS", "Assessment", "Calendar", "Explanation", "REGIMES", "Regime", "ReviewRule", "SCOTLAND", "UK",
    "UnknownRegime", "WorkingDayIndex", "apply", "assess", "calendar_for", "calendar_status", "compute", "count_from",
    "due_date", "explain", "get_regime", "is_school", "is_scottish", "london_day", "regime_for",
    "review_long_stop_date",
]
