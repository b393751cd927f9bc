"""Compare two demo databases: the same requests, messages, readings and flags, apart from ids.

    .venv/bin/python scripts/compare_demo.py OLD.db NEW.db [--allow-new-table NAME ...] [--allow-new-column TABLE.COLUMN ...]

Both are made by ``foi-tracker demo --no-serve --today D`` with the same D, perhaps by different
versions of foi-tracker; each is read with its private file (``OLD.private.db``) when it has one,
and the e-mail headers an older version kept in ``messages.headers`` are read as the
``message_headers`` table a newer one keeps in its private file. Each holds one site, whose id and base URL may differ (the sample site
was once named by its random port); they are replaced by ``SITE`` and ``http://SITE`` (also
when URL-encoded) in every text value, fetched bodies included, before anything is compared. Two things the sample site
derives from its name are masked too: a link printed shortened to a fixed width
(``http://SITE/change_request/ne...``) ends wherever the name's length puts it, and the .json's
Rails times (milliseconds, status updates) are drawn from a hash of ids that hold the name. Then:

- the row count of every table (tables only in NEW fail unless allowed by name);
- the projections issue 10 asks for: messages (request slug, position, kind, outcome,
  confidence), requests (slug, status, the deadline columns) and flags (slug, flag, raised_on,
  due_date, working days overdue);
- every other row of every table but the full-text indexes, column by column, except the instants
  the run itself records (when it fetched, saw, polled) and what hashes a fetched body (the bodies
  themselves are compared instead). ``next_poll_at`` is compared as the wait after the poll.

Prints the differences and exits 1 if there are any, 0 if there are none.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sqlite3
import sys
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.model.times import instant  # noqa: E402

# When the run itself happened: differs between any two runs made on different clocks.
RECORDED = frozenset({
    "first_seen_at", "last_changed_at", "last_polled_at", "next_poll_at", "fetched_at", "observed_at",
    "added_at", "updated_at", "hidden_at", "refreshed_at", "notified_at", "delivered_at", "started_at",
    "finished_at", "last_modified",
})
# Hashes and sizes of a fetched body (which names the site): the normalised body is compared instead.
BODY_HASHES = frozenset({"sha256", "page_sha256", "json_sha256"})
BODY_DERIVED = frozenset({"etag", "bytes"})
SHADOW_SUFFIXES = ("_fts_data", "_fts_idx", "_fts_docsize", "_fts_config")
PROJECTIONS = {
    "messages": ("select request_id, position, kind, outcome, confidence from messages", "request, position, kind, outcome, confidence"),
    "requests": ("select id, status, site_status, regime, sent_at, due_date, very_overdue_date, first_response_at, "
                 "working_days_to_response, answered_on_time, review_requested_at, review_due_date, review_responded_at "
                 "from requests", "request, status, site_status, regime, sent_at, due_date, ... review_responded_at"),
    "flags": ("select request_id, flag, raised_on, cleared_on, due_date, working_days_late from flags",
              "request, flag, raised_on, cleared_on, due_date, working_days_late"),
}
# Columns renamed by a migration since the old release (tracker.store.migrations): old -> new.
RENAMED = {"flags": {"working_days_overdue": "working_days_late"}}
# messages.headers, moved to the private file's message_headers (tracker.store.migrations).
MOVED_HEADERS = "select id as message_id, headers from messages where headers is not null"
SHOWN = 10  # differing rows printed per table and side
SHORTENED_LINK = re.compile(r"http://SITE/[^\s<\"]*?\.\.\.")
RAILS_TIME = re.compile(rb'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"')


class Demo:
    """One demo database, read with its site's id and URL replaced by placeholders."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SystemExit(f"{path}: no such database")
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        private = path.with_name(f"{path.stem}.private{path.suffix}")
        if private.is_file():
            self.db.execute("attach database ? as private", [f"file:{private}?mode=ro"])
        self.headers_in_messages = "headers" in self._columns("messages")
        sites = self.db.execute("select id, base_url from sites").fetchall()
        if len(sites) != 1:
            raise SystemExit(f"{path}: expected one site, found {len(sites)}")
        self.site_id, self.base_url = sites[0]
        self.bodies = {sha: self._body_key(encoding, body)
                       for sha, encoding, body in self.db.execute("select sha256, encoding, body from fetch_bodies")}

    def text(self, value: object) -> object:
        if isinstance(value, str):
            named = value.replace(self.base_url, "http://SITE").replace(quote(self.base_url, safe=""), quote("http://SITE", safe=""))
            named = named.replace(self.site_id, "SITE")
            return SHORTENED_LINK.sub("http://SITE/...", named)
        return value

    def _body_key(self, encoding: str, body: bytes) -> str:
        raw = zlib.decompress(body) if encoding == "zlib" else body
        normal = RAILS_TIME.sub(b'"TIME"', self.text(raw.decode("utf-8")).encode("utf-8"))
        return "body:" + hashlib.sha256(normal).hexdigest()[:16]

    def _columns(self, table: str) -> list[str]:
        return [row[1] for row in self.db.execute(f"pragma table_info([{table}])")]

    def _select(self, table: str) -> str:
        """Every row of ``table``, headers read where this database keeps them."""
        if table == "message_headers" and self.headers_in_messages:
            return MOVED_HEADERS
        if table == "messages" and self.headers_in_messages:
            return f"select {', '.join(f'[{c}]' for c in self._columns('messages') if c != 'headers')} from messages"
        return f"select * from [{table}]"

    def tables(self) -> dict[str, int]:
        schemas = [row[1] for row in self.db.execute("pragma database_list") if row[1] != "temp"]
        names = sorted(row[0] for schema in schemas
                       for row in self.db.execute(f"select name from [{schema}].sqlite_master where type = 'table'"))
        if self.headers_in_messages:
            names = sorted({*names, "message_headers"})
        return {name: self.db.execute(f"select count(*) from ({self._select(name)})").fetchone()[0] for name in names}

    def rows(self, sql: str) -> Counter:
        for table, renames in RENAMED.items():
            present = set(self._columns(table))
            for old, new in renames.items():
                if old in present and new not in present:
                    sql = sql.replace(f" {new} from {table}", f" {old} as {new} from {table}")
        return Counter(tuple(self.text(value) for value in row) for row in self.db.execute(sql))

    def table_rows(self, table: str) -> tuple[list[str], Counter]:
        """Every row of ``table`` as compared: recorded instants left out, bodies by content."""
        cursor = self.db.execute(self._select(table))
        columns = [RENAMED.get(table, {}).get(c[0], c[0]) for c in cursor.description]
        kept = [c for c in columns if c not in RECORDED | BODY_DERIVED and not (table == "fetch_bodies" and c == "body")]
        if table == "requests":
            kept.append("poll_wait")
        rows: Counter = Counter()
        for values in cursor:
            row = dict(zip(columns, values))
            if table == "requests":
                row["poll_wait"] = _wait(row.get("last_polled_at"), row.get("next_poll_at"))
            rows[tuple(self._value(c, row[c]) for c in kept)] += 1
        return kept, rows

    def _value(self, column: str, value: object) -> object:
        if column in BODY_HASHES and value is not None:
            return self.bodies.get(value, f"missing body {value}")
        return self.text(value)


def _wait(polled: str | None, next_poll: str | None) -> str | None:
    if not (polled and next_poll):
        return None
    return str(instant(next_poll) - instant(polled))


def _show(title: str, old: Counter, new: Counter, out: list[str]) -> None:
    missing, extra = old - new, new - old
    if not (missing or extra):
        return
    out.append(f"{title}: {sum(missing.values())} row(s) only in OLD, {sum(extra.values())} only in NEW")
    for sign, rows in (("-", missing), ("+", extra)):
        for row in sorted(rows, key=repr)[:SHOWN]:
            out.append(f"  {sign} {row}")
        if len(rows) > SHOWN:
            out.append(f"  {sign} ... {len(rows) - SHOWN} more")


def _without(columns: list[str], rows: Counter, dropped: set[str]) -> tuple[list[str], Counter]:
    """The rows with the ``dropped`` columns taken out."""
    keep = [i for i, column in enumerate(columns) if column not in dropped]
    projected: Counter = Counter()
    for row, count in rows.items():
        projected[tuple(row[i] for i in keep)] += count
    return [columns[i] for i in keep], projected


def compare(old: Demo, new: Demo, allowed_new: set[str], allowed_columns: set[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(differences, notes): one line each."""
    differences: list[str] = []
    notes = [f"OLD {old.path}: site {old.site_id} ({old.base_url})", f"NEW {new.path}: site {new.site_id} ({new.base_url})"]
    old_tables, new_tables = old.tables(), new.tables()
    for name in sorted(old_tables.keys() - new_tables.keys()):
        differences.append(f"table {name}: only in OLD ({old_tables[name]} rows)")
    for name in sorted(new_tables.keys() - old_tables.keys()):
        line = f"table {name}: only in NEW ({new_tables[name]} rows)"
        (notes if name in allowed_new else differences).append(line + (" (allowed)" if name in allowed_new else ""))
    shared = sorted(old_tables.keys() & new_tables.keys())
    for name in shared:
        if old_tables[name] != new_tables[name]:
            differences.append(f"table {name}: {old_tables[name]} rows in OLD, {new_tables[name]} in NEW")
    same = [n for n in shared if old_tables[n] == new_tables[n]]
    notes.append(f"row counts: {len(same)} of {len(shared)} shared tables equal ({sum(old_tables[n] for n in same)} rows)")
    for table, (sql, columns) in PROJECTIONS.items():
        before, after = old.rows(sql), new.rows(sql)
        _show(f"{table} ({columns})", before, after, differences)
        if before == after:
            notes.append(f"{table} ({columns}): {sum(before.values())} rows equal")
    compared = [n for n in shared if not n.endswith(SHADOW_SUFFIXES)]
    for table in compared:
        columns, before = old.table_rows(table)
        new_columns, after = new.table_rows(table)
        added = {c for c in new_columns if c not in columns and f"{table}.{c}" in allowed_columns}
        if added:
            new_columns, after = _without(new_columns, after, added)
            notes.append(f"{table}: new column{'s' if len(added) > 1 else ''} {', '.join(sorted(added))} (allowed)")
        if columns != new_columns:
            differences.append(f"{table}: columns differ: {columns} / {new_columns}")
            continue
        _show(f"{table} (all columns)", before, after, differences)
    notes.append(f"every row of {len(compared)} tables compared, without the run's own instants "
                 f"({', '.join(sorted(RECORDED))}) or body hashes and sizes (bodies compared instead); "
                 "next_poll_at as the wait after last_polled_at")
    return differences, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--allow-new-table", action="append", default=[], metavar="NAME",
                        help="a table NEW may have that OLD lacks (e.g. a reference table added since)")
    parser.add_argument("--allow-new-column", action="append", default=[], metavar="TABLE.COLUMN",
                        help="a column NEW may have that OLD lacks (e.g. requests.status_why); compared without it")
    args = parser.parse_args(argv)
    differences, notes = compare(Demo(args.old), Demo(args.new), set(args.allow_new_table), set(args.allow_new_column))
    for line in notes:
        print(line)
    for line in differences:
        print(f"DIFFERENT {line}" if not line.startswith("  ") else line)
    print(f"{'no differences' if not differences else str(sum(not d.startswith('  ') for d in differences)) + ' difference(s)'}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
