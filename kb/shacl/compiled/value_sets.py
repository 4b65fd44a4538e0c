"""The constraints on the set of values of a focus node: property pairs (sh:equals,
sh:disjoint, sh:lessThan...), sh:hasValue, sh:uniqueLang."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kb.shacl.compiled.common import _iri, _is_true, _Scope, _term
from kb.shacl.values import less_than


class _ValueSetConstraints:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def set_failures(self, shape: Node, x: str, path: Node | None) -> list[tuple]:
        """(parameter, parameter value, SPARQL group pattern matching each failure of the focus
        node `x`, the variable holding the result's sh:value or None, the variable holding its
        sh:resultPath or None) for sh:hasValue, sh:equals, sh:disjoint and sh:closed."""
        p = self.sparql_path(path) if path is not None else None
        failures = []
        for value in sorted(set(self.sg.objects(shape, SH.hasValue))):
            test = f"{x} {p} {_term(value)}" if p else f"FILTER(sameTerm({x}, {_term(value)}))"
            failures.append((SH.hasValue, value, f"FILTER NOT EXISTS {{ {test} }}", None, None))
        for param in (SH.equals, SH.disjoint):
            for other in sorted(set(self.sg.objects(shape, param))):
                q, v = _iri(other), self.run.fresh()
                if p and param == SH.equals:
                    patterns = [
                        f"{x} {p} {v} . FILTER NOT EXISTS {{ {x} {q} {v} }}",
                        f"{x} {q} {v} . FILTER NOT EXISTS {{ {x} {p} {v} }}",
                    ]
                    failures += [(param, other, pattern, v, None) for pattern in patterns]
                elif p:
                    failures.append((param, other, f"{x} {p} {v} . {x} {q} {v} .", v, None))
                elif param == SH.equals:  # a node shape: the value node is the focus node
                    failures.append(
                        (param, other, f"{x} {q} {v} . FILTER(!sameTerm({v}, {x}))", v, None)
                    )
                    failures.append((param, other, f"FILTER NOT EXISTS {{ {x} {q} {x} }}", x, None))
                else:
                    failures.append((param, other, f"{x} {q} {x} .", x, None))
        if _is_true(self.one(shape, SH.closed)):
            allowed = {
                prop_path
                for prop in self.sg.objects(shape, SH.property)
                for prop_path in self.sg.objects(prop, SH.path)
                if isinstance(prop_path, URIRef)
            }
            ignored = self.one(shape, SH.ignoredProperties)
            if ignored is not None:
                allowed |= set(self.items(shape, SH.ignoredProperties, ignored))
            v, q = self.run.fresh(), self.run.fresh()
            others = f"FILTER(!({' || '.join(f'{q} = {_term(a)}' for a in sorted(allowed))}))"
            test = f"{x} {q} {v} . " + (others if allowed else "")
            failures.append((SH.closed, self.one(shape, SH.closed), test, v, q))
        elif self.one(shape, SH.ignoredProperties) is not None:
            pass  # without sh:closed true, sh:ignoredProperties has no effect
        return failures

    def pair_rows(self, shape: Node, scope: _Scope, path: Node) -> Iterator[tuple]:
        """(parameter, other property, focus node, value) for each pair of a value and a value
        of the other property that fails sh:lessThan / sh:lessThanOrEquals, judged as pySHACL
        judges them: strings (and IRIs) with strings, other literals with rdflib's ordering;
        anything else, blank nodes included, is not comparable and fails."""
        p = self.sparql_path(path)
        keys = scope.key_list
        for param, strict in ((SH.lessThan, True), (SH.lessThanOrEquals, False)):
            for other in sorted(set(self.sg.objects(shape, param))):
                query = (
                    f"SELECT DISTINCT ?this ?v ?w {keys} WHERE {{ {scope.pattern} "
                    f"?this {p} ?v . ?this {_iri(other)} ?w }}"
                )
                for f, v, w, *_ in self.run.select(query):
                    if not less_than(v, w, strict):
                        yield param, other, f, v
