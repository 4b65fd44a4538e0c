"""`kb load` into a real Virtuoso is idempotent, all-or-nothing, exact, and refuses data that
does not conform (issue 18, finding 5): each reload added ~461 blank-node triples to the
EURIO graph, a failed load left a half-filled graph, `"2020-01-01Z"^^xsd:date` lost its time
zone and a line break before `\\"` was mis-escaped, aborting the load.

Virtuoso is started on 127.0.0.1 in a temporary folder and stopped by its process id
(tests/virtuoso_harness.py); without virtuoso-t the tests are skipped, except in CI."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kb.cli import main
from kb.core.errors import KBError
from kb.sparql.catalogue import check_query_syntax
from kb.store.remote import RemoteStore

pytestmark = pytest.mark.server

PREFIXES = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/mfg-clusters/id/> .
"""
GENID = "https://w3id.org/mfg-clusters/.well-known/genid/"
GRAPH = "https://w3id.org/mfg-clusters/graph/data/"
# A line break, then a backslash and a quote: `\n\\\"` in Turtle
TRICKY = 'first line\nthen \\"quoted\\"'
DATA = PREFIXES + (
    'id:figure-a a mc:Figure ; mc:value 1.5 ; mc:label "{label}" ;\n'
    '    mc:date "2020-01-01Z"^^xsd:date , "2021-06-30+02:00"^^xsd:date ;\n'
    '    mc:note "first line\\nthen \\\\\\"quoted\\\\\\"" .\n'
)
SHAPES = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix mcsh: <https://w3id.org/mfg-clusters/shapes#> .
mcsh:Figure a sh:NodeShape ; sh:targetClass mc:Figure ;
    sh:property [ sh:path mc:value ; sh:datatype xsd:decimal ; sh:minCount 1 ] .
"""


@pytest.fixture
def clean(virtuoso):
    """The server emptied of every graph the tests write (each test starts from nothing)."""
    remote = RemoteStore(virtuoso.sparql, timeout=60)
    for name in remote.graph_names():
        if name.startswith(("https://w3id.org/mfg-clusters/", "urn:x-kb-load:")):
            virtuoso.isql(f"SPARQL CLEAR GRAPH <{name}>;")
    return remote


def _load(virtuoso, capsys, *extra: str, method: str = "update") -> tuple[int, str]:
    # the Graph Store Protocol is Virtuoso's /sparql-graph-crud
    endpoint = virtuoso.sparql + ("-graph-crud" if method == "gsp" else "")
    code = main(["load", "--endpoint", endpoint, "--method", method, "-q", *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def _counts(remote: RemoteStore) -> dict[str, int]:
    rows = remote.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    ).rows
    return {
        str(g): int(n)
        for g, n in rows
        if str(g).startswith(("https://w3id.org/mfg-clusters/", "urn:x-kb-load:"))
    }


def _skolem_iris(remote: RemoteStore, graph: str) -> set[str]:
    rows = remote.query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), ?genid)) }",
        {"g": URIRef(graph), "genid": Literal(GENID)},
    ).rows
    return {str(r[0]) for r in rows}


@pytest.mark.parametrize("method", ["update", "gsp"])
def test_a_second_load_changes_nothing(project, virtuoso, clean, capsys, method):
    project({"a.ttl": DATA.format(label="First")})
    code, out = _load(virtuoso, capsys, method=method)
    assert code == 0, out
    first = _counts(clean)
    eurio = "https://w3id.org/mfg-clusters/graph/ontology/imports/eurio"
    skolems = _skolem_iris(clean, eurio)
    assert first[eurio] > 1000 and len(skolems) > 100  # EURIO's OWL restrictions are there
    assert not [g for g in first if g.startswith("urn:x-kb-load:")]  # no staging graph left
    code, out = _load(virtuoso, capsys, method=method)  # as a user would run it again
    assert code == 0, out
    assert _counts(clean) == first
    assert _skolem_iris(clean, eurio) == skolems  # the same IRIs, not new copies


@pytest.mark.parametrize("method", ["update", "gsp"])
def test_literals_arrive_exactly_as_written(project, virtuoso, clean, capsys, method):
    project({"a.ttl": DATA.format(label="First")})
    code, out = _load(virtuoso, capsys, method=method)
    assert code == 0, out
    # STR(): the lexical form as the server holds it (rdflib would normalise a date it reads)
    rows = clean.query(
        "SELECT ?p (STR(?v) AS ?o) "
        "WHERE { GRAPH ?g { <https://w3id.org/mfg-clusters/id/figure-a> ?p ?v } }"
    ).rows
    dates = sorted(str(o) for p, o in rows if str(p).endswith("#date"))
    assert dates == ["2020-01-01Z", "2021-06-30+02:00"]
    notes = [str(o) for p, o in rows if str(p).endswith("#note")]
    assert notes == [TRICKY]
    # and `kb query --endpoint` reads them back as the server holds them
    typed = clean.query(
        "SELECT ?o WHERE { GRAPH ?g { <https://w3id.org/mfg-clusters/id/figure-a> "
        "<https://w3id.org/mfg-clusters/ontology#date> ?o } }"
    ).rows
    assert sorted(str(r[0]) for r in typed) == dates


def test_a_load_that_fails_midway_leaves_every_graph_as_it_was(project, virtuoso, clean, capsys):
    root = project({"a.ttl": DATA.format(label="First"), "z.ttl": PREFIXES + "id:z a mc:Figure ."})
    code, out = _load(virtuoso, capsys)
    assert code == 0, out
    before = _counts(clean)
    label = "SELECT ?l WHERE { GRAPH ?g { ?s <https://w3id.org/mfg-clusters/ontology#label> ?l } }"
    assert [str(r[0]) for r in clean.query(label).rows] == ["First"]
    # The next load changes a.ttl and adds m.ttl, which Virtuoso refuses (SR341: it converts
    # typed literals and "many" is no integer): graphs before and after it in the order are
    # loaded, m is not.
    (root / "data" / "a.ttl").write_text(DATA.format(label="Second"), encoding="utf-8")
    (root / "data" / "z.ttl").write_text(PREFIXES + "id:z a mc:Figure ; mc:n 2 .", "utf-8")
    (root / "data" / "m.ttl").write_text(
        PREFIXES + 'id:m mc:count "many"^^xsd:integer .', encoding="utf-8"
    )
    code, out = _load(virtuoso, capsys, "--batch", "500")
    assert code == 2
    assert f"the load failed loading {GRAPH}m" in out and "as it was before this load" in out
    assert _counts(clean) == before  # every graph whole, no staging graph left behind
    assert [str(r[0]) for r in clean.query(label).rows] == ["First"]
    # once the bad file is gone the same load goes through, a.ttl's new label with it
    (root / "data" / "m.ttl").unlink()
    code, out = _load(virtuoso, capsys)
    assert code == 0, out
    assert [str(r[0]) for r in clean.query(label).rows] == ["Second"]
    assert _counts(clean)[GRAPH + "z"] == before[GRAPH + "z"] + 1


def test_data_that_does_not_conform_needs_force(project, virtuoso, clean, capsys):
    bad = PREFIXES + 'id:figure-b a mc:Figure ; mc:value "twelve" .'
    project({"a.ttl": DATA.format(label="First"), "b.ttl": bad}, {"s.ttl": SHAPES})
    code, out = _load(virtuoso, capsys)
    assert code == 2 and "does not conform" in out and "--force" in out
    assert _counts(clean) == {}  # nothing was sent
    code, out = _load(virtuoso, capsys, "--force")
    assert code == 0, out
    assert "does not conform; loading it anyway (--force)" in out
    assert GRAPH + "b" in _counts(clean)


def test_an_up_to_date_build_is_loaded_as_built(project, virtuoso, clean, capsys):
    root = project({"a.ttl": DATA.format(label="First")}, {"s.ttl": SHAPES})
    assert main(["build", "-q"]) == 0
    capsys.readouterr()
    code = main(["load", "--endpoint", virtuoso.sparql])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"loading {root / 'build' / 'kb.nq'} (up to date)" in captured.err
    assert GRAPH + "a" in _counts(clean)


def test_a_stored_query_the_endpoint_rejects_is_placed_in_its_file(project, virtuoso, capsys):
    """Issue 18, finding 6: the error names the file, with the line and column of the text as
    written (Virtuoso's own message counts lines of the text with the VALUES block in, and
    named no file)."""
    root = project({"a.ttl": DATA.format(label="First")})
    text = (
        '#+ title = "t"\n#+ question = "q?"\n#+ user = "everyone"\n'
        '#+ [[param]]\n#+ name = "s"\n#+ type = "iri"\n#+ default = "id:x"\n'
        "SELECT ?o WHERE {\n  ?s ?p ?o\n  FILTER(?o == 1)\n}\n"
    )
    (root / "queries" / "01_broken.rq").write_text(text, encoding="utf-8")
    code = main(["query", "run", "broken", "--endpoint", virtuoso.sparql])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    path = root / "queries" / "01_broken.rq"
    # the very error `kb build` gives for the file as written, FILE:LINE:COLUMN
    with pytest.raises(KBError) as as_written:
        check_query_syntax(text, path)
    assert str(as_written.value).startswith(f"{path}:")
    assert f"kb: error: {as_written.value}" in err, err
