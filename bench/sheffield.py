"""The saved Sheffield threads (tests/fixtures/sheffield) and their request pages.

Shared by the tests and the benchmarks: each saved file read by ``read_saved_thread``, and the
page WhatDoTheyKnow would show for it (``tracker.demo.saved.render_saved_thread``), every one a
request to Sheffield City Council, which the saved files do not name.
"""

from __future__ import annotations

from datetime import date

from bench.common import ROOT
from scrapers.alaveteli.urls import authority_for
from scrapers.saved_threads import read_saved_thread
from tracker.demo.saved import render_saved_thread
from tracker.model import Thread, site_id_for

THREADS = ROOT / "tests" / "fixtures" / "sheffield" / "threads"
AUTHORITY = ("sheffield_city_council", "Sheffield City Council")  # url_name, name on WhatDoTheyKnow


def saved_threads() -> dict[str, Thread]:
    """Each saved thread by the name of its file, in name order."""
    return {path.name: read_saved_thread(path.read_bytes()) for path in sorted(THREADS.glob("*.json"))}


def sheffield_page(saved: Thread, base_url: str, *, markup: str = "2025", today: date | None = None) -> str:
    """The request page of a saved Sheffield thread on the site at ``base_url``."""
    authority = authority_for(site_id_for(base_url), *AUTHORITY)
    return render_saved_thread(saved, base_url, authority=authority, markup=markup, today=today)
