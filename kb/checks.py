"""Integrity checks: SPARQL queries in queries/checks/ where every returned row is a failure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .store import Store


@dataclass
class CheckOutcome:
    name: str
    path: Path
    variables: list[str]
    rows: list[tuple]

    @property
    def passed(self) -> bool:
        return not self.rows


def check_files(checks_dir: Path) -> list[Path]:
    return sorted(checks_dir.glob("*.rq")) if checks_dir.is_dir() else []


def run_checks(store: Store, checks_dir: Path) -> list[CheckOutcome]:
    outcomes = []
    for path in check_files(checks_dir):
        result = store.query(path.read_text(encoding="utf-8"))
        outcomes.append(CheckOutcome(path.stem, path, result.variables, result.rows))
    return outcomes
