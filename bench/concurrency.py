"""Many processes, one database: real ``foi-tracker`` processes started together on one file.

Shared by the tests (two trials of each scenario) and ``bench/bench_concurrency.py`` (twenty).
Each scenario starts from a prepared database (copied for every trial), starts its commands at
once as separate processes (``python -m tracker``) against the bundled sample site on 127.0.0.1,
waits for them, runs what must follow (a last ``late`` where the flags must be brought up to
date), and checks that

- every process exited 0,
- the row counts equal those of a single run (the same commands one after another, once),
- nothing was stored or delivered twice: no duplicate message, no request with two standing
  flags of one kind, no flag sent twice (on stdout, or to a webhook on 127.0.0.1 that takes
  ``WEBHOOK_DELAY`` to answer each POST, as a real one does).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from scrapers import alaveteli
from tracker.demo.server import DemoSite

SITE_DAY = date(2026, 11, 20)  # the day the sample site is built for
COUNTED = (
    "sites", "authorities", "users", "requests", "messages", "attachments", "annotations", "status_history",
    "message_exemptions", "follows", "follow_requests", "flags", "notifications", "poll_leases",
)
SCHEDULE_CONFIG = '[schedule]\npoll_on_start = true\n[notify]\nchannels = ["stdout"]\n'
WEBHOOK_CONFIG = '[notify]\nchannels = ["webhook"]\n[notify.webhook]\nurl = "{webhook}"\n'
WEBHOOK_DELAY = 0.02  # seconds the webhook takes to answer each POST
STOP_TIMEOUT = 120.0  # seconds a scenario's processes may take before the trial is failed


@dataclass(frozen=True)
class Scenario:
    """Commands started at once on one database, and the single run they must come to."""

    name: str
    start: str  # the prepared database it starts from: "followed" (nothing polled) or "polled"
    together: tuple[tuple[str, ...], ...]  # commands started at once
    single: tuple[tuple[str, ...], ...]  # the same work, once, one command after another
    after: tuple[tuple[str, ...], ...] = ()  # run when all have exited, in the trial and the single run
    config: str = ""  # foi-tracker.toml for every command
    scheduler: bool = False  # also run `schedule`, stopped with SIGTERM once its poll and check are recorded


LATE = ("late", "--today", "{today}")
SCENARIOS = (
    Scenario("two polls", "followed", together=(("poll",), ("poll",)), single=(("poll",),)),
    Scenario("poll + four lates", "followed", together=(("poll",), LATE, LATE, LATE, LATE),
             single=(("poll",), LATE), after=(LATE,)),
    Scenario("schedule + poll", "followed", together=(("poll",),), single=(("poll",), (*LATE, "--notify")),
             after=((*LATE, "--notify"),), config=SCHEDULE_CONFIG, scheduler=True),
    Scenario("two late --notify", "polled", together=((*LATE, "--notify"), (*LATE, "--notify")),
             single=((*LATE, "--notify"),), config=WEBHOOK_CONFIG),
    Scenario("six lates + two imports", "polled",
             together=(("import", "{pages_a}"), ("import", "{pages_b}"), LATE, LATE, LATE, LATE, LATE, LATE),
             single=(("import", "{pages_a}"), ("import", "{pages_b}"), LATE), after=(LATE,)),
)


@dataclass
class Trial:
    """One run of a scenario."""

    exits: list[int]
    counts: dict[str, int]
    duplicates: Counter
    seconds: float
    errors: list[str] = field(default_factory=list)  # the last stderr line of each process that failed
    skipped: int = 0  # threads a poll skipped because another poll held them

    def ok(self, expected: dict[str, int]) -> bool:
        return all(code == 0 for code in self.exits) and self.counts == expected and not sum(self.duplicates.values())


@dataclass
class ScenarioResult:
    """A scenario's trials, judged against the counts a single run of its work leaves (``expected``)."""

    scenario: Scenario
    expected: dict[str, int]
    trials: list[Trial] = field(default_factory=list)

    @property
    def clean_exits(self) -> int:
        return sum(all(code == 0 for code in trial.exits) for trial in self.trials)

    @property
    def equal_counts(self) -> int:
        return sum(trial.counts == self.expected for trial in self.trials)

    @property
    def duplicates(self) -> int:
        return sum(sum(trial.duplicates.values()) for trial in self.trials)

    @property
    def ok(self) -> bool:
        return all(trial.ok(self.expected) for trial in self.trials)


class Webhook:
    """A webhook on 127.0.0.1 that takes ``WEBHOOK_DELAY`` to answer, counting the flags POSTed to it."""

    def __init__(self) -> None:
        self.flags: Counter = Counter()
        lock, flags = threading.Lock(), self.flags

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                flag = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))["flag_id"]
                time.sleep(WEBHOOK_DELAY)
                with lock:
                    flags[flag] += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Bench:
    """The sample site, the prepared databases and the saved pages the scenarios start from."""

    def __init__(self, folder: Path, *, copies: int = 1, today: date | None = None):
        from tracker.model.times import london_today

        self.folder = folder
        self.today = today or london_today()
        self.site = DemoSite(SITE_DAY, copies=copies).start()
        self.webhook = Webhook()
        self.prepared: dict[str, Path] = {}
        try:
            self._prepare(copies)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.site.stop()
        self.webhook.stop()

    def __enter__(self) -> Bench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self, copies: int) -> None:
        urls = [f"{self.site.base_url}/request/{thread.slug}" for thread in self.site.threads]
        followed = self.folder / "followed.db"
        self._run(followed, ("follow", *urls))
        polled = self.folder / "polled.db"
        _copy(followed, polled)
        self._run(polled, ("poll",))
        self.prepared = {"followed": followed, "polled": polled}
        # Saved pages of another site's threads (another port: another host), in two halves.
        with DemoSite(SITE_DAY, copies=copies) as other, httpx.Client() as client:
            threads = sorted(other.threads, key=lambda thread: thread.slug)
            for half, name in ((threads[::2], "pages_a"), (threads[1::2], "pages_b")):
                folder = self.folder / name
                folder.mkdir()
                for thread in half:
                    url = f"{other.base_url}/request/{thread.slug}"
                    (folder / f"{thread.slug}.html").write_bytes(client.get(alaveteli.page_url(url)).content)
                    reply = client.get(alaveteli.json_url(url))
                    if reply.status_code == 200:
                        (folder / f"{thread.slug}.json").write_bytes(reply.content)

    def _values(self) -> dict[str, str]:
        return {"today": self.today.isoformat(), "pages_a": str(self.folder / "pages_a"),
                "pages_b": str(self.folder / "pages_b"), "webhook": self.webhook.url}

    def command(self, db_path: Path, args: tuple[str, ...], config: Path | None = None) -> list[str]:
        options = ["--config", str(config)] if config else []
        return [sys.executable, "-m", "tracker", "--db", str(db_path), *options,
                *(arg.format(**self._values()) for arg in args)]

    def _run(self, db_path: Path, args: tuple[str, ...], config: Path | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(self.command(db_path, args, config), capture_output=True, text=True, env=_env(),
                              cwd=db_path.parent, timeout=STOP_TIMEOUT)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
        return done

    def single_run(self, scenario: Scenario) -> dict[str, int]:
        """The row counts after the scenario's commands run once, one after another."""
        folder = Path(tempfile.mkdtemp(prefix="single-", dir=self.folder))
        db_path, config = self._start(scenario, folder)
        for args in (*scenario.single, *scenario.after):
            self._run(db_path, args, config)
        counts = _counts(db_path)
        shutil.rmtree(folder)
        return counts

    def _start(self, scenario: Scenario, folder: Path) -> tuple[Path, Path | None]:
        db_path = folder / "foi.db"
        _copy(self.prepared[scenario.start], db_path)
        config = None
        if scenario.config:
            config = folder / "foi-tracker.toml"
            config.write_text(scenario.config.format(**self._values()), encoding="utf-8")
        return db_path, config

    def trial(self, scenario: Scenario) -> Trial:
        """Start the scenario's commands at once on a copy of its database; check what they left."""
        folder = Path(tempfile.mkdtemp(prefix="trial-", dir=self.folder))
        db_path, config = self._start(scenario, folder)
        self.webhook.flags.clear()
        commands = [self.command(db_path, args, config) for args in scenario.together]
        if scenario.scheduler:
            commands.insert(0, self.command(db_path, ("schedule",), config))
        started = time.perf_counter()
        processes = [_spawn(command, folder, n) for n, command in enumerate(commands)]
        exits: list[int] = []
        try:
            if scenario.scheduler:
                _stop_when_recorded(processes[0], db_path, processes[1:])
            exits = [process.wait(timeout=STOP_TIMEOUT) for process in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        seconds = time.perf_counter() - started
        outputs = [(folder / f"{n}.out").read_text(encoding="utf-8") for n in range(len(commands))]
        errors = [(folder / f"{n}.err").read_text(encoding="utf-8").strip().splitlines()[-1:] for n in range(len(commands))]
        for args in scenario.after:
            done = subprocess.run(self.command(db_path, args, config), capture_output=True, text=True, env=_env(),
                                  cwd=folder, timeout=STOP_TIMEOUT)
            exits.append(done.returncode)
            outputs.append(done.stdout)
            errors.append(done.stderr.strip().splitlines()[-1:])
        trial = Trial(
            exits=exits,
            counts=_counts(db_path),
            duplicates=_duplicates(db_path, outputs, self.webhook.flags),
            seconds=seconds,
            errors=[" ".join(lines) for code, lines in zip(exits, errors) if code != 0],
            skipped=sum(_skipped(folder / f"{n}.err") for n in range(len(commands))),
        )
        shutil.rmtree(folder)
        return trial


def run_scenario(bench: Bench, scenario: Scenario, trials: int) -> ScenarioResult:
    result = ScenarioResult(scenario, bench.single_run(scenario))
    result.trials = [bench.trial(scenario) for _ in range(trials)]
    return result


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("FOI_TRACKER_")}


def _spawn(command: list[str], folder: Path, n: int) -> subprocess.Popen:
    with open(folder / f"{n}.out", "wb") as out, open(folder / f"{n}.err", "wb") as err:
        return subprocess.Popen(command, stdout=out, stderr=err, cwd=folder, env=_env())


def _stop_when_recorded(scheduler: subprocess.Popen, db_path: Path, others: list[subprocess.Popen]) -> None:
    """SIGTERM the scheduler once the other processes have exited and its own poll and late
    check are recorded as finished in ``job_runs``."""
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and scheduler.poll() is None:
        if all(process.poll() is not None for process in others) and _finished_jobs(db_path) >= {"poll", "late_check"}:
            break
        time.sleep(0.1)
    if scheduler.poll() is None:
        scheduler.send_signal(signal.SIGTERM)


def _finished_jobs(db_path: Path) -> set[str]:
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)) as connection:
            return {row[0] for row in connection.execute("select job from job_runs where finished_at is not null")}
    except sqlite3.OperationalError:  # not created yet
        return set()


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _counts(db_path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db_path)) as connection:
        return {table: connection.execute(f"select count(*) from [{table}]").fetchone()[0] for table in COUNTED}


def _duplicates(db_path: Path, outputs: list[str], posted: Counter) -> Counter:
    """Messages stored twice, requests with two standing flags of one kind, flags sent twice
    (on stdout, in ``outputs``, or POSTed to the webhook)."""
    with closing(sqlite3.connect(db_path)) as connection:
        messages = connection.execute(
            "select count(*) - count(distinct request_id || direction || coalesce(sent_at, '') || body_text) "
            "from messages").fetchone()[0]
        flags = connection.execute(
            "select coalesce(sum(n - 1), 0) from (select count(*) as n from flags where cleared_on is null "
            "group by request_id, flag)").fetchone()[0]
    printed = Counter(key for output in outputs for key in _stdout_notifications(output))
    return Counter({"messages": messages, "standing flags": flags,
                    "flags sent twice": sum(n - 1 for n in [*printed.values(), *posted.values()])})


def _stdout_notifications(output: str) -> list[tuple[str, str]]:
    """The flags the stdout channel printed: its subject line and the request's URL after it."""
    lines = output.splitlines()
    return [(line, lines[n + 2] if n + 2 < len(lines) else "") for n, line in enumerate(lines)
            if line.startswith("== [foi-tracker] ")]


def _skipped(stderr: Path) -> int:
    """Threads a poll skipped, as the poll command or the scheduler's poll job said."""
    return sum(int(n) for n in re.findall(r"skipped (\d+)", stderr.read_text(encoding="utf-8")))
