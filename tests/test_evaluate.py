"""The evaluation harness and the gold set: the acceptance thresholds hold, the metrics are right."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tracker.reading.evaluate import DEFAULT_GOLD, evaluate, format_report, load_gold, report_as_dict


@pytest.fixture(scope="module")
def report():
    return evaluate(load_gold())


def test_gold_set_composition() -> None:
    items = load_gold()
    assert DEFAULT_GOLD.name == "gold.jsonl" and DEFAULT_GOLD.parent.name == "gold"
    origins = Counter(item.origin for item in items)
    assert set(origins) == {"real_page", "seed", "phrasings", "email_fixture", "written"}
    assert all(item.source for item in items)
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
