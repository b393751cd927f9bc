"""End to end on the 10 real WhatDoTheyKnow pages served from a loopback site.

`follow` then `poll` through the real HTTP client, then check every page against an oracle
read from the raw HTML with regular expressions (independent of the BeautifulSoup parser):
the exact correspondence ids, directions, instants, attachment counts and the site status.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.db import open_db
from tracker.demo.server import SampleSite

PAGES = Path(__file__).parent / "fixtures" / "wdtk_2019"
HOST_PREFIX = "127.0.0.1"

ITEM = re.compile(
    r'<div class="(incoming|outgoing) correspondence[^"]*" id="((?:incoming|outgoing)-\d+)">(.*?)'
    r'(?=<div class="(?:incoming|outgoing) correspondence|<div class="comment_in_request|<div id="right_column"|$)',
    re.S,
)
TIME = re.compile(r'<time datetime="([^"]+)"')
STATUS = re.compile(r'request-status-message--([a-z_]+)')
SLUG = re.compile(r'<meta property="og:url" content="https://www\.whatdotheyknow\.com/request/([^"]+)"')


@dataclass
class Expected:
    slug: str
    status: str
    items: dict[str, tuple[str, str, int]]  # local id -> (direction, instant, attachments)


def oracle(path: Path) -> Expected:
    html = path.read_text(encoding="utf-8")
    items = {}
    for direction, local_id, block in ITEM.findall(html):
        instant = TIME.search(block).group(1)
        items[local_id] = (direction, instant, block.count('<li class="attachment'))
    return Expected(SLUG.search(html).group(1), STATUS.search(html).group(1), items)


EXPECTED = {path.name: oracle(path) for path in sorted(PAGES.glob("*.html"))}

# Cross-check of the oracle against the table in tests/fixtures/wdtk_2019/PROVENANCE.md.
README_COUNTS = {  # file: (outgoing, incoming, attachments, status)
    "88721.html": (3, 3, 2, "partially_successful"),
    "88779.html": (1, 1, 1, "not_held"),
    "921139.html": (5, 4, 1, "waiting_response_very_overdue"),
    "1387653.html": (1, 2, 1, "successful"),
    "1394569.html": (1, 2, 1, "waiting_classification"),
    "1397098.html": (2, 3, 2, "not_held"),
    "1398788.html": (1, 1, 0, "waiting_response"),
    "1400678.html": (1, 2, 1, "rejected"),
    "1404030.html": (1, 2, 1, "waiting_classification"),
    "1406855.html": (3, 6, 2, "waiting_classification"),
}


def test_oracle_agrees_with_the_published_counts():
    assert set(EXPECTED) == set(README_COUNTS)
    for name, (outgoing, incoming, attachments, status) in README_COUNTS.items():
        expected = EXPECTED[name]
        directions = [item[0] for item in expected.items.values()]
        assert directions.count("outgoing") == outgoing, name
        assert directions.count("incoming") == incoming, name
        assert sum(item[2] for item in expected.items.values()) == attachments, name
        assert expected.status == status, name


def request_json(expected: Expected) -> str:
    """A minimal Alaveteli json_for_api for the page, its events keyed on the message ids."""
    events = []
    for n, (local_id, (direction, instant, _)) in enumerate(expected.items.items()):
        number = int(local_id.split("-")[1])
        events.append({
            "id": 5000 + n,
            "event_type": "response" if direction == "incoming" else ("sent" if n == 0 else "followup_sent"),
            "created_at": instant,
            "described_state": None,
            "calculated_state": "waiting_response",
            "incoming_message_id": number if direction == "incoming" else None,
            "outgoing_message_id": number if direction == "outgoing" else None,
            "comment_id": None,
        })
    return json.dumps({
        "id": 42, "url_title": expected.slug, "title": "t", "created_at": events[0]["created_at"],
        "updated_at": events[-1]["created_at"], "described_state": expected.status,
        "display_status": "x", "awaiting_description": False, "prominence": "normal",
        "law_used": "foi", "tags": [], "info_request_events": events,
    })


@pytest.fixture
def real_site(sample_site):
    sample_site.set_route("/robots.txt", "User-agent: *\nDisallow: */feed/*\n", content_type="text/plain")
    for name in EXPECTED:
        sample_site.set_route(f"/request/{EXPECTED[name].slug}", (PAGES / name).read_bytes())
    return sample_site


def run(db_path: Path, *args: str):
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)
    return result


def follow_and_poll(site: SampleSite, db_path: Path):
    urls = [f"{site.base_url}/request/{expected.slug}" for expected in EXPECTED.values()]
    assert run(db_path, "follow", *urls).exit_code == 0
    result = run(db_path, "poll")
    assert result.exit_code == 0, result.output
    return result


def stored_items(db, site: SampleSite, slug: str) -> dict[str, tuple[str, str, int]]:
    rows = db.query(
        """select m.id, m.direction, m.sent_at,
                  (select count(*) from attachments a where a.message_id = m.id) as attachments
           from messages m where m.request_id = ? and m.hidden_at is null order by m.position""",
        [f"{site.host}/request/{slug}"],
    )
    return {row["id"].split("/", 1)[1]: (row["direction"], row["sent_at"], row["attachments"]) for row in rows}


def content(db) -> dict:
    return {
        table: list(db.query(f"select * from {table} order by id"))
        for table in ("messages", "attachments", "annotations")
    } | {
        "requests": list(db.query(
            "select id, title, authority_id, user_id, site_status, status, site_due_date, law_used from requests order by id"
        )),
    }


def assert_matches_oracle(db, site: SampleSite) -> None:
    for name, expected in EXPECTED.items():
        assert stored_items(db, site, expected.slug) == expected.items, name
        row = db["requests"].get(f"{site.host}/request/{expected.slug}")
        assert row["site_status"] == expected.status, name


def test_follow_then_poll_stores_every_page_exactly(real_site, tmp_path):
    db_path = tmp_path / "real.db"
    follow_and_poll(real_site, db_path)
    db = open_db(db_path)
    assert db["requests"].count == 10
    assert_matches_oracle(db, real_site)
    # The requests asked for the unfolded pages and tried each .json (absent here).
    paths = [(entry.path, entry.query) for entry in real_site.log]
    assert ("/request/guidance_on_sprinklers", "unfold=1") in paths
    assert any(path == "/request/guidance_on_sprinklers.json" for path, _ in paths)
    sprinklers = db["requests"].get(f"{real_site.host}/request/guidance_on_sprinklers")
    assert sprinklers["site_due_date"] == "2019-08-12"
    assert sprinklers["title"] == "Guidance on Sprinklers"
    assert sprinklers["authority_id"] == f"{real_site.host}/body/mhclg"


def test_second_poll_changes_nothing_and_costs_304s(real_site, tmp_path):
    db_path = tmp_path / "real.db"
    follow_and_poll(real_site, db_path)
    db = open_db(db_path)
    before = content(db)
    polled_before = {row["id"]: row["last_polled_at"] for row in db.query("select id, last_polled_at from requests")}
    log_start = len(real_site.log)
    result = run(db_path, "poll", "--all")
    assert result.exit_code == 0, result.output
    assert content(open_db(db_path)) == before
    second = [entry for entry in real_site.log[log_start:] if entry.path.startswith("/request/")]
    pages = [entry for entry in second if not entry.path.endswith(".json")]
    assert len(pages) == 10
    assert all(entry.status == 304 for entry in pages)
    assert all(entry.headers.get("if-none-match") for entry in pages)
    assert "10 unchanged" in result.output
    polled_after = {row["id"]: row["last_polled_at"] for row in open_db(db_path).query("select id, last_polled_at from requests")}
    assert set(polled_after) == set(polled_before)
    assert db["status_history"].count == 10


def test_with_and_without_json_and_unfold_give_the_same_messages(real_site, tmp_path):
    without_json = tmp_path / "a.db"
    follow_and_poll(real_site, without_json)

    for expected in EXPECTED.values():
        real_site.set_route(f"/request/{expected.slug}.json", request_json(expected), content_type="application/json")
    with_json = tmp_path / "b.db"
    follow_and_poll(real_site, with_json)
    db_a, db_b = open_db(without_json), open_db(with_json)
    assert_matches_oracle(db_b, real_site)
    for expected in EXPECTED.values():
        assert stored_items(db_a, real_site, expected.slug) == stored_items(db_b, real_site, expected.slug)
    event_types = {row["event_type"] for row in db_b.query("select event_type from messages")}
    assert event_types == {"sent", "followup_sent", "response"}

    # Saved pages as a browser shows them (folded quoted sections, no ?unfold=1): same messages.
    imported = tmp_path / "c.db"
    result = run(imported, "import", str(PAGES))
    assert result.exit_code == 0, result.output
    db_c = open_db(imported)
    for expected in EXPECTED.values():
        rows = db_c.query(
            """select m.id, m.direction, m.sent_at, (select count(*) from attachments a where a.message_id = m.id) as n
               from messages m where m.request_id = ? order by m.position""",
            [f"www.whatdotheyknow.com/request/{expected.slug}"],
        )
        assert {row["id"].split("/", 1)[1]: (row["direction"], row["sent_at"], row["n"]) for row in rows} == expected.items
