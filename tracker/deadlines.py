"""Working-day calendars and statutory due dates.

The one place for the working-day rule. FOIA s.10(6): a working day is any day other than a
Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in *any part* of the United
Kingdom, so the calendar for FOIA and EIR is the union of the ``holidays`` package's UK
subdivisions. FOISA counts Scottish holidays only. The day of receipt is day zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

UK_SUBDIVISIONS = ("ENG", "NIR", "SCT", "WLS")


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


def due_date(sent: date, working_days: int = 20, calendar: Calendar = UK) -> date:
    """Due date of a request received on ``sent`` (day zero)."""
    return calendar.add_working_days(sent, working_days)
