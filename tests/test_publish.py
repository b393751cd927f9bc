"""Datasette as published by foi-tracker, driven in-process against the demo database.

Every figure a view, canned query or chart shows is computed again here, in Python, from the
base tables of the database under test. Columns that other parts of the tracker fill
(classification, citations, deadlines, flags) are filled with plausible values in this module's
own copy of the demo database when they are still empty (``filled_demo_db``, tests/conftest.py),
so the tests hold either way.
"""

from __future__ import annotations

from html import unescape
import asyncio
import copy
import math
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from datasette.utils import tilde_encode

from tracker.web import plugin as datasette_plugin
from tracker.web import publish
from tracker.store import summaries
from tracker.web.plugin import Segment, deadline_line, fold_simple
from tracker.store.db import open_db
from tracker.model.taxonomy import CLOSED_STATES, INACTIVE_STATES
from tracker.store.schema import RESPONSE_TIME_BANDS, TABLES, VIEWS

TODAY = date(2026, 11, 20)


# ---------------------------------------------------------------------------------------------
# The database under test (tests/conftest.py builds and fills it)


@pytest.fixture(scope="module")
def site_db(filled_demo_db) -> Path:
    db = open_db(filled_demo_db)
    summaries.refresh(db)
    db.close()
    return filled_demo_db


@pytest.fixture(scope="module")
def db(site_db):
    database = open_db(site_db)
    yield database
    database.close()


@pytest.fixture(scope="module")
def ds(site_db):
    metadata = publish.metadata_for(site_db)
    metadata["plugins"][datasette_plugin.PLUGIN_NAME]["today"] = TODAY.isoformat()
    return publish.make_datasette(site_db, metadata=metadata)


@pytest.fixture(scope="module")
def name(site_db) -> str:
    return site_db.stem


def get(ds, path: str, **params):
    async def fetch():
        return await ds.client.get(path, params=params or None)

    return asyncio.run(fetch())


def rows(ds, path: str, **params) -> list[dict[str, Any]]:
    response = get(ds, f"{path}.json", _shape="array", _size="max", **params)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def utc_today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def query(db, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    return list(db.query(sql, params or []))


# ---------------------------------------------------------------------------------------------
# Preconditions: the database under test has what the figures need


def test_the_database_under_test_has_data_for_every_view(db):
    counts = query(db, """select count(first_response_at) as answered, count(review_requested_at) as reviews,
                                 count(due_date) as due from requests""")[0]
    assert counts["answered"] >= 20 and counts["reviews"] >= 3 and counts["due"] >= 40
    assert db["message_exemptions"].count >= 3
    assert db["flags"].count >= 1


# ---------------------------------------------------------------------------------------------
# Views


def test_every_view_and_its_columns_are_documented(db):
    tables = yaml.safe_load(publish.METADATA.read_text())["databases"]["*"]["tables"]
    for view in VIEWS:
        columns = [row["name"] for row in query(db, f"pragma table_info([{view}])")]
        documented = tables[view]["columns"]
        assert tables[view]["description"]
        assert set(columns) == set(documented), view


def _late_expected(db) -> dict[tuple[str, str], dict[str, Any]]:
    today = utc_today()
    expected = {}
    for r in query(db, "select * from requests"):
        status = r["status"] or ""
        if r["first_response_at"] is None and r["due_date"] and r["due_date"] < today and status not in CLOSED_STATES:
            expected[(r["id"], "response")] = {"due_date": r["due_date"], "long_overdue": int(bool(
                r["very_overdue_date"] and r["very_overdue_date"] < today))}
        if (r["review_requested_at"] and not r["review_responded_at"] and r["review_due_date"]
                and r["review_due_date"] < today and status not in INACTIVE_STATES):
            expected[(r["id"], "internal_review")] = {"due_date": r["review_due_date"], "long_overdue": 0}
    for item in expected.values():
        item["days_overdue"] = (date.fromisoformat(today) - date.fromisoformat(item["due_date"])).days
    return expected


def test_late_requests_lists_what_is_late_today(ds, db, name):
    expected = _late_expected(db)
    assert len(expected) >= 3
    got = {(row["request_id"], row["clock"]): row for row in rows(ds, f"/{name}/late_requests")}
    assert set(got) == set(expected)
    for key, row in got.items():
        assert {k: row[k] for k in ("due_date", "days_overdue", "long_overdue")} == expected[key]
    standing: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for flag in query(db, "select * from flags where cleared_on is null order by id"):
        standing[(flag["request_id"], "response" if flag["flag"] in ("late", "very_late") else "internal_review")].append(flag)
    assert standing
    for key, row in got.items():
        flags = standing.get(key, [])
        assert row["working_days_late"] == (flags[-1]["working_days_late"] if flags else None)
        assert row["flagged_on"] == (min(f["raised_on"] for f in flags) if flags else None)


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _authority_expected(db) -> dict[str, dict[str, Any]]:
    by_authority: dict[str, list[dict]] = defaultdict(list)
    for r in query(db, "select * from requests where authority_id is not null"):
        by_authority[r["authority_id"]].append(r)
    expected = {}
    for authority, requests in by_authority.items():
        days = [r["working_days_to_response"] for r in requests if r["working_days_to_response"] is not None]
        timely = [r["answered_on_time"] for r in requests if r["answered_on_time"] is not None]
        statuses = Counter(r["status"] for r in requests)
        decided = sum(statuses[s] for s in ("successful", "partially_successful", "not_held", "rejected"))
        expected[authority] = {
            "requests": len(requests),
            "answered": sum(1 for r in requests if r["first_response_at"]),
            "median_working_days_to_response": round(statistics.median(days), 1) if days else None,
            "p90_working_days_to_response": nearest_rank(days, 0.9) if days else None,
            "mean_working_days_to_response": round(statistics.mean(days), 1) if days else None,
            "share_on_time": _share(sum(timely), len(timely)),
            "decided": decided,
            "share_successful": _share(statuses["successful"], decided),
            "share_partially_successful": _share(statuses["partially_successful"], decided),
            "share_not_held": _share(statuses["not_held"], decided),
            "share_refused": _share(statuses["rejected"], decided),
        }
    return expected


def test_authority_response_times_medians_percentiles_and_shares(ds, db, name):
    expected = _authority_expected(db)
    got = {row["authority_id"]: row for row in rows(ds, f"/{name}/authority_response_times")}
    assert set(got) == set(expected)
    assert sum(1 for e in expected.values() if e["median_working_days_to_response"] is not None) >= 8
    for authority, figures in expected.items():
        row = got[authority]
        for column, value in figures.items():
            assert row[column] == pytest.approx(value), (authority, column)


def test_percentiles_on_even_and_odd_counts(tmp_path):
    """The window-function median and nearest-rank p90 on hand-made numbers."""
    db = open_db(tmp_path / "p.db")
    db["sites"].insert({"id": "s"})
    samples = {"a": [1, 2, 3, 4], "b": [5, 1, 9], "c": list(range(1, 21)), "d": [7]}
    with db.conn:
        for authority, days in samples.items():
            db["authorities"].insert({"id": authority, "site_id": "s", "name": authority.upper()})
            for n, value in enumerate(days):
                db["requests"].insert({"id": f"{authority}{n}", "site_id": "s", "url": "u", "authority_id": authority,
                                       "working_days_to_response": value, "first_response_at": "2026-01-01"})
    got = {row["authority_id"]: row for row in db.query("select * from authority_response_times")}
    assert {a: got[a]["median_working_days_to_response"] for a in samples} == {"a": 2.5, "b": 5, "c": 10.5, "d": 7}
    assert {a: got[a]["p90_working_days_to_response"] for a in samples} == {"a": 4, "b": 9, "c": 18, "d": 7}


def test_summary_tables_are_copies_of_their_views(db):
    for table, view in summaries.SUMMARIES.items():
        copied = [{k: v for k, v in row.items() if k != "refreshed_at"} for row in query(db, f"select * from {table}")]
        live = query(db, f"select * from {view}")
        key = lambda row: (row["authority_id"], row.get("band_order") or 0)  # noqa: E731
        assert sorted(copied, key=key) == sorted(live, key=key)
        assert copied


def test_summaries_are_stale_until_refreshed_today(tmp_path, site_db, copy_database):
    db = open_db(copy_database(site_db, tmp_path / "copy.db"))
    assert not summaries.is_stale(db)
    assert summaries.is_stale(db, now=datetime(2099, 1, 1, tzinfo=timezone.utc))
    stamp = datetime.fromisoformat(summaries.refreshed_at(db))
    changed = stamp + timedelta(seconds=1)
    db.execute("update requests set last_changed_at = ? where rowid = 1", [changed.isoformat()])
    db.conn.commit()
    assert summaries.is_stale(db, now=changed)
    summaries.refresh(db, now=changed.isoformat())
    assert not summaries.is_stale(db, now=changed) and not summaries.refresh_if_stale(db)
    for table in summaries.SUMMARIES:
        db.execute(f"delete from {table}")
    db.conn.commit()
    assert summaries.refreshed_at(db) is None and summaries.is_stale(db)
    assert summaries.refresh_if_stale(db) and summaries.refreshed_at(db) is not None


def _bands_expected(db, authority_id: str | None = None) -> list[int]:
    counts = [0] * len(RESPONSE_TIME_BANDS)
    for r in query(db, "select authority_id, working_days_to_response as d from requests "
                       "where d is not null and authority_id is not null"):
        if authority_id and r["authority_id"] != authority_id:
            continue
        for index, (_, _, _, high) in enumerate(RESPONSE_TIME_BANDS):
            if high is None or r["d"] <= high:
                counts[index] += 1
                break
    return counts


def test_response_time_distribution_in_bands(ds, db, name):
    result = rows(ds, f"/{name}/response_time_distribution")
    assert [row["band"] for row in result] == ["<=5", "<=10", "<=15", "<=20", "<=40", ">40"]
    expected = _bands_expected(db)
    assert [row["requests"] for row in result] == expected
    total = sum(expected)
    assert [row["share"] for row in result] == [round(n / total, 3) for n in expected]
    assert result[-1]["cumulative_share"] == 1.0
    authority = query(db, "select authority_id, count(*) as n from requests where working_days_to_response is not null "
                          "group by 1 order by 2 desc limit 1")[0]["authority_id"]
    one = rows(ds, f"/{name}/response_time_distribution", authority=authority)
    assert [row["requests"] for row in one] == _bands_expected(db, authority)
    assert sum(row["requests"] for row in one) < total


def _exemptions_expected(db, authority_id: str) -> dict[str, tuple[int, int]]:
    found = query(db, """select me.exemption_id, m.id as message_id, m.request_id from message_exemptions me
        join messages m on m.id = me.message_id join requests r on r.id = m.request_id
        where r.authority_id = ? and coalesce(me.relied_on, 1) = 1""", [authority_id])
    expected = {}
    for exemption in {row["exemption_id"] for row in found}:
        mine = [row for row in found if row["exemption_id"] == exemption]
        expected[exemption] = (len({r["message_id"] for r in mine}), len({r["request_id"] for r in mine}))
    return expected


def test_exemption_usage_view_and_the_exemptions_an_authority_cites(ds, db, name):
    usage = rows(ds, f"/{name}/exemption_usage")
    authorities = {row["authority_id"] for row in usage}
    assert authorities
    for authority_id in authorities:
        expected = _exemptions_expected(db, authority_id)
        mine = {row["exemption_id"]: row for row in usage if row["authority_id"] == authority_id}
        assert {k: (v["messages"], v["requests"]) for k, v in mine.items()} == expected
        total = db.execute("select count(*) from requests where authority_id = ?", [authority_id]).fetchone()[0]
        for row in mine.values():
            assert row["share_of_requests"] == round(row["requests"] / total, 3)
        authority = query(db, "select name, url_name from authorities where id = ?", [authority_id])[0]
        cited = rows(ds, f"/{name}/authority_exemptions", authority=authority["url_name"])
        assert {row["exemption_id"]: (row["messages"], row["requests"]) for row in cited} == expected
        assert [row["requests"] for row in cited] == sorted((row["requests"] for row in cited), reverse=True)
    assert rows(ds, f"/{name}/authority_exemptions") == []


def test_thread_timeline_is_in_order_with_the_milestones(ds, db, name):
    request = query(db, """select * from requests where review_requested_at is not null and first_response_at is not null
                           order by id limit 1""")[0]
    timeline = rows(ds, f"/{name}/thread_timeline", request_id=request["id"])
    messages = [row for row in timeline if row["event"] == "message"]
    stored = query(db, "select id from messages where request_id = ? order by position", [request["id"]])
    assert [row["item_id"] for row in messages] == [row["id"] for row in stored]
    assert [row["sort_at"] for row in timeline] == sorted(row["sort_at"] for row in timeline)
    deadlines = {row["milestone"]: row["at"] for row in timeline if row["event"] == "deadline"}
    assert deadlines == {"due": request["due_date"], "long_overdue": request["very_overdue_date"],
                         "review_due": request["review_due_date"]}
    marked = {row["milestone"]: row["at"] for row in messages if row["milestone"]}
    assert marked["sent"] == request["sent_at"]
    assert marked["first_response"] == request["first_response_at"]
    assert marked["review_requested"] == request["review_requested_at"]
    cited = {row["message_id"] for row in query(
        db, "select message_id from message_exemptions where coalesce(relied_on, 1) = 1")}
    assert all(bool(row["exemptions"]) == (row["item_id"] in cited) for row in messages)
    total = db.execute("select (select count(*) from messages) + (select count(*) from annotations)").fetchone()[0]
    everything = rows(ds, f"/{name}/thread_timeline", event__in="message,annotation")
    assert len(everything) == total


def test_status_disagreements_mark_the_sites_unknown(ds, db, name, site_db, tmp_path, copy_database):
    path = copy_database(site_db, tmp_path / "disagree.db")
    copy_db = open_db(path)
    with copy_db.conn:
        copy_db.execute("update requests set status = 'successful' where site_status = 'waiting_classification'")
        copy_db.execute("update requests set status = 'waiting_response_overdue' where id = "
                        "(select id from requests where site_status = 'waiting_response' order by id limit 1)")
    expected = {r["id"]: r["site_status"] == "waiting_classification"
                for r in query(copy_db, "select * from requests where status != site_status")}
    assert sum(expected.values()) >= 1 and not all(expected.values())
    copy_ds = publish.make_datasette(path)
    got = rows(copy_ds, f"/{path.stem}/status_disagreements")
    assert {row["request_id"]: bool(row["site_unknown"]) for row in got} == expected
    assert {row["disagreement"] for row in got} == {"differs", "site_unknown"}


# ---------------------------------------------------------------------------------------------
# Canned queries


def test_every_canned_query_answers(ds, name):
    queries = yaml.safe_load(publish.METADATA.read_text())["databases"]["*"]["queries"]
    titles = {q["title"] for q in queries.values()}
    assert titles == {"My requests", "Late today", "Authority league table", "Exemptions an authority cites",
                      "Response time distribution", "Internal reviews pending", "Search the correspondence"}
    for slug in queries:
        response = get(ds, f"/{name}/{slug}")
        assert response.status_code == 200, slug
        assert "write" not in queries[slug]


def test_my_requests(ds, db, name):
    person = query(db, "select u.id, u.name, u.url_name, count(*) as n from users u join requests r on r.user_id = u.id "
                       "group by u.id order by n desc, u.id limit 1")[0]
    expected = {r["id"] for r in query(db, "select id from requests where user_id = ?", [person["id"]])}
    assert len(expected) == person["n"] >= 2
    for way in (person["name"], person["name"].upper(), person["url_name"], person["id"]):
        got = rows(ds, f"/{name}/my_requests", requester=way)
        assert {row["request_id"] for row in got} == expected
    got = rows(ds, f"/{name}/my_requests", requester=person["name"])
    sent = [row["sent_at"] for row in got]
    assert sent == sorted(sent, reverse=True)
    counts = {r["request_id"]: r["n"] for r in query(db, "select request_id, count(*) as n from messages group by 1")}
    assert all(row["messages"] == counts.get(row["request_id"], 0) for row in got)
    assert rows(ds, f"/{name}/my_requests") == []


def test_late_today(ds, db, name):
    expected = _late_expected(db)
    got = rows(ds, f"/{name}/late_today")
    assert {(row["request_id"], row["clock"]) for row in got} == set(expected)
    assert [row["due_date"] for row in got] == sorted((row["due_date"] for row in got), reverse=True)
    view = {(row["request_id"], row["clock"]): row for row in rows(ds, f"/{name}/late_requests")}
    columns = ("due_date", "days_overdue", "long_overdue", "working_days_late", "flagged_on", "status")
    for row in got:
        assert {c: row[c] for c in columns} == {c: view[(row["request_id"], row["clock"])][c] for c in columns}
    assert any(row["working_days_late"] is not None for row in got)
    authority = query(db, "select a.name from authorities a join requests r on r.authority_id = a.id where r.id = ?",
                      [got[0]["request_id"]])[0]["name"]
    only = rows(ds, f"/{name}/late_today", authority=authority.split()[0])
    assert only and {row["authority"] for row in only} <= {a["name"] for a in query(
        db, "select name from authorities where name like ?", [f"%{authority.split()[0]}%"])}
    assert len(only) < len(got)


def test_authority_league_table(ds, db, name):
    expected = _authority_expected(db)
    got = rows(ds, f"/{name}/authority_league_table")
    assert {row["authority_id"] for row in got} == set(expected)
    for row in got:
        assert row["share_on_time"] == pytest.approx(expected[row["authority_id"]]["share_on_time"])
        assert row["median_working_days_to_response"] == pytest.approx(
            expected[row["authority_id"]]["median_working_days_to_response"])
    ranked = [row["share_on_time"] for row in got if row["share_on_time"] is not None]
    assert ranked == sorted(ranked, reverse=True)
    known = [row["share_on_time"] for row in got]
    assert known[:len(ranked)] == ranked  # authorities without answers come last
    big = rows(ds, f"/{name}/authority_league_table", min_requests="4")
    assert {row["authority_id"] for row in big} == {a for a, e in expected.items() if e["requests"] >= 4}


def test_internal_reviews_pending(ds, db, name):
    expected = {r["id"] for r in query(db, """select id from requests
        where ((review_requested_at is not null and review_due_date is not null) or status = 'internal_review')
          and review_responded_at is null
          and coalesce(status, '') not in ('user_withdrawn', 'gone_postal', 'error_message', 'not_foi', 'vexatious')""")}
    assert expected
    got = rows(ds, f"/{name}/internal_reviews_pending")
    assert {row["request_id"] for row in got} == expected
    today = date.fromisoformat(utc_today())
    for row in got:
        if row["review_due_date"]:
            assert row["days_left"] == (date.fromisoformat(row["review_due_date"]) - today).days
            assert row["overdue"] == int(row["days_left"] < 0)


def test_search_the_correspondence_finds_a_phrase_from_a_letter(ds, db, name):
    letter = query(db, "select id, request_id from messages where body_text like '%lessons learned summary%'")[0]
    got = rows(ds, f"/{name}/search_correspondence", q='"lessons learned summary"')
    assert [row["message_id"] for row in got] == [letter["id"]]
    assert "[lessons learned summary]" in got[0]["snippet"].lower()
    assert got[0]["request_id"] == letter["request_id"]
    words = rows(ds, f"/{name}/search_correspondence", q="quokka lighthouse")
    assert [row["message_id"] for row in words] == [m["id"] for m in query(
        db, "select id from messages where body_text like '%quokka lighthouse%'")]
    expected = {m["id"] for m in query(db, "select id from messages where body_text like '%section 43%'")}
    assert {row["message_id"] for row in rows(ds, f"/{name}/search_correspondence", q='"section 43"')} == expected
    assert rows(ds, f"/{name}/search_correspondence") == []
    assert rows(ds, f"/{name}/search_correspondence", q='( " - *') == []  # punctuation: no error, no match
    assert len(rows(ds, f"/{name}/search_correspondence", q="NEAR OR council")) == db.execute(
        "select count(*) from messages_fts where messages_fts match '\"near\" \"or\" \"council\"'").fetchone()[0]


def test_full_text_search_is_wired_for_messages_and_requests(ds, db, name):
    found = get(ds, f"/{name}/messages.json", _search="defacement", _shape="objects").json()
    expected = db.execute("select count(*) from messages where body_text like '%defaced%' or body_text like '%defacement%' "
                          "or subject like '%defacement%'").fetchone()[0]
    assert found["filtered_table_rows_count"] == expected >= 1
    titles = get(ds, f"/{name}/requests.json", _search="accommodation", _shape="objects").json()
    assert titles["filtered_table_rows_count"] == db.execute(
        "select count(*) from requests where title like '%accommodation%'").fetchone()[0] >= 1


def test_tables_sort_by_their_primary_key_when_sortable_columns_are_set(ds, name):
    """Datasette's filter form sends _sort=<pk>: it must be allowed wherever sorting is restricted."""
    tables = yaml.safe_load(publish.METADATA.read_text())["databases"]["*"]["tables"]
    for table in TABLES:
        sortable = tables[table.name].get("sortable_columns")
        if sortable and isinstance(table.pk, str):
            assert table.pk in sortable, table.name
            assert get(ds, f"/{name}/{table.name}", _sort=table.pk).status_code == 200, table.name


def test_facets_labels_and_hidden_tables(ds, name):
    data = get(ds, f"/{name}/messages.json", _shape="objects").json()
    assert {"kind", "outcome", "direction"} <= set(data["facet_results"])
    requests = get(ds, f"/{name}/requests.json", _shape="objects").json()
    assert {"status", "regime", "authority_id"} <= set(requests["facet_results"])
    tables = {t["name"]: t for t in get(ds, f"/{name}.json").json()["tables"]}
    assert not {"fetches", "fetch_bodies", "message_headers"} & set(tables)  # in the private file, never served
    assert not tables["requests"]["hidden"]
    html = get(ds, f"/{name}/messages").text
    assert "Every message of every thread" in html


# ---------------------------------------------------------------------------------------------
# Charts


def _dashboard() -> dict:
    return yaml.safe_load(publish.METADATA.read_text())["plugins"]["datasette-dashboards"]["foi"]


def test_dashboard_page_and_its_charts_data(ds, db, name):
    page = get(ds, "/-/dashboards/foi")
    assert page.status_code == 200
    charts = _dashboard()["charts"]
    assert set(charts) == {"requests-by-status", "response-time-distribution", "on-time-share",
                           "flags-per-week", "exemptions-cited"}
    for slug in charts:
        assert f"renderChart('{slug}'" in page.text
    assert f'"db": "{name}"' in page.text and '"db": "*"' not in page.text

    def chart(slug: str, **params) -> list[dict]:
        query_sql = charts[slug]["query"]
        kept = re.sub(r"\[\[(.*?)\]\]", r"\1" if params else "", query_sql)
        return rows(ds, f"/{name}", sql=kept, **params)

    by_status = {row["status"]: row["requests"] for row in chart("requests-by-status")}
    assert by_status == dict(Counter(r["status"] for r in query(db, "select status from requests")))
    assert [row["requests"] for row in chart("response-time-distribution")] == _bands_expected(db)
    on_time = {row["authority"]: row["share_on_time"] for row in chart("on-time-share")}
    expected = _authority_expected(db)
    names = {r["id"]: r["name"] for r in query(db, "select id, name from authorities")}
    assert on_time == {names[a]: e["share_on_time"] for a, e in expected.items() if e["share_on_time"] is not None}
    flags = chart("flags-per-week")
    assert sum(row["flags"] for row in flags) == db["flags"].count
    assert all(date.fromisoformat(row["week"]).weekday() == 0 for row in flags)
    cited = [(row["exemption"], row["requests"]) for row in chart("exemptions-cited")]
    relied: dict[str, set] = defaultdict(set)
    for r in query(db, """select me.exemption_id, m.request_id from message_exemptions me
                          join messages m on m.id = me.message_id where coalesce(me.relied_on, 1) = 1"""):
        relied[r["exemption_id"]].add(r["request_id"])
    assert cited == sorted(((e, len(r)) for e, r in relied.items()), key=lambda item: (-item[1], item[0]))[:20]
    assert cited
    authority = max(expected, key=lambda a: expected[a]["requests"])
    one = chart("requests-by-status", authority=names[authority])
    assert sum(row["requests"] for row in one) == expected[authority]["requests"]


# ---------------------------------------------------------------------------------------------
# The thread page


def thread_page(ds, name: str, request_id: str) -> str:
    response = get(ds, f"/{name}/requests/{tilde_encode(request_id)}")
    assert response.status_code == 200
    return response.text


def test_thread_page_shows_the_messages_in_order_with_the_deadline_line(ds, db, name, calendar_of, london_day):
    request = query(db, "select * from requests where answered_on_time = 0 and exists "
                        "(select 1 from attachments t join messages m on m.id = t.message_id where m.request_id = requests.id) "
                        "order by id limit 1")
    request = request[0] if request else query(db, "select * from requests where answered_on_time = 0 order by id")[0]
    html = thread_page(ds, name, request["id"])
    order = re.findall(r'data-item-id="([^"]+)"', html)
    messages = [m["id"] for m in query(db, "select id from messages where request_id = ? order by position", [request["id"]])]
    assert [item for item in order if item in messages] == messages
    calendar = calendar_of(request["regime"])
    late = calendar.working_days_between(date.fromisoformat(request["due_date"]), london_day(request["first_response_at"]))
    assert f"answered {late} working day{'s' if late != 1 else ''} late" in html
    assert f'datetime="{request["due_date"]}"' in html
    assert 'data-state="late"' in html
    kinds = [m["kind"] for m in query(db, "select kind from messages where request_id = ? order by position", [request["id"]])]
    badges = re.findall(r'class="badge kind kind-([a-z_]+)"', html)
    assert badges == [kind for kind in kinds if kind] and badges


def test_thread_page_of_an_open_late_request_counts_working_days_overdue(ds, db, name, calendar_of):
    request = query(db, f"""select * from requests where first_response_at is null and due_date < ?
        and status not in ({', '.join('?' * len(CLOSED_STATES))}) order by due_date desc limit 1""",
                    [TODAY.isoformat(), *CLOSED_STATES])[0]
    html = thread_page(ds, name, request["id"])
    overdue = calendar_of(request["regime"]).working_days_between(date.fromisoformat(request["due_date"]), TODAY)
    assert f"overdue: {overdue} working day" in html


def test_thread_page_shows_exemptions_attachments_and_folds_quoted_text(ds, db, name):
    cited = query(db, """select m.request_id, me.exemption_id from message_exemptions me
                         join messages m on m.id = me.message_id order by m.id limit 1""")[0]
    html = thread_page(ds, name, cited["request_id"])
    assert f">{cited['exemption_id']}" in html
    attached = query(db, "select m.request_id, t.filename from attachments t join messages m on m.id = t.message_id "
                         "where m.request_id not like '%payload%' order by t.id limit 1")[0]
    assert attached["filename"] in thread_page(ds, name, attached["request_id"])
    quoted = query(db, "select request_id from messages where body_text like '%-----Original Message-----%' limit 1")
    assert quoted
    html = thread_page(ds, name, quoted[0]["request_id"])
    assert re.search(r'<details class="foi-quoted"><summary>Show [^<]+</summary><div class="foi-text">', html)


def test_letters_are_escaped_everywhere(ds, db, name):
    request_id = db.execute("select id from requests where id like '%payload_thread'").fetchone()[0]
    pages = [
        thread_page(ds, name, request_id),
        get(ds, f"/{name}/messages", request_id=request_id).text,
        get(ds, f"/{name}/thread_timeline", request_id=request_id).text,
        get(ds, f"/{name}/search_correspondence", q="quokka").text,
        get(ds, f"/{name}/requests").text,
        get(ds, f"/{name}/my_requests", requester="x").text,
    ]
    demo = query(db, "select request_id from messages where body_text like '%<script>alert(\"x\")</script>%'")[0]
    pages.append(thread_page(ds, name, demo["request_id"]))
    for html in pages:
        assert "<script>window.__xss" not in html and "<script>alert" not in html
        assert not re.search(r"<(img|svg|b)\s[^>]*on(error|load|mouseover)=", html, re.I)
        assert 'href="javascript:' not in html.lower()
    assert "&lt;script&gt;window.__xss = 1" in pages[0]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[-1]


def test_file_names_show_their_direction_controls(ds, db, name):
    request_id = db.execute("select id from requests where id like '%payload_thread'").fetchone()[0]
    attachment = db.execute("select id from attachments where filename like 'invoice%fdp.exe'").fetchone()[0]
    thread = thread_page(ds, name, request_id)
    table = get(ds, f"/{name}/attachments", id=attachment).text
    for html in (thread, table):
        assert "invoice[U+202E]fdp.exe" in html and "\u202e" not in html
    assert "<bdi>invoice[U+202E]fdp.exe</bdi>" in thread  # isolated from the size after it


def test_request_ids_in_views_and_queries_link_to_the_thread_page(ds, db, name):
    request_id = _late_expected(db).popitem()[0][0]
    href = f'href="/{name}/requests/{tilde_encode(request_id)}"'
    assert href in get(ds, f"/{name}/late_requests").text
    assert href in get(ds, f"/{name}/late_today").text


# ---------------------------------------------------------------------------------------------
# Safety


def test_robots_are_turned_away_unless_public(ds, site_db):
    robots = get(ds, "/robots.txt")
    assert robots.text.strip() == "User-agent: *\nDisallow: /"
    assert get(ds, "/").headers["x-robots-tag"] == "noindex, nofollow"
    public = publish.make_datasette(site_db, public=True)
    assert "Disallow: /*sql=" in get(public, "/robots.txt").text
    assert "Disallow: /\n" not in get(public, "/robots.txt").text + "\n"
    assert "x-robots-tag" not in get(public, "/").headers
    assert get(public, "/").headers["x-content-type-options"] == "nosniff"


def test_there_is_no_way_to_write(ds, db, name):
    before = db["requests"].count
    refused = get(ds, f"/{name}.json", sql="delete from requests")
    assert refused.status_code == 400
    assert get(ds, f"/{name}.json", sql="update requests set title = 'x'").status_code == 400

    async def post(path: str):
        return await ds.client.post(path, data={"title": "x"})

    for path in (f"/{name}/late_today", f"/{name}", f"/{name}/requests", "/-/messages"):
        assert asyncio.run(post(path)).status_code == 405, path
    for path in (f"/{name}/requests/-/insert", f"/{name}/-/create", f"/{name}.db"):
        assert get(ds, path).status_code in (400, 403, 404, 405), path
    plugins = {p["name"] for p in get(ds, "/-/plugins.json").json()}
    assert not {p for p in plugins if "write" in p or "insert" in p or "upload" in p or "edit" in p}
    assert db["requests"].count == before


def test_metadata_names_the_served_database_everywhere(site_db):
    metadata = publish.metadata_for(site_db)
    assert set(metadata["databases"]) == {site_db.stem}
    dashboard = metadata["plugins"]["datasette-dashboards"]["foi"]
    assert {chart["db"] for chart in dashboard["charts"].values()} == {site_db.stem}
    assert dashboard["filters"]["authority"]["db"] == site_db.stem
    assert copy.deepcopy(metadata) == publish.metadata_for(site_db)


# ---------------------------------------------------------------------------------------------
# Folding and the deadline line, as units


def test_fold_keeps_what_speaks_and_folds_quotes_and_tails():
    text = ("Dear Ms Raman,\n\nPlease find attached.\n\n> Your earlier question\n> on two lines\n\n"
            "An answer below the quote.\n\nOn 3 Mar 2026, at 10:00, Priya Raman <p@x> wrote:\n> old\n> text")
    assert fold_simple(text) == [
        Segment("Dear Ms Raman,\n\nPlease find attached."),
        Segment("> Your earlier question\n> on two lines\n", folded=True, label="quoted lines"),
        Segment("An answer below the quote."),
        Segment("On 3 Mar 2026, at 10:00, Priya Raman <p@x> wrote:\n> old\n> text", folded=True, label="quoted e-mail"),
    ]
    outlook = "Thanks.\n\n-----Original Message-----\nFrom: A\nSent: today\n\nold letter"
    assert [s.folded for s in fold_simple(outlook)] == [False, True]
    assert fold_simple("Just a letter.") == [Segment("Just a letter.")]


def test_fold_loses_nothing_and_keeps_the_order(db, payload_letter):
    """Every line of every letter is on the thread page, in order, visible or folded."""
    for (text,) in db.execute("select body_text from messages"):
        segments = datasette_plugin.fold(text)
        shown = [line.strip() for segment in segments for line in segment.text.split("\n") if line.strip()]
        assert shown == [line.strip() for line in text.split("\n") if line.strip()]
    folded = datasette_plugin.fold(payload_letter)
    assert [s.folded for s in folded] == [False, True, False]
    assert folded[1] == Segment("> quoted line from before", folded=True, label="quoted lines")


def test_deadline_line_verdicts():
    request = {"regime": "foia", "sent_at": "2026-03-26T19:17:04+00:00", "due_date": "2026-04-27",
               "very_overdue_date": "2026-05-26", "status": "waiting_response"}
    assert deadline_line(request, date(2026, 4, 20))["verdict"] == "due in 5 working days"
    assert deadline_line(request, date(2026, 4, 27))["verdict"] == "due today"
    overdue = deadline_line(request, date(2026, 4, 30))
    assert (overdue["state"], overdue["verdict"]) == ("overdue", "overdue: 3 working days late")
    assert deadline_line(request, date(2026, 6, 1))["state"] == "long_overdue"
    answered = dict(request, first_response_at="2026-05-06T09:00:00+01:00", answered_on_time=0, status="successful")
    # 28 Apr to 6 May 2026: the early May bank holiday (4 May) is not a working day.
    assert deadline_line(answered, date(2026, 6, 1))["verdict"] == "answered 6 working days late"
    on_time = dict(answered, first_response_at="2026-04-27T16:00:00+01:00", answered_on_time=1,
                   working_days_to_response=20)
    assert deadline_line(on_time, date(2026, 6, 1))["verdict"] == "answered on time, after 20 working days"
    withdrawn = dict(request, status="user_withdrawn")
    assert deadline_line(withdrawn, date(2026, 6, 1))["state"] == "closed"
    from_site = {"site_due_date": "2026-04-27", "status": "waiting_response"}
    assert deadline_line(from_site, date(2026, 4, 20))["due_source"] == "site"


def test_thread_page_says_which_status_we_believe_and_why(ds, db, name):
    rows = query(db, "select id, status, site_status, status_why from requests where status_why is not null order by id")
    assert rows and all(row["status_why"] for row in rows)
    differing = [row for row in rows if row["site_status"] and row["site_status"] != row["status"]]
    for row in (differing[:1] or rows[:1]):
        html = thread_page(ds, name, row["id"])
        words = "We believe ours: " if row in differing else "Why: "
        assert words + row["status_why"] in unescape(html)
