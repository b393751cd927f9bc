"""Peak memory reading huge request pages, each figure from a fresh process.

- a 20 MB page (the default ``[http] max_page_mb``): ``parse_request_page`` alone, and
  ``foi-tracker import`` of it saved to a file (parse, classify, save): target <= 250 MB;
- the same page as one bare ``BeautifulSoup(html, "lxml")`` tree, for reference (what reading
  the page as one tree would cost);
- a 50 MB page: ``foi-tracker import`` refuses it, in one line.

The pages are the demo corpus's longest thread with its messages repeated (new ids, a minute
apart) until the page is that size: real Alaveteli markup, as dense in tags as a real page.

    python -m bench.bench_memory [--json]
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.common import ROOT, peak_rss_mb, show_result
from tracker.model.times import instant

TARGET_MB = 250
PAGE_MB = 20
REFUSED_MB = 50
TODAY = date(2026, 11, 20)
BASE_URL = "http://alaveteli.localhost"


def big_page(megabytes: float) -> tuple[bytes, str]:
    """A request page of about ``megabytes`` MiB (never more), and its URL."""
    from tracker.demo import render
    from tracker.demo.corpus import build_corpus

    thread = max(build_corpus(TODAY), key=lambda t: len(t.messages))
    target = int(megabytes * 1024 * 1024)
    first = instant(thread.messages[0].sent_at)

    def page_of(count: int) -> bytes:
        messages = []
        for n in range(count):
            model = thread.messages[n % len(thread.messages)]
            kind = "incoming" if model.direction == "incoming" else "outgoing"
            site = model.id.rsplit("/", 1)[0]
            messages.append(dataclasses.replace(model, id=f"{site}/{kind}-{100_000 + n}",
                                                sent_at=(first + timedelta(minutes=n)).isoformat()))
        copy = dataclasses.replace(thread, messages=messages, annotations=[])
        return render.render_request_page(copy, BASE_URL, today=TODAY).encode("utf-8")

    count = len(thread.messages)
    page = page_of(count)
    while len(page) < target * 0.98:
        count = max(count + 1, int(count * target / len(page)))
        page = page_of(count)
    while len(page) > target:
        count = int(count * 0.99)
        page = page_of(count)
    return page, f"{BASE_URL}/request/{thread.slug}"


# --- what runs in each fresh process ------------------------------------------------------------


def child(what: str, path: str, url: str) -> dict:
    """One step in this (fresh) process: its peak RSS before and after, and what it said.
    ``make`` writes a page of ``url`` MiB to ``path`` and says its URL (the processes that
    measure never make a page). ``before_mb`` is taken with the code loaded and the page read.
    """
    if what == "make":
        page, page_url = big_page(float(url))
        Path(path).write_bytes(page)
        return {"what": what, "said": page_url}
    from bs4 import BeautifulSoup
    from click.testing import CliRunner

    from scrapers.alaveteli import parse_request_page
    from tracker.cli import cli

    content = Path(path).read_bytes() if what != "import" else b""
    before = peak_rss_mb()
    said = ""
    if what == "parse":
        said = f"{len(parse_request_page(content, url).messages)} messages"
    elif what == "tree":
        said = f"{len(BeautifulSoup(content, 'lxml').find_all(True))} elements"
    elif what == "import":
        with tempfile.TemporaryDirectory() as scratch:
            result = CliRunner().invoke(cli, ["--db", f"{scratch}/bench.db", "import", path])
        said = result.output.strip()
    return {"what": what, "before_mb": round(before, 1), "peak_mb": round(peak_rss_mb(), 1), "said": said}


def in_fresh_process(what: str, path: Path, url: str = "") -> dict:
    code = "import json, sys; from bench.bench_memory import child; print(json.dumps(child(*sys.argv[1:])))"
    out = subprocess.run([sys.executable, "-c", code, what, str(path), url], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure() -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        page_path, huge_path = Path(scratch) / "page.html", Path(scratch) / "huge.html"
        url = in_fresh_process("make", page_path, str(PAGE_MB))["said"]
        in_fresh_process("make", huge_path, str(REFUSED_MB))
        runs = {what: in_fresh_process(what, page_path, url) for what in ("parse", "import", "tree")}
        refused = in_fresh_process("import", huge_path, url)
        sizes = {"page_mb": round(page_path.stat().st_size / 2**20, 2), "huge_mb": round(huge_path.stat().st_size / 2**20, 2)}
    error_lines = [line for line in refused["said"].splitlines() if line.startswith("error:")]
    return {
        **sizes,
        "parse_peak_mb": runs["parse"]["peak_mb"],
        "import_peak_mb": runs["import"]["peak_mb"],
        "one_tree_peak_mb": runs["tree"]["peak_mb"],
        "loaded_mb": runs["parse"]["before_mb"],
        "refused_peak_mb": refused["peak_mb"],
        "refused_line": error_lines[0] if len(error_lines) == 1 else refused["said"],
        "refused_in_one_line": len(error_lines) == 1 and "max_page_mb" in error_lines[0],
        "target_mb": TARGET_MB,
    }


def main() -> int:
    result = measure()
    show_result("bench_memory", result, "memory", sys.argv)
    ok = result["import_peak_mb"] <= TARGET_MB and result["parse_peak_mb"] <= TARGET_MB and result["refused_in_one_line"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
