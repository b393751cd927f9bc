"""A synthetic tracker database of any size, for benchmarks and fault tests.

``generate(path, n)`` writes the full schema (``tracker.store.db.open_db``) with about 500 authorities,
20,000 users and ``n`` requests sent over the five years before ``today``, each with a short,
classified correspondence (3-4 messages on average) and deadline columns that agree with
``tracker.deadlines`` (a test checks a sample against ``deadlines.assess``).

Where requests end up follows the states of two real WhatDoTheyKnow listings (5,962 rows:
data-to-insight's children's-social-care scrape and an MHCLG /body listing, see
``STATE_COUNTS``); when the answer comes follows a mixture of delays in working days that gives
about four answers in five on time. Clarifications, fees notices, extensions, internal reviews,
withdrawals and schools, Scottish (FOISA) and environmental (EIR) requests all occur.

Dates are counted with ``WorkingDayIndex`` lookups, and rows go in with ``executemany`` in
batches, so a million requests take a few minutes and well under 1 GB of memory.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path

from tracker.store.db import open_db
from tracker.deadlines import CALENDARS, REGIMES, Regime, WorkingDayIndex, long_stop_of
from tracker.model import INCOMING, OUTGOING
from tracker.model.times import LONDON, london_time, london_today
from tracker.model.taxonomy import (
    ANSWERED_STATES,
    CLOSED_WITHOUT_ANSWER,
    RESPONSE_OUTCOME_STATE,
    RESPONSE_OUTCOMES,
    REVIEW_OUTCOME_STATE,
    STATE_OUTCOME,
)

SITE_ID = "synthetic.example"
BASE_URL = f"https://{SITE_ID}"
AUTHORITIES = 500
USERS = 20_000
BATCH = 5_000
YEARS = 5

# WhatDoTheyKnow display labels counted in two real listings, as the state each request ends in:
# data-to-insight/foi-csc-scrape-tool @ e5567435 : docs/downloads/foi_csc_requests_summary.csv and
# aoellrich-mhclg/whatDoTheyKnow_Mining @ 1b0f3480 : output/whatDoTheyKnow_links.csv.
# "Long overdue", "Delayed" and "Awaiting response" are requests that never got an answer.
STATE_COUNTS = {
    "successful": 2466,
    "waiting_classification": 1071,
    "partially_successful": 866,
    "not_held": 692,
    "never_answered": 446 + 3 + 8,
    "rejected": 268,
    "internal_review": 50,
    "user_withdrawn": 46,
    "waiting_clarification": 44,
    "gone_postal": 1,
    "error_message": 1,
}
# How internal reviews end (weights).
_REVIEW_OUTCOME_WEIGHTS = {"upheld": 60, "partially_overturned": 25, "overturned": 15}

PLACES = (
    "Ashford", "Barnsley", "Bedford", "Blackburn", "Bolton", "Bournemouth", "Bracknell", "Bradford",
    "Brighton", "Bristol", "Bury", "Calderdale", "Camden", "Carlisle", "Chelmsford", "Cheshire", "Colchester",
    "Coventry", "Croydon", "Darlington", "Derby", "Doncaster", "Dorset", "Dudley", "Ealing", "Exeter",
    "Gateshead", "Gloucester", "Halton", "Harrogate", "Hastings", "Hereford", "Ipswich", "Kirklees",
    "Lancaster", "Leeds", "Leicester", "Lincoln", "Luton", "Medway", "Newport", "Norwich", "Oldham",
    "Oxford", "Plymouth", "Preston", "Reading", "Salford", "Swansea", "Wrexham", "Aberdeen", "Dundee",
    "Falkirk", "Fife", "Highland", "Inverclyde", "Moray", "Perth", "Stirling", "Armagh", "Belfast", "Derry",
)
SCOTTISH_PLACES = frozenset({"Aberdeen", "Dundee", "Falkirk", "Fife", "Highland", "Inverclyde", "Moray", "Perth",
                             "Stirling"})
# (name suffix, tags, weight)
KINDS = (
    ("City Council", "local_council unitary", 18),
    ("District Council", "local_council district", 14),
    ("Police", "police police_force", 6),
    ("Hospitals NHS Trust", "nhs health foundation_trust", 10),
    ("University", "university HEI", 6),
    ("Primary School", "school primary_school", 4),
    ("Learning Academy Trust", "academy_trust multi_academy_trust", 3),
    ("Fire and Rescue Service", "fire_service", 4),
    ("Rivers Authority", "environmental regulator", 3),
    ("Housing Association", "housing", 4),
)
FIRST_NAMES = ("Priya", "Tom", "Helen", "Gareth", "Siobhan", "Daniel", "Ruth", "Marcus", "Aileen", "Ben", "Jo",
               "Amir", "Claire", "Dev", "Eleanor", "Femi", "Grace", "Harry", "Isla", "Jamal", "Kate", "Liam",
               "Mei", "Niamh", "Owen", "Rhys", "Sara", "Tariq", "Uma", "Will")
SURNAMES = ("Raman", "Whitlock", "Okafor", "Pryce", "McCarthy", "Ferreira", "Ellingham", "Bell", "MacLeod",
            "Castle", "Hartley", "Khan", "Jones", "Smith", "Patel", "Murray", "Evans", "Taylor", "Brown",
            "Wilson", "Campbell", "Singh", "Hughes", "Price", "Ahmed", "Reid", "Walsh", "Moore", "Clarke", "Lewis")
TOPICS = (
    "Pothole compensation claims", "Agency staff spending", "Parking fines issued", "Council tax arrears",
    "Temporary accommodation costs", "Stop and search figures", "Ambulance handover delays",
    "Empty homes premium", "Use of consultants", "Fly-tipping enforcement", "School exclusions",
    "Staff sickness absence", "Data breaches reported", "Contracts with outsourcing firms", "Tree felling notices",
    "Air quality monitoring results", "Storm overflow discharges", "Food hygiene inspections",
    "Planning enforcement notices", "Senior staff salaries", "Gifts and hospitality register",
    "Cyber security incidents", "Mental health call-outs", "Bus lane camera income", "Waste collection missed bins",
    "Library opening hours", "Fire safety inspections", "Social worker vacancies", "Legal advice costs",
    "Business rates relief", "Flood defence maintenance", "Contaminated land register",
)

# Delays to the answer, in working days after the clock starts: (low, high, weight).
DELAYS = ((1, 12, 35), (13, 20, 45), (21, 40, 14), (41, 100, 6))


@dataclass(frozen=True)
class _Body:
    id: str
    name: str
    regime_scottish: bool
    school: bool


def _weights(n: int, offset: float, power: float) -> list[float]:
    """Cumulative weights of a Zipf-like spread: a few authorities and requesters do most of it."""
    return list(accumulate(1.0 / (rank + offset) ** power for rank in range(n)))


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])


class _Clocks:
    """Per-calendar working-day lookups and London offsets over the whole generated range."""

    def __init__(self, first: date, last: date):
        self.index = {name: WorkingDayIndex(calendar, first, last) for name, calendar in CALENDARS.items()}
        self.offset: dict[date, str] = {}
        day = first
        while day <= last:
            delta = LONDON.utcoffset(datetime.combine(day, time(12)))
            self.offset[day] = "+01:00" if delta and delta.total_seconds() else "+00:00"
            day += timedelta(days=1)

    def instant(self, day: date, minute: int, second: int) -> str:
        return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:{second:02d}{self.offset[day]}"


def _setup(db, rng: random.Random, today: date) -> tuple[list[_Body], list[tuple[str, str]]]:
    kind_weights = list(accumulate(weight for _, _, weight in KINDS))
    bodies: list[_Body] = []
    rows = []
    names: set[str] = set()
    for number in range(AUTHORITIES):
        place = PLACES[number % len(PLACES)]
        suffix, tags, _ = KINDS[_pick(rng, kind_weights)]
        scottish = place in SCOTTISH_PLACES
        name = f"{place} {suffix}"
        serial = 2
        while name in names:
            name, serial = f"{place} {suffix} ({serial})", serial + 1
        names.add(name)
        url_name = name.lower().replace(" ", "_").replace("(", "").replace(")", "").replace("-", "_")
        all_tags = f"{tags} scottish_public_authority scotland" if scottish else tags
        body = _Body(f"{SITE_ID}/body/{url_name}", name, scottish, "school" in tags or "academy_trust" in tags)
        bodies.append(body)
        rows.append((body.id, SITE_ID, url_name, name, all_tags, "foisa" if scottish else "foia"))
    users = []
    for number in range(USERS):
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {SURNAMES[(number // len(FIRST_NAMES)) % len(SURNAMES)]}"
        url_name = f"{name.lower().replace(' ', '_')}_{number}"
        users.append((f"{SITE_ID}/user/{url_name}", name))
    with db.atomic():
        db.execute("insert or ignore into sites (id, base_url, name, regime) values (?, ?, ?, ?)",
                   [SITE_ID, BASE_URL, "Synthetic FOI site", "foia"])
        db.conn.executemany(
            "insert or replace into authorities (id, site_id, url_name, name, tags, regime) values (?, ?, ?, ?, ?, ?)",
            rows)
        db.conn.executemany(
            "insert or replace into users (id, site_id, url_name, name) values (?, ?, ?, ?)",
            [(user_id, SITE_ID, user_id.rsplit("/", 1)[1], name) for user_id, name in users])
    return bodies, users


REQUEST_COLUMNS = (
    "id", "site_id", "url", "slug", "title", "authority_id", "user_id", "regime", "law_used", "site_request_id",
    "site_status", "status", "created_at", "sent_at", "due_date", "very_overdue_date", "first_response_at",
    "working_days_to_response", "answered_on_time", "review_requested_at", "review_due_date",
    "review_responded_at", "first_seen_at", "last_changed_at", "last_polled_at", "next_poll_at",
)
MESSAGE_COLUMNS = (
    "id", "request_id", "position", "direction", "sent_at", "author", "subject", "body_text", "kind", "outcome",
    "confidence", "reasons", "authority_refs", "stated_dates", "event_type", "prominence", "source",
    "first_seen_at", "updated_at",
)

_BODY_TEXT = {
    "request": "Dear {authority},\n\nPlease provide information on {topic} for the last three years.\n\nYours faithfully,\n\n{user}",
    "acknowledgement": "Thank you for your request for information, received on {sent}. We will respond within 20 working days.",
    "auto_reply": "I am out of the office until next week with limited access to e-mail.",
    "clarification_request": "Before we can deal with your request, please clarify which period and services you mean.",
    "clarification": "Dear {authority},\n\nI mean the last three financial years, all services.\n\nYours faithfully,\n\n{user}",
    "fees_notice": "Complying with your request will cost £75.00. Please pay within three months; the time limit stops until the fee is received.",
    "follow_up": "Dear {authority},\n\nThank you.\n\nYours faithfully,\n\n{user}",
    "extension_notice": "We need further time to consider the public interest and will respond by {respond_by}.",
    "delay_notice": "We apologise for the delay in responding to your request; we hope to reply shortly.",
    "response": "Please find our response to your request attached ({outcome}).",
    "internal_review_request": "Dear {authority},\n\nPlease pass this on to the person who conducts Freedom of Information reviews.\n\n{user}",
    "internal_review_response": "We have completed the internal review of your request ({outcome}).",
    "withdrawal": "Dear {authority},\n\nI withdraw this request.\n\n{user}",
    "other": "Thank you for letting us know.",
}


def _delay(rng: random.Random) -> int:
    r = rng.random() * 100
    for low, high, weight in DELAYS:
        if r < weight:
            return rng.randint(low, high)
        r -= weight
    return rng.randint(1, 20)


_FATES = tuple(STATE_COUNTS)
_FATE_WEIGHTS = list(accumulate(STATE_COUNTS.values()))
_OUTCOME_WEIGHTS = list(accumulate(STATE_COUNTS[RESPONSE_OUTCOME_STATE[outcome]] for outcome in RESPONSE_OUTCOMES))


class _Generator:
    def __init__(self, rng: random.Random, today: date, bodies: list[_Body], users: list[tuple[str, str]]):
        self.rng = rng
        self.today = today
        self.bodies = bodies
        self.users = users
        self.first_day = today - timedelta(days=365 * YEARS)
        self.clocks = _Clocks(self.first_day - timedelta(days=7), today + timedelta(days=900))
        self.body_weights = _weights(len(bodies), 8, 0.9)
        self.user_weights = _weights(len(users), 20, 1.0)
        self.message_number = 5_000_000
        self.stamp = london_time(today, time(5, 0)).isoformat()

    def request(self, number: int) -> tuple[tuple, list[tuple]]:
        rng, today = self.rng, self.today
        body = self.bodies[_pick(rng, self.body_weights)]
        user_id, user_name = self.users[_pick(rng, self.user_weights)]
        environmental = rng.random() < 0.06
        regime_id = ("eisr" if environmental else "foisa") if body.regime_scottish else ("eir" if environmental else "foia")
        regime = REGIMES[regime_id]
        index = self.clocks.index[regime.calendar.name]
        sent = today - timedelta(days=rng.randint(1, 365 * YEARS))
        fate = _FATES[_pick(rng, _FATE_WEIGHTS)]
        events: list[tuple] = [(sent, OUTGOING, "request", None, None)]  # (day, direction, kind, outcome, stated)
        if fate == "error_message":
            events.append((sent, INCOMING, "auto_reply", None, None))
        elif rng.random() < 0.08:
            events.append((sent, INCOMING, "auto_reply", None, None))
        if rng.random() < 0.7:
            events.append((index.add(sent, rng.choice((0, 0, 1, 2))), INCOMING, "acknowledgement", None, None))
        plan = _Plan(regime, index, sent, long_stop_of(regime, body.school))

        if fate in ANSWERED_STATES:
            self._answered(plan, events, fate)
        elif fate == "never_answered":
            if rng.random() < 0.5:
                events.append((index.add(plan.base_due(), rng.randint(1, 10)), OUTGOING, "follow_up", None, None))
        elif fate == "user_withdrawn":
            plan.withdrawn = index.add(sent, rng.randint(1, 15))
            events.append((plan.withdrawn, OUTGOING, "withdrawal", None, None))
        elif fate == "waiting_clarification":
            plan.ask = index.add(sent, rng.randint(2, 10))
            events.append((plan.ask, INCOMING, "clarification_request", None, None))
        elif fate == "gone_postal":
            events.append((index.add(sent, rng.randint(3, 15)), INCOMING, "other", None, None))

        events.sort(key=lambda event: event[0])
        events = [event for event in events if event[0] < today]
        return self._rows(number, body, user_id, user_name, regime_id, fate, plan, events)

    def _answered(self, plan: _Plan, events: list[tuple], fate: str) -> None:
        rng, index = self.rng, plan.index
        variant = rng.random()
        if variant < 0.04:
            plan.ask = index.add(plan.start, rng.randint(2, 10))
            plan.clarified = plan.ask + timedelta(days=rng.randint(1, 14))
            events.append((plan.ask, INCOMING, "clarification_request", None, None))
            events.append((plan.clarified, OUTGOING, "clarification", None, None))
        elif variant < 0.05:
            plan.fee_notice = index.add(plan.start, rng.randint(5, 15))
            plan.fee_paid = index.add(plan.fee_notice, rng.randint(1, 20))
            events.append((plan.fee_notice, INCOMING, "fees_notice", None, None))
            events.append((plan.fee_paid, OUTGOING, "follow_up", None, None))
        elif variant < 0.09 and plan.regime.extension_max:
            plan.extension_on = index.add(plan.clock_start(), rng.randint(12, 20))
            stated = None
            if rng.random() < 0.5:
                stated = {"respond_by": plan.furthest().isoformat()}
            events.append((plan.extension_on, INCOMING, "extension_notice", None, stated))
        start = plan.clock_start()
        if plan.extension_on:
            answered = index.add(start, rng.randint(21, 40))
        else:
            answered = index.add(start, _delay(rng) + plan.paused())
        if plan.fee_paid and answered <= plan.fee_paid:
            answered = index.add(plan.fee_paid, rng.randint(1, 10))
        plan.answered = answered
        outcome = STATE_OUTCOME.get(fate, "refused")
        if fate == "waiting_classification":
            outcome = RESPONSE_OUTCOMES[_pick(rng, _OUTCOME_WEIGHTS)]
        elif fate == "internal_review" and rng.random() < 0.3:
            outcome = "partially_successful"
        plan.outcome = outcome
        if answered > plan.base_due() and not plan.extension_on and rng.random() < 0.3:
            events.append((plan.base_due(), INCOMING, "delay_notice", None, None))
        events.append((answered, INCOMING, "response", outcome, None))
        if rng.random() < 0.3:
            events.append((answered + timedelta(days=rng.randint(0, 4)), OUTGOING, "follow_up", None, None))
        reviewed = fate == "internal_review" or (outcome == "refused" and rng.random() < 0.12) or (
            outcome == "partially_successful" and rng.random() < 0.05)
        if reviewed:
            plan.review_on = answered + timedelta(days=rng.randint(1, 30))
            events.append((plan.review_on, OUTGOING, "internal_review_request", None, None))
            if fate != "internal_review":
                plan.review_answered = index.add(plan.review_on, rng.randint(5, 45))
                plan.review_outcome = rng.choices(tuple(_REVIEW_OUTCOME_WEIGHTS), tuple(_REVIEW_OUTCOME_WEIGHTS.values()))[0]
                events.append((plan.review_answered, INCOMING, "internal_review_response", plan.review_outcome, None))

    def _rows(self, number: int, body: _Body, user_id: str, user_name: str, regime_id: str, fate: str,
              plan: _Plan, events: list[tuple]) -> tuple[tuple, list[tuple]]:
        rng, today, clocks = self.rng, self.today, self.clocks
        topic = TOPICS[number % len(TOPICS)]
        title = f"{topic} {plan.sent.year - 1}-{plan.sent.year % 100:02d}"
        slug = f"{title.lower().replace(' ', '_').replace('-', '_')}_{number}"
        request_id = f"{SITE_ID}/request/{slug}"
        instants: list[str] = []
        messages = []
        last_day, last_minute = None, 0
        for position, (day, direction, kind, outcome, stated) in enumerate(events):
            low, high = (7 * 60, 22 * 60) if direction == OUTGOING else (8 * 60, 17 * 60 + 30)
            minute = rng.randint(low, high)
            if day == last_day and minute <= last_minute:
                minute = min(last_minute + rng.randint(1, 20), 23 * 60 + 58)
            last_day, last_minute = day, minute
            instant = clocks.instant(day, minute, rng.randint(0, 59))
            instants.append(instant)
            self.message_number += rng.randint(1, 9)
            text = _BODY_TEXT[kind].format(
                authority=body.name, user=user_name, topic=topic.lower(), sent=plan.sent.isoformat(),
                outcome=(outcome or "").replace("_", " "), respond_by=(stated or {}).get("respond_by", "shortly"))
            prefix = "outgoing" if direction == OUTGOING else "incoming"
            messages.append((
                f"{SITE_ID}/{prefix}-{self.message_number}", request_id, position, direction, instant,
                user_name if direction == OUTGOING else body.name,
                f"{'Freedom of Information' if regime_id in ('foia', 'foisa') else 'Environmental Information Regulations'} request - {title}",
                text, kind, outcome, 1.0, '["synthetic"]', "[]", json.dumps(stated) if stated else None,
                "sent" if kind == "request" else ("followup_sent" if direction == OUTGOING else "response"),
                "normal", "synthetic", self.stamp, self.stamp,
            ))
        at = {kind: instants[i] for i, (_, _, kind, _, _) in reversed(list(enumerate(events)))}
        columns = plan.columns(today, at)
        status = plan.status(today, fate, columns)
        open_ = columns["first_response_at"] is None or status == "internal_review"
        next_poll = (today + timedelta(days=1 if open_ else 14)).isoformat() + "T05:00:00+00:00"
        row = (
            request_id, SITE_ID, f"{BASE_URL}/request/{slug}", slug, title, body.id, user_id, regime_id,
            "eir" if regime_id in ("eir", "eisr") else "foi", 100_000 + number, status, status,
            instants[0], columns["sent_at"], columns["due_date"], columns["very_overdue_date"],
            columns["first_response_at"], columns["working_days_to_response"], columns["answered_on_time"],
            columns["review_requested_at"], columns["review_due_date"], columns["review_responded_at"],
            self.stamp, self.stamp, self.stamp, next_poll,
        )
        return row, messages


class _Plan:
    """The milestones a generated request was given, and its deadline columns from them."""

    def __init__(self, regime: Regime, index: WorkingDayIndex, sent: date, long_stop: int):
        self.regime, self.index, self.sent, self.start, self.long_stop = regime, index, sent, sent, long_stop
        self.ask: date | None = None
        self.clarified: date | None = None
        self.fee_notice: date | None = None
        self.fee_paid: date | None = None
        self.extension_on: date | None = None
        self.answered: date | None = None
        self.outcome: str | None = None
        self.review_on: date | None = None
        self.review_answered: date | None = None
        self.review_outcome: str | None = None
        self.withdrawn: date | None = None
        self.today: date | None = None

    def _seen(self, day: date | None) -> bool:
        return day is not None and (self.today is None or day < self.today)

    def clock_start(self) -> date:
        return self.clarified if self._seen(self.clarified) else self.sent

    def paused(self) -> int:
        if self._seen(self.fee_notice) and self._seen(self.fee_paid):
            return self.index.between(self.fee_notice - timedelta(days=1), self.fee_paid)
        return 0

    def base_due(self) -> date:
        return self.index.add(self.clock_start(), self.regime.period + self.paused())

    def furthest(self) -> date:
        return self.index.add(self.clock_start(), (self.regime.extension_max or self.regime.period) + self.paused())

    def columns(self, today: date, at: dict[str, str]) -> dict[str, object]:
        self.today = today
        stopped = (self._seen(self.ask) and not self._seen(self.clarified)) or (
            self._seen(self.fee_notice) and not self._seen(self.fee_paid))
        answered = self._seen(self.answered)
        due = very = None
        if not stopped:
            due = self.furthest() if self._seen(self.extension_on) else self.base_due()
            very = max(due, self.index.add(self.clock_start(), self.long_stop + self.paused()))
        review_due = None
        if self._seen(self.review_on):
            review_due = self.index.add(self.review_on, self.regime.review.period).isoformat()
        return {
            "sent_at": at["request"],
            "due_date": due.isoformat() if due else None,
            "very_overdue_date": very.isoformat() if very else None,
            "first_response_at": at["response"] if answered else None,
            "working_days_to_response": (self.index.between(self.clock_start(), self.answered) - self.paused()
                                         if answered else None),
            "answered_on_time": int(self.answered <= due) if answered and due else None,
            "review_requested_at": at.get("internal_review_request") if self._seen(self.review_on) else None,
            "review_due_date": review_due,
            "review_responded_at": at.get("internal_review_response") if self._seen(self.review_answered) else None,
        }

    def status(self, today: date, fate: str, columns: dict[str, object]) -> str:
        if fate in CLOSED_WITHOUT_ANSWER and self.withdrawn is None:  # a withdrawal counts once it is sent
            return fate
        if self._seen(self.withdrawn):
            return "user_withdrawn"
        if self._seen(self.review_answered):
            return REVIEW_OUTCOME_STATE[self.review_outcome or "upheld"]
        if self._seen(self.review_on):
            return "internal_review"
        if columns["first_response_at"] is not None:
            return "waiting_classification" if fate == "waiting_classification" else RESPONSE_OUTCOME_STATE[self.outcome or "refused"]
        if self._seen(self.ask) and not self._seen(self.clarified):
            return "waiting_clarification"
        due, very = columns["due_date"], columns["very_overdue_date"]
        if due is None:
            return "waiting_response"
        today_text = today.isoformat()
        if today_text > str(very):
            return "waiting_response_very_overdue"
        return "waiting_response_overdue" if today_text > str(due) else "waiting_response"


_BULK_TABLES = ("requests", "messages")


def _drop_bulk_helpers(db) -> list[str]:
    """Drop the secondary indexes and full-text triggers of the bulk tables; return their SQL.

    Building an index once over sorted data is much faster than keeping it up to date row by
    row, and the full-text index is rebuilt in one pass at the end.
    """
    rows = db.execute(
        "select type, name, sql from sqlite_master where tbl_name in (?, ?) and type in ('index', 'trigger')"
        " and sql is not null", list(_BULK_TABLES)).fetchall()
    for kind, name, _ in rows:
        db.execute(f"drop {kind} [{name}]")
    return [sql for kind, _, sql in sorted(rows, key=lambda row: row[0])]  # indexes before triggers


def generate(db_path: str | Path, requests: int, *, seed: int = 1, today: date | None = None) -> None:
    """Write a new synthetic database of ``requests`` requests at ``db_path`` (see the module docstring).

    Refuses to touch an existing file, so that a real database is never mixed with made-up rows.
    """
    if Path(db_path).exists():
        raise FileExistsError(f"{db_path}: already exists; the synthetic database is written to a new file")
    today = today or london_today()
    rng = random.Random(seed)
    db = open_db(db_path)
    conn = db.conn
    conn.execute("pragma foreign_keys = off")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -131072")
    bodies, users = _setup(db, rng, today)
    generator = _Generator(rng, today, bodies, users)
    request_sql = (f"insert into requests ({', '.join(REQUEST_COLUMNS)}) "
                   f"values ({', '.join('?' * len(REQUEST_COLUMNS))})")
    message_sql = (f"insert into messages ({', '.join(MESSAGE_COLUMNS)}) "
                   f"values ({', '.join('?' * len(MESSAGE_COLUMNS))})")
    with db.atomic():
        recreate = _drop_bulk_helpers(db)
    for first in range(0, requests, BATCH):
        request_rows, message_rows = [], []
        for number in range(first, min(first + BATCH, requests)):
            row, messages = generator.request(number)
            request_rows.append(row)
            message_rows.extend(messages)
        with db.atomic():
            conn.executemany(request_sql, request_rows)
            conn.executemany(message_sql, message_rows)
    with db.atomic():
        for table in _BULK_TABLES:
            if db[f"{table}_fts"].exists():
                conn.execute(f"insert into [{table}_fts]([{table}_fts]) values ('rebuild')")
        for sql in recreate:
            conn.execute(sql)
    conn.execute("pragma synchronous = normal")
    conn.execute("pragma foreign_keys = on")
    db.close()
