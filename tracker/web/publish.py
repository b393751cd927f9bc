"""Publishing the database with Datasette: metadata, settings, templates and plugins in one place.

``make_datasette`` builds the instance that ``serve`` runs and that the tests drive in-process,
so both see the same site. Datasette stays read-only: no write plugins, no writable canned
queries, and the database file cannot be downloaded.

Datasette is only ever given the public file: the private one beside it (raw bodies, e-mail
headers, the fetch log) is never opened. Bound to loopback, ``serve`` shows the database as it
is, the requester browsing their own mail; listening on another address or with ``--public``, it
publishes a copy without the threads known only from the requester's own e-mail
(``tracker.store.published``), unless ``include_private``. The copy is made when ``serve``
starts: a snapshot, whatever is imported afterwards (e-mail included) stays out of it until
``serve`` is started again.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import signal
import sqlite3
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import yaml

from tracker.store.schema import PRIVATE_TABLES
from tracker.web import plugin as datasette_plugin

METADATA = Path(__file__).resolve().parent / "metadata.yml"
TEMPLATES = Path(__file__).resolve().parent / "templates"

SETTINGS: dict[str, Any] = {
    "default_page_size": 50,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 300,
    "suggest_facets": False,  # a suggestion query per column is too costly on a large database
    "truncate_cells_html": 400,
    "allow_download": False,
}

# robots.txt with --public: pages may be indexed, query and export URLs may not.
PUBLIC_ROBOTS = "\n".join([
    "User-agent: *",
    "Disallow: /*.json",
    "Disallow: /*.csv",
    "Disallow: /*sql=",
    "Disallow: /*_search=",
    "Disallow: /*_facet",
])


def metadata_for(db_path: str | Path, *, public: bool = False) -> dict:
    """metadata.yml given to the database being served, with the plugin configuration.

    Datasette keys database metadata by name (the file's stem), which metadata.yml cannot know:
    its ``databases: "*"`` section and every dashboard chart's ``db: "*"`` are renamed.
    """
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    name = Path(db_path).stem
    databases = metadata.get("databases", {})
    if "*" in databases:
        databases[name] = databases.pop("*")
        for table in PRIVATE_TABLES:  # documented with the rest, never served
            databases[name].get("tables", {}).pop(table.name, None)
    plugins = metadata.setdefault("plugins", {})
    _name_databases(plugins.get("datasette-dashboards", {}), name)
    plugins[datasette_plugin.PLUGIN_NAME] = {**plugins.get(datasette_plugin.PLUGIN_NAME, {}), "public": public}
    if public:
        plugins["datasette-block-robots"] = {"literal": PUBLIC_ROBOTS}
    return metadata


def _name_databases(config: Any, name: str) -> None:
    """Replace ``db: "*"`` by the database's name, anywhere in the dashboards configuration."""
    if isinstance(config, dict):
        if config.get("db") == "*":
            config["db"] = name
        for value in config.values():
            _name_databases(value, name)
    elif isinstance(config, list):
        for value in config:
            _name_databases(value, name)


def register_plugin() -> None:
    """Register tracker.web.plugin with Datasette's plugin manager (once)."""
    from datasette.plugins import pm

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name=datasette_plugin.PLUGIN_NAME)


def make_datasette(db_path: str | Path, *, public: bool = False, metadata: dict | None = None):
    """The Datasette instance for ``db_path``: metadata, settings, templates, plugins."""
    from datasette.app import Datasette

    register_plugin()
    return Datasette(
        [str(db_path)],
        metadata=copy.deepcopy(metadata) if metadata is not None else metadata_for(db_path, public=public),
        template_dir=str(TEMPLATES),
        settings=SETTINGS,
    )


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` listens on this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def shows_private(host: str, *, public: bool = False, include_private: bool = False) -> bool:
    """Whether ``serve`` shows the threads known only from the requester's own e-mail."""
    return include_private or (is_loopback(host) and not public)


@contextmanager
def published(db_path: str | Path, *, private: bool) -> Iterator[tuple[Path, dict[str, int]]]:
    """The file to give Datasette, and what was left out of it by table: the database itself
    when ``private`` is shown, else a copy without the private rows, in a temporary folder
    removed afterwards (it costs the public file's size on disk and one pass over it)."""
    if private:
        yield Path(db_path), {}
        return
    from tracker.store.published import publish_copy

    with tempfile.TemporaryDirectory(prefix="foi-tracker-published-") as folder:
        target = Path(folder) / Path(db_path).name  # the same name: Datasette names the database by it
        yield target, publish_copy(db_path, target)


def refresh_summaries(db_path: str | Path) -> bool:
    """Bring the summary tables up to date before serving (when stale); return whether it did."""
    from tracker.store import summaries
    from tracker.store.db import DatabaseBusy, open_db

    try:
        db = open_db(db_path)
        try:
            return summaries.refresh_if_stale(db)
        finally:
            db.close()
    except (sqlite3.Error, DatabaseBusy) as error:  # e.g. a read-only copy, or kept busy: serve what is there
        print(f"warning: summary tables not refreshed: {error}", file=sys.stderr)
        return False


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8001, *, public: bool = False,
          include_private: bool = False) -> None:
    """Run Datasette over ``db_path`` in the foreground (read-only: no write endpoints).

    Binds ``host`` (127.0.0.1 unless the caller was told otherwise); robots are turned away
    (robots.txt and ``X-Robots-Tag``) unless ``public``. The threads known only from the
    requester's own e-mail are shown on loopback only, unless ``include_private``.
    """
    import uvicorn

    refresh_summaries(db_path)
    with published(db_path, private=shows_private(host, public=public, include_private=include_private)) as (path, removed):
        if path != Path(db_path):
            left_out = ", ".join(f"{count} {table}" for table, count in removed.items()) or "nothing to leave out"
            print(f"publishing a copy made now, without what only your own e-mail told ({left_out}); "
                  "restart serve to publish later changes", file=sys.stderr)
        datasette = make_datasette(path, public=public)
        asyncio.run(datasette.invoke_startup())
        # uvicorn stops gracefully on SIGTERM, then raises it again: unwind instead of dying there,
        # so that the published copy is removed.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
