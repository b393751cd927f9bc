"""The README stays true: its schema tables and its settings match the code, its commands exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scripts.readme_schema import CONFIG_END, CONFIG_START, END, START, config_toml, schema_markdown
from tracker.cli import cli
from tracker.model.config import Config, Setting, declared

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


def test_configuration_section_is_generated_from_the_declarations():
    block = README[README.index(CONFIG_START) + len(CONFIG_START): README.index(CONFIG_END)].strip()
    assert block == config_toml().strip(), "run: .venv/bin/python scripts/readme_schema.py"


def test_every_setting_is_explained_and_its_readme_line_is_valid():
    settings = [item for item in declared() if isinstance(item, Setting)]
    assert all(item.help for item in settings), [item.key for item in settings if not item.help]
    assert all(item.shown is not None for item in settings), "a setting without a default needs an example"
    shown = tomllib.loads(config_toml().strip().removeprefix("```toml").removesuffix("```"))
    config = Config(raw=shown)  # every example passes its own checks
    for item in settings:
        section = config
        for part in item.section.split("."):
            section = getattr(section, part)
        assert getattr(section, item.name) == item.shown, item.key

