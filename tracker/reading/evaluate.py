"""The evaluation harness: classify the labelled gold set and measure how well we read.

The gold set (``tracker/reading/gold/gold.jsonl``, JSON Lines; see the README beside it) holds
two kinds of item, each with its provenance (``origin``: real_page, seed, phrasings,
email_fixture or written; ``source``: where it was published, or that we wrote it):

- ``message``: one letter (``text``, ``text_file`` with optional 1-based ``lines``, or
  ``eml_file``), its ``direction``, the ``context`` it came in (``previous_kinds``,
  ``days_since_request``, ``site_state``) and the ``expected`` labels;
- ``thread``: a whole thread, either a saved request ``page`` (its messages labelled by id) or
  a list of ``messages`` (each with ``sent_at`` and its text), with the ``expected_status`` and,
  for real pages, the ``site_status`` the requester chose;
- ``labelled_threads``: a file of whole real threads labelled by reading (``labels``, one JSON
  object a thread, as ``tests/fixtures/sheffield/labels/SPEC.md`` describes) and the folder of
  the saved threads they label (``threads``, :mod:`scrapers.saved_threads`); each becomes a
  ``thread`` item of its ``split``: ``tuned`` (the reader was tuned on it) or ``held_out``
  (never tuned on: reported apart). Their site labels are hidden from the reader, and an
  outcome labelled ``unknown`` (the answer is only in an attachment) is not scored.

In ``expected``, a missing key is not scored: ``outcome`` is scored for answers whose outcome a
reader can know, ``exemptions`` lists the exemptions relied on, ``references`` the authority's
references.

File paths in the gold set are relative. The labels and the letters we wrote (``letters/``)
ship in the package, beside ``gold.jsonl``. A path starting ``fixtures/`` names third-party
material (real WhatDoTheyKnow pages, the seed letters, Alaveteli's e-mail fixtures, published
phrasings), which stays in the repository's ``tests/fixtures``: it is found there when the
package runs from a source checkout, or given with ``fixtures=`` (``evaluate --fixtures DIR``).
Without it, the items that need it are skipped and the report says so.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scrapers.alaveteli import parse_request_page
from scrapers.mailbox import read_email
from scrapers.saved_threads import read_saved_thread
from tracker.reading.classify import MessageContext, classify_message, classify_thread
from tracker.model import INCOMING, Attachment, Message, Site, Thread
from tracker.model.taxonomy import ANSWER_KINDS, AWAITING_RESPONSE_STATES, KINDS
from tracker.reading.status import infer_status

__all__ = [
    "BANDS", "CHECKOUT_FIXTURES", "DEFAULT_GOLD", "GOLD_DIR", "GoldItem", "Report", "checkout_fixtures", "load_gold",
    "evaluate", "evaluate_sets", "format_report", "format_sets", "report_as_dict", "sets_as_dict",
]

GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_GOLD = GOLD_DIR / "gold.jsonl"
FIXTURES_PREFIX = "fixtures/"
_SHORT = {
    "request": "req", "follow_up": "fup", "clarification": "clar", "internal_review_request": "irq",
    "withdrawal": "wdr", "acknowledgement": "ack", "auto_reply": "auto", "clarification_request": "clrq",
    "fees_notice": "fee", "extension_notice": "ext", "delay_notice": "dly", "response": "resp",
    "internal_review_response": "irr", "other": "oth",
}


@dataclass
class GoldItem:
    id: str
    type: str  # "message" or "thread"
    origin: str
    source: str
    record: dict
    gold_dir: Path  # where the gold file is: the letters we wrote are beside it
    fixtures: Path | None  # the third-party fixtures directory, None when there is none
    split: str | None = None  # real threads: "tuned" or "held_out"

    @property
    def needs_fixtures(self) -> bool:
        """Whether the item reads third-party material kept out of the package."""
        return any(path.startswith(FIXTURES_PREFIX) for path in _paths(self.record))

    def path(self, relative: str) -> Path:
        if relative.startswith(FIXTURES_PREFIX):
            if self.fixtures is None:
                raise FileNotFoundError(f"{relative}: third-party fixtures are not available")
            return self.fixtures / relative[len(FIXTURES_PREFIX):]
        return self.gold_dir / relative


@dataclass
class Prediction:
    item_id: str
    origin: str
    expected: dict
    kind: str | None
    outcome: str | None
    exemptions: list[str]
    references: list[str]
    confidence: float | None


@dataclass
class Report:
    predictions: list[Prediction] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)  # id, origin, expected, site_status, ours
    counts_by_origin: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # items per origin left out: no fixtures

    def skipped_line(self) -> str | None:
        """One line on what was not evaluated and why, or None when everything was."""
        if not self.skipped:
            return None
        by_origin = ", ".join(f"{origin} {count}" for origin, count in sorted(self.skipped.items()))
        return (f"skipped {sum(self.skipped.values())} items ({by_origin}): the third-party pages, letters and "
                "e-mails they label do not ship with the package (they are in a source checkout's tests/fixtures); "
                "pass --fixtures DIR")

    # kinds ------------------------------------------------------------------------------
    def kind_pairs(self) -> list[tuple[str, str]]:
        return [(p.expected["kind"], p.kind or "other") for p in self.predictions if "kind" in p.expected]

    @property
    def kind_accuracy(self) -> float:
        pairs = self.kind_pairs()
        return _ratio(sum(e == g for e, g in pairs), len(pairs))

    def per_kind(self) -> dict[str, dict[str, float]]:
        pairs = self.kind_pairs()
        table = {}
        for kind in KINDS:
            tp = sum(e == kind and g == kind for e, g in pairs)
            predicted = sum(g == kind for _, g in pairs)
            support = sum(e == kind for e, _ in pairs)
            if predicted or support:
                table[kind] = {"precision": _ratio(tp, predicted), "recall": _ratio(tp, support), "support": support}
        return table

    def confusion(self) -> dict[str, dict[str, int]]:
        matrix: dict[str, Counter] = {}
        for expected, got in self.kind_pairs():
            matrix.setdefault(expected, Counter())[got] += 1
        return {k: dict(v) for k, v in matrix.items()}

    # outcomes ---------------------------------------------------------------------------
    def outcome_pairs(self) -> list[tuple[str, str | None]]:
        return [
            (p.expected["outcome"], p.outcome) for p in self.predictions
            if p.expected.get("outcome") and p.expected.get("kind") in ANSWER_KINDS
        ]

    @property
    def outcome_accuracy(self) -> float:
        pairs = self.outcome_pairs()
        return _ratio(sum(e == g for e, g in pairs), len(pairs))

    # exemptions and references ----------------------------------------------------------
    def _set_scores(self, key: str) -> tuple[int, int, int]:
        tp = fp = fn = 0
        same = _reference_key if key == "references" else str
        for p in self.predictions:
            if key not in p.expected:
                continue
            expected, got = {same(x) for x in p.expected[key]}, {same(x) for x in getattr(p, key)}
            tp += len(expected & got)
            fp += len(got - expected)
            fn += len(expected - got)
        return tp, fp, fn

    def _precision_recall(self, key: str) -> tuple[float, float]:
        tp, fp, fn = self._set_scores(key)
        return _ratio(tp, tp + fp), _ratio(tp, tp + fn)

    exemption_precision = property(lambda self: self._precision_recall("exemptions")[0])
    exemption_recall = property(lambda self: self._precision_recall("exemptions")[1])
    reference_precision = property(lambda self: self._precision_recall("references")[0])
    reference_recall = property(lambda self: self._precision_recall("references")[1])

    # statuses ---------------------------------------------------------------------------
    def site_labelled(self) -> list[dict]:
        """Threads whose requester classified them on the site."""
        return [s for s in self.statuses if s["site_status"] and s["site_status"] != "waiting_classification"]

    @property
    def status_agreement(self) -> float:
        rows = self.site_labelled()
        return _ratio(sum(_same_status(s["site_status"], s["ours"]) for s in rows), len(rows))

    @property
    def status_accuracy(self) -> float:
        return _ratio(sum(_same_status(s["expected"], s["ours"]) for s in self.statuses), len(self.statuses))

    def errors(self) -> list[str]:
        lines = []
        for p in self.predictions:
            e = p.expected
            if "kind" in e and e["kind"] != p.kind:
                lines.append(f"{p.item_id}: kind {p.kind} (expected {e['kind']})")
            if e.get("outcome") and e.get("kind") in ANSWER_KINDS and e["outcome"] != p.outcome:
                lines.append(f"{p.item_id}: outcome {p.outcome} (expected {e['outcome']})")
            if "exemptions" in e and set(e["exemptions"]) != set(p.exemptions):
                lines.append(f"{p.item_id}: exemptions {sorted(p.exemptions)} (expected {sorted(e['exemptions'])})")
            if "references" in e and {_reference_key(x) for x in e["references"]} != {_reference_key(x) for x in p.references}:
                lines.append(f"{p.item_id}: references {p.references} (expected {e['references']})")
        for s in self.statuses:
            if not _same_status(s["expected"], s["ours"]):
                lines.append(f"{s['id']}: status {s['ours']} (expected {s['expected']}, site {s['site_status']})")
        return lines


    # confidence bands -------------------------------------------------------------------
    def by_band(self) -> list[dict]:
        """Kind and outcome accuracy of the messages whose confidence falls in each band."""
        rows = []
        for band, low, high in BANDS:
            inside = [p for p in self.predictions if "kind" in p.expected and low <= (p.confidence or 0.0) < high]
            answers = [p for p in inside if p.expected.get("outcome") and p.expected.get("kind") in ANSWER_KINDS]
            rows.append({
                "band": band, "confidence": f"{low:g}-{min(high, 1.0):g}", "messages": len(inside),
                "kind_accuracy": _ratio(sum(p.kind == p.expected["kind"] for p in inside), len(inside)),
                "answers": len(answers),
                "outcome_accuracy": _ratio(sum(p.outcome == p.expected["outcome"] for p in answers), len(answers)),
            })
        return rows


#: Confidence bands: (name, lowest, above the highest).
BANDS: tuple[tuple[str, float, float], ...] = (("high", 0.9, 1.01), ("medium", 0.6, 0.9), ("low", 0.0, 0.6))


_REFERENCE_WORD = re.compile(r"^(?:FOISA|FOIA|FOI|EIR|RFI|IRQ|IR|SAR)\s+", re.I)


def _reference_key(reference: str) -> str:
    """A reference as compared: "FOI 1068868" is "1068868" (a leading word and a space are not
    part of the token the authority numbers), "FOI/2023/01234" stays whole."""
    return _REFERENCE_WORD.sub("", reference.strip())


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


#: The label of an answer (and of a thread ending in one) whose outcome is only in an attachment.
UNREAD = "unknown"


def _same_status(label: str, ours: str) -> bool:
    """The site's overdue variants are waiting_response with a calendar on top; a thread whose
    last answer is only in an attachment (labelled ``unknown``) is answered, outcome unknown:
    Alaveteli's ``waiting_classification``."""
    if label == UNREAD:
        return ours == "waiting_classification"
    if label in AWAITING_RESPONSE_STATES:
        return ours in AWAITING_RESPONSE_STATES
    return label == ours


# ------------------------------------------------------------------------------ loading


def checkout_fixtures() -> Path | None:
    """``tests/fixtures`` of the source checkout this package runs from, or None when installed."""
    root = Path(__file__).resolve().parents[2]
    fixtures = root / "tests" / "fixtures"
    return fixtures if (root / "pyproject.toml").is_file() and fixtures.is_dir() else None


CHECKOUT_FIXTURES = checkout_fixtures()


def load_gold(path: str | Path = DEFAULT_GOLD, fixtures: str | Path | None = CHECKOUT_FIXTURES) -> list[GoldItem]:
    """The items of a gold file; ``fixtures`` is where its ``fixtures/...`` paths live (None: nowhere)."""
    path = Path(path)
    fixtures = Path(fixtures) if fixtures is not None else None
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        item = GoldItem(record.get("id", f"line-{number}"), record["type"], record.get("origin", "unknown"),
                        record.get("source", ""), record, path.parent, fixtures, record.get("split"))
        items.extend(_labelled_threads(item) if item.type == "labelled_threads" else [item])
    return items


def _labelled_threads(item: GoldItem) -> list[GoldItem]:
    """One ``thread`` item per line of a labels file; the file itself stands in when it is absent."""
    record = item.record
    if item.needs_fixtures and item.fixtures is None:
        return [item]  # skipped, and counted as one item
    lines = item.path(record["labels"]).read_text(encoding="utf-8").splitlines()
    threads = []
    for line in filter(str.strip, lines):
        label = json.loads(line)
        messages = [{"message_id": spec["message_id"], "label_confidence": spec.get("confidence"),
                     "expected": _expected_of(spec)} for spec in label["messages"]]
        threads.append(GoldItem(
            label["thread"], "thread", item.origin, item.source,
            {"saved_thread": f"{record['threads'].rstrip('/')}/{label['thread']}.json",
             "expected_status": label["expected_status"], "site_status": label.get("site_status"),
             "messages": messages},
            item.gold_dir, item.fixtures, item.split,
        ))
    return threads


def _expected_of(spec: dict) -> dict:
    """A labelled message's scored labels: an outcome labelled ``unknown`` is left out."""
    expected = {"kind": spec["kind"], "exemptions": list(spec.get("exemptions", [])),
                "references": list(spec.get("references", []))}
    labelled = spec.get("outcome")
    if labelled and labelled != UNREAD:
        expected["outcome"] = labelled
    return expected


def _paths(record: dict) -> list[str]:
    """Every file a gold record reads (the record's own and its messages')."""
    specs = [record, *record.get("messages", [])]
    keys = ("page", "text_file", "eml_file", "saved_thread", "labels")
    return [spec[key] for spec in specs for key in keys if spec.get(key)]


def _text_of(record: dict, item: GoldItem) -> tuple[str, dict[str, str], list[str]]:
    """Text, headers and attachment names of a gold letter (``record``: the item or one of its messages)."""
    if "eml_file" in record:
        mail = read_email(item.path(record["eml_file"]).read_bytes())
        return mail.body_text, mail.headers, [name for name, _, _ in mail.attachments if name]
    if "text_file" in record:
        text = item.path(record["text_file"]).read_text(encoding="utf-8")
        if "lines" in record:
            first, last = record["lines"]
            text = "\n".join(text.splitlines()[first - 1:last])
        return text, {}, list(record.get("attachments", []))
    return record.get("text", ""), dict(record.get("headers", {})), list(record.get("attachments", []))


# ------------------------------------------------------------------------------ evaluation


def _prediction(item_id: str, origin: str, expected: dict, message: Message) -> Prediction:
    return Prediction(
        item_id=item_id,
        origin=origin,
        expected=expected,
        kind=message.kind,
        outcome=message.outcome,
        exemptions=[c.exemption_id for c in message.exemptions if c.relied_on],
        references=list(message.authority_refs),
        confidence=message.confidence,
    )


def without_blank_lines(text: str) -> str:
    """A letter as a plain-text e-mail or a copied page often arrives: no paragraph breaks."""
    return "\n".join(line for line in text.splitlines() if line.strip())


def _evaluate_message(item: GoldItem, flatten: bool = False) -> Prediction:
    record = item.record
    text, headers, attachments = _text_of(record, item)
    context = record.get("context", {})
    message = Message(id=item.id, direction=record.get("direction", INCOMING), sent_at=None,
                      subject=headers.get("Subject"), body_text=without_blank_lines(text) if flatten else text,
                      headers=headers)
    classify_message(message, MessageContext(
        previous_kinds=context.get("previous_kinds"),
        days_since_request=context.get("days_since_request"),
        site_state=context.get("site_state"),
        attachments=attachments,
        subject=headers.get("Subject"),
    ))
    return _prediction(item.id, item.origin, record["expected"], message)


def _thread_of(item: GoldItem) -> Thread:
    record = item.record
    if record.get("page"):
        content = item.path(record["page"]).read_bytes()
        return parse_request_page(content, "https://www.whatdotheyknow.com/request/" + item.id)
    if record.get("saved_thread"):
        return read_saved_thread(item.path(record["saved_thread"]).read_bytes())
    thread = Thread(id=item.id, site=Site("gold", "https://gold.invalid"), url="https://gold.invalid/" + item.id,
                    slug=item.id, title=item.id)
    for number, spec in enumerate(record["messages"], start=1):
        text, headers, attachments = _text_of(spec, item)
        message_id = f"{item.id}/{number}"
        thread.messages.append(Message(
            id=message_id, direction=spec["direction"], sent_at=spec.get("sent_at"), subject=headers.get("Subject"),
            body_text=text, headers=headers,
            attachments=[Attachment(f"{message_id}/a{i}", message_id, name) for i, name in enumerate(attachments)],
            site_state=spec.get("site_state"),
        ))
    return thread


def _evaluate_thread(item: GoldItem, report: Report, flatten: bool = False) -> None:
    record = item.record
    thread = _thread_of(item)
    if flatten:
        for message in thread.messages:
            message.body_text = without_blank_lines(message.body_text)
    site_status = record.get("site_status")
    if record.get("saved_thread"):
        site_status, thread.site_status = thread.site_status, None  # hidden from the reader
    classify_thread(thread)
    ours = infer_status(thread)
    report.statuses.append({"id": item.id, "origin": item.origin, "expected": record["expected_status"],
                            "site_status": site_status, "ours": ours})
    if record.get("page") or record.get("saved_thread"):
        by_id = {m.id: m for m in thread.messages}
        for spec in record["messages"]:
            message = by_id.get(spec["message_id"])
            if message is None:
                raise ValueError(f"{item.id}: no message {spec['message_id']} in the thread")
            report.predictions.append(_prediction(f"{item.id}/{spec['message_id'].rsplit('/', 1)[-1]}",
                                                  item.origin, spec["expected"], message))
    else:
        for spec, message in zip(record["messages"], thread.messages):
            if "expected" in spec:
                report.predictions.append(_prediction(message.id, item.origin, spec["expected"], message))


def evaluate(items: list[GoldItem], flatten: bool = False) -> Report:
    """Classify every item whose material is at hand; count the rest in ``Report.skipped``.

    ``flatten`` reads every letter with its blank lines removed."""
    report = Report()
    skipped: Counter = Counter()
    for item in items:
        if item.needs_fixtures and item.fixtures is None:
            skipped[item.origin] += 1
        elif item.type == "thread":
            _evaluate_thread(item, report, flatten)
        else:
            report.predictions.append(_evaluate_message(item, flatten))
    report.counts_by_origin = dict(Counter(p.origin for p in report.predictions))
    report.skipped = dict(skipped)
    return report


#: The parts of the gold set reported apart, each with what it holds.
SETS: tuple[tuple[str, str], ...] = (
    ("gold", "the gold set: 2019 pages, seed letters, published phrasings, e-mail fixtures, written letters"),
    ("real_tuned", "real 2013-2025 threads labelled by reading, that the reader was tuned on"),
    ("real_held_out", "real 2013-2025 threads labelled by reading, never tuned on"),
    ("gold_without_blank_lines", "the gold set again, every letter with its blank lines removed"),
)


def evaluate_sets(items: list[GoldItem]) -> dict[str, Report]:
    """Each part of the gold set measured on its own (``SETS``)."""
    paragraphed = [item for item in items if item.split is None]
    return {
        "gold": evaluate(paragraphed),
        "real_tuned": evaluate([item for item in items if item.split == "tuned"]),
        "real_held_out": evaluate([item for item in items if item.split == "held_out"]),
        "gold_without_blank_lines": evaluate(paragraphed, flatten=True),
    }


# ------------------------------------------------------------------------------ output


def report_as_dict(report: Report) -> dict:
    return {
        "messages": len(report.predictions),
        "messages_by_origin": report.counts_by_origin,
        "threads": len(report.statuses),
        "threads_by_origin": dict(Counter(s["origin"] for s in report.statuses)),
        "skipped_by_origin": report.skipped,
        "skipped": report.skipped_line(),
        "messages_by_kind": dict(Counter(e for e, _ in report.kind_pairs())),
        "kind_accuracy": round(report.kind_accuracy, 4),
        "per_kind": {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in row.items()}
                     for k, row in report.per_kind().items()},
        "confusion": report.confusion(),
        "outcome_accuracy": round(report.outcome_accuracy, 4),
        "outcomes_scored": len(report.outcome_pairs()),
        "exemption_precision": round(report.exemption_precision, 4),
        "exemption_recall": round(report.exemption_recall, 4),
        "reference_precision": round(report.reference_precision, 4),
        "reference_recall": round(report.reference_recall, 4),
        "status_agreement_with_site": round(report.status_agreement, 4),
        "status_threads_site_labelled": len(report.site_labelled()),
        "status_accuracy": round(report.status_accuracy, 4),
        "by_confidence": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
                          for row in report.by_band()],
        "statuses": report.statuses,
        "errors": report.errors(),
    }


def format_report(report: Report) -> str:
    lines = []
    by_origin = ", ".join(f"{k} {v}" for k, v in sorted(report.counts_by_origin.items()))
    threads = Counter(s["origin"] for s in report.statuses)
    lines.append(f"Gold set: {len(report.predictions)} labelled messages ({by_origin}); "
                 f"{len(report.statuses)} threads ({', '.join(f'{k} {v}' for k, v in sorted(threads.items()))})")
    if report.skipped:
        lines.append(report.skipped_line())
    lines.append("")
    lines.append(f"{'kind':<26}{'precision':>10}{'recall':>8}{'support':>9}")
    for kind, row in report.per_kind().items():
        lines.append(f"{kind:<26}{row['precision']:>10.2f}{row['recall']:>8.2f}{row['support']:>9}")
    lines.append(f"kind accuracy: {report.kind_accuracy:.3f} ({len(report.kind_pairs())} messages)")
    lines.append("")
    matrix = report.confusion()
    kinds = [k for k in KINDS if k in matrix or any(k in row for row in matrix.values())]
    lines.append("confusion (rows expected, columns predicted: " + ", ".join(f"{_SHORT[k]} {k}" for k in kinds) + "):")
    lines.append(" " * 26 + "".join(f"{_SHORT[k]:>6}" for k in kinds))
    for expected in kinds:
        row = matrix.get(expected, {})
        if row:
            lines.append(f"{expected:<26}" + "".join(f"{row.get(k, 0) or '.':>6}" for k in kinds))
    lines.append("")
    lines.append(f"outcome accuracy: {report.outcome_accuracy:.3f} ({len(report.outcome_pairs())} answers)")
    lines.append(f"exemptions relied on: precision {report.exemption_precision:.3f}, recall {report.exemption_recall:.3f}")
    lines.append(f"authority references: precision {report.reference_precision:.3f}, recall {report.reference_recall:.3f}")
    site = report.site_labelled()
    agreed = sum(_same_status(s["site_status"], s["ours"]) for s in site)
    lines.append(f"status agreement with the site's label: {report.status_agreement:.3f} ({agreed}/{len(site)} threads the requester classified)")
    lines.append(f"status accuracy against expected status: {report.status_accuracy:.3f} ({len(report.statuses)} threads)")
    lines.append("")
    lines.append("by confidence: " + "; ".join(
        f"{row['band']} ({row['confidence']}) kind {row['kind_accuracy']:.3f} of {row['messages']}, "
        f"outcome {row['outcome_accuracy']:.3f} of {row['answers']}" for row in report.by_band()))
    errors = report.errors()
    if errors:
        lines.append("")
        lines.append(f"disagreements ({len(errors)}):")
        lines.extend("  " + e for e in errors)
    return "\n".join(lines)


def sets_as_dict(reports: dict[str, Report]) -> dict:
    """``evaluate_sets`` as one JSON-ready object: each set's figures, under its name."""
    described = dict(SETS)
    return {name: {"description": described[name], **report_as_dict(report)} for name, report in reports.items()}


def format_sets(reports: dict[str, Report]) -> str:
    """A summary line per set, then each set's full report."""
    described = dict(SETS)
    lines = [f"{'set':<26}{'messages':>9}{'threads':>8}{'kind':>7}{'outcome':>8}{'status':>7}{'exempt P':>9}{'R':>6}"]
    for name, report in reports.items():
        lines.append(f"{name:<26}{len(report.predictions):>9}{len(report.statuses):>8}{report.kind_accuracy:>7.3f}"
                     f"{report.outcome_accuracy:>8.3f}{report.status_accuracy:>7.3f}"
                     f"{report.exemption_precision:>9.3f}{report.exemption_recall:>6.3f}")
    for name, report in reports.items():
        lines += ["", f"== {name}: {described[name]}", format_report(report)]
    return "\n".join(lines)
