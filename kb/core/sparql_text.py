"""Bind query parameters as RDF terms through a SPARQL VALUES block.

Every engine (rdflib, Oxigraph, a remote endpoint) receives the same query text with
`VALUES (?a ?b) { (<term> <term>) }` placed at the start of the outermost WHERE group, so the
bound values constrain the whole pattern identically everywhere. The terms are written by
their N-Triples serialisation after validation, so a value can never become query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kb.core.errors import ParameterError

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Characters that may not appear in an IRIREF (SPARQL 1.1 grammar, production [139]).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRIREF = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def term_syntax(name: str, term: Node) -> str:
    """The SPARQL syntax of one bound term, refusing anything that is not a plain RDF term."""
    if isinstance(term, URIRef):
        if _BAD_IRI.search(str(term)):
            raise ParameterError(name, f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()  # escapes quotes, backslashes and line breaks
    if isinstance(term, BNode):
        raise ParameterError(name, "blank nodes cannot be bound")
    raise ParameterError(name, f"not an RDF term: {term!r}")


def values_block(bindings: Mapping[str, Node]) -> str:
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise ParameterError(name, "not a valid SPARQL variable name")
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(term_syntax(n, bindings[n]) for n in names)
    return f"VALUES ({head}) {{ ({row}) }}"


def _code_positions(query: str):
    """Yield (index, char) for characters outside comments, strings and IRIs."""
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            while i < n and query[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < n and not query.startswith(quote, i):
                i += 2 if query[i] == "\\" else 1
            i += len(quote)
            continue
        # matched in place: slicing query[i:] per IRI made a VALUES block of n IRIs cost n
        # copies of the text (0.25 s for 8,843 candidates at 10^6)
        iri = _IRIREF.match(query, i) if c == "<" else None
        if iri:
            i = iri.end()
            continue
        yield i, c
        i += 1


def values_table(variables: Sequence[str], rows: Iterable[Sequence[Node]]) -> str:
    """`VALUES (?a ?b) { (<x> <y>) ... }`: many rows of bound terms (one solution each)."""
    for name in variables:
        if not _VARIABLE.match(name):
            raise ParameterError(name, "not a valid SPARQL variable name")
    head = " ".join(f"?{n}" for n in variables)
    cells = " ".join(
        "(" + " ".join(term_syntax(n, t) for n, t in zip(variables, row, strict=True)) + ")"
        for row in rows
    )
    return f"VALUES ({head}) {{ {cells} }}"


def inject_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """Return `query` with a VALUES block for `bindings` at the start of its WHERE group."""
    if not bindings:
        return query
    return inject_block(query, values_block(bindings), next(iter(bindings)))


def inject_block(query: str, block: str, name: str) -> str:
    """Return `query` with `block` (a VALUES block) at the start of its WHERE group; `name`
    is the parameter an error is reported against."""
    code = "".join(c for _i, c in _code_positions(query))
    positions = [i for i, _c in _code_positions(query)]
    where = re.search(r"\bWHERE\s*\{", code, re.IGNORECASE)
    if where:
        brace = positions[where.end() - 1]
    else:  # SELECT/ASK without the optional WHERE keyword: the first group
        first = code.find("{")
        if first < 0:
            raise ParameterError(name, "the query has no group to bind into")
        brace = positions[first]
    return query[: brace + 1] + " " + block + " " + query[brace + 1 :]


def append_block(query: str, block: str, name: str) -> str:
    """Return `query` with `block` (a VALUES block) at the end of its WHERE group, where a
    join evaluates the group first and then the block (rdflib joins a group's first VALUES
    row by row, evaluating the rest of the group once per row); `name` as in inject_block."""
    positions = list(_code_positions(query))
    code = "".join(c for _i, c in positions)
    where = re.search(r"\bWHERE\s*\{", code, re.IGNORECASE)
    start = where.end() - 1 if where else code.find("{")
    if start < 0:
        raise ParameterError(name, "the query has no group to bind into")
    depth = 0
    for k in range(start, len(code)):
        depth += {"{": 1, "}": -1}.get(code[k], 0)
        if depth == 0:
            brace = positions[k][0]
            return query[:brace] + " " + block + "\n" + query[brace:]
    raise ParameterError(name, "the query's WHERE group is not closed")
