"""What happens to a thread between parsing and saving: the one place the steps are chained.

parse (scrapers) -> enrich: classify and extract every message, infer our status, compute the
deadlines (which add the overdue variants of a waiting status) -> save (tracker.store.db).
"""

from __future__ import annotations

from datetime import date

from tracker import deadlines
from tracker.reading.classify import classify_thread
from tracker.model import Thread
from tracker.model.times import london_today
from tracker.reading.status import infer_status


def enrich(thread: Thread, today: date | None = None) -> Thread:
    """Annotate a parsed thread in place: message kinds, citations, our status, deadlines.

    Messages stay in the site's order (its event order), which is the order they are read in.
    """
    classify_thread(thread)
    thread.status = infer_status(thread)
    return deadlines.apply(thread, today or london_today(), site_regime=thread.site.regime or deadlines.DEFAULT_REGIME)
