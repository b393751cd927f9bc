"""Calendars, regimes and the milestones of a thread (tracker.deadlines)."""

from __future__ import annotations

import csv
import dataclasses
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from scrapers.alaveteli import parse_request_page
from tracker import deadlines
from tracker.store.db import DEADLINE_COLUMNS, open_db, save_thread
from tracker.deadlines import (
    CALENDAR_DAYS,
    RECEIPT_NEXT_WORKING_DAY,
    REGIMES,
    SCOTLAND,
    UK,
    WorkingDayIndex,
    assess,
    compute,
    count_from,
    explain,
    regime_for,
    review_long_stop_date,
)
from tracker.model import INCOMING, OUTGOING, Authority, Message, Site, Thread

FIXTURES = Path(__file__).parent / "fixtures"
HOLIDAYS_CSV = FIXTURES / "law" / "uk_bank_holidays_2015_2026.csv"
D = date.fromisoformat


# ------------------------------------------------------------------------------ calendars


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2008-10-01", "2008-10-29"),
        ("2007-02-01", "2007-03-01"),
        ("2008-02-01", "2008-02-29"),
        ("2009-03-12", "2009-04-14"),
        ("2009-03-13", "2009-04-15"),
        ("2009-03-14", "2009-04-15"),
        ("2009-03-15", "2009-04-15"),
        ("2009-03-16", "2009-04-16"),
    ],
)
def test_alaveteli_working_day_vectors(start, due):
    assert explain(D(start)).due_date == D(due)


@pytest.mark.parametrize(("start", "due"), [("2008-10-05", "2008-10-27"), ("2008-12-05", "2008-12-29")])
def test_alaveteli_calendar_day_vectors(start, due):
    calendar_days = dataclasses.replace(REGIMES["foia"], unit=CALENDAR_DAYS)
    assert count_from(calendar_days, D(start), 20) == D(due)


def test_ico_rule_and_2018_code_rule_disagree_only_on_non_working_days_of_receipt():
    # docs/deadlines.md: 1 Dec 2014 was St Andrew's Day (substitute), a non-working day everywhere for FOIA.
    ico = REGIMES["foia"]
    code = dataclasses.replace(ico, receipt=RECEIPT_NEXT_WORKING_DAY)
    assert count_from(ico, D("2014-03-16"), 20) == D("2014-04-14")  # informationrightsandwrongs 2015
    assert count_from(ico, D("2014-12-01"), 20) == D("2014-12-31")
    assert count_from(ico, D("2014-12-02"), 20) == D("2015-01-05")
    assert count_from(code, D("2014-12-01"), 20) == D("2015-01-05")
    assert count_from(code, D("2014-12-02"), 20) == D("2015-01-05")


def real_thread(name: str) -> Thread:
    url = "https://www.whatdotheyknow.com/request/guidance_on_sprinklers"
    return parse_request_page((FIXTURES / "wdtk_2019" / name).read_bytes(), url)


def test_reproduces_the_due_date_whatdotheyknow_printed_on_a_real_page():
    thread = real_thread("1398788.html")
    assert thread.due_date == "2019-08-12"  # printed by WhatDoTheyKnow
    request, reply = thread.messages
    request.kind, reply.kind = "request", "acknowledgement"  # "Thank you for contacting us on 12 July 2019"
    columns = compute(thread, today=D("2019-08-05"))
    assert columns["sent_at"] == "2019-07-12T21:03:11+01:00"
    assert columns["due_date"] == thread.due_date
    assert columns["very_overdue_date"] == "2019-09-10"
    assert columns["first_response_at"] is None and columns["answered_on_time"] is None
    # Sent on the Battle of the Boyne (NI): still day zero; the Scottish summer holiday is skipped.
    explanation = explain(D("2019-07-12"))
    assert explanation.skipped_holidays == [(D("2019-08-05"), "Summer Bank Holiday")]
    assert "Battle of the Boyne" in explanation.day_zero_note


def _csv_non_working_days(column: str) -> set[date]:
    with HOLIDAYS_CSV.open(newline="", encoding="utf-8") as handle:
        return {D(row["date"]) for row in csv.DictReader(handle) if row[column] == "1"}


def _independent_due(start: date, working_days: int, non_working: set[date]) -> date | None:
    """Count working days reading holidays only from the CSV; None when the count leaves 2026."""
    day, counted = start, 0
    while counted < working_days:
        day += timedelta(days=1)
        if day.year > 2026:
            return None
        if day.weekday() < 5 and day not in non_working:
            counted += 1
    return day


@pytest.mark.parametrize(("regime", "column"), [("foia", "foia_non_working_day"), ("foisa", "foisa_non_working_day")])
def test_every_day_2015_to_2026_against_the_bank_holidays_csv(regime, column):
    non_working = _csv_non_working_days(column)
    calendar = REGIMES[regime].calendar
    for year in range(2015, 2027):
        weekday_holidays = {d for d in calendar.holidays_in(year) if d.weekday() < 5}
        assert weekday_holidays == {d for d in non_working if d.year == year}, year
    checked = 0
    day = D("2015-01-01")
    while day.year < 2027:
        expected_due = _independent_due(day, 20, non_working)
        expected_very = _independent_due(day, 40, non_working)
        explanation = explain(day, regime)
        if expected_due is not None:
            assert explanation.due_date == expected_due, day
            checked += 1
        if expected_very is not None:
            assert explanation.very_overdue_date == expected_very, day
        day += timedelta(days=1)
    assert checked > 4350


def test_foisa_treats_easter_monday_as_a_working_day():
    easter_monday = D("2025-04-21")
    assert SCOTLAND.is_working_day(easter_monday)
    assert not UK.is_working_day(easter_monday)
    foia, foisa = explain(D("2025-04-10"), "foia"), explain(D("2025-04-10"), "foisa")
    assert (easter_monday, "Easter Monday") in foia.skipped_holidays
    assert all(day != easter_monday for day, _ in foisa.skipped_holidays)
    assert foisa.due_date == D("2025-05-12") and foia.due_date == D("2025-05-13")
    # ... while Scotland's own holidays (St Andrew's Day) count for both.
    assert not SCOTLAND.is_working_day(D("2023-11-30")) and not UK.is_working_day(D("2023-11-30"))


def test_school_rule_and_eir_long_stop():
    assert explain(D("2024-01-08"), "foia", school=True).very_overdue_date == UK.add_working_days(D("2024-01-08"), 60)
    assert explain(D("2024-01-08"), "foia").very_overdue_date == UK.add_working_days(D("2024-01-08"), 40)
    assert explain(D("2024-01-08"), "foisa", school=True).very_overdue_date == SCOTLAND.add_working_days(D("2024-01-08"), 40)


def test_unknown_regime_is_one_clear_error():
    with pytest.raises(deadlines.UnknownRegime, match="unknown regime 'gdpr'"):
        explain(D("2024-01-08"), "gdpr")


def test_working_day_index_agrees_with_the_calendar():
    rng = random.Random(4)
    for calendar in (UK, SCOTLAND):
        index = WorkingDayIndex(calendar, D("2018-01-01"), D("2027-12-31"))
        for _ in range(300):
            start = D("2018-01-01") + timedelta(days=rng.randrange(2500))
            days = rng.randrange(0, 90)
            end = start + timedelta(days=rng.randrange(0, 150))
            assert index.add(start, days) == calendar.add_working_days(start, days)
            assert index.between(start, end) == calendar.working_days_between(start, end)


# ------------------------------------------------------------------------------ threads

SITE = Site(id="example.org", base_url="https://example.org")


def msg(direction: str, kind: str | None, sent_at: str, **stated: str) -> Message:
    msg.counter += 1
    return Message(id=f"example.org/m-{msg.counter}", direction=direction, sent_at=sent_at, kind=kind,
                   stated_dates=dict(stated), body_text="")


msg.counter = 0


def out(kind: str | None, sent_at: str, **stated: str) -> Message:
    return msg(OUTGOING, kind, sent_at, **stated)


def inc(kind: str | None, sent_at: str, **stated: str) -> Message:
    return msg(INCOMING, kind, sent_at, **stated)


def thread(*messages: Message, tags: tuple[str, ...] = (), law: str = "foi", regime: str | None = None) -> Thread:
    authority = Authority(id="example.org/body/a", site_id="example.org", url_name="a", name="A Council",
                          tags=list(tags), regime=regime)
    return Thread(id="example.org/request/r", site=SITE, url="https://example.org/request/r", slug="r",
                  title="R", authority=authority, law_used=law, messages=list(messages))


def test_first_substantive_response_not_an_acknowledgement_or_auto_reply():
    t = thread(
        out("request", "2024-01-08T10:00:00+00:00"),
        inc("auto_reply", "2024-01-08T10:01:00+00:00"),
        inc("acknowledgement", "2024-01-09T09:00:00+00:00"),
        inc("delay_notice", "2024-02-05T09:00:00+00:00"),
        inc("response", "2024-02-07T15:00:00+00:00"),
    )
    columns = compute(t, today=D("2024-03-01"))
    assert set(columns) == set(DEADLINE_COLUMNS)
    assert columns == {
        "sent_at": "2024-01-08T10:00:00+00:00", "due_date": "2024-02-05", "very_overdue_date": "2024-03-04",
        "first_response_at": "2024-02-07T15:00:00+00:00", "working_days_to_response": 22, "answered_on_time": 0,
        "review_requested_at": None, "review_due_date": None, "review_responded_at": None,
    }


def test_response_on_the_due_date_is_on_time_and_day_zero_counts_nothing():
    on_due = compute(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2024-02-05T17:59:00+00:00")))
    assert on_due["answered_on_time"] == 1 and on_due["working_days_to_response"] == 20
    same_day = compute(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2024-01-08T16:00:00+00:00")))
    assert same_day["working_days_to_response"] == 0 and same_day["answered_on_time"] == 1


def test_an_instant_counts_on_its_london_day():
    # 23:30 UTC on Thursday 13 June 2024 is Friday in London (BST): day one is Monday, not Friday.
    late_evening = compute(thread(out("request", "2024-06-13T23:30:00Z")))
    assert late_evening["due_date"] == explain(D("2024-06-14")).due_date.isoformat()
    assert late_evening["due_date"] != explain(D("2024-06-13")).due_date.isoformat()
    # A naive instant is London time.
    assert compute(thread(out("request", "2024-06-13T23:30:00")))["due_date"] == explain(D("2024-06-13")).due_date.isoformat()


def test_clarification_restarts_the_clock_from_the_day_it_is_received():
    t = thread(
        out("request", "2024-01-08T10:00:00+00:00"),
        inc("clarification_request", "2024-01-10T10:00:00+00:00"),
        out("clarification", "2024-01-15T20:00:00+00:00"),
        inc("response", "2024-02-09T10:00:00+00:00"),
    )
    columns = compute(t)
    assert columns["sent_at"] == "2024-01-08T10:00:00+00:00"
    assert columns["due_date"] == "2024-02-12"  # 20 working days after 15 January, not after 8 January
    assert columns["answered_on_time"] == 1 and columns["working_days_to_response"] == 19


def test_waiting_for_clarification_stops_the_clock():
    result = assess(thread(out("request", "2024-01-08T10:00:00+00:00"),
                           inc("clarification_request", "2024-01-10T10:00:00+00:00")), D("2024-03-01"))
    assert result.columns["due_date"] is None and result.columns["very_overdue_date"] is None
    assert result.columns["sent_at"] == "2024-01-08T10:00:00+00:00"
    assert any("clarification requested on 2024-01-10" in p for p in result.problems)


def test_fees_notice_pauses_the_clock_until_the_fee_is_paid():
    t = thread(
        out("request", "2024-01-08T10:00:00+00:00"),
        inc("fees_notice", "2024-01-15T10:00:00+00:00"),
        out("follow_up", "2024-01-19T10:00:00+00:00"),  # "I have paid the fee"
        inc("response", "2024-02-09T10:00:00+00:00"),
    )
    columns = compute(t)
    assert columns["due_date"] == "2024-02-12"  # 2024-02-05 plus the five working days 15-19 January
    assert columns["answered_on_time"] == 1 and columns["working_days_to_response"] == 19
    stated = thread(out("request", "2024-01-08T10:00:00+00:00"), inc("fees_notice", "2024-01-15T10:00:00+00:00"),
                    inc("other", "2024-01-22T10:00:00+00:00", fee_received="2024-01-16"))
    assert compute(stated)["due_date"] == "2024-02-07"
    unpaid = assess(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("fees_notice", "2024-01-15T10:00:00+00:00")))
    assert unpaid.columns["due_date"] is None
    assert any("fees notice" in p for p in unpaid.problems)


def test_fees_notice_after_the_due_date_is_no_pause():
    result = assess(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("fees_notice", "2024-02-06T10:00:00+00:00")))
    assert result.columns["due_date"] == "2024-02-05"
    assert any("after the due date" in p for p in result.problems)


def test_extension_notice_moves_the_due_date_within_the_regimes_limit():
    base = ("request", "2024-01-08T10:00:00+00:00")
    stated = compute(thread(out(*base), inc("extension_notice", "2024-02-01T10:00:00+00:00", respond_by="2024-02-19")))
    assert stated["due_date"] == "2024-02-19"
    undated = compute(thread(out(*base), inc("extension_notice", "2024-02-01T10:00:00+00:00")))
    assert undated["due_date"] == "2024-03-04" == undated["very_overdue_date"]  # 40 working days
    too_far = assess(thread(out(*base), inc("extension_notice", "2024-02-01T10:00:00+00:00", respond_by="2024-06-01")))
    assert too_far.columns["due_date"] == "2024-03-04"
    assert any("beyond the 40 working days" in p for p in too_far.problems)
    eir = compute(thread(out(*base), inc("extension_notice", "2024-02-01T10:00:00+00:00"), law="eir"))
    assert eir["due_date"] == "2024-03-04"  # EIR reg 7(1)
    foisa = assess(thread(out(*base), inc("extension_notice", "2024-02-01T10:00:00+00:00"), tags=("scotland",)))
    assert foisa.regime == "foisa" and foisa.columns["due_date"] == "2024-02-05"
    assert any("no extension" in p for p in foisa.problems)
    answered_in_time = compute(thread(out(*base), inc("extension_notice", "2024-02-01T10:00:00+00:00"),
                                      inc("response", "2024-02-20T10:00:00+00:00")))
    assert answered_in_time["answered_on_time"] == 1


def test_school_rule_long_stop_is_sixty_working_days():
    request = out("request", "2024-01-08T10:00:00+00:00")
    assert compute(thread(request, tags=("school",)))["very_overdue_date"] == "2024-04-04"
    assert compute(thread(request, tags=("academy_trust",)))["very_overdue_date"] == "2024-04-04"
    assert compute(thread(request, tags=("local_council",)))["very_overdue_date"] == "2024-03-04"
    assert compute(thread(request, tags=("school",)))["due_date"] == "2024-02-05"


def test_regime_of_a_thread():
    request = out("request", "2024-01-08T10:00:00+00:00")
    assert regime_for(thread(request)) == "foia"
    assert regime_for(thread(request, law="eir")) == "eir"
    handled = inc("acknowledgement", "2024-01-09T10:00:00+00:00")
    handled.body_text = "We are dealing with your request under the Environmental Information Regulations 2004."
    assert regime_for(thread(request, handled)) == "eir"
    assert regime_for(thread(request, tags=("scottish_public_authority",))) == "foisa"
    assert regime_for(thread(request, regime="foisa")) == "foisa"
    assert regime_for(thread(request, handled, tags=("scotland",))) == "eisr"
    assert regime_for(thread(request), site_regime="foisa") == "foisa"
    assert regime_for(thread(request), site_regime="nonsense") == "foia"
    heir = inc("acknowledgement", "2024-01-09T10:00:00+00:00")
    heir.body_text = "their reply"  # "eir" inside a word is not the regulations
    assert regime_for(thread(request, heir)) == "foia"


def test_foisa_counts_on_the_scottish_calendar():
    # Sent Thursday 17 April 2025: Easter Monday (21 April) is a working day in Scotland.
    foisa = compute(thread(out("request", "2025-04-17T10:00:00+01:00"), tags=("scotland",)))
    foia = compute(thread(out("request", "2025-04-17T10:00:00+01:00")))
    assert foisa["due_date"] == "2025-05-19" and foia["due_date"] == "2025-05-20"


def test_internal_review_deadlines():
    foia = compute(thread(
        out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2024-02-01T10:00:00+00:00"),
        out("internal_review_request", "2024-02-05T10:00:00+00:00"),
        inc("acknowledgement", "2024-02-06T10:00:00+00:00"),
        inc("internal_review_response", "2024-03-01T10:00:00+00:00"),
    ))
    assert foia["review_requested_at"] == "2024-02-05T10:00:00+00:00"
    assert foia["review_due_date"] == "2024-03-04"
    assert foia["review_responded_at"] == "2024-03-01T10:00:00+00:00"
    assert review_long_stop_date("foia", D(foia["review_due_date"])) == D("2024-04-04")  # St Patrick's Day (NI) observed 18 March
    eir = compute(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2024-02-01T10:00:00+00:00"),
                         out("internal_review_request", "2024-02-05T10:00:00+00:00"), law="eir"))
    assert eir["review_due_date"] == "2024-04-04" and eir["review_responded_at"] is None  # reg 11(4): 40
    foisa = compute(thread(out("request", "2025-03-03T10:00:00+00:00"), inc("response", "2025-03-20T10:00:00+00:00"),
                           out("internal_review_request", "2025-04-14T10:00:00+01:00"), tags=("scotland",)))
    assert foisa["review_due_date"] == "2025-05-14"  # s.21(1), Easter Monday working
    assert review_long_stop_date("foisa", D("2025-05-14")) == D("2025-05-14")


# ------------------------------------------------------------------------------ bad data


def test_thread_without_an_outgoing_request_gives_no_dates_and_says_why():
    result = assess(thread(inc("response", "2024-02-01T10:00:00+00:00"), out("follow_up", "2024-02-02T10:00:00+00:00")))
    assert all(value is None for value in result.columns.values())
    assert result.problems == ["no outgoing request in the thread: no clock to start"]


def test_unclassified_thread_gives_no_dates():
    result = assess(thread(out(None, "2024-01-08T10:00:00+00:00"), inc(None, "2024-01-09T10:00:00+00:00")))
    assert all(value is None for value in result.columns.values())
    assert "not classified" in result.problems[0] or "classified" in result.problems[0]


def test_response_dated_before_the_request_is_answered_but_never_on_time():
    result = assess(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2024-01-05T10:00:00+00:00")))
    assert result.columns["first_response_at"] == "2024-01-05T10:00:00+00:00"
    assert result.columns["working_days_to_response"] is None and result.columns["answered_on_time"] is None
    assert result.columns["due_date"] == "2024-02-05"
    assert any("before the request" in p for p in result.problems)
    earlier_same_day = assess(thread(out("request", "2024-01-08T15:00:00+00:00"),
                                     inc("response", "2024-01-08T09:00:00+00:00")))
    assert earlier_same_day.columns["answered_on_time"] is None


def test_a_good_response_wins_over_one_dated_before_the_request():
    columns = compute(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2023-01-05T10:00:00+00:00"),
                             inc("response", "2024-01-20T10:00:00+00:00")))
    assert columns["first_response_at"] == "2024-01-20T10:00:00+00:00" and columns["answered_on_time"] == 1


def test_unreadable_and_future_dates():
    unreadable = assess(thread(out("request", "last Tuesday")))
    assert unreadable.columns["sent_at"] is None and "does not parse" in unreadable.problems[0]
    future = assess(thread(out("request", "2024-05-08T10:00:00+00:00")), D("2024-05-01"))
    assert future.columns["due_date"] is None and "after today" in future.problems[0]
    response_later = assess(thread(out("request", "2024-01-08T10:00:00+00:00"),
                                   inc("response", "2024-09-08T10:00:00+00:00")), D("2024-03-01"))
    assert response_later.columns["first_response_at"] is None
    assert any("after today" in p for p in response_later.problems)
    tomorrow_in_london = assess(thread(out("request", "2024-01-08T10:00:00+00:00"),
                                       inc("response", "2024-06-14T00:30:00+01:00")), D("2024-06-13"))
    assert tomorrow_in_london.columns["first_response_at"] == "2024-06-14T00:30:00+01:00"  # a UTC "today"
    garbled = assess(thread(out("request", "2024-01-08T10:00:00+00:00"), inc("response", "2024-13-40")))
    assert garbled.columns["first_response_at"] is None and garbled.columns["due_date"] == "2024-02-05"


def test_apply_sets_regime_and_columns_that_the_database_accepts(tmp_path):
    t = thread(out("request", "2024-01-08T10:00:00+00:00"), inc("clarification_request", "2024-01-10T10:00:00+00:00"),
               tags=("scotland",))
    deadlines.apply(t, today=D("2024-03-01"))
    deadlines.apply(t, today=D("2024-03-01"))
    assert t.regime == "foisa"
    assert set(t.deadlines) == set(DEADLINE_COLUMNS)
    assert t.warnings == ["deadlines: clock stopped: clarification requested on 2024-01-10"]
    db = open_db(tmp_path / "t.db")
    save_thread(db, t)
    row = db["requests"].get(t.id)
    assert row["regime"] == "foisa" and row["sent_at"] == "2024-01-08T10:00:00+00:00" and row["due_date"] is None


def test_calendar_status_gives_waiting_requests_their_overdue_variant():
    columns = {"due_date": "2024-02-05", "very_overdue_date": "2024-03-04"}
    assert deadlines.calendar_status("waiting_response", columns, D("2024-02-05")) == "waiting_response"
    assert deadlines.calendar_status("waiting_response", columns, D("2024-02-06")) == "waiting_response_overdue"
    assert deadlines.calendar_status("waiting_response_overdue", columns, D("2024-03-05")) == "waiting_response_very_overdue"
    assert deadlines.calendar_status("waiting_response", {"due_date": None}, D("2024-03-05")) == "waiting_response"
    assert deadlines.calendar_status("successful", columns, D("2024-03-05")) == "successful"
    t = thread(out("request", "2024-01-08T10:00:00+00:00"))
    t.status = "waiting_response"
    assert deadlines.apply(t, today=D("2024-02-06")).status == "waiting_response_overdue"
