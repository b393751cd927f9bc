"""Saved threads rendered back into request pages read back as the same threads.

For each of the saved Sheffield threads and both generations of markup, the page that
``tracker.demo.saved`` renders, read by ``parse_request_page``, gives the messages that
``read_saved_thread`` gives: ids in order, directions, instants (the page prints seconds),
attachment names and sizes, the body line by line, and the requester's label as the status.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from bench.sheffield import THREADS, saved_threads, sheffield_page
from scrapers.alaveteli import parse_request_page
from scrapers.alaveteli.values import normalise_instant
from tracker.model import Thread

BASE_URL = "https://www.whatdotheyknow.com"
TODAY = date(2025, 9, 1)
SAVED = saved_threads()


def squash(text: str) -> str:
    return " ".join(text.split())


def lines(text: str) -> list[str]:
    """The text's lines that are not blank, whitespace squashed."""
    return [squash(line) for line in text.split("\n") if line.strip()]


def blank_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if not line.strip())


def messages_of(thread: Thread) -> list[tuple]:
    return [(message.id.rsplit("/", 1)[-1], message.direction, normalise_instant(message.sent_at),
             [(a.filename, a.size) for a in message.attachments], squash(message.body_text))
            for message in thread.messages]


def test_the_fixture_is_all_there():
    """Every saved thread is read, with every message its file holds and the attachment lists."""
    files = sorted(THREADS.glob("*.json"))
    assert len(SAVED) == len(files) >= 75
    events = sum(len(json.loads(path.read_bytes())["events"]) for path in files)
    assert sum(len(thread.messages) for thread in SAVED.values()) == events
    listed = sum(len(re.findall(r"^\d+ Attachments?$", "\n".join(e["content"]), re.M)[:1])
                 for path in files for e in json.loads(path.read_bytes())["events"])
    assert sum(bool(m.attachments) for thread in SAVED.values() for m in thread.messages) == listed > 0


@pytest.mark.parametrize("markup", ["2025", "2019"])
def test_the_page_reads_back_as_the_saved_thread(markup):
    for name, saved in SAVED.items():
        page = sheffield_page(saved, BASE_URL, markup=markup, today=TODAY)
        parsed = parse_request_page(page.encode("utf-8"), f"{BASE_URL}/request/{saved.slug}")
        assert parsed.warnings == [], name
        assert messages_of(parsed) == messages_of(saved), name
        assert parsed.site_status == saved.site_status, name
        assert parsed.authority.name == "Sheffield City Council", name
        for ours, theirs in zip(parsed.messages, saved.messages):
            # Lines kept, and no paragraph the saved text did not have (it has no blank lines).
            assert lines(ours.body_text) == lines(theirs.body_text), (name, ours.id)
            assert blank_lines(ours.body_text) <= blank_lines(theirs.body_text), (name, ours.id)


def test_bodies_are_escaped_text_with_a_line_break_per_line():
    saved = SAVED["broad_street_bus_lane.json"]
    soup = BeautifulSoup(sheffield_page(saved, BASE_URL), "lxml")
    request = soup.find(id=saved.messages[0].id).find(class_="correspondence_text")
    assert len(request.find_all("p")) == 1
    assert len(request.find_all("br")) == saved.messages[0].body_text.count("\n")
    # "[FOI #297020 email]" stays text; a bracketed link number is not markup.
    reply = str(soup.find(id=saved.messages[1].id).find(class_="correspondence_text"))
    assert "[<a href=\"/help/officers#mobiles\">email address</a>]" not in reply
    assert "[[2]mailto:[FOI #297020 email]]" in reply
    assert re.search(r"show quoted sections\s*</p>", reply)


def test_attachments_are_listed_as_the_site_lists_them():
    saved = SAVED["decision_to_retain_section_of_we.json"]  # 9 and 11 attachments, one of 11.4M
    assert [len(m.attachments) for m in saved.messages if m.attachments] == [9, 11]
    soup = BeautifulSoup(sheffield_page(saved, BASE_URL), "lxml")
    for message in saved.messages:
        items = soup.find(id=message.id).select("li.attachment")
        assert [squash(li.select_one("p.attachment__name").get_text()) for li in items] == \
               [a.filename for a in message.attachments]
        # Parts as Alaveteli numbers them: the body is part 1, the first attachment part 2.
        assert [re.search(r"/attach/(\d+)/", li.a["href"]).group(1) for li in items] == \
               [str(part) for part in range(2, 2 + len(items))]


def test_the_status_box_prints_the_requesters_label_as_the_site_does():
    labels = {}
    for saved in SAVED.values():
        soup = BeautifulSoup(sheffield_page(saved, BASE_URL, today=TODAY), "lxml")
        box = soup.find(id="request_status")
        assert f"request-status-message--{saved.site_status}" in box["class"]
        labels[saved.site_status] = squash(box.get_text())
    assert len(labels) == 12
    assert labels["successful"] == "The request was successful."
    assert labels["attention_requested"].startswith("This request has been reported as needing administrator attention")
    assert labels["waiting_classification"].startswith("This request has an unknown status.")
    # A waiting request shows the site's due date: 20 working days from the day it was sent.
    waiting = SAVED["unregulated_placementsaccomodati.json"]
    box = BeautifulSoup(sheffield_page(waiting, BASE_URL), "lxml").find(id="request_status")
    assert waiting.site_status == "waiting_response" and waiting.messages[0].sent_at.startswith("2025-05-07")
    assert box.time["datetime"] == "2025-06-05"  # 26 May 2025 is a bank holiday
