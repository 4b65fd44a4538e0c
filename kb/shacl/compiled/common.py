"""What the compiler's constraint families share: the parameters they read, the SPARQL
terms they write, the scope of a value set, a run's state, the report graph."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kb.store import from_ox, to_ox

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


# Constraint parameters this module compiles; any other SHACL parameter on a shape is refused.
# Tested on values one by one (node shapes: the focus node is the value):
_VALUE_PARAMS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
    SH.node,
}


# Tested on the whole set of values of a focus node, on node and property shapes alike:
_SET_PARAMS = {SH.hasValue, SH.equals, SH.disjoint}


_NODE_PARAMS = {SH.closed, SH.ignoredProperties}


_PROPERTY_PARAMS = {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
}


_HARMLESS = {
    *_TARGETS,
    SH.property,
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.deactivated,
    SH.flags,
    SH.order,
    SH.group,
    SH.defaultValue,
}


_COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
}


# Results of these components carry no sh:value (the SHACL spec, and pySHACL).
_NO_VALUE = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.hasValue}


# Oxigraph stores a literal of these datatypes as a literal of another one (every type derived
# from xsd:integer as xsd:integer, "300"^^xsd:byte included): on a store the original datatype
# is gone, so sh:datatype with one of them cannot be checked there.
_XSD = "http://www.w3.org/2001/XMLSchema#"


FOLDED_DATATYPES = {
    URIRef(_XSD + name): XSD.integer
    for name in (
        "nonPositiveInteger negativeInteger long int short byte nonNegativeInteger "
        "unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger"
    ).split()
} | {XSD.dateTimeStamp: XSD.dateTime}


_RANGE_TEST = {
    SH.minInclusive: lambda c: c >= 0,
    SH.maxInclusive: lambda c: c <= 0,
    SH.minExclusive: lambda c: c > 0,
    SH.maxExclusive: lambda c: c < 0,
}


_RANGE_TEXT = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


# pySHACL's default messages: "!=" for sh:equals, and (as it writes them) "<=" for sh:lessThan
_PAIR_TEXT = {SH.equals: "!=", SH.disjoint: "==", SH.lessThan: "<=", SH.lessThanOrEquals: "<"}


_NODE_KIND = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


# Max distinct values in a count written as a join (nested shapes only; top level uses GROUP BY).
_MAX_JOINED_COUNT = 3


def _iri(node: Node) -> str:
    return f"<{node}>"


def _term(node: Node) -> str:
    """A SPARQL term for an IRI or literal (blank nodes cannot be named in a query)."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, Literal):
        return str(to_ox(node))
    raise TypeError(f"cannot write {node!r} into a query")


def _not_one_of(var: str, terms: Iterable[Node]) -> str:
    """SPARQL: `var` is none of `terms` (term equality, unlike IN which compares values)."""
    tests = [
        f"sameTerm({var}, {_term(t)})" for t in sorted(terms, key=lambda t: (type(t).__name__, t))
    ]
    return f"!({' || '.join(tests)})" if tests else "true"


@dataclass
class _Result:
    """One validation result before it becomes report triples."""

    top: Node  # the targeted shape whose validation produced it
    shape: Node
    component: URIRef
    focus: Node
    path: Node | None
    value: Node | None
    messages: list[Literal]


@dataclass
class _Scope:
    """The nodes a (nested) shape is evaluated on, as a SPARQL pattern binding `var`.
    `keys` are the variables of the focus nodes above (a property shape of a property shape
    is evaluated once per focus node of its parent, as pySHACL and the SPARQL definitions do:
    a value shared by two parents gives two results)."""

    pattern: str
    var: str
    keys: tuple[str, ...] = ()

    @property
    def key_list(self) -> str:
        return " ".join(self.keys)


@dataclass
class _Run:
    store: ox.Store
    default_graph: ox.NamedNode | None
    shapes: Graph
    view: Graph  # the data graph pySHACL would stringify nodes against (default messages)
    view_is_data: bool
    results: list[_Result] = field(default_factory=list)
    counter: itertools.count = field(default_factory=itertools.count)
    subclass_cache: dict[Node, list[Node]] = field(default_factory=dict)
    covered_cache: dict[tuple[Node, Node], bool] = field(default_factory=dict)
    severities: dict[Node, Node] = field(default_factory=dict)
    copied: set[str] = field(default_factory=set)
    # validate_graph: the data's own literal for each literal as Oxigraph stores it (Oxigraph
    # writes numbers in canonical form, integer-derived datatypes as xsd:integer and language
    # tags in lower case), so results name "4.0" as the data does, not "4"
    originals: dict[Literal, Literal] = field(default_factory=dict)
    # severities that do not break conformance: kb.shacl.pyshacl_engine's (pySHACL with
    # allow_warnings and
    # allow_infos), or none (the SHACL specification: any result breaks it)
    allowed: tuple[Node, ...] = (SH.Warning, SH.Info)

    def term(self, term: object) -> Node | None:
        node = from_ox(term)
        if self.originals and isinstance(node, Literal):
            return self.originals.get(node, node)
        return node

    def select(self, text: str) -> Iterator[tuple]:
        solutions = self.store.query(text, **self.options())
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield tuple(self.term(solution[name]) for name in names)

    def severity(self, shape: Node) -> Node:
        """The shape's severity as pySHACL picks it; cached, as it is asked once per result."""
        if shape not in self.severities:
            self.severities[shape] = _severity(self.shapes, shape)
        return self.severities[shape]

    def options(self) -> dict:
        return {"default_graph": self.default_graph} if self.default_graph is not None else {}

    def fresh(self) -> str:
        # the trailing x keeps ?n1x from being a prefix of ?n12x when names are substituted
        return f"?n{next(self.counter)}x"


def _is_true(node: Node | None) -> bool:
    """A boolean parameter is on only as the literal true (the SHACL test suite's reading:
    "1"^^xsd:boolean is another term and leaves sh:uniqueLang off)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


def copy_bnode(run: _Run, node: BNode, target: Graph, depth: int = 0) -> None:
    """Copy a data blank node's triples (and those of blank nodes below it) into `target`."""
    if str(node) in run.copied or depth >= 10:
        return
    run.copied.add(str(node))
    graph = run.default_graph if run.default_graph is not None else ox.DefaultGraph()
    for quad in run.store.quads_for_pattern(to_ox(node), None, None, graph):
        obj = run.term(quad.object)
        target.add((node, from_ox(quad.predicate), obj))
        if isinstance(obj, BNode):
            copy_bnode(run, obj, target, depth + 1)


def _clone_into(
    report: Graph, source: Graph, node: BNode, keep: bool = True, depth: int = 0
) -> BNode:
    """pySHACL's clone_blank_node: the node (same id at the top) and what hangs below it."""
    clone = BNode(str(node)) if keep else BNode()
    if depth >= 10:
        return clone
    predicates = set(source.predicates(node))
    if RDF.first in predicates:
        items = [
            _clone_into(report, source, item, False, depth + 1) if isinstance(item, BNode) else item
            for item in Collection(source, node)
        ]
        Collection(report, clone, items)
        return clone
    for p in predicates:
        for o in source.objects(node, p):
            if isinstance(o, BNode):
                o = _clone_into(report, source, o, False, depth + 1)
            report.add((clone, p, o))
    return clone


def _report_graph(run: _Run, conforms: bool, results: list[_Result]) -> Graph:
    report = Graph(bind_namespaces="core")
    for prefix, ns in run.shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, ns)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    data = Graph()
    clones: dict[tuple[str, str], Node] = {}

    def clone(source: str, node: Node) -> Node:
        if not isinstance(node, BNode):
            return node
        key = (source, str(node))
        if key not in clones:
            if source == "data":
                copy_bnode(run, node, data)
                clones[key] = _clone_into(report, data, node)
            else:
                clones[key] = _clone_into(report, run.shapes, node)
        return clones[key]

    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.sourceConstraintComponent, r.component))
        report.add((node, SH.sourceShape, clone("shapes", r.shape)))
        report.add((node, SH.resultSeverity, run.severity(r.shape)))
        report.add((node, SH.focusNode, clone("data", r.focus)))
        if r.value is not None:
            report.add((node, SH.value, clone("data", r.value)))
        if r.path is not None:
            report.add((node, SH.resultPath, clone("shapes", r.path)))
        for message in r.messages:
            report.add((node, SH.resultMessage, message))
    return report


def _severity(shapes: Graph, shape: Node) -> Node:
    return next(iter(set(shapes.objects(shape, SH.severity))), SH.Violation)


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Every shape pySHACL validates on its own: those with a target or an implicit class target."""
    found = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    class_types = set(shapes.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    ):
        if any(t in class_types for t in shapes.objects(shape, RDF.type)):
            found.add(shape)
    return sorted(found, key=lambda s: (isinstance(s, BNode), str(s)))
