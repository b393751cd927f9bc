"""Building the demo database: the sample site scraped like a public one, then the late check.

``foi-tracker demo`` serves the sample site (``demo_site``), opens a client allowed on it, and
calls ``build_demo``; the callbacks let it print progress as the run goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import sqlite_utils

from scrapers.http import PoliteClient
from tracker.bot import late
from tracker.demo.server import DemoSite
from tracker.ingest import poll as polling
from tracker.ingest.follow import follow_listings

COUNTED = ("requests", "messages", "attachments", "annotations")


@dataclass
class DemoBuild:
    """What building the demo database did."""

    followed: list[str]  # request ids, from the sample site's authority pages
    poll: polling.PollReport
    late: late.LateReport | None  # None when no thread could be polled
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, COUNTED


def build_demo(
    db: sqlite_utils.Database,
    client: PoliteClient,
    site: DemoSite,
    today: date,
    *,
    on_followed: Callable[[list[str]], None] | None = None,
    on_due: Callable[[list[dict]], None] | None = None,
    on_outcome: Callable[[polling.PollOutcome], None] | None = None,
) -> DemoBuild:
    """Follow every request of the site's authority pages, poll them, and run the late check.

    The threads are scraped through the real client and parser, exactly like a public site's;
    the late check runs for ``today``, the day the sample site was built for.
    """
    body_pages = sorted({f"{site.base_url}/body/{thread.authority.url_name}" for thread in site.threads if thread.authority})
    followed = follow_listings(db, client, body_pages)
    if on_followed:
        on_followed(followed)
    report = polling.poll(db, client, use_feeds=False, on_due=on_due, on_outcome=on_outcome)
    if report.attempted and not report.succeeded:
        return DemoBuild(followed, report, None)
    checked = late.check(db, today)
    return DemoBuild(followed, report, checked, {table: db[table].count for table in COUNTED})
