"""Content negotiation: which result or RDF syntax a client gets, by Accept or `?format=`."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph

from kb.serve.http import Refused
from kb.sparql.results import MEDIA_TYPES

# Offers in server preference order: MIME type -> (kb.sparql.results format, content type sent).
RESULT_OFFERS: dict[str, tuple[str, str]] = {
    "application/sparql-results+json": ("json", MEDIA_TYPES["json"]),
    "application/json": ("json", MEDIA_TYPES["json"]),
    "application/sparql-results+xml": ("xml", MEDIA_TYPES["xml"]),
    "text/csv": ("csv", MEDIA_TYPES["csv"] + "; charset=utf-8"),
    "text/tab-separated-values": ("tsv", MEDIA_TYPES["tsv"] + "; charset=utf-8"),
}
# MIME type -> (rdflib serialiser name, content type sent).
GRAPH_OFFERS: dict[str, tuple[str, str]] = {
    "text/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/ld+json": ("json-ld", "application/ld+json"),
    "application/n-triples": ("nt", "application/n-triples"),
    "application/rdf+xml": ("xml", "application/rdf+xml"),
    "application/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "text/n3": ("turtle", "text/turtle; charset=utf-8"),
    "application/x-json+ld": ("json-ld", "application/ld+json"),
}
# `?format=` / `output=` short names (SPARQLWrapper sends these as well as Accept).
RESULT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml"}
RESULT_NAMES |= {"csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (malformed parts skipped)."""
    ranges = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        kind, _, sub = bits[0].partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in bits[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((bits[0].lower(), q))
    return ranges


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (the first offer when it states no preference)."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        q, specificity = 0.0, -1
        for media, mq in ranges:
            s = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            if s > specificity:
                q, specificity = mq, s
        if q > best_q:
            best, best_q = offer, q
    return best


def choose(
    accept: str, fmt: str | None, offers: Mapping[str, tuple[str, str]], names: Mapping[str, str]
) -> str:
    """The offered MIME type for `?format=` (or, failing it, Accept); Refused 406 if none."""
    if fmt:
        mime = names.get(fmt.lower(), fmt.lower())
        if mime in offers:
            return mime
        if ranges := [m for m, _q in parse_accept(accept) if m in offers]:
            return ranges[0]  # SPARQLWrapper repeats its Accept in `format`; trust the header
        raise Refused(406, f"unsupported format {fmt!r}; choose one of {', '.join(names)}")
    mime = negotiate(accept, list(offers))
    if mime is None:
        raise Refused(
            406, f"none of the accepted types ({accept}) is offered; offered: {', '.join(offers)}"
        )
    return mime


def serialise_graph(
    graph: Graph, serialiser: str, prefixes: Mapping[str, str] | None = None
) -> bytes:
    for prefix, ns in (prefixes or {}).items():
        graph.bind(prefix, ns, override=True)
    data = graph.serialize(format=serialiser, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()
