"""A plain (not editable) install works from any directory: demo, evaluate and serve.

The wheel is built as ``pip wheel`` builds it for a user, with two differences that keep the test
offline and the checkout clean: it is built from a copy of what the wheel is made of
(``pyproject.toml``, ``README.md`` and the three packages), so no ``build/`` folder is left in
the checkout or leaks stale files into the wheel, and with this environment's setuptools instead
of an isolated build environment, so nothing is downloaded. It is installed with ``--target``
into a folder that goes first on ``PYTHONPATH``, and every command runs as ``python -m tracker``
in an empty directory elsewhere; each checks that the ``tracker`` it runs is the installed one,
not the checkout's editable install.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from datasette.utils import tilde_encode

ROOT = Path(__file__).resolve().parent.parent
WHEEL_SOURCES = ("pyproject.toml", "README.md", "tracker", "scrapers", "schedules")
TODAY = "2026-12-01"


@dataclass
class Installed:
    target: Path  # where the wheel was installed
    cwd: Path  # an empty directory, not the checkout
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=self.cwd, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def tracker(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("-m", "tracker", "--db", "demo.db", *args)


def _pip(*args: str) -> None:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    done = subprocess.run([sys.executable, "-m", "pip", *args, "--no-index", "--quiet"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    source, dist, target, cwd = base / "source", base / "dist", base / "site", base / "elsewhere"
    source.mkdir()
    cwd.mkdir()
    for name in WHEEL_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source))
    wheels = list(dist.glob("foi_tracker-*.whl"))
    assert len(wheels) == 1, wheels
    _pip("install", "--no-deps", "--target", str(target), str(wheels[0]))
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("FOI_TRACKER_DB", None)
    env.pop("FOI_TRACKER_CONFIG", None)
    return Installed(target, cwd, env)


def test_the_installed_packages_run_not_the_checkout(installed: Installed) -> None:
    where = installed.run("-c", "import json, scrapers, schedules, tracker; "
                                "print(json.dumps([m.__file__ for m in (tracker, scrapers, schedules)]))")
    assert where.returncode == 0, where.stderr
    for module_file in json.loads(where.stdout):
        assert Path(module_file).is_relative_to(installed.target), module_file
    shipped = installed.target / "tracker"
    for data in ("web/metadata.yml", "web/templates/row.html", "reading/data/exemptions.csv",
                 "reading/gold/gold.jsonl", "reading/gold/letters/w01_fees_notice_council.txt"):
        assert (shipped / data).is_file(), data
    assert not (installed.target / "tests").exists()


def test_demo_evaluate_and_serve_from_an_unrelated_directory(installed: Installed) -> None:
    demo = installed.tracker("demo", "--no-serve", "--today", TODAY)
    assert demo.returncode == 0, demo.stderr
    assert "51 requests" in demo.stderr
    assert (installed.cwd / "demo.db").is_file()

    evaluate = installed.tracker("evaluate")
    assert evaluate.returncode == 0, evaluate.stderr
    lines = evaluate.stdout.splitlines()
    gold = lines.index("== gold: the gold set: 2019 pages, seed letters, published phrasings, e-mail fixtures, written letters")
    assert lines[gold + 1].startswith("Gold set: 92 labelled messages (written 92); 15 threads (written 15)")
    assert lines[gold + 2].startswith("skipped 52 items (email_fixture 19, phrasings 18, real_page 10, seed 5)")
    assert "skipped 4 items (real_thread 4)" in evaluate.stdout  # the tuned labels files, without their threads
    assert "kind accuracy:" in evaluate.stdout

    with_fixtures = installed.tracker("evaluate", "--fixtures", str(ROOT / "tests" / "fixtures"), "--json")
    assert with_fixtures.returncode == 0, with_fixtures.stderr
    figures = json.loads(with_fixtures.stdout)
    assert figures["gold"]["messages"] == 181 and figures["gold"]["skipped"] is None
    held_out = figures["real_held_out"]
    assert held_out["messages"] == held_out["messages_by_origin"]["real_thread"] >= 60 and held_out["threads"] >= 20

    _serves_the_demo_database(installed)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serves_the_demo_database(installed: Installed) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "tracker", "--db", "demo.db", "serve", "--port", str(port)],
                              cwd=installed.cwd, env=installed.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                home = httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.2)
        assert home.status_code == 200 and "foi-tracker" in home.text
        dashboard = httpx.get(base + "/-/dashboards/foi", timeout=10)
        assert dashboard.status_code == 200
        request_id = _first_request_id(installed.cwd / "demo.db")
        page = httpx.get(f"{base}/demo/requests/{tilde_encode(request_id)}", timeout=10, follow_redirects=True)
        assert page.status_code == 200
        assert 'class="foi-thread"' in page.text and "foi-deadline" in page.text  # the packaged template
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


def _first_request_id(db_path: Path) -> str:
    import sqlite3

    with sqlite3.connect(db_path) as db:
        return db.execute("select id from requests order by id limit 1").fetchone()[0]
