"""What every command shares: the database path, the configuration, the HTTP client.

Commands live in ``tracker.cli`` and in the ``tracker.cli.*`` modules registered on its group.
A command that uses the database is declared with ``@database_command(existing=...)``: it takes
``--db`` after its name as well as before it, and either needs a database that is already there
(``existing=True``: one line and nothing created when it is missing) or creates one. Other
commands take the context with ``@pass_context``.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path
from typing import Callable

import click
import sqlite_utils

from scrapers.http import PoliteClient
from tracker.ingest.clients import polite_client
from tracker.model.config import Config
from tracker.store.db import DatabaseBusy, is_busy, open_db


class BadUsage(click.ClickException):
    """Bad usage that is not a bad option (a configuration value, two different ``--db``): one
    line on stderr, exit status 2, without click's usage lines."""

    exit_code = 2


class Context:
    """What every command shares: where the database is, and the configuration.

    ``db_given``: whether ``--db`` was given before the command (not from the environment or
    the default), so that a different ``--db`` after it is an error rather than a choice.
    """

    def __init__(self, db_path: str, config: Config, *, db_given: bool = False):
        self.db_path = db_path
        self.config = config
        self.db_given = db_given
        self.needs_existing_db = False
        self._db: sqlite_utils.Database | None = None

    def use_database(self, path: str | None, *, existing: bool) -> None:
        """Take the ``--db`` given after the command (None: not given), and whether the command
        needs an existing database."""
        if path is not None and path != self.db_path:
            if self.db_given and Path(path).resolve() != Path(self.db_path).resolve():
                raise BadUsage(f"--db given twice with different files: {self.db_path} and {path}")
            self.db_path = path
        self.needs_existing_db = existing

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            if self.needs_existing_db and not Path(self.db_path).exists():
                raise click.ClickException(
                    f"{self.db_path}: no such database (check --db; 'foi-tracker follow' or 'import' creates one)")
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

_db_after_the_command = click.option(
    "--db", "db_after", type=click.Path(dir_okay=False), default=None,
    help="SQLite database file (the same as --db before the command).",
)


def database_command(*, existing: bool) -> Callable[[Callable], Callable]:
    """Declare a command that uses the database: it takes ``--db`` after its name too, and gets
    the Context first. ``existing``: the command only reads or updates a database, so a missing
    one is an error (a mistyped ``--db`` must not create an empty one)."""
    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def run(context: Context, *args, db_after: str | None, **kwargs):
            context.use_database(db_after, existing=existing)
            return command(context, *args, **kwargs)
        return _db_after_the_command(pass_context(run))
    return decorate


class Commands(click.Group):
    """The command group: a database another process keeps busy is one line, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseBusy as error:
            raise click.ClickException(str(error)) from None
