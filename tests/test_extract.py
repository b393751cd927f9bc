"""Extraction: authority references, exemptions relied on or mentioned, stated dates, cost limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.reading.exemptions import known_ids
from tracker.reading.extract import apply, extract, parse_date
from tracker.reading.hygiene import reading_text
from tracker.model import Message

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _seed(prefix: str) -> str:
    return reading_text(next(SEEDS.glob(prefix + "_*.txt")).read_text(encoding="utf-8"))


def _relied(text: str) -> set[str]:
    return {c.exemption_id for c in extract(text).citations if c.relied_on}


def _mentioned(text: str) -> set[str]:
    return {c.exemption_id for c in extract(text).citations if not c.relied_on}


# ------------------------------------------------------------------------------ the seed letters


def test_mod_letter() -> None:
    found = extract(_seed("000"))
    assert found.authority_refs == ["FOI2015/07957"]
    assert [(c.exemption_id, c.relied_on) for c in found.citations] == [("FOIA s.40(2)", True)]
    assert "Section 40(2) has been applied" in found.citations[0].quote
    assert found.stated_dates == {"letter_date": "2015-09-23", "request_dated": "2015-09-11"}


def test_defra_letter() -> None:
    found = extract(_seed("001"))
    assert found.authority_refs == ["RFI 7791"]
    assert _relied(_seed("001")) == {"FOIA s.40(2)", "FOIA s.40(3)(a)(i)"}
    assert "FOIA s.17(7)" in _mentioned(_seed("001"))  # the complaints annex
    assert found.stated_dates["received_on"] == "2015-09-11"


def test_ico_thread_response_relies_on_the_cost_limit() -> None:
    found = extract(_seed("002"))
    assert found.authority_refs == ["IRQ0747674"]
    assert _relied(_seed("002")) == {"FOIA s.12"}
    assert "FOIA s.1(4)" in _mentioned(_seed("002"))
    assert found.cost_limit == 450


def test_fco_letter_dotted_section() -> None:
    found = extract(_seed("003"))
    assert found.authority_refs == ["0749-16"]
    assert _relied(_seed("003")) == {"FOIA s.31(1)(a)"}


def test_the_released_policy_document_cites_nothing() -> None:
    found = extract(_seed("004"))
    assert found.authority_refs == [] and found.citations == []


def test_every_relied_on_id_of_the_seeds_is_in_the_reference_table() -> None:
    for prefix in ("000", "002", "003"):
        assert _relied(_seed(prefix)) <= known_ids()


# ------------------------------------------------------------------------------ citation forms


@pytest.mark.parametrize("text, expected", [
    ("The names are withheld under section 40(2) and 40(3A)(a) of the Act.", {"FOIA s.40(2)", "FOIA s.40(3A)(a)"}),
    ("This information is exempt under sections 31(1)(a) and 43(2).", {"FOIA s.31(1)(a)", "FOIA s.43(2)"}),
    ("We have withheld the names under s.40 (2).", {"FOIA s.40(2)"}),
    ("The information is withheld under s.40(2) & (3A)(a).", {"FOIA s.40(2)", "FOIA s.40(3A)(a)"}),
    ("The information is exempt under Section 38(1)(b) of FOISA.", {"FOISA s.38(1)(b)"}),
    ("We are relying on regulation 12(5)(e) to withhold the prices.", {"EIR reg 12(5)(e)"}),
    ("Your request is refused under Regulation 12(4)(b) of the EIR.", {"EIR reg 12(4)(b)"}),
    ("We consider that section 43 is engaged.", {"FOIA s.43"}),  # the table knows s.43(1) and (2): kept as cited
    ("The exemptions at sections 23(5), 24(2) and 31(3) apply.", {"FOIA s.23(5)", "FOIA s.24(2)", "FOIA s.31(3)"}),
])
def test_citation_forms(text: str, expected: set[str]) -> None:
    assert _relied(text) == expected


def test_bare_section_is_kept_when_the_table_knows_it() -> None:
    assert _relied("Your request is refused under section 12 as it would exceed the cost limit.") == {"FOIA s.12"}
    assert _relied("The information is exempt under section 21 as it is reasonably accessible.") == {"FOIA s.21"}


def test_a_general_mention_of_a_section_is_dropped_in_favour_of_its_subsection() -> None:
    found = extract("Section 40(2) has been applied to the names. Section 40 is an absolute exemption.")
    assert [c.exemption_id for c in found.citations] == ["FOIA s.40(2)"]


@pytest.mark.parametrize("text", [
    "If you are unhappy you may complain to the Information Commissioner under section 50 of the Act.",
    "Under section 16 of the Act we are required to provide advice and assistance.",
    "Section 1(1) of the Act gives you the right to be told whether we hold information.",
    "This letter is a refusal notice under section 17(1) of the Act.",
    "We considered whether the report should be withheld under section 40(2), but concluded it should not.",
    "We have concluded that section 31(1)(g) was not engaged.",
    "Some of the material may engage section 35(1)(a), which we are still considering.",
])
def test_provisions_only_mentioned_are_never_relied_on(text: str) -> None:
    assert _relied(text) == set()


def test_sections_of_other_acts_and_non_exemptions_are_not_citations() -> None:
    assert extract("Disclosure would breach section 24 of the Data Protection Act 2018.").citations == []
    assert extract("You may apply to the ICO under section 50.").citations == []
    assert extract("The time limit is set by section 10(1).").citations == []


def test_a_section_in_a_scottish_letter_is_foisa() -> None:
    text = "Freedom of Information (Scotland) Act 2002\n\nThe names are withheld under section 38(1)(b)."
    found = extract(text)
    assert found.regime_hint == "foisa"
    assert _relied(text) == {"FOISA s.38(1)(b)"}


def test_regime_hint() -> None:
    assert extract("Environmental Information Regulations 2004. We rely on regulation 12(4)(a).").regime_hint == "eir"
    assert extract("Freedom of Information Act 2000 request").regime_hint is None


# ------------------------------------------------------------------------------ references


@pytest.mark.parametrize("text, refs", [
    ("Our ref: FOI/2023/04417", ["FOI/2023/04417"]),
    ("Case Reference Number IRQ0747674", ["IRQ0747674"]),
    ("FREEDOM OF INFORMATION ACT 2000 REQUEST REF: 0749-16", ["0749-16"]),
    ("Our Reference: FOI 95682 ... Freedom of Information Request", ["FOI 95682"]),
    ("Request EIR-0612: flood modelling", ["EIR-0612"]),
    ("Our ref: CO-FOI-2019-0311", ["CO-FOI-2019-0311"]),
    ("Internal review of FOI request 5521", ["5521"]),
    ("Reference : T3241/8", ["T3241/8"]),
])
def test_authority_references(text: str, refs: list[str]) -> None:
    assert extract(text).authority_refs == refs


@pytest.mark.parametrize("text", [
    "This is FOI #123 on WhatDoTheyKnow.",
    "Please reply to request-123-abcd1234@whatdotheyknow.com",
    "under the Freedom of Information Act 2000 (FOIA 2000) and the EIR 2004",
    "https://www.whatdotheyknow.com/request/545579/response",
    "with reference to your letter of 12/03/2019",
])
def test_not_references(text: str) -> None:
    assert extract(text).authority_refs == []


# ------------------------------------------------------------------------------ dates and cost


@pytest.mark.parametrize("text, iso", [
    ("2 August 2018", "2018-08-02"),
    ("2nd August 2018", "2018-08-02"),
    ("02/08/2018", "2018-08-02"),
    ("2 Aug 2018", "2018-08-02"),
    ("the 21st of September, 2015", "2015-09-21"),
    ("31/02/2019", None),
    ("no date here", None),
])
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_stated_dates() -> None:
    text = ("Thank you for your request for information which was received on 2 August\n2018. "
            "I am dealing with your request and aim to send you a response by 12 August 2019.")
    assert extract(text).stated_dates == {"received_on": "2018-08-02", "respond_by": "2019-08-12"}
    assert extract("Thank you for your email of 11 September 2015 requesting ...").stated_dates == {
        "request_dated": "2015-09-11"}
    assert extract("Your new deadline is 2 May 2024.").stated_dates == {"respond_by": "2024-05-02"}
    assert extract("Thank you for your request for a review received on 29 November 2018.").stated_dates == {
        "review_received_on": "2018-11-29"}


def test_cost_limit() -> None:
    assert extract("This would exceed the appropriate limit of £600 for central government.").cost_limit == 600
    assert extract("The cost limit is £450, which is 18 hours at £25 per hour.").cost_limit == 450
    assert extract("We attach a fees notice for £187.50 for copying.").cost_limit is None


def test_apply_fills_the_message() -> None:
    message = Message("m1", "incoming", None, body_text=_seed("000"))
    apply(message)
    assert message.authority_refs == ["FOI2015/07957"]
    assert message.exemptions[0].exemption_id == "FOIA s.40(2)"
    assert message.stated_dates["letter_date"] == "2015-09-23"


def test_bad_input() -> None:
    assert extract("") == extract("   ")
    found = extract("\x00\xff" * 1000 + "section 40(2) withheld")
    assert found.authority_refs == []
