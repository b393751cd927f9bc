"""Real browser tests: Debian's Chromium, driven by Playwright, against `foi-tracker serve`.

The server is a subprocess on 127.0.0.1 and a free port, over a demo database filled like the
in-process tests' (``filled_demo_db`` in tests/conftest.py). Screenshots go to test-artifacts/ at
the repo root.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from datasette.utils import tilde_encode

from tracker.model.times import london_day
from tracker.store.db import open_db
from tracker.deadlines import calendar_for

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
CHARTS = ("requests-by-status", "response-time-distribution", "on-time-share", "flags-per-week", "exemptions-cited")


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def served(request, free_port) -> Iterator[tuple[str, Path]]:
    """(base URL, database path) of a running `foi-tracker serve` over a filled demo database."""
    _require_chromium()
    path = request.getfixturevalue("filled_demo_db")  # built only once Chromium is known to be there
    port = free_port()
    log = (path.parent / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(path), "serve", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("foi-tracker serve did not start: " + (path.parent / "serve.log").read_text())
        yield base, path
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    return target


def one(db_path: Path, sql: str, params: list | None = None):
    db = open_db(db_path)
    try:
        return db.execute(sql, params or []).fetchall()
    finally:
        db.close()


def _listening(port: int) -> list[str]:
    """The local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def test_serve_binds_loopback_only(served):
    base, _ = served
    port = int(base.rsplit(":", 1)[1])
    assert _listening(port) == ["0100007F"]  # 127.0.0.1, and nothing on other interfaces or IPv6


def test_dashboard_draws_its_charts(served, page):
    base, db_path = served
    answered = {}

    def on_response(response):
        if ".json?sql=" in response.url and response.status == 200:
            answered[response.url] = len(response.json()["rows"])

    page.on("response", on_response)
    page.goto(f"{base}/-/dashboards/foi")
    for chart in CHARTS:
        page.wait_for_selector(f"#chart-{chart} canvas, #chart-{chart} svg.marks", timeout=15_000)
    size = page.evaluate("""(charts) => charts.map(c => {
        const el = document.querySelector(`#chart-${c} canvas, #chart-${c} svg.marks`);
        return [c, el.getBoundingClientRect().width, el.getBoundingClientRect().height];
    })""", list(CHARTS))
    assert all(width > 150 and height > 50 for _, width, height in size), size
    assert len(answered) == len(CHARTS) and all(count > 0 for count in answered.values()), answered
    statuses = one(db_path, "select count(distinct status) from requests")[0][0]
    assert statuses in answered.values()
    shoot(page, "dashboard")
    assert page.dialogs == []


def test_thread_page_shows_its_messages_in_order_with_the_deadline_line(served, page):
    base, db_path = served
    request_id, due, answered, regime = one(db_path, """select r.id, r.due_date, r.first_response_at, r.regime
        from requests r where r.answered_on_time = 0
        and (select count(*) from messages m where m.request_id = r.id) >= 4 order by r.id limit 1""")[0]
    page.goto(f"{base}/{db_path.stem}/requests/{tilde_encode(request_id)}")
    shown = page.eval_on_selector_all(".foi-item[data-item-id]", "items => items.map(i => i.dataset.itemId)")
    stored = [row[0] for row in one(db_path, "select id from messages where request_id = ? order by position",
                                     [request_id])]
    assert [item for item in shown if item in stored] == stored
    times = page.eval_on_selector_all(".foi-item--incoming time, .foi-item--outgoing time",
                                      "ts => ts.map(t => t.getAttribute('datetime'))")
    assert len(times) == len(stored)
    line = page.locator(".foi-deadline")
    assert line.is_visible()
    assert line.get_attribute("data-state") == "late"
    late = calendar_for(regime).working_days_between(date.fromisoformat(due), london_day(answered))
    assert line.locator("[data-step=verdict] strong").inner_text() == (
        f"answered {late} working day{'' if late == 1 else 's'} late")
    assert line.locator("[data-step=due] time").get_attribute("datetime") == due
    steps = line.locator("li").evaluate_all("items => items.map(i => i.dataset.step)")
    assert steps == ["sent", "due", "long_overdue", "answered", "verdict"]
    shoot(page, "thread-page")
    assert page.dialogs == []


def test_quoted_text_is_folded_until_asked_for(served, page):
    base, db_path = served
    request_id = one(db_path, "select request_id from messages where body_text like '%-----Original Message-----%' "
                              "order by id limit 1")[0][0]
    page.goto(f"{base}/{db_path.stem}/requests/{tilde_encode(request_id)}")
    folded = page.locator("details.foi-quoted").first
    assert not folded.locator(".foi-text").is_visible()
    folded.locator("summary").click()
    assert folded.locator(".foi-text").is_visible()
    shoot(page, "thread-page-unfolded")


def test_full_text_search_finds_a_phrase_from_a_letter(served, page):
    base, db_path = served
    message_id = one(db_path, "select id from messages where body_text like '%lessons learned summary%'")[0][0]
    page.goto(f"{base}/{db_path.stem}/search_correspondence")
    page.fill("input[name=q]", '"lessons learned summary"')
    page.locator("form.sql input[type=submit], form.sql button[type=submit]").first.click()
    page.wait_for_selector("table.rows-and-columns")
    table = page.locator("table.rows-and-columns")
    assert table.locator("tbody tr").count() == 1
    assert message_id in table.inner_text()
    assert "[lessons learned summary]" in table.inner_text()
    shoot(page, "search")
    page.goto(f"{base}/{db_path.stem}/messages")
    page.fill("input[name=_search]", "lessons learned summary")
    page.locator("form.filters input[type=submit]").first.click()
    page.wait_for_selector("table.rows-and-columns")
    assert "1 row where search matches" in page.inner_text("body")


def test_letters_with_script_payloads_execute_nothing(served, page):
    base, db_path = served
    name = db_path.stem
    payload_request = one(db_path, "select id from requests where id like '%/request/payload_thread'")[0][0]
    demo_request = one(db_path, "select request_id from messages where body_text like '%<script>alert(\"x\")</script>%'")[0][0]
    urls = [
        f"{base}/{name}/requests/{tilde_encode(payload_request)}",
        f"{base}/{name}/requests/{tilde_encode(demo_request)}",
        f"{base}/{name}/messages?request_id={tilde_encode(payload_request)}",
        f"{base}/{name}/messages?request_id={tilde_encode(demo_request)}",
        f"{base}/{name}/thread_timeline?request_id={tilde_encode(payload_request)}",
        f"{base}/{name}/search_correspondence?q=quokka",
        f"{base}/{name}/requests?_search=payload",
        f"{base}/{name}/attachments?message_id__contains=999999",
    ]
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        for summary in page.locator("details.foi-quoted summary").all():
            summary.click()
        for link in page.locator("a.foi-attachment, .foi-attachments a").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert page.evaluate("typeof window.__xss_title") == "undefined", url
    page.goto(urls[0])
    text = page.inner_text(".foi-thread")
    assert "<script>window.__xss = 1; alert('stored')</script>" in text
    assert '<img src="x" onerror="window.__xss = 2">' in text
    assert page.locator(".foi-thread script, .foi-thread img, .foi-thread svg").count() == 0
    shoot(page, "xss-payload-thread")
    page.goto(urls[1])
    assert '<script>alert("x")</script>' in page.inner_text(".foi-thread")
    shoot(page, "xss-demo-letter")
    assert page.dialogs == []


def test_file_names_cannot_pose_as_another_type_or_widen_the_page(served, page):
    base, db_path = served
    request_id = one(db_path, "select id from requests where id like '%/request/payload_thread'")[0][0]
    long_name = one(db_path, "select filename from attachments where length(filename) > 5000")[0][0]
    page.goto(f"{base}/{db_path.stem}/requests/{tilde_encode(request_id)}")
    names = page.locator(".foi-attachment bdi").all_inner_texts()
    assert "invoice[U+202E]fdp.exe" in names  # the override is shown, not obeyed: no "invoiceexe.pdf"
    assert not any("\u202e" in shown for shown in names)
    assert long_name in names
    viewport = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    widest = page.locator(".foi-attachment").evaluate_all("items => Math.max(...items.map(i => i.scrollWidth))")
    assert widest <= viewport
    page.locator(".foi-attachments").first.scroll_into_view_if_needed()
    shoot(page, "thread-page-file-names")
    assert page.dialogs == []
