"""The W3C SHACL Core test suite on both validators: the compiled one (kb/shacl/compiled.py,
the build's default) and pySHACL (the reference), compared as the suite's harness compares:
the conforms flag and the results as (focus node, path, value, source shape, constraint
component). Every case passes, or is listed in tests/w3c/shacl/known-failures.toml with its
reason (a listed wrong answer must still be wrong, a listed refusal must name its feature).

Both run with the specification's notion of conformance (any result, whatever its severity,
breaks it); `kb build` lets warnings and infos pass (pySHACL's allow_warnings), which only
misc/severity-001 would tell apart."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import pyshacl
import pytest
from shacl_suite import cases, known_failures, literals_as_written, report_outcome

from kb.core.errors import KBError
from kb.shacl.compiled import validate_graph

CASES = cases()
KNOWN = known_failures()
ENGINES = ("compiled", "pyshacl")
DOC = Path(__file__).resolve().parent.parent / "docs" / "conformance.md"


def _run(engine: str, case) -> tuple[bool, object]:
    data, shapes = case.graphs()
    if engine == "pyshacl":
        _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    else:
        report = validate_graph(data, shapes, allow_warnings=False).report_graph
    return report_outcome(report)


@pytest.fixture(autouse=True)
def _quiet_and_literal():
    """rdflib logs every ill-typed literal of the datatype cases; the cases want the terms as
    written (shacl_suite.literals_as_written)."""
    logging.disable(logging.WARNING)
    with warnings.catch_warnings(), literals_as_written():
        warnings.simplefilter("ignore")
        yield
    logging.disable(logging.NOTSET)


def test_the_whole_core_suite_is_here():
    assert len(CASES) == 98
    assert len({c.name for c in CASES}) == 98
    for engine, listed in KNOWN.items():
        assert engine in ENGINES
        assert set(listed) <= {c.name for c in CASES}, "a known failure names no case"
        assert all(entry.get("reason") for entry in listed.values())


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, engine: str) -> None:
    known = KNOWN.get(engine, {}).get(case.name)
    expected = case.expected()
    if known and known["kind"] == "refused":
        with pytest.raises(KBError, match=re.escape(known["feature"])):
            _run(engine, case)
        return
    actual = _run(engine, case)
    if known:  # a known wrong answer: still wrong, or the entry goes
        assert actual != expected, f"{case.name} passes on {engine} now: drop it from the list"
        return
    conforms, results = actual
    assert conforms == expected[0]
    missing, extra = expected[1] - results, results - expected[1]
    assert not missing and not extra, (missing, extra)


def test_the_counts_in_the_docs_are_the_ledger():
    """docs/conformance.md states, per engine, passed / refused / known wrong of the 98."""
    text = DOC.read_text(encoding="utf-8")
    for engine in ENGINES:
        listed = KNOWN.get(engine, {}).values()
        refused = sum(1 for e in listed if e["kind"] == "refused")
        wrong = sum(1 for e in listed if e["kind"] == "wrong")
        passed = len(CASES) - refused - wrong
        line = f"| {engine} | {len(CASES)} | {passed} | {refused} | {wrong} |"
        assert line in text, line
