"""Every rule of the OWL 2 RL tables (OWL 2 Profiles, section 4.3, tables 4-9) on a case of
its own, run by both inference profiles: the compiled rules (kb/reason/compiled.py, the build's
default)
and owlrl (the reference). For each case the rule's conclusion is entailed (or, for a rule
whose conclusion is false, the knowledge base is refused as inconsistent), and both profiles
give the same inferred triples. No W3C OWL 2 test suite is at hand as files (docs/
conformance.md says where the RL cases live and why they are not vendored); this is the
project's fixture for every rule, as kb.reason.entailments's filter leaves the conclusions visible.

KNOWN lists the cases where a profile is not expected to agree, each with the reason."""

from __future__ import annotations

import logging

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kb.core.errors import InconsistencyError, KBError
from kb.reason import infer

EX = "https://example.org/rl#"
PREFIXES = f"""@prefix ex: <{EX}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
FALSE = "inconsistent"
TAUTOLOGY = None  # the rule fires, but kb.reason.entailments's filter drops what it concludes


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


# rule -> (Turtle, the conclusion that must be inferred, FALSE or TAUTOLOGY)
CASES: dict[str, tuple[str, object]] = {
    # Table 4: equality
    "eq-ref": ("ex:a ex:p ex:b .", TAUTOLOGY),
    "eq-sym": ("ex:a owl:sameAs ex:b .", (ex("b"), OWL.sameAs, ex("a"))),
    "eq-trans": ("ex:a owl:sameAs ex:b . ex:b owl:sameAs ex:c .", (ex("a"), OWL.sameAs, ex("c"))),
    "eq-rep-s": ("ex:a owl:sameAs ex:b ; ex:p ex:c .", (ex("b"), ex("p"), ex("c"))),
    "eq-rep-p": ("ex:p owl:sameAs ex:q . ex:a ex:p ex:c .", (ex("a"), ex("q"), ex("c"))),
    "eq-rep-o": ("ex:a owl:sameAs ex:b . ex:c ex:p ex:a .", (ex("c"), ex("p"), ex("b"))),
    "eq-diff1": ("ex:a owl:sameAs ex:b ; owl:differentFrom ex:b .", FALSE),
    "eq-diff2": (
        "[] a owl:AllDifferent ; owl:members ( ex:a ex:b ) . ex:a owl:sameAs ex:b .",
        FALSE,
    ),
    "eq-diff3": (
        "[] a owl:AllDifferent ; owl:distinctMembers ( ex:a ex:b ) . ex:b owl:sameAs ex:a .",
        FALSE,
    ),
    # Table 5: properties
    "prp-ap": ("ex:note a owl:AnnotationProperty . ex:a ex:note 'x' .", TAUTOLOGY),
    "prp-dom": ("ex:p rdfs:domain ex:C . ex:a ex:p ex:b .", (ex("a"), RDF.type, ex("C"))),
    "prp-rng": ("ex:p rdfs:range ex:C . ex:a ex:p ex:b .", (ex("b"), RDF.type, ex("C"))),
    "prp-fp": (
        "ex:p a owl:FunctionalProperty . ex:a ex:p ex:b , ex:c .",
        (ex("b"), OWL.sameAs, ex("c")),
    ),
    "prp-ifp": (
        "ex:p a owl:InverseFunctionalProperty . ex:a ex:p ex:c . ex:b ex:p ex:c .",
        (ex("a"), OWL.sameAs, ex("b")),
    ),
    "prp-irp": ("ex:p a owl:IrreflexiveProperty . ex:a ex:p ex:a .", FALSE),
    "prp-symp": ("ex:p a owl:SymmetricProperty . ex:a ex:p ex:b .", (ex("b"), ex("p"), ex("a"))),
    "prp-asyp": ("ex:p a owl:AsymmetricProperty . ex:a ex:p ex:b . ex:b ex:p ex:a .", FALSE),
    "prp-trp": (
        "ex:p a owl:TransitiveProperty . ex:a ex:p ex:b . ex:b ex:p ex:c .",
        (ex("a"), ex("p"), ex("c")),
    ),
    "prp-spo1": ("ex:p rdfs:subPropertyOf ex:q . ex:a ex:p ex:b .", (ex("a"), ex("q"), ex("b"))),
    "prp-spo2": (
        "ex:q owl:propertyChainAxiom ( ex:p1 ex:p2 ex:p3 ) . "
        "ex:a ex:p1 ex:b . ex:b ex:p2 ex:c . ex:c ex:p3 ex:d .",
        (ex("a"), ex("q"), ex("d")),
    ),
    "prp-eqp1": (
        "ex:p owl:equivalentProperty ex:q . ex:a ex:p ex:b .",
        (ex("a"), ex("q"), ex("b")),
    ),
    "prp-eqp2": (
        "ex:p owl:equivalentProperty ex:q . ex:a ex:q ex:b .",
        (ex("a"), ex("p"), ex("b")),
    ),
    "prp-pdw": ("ex:p owl:propertyDisjointWith ex:q . ex:a ex:p ex:b ; ex:q ex:b .", FALSE),
    "prp-adp": (
        "[] a owl:AllDisjointProperties ; owl:members ( ex:p ex:q ex:r ) . "
        "ex:a ex:p ex:b ; ex:r ex:b .",
        FALSE,
    ),
    "prp-inv1": ("ex:p owl:inverseOf ex:q . ex:a ex:p ex:b .", (ex("b"), ex("q"), ex("a"))),
    "prp-inv2": ("ex:p owl:inverseOf ex:q . ex:a ex:q ex:b .", (ex("b"), ex("p"), ex("a"))),
    "prp-key": (
        "ex:C owl:hasKey ( ex:k ) . ex:a a ex:C ; ex:k 1 . ex:b a ex:C ; ex:k 1 .",
        (ex("a"), OWL.sameAs, ex("b")),
    ),
    "prp-npa1": (
        "[] owl:sourceIndividual ex:a ; owl:assertionProperty ex:p ; owl:targetIndividual ex:b . "
        "ex:a ex:p ex:b .",
        FALSE,
    ),
    "prp-npa2": (
        "[] owl:sourceIndividual ex:a ; owl:assertionProperty ex:p ; owl:targetValue 5 . "
        "ex:a ex:p 5 .",
        FALSE,
    ),
    # Table 6: classes
    "cls-thing": ("ex:a ex:p ex:b .", TAUTOLOGY),
    "cls-nothing1": ("ex:a ex:p ex:b .", TAUTOLOGY),
    "cls-nothing2": ("ex:a a owl:Nothing .", FALSE),
    "cls-int1": (
        "ex:C owl:intersectionOf ( ex:A ex:B ) . ex:a a ex:A , ex:B .",
        (ex("a"), RDF.type, ex("C")),
    ),
    "cls-int2": (
        "ex:C owl:intersectionOf ( ex:A ex:B ) . ex:a a ex:C .",
        (ex("a"), RDF.type, ex("B")),
    ),
    "cls-uni": ("ex:C owl:unionOf ( ex:A ex:B ) . ex:a a ex:B .", (ex("a"), RDF.type, ex("C"))),
    "cls-com": ("ex:A owl:complementOf ex:B . ex:a a ex:A , ex:B .", FALSE),
    "cls-svf1": (
        "ex:R owl:onProperty ex:p ; owl:someValuesFrom ex:D . ex:C owl:equivalentClass ex:R . "
        "ex:a ex:p ex:b . ex:b a ex:D .",
        (ex("a"), RDF.type, ex("C")),
    ),
    "cls-svf1-datatype": (
        "ex:R owl:onProperty ex:p ; owl:someValuesFrom xsd:decimal . "
        "ex:C owl:equivalentClass ex:R . ex:a ex:p 5 .",
        (ex("a"), RDF.type, ex("C")),
    ),
    "cls-svf2": (
        "ex:R owl:onProperty ex:p ; owl:someValuesFrom owl:Thing . "
        "ex:C owl:equivalentClass ex:R . ex:a ex:p ex:b .",
        (ex("a"), RDF.type, ex("C")),
    ),
    "cls-avf": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:allValuesFrom ex:D ] . "
        "ex:a a ex:C ; ex:p ex:b .",
        (ex("b"), RDF.type, ex("D")),
    ),
    "cls-hv1": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:hasValue ex:v ] . ex:a a ex:C .",
        (ex("a"), ex("p"), ex("v")),
    ),
    "cls-hv2": (
        "ex:C owl:equivalentClass [ owl:onProperty ex:p ; owl:hasValue ex:v ] . ex:a ex:p ex:v .",
        (ex("a"), RDF.type, ex("C")),
    ),
    "cls-maxc1": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:maxCardinality 0 ] . "
        "ex:a a ex:C ; ex:p ex:b .",
        FALSE,
    ),
    "cls-maxc2": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:maxCardinality 1 ] . "
        "ex:a a ex:C ; ex:p ex:b , ex:c .",
        (ex("b"), OWL.sameAs, ex("c")),
    ),
    "cls-maxqc1": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:maxQualifiedCardinality 0 ; "
        "owl:onClass ex:D ] . ex:a a ex:C ; ex:p ex:b . ex:b a ex:D .",
        FALSE,
    ),
    "cls-maxqc2": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:maxQualifiedCardinality 0 ; "
        "owl:onClass owl:Thing ] . ex:a a ex:C ; ex:p ex:b .",
        FALSE,
    ),
    "cls-maxqc3": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:maxQualifiedCardinality 1 ; "
        "owl:onClass ex:D ] . ex:a a ex:C ; ex:p ex:b , ex:c , ex:e . ex:b a ex:D . ex:c a ex:D .",
        (ex("b"), OWL.sameAs, ex("c")),
    ),
    "cls-maxqc4": (
        "ex:C rdfs:subClassOf [ owl:onProperty ex:p ; owl:maxQualifiedCardinality 1 ; "
        "owl:onClass owl:Thing ] . ex:a a ex:C ; ex:p ex:b , ex:c .",
        (ex("b"), OWL.sameAs, ex("c")),
    ),
    "cls-oo": ("ex:C owl:oneOf ( ex:a ex:b ) .", (ex("b"), RDF.type, ex("C"))),
    # Table 7: class axioms
    "cax-sco": ("ex:A rdfs:subClassOf ex:B . ex:a a ex:A .", (ex("a"), RDF.type, ex("B"))),
    "cax-eqc1": ("ex:A owl:equivalentClass ex:B . ex:a a ex:A .", (ex("a"), RDF.type, ex("B"))),
    "cax-eqc2": ("ex:A owl:equivalentClass ex:B . ex:a a ex:B .", (ex("a"), RDF.type, ex("A"))),
    "cax-dw": ("ex:A owl:disjointWith ex:B . ex:a a ex:A , ex:B .", FALSE),
    "cax-adc": (
        "[] a owl:AllDisjointClasses ; owl:members ( ex:A ex:B ex:C ) . ex:a a ex:A , ex:C .",
        FALSE,
    ),
    "cax-dw-anonymous": (
        "ex:A owl:disjointWith [ owl:unionOf ( ex:B ex:D ) ] . ex:a a ex:A , ex:D .",
        FALSE,
    ),
    # Table 8: datatypes
    "dt-type1": ("ex:a ex:p 1 .", TAUTOLOGY),
    "dt-type2": ("ex:a ex:p 1 .", TAUTOLOGY),
    "dt-eq": ("ex:a ex:p 1 .", TAUTOLOGY),
    "dt-diff": ("ex:a ex:p 1 , 2 .", TAUTOLOGY),
    "dt-not-type": ('ex:a ex:p "abc"^^xsd:integer .', FALSE),
    # Table 9: the schema vocabulary
    "scm-cls": ("ex:C a owl:Class .", TAUTOLOGY),
    "scm-sco": (
        "ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C .",
        (ex("A"), RDFS.subClassOf, ex("C")),
    ),
    "scm-eqc1": ("ex:A owl:equivalentClass ex:B .", (ex("A"), RDFS.subClassOf, ex("B"))),
    "scm-eqc2": (
        "ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:A .",
        (ex("A"), OWL.equivalentClass, ex("B")),
    ),
    "scm-op": ("ex:p a owl:ObjectProperty .", TAUTOLOGY),
    "scm-dp": ("ex:p a owl:DatatypeProperty .", TAUTOLOGY),
    "scm-spo": (
        "ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:r .",
        (ex("p"), RDFS.subPropertyOf, ex("r")),
    ),
    "scm-eqp1": ("ex:p owl:equivalentProperty ex:q .", (ex("q"), RDFS.subPropertyOf, ex("p"))),
    "scm-eqp2": (
        "ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:p .",
        (ex("p"), OWL.equivalentProperty, ex("q")),
    ),
    "scm-dom1": (
        "ex:p rdfs:domain ex:A . ex:A rdfs:subClassOf ex:B .",
        (ex("p"), RDFS.domain, ex("B")),
    ),
    "scm-dom2": (
        "ex:q rdfs:domain ex:A . ex:p rdfs:subPropertyOf ex:q .",
        (ex("p"), RDFS.domain, ex("A")),
    ),
    "scm-rng1": (
        "ex:p rdfs:range ex:A . ex:A rdfs:subClassOf ex:B .",
        (ex("p"), RDFS.range, ex("B")),
    ),
    "scm-rng2": (
        "ex:q rdfs:range ex:A . ex:p rdfs:subPropertyOf ex:q .",
        (ex("p"), RDFS.range, ex("A")),
    ),
    "scm-hv": (
        "ex:C1 owl:equivalentClass [ owl:onProperty ex:p ; owl:hasValue ex:v ] . "
        "ex:C2 owl:equivalentClass [ owl:onProperty ex:q ; owl:hasValue ex:v ] . "
        "ex:p rdfs:subPropertyOf ex:q .",
        (ex("C1"), RDFS.subClassOf, ex("C2")),
    ),
    "scm-svf1": (
        "ex:C1 owl:equivalentClass [ owl:onProperty ex:p ; owl:someValuesFrom ex:Y1 ] . "
        "ex:C2 owl:equivalentClass [ owl:onProperty ex:p ; owl:someValuesFrom ex:Y2 ] . "
        "ex:Y1 rdfs:subClassOf ex:Y2 .",
        (ex("C1"), RDFS.subClassOf, ex("C2")),
    ),
    "scm-svf2": (
        "ex:C1 owl:equivalentClass [ owl:onProperty ex:p ; owl:someValuesFrom ex:Y ] . "
        "ex:C2 owl:equivalentClass [ owl:onProperty ex:q ; owl:someValuesFrom ex:Y ] . "
        "ex:p rdfs:subPropertyOf ex:q .",
        (ex("C1"), RDFS.subClassOf, ex("C2")),
    ),
    "scm-avf1": (
        "ex:C1 owl:equivalentClass [ owl:onProperty ex:p ; owl:allValuesFrom ex:Y1 ] . "
        "ex:C2 owl:equivalentClass [ owl:onProperty ex:p ; owl:allValuesFrom ex:Y2 ] . "
        "ex:Y1 rdfs:subClassOf ex:Y2 .",
        (ex("C1"), RDFS.subClassOf, ex("C2")),
    ),
    "scm-avf2": (
        "ex:C1 owl:equivalentClass [ owl:onProperty ex:p ; owl:allValuesFrom ex:Y ] . "
        "ex:C2 owl:equivalentClass [ owl:onProperty ex:q ; owl:allValuesFrom ex:Y ] . "
        "ex:p rdfs:subPropertyOf ex:q .",
        (ex("C2"), RDFS.subClassOf, ex("C1")),
    ),
    "scm-int": ("ex:C owl:intersectionOf ( ex:A ex:B ) .", (ex("C"), RDFS.subClassOf, ex("A"))),
    "scm-uni": ("ex:C owl:unionOf ( ex:A ex:B ) .", (ex("B"), RDFS.subClassOf, ex("C"))),
    # literals copied by a rule keep the data's spelling on both profiles
    "copy-literals": (
        'ex:a owl:sameAs ex:b ; ex:p 4.0 , "1e0"^^xsd:double , "x"@EN-gb . '
        "ex:p rdfs:subPropertyOf ex:q .",
        (ex("b"), ex("q"), URIRef("placeholder")),
    ),
}

# (rule, profile) -> why that profile does not give the case's answer
KNOWN = {
    ("prp-key", "rules"): "refused by name: owl:hasKey (prp-key) is not compiled; use owlrl",
    ("dt-not-type", "rules"): (
        "left out on purpose: a literal that is no value of its datatype is a data fault the "
        "shapes report (sh:datatype: focus node, path, message, exit 1); finding every one "
        "needs a scan of every literal, 0.4-0.9 s at 10^5 triples against 1 s for the whole "
        "inference; owlrl checks each literal against its own datatype"
    ),
}


def _outcome(rule: str, profile: str):
    turtle, _expected = CASES[rule]
    graph = Graph().parse(data=PREFIXES + turtle, format="turtle")
    try:
        return set(infer(graph, profile).inferred)
    except InconsistencyError as exc:
        return FALSE, str(exc)
    except KBError as exc:
        return "refused", str(exc)


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # rdflib logs the ill-typed literal of dt-not-type
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule(rule: str) -> None:
    _turtle, expected = CASES[rule]
    outcomes = {profile: _outcome(rule, profile) for profile in ("rules", "owlrl")}
    for profile, outcome in outcomes.items():
        if (rule, profile) in KNOWN:
            if rule == "prp-key":
                assert outcome[0] == "refused" and "owl:hasKey" in outcome[1]
            else:  # still not the case's answer, or the entry goes
                assert not (isinstance(outcome, tuple) and outcome[0] == expected), rule
            continue
        if expected == FALSE:
            assert isinstance(outcome, tuple) and outcome[0] == FALSE, (profile, outcome)
            assert f"OWL 2 RL {rule.split('-')[0]}" in outcome[1] or profile == "owlrl"
        elif rule == "copy-literals":  # the very terms of the data, as rdflib parsed them
            data = Graph().parse(data=PREFIXES + CASES[rule][0], format="turtle")
            copied = {o.n3() for s, p, o in outcome if (s, p) == (ex("b"), ex("q"))}
            assert copied == {o.n3() for o in data.objects(ex("a"), ex("p"))}, (profile, copied)
        elif expected is not TAUTOLOGY:
            assert expected in outcome, (profile, expected)
    if not any((rule, profile) in KNOWN for profile in outcomes):
        assert outcomes["rules"] == outcomes["owlrl"] or expected == FALSE, (
            sorted(outcomes["rules"] - outcomes["owlrl"])[:5],
            sorted(outcomes["owlrl"] - outcomes["rules"])[:5],
        )
