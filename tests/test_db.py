"""tracker.store.db: schema from data, idempotent upserts, append-only history, raw bodies."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from tracker.store import db as database
from tracker.model import Annotation, Attachment, Authority, Message, Site, Thread, User
from tracker.store.schema import PRIVATE_TABLES, TABLES, VIEWS

HOST = "www.example.org"


def make_thread(status: str = "waiting_response", messages: int = 2) -> Thread:
    site = Site(HOST, f"https://{HOST}")
    thread = Thread(
        id=f"{HOST}/request/parking_fines",
        site=site,
        url=f"https://{HOST}/request/parking_fines",
        slug="parking_fines",
        title="Parking fines",
        authority=Authority(f"{HOST}/body/example_council", HOST, "example_council", "Example Council", ["local_council"]),
        user=User(f"{HOST}/user/jane_doe", HOST, "jane_doe", "Jane Doe"),
        site_status=status,
    )
    for n in range(messages):
        direction = "outgoing" if n % 2 == 0 else "incoming"
        message_id = f"{HOST}/{direction}-{100 + n}"
        thread.messages.append(
            Message(
                id=message_id,
                direction=direction,
                sent_at=f"2024-01-0{n + 1}T09:00:00+00:00",
                author="Jane Doe" if direction == "outgoing" else "Example Council",
                body_text=f"Letter {n}\n\nSecond paragraph.",
                attachments=[Attachment(f"{message_id}/attachment-2", message_id, "reply.pdf", None, "application/pdf", 1024)]
                if direction == "incoming"
                else [],
            )
        )
    thread.annotations.append(Annotation(f"{HOST}/comment-5", thread.id, "A Helper", "2024-01-09T10:00:00+00:00", "See the annual report."))
    return thread


def content_snapshot(db) -> dict:
    """Every content column of the thread tables (no bookkeeping columns)."""
    return {
        "requests": list(db.query("select id, title, site_status, status, authority_id, user_id from requests")),
        "messages": list(db.query("select id, direction, sent_at, author, body_text, hidden_at, updated_at from messages order by id")),
        "attachments": list(db.query("select * from attachments order by id")),
        "annotations": list(db.query("select * from annotations order by id")),
        "status_history": list(db.query("select request_id, site_status, status from status_history")),
    }


def test_schema_has_every_contract_table_column_and_view(db):
    contract = {
        "sites": "id base_url name regime",
        "authorities": "id site_id url_name name tags regime",
        "users": "id site_id url_name name",
        "requests": "id site_id url title authority_id user_id regime site_status status sent_at due_date "
        "very_overdue_date first_response_at working_days_to_response answered_on_time review_requested_at "
        "review_due_date review_responded_at last_polled_at next_poll_at",
        "messages": "id request_id direction sent_at author subject body_text kind outcome confidence reasons "
        "authority_refs first_seen_at hidden_at",
        "attachments": "id message_id filename url content_type size",
        "annotations": "id request_id author created_at body_text",
        "exemptions": "id regime provision short_name kind",
        "message_exemptions": "message_id exemption_id",
        "status_history": "request_id observed_at site_status status",
        "flags": "id request_id flag raised_on cleared_on due_date working_days_late notified_at",
        "notifications": "flag_id channel delivered_at",
    }
    for table, columns in contract.items():
        assert set(columns.split()) <= set(db[table].columns_dict), table
    private = sqlite_utils.Database(database.private_path(db.conn.execute("pragma database_list").fetchone()[2]))
    private_contract = {
        "fetches": "id url fetched_at status_code bytes sha256 error",
        "fetch_bodies": "sha256 encoding body",
        "message_headers": "message_id headers",
    }
    for table, columns in private_contract.items():
        assert set(columns.split()) <= set(private[table].columns_dict), table
        assert not db[table].exists(), f"{table} in the public file"
    assert "headers" not in db["messages"].columns_dict
    assert set(VIEWS) <= set(db.view_names())
    assert {"late_requests", "authority_response_times", "exemption_usage", "thread_timeline"} <= set(db.view_names())
    assert db["messages"].detect_fts() == "messages_fts"
    assert db["requests"].detect_fts() == "requests_fts"
    assert db.journal_mode == "wal"
    fks = {(fk.column, fk.other_table) for fk in db["messages"].foreign_keys}
    assert ("request_id", "requests") in fks
    indexed = {tuple(index.columns) for index in db["messages"].indexes}
    assert ("request_id", "position") in indexed


def test_every_schema_column_is_documented_in_metadata():
    metadata = yaml.safe_load((Path(__file__).parent.parent / "tracker" / "web" / "metadata.yml").read_text())
    tables = metadata["databases"]["*"]["tables"]
    contract = (Path(__file__).parent.parent / "docs" / "database.md").read_text()
    for table in PRIVATE_TABLES:  # the private file: in metadata.yml too, and each column named in the contract
        assert all(f"`{column}`" in contract for column in (table.name, *table.columns)), table.name
    for table in (*TABLES, *PRIVATE_TABLES):
        documented = tables[table.name]
        assert documented.get("description"), table.name
        missing = set(table.columns) - set(documented.get("columns", {}))
        assert not missing, f"{table.name}: undocumented columns {sorted(missing)}"
    for view in VIEWS:
        assert tables[view]["description"], view


def test_saving_the_same_thread_twice_changes_nothing(db):
    thread = make_thread()
    first = database.save_thread(db, thread, "2024-02-01T00:00:00+00:00")
    assert first.created and len(first.new_messages) == 2
    before = content_snapshot(db)
    second = database.save_thread(db, copy.deepcopy(thread), "2024-02-02T00:00:00+00:00")
    assert not second.changed
    assert content_snapshot(db) == before
    assert db["messages"].count == 2 and db["attachments"].count == 1 and db["annotations"].count == 1


def test_new_message_is_added_and_vanished_one_is_hidden_not_deleted(db):
    thread = make_thread(messages=3)
    database.save_thread(db, thread, "2024-02-01T00:00:00+00:00")
    later = copy.deepcopy(thread)
    vanished = later.messages.pop(1)
    later.messages.append(Message(f"{HOST}/incoming-999", "incoming", "2024-02-03T10:00:00+00:00", body_text="Our reply."))
    result = database.save_thread(db, later, "2024-02-04T00:00:00+00:00")
    assert result.new_messages == [f"{HOST}/incoming-999"]
    assert result.hidden_messages == [vanished.id]
    row = db["messages"].get(vanished.id)
    assert row["hidden_at"] == "2024-02-04T00:00:00+00:00"
    assert row["body_text"] == vanished.body_text  # kept
    assert db["messages"].count == 4
    # It comes back: hidden_at is cleared, still one row.
    database.save_thread(db, thread, "2024-02-05T00:00:00+00:00")
    assert db["messages"].get(vanished.id)["hidden_at"] is None
    assert db["messages"].count == 4


def test_message_hidden_by_the_site_keeps_its_stored_body(db):
    thread = make_thread()
    database.save_thread(db, thread, "2024-02-01T00:00:00+00:00")
    hidden = copy.deepcopy(thread)
    hidden.messages[1].prominence = "hidden"
    hidden.messages[1].body_text = ""
    database.save_thread(db, hidden, "2024-02-02T00:00:00+00:00")
    row = db["messages"].get(thread.messages[1].id)
    assert row["body_text"] == thread.messages[1].body_text
    assert row["prominence"] == "hidden" and row["hidden_at"] == "2024-02-02T00:00:00+00:00"


def test_status_change_is_appended_to_history(db):
    database.save_thread(db, make_thread("waiting_response"), "2024-02-01T00:00:00+00:00")
    database.save_thread(db, make_thread("waiting_response"), "2024-02-02T00:00:00+00:00")
    result = database.save_thread(db, make_thread("successful"), "2024-02-03T00:00:00+00:00")
    assert result.status_changed
    history = list(db.query("select observed_at, site_status from status_history order by id"))
    assert history == [
        {"observed_at": "2024-02-01T00:00:00+00:00", "site_status": "waiting_response"},
        {"observed_at": "2024-02-03T00:00:00+00:00", "site_status": "successful"},
    ]


def test_a_poorer_source_does_not_blank_what_a_richer_one_stored(db):
    thread = make_thread()
    thread.messages[0].event_type = "sent"
    thread.messages[0].site_state = "waiting_response"
    database.save_thread(db, thread, "2024-02-01T00:00:00+00:00")
    page_only = make_thread()
    page_only.authority.tags = []
    database.save_thread(db, page_only, "2024-02-02T00:00:00+00:00")
    assert db["messages"].get(thread.messages[0].id)["event_type"] == "sent"
    assert db["authorities"].get(thread.authority.id)["tags"] == "local_council"


def test_save_is_one_transaction(db, monkeypatch):
    database.save_thread(db, make_thread(messages=1), "2024-02-01T00:00:00+00:00")
    broken = make_thread(messages=3)
    broken.messages[2].direction = None  # violates NOT NULL on the last insert
    with pytest.raises(Exception):
        database.save_thread(db, broken, "2024-02-02T00:00:00+00:00")
    assert db["messages"].count == 1
    assert db["attachments"].count == 0


def test_fetch_bodies_are_compressed_deduplicated_and_readable(db):
    body = b"<html>" + b"x" * 10000 + b"</html>"
    first = database.record_fetch(db, "https://h/request/a?unfold=1", status_code=200, content=body, etag='"abc"')
    database.record_fetch(db, "https://h/request/a?unfold=1", status_code=200, content=body)
    assert db["fetch_bodies"].count == 1
    stored = list(db.query("select length(body) as n from fetch_bodies"))[0]["n"]
    assert stored < len(body) / 10
    sha = next(db.query("select sha256 from fetches where id = ?", [first]))["sha256"]
    assert database.fetch_body(db, sha) == body
    database.record_fetch(db, "https://h/request/a?unfold=1", status_code=None, error="timed out")
    cached = database.last_good_fetch(db, "https://h/request/a?unfold=1")
    assert cached.sha256 == sha
    rows = list(db.query("select error from fetches order by id"))
    assert rows[-1]["error"] == "timed out"


def test_fetch_with_a_parse_error_is_not_used_for_conditional_get(db):
    good = database.record_fetch(db, "https://h/r", status_code=200, content=b"good", etag='"1"')
    bad = database.record_fetch(db, "https://h/r", status_code=200, content=b"bad", etag='"2"')
    database.set_fetch_error(db, bad, "page truncated")
    assert database.last_good_fetch(db, "https://h/r").etag == '"1"'
    assert next(db.query("select error from fetches where id = ?", [good]))["error"] is None


def test_full_text_search_finds_message_text(db):
    database.save_thread(db, make_thread(), "2024-02-01T00:00:00+00:00")
    hits = list(db["messages"].search("paragraph"))
    assert len(hits) == 2
    assert list(db["requests"].search("parking"))[0]["id"] == f"{HOST}/request/parking_fines"


def test_a_message_redelivered_to_another_thread_moves_with_its_history(db):
    first = make_thread()
    database.save_thread(db, first, "2024-02-01T00:00:00+00:00")
    moved = first.messages[1]
    other = make_thread(messages=0)
    other.id = f"{HOST}/request/other_request"
    other.slug = "other_request"
    other.url = f"https://{HOST}/request/other_request"
    other.annotations = []
    other.messages = [copy.deepcopy(moved)]
    database.save_thread(db, other, "2024-02-02T00:00:00+00:00", allow_moves=True)  # read from the site itself
    row = db["messages"].get(moved.id)
    assert row["request_id"] == other.id
    assert row["first_seen_at"] == "2024-02-01T00:00:00+00:00"
    assert db["messages"].count == 2


def test_a_message_or_annotation_of_another_request_is_refused_from_any_other_source(db):
    first = make_thread()
    database.save_thread(db, first, "2024-02-01T00:00:00+00:00")
    before = {table: db.execute(f"select * from {table} order by 1").fetchall()
              for table in ("requests", "messages", "annotations", "attachments")}
    claims = make_thread(messages=0)
    claims.id, claims.slug, claims.url = f"{HOST}/request/forged", "forged", f"https://{HOST}/request/forged"
    claims.annotations = []
    claims.messages = [copy.deepcopy(first.messages[1])]
    claims.messages[0].body_text = "overwritten"
    with pytest.raises(database.IdentityConflict, match=(
            f"message {HOST}/incoming-101 belongs to {HOST}/request/parking_fines, not {HOST}/request/forged: refused")):
        database.save_thread(db, claims, "2024-02-02T00:00:00+00:00")
    claims.messages = []
    claims.annotations = [copy.deepcopy(annotation) for annotation in first.annotations]
    for annotation in claims.annotations:
        annotation.request_id = claims.id
    assert claims.annotations
    with pytest.raises(database.IdentityConflict, match="annotation .* belongs to .*parking_fines, not .*forged"):
        database.save_thread(db, claims, "2024-02-02T00:00:00+00:00")
    assert {table: db.execute(f"select * from {table} order by 1").fetchall() for table in before} == before


def test_exemptions_reference_table_is_loaded_with_normalised_ids(db):
    assert db["exemptions"].count == 116
    assert db["exemptions"].get("FOIA s.40(2)")["kind"]
    assert db["exemptions"].get("EIR reg 12(5)(e)")["regime"] == "EIR"
    assert db["exemptions"].get("FOISA s.38(1)(b)")["regime"] == "FOISA"


def test_citations_are_saved_replaced_and_unknown_provisions_kept(db):
    from tracker.model import Citation

    thread = make_thread()
    reply = thread.messages[1]
    reply.kind, reply.outcome = "response", "partially_successful"
    reply.exemptions = [Citation("FOIA s.40(2)", True, "section 40(2)"), Citation("FOIA s.43(2)", False, "s.43")]
    database.save_thread(db, thread, "2024-02-01T00:00:00+00:00")
    rows = list(db.query("select exemption_id, relied_on from message_exemptions order by exemption_id"))
    assert rows == [{"exemption_id": "FOIA s.40(2)", "relied_on": 1}, {"exemption_id": "FOIA s.43(2)", "relied_on": 0}]
    reply.exemptions = [Citation("FOIA s.99(9)", True, "section 99(9)")]
    database.save_thread(db, thread, "2024-02-02T00:00:00+00:00")
    assert [row["exemption_id"] for row in db.query("select exemption_id from message_exemptions")] == ["FOIA s.99(9)"]
    assert db["exemptions"].get("FOIA s.99(9)")["kind"] == "unknown"
    usage = list(db.query("select authority, exemption_id, requests from exemption_usage"))
    assert usage == [{"authority": "Example Council", "exemption_id": "FOIA s.99(9)", "requests": 1}]


def test_status_regime_and_deadline_columns_are_written_and_can_be_cleared(db):
    thread = make_thread()
    thread.status, thread.regime = "waiting_response_overdue", "foia"
    thread.deadlines = {"sent_at": "2024-01-01T09:00:00+00:00", "due_date": "2024-01-30", "answered_on_time": None}
    database.save_thread(db, thread, "2024-02-01T00:00:00+00:00")
    row = db["requests"].get(thread.id)
    assert (row["status"], row["site_status"], row["regime"], row["due_date"]) == (
        "waiting_response_overdue", "waiting_response", "foia", "2024-01-30")
    thread.deadlines = {"sent_at": "2024-01-01T09:00:00+00:00", "due_date": None}
    database.save_thread(db, thread, "2024-02-02T00:00:00+00:00")
    assert db["requests"].get(thread.id)["due_date"] is None
    thread.deadlines = {"due_dte": "2024-01-30"}
    with pytest.raises(ValueError):
        database.save_thread(db, thread, "2024-02-03T00:00:00+00:00")


def test_save_threads_saves_many_whole_threads_per_transaction(db):
    threads = []
    for n in range(7):
        thread = make_thread(messages=3)
        thread.id = f"{HOST}/request/r{n}"
        thread.slug, thread.url = f"r{n}", f"https://{HOST}/request/r{n}"
        for message in thread.messages:
            message.id = message.id.replace("-", f"-{n}0")
            for attachment in message.attachments:
                attachment.message_id = message.id
                attachment.id = f"{message.id}/attachment-2"
        thread.annotations = []
        threads.append(thread)
    results = database.save_threads(db, threads, "2024-02-01T00:00:00+00:00", batch=3)
    assert len(results) == 7 and all(result.created for result in results)
    assert db["messages"].count == 21 and db["attachments"].count == 7
    broken = copy.deepcopy(threads[:2])
    broken[1].messages.append(Message(f"{HOST}/incoming-999", None, None))  # NOT NULL direction
    with pytest.raises(Exception):
        database.save_threads(db, [make_thread(messages=1), *broken], "2024-02-02T00:00:00+00:00")
    assert db["messages"].count == 21  # the batch was rolled back whole
