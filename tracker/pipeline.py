"""What happens to a thread between parsing and saving: the one place the steps are chained.

parse (scrapers) -> enrich (classify, extract, status, deadlines) -> save (tracker.db).
"""

from __future__ import annotations

from datetime import date

from tracker.model import Thread


def enrich(thread: Thread, today: date | None = None) -> Thread:
    """Annotate a parsed thread in place: message kinds, citations, our status, deadlines."""
    return thread
