"""Validation results as pySHACL reports them: the result node and its default message."""

from __future__ import annotations

from pyshacl.rdfutil import stringify_node
from rdflib import BNode, Literal
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kb.shacl.compiled.common import (
    _COMPONENT,
    _NO_VALUE,
    _PAIR_TEXT,
    _RANGE_TEXT,
    _Result,
    copy_bnode,
)


class _Results:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def report(self, top, shape, param, rule, focus, path, value, component=None) -> None:
        if shape not in self.message_cache:
            self.message_cache[shape] = self.messages(shape)
        messages = self.message_cache[shape]
        if not messages:
            messages = [Literal(self.default_message(shape, param, rule, focus, value))]
        self.run.results.append(
            _Result(
                top=top,
                shape=shape,
                component=component or _COMPONENT[param],
                focus=focus,
                path=path,
                value=value if param not in _NO_VALUE else None,
                messages=messages,
            )
        )

    def data_string(self, node: Node) -> str:
        if isinstance(node, BNode) and not self.run.view_is_data:
            copy_bnode(self.run, node, self.run.view)
        return stringify_node(self.run.view, node)

    def default_message(self, shape, param, rule, focus, value) -> str:
        """pySHACL's text for a result of a shape without sh:message."""
        for family in (self._value_message, self._shape_message, self._set_message):
            text = family(shape, param, rule, focus, value)
            if text is not None:
                return text
        raise AssertionError(param)

    def _value_message(self, shape, param, rule, focus, value) -> str | None:
        """Value type, string, range and sh:in constraints."""
        sg = self.sg

        def s(node: Node) -> str:
            return stringify_node(sg, node)

        if param == SH["class"]:
            rules = sorted(set(sg.objects(shape, SH["class"])))
            if len(rules) < 2:
                return f"Value does not have class {s(rules[0])}"
            return "Value class is not in classes ({})".format(", ".join(s(c) for c in rules))
        if param == SH.datatype:
            return f"Value is not Literal with datatype {s(rule)}"
        if param == SH.nodeKind:
            return f"Value is not of Node Kind {s(rule)}"
        if param == SH.pattern:
            rules = list(sg.objects(shape, SH.pattern))
            if len(rules) < 2:
                return f"Value does not match pattern '{rules[0].value}'"
            return "Value does not match every pattern in ('{}')".format(
                "', '".join(str(r.value) for r in rules)
            )
        if param == SH.languageIn:
            return f"String language is not in {s(rule)}"
        if param == SH["in"]:
            listed = [s(x) for x in set(Collection(sg, rule))]
            return f"Value {self.data_string(value)} not in list {listed}"
        if param in _RANGE_TEXT:
            rules = list(sg.objects(shape, param))
            if len(rules) < 2:
                return f"Value is not {_RANGE_TEXT[param]} {s(rules[0])}"
            return "Value is not {} in ({})".format(
                _RANGE_TEXT[param], ", ".join(s(c) for c in rules)
            )
        if param in (SH.minLength, SH.maxLength):
            op = ">=" if param == SH.minLength else "<="
            return f"String length not {op} {stringify_node(self.run.view, rule)}"
        return None

    def _shape_message(self, shape, param, rule, focus, value) -> str | None:
        """The logical and shape-based constraints."""
        sg = self.sg

        def s(node: Node) -> str:
            return stringify_node(sg, node)

        if param == SH["or"]:
            lists = list(sg.objects(shape, SH["or"]))
            if len(lists) < 2:
                text = " , ".join(s(m) for m in sg.items(lists[0]))
            else:
                text = " and ".join(
                    "({})".format(" , ".join(s(m) for m in sg.items(lst))) for lst in lists
                )
            return f"Node {self.data_string(value)} must conform to one or more shapes in {text}"
        if param == SH.qualifiedValueShape:
            qualified, low, high = rule
            shapes = set(sg.objects(shape, SH.qualifiedValueShape))
            text = ",".join(s(q) for q in shapes)
            count = (f" MinCount {low}" if low is not None else "") + (
                f" MaxCount {high}" if high is not None else ""
            )
            if len(shapes) > 1:
                return f"Focus node does not conform to shapes{count}: ({text})"
            return f"Focus node does not conform to shape{count}: {text}"
        if param in (SH["and"], SH.xone):
            lists = list(sg.objects(shape, param))
            text = " and ".join(
                "({})".format(" , ".join(s(m) for m in sg.items(lst))) for lst in lists
            )
            if len(lists) < 2:
                text = " , ".join(s(m) for m in sg.items(lists[0]))
            word = "all shapes" if param == SH["and"] else "exactly one shape"
            return f"Node {self.data_string(value)} must conform to {word} in {text}"
        if param == SH["not"]:
            negated = list(sg.objects(shape, SH["not"]))
            if len(negated) == 1:
                return f"Node {self.data_string(value)} must not conform to shape {s(negated[0])}"
            text = " , ".join(s(n) for n in negated)
            return f"Node {self.data_string(value)} must not conform to any shapes in {text}"
        if param == SH.node:
            shapes = list(sg.objects(shape, SH.node))
            if len(shapes) < 2:
                text = f"Value does not conform to Shape {s(shapes[0])}."
            else:
                listed = "', '".join(s(n) for n in shapes)
                text = f"Value must conform to every Shape in ('{listed}')."
            return text + " See details for more information."
        return None

    def _set_message(self, shape, param, rule, focus, value) -> str | None:
        """Cardinality, sh:uniqueLang, sh:hasValue, sh:closed and property pairs."""
        sg = self.sg

        def s(node: Node) -> str:
            return stringify_node(sg, node)

        if param == SH.uniqueLang:
            return "More than one String shares the same Language"
        if param in (SH.minCount, SH.maxCount):
            word = "Less" if param == SH.minCount else "More"
            path = self.path(shape)
            if path is not None:
                return f"{word} than {rule.value} values on {self.data_string(focus)}->{s(path)}"
            return f"{word} than {rule.value} values on {self.data_string(focus)}"
        if param == SH.hasValue:
            values = [s(v) for v in sg.objects(shape, SH.hasValue)]
            path = self.path(shape)
            if path is not None:
                return (
                    f"Node {self.data_string(focus)}->{s(path)} does not contain a value in the "
                    f"set: {values}"
                )
            return f"Node {self.data_string(focus)} value is not a in the set of values: {values}"
        if param == SH.closed:
            value_text = self.data_string(value)
            return f"Node {self.data_string(focus)} is closed. It cannot have value: {value_text}"
        if param in _PAIR_TEXT:
            others = list(sg.objects(shape, param))
            text = s(others[0]) if len(others) < 2 else ", ".join(s(o) for o in others)
            return (
                f"Value of {self.data_string(focus)}->{text} {_PAIR_TEXT[param]} "
                f"{self.data_string(value)}"
            )
        return None
