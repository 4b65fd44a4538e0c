"""The shapes graph: read from shapes/, each parameter checked before any engine sees it, each
shape located at its file and line."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kb.core.errors import ShapeError
from kb.load import parse_file


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
    from kb.shacl.values import pattern_matcher

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
