"""The daily late check (tracker.bot.late): flags raised once, updated, cleared; report and chasers (tracker.bot.chasers)."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.bot import chasers, late
from tracker.deadlines import SCOTLAND, UK

D = date.fromisoformat
SITE = "example.org"


@pytest.fixture
def db(db):
    db["sites"].insert({"id": SITE, "base_url": f"https://{SITE}", "regime": "foia"})
    for url_name, name in (("north", "North Council"), ("glen", "Glen Council")):
        db["authorities"].insert({"id": f"{SITE}/body/{url_name}", "site_id": SITE, "url_name": url_name,
                                  "name": name})
    for url_name, name in (("ann", "Ann Example"), ("bob", "Bob Example")):
        db["users"].insert({"id": f"{SITE}/user/{url_name}", "site_id": SITE, "url_name": url_name, "name": name})
    return db


def add_request(db, slug: str, *, status: str | None = "waiting_response", regime: str | None = "foia",
                authority: str = "north", user: str = "ann", **columns) -> str:
    request_id = f"{SITE}/request/{slug}"
    row = {
        "id": request_id, "site_id": SITE, "url": f"https://{SITE}/request/{slug}", "slug": slug,
        "title": slug.replace("_", " ").capitalize(), "authority_id": f"{SITE}/body/{authority}",
        "user_id": f"{SITE}/user/{user}", "status": status, "regime": regime,
        "sent_at": "2024-01-08T10:00:00+00:00", "due_date": "2024-02-05", "very_overdue_date": "2024-03-04",
    }
    row.update(columns)
    db["requests"].insert(row)
    return request_id


def flags(db) -> list[tuple]:
    return [(r["request_id"].rsplit("/", 1)[1], r["flag"], r["raised_on"], r["cleared_on"], r["due_date"],
             r["working_days_late"])
            for r in db.query("select * from flags order by request_id, flag, id")]


def test_a_flag_is_raised_once_updated_and_cleared_when_the_answer_arrives(db):
    add_request(db, "unanswered")
    add_request(db, "answered", first_response_at="2024-02-01T10:00:00+00:00")
    assert late.check(db, D("2024-02-05")).raised == []  # due today: not late yet
    first = late.check(db, D("2024-02-06"))
    assert len(first.raised) == 1 and first.cleared == []
    assert flags(db) == [("unanswered", "late", "2024-02-06", None, "2024-02-05", 1)]
    again = late.check(db, D("2024-02-06"))
    assert again.raised == [] and again.cleared == [] and flags(db) == [
        ("unanswered", "late", "2024-02-06", None, "2024-02-05", 1)]
    late.check(db, D("2024-02-09"))
    assert flags(db) == [("unanswered", "late", "2024-02-06", None, "2024-02-05", 4)]
    long_overdue = late.check(db, D("2024-03-05"))
    assert len(long_overdue.raised) == 1
    assert flags(db) == [
        ("unanswered", "late", "2024-02-06", None, "2024-02-05", 21),
        ("unanswered", "very_late", "2024-03-05", None, "2024-03-04", 1),
    ]
    assert long_overdue.open_counts == {"late": 1, "very_late": 1, "review_late": 0, "review_very_late": 0}
    db["requests"].update(f"{SITE}/request/unanswered", {"first_response_at": "2024-03-06T09:00:00+00:00"})
    answered = late.check(db, D("2024-03-06"))
    assert len(answered.cleared) == 2 and answered.raised == [] and answered.open_total == 0
    assert flags(db) == [
        ("unanswered", "late", "2024-02-06", "2024-03-06", "2024-02-05", 21),
        ("unanswered", "very_late", "2024-03-05", "2024-03-06", "2024-03-04", 1),
    ]
    assert late.check(db, D("2024-03-07")).cleared == []
    assert len(flags(db)) == 2  # history kept, nothing duplicated


def test_withdrawn_closed_and_stopped_requests_are_not_flagged(db):
    add_request(db, "withdrawn", status="user_withdrawn")
    add_request(db, "postal", status="gone_postal")
    add_request(db, "refused_but_unclassified", status="rejected")
    add_request(db, "clarifying", status="waiting_clarification")
    add_request(db, "clock_stopped", due_date=None, very_overdue_date=None)
    add_request(db, "no_status_yet", status=None, regime=None)
    add_request(db, "in_review_without_answer", status="internal_review")
    report = late.check(db, D("2024-02-20"))
    assert {row[0] for row in flags(db)} == {"no_status_yet", "in_review_without_answer"}
    assert len(report.raised) == 2
    db["requests"].update(f"{SITE}/request/no_status_yet", {"status": "user_withdrawn"})
    assert len(late.check(db, D("2024-02-21")).cleared) == 1


def test_working_days_overdue_follow_the_regimes_calendar(db):
    # Due Thursday 28 March 2024; Good Friday and Easter Monday follow. In Scotland Easter Monday is a working day.
    add_request(db, "english", due_date="2024-03-28", very_overdue_date="2024-04-26")
    add_request(db, "scottish", regime="foisa", authority="glen", due_date="2024-03-28", very_overdue_date="2024-04-26")
    late.check(db, D("2024-04-02"))
    overdue = {row[0]: row[5] for row in flags(db)}
    assert overdue == {"english": UK.working_days_between(D("2024-03-28"), D("2024-04-02")),
                       "scottish": SCOTLAND.working_days_between(D("2024-03-28"), D("2024-04-02"))}
    assert overdue == {"english": 1, "scottish": 2}


def test_review_flags(db):
    add_request(db, "foia_review", status="internal_review", first_response_at="2024-02-01T10:00:00+00:00",
                review_requested_at="2024-02-05T10:00:00+00:00", review_due_date="2024-03-04")
    add_request(db, "foisa_review", status="internal_review", regime="foisa", authority="glen",
                first_response_at="2024-02-01T10:00:00+00:00",
                review_requested_at="2024-02-05T10:00:00+00:00", review_due_date="2024-03-04")
    add_request(db, "reviewed", status="rejected", first_response_at="2024-02-01T10:00:00+00:00",
                review_requested_at="2024-02-05T10:00:00+00:00", review_due_date="2024-03-04",
                review_responded_at="2024-02-20T10:00:00+00:00")
    add_request(db, "withdrawn_review", status="user_withdrawn", first_response_at="2024-02-01T10:00:00+00:00",
                review_requested_at="2024-02-05T10:00:00+00:00", review_due_date="2024-03-04")
    late.check(db, D("2024-03-05"))
    # FOISA s.21(1): 20 working days and no more, so the review is late and long overdue at once.
    assert flags(db) == [
        ("foia_review", "review_late", "2024-03-05", None, "2024-03-04", 1),
        ("foisa_review", "review_late", "2024-03-05", None, "2024-03-04", 1),
        ("foisa_review", "review_very_late", "2024-03-05", None, "2024-03-04", 1),
    ]
    late.check(db, D("2024-04-05"))  # FOIA: 40 working days at most, i.e. 2024-04-04
    assert ("foia_review", "review_very_late", "2024-04-05", None, "2024-04-04", 1) in flags(db)
    db["requests"].update(f"{SITE}/request/foia_review", {"review_responded_at": "2024-04-08T10:00:00+01:00"})
    cleared = late.check(db, D("2024-04-08"))
    assert len(cleared.cleared) == 2
    assert {row[1] for row in flags(db) if row[0] == "foia_review" and row[3] is None} == set()


def test_report_groups_by_requester_and_authority_with_chasers(db):
    add_request(db, "potholes", user="ann", authority="north")
    add_request(db, "gritting", user="bob", authority="north", regime="eir")
    add_request(db, "ferries", user="ann", authority="glen", regime="foisa")
    report = late.check(db, D("2024-02-07"))
    text = late.format_report(report)
    assert text.startswith("Late check for 2024-02-07: 3 new flag(s), 0 cleared; standing: 3 late")
    by_requester = text.split("BY REQUESTER")[1].split("BY AUTHORITY")[0]
    assert by_requester.index("Ann Example (2 request(s))") < by_requester.index("Bob Example (1 request(s))")
    assert "Ferries - Glen Council" in by_requester and "Potholes - North Council" in by_requester
    assert by_requester.count("Chaser to paste into the site's follow-up form:") == 3
    assert "late NEW: due 2024-02-05, 2 working days overdue" in by_requester
    by_authority = text.split("BY AUTHORITY")[1]
    assert "Glen Council: 1 late" in by_authority and "North Council: 2 late" in by_authority
    data = late.report_as_dict(report)
    assert data["raised"] == 3 and data["open"]["late"] == 3
    assert [group["requester"] for group in data["by_requester"]] == ["Ann Example", "Bob Example"]
    ann = data["by_requester"][0]["requests"]
    assert {r["title"] for r in ann} == {"Potholes", "Ferries"}
    assert all("5 February 2024" in r["chaser"] for r in ann)
    assert [(a["authority"], a["flags"]["late"]) for a in data["by_authority"]] == [("Glen Council", 1), ("North Council", 2)]
    later = late.check(db, D("2024-02-08"))
    assert "late: due 2024-02-05, 3 working days overdue (since 2024-02-07)" in late.format_report(later)


def test_nothing_late_says_so(db):
    add_request(db, "answered", first_response_at="2024-02-01T10:00:00+00:00")
    assert late.format_report(late.check(db, D("2024-03-01"))).endswith("Nothing is late.\n")


ROW = {
    "title": "Pothole claims", "authority": "North Council", "requester": "Ann Example",
    "sent_at": "2024-01-08T10:00:00+00:00", "due_date": "2024-02-05", "working_days_late": 3,
    "review_requested_at": "2024-02-12T10:00:00+00:00", "review_due_date": "2024-03-11",
}


@pytest.mark.parametrize(("regime", "provision", "law"), [
    ("foia", "FOIA s.10(1)", "section 10(1) of the Freedom of Information Act 2000"),
    ("eir", "EIR reg 5(2)", "regulation 5(2) of the Environmental Information Regulations 2004"),
    ("foisa", "FOISA s.10(1)", "section 10(1) of the Freedom of Information (Scotland) Act 2002"),
])
def test_chaser_is_polite_and_cites_the_due_date_and_the_provision(regime, provision, law):
    text = chasers.chaser({**ROW, "regime": regime, "flag": "late", "flag_due_date": "2024-02-05"})
    assert text.startswith("Dear North Council,\n")
    assert "which I sent on 8 January 2024" in text
    assert f"Under {law} ({provision})" in text
    assert "by 5 February 2024" in text and "3 working days overdue" in text
    assert "Please could you send your response" in text
    assert text.rstrip().endswith("Yours faithfully,\n\nAnn Example")


def test_long_overdue_chaser_mentions_the_regulator():
    text = chasers.chaser({**ROW, "regime": "foia", "flag": "very_late", "flag_due_date": "2024-03-04"})
    assert "long overdue: it is 3 working days past 4 March 2024" in text
    assert "the Information Commissioner's Office (ICO)" in text and "FOIA s.50" in text


def test_review_chasers_and_how_to_complain():
    review = chasers.chaser({**ROW, "regime": "foia", "flag": "review_late", "flag_due_date": "2024-03-11"})
    assert "On 12 February 2024 I asked for an internal review" in review
    assert "no longer than 20 working days, and 40 at most: in this case by 11 March 2024" in review
    long_overdue = chasers.chaser({**ROW, "regime": "foia", "flag": "review_very_late", "flag_due_date": "2024-04-09"})
    assert "complain to the Information Commissioner's Office (ICO) under FOIA s.50" in long_overdue
    assert "https://ico.org.uk/make-a-complaint/" in long_overdue
    scottish = {**ROW, "regime": "foisa", "flag": "review_very_late", "flag_due_date": "2024-03-11"}
    text = chasers.chaser(scottish)
    assert "FOISA s.21(1) requires the outcome within 20 working days" in text
    assert "apply to the Scottish Information Commissioner for a decision under FOISA s.47(1)" in text
    advice = chasers.regulator_advice(scottish)
    assert "Scottish Information Commissioner" in advice and "six months" in advice
    assert "40 working days" in chasers.regulator_advice({**ROW, "regime": "foia"})


def test_review_long_overdue_in_the_report_has_the_complaint_route(db):
    add_request(db, "review", status="internal_review", regime="foisa", authority="glen",
                first_response_at="2024-02-01T10:00:00+00:00",
                review_requested_at="2024-02-05T10:00:00+00:00", review_due_date="2024-03-04")
    report = late.check(db, D("2024-03-06"))
    assert "How to complain: apply to the Scottish Information Commissioner" in late.format_report(report)
    item = late.report_as_dict(report)["by_requester"][0]["requests"][0]
    assert [f["flag"] for f in item["flags"]] == ["review_late", "review_very_late"]
    assert "FOISA s.47(1)" in item["chaser"] and "six months" in item["how_to_complain"]


def test_check_uses_the_partial_indexes(db):
    late.check(db, D("2024-02-06"))
    plan = " ".join(str(row) for row in db.execute(
        "explain query plan select id from requests where first_response_at is null and due_date is not null"
        " and due_date < '2024-02-06'").fetchall())
    assert "requests_awaiting_response" in plan


@pytest.mark.parametrize("regime, expected", [("foia", 1), ("eir", 1), ("foisa", 2), ("eisr", 2)])
def test_thread_page_and_daily_check_count_the_same_working_days_late(db, regime, expected):
    # Due Thursday 17 April 2025; Good Friday and Easter Monday follow (Easter Monday is a working
    # day in Scotland). The page and the daily check must use one calendar lookup by regime.
    from tracker.web.plugin import deadline_line

    request_id = add_request(db, f"req_{regime}", regime=regime, due_date="2025-04-17", very_overdue_date="2025-06-13")
    late.check(db, D("2025-04-22"))
    assert {row[0]: row[5] for row in flags(db)} == {f"req_{regime}": expected}
    row = next(iter(db.query("select * from requests where id = ?", [request_id])))
    line = deadline_line(row, D("2025-04-22"))
    assert line["state"] == "overdue"
    assert line["verdict"] == f"overdue: {expected} working day{'' if expected == 1 else 's'} late"


# ---------------------------------------------------------------------------------------------
# History is append-only


def flag_table(db) -> list[tuple]:
    return db.execute("select * from flags order by id").fetchall()


def test_a_check_for_a_day_before_the_latest_writes_nothing_and_reports_that_day(db):
    add_request(db, "unanswered")
    add_request(db, "answered_later")
    late.check(db, D("2024-02-07"))
    db["requests"].update(f"{SITE}/request/answered_later", {"first_response_at": "2024-02-09T10:00:00+00:00"})
    late.check(db, D("2024-02-12"))
    assert flags(db) == [
        ("answered_later", "late", "2024-02-07", "2024-02-12", "2024-02-05", 2),
        ("unanswered", "late", "2024-02-07", None, "2024-02-05", 5),
    ]
    before, changes = flag_table(db), db.conn.total_changes
    past = late.check(db, D("2024-01-01"))  # the day the database was "checked" on
    assert past.read_only and past.latest_check == D("2024-02-12")
    assert flag_table(db) == before and db.conn.total_changes == changes
    assert (past.raised, past.cleared, past.open_total) == ([], [], 0)
    assert late.format_report(past).endswith("Nothing is late.\n")

    # Between two checks: what the record says stood at the end of that day, counted as of it.
    on = late.check(db, D("2024-02-08"))
    assert on.read_only and flag_table(db) == before and db.conn.total_changes == changes
    assert on.open_counts["late"] == 2 and on.raised == [] and on.cleared == []
    text = late.format_report(on)
    assert text.startswith("Late on 2024-02-08, as recorded (the latest check was for 2024-02-12; nothing was changed)")
    assert text.count("late: due 2024-02-05, 3 working days overdue (since 2024-02-07)") == 2
    raised_day = late.report_as_dict(late.check(db, D("2024-02-07")))
    assert raised_day["read_only"] and raised_day["raised"] == 2 and raised_day["latest_check"] == "2024-02-12"
    assert flag_table(db) == before

    # The latest day again, or a later one, is a check as usual.
    assert not late.check(db, D("2024-02-12")).read_only and flag_table(db) == before
    assert late.check(db, D("2024-02-13")).open_counts["late"] == 1
    assert flags(db)[1] == ("unanswered", "late", "2024-02-07", None, "2024-02-05", 6)
    assert [row["day"] for row in db.query("select day from late_checks order by day")] == [
        "2024-02-07", "2024-02-12", "2024-02-13"]


def test_a_database_whose_checks_left_only_flags_knows_its_latest_day(db):
    add_request(db, "unanswered")
    db["flags"].insert({"request_id": f"{SITE}/request/unanswered", "flag": "late", "raised_on": "2026-12-01",
                        "due_date": "2024-02-05", "working_days_late": 700})
    assert late.latest_check(db) == D("2026-12-01")
    before = flag_table(db)
    assert late.check(db, D("2026-01-01")).read_only
    assert flag_table(db) == before


def test_the_store_refuses_a_flag_cleared_before_it_was_raised(db):
    import sqlite3

    add_request(db, "unanswered")
    late.check(db, D("2024-02-07"))
    with pytest.raises(sqlite3.IntegrityError, match="cleared before the day it was raised"):
        db.execute("update flags set cleared_on = '2024-01-01'")
    with pytest.raises(sqlite3.IntegrityError, match="cleared before the day it was raised"):
        db.execute("insert into flags (request_id, flag, raised_on, cleared_on) values (?, 'very_late', ?, ?)",
                   [f"{SITE}/request/unanswered", "2024-02-07", "2024-02-06"])
    db.execute("update flags set cleared_on = raised_on")  # the same day is possible
    assert db.execute("select count(*) from flags where cleared_on < raised_on").fetchone()[0] == 0


def test_the_migration_repairs_flags_cleared_before_they_were_raised(db):
    from tracker.store import migrations

    add_request(db, "reraised")
    add_request(db, "cleared_only")
    for trigger in ("flags_insert_cleared_after_raised", "flags_update_cleared_after_raised"):
        db.execute(f"drop trigger {trigger}")  # as an earlier release left the database
    rows = [  # what `late --today 2026-01-01`, then `late` on 2026-12-02, left
        ("reraised", "2026-12-01", "2026-01-01"), ("cleared_only", "2026-12-01", "2026-01-01"),
        ("reraised", "2026-12-02", None),
    ]
    for slug, raised_on, cleared_on in rows:
        db["flags"].insert({"request_id": f"{SITE}/request/{slug}", "flag": "late", "raised_on": raised_on,
                            "cleared_on": cleared_on, "due_date": "2026-11-01"})
    migrations.repair_flags_cleared_before_raised(db)
    assert [row[0:2] + row[2:4] for row in flags(db)] == [
        ("cleared_only", "late", "2026-12-01", None),  # stands again: the next check keeps or clears it
        ("reraised", "late", "2026-12-01", "2026-12-02"),  # stood until it was raised again
        ("reraised", "late", "2026-12-02", None),
    ]
