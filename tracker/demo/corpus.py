"""The demo corpus: sample request threads on an imaginary Alaveteli site, as data.

Every thread is written as a ``Spec``: its authority, requester, when it started and a list of
``Step``s (one per message) whose ``kind`` / ``outcome`` are the TRUE labels of the taxonomy
(docs/taxonomy.md). ``build_corpus(today)`` places the steps on the calendar relative to ``today`` (open
requests are genuinely open, overdue or long overdue on that day; some closed threads are
anchored just before a bank holiday so that their clocks span it), numbers everything the way
an Alaveteli site would (site-wide ids in time order) and returns ``tracker.model.Thread``s.

The site status of each thread is not written by hand: it is derived the way Alaveteli derives
it (the last state the requester chose, ``waiting_classification`` while a response is
unclassified, and the overdue variants of ``waiting_response`` from the site's union UK
calendar), so it is true by construction for ``today``.

The threads and their letters are data, in ``threads/*.yaml`` (the format is described above
``thread_files``); this module reads them and holds the logic.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from tracker.deadlines import SCOTLAND, UK, Calendar
from tracker.model import INCOMING, OUTGOING, Annotation, Attachment, Authority, Message, Site, Thread, User
from tracker.model.times import london_time
from tracker.model.taxonomy import (
    ADMIN_STATES,
    ANSWER_KINDS,
    AWAITING_RESPONSE_STATES,
    OUTCOME_STATE,
    SENT_STATE,
    STATE_LABELS,
    STATES,
)

SEED = 2026
PLACEHOLDER_HOST = "demo.invalid"
SITE_NAME = "FOI Demo"

UNCLASSIFIED = "unclassified"  # a Step.state: the requester never classified this response
_DEFAULT = "default"

# The states the threads end in: every state but those that hand a request to the site's
# administrators.
SITE_STATUSES = tuple(state for state in STATES if state not in ADMIN_STATES)


@dataclass(frozen=True)
class Body:
    """A public authority of the demo site, with what its CSV row and .json show."""

    url_name: str
    name: str
    tags: tuple[str, ...]
    home_page: str
    ref: str  # pattern of its request references, formatted with n, year, yy
    internal_id: int
    short_name: str = ""
    created_at: str = "2008-04-30 16:26:01 +0100"
    updated_at: str = "2025-06-12 10:04:18 +0100"

    @property
    def scottish(self) -> bool:
        return "scottish_public_authority" in self.tags

    @property
    def school(self) -> bool:
        return "school" in self.tags or "academy_trust" in self.tags


@dataclass(frozen=True)
class Person:
    url_name: str
    name: str
    title: str  # Mr, Ms, Dr ... as authorities address them

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


BODIES: dict[str, Body] = {
    b.url_name: b
    for b in (
        Body("northbridge_city_council", "Northbridge City Council",
             ("local_council", "unitary", "ons_code:E06000901"), "https://www.northbridge.gov.uk",
             "FOI-{year}-{n:05d}", 1101),
        Body("ashcombe_district_council", "Ashcombe District Council",
             ("local_council", "district", "ons_code:E07000902"), "https://www.ashcombe.gov.uk",
             "ASH-FOI-{n:04d}", 1102),
        Body("kelverton_county_council", "Kelverton County Council",
             ("local_council", "county", "ons_code:E10000903"), "https://www.kelverton.gov.uk",
             "CAS-{n:06d}", 1103),
        Body("eastwick_borough_council", "London Borough of Eastwick",
             ("local_council", "london_borough", "ons_code:E09000904"), "https://www.eastwick.gov.uk",
             "FOI/{year}/{n:05d}", 1104, short_name="Eastwick Council"),
        Body("wessex_vale_police", "Wessex Vale Police", ("police", "police_force"),
             "https://www.wessexvale.police.uk", "FOI {n:06d}/{yy}", 1105),
        Body("riverside_hospitals_nhs_foundation_trust", "Riverside Hospitals NHS Foundation Trust",
             ("nhs", "foundation_trust", "health"), "https://www.riversidehospitals.nhs.uk",
             "FOI {n:04d}", 1106, short_name="Riverside Hospitals"),
        Body("department_for_digital_infrastructure", "Department for Digital Infrastructure",
             ("department", "ministerial_department", "central_government"),
             "https://www.gov.uk/government/organisations/department-for-digital-infrastructure",
             "RFI {n:04d}", 1107, short_name="DDI"),
        Body("university_of_harrowgate", "University of Harrowgate", ("university", "HEI"),
             "https://www.harrowgate.ac.uk", "FOI-{yy}-{n:03d}", 1108),
        Body("glenmorven_council", "Glenmorven Council",
             ("scottish_public_authority", "scotland", "local_council", "ons_code:S12000905"),
             "https://www.glenmorven.gov.scot", "FOI/{year}/{n:04d}", 1109),
        Body("nhs_strathard", "NHS Strathard",
             ("scottish_public_authority", "scotland", "nhs", "health_board"),
             "https://www.nhsstrathard.scot.nhs.uk", "{n:04d}-{yy}", 1110),
        Body("hollins_park_primary_school", "Hollins Park Primary School", ("school", "primary_school"),
             "https://www.hollinspark.sch.uk", "HPPS/FOI/{n:02d}", 1111),
        Body("beacon_learning_trust", "Beacon Learning Academy Trust", ("academy_trust", "multi_academy_trust"),
             "https://www.beaconlearning.org.uk", "BLT-FOI-{n:03d}", 1112),
        Body("northern_rivers_environment_agency", "Northern Rivers Environment Agency",
             ("environmental", "regulator"), "https://www.northernrivers.org.uk", "NR-{n:06d}", 1113),
        Body("harrowdale_national_park_authority", "Harrowdale National Park Authority",
             ("national_park", "environmental"), "https://www.harrowdale-npa.gov.uk", "HNPA {n:04d}", 1114),
        Body("kelverton_fire_and_rescue_service", "Kelverton Fire and Rescue Service", ("fire_service",),
             "https://www.kelvertonfire.gov.uk", "FRS/FOI/{n:04d}", 1115),
    )
}

PEOPLE: dict[str, Person] = {
    p.url_name: p
    for p in (
        Person("priya_raman", "Priya Raman", "Ms"),
        Person("tom_whitlock", "Tom Whitlock", "Mr"),
        Person("helen_okafor", "Helen Okafor", "Dr"),
        Person("gareth_pryce", "Gareth Pryce", "Mr"),
        Person("siobhan_mccarthy", "Siobhan McCarthy", "Ms"),
        Person("daniel_ferreira", "Daniel Ferreira", "Mr"),
        Person("ruth_ellingham", "Ruth Ellingham", "Mrs"),
        Person("marcus_bell", "Marcus Bell", "Mr"),
        Person("aileen_macleod", "Aileen MacLeod", "Ms"),
        Person("ben_castle", "Ben Castle", "Mr"),
        Person("jo_hartley", "Jo Hartley", "Ms"),
    )
}

_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def content_type_for(filename: str) -> str:
    return _CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def size_in_bytes(label: str) -> int:
    """Bytes of a printed size: "183K" -> 187392, "1.5M" -> 1572864 (exact by design)."""
    unit = 1024 * 1024 if label.endswith("M") else 1024
    return int(round(float(label[:-1]) * unit))


@dataclass(frozen=True)
class Step:
    """One message of a spec'd thread."""

    direction: str
    kind: str
    text: str
    at: int = 0  # working days after the day the request was sent (day zero)
    minutes: int | None = None  # instead of ``at``: minutes after the previous message
    outcome: str | None = None
    state: str | None = _DEFAULT  # the state chosen after it; UNCLASSIFIED for never classified
    sender: str | None = None  # incoming: "Information Governance Team", "" for the body itself
    external: bool = False  # incoming from outside the authority (a mail server)
    files: tuple[tuple[str, str], ...] = ()  # (filename, printed size)
    quote: str | None = None  # "gt" or "outlook": quote the last outgoing e-mail
    subject: str | None = None


@dataclass(frozen=True)
class Note:
    at: int
    author: str  # url_name of a Person
    text: str


@dataclass(frozen=True)
class Spec:
    title: str
    body: str
    user: str
    start: int | tuple[str, int]  # working days before today, or (holiday name, working days before it)
    steps: tuple[Step, ...]
    law: str = "foi"
    notes: tuple[Note, ...] = ()
    shift: int = 0  # calendar days added to the start (a request sent at a weekend)


def _text(raw: str) -> str:
    return textwrap.dedent(raw).strip("\n")


def out(kind: str, at: int, text: str, **kw) -> Step:
    return Step(OUTGOING, kind, _text(text), at=at, **kw)


def inc(kind: str, at: int, text: str, **kw) -> Step:
    return Step(INCOMING, kind, _text(text), at=at, **kw)


def ir_request(at: int, reason: str) -> Step:
    """The internal review template of Alaveteli (OutgoingMessage::Template::InternalReview)."""
    return out("internal_review_request", at, "\n\n".join([
        "Dear {authority},",
        "Please pass this on to the person who conducts Freedom of Information reviews.",
        "I am writing to request an internal review of {authority}'s handling of my FOI request '{title}'.",
        _text(reason),
        "A full history of my FOI request and all correspondence is available on the Internet at "
        "this address: {url}",
        "Yours faithfully,",
        "{requester}",
    ]))


# ---------------------------------------------------------------------------------- the threads
# The threads live in ``threads/*.yaml``, a list of threads per file, read in file name order and
# in order within a file (the order fixes the random draws, hence every id and time). A thread has
# ``title``, ``body`` (a key of BODIES), ``user`` (a key of PEOPLE), ``start`` (working days before
# today, or ``{before_holiday: name, working_days: n}``) and ``steps``, and may have ``law``
# (``eir``), ``shift`` and ``notes`` (``at``, ``author``, ``text``). A step is ``out: kind`` or
# ``in: kind`` with ``at`` and ``text``, and any other field of ``Step``; an outgoing
# ``internal_review_request`` may give a ``reason`` instead of a ``text``, which Alaveteli's
# internal review template wraps.
#
# Placeholders in the letters: {authority} {requester} {first} {salutation} {title} {ref} {ir_ref}
# {url} {foi_email} {body_email} {sent} {sent_num} {due} {due_num} {due40} {cdue} {ir_due}
# {fee_by} {date} (this message) {prev} (the previous one) {year}.

THREADS = Path(__file__).resolve().parent / "threads"


def thread_files() -> list[Path]:
    """The thread files, in the order they are read."""
    return sorted(THREADS.glob("*.yaml"))


def step_from(entry: dict[str, Any]) -> Step:
    """A ``Step`` from one step of a thread file."""
    fields = dict(entry)
    if "reason" in fields:
        return ir_request(fields["at"], fields["reason"])
    make, kind = (out, fields.pop("out")) if "out" in fields else (inc, fields.pop("in"))
    fields["files"] = tuple(tuple(pair) for pair in fields.get("files", ()))
    return make(kind, fields.pop("at", 0), fields.pop("text"), **fields)


def spec_from(entry: dict[str, Any]) -> Spec:
    """A ``Spec`` from one thread of a thread file."""
    fields = dict(entry, steps=tuple(step_from(step) for step in entry["steps"]),
                  notes=tuple(Note(**note) for note in entry.get("notes", ())))
    if isinstance(fields["start"], dict):
        fields["start"] = (fields["start"]["before_holiday"], fields["start"]["working_days"])
    return Spec(**fields)


@cache
def specs() -> tuple[Spec, ...]:
    """Every thread of the corpus, read once."""
    return tuple(
        spec_from(entry) for path in thread_files() for entry in yaml.safe_load(path.read_text(encoding="utf-8"))
    )


# ------------------------------------------------------------------------------------ building


@dataclass
class _Plan:
    spec: Spec
    body: Body
    person: Person
    calendar: Calendar  # the calendar its letters count in (FOISA: Scotland only)
    start: date
    times: list[datetime]
    note_times: list[datetime]
    request_id: int = 0
    numbers: list[int] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)
    ref_n: int = 0
    ir_n: int = 0


def slug_for(title: str) -> str:
    """Alaveteli's url_title: lower case, runs of other characters as "_", at most 32 characters."""
    slug = "".join(c if c.isascii() and c.isalnum() else "_" for c in title.lower())
    while "__" in slug:
        slug = slug.replace("__", "_")
    return slug.strip("_")[:32].rstrip("_")


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _working_days_before(day: date, count: int, calendar: Calendar) -> date:
    current, counted = day, 0
    while counted < count:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            counted += 1
    return current


def _normalised(name: str) -> str:
    return name.lower().replace("st. ", "saint ").replace("'", "")


def latest_holiday(name: str, not_after: date) -> date:
    """The latest weekday holiday of the union UK calendar called ``name``, on or before a day."""
    wanted = _normalised(name)
    for year in range(not_after.year, not_after.year - 4, -1):
        for day, label in sorted(UK.holidays_in(year).items(), reverse=True):
            if day <= not_after and day.weekday() < 5 and wanted in _normalised(label):
                return day
    raise LookupError(name)


def _start_of(spec: Spec, today: date, calendar: Calendar) -> date:
    if isinstance(spec.start, int):
        start = _working_days_before(today, spec.start, UK)
    else:
        name, lead = spec.start
        start = _working_days_before(latest_holiday(name, today - timedelta(days=110)), lead, calendar)
    return start + timedelta(days=spec.shift)


def _clock_time(day: date, rng: random.Random, first: int, last: int) -> datetime:
    minute = rng.randint(first, last)
    return london_time(day, time(minute // 60, minute % 60, rng.randint(0, 59)))


def _plan(spec: Spec, today: date, rng: random.Random) -> _Plan:
    body, person = BODIES[spec.body], PEOPLE[spec.user]
    calendar = SCOTLAND if body.scottish else UK
    start = _start_of(spec, today, calendar)
    times: list[datetime] = []
    for step in spec.steps:
        if step.minutes is not None:
            moment = times[-1] + timedelta(minutes=step.minutes, seconds=rng.randint(3, 55))
        else:
            day = calendar.add_working_days(start, step.at)
            hours = (7 * 60 + 10, 22 * 60 + 40) if step.direction == OUTGOING else (8 * 60 + 20, 17 * 60 + 40)
            moment = _clock_time(day, rng, *hours)
            if times and moment <= times[-1]:
                moment = times[-1] + timedelta(minutes=rng.randint(25, 200), seconds=rng.randint(0, 59))
        times.append(moment)
    notes = [_clock_time(calendar.add_working_days(start, n.at), rng, 9 * 60, 21 * 60) for n in spec.notes]
    for moment in times + notes:
        if moment.date() >= today:
            raise ValueError(f"{spec.title!r}: a message falls on or after {today}")
    return _Plan(spec, body, person, calendar, start, times, notes,
                 ref_n=rng.randint(120, 9800), ir_n=rng.randint(12, 240))


def _number(plans: list[_Plan], rng: random.Random) -> None:
    """Site-wide ids, increasing with time as on a real site (with gaps for other requests)."""
    request_id = 740_000
    for plan in sorted(plans, key=lambda p: p.times[0]):
        request_id += rng.randint(3, 60)
        plan.request_id = request_id
    counters = {OUTGOING: 812_000, INCOMING: 1_493_000}
    events = sorted(
        (moment, i, j) for i, plan in enumerate(plans) for j, moment in enumerate(plan.times)
    )
    for plan in plans:
        plan.numbers = [0] * len(plan.times)
    for _, i, j in events:
        direction = plans[i].spec.steps[j].direction
        counters[direction] += rng.randint(1, 40)
        plans[i].numbers[j] = counters[direction]
    comment_id = 91_000
    notes = sorted((moment, i, k) for i, plan in enumerate(plans) for k, moment in enumerate(plan.note_times))
    for plan in plans:
        plan.comment_ids = [0] * len(plan.note_times)
    for _, i, k in notes:
        comment_id += rng.randint(5, 90)
        plans[i].comment_ids[k] = comment_id


def _law_full(law: str) -> str:
    return "Environmental Information Regulations" if law == "eir" else "Freedom of Information"


def _wdtk_footer(ctx: dict[str, str], law: str) -> str:
    rule = "-" * 67
    return "\n".join([
        rule, "",
        "Please use this email address for all replies to this request:",
        ctx["foi_email"], "",
        f"Is {ctx['body_email']} the wrong address for {_law_full(law)} requests to {ctx['authority']}? "
        "If so, please contact us using this form:",
        f"{ctx['base_url']}/change_request/new?body={ctx['url_name']}", "",
        "Disclaimer: This message and any reply that you make will be published on the internet. "
        "Our privacy and copyright policies:",
        f"{ctx['base_url']}/help/officers", "",
        "If you find this service useful as an FOI officer, please ask your web manager to link to us "
        "from your organisation's FOI page.", "",
        rule,
    ])


def _quoted(style: str, text: str, subject: str, sent: datetime, ctx: dict[str, str], law: str) -> str:
    """The previous outgoing e-mail as an authority's mail client quotes it below a reply."""
    original = f"{text}\n\n{_wdtk_footer(ctx, law)}"
    if style == "gt":
        lines = [f"> {line}".rstrip() for line in original.split("\n")]
        header = f"On {sent:%d %b %Y}, at {sent:%H:%M}, {ctx['requester']} <{ctx['foi_email']}> wrote:"
        return "\n".join([header] + lines)
    return "\n".join([
        "-----Original Message-----",
        f"From: {ctx['requester']} <{ctx['foi_email']}>",
        f"Sent: {sent:%A}, {long_date(sent.date())} {sent:%H:%M}",
        f"To: FOI <{ctx['body_email']}>",
        f"Subject: {subject}",
        "",
        original,
    ])


def _subject(step: Step, ctx: dict[str, str], law: str, rng: random.Random) -> str:
    base = f"{_law_full(law)} request - {ctx['title']}"
    if step.subject:
        return step.subject.format(**ctx)
    if step.direction == OUTGOING:
        if step.kind == "request":
            return base
        if step.kind == "internal_review_request":
            return f"Internal review of {base}"
        return f"Re: {base}"
    if step.kind == "auto_reply":
        return f"Undeliverable: {base}" if step.external else f"Automatic reply: {base}"
    return rng.choice([f"RE: {base}", f"{ctx['ref']} - {base}", f"Your request for information - {ctx['ref']}"])


def _context(plan: _Plan, host: str) -> dict[str, str]:
    spec, body, person, cal = plan.spec, plan.body, plan.person, plan.calendar
    sent = plan.times[0].date()
    days = [t.date() for t in plan.times]
    kinds = [s.kind for s in spec.steps]

    def step_day(kind: str) -> date:
        return days[kinds.index(kind)] if kind in kinds else sent

    clarified = step_day("clarification")
    fee_day = step_day("fees_notice")
    year = sent.year
    fee_by = date(fee_day.year + (fee_day.month + 2) // 12, (fee_day.month + 2) % 12 + 1, min(fee_day.day, 28))
    return {
        "authority": body.name,
        "url_name": body.url_name,
        "requester": person.name,
        "first": person.name.split()[0],
        "salutation": f"{person.title} {person.surname}",
        "title": spec.title,
        "ref": body.ref.format(n=plan.ref_n, year=year, yy=f"{year % 100:02d}"),
        "ir_ref": f"IR/{year}/{plan.ir_n:03d}",
        "base_url": f"http://{host}",
        "url": f"http://{host}/request/{slug_for(spec.title)}",
        "foi_email": f"[FOI #{plan.request_id} email]",
        "body_email": f"[{body.name} request email]",
        "sent": long_date(sent),
        "sent_num": f"{sent:%d/%m/%Y}",
        "due": long_date(cal.add_working_days(sent, 20)),
        "due_num": f"{cal.add_working_days(sent, 20):%d/%m/%Y}",
        "due40": long_date(cal.add_working_days(sent, 40)),
        "cdue": long_date(cal.add_working_days(clarified, 20)),
        "ir_due": long_date(cal.add_working_days(step_day("internal_review_request"), 20)),
        "fee_by": long_date(fee_by),
        "year": str(year),
    }


def _default_state(step: Step, described: str | None) -> str | None:
    if step.kind == "clarification_request":
        return "waiting_clarification"
    if step.kind in ANSWER_KINDS:
        return OUTCOME_STATE[step.outcome or ""]
    if step.kind == "auto_reply" and step.external:
        return "error_message"
    return "internal_review" if described == "internal_review" else "waiting_response"


def _outgoing_state(kind: str) -> str | None:
    """calculated_state of an outgoing event (Alaveteli sets one only on these)."""
    return SENT_STATE.get(kind)


def site_status_for(described: str, clock: date, body: Body, today: date) -> tuple[str, date]:
    """Alaveteli's calculate_status of a described request, on the site's union UK calendar."""
    due = UK.add_working_days(clock, 20)
    if described != "waiting_response":
        return described, due
    if today > UK.add_working_days(clock, 60 if body.school else 40):
        return "waiting_response_very_overdue", due
    if today > due:
        return "waiting_response_overdue", due
    return "waiting_response", due


def display_status_of_event(direction: str, state: str | None) -> str:
    """display_status of an event with a message (docs/alaveteli.md, "The request .json")."""
    if direction == OUTGOING:
        return {"internal_review": "Internal review request", "waiting_response": "Clarification"}.get(
            state or "", "Follow up")
    return STATE_LABELS.get(state or "", "Response") if state else "Response"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _materialise(plan: _Plan, host: str, today: date, rng: random.Random) -> Thread:
    spec, body, person = plan.spec, plan.body, plan.person
    base_url = f"http://{host}"
    slug = slug_for(spec.title)
    site = Site(id=host, base_url=base_url, name=SITE_NAME, regime="foia")
    authority = Authority(id=f"{host}/body/{body.url_name}", site_id=host, url_name=body.url_name,
                          name=body.name, tags=list(body.tags), regime="foisa" if body.scottish else "foia")
    user = User(id=f"{host}/user/{person.url_name}", site_id=host, url_name=person.url_name, name=person.name)
    ctx = _context(plan, host)
    refs = [ctx["ref"], ctx["ir_ref"]]
    messages: list[Message] = []
    texts: list[str] = []
    subjects: list[str] = []
    described: str | None = None
    awaiting = False
    clock = plan.times[0].date()
    for j, step in enumerate(spec.steps):
        moment = plan.times[j]
        local = dict(ctx, date=long_date(moment.date()),
                     prev=long_date(plan.times[j - 1].date()) if j else ctx["sent"])
        text = step.text.format(**local)
        subject = _subject(step, local, spec.law, rng)
        if step.quote:
            last = max(k for k in range(j) if spec.steps[k].direction == OUTGOING)
            text = f"{text}\n\n{_quoted(step.quote, texts[last], subjects[last], plan.times[last], local, spec.law)}"
        texts.append(text)
        subjects.append(subject)
        number = plan.numbers[j]
        if step.direction == OUTGOING:
            message_id = f"{host}/outgoing-{number}"
            site_state = _outgoing_state(step.kind)
            if step.kind == "request":
                described = "waiting_response"
            elif step.kind == "clarification" and described == "waiting_clarification":
                described, clock = "waiting_response", moment.date()
            elif step.kind == "internal_review_request":
                described = "internal_review"
            elif step.kind == "withdrawal":
                described = "user_withdrawn"
            event_type = "sent" if step.kind == "request" else "followup_sent"
            author = person.name
        else:
            message_id = f"{host}/incoming-{number}"
            state = _default_state(step, described) if step.state == _DEFAULT else step.state
            if state == UNCLASSIFIED:
                site_state = None
                awaiting = awaiting or described != "user_withdrawn"
            else:
                site_state, described, awaiting = state, state, False
            event_type = "response"
            author = step.sender if step.external else (
                f"{step.sender}, {body.name}" if step.sender else body.name)
        attachments = [
            _attachment(message_id, base_url, slug, number, part, name.format(**local), size)
            for part, (name, size) in enumerate(step.files, start=2)
        ]
        messages.append(Message(
            id=message_id, direction=step.direction, sent_at=_iso(moment), author=author,
            subject=subject, body_text=text, attachments=attachments, event_type=event_type,
            site_state=site_state, site_display_status=display_status_of_event(step.direction, site_state),
            kind=step.kind, outcome=step.outcome, authority_refs=[r for r in refs if r in text],
        ))
    status, due = site_status_for(described or "waiting_response", clock, body, today)
    if awaiting:
        status = "waiting_classification"
    thread_id = f"{host}/request/{slug}"
    annotations = [
        Annotation(id=f"{host}/comment-{plan.comment_ids[k]}", request_id=thread_id,
                   author=PEOPLE[note.author].name, created_at=_iso(plan.note_times[k]),
                   body_text=_text(note.text).format(**ctx))
        for k, note in enumerate(spec.notes)
    ]
    return Thread(
        id=thread_id, site=site, url=f"{base_url}/request/{slug}", slug=slug, title=spec.title,
        authority=authority, user=user, site_status=status,
        due_date=due.isoformat() if status in AWAITING_RESPONSE_STATES and status != "waiting_response_very_overdue" else None,
        law_used=spec.law, site_request_id=plan.request_id,
        created_at=_iso(plan.times[0] - timedelta(seconds=2)), messages=messages, annotations=annotations,
    )


def display_filename(name: str) -> str:
    """Alaveteli's FoiAttachment#display_filename: anything but letters, digits and "." is a space."""
    return "".join(c if (c.isascii() and c.isalnum()) or c == "." else " " for c in name)


def _attachment(message_id: str, base_url: str, slug: str, number: int, part: int, name: str,
                size: str) -> Attachment:
    filename = display_filename(name)
    url = f"{base_url}/request/{slug}/response/{number}/attach/{part}/{quote(filename)}?cookie_passthrough=1"
    return Attachment(id=f"{message_id}/attachment-{part}", message_id=message_id, filename=filename,
                      url=url, content_type=content_type_for(filename), size=size_in_bytes(size))


def build_corpus(today: date, host: str = PLACEHOLDER_HOST) -> list[Thread]:
    """The sample threads as a site at ``host`` shows them on ``today`` (deterministic)."""
    rng = random.Random(SEED)
    plans = [_plan(spec, today, rng) for spec in specs()]
    _number(plans, rng)
    threads = [_materialise(plan, host, today, rng) for plan in plans]
    slugs = [t.slug for t in threads]
    if len(set(slugs)) != len(slugs):
        raise ValueError("two demo threads share a url_title")
    return threads


def authorities(host: str = PLACEHOLDER_HOST) -> list[Authority]:
    """Every authority of the demo site, including those without a request in the corpus."""
    return [
        Authority(id=f"{host}/body/{b.url_name}", site_id=host, url_name=b.url_name, name=b.name,
                  tags=list(b.tags), regime="foisa" if b.scottish else "foia")
        for b in BODIES.values()
    ]
