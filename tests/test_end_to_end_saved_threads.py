"""End to end on the saved Sheffield threads, served as WhatDoTheyKnow pages on 127.0.0.1.

Each saved thread (tests/fixtures/sheffield) is rendered as the page the site shows it on
(``tracker.demo.saved``; every third in the 2019 markup, as ``DemoSite`` mixes them) and served
by a ``SampleSite`` without a ``.json``, like the real pages in test_end_to_end_real_pages.py;
``foi-tracker follow`` and ``poll`` then bring them in through the HTTP client, the parser and
the ingest chain, on a frozen clock.

What is asserted holds whatever the reader's accuracy: every message is stored, in order, with
a kind of its own direction; the page path reads what the text path reads (each message's kind
and outcome, and our status, from ``classify_thread`` + ``infer_status`` on
``read_saved_thread`` of the same file, with the overdue variant the calendar gives a waiting
request); the requester's label is kept as the site's status, apart from ours.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.sheffield import saved_threads, sheffield_page
from tracker.cli import cli
from tracker.deadlines import calendar_status
from tracker.demo.server import SampleSite
from tracker.model import times
from tracker.model.taxonomy import KIND_DIRECTION
from tracker.reading.classify import classify_thread
from tracker.reading.status import infer_status
from tracker.store.db import open_db

NOW = datetime(2025, 9, 1, 11, 0, tzinfo=times.UTC)  # after the last saved message (May 2025)
TODAY = times.london_today(NOW)


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.fixture(scope="module")
def site():
    with SampleSite() as running:
        running.set_route("/robots.txt", "User-agent: *\nDisallow: */feed/*\n", content_type="text/plain")
        for k, saved in enumerate(saved_threads().values()):
            page = sheffield_page(saved, running.base_url, markup="2019" if k % 3 == 1 else "2025", today=TODAY)
            running.set_route(f"/request/{saved.slug}", page)
        yield running


@pytest.fixture(scope="module")
def db(site, tmp_path_factory):
    path: Path = tmp_path_factory.mktemp("sheffield") / "sheffield.db"
    urls = [f"{site.base_url}/request/{saved.slug}" for saved in saved_threads().values()]
    with times.frozen(NOW):
        for args in (["follow", *urls], ["poll"]):
            result = CliRunner().invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
    return open_db(path)


@pytest.fixture(scope="module")
def read_as_text():
    """Each saved thread read from its text and classified: the path that skips the page."""
    threads = saved_threads()
    for thread in threads.values():
        classify_thread(thread)
        thread.status = infer_status(thread)
    return threads


def request_row(db, site, slug: str) -> dict:
    return db["requests"].get(f"{site.host}/request/{slug}")


def stored_messages(db, site, slug: str) -> list[dict]:
    return list(db.query(
        "select * from messages where request_id = ? order by position", [f"{site.host}/request/{slug}"]))


def test_every_thread_and_message_is_stored_with_its_kind(site, db, read_as_text):
    assert db["requests"].count == len(read_as_text) >= 75
    assert db["messages"].count == sum(len(thread.messages) for thread in read_as_text.values())
    for name, thread in read_as_text.items():
        rows = stored_messages(db, site, thread.slug)
        assert [row["id"] for row in rows] == [f"{site.host}/{m.id}" for m in thread.messages], name
        assert [row["direction"] for row in rows] == [m.direction for m in thread.messages], name
        assert [squash(row["body_text"]) for row in rows] == [squash(m.body_text) for m in thread.messages], name
        for row in rows:
            assert KIND_DIRECTION.get(row["kind"]) == row["direction"], (name, row["id"], row["kind"])
        attachments = [sorted(a["filename"] for a in db.query(
            "select filename from attachments where message_id = ?", [row["id"]])) for row in rows]
        assert attachments == [sorted(a.filename for a in m.attachments) for m in thread.messages], name


def test_the_page_path_reads_what_the_text_path_reads(site, db, read_as_text):
    for name, thread in read_as_text.items():
        rows = stored_messages(db, site, thread.slug)
        assert [(row["kind"], row["outcome"]) for row in rows] == [(m.kind, m.outcome) for m in thread.messages], name
        request = request_row(db, site, thread.slug)
        assert request["status"] == calendar_status(thread.status, request, TODAY), name


def test_the_requesters_label_is_the_sites_status_kept_apart_from_ours(site, db, read_as_text):
    differ = 0
    for name, thread in read_as_text.items():
        request = request_row(db, site, thread.slug)
        assert request["site_status"] == thread.site_status, name
        differ += request["site_status"] != request["status"]
    # Threads the requester never classified: "Awaiting classification", which we always read.
    unclassified = sum(t.site_status == "waiting_classification" for t in read_as_text.values())
    ours_unclassified = sum(t.status == "waiting_classification" for t in read_as_text.values())
    assert unclassified >= 19
    assert differ >= unclassified - ours_unclassified
