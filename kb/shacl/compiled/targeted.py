"""Targeted shapes: the focus nodes of each, then one query per constraint, cardinality
included."""

from __future__ import annotations

import re

from rdflib import BNode
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kb.core.errors import ShapeError
from kb.shacl.compiled.common import _iri, _is_true, _Scope, _term


class _TargetedShapes:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def focus_pattern(self, shape: Node) -> str | None:
        """SPARQL binding ?this to each focus node of `shape` once, or None without targets."""
        parts = []
        classes = set(self.sg.objects(shape, SH.targetClass))
        class_types = set(self.sg.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        if any(t in class_types for t in self.sg.objects(shape, RDF.type)):
            classes.add(shape)  # an implicit class target
        if classes:
            parts.append(self.typed("?this", sorted(classes)))
        nodes = sorted(self.sg.objects(shape, SH.targetNode))
        if nodes:
            if any(isinstance(n, BNode) for n in nodes):
                raise ShapeError(shape, "a blank-node sh:targetNode is not compiled")
            parts.append(f"{{ VALUES ?this {{ {' '.join(_term(n) for n in nodes)} }} }}")
        for prop in sorted(self.sg.objects(shape, SH.targetSubjectsOf)):
            parts.append(f"{{ ?this {_iri(prop)} [] }}")
        for prop in sorted(self.sg.objects(shape, SH.targetObjectsOf)):
            parts.append(f"{{ [] {_iri(prop)} ?this }}")
        if not parts:
            return None
        single_type = re.fullmatch(r"\{ \?this <[^>]+> <[^>]+> \}", parts[0])
        if len(parts) == 1 and single_type:
            return parts[0]  # one triple pattern gives each node once: no DISTINCT needed
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"

    def validate_targeted(self, top: Node) -> None:
        focus = self.focus_pattern(top)
        if focus is None or self.deactivated(top):
            return
        self.check_supported(top)
        scope = _Scope(focus, "?this")
        self.active = [top]
        if self.path(top) is None:
            self.node_constraints(top, top, scope)
            for prop in sorted(set(self.sg.objects(top, SH.property))):
                self.property_constraints(top, prop, scope)
        else:
            self.property_constraints(top, top, scope)
        self.active = []

    def node_constraints(self, top: Node, shape: Node, scope: _Scope) -> None:
        for param, rule, test in self.value_tests(shape, scope):
            query = f"SELECT ?this WHERE {{ {scope.pattern} FILTER(!{test}) }}"
            for (focus,) in self.run.select(query):
                self.report(top, shape, param, rule, focus, None, focus)
        self.set_rows(top, shape, scope, None)

    def set_rows(self, top: Node, shape: Node, scope: _Scope, path: Node | None) -> None:
        """The results of sh:hasValue, sh:equals, sh:disjoint and sh:closed at the top level."""
        for param, rule, fail, value, result_path in self.set_failures(shape, "?this", path):
            wanted = [name for name in (value, result_path) if name and name != "?this"]
            query = (
                f"SELECT DISTINCT ?this {' '.join(wanted)} {scope.key_list} WHERE {{ "
                f"{scope.pattern} {fail} }}"
            )
            for row in self.run.select(query):
                found = dict(zip(["?this", *wanted], row, strict=False))
                self.report(
                    top,
                    shape,
                    param,
                    rule,
                    row[0],
                    found.get(result_path, path),
                    found.get(value) if value else None,
                )

    def property_constraints(self, top: Node, shape: Node, scope: _Scope) -> None:
        self.check_supported(shape)
        if self.deactivated(shape):
            return
        path = self.path(shape)
        if path is None:
            raise ShapeError(shape, "sh:property must point to a shape with sh:path")
        if shape in self.active[1:]:
            raise ShapeError(shape, "refers back to itself through sh:property")
        self.active.append(shape)
        try:
            self._property_constraints(top, shape, scope, path)
        finally:
            self.active.pop()

    def _property_constraints(self, top: Node, shape: Node, scope: _Scope, path: Node) -> None:
        p = self.sparql_path(path)
        focus, keys = scope.pattern, scope.key_list
        values = _Scope(f"{focus} ?this {p} ?v .", "?v", scope.keys)
        for param, rule, test in self.value_tests(shape, values):
            query = (
                f"SELECT DISTINCT ?this ?v {keys} WHERE {{ {focus} ?this {p} ?v . "
                f"FILTER(!{test}) }}"
            )
            for f, v, *_ in self.run.select(query):
                self.report(top, shape, param, rule, f, path, v)
        self.set_rows(top, shape, scope, path)
        for param, other, f, v in self.pair_rows(shape, scope, path):
            self.report(top, shape, param, other, f, path, v)
        for nested in sorted(set(self.sg.objects(shape, SH.property))):
            # a property shape on the values: the values are its focus nodes, once per focus
            # node here (the key keeps a value shared by two focus nodes apart)
            up = self.run.fresh()
            on_values = (
                f"{{ SELECT DISTINCT ?this {up} {keys} WHERE {{ "
                f"{{ SELECT (?this AS {up}) {keys} WHERE {{ {focus} }} }} {up} {p} ?this }} }}"
            )
            self.property_constraints(top, nested, _Scope(on_values, "?this", (*scope.keys, up)))
        low, high = self.int_param(shape, SH.minCount), self.int_param(shape, SH.maxCount)
        if low:
            self.count_rows(top, shape, SH.minCount, scope, p, f"< {low}", path)
        if high is not None:
            self.count_rows(top, shape, SH.maxCount, scope, p, f"> {high}", path)
        if _is_true(self.one(shape, SH.uniqueLang)):
            a, b = "?a", "?b"
            query = (
                f"SELECT DISTINCT ?this ?lang {keys} WHERE {{ {focus} ?this {p} {a} . "
                f"?this {p} {b} . "
                f'FILTER(isLiteral({a}) && lang({a}) != "" && !sameTerm({a}, {b}) '
                f"&& isLiteral({b}) && LCASE(lang({a})) = LCASE(lang({b}))) "
                f"BIND(LCASE(lang({a})) AS ?lang) }}"
            )
            for f, *_ in self.run.select(query):
                self.report(top, shape, SH.uniqueLang, None, f, path, None)
        for qualified, low, high in self.qualified(shape):
            test = self.qualified_test(shape, qualified, values)
            matched = f"OPTIONAL {{ ?this {p} ?v . FILTER({test}) }}"
            for bound, op, component in (
                (low, "<", SH.QualifiedMinCountConstraintComponent),
                (high, ">", SH.QualifiedMaxCountConstraintComponent),
            ):
                if bound is None:
                    continue
                query = (
                    f"SELECT ?this {keys} WHERE {{ {focus} {matched} }} "
                    f"GROUP BY ?this {keys} HAVING (COUNT(DISTINCT ?v) {op} {bound})"
                )
                if op == "<" and bound == 1:  # no grouping for the common "at least one"
                    query = (
                        f"SELECT ?this {keys} WHERE {{ {focus} "
                        f"FILTER NOT EXISTS {{ ?this {p} ?v . FILTER({test}) }} }}"
                    )
                for f, *_ in self.run.select(query):
                    self.report(
                        top,
                        shape,
                        SH.qualifiedValueShape,
                        (qualified, low, high),
                        f,
                        path,
                        None,
                        component=component,
                    )

    def count_rows(self, top, shape, param, scope: _Scope, p: str, test: str, path: Node) -> None:
        focus, keys = scope.pattern, scope.key_list
        if param == SH.minCount and test == "< 1":
            # cheaper than grouping every focus node: those with no value at all
            query = f"SELECT ?this {keys} WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?v }} }}"
        else:
            optional = f"OPTIONAL {{ ?this {p} ?v }}" if param == SH.minCount else f"?this {p} ?v ."
            query = (
                f"SELECT ?this {keys} WHERE {{ {focus} {optional} }} "
                f"GROUP BY ?this {keys} HAVING (COUNT(DISTINCT ?v) {test})"
            )
        rule = self.one(shape, param)
        for f, *_ in self.run.select(query):
            self.report(top, shape, param, rule, f, path, None)
