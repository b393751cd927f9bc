"""Deadlines: working-day calendars, legal regimes as data, and the milestones of a thread.

``calendars`` (which days count), ``regimes`` (each law's clock, as data, and which law a thread
falls under) and ``clock`` (a thread's deadline columns). This package never touches the database.
"""

from tracker.deadlines.calendars import (
    CALENDAR_DAYS, CALENDARS, RECEIPT_DAY_ZERO, RECEIPT_NEXT_WORKING_DAY, SCOTLAND, UK, WORKING_DAYS,
    Calendar, WorkingDayIndex, due_date,
)
from tracker.deadlines.clock import (
    DEADLINE_COLUMNS, Assessment, apply, assess, calendar_status, compute, parse_moment,
)
from tracker.deadlines.regimes import (
    DEFAULT_REGIME, REGIMES, Explanation, Regime, ReviewRule, UnknownRegime, calendar_for, count_from,
    explain, get_regime, is_school, is_scottish, long_stop_of, regime_for, review_long_stop_date,
    stored_calendar,
)

__all__ = [
    "CALENDAR_DAYS", "CALENDARS", "DEADLINE_COLUMNS", "DEFAULT_REGIME", "RECEIPT_DAY_ZERO",
    "RECEIPT_NEXT_WORKING_DAY", "REGIMES", "SCOTLAND", "UK", "WORKING_DAYS", "Assessment", "Calendar",
    "Explanation", "Regime", "ReviewRule", "UnknownRegime", "WorkingDayIndex", "apply", "assess",
    "calendar_for", "calendar_status", "compute", "count_from", "due_date", "explain", "get_regime",
    "is_school", "is_scottish", "long_stop_of", "parse_moment", "regime_for", "review_long_stop_date",
    "stored_calendar",
]
