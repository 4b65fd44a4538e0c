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
    "cax-sco": ("?x a ?c2", "GRAPH <urn:x-kb:view> { ?c1 rdfs:subClassOf ?c2 } ?x a ?c1"),
    "prp-dom": ("?x a ?c", "GRAPH <urn:x-kb:view> { ?p rdfs:domain ?c } ?x ?p ?y"),
    "prp-rng": ("?y a ?c", "GRAPH <urn:x-kb:view> { ?p rdfs:range ?c } ?x ?p ?y"),
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

# Semi-naive evaluation: after the first round, a rule whose body has one data atom (or two,
# written as a UNION of one-atom-new variants) needs only the triples new in the previous round,
# in graph DELTA; the schema atoms are fixed unless a round adds schema triples (then the next
# round runs every rule in full). Rules not listed here run in full every round; they read only
# the schema, owl:sameAs or rare vocabulary (owl:oneOf, owl:maxCardinality).
_D = "GRAPH <urn:x-kb:delta>"
DELTA: dict[str, str] = {
    "cax-sco": f"GRAPH <urn:x-kb:view> {{ ?c1 rdfs:subClassOf ?c2 }} {_D} {{ ?x a ?c1 }}",
    "prp-dom": f"GRAPH <urn:x-kb:view> {{ ?p rdfs:domain ?c }} {_D} {{ ?x ?p ?y }}",
    "prp-rng": f"GRAPH <urn:x-kb:view> {{ ?p rdfs:range ?c }} {_D} {{ ?x ?p ?y }}",
    "prp-spo1": f"?p1 rdfs:subPropertyOf ?p2 . {_D} {{ ?x ?p1 ?y }}",
    "prp-spo2": "?p owl:propertyChainAxiom ?l . ?l rdf:first ?p1 ; rdf:rest ?r . "
    f"?r rdf:first ?p2 ; rdf:rest rdf:nil . {{ {_D} {{ ?x ?p1 ?y }} ?y ?p2 ?z }} "
    f"UNION {{ ?x ?p1 ?y . {_D} {{ ?y ?p2 ?z }} }}",
    "prp-inv1": f"?p1 owl:inverseOf ?p2 . {_D} {{ ?x ?p1 ?y }}",
    "prp-inv2": f"?p1 owl:inverseOf ?p2 . {_D} {{ ?x ?p2 ?y }}",
    "prp-symp": f"?p a owl:SymmetricProperty . {_D} {{ ?x ?p ?y }}",
    "prp-trp": f"?p a owl:TransitiveProperty . {{ {_D} {{ ?x ?p ?y }} ?y ?p ?z }} "
    f"UNION {{ ?x ?p ?y . {_D} {{ ?y ?p ?z }} }}",
    "prp-fp": f"?p a owl:FunctionalProperty . {_D} {{ ?x ?p ?y1 }} ?x ?p ?y2 FILTER(?y1 != ?y2)",
    "prp-ifp": f"?p a owl:InverseFunctionalProperty . {_D} {{ ?x1 ?p ?y }} ?x2 ?p ?y "
    "FILTER(?x1 != ?x2)",
    "cls-svf1": f"?r owl:someValuesFrom ?d ; owl:onProperty ?p . "
    f"{{ {_D} {{ ?x ?p ?y }} ?y a ?d }} UNION {{ ?x ?p ?y . {_D} {{ ?y a ?d }} }}",
    "cls-svf2": f"?r owl:someValuesFrom owl:Thing ; owl:onProperty ?p . {_D} {{ ?x ?p ?y }}",
    "cls-avf": f"?r owl:allValuesFrom ?d ; owl:onProperty ?p . "
    f"{{ {_D} {{ ?x a ?r }} ?x ?p ?y }} UNION {{ ?x a ?r . {_D} {{ ?x ?p ?y }} }}",
    "cls-hv1": f"?r owl:hasValue ?v ; owl:onProperty ?p . {_D} {{ ?x a ?r }}",
    "cls-hv2": f"?r owl:hasValue ?v ; owl:onProperty ?p . {_D} {{ ?x ?p ?v }}",
    "cls-int2": f"?c owl:intersectionOf ?l . ?l rdf:rest*/rdf:first ?m . {_D} {{ ?x a ?c }}",
    "cls-uni": f"?c owl:unionOf ?l . ?l rdf:rest*/rdf:first ?m . {_D} {{ ?x a ?m }}",
}

# The typing rules skip classes whose typing kb.infer's filter drops (blank nodes: EURIO's
# restrictions and unions; owl:Thing, rdfs:Resource) unless a rule body reads that typing. Half
# of the closure of generated data was such typing. VIEW holds the schema triples the typing
# rules may use: subclass pairs into a useful class (reflexive pairs derive nothing new), and
# domains / ranges that are useful or have a useful superclass (cax-sco would need them). Safe
# because the subclass relation is transitively closed (scm-sco) before the data rules run.
VIEW = "urn:x-kb:view"
_USEFUL = """(isIRI({c}) && {c} NOT IN (owl:Thing, rdfs:Resource))
  || EXISTS {{ {c} owl:allValuesFrom|owl:hasValue|owl:maxCardinality|owl:intersectionOf ?_v }}
  || EXISTS {{ ?_r owl:someValuesFrom {c} }} || EXISTS {{ ?_l rdf:first {c} }}"""
_REFRESH_VIEW = f"""{PREFIXES}DROP SILENT GRAPH <{VIEW}> ;
INSERT {{ GRAPH <{VIEW}> {{ ?c1 rdfs:subClassOf ?c2 }} }} WHERE {{
  ?c1 rdfs:subClassOf ?c2 FILTER(?c1 != ?c2) FILTER({_USEFUL.format(c="?c2")}) }} ;
INSERT {{ GRAPH <{VIEW}> {{ ?p ?axiom ?c }} }} WHERE {{
  VALUES ?axiom {{ rdfs:domain rdfs:range }} ?p ?axiom ?c
  FILTER({_USEFUL.format(c="?c")}
         || EXISTS {{ GRAPH <{VIEW}> {{ ?c rdfs:subClassOf ?_super }} }}) }}"""

STEP = "urn:x-kb:step"  # what the rule being run derives
INFERRED = ox.NamedNode("urn:x-kb:inferred")  # everything added, never an asserted triple


def _insert(template: str, pattern: str, new: str) -> str:
    # A rule's new triples are added at once (later rules in the same round see them), to the
    # graph `new` (the next round's delta) and to INFERRED. Known triples are filtered out while
    # matching (one-triple templates: written straight to their three graphs, the WHERE clause is
    # evaluated before anything is inserted) or deleted from STEP afterwards (the few schema
    # rules with more).
    if " . " in template:
        return (
            f"{PREFIXES}INSERT {{ GRAPH <{STEP}> {{ {template} }} }} WHERE {{ {pattern} }} ;\n"
            f"DELETE {{ GRAPH <{STEP}> {{ ?s ?p ?o }} }} "
            f"WHERE {{ GRAPH <{STEP}> {{ ?s ?p ?o }} ?s ?p ?o }} ;\n"
            f"ADD SILENT <{STEP}> TO DEFAULT ; ADD SILENT <{STEP}> TO <{new}> ; "
            f"ADD SILENT <{STEP}> TO <{INFERRED.value}> ; DROP SILENT GRAPH <{STEP}>"
        )
    return (
        f"{PREFIXES}INSERT {{ {template} GRAPH <{new}> {{ {template} }} "
        f"GRAPH <{INFERRED.value}> {{ {template} }} }} "
        f"WHERE {{ {pattern} FILTER NOT EXISTS {{ {template} }} }}"
    )


def _compile(delta: str, new: str, semi_naive: bool) -> dict[str, str]:
    return {
        name: _insert(
            template,
            DELTA[name].replace(_D, f"GRAPH <{delta}>")
            if semi_naive and name in DELTA
            else pattern,
            new,
        )
        for name, (template, pattern) in RULES.items()
    }


# Rounds alternate between two graphs for "added this round" and "added last round" (the
# delta), so nothing is copied between them.
_ROUND_GRAPHS = ("urn:x-kb:round-a", "urn:x-kb:round-b")
FULL = {g: _compile("", g, False) for g in _ROUND_GRAPHS}
SEMI_NAIVE = {
    g: _compile(d, g, True) for g, d in zip(_ROUND_GRAPHS, _ROUND_GRAPHS[::-1], strict=True)
}


# The predicates (and rdf:type objects) of the schema atoms the rules in DELTA read as fixed.
def _schema_changed(delta: str) -> str:
    # The predicates (and rdf:type objects) of the schema atoms the rules in DELTA read as fixed.
    return f"""{PREFIXES}ASK {{ GRAPH <{delta}> {{ ?s ?p ?o }}
  FILTER(?p IN (rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range,
                owl:equivalentClass, owl:equivalentProperty, owl:inverseOf,
                owl:propertyChainAxiom, owl:someValuesFrom, owl:allValuesFrom, owl:hasValue,
                owl:onProperty, owl:intersectionOf, owl:unionOf, owl:oneOf, owl:maxCardinality,
                rdf:first, rdf:rest)
         || (?p = rdf:type && ?o IN (owl:SymmetricProperty, owl:TransitiveProperty,
                owl:FunctionalProperty, owl:InverseFunctionalProperty, owl:Class,
                owl:ObjectProperty, owl:DatatypeProperty)))
}}"""


def _run(store: ox.Store, updates: dict[str, str], new: str, timings: dict[str, float]) -> bool:
    """Run `updates` once; True if they added anything (to the graph `new`)."""
    for name, update in updates.items():
        if name == "cax-sco":  # the first data rule: the schema rules of this round are done
            start = time.perf_counter()
            store.update(_REFRESH_VIEW)
            timings["view"] += time.perf_counter() - start
        start = time.perf_counter()
        store.update(update)
        timings[name] += time.perf_counter() - start
    return next(store.quads_for_pattern(None, None, None, ox.NamedNode(new)), None) is not None


def materialise(store: ox.Store, max_rounds: int = 50) -> dict[str, float]:
    """Apply the rules to the default graph of `store` until nothing new is derived; what is
    derived is also collected in the graph INFERRED. The schema (scm-*) is closed first, on
    its own; then rounds of every rule, semi-naive after the first: the rules in DELTA look only
    at the previous round's new triples. Returns seconds per rule (over all rounds)."""
    timings = dict.fromkeys([*RULES, "view"], 0.0)
    first = _ROUND_GRAPHS[0]
    schema = {name: update for name, update in FULL[first].items() if name.startswith("scm-")}
    for _ in range(max_rounds):
        changed = _run(store, schema, first, timings)
        store.update(f"DROP SILENT GRAPH <{first}>")
        if not changed:
            break
    full, rounds = True, 0
    while rounds < max_rounds:
        new, delta = _ROUND_GRAPHS[rounds % 2], _ROUND_GRAPHS[(rounds + 1) % 2]
        rounds += 1
        changed = _run(store, (FULL if full else SEMI_NAIVE)[new], new, timings)
        store.update(f"DROP SILENT GRAPH <{delta}>")
        if not changed:
            break
        full = bool(store.query(_schema_changed(new)))
    store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in (*_ROUND_GRAPHS, VIEW)))
    timings["rounds"] = rounds
    return timings


def load_asserted(store: ox.Store, triples: Iterable) -> None:
    """Put rdflib triples in the default graph, which the rules work on."""
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in triples)


def inferred_triples(store: ox.Store) -> Graph:
    """The triples materialise() added, less kb.infer's noise filter, as an rdflib Graph."""
    inferred = Graph()
    empty = Graph()
    for q in store.quads_for_pattern(None, None, None, INFERRED):
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
