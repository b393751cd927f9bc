"""Every way in: listings past the 500 cap, real feeds, and feed-driven change detection."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrapers.alaveteli import feed_url, group_by_request, parse_feed, parse_listing
from scrapers.http import PoliteClient
from tracker.ingest import follow as following
from tracker.ingest import poll as polling
from tracker.cli import cli
from tracker.store.db import open_db
from tracker.demo import DemoSite
from tracker.model import INCOMING, Message

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
TODAY = date(2026, 11, 20)


def test_real_json_feed_parses_into_events_grouped_by_request():
    events = parse_feed((FEEDS / "bristolian_feed_search_requested_from_bristol_city_council_2026-04.json").read_bytes(), "https://www.whatdotheyknow.com/feed/search/x.json")
    assert len(events) == 25
    assert Counter(e.event_type for e in events) == {"response": 15, "followup_sent": 7, "sent": 3}
    grouped = group_by_request(events)
    assert len(grouped) == 18
    assert all(e.request_slug for e in events)
    assert sum(len(v) for v in grouped.values()) == 25
    first = events[0]
    assert (first.request_slug, first.event_type, first.created_at, first.calculated_state) == (
        "foi_request_supported_exempt_acc_65", "response", "2026-04-02T15:00:44+01:00", "successful")
    for group in grouped.values():
        assert [e.created_at for e in group] == sorted(e.created_at for e in group)


def test_real_atom_feed_parses_into_events_grouped_by_request():
    events = parse_feed((FEEDS / "bristolian_feed_body_bristol_city_council_2026-04.atom.xml").read_bytes(), "https://www.whatdotheyknow.com/feed/body/bristol_city_council")
    assert len(events) == 25
    assert all(e.event_id and e.event_url.startswith("https://www.whatdotheyknow.com/request_event/") for e in events)
    assert Counter(e.event_type for e in events) == {"response": 13, "followup_sent": 8, "sent": 4}
    assert events[0].calculated_state == "internal_review"
    assert events[0].user_url_name == "andrew_lynch_2"
    assert events[0].authority_url_name == "bristol_city_council"
    assert len(group_by_request(events)) == 19


@pytest.mark.parametrize("body, message", [
    (b"<!DOCTYPE html><html><body><h1>Error</h1></body></html>", "the site sent HTML"),
    (b"", "empty feed"),
    (b'{"id": 1}', "not an array of events"),
    (b"[{broken", "not valid JSON"),
    (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "not valid Atom"),
])
def test_bad_feeds_are_one_clear_error(body, message):
    from scrapers.alaveteli import PageError

    with pytest.raises(PageError, match=message):
        parse_feed(body, "https://x/feed/body/y.json")


def test_feed_urls():
    assert feed_url("https://h/body/some_council") == "https://h/feed/body/some_council.json"
    assert feed_url("https://h/user/jo?page=2") == "https://h/feed/user/jo.json"
    assert feed_url("https://h/list?query=requested_from%3Ax") == "https://h/feed/search/requested_from%3Ax.json"
    assert feed_url("https://h/request/x") is None


def test_a_listing_page_with_an_unknown_layout_is_refused():
    from scrapers.alaveteli import NotARequestPage

    with pytest.raises(NotARequestPage):
        parse_listing(b"<html><body><div class='cards'><a href='/request/x'>x</a></div></body></html>", "https://h/body/x")
    empty = parse_listing(b"<html><body><div id='content'><p>No requests found.</p></div></body></html>", "https://h/body/x")
    assert empty.request_urls == [] and empty.next_url is None


@pytest.fixture(scope="module")
def big_site():
    """The demo corpus repeated 12 times: 612 threads, more than one listing can show."""
    with DemoSite(TODAY, copies=12) as site:
        yield site


def client_for(site) -> PoliteClient:
    return PoliteClient(allowed_hosts={site.host})


def test_follow_a_body_with_several_listing_pages_tracks_every_request(big_site, tmp_path):
    counts = Counter(t.authority.url_name for t in big_site.threads)
    body, expected = counts.most_common(1)[0]
    assert 25 < expected <= 500
    db = open_db(tmp_path / "body.db")
    log_start = len(big_site.log)
    with client_for(big_site) as client:
        following.follow_listings(db, client, [f"{big_site.base_url}/body/{body}"])
    mine = {t.slug for t in big_site.threads if t.authority.url_name == body}
    assert {row["slug"] for row in db.query("select slug from requests")} == mine
    pages = [e for e in big_site.log[log_start:] if e.path == f"/body/{body}"]
    assert len(pages) == -(-expected // 25)


def test_a_search_with_more_than_500_results_is_covered_by_date_windows(big_site, tmp_path):
    db = open_db(tmp_path / "search.db")
    log_start = len(big_site.log)
    with client_for(big_site) as client:
        read = following.read_listing(db, client, f"{big_site.base_url}/list", today=TODAY)
    assert len(big_site.threads) == 612
    assert {url.rsplit("/", 1)[1] for url in read.request_urls} == {t.slug for t in big_site.threads}
    assert read.windows >= 2
    windows = [e for e in big_site.log[log_start:] if "request_date_after" in e.query]
    assert windows and all("request_date_before" in e.query for e in windows)
    # Nothing was read past the cap: no page beyond 20 of any window.
    assert all(int(dict(p.split("=") for p in e.query.split("&")).get("page", 1)) <= 20 for e in windows)


def test_feeds_wake_only_the_changed_threads(tmp_path):
    with DemoSite(TODAY) as site:
        db_path = tmp_path / "feeds.db"
        bodies = sorted({t.authority.url_name for t in site.threads})
        runner = CliRunner()
        assert runner.invoke(cli, ["--db", str(db_path), "follow", *[f"{site.base_url}/body/{b}" for b in bodies]]).exit_code == 0
        first = runner.invoke(cli, ["--db", str(db_path), "poll"])
        assert first.exit_code == 0, first.output
        assert "polled 51 thread(s): 51 ok" in first.stderr

        changed = sorted(site.threads, key=lambda t: t.slug)[::17][:3]
        now = datetime.now(timezone.utc)
        for n, thread in enumerate(changed):
            site.add_message(thread.slug, Message(
                id=f"{site.host}/incoming-{9_000_000 + n}", direction=INCOMING,
                sent_at=(now - timedelta(minutes=5)).isoformat(timespec="seconds"),
                author=thread.authority.name, body_text="We apologise for the delay in answering your request.",
                event_type="response",
            ))
        log_start = len(site.log)
        # Everything else is asleep until its plan says so; the feeds wake the changed three.
        second = runner.invoke(cli, ["--db", str(db_path), "poll"])
        assert second.exit_code == 0, second.output
        requests = site.log[log_start:]
        pages = {e.path for e in requests if e.path.startswith("/request/") and not e.path.endswith(".json")}
        assert pages == {f"/request/{t.slug}" for t in changed}
        feeds = [e for e in requests if e.path.startswith("/feed/")]
        assert len(feeds) == len(bodies)
        others = Counter(e.path for e in requests if not e.path.startswith("/feed/"))
        assert others.pop("/robots.txt") == 1  # once per run, for the pages
        assert sum(others.values()) == 2 * len(changed)  # each changed thread: its .json, then its page
        assert f"{len(changed)} thread(s) woken" in second.stderr
        db = open_db(db_path)
        for n, thread in enumerate(changed):
            assert db["messages"].get(f"{site.host}/incoming-{9_000_000 + n}")["request_id"] == thread.id


def test_poll_budget_is_shared_fairly_across_sites(tmp_path):
    db = open_db(tmp_path / "fair.db")
    for host, count in (("a.example", 10), ("b.example", 3), ("c.example", 1)):
        following.follow(db, [f"https://{host}/request/r{n}" for n in range(count)])
    due = polling.due_requests(db, datetime.now(timezone.utc), limit=6)
    assert Counter(row["site_id"] for row in due) == {"a.example": 3, "b.example": 2, "c.example": 1}
    assert len(polling.due_requests(db, datetime.now(timezone.utc))) == 14


@pytest.mark.parametrize("status, due, covered, expected", [
    ("waiting_response", "2026-12-20", False, timedelta(days=1)),
    ("waiting_response", "2026-11-21", False, timedelta(hours=6)),
    ("waiting_response_overdue", "2026-11-19", False, timedelta(hours=6)),
    ("waiting_classification", None, False, timedelta(days=3)),
    ("successful", None, False, timedelta(days=30)),
    ("waiting_response", "2026-12-20", True, timedelta(days=7)),
    ("successful", None, True, timedelta(days=30)),
    (None, None, False, timedelta(hours=1)),
])
def test_poll_plan(status, due, covered, expected):
    assert polling.next_poll_after(status, due_date=due, today=TODAY, covered=covered) == expected
