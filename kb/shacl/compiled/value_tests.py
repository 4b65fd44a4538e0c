"""The constraints on each value node as SPARQL expressions: value type (sh:datatype,
sh:nodeKind), string (sh:pattern, sh:languageIn, lengths), value range and sh:in."""

from __future__ import annotations

from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kb.core.errors import ShapeError
from kb.shacl.compiled.common import (
    _NODE_KIND,
    _RANGE_TEST,
    FOLDED_DATATYPES,
    _iri,
    _not_one_of,
    _Scope,
)
from kb.shacl.values import datatype_matches, datatype_of, pattern_matcher


class _ValueTests:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def value_tests(self, shape: Node, scope: _Scope) -> list[tuple[URIRef, Node, str]]:
        """(parameter, parameter value, SPARQL expression true when the value node `scope.var`
        passes) for each value-type constraint of `shape`, one per rule as pySHACL reports."""
        v = scope.var
        tests: list[tuple[URIRef, Node, str]] = []
        for cls in sorted(set(self.sg.objects(shape, SH["class"]))):
            tests.append((SH["class"], cls, self.instance_of(v, cls)))
        datatype = self.one(shape, SH.datatype)
        if datatype is not None:
            tests.append((SH.datatype, datatype, self.datatype_test(shape, datatype, scope)))
        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            if kind not in _NODE_KIND:
                raise ShapeError(shape, f"unknown sh:nodeKind {kind.n3()}")
            tests.append((SH.nodeKind, kind, _NODE_KIND[kind].format(v=v)))
        patterns = list(self.sg.objects(shape, SH.pattern))
        for pattern in patterns:
            tests.append((SH.pattern, pattern, self.pattern_test(shape, pattern, scope)))
        languages = self.one(shape, SH.languageIn)
        if languages is not None:
            tests.append((SH.languageIn, languages, self.language_test(languages, v)))
        members = self.one(shape, SH["in"])
        if members is not None:
            allowed = set(self.items(shape, SH["in"], members))
            bad = [x for x in self.distinct_values(scope) if x not in allowed]
            tests.append((SH["in"], members, f"(!isBlank({v}) && {_not_one_of(v, bad)})"))
        for param in (SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive):
            for bound in self.sg.objects(shape, param):
                tests.append((param, bound, self.range_test(shape, param, bound, scope)))
        for param, op in ((SH.minLength, ">="), (SH.maxLength, "<=")):
            if self.one(shape, param) is not None:
                n = self.int_param(shape, param)
                # pySHACL: a blank node has no string to measure; IRIs and literals do
                test = f"(!isBlank({v}) && STRLEN(STR({v})) {op} {n})"
                tests.append((param, self.one(shape, param), test))
        for alternatives in self.sg.objects(shape, SH["or"]):
            members = self.items(shape, SH["or"], alternatives)
            classes = [self.class_only(m) for m in members]
            if all(classes):
                # sh:or of plain sh:class shapes: one type lookup for all of them
                tests.append((SH["or"], alternatives, self.instance_of(scope.var, *classes)))
                continue
            ors = [self.conforms(m, scope) for m in members]
            tests.append((SH["or"], alternatives, "(" + " || ".join(ors) + ")"))
        for conjunction in self.sg.objects(shape, SH["and"]):
            ands = [self.conforms(m, scope) for m in self.items(shape, SH["and"], conjunction)]
            tests.append((SH["and"], conjunction, "(" + " && ".join(ands) + ")"))
        for choices in self.sg.objects(shape, SH.xone):
            ones = [
                f"IF({self.conforms(m, scope)}, 1, 0)" for m in self.items(shape, SH.xone, choices)
            ]
            tests.append((SH.xone, choices, f"(({' + '.join(ones)}) = 1)"))
        for negated in sorted(set(self.sg.objects(shape, SH["not"]))):
            tests.append((SH["not"], negated, f"!{self.conforms(negated, scope)}"))
        for node_shape in sorted(set(self.sg.objects(shape, SH.node))):
            tests.append((SH.node, node_shape, self.conforms(node_shape, scope)))
        return tests

    def items(self, shape: Node, param: URIRef, head: Node) -> list[Node]:
        """The members of the SHACL list `head`, the value of `param`; ShapeError for a value
        that is not a well-formed list (or an empty one where SHACL needs members)."""
        name = param.n3(self.sg.namespace_manager)
        if head != RDF.nil and not isinstance(head, BNode):
            raise ShapeError(shape, f"{name} needs a list, not {head.n3()}")
        members, seen, node = [], set(), head
        while node != RDF.nil:
            first, rest = self.sg.value(node, RDF.first), self.sg.value(node, RDF.rest)
            if first is None or rest is None or node in seen:
                raise ShapeError(shape, f"{name} is not a well-formed RDF list")
            seen.add(node)
            members.append(first)
            node = rest
        if not members and param in (SH["or"], SH.xone):
            raise ShapeError(shape, f"{name} needs a non-empty list")
        return members

    def datatype_test(self, shape: Node, datatype: Node, scope: _Scope) -> str:
        v = scope.var
        if not isinstance(datatype, URIRef):
            raise ShapeError(shape, f"sh:datatype needs an IRI, not {datatype.n3()}")
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        stored = FOLDED_DATATYPES.get(datatype, datatype)
        if not self.run.originals:  # a store: no data to recover an original datatype from
            if datatype != stored:
                raise ShapeError(
                    shape,
                    f"sh:datatype {datatype.n3(self.sg.namespace_manager)} cannot be checked on "
                    f"an Oxigraph store, which stores such literals as {stored.n3()}: declare "
                    "that datatype (with sh:minInclusive/sh:maxInclusive for a range)",
                )
            if datatype == XSD.string:
                return f"(isLiteral({v}) && datatype({v}) = {_iri(XSD.string)})"
            if datatype == RDF.langString:
                return f'(isLiteral({v}) && lang({v}) != "")'
        typed = f"(isLiteral({v}) && datatype({v}) = {_iri(stored)})"
        # rdflib decides which lexical forms are ill-typed: each distinct literal of the stored
        # datatype is judged as pySHACL judges the data's own spelling of it.
        bad = [
            lit
            for lit in self.distinct_values(scope, typed)
            if datatype_of(lit) != datatype or not datatype_matches(lit, datatype)
        ]
        return f"({typed} && {_not_one_of(v, bad)})"

    def pattern_test(self, shape: Node, pattern: Node, scope: _Scope) -> str:
        flags = next(iter(set(self.sg.objects(shape, SH.flags))), None)
        bad = [
            x for x in self.distinct_values(scope) if not pattern_matcher(shape, pattern, flags)(x)
        ]
        return f"(!isBlank({scope.var}) && {_not_one_of(scope.var, bad)})"

    def language_test(self, languages: Node, v: str) -> str:
        wanted = {str(lang.value).lower() for lang in Collection(self.sg, languages)}
        tagged = f'(isLiteral({v}) && lang({v}) != "")'
        if "*" in wanted:
            return tagged
        listed = ", ".join(f'"{lang}"' for lang in sorted(wanted))
        first = f'LCASE(STRBEFORE(CONCAT(lang({v}), "-"), "-"))'
        return f"({tagged} && (LCASE(lang({v})) IN ({listed}) || {first} IN ({listed})))"

    def range_test(self, shape: Node, param: URIRef, bound: Node, scope: _Scope) -> str:
        if not isinstance(bound, Literal):
            name = param.n3(self.sg.namespace_manager)
            raise ShapeError(shape, f"{name} needs a literal, not {bound.n3()}")
        passes = _RANGE_TEST[param]
        bad = []
        for value in self.distinct_values(scope, f"isLiteral({scope.var})"):
            if isinstance(value.value, str) != isinstance(bound.value, str):
                bad.append(value)
                continue
            try:
                ok = passes(compare_literal(value, bound))
            except (TypeError, NotImplementedError):
                ok = False
            if not ok:
                bad.append(value)
        return f"(isLiteral({scope.var}) && {_not_one_of(scope.var, bad)})"
