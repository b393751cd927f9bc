"""The HTTP client every fetch goes through: polite, configured, and kept to the sites we follow."""

from __future__ import annotations

import sqlite_utils

from scrapers.http import PoliteClient
from tracker.ingest.follow import followed_hosts
from tracker.model.config import Config


def polite_client(config: Config, db: sqlite_utils.Database, *, extra_hosts: set[str] = frozenset(),
                  connect_to: dict[str, str] | None = None) -> PoliteClient:
    """A client with the ``[http]`` settings of ``config``, allowed the hosts followed in ``db``.

    ``extra_hosts`` adds hosts not followed yet (the site a ``follow`` command is about to add).
    ``connect_to`` adds to the configured ``[http] connect_to`` (canonical host -> address).
    The command line and the scheduled jobs both open their clients here.
    """
    http = config.http
    return PoliteClient(
        contact=http.contact,
        min_interval=http.min_interval,
        max_retries=http.max_retries,
        timeout=http.timeout,
        request_deadline=http.request_deadline,
        host_budget=http.host_budget,
        max_retry_after=http.max_retry_after,
        max_bytes=http.max_page_bytes,
        respect_robots=http.respect_robots,
        allowed_hosts=followed_hosts(db) | set(extra_hosts),
        connect_to={**http.connect_to, **(connect_to or {})},
    )
