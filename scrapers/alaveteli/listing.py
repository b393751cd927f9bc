"""Read a request listing: ``/user/<name>``, ``/body/<name>``, ``/list`` (25 per page, ``a[rel=next]``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scrapers.alaveteli.errors import NotARequestPage
from scrapers.alaveteli.markup import looks_like_json, squash
from scrapers.alaveteli.urls import canonical_request_url
from scrapers.alaveteli.values import decode_page
from tracker import model


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
    if not items and (looks_like_json(text) or soup.select_one("#content") is None):
        raise NotARequestPage("not an Alaveteli listing page (no request listings and no page content)")
    next_link = soup.select_one("a[rel~=next][href]")
    next_url = urljoin(url, next_link["href"]) if next_link else None
    total = _TOTAL.search(squash(soup.get_text(" ")))
    return Listing(list(dict.fromkeys(urls)), next_url, int(total.group(1).replace(",", "")) if total else None)
