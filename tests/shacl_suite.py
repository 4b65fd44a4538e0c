"""The W3C SHACL Core test suite (vendored in tests/w3c/shacl/core) as test cases, and the
comparison its own harness makes: the conforms flag and the multiset of results, each as
(focus node, path, value, source shape, constraint component); messages and severities of
the results are ignored. Blank nodes are compared by what hangs below them (the suite writes
a blank-node path or value afresh in the expected report)."""

from __future__ import annotations

import contextlib
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import BNode, Graph, Namespace
from rdflib.namespace import RDF, SH
from rdflib.term import Node

SUITE = Path(__file__).resolve().parent / "w3c" / "shacl"
CORE = SUITE / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
RESULT_KEYS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent)


@dataclass(frozen=True)
class Case:
    name: str  # e.g. node/maxExclusive-001, as the suite's file names it
    manifest: Path
    entry: Node
    data_path: Path
    shapes_path: Path

    def graphs(self) -> tuple[Graph, Graph]:
        data = _parse(self.data_path)
        shapes = data if self.shapes_path == self.data_path else _parse(self.shapes_path)
        return data, shapes

    def expected(self) -> tuple[bool, Counter]:
        g = _parse(self.manifest)
        report = g.value(self.entry, MF.result)
        conforms = g.value(report, SH.conforms)
        return bool(conforms.value), results(g, report)


@contextlib.contextmanager
def literals_as_written() -> Iterator[None]:
    """rdflib rewrites "1"^^xsd:boolean as "true" and "none"^^xsd:boolean as "false" when it
    parses (NORMALIZE_LITERALS); the suite's cases are about the terms as written (pySHACL's
    own DASH harness switches it off too)."""
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _path_of(iri: Node) -> Path:
    return Path(str(iri).removeprefix("file://"))


def cases(manifest: Path = CORE / "manifest.ttl") -> list[Case]:
    g = _parse(manifest)
    found = []
    for m in g.subjects(RDF.type, MF.Manifest):
        for included in sorted(g.objects(m, MF.include)):
            found += cases(_path_of(included))
        for entries in g.objects(m, MF.entries):
            for entry in g.items(entries):
                if (entry, RDF.type, SHT.Validate) not in g:
                    continue
                action = g.value(entry, MF.action)
                name = str(entry).removeprefix(CORE.as_uri() + "/")
                found.append(
                    Case(
                        name.removesuffix(".ttl"),
                        manifest,
                        entry,
                        _path_of(g.value(action, SHT.dataGraph)),
                        _path_of(g.value(action, SHT.shapesGraph)),
                    )
                )
    return found


def canonical(graph: Graph, node: Node | None, depth: int = 0) -> object:
    """A term as itself; a blank node as the sorted description below it."""
    if node is None:
        return None
    if not isinstance(node, BNode):
        return node.n3()
    if depth > 8:
        return "_:deep"
    below = graph.predicate_objects(node)
    return tuple(sorted((p.n3(), repr(canonical(graph, o, depth + 1))) for p, o in below))


def results(graph: Graph, report: Node) -> Counter:
    return Counter(
        tuple(repr(canonical(graph, graph.value(r, key))) for key in RESULT_KEYS)
        for r in graph.objects(report, SH.result)
    )


def report_outcome(report: Graph) -> tuple[bool, Counter]:
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    return bool(report.value(node, SH.conforms).value), results(report, node)


def known_failures() -> dict[str, dict[str, dict[str, str]]]:
    """engine -> case -> {"kind": "refused" | "wrong", "feature"/"reason": ...}."""
    with (SUITE / "known-failures.toml").open("rb") as stream:
        return tomllib.load(stream)
