"""Text hygiene: what is left of a letter once quotes, footers and disclaimers go, and auto-replies."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scrapers.alaveteli import parse_request_page
from scrapers.mailbox import read_email
from tracker.reading.hygiene import BOUNCE, decode_letter, is_auto_reply, looks_binary, reading_text

EMAIL = Path(__file__).parent / "fixtures" / "email"
PAGES = Path(__file__).parent / "fixtures" / "wdtk_2019"
MARKER = "FOLDED_QUOTED_SECTION"


def _squashed(text: str) -> str:
    return " ".join(text.split())


def _page_message(page: str, message_id: str) -> str:
    thread = parse_request_page((PAGES / page).read_bytes(), "https://www.whatdotheyknow.com/request/x")
    return next(m.body_text for m in thread.messages if m.id.endswith(message_id))


@pytest.mark.parametrize("number", range(1, 12))
def test_keeps_what_alaveteli_keeps_before_its_folding_marker(number: int) -> None:
    raw = (EMAIL / f"email-folding-example-{number}.txt").read_text(encoding="utf-8")
    expected = (EMAIL / f"email-folding-example-{number}.txt.expected").read_text(encoding="utf-8")
    assert _squashed(reading_text(raw)) == _squashed(expected.split(MARKER)[0])


def test_original_message_and_everything_below_it_goes() -> None:
    text = "Dear Ms Hale,\n\nThe figures are attached.\n\nRegards\nJo\n\n-----Original Message-----\nFrom: Anna\nwe do not hold"
    assert reading_text(text) == "Dear Ms Hale,\n\nThe figures are attached.\n\nRegards\nJo"


def test_outlook_header_block_starts_the_quote() -> None:
    text = ("Thank you, we will reply shortly.\n\n________________________________\n"
            "From: Anna Hale <request-123-abc@whatdotheyknow.com>\nSent: 01 May 2024 10:00\n"
            "To: FOI\nSubject: Freedom of Information request\n\nDear Council, please provide ...")
    assert reading_text(text) == "Thank you, we will reply shortly."


def test_bottom_posted_reply_keeps_the_answer_after_the_quoted_lines() -> None:
    text = ("On 2 May 2024, Anna Hale wrote:\n> Could you tell me the total?\n\nThe total is 42.\n\n"
            "Hi again,\n\nOn Thu, 2 May 2024 at 10:00, Anna Hale <a@example.org> wrote:\n> one more question\n\nAnswer two.")
    kept = reading_text(text)
    assert "Could you tell me" not in kept and "one more question" not in kept
    assert "The total is 42." in kept and "Answer two." in kept


def test_lotus_notes_quote_block_goes() -> None:
    body = read_email((EMAIL / "lotus-notes-quoting.eml").read_bytes()).body_text
    assert _squashed(reading_text(body)) == "Dear Requester, Some text. Yours sincerely FOI Team"


def test_whatdotheyknow_footer_goes_from_an_outgoing_letter() -> None:
    rule = "-" * 67
    text = ("Dear Kingsbridge Town Council,\n\nPlease provide the minutes.\n\nYours faithfully,\n\nLaura\n\n"
            f"{rule}\n\nPlease use this email address for all replies to this request:\nrequest-1-abc@whatdotheyknow.com\n\n"
            "Is foi@kingsbridge.gov.uk the wrong address for Freedom of Information requests to Kingsbridge Town Council? "
            "If so, please contact us using this form:\nhttps://www.whatdotheyknow.com/change_request/new\n\n"
            "Disclaimer: This message and any reply that you make will be published on the internet. "
            "Our privacy and copyright policies:\nhttps://www.whatdotheyknow.com/help/officers\n\n"
            "If you find this service useful as an FOI officer, please ask your web manager to link to us from "
            f"your organisation's FOI page.\n\n{rule}")
    assert reading_text(text) == "Dear Kingsbridge Town Council,\n\nPlease provide the minutes.\n\nYours faithfully,\n\nLaura"


def test_a_rule_under_the_reference_line_is_not_a_quote() -> None:
    """MHCLG letters open with "Our reference: ..." and a rule; the letter follows it."""
    kept = reading_text(_page_message("1387653.html", "incoming-1387653"))
    assert "I have attached our formal response to your request." in kept


def test_the_requesters_letter_pasted_under_a_rule_goes() -> None:
    kept = reading_text(_page_message("88721.html", "incoming-1228294"))
    assert "endeavour to send you a response" in kept
    assert "I believe the response to this request is overdue" not in kept


def test_a_letter_that_mentions_confidentiality_is_kept() -> None:
    text = ("Dear Mr Doyle,\n\nThe contract is confidential and is withheld under section 41.\n\n"
            "Yours sincerely,\n\nProcurement")
    assert "withheld under section 41" in reading_text(text)


def test_enormous_and_empty_texts() -> None:
    assert reading_text("") == ""
    start = time.perf_counter()
    reading_text("Dear Sir,\n" + "> quoted line\nreal line with confidential words\n" * 400_000)
    assert time.perf_counter() - start < 2.0


# ------------------------------------------------------------------------------ auto-replies


def test_auto_submitted_header() -> None:
    assert is_auto_reply({"Auto-Submitted": "auto-replied"}, "Thank you") == "header Auto-Submitted: auto-replied"
    assert is_auto_reply({"auto-submitted": "no"}, "Thank you") is None
    assert is_auto_reply({"X-Autoreply": "yes"}, "Thank you") == "header X-Autoreply"


@pytest.mark.parametrize("name", ["autoresponse-header.eml", "humberside-police-odd-mime-type.eml",
                                  "track-response-exim-bounce.eml"])
def test_bounces_are_delivery_status_notifications(name: str) -> None:
    mail = read_email((EMAIL / name).read_bytes())
    assert is_auto_reply(mail.headers, mail.body_text) == BOUNCE


@pytest.mark.parametrize("name", ["track-response-exchange-oof-1.eml", "track-response-generic-oof.eml"])
def test_out_of_office_replies(name: str) -> None:
    mail = read_email((EMAIL / name).read_bytes())
    assert is_auto_reply(mail.headers, mail.body_text) == "out-of-office wording"


def test_out_of_office_and_bounce_wording_without_headers() -> None:
    assert is_auto_reply({}, "I am currently on annual leave, returning on 14 August.") == "out-of-office wording"
    assert is_auto_reply(None, "Delivery has failed to these recipients or groups:\nfoi@old.gov.uk") == BOUNCE


def test_letters_about_leave_or_ordinary_acknowledgements_are_not_auto_replies() -> None:
    assert is_auto_reply({}, "The council had 14 staff on maternity leave in 2023 and 3 on sick leave.") is None
    assert is_auto_reply({"Subject": "Freedom of Information request"}, "We have received your request.") is None


# ------------------------------------------------------------------------------ decoding


def test_decode_letter_falls_back_to_windows_1252_and_tolerates_a_cut_character() -> None:
    assert decode_letter("café £450".encode("utf-8")) == "café £450"
    assert decode_letter("café £450".encode("cp1252")) == "café £450"
    assert decode_letter(b"ab" + "é".encode("utf-8")[:1]) == "ab"  # a character cut at the end
    assert decode_letter(b"\xff") == "ÿ"


def test_looks_binary() -> None:
    assert looks_binary("\x00\x01ELF")
    assert looks_binary("".join(chr(i % 31) for i in range(500)))
    assert not looks_binary("Dear Sir,\n\nPlease find attached.\n")
    assert not looks_binary("")
