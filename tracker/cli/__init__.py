"""The ``foi-tracker`` command."""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path

import click
from click.core import ParameterSource

from tracker.ingest import follow as following
from tracker.ingest import offline
from tracker.ingest import poll as polling
from tracker.ingest import authorities as authorities_module
from tracker.web import publish
from tracker.model.config import ConfigError, load_config
from tracker.cli.deadlines import COMMANDS as DEADLINE_COMMANDS
from tracker.cli.reading import classify_command, evaluate_command
from tracker.cli.context import BadUsage, Commands, Context, database_command
from tracker.model import site_id_for, times
from tracker.model.times import london_time, london_today, utc_now


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
        raise BadUsage(str(error)) from None
    ctx.obj = Context(db_path, config, db_given=ctx.get_parameter_source("db_path") is ParameterSource.COMMANDLINE)


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@database_command(existing=False)
def follow(context: Context, urls: tuple[str, ...]) -> None:
    """Track request threads, or every request on a /user/ or /body/ page.

    Works on any Alaveteli site. Example:
    foi-tracker follow https://www.whatdotheyknow.com/request/some_request
    """
    with context.client() as client:
        result = following.follow_urls(context.db, client, urls)
    for line in result.errors:
        click.echo(f"error: {line}", err=True)
    click.echo(f"following {len(result.request_ids)} request(s); run 'foi-tracker poll' to fetch them", err=True)
    if result.errors and not result.request_ids:
        sys.exit(1)


@cli.command()
@click.option("--all", "poll_all", is_flag=True, help="Poll every followed thread now, not only those due.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Poll at most this many threads this run (sites take turns). Default: [poll] max_threads in the config.",
)
@database_command(existing=True)
def poll(context: Context, poll_all: bool, limit: int | None) -> None:
    """Fetch what is due now: changed threads are parsed and saved.

    The feeds of followed /user/, /body/ and search pages say which threads changed; each due
    thread's .json is checked before its page, and both use conditional GET, so an unchanged
    thread costs a 304 and no page. Each site is read on its own, within [http] host_budget
    seconds a run: the threads a site had no time left for (or that it went on throttling) wait
    for the next run. A poll started while another runs skips the threads the other is polling,
    and says how many. Exits 1 only when nothing at all could be fetched.
    """
    with context.client() as client, PollProgress() as progress:
        report = polling.poll(
            context.db, client, poll_all=poll_all, limit=limit or context.config.poll.max_threads,
            on_feeds=_print_feed_errors, on_due=progress.start, on_outcome=progress.advance,
        )
    if not report.attempted and not report.left:
        _print_feed_summary(report.feeds)
        _print_skipped(report)
        if not report.skipped:
            click.echo("nothing is due (use --all to poll every followed thread now)", err=True)
        return
    _print_poll_summary(report)
    _print_skipped(report)
    if not report.succeeded:
        sys.exit(1)


class PollProgress:
    """Polling as it goes, on stderr: a bar on a terminal (its errors listed after it), else a
    line per error as it happens."""

    def __init__(self) -> None:
        self.on_terminal = sys.stderr.isatty()
        self.bar = None
        self.errors: list[str] = []

    def __enter__(self) -> PollProgress:
        return self

    def start(self, due: list[dict]) -> None:
        if self.on_terminal and due:
            self.bar = click.progressbar(length=len(due), label="polling", file=sys.stderr)
            self.bar.__enter__()

    def advance(self, outcome: polling.PollOutcome) -> None:
        if outcome.error and outcome.left is None:  # threads left for the next run are summed up per site
            if self.on_terminal:
                self.errors.append(outcome.error)
            else:
                click.echo(f"error: {outcome.error}", err=True)
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)
        for line in self.errors:
            click.echo(f"error: {line}", err=True)


def _print_feed_errors(feeds: polling.FeedCheck) -> None:
    for line in feeds.errors:
        click.echo(f"error: {line}", err=True)


def _print_feed_summary(feeds: polling.FeedCheck) -> None:
    if feeds.feeds:
        failed = f", {len(feeds.errors)} failed" if feeds.errors else ""
        click.echo(
            f"checked {feeds.feeds} feed(s): {feeds.woken} thread(s) woken, {feeds.followed} new followed{failed}",
            err=True,
        )


def _print_skipped(report: polling.PollReport) -> None:
    if report.skipped:
        click.echo(f"skipped {report.skipped} due thread(s) that another poll is polling", err=True)


def _print_poll_summary(report: polling.PollReport) -> None:
    _print_feed_summary(report.feeds)
    click.echo(
        f"polled {report.attempted} thread(s): {report.succeeded} ok "
        f"({report.changed} changed, {report.unchanged} unchanged, {report.new_messages} new messages), "
        f"{report.failed} failed",
        err=True,
    )
    for site, (left, why) in sorted(report.left_by_site().items()):
        click.echo(f"{site}: {left} thread(s) left for the next run: {why}", err=True)


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The request URL, for a saved page or .json that does not name itself.")
@click.option("--me", "me", multiple=True, help="Your own e-mail address (repeatable): tells your messages from theirs.")
@database_command(existing=False)
def import_(context: Context, paths: tuple[Path, ...], url: str | None, me: tuple[str, ...]) -> None:
    """Import offline copies: saved pages (.html, .json) and e-mail (.eml, mbox, Maildir).

    Works for sites that block programs. A .json beside a page (same name) is joined with it;
    a .json alone is joined with the page already stored for that request. E-mails are matched
    to requests by the site's request address or their subject; others become threads of their
    own. Directories are searched for pages and e-mails; a Maildir is read as one.

    An import never adds a site to what is polled: a page of a site not followed yet is stored,
    not polled, until you 'follow' it. A page or e-mail claiming the messages of another request
    is refused.
    """
    report = offline.import_paths(context.db, paths, url=url, me=[*me, *context.config.email.me],
                                  max_page_bytes=context.config.http.max_page_bytes)
    for path in report.unknown:
        click.echo(f"error: {path}: not a saved page, .json or e-mail (expected .html, .json, .eml, mbox, Maildir)", err=True)
    for item in report.saved:
        if item.error is not None:
            click.echo(f"error: {item.path}: {item.error}", err=True)
        else:
            click.echo(f"{item.path}: {item.result.request_id} ({len(item.result.new_messages)} new messages)", err=True)
            if item.unpolled:
                click.echo(f"note: {item.path}: its site is not followed, so it is not polled; "
                           f"'foi-tracker follow {item.unpolled}' to have it polled", err=True)
    if report.mail is not None:
        mail = report.mail
        for line in mail.errors:
            click.echo(f"error: {line}", err=True)
        for line in mail.notes:
            click.echo(f"note: {line}", err=True)
        click.echo(
            f"e-mail: {mail.imported} imported into {len(mail.threads)} thread(s), "
            f"{mail.on_page_already} already on the request page, {mail.already_stored} already imported, "
            f"{len(mail.errors)} failed",
            err=True,
        )
    click.echo(f"imported {report.imported} item(s), {report.failed} failed", err=True)
    if report.failed and not report.imported:
        sys.exit(1)


@cli.group()
def authorities() -> None:
    """Public authorities: names, tags and legal regime (Scottish bodies FOISA, schools)."""


@authorities.command("import")
@click.argument("source", required=False)
@click.option("--site", "site_url", help="The site a local CSV belongs to, e.g. https://www.whatdotheyknow.com.")
@database_command(existing=False)
def authorities_import(context: Context, source: str | None, site_url: str | None) -> None:
    """Import all-authorities.csv: a local file (with --site), a site's URL, or every followed site.

    Without SOURCE, each followed site's /body/all-authorities.csv is fetched (conditional GET).
    Also accepts mySociety's enriched authorities dataset (url-name, pipe-separated tags).
    """
    db = context.db
    local = bool(source) and not source.startswith(("http://", "https://"))
    if local and not site_url:
        raise click.UsageError("a local CSV needs --site (the site it lists the bodies of)")
    try:
        if local:
            site_id, count = authorities_module.import_csv_file(db, Path(source), site_url)
            click.echo(f"{source}: {count} authorities for {site_id}", err=True)
            return
        with context.client(extra_hosts={site_id_for(source)} if source else set()) as client:
            result = authorities_module.refresh(db, client, site_url=source)
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
@database_command(existing=True)
def reparse(context: Context) -> None:
    """Rebuild parsed data from the stored raw fetches, without fetching anything.

    Page threads are read again from their pages (and .json), e-mail from the e-mail imported.
    Exits 1 when any thread failed (it is left as it was).
    """
    rebuilt, problems = offline.reparse(context.db)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"reparsed {rebuilt} thread(s), {len(problems)} failed", err=True)
    if problems:
        sys.exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; 0.0.0.0 to publish.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--public", is_flag=True,
              help="Let search engines index the pages (robots are blocked otherwise); leave out your own e-mail.")
@click.option("--include-private", is_flag=True,
              help="Show the threads known only from your own imported e-mail even with --public or off loopback.")
@database_command(existing=True)
def serve(context: Context, host: str, port: int, public: bool, include_private: bool) -> None:
    """Browse the database with Datasette (read-only), with metadata.yml.

    Raw pages, e-mail headers and the fetch log stay in the private file, which is never served.
    The threads known only from your own imported e-mail are shown on loopback (the default
    host) only: with --public, or another --host, a copy without them is published, made when
    serve starts (restart it to publish later changes).
    """
    context.db  # create or migrate the schema before Datasette opens it read-only
    publish.serve(context.db_path, host, port, public=public, include_private=include_private)


@cli.command()
@click.option("--no-serve", is_flag=True, help="Build the database and stop, without serving it.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Datasette port.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Pretend it is noon in London on this day: the same day gives the same database.")
@database_command(existing=False)
def demo(context: Context, no_serve: bool, port: int, today: datetime | None) -> None:
    """Scrape the bundled sample Alaveteli site over loopback HTTP, run the late check, serve it.

    The sample site is http://alaveteli.localhost, served on 127.0.0.1 (any free port); it is
    followed through its authority pages and polled with the real scraper, exactly like a public
    site (loopback hosts are not throttled). The clock stands still while the database is built,
    so that two runs with the same --today give the same tables.
    """
    with times.frozen(london_time(today.date(), time(12)) if today else utc_now()) as clock:
        day = london_today()
        built = _build_demo(context, clock, day)
    _print_poll_summary(built.poll)
    if built.late is None:
        sys.exit(1)
    checked = built.late
    click.echo(
        f"late check for {day}: {len(checked.raised)} flag(s) raised, {checked.open_total} standing "
        f"({', '.join(f'{n} {flag}' for flag, n in sorted(checked.open_counts.items())) or 'none'})",
        err=True,
    )
    click.echo(", ".join(f"{count} {table}" for table, count in built.counts.items()) + f" in {context.db_path}", err=True)
    if not no_serve:
        click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
        publish.serve(context.db_path, "127.0.0.1", port)


def _build_demo(context: Context, clock: times.FrozenClock, day: date):
    """Serve the sample site under its fixed name, as on ``day``, and build the database from it."""
    from tracker.demo import DEMO_SITE_NAME, demo_site
    from tracker.demo.build import build_demo

    with (demo_site(day, name=DEMO_SITE_NAME) as site,
          context.client(extra_hosts={site.host}, connect_to={site.host: site.address}) as client,
          PollProgress() as progress):
        def say_followed(followed: list[str]) -> None:
            click.echo(f"sample site {site.base_url} at {site.address}: following {len(followed)} requests", err=True)
            clock.step()

        return build_demo(context.db, client, site, day, on_followed=say_followed,
                          on_due=progress.start, on_outcome=progress.advance)


for command in (*DEADLINE_COMMANDS, classify_command, evaluate_command):
    cli.add_command(command)


def main() -> None:  # pragma: no cover - console entry point
    cli()
