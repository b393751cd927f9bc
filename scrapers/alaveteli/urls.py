"""Alaveteli URLs: request slugs, the page and ``.json`` to fetch, listings, feeds and ids."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from tracker import model
from tracker.model import Authority, User

# An optional locale prefix ("/cy", "/en", "/pt_BR") before "/request/<slug>".
_LOCALE_PREFIX = r"(?:/[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?)?"
_REQUEST_PATH = re.compile(rf"^{_LOCALE_PREFIX}/request/([^/?#]+)")
BODY_PATH = re.compile(rf"^{_LOCALE_PREFIX}/body/([^/?#]+)")
USER_PATH = re.compile(rf"^{_LOCALE_PREFIX}/user/([^/?#]+)")
_LIST_PATH = re.compile(rf"^{_LOCALE_PREFIX}/list(?:/[^/?#]+)?/?$")


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
    return request_url(url.strip(), request_slug(url))


def page_url(url: str) -> str:
    """The URL to fetch the request page with every quoted section unfolded."""
    return canonical_request_url(url) + "?unfold=1"


def json_url(url: str) -> str:
    """The URL of the request's ``.json`` (metadata and event timeline)."""
    return canonical_request_url(url) + ".json"


def request_url(any_url: str, slug: str) -> str:
    """The request page of ``slug`` on the site of ``any_url``."""
    return f"{model.base_url_for(any_url)}/request/{quote(slug)}"


def listing_kind(url: str) -> str | None:
    """``user``, ``body`` or ``search`` for a listing URL, None for anything else."""
    path = urlsplit(url.strip()).path
    if USER_PATH.match(path):
        return "user"
    if BODY_PATH.match(path):
        return "body"
    if _LIST_PATH.match(path):
        return "search"
    return None


def feed_url(listing_url: str) -> str | None:
    """The JSON feed of a /body/, /user/ or /list?query= page, or None if it has none."""
    parts = urlsplit(listing_url.strip())
    base = model.base_url_for(listing_url)
    for pattern, kind in ((BODY_PATH, "body"), (USER_PATH, "user")):
        match = pattern.match(parts.path)
        if match:
            return f"{base}/feed/{kind}/{match.group(1)}.json"
    if _LIST_PATH.match(parts.path):
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair).get("query")
        if query:
            return f"{base}/feed/search/{query}.json"
        return f"{base}/feed/list/recent.json"
    return None


def authority_for(site_id: str, url_name: str, name: str, tags: list[str] | None = None) -> Authority:
    """The authority at ``/body/<url_name>`` of a site, its id built on the site's id."""
    return Authority(id=f"{site_id}/body/{url_name}", site_id=site_id, url_name=url_name, name=name, tags=tags or [])


def user_for(site_id: str, url_name: str, name: str) -> User:
    """The requester at ``/user/<url_name>`` of a site, their id built on the site's id."""
    return User(id=f"{site_id}/user/{url_name}", site_id=site_id, url_name=url_name, name=name)


def local_id(global_id: str) -> str:
    """``incoming-12`` from ``host/incoming-12``."""
    return global_id.rsplit("/", 1)[-1]
