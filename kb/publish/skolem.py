"""Stable skolem IRIs for blank nodes: the same graph gives the same IRIs on every build.

A blank node sent to a remote store must become an IRI (RDF 1.1 section 3.5): its label means
one node only within one request, and Virtuoso refuses blank nodes in INSERT DATA. Naming it by
its parser's random label made every `kb load` add new copies of the ontology's OWL
restrictions (issue 18). Here a blank node is named by a hash of its graph's name and of what
it is connected to: its triples' predicates and other terms, the other blank nodes by their own
hashes, refined until the partition into equal hashes is stable (colour refinement, as in
RDF canonicalisation's first step). Blank nodes still tied then are told apart by their rank
among equals; those are interchangeable in the graph (an OWL restriction written twice), so
whichever gets which rank the set of triples sent is the same.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def skolem_iris(triples: Iterable[ox.Triple], graph: str, genid: str) -> dict[ox.BlankNode, str]:
    """{blank node: IRI under `genid`} for every blank node of `triples` (one graph's)."""
    edges: dict[ox.BlankNode, list[tuple[str, str, Term]]] = defaultdict(list)
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if isinstance(s, ox.BlankNode):
            edges[s].append(("out", str(p), o))
        if isinstance(o, ox.BlankNode):
            edges[o].append(("in", str(p), s))
    if not edges:
        return {}
    colour = {node: "" for node in edges}

    def name(term: Term) -> str:
        return "_:" + colour[term] if isinstance(term, ox.BlankNode) else str(term)

    classes = 1
    for _round in range(len(edges) + 1):
        colour = {
            node: _digest(*sorted(f"{way} {p} {name(other)}" for way, p, other in links))
            for node, links in edges.items()
        }
        now = len(set(colour.values()))
        if now == classes:
            break
        classes = now
    # ties: interchangeable nodes, numbered in a stable order of their hashes
    seen: dict[str, int] = defaultdict(int)
    iris = {}
    for node in sorted(edges, key=lambda n: colour[n]):
        rank = seen[colour[node]]
        seen[colour[node]] += 1
        iris[node] = genid + _digest(graph, colour[node], str(rank))[:32]
    return iris


def skolemised(triples: list[ox.Triple], graph: str, genid: str) -> list[ox.Triple]:
    """`triples` with every blank node replaced by its stable skolem IRI."""
    iris = skolem_iris(triples, graph, genid)
    if not iris:
        return triples

    def term(t: Term) -> Term:
        return ox.NamedNode(iris[t]) if isinstance(t, ox.BlankNode) else t

    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]
