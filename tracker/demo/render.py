"""Render demo threads in Alaveteli's markup: request pages, request .json, listings, CSV.

The markup follows docs/alaveteli.md ("Request pages", "The request .json") and the synthetic
WDTK page in tests/fixtures/synthetic: ``markup="2025"`` is current Alaveteli (``js-collapsible``,
``li.attachment`` with an id, a body wrapper div carrying the main part's attachment id);
``markup="2019"`` is what pages saved in 2019 look like
(``js-collapsable``, no attachment ids, the body straight in ``correspondence_text``).
Every function takes the site's base URL so that the same thread renders for any host.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date, datetime, timedelta
from urllib.parse import quote

from tracker.demo.corpus import BODIES, PEOPLE, SITE_NAME, Body, slug_for
from tracker.model.taxonomy import STATE_LABELS
from tracker.model import INCOMING, OUTGOING, Annotation, Authority, Message, Thread
from tracker.model.times import UTC, instant, london_today, utc_now

AUTHORITIES_CSV_HEADER = (
    "Internal ID,Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,"
    "Created at,Updated at,Version"
)

ROBOTS_TXT = """\
# See http://www.robotstxt.org/wc/norobots.html for documentation on how to use the robots.txt file
#
# To ban all spiders from the entire site uncomment the next two lines:
# User-Agent: *
# Disallow: /

User-agent: *
Disallow: */feed/*
Disallow: */search/*
Disallow: */track/*
Disallow: */request/*/download*
Disallow: */request/*/feed
Disallow: */request/*/response/*
Allow: */request/*/response/*/attach/*
Disallow: */outgoing_messages/*/delivery_status*
Disallow: *?*update_status=1*
Disallow: */profile/*
Disallow: */annotate/*
Disallow: */similar/*
"""

_ICON_DIGEST = "5f1c0d2e8a"
_LINK_TEXT_LIMIT = 40  # MySociety::Format.make_clickable(contract: 1) shortens longer link texts


# ------------------------------------------------------------------------------ text helpers


def escape(text: str) -> str:
    """ERB's html_escape (Rails escapes ' as &#39;)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


_URL = re.compile(r"https?://[^\s<>\"&]+")


def _clickable(escaped: str) -> str:
    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        trail = ""
        while url and url[-1] in ".,;:)":
            url, trail = url[:-1], url[-1] + trail
        text = url if len(url) <= _LINK_TEXT_LIMIT + 3 else url[:_LINK_TEXT_LIMIT] + "..."
        return f'<a href="{url}" rel="nofollow">{text}</a>{trail}'

    escaped = _URL.sub(link, escaped)
    return escaped.replace("[email address]", '[<a href="/help/officers#mobiles">email address</a>]')


def simple_format(html: str) -> str:
    """Rails' simple_format on already-safe HTML: <p> per paragraph, <br /> per line break."""
    paragraphs = re.split(r"\n\n+", html.replace("\r\n", "\n"))
    return "\n\n".join(
        "<p>" + re.sub(r"([^\n]\n)(?=[^\n])", r"\1<br />", p) + "</p>" for p in paragraphs
    )


_ORIGINAL_MESSAGE = re.compile(r"^\s*-{3,}\s*Original Message\s*-{3,}\s*$", re.IGNORECASE)
_WROTE = re.compile(r"^On .+ wrote:\s*$")
_FOOTER_RULE = "-" * 67


def quoted_lines(text: str) -> list[bool]:
    """Which lines of a letter Alaveteli folds: "> " quotes, an Outlook original, the site footer."""
    lines = text.split("\n")
    flags = [False] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if _ORIGINAL_MESSAGE.match(line):
            flags[i:] = [True] * (len(lines) - i)
            break
        if line.startswith(">"):
            flags[i] = True
        elif _WROTE.match(line) and i + 1 < len(lines) and lines[i + 1].startswith(">"):
            flags[i] = True
        elif line.strip() == _FOOTER_RULE and any("Please use this email address" in x for x in lines[i:i + 4]):
            end = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == _FOOTER_RULE), len(lines) - 1)
            flags[i:end + 1] = [True] * (end + 1 - i)
            i = end
        i += 1
    return flags


def folded_text(text: str, marker: str) -> tuple[str, bool]:
    """The letter with each run of quoted lines replaced by ``marker``, and whether any was."""
    flags = quoted_lines(text)
    if not any(flags):
        return text, False
    kept: list[str] = []
    for line, quoted in zip(text.split("\n"), flags):
        if not quoted:
            kept.append(line)
        elif not kept or kept[-1] != marker:
            kept.append(marker)
    folded = "\n".join(kept)
    folded = re.sub(rf"(\s*{re.escape(marker)}\s*)+", f"\n\n{marker}\n\n", folded).strip()
    return folded, True


def _body_html(message: Message, number: int, *, unfold: bool, markup: str) -> str:
    marker = "FOLDEDQUOTEDSECTION"
    text = message.body_text.strip()
    folded, has_quotes = folded_text(text, marker)
    if has_quotes and not unfold:
        if folded == marker:
            folded = f"[Subject only] {message.subject or ''}\n\n{marker}"
        html = _clickable(escape(folded))
        link = f'<span class="unfold_link"><a href="?unfold=1#incoming-{number}">show quoted sections</a></span>'
        if markup == "2019":
            return simple_format(html.replace(marker, link))
        parts = [simple_format(p.strip()) for p in html.split(marker) if p.strip()]
        return f"\n\n{link}\n\n".join(parts) + (f"\n\n{link}" if html.rstrip().endswith(marker) else "")
    html = simple_format(_clickable(escape(text)))
    if has_quotes:
        html += f'\n\n<p><span class="unfold_link"><a href="?#incoming-{number}">hide quoted sections</a></span></p>'
    return html


# ------------------------------------------------------------------------------ dates and ids


def _offset(moment: datetime) -> str:
    return moment.strftime("%z")


def time_tag(iso: str) -> str:
    moment = instant(iso)
    return (f'<time datetime="{moment.isoformat(timespec="seconds")}" '
            f'title="{moment:%Y-%m-%d %H:%M:%S} {_offset(moment)}">{moment.day:>2} {moment:%B %Y}</time>')


def date_tag(day: str) -> str:
    value = datetime.strptime(day, "%Y-%m-%d")
    return f'<time datetime="{day}" title="{day}">{value.day:>2} {value:%B %Y}</time>'


def number_of(message_or_annotation_id: str) -> int:
    """The site's numeric id at the end of ``host/incoming-123`` / ``host/comment-9``."""
    return int(message_or_annotation_id.rsplit("-", 1)[1])


def _jitter(key: str, low: int, high: int) -> int:
    """A deterministic pseudo-random integer in [low, high] derived from ``key``."""
    return low + int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % (high - low + 1)


def rails_time(moment: datetime, key: str | None = None) -> str:
    """Rails' JSON time: milliseconds (derived from ``key``, else 0) and the offset, e.g. +01:00."""
    millis = _jitter(key, 0, 999) if key else 0
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis:03d}{offset[:3]}:{offset[3:]}"


def _user_url_name(name: str | None) -> str:
    for person in PEOPLE.values():
        if person.name == name:
            return person.url_name
    return slug_for(name or "anonymous")


def _body_of(authority: Authority | None) -> Body:
    if authority is not None and authority.url_name in BODIES:
        return BODIES[authority.url_name]
    url_name = authority.url_name if authority else "unknown"
    return Body(url_name, authority.name if authority else "Unknown authority",
                tuple(authority.tags) if authority else (), "", "", _jitter(url_name, 5000, 9999))


def _law_full(thread: Thread) -> str:
    return "Environmental Information Regulations" if thread.law_used == "eir" else "Freedom of Information"


def _article(phrase: str) -> str:
    return "an" if phrase[0] in "AEIOU" else "a"


# ------------------------------------------------------------------------------ request page


def _status_sentence(thread: Thread, today: date) -> str:
    authority = thread.authority
    body_link = f'<a href="/body/{authority.url_name}">{escape(authority.name)}</a>' if authority else ""
    body_name = escape(authority.name) if authority else ""
    user_link = (f'<a href="/user/{thread.user.url_name}">{escape(thread.user.name)}</a>'
                 if thread.user else "the requester")
    due = f"<strong>{date_tag(thread.due_date)}</strong>" if thread.due_date else "<strong>the due date</strong>"
    details = '(<a href="/help/requesting#quickly_response">details</a>)'
    status = thread.site_status or "waiting_response"
    if status == "waiting_classification":
        last = max((instant(m.sent_at).date() for m in thread.messages if m.direction == INCOMING and m.sent_at),
                   default=today)
        if (today - last).days > 21:  # InfoRequest::OLD_AGE_IN_DAYS
            return ("This request has an <strong>unknown status</strong>. We're waiting for someone to read a "
                    "recent response and update the status accordingly. Perhaps <strong>you</strong> might like "
                    "to help out by doing that?")
        return f"We're waiting for {user_link} to read a recent response and update the status."
    sentences = {
        "waiting_response": f"Currently <strong>waiting for a response</strong> from {body_link}, they should "
                            f"respond promptly and normally no later than {due} {details}.",
        "waiting_response_overdue": f"Response to this request is <strong>delayed</strong>. By law, {body_link} "
                                    f"should normally have responded <strong>promptly</strong> and by {due} {details}",
        "waiting_response_very_overdue": f"Response to this request is <strong>long overdue</strong>. By law, under "
                                         f"all circumstances, {body_link} should have responded by now {details}. "
                                         f"The person who made the request can <strong>complain</strong> by "
                                         f'<a href="/request/{thread.slug}/followups/new?internal_review=1">'
                                         f"requesting an internal review</a>.",
        "waiting_clarification": f"The request is <strong>waiting for clarification</strong>. If you are "
                                 f'{user_link}, please <a href="/profile/sign_in?r=%2Frequest%2F{thread.slug}">'
                                 f"sign in</a> to send a follow up message.",
        "gone_postal": "The authority would like to / has <strong>responded by postal mail</strong> to this request.",
        "not_held": f"{body_name} <strong>did not have</strong> the information requested.",
        "rejected": f"The request was <strong>refused</strong> by {body_name}.",
        "successful": "The request was <strong>successful</strong>.",
        "partially_successful": "The request was <strong>partially successful</strong>.",
        "internal_review": f"Waiting for an <strong>internal review</strong> by {body_link} of their handling "
                           f"of this request.",
        "error_message": f"There was a <strong>delivery error</strong> or similar, which needs fixing by the "
                         f'{SITE_NAME} team. Can you help by <a href="/help/contact">finding updated contact '
                         f"details</a>?",
        "user_withdrawn": "This request has been <strong>withdrawn</strong> by the person who made it. There may "
                          "be an explanation in the correspondence below.",
        "attention_requested": "This request has been <strong>reported</strong> as needing administrator attention "
                               "(perhaps because it is vexatious, or a request for personal information)",
    }
    return sentences.get(status, escape(STATE_LABELS.get(status, status)))


def _collapsible(markup: str) -> str:
    return "js-collapsable" if markup == "2019" else "js-collapsible"


def _footer(thread: Thread, base_url: str, anchor: str, param: str, number: int, markup: str) -> str:
    if markup == "2019":
        return f"""
    <div class="correspondence__footer">
        <div class="correspondence__footer__cplink">
          <input type="text" id="cplink__field" class="cplink__field" value="{base_url}/request/{thread.slug}#{anchor}">
          <button class="cplink__button">Link to this</button>

          <a class="cplink__button button" href="/request/{thread.slug}/report/new?{param}={number}">Report</a>
        </div>
    </div>
"""
    return f"""
      <div class="correspondence__footer">
        <div class="correspondence__footer__cplink">
          <input type="text" class="cplink__field" value="{base_url}/request/{thread.slug}#{anchor}" />
          <a class="cplink__button">Link to this</a>
          <a class="cplink__button" href="/request/{thread.slug}/report/new?{param}={number}">Report</a>
        </div>
      </div>
"""


def _date_link(thread: Thread, anchor: str, iso: str | None, markup: str) -> str:
    href = f"/request/{thread.slug}#{anchor}" if markup == "2019" else f"#{anchor}"
    inner = time_tag(iso) if iso else ""
    return f'<a class="correspondence__header__date" href="{href}">\n          {inner}\n</a>'


def _is_bounce_of(message: Message, following: Message | None, thread: Thread) -> bool:
    return (following is not None and following.direction == INCOMING and following.kind == "auto_reply"
            and thread.authority is not None and not (following.author or "").endswith(thread.authority.name))


def _outgoing_html(thread: Thread, message: Message, following: Message | None, base_url: str, markup: str) -> str:
    number = number_of(message.id)
    anchor = f"outgoing-{number}"
    delivery = ""
    header_class = "correspondence__header "
    if message.event_type == "sent":
        state = "failed" if _is_bounce_of(message, following, thread) else "delivered"
        header_class = "correspondence__header correspondence__header--with-delivery-status"
        delivery = f"""
        <div class="correspondence__header__delivery-status">
          <a class="toggle-delivery-log toggle-delivery-log--{state} js-toggle-delivery-log" data-delivery-status="{state}" href="/outgoing_messages/{number}/delivery_status">{state.capitalize()}</a>
        </div>"""
    body = simple_format(_clickable(escape(message.body_text.strip())))
    text = f"\n\n  <p>{body}</p>\n" if markup == "2019" else f"\n      <div>{body}</div>\n    "
    return f"""
  <div class="ff-print-fix"></div>
  <div class="outgoing correspondence {_collapsible(markup)}" id="{anchor}">
    <div class="{header_class}">
      <span class="correspondence__header__author {_collapsible(markup)}-trigger">
        {escape(message.author or "Anonymous user")}
      </span>

      {_date_link(thread, anchor, message.sent_at, markup)}{delivery}
    </div>

    <div class="correspondence_text">{text}</div>

    <p class="event_actions">
    </p>
{_footer(thread, base_url, anchor, "outgoing_message_id", number, markup)}  </div>
"""


def _author_html(message: Message, thread: Thread) -> str:
    author = message.author or ""
    name = thread.authority.name if thread.authority else ""
    if not author or author == name:
        return escape(name or author)
    if name and author.endswith(f", {name}"):
        return f"{escape(author[: -len(name) - 2])},\n          {escape(name)}"
    return f"{escape(author)},"


def _icon(content_type: str | None) -> str:
    if not content_type:
        return "/assets/content_type/icon_unknown.png"
    return f"/assets/content_type/icon_{content_type.replace('/', '_')}_large-{_ICON_DIGEST}.png"


def display_size(size: int | None) -> str:
    """Alaveteli's FoiAttachment#display_size."""
    size = size or 0
    if size > 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}M"
    return f"{round(size / 1024)}K"


def _attachments_html(thread: Thread, message: Message, number: int, markup: str) -> str:
    if not message.attachments:
        return ""
    items = []
    for attachment in message.attachments:
        part = int(attachment.id.rsplit("-", 1)[1])
        name = quote(attachment.filename)
        download = f"/request/{thread.slug}/response/{number}/attach/{part}/{name}?cookie_passthrough=1"
        view = f"/request/{thread.slug}/response/{number}/attach/html/{part}/{name}.html"
        li_id = "" if markup == "2019" else f' id="attachment-{number * 10 + part}"'
        if markup == "2019":
            links = f'<a href="{download}">Download</a>\n                <a href="{view}">View as HTML</a>'
        else:
            links = f'<a href="{view}">View</a>\n              <a href="{download}">Download</a>'
            if attachment.content_type == "text/csv":
                links += (f'\n              <a href="https://data.mysociety.org/datasette/?csv='
                          f'{quote(f"{thread.site.base_url}{download}", safe="")}">Explore in Datasette</a>')
        items.append(f"""          <li class="attachment"{li_id}>
            <a href="{download}"><img class="attachment__image" alt="Attachment" src="{_icon(attachment.content_type)}" /></a>

            <p class="attachment__name">
              {escape(attachment.filename)}
            </p>

            <p class="attachment__meta">
              {display_size(attachment.size)}
              {links}
            </p>
          </li>""")
    count = len(items)
    return f"""
      <div class="attachments">
        <div class="attachments__header">
          <h3>{count} Attachment{"s" if count != 1 else ""}</h3>
        </div>

        <ul class="list-of-attachments">
{chr(10).join(items)}
        </ul>

        <a href="#" class="attachments__show-more" style="display: none;" data-show-all="Show all attachments" data-show-fewer="Show fewer attachments"></a>
      </div>
"""


def _incoming_html(thread: Thread, message: Message, base_url: str, *, unfold: bool, markup: str) -> str:
    number = number_of(message.id)
    anchor = f"incoming-{number}"
    body = _body_html(message, number, unfold=unfold, markup=markup)
    if message.prominence != "normal":
        text = ('\n      <p id="hidden_message" class="hidden_message">This message has been hidden. '
                'There are various reasons why we might have done this, sorry.</p>\n    ')
    elif markup == "2019":
        text = f"{_attachments_html(thread, message, number, markup)}\n  <p>{body}</p>\n"
    else:
        text = (f"{_attachments_html(thread, message, number, markup)}\n"
                f'      <div id="attachment-{number * 10 + 1}">\n        {body}\n      </div>\n    ')
    return f"""
  <div class="ff-print-fix"></div>
  <div class="incoming correspondence {message.prominence} {_collapsible(markup)}" id="{anchor}">
    <div class="correspondence__header">
      <span class="correspondence__header__author {_collapsible(markup)}-trigger">
          {_author_html(message, thread)}
      </span>

      {_date_link(thread, anchor, message.sent_at, markup)}
    </div>

    <div class="correspondence_text">{text}</div>

    <p class="event_actions">
    </p>
{_footer(thread, base_url, anchor, "incoming_message_id", number, markup)}  </div>
"""


def _annotation_html(thread: Thread, note: Annotation, base_url: str, markup: str) -> str:
    number = number_of(note.id)
    text = _clickable(escape(note.body_text.strip())).replace("\n", "<br>")
    footer = _footer(thread, base_url, f"comment-{number}", "comment_id", number, markup) if markup == "2019" else ""
    return f"""
  <div class="ff-print-fix"></div>
  <div class="comment_in_request box" id="comment-{number}">
    <div class="comment_content">
      <h2>
        <a href="/user/{_user_url_name(note.author)}">{escape(note.author or "")}</a> left an annotation ({time_tag(note.created_at) if note.created_at else ""})
      </h2>

      <div class="comment_in_request_text">
        <p>
          {text}
        </p>
      </div>

      <p class="event_actions">
      </p>
    </div>
{footer}  </div>
"""


def _instant(item: Message | Annotation) -> datetime:
    iso = item.sent_at if isinstance(item, Message) else item.created_at
    return instant(iso).astimezone(UTC) if iso else datetime.min.replace(tzinfo=UTC)


def _timeline(thread: Thread) -> list[Message | Annotation]:
    """Messages and annotations in the order of their events (a stable sort keeps ties in order)."""
    return sorted([*thread.messages, *thread.annotations], key=_instant)


def render_request_page(thread: Thread, base_url: str, *, unfold: bool = True, markup: str = "2025",
                        today: date | None = None) -> str:
    """The request page ``/request/<slug>`` as Alaveteli renders it for a visitor who is not signed in.

    ``today`` only matters for an unclassified request, whose sentence changes after 21 days.
    """
    if markup not in ("2019", "2025"):
        raise ValueError(f"unknown markup {markup!r}")
    authority = thread.authority
    body_name = authority.name if authority else ""
    law = _law_full(thread)
    status = thread.site_status or "waiting_response"
    first_request = next((m for m in thread.messages if m.direction == OUTGOING), None)
    description = " ".join((first_request.body_text if first_request else "").split())
    timeline = _timeline(thread)
    updated = (timeline[-1].sent_at if isinstance(timeline[-1], Message) else timeline[-1].created_at) \
        if timeline else thread.created_at
    blocks = []
    for k, item in enumerate(timeline):
        if isinstance(item, Annotation):
            blocks.append(_annotation_html(thread, item, base_url, markup))
        elif item.direction == OUTGOING:
            following = next((x for x in timeline[k + 1:] if isinstance(x, Message)), None)
            blocks.append(_outgoing_html(thread, item, following, base_url, markup))
        else:
            blocks.append(_incoming_html(thread, item, base_url, unfold=unfold, markup=markup))
    user = thread.user
    user_link = f'<a href="/user/{user.url_name}">{escape(user.name)}</a>' if user else "Anonymous user"
    body_link = f'<a href="/body/{authority.url_name}">{escape(body_name)}</a>' if authority else ""
    title = escape(thread.title)
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
  <head>
    <meta charset="utf-8">
    <title>
        {title} - {_article(law)} {law} request to {escape(body_name)} - {SITE_NAME}
    </title>
    <link rel="alternate" type="application/atom+xml" title="New updates for the request &#39;{title}&#39;" href="{base_url}/request/{thread.slug}/feed">
    <link rel="alternate" type="application/json" title="JSON version of New updates for the request &#39;{title}&#39;" href="{base_url}/request/{thread.slug}/feed.json">
    <link rel="alternate" type="application/json" title="JSON version of this page" href="/request/{thread.slug}.json">
    <meta property="og:title" content="{title}" />
    <meta property="og:url" content="{base_url}/request/{thread.slug}" />
    <meta property="article:published_time" content="{thread.created_at or ""}" />
    <meta property="article:modified_time" content="{updated}" />
    <meta property="og:description" content="{escape(description)}" />
  </head>
  <body class="">
    <div class="entirebody">
      <div id="wrapper">
        <div id="content" role="main">
          <div id="request_show" class="controller_request">

<div class="request-header">
  <div class="row">
    <h1>{title}</h1>

    <div class="request-header__action-bar-container">
      <div class="request-header__action-bar">
        <p class="request-header__subtitle ">
          {user_link} made this {law} request to {body_link}
        </p>

        <div class="request-header__action-bar__actions ">
          <div id="after_actions" class="after-actions">
            <ul class="action-menu after-actions__action-menu">
              <li>
                <a href="#" class="action-menu__button">Actions</a>
                <ul class="action-menu__menu">
                  <li class="action-menu__menu__item">
                    <ul class="action-menu__menu__submenu anyone_actions">
                      <li><a href="/request/{thread.slug}/report/new">Report this request</a></li>
                      <li><a href="/request/{thread.slug}/annotate">Add an annotation</a></li>
                      <li><a href="/request/{thread.slug}/download">Download a zip file of all correspondence</a></li>
                      <li><a href="/request/{thread.slug}/details">View event history details</a></li>
                      <li><a tabindex="0" class="{_collapsible(markup)}-trigger-all" data-text-expanded="Collapse all correspondence" data-text-collapsed="Expand all correspondence">Collapse all correspondence</a></li>
                    </ul>
                  </li>
                </ul>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </div>

    <div class="request-status">
      <div id="request_status" class="request-status-message request-status-message--{status}">
        <i class="icon-standalone icon_{status}"></i>

        <p>
          {_status_sentence(thread, today or london_today())}
        </p>
      </div>
    </div>
  </div>
</div>

<div id="left_column" class="left_column">
{"".join(blocks)}
</div>

<div id="right_column" class="sidebar right_column" role="complementary">
  <div class="sidebar__section next-actions">
    <h2>Act on what you&#39;ve learnt</h2>
  </div>
  <div class="sidebar__section">
    <p class="copyright-notice"><small><a href="/help/officers#copyright">Are you the owner of any commercial copyright on this page?</a></small></p>
  </div>
</div>

          </div>
        </div>
      </div>
    </div>
  </body>
</html>
"""


# ------------------------------------------------------------------------------ request .json


def _csv_time_to_rails(text: str) -> str:
    return rails_time(datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z"))


def public_body_json(authority: Authority | None) -> dict:
    body = _body_of(authority)
    tags = [[tag.split(":", 1)[0], tag.split(":", 1)[1] if ":" in tag else None] for tag in body.tags]
    count = _jitter(body.url_name, 300, 6000)
    return {
        "id": body.internal_id,
        "url_name": body.url_name,
        "name": body.name,
        "short_name": body.short_name,
        "created_at": _csv_time_to_rails(body.created_at),
        "updated_at": _csv_time_to_rails(body.updated_at),
        "home_page": body.home_page,
        "notes": "",
        "publication_scheme": "",
        "disclosure_log": "",
        "tags": tags,
        "info": {
            "requests_count": count,
            "requests_successful_count": count * 11 // 20,
            "requests_not_held_count": count // 12,
            "requests_overdue_count": count // 70,
            "requests_visible_classified_count": count * 9 // 10,
        },
    }


def _user_json(thread: Thread) -> dict:
    user = thread.user
    url_name = user.url_name if user else "anonymous"
    names = list(PEOPLE)
    user_id = 4200 + names.index(url_name) * 37 if url_name in names else _jitter(url_name, 10000, 99999)
    return {"id": user_id, "url_name": url_name, "name": user.name if user else "Anonymous user",
            "ban_text": "", "about_me": ""}


def _event(event_id: int, event_type: str, created: str, *, described: str | None = None,
           calculated: str | None = None, last_described: str | None = None, incoming: int | None = None,
           outgoing: int | None = None, comment: int | None = None, display: str | None = None) -> dict:
    event = {
        "id": event_id, "event_type": event_type, "created_at": created, "described_state": described,
        "calculated_state": calculated, "last_described_at": last_described,
        "incoming_message_id": incoming, "outgoing_message_id": outgoing, "comment_id": comment,
    }
    if display is not None:
        event["display_status"] = display
    return event


def request_events(thread: Thread) -> list[dict]:
    """info_request_events: one per message / annotation, plus a status_update per classification."""
    timeline = _timeline(thread)
    base = (thread.site_request_id or _jitter(thread.slug, 1000, 99999)) * 100
    events: list[dict] = []

    def moment_of(item: Message | Annotation) -> datetime:
        if isinstance(item, Annotation):
            return instant(item.created_at or thread.created_at or "")
        arrival = instant(item.sent_at or thread.created_at or "")
        if item.direction == INCOMING:
            arrival += timedelta(seconds=_jitter(item.id, 4, 95))
        return arrival

    for k, item in enumerate(timeline):
        created = moment_of(item)
        stamp = rails_time(created, f"{item.id}/event")
        next_moment = moment_of(timeline[k + 1]) if k + 1 < len(timeline) else created + timedelta(hours=6)
        if isinstance(item, Annotation):
            events.append(_event(base + len(events) + 1, "comment", stamp, comment=number_of(item.id)))
            continue
        number = number_of(item.id)
        if item.direction == OUTGOING:
            described = item.site_state
            events.append(_event(
                base + len(events) + 1, item.event_type or "followup_sent", stamp, described=described,
                calculated=item.site_state,
                last_described=rails_time(created + timedelta(seconds=1), item.id) if described else None,
                outgoing=number, display=item.site_display_status))
            if item.kind == "withdrawal":
                update = created + (next_moment - created) / 3
                withdrawn = rails_time(update, f"{item.id}/update")
                events.append(_event(base + len(events) + 1, "status_update", withdrawn, described="user_withdrawn",
                                     calculated="user_withdrawn", last_described=withdrawn))
            continue
        update_at = created + min(timedelta(minutes=_jitter(item.id, 10, 300)), (next_moment - created) / 2)
        update = rails_time(update_at, f"{item.id}/update") if item.site_state else None
        events.append(_event(base + len(events) + 1, "response", stamp, calculated=item.site_state,
                             last_described=update, incoming=number, display=item.site_display_status))
        if item.site_state:
            events.append(_event(base + len(events) + 1, "status_update", update, described=item.site_state,
                                 calculated=item.site_state, last_described=update))
    for item in timeline:
        if isinstance(item, Message) and item.prominence != "normal":
            # An administrator hid it: Alaveteli logs the edit, so the .json changes too.
            edited = rails_time(moment_of(timeline[-1]) + timedelta(hours=1), f"{item.id}/hide")
            events.append(_event(base + len(events) + 1, "edit_incoming", edited, incoming=number_of(item.id)))
    return events


def render_request_json(thread: Thread, base_url: str) -> str:
    """``/request/<slug>.json``: InfoRequest#json_for_api(true)."""
    events = request_events(thread)
    described = next((e["described_state"] for e in reversed(events) if e["described_state"]), "waiting_response")
    status = thread.site_status or described
    created = instant(thread.created_at) if thread.created_at else utc_now()
    document = {
        "id": thread.site_request_id,
        "url_title": thread.slug,
        "title": thread.title,
        "created_at": rails_time(created, thread.id),
        "updated_at": events[-1]["created_at"] if events else rails_time(created, thread.id),
        "described_state": described,
        "display_status": STATE_LABELS.get(status, status),
        "awaiting_description": status == "waiting_classification",
        "prominence": "normal",
        "law_used": thread.law_used or "foi",
        "tags": [],
        "user": _user_json(thread),
        "public_body": public_body_json(thread.authority),
        "info_request_events": events,
    }
    # Rails' to_json: compact, UTF-8, with <, > and & escaped (escape_html_entities_in_json).
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ------------------------------------------------------------------------------ listings and CSV


def _listing_item(thread: Thread) -> str:
    authority, user = thread.authority, thread.user
    status = thread.site_status or "waiting_response"
    first = next((m for m in thread.messages if m.direction == OUTGOING), None)
    sent = first.sent_at if first and first.sent_at else thread.created_at
    snippet = " ".join((first.body_text if first else "").split())
    snippet = snippet if len(snippet) <= 150 else snippet[:147].rstrip() + "..."
    body_link = f'<a href="/body/{authority.url_name}">{escape(authority.name)}</a>' if authority else ""
    user_link = f'<a href="/user/{user.url_name}">{escape(user.name)}</a>' if user else "Anonymous user"
    return f"""
  <div class="request_listing">
    <div class="request_left">
      <span class="head">
        <a href="/request/{thread.slug}">{escape(thread.title)}</a>
      </span>
      <div class="requester">
        Request sent to {body_link} by {user_link} on {time_tag(sent) if sent else ""}.
      </div>
      <p>
        <i class="icon-standalone icon_{status}"></i>
        <strong>{escape(STATE_LABELS.get(status, status))}.</strong>
      </p>
    </div>
    <div class="request_right">
      <span class="desc">
        {escape(snippet)}
      </span>
    </div>
  </div>
"""


def _page_href(path: str, page: int) -> str:
    """The link to page ``page`` of a listing whose ``path`` may carry a query string."""
    if page == 1:
        return path
    return f"{path}{'&' if '?' in path else '?'}page={page}"


def _pagination(path: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    parts = []
    if page > 1:
        rel = "prev start" if page == 2 else "prev"
        parts.append(f'<a class="previous_page" rel="{rel}" href="{_page_href(path, page - 1)}">&#8592; Previous</a>')
    else:
        parts.append('<span class="previous_page disabled">&#8592; Previous</span>')
    for number in range(1, pages + 1):
        if number == page:
            parts.append(f'<em class="current">{number}</em>')
        else:
            rel = {page + 1: ' rel="next"', page - 1: ' rel="prev"'}.get(number, "")
            parts.append(f'<a{rel} href="{_page_href(path, number)}">{number}</a>')
    if page < pages:
        parts.append(f'<a class="next_page" rel="next" href="{_page_href(path, page + 1)}">Next &#8594;</a>')
    else:
        parts.append('<span class="next_page disabled">Next &#8594;</span>')
    return '<div class="pagination">' + " ".join(parts) + "</div>"


def page_count(total: int, per_page: int = 25) -> int:
    return max(1, -(-total // per_page))


MAX_RESULTS = 500  # Alaveteli's cap on every listing (RequestController / PublicBodyController)


def render_listing(threads: list[Thread], base_url: str, *, title: str, page: int, per_page: int = 25,
                   path: str = "/list") -> str:
    """One page of a request listing (``/list``, ``/body/<x>``, ``/user/<x>``), newest first.

    Like Alaveteli, only the first ``MAX_RESULTS`` results can be paged through, though the
    total is printed.
    """
    ordered = sorted(threads, key=lambda t: instant(t.created_at).astimezone(UTC) if t.created_at
                     else datetime.min.replace(tzinfo=UTC), reverse=True)
    reachable = ordered[:MAX_RESULTS]
    pages = page_count(len(reachable), per_page)
    shown = reachable[(page - 1) * per_page: page * per_page]
    first = (page - 1) * per_page + 1
    count = (f"<p>Showing {first}&ndash;{first + len(shown) - 1} of {len(ordered)} requests</p>"
             if shown else "<p>No requests found.</p>")
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
  <head>
    <meta charset="utf-8">
    <title>{escape(title)} - {SITE_NAME}</title>
    <link rel="canonical" href="{base_url}{_page_href(path, page)}">
  </head>
  <body class="">
    <div id="content" role="main">
      <h1>{escape(title)}</h1>
      <div class="results_section">
        {count}
        <div class="results_block">
{"".join(_listing_item(t) for t in shown)}
        </div>
        {_pagination(path, page, pages)}
      </div>
    </div>
  </body>
</html>
"""


FEED_EVENT_TYPES = ("sent", "followup_sent", "response", "comment")


def feed_events(thread: Thread) -> list[dict]:
    """The events of a thread a feed can show, in the deep form (with the request, body, user)."""
    request = {
        "id": thread.site_request_id, "url_title": thread.slug, "title": thread.title,
        "created_at": rails_time(instant(thread.created_at), thread.id) if thread.created_at else None,
        "described_state": thread.site_status, "display_status": STATE_LABELS.get(thread.site_status or "", ""),
        "awaiting_description": thread.site_status == "waiting_classification", "prominence": "normal",
        "law_used": thread.law_used or "foi", "tags": [],
    }
    body, user = public_body_json(thread.authority), _user_json(thread)
    return [
        {**event, "snippet": "", "info_request": request, "public_body": body, "user": user}
        for event in request_events(thread)
        if event["event_type"] in FEED_EVENT_TYPES
    ]


def render_feed_json(threads: list[Thread], limit: int = 25) -> str:
    """A JSON feed (``/feed/.../*.json``): the ``limit`` newest events of these threads."""
    events = [event for thread in threads for event in feed_events(thread)]
    events.sort(key=lambda event: instant(event["created_at"]), reverse=True)
    return json.dumps(events[:limit], ensure_ascii=False, separators=(",", ":"))


def render_authorities_csv(authorities: list[Authority]) -> str:
    """``/body/all-authorities.csv`` (lib/public_body_csv.rb, with the Internal ID column)."""
    out = io.StringIO()
    out.write(AUTHORITIES_CSV_HEADER + "\n")
    writer = csv.writer(out, lineterminator="\n")
    for authority in sorted(authorities, key=lambda a: a.name.lower()):
        body = _body_of(authority)
        writer.writerow([body.internal_id, authority.name, body.short_name, authority.url_name,
                         " ".join(authority.tags), body.home_page, "", "", "", body.created_at,
                         body.updated_at, _jitter(authority.url_name, 1, 9)])
    return out.getvalue()


def render_not_found(path: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB">
  <head><meta charset="utf-8"><title>Sorry, we couldn&#39;t find that page - {SITE_NAME}</title></head>
  <body>
    <div id="content" role="main">
      <h1>Sorry, we couldn&#39;t find that page</h1>
      <p>The page {escape(path)} doesn&#39;t exist.</p>
    </div>
  </body>
</html>
"""
