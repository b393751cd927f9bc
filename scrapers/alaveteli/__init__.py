"""Turn Alaveteli request pages (WhatDoTheyKnow and other sites) and their ``.json`` into objects.

Scrapers never touch a database: they take bytes and return :mod:`tracker.model` objects.

The HTML parser works on the 2019 markup (``js-collapsable``, ``<li class="attachment">``
without ids) and on the current 2025+ markup alike, because it keys only on the classes and
ids that have stayed stable: ``.correspondence`` with ``.incoming`` / ``.outgoing`` and
``id="incoming-N"``, ``correspondence__header__author``, ``time[datetime]``,
``correspondence_text``, ``request-status-message--STATE`` and ``comment_in_request``.

The document is parsed once (BeautifulSoup over lxml) and walked once; each correspondence
item is then read by walking only its own subtree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from tracker import model
from tracker.model import Annotation, Attachment, Authority, Message, Site, Thread, User

__all__ = [
    "PageError",
    "NotARequestPage",
    "TruncatedPage",
    "InvalidEncoding",
    "RequestEvent",
    "RequestJson",
    "decode_page",
    "request_slug",
    "canonical_request_url",
    "page_url",
    "json_url",
    "parse_size",
    "normalise_instant",
    "parse_request_page",
    "parse_request_json",
    "merge_json",
    "thread_from_json",
    "Listing",
    "listing_kind",
    "parse_listing",
    "FeedEvent",
    "feed_url",
    "parse_feed",
    "group_by_request",
]


# --------------------------------------------------------------------------------------------
# Errors


class PageError(ValueError):
    """A page or JSON document that cannot be read. ``str(e)`` is one human-readable line."""


class NotARequestPage(PageError):
    """Empty body, some other HTML page, JSON where a page was expected, and so on."""


class TruncatedPage(PageError):
    """The HTML of an Alaveteli page ends before ``</html>`` (the download was cut)."""

    def __init__(self, message: str, items_read: int = 0) -> None:
        super().__init__(message)
        self.items_read = items_read


class InvalidEncoding(PageError):
    """The bytes are not valid UTF-8; ``offset`` is the first bad byte."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


# --------------------------------------------------------------------------------------------
# JSON dataclasses


@dataclass
class RequestEvent:
    """One entry of ``info_request_events`` in ``/request/<slug>.json``."""

    id: int | None
    event_type: str | None
    created_at: str | None
    described_state: str | None
    calculated_state: str | None
    incoming_message_id: int | None = None
    outgoing_message_id: int | None = None
    comment_id: int | None = None
    display_status: str | None = None


@dataclass
class RequestJson:
    """What ``/request/<slug>.json`` says about a request (metadata and timeline, no bodies)."""

    site_request_id: int | None
    slug: str
    title: str
    created_at: str | None = None
    described_state: str | None = None
    display_status: str | None = None
    awaiting_description: bool | None = None
    law_used: str | None = None
    tags: list[str] = field(default_factory=list)
    user: User | None = None
    authority: Authority | None = None
    events: list[RequestEvent] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Small public helpers

_UTF8_BOM = b"\xef\xbb\xbf"


def decode_page(content: bytes | str) -> str:
    """Decode strict UTF-8 (a leading BOM is dropped); raise :class:`InvalidEncoding` otherwise."""
    if isinstance(content, str):
        return content[1:] if content.startswith("\ufeff") else content
    data = bytes(content)
    skip = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        raise InvalidEncoding(
            f"not valid UTF-8: byte 0x{data[offset]:02x} at offset {offset}", offset
        ) from None


# An optional locale prefix ("/cy", "/en", "/pt_BR") before "/request/<slug>".
_LOCALE_PREFIX = r"(?:/[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?)?"
_REQUEST_PATH = re.compile(rf"^{_LOCALE_PREFIX}/request/([^/?#]+)")
_BODY_PATH = re.compile(rf"^{_LOCALE_PREFIX}/body/([^/?#]+)")
_USER_PATH = re.compile(rf"^{_LOCALE_PREFIX}/user/([^/?#]+)")


def request_slug(url: str) -> str:
    """The request's ``url_title`` from any request URL (page, ``.json``, sub-page, locale prefix).

    Raises ``ValueError`` when the URL is not a ``/request/<slug>`` URL; a numeric
    ``/request/<id>`` is refused too, because it is the site's id, not the slug.
    """
    match = _REQUEST_PATH.match(urlsplit(url.strip()).path)
    if match is None:
        raise ValueError(f"not an Alaveteli request URL: {url!r}")
    slug = unquote(match.group(1))
    if slug.endswith(".json"):
        slug = slug[: -len(".json")]
    if not slug or slug.isdigit():
        raise ValueError(f"request URL has no slug (only a numeric id or nothing): {url!r}")
    return slug


def canonical_request_url(url: str) -> str:
    """``scheme://host[:port]/request/<slug>``: no query, fragment, locale prefix or ``.json``."""
    if not urlsplit(url.strip()).netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return _request_url(url.strip(), request_slug(url))


def page_url(url: str) -> str:
    """The URL to fetch the request page with every quoted section unfolded."""
    return canonical_request_url(url) + "?unfold=1"


def json_url(url: str) -> str:
    """The URL of the request's ``.json`` (metadata and event timeline)."""
    return canonical_request_url(url) + ".json"


def _request_url(any_url: str, slug: str) -> str:
    return f"{model.base_url_for(any_url)}/request/{quote(slug)}"


_SIZE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
}


def parse_size(text: str) -> int | None:
    """Bytes from a size as the site prints it: "183K" -> 187392, "1.2M" -> 1258291, "512B" -> 512.

    Units are binary (Alaveteli divides by 1024). Anything else gives ``None``.
    """
    if not text:
        return None
    match = _SIZE.match(text.strip())
    if match is None:
        return None
    factor = _SIZE_UNITS.get(match.group(2).lower())
    if factor is None:
        return None
    return round(float(match.group(1).replace(",", "")) * factor)


_INSTANT = re.compile(
    r"^(\d{4})([-/])(\d{2})\2(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$",
    re.IGNORECASE,
)


def normalise_instant(text: str | None) -> str | None:
    """ISO 8601 at seconds precision with a ``+HH:MM`` offset, or ``None``.

    Accepts the forms Alaveteli prints: ``2019-07-07T07:33:47+01:00`` (HTML ``datetime``),
    ``2022-10-15T13:11:56.603+01:00`` and ``...Z`` (Rails JSON), ``2013/06/15 10:18:19 +1000``
    (old JSON) and ``2024-01-08 09:15:04 +0000`` (``title`` attribute, details page).
    Fractions of a second are dropped, not rounded. A time without an offset is refused
    (``None``): it cannot be placed on the time line.
    """
    if text is None:
        return None
    match = _INSTANT.match(str(text).strip())
    if match is None:
        return None
    year, _, month, day, hour, minute, second, offset = match.groups()
    if offset.upper() in ("Z", "UTC", "GMT"):
        offset = "+00:00"
    else:
        digits = offset[1:].replace(":", "")
        offset = f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    try:
        instant = datetime.fromisoformat(
            f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}{offset}"
        )
    except ValueError:
        return None
    return instant.isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# Request page


_ITEM_ID = re.compile(r"^(incoming|outgoing)-(\d+)$")
_COMMENT_ID = re.compile(r"^comment-(\d+)$")
_NUMERIC_REQUEST = re.compile(r"/request/(\d+)/")
_ATTACH_HREF = re.compile(r"/response/\d+/attach/(\d+)/")
_ICON = re.compile(r"icon_([^/]+?)_large")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_END_OF_HTML = re.compile(r"</html\s*>", re.IGNORECASE)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_PROMINENCES = ("normal", "hidden", "requester_only")
_CONCEALED = ("hidden", "requester_only")
_STATUS_CLASS = "request-status-message--"

# Elements that start a paragraph / a line in body text; elements whose text is never body.
_BLOCK_TAGS = frozenset(
    "p div blockquote pre ul ol dl table h1 h2 h3 h4 h5 h6 hr section article header footer"
    " address".split()
)
_LINE_TAGS = frozenset("li tr dt dd".split())
_NON_TEXT_TAGS = frozenset("script style template noscript head button input select".split())

_IN_HEADER = 1
_IN_STATUS = 2


@dataclass
class _PageIndex:
    """What one walk over the document finds (correspondence items are collected, not entered)."""

    metas: dict[str, str] = field(default_factory=dict)
    json_href: str | None = None
    title_h1: Tag | None = None
    subtitle: Tag | None = None
    status_div: Tag | None = None
    status_icon: str | None = None
    due_date: str | None = None
    site_request_id: int | None = None
    items: list[Tag] = field(default_factory=list)


def _classes(tag: Tag) -> list[str]:
    value = tag.attrs.get("class")
    if value is None:
        return []
    return value if isinstance(value, list) else str(value).split()


def _squash(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def _index_page(soup: BeautifulSoup) -> _PageIndex:
    """Walk the whole tree once, in document order, noting the parts the parser needs."""
    index = _PageIndex()
    stack: list[tuple[Tag, int]] = [
        (child, 0) for child in reversed(soup.contents) if isinstance(child, Tag)
    ]
    while stack:
        tag, flags = stack.pop()
        name = tag.name
        attrs = tag.attrs
        classes = _classes(tag)
        if classes and ("correspondence" in classes or "comment_in_request" in classes):
            index.items.append(tag)
            continue
        if name == "div" and "request-header" in classes:
            flags |= _IN_HEADER
        if attrs.get("id") == "request_status":
            index.status_div = tag
            flags |= _IN_STATUS
        if name == "meta":
            prop = attrs.get("property")
            if prop and prop not in index.metas:
                index.metas[prop] = attrs.get("content") or ""
        elif name == "link":
            if index.json_href is None and attrs.get("type") == "application/json":
                href = attrs.get("href") or ""
                if "/feed" not in href and href.endswith(".json"):
                    index.json_href = href
        elif name == "h1":
            if flags & _IN_HEADER and index.title_h1 is None:
                index.title_h1 = tag
            continue
        elif name == "p" and "request-header__subtitle" in classes:
            if index.subtitle is None:
                index.subtitle = tag
        elif name == "i" and flags & _IN_STATUS and index.status_icon is None:
            for cls in classes:
                if cls.startswith("icon_"):
                    index.status_icon = cls[len("icon_") :]
        elif name == "time" and flags & _IN_STATUS and index.due_date is None:
            stamp = (attrs.get("datetime") or "").strip()
            if _DATE_ONLY.match(stamp):
                index.due_date = stamp
        elif name == "a" and index.site_request_id is None:
            match = _NUMERIC_REQUEST.search(attrs.get("href") or "")
            if match:
                index.site_request_id = int(match.group(1))
        stack.extend((child, flags) for child in reversed(tag.contents) if isinstance(child, Tag))
    return index


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def parse_request_page(content: bytes | str, url: str) -> Thread:
    """Read one request page (``/request/<slug>``, best fetched with ``?unfold=1``).

    ``url`` is the URL the page was fetched from: it gives the site and the slug (the page's
    own ``og:url`` / ``.json`` link wins when it disagrees, with a warning). Raises
    :class:`NotARequestPage`, :class:`TruncatedPage` or :class:`InvalidEncoding`; oddities that
    still leave a usable thread (an undated message, say) go to ``thread.warnings``. A relative
    ``url``, or one without a slug on a page that states none, is a caller error (``ValueError``).
    """
    text = decode_page(content)
    if not text.strip():
        raise NotARequestPage("empty page")
    if _looks_like_json(text):
        raise NotARequestPage("not an HTML page: the content is JSON (use parse_request_json)")
    site_id = model.site_id_for(url)
    if not site_id:
        raise ValueError(f"the page URL must be absolute: {url!r}")

    index = _index_page(BeautifulSoup(text, "lxml"))
    page_slug = _page_slug(index)
    found_request = index.title_h1 is not None or index.status_div is not None or index.items
    if not _END_OF_HTML.search(text, max(0, len(text) - 65536)) and (found_request or page_slug):
        raise TruncatedPage(
            f"page truncated: ends before </html> ({len(index.items)} correspondence items read)",
            len(index.items),
        )
    if not found_request:
        raise NotARequestPage(
            "not an Alaveteli request page (no request header, status or correspondence found)"
        )

    warnings: list[str] = []
    slug = _choose_slug(url, page_slug, warnings)
    thread = Thread(
        id=f"{site_id}/request/{slug}",
        site=Site(
            id=site_id,
            base_url=model.base_url_for(url),
            name=_squash(index.metas.get("og:site_name", "")) or None,
        ),
        url=_request_url(url, slug),
        slug=slug,
        title=_squash(index.title_h1.get_text()) if index.title_h1 is not None else "",
        site_status=_status(index),
        due_date=index.due_date,
        site_request_id=index.site_request_id,
        created_at=normalise_instant(index.metas.get("article:published_time")),
        warnings=warnings,
    )
    if not thread.title:
        warnings.append("no request title found in the page header")
    if index.subtitle is not None:
        _read_subtitle(index.subtitle, thread)
    _read_items(index.items, thread)
    return thread


def _page_slug(index: _PageIndex) -> str | None:
    """The slug the page states about itself (``og:url``, else its ``.json`` alternate link)."""
    for candidate in (index.metas.get("og:url"), index.json_href):
        if candidate:
            try:
                return request_slug(candidate)
            except ValueError:
                continue
    return None


def _choose_slug(url: str, page_slug: str | None, warnings: list[str]) -> str:
    try:
        url_slug: str | None = request_slug(url)
    except ValueError:
        url_slug = None
    if page_slug is None:
        if url_slug is None:
            raise ValueError(f"cannot tell the request slug from the URL or the page: {url!r}")
        return url_slug
    if url_slug is not None and url_slug != page_slug:
        warnings.append(
            f"the page says its slug is {page_slug!r} but the URL has {url_slug!r}; "
            "using the page's"
        )
    return page_slug


def _status(index: _PageIndex) -> str | None:
    if index.status_div is not None:
        for cls in _classes(index.status_div):
            if cls.startswith(_STATUS_CLASS) and len(cls) > len(_STATUS_CLASS):
                return cls[len(_STATUS_CLASS) :]
    return index.status_icon or None


def _read_subtitle(subtitle: Tag, thread: Thread) -> None:
    """Authority, requester and law from ``p.request-header__subtitle``."""
    site_id = thread.site.id
    for link in subtitle.find_all("a", href=True):
        path = urlsplit(link["href"]).path
        body = _BODY_PATH.match(path)
        if body and thread.authority is None:
            url_name = unquote(body.group(1))
            thread.authority = Authority(
                id=f"{site_id}/body/{url_name}",
                site_id=site_id,
                url_name=url_name,
                name=_squash(link.get_text()),
            )
            continue
        user = _USER_PATH.match(path)
        if user and thread.user is None:
            url_name = unquote(user.group(1))
            thread.user = User(
                id=f"{site_id}/user/{url_name}",
                site_id=site_id,
                url_name=url_name,
                name=_squash(link.get_text()),
            )
    words = _squash(subtitle.get_text())
    thread.law_used = "eir" if "Environmental Information Regulations" in words else "foi"


def _read_items(items: list[Tag], thread: Thread) -> None:
    """Messages and annotations in page order; resent notices and repeated ids are skipped."""
    seen: set[str] = set()
    for item in items:
        if "comment_in_request" in _classes(item):
            annotation = _annotation(item, thread)
            if annotation is not None and annotation.id not in seen:
                seen.add(annotation.id)
                thread.annotations.append(annotation)
            continue
        message = _message(item, thread)
        if message is None:
            continue
        if message.id in seen:
            thread.warnings.append(
                f"{_local_id(message.id)} appears twice on the page; kept the first"
            )
            continue
        seen.add(message.id)
        thread.messages.append(message)


@dataclass
class _ItemParts:
    author: Tag | None = None
    time: Tag | None = None
    heading: Tag | None = None
    text: Tag | None = None
    event_plain: bool = False
    hidden_notice: bool = False


def _scan_item(item: Tag) -> _ItemParts:
    """One walk over a correspondence item, not entering its ``correspondence_text``."""
    parts = _ItemParts()
    stack = [child for child in reversed(item.contents) if isinstance(child, Tag)]
    while stack:
        tag = stack.pop()
        classes = _classes(tag)
        name = tag.name
        if "correspondence_text" in classes:
            if parts.text is None:
                parts.text = tag
            continue
        if name == "time":
            if parts.time is None and tag.attrs.get("datetime"):
                parts.time = tag
            continue
        if parts.author is None and (
            "correspondence__header__author" in classes
            or "correspondence__header__from" in classes
        ):
            parts.author = tag
        elif name == "h2" and parts.heading is None:
            parts.heading = tag
        elif name == "p" and "event_plain" in classes:
            parts.event_plain = True
        elif "hidden_message" in classes or tag.attrs.get("id") == "hidden_message":
            parts.hidden_notice = True
        stack.extend(child for child in reversed(tag.contents) if isinstance(child, Tag))
    return parts


def _message(item: Tag, thread: Thread) -> Message | None:
    match = _ITEM_ID.match((item.attrs.get("id") or "").strip())
    if match is None:
        thread.warnings.append(
            "a correspondence item without an incoming-/outgoing- id was skipped"
        )
        return None
    parts = _scan_item(item)
    if parts.event_plain and parts.text is None:
        return None  # a "sent again" notice: it reuses the id of the message it resends
    direction = model.INCOMING if match.group(1) == "incoming" else model.OUTGOING
    message_id = f"{thread.site.id}/{match.group(1)}-{match.group(2)}"
    sent_at = normalise_instant(parts.time.attrs.get("datetime")) if parts.time else None
    if sent_at is None:
        thread.warnings.append(f"{_local_id(message_id)} has no parsable date; sent_at left empty")
    classes = _classes(item)
    prominence = next((c for c in classes if c in _PROMINENCES), None)
    if prominence is None:
        prominence = "hidden" if parts.hidden_notice and parts.text is None else "normal"
    message = Message(
        id=message_id,
        direction=direction,
        sent_at=sent_at,
        author=_author(parts),
        prominence=prominence,
    )
    # Concealed messages are not public: keep no body or attachments even if some were shown.
    if parts.text is not None and prominence not in _CONCEALED:
        message.body_text, attachment_items = _render_text(parts.text)
        message.attachments = [
            _attachment(li, position, message_id, thread.url)
            for position, li in enumerate(attachment_items, start=1)
        ]
    return message


def _author(parts: _ItemParts) -> str | None:
    if parts.author is not None:
        text = _text_without_time(parts.author)
    elif parts.heading is not None:
        text = _heading_sender(parts.heading)
    else:
        return None
    text = _squash(text).rstrip(",").rstrip()
    return text or None


def _text_without_time(tag: Tag) -> str:
    return " ".join(
        str(s) for s in tag.find_all(string=True) if s.find_parent("time") is None
    )


def _heading_sender(heading: Tag) -> str:
    """The sender in a pre-2016 header ``<h2>From: Jane Smith<br> <time>…</time></h2>``."""
    pieces: list[str] = []
    for child in heading.contents:
        if isinstance(child, Tag):
            if child.name in ("br", "time"):
                break
            pieces.append(child.get_text())
        elif not isinstance(child, PreformattedString):
            pieces.append(str(child))
    text = _squash("".join(pieces))
    return text[len("From:") :] if text.lower().startswith("from:") else text


_PARAGRAPH = object()
_LINE = object()


def _render_text(root: Tag) -> tuple[str, list[Tag]]:
    """Plain text of a body, and the ``li.attachment`` elements of its attachments block.

    ``<p>`` and other blocks become paragraphs separated by one blank line, ``<br>`` a line
    break; other whitespace is collapsed as a browser would. The attachments block and the
    "show/hide quoted sections" link are left out.
    """
    out: list[str] = []
    attachment_items: list[Tag] = []
    stack: list[Any] = list(reversed(root.contents))
    while stack:
        node = stack.pop()
        if node is _PARAGRAPH:
            out.append("\n\n")
            continue
        if node is _LINE:
            out.append("\n")
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):
                out.append(_HTML_SPACE.sub(" ", node))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in _NON_TEXT_TAGS:
            continue
        if name == "br":
            out.append("\n")
            continue
        classes = _classes(node)
        if "attachments" in classes:
            attachment_items.extend(
                li for li in node.find_all("li") if "attachment" in _classes(li)
            )
            continue
        if "unfold_link" in classes or "correspondence__suggestion" in classes:
            continue
        marker = _PARAGRAPH if name in _BLOCK_TAGS else _LINE if name in _LINE_TAGS else None
        if marker is not None:
            out.append("\n\n" if marker is _PARAGRAPH else "\n")
            stack.append(marker)
        stack.extend(reversed(node.contents))
    return _tidy_lines("".join(out)), attachment_items


def _tidy_lines(raw: str) -> str:
    """Strip every line, collapse runs of blank lines to one, drop leading/trailing blanks."""
    lines: list[str] = []
    pending_blank = False
    for line in raw.split("\n"):
        line = line.strip()
        if not line:
            pending_blank = True
            continue
        if pending_blank and lines:
            lines.append("")
        lines.append(line)
        pending_blank = False
    return "\n".join(lines)


def _attachment(li: Tag, position: int, message_id: str, base: str) -> Attachment:
    href: str | None = None
    part: str | None = None
    content_type: str | None = None
    filename = ""
    size: int | None = None
    for tag in li.find_all(("a", "img", "p")):
        if tag.name == "a":
            link = tag.attrs.get("href") or ""
            match = _ATTACH_HREF.search(link)
            if href is None and match and "/attach/html/" not in link:
                href, part = link, match.group(1)
        elif tag.name == "img":
            icon = _ICON.search(tag.attrs.get("src") or "")
            if content_type is None and icon and icon.group(1) != "unknown":
                content_type = icon.group(1).replace("_", "/", 1)
        else:
            classes = _classes(tag)
            if "attachment__name" in classes:
                filename = _squash(tag.get_text())
            elif "attachment__meta" in classes:
                size = _leading_size(tag)
    if not filename and href:
        filename = unquote(urlsplit(href).path.rsplit("/", 1)[-1])
    return Attachment(
        id=f"{message_id}/attachment-{part or position}",
        message_id=message_id,
        filename=filename,
        url=urljoin(base, href) if href else None,
        content_type=content_type,
        size=size,
    )


def _leading_size(meta: Tag) -> int | None:
    """The size printed before the first link of ``p.attachment__meta`` ("183K", "512 bytes")."""
    leading: list[str] = []
    for child in meta.contents:
        if isinstance(child, Tag):
            break
        if not isinstance(child, PreformattedString):
            leading.append(str(child))
    text = _squash("".join(leading))
    if not text:
        return None
    size = parse_size(text)
    return size if size is not None else parse_size(text.split()[0])


def _annotation(item: Tag, thread: Thread) -> Annotation | None:
    match = _COMMENT_ID.match((item.attrs.get("id") or "").strip())
    if match is None:
        thread.warnings.append("an annotation without a comment- id was skipped")
        return None
    annotation_id = f"{thread.site.id}/comment-{match.group(1)}"
    heading = item.find("h2")
    author = None
    if heading is not None:
        link = heading.find("a", href=lambda h: bool(h) and _USER_PATH.match(urlsplit(h).path))
        author = _squash(link.get_text()) if link is not None else None
    time = item.find("time", datetime=True)
    created_at = normalise_instant(time["datetime"]) if time is not None else None
    if created_at is None:
        thread.warnings.append(f"comment-{match.group(1)} has no parsable date")
    body = item.find(class_="comment_in_request_text")
    return Annotation(
        id=annotation_id,
        request_id=thread.id,
        author=author or None,
        created_at=created_at,
        body_text=_render_text(body)[0] if body is not None else "",
    )


def _local_id(global_id: str) -> str:
    """``incoming-12`` from ``host/incoming-12``."""
    return global_id.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# Request JSON


def parse_request_json(content: bytes | str, url: str) -> RequestJson:
    """Read ``/request/<slug>.json``; ``url`` gives the site the ids are built on.

    Raises :class:`InvalidEncoding`, :class:`PageError` for invalid JSON and
    :class:`NotARequestPage` for JSON (or HTML) that is not a request object.
    """
    text = decode_page(content)
    if not text.strip():
        raise NotARequestPage("empty JSON document")
    if text.lstrip()[:1] == "<":
        raise NotARequestPage("not JSON: the content looks like an HTML page")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PageError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise NotARequestPage(
            f"JSON is a {type(data).__name__}, not an Alaveteli request object"
            " (a feed or search result?)"
        )
    slug, title = data.get("url_title"), data.get("title")
    if not isinstance(slug, str) or not slug or not isinstance(title, str):
        raise NotARequestPage("JSON is not an Alaveteli request object (no url_title and title)")
    site_id = model.site_id_for(url)
    if not site_id:
        raise ValueError(f"the JSON URL must be absolute: {url!r}")
    events = data.get("info_request_events") or []
    if not isinstance(events, list):
        raise PageError("JSON request object has an info_request_events that is not a list")
    awaiting = data.get("awaiting_description")
    return RequestJson(
        site_request_id=_int(data.get("id")),
        slug=slug,
        title=title,
        created_at=normalise_instant(data.get("created_at")),
        described_state=_str(data.get("described_state")),
        display_status=_display_status(data.get("display_status")),
        awaiting_description=awaiting if isinstance(awaiting, bool) else None,
        law_used=_str(data.get("law_used")),
        tags=_tags(data.get("tags")),
        user=_json_user(data.get("user"), site_id),
        authority=_json_authority(data.get("public_body"), site_id),
        events=[_json_event(event) for event in events if isinstance(event, dict)],
    )


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _display_status(value: Any) -> str | None:
    """Alaveteli before 0.45 ended these strings with a period; drop it."""
    text = _str(value)
    if text is None:
        return None
    return text.strip().rstrip(".").strip() or None


def _tags(value: Any) -> list[str]:
    """``[["name", null], ["name", "value"]]`` (or plain strings) as ``["name", "name:value"]``."""
    if isinstance(value, str):
        return value.split()
    if not isinstance(value, list):
        return []
    tags: list[str] = []
    for tag in value:
        if isinstance(tag, str):
            tags.append(tag)
        elif isinstance(tag, (list, tuple)) and tag and isinstance(tag[0], str):
            extra = tag[1] if len(tag) > 1 else None
            tags.append(f"{tag[0]}:{extra}" if extra not in (None, "") else tag[0])
    return tags


def _json_user(value: Any, site_id: str) -> User | None:
    if not isinstance(value, dict) or not _str(value.get("url_name")):
        return None
    url_name = value["url_name"]
    return User(
        id=f"{site_id}/user/{url_name}",
        site_id=site_id,
        url_name=url_name,
        name=_str(value.get("name")) or url_name,
    )


def _json_authority(value: Any, site_id: str) -> Authority | None:
    if not isinstance(value, dict) or not _str(value.get("url_name")):
        return None
    url_name = value["url_name"]
    return Authority(
        id=f"{site_id}/body/{url_name}",
        site_id=site_id,
        url_name=url_name,
        name=_str(value.get("name")) or url_name,
        tags=_tags(value.get("tags")),
    )


def _json_event(value: dict[str, Any]) -> RequestEvent:
    return RequestEvent(
        id=_int(value.get("id")),
        event_type=_str(value.get("event_type")),
        created_at=normalise_instant(value.get("created_at")),
        described_state=_str(value.get("described_state")),
        calculated_state=_str(value.get("calculated_state")),
        incoming_message_id=_int(value.get("incoming_message_id")),
        outgoing_message_id=_int(value.get("outgoing_message_id")),
        comment_id=_int(value.get("comment_id")),
        display_status=_display_status(value.get("display_status")),
    )


# --------------------------------------------------------------------------------------------
# Page + JSON

_SENDING_EVENTS = frozenset({"sent", "followup_sent", "resent", "followup_resent", "send_error"})


def merge_json(thread: Thread, data: RequestJson) -> Thread:
    """Enrich a page's thread with its ``.json``; mutates and returns ``thread``.

    The page stays the source of truth for which messages exist and for the current status
    (its ``request-status-message--`` class is the site's own calculation); the JSON adds the
    site's id, law, tags and the per-message event type and classification.
    """
    warn = thread.warnings.append
    if data.slug != thread.slug:
        warn(f"the JSON is for slug {data.slug!r}, the page for {thread.slug!r}")
    if data.site_request_id is not None:
        if thread.site_request_id not in (None, data.site_request_id):
            warn(
                f"the page links to request id {thread.site_request_id}, the JSON says "
                f"{data.site_request_id}; using the JSON's"
            )
        thread.site_request_id = data.site_request_id
    thread.created_at = data.created_at or thread.created_at
    thread.law_used = data.law_used or thread.law_used
    thread.title = thread.title or data.title
    _merge_authority(thread, data)
    if thread.user is None:
        thread.user = data.user
    if thread.site_status is None:
        thread.site_status = (
            "waiting_classification" if data.awaiting_description else data.described_state
        )
    _merge_events(thread, data.events)
    return thread


def thread_from_json(data: RequestJson, url: str) -> Thread:
    """A thread's outline from its ``.json`` alone: ids, directions, times, the site's states.

    The JSON has no bodies, authors or attachments; this is for a site whose pages cannot be
    read (a saved ``.json``), and a later page fills the rest in.
    """
    site_id = model.site_id_for(url)
    slug = data.slug or request_slug(url)
    thread = Thread(
        id=f"{site_id}/request/{slug}",
        site=Site(site_id, model.base_url_for(url)),
        url=_request_url(url, slug),
        slug=slug,
        title=data.title or slug,
        authority=data.authority,
        user=data.user,
        site_status="waiting_classification" if data.awaiting_description else data.described_state,
        law_used=data.law_used,
        site_request_id=data.site_request_id,
        created_at=data.created_at,
    )
    seen: set[str] = set()
    for event in data.events:
        if event.incoming_message_id is not None and event.event_type == "response":
            local, direction = f"incoming-{event.incoming_message_id}", model.INCOMING
        elif event.outgoing_message_id is not None and event.event_type in _SENDING_EVENTS:
            local, direction = f"outgoing-{event.outgoing_message_id}", model.OUTGOING
        else:
            continue
        if local in seen:
            continue
        seen.add(local)
        thread.messages.append(Message(
            id=f"{site_id}/{local}", direction=direction, sent_at=event.created_at,
            event_type=event.event_type, site_state=event.calculated_state,
            site_display_status=event.display_status,
        ))
    thread.warnings.append("built from the .json alone: no bodies, authors or attachments")
    return thread


def _merge_authority(thread: Thread, data: RequestJson) -> None:
    if data.authority is None:
        return
    if thread.authority is None:
        thread.authority = data.authority
    elif thread.authority.url_name == data.authority.url_name:
        thread.authority.tags = list(data.authority.tags)
    else:
        thread.warnings.append(
            f"the page names authority {thread.authority.url_name!r}, the JSON "
            f"{data.authority.url_name!r}; kept the page's, without tags"
        )


def _merge_events(thread: Thread, events: list[RequestEvent]) -> None:
    """Join events to messages on incoming_message_id / outgoing_message_id."""
    incoming: dict[int, RequestEvent] = {}
    outgoing: dict[int, RequestEvent] = {}
    comments: set[int] = set()
    for event in events:
        if event.incoming_message_id is not None:
            _keep_better(incoming, event.incoming_message_id, event, {"response"})
        if event.outgoing_message_id is not None:
            _keep_better(outgoing, event.outgoing_message_id, event, _SENDING_EVENTS)
        if event.comment_id is not None:
            comments.add(event.comment_id)

    on_page: set[str] = set()
    for message in thread.messages:
        local = _local_id(message.id)
        on_page.add(local)
        number = int(local.rsplit("-", 1)[1])
        table = incoming if message.direction == model.INCOMING else outgoing
        event = table.get(number)
        if event is None:
            thread.warnings.append(f"{local} is on the page but has no event in the JSON")
            continue
        message.event_type = event.event_type
        message.site_state = event.calculated_state
        message.site_display_status = event.display_status

    for prefix, ids in (("incoming", incoming), ("outgoing", outgoing)):
        for number in ids:
            if f"{prefix}-{number}" not in on_page:
                thread.warnings.append(
                    f"the JSON lists {prefix}-{number}, which is not on the page "
                    "(hidden by the site?); not added"
                )
    shown = {_local_id(annotation.id) for annotation in thread.annotations}
    for number in sorted(comments):
        if f"comment-{number}" not in shown:
            thread.warnings.append(
                f"the JSON lists comment-{number}, which is not on the page; not added"
            )


def _keep_better(
    table: dict[int, RequestEvent],
    key: int,
    event: RequestEvent,
    preferred: set[str] | frozenset[str],
) -> None:
    """Keep the first event of a preferred type for a message, else its first event."""
    current = table.get(key)
    if current is None or (
        current.event_type not in preferred and event.event_type in preferred
    ):
        table[key] = event


# --------------------------------------------------------------------------------------------
# Listings: /user/<name>, /body/<name>, /list (25 per page, a[rel=next] to the next page)

_LIST_PATH = re.compile(rf"^{_LOCALE_PREFIX}/list(?:/[^/?#]+)?/?$")


def listing_kind(url: str) -> str | None:
    """``user``, ``body`` or ``search`` for a listing URL, None for anything else."""
    path = urlsplit(url.strip()).path
    if _USER_PATH.match(path):
        return "user"
    if _BODY_PATH.match(path):
        return "body"
    if _LIST_PATH.match(path):
        return "search"
    return None


@dataclass
class Listing:
    """One page of a request listing."""

    request_urls: list[str]
    next_url: str | None
    total: int | None = None  # the number of results the page says there are, when it says


_TOTAL = re.compile(r"\bof\s+(?:about\s+)?([\d,]+)\s+(?:requests|results)", re.IGNORECASE)


def parse_listing(content: bytes | str, url: str) -> Listing:
    """The canonical request URLs listed on one listing page, and the next page's URL.

    A page with neither listing items nor an empty-result notice raises NotARequestPage: an
    unknown layout must not pass for "no requests".
    """
    text = decode_page(content)
    if not text.strip():
        raise NotARequestPage("empty listing page")
    soup = BeautifulSoup(text, "lxml")
    items = soup.select("div.request_listing")
    host = model.site_id_for(url)
    urls: list[str] = []
    for item in items:
        link = item.select_one(".head a[href]") or item.select_one("a[href*='/request/']")
        if link is None:
            continue
        target = urljoin(url, link["href"])
        if model.site_id_for(target) != host:
            continue  # a listing never leads off its own site
        try:
            urls.append(canonical_request_url(target))
        except ValueError:
            continue
    if not items and (_looks_like_json(text) or soup.select_one("#content") is None):
        raise NotARequestPage("not an Alaveteli listing page (no request listings and no page content)")
    next_link = soup.select_one("a[rel~=next][href]")
    next_url = urljoin(url, next_link["href"]) if next_link else None
    total = _TOTAL.search(_squash(soup.get_text(" ")))
    return Listing(list(dict.fromkeys(urls)), next_url, int(total.group(1).replace(",", "")) if total else None)


# --------------------------------------------------------------------------------------------
# Feeds: the documented change-detection API (25 newest events of a body, user or search)


@dataclass
class FeedEvent:
    """One event of a feed. JSON feeds name the request's slug; Atom feeds only its title."""

    event_id: int | None
    event_type: str | None
    created_at: str | None
    request_title: str | None
    request_slug: str | None = None
    calculated_state: str | None = None
    display_status: str | None = None
    incoming_message_id: int | None = None
    outgoing_message_id: int | None = None
    comment_id: int | None = None
    event_url: str | None = None
    authority_url_name: str | None = None
    user_url_name: str | None = None

    @property
    def request_key(self) -> str:
        """The slug when the feed gave it, else the title and requester (Atom)."""
        return self.request_slug or f"{self.request_title}|{self.user_url_name or ''}"


def feed_url(listing_url: str) -> str | None:
    """The JSON feed of a /body/, /user/ or /list?query= page, or None if it has none."""
    parts = urlsplit(listing_url.strip())
    base = model.base_url_for(listing_url)
    for pattern, kind in ((_BODY_PATH, "body"), (_USER_PATH, "user")):
        match = pattern.match(parts.path)
        if match:
            return f"{base}/feed/{kind}/{match.group(1)}.json"
    if _LIST_PATH.match(parts.path):
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair).get("query")
        if query:
            return f"{base}/feed/search/{query}.json"
        return f"{base}/feed/list/recent.json"
    return None


def parse_feed(content: bytes | str, url: str) -> list[FeedEvent]:
    """Events of an Alaveteli feed, JSON (an array of events) or Atom. Newest first, as served."""
    text = decode_page(content).lstrip("\ufeff").strip()
    if not text:
        raise PageError("empty feed")
    if text.startswith("["):
        return _json_feed(text)
    if text.startswith("<?xml") or text.startswith("<feed"):
        return _atom_feed(text)
    if text.startswith("{"):
        raise NotARequestPage("not a feed: a JSON object, not an array of events")
    raise NotARequestPage("not a feed: the site sent HTML (perhaps an error or challenge page)")


def _json_feed(text: str) -> list[FeedEvent]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PageError(f"feed is not valid JSON ({error})") from None
    events = []
    for item in data:
        if not isinstance(item, dict):
            continue
        request = item.get("info_request") if isinstance(item.get("info_request"), dict) else {}
        body = item.get("public_body") if isinstance(item.get("public_body"), dict) else {}
        user = item.get("user") if isinstance(item.get("user"), dict) else {}
        events.append(FeedEvent(
            event_id=_int(item.get("id")),
            event_type=_str(item.get("event_type")),
            created_at=normalise_instant(_str(item.get("created_at"))),
            request_title=_str(request.get("title")),
            request_slug=_str(request.get("url_title")),
            calculated_state=_str(item.get("calculated_state")),
            display_status=_display_status(item.get("display_status")),
            incoming_message_id=_int(item.get("incoming_message_id")),
            outgoing_message_id=_int(item.get("outgoing_message_id")),
            comment_id=_int(item.get("comment_id")),
            authority_url_name=_str(body.get("url_name")),
            user_url_name=_str(user.get("url_name")),
        ))
    return events


_ATOM = "{http://www.w3.org/2005/Atom}"
_EVENT_ID = re.compile(r"InfoRequestEvent/(\d+)")
_ATOM_SENTENCES = (
    (re.compile(r"^\s*(?:Internal review request|Clarification|Follow up) sent", re.I), "followup_sent"),
    (re.compile(r"^\s*Request sent", re.I), "sent"),
    (re.compile(r"^\s*Response by", re.I), "response"),
    (re.compile(r"Annotated by", re.I), "comment"),
)


def _atom_feed(text: str) -> list[FeedEvent]:
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise PageError(f"feed is not valid Atom ({error})") from None
    if root.tag != f"{_ATOM}feed":
        raise NotARequestPage("not an Atom feed")
    events = []
    for entry in root.iter(f"{_ATOM}entry"):
        identifier = entry.findtext(f"{_ATOM}id") or ""
        match = _EVENT_ID.search(identifier)
        link = entry.find(f"{_ATOM}link[@rel='alternate']")
        content = BeautifulSoup(entry.findtext(f"{_ATOM}content") or "", "lxml")
        requester = content.select_one(".requester")
        sentence = _squash(requester.get_text(" ")) if requester else ""
        icon = content.select_one("i[class*=icon_]")
        state = next((c[len("icon_"):] for c in _classes(icon) if c.startswith("icon_")), None) if icon else None
        user_link = requester.select_one("a[href*='/user/']") if requester else None
        body_link = requester.select_one("a[href*='/body/']") if requester else None
        events.append(FeedEvent(
            event_id=int(match.group(1)) if match else None,
            event_type=next((kind for pattern, kind in _ATOM_SENTENCES if pattern.search(sentence)), None),
            created_at=normalise_instant(entry.findtext(f"{_ATOM}published")),
            request_title=_squash(entry.findtext(f"{_ATOM}title") or "") or None,
            calculated_state=state,
            event_url=link.get("href") if link is not None else None,
            authority_url_name=_last_path_part(body_link["href"]) if body_link else None,
            user_url_name=_last_path_part(user_link["href"]) if user_link else None,
        ))
    return events


def _last_path_part(href: str) -> str:
    return unquote(urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1])


def group_by_request(events: list[FeedEvent]) -> dict[str, list[FeedEvent]]:
    """Events keyed by request (slug, or title and requester for Atom), oldest first."""
    grouped: dict[str, list[FeedEvent]] = {}
    for event in sorted(events, key=lambda e: (e.created_at or "", e.event_id or 0)):
        grouped.setdefault(event.request_key, []).append(event)
    return grouped
