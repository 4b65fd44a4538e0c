"""A SHACL validation report read into results: severity, focus node, path, value, message,
shape and component, each named with the project's prefixes."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node


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


def read_results(report: Graph, prefixes: dict[str, str]) -> list[ValidationResult]:
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
