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

from tracker.store.schema import EVERY_RECIPIENT

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
