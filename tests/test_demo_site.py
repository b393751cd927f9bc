"""The bundled demo site: its corpus covers what the tracker must handle, and it serves it like Alaveteli."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import date, timedelta
from email.utils import formatdate

import httpx
import pytest
from bs4 import BeautifulSoup

from tracker.deadlines import SCOTLAND, UK, due_date
from tracker.demo import AUTHORITIES_CSV_HEADER, SITE_STATUSES, SampleSite, build_corpus, demo_site, render_request_page
from tracker.model.taxonomy import INCOMING_KINDS, OUTGOING_KINDS, RESPONSE_OUTCOMES, REVIEW_OUTCOMES
from tracker.model import INCOMING, OUTGOING, Thread

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def corpus() -> list[Thread]:
    return build_corpus(TODAY)


@pytest.fixture(scope="module")
def site():
    with demo_site(TODAY) as running:
        yield running


@pytest.fixture(scope="module")
def client(site):
    with httpx.Client(base_url=site.base_url, timeout=10) as http:
        yield http


def _messages(threads: list[Thread]):
    return [m for t in threads for m in t.messages]


def _by_slug(threads: list[Thread], slug: str) -> Thread:
    return next(t for t in threads if t.slug == slug)


def _texts(threads: list[Thread], kind: str) -> str:
    return "\n".join(m.body_text for m in _messages(threads) if m.kind == kind)


# ------------------------------------------------------------------------------------- corpus


def test_corpus_is_large_enough(corpus):
    assert len(corpus) >= 45
    assert len(_messages(corpus)) >= 170
    assert len({t.authority.url_name for t in corpus}) >= 14
    assert len({t.user.url_name for t in corpus}) >= 10


def test_every_message_kind_appears_at_least_twice_in_the_right_direction(corpus):
    counts = Counter(m.kind for m in _messages(corpus))
    assert set(counts) == set(OUTGOING_KINDS) | set(INCOMING_KINDS)
    assert min(counts.values()) >= 2
    for message in _messages(corpus):
        expected = OUTGOING if message.kind in OUTGOING_KINDS else INCOMING
        assert message.direction == expected, message.id


def test_outcomes_cover_the_taxonomy_and_only_on_answers(corpus):
    messages = _messages(corpus)
    response_outcomes = Counter(m.outcome for m in messages if m.kind == "response")
    assert set(response_outcomes) == set(RESPONSE_OUTCOMES)
    assert min(response_outcomes.values()) >= 3
    assert {m.outcome for m in messages if m.kind == "internal_review_response"} == set(REVIEW_OUTCOMES)
    assert all(m.outcome is None for m in messages if m.kind not in ("response", "internal_review_response"))


def test_every_site_status_appears(corpus):
    assert {t.site_status for t in corpus} == set(SITE_STATUSES)


def test_letters_cover_the_required_variants(corpus):
    auto = _texts(corpus, "auto_reply")
    assert "out of the office" in auto and "could not be delivered" in auto
    extensions = _texts(corpus, "extension_notice")
    assert "Section 10(3)" in extensions and "Regulation 7(1) of the EIR" in extensions
    answers = _texts(corpus, "response") + _texts(corpus, "internal_review_response")
    for citation in ("section 40(2)", "section 43(2)", "section 31(1)(a)", "£450", "£600",
                     "regulation 12(5)(e)", "section 38(1)(b) of FOISA", "Section 12(1)"):
        assert citation in answers, citation
    review_requests = _texts(corpus, "internal_review_request")
    assert review_requests.count("Please pass this on to the person who conducts Freedom of Information reviews.") == 7


def test_site_states_follow_alaveteli_for_each_kind(corpus):
    messages = _messages(corpus)
    assert {m.site_state for m in messages if m.kind == "clarification_request"} == {"waiting_clarification"}
    assert {m.site_state for m in messages if m.kind == "request"} == {"waiting_response"}
    assert {m.event_type for m in messages if m.kind == "request"} == {"sent"}
    assert {m.event_type for m in messages if m.direction == OUTGOING and m.kind != "request"} == {"followup_sent"}
    assert {m.site_state for m in messages if m.kind == "internal_review_request"} == {"internal_review"}
    bounces = [m for m in messages if m.kind == "auto_reply" and "could not be delivered" in m.body_text]
    assert [m.site_state for m in bounces] == ["error_message"]
    refusals = [m for m in messages if m.kind == "response" and m.outcome == "refused"]
    assert {m.site_state for m in refusals} == {"rejected"}
    unclassified = [t for t in corpus if t.site_status == "waiting_classification"]
    assert len(unclassified) == 3
    assert all(t.messages[-1].site_state is None and t.messages[-1].site_display_status == "Response"
               for t in unclassified)


def test_ids_follow_the_model(corpus):
    host = "demo.invalid"
    messages = _messages(corpus)
    assert len({m.id for m in messages}) == len(messages)
    for thread in corpus:
        assert thread.id == f"{host}/request/{thread.slug}"
        assert thread.site.id == host
        assert thread.authority.id == f"{host}/body/{thread.authority.url_name}"
        assert thread.user.id == f"{host}/user/{thread.user.url_name}"
        for message in thread.messages:
            assert re.fullmatch(rf"{host}/{message.direction}-\d+", message.id)
            for part, attachment in enumerate(message.attachments, start=2):
                assert attachment.id == f"{message.id}/attachment-{part}"
        for note in thread.annotations:
            assert re.fullmatch(rf"{host}/comment-\d+", note.id)
    attachments = [a for m in messages for a in m.attachments]
    assert {a.filename.rsplit(".", 1)[1] for a in attachments} == {"pdf", "xlsx", "csv", "docx"}
    assert sum(len(t.annotations) for t in corpus) >= 3


def test_corpus_is_deterministic_and_takes_the_host(corpus):
    assert build_corpus(TODAY) == corpus
    other = build_corpus(TODAY, host="127.0.0.1:8123")
    assert [t.id.replace("127.0.0.1:8123", "demo.invalid") for t in other] == [t.id for t in corpus]
    assert [m.kind for m in _messages(other)] == [m.kind for m in _messages(corpus)]


def test_every_message_is_before_today(corpus):
    for message in _messages(corpus):
        assert date.fromisoformat(message.sent_at[:10]) < TODAY


def _clock_start(thread: Thread) -> date:
    """The day the request was sent, or the day a clarification restarted the clock."""
    start = date.fromisoformat(thread.messages[0].sent_at[:10])
    asked = False
    for message in thread.messages:
        if message.kind == "clarification_request":
            asked = True
        if message.kind == "clarification" and asked:
            start, asked = date.fromisoformat(message.sent_at[:10]), False
    return start


def test_open_statuses_agree_with_the_uk_calendar(corpus):
    open_threads = [t for t in corpus if t.site_status.startswith("waiting_response")]
    assert len(open_threads) == 8
    for thread in open_threads:
        start = _clock_start(thread)
        due = due_date(start, 20)
        very = UK.add_working_days(start, 60 if {"school", "academy_trust"} & set(thread.authority.tags) else 40)
        expected = ("waiting_response_very_overdue" if TODAY > very
                    else "waiting_response_overdue" if TODAY > due else "waiting_response")
        assert thread.site_status == expected, thread.slug
        if expected != "waiting_response_very_overdue":
            assert thread.due_date == due.isoformat()


def test_an_academy_trust_gets_sixty_working_days_before_long_overdue(corpus):
    thread = _by_slug(corpus, "permanent_exclusions_and_suspens")
    start = _clock_start(thread)
    assert UK.working_days_between(start, TODAY) > 40
    assert thread.site_status == "waiting_response_overdue"


def test_clocks_span_bank_holidays(corpus):
    def holidays_between(thread: Thread, calendar) -> set[str]:
        sent = date.fromisoformat(thread.messages[0].sent_at[:10])
        due = due_date(sent, 20, calendar)
        names = set()
        day = sent
        while day < due:
            day += timedelta(days=1)
            if calendar.holiday_name(day):
                names.add(calendar.holiday_name(day))
        return names

    assert "Christmas Day" in holidays_between(_by_slug(corpus, "winter_gritting_routes_and_salt"), UK)
    assert "Good Friday" in holidays_between(_by_slug(corpus, "website_defacement_incident_in_m"), UK)
    assert "Battle of the Boyne (observed)" in holidays_between(_by_slug(corpus, "air_quality_monitoring_results_o"), UK)
    scottish = _by_slug(corpus, "councillor_expenses_claims_and_c")
    assert "scottish_public_authority" in scottish.authority.tags
    assert any("Andrew" in name for name in holidays_between(scottish, SCOTLAND))
    foisa = _by_slug(corpus, "delayed_discharge_bed_days_by_ho")
    assert not any("Patrick" in name for name in holidays_between(foisa, SCOTLAND))
    assert any("Patrick" in name for name in holidays_between(foisa, UK))


def test_eir_and_foisa_threads(corpus):
    assert sum(t.law_used == "eir" for t in corpus) >= 5
    scottish = [t for t in corpus if "scottish_public_authority" in t.authority.tags]
    assert len(scottish) == 3
    assert all(t.law_used == "foi" and "Freedom of Information (Scotland) Act 2002" in t.messages[0].body_text
               for t in scottish)


def test_some_replies_quote_the_previous_message(corpus):
    incoming = [m for m in _messages(corpus) if m.direction == INCOMING]
    assert sum("-----Original Message-----" in m.body_text for m in incoming) >= 3
    assert sum("\n> Dear " in m.body_text for m in incoming) >= 3
    assert sum("Please use this email address for all replies to this request" in m.body_text for m in incoming) >= 6


# ------------------------------------------------------------------------------------- pages


def test_folding_replaces_quoted_sections_with_the_unfold_link(corpus):
    thread = _by_slug(corpus, "footway_repair_complaints_by_war")
    reply = thread.messages[-1]
    number = reply.id.rsplit("-", 1)[1]
    folded = render_request_page(thread, "http://demo.invalid", unfold=False)
    unfolded = render_request_page(thread, "http://demo.invalid", unfold=True)
    assert f'<a href="?unfold=1#incoming-{number}">show quoted sections</a>' in folded
    assert "-----Original Message-----" not in folded
    assert "-----Original Message-----" in unfolded
    assert f'<a href="?#incoming-{number}">hide quoted sections</a>' in unfolded


def test_request_page_is_served_with_validators(site, client):
    response = client.get("/request/pothole_compensation_claims_2024")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"])
    assert response.headers["last-modified"].endswith(" GMT")
    assert int(response.headers["content-length"]) == len(response.content)
    again = client.get("/request/pothole_compensation_claims_2024",
                       headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get("/request/pothole_compensation_claims_2024",
                       headers={"If-Modified-Since": response.headers["last-modified"]})
    assert since.status_code == 304
    stale = client.get("/request/pothole_compensation_claims_2024", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200


def test_unknown_paths_are_404_and_queries_are_ignored_for_routing(site, client):
    assert client.get("/request/no_such_request").status_code == 404
    unfolded = client.get("/request/pothole_compensation_claims_2024?unfold=1")
    assert unfolded.status_code == 200
    assert unfolded.content == client.get("/request/pothole_compensation_claims_2024").content
    logged = [r for r in site.requests_for("/request/pothole_compensation_claims_2024") if r.query == "unfold=1"]
    assert logged and logged[-1].status == 200 and logged[-1].method == "GET"
    assert "user-agent" in logged[-1].headers


def test_page_header_status_and_due_date(site, client):
    thread = site.thread("pothole_compensation_claims_2024")
    soup = BeautifulSoup(client.get(f"/request/{thread.slug}").text, "lxml")
    assert soup.select_one("div.request-header h1").get_text(strip=True) == thread.title
    subtitle = soup.select_one("p.request-header__subtitle")
    assert "made this Freedom of Information request to" in subtitle.get_text()
    assert subtitle.select_one('a[href^="/user/"]')["href"] == "/user/priya_raman"
    assert subtitle.select_one('a[href^="/body/"]')["href"] == "/body/northbridge_city_council"
    status = soup.select_one("div#request_status")
    assert "request-status-message--waiting_response" in status["class"]
    assert status.select_one("strong time")["datetime"] == thread.due_date
    assert soup.select_one('meta[property="og:url"]')["content"] == f"{site.base_url}/request/{thread.slug}"
    assert soup.select_one('link[rel="alternate"][title="JSON version of this page"]')["href"] == \
        f"/request/{thread.slug}.json"


def test_eir_subtitle(site, client):
    text = client.get("/request/storm_overflow_spill_monitoring").text
    assert "made this Environmental Information Regulations request to" in text
    assert "request-status-message--waiting_response_overdue" in text


def test_every_page_shows_its_status_and_messages(site, client):
    for thread in site.threads:
        soup = BeautifulSoup(client.get(f"/request/{thread.slug}").text, "lxml")
        assert f"request-status-message--{thread.site_status}" in soup.select_one("#request_status")["class"]
        anchors = [div["id"] for div in soup.select("div.correspondence")]
        assert anchors == [m.id.split("/", 1)[1] for m in thread.messages]
        times = [div.select_one("a.correspondence__header__date time")["datetime"]
                 for div in soup.select("div.correspondence")]
        assert times == [m.sent_at for m in thread.messages]
        assert len(soup.select("div.comment_in_request")) == len(thread.annotations)


def test_hostile_payload_is_escaped(site, client):
    text = client.get("/request/website_defacement_incident_in_m").text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script>alert" not in text
    assert "<img src=x" not in text


def test_markup_mix_and_attachment_ids(site, client):
    assert list(site.markup.values()).count("2019") == 17
    thread_2019 = next(t for t in site.threads if site.markup[t.slug] == "2019" and
                       any(m.attachments for m in t.messages))
    old = client.get(f"/request/{thread_2019.slug}").text
    assert "js-collapsable" in old and "js-collapsible" not in old
    assert '<li class="attachment">' in old
    thread_2025 = next(t for t in site.threads if site.markup[t.slug] == "2025" and
                       any(m.attachments for m in t.messages))
    soup = BeautifulSoup(client.get(f"/request/{thread_2025.slug}").text, "lxml")
    attachment = next(a for m in thread_2025.messages for a in m.attachments)
    item = soup.select_one("li.attachment")
    assert re.fullmatch(r"attachment-\d+", item["id"])
    assert item.select_one("p.attachment__name").get_text(strip=True) == attachment.filename
    download = item.select_one('a[href*="cookie_passthrough=1"]')["href"]
    assert f"{site.base_url}{download}" == attachment.url
    assert "_large-" in item.select_one("img.attachment__image")["src"]


# ------------------------------------------------------------------------------------- json


def test_json_ids_match_the_page_anchors(site, client):
    for thread in site.threads:
        response = client.get(f"/request/{thread.slug}.json")
        if thread.slug in site.without_json:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        data = response.json()
        page = client.get(f"/request/{thread.slug}").text
        anchors = set(re.findall(r'id="((?:incoming|outgoing)-\d+)"', page))
        from_json = {f"incoming-{e['incoming_message_id']}" for e in data["info_request_events"]
                     if e["incoming_message_id"]}
        from_json |= {f"outgoing-{e['outgoing_message_id']}" for e in data["info_request_events"]
                      if e["outgoing_message_id"]}
        assert from_json == anchors
        assert data["url_title"] == thread.slug and data["id"] == thread.site_request_id
        assert data["awaiting_description"] == (thread.site_status == "waiting_classification")
    assert len(site.without_json) == 2


def test_json_shape(site, client):
    data = client.get("/request/names_and_salaries_of_senior_off.json").json()
    assert list(data) == ["id", "url_title", "title", "created_at", "updated_at", "described_state",
                          "display_status", "awaiting_description", "prominence", "law_used", "tags",
                          "user", "public_body", "info_request_events"]
    assert data["described_state"] == "successful" and data["display_status"] == "Successful"
    assert set(data["user"]) == {"id", "url_name", "name", "ban_text", "about_me"}
    assert ["ons_code", "E10000903"] in data["public_body"]["tags"]
    assert set(data["public_body"]["info"]) == {"requests_count", "requests_successful_count",
                                                "requests_not_held_count", "requests_overdue_count",
                                                "requests_visible_classified_count"}
    events = data["info_request_events"]
    assert [e["event_type"] for e in events] == [
        "sent", "response", "status_update", "followup_sent", "response", "status_update",
        "response", "status_update"]
    assert [e.get("display_status") for e in events] == [
        "Clarification", "Refused", None, "Internal review request", "Awaiting internal review", None,
        "Successful", None]
    assert all(isinstance(e["id"], int) for e in events)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", events[0]["created_at"])


def test_json_is_compact_like_rails(site, client):
    raw = client.get("/request/pothole_compensation_claims_2024.json").text
    assert raw.startswith('{"id":') and "\n" not in raw
    assert json.loads(raw)["law_used"] == "foi"


# ------------------------------------------------------------------------------------- listings, csv


def test_list_is_paginated(site, client):
    pages, href = [], "/list"
    while href:
        soup = BeautifulSoup(client.get(href).text, "lxml")
        pages.append(soup)
        following = soup.select_one('a.next_page[rel="next"]')
        href = following["href"] if following else None
    assert len(pages) == 3
    assert pages[0].select_one('a.next_page[rel="next"]')["href"] == "/list?page=2"
    assert pages[1].select_one('a.previous_page[rel~="prev"]')["href"] == "/list"
    assert pages[2].select_one("span.next_page.disabled") is not None
    assert [len(p.select("div.request_listing")) for p in pages] == [25, 25, 1]
    links = [a["href"] for page in pages for a in page.select("div.request_listing span.head a")]
    assert sorted(links) == sorted(f"/request/{t.slug}" for t in site.threads)
    assert client.get("/list?page=4").status_code == 404
    item = pages[0].select_one("div.request_listing")
    assert "Request sent to" in item.select_one("div.requester").get_text()
    assert item.select_one("p i.icon-standalone")["class"][1].startswith("icon_")
    assert item.select_one("p strong").get_text().endswith(".")


def test_body_and_user_listings(site, client):
    soup = BeautifulSoup(client.get("/body/wessex_vale_police").text, "lxml")
    links = {a["href"] for a in soup.select("div.request_listing span.head a")}
    expected = {f"/request/{t.slug}" for t in site.threads if t.authority.url_name == "wessex_vale_police"}
    assert links == expected and len(links) == 6
    soup = BeautifulSoup(client.get("/user/ben_castle").text, "lxml")
    assert len(soup.select("div.request_listing")) == sum(t.user.url_name == "ben_castle" for t in site.threads)


def test_authorities_csv(site, client):
    response = client.get("/body/all-authorities.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == AUTHORITIES_CSV_HEADER == (
        "Internal ID,Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,"
        "Created at,Updated at,Version")
    assert len(lines) == 16
    glenmorven = next(line for line in lines if ",glenmorven_council," in line)
    assert "scottish_public_authority scotland local_council ons_code:S12000905" in glenmorven


def test_robots_txt(client):
    text = client.get("/robots.txt").text
    assert "Disallow: */request/*/response/*" in text
    assert "Allow: */request/*/response/*/attach/*" in text


# ------------------------------------------------------------------------------------- SampleSite


def test_sample_site_routes_validators_and_log():
    with SampleSite() as sample:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sample.base_url)
        sample.set_route("/x", "one")
        with httpx.Client(base_url=sample.base_url) as http:
            first = http.get("/x?a=1", headers={"User-Agent": "probe/1"})
            assert first.text == "one"
            sample.set_route("/x", "two")
            second = http.get("/x")
            assert second.headers["etag"] != first.headers["etag"]
            assert second.headers["last-modified"] != first.headers["last-modified"]
            assert http.get("/x", headers={"If-None-Match": first.headers["etag"]}).status_code == 200
            sample.set_route("/slow", "", status=503, headers={"Retry-After": "7"})
            busy = http.get("/slow")
            assert busy.status_code == 503 and busy.headers["retry-after"] == "7" and "etag" not in busy.headers
            sample.remove_route("/x")
            assert http.get("/x").status_code == 404
            future = formatdate(time.time() + 3600, usegmt=True)
            sample.set_route("/y", b"bytes", content_type="application/octet-stream")
            assert http.get("/y", headers={"If-Modified-Since": future}).status_code == 304
            assert http.head("/y").headers["content-length"] == "5"
        logged = sample.requests_for("/x")
        assert [(r.method, r.query, r.status) for r in logged] == [
            ("GET", "a=1", 200), ("GET", "", 200), ("GET", "", 200), ("GET", "", 404)]
        assert logged[0].headers["user-agent"] == "probe/1"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sample.base_url}/y", timeout=2)
