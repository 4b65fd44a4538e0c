"""Value tests as pySHACL makes them (regular expressions, order, datatypes), shared by the
shape checks (kb.shacl.shapes) and the compiled validator."""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kb.core.errors import ShapeError


def pattern_matcher(shape: Node, pattern: Node, flags: Node | None):
    """A predicate telling whether a value node matches `pattern` (with sh:flags) as pySHACL
    matches it (Python's re, searching the string of the node); ShapeError for a pattern or
    flags no engine can use, so a bad regular expression is named with its shape."""
    if not isinstance(pattern, Literal):
        raise ShapeError(shape, f"sh:pattern needs a string literal, not {pattern.n3()}")
    re_flags = 0
    if flags is not None:
        text = str(flags)
        unknown = set(text) - set("imsxq")
        if not isinstance(flags, Literal) or unknown:
            raise ShapeError(shape, f"sh:flags {flags.n3()}: only i, m, s, x and q are defined")
        re_flags |= re.I if "i" in text.lower() else 0
        re_flags |= re.M if "m" in text.lower() else 0
    source = (
        str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    )
    try:
        matcher = re.compile(source, re_flags)
    except re.error as exc:
        raise ShapeError(
            shape, f"sh:pattern {pattern.n3()} is not a valid regular expression: {exc}"
        ) from None
    return lambda node: not isinstance(node, BNode) and bool(matcher.search(value_string(node)))


def less_than(value: Node, other: Node, strict: bool) -> bool:
    """pySHACL's sh:lessThan(OrEquals) test of one pair (a pair it cannot compare fails)."""

    def plain(node: Node):
        if isinstance(node, URIRef):
            return str(node), True
        if isinstance(node, Literal) and isinstance(node.value, str):
            return node.value, True
        return node, False

    (a, a_text), (b, b_text) = plain(value), plain(other)
    if a_text != b_text or isinstance(a, BNode) or isinstance(b, BNode):
        return False
    try:
        return bool(a < b) if strict else bool(a <= b)
    except TypeError:
        return False


def value_string(node: Node) -> str:
    """The string pySHACL matches sh:pattern against (StringBasedConstraintBase)."""
    if isinstance(node, Literal) and node.value is not None:
        if node.datatype in (None, RDF.langString, XSD.string):
            return str(node.value)
    return str(node)


def datatype_of(literal: Literal) -> URIRef:
    """The datatype IRI of a literal (rdflib leaves it None on plain and tagged strings)."""
    if literal.datatype is not None:
        return literal.datatype
    return RDF.langString if literal.language else XSD.string


def datatype_matches(literal: Literal, datatype: Node) -> bool:
    """pySHACL's verdict for a literal whose datatype IRI is `datatype` (not a string type)."""
    if getattr(literal, "ill_typed", None) is True:
        return False
    value = literal.value
    checks = {
        XSD.integer: lambda: isinstance(value, int),
        XSD.float: lambda: isinstance(value, float),
        XSD.decimal: lambda: type(value).__name__ == "Decimal",
        XSD.boolean: lambda: isinstance(value, bool),
    }
    if datatype in checks:
        return checks[datatype]()
    from datetime import date, datetime, time

    if datatype == XSD.date:
        return isinstance(value, date)
    if datatype == XSD.time:
        return isinstance(value, time)
    if datatype == XSD.dateTime:
        return isinstance(value, datetime)
    return True
