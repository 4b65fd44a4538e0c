"""The fast inference path (kb/reason/compiled.py) gives exactly owlrl's inferred triples
(kb/reason/entailments.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from generated import generated_turtle
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kb.core.config import load_config
from kb.core.errors import InconsistencyError
from kb.load import load, source_files
from kb.reason import infer
from kb.reason.compiled import (
    INFERRED,
    drop_noise,
    infer_fast,
    inferred_triples,
    load_asserted,
    materialise,
)
from kb.reason.entailments import check_consistency, check_consistency_store
from kb.store import RdflibStore, from_ox

REPO = Path(__file__).resolve().parent.parent
EX = "https://example.org/fixture#"

# Every rule the fast path implements, on top of the project's ontology: chains of two and
# three properties, transitive regions, inverses, symmetry, equality from a functional, an
# inverse-functional and a max-cardinality property (eq-rep-s/o on everything about the merged
# individuals), restrictions of each kind, intersection, union, enumeration, a schema triple
# derived from data (the schema is closed again), and a literal subject in the middle of a
# derivation (the inverse of a datatype property).
RULE_FIXTURE = """
@prefix ex: <https://example.org/fixture#> .
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:r0 a mc:Region . ex:r1 mc:withinRegion ex:r0 . ex:r2 mc:withinRegion ex:r1 .
ex:r3 mc:withinRegion ex:r2 ; mc:containsRegion ex:r4 . ex:r4 mc:containsRegion ex:r5 .
ex:org1 a mc:SME ; mc:locatedIn ex:r3 ; mc:collaboratesWith ex:org2 ; mc:participatesAs ex:p1 .
ex:org2 a mc:University ; mc:participatesAs ex:p2 .
ex:p1 a mc:Participation ; mc:inProject ex:proj1 .
ex:p2 mc:inProject ex:proj1 .

ex:longChain owl:propertyChainAxiom ( ex:a ex:b ex:c ) .
ex:x1 ex:a ex:x2 . ex:x2 ex:b ex:x3 . ex:x3 ex:c ex:x4 . ex:x3 ex:c ex:x5 .
ex:ancestorOf a owl:ObjectProperty , owl:TransitiveProperty ; owl:inverseOf ex:descendantOf .
ex:g1 ex:ancestorOf ex:g2 . ex:g3 ex:descendantOf ex:g2 . ex:g3 ex:ancestorOf ex:g4 .

ex:ownedBy a owl:ObjectProperty , owl:FunctionalProperty .
ex:thingA ex:ownedBy ex:k1 , ex:k2 . ex:k1 a ex:Keeper . ex:k2 ex:madeBy ex:factory .
ex:madeBy rdfs:domain ex:Product ; owl:inverseOf ex:makes .
ex:badge a owl:DatatypeProperty , owl:InverseFunctionalProperty .
ex:u1 ex:badge "42" ; a ex:Member . ex:u2 ex:badge "42" ; ex:name "Two" .
ex:Single rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:spouse ;
    owl:maxCardinality "1"^^xsd:nonNegativeInteger ] .
ex:s1 a ex:Single ; ex:spouse ex:w1 , ex:w2 . ex:w1 a ex:Person .
ex:Mono rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:pet ; owl:onClass ex:Dog ;
    owl:maxQualifiedCardinality "1"^^xsd:nonNegativeInteger ] .
ex:m1 a ex:Mono ; ex:pet ex:d1 , ex:d2 , ex:c1 . ex:d2 a ex:Dog . ex:c1 a ex:Cat .

ex:EUThing owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:zone ; owl:hasValue ex:eu ] .
ex:h1 ex:zone ex:eu . ex:h2 a ex:EUThing .
ex:Employer owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:employs ;
    owl:someValuesFrom ex:Person ] .
ex:e1 ex:employs ex:w2 .
ex:Toucher owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:touches ;
    owl:someValuesFrom owl:Thing ] .
ex:t1 ex:touches ex:t2 .
ex:Kennel rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:houses ;
    owl:allValuesFrom ex:Dog ] .
ex:kennel1 a ex:Kennel ; ex:houses ex:d1 .
ex:WorkingDog owl:equivalentClass [ owl:intersectionOf ( ex:Dog ex:Worker ) ] .
ex:d1 a ex:Worker .
ex:Animal owl:equivalentClass [ owl:unionOf ( ex:Dog ex:Cat ) ] .
ex:Primary owl:equivalentClass [ owl:oneOf ( ex:red ex:green ) ] .
ex:knows owl:equivalentProperty ex:acquaintedWith . ex:q1 ex:knows ex:q2 .
ex:Keeper a owl:Class ; rdfs:subClassOf ex:Person .

ex:narrower rdfs:subPropertyOf rdfs:subClassOf .
ex:Puppy ex:narrower ex:Dog . ex:pup1 a ex:Puppy .
ex:code a owl:DatatypeProperty ; owl:inverseOf ex:codeOf . ex:codeOf rdfs:range ex:Coded .
ex:item1 ex:code "C-1" .
"""


def _assert_same(asserted: Graph) -> set:
    reference = set(infer(asserted, "owlrl").inferred)
    fast = set(infer_fast(asserted).inferred)
    assert reference, "the reference path infers something"
    missing, extra = reference - fast, fast - reference
    assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])
    return fast


def _ontology_plus(turtle: str) -> Graph:
    store = RdflibStore()
    config = load_config(REPO)
    ontology = [f for f in source_files(config) if f.path.is_relative_to(REPO / "ontology")]
    load(config, store, ontology)
    asserted = store.graph()
    asserted.parse(data=turtle, format="turtle", publicID="urn:x-kb:generated")
    return asserted


def _quads(store: ox.Store, graph) -> set:
    return {
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        for q in store.quads_for_pattern(None, None, None, graph)
    }


def test_fast_path_equals_owlrl_on_the_seed_kb():
    store = RdflibStore()
    load(load_config(REPO), store)
    _assert_same(store.graph())


def test_fast_path_equals_owlrl_on_a_generated_fixture():
    _assert_same(_ontology_plus(generated_turtle(3000, seed=7)))


def test_fast_path_equals_owlrl_on_every_rule():
    fast = _assert_same(_ontology_plus(RULE_FIXTURE))

    def ex(name: str) -> URIRef:
        return URIRef(EX + name)

    # The fixture reaches what it is meant to: each of these needs the rule named.
    for triple in [
        (ex("x1"), ex("longChain"), ex("x5")),  # prp-spo2, three links
        (ex("r3"), URIRef("https://w3id.org/mfg-clusters/ontology#withinRegion"), ex("r0")),
        (ex("g4"), ex("descendantOf"), ex("g1")),  # prp-trp through prp-inv
        (ex("k1"), OWL.sameAs, ex("k2")),  # prp-fp
        (ex("k1"), RDF.type, ex("Product")),  # eq-rep-s
        (ex("u2"), RDF.type, ex("Member")),  # prp-ifp on a literal, eq-rep-s
        (ex("e1"), RDF.type, ex("Employer")),  # cls-maxc2, eq-rep-s, cls-svf1
        (ex("d1"), OWL.sameAs, ex("d2")),  # cls-avf, cls-maxqc3
        (ex("d1"), RDF.type, ex("WorkingDog")),  # cls-int1
        (ex("c1"), RDF.type, ex("Animal")),  # cls-uni
        (ex("green"), RDF.type, ex("Primary")),  # cls-oo
        (ex("h1"), RDF.type, ex("EUThing")),  # cls-hv2
        (ex("h2"), ex("zone"), ex("eu")),  # cls-hv1
        (ex("t1"), RDF.type, ex("Toucher")),  # cls-svf2
        (ex("q1"), ex("acquaintedWith"), ex("q2")),  # prp-eqp1
        (ex("pup1"), RDF.type, ex("Animal")),  # a subclass axiom derived from data
        (ex("item1"), RDF.type, ex("Coded")),  # through the literal subject "C-1"
    ]:
        assert triple in fast, triple


def test_keep_only_drop_noise_and_the_filter_agree():
    asserted = _ontology_plus(generated_turtle(2000, seed=11) + RULE_FIXTURE)
    kept, full = ox.Store(), ox.Store()
    load_asserted(kept, asserted)
    load_asserted(full, asserted)
    before = _quads(kept, ox.DefaultGraph())
    own_graph = "https://example.org/graph/inferred"
    stats = materialise(kept, keep_only=True, graph=own_graph)
    materialise(full)
    filtered = inferred_triples(full)
    assert set(filtered), "something is inferred"
    assert _quads(kept, ox.NamedNode(own_graph)) == set(filtered)
    assert not _quads(kept, INFERRED)
    assert stats["written"] == len(filtered)
    # Blank-node typing and the like were derived and written without keep_only
    assert drop_noise(full) > 0
    assert _quads(full, INFERRED) == set(filtered)
    for store in (kept, full):
        assert _quads(store, ox.DefaultGraph()) == before | set(filtered)


def test_the_store_consistency_check_equals_the_graph_check():
    asserted = _ontology_plus(
        RULE_FIXTURE
        + """
        ex:Cat owl:disjointWith ex:Dog .
        ex:cd a ex:Cat , ex:Puppy .
        ex:nobody a owl:Nothing .
        """
    )
    store = ox.Store()
    load_asserted(store, asserted)
    materialise(store, keep_only=True)
    graph = Graph()
    for triple in _quads(store, ox.DefaultGraph()):
        graph.add(triple)
    with pytest.raises(InconsistencyError) as from_graph:
        check_consistency(graph)
    with pytest.raises(InconsistencyError) as from_store:
        check_consistency_store(store)
    assert str(from_store.value) == str(from_graph.value)
    assert f"{EX}cd is both" in str(from_store.value)


def test_a_consistent_store_passes_the_check():
    store = ox.Store()
    load_asserted(store, _ontology_plus(RULE_FIXTURE))
    materialise(store, keep_only=True)
    check_consistency_store(store)
