"""Benchmark: peak memory of importing a large mbox, in a fresh process.

    .venv/bin/python -m bench.bench_mbox [--mb 106]

Two mboxes of ``--mb`` megabytes are built once under ``bench/out/`` from the real e-mails in
``tests/fixtures/email``:

- ``repeated``: every fixture, repeated. Copies keep their Message-ID, so the first copy of
  each is imported and every later one is recognised as already stored (the reader and the
  import loop are measured, not thousands of identical threads);
- ``one message``: a single e-mail, the fixture with a PDF attached, its attachment repeated
  to fill the file (a scanned response of that size); it is read up to
  ``scrapers.mailbox.MAX_EMAIL_BYTES``.

Each import is ``foi-tracker import`` itself, run as a child process on a new database; its
peak resident memory is read from ``wait4``. Target: at most 200 MB for 106 MB.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import mailbox
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from bench.common import OUT, ROOT, write_result

FIXTURES = ROOT / "tests" / "fixtures" / "email"
PDF_FIXTURE = "incoming-request-pdf-attachment.eml"
TARGET_MB = 200.0


def build_repeated(path: Path, megabytes: float) -> int:
    """Write the fixtures as one mbox block (``mailbox`` quotes their ``From `` lines), then
    repeat the block up to ``megabytes``; returns the number of messages."""
    emails = sorted(FIXTURES.glob("*.eml"))
    block = _as_mbox([email.read_bytes() for email in emails])
    copies = max(1, round(megabytes * 1024 * 1024 / len(block)))
    with _replacing(path) as handle:
        for _ in range(copies):
            handle.write(block)
    return copies * len(emails)


def build_one_message(path: Path, megabytes: float) -> int:
    """One real e-mail whose PDF attachment is repeated until the mbox is ``megabytes``."""
    message = email.message_from_bytes((FIXTURES / PDF_FIXTURE).read_bytes(), policy=email.policy.default)
    attachment = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    pdf = attachment.get_payload(decode=True)
    repeats = max(1, round(megabytes * 1024 * 1024 * 3 / 4 / len(pdf)))
    attachment.set_content(pdf * repeats, maintype="application", subtype="pdf",
                           filename=attachment.get_filename(), disposition="attachment")
    with _replacing(path) as handle:
        handle.write(_as_mbox([bytes(message)]))
    return 1


def _as_mbox(messages: list[bytes]) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        box = mailbox.mbox(str(Path(scratch) / "block.mbox"))
        for content in messages:
            box.add(content)
        box.close()
        return (Path(scratch) / "block.mbox").read_bytes()


@contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A file written beside ``path`` and moved onto it once complete."""
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        yield handle
    partial.replace(path)


def import_in_child(mbox: Path) -> dict:
    """``foi-tracker import`` on a new database in a fresh process: seconds, peak MB, summary."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(Path(scratch) / "mail.db"),
                                  "import", str(mbox)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        stderr = child.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"foi-tracker import exited {child.returncode}:\n{stderr}")
    summary = next((line for line in stderr.splitlines() if line.startswith("e-mail:")), "")
    return {"seconds": round(seconds, 1), "peak_mb": round(usage.ru_maxrss / 1024, 1), "summary": summary}


SHAPES = {"repeated": build_repeated, "one message": build_one_message}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=106.0, help="size of each mbox to import (default 106)")
    parser.add_argument("--build", nargs=2, metavar=("SHAPE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:  # in a process of its own: the measuring one stays small (a fork counts its memory)
        shape, path = args.build
        messages = SHAPES[shape](Path(path), args.mb)
        print(f"built {Path(path).name} ({Path(path).stat().st_size / 1024 / 1024:.0f} MB, {messages:,} messages)")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    for shape in SHAPES:
        mbox = OUT / f"mailbox_{shape.replace(' ', '_')}_{args.mb:g}mb.mbox"
        if not mbox.exists():
            subprocess.run([sys.executable, "-m", "bench.bench_mbox", "--mb", str(args.mb), "--build", shape, str(mbox)],
                           cwd=ROOT, check=True)
        result = import_in_child(mbox)
        result.update(mbox_mb=round(mbox.stat().st_size / 1024 / 1024, 1), ok=result["peak_mb"] <= TARGET_MB)
        results[shape] = result
        print(f"{shape}: import of a {result['mbox_mb']:.0f} MB mbox, {result['peak_mb']:.0f} MB peak, "
              f"{result['seconds']:.0f} s ({result['summary']}); target <= {TARGET_MB:.0f} MB: "
              f"{'ok' if result['ok'] else 'OUTSIDE'}", flush=True)
    write_result("bench_mbox", {"target_mb": TARGET_MB, "shapes": results})


if __name__ == "__main__":
    main()
