"""Integrity checks: SPARQL queries in queries/checks/ where every returned row is a failure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.core.config import Config
from kb.sparql.catalogue import (
    check_query_syntax,
    check_stored_query,
    load_catalogue,
    read_query_text,
    syntax_error_as_written,
)
from kb.store import QuerySyntaxError, Store


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
        text = read_query_text(path)
        try:
            result = store.query(text)
        except QuerySyntaxError as exc:  # named with its file
            raise syntax_error_as_written(path, text, text, exc) from None
        outcomes.append(CheckOutcome(path.stem, path, result.variables, result.rows))
    return outcomes


def check_catalogue(config: Config) -> int:
    """What `kb build` asks of every stored query (check_stored_query) and every integrity
    check (it parses); returns how many were read. The first error is raised."""
    catalogue = load_catalogue(config.queries_dir)
    for query in catalogue.values():
        check_stored_query(query, config.prefixes)
    checks = check_files(config.checks_dir)
    for path in checks:
        check_query_syntax(read_query_text(path), path)
    return len(catalogue) + len(checks)
