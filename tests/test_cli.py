"""The command line end to end: demo, follow of listings, reparse, serve, and clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.db import open_db
from tracker.demo import demo_site

TODAY = date(2026, 11, 20)
STATUSES = {
    "waiting_response", "waiting_response_overdue", "waiting_response_very_overdue",
    "waiting_clarification", "successful", "partially_successful", "not_held", "rejected",
    "internal_review", "user_withdrawn", "gone_postal", "error_message", "waiting_classification",
}


def cli_run(db_path: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], env=env, catch_exceptions=False)


def test_demo_builds_the_database_through_the_scraper(demo_db):
    db = open_db(demo_db)
    assert db["requests"].count >= 40
    assert db["messages"].count >= 150
    assert {row["site_status"] for row in db.query("select distinct site_status from requests")} == STATUSES
    # Every thread went through HTTP: one page fetch each, with a recorded 200 and a kept body.
    pages = list(db.query("select count(*) as n from fetches where url like '%?unfold=1' and status_code = 200"))
    assert pages[0]["n"] == db["requests"].count
    assert db["fetch_bodies"].count >= db["requests"].count
    # Both markups were parsed and joined with their .json where the site had one.
    with_events = list(db.query("select count(distinct request_id) as n from messages where event_type is not null"))
    assert with_events[0]["n"] == db["requests"].count - 2
    assert db["annotations"].count == 4 and db["attachments"].count == 27
    assert db["authorities"].count == 15


def test_follow_a_listing_with_several_pages_tracks_every_request(tmp_path):
    with demo_site(TODAY) as site:
        db_path = tmp_path / "list.db"
        result = cli_run(db_path, "follow", f"{site.base_url}/list")
        assert result.exit_code == 0, result.output
        pages = [entry.query for entry in site.log if entry.path == "/list"]
        assert pages == ["", "page=2", "page=3"]
        db = open_db(db_path)
        assert db["requests"].count == len(site.threads)
        assert {row["slug"] for row in db.query("select slug from requests")} == {t.slug for t in site.threads}
        assert db["follows"].get(f"{site.base_url}/list")["kind"] == "search"

        user = next(t.user for t in site.threads if t.user)
        mine = {t.slug for t in site.threads if t.user and t.user.url_name == user.url_name}
        db_path = tmp_path / "user.db"
        assert cli_run(db_path, "follow", f"{site.base_url}/user/{user.url_name}").exit_code == 0
        assert {row["slug"] for row in open_db(db_path).query("select slug from requests")} == mine


def test_reparse_rebuilds_from_stored_bodies_without_fetching(demo_db, tmp_path, copy_database):
    copy = copy_database(demo_db, tmp_path / "copy.db")
    db = open_db(copy)
    original = {row["id"]: row["body_text"] for row in db.query("select id, body_text from messages")}
    fetches = db["fetches"].count
    db.execute("update messages set body_text = 'damaged'")
    db.conn.commit()
    result = cli_run(copy, "reparse")
    assert result.exit_code == 0, result.output
    assert "reparsed 51 thread(s), 0 failed" in result.stderr
    db = open_db(copy)
    assert {row["id"]: row["body_text"] for row in db.query("select id, body_text from messages")} == original
    assert db["fetches"].count == fetches


def test_serve_binds_loopback_and_is_read_only(demo_db, start_serve):
    server, base = start_serve(demo_db)
    try:
        name = demo_db.stem
        metadata = httpx.get(f"{base}/-/metadata.json").json()
        assert metadata["title"] == "foi-tracker"
        count = httpx.get(f"{base}/{name}/requests.json?_size=1").json()["filtered_table_rows_count"]
        assert count == 51
        refused = httpx.get(f"{base}/{name}.json", params={"sql": "delete from requests"})
        assert refused.status_code == 400
        tables = {t["name"]: t for t in httpx.get(f"{base}/{name}.json").json()["tables"]}
        assert not {"fetches", "fetch_bodies", "message_headers"} & set(tables)  # the private file is never served
        assert httpx.get(f"{base}/{name}/requests.json?_size=1").json()["filtered_table_rows_count"] == 51
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"Uvicorn running on {base}" in output


@pytest.mark.parametrize(
    "args, message",
    [
        (["poll"], "nothing is due"),
        (["follow", "ftp://x/request/a"], "error:"),
        (["import", "/nonexistent/page.html"], "error: /nonexistent/page.html"),
    ],
)
def test_clear_one_line_messages(tmp_path, args, message):
    open_db(tmp_path / "x.db").close()  # poll needs an existing database (tests/test_cli_database.py)
    result = cli_run(tmp_path / "x.db", *args)
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("this is not sqlite " * 100)
    result = CliRunner().invoke(cli, ["--db", str(not_db), "poll"])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "cannot use as a database" in result.stderr


def test_bad_configuration_is_one_line(tmp_path):
    config = tmp_path / "foi-tracker.toml"
    config.write_text("[http]\nrequests_per_second = 5\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(tmp_path / "x.db"), "poll"])
    assert result.exit_code == 2  # bad usage (docs/cli.md); every bad value: tests/test_config.py
    assert "requests_per_second must be > 0 and at most 1" in result.stderr


def test_database_path_from_the_environment(tmp_path):
    db_path = tmp_path / "env.db"
    result = CliRunner().invoke(cli, ["follow", "https://www.whatdotheyknow.com/request/x"], env={"FOI_TRACKER_DB": str(db_path)})
    assert result.exit_code == 0
    assert open_db(db_path)["requests"].get("www.whatdotheyknow.com/request/x")["url"] == "https://www.whatdotheyknow.com/request/x"


def test_import_of_a_saved_page_without_its_url_needs_one(tmp_path):
    page = Path(__file__).parent / "fixtures" / "synthetic" / "synthetic_request_page_wdtk.html"
    saved = tmp_path / "saved.html"
    saved.write_bytes(page.read_bytes())
    result = cli_run(tmp_path / "x.db", "import", str(saved))
    assert result.exit_code == 0, result.output
    db = open_db(tmp_path / "x.db")
    row = db["requests"].get("www.whatdotheyknow.com/request/number_of_parking_fines_issued_i")
    assert row["site_status"] == "internal_review"
    assert db["messages"].count == 4


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("follow", "poll", "import", "reparse", "serve", "demo"):
        assert command in result.output


def test_import_a_saved_json_alone_then_its_page(tmp_path):
    fixtures = Path(__file__).parent / "fixtures" / "synthetic"
    db_path = tmp_path / "json.db"
    url = "https://www.whatdotheyknow.com/request/number_of_parking_fines_issued_i"
    result = cli_run(db_path, "import", str(fixtures / "synthetic_request.json"))
    assert result.exit_code == 1 and "pass --url" in result.stderr  # a saved .json does not name its site
    assert cli_run(db_path, "import", "--url", url, str(fixtures / "synthetic_request.json")).exit_code == 0
    db = open_db(db_path)
    outline = list(db.query("select id, direction, event_type, site_state, body_text from messages order by position"))
    assert [(m["id"].split("/")[1], m["event_type"], m["body_text"]) for m in outline] == [
        ("outgoing-10001", "sent", ""), ("incoming-20001", "response", ""),
        ("incoming-20002", "response", ""), ("outgoing-10002", "followup_sent", ""),
    ]
    assert db["requests"].get("www.whatdotheyknow.com/request/number_of_parking_fines_issued_i")["site_status"] == "internal_review"
    page = tmp_path / "page.html"
    page.write_bytes((fixtures / "synthetic_request_page_wdtk.html").read_bytes())
    assert cli_run(db_path, "import", str(page)).exit_code == 0
    db = open_db(db_path)
    bodies = {m["id"].split("/")[1]: m["body_text"] for m in db.query("select id, body_text from messages")}
    assert "penalty charge notices" in bodies["outgoing-10001"]
    assert db["messages"].count == 4 and db["attachments"].count == 2
    # The .json alone again, now that a page is stored: joined with it, nothing blanked.
    assert cli_run(db_path, "import", str(fixtures / "synthetic_request.json")).exit_code == 0
    db = open_db(db_path)
    assert "penalty charge notices" in db["messages"].get("www.whatdotheyknow.com/outgoing-10001")["body_text"]
    assert db["messages"].get("www.whatdotheyknow.com/incoming-20002")["site_state"] == "partially_successful"
