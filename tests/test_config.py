"""The configuration file: every setting checked against its declaration, every bad value one line.

Each bad file is run through the real command line: one line on stderr naming the section and
the key, exit status 2, no traceback, and no database created.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.model.config import Config, ConfigError, Setting, declared, load_config
from tracker.store.db import open_db

SETTINGS = [item for item in declared() if isinstance(item, Setting)]


def run_with(tmp_path: Path, text: str, *args: str):
    config = tmp_path / "foi-tracker.toml"
    config.write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(config), "--db", str(tmp_path / "x.db"), *(args or ["late"])])


def assert_one_line_usage_error(result, tmp_path: Path, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(("text", "message"), [
    ('[htpp]\ntimeout = 5\n', "unknown section(s): [htpp] (valid: [email], [http], [notify], [poll], [schedule])"),
    ('timeout = 5\n', "unknown section(s): [timeout]"),
    ('[notify]\nchanels = ["stdout"]\n', "unknown [notify] setting(s): chanels (valid: channels, email, webhook)"),
    ('[notify.email]\nhots = "smtp.example.org"\n',
     "unknown [notify.email] setting(s): hots (valid: from, host, password_env, port, starttls, timeout, to, username)"),
    ('[notify.webhook]\nurl = "https://example.org/hook"\nsecret = "x"\n', "unknown [notify.webhook] setting(s): secret"),
    ('[http]\nrespect_robots = "no"\n', '[http] respect_robots must be true or false, not "no"'),
    ('[notify.email]\nstarttls = "yes"\n', '[notify.email] starttls must be true or false, not "yes"'),
    ('[poll]\nmax_threads = true\n', "[poll] max_threads must be a whole number, not true"),
    ('[poll]\nmax_threads = 2.5\n', "[poll] max_threads must be a whole number, not 2.5"),
    ('[poll]\nmax_threads = 0\n', "[poll] max_threads must be at least 1, not 0"),
    ('[http]\nrequests_per_second = 5\n', "[http] requests_per_second must be > 0 and at most 1, not 5"),
    ('[http]\nrequests_per_second = 0\n', "[http] requests_per_second must be > 0 and at most 1, not 0"),
    ('[http]\ntimeout = "30"\n', '[http] timeout must be a number, not "30"'),
    ('[http]\nmax_retries = -1\n', "[http] max_retries must be at least 0, not -1"),
    ('[http]\ncontact = 5\n', "[http] contact must be text, not 5"),
    ('[http]\nconnect_to = "127.0.0.1:8080"\n', '[http] connect_to must be a table of text values'),
    ('[http]\nconnect_to = { "a.localhost" = 8080 }\n', '[http] connect_to must be a table of text values'),
    ('[email]\nme = 5\n', "[email] me must be a list of text"),
    ('[email]\nme = ["me@example.org", 5]\n', "[email] me must be a list of text"),
    ('[notify]\nchannels = ["pigeon"]\n', "[notify] channels: unknown pigeon (use stdout, email, webhook)"),
    ('[notify]\nchannels = "fax"\n', "[notify] channels: unknown fax"),
    ('[notify.email]\nport = "587"\n', '[notify.email] port must be a whole number, not "587"'),
    ('[notify.email]\nport = 70000\n', "[notify.email] port must be at least 1 and at most 65535, not 70000"),
    ('[notify.email]\nto = { a = "b" }\n', "[notify.email] to must be a list of text"),
    ('[notify.webhook]\ntimeout = "ten"\n', '[notify.webhook] timeout must be a number, not "ten"'),
    ('[schedule]\nlate_check_at = 600\n', '[schedule] late_check_at must be a time like "06:00", not 600'),
    ('[schedule]\nlate_check_at = "25:00"\n', '[schedule] late_check_at must be a time like "06:00"'),
    ('[schedule]\nrefresh_authorities_on = "someday"\n', "[schedule] refresh_authorities_on: unknown someday"),
    ('[schedule]\npoll_every_minutes = "often"\n', "[schedule] poll_every_minutes must be a whole number"),
    ('http = 5\n', "[http] must be a table of settings, not 5"),
    ('[notify]\nemail = "me@example.org"\n', '[notify.email] must be a table of settings, not "me@example.org"'),
    ('[http\n', "not valid TOML"),
])
def test_each_bad_file_is_one_line(tmp_path, text, message):
    assert_one_line_usage_error(run_with(tmp_path, text), tmp_path, "foi-tracker.toml: ", message)


def _wrong_value(setting: Setting) -> str:
    """A TOML value of the wrong type for ``setting``."""
    shown = setting.shown
    if isinstance(shown, bool):
        return '"no"'
    if isinstance(shown, (int, float)):
        return "true"
    if isinstance(shown, (list, dict)):
        return "5"
    if isinstance(shown, time):
        return "6"
    return "[1, 2]"


@pytest.mark.parametrize("setting", SETTINGS, ids=[f"{s.section}.{s.key}" for s in SETTINGS])
def test_every_setting_refuses_a_wrong_type_in_one_line(tmp_path, setting):
    result = run_with(tmp_path, f"[{setting.section}]\n{setting.key} = {_wrong_value(setting)}\n")
    assert_one_line_usage_error(result, tmp_path, f"[{setting.section}] {setting.key}")


def test_a_missing_configuration_file_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.toml"), "--db", str(tmp_path / "x.db"), "late"])
    assert_one_line_usage_error(result, tmp_path, "nope.toml: configuration file not found")


def test_values_are_read_as_their_declared_types(tmp_path):
    path = tmp_path / "foi-tracker.toml"
    path.write_text(
        '[http]\ntimeout = 5\nrespect_robots = false\n[poll]\nmax_threads = 40\n[email]\nme = "Me@Example.org"\n'
        '[notify]\nchannels = "email"\n[notify.email]\nhost = "smtp.example.org"\nfrom = "bot@example.org"\n'
        'to = "me@example.org"\n[schedule]\nlate_check_at = 07:15:00\nrefresh_authorities_on = "Sunday"\n',
        encoding="utf-8")
    config = load_config(path)
    assert config.http.timeout == 5.0 and isinstance(config.http.timeout, float)
    assert config.http.respect_robots is False and config.poll.max_threads == 40
    assert config.email.me == ["Me@Example.org"]  # one address, not one character at a time
    assert config.notify.channels == ["email"] and config.notify.email.to == ["me@example.org"]
    assert config.notify.email.sender == "bot@example.org" and config.notify.email.port == 25
    assert config.schedule.late_check_at == time(7, 15) and config.schedule.refresh_authorities_on == "sun"
    assert config.http.requests_per_second == 1.0  # not in the file: the declared default


def test_typed_sections_follow_raw_and_keep_defaults_without_it():
    assert Config().notify.channels == ["stdout"] and Config().email.me == []
    Config().email.me.append("x")
    assert Config().email.me == [], "a list default is not shared between configurations"
    with pytest.raises(ConfigError, match=r"^\[http\] timeout must be a number"):
        Config(raw={"http": {"timeout": "slow"}})


def test_a_string_me_tells_the_requesters_mail_from_the_authoritys(tmp_path):
    def mail(sender: str, to: str, subject: str, day: int) -> bytes:
        return (f"From: {sender}\nTo: {to}\nSubject: {subject}\nDate: Mon, {day} Feb 2024 10:00:00 +0000\n"
                f"Message-ID: <{day}@example.org>\n\nBody {day}.\n").encode()
    subject = "Freedom of Information request - Gritting routes"
    (tmp_path / "asked.eml").write_bytes(mail("Ann <me@example.org>", "foi@council.example.org", subject, 5))
    (tmp_path / "answer.eml").write_bytes(mail("foi@council.example.org", "me@example.org", "Re: " + subject, 12))
    config = tmp_path / "foi-tracker.toml"
    config.write_text('[email]\nme = "me@example.org"\n', encoding="utf-8")
    db_path = tmp_path / "mail.db"
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db_path), "import",
                                      str(tmp_path / "asked.eml"), str(tmp_path / "answer.eml")])
    assert result.exit_code == 0, result.output
    directions = open_db(db_path).execute("select direction from messages order by sent_at").fetchall()
    assert directions == [("outgoing",), ("incoming",)]
