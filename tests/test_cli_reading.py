"""The classify and evaluate commands, through click, on real letters and on bad input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrapers.mailbox import read_email
from tracker.cli.reading import classify_command, evaluate_command

FIXTURES = Path(__file__).parent / "fixtures"
MOD = next((FIXTURES / "seeds").glob("000_*.txt"))


def run(command, *args: str, input: bytes | None = None):
    return CliRunner().invoke(command, list(args), input=input, catch_exceptions=False)


def classify_json(*args: str, input: bytes | None = None) -> dict:
    result = run(classify_command, "--json", *args, input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_mod_letter_as_json() -> None:
    found = classify_json(str(MOD))
    assert (found["kind"], found["outcome"]) == ("response", "partially_successful")
    assert {"id": "FOIA s.40(2)", "relied_on": True} in [
        {"id": e["id"], "relied_on": e["relied_on"]} for e in found["exemptions"]]
    assert found["authority_refs"] == ["FOI2015/07957"]
    assert set(found) == {"kind", "outcome", "confidence", "reasons", "exemptions", "authority_refs",
                          "stated_dates", "cost_limit"}
    assert 0.9 < found["confidence"] <= 1.0 and found["reasons"]


def test_mod_letter_as_text() -> None:
    result = run(classify_command, str(MOD))
    assert result.exit_code == 0
    assert "kind: response" in result.stdout
    assert "outcome: partially_successful" in result.stdout
    assert "FOIA s.40(2) (relied on)" in result.stdout
    assert "references: FOI2015/07957" in result.stdout


def test_eml_headers_count() -> None:
    found = classify_json(str(FIXTURES / "email" / "autoresponse-header.eml"))
    assert found["kind"] == "auto_reply"
    assert any("delivery status notification" in r for r in found["reasons"])


def test_standard_input_and_outgoing_letters() -> None:
    found = classify_json("--outgoing", "-", input=b"Dear Council,\n\nPlease withdraw my request, I no longer need it.\n")
    assert found["kind"] == "withdrawal"


def test_ico_response_cost_limit_and_dates() -> None:
    lines = next((FIXTURES / "seeds").glob("002_*.txt")).read_text(encoding="utf-8").splitlines()
    found = classify_json("-", input="\n".join(lines[110:329]).encode("utf-8"))
    assert found["cost_limit"] == 450
    assert found["authority_refs"] == ["IRQ0747674"]
    assert found["stated_dates"] == {"letter_date": "2018-06-18", "request_dated": "2018-05-19"}


@pytest.mark.parametrize("content", [
    b"",
    b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 64,
    b"Dear Sir \xff\xfe\xfa \xc3\x28 \xe9 invalid UTF-8 \x80\x81",
    "Annwyl Syr,\n\nDiolch am eich llythyr ynglŷn â'r parc. Byddwn yn ystyried eich sylwadau yn y "
    "cyfarfod nesaf.\n\nYn gywir,\n\nClerc y Cyngor".encode("utf-8"),
])
def test_bad_input_is_other_with_low_confidence(tmp_path: Path, content: bytes) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_bytes(content)
    found = classify_json(str(letter))
    assert found["kind"] == "other"
    assert found["confidence"] < 0.5


def test_ten_megabyte_letter(tmp_path: Path) -> None:
    letter = tmp_path / "big.txt"
    letter.write_text("Thank you for your request. " * 400_000, encoding="utf-8")
    assert letter.stat().st_size > 10_000_000
    start = time.perf_counter()
    found = classify_json(str(letter))
    assert time.perf_counter() - start < 3.0
    assert found["kind"] in {"other", "acknowledgement"}


@pytest.mark.parametrize("where", ["missing.txt", "."])
def test_unreadable_file_is_one_line_on_stderr(tmp_path: Path, where: str) -> None:
    result = CliRunner().invoke(classify_command, [str(tmp_path / where)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_evaluate_prints_the_report() -> None:
    result = run(evaluate_command)
    assert result.exit_code == 0
    assert "kind accuracy:" in result.stdout
    assert "confusion" in result.stdout
    assert "status agreement with the site's label" in result.stdout
    assert "by confidence: high (0.9-1)" in result.stdout
    for name in ("gold", "real_tuned", "real_held_out", "gold_without_blank_lines"):
        assert f"\n== {name}: " in result.stdout


def test_evaluate_json_and_a_bad_gold_path(tmp_path: Path) -> None:
    figures = json.loads(run(evaluate_command, "--json").stdout)
    assert figures["gold"]["kind_accuracy"] >= 0.95
    assert figures["gold"]["messages_by_origin"]["real_page"] == 45
    result = CliRunner().invoke(evaluate_command, ["--gold", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1
    assert "cannot read the gold set" in result.stderr


# ------------------------------------------------------------------------------ scrapers.mailbox (the .eml path)


def test_read_email_headers_body_and_attachments() -> None:
    mail = read_email((FIXTURES / "email" / "document-pdf.eml").read_bytes())
    assert mail.subject == "testing a PDF attachment with the wrong content-type"
    assert mail.date == "2013-12-03T11:12:45+00:00"
    assert mail.from_ == "Test Authority <authority@example.org>"
    assert mail.message_id == "<87li09xuasdfasdfpoija@blahblah>"
    assert mail.body_text.startswith("Here's a PDF attachment")
    assert mail.attachments == [("tiny-example.pdf", "application/pdf", 4676)]


def test_read_email_prefers_plain_text_and_lists_attached_mail() -> None:
    lotus = read_email((FIXTURES / "email" / "lotus-notes-quoting.eml").read_bytes())
    assert lotus.body_text.startswith("Dear Requester,") and "<font" not in lotus.body_text
    bounce = read_email((FIXTURES / "email" / "humberside-police-odd-mime-type.eml").read_bytes())
    assert bounce.headers["Auto-Submitted"] == "auto-generated"
    assert [content_type for _, content_type, _ in bounce.attachments] == ["message/rfc822"]
    assert "Unrouteable address" in bounce.body_text


def test_read_email_html_only_and_broken_input() -> None:
    html = (b"Subject: Response\nContent-Type: text/html; charset=utf-8\n\n"
            b"<html><body><p>Dear Ms Hale,</p><p>We do not hold<br>the information.</p></body></html>")
    assert read_email(html).body_text.split() == "Dear Ms Hale, We do not hold the information.".split()
    unknown = read_email(b"Subject: x\nContent-Type: text/plain; charset=x-no-such\n\ncaf\xe9")
    assert unknown.body_text.startswith("caf")
    for junk in (b"", b"\xff\xfe\x00\x80garbage", bytes(range(256)) * 20):
        read_email(junk)
