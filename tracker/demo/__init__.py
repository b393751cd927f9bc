"""A bundled sample Alaveteli-like site, served on loopback, for ``foi-tracker demo`` and the tests.

``build_corpus(today)`` gives the sample threads (with their true message labels),
``render`` turns them into Alaveteli pages, .json, listings and CSV, and ``demo_site()`` serves
them over HTTP on 127.0.0.1.
"""

from tracker.demo.corpus import (
    BODIES,
    PEOPLE,
    PLACEHOLDER_HOST,
    SITE_STATUSES,
    authorities,
    build_corpus,
)
from tracker.demo.render import (
    AUTHORITIES_CSV_HEADER,
    ROBOTS_TXT,
    render_authorities_csv,
    render_listing,
    render_request_json,
    render_request_page,
)
from tracker.demo.server import DEMO_SITE_NAME, DemoSite, LoggedRequest, Route, SampleSite, demo_site

__all__ = [
    "AUTHORITIES_CSV_HEADER",
    "BODIES",
    "DEMO_SITE_NAME",
    "DemoSite",
    "LoggedRequest",
    "PEOPLE",
    "PLACEHOLDER_HOST",
    "ROBOTS_TXT",
    "Route",
    "SITE_STATUSES",
    "SampleSite",
    "authorities",
    "build_corpus",
    "demo_site",
    "render_authorities_csv",
    "render_listing",
    "render_request_json",
    "render_request_page",
]
