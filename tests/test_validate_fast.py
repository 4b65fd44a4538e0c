"""The parallel validation path (kb/shacl/parallel.py) reports exactly what the reference
pySHACL run (kb/shacl/pyshacl_engine.py) reports: same focus nodes, paths, values, shapes,
components and
severities, on the seed KB and on a generated fixture with injected violations."""

from __future__ import annotations

from pathlib import Path

from generated import generated_graph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from kb.shacl.parallel import targeted_shapes, validate_parallel, work_units
from kb.shacl.pyshacl_engine import validate

REPO = Path(__file__).resolve().parent.parent
MC = "https://w3id.org/mfg-clusters/ontology#"
ID = "https://w3id.org/mfg-clusters/id/"


def _assert_same(data: Graph, shapes: Graph, prefixes: dict[str, str]):
    reference = validate(data, shapes, prefixes)
    fast = validate_parallel(data, shapes, prefixes, workers=2)
    assert fast.results == reference.results
    assert fast.conforms == reference.conforms
    return reference


def test_work_is_split_and_balanced_on_the_seed_kb(seed):
    _config, data, shapes = seed
    parts = work_units(shapes, data, targeted_shapes(shapes), 2)
    assert len(parts) == 2
    units = [u for part in parts for u in part]
    assert any(subset is not None for _node, subset in units), "a large shape is split"
    # Every targeted shape is validated: whole once, or every property shape exactly once.
    for node in targeted_shapes(shapes):
        subsets = [s for n, s in units if n == str(node)]
        props = sorted(map(str, shapes.objects(node, SH.property)))
        if subsets and subsets[0] is not None:
            assert sorted(str(p) for s in subsets for p in s) == props


def test_parallel_validation_equals_reference_on_the_seed_kb(seed):
    config, data, shapes = seed
    report = _assert_same(data, shapes, config.prefixes)
    assert report.results, "the seed KB has warnings to compare"


def test_parallel_validation_equals_reference_with_injected_violations(seed):
    config, data, shapes = seed
    union = data + generated_graph(3000)
    clusters = sorted(union.subjects(RDF.type, URIRef(MC + "Cluster")))
    # A missing label, a value outside its code list, a literal where a concept belongs, a
    # blank-node statement with a bad unit, a concept without a scheme.
    for label in list(union.objects(clusters[0], SKOS.prefLabel)):
        union.remove((clusters[0], SKOS.prefLabel, label))
    union.add((clusters[1], URIRef(MC + "effraDomain"), URIRef(ID + "not-a-domain")))
    union.add((clusters[2], URIRef(MC + "technologyField"), Literal("robots")))
    figure = BNode()
    union.add((figure, RDF.type, URIRef(MC + "Figure")))
    union.add((figure, URIRef(MC + "unit"), URIRef(ID + "furlong")))
    union.add((URIRef(ID + "orphan-concept"), RDF.type, SKOS.Concept))
    report = _assert_same(union, shapes, config.prefixes)
    assert not report.conforms
    violations = {r.focus_node for r in report.results if r.severity == "Violation"}
    assert len(violations) >= 4
