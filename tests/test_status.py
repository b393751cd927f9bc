"""Request status from the classified thread, in Alaveteli's state names."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.alaveteli import parse_request_page
from tracker.reading.classify import classify_thread
from tracker.reading.hygiene import BOUNCE
from tracker.model import INCOMING, OUTGOING, Message, Site, Thread
from tracker.reading.status import infer_status

PAGES = Path(__file__).parent / "fixtures" / "wdtk_2019"


def out(kind: str, text: str = "") -> Message:
    return Message("", OUTGOING, None, body_text=text, kind=kind)


def inc(kind: str, outcome: str | None = None, text: str = "", reasons: tuple[str, ...] = ()) -> Message:
    return Message("", INCOMING, None, body_text=text, kind=kind, outcome=outcome, reasons=list(reasons))


def _thread(*messages: Message) -> Thread:
    """A thread whose messages are already classified."""
    thread = Thread("t", Site("s", "https://x.invalid"), "https://x.invalid/r", "r", "r")
    for n, message in enumerate(messages):
        message.id = f"m{n}"
        thread.messages.append(message)
    return thread


@pytest.mark.parametrize("steps, status", [
    ((out("request"),), "waiting_response"),
    ((out("request"), inc("acknowledgement")), "waiting_response"),
    ((out("request"), inc("acknowledgement"), inc("response", "successful")), "successful"),
    ((out("request"), inc("response", "partially_successful")), "partially_successful"),
    ((out("request"), inc("response", "not_held")), "not_held"),
    ((out("request"), inc("response", "refused")), "rejected"),
    ((out("request"), inc("clarification_request")), "waiting_clarification"),
    ((out("request"), inc("clarification_request"), out("clarification")), "waiting_response"),
    ((out("request"), inc("acknowledgement"), inc("extension_notice"), inc("delay_notice")), "waiting_response"),
    ((out("request"), inc("acknowledgement"), inc("fees_notice")), "waiting_response"),
    ((out("request"), inc("acknowledgement"), out("withdrawal"), inc("response", "successful")), "user_withdrawn"),
    ((out("request"), inc("response", "refused"), out("internal_review_request")), "internal_review"),
    ((out("request"), inc("response", "refused"), out("internal_review_request"), inc("acknowledgement")), "internal_review"),
    ((out("request"), inc("response", "refused"), out("internal_review_request"),
      inc("internal_review_response", "overturned")), "successful"),
    ((out("request"), inc("response", "refused"), out("internal_review_request"),
      inc("internal_review_response", "partially_overturned")), "partially_successful"),
    ((out("request"), inc("response", "refused"), out("internal_review_request"),
      inc("internal_review_response", "upheld")), "rejected"),
    ((out("request"), inc("response", "partially_successful"), out("internal_review_request"),
      inc("internal_review_response", "upheld")), "partially_successful"),
    ((out("request"), inc("response", "not_held"), out("internal_review_request"),
      inc("internal_review_response", "upheld")), "not_held"),
    ((out("request"), out("internal_review_request"), inc("internal_review_response", "upheld")), "rejected"),
])
def test_status_from_kinds(steps: tuple, status: str) -> None:
    assert infer_status(_thread(*steps)) == status


def test_bounce_is_an_error_until_a_later_reply() -> None:
    def bounce() -> Message:
        return inc("auto_reply", text="Mail delivery failed", reasons=(f"auto-reply: {BOUNCE}",))

    assert infer_status(_thread(out("request"), bounce())) == "error_message"
    assert infer_status(_thread(out("request"), bounce(), inc("acknowledgement"))) == "waiting_response"
    out_of_office = inc("auto_reply", text="I am on leave", reasons=("out-of-office wording",))
    assert infer_status(_thread(out("request"), out_of_office)) == "waiting_response"


def test_a_bounced_follow_up_after_the_answer_changes_nothing() -> None:
    bounce = inc("auto_reply", text="Mail delivery failed", reasons=(f"auto-reply: {BOUNCE}",))
    thread = _thread(out("request"), inc("response", "successful"), out("follow_up", "Thanks"), bounce)
    assert infer_status(thread) == "successful"


def test_chasing_after_an_answer_means_still_waiting_but_thanks_does_not() -> None:
    chase = "I am yet to receive a response to the second part. When can I expect it?"
    thanks = "Thank you very much for the figures."
    assert infer_status(_thread(out("request"), inc("response", "successful"), out("follow_up", chase))) == "waiting_response"
    assert infer_status(_thread(out("request"), inc("response", "successful"), out("follow_up", thanks))) == "successful"
    later = _thread(out("request"), inc("response", "successful"), out("follow_up", chase), inc("response", "not_held"))
    assert infer_status(later) == "not_held"


def test_postal_reply() -> None:
    postal = inc("other", text="Please send us a postal address so that we can send the plans by post.")
    assert infer_status(_thread(out("request"), inc("acknowledgement"), postal)) == "gone_postal"


def test_empty_thread() -> None:
    assert infer_status(_thread()) == "waiting_response"


@pytest.mark.parametrize("page, status", [
    ("1387653.html", "successful"),
    ("1397098.html", "not_held"),
    ("1398788.html", "waiting_response"),
    ("1400678.html", "rejected"),
    ("88721.html", "partially_successful"),
    ("921139.html", "waiting_response"),  # the site: waiting_response_very_overdue (calendar added later)
])
def test_real_pages_agree_with_the_requesters_label(page: str, status: str) -> None:
    thread = parse_request_page((PAGES / page).read_bytes(), "https://www.whatdotheyknow.com/request/x")
    classify_thread(thread)
    assert infer_status(thread) == status
    assert thread.site_status.startswith(status)


@pytest.mark.parametrize("page, status", [
    ("1394569.html", "not_held"),
    ("1404030.html", "rejected"),
    ("1406855.html", "successful"),
])
def test_unclassified_real_pages_get_a_real_status(page: str, status: str) -> None:
    thread = parse_request_page((PAGES / page).read_bytes(), "https://www.whatdotheyknow.com/request/x")
    assert thread.site_status == "waiting_classification"
    classify_thread(thread)
    assert infer_status(thread) == status
