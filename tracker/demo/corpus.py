"""The demo corpus: sample request threads on an imaginary Alaveteli site, as data.

Every thread is written as a ``Spec``: its authority, requester, when it started and a list of
``Step``s (one per message) whose ``kind`` / ``outcome`` are the TRUE labels of DESIGN.md's
taxonomy. ``build_corpus(today)`` places the steps on the calendar relative to ``today`` (open
requests are genuinely open, overdue or long overdue on that day; some closed threads are
anchored just before a bank holiday so that their clocks span it), numbers everything the way
an Alaveteli site would (site-wide ids in time order) and returns ``tracker.model.Thread``s.

The site status of each thread is not written by hand: it is derived the way Alaveteli derives
it (the last state the requester chose, ``waiting_classification`` while a response is
unclassified, and the overdue variants of ``waiting_response`` from the site's union UK
calendar), so it is true by construction for ``today``.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from tracker.deadlines import SCOTLAND, UK, Calendar
from tracker.model import INCOMING, OUTGOING, Annotation, Attachment, Authority, Message, Site, Thread, User
from tracker.model.taxonomy import (
    ADMIN_STATES,
    ANSWER_KINDS,
    AWAITING_RESPONSE_STATES,
    OUTCOME_STATE,
    SENT_STATE,
    STATE_LABELS,
    STATES,
)

LONDON = ZoneInfo("Europe/London")
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
    return datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)), LONDON)


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
    """display_status of an event with a message (alaveteli.md §2.1)."""
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
    plans = [_plan(spec, today, rng) for spec in SPECS]
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


# --------------------------------------------------------------------------------------- letters
# Placeholders: {authority} {requester} {first} {salutation} {title} {ref} {ir_ref} {url}
# {foi_email} {body_email} {sent} {sent_num} {due} {due_num} {due40} {cdue} {ir_due} {fee_by}
# {date} (this message) {prev} (the previous one) {year}.

_SIGN = "Yours faithfully,\n\n{requester}"

SPECS: list[Spec] = [
    # ---------------------------------------------------------------- open: waiting_response
    Spec("Pothole compensation claims 2024-25", "northbridge_city_council", "priya_raman", 7, (
        out("request", 0, """\
            Dear Northbridge City Council,

            Please provide the following information for the financial year 2024-25 (1 April 2024 to 31 March 2025):

            1. The number of claims received for damage to vehicles caused by potholes on roads maintained by the council.
            2. The number of those claims on which the council made a payment, and the total amount paid.
            3. The five streets or roads with the highest number of claims.

            A spreadsheet would be ideal, but any format is fine.

            Yours faithfully,

            Priya Raman"""),
        inc("acknowledgement", 0, """\
            Thank you for your request for information, which was received on {sent_num}. Your reference number is {ref}.

            We will aim to respond within 20 working days, by {due} at the latest.

            Please quote the reference number in any future correspondence about this request.

            This is an automated message - please do not reply to this email.

            Information Governance
            Northbridge City Council""", minutes=3),
    )),
    Spec("Live facial recognition deployments", "wessex_vale_police", "tom_whitlock", 4, (
        out("request", 0, """\
            Dear Wessex Vale Police,

            Under the Freedom of Information Act 2000, I would like to request the following information about the force's use of live facial recognition (LFR) cameras since 1 January 2025:

            1. The date and location (town or street) of each deployment.
            2. For each deployment, the number of alerts generated, the number of people engaged by officers and the number of arrests.
            3. The number of images on the watchlist used for each deployment.
            4. A copy of the current Data Protection Impact Assessment for LFR.

            If any part of this request would take the cost over the limit, please drop part 4 first.

            Yours faithfully,

            Tom Whitlock"""),
        inc("acknowledgement", 0, """\
            This is an automated acknowledgement. Please do not reply to this message.

            Your email has been received by the Wessex Vale Police Freedom of Information Unit. If your email is a request for information it will be logged and you will receive a reference number within 3 working days.

            Wessex Vale Police - Information Rights""", minutes=2),
        inc("acknowledgement", 2, """\
            Dear {salutation}

            Freedom of Information Request Reference No: {ref}

            I write in connection with your request for information received by Wessex Vale Police on {sent}.

            Your request will now be considered in accordance with the Freedom of Information Act 2000 (the Act). You will receive a response within the statutory timescale of 20 working days as defined by the Act, subject to the information not being exempt or containing a reference to a third party. In some circumstances Wessex Vale Police may be unable to achieve this deadline. If this is likely you will be informed and given a revised time-scale at the earliest opportunity.

            Yours sincerely

            Disclosure Officer
            Freedom of Information Unit""", sender="Disclosure Officer"),
    )),
    # ---------------------------------------------------------------- open: overdue on the site
    Spec("Storm overflow spill monitoring on the River Lenn", "northern_rivers_environment_agency",
         "daniel_ferreira", 27, law="eir", steps=(
        out("request", 0, """\
            Dear Northern Rivers Environment Agency,

            Under the Environmental Information Regulations 2004, please provide the event duration monitoring (EDM) data you hold for storm overflows discharging into the River Lenn between Hexley and Marston Weir for calendar years 2024 and 2025, namely:

            1. The number and total duration of spills for each overflow, by month.
            2. Any overflows where the monitor was recorded as not operational for more than 10% of the year.
            3. Copies of any enforcement letters sent to the water company about these overflows.

            Data in CSV or spreadsheet format would be most helpful.

            Yours faithfully,

            Daniel Ferreira"""),
        inc("acknowledgement", 1, """\
            Dear {salutation},

            Thank you for your request, which we received on {sent}. We are handling it under the Environmental Information Regulations 2004 (EIR) as it concerns environmental information. Your reference is {ref}.

            We aim to respond by {due}.

            Kind regards

            Customer Engagement Team
            Northern Rivers Environment Agency""", sender="Customer Engagement Team"),
        inc("extension_notice", 18, """\
            Dear {salutation},

            Request for information - {ref}

            I am writing to let you know that we need more time to respond to your request.

            Regulation 7(1) of the EIR allows us to extend the time for response from 20 to 40 working days where the complexity and volume of the information requested makes it impracticable to comply within the earlier period. Your request covers 34 overflows over two years and the enforcement correspondence is held across three area teams, so we are extending the time limit.

            We now expect to respond by {due40}. If we can respond sooner we will.

            Kind regards

            Customer Engagement Team""", sender="Customer Engagement Team", quote="gt"),
    )),
    Spec("Ministers' use of WhatsApp and disappearing messages", "department_for_digital_infrastructure",
         "helen_okafor", 29, (
        out("request", 0, """\
            Dear Department for Digital Infrastructure,

            Please provide:

            1. Any guidance issued to ministers, special advisers or officials since January 2023 on the use of WhatsApp, Signal or other non-corporate messaging applications for government business.
            2. Any guidance on the use of "disappearing messages" settings on such applications.
            3. The number of occasions since January 2023 on which messages from a minister's non-corporate account were transferred to the department's records management system.

            I am happy to receive the guidance in any electronic format.

            Yours faithfully,

            Dr Helen Okafor"""),
        inc("acknowledgement", 1, """\
            Dear Dr Okafor,

            Thank you for your request for information, which we received on {sent}. We have given it the reference {ref}.

            We will respond to you by {due}, in line with the Freedom of Information Act 2000.

            Yours sincerely,

            FOI Team
            Department for Digital Infrastructure""", sender="FOI Team"),
        inc("extension_notice", 20, """\
            Dear Dr Okafor,

            Our reference: {ref}

            Thank you for your request for information, received on {sent}.

            We hold information within the scope of your request. We consider that some of it may be exempt under section 35(1)(a) (formulation or development of government policy) and section 36(2)(b) (prejudice to the effective conduct of public affairs) of the Freedom of Information Act. These are qualified exemptions and we must consider whether the public interest in maintaining them outweighs the public interest in disclosure.

            Section 10(3) of the Act allows us to extend the 20 working day deadline to consider the public interest. We have not yet reached a decision, and we aim to let you have a full response by {due40}. This notice is given under section 17(2) of the Act.

            Yours sincerely,

            FOI Team
            Department for Digital Infrastructure""", sender="FOI Team"),
        out("follow_up", 25, """\
            Dear Department for Digital Infrastructure,

            Thank you for your letter extending the deadline for request {ref}.

            I would be grateful if you could release parts 2 and 3 of my request, which do not seem to engage section 35, now rather than waiting for the public interest decision on part 1. The ICO's guidance is that a public interest extension should not exceed a further 20 working days.

            Yours faithfully,

            Dr Helen Okafor"""),
    )),
    Spec("Spending on bed and breakfast temporary accommodation", "ashcombe_district_council",
         "gareth_pryce", 33, (
        out("request", 0, """\
            Dear Ashcombe District Council,

            I would like to request the following under the Freedom of Information Act:

            - the total amount the council spent on bed and breakfast accommodation for homeless households in each of the last three financial years (2022-23, 2023-24, 2024-25);
            - the number of families with children placed in B&B accommodation for longer than six weeks in each of those years;
            - the names of the five providers paid the most in 2024-25.

            Many thanks,

            Gareth Pryce"""),
        inc("acknowledgement", 2, """\
            Dear Mr Pryce

            Thank you for your Freedom of Information request, which has been logged under reference {ref}.

            The council will respond within 20 working days of receipt.

            Regards

            Corporate Information Officer
            Ashcombe District Council""", sender="Corporate Information Officer"),
        out("follow_up", 23, """\
            Dear Ashcombe District Council,

            My request (your reference {ref}) was due a response by {due}. By law, you should have responded promptly and no later than that date.

            Please could you let me know when I can expect a reply.

            Yours faithfully,

            Gareth Pryce"""),
        inc("delay_notice", 25, """\
            Dear Mr Pryce

            Please accept our apologies for the delay in responding to your request. The Housing Options service has received a high volume of requests and has had staff absence this month.

            We are chasing the service for the information and hope to respond shortly.

            Regards

            Corporate Information Officer""", sender="Corporate Information Officer", quote="gt"),
    )),
    Spec("Permanent exclusions and suspensions 2024-25", "beacon_learning_trust", "siobhan_mccarthy", 47, (
        out("request", 0, """\
            Dear Beacon Learning Academy Trust,

            For each academy in the trust, please tell me for the 2024-25 academic year:

            1. The number of permanent exclusions.
            2. The number of suspensions (fixed-term exclusions).
            3. The number of those pupils who had an education, health and care plan.

            Where numbers are fewer than five I am happy for you to show "fewer than 5".

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("acknowledgement", 3, """\
            Dear Ms McCarthy

            I acknowledge receipt of your request for information, reference {ref}.

            Please note that requests received by academies are handled within 20 school days or 60 working days, whichever is shorter, in line with the Freedom of Information (Time for Compliance with Request) Regulations 2010. I will be in touch as soon as possible.

            Kind regards

            Data Protection and Governance Lead
            Beacon Learning Academy Trust""", sender="Data Protection and Governance Lead"),
        out("follow_up", 26, """\
            Dear Beacon Learning Academy Trust,

            I'm writing to ask when I can expect a response to my request, reference {ref}. It is now more than 20 working days since you received it, and the school term has been running throughout.

            Yours faithfully,

            Siobhan McCarthy"""),
    )),
    # ---------------------------------------------------------------- open: long overdue
    Spec("Agency social worker costs 2022 to 2025", "kelverton_county_council", "ruth_ellingham", 58, (
        out("request", 0, """\
            Dear Kelverton County Council,

            Please could you provide, for children's social care:

            1. The total spent on agency social workers in each financial year from 2022-23 to 2024-25.
            2. The number of agency social workers engaged on 31 March of each of those years.
            3. The highest hourly rate paid to an agency for a social worker in 2024-25.

            Yours faithfully,

            Ruth Ellingham"""),
        inc("acknowledgement", 0, """\
            Thank you for contacting Kelverton County Council's Information Governance Team.

            This is an automatic acknowledgement of your email. If you have made a request for information, it will be logged and you will receive a response within 20 working days. We may need to contact you if we need clarification.

            Please do not reply to this email.""", minutes=6),
        out("follow_up", 24, """\
            Dear Kelverton County Council,

            I have not yet received a response to my request of {sent}, which was due by {due}. Please can you tell me when you will be able to respond?

            Yours faithfully,

            Ruth Ellingham"""),
        inc("auto_reply", 24, """\
            Thank you for your email. I am currently out of the office with limited access to email, returning on Monday.

            For Freedom of Information and Environmental Information enquiries, please contact the Information Governance Team on [email address] or 01632 960 412.

            Lorna Pickering
            Information Governance Officer""", minutes=1, sender="Lorna Pickering"),
        out("follow_up", 45, """\
            Dear Kelverton County Council,

            My request is now long overdue - it is more than 40 working days since you received it and I have had no reply beyond an automatic acknowledgement.

            If I do not hear from you within ten working days I will complain to the Information Commissioner's Office.

            Yours faithfully,

            Ruth Ellingham"""),
    )),
    Spec("Reading scheme and phonics programme costs", "hollins_park_primary_school", "marcus_bell", 70, (
        out("request", 0, """\
            Dear Hollins Park Primary School,

            Under the Freedom of Information Act 2000, please tell me:

            1. Which systematic synthetic phonics programme the school uses.
            2. How much the school spent on that programme (licences, books and training) in 2023-24 and 2024-25.
            3. Whether the school has bought any additional reading scheme books in that period, and the cost.

            Thank you for your help.

            Yours faithfully,

            Marcus Bell"""),
        inc("auto_reply", 0, """\
            Thank you for your email.

            The school office is now closed for the holiday. Emails are not monitored during school holidays and we will respond when the school reopens.

            If your message concerns a safeguarding matter, please contact the Kelverton Children's Services front door on 01632 960 118.

            Hollins Park Primary School""", minutes=1),
        out("follow_up", 30, """\
            Dear Hollins Park Primary School,

            I sent the request below some weeks ago and have not had a reply. I appreciate schools are busy, but could you let me know whether it has been received and when you expect to respond?

            Yours faithfully,

            Marcus Bell"""),
    )),
    # ---------------------------------------------------------------- open: waiting_clarification
    Spec("Parking enforcement contractor performance reports", "eastwick_borough_council", "ben_castle", 14, (
        out("request", 0, """\
            Dear London Borough of Eastwick,

            Please provide copies of the performance reports submitted by your parking enforcement contractor under the current contract, together with any performance deductions or penalties applied since the contract began.

            Yours faithfully,

            Ben Castle"""),
        inc("acknowledgement", 0, """\
            Dear Requester

            Thank you for your request for information. Your request has been logged under reference {ref} and passed to the relevant service.

            You should receive a response by {due}.

            Information Management Team
            London Borough of Eastwick""", minutes=10),
        inc("clarification_request", 6, """\
            Dear Mr Castle

            Freedom of Information request {ref}

            Thank you for your request. In order to locate the information you want, we need some further detail from you, as provided for by section 1(3) of the Freedom of Information Act.

            The contractor submits weekly operational returns, monthly KPI reports and an annual performance review. Could you please confirm which of these you would like, and for what period? The contract began in April 2021, so all reports since then would be a very large volume of information.

            Please note that the 20 working day period for responding will not start until we receive your clarification. If we do not hear from you within two months we will consider the request closed.

            Kind regards

            Information Management Team""", sender="Information Management Team", quote="gt"),
    )),
    Spec("Agency nurse spend by ward", "riverside_hospitals_nhs_foundation_trust", "helen_okafor", 9, (
        out("request", 0, """\
            Dear Riverside Hospitals NHS Foundation Trust,

            Please provide the amount spent on agency nursing staff in 2024-25, broken down by ward, and the number of agency shifts filled above the NHS England price cap in the same year.

            Yours faithfully,

            Dr Helen Okafor"""),
        inc("clarification_request", 3, """\
            Dear Dr Okafor,

            Thank you for your email. Before we can process your request, could you please clarify:

            a) whether you would like figures for all three of our hospital sites (Riverside General, St Anne's and Millbrook Community Hospital) or a particular site; and
            b) whether "agency" should include our internal staff bank, which we do not normally count as agency spend.

            Once we receive your reply we will log your request and respond within 20 working days.

            Kind regards,

            FOI Office
            Riverside Hospitals NHS Foundation Trust""", sender="FOI Office", quote="outlook"),
    )),
    # ---------------------------------------------------------------- open: internal review
    Spec("ANPR camera locations", "wessex_vale_police", "gareth_pryce", 40, (
        out("request", 0, """\
            Dear Wessex Vale Police,

            Please provide a list of the locations of all fixed automatic number plate recognition (ANPR) cameras operated by the force, and the number of vehicle reads recorded by each camera in 2025.

            Yours faithfully,

            Gareth Pryce"""),
        inc("acknowledgement", 0, """\
            This is an automated acknowledgement. Please do not reply to this message.

            Your email has been received by the Wessex Vale Police Freedom of Information Unit and will be logged.

            Wessex Vale Police - Information Rights""", minutes=3),
        inc("response", 19, """\
            Dear Mr Pryce

            Freedom of Information Request Reference No: {ref}

            I write in connection with your request for information received on {sent} concerning ANPR cameras.

            Wessex Vale Police can neither confirm nor deny the exact locations of fixed ANPR cameras. The information is exempt by virtue of section 31(1)(a) and (b) (law enforcement) and section 24(1) (national security) of the Act. Disclosure of camera locations would allow offenders to plan routes that avoid detection, undermining the prevention and detection of crime and the apprehension of offenders.

            These are qualified exemptions and I have considered the public interest. While there is a public interest in transparency about the use of surveillance technology, the public interest in maintaining the effectiveness of ANPR as a law enforcement tool outweighs it. Your request is therefore refused in full.

            Please see the attached letter for our full reasoning and details of your right to request an internal review.

            Yours sincerely

            Disclosure Officer""", outcome="refused", sender="Disclosure Officer",
            files=(("{ref} response.pdf", "96K"),)),
        ir_request(23, """\
            The national ANPR guidance is already public, and several other forces publish the roads on which fixed cameras are sited. I do not accept that disclosing the number of reads per camera, without locations, would prejudice law enforcement at all, and the response does not address that part of my request separately."""),
        inc("acknowledgement", 25, """\
            Dear Mr Pryce

            I acknowledge receipt of your request for an internal review of the handling of FOI request {ref}. Your review has been allocated the reference {ir_ref}.

            We aim to complete internal reviews within 20 working days, by {ir_due}.

            Yours sincerely

            Information Rights Manager""", sender="Information Rights Manager"),
    )),
    Spec("Catering contract pricing schedule", "university_of_harrowgate", "aileen_macleod", 75, (
        out("request", 0, """\
            Dear University of Harrowgate,

            Please send me a copy of the pricing schedule (Schedule 4) of the university's current catering services contract, together with the total amount paid to the contractor in 2024-25.

            Yours faithfully,

            Aileen MacLeod"""),
        inc("acknowledgement", 2, """\
            Dear Ms MacLeod,

            Thank you for your request, which we have logged as {ref}. We will respond by {due}.

            Best wishes,

            Information Compliance Office
            University of Harrowgate""", sender="Information Compliance Office"),
        inc("response", 20, """\
            Dear Ms MacLeod,

            Our ref: {ref}

            The total paid to the contractor in 2024-25 was £3,412,908 (excluding VAT).

            The pricing schedule is withheld under section 43(2) of the Freedom of Information Act (commercial interests). The schedule sets out unit rates and margins which, if disclosed, would be likely to prejudice the contractor's position in other tenders and the university's ability to obtain value for money when the contract is re-let in 2027. We have considered the public interest and concluded that it favours withholding the information at this time.

            If you are unhappy with this response you may request an internal review within 40 working days.

            Best wishes,

            Information Compliance Office""", outcome="refused", sender="Information Compliance Office"),
        ir_request(22, """\
            The total paid is helpful, but the pricing schedule is the information that allows students and staff to understand what the university is paying for each meal. Other universities have released comparable schedules with margins redacted, so a complete refusal under section 43(2) is disproportionate. Please consider partial disclosure."""),
        out("follow_up", 50, """\
            Dear University of Harrowgate,

            I requested an internal review on {prev} and have not heard anything since. The Code of Practice issued under section 45 says internal reviews should normally be completed within 20 working days and never more than 40.

            Please let me know when I will receive the outcome.

            Yours faithfully,

            Aileen MacLeod"""),
    ), notes=(Note(52, "jo_hartley", """\
        The section 45 Code of Practice says internal reviews should take no more than 20 working days, or 40 in exceptional cases. Once the review is overdue you can complain to the ICO without waiting for it."""),)),
    # ---------------------------------------------------------------- awaiting classification
    Spec("Council-owned land disposals since 2020", "northbridge_city_council", "tom_whitlock", 30, (
        out("request", 0, """\
            Dear Northbridge City Council,

            Please provide a list of all council-owned land and buildings sold or transferred on a long lease since 1 April 2020, showing for each the address, the date of completion, the price or premium received, and whether the disposal was at less than best consideration.

            Yours faithfully,

            Tom Whitlock"""),
        inc("acknowledgement", 0, """\
            Thank you for your request for information, which was received on {sent_num}. Your reference number is {ref}.

            We will aim to respond within 20 working days, by {due} at the latest.

            This is an automated message - please do not reply to this email.

            Information Governance
            Northbridge City Council""", minutes=5),
        inc("response", 19, """\
            Dear Mr Whitlock

            Freedom of Information Act 2000 - Request {ref}

            Thank you for your request for information. Please find attached a spreadsheet listing the 61 disposals completed since 1 April 2020, with the address, completion date, consideration received and whether the General Disposal Consent was relied on for a disposal at less than best consideration.

            The covering letter explains how the figures were compiled. Two disposals to a registered provider were at nil consideration under a nomination agreement.

            If you are not satisfied with this response you may ask for an internal review by writing to Information Governance within 40 working days. You also have the right to complain to the Information Commissioner's Office.

            Yours sincerely

            Asset Management Team
            Northbridge City Council""", outcome="successful", state=UNCLASSIFIED, sender="Asset Management Team",
            files=(("{ref} Land disposals 2020 2025.xlsx", "48K"), ("{ref} covering letter.pdf", "121K"))),
    )),
    Spec("Fire safety inspections of high-rise residential buildings", "kelverton_fire_and_rescue_service",
         "ben_castle", 60, (
        out("request", 0, """\
            Dear Kelverton Fire and Rescue Service,

            For residential buildings of 18 metres or more in height in your area, please provide:

            1. The number of fire safety audits carried out in each year 2023, 2024 and 2025.
            2. The number of enforcement notices and prohibition notices issued as a result.
            3. The address of each building that received an enforcement or prohibition notice.

            Yours faithfully,

            Ben Castle"""),
        inc("acknowledgement", 1, """\
            Dear Mr Castle,

            Thank you for your request, reference {ref}, received on {sent}. We will respond no later than {due}.

            Regards,

            Information Governance
            Kelverton Fire and Rescue Service""", sender="Information Governance"),
        inc("response", 18, """\
            Dear Mr Castle,

            Please find attached a CSV file with the number of audits, enforcement notices and prohibition notices for each year.

            We have not provided the addresses of individual buildings. We consider that this information is exempt under section 38(1)(a) and (b) of the Freedom of Information Act 2000 (health and safety), because identifying buildings with outstanding fire safety failings could endanger residents by making them targets for arson or anti-social behaviour. Enforcement notices that have been served are recorded on the public register maintained by the Health and Safety Executive.

            Regards,

            Information Governance""", outcome="partially_successful", state=UNCLASSIFIED, sender="Information Governance",
            quote="outlook", files=(("High rise inspections 2023 2025.csv", "12K"),)),
    )),
    Spec("Cost of external legal advice on the Digital Markets Bill", "department_for_digital_infrastructure",
         "ruth_ellingham", 45, (
        out("request", 0, """\
            Dear Department for Digital Infrastructure,

            Please tell me how much the department has spent on external legal advice (including counsel's fees) in connection with the Digital Markets Bill, and which chambers or firms were instructed.

            Yours faithfully,

            Ruth Ellingham"""),
        inc("acknowledgement", 0, """\
            Thank you for your email to the Department for Digital Infrastructure. This is an automatic acknowledgement. Freedom of Information requests are answered within 20 working days.""",
            minutes=8),
        inc("response", 20, """\
            Dear Mrs Ellingham,

            Our reference: {ref}

            Thank you for your request for information, which we received on {sent}.

            I can confirm that the Department for Digital Infrastructure does not hold the information you have requested. Legal advice on the Bill was provided by the Government Legal Department, and no external counsel or law firms were instructed by the department.

            You may wish to contact the Government Legal Department, which may hold information about any counsel it instructed.

            If you are unhappy with the service you have received you may request an internal review within two months of the date of this letter.

            Yours sincerely,

            FOI Team""", outcome="not_held", state=UNCLASSIFIED, sender="FOI Team"),
    )),
]

# ------------------------------------------------------------------------ answered: successful
SPECS += [
    Spec("Penalty Charge Notices issued by month in 2025", "northbridge_city_council", "marcus_bell", 120, (
        out("request", 0, """\
            Dear Northbridge City Council,

            Please provide the number of Penalty Charge Notices issued by the council in 2025, broken down by month and by contravention code, and the number cancelled on appeal in each month.

            Yours faithfully,

            Marcus Bell"""),
        inc("acknowledgement", 0, """\
            Thank you for your request for information, which was received on {sent_num}. Your reference number is {ref}.

            We will aim to respond within 20 working days, by {due} at the latest.

            This is an automated message - please do not reply to this email.""", minutes=2),
        inc("response", 14, """\
            Dear Mr Bell

            Request {ref}

            Please find attached a spreadsheet showing the number of Penalty Charge Notices issued in 2025 by month and contravention code, with the number cancelled following a formal representation or an appeal to the Traffic Penalty Tribunal.

            In total 48,216 PCNs were issued and 3,904 were cancelled.

            Information about parking enforcement is also published in the council's annual parking report, available on our website.

            Kind regards

            Parking Services
            Northbridge City Council""", outcome="successful", sender="Parking Services", quote="gt",
            files=(("{ref} PCNs by month 2025.xlsx", "31K"),)),
        inc("other", 16, """\
            Dear customer,

            You recently made a Freedom of Information request to Northbridge City Council. We would be grateful if you could take two minutes to tell us how we did by completing our short survey.

            Your feedback helps us to improve our service.

            Information Governance
            Northbridge City Council""", state="successful"),
    )),
    Spec("Winter gritting routes and salt stock levels", "kelverton_county_council", "aileen_macleod",
         ("Christmas Day", 4), law="eir", steps=(
        out("request", 0, """\
            Dear Kelverton County Council,

            Please provide a map or list of the council's priority gritting routes for this winter, the salt stock held at each depot at the start of December, and the number of gritting runs carried out so far this winter.

            Yours faithfully,

            Aileen MacLeod"""),
        inc("acknowledgement", 1, """\
            Dear Ms MacLeod,

            Thank you for your request. As it concerns environmental information we are dealing with it under the Environmental Information Regulations 2004. Your reference is {ref} and we will respond by {due}, allowing for the bank holidays over Christmas and New Year.

            Information Governance Team
            Kelverton County Council""", sender="Information Governance Team"),
        inc("response", 19, """\
            Dear Ms MacLeod

            Environmental Information Regulations 2004 - {ref}

            Please find attached the priority gritting route map for this winter and a table of salt stocks by depot as at 1 December, together with the number of precautionary gritting runs made each week.

            The information is provided under regulation 5(1) of the EIR.

            If you are dissatisfied with the handling of your request you can ask for it to be reconsidered under regulation 11 within 40 working days.

            Yours sincerely

            Highways Asset Manager""", outcome="successful", sender="Highways Asset Manager",
            files=(("Priority gritting routes.pdf", "1.5M"), ("Salt stocks and gritting runs.csv", "3K"))),
    )),
    Spec("Single person discount reviews 2023 to 2025", "eastwick_borough_council", "priya_raman", 150, (
        out("request", 0, """\
            Dear London Borough of Eastwick,

            Please tell me, for each of the financial years 2023-24 and 2024-25:

            1. How many council tax single person discounts were reviewed.
            2. How many were removed as a result of the review.
            3. The total additional council tax billed as a result.
            4. Whether the review was carried out in-house or by an external company, and if external, the fee paid.

            Yours faithfully,

            Priya Raman"""),
        inc("response", 11, """\
            Dear Ms Raman

            FOI reference {ref}

            Thank you for your request. The information you asked for is below.

            Year       Reviewed   Removed   Additional council tax billed
            2023-24    24,310     2,118     £1,204,553
            2024-25    25,077     1,963     £1,188,920

            The reviews were carried out by an external company, which was paid £86,400 in 2023-24 and £88,950 in 2024-25 under a contract awarded through a national framework.

            Kind regards

            Revenues and Benefits""", outcome="successful", sender="Revenues and Benefits"),
    )),
    Spec("Waiting times for autism assessments for children", "riverside_hospitals_nhs_foundation_trust",
         "siobhan_mccarthy", 110, (
        out("request", 0, """\
            Dear Riverside Hospitals NHS Foundation Trust,

            Please provide the median and longest waiting times for a children's autism assessment, and the number of children on the waiting list, at the end of each quarter in 2024 and 2025.

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("acknowledgement", 0, """\
            Thank you for your email to the FOI Office. Your request will be processed in accordance with the Freedom of Information Act 2000 and you will receive a response within 20 working days.""",
            minutes=20),
        inc("clarification_request", 4, """\
            Dear Ms McCarthy,

            Thank you for your request. Children's autism assessments are carried out by two services: the community paediatric service and the child and adolescent mental health service (CAMHS). Could you confirm whether you want figures for both, and whether "waiting time" should be measured from referral or from the date the referral was accepted?

            Kind regards,

            FOI Office""", sender="FOI Office", quote="gt"),
        out("clarification", 6, """\
            Dear Riverside Hospitals NHS Foundation Trust,

            > Could you confirm whether you want figures for both, and whether "waiting time" should be measured from referral or from the date the referral was accepted?

            Both services please, shown separately, with waiting time measured from the date of referral.

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("response", 24, """\
            Dear Ms McCarthy,

            FOI {ref}

            Thank you for clarifying your request. Please find attached the quarterly figures for the community paediatric service and CAMHS, measured from the date of referral. The figures are taken from our patient administration system and may differ slightly from published national statistics, which use a different count date.

            Kind regards,

            FOI Office""", outcome="successful", sender="FOI Office",
            files=(("FOI {ref} autism assessment waiting times.xlsx", "27K"),)),
    )),
    Spec("Delayed discharge bed days by hospital", "nhs_strathard", "daniel_ferreira",
         ("Saint Patrick's Day", 3), (
        out("request", 0, """\
            Dear NHS Strathard,

            Under the Freedom of Information (Scotland) Act 2002, please provide the number of bed days occupied by delayed discharge patients in each of your hospitals for each month of the last financial year, and the three most common reasons recorded for the delays.

            Yours faithfully,

            Daniel Ferreira"""),
        inc("acknowledgement", 2, """\
            Dear Mr Ferreira

            Thank you for your request for information, which we received on {sent}. Your request will be dealt with under the Freedom of Information (Scotland) Act 2002 and our reference is {ref}.

            You can expect a response no later than {due}, which is 20 working days after receipt.

            Yours sincerely

            FOI Co-ordinator
            NHS Strathard""", sender="FOI Co-ordinator"),
        inc("response", 18, """\
            Dear Mr Ferreira

            Freedom of Information (Scotland) Act 2002 - {ref}

            I enclose a table of delayed discharge bed days by hospital and month, and the number of delays recorded under each reason code. The most common reasons were awaiting a care home place, awaiting a care at home package and adults with incapacity legislation.

            If you are unhappy with our response you may ask us to carry out a review within 40 working days. If you remain dissatisfied you can apply to the Scottish Information Commissioner.

            Yours sincerely

            FOI Co-ordinator""", outcome="successful", sender="FOI Co-ordinator",
            files=(("Delayed discharge bed days.xlsx", "22K"),)),
    )),
    Spec("Copies of planning enforcement notices 2015 to 2025", "kelverton_county_council", "helen_okafor", 120, (
        out("request", 0, """\
            Dear Kelverton County Council,

            Please send me copies of all minerals and waste planning enforcement notices and stop notices issued by the council between 2015 and 2025.

            Yours faithfully,

            Dr Helen Okafor"""),
        inc("acknowledgement", 1, """\
            Dear Dr Okafor

            Thank you for your request, which has been logged as {ref}. We will respond by {due}.

            Information Governance Team""", sender="Information Governance Team"),
        inc("fees_notice", 12, """\
            Dear Dr Okafor

            Fees notice - {ref}

            The council holds 37 enforcement and stop notices within the scope of your request. These are held on paper and the copies, including plans, amount to approximately 412 pages.

            In accordance with section 9 of the Freedom of Information Act we are issuing a fees notice for the disbursement costs of copying and postage: 412 pages at 10p per page, plus postage of £6.80, a total of £48.00.

            Under section 9(2) the council is not obliged to comply with your request unless the fee is paid within three months, by {fee_by}. The period between the date of this notice and the date the fee is received is disregarded when calculating the 20 working days.

            Information Governance Team""", sender="Information Governance Team"),
        out("follow_up", 14, """\
            Dear Kelverton County Council,

            Thank you for the fees notice. Would it be possible to provide scanned copies of the notices by email instead? That would avoid the copying and postage costs. Under section 11 I expressed a preference for electronic copies in my request.

            Yours faithfully,

            Dr Helen Okafor"""),
        inc("response", 22, """\
            Dear Dr Okafor

            {ref}

            Further to your email, we have been able to scan the notices and there is therefore no charge. Please find attached two PDF files containing the 37 enforcement and stop notices issued between 2015 and 2025.

            Information Governance Team""", outcome="successful", sender="Information Governance Team",
            files=(("Enforcement notices 2015 2019.pdf", "4.5M"), ("Enforcement notices 2020 2025.pdf", "3.0M"))),
    )),
    Spec("Air quality monitoring results on Station Road", "northbridge_city_council", "gareth_pryce",
         ("Battle of the Boyne", 4), law="eir", steps=(
        out("request", 0, """\
            Dear Northbridge City Council,

            Please provide the monthly nitrogen dioxide diffusion tube results for all monitoring sites on or within 200 metres of Station Road for the last three years, and the date the Air Quality Action Plan was last updated.

            Yours faithfully,

            Gareth Pryce"""),
        inc("acknowledgement", 0, """\
            Thank you for your request for information, which was received on {sent_num}. Your reference number is {ref}.

            We will aim to respond within 20 working days, by {due} at the latest.""", minutes=4),
        inc("response", 15, """\
            Dear Mr Pryce

            Environmental Information Regulations 2004 - {ref}

            Please find attached the monthly NO2 diffusion tube results for sites 9 to 14, which are within 200 metres of Station Road, for the last three years. The Air Quality Action Plan was last updated in March 2024 and is published on our website.

            Results are bias adjusted using the national factor and annualised where data capture was below 75%.

            Environmental Protection Team""", outcome="successful", sender="Environmental Protection Team",
            files=(("{ref} NO2 Station Road.csv", "6K"),)),
        out("follow_up", 17, """\
            Dear Northbridge City Council,

            Thank you for the data. Could you tell me why there are no readings for site 12 between June and September last year?

            Yours faithfully,

            Gareth Pryce"""),
        inc("auto_reply", 17, """\
            Delivery has failed to these recipients or groups:

            [email address]
            The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.

            Diagnostic information for administrators:

            Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'""",
            minutes=1, sender="Microsoft Outlook", external=True, state="successful"),
    )),
    Spec("Hospital car parking income 2024-25", "riverside_hospitals_nhs_foundation_trust", "marcus_bell", 130, (
        out("request", 0, """\
            Dear Riverside Hospitals NHS Foundation Trust,

            Please tell me the total income from car parking charges at each of your hospital sites in 2024-25, split between patients and visitors and staff, and the number of penalty notices issued by your parking contractor.

            Yours faithfully,

            Marcus Bell"""),
        inc("acknowledgement", 0, """\
            Thank you for your email to the FOI Office. Your request will be processed in accordance with the Freedom of Information Act 2000 and you will receive a response within 20 working days.""",
            minutes=15),
        inc("response", 10, """\
            Dear Mr Bell,

            FOI {ref}

            Please find attached the car parking income for 2024-25 by site. Staff and visitor income cannot be separated for Millbrook Community Hospital because a single pay and display system is used there; we have shown a combined figure.

            Our parking contractor issued 6,412 parking charge notices in 2024-25. Disabled blue badge holders, parents of sick children staying overnight and frequent outpatient attenders are entitled to free parking.

            Kind regards,

            FOI Office""", outcome="successful", sender="FOI Office",
            files=(("FOI {ref} car parking income.xlsx", "19K"),)),
    ), notes=(Note(12, "marcus_bell", """\
        Thank you to the trust for a quick and complete answer. The blue badge exemption is useful to know."""),)),
    Spec("Empty homes premium properties by council tax band", "eastwick_borough_council", "daniel_ferreira", 45, (
        out("request", 0, """\
            Dear London Borough of Eastwick,

            Please provide the number of properties currently charged the long-term empty homes premium, broken down by council tax band and by length of time empty (1-2 years, 2-5 years, 5-10 years, over 10 years).

            Yours faithfully,

            Daniel Ferreira"""),
        inc("response", 8, """\
            Dear Mr Ferreira

            FOI reference {ref}

            Please find the information you requested in the attached CSV file. There are 1,284 properties charged the premium; 61 have been empty for more than 10 years.

            Kind regards

            Revenues and Benefits""", outcome="successful", sender="Revenues and Benefits",
            files=(("Empty homes premium by band.csv", "2K"),)),
    )),
    Spec("Flood defence maintenance spending in the Lenn valley", "northern_rivers_environment_agency",
         "siobhan_mccarthy", 115, law="eir", steps=(
        out("request", 0, """\
            Dear Northern Rivers Environment Agency,

            Please provide the amount spent on maintaining flood defences in the Lenn valley in each of the last five years, and the condition grade of each defence asset at its most recent inspection.

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("clarification_request", 3, """\
            Dear Ms McCarthy,

            Thank you for your request. The Lenn valley covers two of our operational areas. So that we can provide the right information, could you please confirm whether you mean the whole catchment, or only the section downstream of Hexley, which is the area most people mean by the Lenn valley?

            Kind regards

            Customer Engagement Team""", sender="Customer Engagement Team"),
        out("clarification", 5, """\
            Dear Northern Rivers Environment Agency,

            The whole catchment please, but if that makes the request too large then downstream of Hexley only.

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("response", 22, """\
            Dear Ms McCarthy,

            Request for information - {ref}

            Thank you for your clarification received on {prev}.

            Please find attached a spreadsheet of maintenance expenditure for the whole Lenn catchment for the last five years, and the latest condition grade for each of the 212 flood defence assets in the catchment, graded 1 (very good) to 5 (very poor).

            This information is provided under the Environmental Information Regulations 2004.

            Kind regards

            Customer Engagement Team""", outcome="successful",
            sender="Customer Engagement Team", files=(("{ref} Lenn flood defences.xlsx", "88K"),)),
    )),
    Spec("Road bridge weight restrictions and inspections", "glenmorven_council", "tom_whitlock", 60, (
        out("request", 0, """\
            Dear Glenmorven Council,

            Under the Freedom of Information (Scotland) Act 2002, please provide a list of road bridges in the council area that currently have a weight restriction, the date of each bridge's most recent principal inspection, and any bridges closed to traffic in the last two years.

            Yours faithfully,

            Tom Whitlock"""),
        inc("acknowledgement", 1, """\
            Dear Mr Whitlock

            Thank you for your request, received on {sent}. We are dealing with it under the Freedom of Information (Scotland) Act 2002 and will respond by {due}. Our reference is {ref}.

            Information Management
            Glenmorven Council""", sender="Information Management"),
        inc("response", 17, """\
            Dear Mr Whitlock

            FOISA request {ref}

            Please find attached the list of 23 weight-restricted bridges with the date of the last principal inspection. Two bridges, the Allt Dubh bridge and the Kilbrannan footbridge, were closed for repairs during the last two years.

            If you are dissatisfied with the way we have dealt with your request, you can ask us to review our actions and decisions by writing within 40 working days. If you are still not satisfied after the review you can apply to the Scottish Information Commissioner.

            Information Management""", outcome="successful", sender="Information Management",
            files=(("Weight restricted bridges.pdf", "210K"),)),
    )),
    Spec("Mental health calls attended by police officers", "wessex_vale_police", "ruth_ellingham", 35, (
        out("request", 0, """\
            Dear Wessex Vale Police,

            Please provide the number of incidents in 2024 and 2025 that were tagged as involving mental health concerns, the number where officers used section 136 of the Mental Health Act, and the average time officers spent at hospital with a person detained under section 136.

            Yours faithfully,

            Ruth Ellingham"""),
        inc("acknowledgement", 0, """\
            This is an automated acknowledgement. Please do not reply to this message.

            Your email has been received by the Wessex Vale Police Freedom of Information Unit and will be logged.""",
            minutes=2),
        inc("response", 24, """\
            Dear Mrs Ellingham

            Freedom of Information Request Reference No: {ref}

            Please accept our apologies for the delay in responding. I am pleased to confirm that the information you requested is held and is attached.

            Please note that the mental health tag is applied by call handlers and may not capture every incident in which mental health was a factor.

            Yours sincerely

            Disclosure Officer""", outcome="successful", sender="Disclosure Officer",
            files=(("{ref} mental health incidents.xlsx", "14K"),)),
    )),
]

# -------------------------------------------------------------- answered: partially successful
SPECS += [
    Spec("Police vehicle collisions during pursuits", "wessex_vale_police", "daniel_ferreira", 140, (
        out("request", 0, """\
            Dear Wessex Vale Police,

            Please provide, for each year from 2021 to 2025:

            1. The number of collisions involving police vehicles during a pursuit or response drive.
            2. The number of those collisions in which a member of the public was injured or killed.
            3. The total paid in compensation claims arising from those collisions.
            4. A brief description of each collision in which someone was seriously injured, including the road on which it happened.

            Yours faithfully,

            Daniel Ferreira"""),
        inc("acknowledgement", 0, """\
            This is an automated acknowledgement. Please do not reply to this message.

            Your email has been received by the Wessex Vale Police Freedom of Information Unit and will be logged.""",
            minutes=2),
        inc("response", 20, """\
            Dear Mr Ferreira

            Freedom of Information Request Reference No: {ref}

            Wessex Vale Police holds information in relation to your request. Parts 1 to 3 are answered in full in the attached document.

            In relation to part 4, the descriptions of individual collisions, together with the road and date, would identify the people involved, who are likely to be known to their community and to the media. This information is their personal data and is exempt under section 40(2) of the Freedom of Information Act 2000, as disclosure would breach the first data protection principle. Section 40(2) is an absolute exemption and no public interest test is required.

            Yours sincerely

            Disclosure Officer""", outcome="partially_successful", sender="Disclosure Officer",
            files=(("{ref} pursuit collisions.pdf", "143K"),)),
    )),
    Spec("Broadband voucher scheme supplier payments", "department_for_digital_infrastructure",
         "gareth_pryce", 200, (
        out("request", 0, """\
            Dear Department for Digital Infrastructure,

            Please provide, for the Gigabit Broadband Voucher Scheme:

            1. The total value of vouchers paid to each registered supplier since 1 April 2022.
            2. The number of vouchers cancelled because of suspected fraud.
            3. Any audit reports into supplier compliance.

            Yours faithfully,

            Gareth Pryce"""),
        inc("acknowledgement", 1, """\
            Dear Mr Pryce,

            Thank you for your request for information, which we received on {sent}. We have given it the reference {ref}. We will respond by {due}.

            FOI Team
            Department for Digital Infrastructure""", sender="FOI Team"),
        inc("extension_notice", 19, """\
            Dear Mr Pryce,

            Our reference: {ref}

            We hold information within the scope of your request and are considering whether some of it is exempt under section 43(2) of the Freedom of Information Act (commercial interests). This is a qualified exemption, so we must consider the public interest.

            The Act allows us to extend the time for responding by a reasonable period to consider the public interest test. We now expect to respond by {due40}.

            FOI Team""", sender="FOI Team"),
        inc("response", 33, """\
            Dear Mr Pryce,

            Our reference: {ref}

            Thank you for your patience. Parts 1 and 2 of your request are answered in the attached spreadsheet: 314 suppliers have received voucher payments since April 2022 and 1,206 vouchers were cancelled because of suspected fraud.

            We are withholding the audit reports requested at part 3 under section 43(2) (commercial interests). The reports contain detailed findings about named suppliers' processes and pricing which would be likely to prejudice their commercial interests if disclosed. We have concluded that the public interest in maintaining the exemption outweighs the public interest in disclosure, although we recognise the strong public interest in the proper use of public money.

            If you are unhappy with this response you may request an internal review.

            FOI Team""", outcome="partially_successful", sender="FOI Team",
            files=(("{ref} voucher payments by supplier.xlsx", "56K"),)),
    )),
    Spec("Research misconduct investigations", "university_of_harrowgate", "helen_okafor", 95, (
        out("request", 0, """\
            Dear University of Harrowgate,

            Please tell me how many formal investigations into research misconduct the university opened in each of the last five academic years, how many allegations were upheld, and the faculty concerned in each upheld case.

            Yours faithfully,

            Dr Helen Okafor"""),
        inc("acknowledgement", 0, """\
            Thank you for contacting the Information Compliance Office. We will respond to your request within 20 working days.""",
            minutes=30),
        inc("response", 17, """\
            Dear Dr Okafor,

            Our ref: {ref}

            The number of formal investigations opened and upheld in each year is set out below.

            2020-21: 4 opened, fewer than 5 upheld
            2021-22: 6 opened, fewer than 5 upheld
            2022-23: 3 opened, 0 upheld
            2023-24: 7 opened, fewer than 5 upheld
            2024-25: 5 opened, fewer than 5 upheld

            We have not given exact figures below five, or the faculty for upheld cases, because in combination with publicly available information this could identify the individuals concerned. This information is withheld under section 40(2) of the Freedom of Information Act.

            Best wishes,

            Information Compliance Office""", outcome="partially_successful", sender="Information Compliance Office"),
    )),
    Spec("Historic contaminated land reports for the Millbrook site", "northern_rivers_environment_agency",
         "priya_raman", 150, law="eir", steps=(
        out("request", 0, """\
            Dear Northern Rivers Environment Agency,

            Please provide copies of any site investigation or contaminated land reports you hold for the former Millbrook gasworks site, including any correspondence with the local authority about its designation as a special site.

            Yours faithfully,

            Priya Raman"""),
        inc("acknowledgement", 1, """\
            Dear Ms Raman,

            Thank you for your request, which we are handling under the Environmental Information Regulations 2004. Your reference is {ref}.

            Customer Engagement Team""", sender="Customer Engagement Team"),
        inc("fees_notice", 10, """\
            Dear Ms Raman,

            Request for information - {ref}

            The reports you have asked for are held in our off-site archive and would need to be retrieved and copied. Under regulation 8 of the EIR we may make a reasonable charge for making environmental information available. Our charge for this request is £75.00, calculated in line with our published schedule of charges.

            You may inspect the reports free of charge at our Hexley office if you prefer.

            Please let us know within 60 working days whether you would like to proceed. We will not process your request further until we have received payment.

            Customer Engagement Team""", sender="Customer Engagement Team"),
        out("follow_up", 12, """\
            Dear Northern Rivers Environment Agency,

            Thank you. I am content to pay the charge. Please send me details of how to make the payment.

            Yours faithfully,

            Priya Raman"""),
        inc("response", 24, """\
            Dear Ms Raman,

            Request for information - {ref}

            Thank you for your payment. Please find attached the phase 1 and phase 2 site investigation reports for the former Millbrook gasworks and our correspondence with Ashcombe District Council about the site.

            We have removed the names and contact details of private individuals who own neighbouring properties. This information is personal data and is withheld under regulation 13 of the EIR.

            Customer Engagement Team""", outcome="partially_successful", sender="Customer Engagement Team",
            files=(("Millbrook phase 1 report.pdf", "2.5M"), ("Millbrook phase 2 report redacted.pdf", "4.0M"))),
    )),
    Spec("Website defacement incident in March", "ashcombe_district_council", "ben_castle",
         ("Good Friday", 6), (
        out("request", 0, """\
            Dear Ashcombe District Council,

            In March the "report it" page of your website was defaced. Visitors saw a pop-up box, and the page source contained the following injected code:

            <script>alert("x")</script>
            <img src=x onerror=alert(1)>

            Under the Freedom of Information Act 2000, please provide:

            1. The date the council became aware of the incident and the date the page was fixed.
            2. Whether the incident was reported to the Information Commissioner's Office or the National Cyber Security Centre.
            3. A copy of any incident report or lessons learned document.

            Yours faithfully,

            Ben Castle"""),
        inc("acknowledgement", 1, """\
            Dear Mr Castle

            Thank you for your Freedom of Information request, which has been logged under reference {ref}. The council will respond within 20 working days of receipt, taking account of the Easter bank holidays.

            Corporate Information Officer""", sender="Corporate Information Officer"),
        inc("response", 19, """\
            Dear Mr Castle

            FOI request {ref}

            1. The council was made aware of the issue by a member of the public and the page was taken offline the same day. The corrected page was restored two days later.
            2. The incident was not reported to the ICO, as no personal data was affected. It was reported to the National Cyber Security Centre.
            3. A copy of the lessons learned summary is attached. We have removed the technical details of the vulnerability and of our systems under section 31(1)(a) of the Freedom of Information Act (prevention or detection of crime), as disclosure would make the council's systems more vulnerable to attack.

            Regards

            ICT Security Manager""", outcome="partially_successful", sender="ICT Security Manager",
            files=(("Lessons learned summary redacted.docx", "38K"),)),
    )),
    Spec("Research grant income from fossil fuel companies", "university_of_harrowgate", "ben_castle", 70, (
        out("request", 0, """\
            Dear University of Harrowgate,

            Please list all research grants, donations and sponsorship received from oil, gas or coal companies (or their charitable foundations) since 1 August 2020, with the company, the amount, the year and the department that received it.

            Yours faithfully,

            Ben Castle"""),
        inc("acknowledgement", 1, """\
            Dear Mr Castle,

            Thank you for your request, which we have logged as {ref}. We will respond by {due}.

            Information Compliance Office""", sender="Information Compliance Office"),
        inc("delay_notice", 21, """\
            Dear Mr Castle,

            I am sorry that we have not been able to respond to your request by the deadline. We are still gathering information from Research and Enterprise Services and the Development Office, and we will respond as soon as we can.

            Apologies again for the delay.

            Information Compliance Office""", sender="Information Compliance Office"),
        inc("response", 27, """\
            Dear Mr Castle,

            Our ref: {ref}

            Please find attached a spreadsheet of research grants and sponsorship received from energy companies since 1 August 2020, with the funder, year, department and amount.

            The value of two research contracts that are still in negotiation for renewal has been withheld under section 43(2) of the Freedom of Information Act (commercial interests), because disclosure would be likely to prejudice the university's negotiating position.

            Best wishes,

            Information Compliance Office""", outcome="partially_successful", sender="Information Compliance Office",
            files=(("{ref} fossil fuel funding.xlsx", "24K"),)),
    )),
]

# ----------------------------------------------------------------- answered: information not held
SPECS += [
    Spec("Consultancy contracts for the Local Plan evidence base", "ashcombe_district_council",
         "ruth_ellingham", 170, (
        out("request", 0, """\
            Dear Ashcombe District Council,

            Please provide copies of all contracts with consultants engaged to prepare evidence for the emerging Local Plan, and the total paid to each consultant since 2022.

            Yours faithfully,

            Ruth Ellingham"""),
        inc("acknowledgement", 1, """\
            Dear Mrs Ellingham

            Thank you for your Freedom of Information request, which has been logged under reference {ref}. The council will respond within 20 working days of receipt.

            Corporate Information Officer""", sender="Corporate Information Officer"),
        inc("response", 12, """\
            Dear Mrs Ellingham

            FOI request {ref}

            Having checked with the Planning Policy team and Finance, I can confirm that the council does not hold the information you have requested. The evidence base for the Local Plan has been prepared in-house, and no consultants have been engaged for it since 2022.

            The joint Strategic Housing Market Assessment was commissioned by Kelverton County Council on behalf of the districts, so Kelverton County Council may hold information about that contract.

            Corporate Information Officer""", outcome="not_held", sender="Corporate Information Officer"),
    )),
    Spec("Tree felling licences near Harrow Beck", "harrowdale_national_park_authority", "tom_whitlock", 100,
         law="eir", steps=(
        out("request", 0, """\
            Dear Harrowdale National Park Authority,

            Please provide copies of any felling licences or tree preservation order consents relating to woodland along Harrow Beck between Low Harrow and the reservoir, granted in the last three years.

            Yours faithfully,

            Tom Whitlock"""),
        inc("response", 9, """\
            Dear Mr Whitlock,

            Environmental Information Regulations 2004 - Request {ref}

            The Authority does not hold the information you have requested. Felling licences are issued by the Forestry Commission, not by the National Park Authority, and there are no tree preservation orders on the woodland along Harrow Beck. We are therefore refusing your request under regulation 12(4)(a) of the EIR, because the information is not held.

            You may wish to contact the Forestry Commission, which publishes a public register of felling licence applications.

            Kind regards,

            Planning Support Officer""", outcome="not_held", sender="Planning Support Officer"),
    )),
    Spec("Teaching assistant numbers across the trust", "beacon_learning_trust", "ben_castle", 90, (
        out("request", 0, """\
            Dear Beacon Learning Academy Trust,

            How many teaching assistants did the trust employ at each of its academies in September 2023, September 2024 and September 2025, and how many of them were funded through pupils' education, health and care plans?

            Yours faithfully,

            Ben Castle"""),
        inc("response", 21, """\
            Dear Mr Castle

            Thank you for your request, reference {ref}, and apologies for the slight delay in replying.

            Having checked with the trust's central HR team and with each academy, I can confirm that the trust does not hold the information you have requested. Teaching assistants are employed through a shared payroll provider whose records are not broken down by academy or by role at a given date, and funding for support staff is pooled at each academy, so we do not record whether a post is funded through an education, health and care plan.

            The academies' staffing numbers are included in the Department for Education's annual School Workforce Census, which is published on GOV.UK.

            Kind regards

            Data Protection and Governance Lead""", outcome="not_held", sender="Data Protection and Governance Lead"),
    )),
    Spec("Contracts with the digital identity supplier", "department_for_digital_infrastructure",
         "tom_whitlock", 65, (
        out("request", 0, """\
            Dear Department for Digital Infrastructure,

            Please provide a copy of the contract between the department and the supplier of the GOV.UK digital identity app, and the total paid under it to date.

            Yours faithfully,

            Tom Whitlock"""),
        inc("other", 3, """\
            Dear Mr Whitlock,

            Thank you for your email. Responsibility for the GOV.UK digital identity programme moved to the Cabinet Office in the last machinery of government change, and the contract is managed there. We have therefore passed a copy of your email to the Cabinet Office, who may contact you separately.

            We will also respond formally to confirm what, if anything, this department holds.

            FOI Team
            Department for Digital Infrastructure""", sender="FOI Team", quote="outlook"),
        inc("response", 18, """\
            Dear Mr Whitlock,

            Our reference: {ref}

            I can confirm that the Department for Digital Infrastructure does not hold the information you have requested. As explained in our earlier email, the contract is held by the Cabinet Office, to whom we have forwarded your request.

            FOI Team""", outcome="not_held", sender="FOI Team"),
    )),
]

# -------------------------------------------------------------------------- answered: refused
SPECS += [
    Spec("All correspondence mentioning digital identity 2023 to 2025", "department_for_digital_infrastructure",
         "daniel_ferreira", 130, (
        out("request", 0, """\
            Dear Department for Digital Infrastructure,

            Please provide all emails, letters and minutes held by the department that mention "digital identity" or "digital ID", dated between 1 January 2023 and 31 December 2025.

            Yours faithfully,

            Daniel Ferreira"""),
        inc("acknowledgement", 0, """\
            Thank you for your email to the Department for Digital Infrastructure. This is an automatic acknowledgement. Freedom of Information requests are answered within 20 working days.""",
            minutes=15),
        inc("response", 18, """\
            Dear Mr Ferreira,

            Our reference: {ref}

            We estimate that the cost of complying with your request would exceed the appropriate limit of £600 set by the Freedom of Information and Data Protection (Appropriate Limit and Fees) Regulations 2004. The limit represents 24 hours of work at £25 per hour.

            A search of the department's email system for the terms you specified returns over 41,000 items. Even at one minute per item to locate, retrieve and extract the relevant information, this would take far more than 24 hours. Section 12(1) of the Freedom of Information Act therefore means we are not obliged to comply with your request.

            Under our duty to provide advice and assistance (section 16), you may wish to narrow your request, for example to correspondence between ministers and a named external organisation over a period of three months.

            FOI Team""", outcome="refused", sender="FOI Team"),
    )),
    Spec("Footway repair complaints by ward", "northbridge_city_council", "siobhan_mccarthy", 100, (
        out("request", 0, """\
            Dear Northbridge City Council,

            Please provide the number of complaints about damaged or uneven pavements received in each ward in each of the last five years, how many resulted in a repair, and the average number of days between the complaint and the repair.

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("acknowledgement", 0, """\
            Thank you for your request for information, which was received on {sent_num}. Your reference number is {ref}.

            We will aim to respond within 20 working days, by {due} at the latest.""", minutes=3),
        inc("response", 16, """\
            Dear Ms McCarthy

            Freedom of Information Act 2000 - Request {ref}

            Unfortunately we are unable to provide the information you have requested, because the cost of doing so would exceed the appropriate limit of £450, which equates to 18 hours of officer time.

            Complaints about footways are logged on our highways system by location but are not linked to the repair records, and neither record includes the ward. To answer your request we would need to examine each of approximately 9,800 complaints manually, match it to any repair order and determine the ward. At a conservative estimate of three minutes per record this would take around 490 hours. Section 12 of the Act therefore applies and we are refusing your request.

            We could provide the total number of footway complaints received each year, which can be extracted from the system quickly. Please let us know if a narrower request would be helpful.

            Information Governance""", outcome="refused", sender="Information Governance", quote="outlook"),
    )),
    Spec("Landfill gas extraction contract", "northern_rivers_environment_agency", "marcus_bell", 160, law="eir", steps=(
        out("request", 0, """\
            Dear Northern Rivers Environment Agency,

            Please provide a copy of the agreement for landfill gas extraction and flaring at the closed Hexley Moor landfill, including the payment schedule, and the most recent annual monitoring report for methane emissions from the site.

            Yours faithfully,

            Marcus Bell"""),
        inc("acknowledgement", 1, """\
            Dear Mr Bell,

            Thank you for your request, which we are handling under the Environmental Information Regulations 2004 (EIR). Your reference is {ref} and we aim to respond by {due}.

            Customer Engagement Team""", sender="Customer Engagement Team"),
        inc("response", 20, """\
            Dear Mr Bell,

            Request for information - {ref}

            We have considered your request under the EIR. The annual monitoring report for Hexley Moor is published on the public register and a link is provided below under regulation 6(1)(b).

            We are refusing to disclose the gas extraction agreement and its payment schedule under regulation 12(5)(e) of the EIR, which applies where disclosure would adversely affect the confidentiality of commercial or industrial information where such confidentiality is provided by law to protect a legitimate economic interest. The agreement contains the operator's pricing and the share of electricity revenue payable to the Agency, and is subject to a duty of confidence. Disclosure would harm the operator's position in current tenders for similar sites.

            We have applied a presumption in favour of disclosure, as required by regulation 12(2), and considered the public interest. On balance we consider that the public interest in maintaining the exception outweighs the public interest in disclosure.

            You may ask us to reconsider this decision under regulation 11 within 40 working days.

            Customer Engagement Team""", outcome="refused", sender="Customer Engagement Team",
            files=(("{ref} refusal notice.pdf", "77K"),)),
    )),
    Spec("Covert surveillance authorisations in 2024", "wessex_vale_police", "aileen_macleod", 85, (
        out("request", 0, """\
            Dear Wessex Vale Police,

            How many directed surveillance and covert human intelligence source authorisations did the force grant under the Regulation of Investigatory Powers Act 2000 in 2024, broken down by the type of offence under investigation?

            Yours faithfully,

            Aileen MacLeod"""),
        inc("acknowledgement", 0, """\
            This is an automated acknowledgement. Please do not reply to this message.

            Your email has been received by the Wessex Vale Police Freedom of Information Unit and will be logged.""",
            minutes=2),
        inc("response", 20, """\
            Dear Ms MacLeod

            Freedom of Information Request Reference No: {ref}

            The total number of authorisations is published annually by the Investigatory Powers Commissioner's Office and is therefore exempt under section 21 (information accessible by other means).

            The breakdown by offence type is exempt under section 31(1)(a) and (b) of the Act (law enforcement) and section 30(1)(a) (investigations). Revealing how often covert tactics are used against particular types of offending would allow criminals to assess the likelihood that they are under surveillance and adapt their behaviour. After considering the public interest, we have concluded that it favours maintaining these exemptions.

            Your request is therefore refused.

            Yours sincerely

            Disclosure Officer""", outcome="refused", sender="Disclosure Officer"),
    ), notes=(Note(22, "jo_hartley", """\
        The IPCO annual report gives force-level totals of RIPA authorisations, so part of this is public already. The ICO has upheld similar refusals of offence-type breakdowns under section 31."""),)),
    Spec("Councillor expenses claims and complaints", "glenmorven_council", "aileen_macleod",
         ("Saint Andrew's Day", 5), (
        out("request", 0, """\
            Dear Glenmorven Council,

            Under the Freedom of Information (Scotland) Act 2002, please provide:

            1. The expenses claimed by each councillor in the last financial year.
            2. The number of complaints made to the council about councillors' expense claims in the last three years.
            3. The names of any councillors whose expenses were the subject of a complaint, and the outcome.

            Yours faithfully,

            Aileen MacLeod"""),
        inc("acknowledgement", 1, """\
            Dear Ms MacLeod

            Thank you for your request, received on {sent}. We are dealing with it under the Freedom of Information (Scotland) Act 2002 and will respond by {due}, taking account of the St Andrew's Day holiday. Our reference is {ref}.

            Information Management
            Glenmorven Council""", sender="Information Management"),
        inc("response", 19, """\
            Dear Ms MacLeod

            FOISA request {ref}

            Part 1: councillors' expenses are published on the council's website each year. This information is therefore exempt under section 25(1) of FOISA (information otherwise accessible), and a link is provided.

            Part 2: there were four complaints about councillors' expenses in the last three years.

            Part 3: we are withholding the names of the councillors concerned and the outcomes of the complaints. This is personal data of the councillors, and disclosure would breach the data protection principles. The information is therefore exempt under section 38(1)(b) of FOISA. This is an absolute exemption and is not subject to the public interest test.

            If you are dissatisfied with the way we have dealt with your request, you can ask us to review our actions and decisions by writing within 40 working days. If you are still dissatisfied you can apply to the Scottish Information Commissioner.

            Information Management""", outcome="refused", sender="Information Management"),
    )),
]

# --------------------------------------------------------------------------- internal reviews
SPECS += [
    Spec("Bus lane camera contractor payments", "eastwick_borough_council", "tom_whitlock", 180, (
        out("request", 0, """\
            Dear London Borough of Eastwick,

            Please tell me how much the council paid its bus lane camera contractor in 2024-25, broken down into the fixed fee and any payment per Penalty Charge Notice issued.

            Yours faithfully,

            Tom Whitlock"""),
        inc("acknowledgement", 0, """\
            Dear Requester

            Thank you for your request for information. Your request has been logged under reference {ref} and passed to the relevant service.

            You should receive a response by {due}.

            Information Management Team""", minutes=9),
        inc("response", 19, """\
            Dear Mr Whitlock

            FOI {ref}

            The total paid to the contractor in 2024-25 was £1,872,310. We are withholding the breakdown between the fixed fee and the per-PCN payment under section 43(2) of the Freedom of Information Act. The contract is due to be re-tendered and the payment mechanism would reveal the contractor's pricing model to its competitors. We have considered the public interest and concluded that it favours withholding.

            Information Management Team""", outcome="refused", sender="Information Management Team"),
        ir_request(21, """\
            A payment per PCN issued gives the contractor a financial incentive to issue tickets, which is a matter of significant public interest. The council has not explained why disclosing the structure of the payments, as opposed to the exact unit rates, would harm anyone's commercial interests."""),
        inc("internal_review_response", 38, """\
            Dear Mr Whitlock

            Internal review {ir_ref} - FOI {ref}

            I have now completed the internal review of the council's response to your request. I was not involved in the original decision.

            I have considered the contract and the reasons given for withholding the breakdown. I am satisfied that section 43(2) was correctly applied, and that the balance of the public interest favours maintaining the exemption while the re-tendering exercise is under way. I can confirm, however, that the contract does not pay the contractor a fee that depends on the number of PCNs issued; payments are based on camera availability.

            I therefore uphold the original decision.

            If you remain dissatisfied, you have the right to complain to the Information Commissioner under section 50 of the Freedom of Information Act.

            Yours sincerely

            Head of Information Governance""", outcome="upheld", sender="Head of Information Governance"),
    )),
    Spec("Names and salaries of senior officers", "kelverton_county_council", "priya_raman", 190, (
        out("request", 0, """\
            Dear Kelverton County Council,

            Please provide the job title, name and salary band of every council employee paid £75,000 or more in 2024-25.

            Yours faithfully,

            Priya Raman"""),
        inc("response", 15, """\
            Dear Ms Raman

            Request {ref}

            The council publishes the number of employees whose remuneration exceeded £50,000, in bands of £5,000, in the notes to its Statement of Accounts. The names and salaries of individual officers are personal data and are withheld under section 40(2) of the Freedom of Information Act.

            Information Governance Team""", outcome="refused", sender="Information Governance Team"),
        ir_request(17, """\
            The Accounts and Audit Regulations require councils to publish the job titles and remuneration of senior employees paid £50,000 or more, and the names of those paid £150,000 or more. Senior officers in public roles have a reasonable expectation that their salary bands will be published, and the Local Government Transparency Code expects this. Section 40(2) does not justify withholding all of it."""),
        inc("acknowledgement", 18, """\
            Dear Ms Raman

            Your request for an internal review has been received and logged as {ir_ref}. We will respond by {ir_due}.

            Information Governance Team""", sender="Information Governance Team"),
        inc("internal_review_response", 33, """\
            Dear Ms Raman

            Internal review {ir_ref}

            I have reviewed the handling of your request {ref}. I agree that the job titles and salary bands of senior officers paid £75,000 or more should have been disclosed, as this information is published by many councils and the postholders would reasonably expect it to be made public. The original decision is overturned.

            Please find attached a spreadsheet of job titles, names (for chief officers) and salary bands. I apologise for the original response.

            Yours sincerely

            Monitoring Officer""", outcome="overturned", sender="Monitoring Officer",
            files=(("Senior officer pay 2024 25.xlsx", "17K"),)),
    )),
    Spec("Risk register for the Digital Infrastructure Programme", "department_for_digital_infrastructure",
         "ben_castle", 220, (
        out("request", 0, """\
            Dear Department for Digital Infrastructure,

            Please provide the most recent version of the programme risk register for the Digital Infrastructure Programme.

            Yours faithfully,

            Ben Castle"""),
        inc("acknowledgement", 1, """\
            Dear Mr Castle,

            Thank you for your request for information, which we received on {sent}. We have given it the reference {ref}. We will respond by {due}.

            FOI Team""", sender="FOI Team"),
        inc("response", 20, """\
            Dear Mr Castle,

            Our reference: {ref}

            We hold the information you have requested. We are withholding the risk register in full under section 35(1)(a) of the Freedom of Information Act (formulation or development of government policy) and section 43(2) (commercial interests). Risk registers need to contain frank assessments, and releasing them while the programme is live would discourage officials from recording risks candidly.

            FOI Team""", outcome="refused", sender="FOI Team"),
        ir_request(25, """\
            The Information Commissioner and the Tribunal have repeatedly found that the public interest can favour releasing programme risk registers, at least the risk descriptions and ratings. A blanket refusal of the whole document does not appear to have considered redaction."""),
        inc("delay_notice", 45, """\
            Dear Mr Castle,

            I am writing to apologise that we have not yet completed the internal review of your request {ref}. The review is taking longer than we expected because we are consulting the programme team about the current status of the risks. We hope to send you the outcome shortly.

            FOI Team""", sender="FOI Team"),
        inc("internal_review_response", 52, """\
            Dear Mr Castle,

            Internal review of request {ref} - {ir_ref}

            I have reviewed the department's response. I consider that section 35(1)(a) was engaged at the time of the request, but that the public interest in the risk descriptions and their overall ratings outweighs the public interest in withholding them. I have therefore decided to partially overturn the original decision.

            A redacted version of the risk register is attached. The mitigating actions, owners and contract-specific information remain withheld under sections 35(1)(a) and 43(2).

            If you are not content with the outcome of the internal review, you may complain to the Information Commissioner.

            Yours sincerely,

            Deputy Director, Knowledge and Information Management""", outcome="partially_overturned",
            sender="Deputy Director, Knowledge and Information Management",
            files=(("DIP risk register redacted.pdf", "312K"),)),
    )),
    Spec("Student complaints upheld by the OIA", "university_of_harrowgate", "marcus_bell", 160, (
        out("request", 0, """\
            Dear University of Harrowgate,

            For each complaint to the Office of the Independent Adjudicator about the university that was found justified or partly justified since 2019, please provide the OIA's decision letter with personal information redacted.

            Yours faithfully,

            Marcus Bell"""),
        inc("response", 20, """\
            Dear Mr Bell,

            Our ref: {ref}

            The university estimates that locating, retrieving and redacting the OIA decision letters would take longer than 18 hours, the appropriate limit of £450 for the university. The letters are held in individual case files and each would need careful redaction of personal data. Section 12 of the Freedom of Information Act therefore applies and we are not obliged to comply with your request.

            The number of complaints found justified or partly justified each year is published in the OIA's annual statement for the university.

            Information Compliance Office""", outcome="refused", sender="Information Compliance Office"),
        ir_request(24, """\
            The university has not explained how many letters there are or how long each would take to locate. OIA decision letters are usually a few pages long. Please review the estimate, and if it is still over the limit, tell me how I could narrow the request."""),
        inc("internal_review_response", 40, """\
            Dear Mr Bell,

            Internal review {ir_ref}

            I have reviewed the university's response to your request {ref}. There were 58 complaints found justified or partly justified since 2019. Retrieval of each case file from the archive and redaction of the decision letter takes on average 30 minutes, a total of 29 hours, which exceeds the appropriate limit. I am satisfied that section 12 was correctly applied and I uphold the original response.

            To bring the request within the limit, you could ask for the letters from a single academic year.

            Yours sincerely,

            University Secretary""", outcome="upheld", sender="University Secretary"),
    )),
    Spec("Body-worn video retention policy", "wessex_vale_police", "siobhan_mccarthy", 210, (
        out("request", 0, """\
            Dear Wessex Vale Police,

            Please provide a copy of the force's policy or standard operating procedure on the retention and deletion of body-worn video footage.

            Yours faithfully,

            Siobhan McCarthy"""),
        inc("acknowledgement", 0, """\
            This is an automated acknowledgement. Please do not reply to this message.

            Your email has been received by the Wessex Vale Police Freedom of Information Unit and will be logged.""",
            minutes=4),
        inc("response", 20, """\
            Dear Ms McCarthy

            Freedom of Information Request Reference No: {ref}

            The policy is withheld under section 31(1)(a) of the Act. Disclosure of retention periods would inform individuals how long evidence is kept and could assist those intending to commit offences.

            Yours sincerely

            Disclosure Officer""", outcome="refused", sender="Disclosure Officer", quote="gt"),
        ir_request(22, """\
            Retention periods for body-worn video are set out in national guidance which is already published, and many other forces publish their policies on their websites. I cannot see how publishing the policy would assist anyone to commit an offence."""),
        inc("internal_review_response", 41, """\
            Dear Ms McCarthy

            Internal Review - {ir_ref}

            I have completed a review of the response to your request {ref}. Having considered the information and the fact that comparable policies are published by other forces, I find that section 31(1)(a) was not engaged. The original decision is overturned and a copy of the policy is attached in full.

            Yours sincerely

            Information Rights Manager""", outcome="overturned", sender="Information Rights Manager",
            files=(("Body worn video SOP.pdf", "402K"),)),
    )),
]

# ------------------------------------------------------------ withdrawn, postal, delivery errors
SPECS += [
    Spec("Councillor allowances paid in 2024-25", "ashcombe_district_council", "daniel_ferreira", 55, (
        out("request", 0, """\
            Dear Ashcombe District Council,

            Please provide the basic and special responsibility allowances paid to each councillor in 2024-25.

            Yours faithfully,

            Daniel Ferreira"""),
        inc("acknowledgement", 1, """\
            Dear Mr Ferreira

            Thank you for your Freedom of Information request, which has been logged under reference {ref}. The council will respond within 20 working days of receipt.

            Corporate Information Officer""", sender="Corporate Information Officer"),
        out("withdrawal", 4, """\
            Dear Ashcombe District Council,

            Please withdraw this request. I have since found the allowances published on your website under the Members' Allowances Scheme. Apologies for taking up your time.

            Yours faithfully,

            Daniel Ferreira"""),
        inc("other", 5, """\
            Dear Mr Ferreira

            Thank you for letting us know. We have closed your request {ref}.

            Corporate Information Officer""", sender="Corporate Information Officer", state=UNCLASSIFIED),
    )),
    Spec("Fire hydrant maintenance backlog", "kelverton_fire_and_rescue_service", "gareth_pryce", 80, (
        out("request", 0, """\
            Dear Kelverton Fire and Rescue Service,

            Please tell me how many fire hydrants in your area were recorded as defective at the end of 2025, how many had been defective for more than six months, and the number of hydrant inspections carried out in 2025.

            Yours faithfully,

            Gareth Pryce"""),
        inc("clarification_request", 3, """\
            Dear Mr Pryce,

            Thank you for your request. Hydrants are owned and repaired by the water companies, and we only hold records of the defects our crews report. Could you confirm whether you would like the number of defects reported by the service, or whether you are asking about repairs, which we would not hold?

            Regards,

            Information Governance""", sender="Information Governance"),
        out("withdrawal", 8, """\
            Dear Kelverton Fire and Rescue Service,

            Thank you for explaining. As the water companies hold the repair records I will withdraw this request and ask them instead.

            Yours faithfully,

            Gareth Pryce"""),
    )),
    Spec("Minutes of governing body meetings 2024-25", "hollins_park_primary_school", "ruth_ellingham", 50, (
        out("request", 0, """\
            Dear Hollins Park Primary School,

            Please send me copies of the minutes of the full governing body meetings held during the 2024-25 school year.

            Yours faithfully,

            Ruth Ellingham"""),
        inc("other", 9, """\
            Dear Mrs Ellingham

            Thank you for your email. The governing body minutes for 2024-25 are held as signed paper copies and we are not able to scan them at present. We will send photocopies by post. Alternatively, copies are available to view at the school office by appointment.

            Kind regards

            School Business Manager
            Hollins Park Primary School""", sender="School Business Manager", state="gone_postal"),
    )),
    Spec("Car park visitor numbers in 2025", "harrowdale_national_park_authority", "ruth_ellingham", 25, (
        out("request", 0, """\
            Dear Harrowdale National Park Authority,

            Please provide the number of vehicles using each of the Authority's car parks in each month of 2025, and the income from parking charges at each car park.

            Yours faithfully,

            Ruth Ellingham"""),
        inc("auto_reply", 0, """\
            This is the mail system at host mx1.harrowdale-npa.gov.uk.

            I'm sorry to have to inform you that your message could not be delivered to one or more recipients. It's attached below.

            For further assistance, please send mail to postmaster.

            If you do so, please include this problem report. You can delete your own text from the attached returned message.

                               The mail system

            <[email address]>: host mail.harrowdale-npa.gov.uk said: 550 5.1.1 <[email address]>: Recipient address rejected: User unknown in virtual mailbox table""",
            minutes=1, sender="Mail Delivery System", external=True),
    ), notes=(Note(2, "jo_hartley", """\
        The Authority's FOI address appears to have changed. Their website now gives a general enquiries address for information requests; I have reported the change to the site administrators."""),)),
]
