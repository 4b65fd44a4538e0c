"""Infer: materialise entailments with owlrl into a graph of their own, never into the data.

The closure is computed on a scratch copy of the asserted triples; what it adds, less the noise
OWL-RL is known to emit (literal subjects, reflexive sameAs, owl:Thing typing, tautologies about
vocabulary terms), becomes the inferred graph. Inconsistencies found by the reasoner are errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from kb.core.errors import InconsistencyError
from kb.store import from_ox, to_ox

# Triples about these namespaces are vocabulary bookkeeping, not knowledge about the domain.
_BOOKKEEPING = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.Class, RDFS.Class, OWL.NamedIndividual}


@dataclass
class InferenceResult:
    profile: str
    inferred: Graph

    def __len__(self) -> int:
        return len(self.inferred)


def _term_kind(term: object) -> str:
    return "literal" if isinstance(term, Literal) else "bnode" if isinstance(term, BNode) else "iri"


# The filter is written on (kind, lexical value) so that kb.reason.compiled applies the very same
# test to
# Oxigraph terms without converting a million of them to rdflib.
_SCHEMA_RELATIONS = frozenset(
    str(p)
    for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
)
_TRIVIAL = frozenset(str(o) for o in _TRIVIAL_OBJECTS)
_SAME_AS, _TYPE = str(OWL.sameAs), str(RDF.type)


def subject_kept(kind: str, value: str) -> bool:
    """Whether an inferred triple with this subject may be kept: not a literal, not a blank node
    (entailments about anonymous class expressions, x a [owl:Restriction ...], name nothing
    anyone can link to, and blank nodes do not travel between graphs or stores), not a term of
    the RDF/RDFS/OWL/XSD vocabularies (bookkeeping, not knowledge about the domain)."""
    return kind == "iri" and not value.startswith(_BOOKKEEPING)


def statement_kept(predicate: str, kind: str, value: str, object_is_subject: bool) -> bool:
    """Whether an inferred triple with this predicate IRI and object may be kept, given that
    subject_kept() holds: no blank-node objects, no reflexive sameAs/subclass/subproperty
    tautologies, no typing with owl:Thing and the like or with vocabulary classes (x a
    owl:ObjectProperty restates the ontology)."""
    if kind == "bnode":
        return False
    if object_is_subject and (predicate == _SAME_AS or predicate in _SCHEMA_RELATIONS):
        return False
    if kind != "iri":
        return True
    if predicate in _SCHEMA_RELATIONS:
        return value not in _TRIVIAL
    if predicate == _TYPE:
        return value not in _TRIVIAL and not value.startswith(_BOOKKEEPING)
    return True


def _keep(triple: tuple, asserted: Graph) -> bool:
    s, p, o = triple
    if isinstance(s, Literal) or triple in asserted:
        return False
    s_kind, o_kind = _term_kind(s), _term_kind(o)
    return subject_kept(s_kind, str(s)) and statement_kept(
        str(p), o_kind, str(o), s_kind == o_kind and str(s) == str(o)
    )


# The OWL 2 RL rules whose conclusion is false (tables 4-9 of OWL 2 Profiles, section 4.3),
# as one query over a closed graph: ?rule names the rule, ?x/?y the individuals (or value),
# ?a/?b the classes or properties. dt-not-type is the one left out (docs/conformance.md).
_CLASHES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?rule ?x ?y ?a ?b WHERE {
  { ?a owl:disjointWith ?b . ?x a ?a , ?b . BIND("cax-dw" AS ?rule) }
  UNION { ?all a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first ?a , ?b .
          FILTER(STR(?a) < STR(?b)) ?x a ?a , ?b . BIND("cax-adc" AS ?rule) }
  UNION { ?x a owl:Nothing . BIND("cls-nothing2" AS ?rule) }
  UNION { ?a owl:complementOf ?b . ?x a ?a , ?b . BIND("cls-com" AS ?rule) }
  UNION { ?x owl:sameAs ?y . ?x owl:differentFrom ?y . BIND("eq-diff1" AS ?rule) }
  UNION { ?x owl:differentFrom ?x . BIND(?x AS ?y) BIND("eq-diff1" AS ?rule) }
  UNION { ?all a owl:AllDifferent ; owl:members|owl:distinctMembers ?list .
          ?list rdf:rest*/rdf:first ?x , ?y . FILTER(STR(?x) < STR(?y)) ?x owl:sameAs ?y .
          BIND("eq-diff2" AS ?rule) }
  UNION { ?a a owl:IrreflexiveProperty . ?x ?a ?x . BIND("prp-irp" AS ?rule) }
  UNION { ?a a owl:AsymmetricProperty . ?x ?a ?y . ?y ?a ?x . BIND("prp-asyp" AS ?rule) }
  UNION { ?a owl:propertyDisjointWith ?b . ?x ?a ?y . ?x ?b ?y . BIND("prp-pdw" AS ?rule) }
  UNION { ?all a owl:AllDisjointProperties ; owl:members/rdf:rest*/rdf:first ?a , ?b .
          FILTER(STR(?a) < STR(?b)) ?x ?a ?y . ?x ?b ?y . BIND("prp-adp" AS ?rule) }
  UNION { ?n owl:sourceIndividual ?x ; owl:assertionProperty ?a .
          { ?n owl:targetIndividual ?y } UNION { ?n owl:targetValue ?y } ?x ?a ?y .
          BIND("prp-npa" AS ?rule) }
  UNION { ?b owl:maxCardinality ?zero ; owl:onProperty ?a . FILTER(?zero = 0)
          ?x a ?b ; ?a ?y . BIND("cls-maxc1" AS ?rule) }
  UNION { ?b owl:maxQualifiedCardinality ?zero ; owl:onProperty ?a ; owl:onClass ?c .
          FILTER(?zero = 0) ?x a ?b ; ?a ?y .
          FILTER(?c = owl:Thing || EXISTS { ?y a ?c }) BIND("cls-maxqc1" AS ?rule) }
}"""

_CLASH_TEXT = {
    "cax-dw": "{x} is both {a} and {b}, disjoint classes",
    "cax-adc": "{x} is both {a} and {b}, disjoint classes",
    "cls-nothing2": "{x} is an owl:Nothing",
    "cls-com": "{x} is both {a} and {b}, its complement",
    "eq-diff1": "{x} is both owl:sameAs and owl:differentFrom {y}",
    "eq-diff2": "{x} and {y} are owl:sameAs but listed as owl:AllDifferent",
    "prp-irp": "{x} {a} {x}, but {a} is irreflexive",
    "prp-asyp": "{x} {a} {y} and {y} {a} {x}, but {a} is asymmetric",
    "prp-pdw": "{x} {a} {y} and {x} {b} {y}, but the two properties are disjoint",
    "prp-adp": "{x} {a} {y} and {x} {b} {y}, but the two properties are disjoint",
    "prp-npa": "{x} {a} {y}, which a negative property assertion denies",
    "cls-maxc1": "{x} {a} {y}, but {x} is in {b}, which allows no value of {a}",
    "cls-maxqc1": "{x} {a} {y}, but {x} is in {b}, which allows no such value of {a}",
}


def clash_text(rule: str, x: object, y: object, a: object, b: object) -> str:
    """One inconsistency in words, with the OWL 2 RL rule that found it."""
    return _CLASH_TEXT[rule].format(x=x, y=y, a=a, b=b) + f" (OWL 2 RL {rule})"


def raise_clashes(clashes: list[str]) -> None:
    if clashes:
        raise InconsistencyError(
            "the reasoner found the knowledge base inconsistent:\n  " + "\n  ".join(sorted(clashes))
        )


def check_consistency(graph: Graph) -> None:
    """Raise InconsistencyError for each OWL 2 RL rule with a false conclusion that fires
    (the query is run by Oxigraph on a copy: rdflib's engine takes seconds on the seed KB)."""
    store = ox.Store()
    # owlrl's closure has literal subjects (its datatype typing): no clash rule reads them
    store.extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph if not isinstance(s, Literal)
    )
    check_consistency_store(store)


def _shown(node: object) -> object:
    return node.n3() if isinstance(node, Literal) else node


def check_consistency_store(store: ox.Store) -> None:
    """check_consistency() on the default graph of a pyoxigraph store: the same query run by
    Oxigraph, the same InconsistencyError, no rdflib copy of the data."""
    names = ("x", "y", "a", "b")
    raise_clashes(
        [
            clash_text(row["rule"].value, *(_shown(from_ox(row[n])) for n in names))
            for row in store.query(_CLASHES)
        ]
    )
