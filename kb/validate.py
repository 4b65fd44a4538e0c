"""Validate: pySHACL over one union graph of ontology + data + inferred triples.

pySHACL validates the named graphs of a Dataset one by one (pySHACL #26/#152), but the shapes
follow links across source files, so the union is flattened into one Graph first. Inference is
already done by kb.infer, so pySHACL runs with inference='none'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pyshacl.entrypoints
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .errors import KBError, ShapeError
from .load import parse_file
from .namespaces import DEFAULT_PREFIXES


@dataclass(frozen=True)
class ValidationResult:
    severity: str  # Violation | Warning | Info
    focus_node: str
    path: str | None
    value: str | None
    message: str
    shape: str
    component: str

    def line(self) -> str:
        path = f" path {self.path}" if self.path else ""
        value = f" value {self.value}" if self.value is not None else ""
        return (
            f"{self.severity}: {self.focus_node}{path}{value}: {self.message} "
            f"[shape {self.shape}, {self.component}]"
        )


@dataclass
class ValidationOutcome:
    conforms: bool  # no Violation (warnings and infos do not break conformance)
    results: list[ValidationResult]
    report_graph: Graph
    shapes_count: int

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def text(self) -> str:
        head = (
            f"Conforms: {self.conforms} ({self.count('Violation')} violations, "
            f"{self.count('Warning')} warnings, {self.count('Info')} infos)"
        )
        return "\n".join([head, *(r.line() for r in self.results)])


class ShapesGraph(Graph):
    """The shapes of every file of a shapes folder, each shape traceable to the file and line
    that define it (locate), so an error in a shape is reported as a syntax error is."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[tuple[Path, Graph, list[str]]] = []  # file, its triples, its lines

    def add_file(self, path: Path) -> None:
        graph = parse_file(path)
        self += graph
        for prefix, ns in graph.namespaces():
            self.bind(prefix, ns, override=False)
        self.sources.append((path, graph, path.read_text(encoding="utf-8").splitlines()))

    def locate(self, node: Node) -> str | None:
        """'file:line' of the statement that defines `node`: an IRI where it is first written
        as a subject; a blank node (a property shape written inline) at its sh:path, after the
        line of the named shape it belongs to."""
        named, path = node, None
        for _ in range(20):  # walk up to the named shape holding a blank node
            if not isinstance(named, BNode):
                break
            path = path or next(self.objects(named, SH.path), None)
            parent = next(self.subjects(None, named), None)
            named = parent
        if named is None:
            return None
        for file, graph, lines in self.sources:
            if (named, None, None) not in graph:
                continue
            forms = _written_forms(named, graph)
            start = _first_line(lines, forms, as_subject=True)
            if start is None:
                start = _first_line(lines, forms) or 0
            if isinstance(node, BNode) and isinstance(path, URIRef):
                inner = _first_line(lines[start:], _written_forms(path, graph), after=r"sh:path\s+")
                if inner is not None:
                    return f"{file}:{start + inner + 1}"
            return f"{file}:{start + 1}"
        return None


def _written_forms(node: Node, graph: Graph) -> list[str]:
    """How a Turtle file may write an IRI: <iri> or prefix:local with the file's prefixes."""
    forms = [f"<{node}>"]
    for prefix, ns in graph.namespaces():
        if str(node).startswith(str(ns)) and str(node) != str(ns):
            forms.append(f"{prefix}:{str(node)[len(str(ns)) :]}")
    return forms


def _first_line(
    lines: list[str], forms: list[str], as_subject: bool = False, after: str = ""
) -> int | None:
    """The index of the first line writing one of `forms` (at its start: `as_subject`;
    preceded by the regular expression `after`), or None."""
    for i, line in enumerate(lines):
        text = line.strip()
        for form in forms:
            if as_subject and (text == form or text.startswith(form + " ")):
                return i
            if not as_subject and re.search(after + re.escape(form) + r"(?![\w:/#-])", text):
                return i
    return None


def load_shapes(shapes_dir: Path) -> ShapesGraph:
    shapes = ShapesGraph()
    for path in sorted(shapes_dir.rglob("*.ttl")):
        shapes.add_file(path)
    return shapes


def locate_error(exc: ShapeError, shapes: Graph) -> ShapeError:
    """`exc` with the file and line of its shape, when `shapes` knows them."""
    where = shapes.locate(exc.shape) if isinstance(shapes, ShapesGraph) else None
    if where is None or exc.where is not None:
        return exc
    return ShapeError(_shape_name(exc.shape, shapes), exc.message, where)


def _shape_name(node: Node, shapes: Graph) -> str:
    """A shape as a person finds it in the file: its CURIE, or its sh:path and named owner."""
    if isinstance(node, URIRef):
        return node.n3(shapes.namespace_manager)
    path = shapes.value(node, SH.path)
    owner = next((s for s in shapes.subjects(SH.property, node)), None)
    parts = []
    if path is not None:
        parts.append(
            f"sh:path {path.n3(shapes.namespace_manager)}"
            if isinstance(path, URIRef)
            else "sh:path [...]"
        )
    if isinstance(owner, URIRef):
        parts.append(f"of {owner.n3(shapes.namespace_manager)}")
    return "[" + " ".join(parts) + "]" if parts else str(node)


# The parameters whose values are non-negative integers, lists, IRIs.
_COUNTS = (
    "minCount",
    "maxCount",
    "minLength",
    "maxLength",
    "qualifiedMinCount",
    "qualifiedMaxCount",
)
_LISTS = ("in", "languageIn", "or", "and", "xone", "ignoredProperties")
_IRIS = (
    "class",
    "datatype",
    "targetClass",
    "targetSubjectsOf",
    "targetObjectsOf",
    "equals",
    "disjoint",
    "lessThan",
    "lessThanOrEquals",
)
_NODE_KINDS = {
    SH[k]
    for k in ("IRI", "BlankNode", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral")
}
_SEVERITIES = {SH.Violation, SH.Warning, SH.Info}


def check_shapes(shapes: Graph) -> None:
    """ShapeError for the first parameter value no validator can use: a regular expression
    that does not compile, a count that is not a non-negative integer, a list that is not a
    list, an unknown node kind or severity, a path that is not a SHACL path, a shape reference
    to nothing. Both validators run after it, so neither stops with a traceback."""
    from .validate_sparql import pattern_matcher

    for shape, pattern in sorted(shapes.subject_objects(SH.pattern), key=str):
        flags = shapes.value(shape, SH.flags)
        pattern_matcher(shape, pattern, flags)
    for name in _COUNTS:
        for shape, value in shapes.subject_objects(SH[name]):
            if not (isinstance(value, Literal) and isinstance(value.value, int)) or value.value < 0:
                raise ShapeError(
                    shape, f"sh:{name} must be a non-negative integer, not {value.n3()}"
                )
    for name in _LISTS:
        for shape, head in shapes.subject_objects(SH[name]):
            _check_list(shape, SH[name], head, shapes)
    for name in _IRIS:
        for shape, value in shapes.subject_objects(SH[name]):
            if not isinstance(value, URIRef):
                raise ShapeError(shape, f"sh:{name} needs an IRI, not {value.n3()}")
    for shape, kind in shapes.subject_objects(SH.nodeKind):
        if kind not in _NODE_KINDS:
            raise ShapeError(shape, f"sh:nodeKind {kind.n3()} is none of SHACL's six node kinds")
    for shape, severity in shapes.subject_objects(SH.severity):
        if severity not in _SEVERITIES:
            raise ShapeError(
                shape, f"sh:severity {severity.n3()}: sh:Violation, sh:Warning or sh:Info"
            )
    for shape, path in shapes.subject_objects(SH.path):
        _check_path(shape, path, shapes, 0)
    for name in ("node", "not", "qualifiedValueShape", "property"):
        for shape, other in shapes.subject_objects(SH[name]):
            if (other, None, None) not in shapes:
                raise ShapeError(
                    shape, f"sh:{name} {other.n3(shapes.namespace_manager)} names no shape"
                )


def _check_list(shape: Node, param: URIRef, head: Node, shapes: Graph) -> list[Node]:
    members, seen, node = [], set(), head
    while node != RDF.nil:
        first, rest = shapes.value(node, RDF.first), shapes.value(node, RDF.rest)
        if not isinstance(node, BNode) or first is None or rest is None or node in seen:
            raise ShapeError(shape, f"{param.n3(shapes.namespace_manager)} needs an RDF list")
        seen.add(node)
        members.append(first)
        node = rest
    return members


def _check_path(shape: Node, path: Node, shapes: Graph, depth: int) -> None:
    if isinstance(path, URIRef):
        return
    if depth > 20 or not isinstance(path, BNode):
        raise ShapeError(shape, f"sh:path {path.n3()} is not a SHACL property path")
    if shapes.value(path, RDF.first) is not None:
        for step in _check_list(shape, SH.path, path, shapes):
            _check_path(shape, step, shapes, depth + 1)
        return
    for key in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = shapes.value(path, key)
        if inner is not None:
            _check_path(shape, inner, shapes, depth + 1)
            return
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        for step in _check_list(shape, SH.alternativePath, alternatives, shapes):
            _check_path(shape, step, shapes, depth + 1)
        return
    raise ShapeError(shape, "sh:path is a blank node that is no SHACL property path")


def count_shapes(shapes: Graph) -> int:
    return len(
        set(shapes.subjects(None, SH.NodeShape)) | set(shapes.subjects(None, SH.PropertyShape))
    )


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    """Shorten an IRI with the longest matching prefix (for people, not for re-parsing)."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def _name(node: Node | None, graph: Graph, prefixes: dict[str, str]) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return _curie(str(node), prefixes)
    if isinstance(node, Literal):
        return repr(str(node))
    # A blank-node path or shape: show its Turtle form so the message stays readable; sorted,
    # so the same node reads the same whatever order the report graph stores its triples in.
    parts = sorted(
        f"{_curie(str(p), prefixes)} {_name(o, graph, prefixes)}"
        for p, o in graph.predicate_objects(node)
    )
    return f"[{', '.join(parts)}]"


def _results(report: Graph, prefixes: dict[str, str]) -> list[ValidationResult]:
    def name(node: Node | None) -> str | None:
        return _name(node, report, prefixes)

    out = []
    # The report's own results: pySHACL also describes why a nested shape failed (sh:detail,
    # results of the nested shape's constraints), which are not results of the validation.
    top = {
        r
        for report_node in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(report_node, SH.result)
    }
    for r in report.subjects(SH.resultSeverity, None):
        if top and r not in top:
            continue
        severity = report.value(r, SH.resultSeverity)
        out.append(
            ValidationResult(
                severity=str(severity).rsplit("#", 1)[-1],
                focus_node=name(report.value(r, SH.focusNode)) or "",
                path=name(report.value(r, SH.resultPath)),
                value=name(report.value(r, SH.value)),
                message=str(report.value(r, SH.resultMessage) or ""),
                shape=name(report.value(r, SH.sourceShape)) or "",
                component=str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            )
        )
    out.sort(
        key=lambda r: (
            {"Violation": 0, "Warning": 1}.get(r.severity, 2),
            r.focus_node,
            r.path or "",
            r.shape,
            r.component,
            r.value or "",
            r.message,
        )
    )
    return out


# SHACL Advanced Features; pySHACL's advanced mode copies the whole data graph first, so it is
# switched on only for shapes that use them.
_SHACL_AF = tuple(
    URIRef(str(SH) + name)
    for name in ("rule", "expression", "target", "condition", "values", "filterShape")
)


def uses_shacl_af(shapes: Graph) -> bool:
    return any(True for p in _SHACL_AF for _ in shapes.subject_objects(p)) or any(
        True for _ in shapes.subjects(None, URIRef(str(SH) + "SPARQLFunction"))
    )


def validate(
    data: Graph, shapes: Graph, prefixes: dict[str, str] | None = None
) -> ValidationOutcome:
    """Validate `data` (already the union of ontology, asserted and inferred triples).
    `prefixes` make the report readable (mc:value rather than the full IRI)."""
    try:
        conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=uses_shacl_af(shapes),
            allow_warnings=True,
            allow_infos=True,
        )
    except ReportableRuntimeError as exc:  # pySHACL's word for a shapes graph it cannot use
        raise KBError(f"the shapes: pySHACL cannot validate with them: {exc.message}") from exc
    for prefix, ns in (prefixes or {}).items():
        report.bind(prefix, ns, override=True, replace=True)
    results = _results(report, prefixes or DEFAULT_PREFIXES)
    has_violation = any(r.severity == "Violation" for r in results)
    return ValidationOutcome(
        bool(conforms) and not has_violation, results, report, count_shapes(shapes)
    )


def meta_validate(shapes: Graph) -> ValidationOutcome:
    """Check the shapes graph itself against SHACL-for-SHACL."""
    conforms, report, _ = pyshacl.entrypoints.meta_validate(shapes, inference="none")
    return ValidationOutcome(
        bool(conforms), _results(report, DEFAULT_PREFIXES), report, count_shapes(shapes)
    )
