"""The fast inference path: the OWL 2 RL rules the ontology needs, as SPARQL updates on Oxigraph.

owlrl (kb/infer.py) stays the reference on small knowledge bases; it is quadratic in places and
takes minutes at 10^6 triples. Here each rule is one SPARQL `INSERT ... WHERE` run by Oxigraph's
engine, repeated until no rule adds a triple (a fixpoint). What the rules add, less what
kb.infer filters as noise, equals owlrl's inferred graph; tests/test_fastpath.py checks that on
the seed KB and on a generated fixture.

Covered (OWL 2 RL rule names): scm-cls, scm-op/dp, scm-sco, scm-hv, scm-svf1/2,
scm-avf1/2, scm-spo, scm-eqc1/2, scm-eqp1/2, scm-dom1/2,
scm-rng1/2, scm-uni, scm-int, cax-sco, prp-dom, prp-rng, prp-spo1, prp-spo2 (chains of two),
prp-inv1/2, prp-symp, prp-trp, prp-fp, prp-ifp, cls-svf1/2, cls-avf, cls-hv1/2, cls-uni,
cls-int1/2, cls-oo, cls-maxc2, eq-sym, eq-trans, eq-rep-s/o. Not covered: inconsistency
detection (cax-dw, cls-maxc1, ...) - run the reference path or SHACL for that.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from .infer import InferenceResult, _keep
from .store import from_ox, to_ox

ASSERTED = ox.NamedNode("urn:x-kb:asserted")
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

# name -> (template, pattern). Everything runs on the default graph.
RULES: dict[str, tuple[str, str]] = {
    "scm-cls": (
        "?c rdfs:subClassOf ?c , owl:Thing . ?c owl:equivalentClass ?c . "
        "owl:Nothing rdfs:subClassOf ?c",
        "?c a owl:Class",
    ),
    "scm-op": (
        "?p rdfs:subPropertyOf ?p . ?p owl:equivalentProperty ?p",
        "{ ?p a owl:ObjectProperty } UNION { ?p a owl:DatatypeProperty }",
    ),
    "scm-sco": ("?a rdfs:subClassOf ?c", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c"),
    "scm-spo": (
        "?a rdfs:subPropertyOf ?c",
        "?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?c",
    ),
    "scm-eqc1": (
        "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a",
        "?a owl:equivalentClass ?b",
    ),
    "scm-eqc2": (
        "?a owl:equivalentClass ?b",
        "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a",
    ),
    "scm-eqp1": (
        "?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?a",
        "?a owl:equivalentProperty ?b",
    ),
    "scm-eqp2": (
        "?a owl:equivalentProperty ?b",
        "?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?a",
    ),
    "scm-dom1": ("?p rdfs:domain ?c2", "?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2"),
    "scm-dom2": ("?p1 rdfs:domain ?c", "?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2"),
    "scm-rng1": ("?p rdfs:range ?c2", "?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2"),
    "scm-rng2": ("?p1 rdfs:range ?c", "?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2"),
    "scm-hv": (
        "?r1 rdfs:subClassOf ?r2",
        "?r1 owl:hasValue ?v ; owl:onProperty ?p1 . ?r2 owl:hasValue ?v ; owl:onProperty ?p2 . "
        "?p1 rdfs:subPropertyOf ?p2",
    ),
    "scm-svf1": (
        "?r1 rdfs:subClassOf ?r2",
        "?r1 owl:someValuesFrom ?c1 ; owl:onProperty ?p . "
        "?r2 owl:someValuesFrom ?c2 ; owl:onProperty ?p . ?c1 rdfs:subClassOf ?c2",
    ),
    "scm-svf2": (
        "?r1 rdfs:subClassOf ?r2",
        "?r1 owl:someValuesFrom ?c ; owl:onProperty ?p1 . "
        "?r2 owl:someValuesFrom ?c ; owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2",
    ),
    "scm-avf1": (
        "?r1 rdfs:subClassOf ?r2",
        "?r1 owl:allValuesFrom ?c1 ; owl:onProperty ?p . "
        "?r2 owl:allValuesFrom ?c2 ; owl:onProperty ?p . ?c1 rdfs:subClassOf ?c2",
    ),
    "scm-avf2": (
        "?r2 rdfs:subClassOf ?r1",
        "?r1 owl:allValuesFrom ?c ; owl:onProperty ?p1 . "
        "?r2 owl:allValuesFrom ?c ; owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2",
    ),
    "scm-uni": ("?m rdfs:subClassOf ?c", "?c owl:unionOf ?l . ?l rdf:rest*/rdf:first ?m"),
    "scm-int": ("?c rdfs:subClassOf ?m", "?c owl:intersectionOf ?l . ?l rdf:rest*/rdf:first ?m"),
    "cax-sco": ("?x a ?c2", "?c1 rdfs:subClassOf ?c2 . ?x a ?c1"),
    "prp-dom": ("?x a ?c", "?p rdfs:domain ?c . ?x ?p ?y"),
    "prp-rng": ("?y a ?c", "?p rdfs:range ?c . ?x ?p ?y"),
    "prp-spo1": ("?x ?p2 ?y", "?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y"),
    "prp-spo2": (
        "?x ?p ?z",
        "?p owl:propertyChainAxiom ?l . ?l rdf:first ?p1 ; rdf:rest ?r . "
        "?r rdf:first ?p2 ; rdf:rest rdf:nil . ?x ?p1 ?y . ?y ?p2 ?z",
    ),
    "prp-inv1": ("?y ?p2 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p1 ?y"),
    "prp-inv2": ("?y ?p1 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p2 ?y"),
    "prp-symp": ("?y ?p ?x", "?p a owl:SymmetricProperty . ?x ?p ?y"),
    "prp-trp": ("?x ?p ?z", "?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z"),
    "prp-fp": (
        "?y1 owl:sameAs ?y2",
        "?p a owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 FILTER(?y1 != ?y2)",
    ),
    "prp-ifp": (
        "?x1 owl:sameAs ?x2",
        "?p a owl:InverseFunctionalProperty . ?x1 ?p ?y . ?x2 ?p ?y FILTER(?x1 != ?x2)",
    ),
    "cls-svf1": (
        "?x a ?r",
        "?r owl:someValuesFrom ?d ; owl:onProperty ?p . ?x ?p ?y . ?y a ?d",
    ),
    "cls-svf2": (
        "?x a ?r",
        "?r owl:someValuesFrom owl:Thing ; owl:onProperty ?p . ?x ?p ?y",
    ),
    "cls-avf": ("?y a ?d", "?r owl:allValuesFrom ?d ; owl:onProperty ?p . ?x a ?r ; ?p ?y"),
    "cls-hv1": ("?x ?p ?v", "?r owl:hasValue ?v ; owl:onProperty ?p . ?x a ?r"),
    "cls-hv2": ("?x a ?r", "?r owl:hasValue ?v ; owl:onProperty ?p . ?x ?p ?v"),
    "cls-int2": ("?x a ?m", "?c owl:intersectionOf ?l . ?l rdf:rest*/rdf:first ?m . ?x a ?c"),
    "cls-uni": ("?x a ?c", "?c owl:unionOf ?l . ?l rdf:rest*/rdf:first ?m . ?x a ?m"),
    "cls-int1": (
        "?x a ?c",
        "?c owl:intersectionOf ?l . ?l rdf:first ?first . ?x a ?first . "
        "FILTER NOT EXISTS { ?l rdf:rest*/rdf:first ?m FILTER NOT EXISTS { ?x a ?m } }",
    ),
    "cls-oo": ("?m a ?c", "?c owl:oneOf ?l . ?l rdf:rest*/rdf:first ?m"),
    "cls-maxc2": (
        "?y1 owl:sameAs ?y2",
        "?r owl:maxCardinality ?n ; owl:onProperty ?p . FILTER(STR(?n) = '1') "
        "?x a ?r ; ?p ?y1 , ?y2 FILTER(?y1 != ?y2)",
    ),
    "eq-sym": ("?y owl:sameAs ?x", "?x owl:sameAs ?y"),
    "eq-trans": ("?x owl:sameAs ?z", "?x owl:sameAs ?y . ?y owl:sameAs ?z"),
    "eq-rep-s": ("?s2 ?p ?o", "?s owl:sameAs ?s2 . ?s ?p ?o"),
    "eq-rep-o": ("?s ?p ?o2", "?o owl:sameAs ?o2 . ?s ?p ?o"),
}

COMPILED = {
    name: f"{PREFIXES}INSERT {{ {template} }} WHERE {{ {pattern} }}"
    for name, (template, pattern) in RULES.items()
}


def materialise(store: ox.Store, max_rounds: int = 50) -> dict[str, float]:
    """Apply every rule to the default graph of `store` until nothing changes.
    Returns seconds spent per rule (summed over rounds)."""
    timings = dict.fromkeys(COMPILED, 0.0)
    size = -1
    for _ in range(max_rounds):
        if len(store) == size:
            break
        size = len(store)
        for name, update in COMPILED.items():
            start = time.perf_counter()
            store.update(update)
            timings[name] += time.perf_counter() - start
    return timings


def load_asserted(store: ox.Store, triples: Iterable) -> None:
    """Put rdflib triples in the default graph (worked on) and in ASSERTED (kept apart)."""
    quads = []
    for s, p, o in triples:
        s2, p2, o2 = to_ox(s), to_ox(p), to_ox(o)
        quads.append(ox.Quad(s2, p2, o2, ox.DefaultGraph()))
        quads.append(ox.Quad(s2, p2, o2, ASSERTED))
    store.extend(quads)


def inferred_triples(store: ox.Store) -> Graph:
    """The default graph's triples that are not in ASSERTED, less kb.infer's noise filter."""
    inferred = Graph()
    empty = Graph()
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if ox.Quad(q.subject, q.predicate, q.object, ASSERTED) in store:
            continue
        triple = (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        if _keep(triple, empty):
            inferred.add(triple)
    return inferred


def infer_fast(asserted: Graph) -> InferenceResult:
    """Drop-in for kb.infer.infer(asserted, "owlrl") on large graphs."""
    store = ox.Store()
    load_asserted(store, asserted)
    materialise(store)
    return InferenceResult("rules", inferred_triples(store))
