"""The ``classify`` and ``evaluate`` commands: read one letter, or measure reading on the gold set.

Registered on the ``foi-tracker`` group by ``tracker.cli`` (``cli.add_command``); neither needs
the database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tracker.reading.classify import classify_letter
from tracker.reading.evaluate import CHECKOUT_FIXTURES, DEFAULT_GOLD, evaluate_sets, format_sets, load_gold, sets_as_dict
from tracker.model import INCOMING, OUTGOING, Message

__all__ = ["classify_command", "evaluate_command"]

def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if path.is_dir():
        raise OSError("is a directory")
    return path.read_bytes()


def _as_dict(message: Message) -> dict:
    return {
        "kind": message.kind,
        "outcome": message.outcome,
        "confidence": message.confidence,
        "reasons": message.reasons,
        "exemptions": [{"id": c.exemption_id, "relied_on": c.relied_on, "quote": c.quote} for c in message.exemptions],
        "authority_refs": message.authority_refs,
        "stated_dates": message.stated_dates,
        "cost_limit": message.cost_limit,
    }


def _as_text(message: Message) -> str:
    lines = [f"kind: {message.kind} (confidence {message.confidence:.2f})"]
    if message.outcome:
        lines.append(f"outcome: {message.outcome}")
    if message.exemptions:
        lines.append("exemptions:")
        for citation in message.exemptions:
            role = "relied on" if citation.relied_on else "mentioned"
            quote = f'  "{citation.quote[:100]}"' if citation.quote else ""
            lines.append(f"  {citation.exemption_id} ({role}){quote}")
    else:
        lines.append("exemptions: none")
    lines.append(f"references: {', '.join(message.authority_refs) or 'none'}")
    dates = ", ".join(f"{key} {value}" for key, value in message.stated_dates.items())
    lines.append(f"stated dates: {dates or 'none'}")
    if message.cost_limit is not None:
        lines.append(f"cost limit: £{message.cost_limit}")
    lines.append("reasons:")
    lines.extend(f"  - {reason}" for reason in message.reasons)
    return "\n".join(lines)


@click.command("classify")
@click.argument("source", metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--outgoing", is_flag=True, help="The letter was written by the requester.")
def classify_command(source: str, as_json: bool, outgoing: bool) -> None:
    """Read one letter: its kind, outcome, exemptions, references, dates and the reasons.

    FILE is plain text or an e-mail (.eml: its headers count, e.g. Auto-Submitted); - reads
    standard input.
    """
    try:
        content = _read(source)
    except OSError as error:
        raise click.ClickException(f"cannot read {source}: {error.strerror or str(error)}") from None
    message = classify_letter(content, source, OUTGOING if outgoing else INCOMING)
    if as_json:
        click.echo(json.dumps(_as_dict(message), ensure_ascii=False))
    else:
        click.echo(_as_text(message))


@click.command("evaluate")
@click.option("--gold", "gold_path", default=str(DEFAULT_GOLD), show_default=True,
              type=click.Path(dir_okay=False), help="Gold set (JSON Lines).")
@click.option("--fixtures", "fixtures_dir", type=click.Path(exists=True, file_okay=False),
              help="The third-party pages, letters and e-mails the gold set labels (a checkout's tests/fixtures; "
                   "found by itself when run from a checkout).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def evaluate_command(gold_path: str, fixtures_dir: str | None, as_json: bool) -> None:
    """Measure classification on the labelled gold set: per-kind precision and recall, the
    confusion matrix, outcome accuracy, exemptions, request status and accuracy by confidence.

    Each part is reported apart: the gold set; the real threads we tuned on and those we never
    did; and the gold set again with every blank line removed.

    The labels and the letters written for foi-tracker ship with it; the real third-party
    material stays in the repository's tests/fixtures. Without it, those items are skipped and
    the report says so in one line.
    """
    fixtures = fixtures_dir if fixtures_dir is not None else CHECKOUT_FIXTURES
    try:
        reports = evaluate_sets(load_gold(gold_path, fixtures))
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"cannot read the gold set {gold_path}: {error}") from None
    if as_json:
        click.echo(json.dumps(sets_as_dict(reports), ensure_ascii=False, indent=2))
    else:
        click.echo(format_sets(reports))
