"""Deadlines on the network: a slow, throttling or huge host costs its own threads and no more.

Real servers on 127.0.0.1 started here (the demo site, and a socket server that trickles its
answer a byte at a time); the deadlines and budgets are scaled down to fractions of a second.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.bench_memory import in_fresh_process
from scrapers.http import FetchError, HostTimeOver, PoliteClient
from tracker.cli import cli
from tracker.demo import DemoSite
from tracker.demo.server import Fault
from tracker.ingest import follow as following
from tracker.ingest import poll as polling
from tracker.ingest.clients import polite_client
from tracker.model.config import Config, ConfigError, HttpConfig, load_config
from tracker.model.times import instant
from tracker.store.db import open_db

TODAY = date(2026, 11, 20)
OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 20000\r\n\r\n"


class TricklingServer:
    """Answers every request on 127.0.0.1 one byte every ``every`` seconds: ``head`` (sent at
    once unless ``trickle_head``), then a body that never ends in time."""

    def __init__(self, every: float = 0.05, *, head: bytes = OK_HEAD, trickle_head: bool = True) -> None:
        self.every, self.head, self.trickle_head = every, head, trickle_head
        self.connections = 0
        self._stop = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.host = f"127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> TricklingServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._socket.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += connection.recv(4096) or b"\r\n\r\n"
                if not self.trickle_head:
                    connection.sendall(self.head)
                for byte in (self.head if self.trickle_head else b"") + b"x" * 20000:
                    if self._stop.wait(self.every):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return


@pytest.fixture
def sites():
    """Two demo sites on 127.0.0.1 (two hosts), stopped afterwards."""
    started: list[DemoSite] = []

    def start(hook: Callable | None = None) -> DemoSite:
        site = DemoSite(TODAY).start()
        site.fault_hook = hook
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()


def follow_some(db, site: DemoSite, count: int) -> list[str]:
    """Follow ``count`` threads of the site that have a .json; their request ids."""
    urls = [f"{site.base_url}/request/{t.slug}" for t in site.threads if t.slug not in site.without_json][:count]
    return following.follow(db, urls)


def run_cli(db_path: Path, config: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--config", str(config), *args], catch_exceptions=False)


def request_rows(db, site: DemoSite | TricklingServer) -> list[dict]:
    return list(db.query("select * from requests where id like ? order by id", [f"{site.host}/%"]))


# --- the deadline of one request -------------------------------------------------------------


@pytest.mark.parametrize("trickle_head", [True, False])
def test_a_trickling_server_is_given_up_at_the_deadline(trickle_head: bool) -> None:
    with TricklingServer(0.05, trickle_head=trickle_head) as server, \
            PoliteClient(timeout=5, request_deadline=0.5, respect_robots=False) as client:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            client.get(f"http://{server.host}/page")
        took = time.monotonic() - started
        assert str(caught.value) == f"http://{server.host}/page: no complete answer within the 0.5 s deadline"
        assert 0.5 <= took < 1.5  # a read timeout of 5 s never fired: every byte came in time
        with pytest.raises(HostTimeOver) as again:  # a server that is there but too slow is not asked again
            client.get(f"http://{server.host}/other")
    assert again.value.why == f"{server.host} gave no complete answer within the 0.5 s deadline"
    assert server.connections == 1


def test_the_host_budget_cuts_a_request_short_and_closes_the_host() -> None:
    with TricklingServer(0.05) as server, \
            PoliteClient(timeout=5, request_deadline=30, host_budget=0.6, respect_robots=False) as client:
        started = time.monotonic()
        with pytest.raises(HostTimeOver, match="no complete answer: the time budget for 127.0.0.1:"):
            client.get(f"http://{server.host}/one")
        assert time.monotonic() - started < 1.5
        with pytest.raises(HostTimeOver, match="not contacted"):
            client.get(f"http://{server.host}/two")
        assert server.connections == 1


def test_a_quick_server_is_unaffected_by_a_short_deadline(sites) -> None:
    site = sites()
    with PoliteClient(request_deadline=0.5) as client:
        slug = site.threads[0].slug
        assert b"correspondence" in client.get(f"{site.base_url}/request/{slug}").content


# --- a poll with a slow host, a throttling host, a huge page ---------------------------------


def test_poll_gives_up_on_a_trickling_host_at_the_deadline_records_it_and_goes_on(tmp_path, sites) -> None:
    site = sites()
    config = tmp_path / "foi-tracker.toml"
    config.write_text("[http]\ntimeout = 5\nrequest_deadline = 0.5\n", encoding="utf-8")
    db_path = tmp_path / "foi.db"
    with TricklingServer(0.05) as slow:
        db = open_db(db_path)
        quick = follow_some(db, site, 5)
        stuck, waiting = following.follow(db, [f"http://{slow.host}/request/slow_a", f"http://{slow.host}/request/slow_b"])
        started = time.time()
        result = run_cli(db_path, config, "poll")
        took = time.time() - started
        assert slow.connections == 1
    assert result.exit_code == 0, result.output
    assert "polled 6 thread(s): 5 ok" in result.stderr and "1 failed" in result.stderr
    assert f"error: http://{slow.host}/request/slow_a.json: no complete answer within the 0.5 s deadline" in result.stderr
    assert (f"{slow.host}: 1 thread(s) left for the next run: {slow.host} gave no complete answer within the "
            "0.5 s deadline") in result.stderr
    assert took < 3  # one request given up at half a second, not 162 s
    json_fetch = next(db.query("select * from fetches where url = ?", [f"http://{slow.host}/request/slow_a.json"]))
    assert json_fetch["error"] == "no complete answer within the 0.5 s deadline"
    row = db["requests"].get(stuck)
    assert "0.5 s deadline" in row["last_error"] and row["next_poll_at"] is not None
    assert db["requests"].get(waiting)["next_poll_at"] is None  # due again next run
    assert all(db["requests"].get(request_id)["last_error"] is None for request_id in quick)
    # The quick host was never kept waiting: its threads were done while the slow one trickled.
    assert max(entry.time for entry in site.log) - started < 0.5 + 0.4


def throttling(retry_after: str | None) -> Callable:
    """A fault hook answering every request page and .json with 429 and this Retry-After."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}

    def hook(path: str, query: str, body: bytes) -> Fault | None:
        if path.startswith("/request/"):
            return Fault("http_429", status=429, headers=headers, body=b"<p>Slow down</p>")
        return None
    return hook


def test_a_429_storm_on_one_host_leaves_the_other_at_full_speed(tmp_path, sites) -> None:
    good, storm = sites(), sites(throttling("1"))
    db = open_db(tmp_path / "foi.db")
    good_ids = follow_some(db, good, 8)
    storm_ids = follow_some(db, storm, 4)
    with PoliteClient(allowed_hosts={good.host, storm.host}, host_budget=1.5) as client:
        started = time.time()
        report = polling.poll(db, client, poll_all=True)
        took = time.time() - started
    outcomes = {outcome.request_id: outcome for outcome in report.outcomes}
    assert all(outcomes[request_id].ok for request_id in good_ids)
    assert max(entry.time for entry in good.log) - started < 1.0  # never behind the storm's waits
    assert 1.0 <= took < 1.5 + 1.5  # the storm had its budget, and no more
    assert all(not outcomes[request_id].ok for request_id in storm_ids)
    left = [request_id for request_id in storm_ids if outcomes[request_id].left]
    assert left and report.left_by_site() == {storm.host: (len(left), outcomes[left[0]].left)}
    assert all(db["requests"].get(request_id)["next_poll_at"] is None for request_id in left)  # still due
    assert not any(entry.path.startswith("/request/") for entry in good.log if entry.fault)


def test_a_host_still_throttling_after_every_retry_is_left_alone_for_the_run(tmp_path, sites) -> None:
    """Two threads answering 429 cost 259 s and slowed the run to one request a minute: now the
    first thread fails after its retries and the host is not asked again until the next run."""
    good, storm = sites(), sites(throttling(None))
    db = open_db(tmp_path / "foi.db")
    good_ids = follow_some(db, good, 3)
    first, second = sorted(follow_some(db, storm, 2))  # polled in this order
    with PoliteClient(allowed_hosts={good.host, storm.host}, min_interval=0.2, backoff=0.05, max_backoff=0.2) as client:
        report = polling.poll(db, client, poll_all=True)
    outcomes = {outcome.request_id: outcome for outcome in report.outcomes}
    assert all(outcomes[request_id].ok for request_id in good_ids)
    assert outcomes[first].error.endswith(".json: HTTP 429 Too Many Requests after 3 retries")
    assert outcomes[first].left is None and db["requests"].get(first)["next_poll_at"] is not None
    why = f"{storm.host} went on answering HTTP 429 Too Many Requests after 3 retries"
    assert outcomes[second].left == why and report.left_by_site() == {storm.host: (1, why)}
    assert db["requests"].get(second)["next_poll_at"] is None  # due again next run
    assert len([entry for entry in storm.log if entry.path.startswith("/request/")]) == 4  # one .json, 4 tries


def test_retry_after_beyond_the_maximum_reschedules_instead_of_sleeping(tmp_path, sites) -> None:
    good, away = sites(), sites(throttling("999999"))
    db = open_db(tmp_path / "foi.db")
    good_ids = follow_some(db, good, 3)
    away_ids = follow_some(db, away, 3)
    with PoliteClient(allowed_hosts={good.host, away.host}) as client:
        started = time.time()
        report = polling.poll(db, client, poll_all=True)
        took = time.time() - started
    assert took < 2  # nothing slept
    assert report.succeeded == len(good_ids) and report.failed == 3 and not report.left
    rows = {request_id: db["requests"].get(request_id) for request_id in away_ids}
    [answered] = [request_id for request_id, row in rows.items()
                  if "Retry-After 999999 s is longer than the 120 s limit: retry after" in row["last_error"]]
    expected = datetime.fromtimestamp(started, timezone.utc) + timedelta(seconds=999999)
    assert abs(instant(rows[answered]["next_poll_at"]) - expected) < timedelta(seconds=10)
    fetch = next(db.query("select * from fetches where request_id = ? order by id", [answered]))
    assert fetch["status_code"] == 429 and "Retry-After 999999 s" in fetch["error"]
    for request_id in set(away_ids) - {answered}:  # the host asked to be left alone: not asked again this run
        assert rows[request_id]["next_poll_at"] == rows[answered]["next_poll_at"]
        assert f"not contacted: {away.host} asked to be left alone until" in rows[request_id]["last_error"]
    assert [entry.path for entry in away.log if entry.path.startswith("/request/")] == [
        f"/request/{answered.split('/request/')[1]}.json"
    ]


def slow_answers(delay: float) -> Callable:
    def hook(path: str, query: str, body: bytes) -> None:
        if path.startswith("/request/"):
            time.sleep(delay)
    return hook


def test_a_spent_host_budget_leaves_the_rest_for_the_next_run_and_says_so(tmp_path, sites) -> None:
    good, slow = sites(), sites(slow_answers(0.15))
    db_path = tmp_path / "foi.db"
    db = open_db(db_path)
    good_ids = follow_some(db, good, 3)
    slow_ids = follow_some(db, slow, 6)
    config = tmp_path / "foi-tracker.toml"
    config.write_text("[http]\nhost_budget = 1\n", encoding="utf-8")
    result = run_cli(db_path, config, "poll")
    assert result.exit_code == 0, result.output
    said = re.search(rf"^{re.escape(slow.host)}: (\d+) thread\(s\) left for the next run: the time budget for "
                     rf"{re.escape(slow.host)} \(1 s a run\) is spent$", result.stderr, re.MULTILINE)
    assert said, result.stderr
    due = [row["id"] for row in request_rows(db, slow) if row["next_poll_at"] is None]
    assert 0 < int(said.group(1)) == len(due) < len(slow_ids)
    assert all(db["requests"].get(request_id)["last_error"] is None for request_id in good_ids)
    assert f"polled {len(good_ids) + len(slow_ids) - len(due)} thread(s)" in result.stderr
    config.write_text("[http]\nhost_budget = 60\n", encoding="utf-8")
    again = run_cli(db_path, config, "poll")
    assert f"polled {len(due)} thread(s): {len(due)} ok" in again.stderr, again.stderr
    assert "left for the next run" not in again.stderr


def test_a_50_mb_page_is_refused_unread_and_the_poll_goes_on(tmp_path, sites) -> None:
    site = sites()
    db_path = tmp_path / "foi.db"
    db = open_db(db_path)
    huge, *rest = follow_some(db, site, 4)
    slug = huge.split("/request/")[1]
    site.set_route(f"/request/{slug}", b"<html>" + b" " * (50 * 1024 * 1024) + b"</html>")
    config = tmp_path / "foi-tracker.toml"
    config.write_text("", encoding="utf-8")
    result = run_cli(db_path, config, "poll")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if slug in line]
    assert lines == [f"error: {site.base_url}/request/{slug}?unfold=1: page larger than 20 MiB cap "
                     f"(Content-Length {50 * 1024 * 1024 + 13})"]
    fetch = next(db.query("select * from fetches where url like ? and error is not null", [f"%/{slug}?unfold=1"]))
    assert fetch["error"].startswith("page larger than 20 MiB cap") and fetch["bytes"] is None
    assert "polled 4 thread(s): 3 ok" in result.stderr
    assert all(db["requests"].get(request_id)["last_error"] is None for request_id in rest)


def test_a_50_mb_saved_page_is_refused_in_one_line(tmp_path) -> None:
    page = tmp_path / "huge.html"
    page.write_bytes(b"<html>" + b" " * (50 * 1024 * 1024) + b"</html>")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "foi.db"), "import", str(page)])
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {page}: larger than the 20 MB cap ([http] max_page_mb): not imported"
    ]
    assert open_db(tmp_path / "foi.db")["requests"].count == 0


def test_reading_a_big_page_never_builds_the_whole_tree(tmp_path) -> None:
    """A tree of the whole page costs some twenty times its size; the page is read item by item."""
    page = tmp_path / "page.html"
    url = in_fresh_process("make", page, "4")["said"]
    parsed = in_fresh_process("parse", page, url)
    size_mb = page.stat().st_size / 2**20
    assert parsed["said"].endswith("messages") and int(parsed["said"].split()[0]) > 2000
    tree = in_fresh_process("tree", page, url)
    assert tree["peak_mb"] - tree["before_mb"] > 16 * size_mb, tree  # what reading it as one tree would cost
    assert parsed["peak_mb"] - parsed["before_mb"] < 14 * size_mb, parsed


# --- the settings ----------------------------------------------------------------------------


def test_the_time_limits_are_settings_with_defaults(tmp_path) -> None:
    defaults = HttpConfig()
    assert (defaults.request_deadline, defaults.host_budget, defaults.max_retry_after) == (60.0, 1800.0, 120.0)
    path = tmp_path / "foi-tracker.toml"
    path.write_text("[http]\nrequest_deadline = 15\nhost_budget = 600.5\nmax_retry_after = 30\n", encoding="utf-8")
    config = load_config(path)
    with polite_client(config, open_db(tmp_path / "foi.db")) as client:
        assert (client.request_deadline, client.host_budget, client.max_retry_after) == (15, 600.5, 30)
    with polite_client(Config(), open_db(tmp_path / "foi.db")) as client:
        assert (client.request_deadline, client.host_budget, client.max_retry_after) == (60.0, 1800.0, 120.0)


@pytest.mark.parametrize("setting", [
    "request_deadline = 0", "host_budget = -5", "max_retry_after = \"soon\"", "request_deadline = true",
    "host_budget = [1800]",
])
def test_bad_time_limits_are_refused_in_one_line(tmp_path, setting: str) -> None:
    path = tmp_path / "foi-tracker.toml"
    path.write_text(f"[http]\n{setting}\n", encoding="utf-8")
    key = setting.split()[0]
    with pytest.raises(ConfigError, match=rf"\[http\] {key} must be ") as refused:
        load_config(path)
    assert "\n" not in str(refused.value)
