"""Time: the one home for "now", "today in London" and reading instants.

Every part of foi-tracker asks this module, and nothing else, what time it is (``utc_now``),
what day it is in the UK (``london_today``), and what an instant written as text means
(``instant``); every instant it records is written by ``iso``. A test fails if
``datetime.now()``, ``date.today()`` or a ``ZoneInfo`` appears anywhere else.

**The rule for naive instants.** An ISO 8601 instant without an offset is Europe/London
wall-clock time. The text we read is UK text: Alaveteli sites print London local times on their
pages, the statutory clock counts London days, and a time a person types (``--today``, a config
value, a test) is London time. Sources that know their offset carry it and keep it: e-mail
``Date`` headers have one (``-0000``, "UTC, local zone unknown" in RFC 5322, is read as UTC by
``scrapers.mailbox``), the pages' ``datetime`` attributes and .json have one, and everything we
store was written by ``iso`` (UTC, ``+00:00``). A London time that occurs twice (the autumn hour)
is its first occurrence; one that never occurs (the spring hour) is read with the offset before
the change, as ``zoneinfo`` does.

**The clock.** ``utc_now`` reads a clock that is the system's unless ``frozen`` replaces it for
a while with one that stands still until it is stepped: whatever runs inside then records
instants that do not depend on when it ran. Tests use it instead of patching.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON_ZONE = "Europe/London"
LONDON = ZoneInfo(LONDON_ZONE)
UTC = timezone.utc


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _system_clock


def utc_now() -> datetime:
    """Now, as an aware UTC datetime (from the frozen clock while one is set)."""
    return _clock().astimezone(UTC)


def london_today(now: datetime | None = None) -> date:
    """The calendar day in the UK at ``now`` (default: now), the day the statutory clock counts."""
    return (now or utc_now()).astimezone(LONDON).date()


def instant(text: str) -> datetime:
    """An ISO 8601 instant as an aware datetime; without an offset it is London time (see above).

    Raises ValueError for text that is not an ISO 8601 date or instant.
    """
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def instant_or_none(text: str | None) -> datetime | None:
    """``instant``, or None for missing or unreadable text (a letter may lack a time)."""
    if not text:
        return None
    try:
        return instant(text)
    except ValueError:
        return None


def london_day(text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day as itself, an instant as its London day; None if empty or unreadable."""
    moment = instant_or_none(text)
    return london_today(moment) if moment else None


def iso(moment: datetime) -> str:
    """An instant as the ISO 8601 text every bookkeeping column uses (UTC, whole seconds)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def london_time(day: date, at: time) -> datetime:
    """The instant the clocks in London show ``at`` on ``day``."""
    return datetime.combine(day, at, LONDON)


class FrozenClock:
    """A clock that stands still until it is stepped; ``utc_now`` reads it while ``frozen``."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at

    def step(self, delta: timedelta = timedelta(seconds=1)) -> datetime:
        """Move the clock on by ``delta`` and return the new now."""
        self.at += delta
        return self.at


@contextmanager
def frozen(at: datetime) -> Iterator[FrozenClock]:
    """Within the block ``utc_now`` (and so ``london_today``) gives ``at``, as stepped.

    The clock is process-wide, so threads (the demo site's server) see it too.
    """
    global _clock
    previous, clock = _clock, FrozenClock(at)
    _clock = clock
    try:
        yield clock
    finally:
        _clock = previous
