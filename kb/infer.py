"""Infer: materialise entailments with owlrl into a graph of their own, never into the data.

The closure is computed on a scratch copy of the asserted triples; what it adds, less the noise
OWL-RL is known to emit (literal subjects, reflexive sameAs, owl:Thing typing, tautologies about
vocabulary terms), becomes the inferred graph. Inconsistencies found by the reasoner are errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from .errors import InconsistencyError, KBError
from .store import from_ox

# Triples about these namespaces are vocabulary bookkeeping, not knowledge about the domain.
_BOOKKEEPING = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.Class, RDFS.Class, OWL.NamedIndividual}


class _RDFSWithoutLiteralRule(owlrl.RDFSClosure.RDFS_Semantics):
    """owlrl's RDFS closure compares every pair of literals (quadratic); that rule adds
    nothing the knowledge base uses, so it is skipped, as pySHACL does."""

    def one_time_rules(self) -> None:  # noqa: D401 - owlrl's hook
        return None


@dataclass
class InferenceResult:
    profile: str
    inferred: Graph

    def __len__(self) -> int:
        return len(self.inferred)


def _term_kind(term: object) -> str:
    return "literal" if isinstance(term, Literal) else "bnode" if isinstance(term, BNode) else "iri"


# The filter is written on (kind, lexical value) so that kb.rules applies the very same test to
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


# The inconsistencies the rules profile looks for after materialising (OWL 2 RL cax-dw,
# cax-adc, cls-nothing2, eq-diff1); owlrl finds these itself.
_CLASHES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?x ?a ?b WHERE {
  { ?a owl:disjointWith ?b . ?x a ?a , ?b . }
  UNION { ?all a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first ?a , ?b .
          FILTER(STR(?a) < STR(?b)) ?x a ?a , ?b . }
  UNION { ?x a owl:Nothing . BIND(owl:Nothing AS ?a) BIND(owl:Nothing AS ?b) }
  UNION { ?x owl:sameAs ?y . ?x owl:differentFrom ?y . BIND(owl:sameAs AS ?a)
          BIND(owl:differentFrom AS ?b) }
  UNION { ?x owl:differentFrom ?x . BIND(owl:differentFrom AS ?a) BIND(?x AS ?b) }
}"""


def _raise_clashes(clashes: list[str]) -> None:
    if clashes:
        raise InconsistencyError(
            "the reasoner found the knowledge base inconsistent:\n  " + "\n  ".join(sorted(clashes))
        )


def check_consistency(graph: Graph) -> None:
    """Raise InconsistencyError for individuals in disjoint classes and similar clashes."""
    _raise_clashes([f"{x} is both {a} and {b}" for x, a, b in graph.query(_CLASHES)])


def check_consistency_store(store: ox.Store) -> None:
    """check_consistency() on the default graph of a pyoxigraph store (asserted plus inferred
    triples, as kb.rules.materialise leaves it): the same query run by Oxigraph, the same
    InconsistencyError, no rdflib copy of the data."""
    names = ("x", "a", "b")
    _raise_clashes(
        [
            "{} is both {} and {}".format(*(from_ox(row[n]) for n in names))
            for row in store.query(_CLASHES)
        ]
    )


def infer(asserted: Graph, profile: str = "rules") -> InferenceResult:
    """Return the entailments of `asserted` under `profile`: rules (the OWL 2 RL rules the
    ontology uses, as SPARQL on Oxigraph; the default), owlrl (the reference), rdfs or none."""
    if profile == "none":
        return InferenceResult(profile, Graph())
    if profile == "rules":
        from .rules import infer_fast  # the fast path builds on this module's filter

        result = infer_fast(asserted)
        check_consistency(asserted + result.inferred)
        return InferenceResult(profile, result.inferred)
    semantics = {"owlrl": owlrl.OWLRL_Semantics, "rdfs": _RDFSWithoutLiteralRule}.get(profile)
    if semantics is None:
        raise KBError(f"unknown inference profile {profile!r}; choose rules, owlrl, rdfs or none")
    scratch = Graph()
    for triple in asserted:
        scratch.add(triple)
    owlrl.DeductiveClosure(
        semantics, axiomatic_triples=False, datatype_axioms=False, rdfs_closure=False
    ).expand(scratch)

    errors = sorted(str(m) for m in scratch.objects(None, ERRNS.error))
    if errors:
        raise InconsistencyError(
            "the reasoner found the knowledge base inconsistent:\n  " + "\n  ".join(errors)
        )
    inferred = Graph()
    for triple in scratch:
        if _keep(triple, asserted):
            inferred.add(triple)
    return InferenceResult(profile, inferred)
