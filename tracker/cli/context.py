"""What every command shares: the database path, the configuration, the HTTP client.

Commands live in ``tracker.cli`` and in ``tracker.cli_*`` modules registered on its group;
they take this context with ``@pass_context``.
"""

from __future__ import annotations

import sqlite3

import click
import sqlite_utils

from scrapers.http import PoliteClient
from tracker.ingest.follow import followed_hosts
from tracker.model.config import Config
from tracker.store.db import open_db


class Context:
    """What every command shares: where the database is, and the configuration."""

    def __init__(self, db_path: str, config: Config):
        self.db_path = db_path
        self.config = config
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            try:
                self._db = open_db(self.db_path)
            except sqlite3.DatabaseError as error:
                raise click.ClickException(f"{self.db_path}: cannot use as a database ({error})") from None
        return self._db

    def client(self, *, extra_hosts: set[str] = frozenset(), connect_to: dict[str, str] | None = None) -> PoliteClient:
        """The polite client for the followed hosts and ``extra_hosts``; ``connect_to`` adds to
        the configured ``[http] connect_to``."""
        http = self.config.http
        try:
            return PoliteClient(
                contact=http.contact,
                min_interval=http.min_interval,
                max_retries=http.max_retries,
                timeout=http.timeout,
                max_bytes=int(http.max_page_mb * 1024 * 1024),
                respect_robots=http.respect_robots,
                allowed_hosts=followed_hosts(self.db) | set(extra_hosts),
                connect_to={**http.connect_to, **(connect_to or {})},
            )
        except ValueError as error:  # a bad contact or connect_to address
            raise click.ClickException(f"[http] {error}") from None


pass_context = click.make_pass_decorator(Context)
