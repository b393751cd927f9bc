"""Turn Alaveteli request pages (WhatDoTheyKnow and other sites) and their ``.json`` into objects.

Scrapers never touch a database: they take bytes and return :mod:`tracker.model` objects.

One module a job; this package re-exports their public names, so ``from scrapers.alaveteli
import parse_request_page`` is the way to use them:

- ``errors``: :class:`PageError` and its kinds, raised by every reader;
- ``values``: bytes to text, sizes and instants as the site prints them, JSON scalars;
- ``markup``: small HTML helpers the readers share;
- ``urls``: request slugs, the page and ``.json`` URLs to fetch, listing kinds, feed URLs, ids;
- ``page``: a request page to a :class:`tracker.model.Thread`;
- ``request_json``: a request's ``.json`` to a :class:`RequestJson`;
- ``merge``: the ``.json`` joined to the page's thread, or a thread from the ``.json`` alone;
- ``listing``: a user, body or search listing page to request URLs and the next page;
- ``feed``: JSON and Atom feeds to :class:`FeedEvent` lists.
"""

from scrapers.alaveteli.errors import InvalidEncoding, NotARequestPage, PageError, TruncatedPage
from scrapers.alaveteli.feed import FeedEvent, group_by_request, parse_feed
from scrapers.alaveteli.listing import Listing, parse_listing
from scrapers.alaveteli.merge import merge_json, thread_from_json
from scrapers.alaveteli.page import parse_request_page
from scrapers.alaveteli.request_json import RequestEvent, RequestJson, parse_request_json
from scrapers.alaveteli.urls import (
    canonical_request_url,
    feed_url,
    json_url,
    listing_kind,
    page_url,
    request_slug,
)
from scrapers.alaveteli.values import decode_page, normalise_instant, parse_size

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
