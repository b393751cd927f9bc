"""What a public ``serve`` publishes: the database without what only the requester's own e-mail
told us, and the requester's own delivery set-up.

The raw bodies, the e-mail headers and the fetch log are in the private file, which ``serve``
never opens (``tracker.store.db``). What remains private in the public file are rows: the threads
known only from the requester's imported e-mail (those of the e-mail pseudo-site, which no
followed request matched) and the e-mail messages no page has shown. Datasette cannot keep rows
from arbitrary SQL, so a public ``serve`` publishes a copy without them: ``publish_copy`` writes
the public file into a new file (``VACUUM INTO``, one pass over the file) and deletes those rows,
with every row that depends on them by the declared foreign keys, then rebuilds the full-text
indexes and the summaries from what remains.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from tracker.store import summaries
from tracker.store.db import EMAIL_SITE_ID, SOURCE_EMAIL, writing
from tracker.store.schema import TABLES, TABLES_BY_NAME, Table

# The rows known only from the requester's own e-mail, by table (SQL conditions on its rows).
PRIVATE_ROWS: dict[str, str] = {
    "sites": f"id = '{EMAIL_SITE_ID}'",
    "messages": f"source = '{SOURCE_EMAIL}'",
    # The requester's own delivery set-up: e-mail addresses, webhook origins, delivery errors and
    # the scheduler's run summaries (which can name a mail server or a hook's URL).
    "notifications": "1",
    "job_runs": "1",
    "poll_leases": "1",  # which host and process is polling
}


def private_threads(db: sqlite_utils.Database) -> int:
    """How many threads are known only from the requester's own e-mail."""
    return db.execute("select count(*) from requests where site_id = ?", [EMAIL_SITE_ID]).fetchone()[0]


def remove_private_rows(db: sqlite_utils.Database) -> dict[str, int]:
    """Delete the rows of ``PRIVATE_ROWS`` and every row that depends on them, overwriting them
    (``secure_delete``, left on for the connection); return how many rows went, by table (tables
    that lost none left out). The words of a full-text index are not rows: see ``publish_copy``."""
    removed: dict[str, int] = {}
    db.execute("pragma secure_delete = on")
    with writing(db):
        for table, where in PRIVATE_ROWS.items():
            _delete(db, TABLES_BY_NAME[table], where, removed)
    return {table: count for table, count in removed.items() if count}


def _delete(db: sqlite_utils.Database, table: Table, where: str, removed: dict[str, int]) -> None:
    """Delete the rows of ``table`` that match ``where``, their dependents first."""
    for child in TABLES:
        for column, parent, parent_column in child.foreign_keys:
            if parent == table.name:
                _delete(db, child, f"[{column}] in (select [{parent_column}] from [{table.name}] where {where})", removed)
    deleted = db.execute(f"delete from [{table.name}] where {where}").rowcount
    removed[table.name] = removed.get(table.name, 0) + deleted


def publish_copy(source: str | Path, target: str | Path) -> dict[str, int]:
    """Write the public file at ``source`` to the new file ``target`` without the private rows;
    return what was left out, by table.

    ``source`` is read in one read transaction (writers go on); no page of the copy keeps what
    was left out, rows or indexed words.
    """
    reader = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True)
    try:
        reader.execute("vacuum into ?", [str(target)])
    finally:
        reader.close()
    copy = sqlite_utils.Database(target)
    try:
        copy.execute("pragma foreign_keys = on")
        removed = remove_private_rows(copy)
        if removed:
            # A full-text index keeps the words of deleted rows until its segments merge: rebuilt.
            for table in TABLES:
                if table.fts:
                    copy[table.name].rebuild_fts()
            summaries.refresh(copy)
    finally:
        copy.close()
    return removed
