"""The demo corpus's thread files (tracker/demo/threads/*.yaml) keep to the format corpus.py reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from tracker.demo import BODIES, PEOPLE, SITE_STATUSES
from tracker.model.taxonomy import INCOMING_KINDS, OUTGOING_KINDS, RESPONSE_OUTCOMES, REVIEW_OUTCOMES
from tracker.demo.corpus import UNCLASSIFIED, spec_from, specs, thread_files

THREAD_REQUIRED = {"title", "body", "user", "start", "steps"}
THREAD_OPTIONAL = {"law", "shift", "notes"}
STEP_OPTIONAL = {"at", "minutes", "outcome", "state", "sender", "external", "files", "quote", "subject"}
NOTE_KEYS = {"at", "author", "text"}
OUTCOMES = {"response": RESPONSE_OUTCOMES, "internal_review_response": REVIEW_OUTCOMES}
SIZE = re.compile(r"\d+(?:\.\d+)?[KM]")


def _problems_of_step(step: Any) -> Iterator[str]:
    if not isinstance(step, dict):
        yield f"a step is not a mapping: {step!r}"
        return
    directions = [d for d in ("out", "in") if d in step]
    if len(directions) != 1:
        yield f"a step needs exactly one of out / in: {sorted(step)}"
        return
    direction = directions[0]
    kind = step[direction]
    if kind not in (OUTGOING_KINDS if direction == "out" else INCOMING_KINDS):
        yield f"unknown {direction} kind {kind!r}"
    bodies = [key for key in ("text", "reason") if key in step]
    if len(bodies) != 1:
        yield f"{kind}: a step needs exactly one of text / reason"
    elif not isinstance(step[bodies[0]], str) or not step[bodies[0]].strip():
        yield f"{kind}: empty {bodies[0]}"
    if "reason" in step and (direction, kind) != ("out", "internal_review_request"):
        yield f"{kind}: only an outgoing internal_review_request has a reason"
    unknown = set(step) - {direction, *bodies} - STEP_OPTIONAL
    if unknown:
        yield f"{kind}: unknown keys {sorted(unknown)}"
    if not isinstance(step.get("at", 0), int) or not isinstance(step.get("minutes", 0), int):
        yield f"{kind}: at and minutes are whole numbers"
    if "outcome" in step and step["outcome"] not in OUTCOMES.get(kind, ()):
        yield f"{kind}: outcome {step['outcome']!r} is not an outcome of this kind"
    if kind in OUTCOMES and "outcome" not in step:
        yield f"{kind}: an answer needs its outcome"
    if "state" in step and step["state"] not in (*SITE_STATUSES, UNCLASSIFIED):
        yield f"{kind}: unknown state {step['state']!r}"
    if step.get("quote", "gt") not in ("gt", "outlook"):
        yield f"{kind}: quote is gt or outlook"
    for pair in step.get("files", ()):
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and SIZE.fullmatch(str(pair[1]))):
            yield f"{kind}: a file is [name, size like 96K or 1.5M]: {pair!r}"


def _problems(thread: Any) -> Iterator[str]:
    if not isinstance(thread, dict):
        yield f"a thread is not a mapping: {thread!r}"
        return
    missing = THREAD_REQUIRED - set(thread)
    if missing:
        yield f"missing keys {sorted(missing)}"
    unknown = set(thread) - THREAD_REQUIRED - THREAD_OPTIONAL
    if unknown:
        yield f"unknown keys {sorted(unknown)}"
    if thread.get("body") not in BODIES:
        yield f"unknown body {thread.get('body')!r}"
    if thread.get("user") not in PEOPLE:
        yield f"unknown user {thread.get('user')!r}"
    start = thread.get("start")
    if not (isinstance(start, int) and start >= 0) and not (
        isinstance(start, dict) and set(start) == {"before_holiday", "working_days"}
        and isinstance(start["before_holiday"], str) and isinstance(start["working_days"], int)
    ):
        yield f"start is working days before today or {{before_holiday, working_days}}: {start!r}"
    if thread.get("law", "foi") not in ("foi", "eir"):
        yield f"unknown law {thread['law']!r}"
    steps = thread.get("steps")
    if not isinstance(steps, list) or not steps:
        yield "a thread needs steps"
        return
    if not (isinstance(steps[0], dict) and steps[0].get("out") == "request"):
        yield "a thread starts with an outgoing request"
    for step in steps:
        yield from _problems_of_step(step)
    for note in thread.get("notes", ()):
        if not isinstance(note, dict) or set(note) != NOTE_KEYS or note["author"] not in PEOPLE:
            yield f"a note has at, author (a key of PEOPLE) and text: {note!r}"


@pytest.mark.parametrize("path", thread_files(), ids=lambda path: path.name)
def test_thread_file_keeps_to_the_schema(path: Path) -> None:
    threads = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(threads, list) and threads, f"{path.name}: a list of threads"
    for thread in threads:
        problems = list(_problems(thread))
        assert not problems, f"{path.name}: {thread.get('title') if isinstance(thread, dict) else thread}: {problems}"
        spec_from(thread)


def test_every_thread_file_is_read() -> None:
    assert len(thread_files()) >= 10
    counted = sum(len(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in thread_files())
    assert len(specs()) == counted
    titles = [spec.title for spec in specs()]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("thread, problem", [
    ({"body": "glenmorven_council", "user": "jo_hartley", "start": 3, "steps": [{"out": "request", "text": "x"}]},
     "missing keys ['title']"),
    ({"title": "t", "body": "nowhere", "user": "jo_hartley", "start": 3, "steps": [{"out": "request", "text": "x"}]},
     "unknown body 'nowhere'"),
    ({"title": "t", "body": "glenmorven_council", "user": "jo_hartley", "start": 3,
      "steps": [{"out": "request", "text": "x"}, {"in": "reply", "text": "y"}]},
     "unknown in kind 'reply'"),
    ({"title": "t", "body": "glenmorven_council", "user": "jo_hartley", "start": 3,
      "steps": [{"out": "request", "text": "x"}, {"in": "response", "text": "y"}]},
     "response: an answer needs its outcome"),
    ({"title": "t", "body": "glenmorven_council", "user": "jo_hartley", "start": 3,
      "steps": [{"out": "request"}]},
     "request: a step needs exactly one of text / reason"),
])
def test_the_schema_check_finds_mistakes(thread: dict, problem: str) -> None:
    assert problem in list(_problems(thread))
