"""Read one request page (``/request/<slug>``) into a :class:`tracker.model.Thread`.

The parser works on the 2019 markup (``js-collapsable``, ``<li class="attachment">`` without ids)
and on the current 2025+ markup alike, because it keys only on the classes and ids that have
stayed stable: ``.correspondence`` with ``.incoming`` / ``.outgoing`` and ``id="incoming-N"``,
``correspondence__header__author``, ``time[datetime]``, ``correspondence_text``,
``request-status-message--STATE`` and ``comment_in_request``.

The document is read once, as a stream (lxml); each correspondence item, as soon as it is
read, is cut out of the document and kept as HTML. The rest of the page (its header, status,
metadata: small) is then walked once as one BeautifulSoup tree, and each item read from a tree
of its own, walking only its own subtree. A tree of a whole page would cost some twenty times
the page's size in memory (half a gigabyte for a 20 MB page); this way a page costs about three
times its size, whatever the size.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from lxml import etree

from scrapers.alaveteli.errors import NotARequestPage, TruncatedPage
from scrapers.alaveteli.markup import class_names, looks_like_json, squash
from scrapers.alaveteli.urls import (
    BODY_PATH,
    USER_PATH,
    authority_for,
    local_id,
    request_slug,
    request_url,
    user_for,
)
from scrapers.alaveteli.values import decode_page, normalise_instant, parse_size
from tracker import model
from tracker.model import Annotation, Attachment, Message, Site, Thread


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
_UTF8_BOM = b"\xef\xbb\xbf"
# How much item HTML is made a tree at once: a tree costs some twenty times its HTML.
_ITEM_CHUNK = 64 * 1024

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
    items: list[bytes] = field(default_factory=list)  # the HTML of each correspondence item


def _is_item(classes: list[str]) -> bool:
    return "correspondence" in classes or "comment_in_request" in classes


def _split_page(data: bytes) -> tuple[BeautifulSoup, list[bytes]]:
    """The page without its correspondence items, as a tree, and the HTML of each item.

    An item is an element of class ``correspondence`` or ``comment_in_request`` that is not
    inside another item or an ``<h1>`` (the walk in ``_index_page`` enters neither). Each is
    serialised and emptied as soon as lxml has read it, so the whole page is never a tree.
    """
    items: list[bytes] = []
    events = etree.iterparse(io.BytesIO(data), events=("end",), html=True, encoding="utf-8", huge_tree=True)
    for _, element in events:
        if _is_item((element.get("class") or "").split()) and not any(
            ancestor.tag == "h1" or _is_item((ancestor.get("class") or "").split()) for ancestor in element.iterancestors()
        ):
            items.append(etree.tostring(element, method="html", encoding="utf-8", with_tail=False))
            element.clear(keep_tail=True)
    rest = etree.tostring(events.root, method="html", encoding="unicode") if events.root is not None else ""
    return BeautifulSoup(rest, "lxml"), items


def _item_tags(items: list[bytes]) -> Iterator[Tag | None]:
    """Each item back as a tree (None if it does not read as an item again), several to a
    BeautifulSoup while their HTML stays under ``_ITEM_CHUNK`` bytes."""
    chunk: list[bytes] = []
    for html in items:
        if chunk and sum(map(len, chunk)) + len(html) > _ITEM_CHUNK:
            yield from _reparse(chunk)
            chunk = []
        chunk.append(html)
    if chunk:
        yield from _reparse(chunk)


def _reparse(chunk: list[bytes]) -> list[Tag | None]:
    soup = BeautifulSoup(b"".join(chunk).decode("utf-8"), "lxml")
    tags = [child for child in (soup.body or soup).children if isinstance(child, Tag)]
    if len(tags) == len(chunk) and all(_is_item(class_names(tag)) for tag in tags):
        return tags
    if len(chunk) == 1:
        return [soup.find(lambda tag: _is_item(class_names(tag)))]
    return [tag for html in chunk for tag in _reparse([html])]


def _index_page(soup: BeautifulSoup) -> _PageIndex:
    """Walk the tree of the page (without its items) once, in document order, noting the parts
    the parser needs."""
    index = _PageIndex()
    stack: list[tuple[Tag, int]] = [
        (child, 0) for child in reversed(soup.contents) if isinstance(child, Tag)
    ]
    while stack:
        tag, flags = stack.pop()
        name = tag.name
        attrs = tag.attrs
        classes = class_names(tag)
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
    if looks_like_json(text):
        raise NotARequestPage("not an HTML page: the content is JSON (use parse_request_json)")
    site_id = model.site_id_for(url)
    if not site_id:
        raise ValueError(f"the page URL must be absolute: {url!r}")
    ends_the_page = bool(_END_OF_HTML.search(text, max(0, len(text) - 65536)))
    data = content if isinstance(content, bytes) and not content.startswith(_UTF8_BOM) else text.encode("utf-8")
    del text  # the page is not kept twice while it is read

    rest, items = _split_page(data)
    index = _index_page(rest)
    index.items = items
    page_slug = _page_slug(index)
    found_request = index.title_h1 is not None or index.status_div is not None or index.items
    if not ends_the_page and (found_request or page_slug):
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
            name=squash(index.metas.get("og:site_name", "")) or None,
        ),
        url=request_url(url, slug),
        slug=slug,
        title=squash(index.title_h1.get_text()) if index.title_h1 is not None else "",
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
        for cls in class_names(index.status_div):
            if cls.startswith(_STATUS_CLASS) and len(cls) > len(_STATUS_CLASS):
                return cls[len(_STATUS_CLASS) :]
    return index.status_icon or None


def _read_subtitle(subtitle: Tag, thread: Thread) -> None:
    """Authority, requester and law from ``p.request-header__subtitle``."""
    site_id = thread.site.id
    for link in subtitle.find_all("a", href=True):
        path = urlsplit(link["href"]).path
        body = BODY_PATH.match(path)
        if body and thread.authority is None:
            thread.authority = authority_for(site_id, unquote(body.group(1)), squash(link.get_text()))
            continue
        user = USER_PATH.match(path)
        if user and thread.user is None:
            thread.user = user_for(site_id, unquote(user.group(1)), squash(link.get_text()))
    words = squash(subtitle.get_text())
    thread.law_used = "eir" if "Environmental Information Regulations" in words else "foi"


def _read_items(items: list[bytes], thread: Thread) -> None:
    """Messages and annotations in page order; resent notices and repeated ids are skipped."""
    seen: set[str] = set()
    for item in _item_tags(items):
        if item is None:
            thread.warnings.append("a correspondence item that could not be read again was skipped")
            continue
        if "comment_in_request" in class_names(item):
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
                f"{local_id(message.id)} appears twice on the page; kept the first"
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
        classes = class_names(tag)
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
        thread.warnings.append(f"{local_id(message_id)} has no parsable date; sent_at left empty")
    classes = class_names(item)
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
    text = squash(text).rstrip(",").rstrip()
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
    text = squash("".join(pieces))
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
        classes = class_names(node)
        if "attachments" in classes:
            attachment_items.extend(
                li for li in node.find_all("li") if "attachment" in class_names(li)
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
            classes = class_names(tag)
            if "attachment__name" in classes:
                filename = squash(tag.get_text())
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
    text = squash("".join(leading))
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
        link = heading.find("a", href=lambda h: bool(h) and USER_PATH.match(urlsplit(h).path))
        author = squash(link.get_text()) if link is not None else None
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
