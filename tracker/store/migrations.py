"""Named migrations: the changes to an existing database that the declared schema cannot say.

Adding a table, a column, an index or a view needs no migration: ``tracker.store.sync`` creates
what the declarations (``tracker.store.schema``) add. Renaming, moving or dropping does: write a
function here that takes the database, register it with ``@MIGRATIONS()`` after the others, and
change the declarations to the new shape. ``tracker.store.db.open_db`` applies the pending
migrations, in order, then syncs the declared schema, in one transaction.

sqlite-utils' ``Migrations`` records each migration applied in ``_sqlite_migrations`` (set
``foi-tracker``, name, applied_at), so ``sqlite-utils migrate`` can list them too. A migration runs
on the database as the previous release left it, before the sync, and must leave alone a database
that has nothing to migrate (a new one has no tables yet). Never rename or edit a released one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from tracker.store.schema import EVERY_RECIPIENT, PRIVATE_SCHEMA, PRIVATE_TABLES, VIEWS

MIGRATIONS = Migrations("foi-tracker")


def _rename_column(db: sqlite_utils.Database, table: str, old: str, new: str) -> None:
    """Rename a column, keeping its values, where the table still has it under the old name."""
    if db[table].exists() and old in db[table].columns_dict:
        db[table].transform(rename={old: new})


@MIGRATIONS()
def rename_flags_working_days_overdue(db: sqlite_utils.Database) -> None:
    """flags.working_days_overdue becomes working_days_late: one name for lateness (issue 15)."""
    _rename_column(db, "flags", "working_days_overdue", "working_days_late")


@MIGRATIONS()
def notifications_per_recipient(db: sqlite_utils.Database) -> None:
    """notifications is kept per recipient: the key (flag_id, channel) becomes (flag_id, channel,
    recipient) (issue 11). A row from before said that the channel accepted the flag for all of
    its recipients; it keeps that meaning with the recipient EVERY_RECIPIENT."""
    table = db["notifications"]
    if table.exists() and "recipient" not in table.columns_dict:
        table.add_column("recipient", str)
        db.execute("update notifications set recipient = ?", [EVERY_RECIPIENT])
        table.transform(pk=("flag_id", "channel", "recipient"), not_null={"recipient"})


@MIGRATIONS()
def repair_flags_cleared_before_raised(db: sqlite_utils.Database) -> None:
    """A check for an earlier day than one already run cleared standing flags on that earlier day,
    before they were raised, and the next check raised them again as new (issue 11).

    Such a flag stood until the next episode of the same flag on the same request was raised, so
    it is cleared on that day; with no later episode and none standing, it stands again (the
    next check keeps or clears it). The declared triggers keep it from happening again.
    """
    if not db["flags"].exists():
        return
    broken = db.execute(
        "select id, request_id, flag, raised_on from flags where cleared_on < raised_on order by id").fetchall()
    for flag_id, request_id, flag, raised_on in broken:
        later = db.execute(
            "select min(raised_on) from flags where request_id = ? and flag = ? and id > ? and raised_on >= ?",
            [request_id, flag, flag_id, raised_on],
        ).fetchone()[0]
        standing = db.execute(
            "select count(*) from flags where request_id = ? and flag = ? and cleared_on is null", [request_id, flag]
        ).fetchone()[0]
        cleared_on = later or (raised_on if standing else None)
        db.execute("update flags set cleared_on = ? where id = ?", [cleared_on, flag_id])
def _public_columns(db: sqlite_utils.Database, table: str) -> list[str]:
    """The columns of ``table`` in the public file (none when it has no such table)."""
    return [row[1] for row in db.execute(f"pragma main.table_info([{table}])").fetchall()]


def copy_private_data(db: sqlite_utils.Database) -> None:
    """Copy what a database made before the private file keeps in its public file (``fetches``,
    ``fetch_bodies``, ``messages.headers``) into the attached private file; rows already there are
    kept. Writes nothing when there is nothing to copy.

    ``tracker.store.db.upgrade`` commits this copy on its own before the migrations run: SQLite
    commits the public file before an attached one, so a copy made in the same transaction as
    the drop below could be lost by a crash between the two commits.
    """
    for table in PRIVATE_TABLES:
        columns = [column for column in _public_columns(db, table.name) if column in table.columns]
        if columns:
            names = ", ".join(f"[{column}]" for column in columns)
            db.execute(f"insert or ignore into {PRIVATE_SCHEMA}.[{table.name}] ({names}) "
                       f"select {names} from main.[{table.name}]")
    if "headers" in _public_columns(db, "messages"):
        db.execute(f"insert or ignore into {PRIVATE_SCHEMA}.message_headers (message_id, headers) "
                   "select id, headers from main.messages where headers is not null")


@MIGRATIONS()
def move_private_data_to_private_file(db: sqlite_utils.Database) -> None:
    """The fetch log, the raw bodies and the e-mail headers move to the private file beside the
    database, which ``serve`` never opens (issue 11): copied there, then dropped from the public one."""
    copy_private_data(db)
    # Overwrite what is dropped, so that no page of the public file keeps it once checkpointed.
    secure_delete = db.execute("pragma main.secure_delete").fetchone()[0]
    db.execute("pragma main.secure_delete = on")
    try:
        for table in PRIVATE_TABLES:
            db.execute(f"drop table if exists main.[{table.name}]")
        if "headers" in _public_columns(db, "messages"):
            # SQLite re-checks every view when a column is dropped, and a view may not compile
            # until the declared schema is synced after the migrations (the flags column renamed
            # above): the declared views go first, and the sync creates them again.
            for view in VIEWS:
                db.execute(f"drop view if exists main.[{view}]")
            db.execute("alter table main.messages drop column headers")
    finally:
        db.execute(f"pragma main.secure_delete = {int(secure_delete)}")
