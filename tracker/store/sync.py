"""Bring a database to the declared schema (``tracker.store.schema``), writing only the difference.

``changes(db)`` compares the declarations with what the database holds and lists what is missing
or different, without writing anything; each change applies itself. The sync only adds and
corrects: missing tables, columns, indexes (plain, unique, partial) and full-text indexes are
created, views, triggers and partial indexes whose SQL differs are replaced, reference rows are
inserted or corrected. Anything else (a rename, a move, a dropped column, a new type or key) is a named
migration (``tracker.store.migrations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sqlite_utils
from sqlite_utils.db import quote_identifier

from tracker.store.schema import (
    PRIVATE_TABLES, REFERENCES, TABLES, TABLES_BY_NAME, TRIGGERS, VIEWS, PartialIndex, Reference, Table,
)


@dataclass(frozen=True)
class Change:
    """One difference between the declared schema and a database, and how to remove it."""

    what: str
    apply: Callable[[sqlite_utils.Database], Any]


def changes(db: sqlite_utils.Database, *, private: bool = False) -> list[Change]:
    """What the database lacks or holds differently from the declarations, in the order to apply.

    ``private``: ``db`` is a private file, compared with ``PRIVATE_TABLES`` (tables only).
    """
    if private:
        return [change for table in PRIVATE_TABLES for change in _table_changes(db, table)]
    found: list[Change] = []
    for table in TABLES:
        found += _table_changes(db, table)
    for name, sql in VIEWS.items():
        found += _object_changes(db, "view", name, f"CREATE VIEW {quote_identifier(name)} AS {sql.strip()}")
    for name, sql in TRIGGERS.items():
        found += _object_changes(db, "trigger", name, f"CREATE TRIGGER {quote_identifier(name)} {sql.strip()}")
    for reference in REFERENCES:
        found += _reference_changes(db, reference)
    return found


def _table_changes(db: sqlite_utils.Database, table: Table) -> list[Change]:
    existing = db[table.name]
    if not existing.exists():
        return [Change(f"create table {table.name}", lambda db: _create_table(db, table))]
    have = existing.columns_dict
    found = [
        Change(f"add column {table.name}.{column}", lambda db, c=column, t=column_type: db[table.name].add_column(c, t))
        for column, column_type in table.columns.items()
        if column not in have
    ]
    found += _index_changes(db, table)
    if table.fts and not existing.detect_fts():
        found.append(Change(f"full-text index {table.name}", lambda db: _enable_fts(db, table)))
    return found


def _create_table(db: sqlite_utils.Database, table: Table) -> None:
    db.create_table(
        table.name,
        table.columns,
        pk=table.pk,
        foreign_keys=list(table.foreign_keys),
        not_null=set(table.not_null),
    )
    for change in _index_changes(db, table):
        change.apply(db)
    if table.fts:
        _enable_fts(db, table)


def _enable_fts(db: sqlite_utils.Database, table: Table) -> None:
    db[table.name].enable_fts(list(table.fts), create_triggers=True, tokenize="porter")


def _index_changes(db: sqlite_utils.Database, table: Table) -> list[Change]:
    have = {(tuple(index.columns), bool(index.unique)) for index in db[table.name].indexes if not index.partial}
    found = [
        Change(f"index {table.name}({', '.join(columns)})",
               lambda db, c=columns, u=unique: db[table.name].create_index(list(c), unique=u, if_not_exists=True))
        for columns, unique in [*((c, False) for c in table.indexes), *((c, True) for c in table.unique_indexes)]
        if (tuple(columns), unique) not in have
    ]
    for index in table.partial_indexes:
        sql = _partial_index_sql(table.name, index)
        if _normal(_stored_sql(db, "index", index.name)) != _normal(sql):
            found.append(Change(f"partial index {index.name}", lambda db, i=index, s=sql: _replace(db, "index", i.name, s)))
    return found


def _partial_index_sql(table: str, index: PartialIndex) -> str:
    """In the words 0.1.0 created them with, so that a database it made has nothing to replace."""
    return f"CREATE INDEX {index.name} on {table}({', '.join(index.columns)}) where {index.where}"


def _object_changes(db: sqlite_utils.Database, kind: str, name: str, create: str) -> list[Change]:
    """A view or trigger missing, or stored with other SQL than ``create``: (re)create it."""
    if _normal(_stored_sql(db, kind, name)) == _normal(create):
        return []
    return [Change(f"{kind} {name}", lambda db: _replace(db, kind, name, create))]


def _stored_sql(db: sqlite_utils.Database, kind: str, name: str) -> str | None:
    row = db.execute("select sql from sqlite_master where type = ? and name = ?", [kind, name]).fetchone()
    return row[0] if row else None


def _normal(sql: str | None) -> str | None:
    """SQL as SQLite keeps it in sqlite_master, runs of whitespace aside."""
    return " ".join(sql.split()) if sql is not None else None


def _replace(db: sqlite_utils.Database, kind: str, name: str, create: str) -> None:
    db.execute(f"drop {kind} if exists {quote_identifier(name)}")
    db.execute(create)


def _reference_changes(db: sqlite_utils.Database, reference: Reference) -> list[Change]:
    declared = TABLES_BY_NAME[reference.table]
    pk = [declared.pk] if isinstance(declared.pk, str) else list(declared.pk or ())
    stored: dict[tuple, dict[str, Any]] = {}
    if db[reference.table].exists():
        stored = {tuple(row[column] for column in pk): row for row in db[reference.table].rows}
    missing: list[dict[str, Any]] = []
    corrections: list[tuple[tuple, dict[str, Any]]] = []
    for row in reference.rows():
        key = tuple(row[column] for column in pk)
        if key not in stored:
            missing.append(row)
            continue
        differ = {column: value for column, value in row.items() if stored[key].get(column) != value}
        if differ:
            corrections.append((key, differ))
    listed = {tuple(row[column] for column in pk) for row in reference.rows()}
    stale = [key for key in stored if key not in listed] if reference.complete else []
    if not missing and not corrections and not stale:
        return []

    def apply(db: sqlite_utils.Database) -> None:
        db[reference.table].insert_all(missing)
        for key, differ in corrections:
            db[reference.table].update(key if len(key) > 1 else key[0], differ)
        for key in stale:
            db[reference.table].delete(key if len(key) > 1 else key[0])

    return [Change(f"{len(missing) + len(corrections) + len(stale)} row(s) of {reference.table}", apply)]
