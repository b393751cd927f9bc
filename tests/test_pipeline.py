"""The one ingest chain (tracker.ingest.pipeline): every way in builds the same thread from the same
bytes, bad bodies are marked where they came from, and no other module writes the chain again."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from scrapers import alaveteli
from tracker.ingest import offline
from tracker.ingest.pipeline import Bodies, ingest
from tracker.store.db import sha256_of
from tracker.store.db import open_db, record_fetch

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "synthetic"
PAGE = (FIXTURES / "synthetic_request_page_wdtk.html").read_bytes()
JSON = (FIXTURES / "synthetic_request.json").read_bytes()
URL = "https://www.whatdotheyknow.com/request/number_of_parking_fines_issued_i"
REQUEST_ID = "www.whatdotheyknow.com/request/number_of_parking_fines_issued_i"
NOW = datetime(2024, 4, 2, 9, 0, tzinfo=timezone.utc)

# What a thread is, as stored: everything but the instants of observation.
STORED = {
    "requests": "select id, title, status, site_status, regime, due_date, very_overdue_date, authority_id, user_id"
                " from requests order by id",
    "messages": "select id, request_id, position, direction, kind, outcome, sent_at, event_type, site_state,"
                " body_text from messages order by id",
    "attachments": "select id, message_id, filename from attachments order by id",
    "annotations": "select id, request_id, body_text from annotations order by id",
    "message_exemptions": "select * from message_exemptions order by message_id, exemption_id",
}


def stored(db) -> dict[str, list[dict]]:
    return {table: list(db.query(sql)) for table, sql in STORED.items()}


def test_every_way_in_stores_the_same_thread_from_the_same_bytes(tmp_path):
    direct = open_db(tmp_path / "direct.db")
    ingest(direct, Bodies(URL, page=PAGE, json=JSON), now=NOW)
    expected = stored(direct)
    assert expected["requests"][0]["site_status"] == "internal_review" and len(expected["messages"]) == 4

    saved = tmp_path / "saved" / "page.html"
    saved.parent.mkdir()
    saved.write_bytes(PAGE)
    saved.with_suffix(".json").write_bytes(JSON)
    imported = open_db(tmp_path / "imported.db")
    offline.import_saved_page(imported, saved, url=URL, now=NOW)
    assert stored(imported) == expected

    rebuilt, problems = offline.reparse(imported, now=NOW)
    assert (rebuilt, problems) == (1, [])
    assert stored(imported) == expected

    offline.import_saved_json(imported, saved.with_suffix(".json"), now=NOW)  # joined with the stored page
    assert stored(imported) == expected


def test_an_imported_page_is_followed_and_its_fetches_name_the_request(tmp_path):
    from tracker.ingest.follow import follow

    saved = tmp_path / "page.html"
    saved.write_bytes(PAGE)
    saved.with_suffix(".json").write_bytes(JSON)
    db = open_db(tmp_path / "x.db")
    follow(db, ["https://www.whatdotheyknow.com/request/another_request"], NOW)  # its site is followed
    result = offline.import_saved_page(db, saved, url=URL, now=NOW)
    assert result.request_id == REQUEST_ID and result.created
    assert db["follows"].get(URL)["kind"] == "request"
    assert [row["request_id"] for row in db.query("select request_id from fetches order by id")] == [REQUEST_ID] * 2
    # Polling compares its fetches with the hashes a thread was saved from; an import records none.
    assert db["requests"].get(REQUEST_ID)["page_sha256"] is None


def test_a_json_that_does_not_parse_is_marked_and_the_page_alone_is_saved(tmp_path):
    db = open_db(tmp_path / "x.db")
    json_fetch = record_fetch(db, URL + ".json", content=b"{not json", request_id=REQUEST_ID)
    bodies = Bodies(URL, page=PAGE, json=b"{not json", json_fetch_id=json_fetch)
    with pytest.raises(alaveteli.PageError):
        ingest(db, bodies, now=NOW, strict_json=True)  # as reparse does: nothing half-read is saved
    assert db["requests"].count == 0
    ingest(db, bodies, now=NOW, record_sources=True)
    row = db["requests"].get(REQUEST_ID)
    assert row["page_sha256"] == sha256_of(PAGE) and row["json_sha256"] is None  # the .json was not used
    assert db["messages"].count == 4
    assert next(db.query("select error from fetches where id = ?", [json_fetch]))["error"]


def test_a_page_that_does_not_parse_is_marked_and_nothing_is_saved(tmp_path):
    db = open_db(tmp_path / "x.db")
    page_fetch = record_fetch(db, URL + "?unfold=1", content=b"<html><body>Not here</body></html>", request_id=REQUEST_ID)
    with pytest.raises(alaveteli.PageError):
        ingest(db, Bodies(URL, page=b"<html><body>Not here</body></html>", json=JSON, page_fetch_id=page_fetch), now=NOW)
    assert next(db.query("select error from fetches where id = ?", [page_fetch]))["error"] and db["requests"].count == 0


def test_a_renamed_request_is_saved_under_the_id_it_is_followed_by(tmp_path):
    db = open_db(tmp_path / "x.db")
    followed = "www.whatdotheyknow.com/request/parking_fines"
    ingest(db, Bodies(URL, page=PAGE, json=JSON), request_id=followed, now=NOW)
    assert [row["id"] for row in db.query("select id from requests")] == [followed]
    assert {row["request_id"] for row in db.query("select request_id from annotations")} == {followed}
    assert {row["request_id"] for row in db.query("select request_id from messages")} == {followed}


def test_a_json_alone_gives_the_thread_outline(tmp_path):
    db = open_db(tmp_path / "x.db")
    ingest(db, Bodies(URL, json=JSON), request_id=REQUEST_ID, now=NOW)
    assert db["messages"].count == 4 and db["requests"].get(REQUEST_ID)["site_status"] == "internal_review"
    with pytest.raises(alaveteli.PageError):
        ingest(db, Bodies(URL), now=NOW)


# ---------------------------------------------------------------------------------------------
# One home: the steps of the chain are called from the pipeline only.

CHAIN_STEPS = {"parse_request_page", "parse_request_json", "merge_json", "thread_from_json", "enrich",
               "complete_authority", "save_thread", "save_threads", "rekey"}
ALLOWED = {
    "tracker/ingest/pipeline.py": CHAIN_STEPS,
    "tracker/store/db.py": CHAIN_STEPS,  # where saving lives
    "tracker/reading/evaluate.py": {"parse_request_page"},  # reads the gold pages, saves nothing
    "tracker/ingest/offline.py": {"parse_request_json"},  # a saved .json names no site: its slug is looked up first
}


def _called_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def test_no_module_writes_the_ingest_chain_again():
    modules = [*ROOT.glob("tracker/**/*.py"), *ROOT.glob("schedules/**/*.py")]
    assert modules
    for path in modules:
        name = path.relative_to(ROOT).as_posix()
        extra = (_called_names(path) & CHAIN_STEPS) - ALLOWED.get(name, set())
        assert not extra, f"{name} calls {sorted(extra)}: go through tracker.ingest.pipeline.ingest"


def test_polling_does_not_import_the_offline_paths():
    code = "import sys, tracker.ingest.poll; print('tracker.ingest.offline' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# The calls the CLI makes return data: it only prints them.


def test_import_paths_sends_each_path_to_its_importer_and_reports_each(tmp_path):
    from tracker.ingest.offline import import_paths

    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "page.html").write_bytes(PAGE)
    (folder / "page.json").write_bytes(JSON)  # beside its page: joined with it, not imported alone
    email = (ROOT / "tests" / "fixtures" / "email" / "track-response-generic-oof.eml").read_bytes()
    (folder / "reply.eml").write_bytes(email)
    stray = tmp_path / "notes.txt"
    stray.write_text("shopping list\n")
    db = open_db(tmp_path / "x.db")
    report = import_paths(db, [folder, stray, tmp_path / "missing.html"], url=URL)
    assert report.unknown == [stray]
    assert [(item.path.name, item.error is None) for item in report.saved] == [("page.html", True), ("missing.html", False)]
    assert report.saved[0].result.request_id == REQUEST_ID
    assert "No such file" in report.saved[1].error
    assert report.mail is not None and report.mail.imported == 1
    assert (report.imported, report.failed) == (2, 2)


def test_follow_urls_follows_what_it_can_and_reports_the_rest(tmp_path):
    from scrapers.http import PoliteClient
    from tracker.ingest.follow import follow_urls

    db = open_db(tmp_path / "x.db")
    with PoliteClient(allowed_hosts=set()) as client:  # no listing among the URLs: nothing is fetched
        result = follow_urls(db, client, [URL, "ftp://example.org/request/x", "https://example.org/about"])
    assert result.request_ids == [REQUEST_ID]
    assert result.errors[0] == "ftp://example.org/request/x: not an http(s) URL"
    assert result.errors[1].startswith("https://example.org/about: not a request URL") and len(result.errors) == 2
