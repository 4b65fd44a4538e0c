"""Reading a shape: its parameters, severity, path (as a SPARQL property path) and
messages; a shape using what this engine does not compile is refused by name."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kb.core.errors import KBError, ShapeError
from kb.shacl.compiled.common import (
    _HARMLESS,
    _NODE_PARAMS,
    _PROPERTY_PARAMS,
    _SET_PARAMS,
    _VALUE_PARAMS,
    _iri,
    _is_true,
)


class _ShapesGraphReading:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def one(self, shape: Node, param: URIRef) -> Node | None:
        values = list(self.sg.objects(shape, param))
        if len(values) > 1:
            raise KBError(f"shape {shape}: more than one {param.n3(self.sg.namespace_manager)}")
        return values[0] if values else None

    def severity(self, shape: Node) -> Node:
        return next(iter(set(self.sg.objects(shape, SH.severity))), SH.Violation)

    def deactivated(self, shape: Node) -> bool:
        return _is_true(self.one(shape, SH.deactivated))

    def path(self, shape: Node) -> Node | None:
        return self.one(shape, SH.path)

    def check_supported(self, shape: Node) -> None:
        """Refuse, by name, any SHACL parameter this module does not compile, and parameter
        values no engine can use."""
        path = self.path(shape)
        allowed = _HARMLESS | _VALUE_PARAMS | _SET_PARAMS
        allowed |= _PROPERTY_PARAMS if path is not None else _NODE_PARAMS
        for param in set(self.sg.predicates(shape)):
            if str(param).startswith(str(SH)) and param not in allowed:
                if param in _PROPERTY_PARAMS and "qualified" in str(param):
                    continue  # on a node shape pySHACL ignores qualified counts (a warning)
                name = param.n3(self.sg.namespace_manager)
                if param in _PROPERTY_PARAMS:
                    raise ShapeError(shape, f"{name} needs a property shape (sh:path)")
                if param in _NODE_PARAMS:
                    raise ShapeError(shape, f"{name} on a property shape is not compiled")
                raise ShapeError(
                    shape,
                    f"uses {name}, which kb.shacl.compiled does not compile; validate with the "
                    "pySHACL reference (kb.shacl.pyshacl_engine) instead",
                )
        if self.one(shape, SH.datatype) == RDFS.Datatype:
            raise ShapeError(shape, "sh:datatype rdfs:Datatype is not compiled")
        for param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            for other in self.sg.objects(shape, param):
                if not isinstance(other, URIRef):
                    name = param.n3(self.sg.namespace_manager)
                    raise ShapeError(shape, f"{name} needs a property IRI, not {other.n3()}")
        for value in self.sg.objects(shape, SH.hasValue):
            if isinstance(value, BNode):
                raise ShapeError(shape, "a blank-node sh:hasValue is not compiled")

    def messages(self, shape: Node) -> list[Literal]:
        return sorted(
            set(self.sg.objects(shape, SH.message)), key=lambda m: (str(m), m.language or "")
        )

    def sparql_path(self, path: Node) -> str:
        if isinstance(path, URIRef):
            return _iri(path)
        if self.sg.value(path, RDF.first) is not None:
            steps = [self.sparql_path(step) for step in Collection(self.sg, path)]
            return "(" + "/".join(steps) + ")"
        for key, form in (
            (SH.inversePath, "(^{})"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.sg.value(path, key)
            if inner is not None:
                return form.format(self.sparql_path(inner))
        alternatives = self.sg.value(path, SH.alternativePath)
        if alternatives is not None:
            return (
                "(" + "|".join(self.sparql_path(a) for a in Collection(self.sg, alternatives)) + ")"
            )
        raise KBError(f"shapes graph: unreadable sh:path {path!r}")
