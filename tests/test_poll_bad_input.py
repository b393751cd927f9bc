"""Bad input while polling: one clear line per thread, a recorded error, nothing lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.db import open_db
from tracker.demo.server import SampleSite

PAGES = Path(__file__).parent / "fixtures" / "wdtk_2019"
GOOD = (PAGES / "88721.html").read_bytes()  # refused_call_in_request_160361ou, 6 messages

CHALLENGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper">
<noscript>Enable JavaScript and cookies to continue</noscript>
<script>window._cf_chl_opt={cvId: '3'};</script></div></body></html>"""


def as_slug(page: bytes, slug: str) -> bytes:
    """The good page, as if it were the page of another request (with its own message ids)."""
    prefix = str(sum(slug.encode()) % 900 + 100).encode()
    page = re.sub(rb"(incoming|outgoing|comment)-(\d+)", lambda m: m.group(1) + b"-" + prefix + m.group(2), page)
    return page.replace(b"refused_call_in_request_160361ou", slug.encode())


def truncated(page: bytes) -> bytes:
    cut = re.search(rb'id="outgoing-\d+813068"', page).start()  # the fourth of six items
    return page[:cut]


def invalid_utf8(page: bytes) -> bytes:
    marker = b"Our reference: 3861460"
    return page.replace(marker, marker + b" \xff\xfe\xc3(")


BAD_ROUTES = {
    "not_alaveteli": (b"<html><head><title>My blog</title></head><body><h1>Hello</h1><p>Nothing here.</p></body></html>", 200, {}),
    "empty_body": (b"", 200, {}),
    "truncated_page": (None, 200, {}),  # filled per test from the good page
    "bot_challenge": (CHALLENGE, 403, {"cf-mitigated": "challenge"}),
    "invalid_utf8": (None, 200, {}),
}


def bad_body(slug: str) -> bytes:
    body = BAD_ROUTES[slug][0]
    if slug == "truncated_page":
        return truncated(as_slug(GOOD, slug))
    if slug == "invalid_utf8":
        return invalid_utf8(as_slug(GOOD, slug))
    return body


def serve_bad(site: SampleSite, slug: str) -> None:
    _, status, headers = BAD_ROUTES[slug]
    site.set_route(f"/request/{slug}", bad_body(slug), status=status, headers=headers)


def cli_run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def site(sample_site):
    sample_site.set_route("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    sample_site.set_route("/request/good_one", as_slug(GOOD, "good_one"))
    return sample_site


ALL_BAD = [*BAD_ROUTES, "missing_404"]


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_each_bad_page_gives_one_line_a_recorded_error_and_the_run_goes_on(site, tmp_path):
    for slug in BAD_ROUTES:
        serve_bad(site, slug)
    db_path = tmp_path / "bad.db"
    urls = [f"{site.base_url}/request/{slug}" for slug in ["good_one", *ALL_BAD]]
    assert cli_run(db_path, "follow", *urls).exit_code == 0
    result = cli_run(db_path, "poll")
    assert result.exit_code == 0  # something could be fetched
    lines = error_lines(result)
    assert len(lines) == len(ALL_BAD), lines
    for slug in ALL_BAD:
        matching = [line for line in lines if f"/request/{slug}" in line]
        assert len(matching) == 1, (slug, lines)
    reasons = {slug: next(line for line in lines if f"/request/{slug}" in line) for slug in ALL_BAD}
    assert "blocked by the site" in reasons["bot_challenge"]
    assert "404" in reasons["missing_404"]
    assert "truncated" in reasons["truncated_page"]
    assert "UTF-8" in reasons["invalid_utf8"]
    assert "empty" in reasons["empty_body"]
    assert "not an Alaveteli request page" in reasons["not_alaveteli"]

    db = open_db(db_path)
    for slug in ALL_BAD:
        errors = [row["error"] for row in db.query(
            "select error from fetches where url like ? and error is not null", [f"%/request/{slug}?unfold=1"]
        )]
        assert len(errors) == 1, slug
        row = db["requests"].get(f"{site.host}/request/{slug}")
        assert row["last_error"] and row["next_poll_at"], slug
    assert db["messages"].count == 6  # the good thread, whole
    assert list(db.query("select count(*) as n from messages where request_id like '%good_one'"))[0]["n"] == 6


def test_nothing_already_stored_is_lost_when_pages_go_bad(site, tmp_path):
    for slug in ALL_BAD:
        site.set_route(f"/request/{slug}", as_slug(GOOD, slug))
    db_path = tmp_path / "lost.db"
    urls = [f"{site.base_url}/request/{slug}" for slug in ALL_BAD]
    cli_run(db_path, "follow", *urls)
    assert cli_run(db_path, "poll").exit_code == 0
    before = list(open_db(db_path).query("select id, body_text, hidden_at from messages order by id"))
    assert len(before) == 6 * len(ALL_BAD)

    for slug in BAD_ROUTES:
        serve_bad(site, slug)
    site.remove_route("/request/missing_404")
    result = cli_run(db_path, "poll", "--all")
    assert result.exit_code == 1  # nothing at all could be fetched this time
    assert len(error_lines(result)) == len(ALL_BAD)
    db = open_db(db_path)
    assert list(db.query("select id, body_text, hidden_at from messages order by id")) == before
    statuses = {row["site_status"] for row in db.query("select site_status from requests")}
    assert statuses == {"partially_successful"}

    # The site recovers: the next poll parses again and, since nothing changed, adds nothing.
    for slug in ALL_BAD:
        site.set_route(f"/request/{slug}", as_slug(GOOD, slug))
    assert cli_run(db_path, "poll", "--all").exit_code == 0
    assert list(open_db(db_path).query("select id, body_text, hidden_at from messages order by id")) == before


def test_follow_rejects_what_is_not_a_request_url(tmp_path):
    result = cli_run(tmp_path / "x.db", "follow", "https://www.whatdotheyknow.com/help/about", "not a url")
    assert result.exit_code == 1
    assert len(error_lines(result)) == 2
    assert "Traceback" not in result.output
