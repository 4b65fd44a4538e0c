"""`kb query` from the command line, on a small project (the real ontology, the fixture data
of tests/fixtures/query/ and the real catalogue): stdout for results, stderr for messages."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.query import Result

from kb.cli import main
from kb.sparql.catalogue import load_catalogue

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "query"


@pytest.fixture
def small(project):
    sources = (REPO / "data" / "ttl" / "sources.ttl").read_text(encoding="utf-8")
    clean = (FIXTURES / "clean.ttl").read_text(encoding="utf-8")
    root = project({"ttl/clean.ttl": clean, "ttl/sources.ttl": sources}, queries=REPO / "queries")
    return root


def test_list_and_show(small, capsys):
    assert main(["query", "list"]) == 0
    out = capsys.readouterr().out
    catalogue = load_catalogue(REPO / "queries")
    for name, query in catalogue.items():
        assert f"{name}" in out and query.question in out
    assert main(["query", "show", "partner-search-domains"]) == 0
    out = capsys.readouterr().out
    assert "param:    minShared (xsd:integer, default 3)" in out and "SELECT" in out


def test_run_formats(small, capsys):
    assert (
        main(
            [
                "query",
                "run",
                "clusters-by-effra-domain",
                "-p",
                "domain=code:effra-domain/D1",
                "--format",
                "json",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    labels = [b["organisationLabel"]["value"] for b in doc["results"]["bindings"]]
    assert labels == ["Alpha cluster"]
    assert "opening" in captured.err and "1 rows" in captured.err
    assert main(["query", "run", "class-counts", "--engine", "oxigraph", "--format", "tsv"]) == 0
    back = Result.parse(io.StringIO(capsys.readouterr().out), format="tsv")
    assert len(back.bindings) > 0
    assert main(["query", "run", "figures-by-measure"]) == 0
    table = capsys.readouterr().out
    assert "id:organisation/alpha" in table and "(1 row)" in table


def test_run_file_and_syntax_error(small, capsys, tmp_path):
    good = tmp_path / "q.rq"
    good.write_text("SELECT ?s WHERE { ?s a <https://w3id.org/mfg-clusters/ontology#Figure> }")
    assert main(["query", "run", "--file", str(good), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith("figure/alpha/members/s1")
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE {\n  ?s ?p\n}\n")
    assert main(["query", "run", "--file", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"{bad}:2:3: SPARQL syntax error" in captured.err
    assert main(["query", "run", "--file", str(bad), "--engine", "oxigraph"]) == 2
    assert re.search(rf"{bad}:\d+:\d+: SPARQL syntax error", capsys.readouterr().err)


def test_bad_names_and_parameters(small, capsys):
    assert main(["query", "show", "nope"]) == 2
    assert "no stored query named 'nope'" in capsys.readouterr().err
    assert main(["query", "run", "label-search", "-p", "colour=red"]) == 2
    assert "parameter 'colour'" in capsys.readouterr().err
    assert main(["query", "run", "partner-search-domains", "-p", "minShared=many"]) == 2
    assert "parameter 'minShared'" in capsys.readouterr().err


def test_export(small, capsys):
    assert main(["query", "export"]) == 0
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(graph) > 0


def test_reuses_a_fresh_build(small, capsys):
    from kb.build.knowledge_base import built_store
    from kb.core.config import load_config

    config = load_config(small)
    assert built_store(config) is None
    assert main(["build", "-q"]) == 0
    capsys.readouterr()
    store = built_store(config)
    assert store is not None and config.base_iri + "graph/inferred" in store.graph_names()
    assert main(["query", "run", "class-counts", "--format", "tsv"]) == 0
    reused = capsys.readouterr().out
    assert main(["query", "run", "class-counts", "--format", "tsv", "--rebuild"]) == 0
    assert capsys.readouterr().out == reused
    data = small / "data" / "ttl" / "clean.ttl"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert built_store(config) is None  # a source newer than the build: build afresh
