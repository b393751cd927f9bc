"""End to end on the demo site: scrape over loopback, `late --today D --notify` against a real SMTP
server and a real webhook receiver, run again, then a response arrives and the flag is cleared."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

from tracker import deadlines
from tracker.ingest import poll as polling
from tracker.ingest.follow import follow_listings
from tracker.cli import cli
from tracker.cli.deadlines import COMMANDS
from tracker.model.config import load_config
from tracker.cli.context import Context
from tracker.store.db import save_thread
from tracker.demo import demo_site, render
from tracker.model.taxonomy import CLOSED_STATES, INACTIVE_STATES
from tracker.model import INCOMING, Message, Thread
from tracker.model.times import LONDON

TODAY = date(2026, 11, 20)
for command in COMMANDS:  # the lead registers them in tracker.cli; harmless if already there
    if command.name not in cli.commands:
        cli.add_command(command)


def ensure_classified(db, threads: list[Thread], today: date) -> None:
    """Until classification is wired into the pipeline, give the scraped threads their true labels
    (the demo site's own) and their deadlines, as the pipeline will."""
    for thread in threads:
        unlabelled = db.execute("select count(*) from messages where request_id = ? and kind is null", [thread.id])
        if unlabelled.fetchone()[0]:
            save_thread(db, deadlines.apply(thread, today))


def expected_flags(threads: list[Thread], today: date) -> set[tuple[str, str]]:
    """The flags of the demo corpus on ``today``, worked out thread by thread."""
    wanted = set()
    for thread in threads:
        columns = deadlines.compute(thread, today)
        status = thread.status or thread.site_status or ""
        if columns["first_response_at"] is None and status not in CLOSED_STATES:
            for flag, column in (("late", "due_date"), ("very_late", "very_overdue_date")):
                if columns[column] and date.fromisoformat(columns[column]) < today:
                    wanted.add((thread.id, flag))
        if columns["review_requested_at"] and not columns["review_responded_at"] and status not in INACTIVE_STATES:
            review_due = date.fromisoformat(columns["review_due_date"])
            regime = deadlines.regime_for(thread)
            if review_due < today:
                wanted.add((thread.id, "review_late"))
            if deadlines.review_long_stop_date(regime, review_due) < today:
                wanted.add((thread.id, "review_very_late"))
    return wanted


def run(db_path: Path, config_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), "--config", str(config_path), *args],
                              catch_exceptions=False)


def test_late_notify_on_the_demo_site_end_to_end(tmp_path, smtp, webhook):
    config_path = tmp_path / "foi-tracker.toml"
    config_path.write_text(
        '[notify]\nchannels = ["email", "webhook"]\n'
        f'[notify.email]\nhost = "127.0.0.1"\nport = {smtp.port}\nfrom = "bot@example.org"\nto = "me@example.org"\n'
        f'[notify.webhook]\nurl = "{webhook.url}"\ntimeout = 5\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "demo.db"
    with demo_site(TODAY) as site:
        context = Context(str(db_path), load_config(config_path))
        db = context.db
        with context.client(extra_hosts={site.host}) as client:
            bodies = sorted({f"{site.base_url}/body/{t.authority.url_name}" for t in site.threads if t.authority})
            follow_listings(db, client, bodies)
            report = polling.poll(db, client, now=datetime.now(timezone.utc))
        assert report.succeeded == len(site.threads) == 51
        ensure_classified(db, site.threads, TODAY)

        wanted = expected_flags(site.threads, TODAY)
        assert {flag for _, flag in wanted} == {"late", "very_late", "review_late", "review_very_late"}

        first = run(db_path, config_path, "late", "--today", TODAY.isoformat(), "--notify")
        assert first.exit_code == 0, first.output
        flags = {(row["request_id"], row["flag"]) for row in db.query("select * from flags")}
        assert flags == wanted
        assert f"{len(wanted)} new flag(s)" in first.stdout
        assert f"notified {len(wanted)} new flag(s) on email, webhook" in first.stderr
        assert len(smtp.messages) == len(wanted) == len(webhook.posts)
        assert {(p["request_id"], p["flag"]) for p in webhook.posts} == wanted
        assert len({m["Subject"] for m in smtp.messages}) == len(wanted)

        second = run(db_path, config_path, "late", "--today", TODAY.isoformat(), "--notify")
        assert second.exit_code == 0, second.output
        assert "0 new flag(s), 0 cleared" in second.stdout
        assert len(smtp.messages) == len(wanted) == len(webhook.posts)

        # A response arrives on the site for a request flagged late.
        request_id = sorted(r for r, flag in wanted if flag == "late")[0]
        thread = next(t for t in site.threads if t.id == request_id)
        number = 1_600_000
        answer_at = datetime.combine(TODAY, time(9, 30), LONDON)
        thread.messages.append(Message(
            id=f"{site.host}/incoming-{number}", direction=INCOMING, sent_at=answer_at.isoformat(),
            author=thread.authority.name, subject=f"RE: {thread.title}",
            body_text="Dear requester,\n\nPlease find attached the information you asked for.\n\nInformation Governance",
            event_type="response", kind="response", outcome="successful",
        ))
        thread.site_status, thread.due_date = "waiting_classification", None
        site.set_route(f"/request/{thread.slug}", render.render_request_page(
            thread, site.base_url, unfold=True, markup=site.markup[thread.slug], today=TODAY))
        if thread.slug not in site.without_json:
            site.set_route(f"/request/{thread.slug}.json", render.render_request_json(thread, site.base_url),
                           content_type="application/json; charset=utf-8")
        with context.client(extra_hosts={site.host}) as client:
            row = next(db.query("select id, url, status from requests where id = ?", [request_id]))
            outcome = polling.poll_request(db, client, row, datetime.now(timezone.utc))
        assert outcome.ok and outcome.new_messages == 1
        ensure_classified(db, [thread], TODAY + timedelta(days=1))
        assert db["requests"].get(request_id)["first_response_at"] == answer_at.isoformat()

        third = run(db_path, config_path, "late", "--today", (TODAY + timedelta(days=1)).isoformat(), "--notify")
        assert third.exit_code == 0, third.output
        cleared = {(row["request_id"], row["flag"], row["cleared_on"])
                   for row in db.query("select * from flags where cleared_on is not null")}
        assert cleared == {(request_id, flag, (TODAY + timedelta(days=1)).isoformat())
                           for r, flag in wanted if r == request_id}
        assert f"{len(cleared)} cleared" in third.stdout
        assert len(smtp.messages) == len(wanted) == len(webhook.posts)  # nothing new to send
        assert db["flags"].count == len(wanted)  # history kept
