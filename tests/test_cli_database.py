"""``--db`` before or after the command, and which commands may create a database.

A mistyped ``--db`` must not create an empty database and report that "Nothing is late": the
commands that read or update a database say in one line that it is missing and create nothing;
those that bring data in (``follow``, ``import``, ``authorities import``, ``demo``) create it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.store.db import open_db

EMAIL = Path(__file__).parent / "fixtures" / "email" / "incoming-request-plain.eml"
CSV = ("Internal ID,Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,Created at,"
       "Updated at,Version\n1,North Council,,north,local_council,,,,,2008-01-01 10:00:00 +0000,"
       "2024-01-01 10:00:00 +0000,1\n")


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def existing(tmp_path) -> Path:
    path = tmp_path / "existing.db"
    db = open_db(path)
    db["sites"].insert({"id": "example.org", "base_url": "https://example.org", "regime": "foia"})
    db.close()
    return path


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_is_taken_before_or_after_the_command(existing, where):
    args = ["late", "--today", "2024-02-07", "--json"]
    args = ["--db", str(existing), *args] if where == "before" else [*args, "--db", str(existing)]
    result = invoke(*args, env={"FOI_TRACKER_DB": str(existing.parent / "elsewhere.db")})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["today"] == "2024-02-07"
    assert open_db(existing)["summary_authority_response_times"].exists()  # the check ran on this file
    assert not (existing.parent / "elsewhere.db").exists()


def test_db_after_a_nested_command(tmp_path):
    csv = tmp_path / "all-authorities.csv"
    csv.write_text(CSV, encoding="utf-8")
    db_path = tmp_path / "authorities.db"
    result = invoke("authorities", "import", str(csv), "--site", "https://example.org", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert [row["name"] for row in open_db(db_path).query("select name from authorities")] == ["North Council"]


def test_two_different_db_are_an_error_and_the_same_one_twice_is_not(existing, tmp_path, monkeypatch):
    other = tmp_path / "other.db"
    result = invoke("--db", str(existing), "late", "--db", str(other))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: --db given twice with different files: {existing} and {other}"
    assert not other.exists()
    monkeypatch.chdir(tmp_path)
    same = invoke("--db", "existing.db", "late", "--today", "2024-02-07", "--db", str(existing))
    assert same.exit_code == 0, same.output


@pytest.mark.parametrize("command", [["poll"], ["late"], ["late", "--notify"], ["reparse"], ["serve", "--port", "0"]])
@pytest.mark.parametrize("where", ["before", "after"])
def test_commands_that_need_a_database_create_none(tmp_path, command, where):
    missing = tmp_path / "mistyped.db"
    args = ["--db", str(missing), *command] if where == "before" else [*command, "--db", str(missing)]
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {missing}: no such database (check --db; 'foi-tracker follow' or 'import' creates one)"]
    assert "Nothing is late" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_commands_that_bring_data_in_create_the_database(tmp_path):
    followed = tmp_path / "followed.db"
    assert invoke("follow", "--db", str(followed), "https://www.whatdotheyknow.com/request/x").exit_code == 0
    assert open_db(followed)["follows"].count == 1
    imported = tmp_path / "imported.db"
    assert invoke("import", str(EMAIL), "--db", str(imported)).exit_code == 0
    assert open_db(imported)["messages"].count == 1
    csv = tmp_path / "all-authorities.csv"
    csv.write_text(CSV, encoding="utf-8")
    authorities = tmp_path / "authorities.db"
    assert invoke("--db", str(authorities), "authorities", "import", str(csv), "--site", "https://example.org").exit_code == 0
    assert open_db(authorities)["authorities"].count == 1


def test_demo_creates_its_database(tmp_path):
    path = tmp_path / "demo.db"
    result = invoke("demo", "--no-serve", "--today", "2026-11-20", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert open_db(path)["requests"].count > 0
