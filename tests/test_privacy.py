"""Publish only what is public: no route of ``serve`` reaches a raw body, an e-mail header, a local
path or the fetch log, and the threads known only from the requester's own e-mail are shown on
loopback only.

The database under test is seeded with what must never be published, each carrying a canary
(a word found nowhere else): a saved page imported from a folder with a distinctive name (its
raw body has a comment the parser drops), e-mail with distinctive headers (one thread known only
from e-mail, one message matched to the page's thread that the page does not show), and a
logged fetch. Then every route is walked: every table and view of the served file (HTML,
``.json``, ``.csv``, ``?_stream=on``), row pages, full-text searches, every canned query, the
dashboard and its charts, Datasette's own pages and ``?sql=`` attempts at the private tables, the
attached schema and the file's path; with and without ``--public``.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import zlib
from pathlib import Path

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner
from datasette.utils import path_from_row_pks, tilde_encode

from tracker.cli import cli
from tracker.store import db as database
from tracker.store.db import open_db, private_path, record_fetch
from tracker.store.published import private_threads, publish_copy, remove_private_rows
from tracker.web import publish

SYNTHETIC = Path(__file__).parent / "fixtures" / "synthetic"
URL = "https://www.whatdotheyknow.com/request/number_of_parking_fines_issued_i"
REQUEST_ID = "www.whatdotheyknow.com/request/number_of_parking_fines_issued_i"
ME = "me@example.org"

RAW_BODY = "rawbody-canary-7e2"  # in the saved page's raw bytes only (an HTML comment)
FOLDER = "pathcanary-9f3a"  # the folder the files were imported from
HEADERS = ("relay.hdrcanary.invalid", "X-Hdr-Canary-Value-41")  # e-mail header values
FETCH_LOG = "fetchlog-canary-c5"  # a logged fetch's URL, ETag and error
NEVER = (RAW_BODY, FOLDER, *HEADERS, FETCH_LOG)
PRIVATE_THREAD = "privthread-canary-3b"  # a thread known only from e-mail
PRIVATE_MESSAGE = "privmsg-canary-8d"  # an e-mail message of the page's thread the page does not show
OWN_MAIL = (PRIVATE_THREAD, PRIVATE_MESSAGE, ME)
# A word of each, as a full-text index keeps it: a term, stored after the prefix it shares with
# the term before it (so only its tail is looked for, in the bytes of a file).
INDEXED = {"zqxjvkmoat": b"xjvkmoat", "yvwpkfen": b"wpkfen"}
# What the walk asks for: the first word of each canary, which finds it without being it (a
# value asked for is shown back on the page).
LURES = ("", "a", *{canary.split("-")[0].split(".")[0].split("@")[0] for canary in (*NEVER, *OWN_MAIL)})


def mail(sender: str, subject: str, date: str, message_id: str, body: str) -> str:
    return (f"From: {sender}\nTo: Someone <{ME}>\nSubject: {subject}\nDate: {date}\nMessage-ID: <{message_id}>\n"
            f"Received: from {HEADERS[0]} (relay [10.9.8.7])\nX-Canary: {HEADERS[1]}\n\n{body}\n")


def seed(path: Path) -> Path:
    """A database holding every kind of private data (see the module docstring)."""
    folder = path.parent / FOLDER
    folder.mkdir()
    page = (SYNTHETIC / "synthetic_request_page_wdtk.html").read_bytes()
    (folder / "page.html").write_bytes(page.replace(b"</body>", f"<!-- {RAW_BODY} --></body>".encode()))
    (folder / "page.json").write_bytes((SYNTHETIC / "synthetic_request.json").read_bytes())
    (folder / "1-request.eml").write_text(mail(
        f"Someone <{ME}>", f"Housing repairs {PRIVATE_THREAD}", "Tue, 02 Jan 2024 09:00:00 +0000", "r1@example.org",
        f"Dear Council,\n\nPlease send me the housing repairs backlog ({PRIVATE_THREAD} zqxjvkmoat).\n\n"
        "Yours faithfully,\nSomeone"))
    (folder / "2-acknowledgement.eml").write_text(mail(
        "Records <records@council.example>", f"RE: Housing repairs {PRIVATE_THREAD}", "Wed, 03 Jan 2024 09:00:00 +0000",
        "r2@council.example", f"Thank you for your request ({PRIVATE_THREAD}); we will reply within 20 working days."))
    (folder / "3-matched.eml").write_text(mail(
        "Parking <parking@council.example>", "RE: Freedom of Information request - Number of parking fines issued in 2023",
        "Fri, 01 Mar 2024 11:00:00 +0000", "p3@council.example",
        f"Further to your request, the figures by month follow ({PRIVATE_MESSAGE} yvwpkfen)."))
    runner = CliRunner()
    for args in (["import", "--url", URL, "--me", ME, str(folder)], ["late", "--today", "2024-03-15"]):
        result = runner.invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    db = open_db(path)
    record_fetch(db, f"https://www.whatdotheyknow.com/request/number_of_parking_fines_issued_i.json?{FETCH_LOG}",
                 status_code=503, etag=f'"{FETCH_LOG}"', error=f"HTTP 503 {FETCH_LOG}", request_id=REQUEST_ID)
    db.close()
    publish.refresh_summaries(path)
    return path


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seed(tmp_path_factory.mktemp("privacy") / "foi.db")


def test_the_seed_holds_every_kind_of_private_data(seeded):
    """The walk below can only prove something if the canaries are really in the database."""
    db = open_db(seeded)
    bodies = [zlib.decompress(row["body"]) for row in db.query("select body from fetch_bodies")]
    assert any(RAW_BODY.encode() in body for body in bodies)
    assert any(HEADERS[0].encode() in body for body in bodies)  # a whole raw e-mail
    headers = [row["headers"] for row in db.query("select headers from message_headers")]
    assert len(headers) == 3 and all(HEADERS[0] in text and HEADERS[1] in text for text in headers)
    urls = [row["url"] for row in db.query("select url from fetches")]
    assert sum(FOLDER in url for url in urls) == 5  # the page, its .json, three e-mails
    assert any(FETCH_LOG in url for url in urls)
    assert private_threads(db) == 1
    assert db.execute("select count(*) from messages where source = 'email' and request_id = ?", [REQUEST_ID]).fetchone()[0] == 1
    assert db.execute("select count(*) from flags where request_id like 'email/%'").fetchone()[0] >= 1
    # ... and none of it in the public file, whose bytes are all Datasette could ever read.
    db.execute("pragma wal_checkpoint(truncate)")
    public = seeded.read_bytes()
    for canary in NEVER:
        assert canary.encode() not in public, canary
    assert str(seeded.parent).encode() not in public


# ---------------------------------------------------------------------------------------------
# Walking every route


SQL_ATTEMPTS = (
    "select * from fetches",
    "select * from fetch_bodies",
    "select * from message_headers",
    "select * from private.fetches",
    "select * from private.fetch_bodies",
    "select * from private.message_headers",
    "select * from private.sqlite_master",
    "select * from pragma_database_list",
    "SELECT * FROM PRAGMA_DATABASE_LIST()",
    "select file from pragma_database_list where file is not null",
    "select count(*) from pragma_database_list where file like '%" + FOLDER[:4] + "%'",
    "select * from sqlite_master",
    "select * from sqlite_temp_master",
    "select * from pragma_table_info('fetches')",
    "select * from pragma_table_info('messages')",
    "select headers from messages",
    "attach database 'x.db' as x",
    "select fts3_tokenizer('simple')",
    *(f"select * from messages where body_text like '%{lure}%' or subject like '%{lure}%'" for lure in LURES[2:]),
    *(f"select * from requests_fts where requests_fts match '{lure}'" for lure in LURES[2:]),
    *(f"select * from messages_fts where messages_fts match '{lure}'" for lure in LURES[2:]),
    "select * from messages_fts_data",
    "select * from requests_fts_data",
)
PAGES = (
    "/", "/.json", "/-/metadata.json", "/-/databases.json", "/-/databases", "/-/plugins.json", "/-/versions.json",
    "/-/settings.json", "/-/config.json", "/-/config", "/-/threads.json", "/-/actor.json", "/-/permissions",
    "/-/messages", "/-/patterns", "/-/allow-debug", "/robots.txt", "/_internal", "/_internal.json",
    "/_internal.json?sql=select+*+from+databases", "/-/dashboards", "/-/dashboards/foi",
)
PARAMETER = re.compile(r"(?<!:):(\w+)")
OPTIONAL = re.compile(r"\[\[.*?\]\]", re.S)


def walk(ds, path: Path, rows: list[tuple[str, str]]) -> dict[str, httpx.Response]:
    """Every route worth asking of the Datasette serving ``path`` (see the module docstring),
    and the pages of ``rows`` (table, primary key), whether served or not."""
    name = path.stem
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        objects = connection.execute("select name, type from sqlite_master where type in ('table', 'view')").fetchall()
        keys = {table: [row[1] for row in sorted(connection.execute(f"pragma table_info([{table}])"), key=lambda r: r[5])
                        if row[5]] for table, kind in objects if kind == "table"}
    metadata = publish.metadata_for(path)
    queries = metadata["databases"][name].get("queries", {})
    dashboard = metadata["plugins"]["datasette-dashboards"]["foi"]
    requests: list[tuple[str, dict | None]] = [(page, None) for page in PAGES]
    requests += [(f"/{name}", None), (f"/{name}.json", None), (f"/{name}.db", None)]
    for table, _ in objects:
        base = f"/{name}/{tilde_encode(table)}"
        requests += [(base, None), (f"{base}.json", {"_size": "max", "_shape": "objects"}),
                     (f"{base}.csv", {"_size": "max"}), (f"{base}.csv", {"_stream": "on"}),
                     (f"{base}.csv", {"_stream": "on", "_labels": "on"}), (f"{base}.json", {"_shape": "array", "_nl": "on"})]
    for table in ("requests", "messages"):  # full-text search, through the table pages too
        requests += [(f"/{name}/{table}{suffix}", {"_search": lure}) for lure in LURES[2:] for suffix in ("", ".json")]
    for query, spec in queries.items():
        for value in LURES:
            params = {parameter: value for parameter in PARAMETER.findall(spec["sql"])}
            requests += [(f"/{name}/{query}{suffix}", params) for suffix in ("", ".json", ".csv")[:3 if value else 2]]
    for chart in [*dashboard["charts"].values(), *dashboard["filters"].values()]:
        requests.append((f"/{name}.json", {"sql": OPTIONAL.sub("", chart["query"])}))
    requests += [(f"/{name}.json", {"sql": sql}) for sql in SQL_ATTEMPTS]
    requests += [(f"/{name}", {"sql": sql}) for sql in SQL_ATTEMPTS]
    requests += [(f"/{name}/{table}/{tilde_encode(key)}{suffix}", None) for table, key in rows for suffix in ("", ".json")]

    async def fetch_all() -> dict[str, httpx.Response]:
        responses: dict[str, httpx.Response] = {}

        async def get(route: str, params: dict | None = None) -> httpx.Response:
            response = await ds.client.get(route, params=params)
            responses[f"{route}?{params or ''}"] = response
            return response

        for route, params in requests:
            await get(route, params)
        for table in keys:  # row pages: every row of the threads' tables, the first 20 of the others
            listed = await get(f"/{name}/{tilde_encode(table)}.json", {"_shape": "objects", "_size": "20"})
            if listed.status_code != 200:
                continue
            for row in listed.json()["rows"]:
                row_path = f"/{name}/{tilde_encode(table)}/{path_from_row_pks(row, keys[table], not keys[table])}"
                await get(row_path)
                await get(f"{row_path}.json")
        return responses

    return asyncio.run(fetch_all())


def served(seeded: Path, tmp_path: Path, *, host: str, public: bool, include_private: bool = False):
    """What ``serve --host HOST [--public] [--include-private]`` gives Datasette, driven in-process."""
    private = publish.shows_private(host, public=public, include_private=include_private)
    with publish.published(seeded, private=private) as (path, removed):
        kept = tmp_path / path.name
        if path != seeded:  # the copy lives as long as serve does; keep it for the walk
            kept.write_bytes(path.read_bytes())
            path = kept
        return publish.make_datasette(path, public=public), path, removed


@pytest.mark.parametrize("host, public, include_private, own_mail_shown", [
    ("127.0.0.1", False, False, True),
    ("127.0.0.1", True, False, False),
    ("0.0.0.0", False, False, False),
    ("0.0.0.0", True, True, True),
], ids=["loopback", "public", "other-address", "public-include-private"])
def test_no_route_reaches_raw_bodies_headers_paths_or_the_fetch_log(seeded, tmp_path, host, public, include_private,
                                                                     own_mail_shown):
    ds, path, removed = served(seeded, tmp_path, host=host, public=public, include_private=include_private)
    assert (path == seeded) == own_mail_shown
    with sqlite3.connect(seeded) as connection:
        own = [("requests", key) for (key,) in connection.execute("select id from requests where site_id = 'email'")]
        own += [("messages", key) for (key,) in connection.execute("select id from messages where source = 'email'")]
    assert len(own) == 4
    responses = walk(ds, path, own)
    assert len(responses) > 700
    name = path.stem
    # The walk reached the data: tables, rows, queries and charts answered.
    ok = [route for route, response in responses.items() if response.status_code == 200]
    assert len(ok) > 600
    for table in ("requests", "messages", "flags", "users", "attachments", "thread_timeline", "late_requests"):
        assert f"/{name}/{table}.csv?{{'_stream': 'on'}}" in ok, table
    assert f"/{name}/requests/{tilde_encode(REQUEST_ID)}?" in ok  # the thread page
    everything = "\n".join(response.text for response in responses.values())
    assert "Number of parking fines issued in 2023" in everything
    # Never, by any route: raw bodies, headers, local paths, the fetch log.
    for canary in NEVER:
        found = [route for route, response in responses.items() if canary in response.text]
        assert not found, (canary, found[:5])
    for local in (str(seeded.parent), str(path.parent), str(Path.home()) + "/", "/tmp/"):
        found = [route for route, response in responses.items() if local in response.text]
        assert not found, (local, found[:5])
    # The requester's own e-mail: on loopback (or when asked for) only.
    for canary in OWN_MAIL:
        found = [route for route, response in responses.items() if canary in response.text]
        assert bool(found) == own_mail_shown, (canary, found[:5])
    if not own_mail_shown:
        assert removed["requests"] == 1 and removed["messages"] == 3 and removed["flags"] >= 1
        assert all(responses[f"/{name}/{table}/{tilde_encode(key)}?"].status_code == 404 for table, key in own)
    # The path of the file served reads as empty; the private tables are not there.
    listing = responses[f"/{name}.json?{{'sql': 'select * from pragma_database_list'}}"].json()
    assert listing["rows"] == [[0, "main", None]]
    for sql in ("select * from fetches", "select * from private.fetches", "select headers from messages"):
        assert responses[f"/{name}.json?{{'sql': {sql!r}}}"].status_code == 400, sql
    assert responses["/-/databases.json?"].json() == [
        {"name": name, "route": name, "is_mutable": True, "is_memory": False}]
    assert responses[f"/{name}.db?"].status_code in (403, 404)
    tables = {table["name"] for table in responses[f"/{name}.json?"].json()["tables"]}
    assert "requests" in tables and not tables & {"fetches", "fetch_bodies", "message_headers"}
    assert not {"fetches", "fetch_bodies", "message_headers"} & set(responses["/-/metadata.json?"].json()["databases"][name]["tables"])
    assert responses["/_internal.json?sql=select+*+from+databases?"].status_code in (403, 404)


# ---------------------------------------------------------------------------------------------
# The pieces


@pytest.mark.parametrize("host, public, include_private, shown", [
    ("127.0.0.1", False, False, True), ("127.0.0.2", False, False, True), ("localhost", False, False, True),
    ("::1", False, False, True), ("[::1]", False, False, True), ("127.0.0.1", True, False, False),
    ("0.0.0.0", False, False, False), ("::", False, False, False), ("192.168.1.5", False, False, False),
    ("example.org", False, False, False), ("0.0.0.0", False, True, True), ("127.0.0.1", True, True, True),
])
def test_own_mail_is_shown_on_loopback_only_unless_asked_for(host, public, include_private, shown):
    assert publish.shows_private(host, public=public, include_private=include_private) is shown


def test_the_published_copy_keeps_no_trace_of_the_private_rows(seeded, tmp_path):
    copy = tmp_path / "copy.db"
    removed = publish_copy(seeded, copy)
    assert {"sites", "messages"} <= set(removed) and removed["requests"] == 1
    content = copy.read_bytes()
    for canary in (*OWN_MAIL, *NEVER, *INDEXED.values()):
        assert canary not in content if isinstance(canary, bytes) else canary.encode() not in content, canary
    # (deleted rows are overwritten, the full-text indexes rebuilt: their words are gone too)
    original = seeded.read_bytes() + (seeded.with_name(seeded.name + "-wal").read_bytes()
                                      if seeded.with_name(seeded.name + "-wal").exists() else b"")
    assert all(tail in original for tail in INDEXED.values())  # where they were
    with sqlite3.connect(copy) as connection:
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("select count(*) from requests").fetchone()[0] == 1
        assert connection.execute("select count(*) from messages_fts where messages_fts match 'fines'").fetchone()[0] >= 1
        assert connection.execute("select count(*) from messages_fts where messages_fts match 'housing'").fetchone()[0] == 0
    assert private_threads(open_db(seeded)) == 1  # the database itself is left as it was


def test_removed_rows_are_overwritten_not_just_unlinked(seeded, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(f"file:{seeded}?mode=ro", uri=True) as reader:
        reader.execute("vacuum into ?", [str(copy)])
    assert PRIVATE_THREAD.encode() in copy.read_bytes()
    db = sqlite_utils.Database(copy)
    db.execute("pragma secure_delete = off")  # as SQLite is built by default (some builds turn it on)
    remove_private_rows(db)
    db.close()
    content = copy.read_bytes()
    assert not [canary for canary in OWN_MAIL if canary.encode() in content]


def test_a_private_file_is_refused_as_a_database(seeded):
    with pytest.raises(sqlite3.DatabaseError, match="private file"):
        open_db(private_path(seeded))
    result = CliRunner().invoke(cli, ["--db", str(private_path(seeded)), "serve"])
    assert result.exit_code == 1 and "private file" in result.output


def test_serve_itself_publishes_a_copy_with_public_and_the_database_without(seeded, tmp_path, start_serve, copy_database):
    """The real command, in its own process: on loopback the requester's own mail is shown; with
    --public it is not, and the copy is gone when serve stops."""
    path = copy_database(seeded, tmp_path / "served.db")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for flags, shown in (([], True), (["--public"], False)):
        server, base = start_serve(path, *flags, env={**os.environ, "TMPDIR": str(scratch)})
        try:
            if not shown:
                assert [folder.name.startswith("foi-tracker-published-") for folder in scratch.iterdir()] == [True]
            titles = httpx.get(f"{base}/served/requests.json", params={"_shape": "array", "_col": "title"}).json()
            assert any(PRIVATE_THREAD in row["title"] for row in titles) is shown
            rows = httpx.get(f"{base}/served.json", params={"sql": "select file from pragma_database_list"}).json()["rows"]
            assert rows == [[None]]
        finally:
            server.terminate()
            output = server.communicate(timeout=10)[0]
        assert ("publishing a copy made now" in output) is not shown
        assert not list(scratch.iterdir())  # the copy goes with serve


def test_database_module_knows_the_private_file():
    assert database.private_path("foi.db") == Path("foi.private.db")
    assert database.private_path("/data/demo.db") == Path("/data/demo.private.db")


def test_the_published_copy_leaves_out_the_delivery_set_up(tmp_path):
    """Recipients' addresses, delivery errors and the scheduler's run summaries are the
    requester's own: a public copy has none of them."""
    source = tmp_path / "foi.db"
    db = open_db(source)
    db.execute("pragma foreign_keys = off")  # a notification row alone, without its flag
    with database.writing(db):
        db["job_runs"].insert({"job": "late_check", "started_at": "2026-12-01T06:00:00+00:00", "ok": 0,
                               "summary": "delivery failed: https://hooks.example.org/secret-token"})
        db["notifications"].insert({"flag_id": 1, "channel": "email", "recipient": "me@example.org",
                                    "last_error": "550 refused"})
    db.close()
    copy = tmp_path / "published.db"
    removed = publish_copy(source, copy)
    assert removed == {"job_runs": 1, "notifications": 1}
    published = sqlite3.connect(copy)
    assert published.execute("select count(*) from job_runs").fetchone()[0] == 0
    assert published.execute("select count(*) from notifications").fetchone()[0] == 0
    assert b"secret-token" not in copy.read_bytes() and b"me@example.org" not in copy.read_bytes()
