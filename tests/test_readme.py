"""The README stays true: its schema tables match the code, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from scripts.readme_schema import END, START, schema_markdown
from tracker.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_schema_section_is_generated_from_the_code():
    block = README[README.index(START) + len(START): README.index(END)].strip()
    assert block == schema_markdown().strip(), "run: .venv/bin/python scripts/readme_schema.py"


def test_every_command_the_readme_shows_exists():
    shown = set(re.findall(r"^(?:\.venv/bin/)?foi-tracker(?: --\S+ \S+)* ([a-z]+)", README, re.M))
    assert shown, "the README shows no commands"
    assert shown <= set(cli.commands), shown - set(cli.commands)


def test_quickstart_is_the_two_make_commands():
    quickstart = README[README.index("## Quickstart"): README.index("## ", README.index("## Quickstart") + 3)]
    assert re.findall(r"^make \w+$", quickstart, re.M) == ["make demo", "make test"]
