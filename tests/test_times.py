"""tracker.model.times: the one home for now, London today and reading instants."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scrapers.mailbox import read_email
from tracker import deadlines
from tracker.model import instant as model_instant
from tracker.model import iso as model_iso
from tracker.model import times
from tracker.model.times import LONDON, instant, instant_or_none, iso, london_day, london_today, utc_now

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "scrapers", "schedules", "bench", "scripts")
HOME = ROOT / "tracker" / "model" / "times.py"

# Calls that read the clock or name a time zone: only times.py may make them.
CLOCK_CALLS = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("datetime", "utcfromtimestamp"),
}
# Where an instant parser may call datetime.fromisoformat itself: the scraper's normaliser builds
# the text with the offset the page printed (and refuses a time without one), so no rule applies.
FROMISOFORMAT_ALLOWED_IN = {"normalise_instant"}


def _dotted(node: ast.AST) -> tuple[str, ...]:
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        return (*_dotted(node.value), node.attr)
    return ()


def _time_calls(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line call`` for each clock read, time zone or instant parser outside times.py."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name[-2:] in CLOCK_CALLS or (name and name[-1] == "ZoneInfo"):
                found.append(f"{where} {'.'.join(name)}()")
            elif name[-2:] == ("datetime", "fromisoformat") and function not in FROMISOFORMAT_ALLOWED_IN:
                found.append(f"{where} datetime.fromisoformat() (use times.instant)")
        if isinstance(node, ast.Constant) and node.value == times.LONDON_ZONE:
            found.append(f"{where} {node.value!r}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


def test_only_times_reads_the_clock_names_london_or_parses_instants():
    sources = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py")) if p != HOME]
    assert len(sources) > 40
    offenders = [line for path in sources for line in _time_calls(path)]
    assert offenders == []


def test_the_guard_sees_what_it_forbids(tmp_path):
    source = tmp_path / "copy.py"
    source.write_text(
        "import datetime as dt, time\nfrom datetime import date, datetime\nfrom zoneinfo import ZoneInfo\n"
        "a = datetime.now()\nb = date.today()\nc = ZoneInfo('Europe/London')\nd = time.time()\n"
        "e = dt.datetime.utcnow()\nf = datetime.fromisoformat('2026-01-01T00:00')\n"
        "def normalise_instant(text):\n    return datetime.fromisoformat(text)\n"
        "g = dt.time(12)\n"
    )
    assert _time_calls(source, tmp_path) == [
        "copy.py:4 datetime.now()", "copy.py:5 date.today()", "copy.py:6 ZoneInfo()", "copy.py:6 'Europe/London'",
        "copy.py:7 time.time()", "copy.py:8 dt.datetime.utcnow()",
        "copy.py:9 datetime.fromisoformat() (use times.instant)",
    ]


# ---------------------------------------------------------------------------- the naive rule


@pytest.mark.parametrize("text, utc", [
    ("2026-07-01T12:00:00", "2026-07-01T11:00:00+00:00"),  # British Summer Time
    ("2026-01-15T12:00:00", "2026-01-15T12:00:00+00:00"),  # Greenwich Mean Time
    ("2026-10-25T01:30:00", "2026-10-25T00:30:00+00:00"),  # the autumn hour happens twice: the first
    ("2026-07-01", "2026-06-30T23:00:00+00:00"),           # a day is its London midnight
])
def test_a_naive_instant_is_london_wall_clock_time(text, utc):
    assert iso(instant(text)) == utc
    assert instant(text).tzinfo is LONDON


def test_an_offset_is_kept():
    assert instant("2026-07-01T12:00:00+00:00") == datetime(2026, 7, 1, 12, tzinfo=timezone.utc)
    assert instant("2026-07-01T12:00:00Z").utcoffset() == timedelta(0)
    assert instant("2026-07-01T12:00:00+10:00") == datetime(2026, 7, 1, 2, tzinfo=timezone.utc)


def test_the_model_exports_the_same_functions():
    assert model_instant is instant and model_iso is iso


def test_iso_is_utc_in_whole_seconds():
    assert iso(datetime(2026, 7, 1, 12, 0, 0, 900_000, tzinfo=LONDON)) == "2026-07-01T11:00:00+00:00"


def test_unreadable_text_is_none_where_leniency_is_asked_for():
    assert instant_or_none(None) is None and instant_or_none("") is None and instant_or_none("soon") is None
    assert london_day("31/12/2026") is None
    with pytest.raises(ValueError):
        instant("soon")


@pytest.mark.parametrize("text, day", [
    ("2026-07-01T23:30:00", date(2026, 7, 1)),         # naive: London already
    ("2026-07-01T23:30:00+00:00", date(2026, 7, 2)),   # 00:30 BST the next day
    ("2026-01-01T23:30:00+00:00", date(2026, 1, 1)),   # GMT: the same day
    ("2026-07-01", date(2026, 7, 1)),
])
def test_the_deadline_clock_and_the_pages_agree_on_the_day(text, day):
    assert london_day(text) == day
    assert deadlines.parse_moment(text).day == day


def test_an_email_date_without_a_zone_is_utc_not_london():
    """RFC 5322: -0000 is UTC with the sender's zone unknown; the importer writes the offset."""
    mail = read_email(b"From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n"
                      b"Date: Wed, 01 Jul 2026 23:30:00 -0000\r\n\r\nbody\r\n")
    assert mail.date == "2026-07-01T23:30:00+00:00"
    assert london_day(mail.date) == date(2026, 7, 2)


# ---------------------------------------------------------------------------- the clock


def test_the_system_clock_is_utc_now():
    before = datetime.now(timezone.utc)
    now = utc_now()
    assert now.tzinfo == timezone.utc and before <= now <= datetime.now(timezone.utc)


def test_a_frozen_clock_stands_still_until_stepped_and_then_lets_go():
    at = datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)
    with times.frozen(at) as clock:
        assert utc_now() == at and utc_now() == at
        assert london_today() == date(2026, 7, 2)  # 00:30 in London
        assert clock.step() == at + timedelta(seconds=1) == utc_now()
        assert clock.step(timedelta(hours=1)) == utc_now() == at + timedelta(hours=1, seconds=1)
    assert abs(utc_now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_london_today_of_an_instant():
    assert london_today(datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)) == date(2026, 3, 29)
    assert london_today(datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc)) == date(2026, 3, 28)
    assert london_today(datetime(2026, 8, 1, 23, 30, tzinfo=timezone.utc)) == date(2026, 8, 2)


def test_a_frozen_clock_needs_an_aware_time():
    with pytest.raises(ValueError):
        times.FrozenClock(datetime(2026, 1, 1))
