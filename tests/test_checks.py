"""The integrity checks in queries/checks/: silent on clean data, each one fires on its fault."""

from __future__ import annotations

from pathlib import Path

from kb.build.pipeline import build
from kb.core.config import load_config

REPO = Path(__file__).resolve().parent.parent

FIXTURES = Path(__file__).parent / "fixtures" / "query"


def _checks(project, *files: str) -> dict[str, list]:
    data = {f"ttl/{name}": (FIXTURES / name).read_text(encoding="utf-8") for name in files}
    # The code lists cite source sections: the real sources.ttl describes them.
    data["ttl/sources.ttl"] = (REPO / "data" / "ttl" / "sources.ttl").read_text(encoding="utf-8")
    root = project(data, queries=REPO / "queries")
    result = build(load_config(root), validate_data=False)
    return {c.name: c.rows for c in result.checks}


def test_checks_pass_on_clean_data(project):
    outcomes = _checks(project, "clean.ttl")
    assert set(outcomes) == {
        "codes-outside-scheme",
        "country-region-duplicates",
        "dangling-references",
        "graphs-without-source",
        "missing-labels",
        "one-count-per-measure",
        "statements-without-section",
        "retired-predicates",
        "untyped-ties",
    }
    assert all(rows == [] for rows in outcomes.values()), outcomes


def test_each_check_finds_its_fault(project):
    outcomes = _checks(project, "clean.ttl", "faulty.ttl")
    base = "https://w3id.org/mfg-clusters/"
    found = {name: {str(t) for row in rows for t in row} for name, rows in outcomes.items()}
    assert base + "id/organisation/nowhere" in found["dangling-references"]
    assert base + "id/organisation/beta" in found["missing-labels"]
    assert base + "id/organisation/alpha" not in found["missing-labels"]
    assert base + "id/figure/beta/members/x" in found["statements-without-section"]
    assert base + "id/post/beta/manager" in found["statements-without-section"]
    assert base + "code/effra-domain/D9" in found["codes-outside-scheme"]
    assert found["graphs-without-source"] == {base + "graph/data/ttl/faulty"}
    # The old way to state a tie: mc:collaboratesWith itself, which hides the relation.
    assert base + "id/organisation/beta" in found["untyped-ties"]
    assert base + "id/organisation/alpha" in found["one-count-per-measure"]
    assert base + "id/region/ZZ" in found["country-region-duplicates"]
    # The old way to date a founding: dct:created (bwcon, CEP, Cluj IT, Minalogic...).
    assert "http://purl.org/dc/terms/created" in found["retired-predicates"]
