"""The SHACL shapes in shapes/: meta-valid, silent on valid data, and each one proven to fire.

Fixtures are validated like the real pipeline: together with every ontology and code-list file,
after owlrl inference, with the shapes of shapes/. Invalid fixtures are DASH test cases
(tests/shapes/*.test.ttl): the data of one area plus a dash:GraphValidationTestCase whose
dash:expectedResult lists every result the data must give: focus node, path, severity,
constraint component and source shape. Each fixture uses its own namespace, so all fixtures are
validated in one run (inference and validation run once) and the report is split by namespace.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from kb.load import parse_file
from kb.reason import infer
from kb.shacl.pyshacl_engine import meta_validate, validate
from kb.shacl.report import ValidationOutcome
from kb.shacl.shapes import load_shapes

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
FIXTURES = Path(__file__).resolve().parent / "shapes"
VALID_DIR = FIXTURES / "valid"
DASH = Namespace("http://datashapes.org/dash#")
MCSH = "https://w3id.org/mfg-clusters/shapes#"

Result = tuple[str, str | None, str, str, str]  # focus, path, severity, component, shape


def _path_text(node: Node | None, graph: Graph) -> str | None:
    """A SHACL path as comparable text: IRIs as such, lists as (a b), ^p, alt(...)."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    if graph.value(node, RDF.first) is not None:
        return "(" + " ".join(_path_text(n, graph) or "" for n in Collection(graph, node)) + ")"
    for key, form in (
        (SH.inversePath, "^{}"),
        (SH.alternativePath, "alt{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, key)
        if inner is not None:
            return form.format(_path_text(inner, graph))
    raise AssertionError(f"unreadable path node {node!r}")


def _result(node: Node, graph: Graph) -> Result:
    def value(prop: URIRef) -> str:
        found = graph.value(node, prop)
        assert found is not None, f"result without {prop}"
        return str(found)

    return (
        value(SH.focusNode),
        _path_text(graph.value(node, SH.resultPath), graph),
        value(SH.resultSeverity),
        value(SH.sourceConstraintComponent),
        value(SH.sourceShape),
    )


def _reachable(graph: Graph, start: Node) -> set[tuple]:
    """The triples of `start` and of every blank node below it."""
    triples: set[tuple] = set()
    todo = [start]
    while todo:
        subject = todo.pop()
        for triple in graph.triples((subject, None, None)):
            if triple not in triples:
                triples.add(triple)
                if isinstance(triple[2], BNode):
                    todo.append(triple[2])
    return triples


class Fixture:
    """One DASH test-case file: its data, namespace and expected results."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name.removesuffix(".test.ttl")
        graph = parse_file(path)
        cases = list(graph.subjects(RDF.type, DASH.GraphValidationTestCase))
        assert len(cases) == 1, f"{path.name}: expected one dash:GraphValidationTestCase"
        self.case = cases[0]
        self.namespace = str(self.case).rsplit("#", 1)[0] + "#"
        self.expected: set[Result] = set()
        for report in graph.objects(self.case, DASH.expectedResult):
            for result in graph.objects(report, SH.result):
                self.expected.add(_result(result, graph))
        test_triples = _reachable(graph, self.case)
        self.data = Graph()
        for triple in graph:
            if triple not in test_triples:
                self.data.add(triple)


@functools.cache
def _ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        graph += parse_file(path)
    return graph


def _closure(data: Graph) -> Graph:
    """What kb.build.pipeline validates: ontology + data + owlrl entailments."""
    union = _ontology() + data  # `+` copies: the cached ontology graph stays untouched
    return union + infer(union).inferred


def _validate(data: Graph) -> ValidationOutcome:
    return validate(_closure(data), load_shapes(SHAPES_DIR))


FIXTURE_FILES = sorted(FIXTURES.glob("*.test.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES_DIR)


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Fixture]:
    return {f.name: f for f in map(Fixture, FIXTURE_FILES)}


@pytest.fixture(scope="module")
def valid_data() -> Graph:
    data = Graph()
    for path in sorted(VALID_DIR.glob("*.ttl")):
        data += parse_file(path)
    return data


@pytest.fixture(scope="module")
def invalid_report(fixtures, valid_data) -> tuple[Graph, dict[str, set[Result]]]:
    """One validation of every invalid fixture (over the valid sample they link to), with the
    results split by the namespace of their focus node."""
    data = Graph() + valid_data
    for fixture in fixtures.values():
        data += fixture.data
    outcome = _validate(data)
    report = outcome.report_graph
    by_namespace: dict[str, set[Result]] = defaultdict(set)
    for node in report.subjects(RDF.type, SH.ValidationResult):
        result = _result(node, report)
        by_namespace[result[0].rsplit("#", 1)[0] + "#"].add(result)
    return report, by_namespace


def _named_shapes(shapes: Graph) -> set[str]:
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    return {str(s) for s in named if isinstance(s, URIRef)}


def test_shapes_pass_shacl_for_shacl(shapes):
    outcome = meta_validate(shapes)
    assert outcome.conforms, outcome.text()


def test_every_shape_is_named_and_documented(shapes):
    """No anonymous top-level shapes; each named property shape has a name, description and
    message, each node shape a label and comment."""
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert isinstance(shape, URIRef) and str(shape).startswith(MCSH), shape
        for prop in (SH.name, SH.description, SH.message):
            assert shapes.value(shape, prop) is not None, f"{shape} lacks {prop}"
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert isinstance(shape, URIRef) and str(shape).startswith(MCSH), shape
        assert shapes.value(shape, RDFS.label) is not None, f"{shape} lacks rdfs:label"
        assert shapes.value(shape, RDFS.comment) is not None, f"{shape} lacks rdfs:comment"


def test_shapes_are_split_by_severity(shapes):
    """Recommended shapes warn; everything else is a violation (the default)."""
    warn = parse_file(SHAPES_DIR / "recommended.shapes.ttl")
    for shape in _named_shapes(warn):
        if (URIRef(shape), RDF.type, SH.PropertyShape) in warn:
            assert warn.value(URIRef(shape), SH.severity) == SH.Warning, shape
    for name in ("core", "codelists", "provenance"):
        graph = parse_file(SHAPES_DIR / f"{name}.shapes.ttl")
        assert (None, SH.severity, SH.Warning) not in graph, name


def test_ontology_and_code_lists_alone_give_no_result():
    """The shapes leave the ontology's own terms and the vendored EURIO ontology alone, and
    the code lists (which the code-list shapes do target) are clean."""
    outcome = _validate(Graph())
    assert outcome.results == [], outcome.text()


@pytest.fixture(scope="module")
def valid_closure(valid_data) -> Graph:
    return _closure(valid_data)


def test_valid_fixtures_give_no_result(valid_closure):
    outcome = validate(valid_closure, load_shapes(SHAPES_DIR))
    assert outcome.results == [], outcome.text()


def test_valid_fixtures_reach_every_targeted_shape(shapes, valid_closure):
    """Each shape with a target has a focus node in the valid sample, so 'no result' means
    the sample passed that shape, not that the shape never looked at it."""
    valid = "https://example.org/valid#"
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        focus: set[Node] = set()
        for cls in shapes.objects(shape, SH.targetClass):
            focus |= set(valid_closure.subjects(RDF.type, cls))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            focus |= set(valid_closure.subjects(prop, None))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            focus |= set(valid_closure.objects(None, prop))
        assert any(str(node).startswith(valid) for node in focus), f"{shape} has no valid focus"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_invalid_fixture_gives_exactly_the_expected_results(path, fixtures, invalid_report):
    fixture = fixtures[path.name.removesuffix(".test.ttl")]
    assert fixture.expected, f"{path.name} expects no result"
    _report, by_namespace = invalid_report
    actual = by_namespace.get(fixture.namespace, set())
    missing = sorted(fixture.expected - actual, key=str)
    unexpected = sorted(actual - fixture.expected, key=str)
    assert not missing and not unexpected, (
        f"{path.name}\n missing: {missing}\n unexpected: {unexpected}"
    )


def test_invalid_fixtures_leave_the_valid_sample_alone(fixtures, invalid_report):
    _report, by_namespace = invalid_report
    known = {f.namespace for f in fixtures.values()}
    stray = {ns: r for ns, r in by_namespace.items() if ns not in known}
    assert not stray, stray


def test_every_shape_has_a_failing_fixture(shapes, fixtures):
    """A shape cannot be added without a fixture that makes it fire."""
    fired = {result[4] for f in fixtures.values() for result in f.expected}
    # A node shape is proven by a result of its own or of one of its property shapes.
    covered = fired | {
        str(node) for node, prop in shapes.subject_objects(SH.property) if str(prop) in fired
    }
    uncovered = sorted(_named_shapes(shapes) - covered)
    assert not uncovered, f"shapes without an invalid fixture: {uncovered}"


def test_expected_results_name_real_shapes(shapes, fixtures):
    named = _named_shapes(shapes)
    for fixture in fixtures.values():
        for result in fixture.expected:
            assert result[4] in named, f"{fixture.name}: unknown shape {result[4]}"


def test_alignments_are_annotations_only():
    """ontology/alignments.ttl must not drive inference: besides its header it uses only SKOS
    mapping properties and rdfs:seeAlso, for which neither owlrl nor the ontology has rules."""
    alignments = parse_file(ROOT / "ontology" / "alignments.ttl")
    assert (None, OWL.imports, None) not in alignments
    header = next(iter(alignments.subjects(RDF.type, OWL.Ontology)))
    allowed = {SKOS.closeMatch, SKOS.relatedMatch, SKOS.exactMatch, RDFS.seeAlso}
    declaration = {(prop, RDF.type, OWL.AnnotationProperty) for prop in allowed}
    for triple in alignments:
        subject, predicate, _object = triple
        assert subject == header or predicate in allowed or triple in declaration, (
            f"not an annotation: {triple}"
        )
    # Nothing in the ontology gives these properties semantics beyond being annotations.
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        if path.name != "alignments.ttl":
            graph = parse_file(path)
            for prop in allowed:
                stated = set(graph.triples((prop, None, None))) - declaration
                assert not stated, f"{path.name} gives {prop} semantics: {stated}"
