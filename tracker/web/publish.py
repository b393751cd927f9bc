"""Publishing the database with Datasette: metadata, settings, templates and plugins in one place.

``make_datasette`` builds the instance that ``serve`` runs and that the tests drive in-process,
so both see the same site. Datasette stays read-only: no write plugins, no writable canned
queries, and the database file cannot be downloaded (it holds the raw pages).
"""

from __future__ import annotations

import asyncio
import copy
import sqlite3
import sys
from pathlib import Path
from typing import Any

import yaml

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


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8001, *, public: bool = False) -> None:
    """Run Datasette over ``db_path`` in the foreground (read-only: no write endpoints).

    Binds ``host`` (127.0.0.1 unless the caller was told otherwise); robots are turned away
    (robots.txt and ``X-Robots-Tag``) unless ``public``.
    """
    import uvicorn

    refresh_summaries(db_path)
    datasette = make_datasette(db_path, public=public)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
