"""The ``foi-tracker`` command."""

from __future__ import annotations

import sys
from datetime import datetime, time
from pathlib import Path

import click

from tracker.ingest import follow as following
from tracker.ingest import offline
from tracker.ingest import poll as polling
from scrapers.mailbox import looks_like_email
from tracker.ingest import authorities as authorities_module
from tracker.ingest import mail as email_import
from tracker.bot import late
from tracker.web import publish
from tracker.model.config import ConfigError, load_config
from tracker.cli.deadlines import COMMANDS as DEADLINE_COMMANDS
from tracker.cli.reading import classify_command, evaluate_command
from tracker.cli.context import Context, pass_context
from tracker.model import base_url_for, site_id_for, times
from tracker.model.times import london_time, london_today, utc_now


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    default="foi.db",
    envvar="FOI_TRACKER_DB",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite database file (or set FOI_TRACKER_DB).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: ./foi-tracker.toml if present, or FOI_TRACKER_CONFIG).",
)
@click.version_option(package_name="foi-tracker")
@click.pass_context
def cli(ctx: click.Context, db_path: str, config_path: str | None) -> None:
    """Track Freedom of Information requests on WhatDoTheyKnow and other Alaveteli sites.

    Follow request threads, poll them politely, store every message in SQLite and browse
    them with Datasette.
    """
    try:
        config = load_config(config_path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    ctx.obj = Context(db_path, config)


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@pass_context
def follow(context: Context, urls: tuple[str, ...]) -> None:
    """Track request threads, or every request on a /user/ or /body/ page.

    Works on any Alaveteli site. Example:
    foi-tracker follow https://www.whatdotheyknow.com/request/some_request
    """
    added, failed = 0, 0
    for url in urls:
        try:
            if following.is_listing_url(url):
                with context.client(extra_hosts={site_id_for(url)}) as client:
                    added += len(following.follow_listings(context.db, client, [url]))
            else:
                added += len(following.follow(context.db, [url]))
        except following.FollowError as error:
            click.echo(f"error: {error}", err=True)
            failed += 1
    click.echo(f"following {added} request(s); run 'foi-tracker poll' to fetch them", err=True)
    if failed and not added:
        sys.exit(1)


@cli.command()
@click.option("--all", "poll_all", is_flag=True, help="Poll every followed thread now, not only those due.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Poll at most this many threads this run (sites take turns). Default: [poll] max_threads in the config.",
)
@pass_context
def poll(context: Context, poll_all: bool, limit: int | None) -> None:
    """Fetch what is due now: changed threads are parsed and saved.

    The feeds of followed /user/, /body/ and search pages say which threads changed; each due
    thread's .json is checked before its page, and both use conditional GET, so an unchanged
    thread costs a 304 and no page. Exits 1 only when nothing at all could be fetched.
    """
    db = context.db
    now = utc_now()
    limit = limit or context.config.poll.max_threads
    with context.client() as client:
        feeds = polling.FeedCheck() if poll_all else polling.check_feeds(db, client, now)
        for line in feeds.errors:
            click.echo(f"error: {line}", err=True)
        due = polling.due_requests(db, now, poll_all=poll_all, limit=limit)
        if not due:
            _print_feed_summary(feeds)
            click.echo("nothing is due (use --all to poll every followed thread now)", err=True)
            return
        report = _poll_with_progress(db, client, due, now)
    report.feeds = feeds
    _print_poll_summary(report)
    if report.attempted and not report.succeeded:
        sys.exit(1)


def _poll_with_progress(db, client, due: list[dict], now: datetime) -> polling.PollReport:
    errors: list[str] = []
    on_terminal = sys.stderr.isatty()

    def on_outcome(outcome: polling.PollOutcome) -> None:
        if outcome.error:
            if on_terminal:
                errors.append(outcome.error)
            else:
                click.echo(f"error: {outcome.error}", err=True)

    if on_terminal:
        with click.progressbar(length=len(due), label="polling", file=sys.stderr) as bar:
            def advance(outcome: polling.PollOutcome) -> None:
                on_outcome(outcome)
                bar.update(1)
            report = polling.poll(db, client, now=now, requests=due, on_outcome=advance)
        for line in errors:
            click.echo(f"error: {line}", err=True)
    else:
        report = polling.poll(db, client, now=now, requests=due, on_outcome=on_outcome)
    return report


def _print_feed_summary(feeds: polling.FeedCheck) -> None:
    if feeds.feeds:
        failed = f", {len(feeds.errors)} failed" if feeds.errors else ""
        click.echo(
            f"checked {feeds.feeds} feed(s): {feeds.woken} thread(s) woken, {feeds.followed} new followed{failed}",
            err=True,
        )


def _print_poll_summary(report: polling.PollReport) -> None:
    _print_feed_summary(report.feeds)
    click.echo(
        f"polled {report.attempted} thread(s): {report.succeeded} ok "
        f"({report.changed} changed, {report.unchanged} unchanged, {report.new_messages} new messages), "
        f"{report.failed} failed",
        err=True,
    )


PAGE_SUFFIXES = {".html", ".htm"}
MAIL_SUFFIXES = {".eml", ".mbox"}


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The request URL, for a saved page or .json that does not name itself.")
@click.option("--me", "me", multiple=True, help="Your own e-mail address (repeatable): tells your messages from theirs.")
@pass_context
def import_(context: Context, paths: tuple[Path, ...], url: str | None, me: tuple[str, ...]) -> None:
    """Import offline copies: saved pages (.html, .json) and e-mail (.eml, mbox, Maildir).

    Works for sites that block programs. A .json beside a page (same name) is joined with it;
    a .json alone is joined with the page already stored for that request. E-mails are matched
    to requests by the site's request address or their subject; others become threads of their
    own. Directories are searched for pages and e-mails; a Maildir is read as one.
    """
    pages, mail, unknown = _sort_paths(paths)
    imported, failed = 0, len(unknown)
    for path in unknown:
        click.echo(f"error: {path}: not a saved page, .json or e-mail (expected .html, .json, .eml, mbox, Maildir)", err=True)
    for path in pages:
        try:
            if path.suffix.lower() == ".json":
                result = offline.import_saved_json(context.db, path, url=url)
            else:
                result = offline.import_saved_page(context.db, path, url=url)
        except OSError as error:
            click.echo(f"error: {path}: {error.strerror or error}", err=True)
            failed += 1
            continue
        except ValueError as error:
            click.echo(f"error: {path}: {error}", err=True)
            failed += 1
            continue
        imported += 1
        click.echo(f"{path}: {result.request_id} ({len(result.new_messages)} new messages)", err=True)
    if mail:
        addresses = [*me, *context.config.email.me]
        report = email_import.import_mail(context.db, mail, me=addresses)
        for line in report.errors:
            click.echo(f"error: {line}", err=True)
        for line in report.notes:
            click.echo(f"note: {line}", err=True)
        click.echo(
            f"e-mail: {report.imported} imported into {len(report.threads)} thread(s), "
            f"{report.on_page_already} already on the request page, {report.already_stored} already imported, "
            f"{len(report.errors)} failed",
            err=True,
        )
        imported += report.imported + report.on_page_already + report.already_stored
        failed += len(report.errors)
    click.echo(f"imported {imported} item(s), {failed} failed", err=True)
    if failed and not imported:
        sys.exit(1)


def _sort_paths(paths: tuple[Path, ...]) -> tuple[list[Path], list[Path], list[Path]]:
    """Saved pages (and .json), mail stores, and paths that are neither."""
    pages: list[Path] = []
    mail: list[Path] = []
    unknown: list[Path] = []
    for path in paths:
        if path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            mail.append(path)
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                suffix = child.suffix.lower()
                if suffix in PAGE_SUFFIXES:
                    pages.append(child)
                elif suffix in MAIL_SUFFIXES:
                    mail.append(child)
        elif path.suffix.lower() in PAGE_SUFFIXES | {".json"} or not path.exists():
            pages.append(path)
        elif path.suffix.lower() in MAIL_SUFFIXES or _starts_like_mail(path):
            mail.append(path)
        else:
            unknown.append(path)
    return pages, mail, unknown


def _starts_like_mail(path: Path) -> bool:
    """An mbox without the suffix, or an e-mail saved under another name."""
    try:
        with path.open("rb") as handle:
            return looks_like_email(handle.read(4096))
    except OSError:
        return False


@cli.group()
def authorities() -> None:
    """Public authorities: names, tags and legal regime (Scottish bodies FOISA, schools)."""


@authorities.command("import")
@click.argument("source", required=False)
@click.option("--site", "site_url", help="The site a local CSV belongs to, e.g. https://www.whatdotheyknow.com.")
@pass_context
def authorities_import(context: Context, source: str | None, site_url: str | None) -> None:
    """Import all-authorities.csv: a local file (with --site), a site's URL, or every followed site.

    Without SOURCE, each followed site's /body/all-authorities.csv is fetched (conditional GET).
    Also accepts mySociety's enriched authorities dataset (url-name, pipe-separated tags).
    """
    db = context.db
    try:
        if source and not source.startswith(("http://", "https://")):
            if not site_url:
                raise click.UsageError("a local CSV needs --site (the site it lists the bodies of)")
            content = Path(source).read_bytes()
            site_id, base = site_id_for(site_url), base_url_for(site_url)
            count = authorities_module.import_authorities_csv(db, content, site_id, base)
            click.echo(f"{source}: {count} authorities for {site_id}", err=True)
            return
        if source:
            with db.atomic():
                db["sites"].insert({"id": site_id_for(source), "base_url": base_url_for(source), "regime": "foia"}, ignore=True)
        with context.client(extra_hosts={site_id_for(source)} if source else set()) as client:
            result = authorities_module.refresh(db, client)
    except OSError as error:
        raise click.ClickException(f"{source}: {error.strerror or error}") from None
    except authorities_module.AuthoritiesCsvError as error:
        raise click.ClickException(f"{source}: {error}") from None
    if not (result.errors or result.imported or result.unchanged):
        raise click.ClickException("no site is followed yet: follow a request first, or give a CSV with --site")
    for line in result.errors:
        click.echo(f"error: {line}", err=True)
    for site_id, count in sorted(result.imported.items()):
        click.echo(f"{site_id}: {count} authorities", err=True)
    for site_id in result.unchanged:
        click.echo(f"{site_id}: unchanged since the last import", err=True)
    if result.errors and not (result.imported or result.unchanged):
        sys.exit(1)


@cli.command()
@pass_context
def reparse(context: Context) -> None:
    """Rebuild parsed data from the stored raw fetches, without fetching anything."""
    rebuilt, problems = offline.reparse(context.db)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"reparsed {rebuilt} thread(s), {len(problems)} failed", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; 0.0.0.0 to publish.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--public", is_flag=True, help="Let search engines index the pages (robots are blocked otherwise).")
@pass_context
def serve(context: Context, host: str, port: int, public: bool) -> None:
    """Browse the database with Datasette (read-only), with metadata.yml."""
    if not Path(context.db_path).exists():
        raise click.ClickException(f"{context.db_path}: no such database; run 'foi-tracker follow' and 'poll' first")
    context.db  # create or migrate the schema before Datasette opens it read-only
    publish.serve(context.db_path, host, port, public=public)


@cli.command()
@click.option("--no-serve", is_flag=True, help="Build the database and stop, without serving it.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Datasette port.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Pretend it is noon in London on this day: the same day gives the same database.")
@pass_context
def demo(context: Context, no_serve: bool, port: int, today: datetime | None) -> None:
    """Scrape the bundled sample Alaveteli site over loopback HTTP, run the late check, serve it.

    The sample site is http://alaveteli.localhost, served on 127.0.0.1 (any free port); it is
    followed through its authority pages and polled with the real scraper, exactly like a public
    site (loopback hosts are not throttled). The clock stands still while the database is built,
    so that two runs with the same --today give the same tables.
    """
    with times.frozen(london_time(today.date(), time(12)) if today else utc_now()) as clock:
        _build_demo(context, clock)
    if not no_serve:
        click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
        publish.serve(context.db_path, "127.0.0.1", port)


def _build_demo(context: Context, clock: times.FrozenClock) -> None:
    from tracker.demo import DEMO_SITE_NAME, demo_site

    day = london_today()
    with demo_site(day, name=DEMO_SITE_NAME) as site:
        db = context.db
        with context.client(extra_hosts={site.host}, connect_to={site.host: site.address}) as client:
            body_pages = sorted({f"{site.base_url}/body/{t.authority.url_name}" for t in site.threads if t.authority})
            followed = following.follow_listings(db, client, body_pages)
            click.echo(f"sample site {site.base_url} at {site.address}: following {len(followed)} requests", err=True)
            now = clock.step()
            report = _poll_with_progress(db, client, polling.due_requests(db, now), now)
    _print_poll_summary(report)
    if report.attempted and not report.succeeded:
        sys.exit(1)
    checked = late.check(db, day)
    click.echo(
        f"late check for {day}: {len(checked.raised)} flag(s) raised, {checked.open_total} standing "
        f"({', '.join(f'{n} {flag}' for flag, n in sorted(checked.open_counts.items())) or 'none'})",
        err=True,
    )
    counts = {table: db[table].count for table in ("requests", "messages", "attachments", "annotations")}
    click.echo(", ".join(f"{count} {table}" for table, count in counts.items()) + f" in {context.db_path}", err=True)


for command in (*DEADLINE_COMMANDS, classify_command, evaluate_command):
    cli.add_command(command)


def main() -> None:  # pragma: no cover - console entry point
    cli()
