"""Rewrite the README's "Database" tables from tracker.store.schema and metadata.yml.

    .venv/bin/python scripts/readme_schema.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.store.schema import PRIVATE_TABLES, TABLES, VIEWS, Table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- schema:start -->", "<!-- schema:end -->"


def schema_markdown() -> str:
    tables = yaml.safe_load((ROOT / "tracker" / "web" / "metadata.yml").read_text())["databases"]["*"]["tables"]
    parts = [_table_markdown(table, tables[table.name]) for table in TABLES]
    parts.append("### Views\n\n| view | what |\n|---|---|\n")
    parts.extend(f"| `{view}` | {tables[view]['description']} |\n" for view in VIEWS)
    parts.append("\n### The private file\n\nThese tables live in a file beside the database (`foi.private.db` beside"
                 " `foi.db`), which `serve` never opens; a connection from `open_db` has it attached as `private`.\n\n")
    parts.extend(_table_markdown(table, tables[table.name], level="####") for table in PRIVATE_TABLES)
    return "".join(parts).rstrip("\n") + "\n"


def _table_markdown(table: Table, documented: dict, level: str = "###") -> str:
    rows = "".join(f"| `{column}` | {documented['columns'][column]} |\n" for column in table.columns)
    return f"{level} `{table.name}`\n\n{documented['description']}\n\n| column | meaning |\n|---|---|\n{rows}\n"


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    block = f"{START}\n{schema_markdown()}{END}"
    text = re.sub(f"{re.escape(START)}.*?{re.escape(END)}", lambda _: block, text, flags=re.S)
    readme.write_text(text)


if __name__ == "__main__":
    main()
