"""Stable skolem IRIs (kb.publish.skolem): the same graph, parsed again (new blank-node labels),
gets
the same IRIs; different graphs or different surroundings get different ones; blank nodes
that only differ by their label stay distinct (issue 18: each `kb load` used to add new
copies of the ontology's OWL restrictions)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kb.publish.skolem import skolem_iris, skolemised

REPO = Path(__file__).resolve().parent.parent
GENID = "https://w3id.org/mfg-clusters/.well-known/genid/"
TURTLE = b"""@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix : <urn:x:> .
:A owl:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] ,
                  [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] ,
                  [ a owl:Restriction ; owl:onProperty :q ; owl:someValuesFrom :B ] .
:L :members ( :a :b :a ) .
:C :named :D .
"""


def _parse(data: bytes) -> list[ox.Triple]:
    return list(ox.parse(data, format=ox.RdfFormat.TURTLE))


def _sent(data: bytes, graph: str = "urn:g") -> set[str]:
    return {str(t) for t in skolemised(_parse(data), graph, GENID)}


def test_the_same_graph_parsed_again_gets_the_same_iris():
    first = _sent(TURTLE)
    assert all(label not in first for label in ("_:",)) and not any("_:" in t for t in first)
    for _ in range(3):
        assert _sent(TURTLE) == first


def test_blank_nodes_alike_but_distinct_stay_distinct():
    triples = _parse(TURTLE)
    iris = skolem_iris(triples, "urn:g", GENID)
    blanks = {t for tr in triples for t in (tr.subject, tr.object) if isinstance(t, ox.BlankNode)}
    assert len(iris) == len(blanks) == 3 + 3  # three restrictions, three list cells
    assert len(set(iris.values())) == len(blanks)
    assert len(skolemised(triples, "urn:g", GENID)) == len(triples)  # no triple merged


def test_the_graph_name_and_the_surroundings_are_part_of_the_name():
    assert _sent(TURTLE, "urn:g") != _sent(TURTLE, "urn:h")
    other = TURTLE.replace(b"owl:onProperty :q", b"owl:onProperty :r")
    changed = _sent(other) - _sent(TURTLE)
    assert changed and all(GENID in t for t in changed)
    # the unchanged restrictions keep their IRIs
    kept = {t.split(" ")[0] for t in _sent(TURTLE) & _sent(other) if t.startswith("<" + GENID)}
    assert len(kept) == 2 + 3  # the two :p restrictions and the list


def test_the_eurio_ontology_gets_the_same_iris_on_every_parse():
    data = (REPO / "ontology" / "imports" / "eurio.ttl").read_bytes()
    first = _sent(data)
    assert len(first) == len(_parse(data)) and _sent(data) == first
