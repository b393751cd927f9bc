"""Poll leases: which poll is polling which thread, so that two polls never poll one thread at once.

A poll claims the due threads it is about to poll, all together, in one IMMEDIATE transaction
(``tracker.store.db.writing``): a row of ``poll_leases`` each, naming the poll (its host, process
id and a token of its own). A second poll started meanwhile claims only the due threads nobody
holds, polls those and says how many it skipped. The poll gives each lease back as it finishes
the thread (and all that are left if it stops on an error), and renews the rest while it runs.

A poll killed mid-run cannot give its leases back: they lapse after ``LEASE``, and at once when
the process that held them has gone from this machine.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils

from tracker.model.times import instant, iso, utc_now
from tracker.store.db import writing

LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Holder:
    """One poll: the machine and process it runs in, and a token of its own."""

    host: str
    pid: int
    token: str

    @classmethod
    def this_poll(cls) -> Holder:
        return cls(socket.gethostname(), os.getpid(), secrets.token_hex(6))

    @classmethod
    def parse(cls, text: str) -> Holder:
        host, pid, token = text.rsplit(":", 2)
        return cls(host, int(pid), token)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    def gone(self) -> bool:
        """Whether its process has ended (known only for a process on this machine)."""
        if self.host != socket.gethostname() or os.name != "posix":
            return False
        try:
            os.kill(self.pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except PermissionError:  # it exists, under another user
            return False
        return False


@dataclass
class Claim:
    """The threads one poll holds, and when its leases run out."""

    holder: Holder
    request_ids: set[str] = field(default_factory=set)
    expires_at: datetime | None = None
    skipped: int = 0  # due threads left alone because another poll holds them

    def done(self, db: sqlite_utils.Database, request_id: str) -> None:
        """Give back a finished thread's lease; renew the others once half their time has gone."""
        now = utc_now()
        with writing(db):
            db.execute("delete from poll_leases where request_id = ? and holder = ?", [request_id, str(self.holder)])
            self.request_ids.discard(request_id)
            if self.request_ids and self.expires_at is not None and now >= self.expires_at - LEASE / 2:
                self.expires_at = now + LEASE
                db.execute("update poll_leases set expires_at = ? where holder = ?", [iso(self.expires_at), str(self.holder)])

    def release(self, db: sqlite_utils.Database) -> None:
        """Give back every lease still held."""
        with writing(db):
            db.execute("delete from poll_leases where holder = ?", [str(self.holder)])
        self.request_ids.clear()


def held_elsewhere(db: sqlite_utils.Database) -> set[str]:
    """The threads other polls hold; lapsed leases, and those of polls that have gone, are dropped.

    Call it inside the ``writing`` transaction that claims, so that nothing changes in between.
    """
    now = utc_now()
    expiry = dict(db.execute("select holder, max(expires_at) from poll_leases group by holder").fetchall())
    live = [holder for holder, expires_at in expiry.items()
            if instant(expires_at) > now and not Holder.parse(holder).gone()]
    for holder in expiry.keys() - set(live):
        db.execute("delete from poll_leases where holder = ?", [holder])
    return {row[0] for row in db.execute(
        "select request_id from poll_leases where holder in (select value from json_each(?))", [json.dumps(live)])}


def claim(db: sqlite_utils.Database, holder: Holder, request_ids: list[str], *, skipped: int = 0) -> Claim:
    """Lease ``request_ids`` to ``holder`` (inside the caller's ``writing`` transaction)."""
    now = utc_now()
    taken = Claim(holder, set(request_ids), now + LEASE, skipped)
    db.conn.executemany(
        "insert or replace into poll_leases (request_id, holder, claimed_at, expires_at) values (?, ?, ?, ?)",
        [(request_id, str(holder), iso(now), iso(taken.expires_at)) for request_id in request_ids],
    )
    return taken
