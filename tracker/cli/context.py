"""What every command shares: the database path, the configuration, the HTTP client.

Commands live in ``tracker.cli`` and in ``tracker.cli_*`` modules registered on its group;
they take this context with ``@pass_context``.
"""

from __future__ import annotations

import sqlite3

import click
import sqlite_utils

from scrapers.http import PoliteClient
from tracker.ingest.clients import polite_client
from tracker.model.config import Config
from tracker.store.db import DatabaseBusy, is_busy, open_db


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
            except DatabaseBusy as error:
                raise click.ClickException(str(error)) from None
            except sqlite3.DatabaseError as error:
                if is_busy(error):
                    raise click.ClickException(f"{self.db_path}: busy: {error}; try again when the other process has finished") from None
                raise click.ClickException(f"{self.db_path}: cannot use as a database ({error})") from None
        return self._db

    def client(self, *, extra_hosts: set[str] = frozenset(), connect_to: dict[str, str] | None = None) -> PoliteClient:
        """The polite HTTP client for this configuration and database (``tracker.ingest.clients``);
        ``connect_to`` adds to the configured ``[http] connect_to``."""
        try:
            return polite_client(self.config, self.db, extra_hosts=extra_hosts, connect_to=connect_to)
        except ValueError as error:  # a bad contact or connect_to address
            raise click.ClickException(f"[http] {error}") from None


pass_context = click.make_pass_decorator(Context)


class Commands(click.Group):
    """The command group: a database another process keeps busy is one line, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseBusy as error:
            raise click.ClickException(str(error)) from None
