"""Integrity checks: SPARQL queries in queries/checks/ where every returned row is a failure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .store import QuerySyntaxError, Store


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
    from .catalogue import read_query_text, syntax_error_as_written

    outcomes = []
    for path in check_files(checks_dir):
        text = read_query_text(path)
        try:
            result = store.query(text)
        except QuerySyntaxError as exc:  # named with its file
            raise syntax_error_as_written(path, text, text, exc) from None
        outcomes.append(CheckOutcome(path.stem, path, result.variables, result.rows))
    return outcomes
