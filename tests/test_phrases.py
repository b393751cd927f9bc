"""The phrase table (tracker/reading/phrases.py) and the literal prefilter classify builds from it."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.reading import classify, patterns, phrases
from tracker.model.taxonomy import INCOMING_KINDS, OUTGOING_KINDS, REVIEW_OUTCOMES

PATTERNS = [pattern for _, _, *patterns in phrases.INCOMING_PHRASES + phrases.OUTGOING_PHRASES for pattern in patterns]
PATTERNS += [pattern for patterns in phrases.OUTCOME_PHRASES.values() for pattern in patterns]
PATTERNS += list(phrases.REVIEW_PHRASES.values())
BRANCHES = [branch for pattern in PATTERNS for branch in patterns.top_level_branches(pattern)]


def test_every_phrase_names_a_known_kind_and_outcome() -> None:
    assert {kind for kind, *_ in phrases.INCOMING_PHRASES} <= set(INCOMING_KINDS)
    assert {kind for kind, *_ in phrases.OUTGOING_PHRASES} <= set(OUTGOING_KINDS)
    assert set(phrases.REVIEW_PHRASES) == set(REVIEW_OUTCOMES)
    assert set(phrases.OUTCOME_PHRASES) == {"released", "pointer", "partial", "refused_whole", "withheld", "none_held"}
    for _, weight, *patterns in phrases.INCOMING_PHRASES + phrases.OUTGOING_PHRASES:
        assert weight > 0 and patterns


def test_classify_searches_every_phrase() -> None:
    searched = [f.pattern.source for f in classify._INCOMING_FEATURES + classify._OUTGOING_FEATURES]
    searched += [p.source for group in classify._OUTCOME_FEATURES.values() for p in group]
    searched += [p.source for p in classify._REVIEW_FEATURES.values()]
    assert searched == PATTERNS


@pytest.mark.parametrize("branch", BRANCHES)
def test_every_branch_compiles_and_the_prefilter_reads_it(branch: str) -> None:
    re.compile(patterns.word_start(branch))
    patterns.parse(branch)  # raises on what the literal finder cannot read: that branch would lose its prefilter


@pytest.mark.parametrize("pattern, groups", [
    (r"(?:we|i) (?:have|has) received your letter", ((" received your letter",), ("has", "have"))),
    (r"section 1 ?\(3\)", (("section 1",), ("(3)",))),
    (r"\brefus(?:e|ed|ing)\b|refusal notice", (("refus",),)),
    (r"(?:attach|attached|enclose)[^.]{0,60}reply", (("attach", "enclose"), ("reply",))),
    (r"here(?: is)? the figures", ((" the figures",), ("here",))),
    (r"(?:\w+ )+please", (("please",),)),
    (r"with (?:some )?modifications?(?! )", (("modification",), ("with ",))),
])
def test_trigger_sets(pattern: str, groups: tuple) -> None:
    assert patterns.trigger_sets(pattern) == groups


@pytest.mark.parametrize("pattern", [r"(?i)hello there", r"(hello) \1 there", r"hello\nthere", r"(unclosed", r"*hello"])
def test_what_the_prefilter_cannot_read_is_searched_without_one(pattern: str) -> None:
    assert patterns.trigger_sets(pattern) == ()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_a_text_that_matches_holds_every_trigger(data) -> None:
    branch = data.draw(st.sampled_from(BRANCHES))
    text = data.draw(st.from_regex(branch))
    assert re.search(branch, text)
    for group in patterns.trigger_sets(branch):
        assert any(literal in text for literal in group), (branch, group, text)
