"""The synthetic database (bench.synthetic) agrees with tracker.deadlines and tracker.bot.late."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from tracker import deadlines
from tracker.bot import late
from bench import synthetic
from tracker.store.db import DEADLINE_COLUMNS, open_db
from tracker.model import Authority, Message, Site, Thread
from tracker.model.taxonomy import CLOSED_STATES

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.db"
    synthetic.generate(path, 4000, seed=7, today=TODAY)
    return open_db(path)


def as_thread(db, request: dict, authority: dict) -> Thread:
    messages = [
        Message(id=m["id"], direction=m["direction"], sent_at=m["sent_at"], subject=m["subject"],
                body_text=m["body_text"], kind=m["kind"], outcome=m["outcome"],
                stated_dates=json.loads(m["stated_dates"] or "{}"))
        for m in db.query("select * from messages where request_id = ? order by position", [request["id"]])
    ]
    return Thread(
        id=request["id"], site=Site(id=synthetic.SITE_ID, base_url=synthetic.BASE_URL), url=request["url"],
        slug=request["slug"], title=request["title"], law_used=request["law_used"], messages=messages,
        authority=Authority(id=authority["id"], site_id=synthetic.SITE_ID, url_name=authority["url_name"],
                            name=authority["name"], tags=authority["tags"].split(), regime=authority["regime"]),
    )


def test_deadline_columns_agree_with_tracker_deadlines(db):
    bodies = {row["id"]: row for row in db.query("select * from authorities")}
    checked = Counter()
    for request in db.query("select * from requests"):
        result = deadlines.assess(as_thread(db, request, bodies[request["authority_id"]]), TODAY)
        assert result.regime == request["regime"], request["id"]
        assert result.columns == {column: request[column] for column in DEADLINE_COLUMNS}, request["id"]
        checked[request["status"]] += 1
    assert sum(checked.values()) == 4000
    assert {"successful", "waiting_response_very_overdue", "internal_review", "waiting_clarification",
            "user_withdrawn", "rejected"} <= set(checked)


def test_shape_of_the_data(db):
    assert db["authorities"].count == synthetic.AUTHORITIES and db["users"].count == synthetic.USERS
    assert 3.0 <= db["messages"].count / db["requests"].count <= 4.0
    kinds = {row["kind"] for row in db.query("select distinct kind from messages")}
    assert {"request", "response", "clarification", "fees_notice", "extension_notice",
            "internal_review_response", "withdrawal"} <= kinds
    regimes = dict(db.execute("select regime, count(*) from requests group by regime").fetchall())
    assert set(regimes) == {"foia", "eir", "foisa", "eisr"}
    on_time = db.execute("select avg(answered_on_time) from requests where answered_on_time is not null").fetchone()[0]
    assert 0.7 < on_time < 0.9
    assert db.execute("select count(*) from messages_fts where messages_fts match 'hospitality'").fetchone()[0] > 0


def test_late_check_matches_the_rows(db):
    report = late.check(db, TODAY)
    unanswered = db.execute(
        "select count(*) from requests where first_response_at is null and due_date < ? and status not in"
        f" ({', '.join('?' * len(CLOSED_STATES))})", [TODAY.isoformat(), *CLOSED_STATES]).fetchone()[0]
    assert report.open_counts["late"] == unanswered > 0
    for row in db.query("select f.due_date, f.working_days_late, r.regime from flags f join requests r"
                        " on r.id = f.request_id where f.flag = 'late' limit 200"):
        calendar = deadlines.calendar_for(row["regime"])
        assert row["working_days_late"] == calendar.working_days_between(date.fromisoformat(row["due_date"]), TODAY)


def test_refuses_to_overwrite_a_file(tmp_path):
    existing = tmp_path / "real.db"
    existing.write_bytes(b"")
    with pytest.raises(FileExistsError):
        synthetic.generate(existing, 10)
