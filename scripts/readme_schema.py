"""Rewrite the README's generated sections: the "Database" tables from tracker.store.schema and
metadata.yml, and the configuration reference from the settings declared in tracker.model.config.

    .venv/bin/python scripts/readme_schema.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.model.config import declared, toml_value  # noqa: E402
from tracker.store.schema import PRIVATE_TABLES, TABLES, VIEWS, Table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- schema:start -->", "<!-- schema:end -->"
CONFIG_START, CONFIG_END = "<!-- config:start -->", "<!-- config:end -->"
COMMENT_COLUMN = 37


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


def config_toml() -> str:
    """Every declared setting as a line of TOML: its example (else its default) and its help."""
    lines = ["```toml"]
    for item in declared():
        if isinstance(item, str):
            lines += ["", f"[{item}]"] if len(lines) > 1 else [f"[{item}]"]
            continue
        note = item.help
        if item.allowed:
            note += f" ({' | '.join(item.allowed)})"
        if item.shown != item.default:
            note += f" (default: {'none' if item.default is None else toml_value(item.default)})"
        line = f"{item.key} = {toml_value(item.shown)}"
        lines.append(f"{line:<{COMMENT_COLUMN - 1}} # {note.strip()}" if note.strip() else line)
    return "\n".join([*lines, "```", ""])


def _replace(text: str, start: str, end: str, content: str) -> str:
    block = f"{start}\n{content}{end}"
    return re.sub(f"{re.escape(start)}.*?{re.escape(end)}", lambda _: block, text, flags=re.S)


def main() -> None:
    readme = ROOT / "README.md"
    text = _replace(readme.read_text(), START, END, schema_markdown())
    readme.write_text(_replace(text, CONFIG_START, CONFIG_END, config_toml()))


if __name__ == "__main__":
    main()
