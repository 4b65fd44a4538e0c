"""One store interface for the knowledge base, whatever engine holds the triples.

Callers load named graphs into a Store and ask SPARQL of it; they never touch the engine. The
default graph seen by queries is the union of all named graphs, on every engine.
"""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kb.core.errors import KBError, RDFSyntaxError
from kb.core.sparql_text import inject_values

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


class RdflibStore(Store):
    """rdflib's in-memory Dataset: the reference engine, comfortable up to ~10^5 triples."""

    name = "rdflib"

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)

    def add_graph(self, iri: str, triples: Iterable[Triple]) -> None:
        g = self.dataset.graph(URIRef(iri))
        for triple in triples:
            g.add(triple)

    def graph_names(self) -> list[str]:
        return sorted(
            str(g.identifier)
            for g in self.dataset.graphs()
            if isinstance(g.identifier, URIRef)
            and g.identifier != DATASET_DEFAULT_GRAPH_ID
            and len(g)
        )

    def triples(self, graph_iri: str | None = None) -> Iterator[Triple]:
        if graph_iri is not None:
            yield from self.dataset.graph(URIRef(graph_iri)).triples((None, None, None))
            return
        for s, p, o, _g in self.dataset.quads((None, None, None, None)):
            yield s, p, o

    def query(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        dataset: ProtocolDataset | None = None,
        limit: int | None = None,
        base: str | None = None,
    ) -> QueryResult:
        from pyparsing import ParseException

        try:
            if dataset is None and limit is not None:
                return self._query_streaming(inject_values(text, bindings), limit, base)
            if dataset is None:
                res = self.dataset.query(inject_values(text, bindings), base=base)
            else:
                res = self._query_dataset(inject_values(text, bindings), dataset, base)
        except ParseException as exc:
            raise QuerySyntaxError(
                f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}"
            ) from exc
        return self._result(res, limit)

    def _result(self, res, limit: int | None) -> QueryResult:
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return _graph_result(res.graph or [], limit)
        variables = [str(v) for v in res.vars or []]
        return _select_result(variables, (tuple(row) for row in res), limit)

    def _query_streaming(self, text: str, limit: int, base: str | None) -> QueryResult:
        """As Dataset.query, but a CONSTRUCT's triples are made one solution at a time and
        stop at `limit`: rdflib's own evalConstructQuery builds the whole graph first. Uses
        rdflib's evaluator as evalQuery does (rdflib 7)."""
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.evaluate import evalPart
        from rdflib.plugins.sparql.evalutils import _fillTemplate
        from rdflib.plugins.sparql.sparql import QueryContext

        prepared = prepareQuery(text, initNs=dict(self.dataset.namespaces()), base=base)
        main = prepared.algebra
        if main.name != "ConstructQuery":
            return self._result(self.dataset.query(prepared), limit)
        ctx = QueryContext(self.dataset, initBindings={}, datasetClause=main.datasetClause)
        ctx.prologue = prepared.prologue
        template = main.template or main.p.p.triples  # CONSTRUCT WHERE: the pattern itself
        triples = (t for c in evalPart(ctx, main.p) for t in _fillTemplate(template, c))
        return _graph_result(triples, limit)

    def _query_dataset(self, text: str, dataset: ProtocolDataset, base: str | None):
        """rdflib has no dataset argument: the query runs on a Dataset holding copies of the
        named graphs, with its FROM clauses dropped (the protocol's dataset wins)."""
        from rdflib.plugins.sparql import prepareQuery

        prepared = prepareQuery(text, base=base)
        prepared.algebra["datasetClause"] = None
        view = Dataset()
        for iri in dataset.default:
            for triple in self.dataset.graph(URIRef(iri)):
                view.default_graph.add(triple)
        for iri in dataset.named:
            graph = view.graph(URIRef(iri))
            for triple in self.dataset.graph(URIRef(iri)):
                graph.add(triple)
        return view.query(prepared)

    def __len__(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))


def _select_result(
    variables: list[str], rows: Iterable[tuple[Node | None, ...]], limit: int | None
) -> QueryResult:
    """The rows up to `limit`: one more is read to know whether the answer was cut."""
    taken = list(islice(rows, None if limit is None else limit + 1))
    cut = limit is not None and len(taken) > limit
    return QueryResult("select", variables, taken[:limit] if cut else taken, truncated=cut)


def _graph_result(triples: Iterable[Triple], limit: int | None) -> QueryResult:
    g = Graph()
    for t in triples:
        if limit is not None and len(g) >= limit and t not in g:
            return QueryResult("graph", graph=g, truncated=True)
        g.add(t)
    return QueryResult("graph", graph=g)


# --- rdflib <-> pyoxigraph terms -------------------------------------------------------------


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


class OxigraphStore(Store):
    """pyoxigraph's store: SPARQL in Rust, 10-50x faster than rdflib on joins.

    Oxigraph's "default graph as union" repeats a triple once per named graph holding it,
    where SPARQL's RDF merge (and rdflib) gives it once; so every triple is also written to
    the default graph, which is a set, and queries run on that."""

    name = "oxigraph"

    def __init__(self, path: str | None = None) -> None:
        self.store = ox.Store(path) if path else ox.Store()
        # On disk, writes go through Store.bulk_load (SST files written directly, memory
        # bounded) instead of transactions, which RocksDB holds in memory until commit: 20x
        # faster loading at 10^6. Not atomic, which a build's scratch store does not need.
        self.on_disk = path is not None
        # Removes the store's folder, if its owner gave it one (kb.build.pipeline does for its own)
        self.discard: Callable[[], object] = lambda: None

    def add_graph(self, iri: str, triples: Iterable[Triple]) -> None:
        g, default = ox.NamedNode(iri), ox.DefaultGraph()
        quads = []
        for s, p, o in triples:
            t = (to_ox(s), to_ox(p), to_ox(o))
            quads += [ox.Quad(*t, g), ox.Quad(*t, default)]
        self.store.extend(quads)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triples(self, graph_iri: str | None = None) -> Iterator[Triple]:
        graph = ox.NamedNode(graph_iri) if graph_iri is not None else ox.DefaultGraph()
        for q in self.store.quads_for_pattern(None, None, None, graph):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)  # type: ignore[misc]

    def query(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        dataset: ProtocolDataset | None = None,
        limit: int | None = None,
        base: str | None = None,
    ) -> QueryResult:
        chosen: dict = {"base_iri": base} if base else {}
        if dataset is not None:
            chosen["default_graph"] = [ox.NamedNode(g) for g in dataset.default]
            chosen["named_graphs"] = [ox.NamedNode(g) for g in dataset.named]
        try:
            res = self.store.query(inject_values(text, bindings), **chosen)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(res, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):  # Oxigraph computes solutions as they are read
            variables = [v.value for v in res.variables]
            # a solution iterates its values in the order of the variables; that is 3x
            # faster than looking each variable up
            rows = (tuple(map(from_ox, sol)) for sol in res)
            return _select_result(variables, rows, limit)
        triples = ((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in res)
        return _graph_result(triples, limit)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self.store) - self.count()

    def select_values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        solutions = self.store.query(text)
        if not isinstance(solutions, ox.QuerySolutions):
            raise KBError("select_values needs a SELECT query")
        for solution in solutions:  # computed by Oxigraph as they are read
            yield tuple([None if term is None else term.value for term in solution])

    def count(self, graph_iri: str | None = None) -> int:
        """Triples in one named graph, or in the default graph (the union); counted by the
        engine, not by iterating quads in Python (seconds at 10^6)."""
        pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
        solutions = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        return int(next(iter(solutions))["n"].value)

    def load_turtle_files(self, sources: Sequence[tuple[str, Path]]) -> list[int]:
        """Parse Turtle files with Oxigraph's own parser straight into their named graphs (the
        graph IRI is also the base IRI), then add them to the default graph. Returns the
        triples per file. On a syntax error the graphs loaded by this call are dropped (on
        disk, the build's scratch store is dropped whole) and RDFSyntaxError names the file,
        line and column."""
        loaded: list[str] = []
        # In memory, one transaction per file: a file that fails to parse adds nothing.
        load = self.store.bulk_load if self.on_disk else self.store.load
        for iri, path in sources:
            # On disk each file is parsed twice, rather than copied by one ADD transaction.
            targets = [ox.NamedNode(iri)] + [ox.DefaultGraph()] * self.on_disk
            try:
                for graph in targets:
                    load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=iri, to_graph=graph)
            except (SyntaxError, UnicodeDecodeError) as exc:
                if loaded:
                    self.store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in loaded))
                if isinstance(exc, UnicodeDecodeError):
                    raise RDFSyntaxError(path, None, None, f"not UTF-8: {exc}") from exc
                raise RDFSyntaxError(path, exc.lineno, exc.offset, str(exc)) from exc
            loaded.append(iri)
        if loaded and not self.on_disk:
            self.store.update(" ; ".join(f"ADD <{iri}> TO DEFAULT" for iri in loaded))
        return [self.count(iri) for iri in loaded]

    def write_nquads(self, stream: BinaryIO) -> None:
        """The named graphs as N-Quads (the default graph is their union, so it is left out).

        Each graph is dumped by Oxigraph as N-Triples into a temporary file and its name
        appended to every line while copying in blocks: a line of N-Triples ends with " ." and a
        newline, which cannot occur inside a term (a newline in a literal is escaped). Iterating
        the quads in Python is ~10x slower; dumping into memory holds a whole graph twice (350
        MB at 10^6 triples, the build's peak)."""
        for name in self.graph_names():
            ending = f" <{name}> .\n".encode()
            with tempfile.TemporaryFile() as triples:
                self.store.dump(
                    triples, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)
                )
                triples.seek(0)
                rest = b""
                while block := triples.read(1 << 22):
                    block = rest + block
                    cut = block.rfind(b"\n") + 1
                    stream.write(block[:cut].replace(b" .\n", ending))
                    rest = block[cut:]
                if rest:  # Oxigraph ends every line with a newline; never reached
                    raise KBError(f"unterminated N-Triples line dumping {name}")


def load_nquads(path: Path | str, kind: str) -> Store:
    """A store of engine `kind` holding the named graphs of an N-Quads file (build/kb.nq, as
    `kb build` writes it; quads in the default graph are ignored: it is their union)."""
    store = open_store(kind)
    if isinstance(store, OxigraphStore):
        # Oxigraph's loader straight into the store, then the default graph as their union.
        store.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.store.update("DROP SILENT DEFAULT")
        names = store.graph_names()
        if names:
            store.store.update(" ; ".join(f"ADD <{name}> TO DEFAULT" for name in names))
        return store
    graphs: dict[str, list[Triple]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(
                (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))  # type: ignore[arg-type]
            )
    for name, triples in graphs.items():
        store.add_graph(name, triples)
    return store


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


def open_store(kind: str) -> Store:
    """The store named in the configuration (`rdflib` or `oxigraph`)."""
    if kind == "rdflib":
        return RdflibStore()
    if kind == "oxigraph":
        return OxigraphStore()
    raise KBError(f"unknown store {kind!r}; choose rdflib or oxigraph")
