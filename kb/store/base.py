"""The store interface: named graphs in, SPARQL out, answers as rdflib terms."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from rdflib import Graph
from rdflib.term import Node

from kb.core.errors import KBError

Triple = tuple[Node, Node, Node]


class QuerySyntaxError(KBError):
    """A SPARQL query that does not parse; the message carries the parser's position."""


@dataclass
class QueryResult:
    """The answer to a query as rdflib terms: rows for SELECT, a boolean for ASK, a graph for
    CONSTRUCT and DESCRIBE."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False  # the engine was stopped at the query's `limit`

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class ProtocolDataset:
    """The RDF dataset a SPARQL Protocol request names (default-graph-uri, named-graph-uri):
    the default graph is the merge of `default` (empty when none is named), GRAPH sees only
    `named`. It overrides the query's own FROM / FROM NAMED, as the protocol says."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


class Store(ABC):
    """A quad store: named graphs in, SPARQL out."""

    name: str

    @abstractmethod
    def add_graph(self, iri: str, triples: Iterable[Triple]) -> None:
        """Add triples to the named graph `iri` (created if new)."""

    @abstractmethod
    def graph_names(self) -> list[str]: ...

    @abstractmethod
    def triples(self, graph_iri: str | None = None) -> Iterator[Triple]:
        """The triples of one named graph, or of the union (a triple may repeat on rdflib)."""

    @abstractmethod
    def query(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        dataset: ProtocolDataset | None = None,
        limit: int | None = None,
        base: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the union of all named graphs, or over `dataset`.
        `bindings` are RDF terms bound through a VALUES block (kb.core.sparql_text), never pasted
        into the text. With `limit`, the engine's answer is read only up to `limit` rows or
        triples (the rest is never computed where the engine streams) and `truncated` says
        whether there was more. Relative IRIs in the text resolve against `base`."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""

    def select_values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        """The rows of a SELECT query one at a time, each term as its lexical value (an IRI's
        text, a literal's text; None where unbound): for readers of a large answer that need
        strings, not terms (kb.fulltext.index). Engines that stream read the answer as it comes."""
        for row in self.query(text).rows:
            yield tuple(None if term is None else str(term) for term in row)

    def graph(self, graph_iri: str | None = None) -> Graph:
        """A fresh rdflib Graph with the triples of one named graph or of the union."""
        result = Graph()
        for triple in self.triples(graph_iri):
            result.add(triple)
        return result


def select_result(
    variables: list[str], rows: Iterable[tuple[Node | None, ...]], limit: int | None
) -> QueryResult:
    """The rows up to `limit`: one more is read to know whether the answer was cut."""
    taken = list(islice(rows, None if limit is None else limit + 1))
    cut = limit is not None and len(taken) > limit
    return QueryResult("select", variables, taken[:limit] if cut else taken, truncated=cut)


def graph_result(triples: Iterable[Triple], limit: int | None) -> QueryResult:
    g = Graph()
    for t in triples:
        if limit is not None and len(g) >= limit and t not in g:
            return QueryResult("graph", graph=g, truncated=True)
        g.add(t)
    return QueryResult("graph", graph=g)
