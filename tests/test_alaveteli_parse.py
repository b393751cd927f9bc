"""Parsing Alaveteli request pages and ``.json`` (scrapers.alaveteli), without network.

Expected values for the 10 real 2019 WhatDoTheyKnow pages come from the table in
tests/fixtures/wdtk_2019/PROVENANCE.md and from reading the files themselves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scrapers.alaveteli import (
    InvalidEncoding,
    NotARequestPage,
    PageError,
    RequestJson,
    TruncatedPage,
    canonical_request_url,
    decode_page,
    json_url,
    merge_json,
    normalise_instant,
    page_url,
    parse_request_json,
    parse_request_page,
    parse_size,
    request_slug,
)

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "wdtk_2019"
SYNTHETIC_PAGE = FIXTURES / "synthetic" / "synthetic_request_page_wdtk.html"
SYNTHETIC_JSON = FIXTURES / "synthetic" / "synthetic_request.json"

WDTK = "https://www.whatdotheyknow.com"
SITE = "www.whatdotheyknow.com"
SYNTHETIC_SLUG = "number_of_parking_fines_issued_i"
SYNTHETIC_URL = f"{WDTK}/request/{SYNTHETIC_SLUG}?unfold=1"

# file, slug, status class, outgoing, incoming, annotations, attachments, first msg, last msg
REAL_PAGES = [
    ("88721.html", "refused_call_in_request_160361ou", "partially_successful", 3, 3, 4, 2, "2018-08-02", "2018-09-26"),
    ("88779.html", "misfeasance_in_public_office_5", "not_held", 1, 1, 2, 1, "2019-06-16", "2019-07-15"),
    ("921139.html", "register_our_marriage_campaign", "waiting_response_very_overdue", 5, 4, 0, 1, "2019-05-14", "2019-07-18"),
    ("1387653.html", "current_acreage_of_private_garde", "successful", 1, 2, 0, 1, "2019-06-11", "2019-06-24"),
    ("1394569.html", "office_to_residential_conversion_2", "waiting_classification", 1, 2, 0, 1, "2019-06-24", "2019-07-08"),
    ("1397098.html", "information_regarding_forestry_b", "not_held", 2, 3, 0, 2, "2019-07-02", "2019-07-12"),
    ("1398788.html", "guidance_on_sprinklers", "waiting_response", 1, 1, 0, 0, "2019-07-12", "2019-07-16"),
    ("1400678.html", "pensions_release", "rejected", 1, 2, 0, 1, "2019-07-12", "2019-07-18"),
    ("1404030.html", "sudden_departure_of_the_chief_ex", "waiting_classification", 1, 2, 0, 1, "2019-07-07", "2019-07-24"),
    ("1406855.html", "epc_certificates_for_london_boro", "waiting_classification", 3, 6, 0, 2, "2018-10-30", "2019-07-30"),
]  # fmt: skip


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


def parse_real(name: str):
    slug = next(row[1] for row in REAL_PAGES if row[0] == name)
    return parse_request_page(real_bytes(name), f"{WDTK}/request/{slug}")


def synthetic_text() -> str:
    return SYNTHETIC_PAGE.read_text(encoding="utf-8")


def synthetic_json() -> dict:
    return json.loads(SYNTHETIC_JSON.read_text(encoding="utf-8"))


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture changed: {old[:60]!r} is not there exactly once"
    return text.replace(old, new)


def local(global_id: str) -> str:
    return global_id.rsplit("/", 1)[-1]


def summary(thread) -> list[tuple]:
    return [(m.id, m.direction, m.sent_at, len(m.attachments)) for m in thread.messages]


# ------------------------------------------------------------------------------------------
# The 10 real pages


@pytest.mark.parametrize(
    "name, slug, status, n_out, n_in, n_notes, n_attach, first, last",
    REAL_PAGES,
    ids=[row[0] for row in REAL_PAGES],
)
def test_real_page_matches_readme(name, slug, status, n_out, n_in, n_notes, n_attach, first, last):
    thread = parse_real(name)
    assert thread.slug == slug
    assert thread.id == f"{SITE}/request/{slug}"
    assert thread.url == f"{WDTK}/request/{slug}"
    assert thread.site_status == status
    assert [m.direction for m in thread.messages].count("outgoing") == n_out
    assert [m.direction for m in thread.messages].count("incoming") == n_in
    assert len(thread.annotations) == n_notes
    assert sum(len(m.attachments) for m in thread.messages) == n_attach
    assert thread.messages[0].sent_at[:10] == first
    assert thread.messages[-1].sent_at[:10] == last
    assert thread.messages[0].direction == "outgoing"
    assert thread.warnings == []
    assert thread.site.id == SITE
    assert thread.site.base_url == WDTK
    assert thread.site.name == "WhatDoTheyKnow"
    assert thread.authority is not None and thread.authority.id == f"{SITE}/body/mhclg"
    assert thread.authority.name == "Ministry of Housing, Communities and Local Government"
    assert thread.law_used == "foi"
    assert all(m.prominence == "normal" and m.body_text for m in thread.messages)
    assert len({m.id for m in thread.messages}) == len(thread.messages)


def test_real_page_88721_exact_ids_instants_and_annotations():
    thread = parse_real("88721.html")
    assert thread.title == "Refused call-in request 16/0361/OUTMAJ"
    assert thread.site_request_id == 505416
    assert thread.created_at == "2018-08-02T13:34:13+01:00"
    assert thread.user is not None and thread.user.id == f"{SITE}/user/j_a_giggins"
    assert thread.user.name == "J A Giggins"
    assert [(local(m.id), m.sent_at, m.author) for m in thread.messages] == [
        ("outgoing-796680", "2018-08-02T13:34:13+01:00", "J A Giggins"),
        ("incoming-1202094", "2018-08-02T15:01:12+01:00", "Despatch Box"),
        ("outgoing-796797", "2018-08-02T16:24:16+01:00", "J A Giggins"),
        ("outgoing-813068", "2018-09-04T10:21:45+01:00", "J A Giggins"),
        ("incoming-1228294", "2018-09-05T15:41:19+01:00", "Despatch Box"),
        ("incoming-1239768", "2018-09-26T16:07:07+01:00", "Despatch Box"),
    ]
    assert [(a.id, a.author, a.created_at) for a in thread.annotations] == [
        (f"{SITE}/comment-84852", "J A Giggins", "2018-09-05T17:28:43+01:00"),
        (f"{SITE}/comment-84861", "Richard Taylor", "2018-09-06T15:00:03+01:00"),
        (f"{SITE}/comment-84869", "J A Giggins", "2018-09-06T19:31:06+01:00"),
        (f"{SITE}/comment-88721", "J A Giggins", "2019-07-16T15:53:29+01:00"),
    ]
    assert all(a.request_id == thread.id for a in thread.annotations)
    assert thread.annotations[1].body_text.endswith("--\nRichard - WhatDoTheyKnow.com volunteer")
    response = thread.messages[-1]
    assert [(a.id, a.filename, a.size, a.content_type) for a in response.attachments] == [
        (f"{SITE}/incoming-1239768/attachment-2", "For Release.pdf", 7969178, "application/pdf"),
        (f"{SITE}/incoming-1239768/attachment-3", "Response some exempt.pdf", 116736, "application/pdf"),
    ]
    assert response.attachments[0].message_id == response.id
    assert response.attachments[0].url == (
        f"{WDTK}/request/505416/response/1239768/attach/2/For%20Release.pdf?cookie_passthrough=1"
    )


def test_real_page_1406855_exact_ids_instants_and_offsets():
    thread = parse_real("1406855.html")
    assert thread.site_request_id == 529268
    assert [(local(m.id), m.sent_at) for m in thread.messages] == [
        ("outgoing-831459", "2018-10-30T12:17:32+00:00"),
        ("incoming-1257896", "2018-10-31T15:29:39+00:00"),
        ("incoming-1257902", "2018-10-31T15:31:27+00:00"),
        ("outgoing-840865", "2018-11-27T14:44:28+00:00"),
        ("incoming-1271676", "2018-11-27T16:27:52+00:00"),
        ("outgoing-841646", "2018-11-29T12:41:26+00:00"),
        ("incoming-1274376", "2018-12-03T15:43:36+00:00"),
        ("incoming-1276968", "2018-12-07T14:19:08+00:00"),
        ("incoming-1406855", "2019-07-30T11:48:42+01:00"),
    ]
    authors = {local(m.id): m.author for m in thread.messages}
    assert authors["incoming-1257896"] == "James Young, Ministry of Housing, Communities and Local Government"
    assert authors["incoming-1406855"] == "FoI Requests, Ministry of Housing, Communities and Local Government"
    doc = thread.messages[7].attachments[0]
    assert (doc.id, doc.filename, doc.size, doc.content_type) == (
        f"{SITE}/incoming-1276968/attachment-2",
        "3949822 response.doc",
        57344,
        "application/vnd.ms-word",
    )


def test_real_page_88779_bodies_keep_paragraphs_and_drop_attachment_block():
    thread = parse_real("88779.html")
    assert thread.title == "Misfeasance in Public Office"  # not the "WhatDoTheyKnow" logo <h1>
    assert thread.site_request_id == 583390
    request, response = thread.messages
    assert request.body_text == (
        "Dear Ministry of Housing, Communities and Local Government,\n\n"
        "What is the time limit for taking action against a person or persons holding public "
        "office who may have committed Misfeasance in Public Office?\n\n"
        "Yours faithfully,\n\n"
        "A Wilkinson"
    )
    assert response.body_text == (
        "Please find attached a response to your recent email to MHCLG.\n\n"
        "Regards.\n"
        "NOTE: Please do not edit the subject line when replying to this email."
    )
    assert response.author == "Despatch Box, Ministry of Housing, Communities and Local Government"
    [attachment] = response.attachments
    assert (attachment.filename, attachment.size) == ("Response.pdf", 83968)
    assert attachment.url == f"{WDTK}/request/583390/response/1398278/attach/2/Response.pdf?cookie_passthrough=1"
    assert thread.annotations[0].body_text == "Notoriously difficult to prove I am advised. Dire situation."


def test_real_page_1397098_png_attachment_content_type():
    thread = parse_real("1397098.html")
    last = thread.messages[-1]
    assert [(a.id, a.filename, a.size, a.content_type) for a in last.attachments] == [
        (f"{SITE}/incoming-1397098/attachment-3", "image001.png", 8192, "image/png")
    ]


def test_waiting_response_page_gives_the_sites_due_date():
    thread = parse_real("1398788.html")
    assert thread.due_date == "2019-08-12"
    assert thread.site_request_id == 589128
    assert parse_real("921139.html").due_date is None  # long overdue prints no date
    # Only a date-only <time> is a due date, not an instant.
    text = replace_once(
        real_bytes("1398788.html").decode("utf-8"),
        '<time datetime="2019-08-12" title="2019-08-12">',
        '<time datetime="2019-08-12T09:00:00+01:00" title="2019-08-12">',
    )
    assert parse_request_page(text, thread.url).due_date is None


def test_suspended_requester_keeps_the_sites_placeholder_name():
    thread = parse_real("1404030.html")
    assert thread.user is not None
    assert thread.user.name == "[Name Removed] (Account suspended)"
    assert thread.messages[0].author == "[Name Removed] (Account suspended)"


def test_unfold_link_present_or_removed_gives_the_same_messages():
    for name in ("88721.html", "921139.html"):
        text = real_bytes(name).decode("utf-8")
        folded = parse_real(name)
        stripped, count = re.subn(r'<span class="unfold_link">.*?</span>', "", text, flags=re.S)
        assert count >= 1
        unfolded = parse_request_page(stripped, folded.url)
        assert summary(unfolded) == summary(folded)
        assert [m.body_text for m in unfolded.messages] == [m.body_text for m in folded.messages]
        assert not any("quoted sections" in m.body_text for m in folded.messages)


def test_slug_from_the_page_wins_over_the_url_with_a_warning():
    thread = parse_request_page(real_bytes("88779.html"), f"{WDTK}/request/an_old_slug")
    assert thread.slug == "misfeasance_in_public_office_5"
    assert thread.id == f"{SITE}/request/misfeasance_in_public_office_5"
    assert thread.warnings == [
        "the page says its slug is 'misfeasance_in_public_office_5' but the URL has "
        "'an_old_slug'; using the page's"
    ]


# ------------------------------------------------------------------------------------------
# Current (2025+) markup, synthetic page + json


def test_synthetic_page_current_markup():
    thread = parse_request_page(synthetic_text(), SYNTHETIC_URL)
    assert thread.id == f"{SITE}/request/{SYNTHETIC_SLUG}"
    assert thread.title == "Number of parking fines issued in 2023"
    assert thread.site.name is None
    assert thread.site_status == "internal_review"
    assert thread.site_request_id is None  # its action links use the slug
    assert thread.created_at == "2024-01-08T09:15:02+00:00"
    assert thread.user is not None and thread.user.id == f"{SITE}/user/jane_doe"
    assert thread.authority is not None and thread.authority.url_name == "example_city_council"
    assert thread.authority.tags == []
    assert [(local(m.id), m.direction, m.sent_at, m.author) for m in thread.messages] == [
        ("outgoing-10001", "outgoing", "2024-01-08T09:15:04+00:00", "Jane Doe"),
        ("incoming-20001", "incoming", "2024-01-08T09:16:40+00:00", "Example City Council"),
        ("incoming-20002", "incoming", "2024-02-05T14:03:12+00:00", "Information Governance Team, Example City Council"),
        ("outgoing-10002", "outgoing", "2024-02-19T20:41:55+00:00", "Jane Doe"),
    ]  # fmt: skip
    ack = thread.messages[1]
    assert ack.body_text == (
        "Thank you for your request for information, which was received on 08/01/2024. "
        "Your reference number is FOI-2024-0123.\n\n"
        "We will respond within 20 working days."
    )
    response = thread.messages[2]
    assert response.body_text.startswith("Dear Ms Doe,\n\nPlease find attached our response")
    assert "Attachment" not in response.body_text and "183K" not in response.body_text
    assert [(a.id, a.filename, a.size, a.content_type) for a in response.attachments] == [
        (f"{SITE}/incoming-20002/attachment-2", "FOI 2024 0123 response.pdf", 187392, "application/pdf"),
        (f"{SITE}/incoming-20002/attachment-3", "PCN data 2023.csv", 4096, "text/csv"),
    ]  # fmt: skip
    assert response.attachments[1].url == (
        f"{WDTK}/request/{SYNTHETIC_SLUG}/response/20002/attach/3/PCN%20data%202023.csv"
        "?cookie_passthrough=1"
    )
    [note] = thread.annotations
    assert (note.id, note.author, note.created_at) == (
        f"{SITE}/comment-555",
        "A Helper",
        "2024-03-20T16:02:11+00:00",
    )
    assert note.body_text == "The council published similar figures in its annual parking report."
    assert thread.warnings == []


def test_synthetic_json():
    data = parse_request_json(SYNTHETIC_JSON.read_bytes(), f"{WDTK}/request/{SYNTHETIC_SLUG}.json")
    assert isinstance(data, RequestJson)
    assert (data.site_request_id, data.slug, data.law_used) == (987654, SYNTHETIC_SLUG, "foi")
    assert data.created_at == "2024-01-08T09:15:02+00:00"
    assert (data.described_state, data.display_status) == ("internal_review", "Awaiting internal review")
    assert data.awaiting_description is False
    assert data.user is not None and data.user.id == f"{SITE}/user/jane_doe"
    assert data.authority is not None
    assert data.authority.tags == ["local_council", "LGL", "ons_code:E06000000"]
    assert [(e.id, e.event_type, e.calculated_state) for e in data.events] == [
        (1000001, "sent", "waiting_response"),
        (1000002, "response", "waiting_response"),
        (1000003, "status_update", "waiting_response"),
        (1000004, "response", "partially_successful"),
        (1000005, "status_update", "partially_successful"),
        (1000006, "followup_sent", "internal_review"),
        (1000007, "comment", None),
    ]
    assert data.events[1].created_at == "2024-01-08T09:16:47+00:00"
    assert data.events[1].incoming_message_id == 20001
    assert data.events[6].comment_id == 555
    assert data.events[6].display_status is None


def test_merge_synthetic_page_and_json():
    thread = parse_request_page(synthetic_text(), SYNTHETIC_URL)
    data = parse_request_json(SYNTHETIC_JSON.read_bytes(), SYNTHETIC_URL)
    merged = merge_json(thread, data)
    assert merged is thread
    assert thread.site_request_id == 987654
    assert thread.law_used == "foi"
    assert thread.site_status == "internal_review"
    assert thread.authority.tags == ["local_council", "LGL", "ons_code:E06000000"]
    assert [
        (local(m.id), m.event_type, m.site_state, m.site_display_status) for m in thread.messages
    ] == [
        ("outgoing-10001", "sent", "waiting_response", "Clarification"),
        ("incoming-20001", "response", "waiting_response", "Awaiting response"),
        ("incoming-20002", "response", "partially_successful", "Partially successful"),
        ("outgoing-10002", "followup_sent", "internal_review", "Internal review request"),
    ]
    assert thread.warnings == []


def test_merge_notes_messages_only_in_the_json_and_keeps_first_sending_event():
    raw = synthetic_json()
    raw["info_request_events"].insert(1, {
        "id": 1000010, "event_type": "resent", "created_at": "2024-01-09T10:02:11.000+00:00",
        "described_state": None, "calculated_state": "waiting_response",
        "incoming_message_id": None, "outgoing_message_id": 10001, "comment_id": None,
        "display_status": "Clarification",
    })  # fmt: skip
    raw["info_request_events"].append({
        "id": 1000011, "event_type": "response", "created_at": "2024-03-21T09:00:00.000+00:00",
        "described_state": None, "calculated_state": "internal_review",
        "incoming_message_id": 29999, "outgoing_message_id": None, "comment_id": None,
        "display_status": "Awaiting internal review",
    })  # fmt: skip
    thread = parse_request_page(synthetic_text(), SYNTHETIC_URL)
    merge_json(thread, parse_request_json(json.dumps(raw), SYNTHETIC_URL))
    assert thread.messages[0].event_type == "sent"
    assert len(thread.messages) == 4
    assert f"{SITE}/incoming-29999" not in {m.id for m in thread.messages}
    assert thread.warnings == [
        "the JSON lists incoming-29999, which is not on the page (hidden by the site?); not added"
    ]


def test_merge_fills_status_authority_and_user_only_when_the_page_lacks_them():
    text = synthetic_text()
    bare = re.sub(r'<div class="request-status">.*?</div>\s*</div>', "", text, count=1, flags=re.S)
    bare = re.sub(r'<p class="request-header__subtitle ">.*?</p>', "", bare, count=1, flags=re.S)
    raw = synthetic_json()
    raw["awaiting_description"] = True

    thread = parse_request_page(bare, SYNTHETIC_URL)
    assert (thread.site_status, thread.authority, thread.user, thread.law_used) == (None, None, None, None)
    merge_json(thread, parse_request_json(json.dumps(raw), SYNTHETIC_URL))
    assert thread.site_status == "waiting_classification"
    assert thread.authority.id == f"{SITE}/body/example_city_council"
    assert thread.authority.tags == ["local_council", "LGL", "ons_code:E06000000"]
    assert thread.user.id == f"{SITE}/user/jane_doe"
    assert thread.law_used == "foi"

    with_status = parse_request_page(text, SYNTHETIC_URL)
    merge_json(with_status, parse_request_json(json.dumps(raw), SYNTHETIC_URL))
    assert with_status.site_status == "internal_review"


def test_real_shallow_request_json_2022():
    # Real WDTK output, copied from Danack/Bristolian @ 6a8e9170 : FOI/info_request.json.
    raw = """{
  "id": 907769,
  "url_title": "actions_taken_since_2017_to_impr",
  "title": "Actions taken since 2017 to improve air quality and tackle air pollution in Bristol",
  "created_at": "2022-10-15T13:11:56.603+01:00",
  "updated_at": "2022-11-02T12:32:38.700+00:00",
  "described_state": "waiting_response",
  "display_status": "Awaiting classification.",
  "awaiting_description": true,
  "prominence": "normal",
  "law_used": "foi",
  "tags": [ ]
}"""
    data = parse_request_json(raw, f"{WDTK}/request/actions_taken_since_2017_to_impr.json")
    assert data.site_request_id == 907769
    assert data.created_at == "2022-10-15T13:11:56+01:00"
    assert data.display_status == "Awaiting classification"
    assert data.awaiting_description is True
    assert (data.user, data.authority, data.events, data.tags) == (None, None, [], [])


# ------------------------------------------------------------------------------------------
# Markup variants built from the fixtures

RESENT_BLOCK = """
  <div class="ff-print-fix"></div>
  <div class="outgoing correspondence box" id="outgoing-10001">
    <h2> <time datetime="2024-01-09T10:02:11+00:00" title="2024-01-09 10:02:11 +0000"> 9 January 2024</time> </h2>
    <p class="event_plain"> Sent request to <a href="/body/example_city_council">Example City Council</a> again. </p>
  </div>
"""


def test_resent_notice_reusing_an_outgoing_id_is_not_a_message():
    text = replace_once(
        synthetic_text(),
        '  <div class="ff-print-fix"></div>\n  <div class="incoming correspondence normal js-collapsible" id="incoming-20001">',
        RESENT_BLOCK
        + '  <div class="ff-print-fix"></div>\n  <div class="incoming correspondence normal js-collapsible" id="incoming-20001">',
    )
    assert text.count('id="outgoing-10001"') == 2
    thread = parse_request_page(text, SYNTHETIC_URL)
    assert [local(m.id) for m in thread.messages] == [
        "outgoing-10001",
        "incoming-20001",
        "incoming-20002",
        "outgoing-10002",
    ]
    assert thread.messages[0].sent_at == "2024-01-08T09:15:04+00:00"
    assert thread.warnings == []


def test_hidden_incoming_message_has_no_body():
    text = synthetic_text()
    start = text.index('<div class="incoming correspondence normal js-collapsible" id="incoming-20001">')
    body_start = text.index('<div class="correspondence_text">', start)
    body_end = text.index('<p class="event_actions">', body_start)
    hidden = (
        text[:start]
        + '<div class="incoming correspondence hidden js-collapsible" id="incoming-20001">'
        + text[start + len('<div class="incoming correspondence normal js-collapsible" id="incoming-20001">') : body_start]
        + '<p id="hidden_message" class="hidden_message">This message has been hidden. '
        "It contained personal information.</p>\n    "
        + text[body_end:]
    )  # fmt: skip
    thread = parse_request_page(hidden, SYNTHETIC_URL)
    message = thread.messages[1]
    assert (local(message.id), message.prominence, message.body_text) == ("incoming-20001", "hidden", "")
    assert message.sent_at == "2024-01-08T09:16:40+00:00"
    assert message.attachments == []
    assert thread.messages[2].prominence == "normal"


def test_message_without_a_date_is_kept_with_a_warning():
    text = replace_once(
        synthetic_text(),
        '<time datetime="2024-01-08T09:16:40+00:00" title="2024-01-08 09:16:40 +0000"> 8 January 2024</time>',
        " 8 January 2024",
    )
    thread = parse_request_page(text, SYNTHETIC_URL)
    assert [m.sent_at for m in thread.messages][:2] == ["2024-01-08T09:15:04+00:00", None]
    assert thread.warnings == ["incoming-20001 has no parsable date; sent_at left empty"]


def test_environmental_information_regulations_subtitle_gives_eir():
    text = replace_once(
        synthetic_text(),
        "made this Freedom of Information request to",
        "made this Environmental Information Regulations request to",
    )
    assert parse_request_page(text, SYNTHETIC_URL).law_used == "eir"


def test_plain_text_requester_gives_no_user():
    text = replace_once(synthetic_text(), '<a href="/user/jane_doe">Jane Doe</a> made', "Jane Doe made")
    thread = parse_request_page(text, SYNTHETIC_URL)
    assert thread.user is None
    assert thread.authority is not None and thread.authority.url_name == "example_city_council"


def test_pre_2016_heading_markup():
    page = """<!DOCTYPE html><html><head>
<link rel="alternate" type="application/json" title="JSON version of this page" href="/request/old_request.json">
</head><body><div id="request_show">
<div class="incoming correspondence box" id="incoming-5678">
  <h2>From: Jane Smith<br> <time datetime="2012-11-07T21:30:26+00:00" title="2012-11-07 21:30:26 +0000">November 07, 2012</time></h2>
  <div class="correspondence_text"><p>Dear Sir,<br />Here it is.</p><p>Regards</p></div>
</div>
</div></body></html>"""
    thread = parse_request_page(page, "https://foi.example.org/request/old_request")
    [message] = thread.messages
    assert (message.id, message.author, message.sent_at) == (
        "foi.example.org/incoming-5678",
        "Jane Smith",
        "2012-11-07T21:30:26+00:00",
    )
    assert message.body_text == "Dear Sir,\nHere it is.\n\nRegards"
    assert thread.warnings == ["no request title found in the page header"]


def test_site_with_a_port_keeps_it_in_every_id():
    thread = parse_request_page(synthetic_text(), f"http://LocalHost:3000/cy/request/{SYNTHETIC_SLUG}")
    assert thread.site.id == "localhost:3000"
    assert thread.id == f"localhost:3000/request/{SYNTHETIC_SLUG}"
    assert thread.url == f"http://localhost:3000/request/{SYNTHETIC_SLUG}"
    assert thread.messages[2].attachments[0].id == "localhost:3000/incoming-20002/attachment-2"
    assert thread.messages[2].attachments[0].url.startswith(
        f"http://localhost:3000/request/{SYNTHETIC_SLUG}/response/20002/attach/2/"
    )


# ------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("content", [b"", b"   \r\n\t ", ""])
def test_empty_page(content):
    with pytest.raises(NotARequestPage, match="^empty page$"):
        parse_request_page(content, f"{WDTK}/request/x")


def test_other_html_page_is_not_a_request_page():
    other = b"""<!DOCTYPE html><html><head><meta property="og:site_name" content="WhatDoTheyKnow" />
<title>Ministry of Housing - WhatDoTheyKnow</title></head>
<body><h1><a id="logo" href="/">WhatDoTheyKnow</a></h1><div id="content"><h1>Ministry of Housing</h1>
<p>Freedom of Information requests to this authority.</p></div></body></html>"""
    with pytest.raises(NotARequestPage) as info:
        parse_request_page(other, f"{WDTK}/request/x")
    assert str(info.value) == (
        "not an Alaveteli request page (no request header, status or correspondence found)"
    )


def test_json_served_as_a_page():
    with pytest.raises(NotARequestPage, match="JSON"):
        parse_request_page(SYNTHETIC_JSON.read_bytes(), SYNTHETIC_URL)


def test_real_page_cut_in_the_middle_of_its_correspondence_is_truncated():
    raw = real_bytes("921139.html")
    cut = raw.index(b'id="incoming-1383649"') + 400
    with pytest.raises(TruncatedPage) as info:
        parse_request_page(raw[:cut], f"{WDTK}/request/register_our_marriage_campaign")
    assert str(info.value) == "page truncated: ends before </html> (6 correspondence items read)"
    assert info.value.items_read == 6
    assert isinstance(info.value, PageError)


def test_invalid_utf8_names_the_byte_offset():
    raw = bytearray(real_bytes("88779.html"))
    offset = raw.index(b"Misfeasance in Public Office")
    raw[offset] = 0xFF
    with pytest.raises(InvalidEncoding) as info:
        parse_request_page(bytes(raw), f"{WDTK}/request/misfeasance_in_public_office_5")
    assert info.value.offset == offset
    assert str(info.value) == f"not valid UTF-8: byte 0xff at offset {offset}"


def test_decode_page():
    assert decode_page(b"\xef\xbb\xbf<html>caf\xc3\xa9") == "<html>café"
    assert decode_page("\ufeff<html>") == "<html>"
    with pytest.raises(InvalidEncoding) as info:
        decode_page(b"\xef\xbb\xbfcaf\xe9")  # Latin-1 é after a BOM
    assert info.value.offset == 6


def test_json_errors():
    url = f"{WDTK}/request/x.json"
    with pytest.raises(PageError, match=r"^invalid JSON at line 1 column 2"):
        parse_request_json(b"{oops", url)
    with pytest.raises(NotARequestPage, match="list"):
        parse_request_json(b'[{"id": 1, "event_type": "sent"}]', url)
    with pytest.raises(NotARequestPage, match="url_title"):
        parse_request_json(b'{"id": 77, "url_name": "example_city_council"}', url)
    with pytest.raises(NotARequestPage, match="HTML"):
        parse_request_json(real_bytes("88779.html"), url)
    with pytest.raises(InvalidEncoding):
        parse_request_json(b'{"title": "caf\xe9"}', url)


# ------------------------------------------------------------------------------------------
# Small helpers


@pytest.mark.parametrize(
    "url, slug",
    [
        (f"{WDTK}/request/some_slug", "some_slug"),
        (f"{WDTK}/request/some_slug.json", "some_slug"),
        (f"{WDTK}/request/some_slug?unfold=1", "some_slug"),
        (f"{WDTK}/request/some_slug#incoming-1", "some_slug"),
        (f"{WDTK}/cy/request/some_slug", "some_slug"),
        (f"{WDTK}/en/request/some_slug?unfold=1#outgoing-2", "some_slug"),
        ("/request/some_slug", "some_slug"),
        (f"{WDTK}/request/some_slug/response/20002/attach/2/file.pdf", "some_slug"),
    ],
)
def test_request_slug(url, slug):
    assert request_slug(url) == slug


@pytest.mark.parametrize(
    "url",
    [
        f"{WDTK}/body/mhclg",
        f"{WDTK}/request/",
        f"{WDTK}/request/505416",
        f"{WDTK}/feed/request/some_slug",
        f"{WDTK}/",
        "",
    ],
)
def test_request_slug_refuses_other_urls(url):
    with pytest.raises(ValueError):
        request_slug(url)


def test_canonical_urls():
    url = "https://WWW.WhatDoTheyKnow.com/cy/request/some_slug.json?unfold=1#incoming-1"
    assert canonical_request_url(url) == f"{WDTK}/request/some_slug"
    assert page_url(url) == f"{WDTK}/request/some_slug?unfold=1"
    assert json_url(url) == f"{WDTK}/request/some_slug.json"
    assert canonical_request_url("http://localhost:3000/en/request/x#c") == "http://localhost:3000/request/x"
    with pytest.raises(ValueError):
        canonical_request_url("/request/some_slug")


@pytest.mark.parametrize(
    "text, size",
    [
        ("183K", 187392),
        ("1.2M", 1258291),
        ("7.6M", 7969178),
        ("512 bytes", 512),
        ("512B", 512),
        ("4K", 4096),
        (" 82K ", 83968),
        ("1,024 bytes", 1024),
        ("2 GB", 2147483648),
        ("", None),
        ("K", None),
        ("Download", None),
        ("12 parsecs", None),
        ("1.2.3M", None),
    ],
)
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    "text, instant",
    [
        ("2022-10-15T13:11:56.603+01:00", "2022-10-15T13:11:56+01:00"),
        ("2024-03-20T16:02:11.870Z", "2024-03-20T16:02:11+00:00"),
        ("2013/06/15 10:18:19 +1000", "2013-06-15T10:18:19+10:00"),
        ("2019-07-07T07:33:47+01:00", "2019-07-07T07:33:47+01:00"),
        ("2019-07-07 07:33:47 +0100", "2019-07-07T07:33:47+01:00"),
        ("2024-01-08 09:15:04 UTC", "2024-01-08T09:15:04+00:00"),
        ("2019-07-07T07:33+01:00", "2019-07-07T07:33:00+01:00"),
        ("2012-11-07T21:30:26-05:00", "2012-11-07T21:30:26-05:00"),
        ("2019-08-12", None),
        ("2019-07-07T07:33:47", None),
        ("2019-02-30T10:00:00+00:00", None),
        ("7 July 2019", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_instant(text, instant):
    assert normalise_instant(text) == instant
