"""Property tests: no exception but the documented one on arbitrary input; calendar laws."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers import alaveteli
from tracker.deadlines import SCOTLAND, UK

PAGE = (Path(__file__).parent / "fixtures" / "wdtk_2019" / "88721.html").read_bytes()
URL = "https://www.whatdotheyknow.com/request/refused_call_in_request_160361ou"
# FOI_PROPERTY_EXAMPLES=5000 for a thorough run; CI keeps to 150 examples a property.
QUICK = settings(max_examples=int(os.environ.get("FOI_PROPERTY_EXAMPLES", "150")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def parses_or_page_error(parse, content, url=URL) -> None:
    try:
        parse(content, url)
    except alaveteli.PageError:
        pass


@QUICK
@given(st.binary(max_size=4000))
def test_page_parser_on_arbitrary_bytes(content):
    parses_or_page_error(alaveteli.parse_request_page, content)


@QUICK
@given(st.text(max_size=3000))
def test_page_parser_on_arbitrary_text(content):
    parses_or_page_error(alaveteli.parse_request_page, content)


@QUICK
@given(st.integers(0, len(PAGE)), st.integers(0, 5000), st.binary(max_size=200))
def test_page_parser_on_a_damaged_real_page(start, length, junk):
    damaged = PAGE[:start] + junk + PAGE[start + length:]
    try:
        thread = alaveteli.parse_request_page(damaged, URL)
    except alaveteli.PageError:
        return
    ids = [message.id for message in thread.messages]
    assert len(ids) == len(set(ids))  # never a duplicate message, however damaged


@QUICK
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
))
def test_json_and_feed_parsers_on_arbitrary_json(value):
    import json

    content = json.dumps(value).encode()
    parses_or_page_error(alaveteli.parse_request_json, content)
    parses_or_page_error(alaveteli.parse_feed, content, "https://h/feed/body/x.json")


@QUICK
@given(st.binary(max_size=3000))
def test_listing_and_feed_parsers_on_arbitrary_bytes(content):
    parses_or_page_error(alaveteli.parse_listing, content, "https://h/body/x")
    parses_or_page_error(alaveteli.parse_feed, content, "https://h/feed/body/x.json")


days = st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 6, 30))


@QUICK
@given(days, st.integers(1, 60))
def test_due_date_is_a_working_day_after_the_start(start, count):
    for calendar in (UK, SCOTLAND):
        due = calendar.add_working_days(start, count)
        assert due > start
        assert calendar.is_working_day(due)
        assert calendar.working_days_between(start, due) == count


@QUICK
@given(days, st.integers(0, 40), st.integers(0, 40))
def test_adding_working_days_is_monotonic(start, a, b):
    low, high = sorted((a, b))
    assert UK.add_working_days(start, low) <= UK.add_working_days(start, high)
    later = start + timedelta(days=1)
    assert UK.add_working_days(start, a) <= UK.add_working_days(later, a)


@QUICK
@given(days)
def test_the_uk_calendar_has_every_scottish_holiday(day):
    if not SCOTLAND.is_working_day(day):
        assert not UK.is_working_day(day)


KINDS = {
    "request", "follow_up", "clarification", "internal_review_request", "withdrawal", "acknowledgement",
    "auto_reply", "clarification_request", "fees_notice", "extension_notice", "delay_notice", "response",
    "internal_review_response", "other",
}
OUTCOMES = {None, "successful", "partially_successful", "not_held", "refused", "upheld", "overturned", "partially_overturned"}
letters = st.text(max_size=2000) | st.lists(
    st.sampled_from([
        "section 40(2)", "s.43", "regulation 12(5)(e)", "we do not hold", "withheld", "internal review",
        "Dear Sir", "\n\n", "> quoted", "-----Original Message-----", "FOI2015/07957", "£450", "12 March 2024",
        "out of office", "upheld", "20 working days", "FOISA", "EIR", "s 12", "partially", "\u202e", "\x00",
    ]),
    max_size=40,
).map(" ".join)


@QUICK
@given(letters, st.sampled_from(["incoming", "outgoing"]), st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=3))
def test_classifier_gives_a_taxonomy_kind_and_never_raises(text, direction, headers):
    from tracker.reading.classify import classify_text

    message = classify_text(text, headers, direction)
    assert message.kind in KINDS
    assert message.outcome in OUTCOMES
    assert 0.0 <= message.confidence <= 1.0
    assert (message.outcome is None) == (message.kind not in ("response", "internal_review_response"))


@QUICK
@given(letters)
def test_extractor_returns_normalised_known_shapes_and_never_raises(text):
    import re

    from tracker.reading.extract import extract

    found = extract(text)
    for citation in found.citations:
        assert re.fullmatch(r"(FOIA s\.|FOISA s\.|EIR reg )\d{1,2}[A-Z]?(\([0-9A-Za-z]{1,4}\))*", citation.exemption_id), citation
    for day in found.stated_dates.values():
        assert date.fromisoformat(day)
    assert found.cost_limit is None or found.cost_limit > 0
    assert len(found.authority_refs) == len(set(found.authority_refs))
