"""The exemptions reference table: FOIA sections, EIR regulations, FOISA sections.

Ids are the normalised citation docs/taxonomy.md fixes: ``FOIA s.40(2)``, ``EIR reg 12(5)(e)``,
``FOISA s.38(1)(b)``. ``exemption_id`` is the one place that spelling is made.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

REGIMES = ("FOIA", "EIR", "FOISA")


def exemption_id(regime: str, provision: str) -> str:
    """``("EIR", "reg.12(5)(e)")`` -> ``"EIR reg 12(5)(e)"``; ``("foia", "s 40(2)")`` -> ``"FOIA s.40(2)"``."""
    regime = regime.upper()
    number = re.sub(r"^(?:s|section|reg|regulation)\.?\s*", "", provision.strip(), flags=re.IGNORECASE)
    number = re.sub(r"\s+", "", number)
    if regime == "EIR":
        return f"EIR reg {number}"
    return f"{regime} s.{number}"


@lru_cache(maxsize=1)
def reference_rows() -> tuple[dict[str, str], ...]:
    """Rows for the ``exemptions`` table, from the bundled exemptions.csv."""
    text = (Path(__file__).parent / "data" / "exemptions.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append({
            "id": exemption_id(row["regime"], row["provision"]),
            "regime": row["regime"],
            "provision": row["provision"],
            "short_name": row["short_name"],
            "kind": row["kind"],
            "notes": row["notes"],
        })
    return tuple(rows)


def known_ids() -> frozenset[str]:
    return frozenset(row["id"] for row in reference_rows())
