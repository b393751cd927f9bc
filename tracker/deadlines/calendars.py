"""Working-day calendars: which days are not working days, and counting working days.

FOIA s.10(6): a working day is any day other than a Saturday, a Sunday, Christmas Day, Good
Friday or a bank holiday in *any part* of the United Kingdom, so the calendar for FOIA and EIR is
the union of the ``holidays`` package's UK subdivisions. FOISA s.73 counts Scottish bank
holidays only (Easter Monday is a working day there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterator

import holidays

UK_SUBDIVISIONS = ("ENG", "NIR", "SCT", "WLS")

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


