"""The evaluation harness and the gold set: the acceptance thresholds hold, the metrics are right."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from click.testing import CliRunner

from tracker.cli.reading import evaluate_command
from tracker.reading.evaluate import (
    CHECKOUT_FIXTURES,
    DEFAULT_GOLD,
    GOLD_DIR,
    _paths,
    evaluate,
    evaluate_sets,
    format_report,
    format_sets,
    load_gold,
    report_as_dict,
    sets_as_dict,
)

THIRD_PARTY = {"real_page", "seed", "phrasings", "email_fixture", "real_thread"}


@pytest.fixture(scope="module")
def reports():
    return evaluate_sets(load_gold())


@pytest.fixture(scope="module")
def report(reports):
    return reports["gold"]


def test_gold_set_composition() -> None:
    items = load_gold()
    assert DEFAULT_GOLD.name == "gold.jsonl" and DEFAULT_GOLD.parent.name == "gold"
    origins = Counter(item.origin for item in items)
    assert set(origins) == {"real_page", "seed", "phrasings", "email_fixture", "written", "real_thread"}
    assert all(item.source for item in items)
    assert {item.split for item in items if item.origin == "real_thread"} == {"tuned", "held_out"}
    assert all(item.split is None for item in items if item.origin != "real_thread")
    assert all("written" in item.source for item in items if item.origin == "written")
    pages = [item for item in items if item.origin == "real_page"]
    assert len(pages) == 10


def test_every_real_page_message_is_labelled(report) -> None:
    real = [p for p in report.predictions if p.origin == "real_page"]
    assert len(real) == 45
    assert all("kind" in p.expected for p in real)


def test_acceptance_thresholds(report) -> None:
    assert report.kind_accuracy >= 0.95
    assert report.outcome_accuracy >= 0.90
    assert report.exemption_precision >= 0.95
    assert report.exemption_recall >= 0.90
    assert report.status_accuracy >= 0.90


def test_status_agreement_with_the_requesters_labels(report) -> None:
    """8 real threads carry the requester's label. Where the last answer's words say nothing of
    its outcome (88779: "please find attached a response"), the requester's label decides."""
    site = report.site_labelled()
    assert len(site) == 8
    assert report.status_agreement >= 0.90


def test_every_kind_of_the_taxonomy_is_in_the_gold_set(report) -> None:
    kinds = {expected for expected, _ in report.kind_pairs()}
    assert kinds == {
        "request", "follow_up", "clarification", "internal_review_request", "withdrawal",
        "acknowledgement", "auto_reply", "clarification_request", "fees_notice", "extension_notice",
        "delay_notice", "response", "internal_review_response", "other",
    }


def test_metrics_on_a_small_gold_file(tmp_path: Path) -> None:
    """Two letters, one deliberately mislabelled: the figures must show exactly that."""
    gold = tmp_path / "tests" / "gold.jsonl"
    gold.parent.mkdir()
    records = [
        {"type": "message", "id": "a", "origin": "written", "source": "written", "direction": "incoming",
         "text": "We do not hold the information you requested.", "context": {"previous_kinds": ["request"]},
         "expected": {"kind": "response", "outcome": "not_held", "exemptions": [], "references": []}},
        {"type": "message", "id": "b", "origin": "written", "source": "written", "direction": "incoming",
         "text": "Our ref: FOI 1234. The names are withheld under section 40(2); the rest is attached.",
         "context": {"previous_kinds": ["request"]},
         "expected": {"kind": "acknowledgement", "exemptions": ["FOIA s.40(2)", "FOIA s.43(2)"],
                      "references": ["FOI 1234"]}},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    result = evaluate(load_gold(gold))
    assert result.kind_accuracy == 0.5
    assert result.per_kind()["response"] == {"precision": 0.5, "recall": 1.0, "support": 1}
    assert result.per_kind()["acknowledgement"] == {"precision": 1.0, "recall": 0.0, "support": 1}
    assert result.confusion() == {"response": {"response": 1}, "acknowledgement": {"response": 1}}
    assert result.outcome_accuracy == 1.0
    assert (result.exemption_precision, result.exemption_recall) == (1.0, 0.5)
    assert result.reference_recall == 1.0
    assert "b: kind response (expected acknowledgement)" in result.errors()


def test_report_formats(report) -> None:
    text = format_report(report)
    for heading in ("precision", "confusion", "outcome accuracy", "exemptions relied on",
                    "status agreement with the site's label"):
        assert heading in text
    figures = report_as_dict(report)
    assert figures["kind_accuracy"] == round(report.kind_accuracy, 4)
    assert sum(figures["messages_by_origin"].values()) == figures["messages"]
    json.dumps(figures)


# ------------------------------------------------------------------------------ what ships


def test_the_labels_and_our_letters_ship_and_third_party_material_stays_in_tests() -> None:
    """Inside the package: gold.jsonl and the letters we wrote. Every real page, seed letter,
    e-mail and published phrasing is read from tests/fixtures, never from the package."""
    assert GOLD_DIR == Path(__file__).resolve().parent.parent / "tracker" / "reading" / "gold"
    assert CHECKOUT_FIXTURES == Path(__file__).resolve().parent / "fixtures"
    for item in load_gold():
        paths = _paths(item.record)
        shipped = [p for p in paths if not p.startswith("fixtures/")]
        assert item.needs_fixtures == (item.origin in THIRD_PARTY), item.id
        if item.origin in THIRD_PARTY:
            assert paths and not shipped, item.id
        for path in paths:
            assert item.path(path).is_file(), path
        for path in shipped:
            assert item.path(path).resolve().is_relative_to(GOLD_DIR), path
    shipped_files = {p.relative_to(GOLD_DIR).as_posix() for p in GOLD_DIR.rglob("*") if p.is_file()}
    assert {"gold.jsonl", "README.md"} <= shipped_files
    assert all(name.startswith("letters/") for name in shipped_files - {"gold.jsonl", "README.md"})


def test_without_the_fixtures_the_written_items_are_scored_and_the_rest_skipped_in_one_line() -> None:
    report = evaluate(load_gold(fixtures=None))
    assert report.skipped == {"real_page": 10, "seed": 5, "phrasings": 18, "email_fixture": 19, "real_thread": 7}
    assert {p.origin for p in report.predictions} == {"written"}
    assert len(report.predictions) == 92 and len(report.statuses) == 15
    line = report.skipped_line()
    assert "\n" not in line and line.startswith("skipped 59 items") and "--fixtures DIR" in line
    assert format_report(report).splitlines()[1] == line
    assert report_as_dict(report)["skipped_by_origin"] == report.skipped
    full = evaluate([item for item in load_gold() if item.split is None])
    assert full.skipped == {} and full.skipped_line() is None
    assert "skipped" not in format_report(full)


def test_evaluate_command_takes_the_fixtures_directory(tmp_path: Path) -> None:
    given = CliRunner().invoke(evaluate_command, ["--fixtures", str(CHECKOUT_FIXTURES), "--json"])
    assert given.exit_code == 0, given.output
    figures = json.loads(given.output)
    assert set(figures) == {"gold", "real_tuned", "real_held_out", "gold_without_blank_lines"}
    assert figures["gold"]["skipped"] is None and figures["gold"]["messages"] == 181
    assert figures["real_held_out"]["messages"] == figures["real_held_out"]["messages_by_origin"]["real_thread"]
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = CliRunner().invoke(evaluate_command, ["--fixtures", str(empty)])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error: cannot read the gold set") and len(missing.stderr.splitlines()) == 1
    absent = CliRunner().invoke(evaluate_command, ["--fixtures", str(tmp_path / "absent")])
    assert absent.exit_code == 2
