"""Publishing the database with Datasette: metadata, settings and plugins in one place."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
METADATA = PROJECT_ROOT / "metadata.yml"


def metadata_for(db_path: str) -> dict:
    """metadata.yml with its ``databases: "*"`` section given to the database being served.

    Datasette keys database metadata by name (the file's stem), which metadata.yml cannot know.
    """
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if "*" in databases:
        databases[Path(db_path).stem] = databases.pop("*")
    return metadata


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette over ``db_path`` in the foreground (read-only: no write endpoints)."""
    from datasette.cli import serve as datasette_serve

    args = [db_path, "--host", host, "--port", str(port)]
    with tempfile.TemporaryDirectory(prefix="foi-tracker-") as folder:
        if METADATA.exists():
            metadata = Path(folder) / "metadata.json"
            metadata.write_text(json.dumps(metadata_for(db_path)), encoding="utf-8")
            args += ["--metadata", str(metadata)]
        datasette_serve.main(args=args, prog_name="foi-tracker serve")
