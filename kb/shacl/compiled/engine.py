"""Validation that scales: the SHACL Core shapes compiled to SPARQL and run by Oxigraph.

kb.shacl.pyshacl_engine (pySHACL) is the reference; this module gives the same results (severity,
focus
node, path, value, message, source shape, constraint component) and the same report graph,
and is checked against it by tests/test_validate_sparql.py. Each constraint of a targeted shape
becomes one set-oriented SELECT over all the shape's focus nodes (never a query per node);
nested shapes (the members of sh:or, sh:qualifiedValueShape) become SPARQL expressions inside it.

Where SPARQL and pySHACL disagree in details (Python regular expressions, rdflib's notion of an
ill-typed literal, rdflib term equality for sh:in, literal comparison for sh:minInclusive), the
distinct values a constraint looks at are fetched once and judged in Python with pySHACL's own
rules; only the values that fail go back into the query, as sameTerm tests.

pySHACL behaviours reproduced on purpose: sh:class follows rdfs:subClassOf* in the data graph;
sh:uniqueLang reports once per duplicated language with no sh:value; qualified counts report
no sh:value; a nested shape with severity sh:Warning or sh:Info counts as conforming (pySHACL
runs with allow_warnings/allow_infos); sh:qualifiedValueShape on a node shape is ignored;
messages are the shape's sh:message values (language tags kept) or pySHACL's default text.

Compiled: all of SHACL Core (the W3C Core test suite passes whole: tests/test_w3c_shacl.py):
targets (class, implicit class, node, subjectsOf, objectsOf), every sh:path form, sh:class,
datatype, nodeKind, pattern (+ flags), languageIn, in, min/max In/Exclusive, min/maxLength,
hasValue, closed (+ ignoredProperties), equals, disjoint, lessThan(OrEquals), or, and, xone,
not, node, minCount, maxCount, uniqueLang, qualifiedValueShape with qualifiedMin/MaxCount (and
qualifiedValueShapesDisjoint), nested sh:property, sh:deactivated, sh:severity, sh:message.
A shape using anything else (SHACL-SPARQL, SHACL-AF, sh:datatype rdfs:Datatype, a blank-node
sh:targetNode, sh:closed on a property shape, property pairs inside a nested shape, a
recursive shape, on a store an integer-derived sh:datatype) raises ShapeError naming the shape
and the feature, and no outcome is returned: the caller can then use the pySHACL reference.
(A per-shape fallback to pySHACL would need the whole data graph copied into rdflib, the very
cost this module avoids.) Nothing is skipped silently. pySHACL's sh:detail (why a nested
shape failed) is not written.

Known differences, from Oxigraph's term model (docs/conformance.md): it does not tell a plain
literal "a" from "a"^^xsd:string (RDF 1.1 says they are one term; rdflib keeps them apart); it
stores numbers in canonical form, every integer-derived datatype as xsd:integer and language
tags in lower case, so two spellings of one value count as one, and in the report graph of
validate_store sh:value reads "4" for "4.0" or "x"@en-gb for "x"@en-GB (validate_graph maps
results back to the data's own literals).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from kb.core.namespaces import DEFAULT_PREFIXES
from kb.shacl.compiled.classes import _ClassTests
from kb.shacl.compiled.common import _report_graph, _Run, targeted_shapes
from kb.shacl.compiled.nested import _NestedShapes
from kb.shacl.compiled.results import _Results
from kb.shacl.compiled.shapes_graph import _ShapesGraphReading
from kb.shacl.compiled.targeted import _TargetedShapes
from kb.shacl.compiled.value_sets import _ValueSetConstraints
from kb.shacl.compiled.value_tests import _ValueTests
from kb.shacl.report import ValidationOutcome, read_results
from kb.shacl.shapes import count_shapes
from kb.store import stored_literals, to_ox


class _Compiler(
    _ShapesGraphReading,
    _ClassTests,
    _ValueTests,
    _ValueSetConstraints,
    _NestedShapes,
    _TargetedShapes,
    _Results,
):
    """Compiles each targeted shape, one constraint family per mixin (as pySHACL keeps one
    module per constraint family), and runs the queries on the data."""

    def __init__(self, run: _Run):
        self.run = run
        self.sg = run.shapes
        self.message_cache: dict[Node, list[Literal]] = {}
        self.active: list[Node] = []  # the shapes being compiled, outermost first


def validate_store(
    store: ox.Store,
    shapes: Graph,
    prefixes: dict[str, str] | None = None,
    graph: str | None = None,
    *,
    data_view: Graph | None = None,
    originals: dict[Literal, Literal] | None = None,
    allow_warnings: bool = True,
) -> ValidationOutcome:
    """Validate the default graph of `store` (or the named graph `graph`) against `shapes`,
    with the results pySHACL (kb.shacl.pyshacl_engine.validate) gives on the same triples.

    `data_view` is for validate_graph: the rdflib graph the data came from, used only to write
    pySHACL's default messages (which print nodes with the data graph's prefixes), and
    `originals` maps each literal as Oxigraph stores it to the data's own (see _Run).
    With allow_warnings (kb.shacl.pyshacl_engine's choice), results of severity sh:Warning or
    sh:Info do
    not break conformance and nested shapes of those severities always conform; without, the
    SHACL specification's rule holds: any result breaks it."""
    run = _Run(
        store=store,
        default_graph=ox.NamedNode(graph) if graph else None,
        shapes=shapes,
        view=data_view if data_view is not None else Graph(),
        view_is_data=data_view is not None,
        originals=originals or {},
        allowed=(SH.Warning, SH.Info) if allow_warnings else (),
    )
    compiler = _Compiler(run)
    for shape in targeted_shapes(shapes):
        compiler.validate_targeted(shape)
    # pySHACL: a targeted shape whose own severity is not allowed fails on any result of a
    # severity that is not allowed; kb.shacl.pyshacl_engine then also fails on any sh:Violation.
    failing_tops = {
        r.top
        for r in run.results
        if run.severity(r.top) not in run.allowed and run.severity(r.shape) not in run.allowed
    }
    has_violation = any(run.severity(r.shape) == SH.Violation for r in run.results)
    conforms = not failing_tops and not has_violation
    report = _report_graph(run, not failing_tops, run.results)
    for prefix, ns in (prefixes or {}).items():
        report.bind(prefix, ns, override=True, replace=True)
    results = read_results(report, prefixes or DEFAULT_PREFIXES)
    return ValidationOutcome(conforms, results, report, count_shapes(shapes))


def load_graph(data: Graph, store: ox.Store | None = None) -> ox.Store:
    """An Oxigraph store whose default graph holds the triples of `data`."""
    store = store if store is not None else ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), default) for s, p, o in data)
    return store


def validate_graph(
    data: Graph,
    shapes: Graph,
    prefixes: dict[str, str] | None = None,
    *,
    allow_warnings: bool = True,
) -> ValidationOutcome:
    """validate_store on a copy of `data` in a fresh in-memory store (small inputs, tests);
    results name literals as `data` spells them."""
    return validate_store(
        load_graph(data),
        shapes,
        prefixes,
        data_view=data,
        originals=stored_literals(data),
        allow_warnings=allow_warnings,
    )
