"""rdflib terms <-> pyoxigraph terms, with the IRIs and short literals answers repeat shared."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kb.store.base import Triple


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        value = term.value
        if len(value) > _CACHED_LITERAL:
            return _literal(value, term.language, term.datatype.value)
        return _cached_literal(value, term.language, term.datatype.value)
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


# Answers repeat the same IRIs and short literals (types, predicates, codes) thousands of
# times, and building an rdflib term is most of the cost of reading Oxigraph's answer (its
# IRI check alone is a third at 10^6 triples): terms are immutable, so they are shared.
_CACHED_LITERAL = 200


@lru_cache(maxsize=1 << 17)
def _iri(value: str) -> URIRef:
    return URIRef(value)


def _literal(value: str, language: str | None, datatype: str) -> Literal:
    if language:
        return Literal(value, lang=language)
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value)
    return Literal(value, datatype=_iri(datatype))


_cached_literal = lru_cache(maxsize=1 << 16)(_literal)


def stored_literals(data: Iterable[Triple] | Graph) -> dict[Literal, Literal]:
    """Each literal of `data` as Oxigraph stores it -> the literal itself, for the literals
    Oxigraph rewrites. Literals it stores as one term ("10" and "10.0"^^xsd:decimal,
    "1"^^xsd:integer and "1"^^xsd:nonNegativeInteger) are one value to every query, so they
    are left as stored: Oxigraph's term model (docs/conformance.md)."""
    literals = sorted({o for _s, _p, o in data if isinstance(o, Literal)}, key=lambda x: x.n3())
    scratch = ox.Store()
    p = ox.NamedNode("urn:x-kb:literal")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-kb:literal:{i}"), p, to_ox(lit))
        for i, lit in enumerate(literals)
    )
    spellings: dict[Literal, set[Literal]] = {}
    for quad in scratch.quads_for_pattern(None, p, None):
        original = literals[int(quad.subject.value.rsplit(":", 1)[1])]
        spellings.setdefault(from_ox(quad.object), set()).add(original)
    return {
        stored: original
        for stored, (original, *others) in spellings.items()
        if not others
        and (
            stored != original
            or stored.language != original.language
            # rdflib remembers a literal it could not read (a normalised "none"^^xsd:boolean
            # reads "false"); Oxigraph's copy of the text would pass for a valid one
            or getattr(original, "ill_typed", False)
        )
    }
