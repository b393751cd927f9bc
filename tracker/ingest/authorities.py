"""Public authorities from an Alaveteli site's ``/body/all-authorities.csv`` (the weekly refresh).

The header is ``Internal ID,Name,Short name,URL name,Tags,...`` (older sites start at ``Name``);
tags are space-separated, machine tags ``name:value``. A body tagged with anything Scottish (or
on a site configured as FOISA) gets regime ``foisa``; the others get the site's regime. Tags are
kept as they are, so ``school`` / ``academy_trust`` reach ``tracker.deadlines``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from scrapers.http import FetchError, PoliteClient
from tracker.ingest.follow import ensure_site
from tracker.store import db as database
from tracker.deadlines import DEFAULT_REGIME
from tracker.model import Authority, base_url_for, site_id_for

CSV_PATH = "/body/all-authorities.csv"
REQUIRED_COLUMNS = ("Name", "URL name")


class AuthoritiesCsvError(ValueError):
    """A file that is not an authorities CSV; str() is one line."""


def _text(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _scottish(tags: list[str]) -> bool:
    return any("scotland" in tag.lower() or "scottish" in tag.lower() for tag in tags)


def _column(name: str) -> str:
    """``URL name``, ``url-name`` and ``url_name`` are one column (the raw export and the
    enriched mySociety dataset name them differently)."""
    return " ".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def parse_authorities_csv(content: bytes | str, site_id: str, site_regime: str = DEFAULT_REGIME) -> list[Authority]:
    """The bodies of an all-authorities.csv (or the enriched dataset); rows without a URL name
    are skipped. Tags are space-separated in the export, pipe-separated in the dataset."""
    reader = csv.DictReader(io.StringIO(_text(content), newline=""))
    header = [_column(name) for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if _column(column) not in header]
    if missing:
        raise AuthoritiesCsvError(f"not an Alaveteli authorities CSV (no {', '.join(missing)} column)")
    reader.fieldnames = header
    bodies = []
    for row in reader:
        url_name = (row.get("url name") or "").strip()
        if not url_name:
            continue
        tags = (row.get("tags") or "").replace("|", " ").split()
        regime = "foisa" if site_regime in ("foisa", "eisr") or _scottish(tags) else site_regime
        bodies.append(Authority(
            id=f"{site_id}/body/{url_name}", site_id=site_id, url_name=url_name,
            name=(row.get("name") or url_name).strip(), tags=tags, regime=regime,
        ))
    return bodies


def import_authorities_csv(db: sqlite_utils.Database, content: bytes | str, site_id: str, base_url: str) -> int:
    """Upsert the bodies of an all-authorities.csv into ``authorities``; returns how many."""
    with database.writing(db):
        db["sites"].insert({"id": site_id, "base_url": base_url, "regime": DEFAULT_REGIME}, pk="id", ignore=True)
        site = db["sites"].get(site_id)
        bodies = parse_authorities_csv(content, site_id, (site.get("regime") or DEFAULT_REGIME).lower())
        db["authorities"].upsert_all(
            ({"id": b.id, "site_id": b.site_id, "url_name": b.url_name, "name": b.name,
              "tags": " ".join(b.tags) or None, "regime": b.regime} for b in bodies),
            pk="id",
        )
    return len(bodies)


def import_csv_file(db: sqlite_utils.Database, path: Path, site_url: str) -> tuple[str, int]:
    """Import a local all-authorities.csv as the bodies of the site at ``site_url``.

    Returns the site's id and how many bodies were imported.
    """
    site_id = site_id_for(site_url)
    return site_id, import_authorities_csv(db, path.read_bytes(), site_id, base_url_for(site_url))


@dataclass
class RefreshResult:
    imported: dict[str, int] = field(default_factory=dict)  # site id -> bodies imported
    unchanged: list[str] = field(default_factory=list)  # sites whose CSV had not changed (304)
    errors: list[str] = field(default_factory=list)  # one line each


def refresh(db: sqlite_utils.Database, client: PoliteClient, *, site_url: str | None = None) -> RefreshResult:
    """Fetch and import every followed site's all-authorities.csv (conditional GET, as an API).

    ``site_url``: a site to record first (its bodies come with the others once it is followed).
    """
    if site_url:
        with database.writing(db):
            ensure_site(db, site_url)
    result = RefreshResult()
    sites = list(db.query("select id, base_url from sites where id in (select site_id from follows) order by id"))
    for site in sites:
        url = f"{site['base_url'].rstrip('/')}{CSV_PATH}"
        cached = database.last_good_fetch(db, url)
        try:
            fetched = client.get(url, etag=cached.etag if cached else None,
                                 last_modified=cached.last_modified if cached else None, api=True)
        except FetchError as error:
            database.record_fetch(db, url, status_code=error.status_code, error=error.reason)
            result.errors.append(str(error))
            continue
        if fetched.not_modified:
            database.record_fetch(db, url, status_code=fetched.status_code, etag=cached.etag if cached else None)
            result.unchanged.append(site["id"])
            continue
        fetch_id = database.record_fetch(db, url, status_code=fetched.status_code, content=fetched.content,
                                         etag=fetched.etag, last_modified=fetched.last_modified)
        if fetched.status_code == 204 or not fetched.content:
            database.set_fetch_error(db, fetch_id, "no authorities CSV (the site has not generated one)")
            result.errors.append(f"{url}: no authorities CSV (the site has not generated one)")
            continue
        try:
            result.imported[site["id"]] = import_authorities_csv(db, fetched.content, site["id"], site["base_url"])
        except AuthoritiesCsvError as error:
            database.set_fetch_error(db, fetch_id, str(error))
            result.errors.append(f"{url}: {error}")
    return result
