"""The compiled SPARQL validator (kb/shacl/compiled.py) reports exactly what the pySHACL
reference (kb/shacl/pyshacl_engine.py) reports: the same sorted results (severity, focus node,
path, value,
message, shape, component), the same conforms flag and an isomorphic report graph; on the seed
KB, on every DASH test case of tests/shapes, on a generated fixture with injected violations and
on small shapes graphs that exercise the corners of each constraint."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from generated import generated_graph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS, XSD
from rdflib.term import Node
from test_shapes import FIXTURE_FILES, VALID_DIR, Fixture, _closure

from kb.core.errors import KBError
from kb.load import parse_file
from kb.shacl.compiled import load_graph, validate_graph, validate_store
from kb.shacl.pyshacl_engine import validate
from kb.shacl.report import ValidationOutcome
from kb.shacl.shapes import load_shapes

REPO = Path(__file__).resolve().parent.parent
MC = "https://w3id.org/mfg-clusters/ontology#"
ID = "https://w3id.org/mfg-clusters/id/"


def _canonical(graph: Graph) -> tuple:
    """The report as nested sorted tuples, blank nodes replaced by what hangs below them: an
    isomorphism test for tree-shaped reports that, unlike rdflib.compare, stays fast on
    hundreds of similar results. pySHACL's sh:detail (why a nested shape failed) is left out:
    the compiled validator does not write it."""

    def expand(node: Node, depth: int = 0):
        if not isinstance(node, BNode) or depth > 12:
            return ("term", node.n3())
        below = [(p, o) for p, o in graph.predicate_objects(node) if p != SH.detail]
        return ("blank", tuple(sorted((p.n3(), expand(o, depth + 1)) for p, o in below)))

    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    results = sorted(expand(r) for r in graph.objects(report, SH.result))
    return graph.value(report, SH.conforms), results


def _assert_same(data: Graph, shapes: Graph, prefixes: dict[str, str] | None = None):
    reference = validate(data, shapes, prefixes)
    compiled = validate_graph(data, shapes, prefixes)
    assert compiled.results == reference.results
    assert compiled.conforms == reference.conforms
    assert compiled.shapes_count == reference.shapes_count
    assert _canonical(compiled.report_graph) == _canonical(reference.report_graph)
    return reference


def test_seed_kb_gives_the_reference_results(seed):
    config, data, shapes = seed
    report = _assert_same(data, shapes, config.prefixes)
    assert report.results, "the seed KB has warnings to compare"


def test_seed_kb_in_a_named_graph_of_a_store(seed):
    """validate_store reads only the graph it is given: the default graph, or a named one."""
    config, data, shapes = seed
    store = ox.Store()
    graph = ox.NamedNode("https://example.org/kb")
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in load_graph(data))
    outcome = validate_store(store, shapes, config.prefixes, graph=graph.value)
    assert outcome.results == validate(data, shapes, config.prefixes).results
    assert validate_store(store, shapes, config.prefixes).results == []


def test_dash_test_cases_give_the_reference_results():
    """Every invalid fixture of tests/shapes, validated together as tests/test_shapes.py does,
    and each gives the results its dash:expectedResult lists."""
    data = Graph()
    for path in sorted(VALID_DIR.glob("*.ttl")):
        data += parse_file(path)
    fixtures = [Fixture(path) for path in FIXTURE_FILES]
    for fixture in fixtures:
        data += fixture.data
    shapes = load_shapes(REPO / "shapes")
    closure = _closure(data)
    report = _assert_same(closure, shapes)
    assert not report.conforms
    compiled = validate_graph(closure, shapes)
    for fixture in fixtures:
        found = {
            (r.severity, r.component, r.shape)
            for r in compiled.results
            if r.focus_node.startswith(f"<{fixture.namespace}")
        }
        expected = {
            (sev.rsplit("#", 1)[-1], comp.rsplit("#", 1)[-1], f"mcsh:{shape.rsplit('#', 1)[-1]}")
            for _focus, _path, sev, comp, shape in fixture.expected
        }
        assert found == expected, fixture.name


def test_valid_fixtures_give_no_result():
    data = Graph()
    for path in sorted(VALID_DIR.glob("*.ttl")):
        data += parse_file(path)
    outcome = validate_graph(_closure(data), load_shapes(REPO / "shapes"))
    assert outcome.conforms and outcome.results == [], outcome.text()


def test_generated_fixture_with_injected_violations(seed):
    config, data, shapes = seed
    union = data + generated_graph(10_000)
    clusters = sorted(union.subjects(RDF.type, URIRef(MC + "Cluster")))
    # A missing label, a value outside its code list, a literal where a concept belongs, a
    # blank-node statement with a bad unit, a concept without a scheme, an ill-typed value,
    # a duplicated language, a bad currency code.
    for label in list(union.objects(clusters[0], SKOS.prefLabel)):
        union.remove((clusters[0], SKOS.prefLabel, label))
    union.add((clusters[1], URIRef(MC + "effraDomain"), URIRef(ID + "not-a-domain")))
    union.add((clusters[2], URIRef(MC + "technologyField"), Literal("robots")))
    union.add((clusters[3], SKOS.prefLabel, Literal("Zweiter Name", lang="de")))
    union.add((clusters[3], SKOS.prefLabel, Literal("Erster Name", lang="DE")))
    figure = BNode()
    union.add((figure, RDF.type, URIRef(MC + "Figure")))
    union.add((figure, URIRef(MC + "unit"), URIRef(ID + "furlong")))
    union.add((figure, URIRef(MC + "value"), Literal("many", datatype=XSD.integer)))
    union.add((URIRef(ID + "orphan-concept"), RDF.type, SKOS.Concept))
    amount = next(iter(union.subjects(RDF.type, URIRef(MC + "MonetaryAmount"))), None)
    if amount is not None:
        union.add((amount, URIRef("http://data.europa.eu/s66#currency"), Literal("euro")))
    report = _assert_same(union, shapes, config.prefixes)
    assert not report.conforms
    violations = {r.focus_node for r in report.results if r.severity == "Violation"}
    assert len(violations) >= 5


PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
"""


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _edge(shapes: str, data: str) -> ValidationOutcome:
    """Both validators on a small case; the reference's outcome, which must have results."""
    outcome = _assert_same(_graph(data), _graph(shapes))
    assert outcome.results, "the case must make the shapes fire"
    return outcome


def test_datatypes_language_tags_and_ill_typed_literals():
    outcome = _edge(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] ,
                        [ sh:path ex:s ; sh:datatype xsd:string ] ,
                        [ sh:path ex:l ; sh:datatype rdf:langString ] ,
                        [ sh:path ex:d ; sh:datatype xsd:date ] ,
                        [ sh:path ex:any ; sh:datatype rdfs:Literal ] .
        """,
        """
        ex:a a ex:T ; ex:n 1, "abc"^^xsd:integer, "2"^^xsd:decimal, "3", ex:iri ;
            ex:s "plain", "typed"^^xsd:string, "tagged"@en, 4 ;
            ex:l "tagged"@en-GB, "plain" ;
            ex:d "2024-02-30"^^xsd:date, "2024-02-28"^^xsd:date ;
            ex:any "x", ex:notALiteral .
        """,
    )
    values = {r.value for r in outcome.results}
    assert {"'abc'", "'2'", "'3'", "'tagged'", "'plain'", "'2024-02-30'"} <= values


def test_blank_node_focus_nodes_and_default_messages():
    """Shapes without sh:message get pySHACL's default text, which prints blank nodes."""
    _edge(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:p ; sh:minCount 2 ] ,
                        [ sh:path ex:q ; sh:maxCount 1 ] ,
                        [ sh:path ex:k ; sh:nodeKind sh:IRI ; sh:class ex:C ] ,
                        [ sh:path ex:r ; sh:in ( "a" 1 ex:x ) ] ,
                        [ sh:path ex:o ; sh:or ( [ sh:datatype xsd:integer ] [ sh:class ex:C ] ) ] .
        """,
        """
        [] a ex:T ; ex:p 1 ; ex:q 1, 2 ; ex:k [ a ex:C ], ex:c1, "lit" ; ex:r "a", "b", 1, 2 ;
            ex:o 5, ex:c1, "x", [ ex:nested [ ex:deeper 1 ] ] .
        ex:named a ex:T ; ex:q ex:one, ex:two ; ex:r "1", ex:x, ex:y ; ex:k ex:c2 .
        ex:c1 a ex:C .
        ex:c2 a ex:Sub . ex:Sub rdfs:subClassOf ex:Mid . ex:Mid rdfs:subClassOf ex:C .
        """,
    )


def test_in_lists_of_literals_unique_lang_and_language_in():
    outcome = _edge(
        """
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:label ;
            sh:property [ sh:path ex:label ; sh:uniqueLang true ;
                          sh:languageIn ( "en" "fr" ) ; sh:message "label"@en ] ,
                        [ sh:path ex:level ; sh:in ( 1 2 "3" ) ] .
        """,
        """
        ex:a ex:label "A"@en, "AA"@EN, "b"@en-US, "c"@fr, "d"@FR-ca, "e"@de, "f"@de, "plain" ;
            ex:level 1, 3, "3", "2"^^xsd:decimal .
        ex:b ex:label "x"@de-AT .
        """,
    )
    components = {r.component for r in outcome.results}
    assert {"UniqueLangConstraintComponent", "LanguageInConstraintComponent"} <= components
    assert {"InConstraintComponent"} <= components


def test_patterns_ranges_and_qualified_counts():
    _edge(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:code ; sh:pattern "^[a-z]{2}$" ; sh:flags "i" ] ,
                        [ sh:path ex:id ; sh:pattern "^[A-Z]+$" ] ,
                        [ sh:path ex:level ; sh:minInclusive 0 ; sh:maxExclusive 3 ] ,
                        [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ;
                          sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ] ,
                        [ sh:path ( ex:link ex:code ) ; sh:minCount 1 ; sh:maxCount 1 ] .
        """,
        """
        ex:a a ex:T ; ex:code "AB", "abc", ex:iri ; ex:id "AB\\n", ex:ABC, _:b ;
            ex:level 0, 3, -1, "2", 2.5 ; ex:label "x"@en, "y"@en-GB ; ex:link ex:a, ex:b .
        ex:b a ex:T ; ex:label "z"@de ; ex:code "zz" .
        """,
    )


def test_node_level_or_with_a_nested_property_shape_and_other_targets():
    """sh:or on a node shape (as mcsh:CodeListConcept), sh:targetNode, sh:targetObjectsOf,
    an implicit class target, a deactivated shape and a warning severity."""
    _edge(
        """
        ex:S a sh:NodeShape ; sh:targetObjectsOf ex:top ; sh:targetNode ex:ghost ;
            sh:or ( [ sh:class ex:Exempt ]
                    [ sh:path ex:def ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ;
                      sh:qualifiedMinCount 1 ] ) .
        ex:T a sh:NodeShape, rdfs:Class ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] ,
                        [ sh:path ex:q ; sh:minCount 1 ; sh:deactivated true ] .
        """,
        """
        ex:s ex:top ex:c1, ex:c2, ex:c3 .
        ex:c1 ex:def "yes"@en . ex:c2 ex:def "nein"@de . ex:c3 a ex:Exempt .
        ex:t a ex:T .
        """,
    )


def test_logical_shape_based_and_string_length_constraints():
    """sh:and, sh:or, sh:xone, sh:not, sh:node, a nested count above three, sh:minLength and
    sh:maxLength on literals, IRIs and blank nodes."""
    _edge(
        """
        ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
        ex:Short a sh:NodeShape ; sh:maxLength 6 .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:p ; sh:node ex:Named ;
                          sh:not [ sh:class ex:Banned ] ] ,
                        [ sh:path ex:q ; sh:and ( ex:Short [ sh:minLength 2 ] ) ;
                          sh:xone ( [ sh:datatype xsd:string ] [ sh:nodeKind sh:IRI ] ) ] ,
                        [ sh:path ex:r ;
                          sh:or ( [ sh:path ex:item ; sh:minCount 4 ] [ sh:class ex:Big ] ) ] .
        """,
        """
        ex:a a ex:T ; ex:p ex:b, ex:c, [ ex:name "anon" ] ; ex:q "x", "abc", "toolong", ex:i,
            _:blank, 42 ; ex:r ex:list1, ex:list2 .
        ex:b ex:name "B" . ex:c a ex:Banned .
        ex:list1 ex:item 1, 2, 3, 4 . ex:list2 ex:item 1, 2, 3 .
        """,
    )


def test_value_sets_closed_shapes_and_property_pairs():
    """sh:hasValue, sh:equals and sh:disjoint on node and property shapes, sh:closed with
    sh:ignoredProperties, sh:lessThan / sh:lessThanOrEquals, also nested in sh:or."""
    _edge(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:closed true ;
            sh:ignoredProperties ( rdf:type ) ;
            sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ,
                        [ sh:path ex:low ; sh:lessThanOrEquals ex:high ] ,
                        [ sh:path ex:end ] , [ sh:path ex:high ] ,
                        [ sh:path ex:tag ; sh:hasValue "core" ; sh:equals ex:label ] ,
                        [ sh:path ex:label ; sh:disjoint ex:other ] ,
                        [ sh:path ex:other ;
                          sh:or ( [ sh:hasValue ex:none ] [ sh:path ex:tag ; sh:minCount 1 ] ) ] .
        ex:Self a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:equals ex:me ; sh:disjoint ex:not ;
            sh:hasValue ex:a .
        """,
        """
        ex:a a ex:T ; ex:start 1, 5 ; ex:end 3 ; ex:low "a", "b" ; ex:high "b", 2 ;
            ex:tag "core", "x" ; ex:label "core", "y" ; ex:other "y", ex:o1, ex:none ;
            ex:me ex:a ; ex:not ex:a ; ex:extra 1 .
        ex:b a ex:T ; ex:start "2020-01-01"^^xsd:date ; ex:end "2021-01-01"^^xsd:date ;
            ex:tag "x" ; ex:me ex:a, ex:b .
        ex:o1 ex:tag "t" .
        """,
    )


def test_unsupported_features_are_refused_by_name():
    shapes = _graph(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
            sh:sparql [ sh:select "SELECT $this WHERE { }" ] .
        """
    )
    with pytest.raises(KBError, match=r"https://example.org/S: uses sh:sparql"):
        validate_graph(_graph("ex:a a ex:T ."), shapes)
    recursive = _graph(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:node ex:S ] .
        """
    )
    with pytest.raises(KBError, match=r"refers back to itself"):
        validate_graph(_graph("ex:a a ex:T ; ex:p ex:b ."), recursive)


def test_integer_subtypes_are_refused_on_a_store_and_judged_on_a_graph():
    """Oxigraph stores "5"^^xsd:byte as "5"^^xsd:integer: on a store sh:datatype xsd:byte
    cannot be checked (refused, never a silent pass or fail); validate_graph still has the
    data's own literals and judges them as pySHACL does."""
    shapes = _graph(
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; "
        "sh:property [ sh:path ex:n ; sh:datatype xsd:byte ] ."
    )
    data = _graph('ex:a a ex:T ; ex:n "5"^^xsd:byte, "300"^^xsd:byte, 7 .')
    with pytest.raises(KBError, match=r"xsd:byte cannot be checked on an Oxigraph store"):
        validate_store(load_graph(data), shapes)
    outcome = _edge(shapes.serialize(format="turtle"), data.serialize(format="turtle"))
    assert {r.value for r in outcome.results} == {"'300'", "'7'"}


def test_queries_are_per_constraint_not_per_focus_node(monkeypatch):
    """Set-oriented: ten times the focus nodes, the same number of SPARQL queries."""
    import kb.shacl.compiled.common as compiled

    shapes = _graph(
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ;
                          sh:or ( [ sh:minInclusive 0 ] [ sh:class ex:C ] ) ] .
        """
    )
    counts = []
    select = compiled._Run.select
    for size in (20, 200):
        calls = []

        def counting(run, text, calls=calls):
            calls.append(text)
            return select(run, text)

        monkeypatch.setattr(compiled._Run, "select", counting)
        data = _graph(" ".join(f'ex:n{i} a ex:T ; ex:p {i - 5}, "x{i}" .' for i in range(size)))
        outcome = _assert_same(data, shapes)
        # per node: two values (maxCount), "x.." not an integer and in no sh:or member;
        # and the five negative numbers fail sh:or too
        assert outcome.count("Violation") == 3 * size + 5
        counts.append(len(calls))
    assert counts[0] == counts[1]


def test_property_counts_on_a_node_shape_are_refused():
    shapes = _graph("ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:minCount 1 .")
    with pytest.raises(KBError, match=r"sh:minCount needs a property shape"):
        validate_graph(_graph("ex:a a ex:T ."), shapes)
