"""Validation that scales: the SHACL Core shapes compiled to SPARQL and run by Oxigraph.

kb.shacl.pyshacl_engine (pySHACL) is the reference; this module gives the same results (severity,
focus
node, path, value, message, source shape, constraint component) and the same report graph,
and is checked against it by tests/test_validate_sparql.py. Each constraint of a targeted shape
becomes one set-oriented SELECT over all the shape's focus nodes (never a query per node);
nested shapes (the members of sh:or, sh:qualifiedValueShape) become SPARQL expressions inside it.

Where SPARQL and pySHACL disagree in details (Python regular expressions, rdflib's notion of an
ill-typed literal, rdflib term equality for sh:in, literal comparison for sh:minInclusive), the
distinct values a constraint looks at are fetched once and judged in Python with pySHACL's own
rules; only the values that fail go back into the query, as sameTerm tests.

pySHACL behaviours reproduced on purpose: sh:class follows rdfs:subClassOf* in the data graph;
sh:uniqueLang reports once per duplicated language with no sh:value; qualified counts report
no sh:value; a nested shape with severity sh:Warning or sh:Info counts as conforming (pySHACL
runs with allow_warnings/allow_infos); sh:qualifiedValueShape on a node shape is ignored;
messages are the shape's sh:message values (language tags kept) or pySHACL's default text.

Compiled: all of SHACL Core (the W3C Core test suite passes whole: tests/test_w3c_shacl.py):
targets (class, implicit class, node, subjectsOf, objectsOf), every sh:path form, sh:class,
datatype, nodeKind, pattern (+ flags), languageIn, in, min/max In/Exclusive, min/maxLength,
hasValue, closed (+ ignoredProperties), equals, disjoint, lessThan(OrEquals), or, and, xone,
not, node, minCount, maxCount, uniqueLang, qualifiedValueShape with qualifiedMin/MaxCount (and
qualifiedValueShapesDisjoint), nested sh:property, sh:deactivated, sh:severity, sh:message.
A shape using anything else (SHACL-SPARQL, SHACL-AF, sh:datatype rdfs:Datatype, a blank-node
sh:targetNode, sh:closed on a property shape, property pairs inside a nested shape, a
recursive shape, on a store an integer-derived sh:datatype) raises ShapeError naming the shape
and the feature, and no outcome is returned: the caller can then use the pySHACL reference.
(A per-shape fallback to pySHACL would need the whole data graph copied into rdflib, the very
cost this module avoids.) Nothing is skipped silently. pySHACL's sh:detail (why a nested
shape failed) is not written.

Known differences, from Oxigraph's term model (docs/conformance.md): it does not tell a plain
literal "a" from "a"^^xsd:string (RDF 1.1 says they are one term; rdflib keeps them apart); it
stores numbers in canonical form, every integer-derived datatype as xsd:integer and language
tags in lower case, so two spellings of one value count as one, and in the report graph of
validate_store sh:value reads "4" for "4.0" or "x"@en-gb for "x"@en-GB (validate_graph maps
results back to the data's own literals).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from pyshacl.rdfutil import stringify_node
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kb.core.errors import KBError, ShapeError
from kb.core.namespaces import DEFAULT_PREFIXES
from kb.shacl.report import ValidationOutcome, read_results
from kb.shacl.shapes import count_shapes
from kb.shacl.values import datatype_matches, datatype_of, less_than, pattern_matcher
from kb.store import from_ox, stored_literals, to_ox

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

# Constraint parameters this module compiles; any other SHACL parameter on a shape is refused.
# Tested on values one by one (node shapes: the focus node is the value):
_VALUE_PARAMS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
    SH.node,
}
# Tested on the whole set of values of a focus node, on node and property shapes alike:
_SET_PARAMS = {SH.hasValue, SH.equals, SH.disjoint}
_NODE_PARAMS = {SH.closed, SH.ignoredProperties}
_PROPERTY_PARAMS = {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
}
_HARMLESS = {
    *_TARGETS,
    SH.property,
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.deactivated,
    SH.flags,
    SH.order,
    SH.group,
    SH.defaultValue,
}
_COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
}
# Results of these components carry no sh:value (the SHACL spec, and pySHACL).
_NO_VALUE = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.hasValue}
# Oxigraph stores a literal of these datatypes as a literal of another one (every type derived
# from xsd:integer as xsd:integer, "300"^^xsd:byte included): on a store the original datatype
# is gone, so sh:datatype with one of them cannot be checked there.
_XSD = "http://www.w3.org/2001/XMLSchema#"
FOLDED_DATATYPES = {
    URIRef(_XSD + name): XSD.integer
    for name in (
        "nonPositiveInteger negativeInteger long int short byte nonNegativeInteger "
        "unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger"
    ).split()
} | {XSD.dateTimeStamp: XSD.dateTime}
_RANGE_TEST = {
    SH.minInclusive: lambda c: c >= 0,
    SH.maxInclusive: lambda c: c <= 0,
    SH.minExclusive: lambda c: c > 0,
    SH.maxExclusive: lambda c: c < 0,
}
_RANGE_TEXT = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
# pySHACL's default messages: "!=" for sh:equals, and (as it writes them) "<=" for sh:lessThan
_PAIR_TEXT = {SH.equals: "!=", SH.disjoint: "==", SH.lessThan: "<=", SH.lessThanOrEquals: "<"}
_NODE_KIND = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# Max distinct values in a count written as a join (nested shapes only; top level uses GROUP BY).
_MAX_JOINED_COUNT = 3


def _iri(node: Node) -> str:
    return f"<{node}>"


def _term(node: Node) -> str:
    """A SPARQL term for an IRI or literal (blank nodes cannot be named in a query)."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, Literal):
        return str(to_ox(node))
    raise TypeError(f"cannot write {node!r} into a query")


def _not_one_of(var: str, terms: Iterable[Node]) -> str:
    """SPARQL: `var` is none of `terms` (term equality, unlike IN which compares values)."""
    tests = [
        f"sameTerm({var}, {_term(t)})" for t in sorted(terms, key=lambda t: (type(t).__name__, t))
    ]
    return f"!({' || '.join(tests)})" if tests else "true"


@dataclass
class _Result:
    """One validation result before it becomes report triples."""

    top: Node  # the targeted shape whose validation produced it
    shape: Node
    component: URIRef
    focus: Node
    path: Node | None
    value: Node | None
    messages: list[Literal]


@dataclass
class _Scope:
    """The nodes a (nested) shape is evaluated on, as a SPARQL pattern binding `var`.
    `keys` are the variables of the focus nodes above (a property shape of a property shape
    is evaluated once per focus node of its parent, as pySHACL and the SPARQL definitions do:
    a value shared by two parents gives two results)."""

    pattern: str
    var: str
    keys: tuple[str, ...] = ()

    @property
    def key_list(self) -> str:
        return " ".join(self.keys)


@dataclass
class _Run:
    store: ox.Store
    default_graph: ox.NamedNode | None
    shapes: Graph
    view: Graph  # the data graph pySHACL would stringify nodes against (default messages)
    view_is_data: bool
    results: list[_Result] = field(default_factory=list)
    counter: itertools.count = field(default_factory=itertools.count)
    subclass_cache: dict[Node, list[Node]] = field(default_factory=dict)
    covered_cache: dict[tuple[Node, Node], bool] = field(default_factory=dict)
    severities: dict[Node, Node] = field(default_factory=dict)
    copied: set[str] = field(default_factory=set)
    # validate_graph: the data's own literal for each literal as Oxigraph stores it (Oxigraph
    # writes numbers in canonical form, integer-derived datatypes as xsd:integer and language
    # tags in lower case), so results name "4.0" as the data does, not "4"
    originals: dict[Literal, Literal] = field(default_factory=dict)
    # severities that do not break conformance: kb.shacl.pyshacl_engine's (pySHACL with
    # allow_warnings and
    # allow_infos), or none (the SHACL specification: any result breaks it)
    allowed: tuple[Node, ...] = (SH.Warning, SH.Info)

    def term(self, term: object) -> Node | None:
        node = from_ox(term)
        if self.originals and isinstance(node, Literal):
            return self.originals.get(node, node)
        return node

    def select(self, text: str) -> Iterator[tuple]:
        solutions = self.store.query(text, **self.options())
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield tuple(self.term(solution[name]) for name in names)

    def severity(self, shape: Node) -> Node:
        """The shape's severity as pySHACL picks it; cached, as it is asked once per result."""
        if shape not in self.severities:
            self.severities[shape] = _severity(self.shapes, shape)
        return self.severities[shape]

    def options(self) -> dict:
        return {"default_graph": self.default_graph} if self.default_graph is not None else {}

    def fresh(self) -> str:
        # the trailing x keeps ?n1x from being a prefix of ?n12x when names are substituted
        return f"?n{next(self.counter)}x"


class _Compiler:
    def __init__(self, run: _Run):
        self.run = run
        self.sg = run.shapes
        self.message_cache: dict[Node, list[Literal]] = {}
        self.active: list[Node] = []  # the shapes being compiled, outermost first

    # --- shapes graph ------------------------------------------------------------------------

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

    # --- data-dependent helpers --------------------------------------------------------------

    def subclasses(self, cls: Node) -> list[Node]:
        """cls and every class below it through rdfs:subClassOf* in the data graph."""
        if cls not in self.run.subclass_cache:
            found = {cls} | {
                row[0]
                for row in self.run.select(
                    f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_iri(cls)} }}"
                )
                if not isinstance(row[0], BNode)
            }
            self.run.subclass_cache[cls] = sorted(found)
            if any(
                isinstance(row[0], BNode)
                for row in self.run.select(
                    f"SELECT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ {_iri(cls)} FILTER isBlank(?c) }}"
                )
            ):
                # an anonymous subclass: fall back to the path itself (cannot list a blank node)
                self.run.subclass_cache[cls] = []
        return self.run.subclass_cache[cls]

    def instance_of(self, var: str, *classes: Node) -> str:
        """EXISTS: `var` is a SHACL instance of one of `classes` (rdf:type/rdfs:subClassOf*)."""
        return "EXISTS " + self.typed(var, classes)

    def typed(self, var: str, classes: Iterable[Node]) -> str:
        """A group pattern matching when `var` has a type below one of `classes`: one lookup
        in a list of the subclasses, computed once, rather than a path per node."""
        below = [self.subclasses(cls) for cls in classes]
        if any(not found for found in below):  # an anonymous subclass: keep the path
            paths = [
                f"{{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {_iri(cls)} }}" for cls in classes
            ]
            return "{ " + " UNION ".join(paths) + " }"
        kept = self.covering({c for found in below for c in found})
        if len(kept) == 1:
            return f"{{ {var} <{RDF.type}> {_iri(kept[0])} }}"
        t = self.run.fresh()
        listed = " ".join(_iri(c) for c in kept)
        return f"{{ {var} <{RDF.type}> {t} VALUES {t} {{ {listed} }} }}"

    def covering(self, classes: set[Node]) -> list[Node]:
        """The fewest of `classes` whose instances are the instances of all of them: a class
        is left out when its superclass in the set already types each of its instances in the
        data (as after materialisation). Checked on the data, so exact on any graph; it turns
        a 27-class type lookup into one or two."""
        kept = sorted(classes)
        for cls in list(kept):
            supers = {
                row[0]
                for row in self.run.select(
                    f"SELECT DISTINCT ?c WHERE {{ {_iri(cls)} <{RDFS.subClassOf}>+ ?c }}"
                )
            }
            for sup in kept:
                if sup != cls and sup in supers and self.covered(cls, sup):
                    kept.remove(cls)
                    break
        return kept

    def covered(self, cls: Node, sup: Node) -> bool:
        """Every instance of `cls` in the data is also typed `sup`."""
        key = (cls, sup)
        if key not in self.run.covered_cache:
            typed = f"<{RDF.type}>"
            query = (
                f"ASK {{ ?x {typed} {_iri(cls)} FILTER NOT EXISTS {{ ?x {typed} {_iri(sup)} }} }}"
            )
            self.run.covered_cache[key] = not self.run.store.query(query, **self.run.options())
        return self.run.covered_cache[key]

    def class_only(self, shape: Node) -> Node | None:
        """The class of a shape whose one constraint is a single sh:class (sh:or members)."""
        params = {p for p in self.sg.predicates(shape) if str(p).startswith(str(SH))}
        classes = list(self.sg.objects(shape, SH["class"]))
        if params <= {SH["class"], SH.name, SH.description, SH.message} and len(classes) == 1:
            if self.path(shape) is None and not isinstance(classes[0], BNode):
                return classes[0]
        return None

    def distinct_values(self, scope: _Scope, condition: str = "true") -> list[Node]:
        query = (
            f"SELECT DISTINCT {scope.var} WHERE {{ {scope.pattern} "
            f"FILTER(!isBlank({scope.var}) && {condition}) }}"
        )
        return [row[0] for row in self.run.select(query)]

    # --- value constraints as SPARQL expressions ---------------------------------------------

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

    # --- constraints on the set of values of a focus node --------------------------------------

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

    # --- nested conformance --------------------------------------------------------------------

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

    # --- targeted shapes: one query per constraint -------------------------------------------

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

    # --- results ------------------------------------------------------------------------------

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
        if param == SH.uniqueLang:
            return "More than one String shares the same Language"
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
        if param in (SH.minCount, SH.maxCount):
            word = "Less" if param == SH.minCount else "More"
            path = self.path(shape)
            if path is not None:
                return f"{word} than {rule.value} values on {self.data_string(focus)}->{s(path)}"
            return f"{word} than {rule.value} values on {self.data_string(focus)}"
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
        if param in (SH.minLength, SH.maxLength):
            op = ">=" if param == SH.minLength else "<="
            return f"String length not {op} {stringify_node(self.run.view, rule)}"
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
        raise AssertionError(param)


def _is_true(node: Node | None) -> bool:
    """A boolean parameter is on only as the literal true (the SHACL test suite's reading:
    "1"^^xsd:boolean is another term and leaves sh:uniqueLang off)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


def copy_bnode(run: _Run, node: BNode, target: Graph, depth: int = 0) -> None:
    """Copy a data blank node's triples (and those of blank nodes below it) into `target`."""
    if str(node) in run.copied or depth >= 10:
        return
    run.copied.add(str(node))
    graph = run.default_graph if run.default_graph is not None else ox.DefaultGraph()
    for quad in run.store.quads_for_pattern(to_ox(node), None, None, graph):
        obj = run.term(quad.object)
        target.add((node, from_ox(quad.predicate), obj))
        if isinstance(obj, BNode):
            copy_bnode(run, obj, target, depth + 1)


def _clone_into(
    report: Graph, source: Graph, node: BNode, keep: bool = True, depth: int = 0
) -> BNode:
    """pySHACL's clone_blank_node: the node (same id at the top) and what hangs below it."""
    clone = BNode(str(node)) if keep else BNode()
    if depth >= 10:
        return clone
    predicates = set(source.predicates(node))
    if RDF.first in predicates:
        items = [
            _clone_into(report, source, item, False, depth + 1) if isinstance(item, BNode) else item
            for item in Collection(source, node)
        ]
        Collection(report, clone, items)
        return clone
    for p in predicates:
        for o in source.objects(node, p):
            if isinstance(o, BNode):
                o = _clone_into(report, source, o, False, depth + 1)
            report.add((clone, p, o))
    return clone


def _report_graph(run: _Run, conforms: bool, results: list[_Result]) -> Graph:
    report = Graph(bind_namespaces="core")
    for prefix, ns in run.shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, ns)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    data = Graph()
    clones: dict[tuple[str, str], Node] = {}

    def clone(source: str, node: Node) -> Node:
        if not isinstance(node, BNode):
            return node
        key = (source, str(node))
        if key not in clones:
            if source == "data":
                copy_bnode(run, node, data)
                clones[key] = _clone_into(report, data, node)
            else:
                clones[key] = _clone_into(report, run.shapes, node)
        return clones[key]

    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.sourceConstraintComponent, r.component))
        report.add((node, SH.sourceShape, clone("shapes", r.shape)))
        report.add((node, SH.resultSeverity, run.severity(r.shape)))
        report.add((node, SH.focusNode, clone("data", r.focus)))
        if r.value is not None:
            report.add((node, SH.value, clone("data", r.value)))
        if r.path is not None:
            report.add((node, SH.resultPath, clone("shapes", r.path)))
        for message in r.messages:
            report.add((node, SH.resultMessage, message))
    return report


def _severity(shapes: Graph, shape: Node) -> Node:
    return next(iter(set(shapes.objects(shape, SH.severity))), SH.Violation)


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Every shape pySHACL validates on its own: those with a target or an implicit class target."""
    found = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    class_types = set(shapes.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    ):
        if any(t in class_types for t in shapes.objects(shape, RDF.type)):
            found.add(shape)
    return sorted(found, key=lambda s: (isinstance(s, BNode), str(s)))


def validate_store(
    store: ox.Store,
    shapes: Graph,
    prefixes: dict[str, str] | None = None,
    graph: str | None = None,
    *,
    data_view: Graph | None = None,
    originals: dict[Literal, Literal] | None = None,
    allow_warnings: bool = True,
) -> ValidationOutcome:
    """Validate the default graph of `store` (or the named graph `graph`) against `shapes`,
    with the results pySHACL (kb.shacl.pyshacl_engine.validate) gives on the same triples.

    `data_view` is for validate_graph: the rdflib graph the data came from, used only to write
    pySHACL's default messages (which print nodes with the data graph's prefixes), and
    `originals` maps each literal as Oxigraph stores it to the data's own (see _Run).
    With allow_warnings (kb.shacl.pyshacl_engine's choice), results of severity sh:Warning or
    sh:Info do
    not break conformance and nested shapes of those severities always conform; without, the
    SHACL specification's rule holds: any result breaks it."""
    run = _Run(
        store=store,
        default_graph=ox.NamedNode(graph) if graph else None,
        shapes=shapes,
        view=data_view if data_view is not None else Graph(),
        view_is_data=data_view is not None,
        originals=originals or {},
        allowed=(SH.Warning, SH.Info) if allow_warnings else (),
    )
    compiler = _Compiler(run)
    for shape in targeted_shapes(shapes):
        compiler.validate_targeted(shape)
    # pySHACL: a targeted shape whose own severity is not allowed fails on any result of a
    # severity that is not allowed; kb.shacl.pyshacl_engine then also fails on any sh:Violation.
    failing_tops = {
        r.top
        for r in run.results
        if run.severity(r.top) not in run.allowed and run.severity(r.shape) not in run.allowed
    }
    has_violation = any(run.severity(r.shape) == SH.Violation for r in run.results)
    conforms = not failing_tops and not has_violation
    report = _report_graph(run, not failing_tops, run.results)
    for prefix, ns in (prefixes or {}).items():
        report.bind(prefix, ns, override=True, replace=True)
    results = read_results(report, prefixes or DEFAULT_PREFIXES)
    return ValidationOutcome(conforms, results, report, count_shapes(shapes))


def load_graph(data: Graph, store: ox.Store | None = None) -> ox.Store:
    """An Oxigraph store whose default graph holds the triples of `data`."""
    store = store if store is not None else ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), default) for s, p, o in data)
    return store


def validate_graph(
    data: Graph,
    shapes: Graph,
    prefixes: dict[str, str] | None = None,
    *,
    allow_warnings: bool = True,
) -> ValidationOutcome:
    """validate_store on a copy of `data` in a fresh in-memory store (small inputs, tests);
    results name literals as `data` spells them."""
    return validate_store(
        load_graph(data),
        shapes,
        prefixes,
        data_view=data,
        originals=stored_literals(data),
        allow_warnings=allow_warnings,
    )
