"""The repository stands alone and its design documents stay true.

- No file cites a document that is not in the repository, or a path on somebody's machine.
- The README's layout and docs/layout.md list the same packages, and every package there is.
- Every link and every ``docs/*.md`` citation points to a file that exists.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# What must never appear in a file of the repository (written so that this file does not match):
# the brief the project started from, the folder it lived in beside the repository, and absolute
# paths of a development machine (a URL's path, "https://host/work/...", is not one).
FORBIDDEN = {
    "the design brief outside the repository": re.compile(rb"DESIGN\.md"),
    "the shared folder beside the repository": re.compile(rb"\.\./shared|\bshared/(?:data|docs|sealed|hooks)/"),
    "an absolute path of a development machine": re.compile(rb"(?<![\w.\-])/(?:work|root|home|Users)/"),
}
# Folders that are never part of the repository, for a copy that is not a git checkout.
UNTRACKED_DIRS = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis", "test-artifacts"}


def repository_files() -> list[Path]:
    """Tracked files, and new ones git does not ignore; every file when this is not a checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = b""
    if listed:
        paths = [ROOT / name for name in listed.decode("utf-8").split("\0") if name]
        return [path for path in paths if path.is_file()]
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in UNTRACKED_DIRS and not d.endswith(".egg-info") and d != "out"]
        files.extend(Path(folder) / name for name in names if not name.endswith((".pyc", ".db", ".db-wal", ".db-shm")))
    return files


FILES = repository_files()


def test_the_repository_is_listed() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in FILES}
    assert {"README.md", "pyproject.toml", "docs/layout.md", "tests/test_docs.py"} <= names


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_no_file_refers_outside_the_repository(what: str) -> None:
    pattern = FORBIDDEN[what]
    found = []
    for path in FILES:
        content = path.read_bytes()
        for match in pattern.finditer(content):
            line = content.count(b"\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group().decode(errors='replace')}")
    assert not found, f"{what}:\n" + "\n".join(found)


@pytest.mark.parametrize("parts", [  # each sample is cut up, so that this file does not match
    ("see DESIGN", ".md, section 3"),
    ("copied from ../sha", "red/data/law/x.csv"),
    ("the table in shared", "/data/real/README.md"),
    ('Path("/wo', 'rk/sha', 'red/data/real")'),
    ("file:///ro", "ot/pages/x.html"),
    ("/ho", "me/someone/foi.db"),
])
def test_the_patterns_catch_what_they_are_for(parts: tuple[str, ...]) -> None:
    sample = "".join(parts).encode()
    assert any(pattern.search(sample) for pattern in FORBIDDEN.values())


@pytest.mark.parametrize("sample", [
    b"https://www.example.org/work/1",
    b"docs/database.md",
    b"tests/fixtures/wdtk_2019/PROVENANCE.md",
    b"the shared vocabulary",
])
def test_the_patterns_leave_the_rest_alone(sample: bytes) -> None:
    assert not any(pattern.search(sample) for pattern in FORBIDDEN.values())


# ------------------------------------------------------------------------------ the layout


def layout_block(text: str) -> list[str]:
    start = text.index("```\ntracker/model/") + 4
    return text[start:text.index("```", start)].splitlines()


def test_readme_and_docs_show_the_same_layout_of_every_package() -> None:
    readme = layout_block((ROOT / "README.md").read_text(encoding="utf-8"))
    docs = layout_block((DOCS / "layout.md").read_text(encoding="utf-8"))
    assert readme == docs
    listed = [line.split()[0] for line in readme]
    assert all(len(line.split()) > 1 for line in readme), "each package needs its line"
    packages = {"scrapers/", "schedules/"} | {
        f"tracker/{path.name}/" for path in (ROOT / "tracker").iterdir() if (path / "__init__.py").is_file()
    }
    assert sorted(listed) == sorted(packages)
    assert listed[0] == "tracker/model/" and listed[-2:] == ["tracker/cli/", "schedules/"]


# ------------------------------------------------------------------------------ links and citations

MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
DOCS_CITATION = re.compile(rb"\bdocs/([\w-]+\.md)\b")


def test_markdown_links_lead_somewhere() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in MARKDOWN_LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (page.parent / target.split("#")[0]).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_every_docs_citation_names_a_document_that_exists() -> None:
    cited = {}
    for path in FILES:
        for name in DOCS_CITATION.findall(path.read_bytes()):
            cited.setdefault(name.decode(), path.relative_to(ROOT).as_posix())
    assert cited, "nothing cites docs/"
    missing = {name: where for name, where in cited.items() if not (DOCS / name).is_file()}
    assert not missing, missing
