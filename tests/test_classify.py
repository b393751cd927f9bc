"""Classification: kinds and outcomes of real and written letters, the thread context, the traps."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from scrapers.alaveteli import parse_request_page
from tracker.reading import classify, patterns
from tracker.reading.classify import MessageContext, classify_message, classify_text, classify_thread
from tracker.reading.evaluate import GOLD_DIR, _text_of, load_gold
from tracker.model import INCOMING, OUTGOING, Attachment, Message, Site, Thread

FIXTURES = Path(__file__).parent / "fixtures"
LETTERS = GOLD_DIR / "letters"


def _page(name: str) -> Thread:
    thread = parse_request_page((FIXTURES / "wdtk_2019" / name).read_bytes(), "https://www.whatdotheyknow.com/request/x")
    classify_thread(thread)
    return thread


def _kinds(thread: Thread) -> list[str]:
    return [m.kind for m in thread.messages]


def _letter(name: str, previous: list[str] | None = None, direction: str = INCOMING, **context) -> Message:
    message = Message("m", direction, None, body_text=(LETTERS / name).read_text(encoding="utf-8"))
    classify_message(message, MessageContext(previous_kinds=previous, **context))
    return message


def _seed_thread() -> Thread:
    """The seed ICO thread as a thread: request, automatic acknowledgement, response."""
    lines = next((FIXTURES / "seeds").glob("002_*.txt")).read_text(encoding="utf-8").splitlines()
    thread = Thread("t", Site("s", "https://x.invalid"), "https://x.invalid/r", "r", "r")
    for n, (direction, at, first, last) in enumerate([
        (OUTGOING, "2018-05-19T10:00:00+01:00", 5, 23),
        (INCOMING, "2018-05-19T10:01:00+01:00", 25, 104),
        (INCOMING, "2018-06-18T12:00:00+01:00", 111, 329),
    ]):
        thread.messages.append(Message(f"m{n}", direction, at, body_text="\n".join(lines[first - 1:last])))
    classify_thread(thread)
    return thread


# ------------------------------------------------------------------------------ the seed letters


def test_mod_letter_is_a_partially_successful_response_relying_on_section_40_2() -> None:
    text = next((FIXTURES / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    message = classify_text(text)
    assert (message.kind, message.outcome) == ("response", "partially_successful")
    assert [(c.exemption_id, c.relied_on) for c in message.exemptions] == [("FOIA s.40(2)", True)]
    assert message.authority_refs == ["FOI2015/07957"]
    assert message.confidence > 0.9 and message.reasons


def test_ico_thread_first_reply_is_an_acknowledgement_and_the_answer_partial() -> None:
    thread = _seed_thread()
    assert _kinds(thread) == ["request", "acknowledgement", "response"]
    response = thread.messages[2]
    assert response.outcome == "partially_successful"
    assert {c.exemption_id for c in response.exemptions if c.relied_on} == {"FOIA s.12"}
    assert response.authority_refs == ["IRQ0747674"] and response.cost_limit == 450


@pytest.mark.parametrize("prefix, outcome, relied", [
    ("001", "partially_successful", {"FOIA s.40(2)", "FOIA s.40(3)(a)(i)"}),
    ("003", "partially_successful", {"FOIA s.31(1)(a)"}),
])
def test_other_seed_letters(prefix: str, outcome: str, relied: set[str]) -> None:
    message = classify_text(next((FIXTURES / "seeds").glob(prefix + "_*.txt")).read_text(encoding="utf-8"))
    assert (message.kind, message.outcome) == ("response", outcome)
    assert {c.exemption_id for c in message.exemptions if c.relied_on} == relied


# ------------------------------------------------------------------------------ real threads


def test_real_thread_with_clarification_delay_and_partial_answer() -> None:
    thread = _page("88721.html")
    assert _kinds(thread) == ["request", "clarification_request", "clarification", "follow_up",
                              "delay_notice", "response"]
    assert thread.messages[-1].outcome == "partially_successful"
    assert any("attachment" in r for r in thread.messages[-1].reasons)


def test_real_thread_with_review() -> None:
    thread = _page("1406855.html")
    assert _kinds(thread) == ["request", "acknowledgement", "acknowledgement", "follow_up", "response",
                              "internal_review_request", "acknowledgement", "internal_review_response", "response"]
    assert thread.messages[4].outcome == "refused"
    review_request = thread.messages[5]
    assert review_request.exemptions and not any(c.relied_on for c in review_request.exemptions)
    assert thread.messages[6].stated_dates == {"review_received_on": "2018-11-29", "respond_by": "2018-12-31"}


def test_acknowledgement_reasons_name_the_phrase_and_the_timing() -> None:
    ack = _page("1398788.html").messages[1]
    assert ack.kind == "acknowledgement"
    assert any(r.startswith('phrase "') for r in ack.reasons)
    assert ack.stated_dates == {"received_on": "2019-07-12", "respond_by": "2019-08-12"}


def test_reply_to_a_follow_up_after_the_answer_is_not_a_new_response() -> None:
    thread = _page("1397098.html")
    assert _kinds(thread)[-2:] == ["follow_up", "other"]


def test_echo_of_the_request_does_not_drive_the_reading() -> None:
    """The MHCLG answer quotes the request ("too expensive", "appeal to the Information
    Commissioner"): the quoted words must not count."""
    thread = _page("1406855.html")
    answer = thread.messages[4]
    assert not any("expensive" in r or "commissioner" in r for r in answer.reasons)


# ------------------------------------------------------------------------------ the site's own event data


def test_json_waiting_response_makes_a_holding_reply_an_acknowledgement() -> None:
    text = "Dear Ms Hale,\n\nThank you for your email.\n\nRegards,\nFOI Team"
    plain = Message("m", INCOMING, None, body_text=text)
    classify_message(plain, MessageContext(previous_kinds=["request"], days_since_request=12))
    with_state = Message("m", INCOMING, None, body_text=text)
    classify_message(with_state, MessageContext(previous_kinds=["request"], days_since_request=12,
                                                site_state="waiting_response"))
    assert plain.kind == "other"
    assert with_state.kind == "acknowledgement"
    assert "json calculated_state=waiting_response" in with_state.reasons


def test_clear_text_overrides_the_json_state() -> None:
    message = _letter("w18_response_refused_s12.txt", ["request"], site_state="waiting_response")
    assert (message.kind, message.outcome) == ("response", "refused")


# ------------------------------------------------------------------------------ traps


def test_complaint_rights_boilerplate_says_nothing_about_the_kind() -> None:
    message = _letter("w09_ack_with_complaint_rights.txt", ["request"], days_since_request=1)
    assert message.kind == "acknowledgement"
    assert not any("review" in r or "commissioner" in r for r in message.reasons)


def test_upheld_in_an_ico_decision_does_not_flip_the_review() -> None:
    review = ["request", "response", "internal_review_request"]
    assert _letter("w28_ir_response_ico_trap.txt", review).outcome == "upheld"
    assert _letter("w30_ir_response_complaint_upheld.txt", review).outcome == "overturned"
    assert _letter("w27_ir_response_partial.txt", review).outcome == "partially_overturned"
    assert _letter("w26_ir_response_overturned.txt", review).outcome == "overturned"


def test_release_with_exemption_is_partial_and_consideration_is_not_withholding() -> None:
    partial = _letter("w22_response_partial_redactions.txt", ["request", "acknowledgement"])
    assert (partial.kind, partial.outcome) == ("response", "partially_successful")
    assert {c.exemption_id for c in partial.exemptions if c.relied_on} == {"FOIA s.40(2)", "FOIA s.43(2)"}
    full = _letter("w45_response_successful_not_exempt_mentioned.txt", ["request", "acknowledgement"])
    assert (full.kind, full.outcome) == ("response", "successful")
    assert not any(c.relied_on for c in full.exemptions)


def test_an_incoming_after_a_review_request_is_read_as_about_the_review() -> None:
    message = _letter("w14_response_successful_inline.txt", ["request", "response", "internal_review_request"])
    assert message.kind == "internal_review_response"
    assert "after internal_review_request" in message.reasons


@pytest.mark.parametrize("name, kind", [
    ("w01_fees_notice_council.txt", "fees_notice"),
    ("w04_pit_extension_police.txt", "extension_notice"),
    ("w05_eir_reg7_extension.txt", "extension_notice"),
    ("w07_delay_apology.txt", "delay_notice"),
    ("w12_clarification_request_scope.txt", "clarification_request"),
    ("w16_response_not_held_search.txt", "response"),
    ("w38_auto_reply_ooo_text.txt", "auto_reply"),
    ("w39_auto_reply_bounce_text.txt", "auto_reply"),
    ("w43_other_newsletter.txt", "other"),
])
def test_incoming_kinds(name: str, kind: str) -> None:
    assert _letter(name, ["request", "acknowledgement"]).kind == kind


def test_auto_reply_headers_count_but_an_automatic_acknowledgement_stays_an_acknowledgement() -> None:
    ooo = classify_text("Thank you for your email.", {"Auto-Submitted": "auto-replied"})
    assert ooo.kind == "auto_reply" and "header Auto-Submitted: auto-replied" in ooo.reasons
    ack = classify_text("We have received your request for information and will respond within 20 working days.",
                        {"Auto-Submitted": "auto-generated"})
    assert ack.kind == "acknowledgement"


def test_attachment_names_decide_an_attachment_only_answer() -> None:
    message = Message("m", INCOMING, None, body_text="Please see attached our response to your request.",
                      attachments=[Attachment("a", "m", "Response not held.pdf")])
    classify_message(message, MessageContext(previous_kinds=["request", "acknowledgement"],
                                             attachments=["Response not held.pdf"]))
    assert (message.kind, message.outcome) == ("response", "not_held")


# ------------------------------------------------------------------------------ outgoing


def test_outgoing_kinds_follow_the_thread() -> None:
    first = _letter("w37_request_plain.txt", [], OUTGOING)
    assert first.kind == "request"
    clarification = _letter("w33_clarification_reply.txt", ["request", "clarification_request"], OUTGOING)
    assert clarification.kind == "clarification"
    assert _letter("w31_withdrawal.txt", ["request", "acknowledgement"], OUTGOING).kind == "withdrawal"
    assert _letter("w36_ir_request_own_words.txt", ["request", "response"], OUTGOING).kind == "internal_review_request"
    assert _letter("w34_follow_up_chaser.txt", ["request", "acknowledgement"], OUTGOING).kind == "follow_up"


def test_a_requester_relies_on_nothing() -> None:
    message = classify_text("I ask you to review your refusal under section 43(2), which is exempt only if ...",
                            direction=OUTGOING)
    assert message.exemptions and not any(c.relied_on for c in message.exemptions)


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("content", [
    "",
    b"",
    b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40,
    b"Dear Sir \xff\xfe\xfa\xc3\x28 invalid UTF-8 throughout \xe9",
    "Annwyl Syr,\n\nDiolch am eich llythyr ynglŷn â'r parc. Byddwn yn ystyried eich sylwadau yn y cyfarfod nesaf.\n\nYn gywir,\n\nClerc y Cyngor",
    None,
])
def test_nothing_fits_is_other_with_low_confidence(content) -> None:
    message = classify_text(content)
    assert message.kind == "other"
    assert message.confidence < 0.5


def test_ten_megabyte_letter_is_read_quickly() -> None:
    text = ("Dear Sir, we do not hold the information. " * 20 + "\n\n") * 12_500
    assert len(text) > 10_000_000
    start = time.perf_counter()
    message = classify_text(text)
    assert time.perf_counter() - start < 3.0
    assert message.kind == "response"


# ------------------------------------------------------------------------------ the literal prefilter


def test_prefilter_never_hides_a_match() -> None:
    """Each pattern skips the regex when the literals it needs are missing: on every gold text
    the answer must be the same as searching with the plain regex."""
    texts = []
    for item in load_gold():
        if item.type == "message":
            texts.append(classify._squash(_text_of(item.record, item)[0]))
    phrases = [f.pattern for f in classify._INCOMING_FEATURES + classify._OUTGOING_FEATURES]
    phrases += [p for group in classify._OUTCOME_FEATURES.values() for p in group]
    phrases += list(classify._REVIEW_FEATURES.values())
    for pattern in phrases:
        plain = [re.compile(patterns.word_start(b)) for b in patterns.top_level_branches(pattern.source)]
        for text in texts:
            assert bool(pattern.search(text)) == any(p.search(text) for p in plain), pattern.source[:60]


def test_an_answer_without_outcome_wording_takes_the_requesters_label() -> None:
    from tracker.reading.classify import classify_thread
    from tracker.model import Message, Site, Thread

    def thread(label: str | None) -> Thread:
        t = Thread(id="h/request/x", site=Site("h", "https://h"), url="https://h/request/x", slug="x", title="x",
                   site_status=label)
        t.messages = [
            Message("h/outgoing-1", "outgoing", "2024-01-02T10:00:00+00:00", body_text="Dear Council, please send the policy."),
            Message("h/incoming-2", "incoming", "2024-01-20T10:00:00+00:00", body_text="Please find attached a response."),
        ]
        return t

    labelled, unlabelled = thread("not_held"), thread("waiting_classification")
    classify_thread(labelled)
    classify_thread(unlabelled)
    assert labelled.messages[1].outcome == "not_held"
    assert any("requester's label" in reason for reason in labelled.messages[1].reasons)
    assert unlabelled.messages[1].outcome is None  # "attached a response": its outcome is unknown, not guessed
    assert unlabelled.messages[1].confidence < 0.6
