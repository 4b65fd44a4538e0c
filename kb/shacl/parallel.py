"""Validation that scales: pySHACL on partitions of the shapes, in parallel processes.

kb.shacl.pyshacl_engine.validate is the reference: one pySHACL run over every shape. Here the
targeted
(top-level) shapes are split into balanced partitions by the number of focus nodes they select,
each partition is validated by pySHACL (`use_shapes`) in a forked process that inherits the data
and shapes graphs (nothing is pickled but the reports), and the reports are merged into one.
A shape's results do not depend on the other top-level shapes, so the merged results are exactly
the reference's; tests/test_validate_fast.py checks that on the seed KB and on a generated
fixture with injected violations.
"""

from __future__ import annotations

import multiprocessing
import os

import pyshacl
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kb.core.namespaces import DEFAULT_PREFIXES
from kb.shacl.report import ValidationOutcome, read_results
from kb.shacl.shapes import count_shapes, uses_shacl_af

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)

# Set in the parent just before forking; the workers read them (fork shares, never pickles).
_DATA: Graph | None = None
_SHAPES: Graph | None = None


def targeted_shapes(shapes: Graph) -> list[URIRef] | None:
    """The shapes with a target, or None if one of them is a blank node (use_shapes needs IRIs)."""
    found = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    found |= {
        s for s in shapes.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in shapes
    }
    if any(not isinstance(s, URIRef) for s in found):
        return None
    return sorted(found)


# A node shape with only these predicates has no constraint of its own: its sh:property shapes
# can be validated in separate runs (sh:closed, for one, needs all of them together).
_SPLITTABLE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.property,
    SH.message,
    SH.name,
    SH.description,
    SH.severity,
    *_TARGETS,
}


def work_units(shapes: Graph, data: Graph, chosen: list[URIRef], workers: int) -> list[list]:
    """Split the validation into `workers` balanced lists of units (shape, property shapes).

    The cost of a shape is its focus nodes times its property shapes. A shape with more than
    its share of the work whose only constraints are property shapes is cut into groups of them
    (None: the whole shape). Balanced longest-first.
    """
    graph = ShapesGraph(shapes)
    _ = graph.shapes
    target = DataGraph.from_rdflib(data)
    sized = []
    for node in chosen:
        focus = len(graph.lookup_shape_from_node(node).focus_nodes(target))
        props = sorted(shapes.objects(node, SH.property), key=str)
        if focus:
            sized.append((node, focus, props))
    total = sum(f * max(1, len(p)) for _, f, p in sized) or 1
    share = max(1, total // (2 * workers))
    units: list[tuple[int, str, list | None]] = []
    for node, focus, props in sized:
        cost = focus * max(1, len(props))
        splittable = all(p in _SPLITTABLE for p in shapes.predicates(node))
        if cost > share and splittable and len(props) > 1:
            groups = min(len(props), -(-cost // share))
            for g in range(groups):
                subset = props[g::groups]
                units.append((focus * len(subset), str(node), subset))
        else:
            units.append((cost, str(node), None))
    bins: list[tuple[int, list]] = [(0, []) for _ in range(workers)]
    for cost, node, subset in sorted(units, key=lambda u: (-u[0], u[1])):
        i = min(range(workers), key=lambda k: bins[k][0])
        bins[i] = (bins[i][0] + cost, [*bins[i][1], (node, subset)])
    return [b for _, b in bins if b]


def _run(use_shapes: list[str]) -> tuple[bool, bytes]:
    options = {
        "inference": "none",
        "advanced": False,
        "allow_warnings": True,
        "allow_infos": True,
        "use_shapes": use_shapes,
    }
    validator = pyshacl.Validator(
        DataGraph.from_rdflib(_DATA), shacl_graph=_SHAPES, options=options
    )
    # pySHACL's use_shapes builds only the listed shapes and their blank-node children, missing
    # named property shapes (sh:property mcsh:X); harvesting every shape first avoids that.
    _ = validator.shacl_graph.shapes
    conforms, report, _text = validator.run()
    return bool(conforms), report.serialize(format="nt", encoding="utf-8")


def _validate_units(units: list[tuple[str, list | None]]) -> list[tuple[bool, bytes]]:
    """One worker's share: whole shapes in one pySHACL run, each group of property shapes in
    its own (the others detached from the node shape in this process's copy of the shapes)."""
    assert _SHAPES is not None
    whole = [node for node, subset in units if subset is None]
    reports = [_run(whole)] if whole else []
    for node, subset in units:
        if subset is None:
            continue
        shape = URIRef(node)
        others = [p for p in _SHAPES.objects(shape, SH.property) if p not in subset]
        for p in others:
            _SHAPES.remove((shape, SH.property, p))
        try:
            reports.append(_run([node]))
        finally:
            for p in others:
                _SHAPES.add((shape, SH.property, p))
    return reports


def merge_reports(parts: list[tuple[bool, bytes]]) -> tuple[bool, Graph]:
    """One sh:ValidationReport holding every partition's results."""
    merged = Graph()
    report = BNode()
    conforms = all(c for c, _ in parts)
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, Literal(conforms)))
    for _, data in parts:
        g = Graph()
        g.parse(data=data, format="nt")
        own = set(g.subjects(RDF.type, SH.ValidationReport))
        for s, p, o in g:
            if s in own:
                if p == SH.result:
                    merged.add((report, SH.result, o))
                continue
            merged.add((s, p, o))
    return conforms, merged


def validate_parallel(
    data: Graph,
    shapes: Graph,
    prefixes: dict[str, str] | None = None,
    workers: int | None = None,
) -> ValidationOutcome:
    """kb.shacl.pyshacl_engine.validate, split over `workers` processes (default: the CPU count)."""
    from kb.shacl.pyshacl_engine import validate

    workers = workers or os.cpu_count() or 1
    chosen = targeted_shapes(shapes)
    if (
        workers < 2
        or chosen is None
        or len(chosen) < 2
        or uses_shacl_af(shapes)
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return validate(data, shapes, prefixes)
    global _DATA, _SHAPES
    _DATA, _SHAPES = data, shapes
    try:
        parts = work_units(shapes, data, chosen, workers)
        with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
            reports = [r for part in pool.map(_validate_units, parts, chunksize=1) for r in part]
    finally:
        _DATA = _SHAPES = None
    conforms, report = merge_reports(reports)
    for prefix, ns in (prefixes or {}).items():
        report.bind(prefix, ns, override=True, replace=True)
    results = read_results(report, prefixes or DEFAULT_PREFIXES)
    has_violation = any(r.severity == "Violation" for r in results)
    return ValidationOutcome(conforms and not has_violation, results, report, count_shapes(shapes))
