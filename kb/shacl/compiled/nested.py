"""Nested conformance as SPARQL: the logical constraints (sh:not, sh:and, sh:or, sh:xone),
the shape-based ones (sh:node, sh:property, sh:qualifiedValueShape) and counts."""

from __future__ import annotations

import itertools

from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kb.core.errors import ShapeError
from kb.shacl.compiled.common import _MAX_JOINED_COUNT, _is_true, _Scope


class _NestedShapes:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def conforms(self, shape: Node, scope: _Scope) -> str:
        """A SPARQL expression: the node `scope.var` conforms to `shape` (pySHACL's notion)."""
        if shape in self.active:
            raise ShapeError(
                shape,
                "refers back to itself (through sh:node, sh:property, sh:and, ...): SHACL "
                "leaves recursive shapes undefined and kb.shacl.compiled does not compile them",
            )
        self.active.append(shape)
        try:
            return self._conforms(shape, scope)
        finally:
            self.active.pop()

    def _conforms(self, shape: Node, scope: _Scope) -> str:
        self.check_supported(shape)
        if self.deactivated(shape) or self.severity(shape) in self.run.allowed:
            return "true"
        path = self.path(shape)
        x = scope.var
        failures = [
            f"NOT EXISTS {{ {fail} }}" for *_, fail, _v, _q in self.set_failures(shape, x, path)
        ]
        if path is None:
            parts = [test for _p, _b, test in self.value_tests(shape, scope)]
            for prop in self.sg.objects(shape, SH.property):
                parts.append(self.conforms(prop, scope))
            return "(" + " && ".join(parts + failures or ["true"]) + ")"
        if any(
            True
            for param in (SH.lessThan, SH.lessThanOrEquals)
            for _ in self.sg.objects(shape, param)
        ):
            raise ShapeError(
                shape, "sh:lessThan / sh:lessThanOrEquals in a nested shape is not compiled"
            )
        v = self.run.fresh()
        steps = f"{x} {self.sparql_path(path)} {v} ."
        values = _Scope(f"{scope.pattern} {steps}", v)
        parts = list(failures)
        failing = [f"!{test}" for _p, _b, test in self.value_tests(shape, values)]
        failing += [
            f"!{self.conforms(prop, values)}" for prop in self.sg.objects(shape, SH.property)
        ]
        if failing:
            parts.append(f"NOT EXISTS {{ {steps} FILTER({' || '.join(failing)}) }}")
        low, high = self.int_param(shape, SH.minCount), self.int_param(shape, SH.maxCount)
        if low:
            parts.append(self.at_least(shape, x, path, low, "true"))
        if high is not None:
            parts.append("!" + self.at_least(shape, x, path, high + 1, "true"))
        if _is_true(self.one(shape, SH.uniqueLang)):
            parts.append(f"NOT EXISTS {{ {self.same_language(x, path)} }}")
        for qualified, low, high in self.qualified(shape):
            test = self.qualified_test(shape, qualified, values)
            if low:
                parts.append(self.at_least(shape, x, path, low, test, values.var))
            if high is not None:
                parts.append("!" + self.at_least(shape, x, path, high + 1, test, values.var))
        return "(" + " && ".join(parts or ["true"]) + ")"

    def at_least(self, shape: Node, x: str, path: Node, n: int, test: str, var: str = "") -> str:
        """EXISTS n distinct values of `path` from x passing `test` (written over `var`)."""
        p = self.sparql_path(path)
        if n > _MAX_JOINED_COUNT:
            # a count: the values of every node, grouped, joined with x
            y, name = self.run.fresh(), self.run.fresh()
            check = f"FILTER({test.replace(var, name)})" if var else ""
            count = self.run.fresh()
            return (
                f"EXISTS {{ {{ SELECT {y} (COUNT(DISTINCT {name}) AS {count}) WHERE {{ "
                f"{y} {p} {name} . {check} }} GROUP BY {y} }} "
                f"FILTER(sameTerm({y}, {x}) && {count} >= {n}) }}"
            )
        names = [self.run.fresh() for _ in range(n)]
        body = " ".join(f"{x} {p} {name} ." for name in names)
        filters = [test.replace(var, name) if var else test for name in names]
        filters += [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        return f"EXISTS {{ {body} FILTER({' && '.join(filters)}) }}"

    def same_language(self, x: str, path: Node) -> str:
        a, b = self.run.fresh(), self.run.fresh()
        p = self.sparql_path(path)
        return (
            f"{x} {p} {a} . {x} {p} {b} . "
            f'FILTER(isLiteral({a}) && lang({a}) != "" && !sameTerm({a}, {b}) '
            f"&& isLiteral({b}) && LCASE(lang({a})) = LCASE(lang({b})))"
        )

    def int_param(self, shape: Node, param: URIRef) -> int | None:
        value = self.one(shape, param)
        if value is None:
            return None
        if not (isinstance(value, Literal) and isinstance(value.value, int)) or value.value < 0:
            name = param.n3(self.sg.namespace_manager)
            raise ShapeError(shape, f"{name} must be a non-negative integer, not {value.n3()}")
        return int(value.value)

    def qualified(self, shape: Node) -> list[tuple[Node, int | None, int | None]]:
        low = self.int_param(shape, SH.qualifiedMinCount)
        high = self.int_param(shape, SH.qualifiedMaxCount)
        return [(q, low, high) for q in sorted(set(self.sg.objects(shape, SH.qualifiedValueShape)))]

    def qualified_test(self, shape: Node, qualified: Node, values: _Scope) -> str:
        """The value conforms to `qualified` and, if disjoint, to none of its siblings."""
        test = self.conforms(qualified, values)
        if _is_true(self.one(shape, SH.qualifiedValueShapesDisjoint)):
            siblings = {
                sibling
                for parent in self.sg.subjects(SH.property, shape)
                for prop in self.sg.objects(parent, SH.property)
                for sibling in self.sg.objects(prop, SH.qualifiedValueShape)
                if sibling != qualified
            }
            for sibling in sorted(siblings):
                test += f" && !{self.conforms(sibling, values)}"
        return f"({test})"
