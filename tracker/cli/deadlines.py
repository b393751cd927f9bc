"""The ``deadline``, ``late`` and ``schedule`` commands (registered on ``tracker.cli.cli``)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date

import click

from tracker import deadlines
from tracker.bot import late as late_check
from tracker.bot import notify
from tracker.bot.daily import run_daily_check
from tracker.model.config import ConfigError
from tracker.model.times import london_day, london_today
from tracker.cli.context import BadUsage, Context, database_command


def _parse_day(value: str) -> date:
    """A day: ``YYYY-MM-DD``, or an ISO instant taken as its Europe/London day."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        day = london_day(text) if "T" in text else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(text)
    return day


class DayType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):  # noqa: ANN001 - click's signature
        if isinstance(value, date):
            return value
        try:
            return _parse_day(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (expected YYYY-MM-DD)", param, ctx)


DAY = DayType()


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def format_explanation(explanation: deadlines.Explanation) -> str:
    regime = explanation.regime
    lines = [
        f"Regime: {regime.short} ({regime.law}), {regime.provision}: {explanation.working_days} working days",
        f"Sent (day zero): {_long(explanation.sent)}",
    ]
    if explanation.day_zero_note:
        lines.append(f"  {explanation.day_zero_note}")
    lines.append(f"Due date: {_long(explanation.due_date)} ({explanation.working_days} working days)")
    school = ""
    if explanation.school:
        school = (" for a school / academy trust" if regime.school_long_stop
                  else f"; {regime.short} has no school rule")
    lines.append(f"Long overdue after: {_long(explanation.very_overdue_date)} "
                 f"({explanation.long_stop} working days{school})")
    holidays = explanation.skipped_holidays
    lines.append(f"Non-working days skipped to the due date: {explanation.weekend_days} weekend days"
                 f"{', and ' + str(len(holidays)) + ' bank holiday(s):' if holidays else ', no bank holiday'}")
    lines += [f"  {_long(day)}  {name}" for day, name in holidays]
    later = explanation.skipped_holidays_to_very_overdue
    if later:
        lines.append("Bank holidays skipped after the due date, to the long-overdue date:")
        lines += [f"  {_long(day)}  {name}" for day, name in later]
    return "\n".join(lines)


@click.command()
@click.option("--sent", required=True, type=DAY, help="The day the request was sent (day zero), YYYY-MM-DD.")
@click.option("--regime", type=click.Choice(sorted(deadlines.REGIMES), case_sensitive=False),
              default=deadlines.DEFAULT_REGIME, show_default=True, help="The law the request is made under.")
@click.option("--school", is_flag=True, help="The authority is a school or academy trust (long overdue after 60).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON named like the database columns.")
def deadline(sent: date, regime: str, school: bool, as_json: bool) -> None:
    """The due date of a request sent on a day, and the non-working days skipped, by name.

    The day a request is sent is day zero, even when it is not a working day; FOIA and EIR count
    bank holidays anywhere in the UK, FOISA Scottish ones only.
    """
    explanation = deadlines.explain(sent, regime.lower(), school=school)
    if as_json:
        click.echo(json.dumps(explanation.as_dict(), indent=2))
    else:
        click.echo(format_explanation(explanation))


@click.command()
@click.option("--today", type=DAY, help="Check as on this day (default: today in Europe/London).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--notify", "send", is_flag=True, help="Send new flags on the channels of [notify] in foi-tracker.toml.")
@database_command(existing=True)
def late(context: Context, today: date | None, as_json: bool, send: bool) -> None:
    """The daily late check, once: raise, update and clear flags, refresh the summary tables,
    and print the report.

    The report groups late requests by requester and by authority, with a chaser ready to paste
    into the site's follow-up form. Exits 1 when a notification could not be delivered (it is
    retried on the next run). History is append-only: --today before the latest day checked
    prints what was late on that day, as recorded, and changes and sends nothing.
    """
    day = today or london_today()
    channels = None
    if send:
        try:
            channels = notify.channels_from_config(context.config, stream=sys.stderr if as_json else None)
        except ConfigError as error:
            raise BadUsage(str(error)) from None

    def print_report(report: late_check.LateReport) -> None:
        if as_json:
            click.echo(json.dumps(late_check.report_as_dict(report), indent=2))
        else:
            click.echo(late_check.format_report(report), nl=False)

    result = run_daily_check(context.db, context.config, day, notify=send, channels=channels, on_checked=print_report)
    if result.late.read_only:
        click.echo(f"note: {day} is before the latest check ({result.late.latest_check}): this is the record of "
                   f"that day; nothing was changed{' or sent' if send else ''}", err=True)
        return
    if result.delivery is None:
        return
    for failure in result.delivery.failures:
        click.echo(f"error: {failure}", err=True)
    elsewhere = f"; {result.delivery.elsewhere} message(s) left to another run sending them" if result.delivery.elsewhere else ""
    click.echo(f"notified {result.delivery.notified} new flag(s) on {', '.join(c.name for c in channels) or 'no channel'}"
               f"{elsewhere}", err=True)
    if not result.ok:
        sys.exit(1)


@click.command()
@database_command(existing=False)
def schedule(context: Context) -> None:
    """Run the scheduler in the foreground: polling, the daily late check at 06:00 Europe/London,
    and the weekly refresh of authorities. Ctrl-C or SIGTERM stops it cleanly."""
    from schedules.jobs import run_forever, settings_from

    try:
        settings = settings_from(context.config)
        notify.channels_from_config(context.config)
    except ConfigError as error:
        raise BadUsage(str(error)) from None
    context.db  # create or migrate the schema before the jobs open it
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    click.echo(
        f"scheduler started: poll every {settings.poll_every_minutes} min{' (and now)' if settings.poll_on_start else ''}, "
        f"late check daily at "
        f"{settings.late_check_at:%H:%M} Europe/London, authorities weekly ({settings.refresh_authorities_on} "
        f"{settings.refresh_authorities_at:%H:%M}); Ctrl-C to stop",
        err=True,
    )
    run_forever(context.config, context.db_path)
    click.echo("scheduler stopped", err=True)


COMMANDS = (deadline, late, schedule)
