"""The layout holds: no import runs from a lower layer to a higher one.

Layers, bottom to top (a module may import its own package and anything below it):

1. ``tracker.model``: objects, taxonomy, time, configuration
2. ``scrapers``: bytes to objects; never the database or the web
3. ``tracker.reading``, ``tracker.deadlines``: the pure domain (neither imports the other)
4. ``tracker.store``: schema, database, summaries
5. ``tracker.ingest``, ``tracker.bot``: what uses the store (neither imports the other)
6. ``tracker.web``, ``tracker.demo``: publishing and the sample site (neither imports the other)
7. ``tracker.cli``, ``schedules``: the entry points; the CLI may start the scheduler, the
   scheduler only wires jobs and never imports the CLI.

Every import counts, at the top of a module or inside a function. Benchmark, test and script
support (``bench``, ``tests``, ``scripts``) is never imported by the product.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("scrapers", "tracker", "schedules")
SUPPORT = ("bench", "tests", "scripts")

LAYERS: tuple[tuple[str, ...], ...] = (
    ("tracker", "tracker.model"),  # "tracker": the package itself, which must import nothing above
    ("scrapers",),
    ("tracker.reading", "tracker.deadlines"),
    ("tracker.store",),
    ("tracker.ingest", "tracker.bot"),
    ("tracker.web", "tracker.demo"),
    ("tracker.cli", "tracker.__main__", "schedules"),
)
# Imports between two packages of the same layer that are allowed, as (importer, imported).
SAME_LAYER_ALLOWED = frozenset({
    ("tracker.cli", "schedules"),  # `foi-tracker schedule` runs the scheduler
    ("tracker.__main__", "tracker.cli"),  # `python -m tracker` is the CLI
})
# Rules the layout exists for, named so that a change to LAYERS cannot quietly drop one.
FORBIDDEN = (
    ("scrapers", "tracker.store"),
    ("scrapers", "tracker.web"),
    ("tracker.reading", "tracker.store"),
    ("tracker.deadlines", "tracker.store"),
    ("tracker.deadlines", "tracker.web"),
    ("tracker.reading", "tracker.deadlines"),
    ("tracker.deadlines", "tracker.reading"),
    ("tracker.ingest", "tracker.bot"),
    ("tracker.bot", "tracker.ingest"),
    ("tracker.web", "tracker.demo"),
    ("tracker.demo", "tracker.web"),
    ("schedules", "tracker.cli"),
)

LAYER_OF = {unit: number for number, units in enumerate(LAYERS, start=1) for unit in units}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    file: str  # its path from the repository root
    line: int
    target: str  # the imported module, dotted

    def __str__(self) -> str:
        return f"{self.module} ({self.file}:{self.line}) imports {self.target}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, root: Path, tops: tuple[str, ...]) -> list[Import]:
    """Every import in the file (nested ones too) of a module under one of ``tops``."""
    module = module_name(path, root)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from tracker import model` imports the module tracker.model, not just tracker.
            targets = [
                f"{source}.{alias.name}" if is_module(f"{source}.{alias.name}", root) else source
                for alias in node.names
            ]
        else:
            continue
        for target in dict.fromkeys(targets):
            if target.split(".")[0] in tops:
                found.append(Import(module, path.relative_to(root).as_posix(), node.lineno, target))
    return found


def unit_of(name: str) -> str | None:
    """The package of the layer table that ``name`` belongs to (the longest that contains it)."""
    matches = [unit for unit in LAYER_OF if name == unit or name.startswith(unit + ".")]
    return max(matches, key=len) if matches else None


def layer_violation(edge: Import) -> str | None:
    """Why the import breaks the layout, or None."""
    source, target = unit_of(edge.module), unit_of(edge.target)
    if source is None or target is None or source == target:
        return None
    if LAYER_OF[target] > LAYER_OF[source]:
        return f"layer {LAYER_OF[source]} imports layer {LAYER_OF[target]}"
    if LAYER_OF[target] == LAYER_OF[source] and (source, target) not in SAME_LAYER_ALLOWED:
        return f"{source} and {target} share layer {LAYER_OF[source]} and must not import each other"
    return None


def product_files(root: Path = ROOT) -> list[Path]:
    return sorted(path for top in PRODUCT for path in (root / top).rglob("*.py"))


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for path in product_files(root):
        for edge in imports_of(path, root, PRODUCT):
            reason = layer_violation(edge)
            if reason:
                found.append(f"{edge}: {reason}")
    return found


def test_no_import_runs_down_the_layers():
    found = violations()
    assert not found, "imports against the layer order:\n" + "\n".join(found)


def test_every_product_module_has_a_layer():
    unplaced = [module_name(path, ROOT) for path in product_files() if unit_of(module_name(path, ROOT)) is None]
    assert not unplaced, f"add these to LAYERS: {unplaced}"


def test_the_product_does_not_import_test_bench_or_script_support():
    found = [str(edge) for path in product_files() for edge in imports_of(path, ROOT, SUPPORT)]
    assert not found, "the product imports support code:\n" + "\n".join(found)


@pytest.mark.parametrize(("importer", "imported"), FORBIDDEN)
def test_the_layer_table_forbids(importer, imported):
    edge = Import(f"{importer}.x", "x.py", 1, f"{imported}.y")
    assert layer_violation(edge) is not None


def test_the_checker_sees_nested_relative_and_from_imports(tmp_path):
    """A lazy import, a relative import and ``from package import module`` are all caught."""
    files = {
        "tracker/__init__.py": "",
        "tracker/model/__init__.py": "",
        "tracker/store/__init__.py": "",
        "tracker/store/db.py": "",
        "tracker/reading/__init__.py": "",
        "tracker/reading/status.py": "def f():\n    from tracker.store import db\n",
        "tracker/reading/hygiene.py": "from ..store.db import open_db\n",
        "tracker/reading/classify.py": "from tracker import store\n",
        "tracker/reading/extract.py": "from . import status\nfrom tracker import model\n",
        "scrapers/__init__.py": "",
        "schedules/__init__.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = violations(tmp_path)
    assert len(found) == 3, found
    assert found[0].startswith("tracker.reading.classify (tracker/reading/classify.py:1) imports tracker.store")
    assert found[1].startswith("tracker.reading.hygiene (tracker/reading/hygiene.py:1) imports tracker.store.db")
    assert found[2].startswith("tracker.reading.status (tracker/reading/status.py:2) imports tracker.store.db")
    assert all("layer 3 imports layer 4" in line for line in found)
