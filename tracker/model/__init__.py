"""The bottom layer: the objects passed between scrapers, readers and the store, the
vocabulary (taxonomy), time helpers and the configuration. Imports nothing else of foi-tracker."""

from tracker.model.objects import (
    INCOMING,
    OUTGOING,
    Annotation,
    Attachment,
    Authority,
    Citation,
    Message,
    Site,
    Thread,
    User,
    base_url_for,
    site_id_for,
)
from tracker.model.times import instant, iso

__all__ = [
    "INCOMING",
    "OUTGOING",
    "Annotation",
    "Attachment",
    "Authority",
    "Citation",
    "Message",
    "Site",
    "Thread",
    "User",
    "base_url_for",
    "instant",
    "iso",
    "site_id_for",
]
