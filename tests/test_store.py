"""The Store interface behaves the same on rdflib and Oxigraph."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kb.store import OxigraphStore, QuerySyntaxError, RdflibStore

EX = "https://example.test/"
G1, G2 = EX + "g1", EX + "g2"
TRIPLES = {
    G1: [
        (URIRef(EX + "a"), RDFS.label, Literal("Alpha", lang="en")),
        (URIRef(EX + "a"), URIRef(EX + "n"), Literal("3", datatype=XSD.integer)),
    ],
    G2: [
        (URIRef(EX + "b"), RDFS.label, Literal("Beta")),
        (URIRef(EX + "a"), RDFS.label, Literal("Alpha", lang="en")),
    ],
}


@pytest.fixture(params=[RdflibStore, OxigraphStore], ids=["rdflib", "oxigraph"])
def store(request):
    s = request.param()
    for name, triples in TRIPLES.items():
        s.add_graph(name, triples)
    return s


def test_named_graphs_and_union(store) -> None:
    assert store.graph_names() == [G1, G2]
    assert len(store) == 4
    assert len(store.graph(G1)) == 2
    assert len(store.graph()) == 3  # the union merges the duplicate label


def test_select_over_union_with_bound_term(store) -> None:
    q = "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
    res = store.query(q, {"label": Literal("Alpha", lang="en")})
    assert res.kind == "select"
    assert res.rows == [(URIRef(EX + "a"),)]
    # a bound value is a term, never query text: a hostile string just matches nothing
    res = store.query(q, {"label": Literal('x" } UNION { ?s ?p ?o } #')})
    assert res.rows == []


def test_typed_literals_round_trip(store) -> None:
    res = store.query(f"SELECT ?n WHERE {{ <{EX}a> <{EX}n> ?n }}")
    assert res.rows == [(Literal("3", datatype=XSD.integer),)]


def test_graph_clause_sees_named_graphs(store) -> None:
    res = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}b> ?p ?o }} }}")
    assert res.rows == [(URIRef(G2),)]


def test_ask_and_construct(store) -> None:
    assert store.query(f"ASK {{ <{EX}b> ?p ?o }}").boolean is True
    res = store.query(f"CONSTRUCT {{ ?s <{EX}seen> true }} WHERE {{ ?s ?p ?o }}")
    assert res.kind == "graph" and len(res.graph) == 2


def test_syntax_error_is_reported(store) -> None:
    with pytest.raises(QuerySyntaxError, match="syntax error"):
        store.query("SELEC ?s WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(
    "hostile",
    ['" } ; DROP ALL ; #', "x' } UNION { ?s ?p ?o } #", 'a"""b', "line\nbreak \\ back"],
)
def test_hostile_literals_are_inert(store, hostile: str) -> None:
    q = "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    assert store.query(q, {"label": Literal(hostile)}).rows == []


def test_iri_that_would_break_out_is_refused(store) -> None:
    from kb.core.errors import ParameterError

    with pytest.raises(ParameterError, match="not a valid IRI"):
        store.query("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("http://x> } UNION { ?s ?p ?o")})


def test_values_go_into_the_where_group_not_the_template(store) -> None:
    q = (
        "CONSTRUCT { ?s <http://example.test/tag> '{not a group}' } "
        "WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    res = store.query(q, {"label": Literal("Beta")})
    assert {s for s, _p, _o in res.graph} == {URIRef(EX + "b")}


@pytest.mark.parametrize("graph", ["urn:g> ; DROP ALL ; INSERT DATA { <urn:a", "urn:a b", 'x"y'])
def test_kb_load_refuses_a_graph_iri_that_would_become_syntax(graph: str) -> None:
    from kb.core.errors import ParameterError
    from kb.publish.upload import upload

    # Refused before any request: the endpoint below is never contacted.
    with pytest.raises(ParameterError, match="--graph"):
        upload(RdflibStore(), "http://127.0.0.1:9/sparql", target_graph=graph, progress=None)


@pytest.mark.parametrize("kind", ["rdflib", "oxigraph"])
def test_relative_iris_resolve_against_the_base(kind) -> None:
    from kb.store import open_store

    store = open_store(kind)
    base = "https://w3id.org/mfg-clusters/"
    graph = store.query("CONSTRUCT { <s> <p> 1 } WHERE {}", base=base).graph
    assert set(graph) == {(URIRef(base + "s"), URIRef(base + "p"), Literal(1))}
    row = store.query("SELECT ?x WHERE { BIND(<id/a> AS ?x) }", base=base, limit=10).rows
    assert row == [(URIRef(base + "id/a"),)]
