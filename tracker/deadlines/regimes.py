"""Legal regimes as data, and which regime a thread falls under.

Each regime says its period, unit, long stop, calendar, how the day of receipt is counted, its
extension, its internal review rule and its complaint route. ``calendar_for`` is the one lookup
from a regime to its calendar: the daily check, the thread page and the views all use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.deadlines.calendars import (
    CALENDAR_DAYS,
    RECEIPT_DAY_ZERO,
    RECEIPT_NEXT_WORKING_DAY,
    SCOTLAND,
    UK,
    WORKING_DAYS,
    Calendar,
)
from tracker.model import Authority, Thread

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


def stored_calendar(regime: str | None) -> Calendar:
    """The calendar of a regime as a request row stores it: the default regime's when the row has
    none or one not known (as the daily check counts)."""
    try:
        return calendar_for(regime or DEFAULT_REGIME)
    except UnknownRegime:
        return calendar_for(DEFAULT_REGIME)


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




def review_long_stop_date(regime: str | Regime, review_due: date) -> date:
    """The day past which a review is long overdue, from its due date (a working day)."""
    rule = get_regime(regime)
    return rule.calendar.add_working_days(review_due, rule.review.long_stop - rule.review.period)
