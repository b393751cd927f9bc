"""Rewrite the README's "Database" tables from tracker.store.schema and metadata.yml.

    .venv/bin/python scripts/readme_schema.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.store.schema import INTERNAL_TABLES, TABLES, VIEWS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- schema:start -->", "<!-- schema:end -->"


def schema_markdown() -> str:
    tables = yaml.safe_load((ROOT / "tracker" / "web" / "metadata.yml").read_text())["databases"]["*"]["tables"]
    parts = []
    for table in TABLES:
        if table.name in INTERNAL_TABLES:
            continue
        documented = tables[table.name]
        parts.append(f"### `{table.name}`\n\n{documented['description']}\n\n| column | meaning |\n|---|---|\n")
        parts.extend(f"| `{column}` | {documented['columns'][column]} |\n" for column in table.columns)
        parts.append("\n")
    parts.append("### Views\n\n| view | what |\n|---|---|\n")
    parts.extend(f"| `{view}` | {tables[view]['description']} |\n" for view in VIEWS)
    return "".join(parts)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    block = f"{START}\n{schema_markdown()}{END}"
    text = re.sub(f"{re.escape(START)}.*?{re.escape(END)}", lambda _: block, text, flags=re.S)
    readme.write_text(text)


if __name__ == "__main__":
    main()
