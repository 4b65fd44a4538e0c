"""Validate: pySHACL over one union graph of ontology + data + inferred triples.

pySHACL validates the named graphs of a Dataset one by one (pySHACL #26/#152), but the shapes
follow links across source files, so the union is flattened into one Graph first. Inference is
already done by kb.infer, so pySHACL runs with inference='none'.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pyshacl.entrypoints
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

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


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    for path in sorted(shapes_dir.rglob("*.ttl")):
        shapes += parse_file(path)
    return shapes


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
    conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=uses_shacl_af(shapes),
        allow_warnings=True,
        allow_infos=True,
    )
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
