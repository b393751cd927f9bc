"""Mail stores read as streams, one message at a time; importing them again adds nothing.

The memory figure for a 106 MB mbox is a benchmark (``bench/bench_mbox.py``); these tests check
the behaviour behind it on small files.
"""

from __future__ import annotations

import mailbox
import tracemalloc
from pathlib import Path

from click.testing import CliRunner

import scrapers.mailbox
from scrapers.mailbox import iter_mail
from tracker.cli import cli
from tracker.store.db import open_db

FIXTURES = Path(__file__).parent / "fixtures" / "email"


def fixture_mbox(path: Path, copies: int = 1) -> Path:
    """The 13 real e-mails as an mbox (``mailbox`` quotes their ``From `` lines), ``copies`` times."""
    box = mailbox.mbox(str(path))
    for email in sorted(FIXTURES.glob("*.eml")):
        box.add(email.read_bytes())
    box.close()
    block = path.read_bytes()
    path.write_bytes(block * copies)
    return path


def test_messages_are_read_one_at_a_time_with_the_bytes_mailbox_gives(tmp_path):
    path = fixture_mbox(tmp_path / "big.mbox", copies=40)  # about 3.6 MB
    expected = mailbox.mbox(str(path), create=False)
    tracemalloc.start()
    try:
        items = iter_mail(path)
        for item, key in zip(items, expected.iterkeys(), strict=True):
            assert item.content == expected.get_bytes(key) and not item.cut and item.error is None
            del item  # what the importer holds: one message
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        expected.close()
    assert path.stat().st_size > 3_000_000
    assert peak < 1_000_000, f"{peak:,} bytes held reading a {path.stat().st_size:,}-byte mbox"


def test_an_email_over_the_limit_is_imported_from_its_beginning_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(scrapers.mailbox, "MAX_EMAIL_BYTES", 20_000)
    big = (FIXTURES / "incoming-request-pdf-attachment.eml").read_bytes()  # 40 KB, a PDF after the letter
    assert len(big) > 20_000
    (tmp_path / "big.eml").write_bytes(big)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "big.eml")])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "big.eml: larger than" in notes[0] and "left out or cut short" in notes[0]
    db = open_db(tmp_path / "x.db")
    assert [row["body_text"].strip() for row in db.query("select body_text from messages")] == ["PDF attachment enclosed."]
    assert db.execute("select bytes from fetches").fetchall() == [(20_000,)]


def test_importing_a_mailbox_again_adds_no_fetches(tmp_path):
    path = fixture_mbox(tmp_path / "mail.mbox")
    db_path = tmp_path / "mail.db"
    run = lambda: CliRunner().invoke(cli, ["--db", str(db_path), "import", str(path)])  # noqa: E731
    assert run().exit_code == 0
    db = open_db(db_path)
    counts = (db["fetches"].count, db["fetch_bodies"].count, db["messages"].count)
    assert counts == (13, 13, 13)
    again = run()
    assert again.exit_code == 0 and "13 already imported" in again.stderr
    assert (db["fetches"].count, db["fetch_bodies"].count, db["messages"].count) == counts
