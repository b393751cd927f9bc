"""The vocabulary has one home, tracker.model.taxonomy: these tests fail when a copy appears or drifts.

The Python source, the SQL of the views and of metadata.yml, the demo corpus, the gold set and
the reference tables in the database are all checked against the module.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from difflib import get_close_matches
from pathlib import Path

import pytest
import yaml

from tracker.demo import build_corpus
from tracker.model import INCOMING, OUTGOING
from tracker.model.taxonomy import (
    ADMIN_STATES,
    ANSWER_KINDS,
    ANSWERED_STATES,
    AWAITING_RESPONSE_STATES,
    CLOCK_KINDS,
    CLOSED_STATES,
    CLOSED_WITHOUT_ANSWER,
    DECIDED_STATES,
    INACTIVE_STATES,
    INCOMING_KINDS,
    KIND_DIRECTION,
    KIND_LABELS,
    KINDS,
    OPEN_STATES,
    OUTCOME_KIND,
    OUTCOME_LABELS,
    OUTCOME_STATE,
    OUTCOMES,
    OUTGOING_KINDS,
    RELIED_ON_KINDS,
    RESPONSE_OUTCOMES,
    REVIEW_OUTCOMES,
    SENT_STATE,
    STATE_LABELS,
    STATE_OUTCOME,
    STATES,
    UNSETTLED_STATES,
    base_state,
)
from tracker.reading.evaluate import DEFAULT_GOLD
from tracker.store.db import open_db
from tracker.store.schema import VIEWS
from tracker.web.publish import METADATA

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("tracker", "scrapers", "schedules", "bench")
TAXONOMY = ROOT / "tracker" / "model" / "taxonomy.py"
GOLD = DEFAULT_GOLD
VOCABULARIES = {"state": frozenset(STATES), "kind": frozenset(KINDS), "outcome": frozenset(OUTCOMES)}
ALL_NAMES = frozenset().union(*VOCABULARIES.values())


# ------------------------------------------------------------------------------ the module itself


def test_the_vocabularies_have_no_duplicates_and_a_label_each():
    for names in (STATES, KINDS, OUTCOMES):
        assert len(set(names)) == len(names)
    assert set(KINDS) == set(OUTGOING_KINDS) | set(INCOMING_KINDS)
    assert not set(OUTGOING_KINDS) & set(INCOMING_KINDS)
    for labels, names in ((STATE_LABELS, STATES), (KIND_LABELS, KINDS), (OUTCOME_LABELS, OUTCOMES)):
        assert list(labels) == list(names)
        assert all(label.strip() for label in labels.values())
        assert len(set(labels.values())) == len(labels), "two names share a label"


def test_every_set_and_map_uses_only_names_of_the_vocabulary():
    for states in (AWAITING_RESPONSE_STATES, DECIDED_STATES, INACTIVE_STATES, CLOSED_STATES, OPEN_STATES,
                   UNSETTLED_STATES, ANSWERED_STATES, ADMIN_STATES, CLOSED_WITHOUT_ANSWER, SENT_STATE.values(),
                   OUTCOME_STATE.values(), STATE_OUTCOME):
        assert set(states) <= set(STATES), set(states) - set(STATES)
    for kinds in (ANSWER_KINDS, RELIED_ON_KINDS, CLOCK_KINDS, OUTCOME_KIND.values(), SENT_STATE):
        assert set(kinds) <= set(KINDS), set(kinds) - set(KINDS)
    assert set(SENT_STATE) <= set(OUTGOING_KINDS)
    assert set(ANSWER_KINDS) <= set(INCOMING_KINDS)
    assert set(OUTCOMES) == set(RESPONSE_OUTCOMES) | set(REVIEW_OUTCOMES) == set(OUTCOME_STATE) == set(OUTCOME_KIND)
    assert set(STATE_OUTCOME) == set(DECIDED_STATES) and set(STATE_OUTCOME.values()) <= set(RESPONSE_OUTCOMES)
    assert {KIND_DIRECTION[kind] for kind in OUTGOING_KINDS} == {OUTGOING}
    assert {KIND_DIRECTION[kind] for kind in INCOMING_KINDS} == {INCOMING}


def test_how_the_state_sets_relate():
    assert set(CLOSED_STATES) == set(DECIDED_STATES) | set(INACTIVE_STATES) | {"waiting_clarification"}
    assert set(CLOSED_WITHOUT_ANSWER) <= set(INACTIVE_STATES)
    assert not set(DECIDED_STATES) & set(INACTIVE_STATES)
    assert set(AWAITING_RESPONSE_STATES) <= set(OPEN_STATES)
    assert not set(AWAITING_RESPONSE_STATES) & set(CLOSED_STATES), "a request awaiting a response can be late"
    assert {base_state(state) for state in AWAITING_RESPONSE_STATES} == {"waiting_response"}
    assert all(base_state(state) == state for state in STATES if state not in AWAITING_RESPONSE_STATES)


# ------------------------------------------------------------------------------ (a) Python source


def _names(nodes: list[ast.expr]) -> dict[str, list[str]]:
    """The vocabulary names among ``nodes`` that are string literals, per vocabulary."""
    found: dict[str, list[str]] = {vocabulary: [] for vocabulary in VOCABULARIES}
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for vocabulary, names in VOCABULARIES.items():
                if node.value in names:
                    found[vocabulary].append(node.value)
    return found


def _subject(node: ast.expr) -> str | None:
    """The name a comparison is about: ``status``, ``thread.site_status``, ``row["status"]``..."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        first = node.args[0]
        return str(first.value) if isinstance(first, ast.Constant) else None
    return None


def _literals(node: ast.expr) -> list[str]:
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]


def vocabulary_copies(source: str) -> list[tuple[int, str]]:
    """(line, what) for each copy of the vocabulary in Python ``source``: a set, tuple or list
    literal with two or more names of one vocabulary, a dict mapping names to names, or a
    status, state or outcome compared with a string that is not one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
            for vocabulary, names in _names(node.elts).items():
                if len(set(names)) >= 2:
                    found.append((node.lineno, f"a list of {vocabulary}s {names}"))
        elif isinstance(node, ast.Dict):
            keys = [key for key, value in zip(node.keys, node.values)
                    if isinstance(value, ast.Constant) and value.value in ALL_NAMES and key is not None]
            for vocabulary, names in _names(keys).items():
                if len(set(names)) >= 2:
                    found.append((node.lineno, f"a map from {vocabulary}s {names}"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for subject, other in ((sides[0], sides[1]), (sides[1], sides[0])):
                name = (_subject(subject) or "").lower()
                vocabulary = next((v for suffix, v in (("status", "state"), ("state", "state"), ("outcome", "outcome"))
                                   if name.endswith(suffix)), None)
                unknown = [value for value in _literals(other) if vocabulary and value not in VOCABULARIES[vocabulary]]
                if unknown:
                    found.append((node.lineno, f"{name} compared with {unknown}, not a {vocabulary}"))
    return found


def test_the_scan_finds_copies():
    source = (
        'CLOSED = ("successful", "rejected")\n'
        'MAP = {"refused": "rejected", "upheld": "rejected"}\n'
        'late = status not in {"waiting_response", "user_withdrawn"}\n'
        'typo = thread.site_status == "waiting_respose"\n'
        'fine = (message.kind == "response", {"request": "Request"}, ("response", "not_held", 4.0))\n'
    )
    assert sorted(line for line, _ in vocabulary_copies(source)) == [1, 2, 3, 4]


def test_no_module_but_the_taxonomy_types_out_states_kinds_or_outcomes():
    copies = []
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == TAXONOMY or ".venv" in path.parts:
                continue
            for line, what in vocabulary_copies(path.read_text(encoding="utf-8")):
                copies.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not copies, "import these from tracker.model.taxonomy instead:\n" + "\n".join(copies)


# ------------------------------------------------------------------------------ (b) SQL


def _metadata_sql() -> dict[str, str]:
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    found = {}
    for database in metadata.get("databases", {}).values():
        for name, query in database.get("queries", {}).items():
            found[f"metadata.yml query {name}"] = query["sql"]
    for dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).values():
        for name, chart in dashboard.get("charts", {}).items():
            found[f"metadata.yml chart {name}"] = chart["query"]
        for name, control in dashboard.get("filters", {}).items():
            if "query" in control:
                found[f"metadata.yml filter {name}"] = control["query"]
    return found


ALL_SQL = {**_metadata_sql(), **{f"view {name}": sql for name, sql in VIEWS.items()}}
_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_IN_LIST = re.compile(r"\bin\s*\(([^()]*)\)", re.I)
_COMPARED = re.compile(r"\b(site_status|status|state|outcome)\s*(?:=|==|!=|<>)\s*'([^']*)'", re.I)


def sql_vocabulary_problems(sql: str) -> list[str]:
    """Hand-typed lists of names, comparisons with a name that is not one, and literals one
    letter away from a name."""
    problems = []
    for listed in _IN_LIST.findall(sql):
        literals = _LITERAL.findall(listed)
        for vocabulary, names in VOCABULARIES.items():
            typed = sorted({value for value in literals if value in names})
            if len(typed) >= 2:
                problems.append(f"hand-typed list of {vocabulary}s {typed}: select them from the {vocabulary}s table")
    for column, value in _COMPARED.findall(sql):
        vocabulary = "outcome" if column.lower() == "outcome" else "state"
        if value not in VOCABULARIES[vocabulary]:
            problems.append(f"{column} compared with {value!r}, not a {vocabulary}")
    for value in set(_LITERAL.findall(sql)) - ALL_NAMES:
        if close := get_close_matches(value, ALL_NAMES, n=1, cutoff=0.85):
            problems.append(f"{value!r} looks like a misspelt {close[0]!r}")
    return problems


def test_the_sql_check_finds_typed_lists_and_misspellings():
    assert len(sql_vocabulary_problems(
        "select 1 from requests where status not in ('successful', 'rejected') and status = 'waiting_respons'"
    )) == 3
    assert sql_vocabulary_problems(
        "select 1 from requests where status not in (select state from states where closed)"
        " and status = 'internal_review' and kind in ('response')"
    ) == []


@pytest.mark.parametrize("name", sorted(ALL_SQL))
def test_views_and_canned_queries_take_states_from_the_reference_tables(name):
    assert not sql_vocabulary_problems(ALL_SQL[name]), sql_vocabulary_problems(ALL_SQL[name])


def test_the_late_views_and_queries_select_closed_and_inactive_states_from_the_states_table():
    using = [name for name, sql in ALL_SQL.items() if "from states where" in sql]
    assert {"view late_requests", "view authority_response_times", "metadata.yml query late_today",
            "metadata.yml query internal_reviews_pending"} <= set(using)


# ------------------------------------------------------------------------------ (c) data


def test_the_demo_corpus_uses_only_the_vocabulary():
    threads = build_corpus(date(2026, 12, 1))
    assert threads
    for thread in threads:
        assert thread.site_status in STATES, (thread.id, thread.site_status)
        for message in thread.messages:
            where = f"{thread.id} {message.id}"
            assert message.kind in KINDS, (where, message.kind)
            assert KIND_DIRECTION[message.kind] == message.direction, where
            if message.outcome is not None:
                assert OUTCOME_KIND.get(message.outcome) == message.kind, (where, message.outcome)
            assert message.site_state is None or message.site_state in STATES, (where, message.site_state)


def _gold_messages() -> list[tuple[str, dict, str | None]]:
    """(item id, expected labels, direction) of every message of the gold set."""
    found = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["type"] == "message":
            found.append((item["id"], item["expected"], item.get("direction")))
        for message in item.get("messages", []):
            found.append((item["id"], message.get("expected", {}), message.get("direction")))
    return found


def test_the_gold_set_uses_only_the_vocabulary():
    statuses = kinds = 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        for key in ("site_status", "expected_status"):
            if item.get(key) is not None:
                assert item[key] in STATES, (item["id"], key, item[key])
                statuses += 1
        for kind in (item.get("context") or {}).get("previous_kinds") or []:
            assert kind in KINDS, (item["id"], kind)
    for item_id, expected, direction in _gold_messages():
        if "kind" in expected:
            kinds += 1
            assert expected["kind"] in KINDS, (item_id, expected["kind"])
            assert direction is None or KIND_DIRECTION[expected["kind"]] == direction, item_id
        if expected.get("outcome") is not None:
            assert OUTCOME_KIND.get(expected["outcome"]) == expected.get("kind"), (item_id, expected)
    assert statuses > 20 and kinds > 100


# ------------------------------------------------------------------------------ (d) reference tables


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "vocabulary.db")


def _column(db, sql: str) -> set:
    return {row[0] for row in db.execute(sql).fetchall()}


def test_the_reference_tables_hold_the_taxonomy(db):
    assert dict(db.execute("select state, label from states").fetchall()) == STATE_LABELS
    for flag, states in (("open", OPEN_STATES), ("closed", CLOSED_STATES), ("inactive", INACTIVE_STATES),
                         ("decided", DECIDED_STATES)):
        assert _column(db, f"select state from states where {flag}") == set(states), flag
        assert _column(db, f"select {flag} from states") == {0, 1}
    assert dict(db.execute("select state, outcome from states where outcome is not null").fetchall()) == STATE_OUTCOME
    assert dict(db.execute("select state, base_state from states").fetchall()) == {s: base_state(s) for s in STATES}
    assert dict(db.execute("select kind, label from kinds").fetchall()) == KIND_LABELS
    assert dict(db.execute("select kind, direction from kinds").fetchall()) == KIND_DIRECTION
    assert dict(db.execute("select outcome, label from outcomes").fetchall()) == OUTCOME_LABELS
    assert dict(db.execute("select outcome, kind from outcomes").fetchall()) == OUTCOME_KIND
    assert dict(db.execute("select outcome, state from outcomes").fetchall()) == OUTCOME_STATE


def test_opening_again_writes_nothing_to_the_reference_tables(tmp_path):
    path = tmp_path / "again.db"
    open_db(path).conn.close()
    db = open_db(path)
    assert db.conn.total_changes == 0


def test_opening_puts_back_a_reference_table_that_drifted(tmp_path):
    path = tmp_path / "drifted.db"
    db = open_db(path)
    with db.conn:
        db.execute("update states set label = 'Done', closed = 0 where state = 'successful'")
        db.execute("delete from kinds where kind = 'withdrawal'")
        db.execute("insert into outcomes (outcome, kind, label, state) values ('withdrawn', 'response', 'x', 'x')")
    db.conn.close()
    db = open_db(path)
    assert db["states"].get("successful")["label"] == STATE_LABELS["successful"]
    assert _column(db, "select state from states where closed") == set(CLOSED_STATES)
    assert _column(db, "select kind from kinds") == set(KINDS)
    assert _column(db, "select outcome from outcomes") == set(OUTCOMES)
