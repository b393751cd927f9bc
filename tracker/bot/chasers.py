"""The letters the daily check drafts: a chaser to the authority, advice on going to the regulator.

Each takes a request row with its worst flag, as :func:`tracker.bot.late.chaser_row` gives it, and
words the letter on the request's regime (its law, duties, regulator and complaint route).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from tracker.deadlines import DEFAULT_REGIME, REGIMES, Regime, get_regime
from tracker.model.times import london_day


def _long(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "an unknown date"


def _regime(row: Mapping[str, Any]) -> Regime:
    try:
        return get_regime(row.get("regime") or DEFAULT_REGIME)
    except ValueError:
        return REGIMES[DEFAULT_REGIME]


_RESPONSE_DUTY = {
    "foia": ("section 10(1) of the Freedom of Information Act 2000",
             "promptly and in any event not later than the twentieth working day following the date of receipt"),
    "eir": ("regulation 5(2) of the Environmental Information Regulations 2004",
            "as soon as possible and no later than 20 working days after the date of receipt"),
    "foisa": ("section 10(1) of the Freedom of Information (Scotland) Act 2002",
              "promptly and in any event by the twentieth working day after receipt"),
    "eisr": ("regulation 5(2) of the Environmental Information (Scotland) Regulations 2004",
             "as soon as possible and no later than 20 working days after the date of receipt"),
}


def chaser(row: Mapping[str, Any]) -> str:
    """A polite follow-up the requester can paste into the site's follow-up form.

    ``row`` holds the request's columns (title, authority, requester, sent_at, due_date,
    review_requested_at, review_due_date, regime) and the flag (flag, flag_due_date,
    working_days_late), as ``chaser_row`` gives them.
    """
    regime = _regime(row)
    flag = row["flag"]
    overdue = row.get("working_days_late")
    overdue_text = f"{overdue} working day{'s' if overdue != 1 else ''}" if overdue is not None else "some time"
    title, authority = row.get("title") or "my request", row.get("authority") or "Sir or Madam"
    lines = [f"Dear {authority},", ""]
    if flag in ("late", "very_late"):
        act, duty = _RESPONSE_DUTY.get(regime.id, _RESPONSE_DUTY[DEFAULT_REGIME])
        due = london_day(row.get("due_date"))
        if flag == "very_late":
            where = (f"I have not yet received a response, and the request is now long overdue: it is {overdue_text} "
                     f"past {_long(london_day(row.get('flag_due_date')))}.")
        else:
            where = f"I have not yet received a response, which is now {overdue_text} overdue."
        lines.append(
            f"I am writing about my request for information '{title}', which I sent on "
            f"{_long(london_day(row.get('sent_at')))}. Under {act} ({regime.provision}) you must respond "
            f"{duty}: in this case by {_long(due)}. {where}"
        )
        lines.append("")
        lines.append("Please could you send your response as soon as possible, or let me know when I can expect it.")
        if flag == "very_late":
            lines.append("")
            lines.append(
                f"If I do not hear from you soon, I will ask {regime.regulator} to look into the delay "
                f"({regime.complaint_provision})."
            )
    else:
        rule = regime.review
        requested = london_day(row.get("review_requested_at"))
        due = london_day(row.get("review_due_date"))
        basis = (f"{rule.provision} requires the outcome within {rule.period} working days"
                 if rule.statutory else
                 f"The {rule.provision} and the ICO's guidance say that a review should take no longer than "
                 f"{rule.period} working days, and {rule.long_stop} at most")
        lines.append(
            f"On {_long(requested)} I asked for an internal review of your handling of my request '{title}'. "
            f"{basis}: in this case by {_long(due)}. I have not yet received the outcome, and it is now "
            f"{overdue_text} past "
            f"{'the ' + str(rule.long_stop) + ' working day limit (' + _long(london_day(row.get('flag_due_date'))) + ')' if flag == 'review_very_late' else 'that date'}."
        )
        lines.append("")
        lines.append("Please could you send me the outcome of the review as soon as possible.")
        if flag == "review_very_late":
            lines.append("")
            lines.append(_complaint(regime))
    lines += ["", "Yours faithfully,", "", row.get("requester") or ""]
    return "\n".join(lines).rstrip() + "\n"


def _complaint(regime: Regime) -> str:
    if regime.calendar.name == "scotland":
        return (
            f"As the review is overdue, I am entitled to apply to {regime.regulator} for a decision under "
            f"{regime.complaint_provision}; I will do so unless I receive the outcome shortly "
            f"(applications: {regime.regulator_site})."
        )
    return (
        f"As the review has taken more than {regime.review.long_stop} working days, I am entitled to complain to "
        f"{regime.regulator} under {regime.complaint_provision}; I will do so unless I receive the outcome "
        f"shortly (complaints: {regime.regulator_site})."
    )


def regulator_advice(row: Mapping[str, Any]) -> str:
    """For the requester (not the authority): how to complain about a review long overdue."""
    regime = _regime(row)
    if regime.calendar.name == "scotland":
        return (
            f"How to complain: apply to {regime.regulator} ({regime.regulator_site}) under "
            f"{regime.complaint_provision}. Send a copy of your request and of your requirement for review; "
            "the application must be made within six months of the date the review response was due (FOISA s.47(4))."
        )
    return (
        f"How to complain: the ICO accepts a complaint when an internal review has taken more than "
        f"{regime.review.long_stop} working days ({regime.complaint_provision}). Use {regime.regulator_site} and "
        "include your request, the authority's response (if any) and your request for a review."
    )
