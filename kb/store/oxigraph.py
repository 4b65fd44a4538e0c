"""pyoxigraph's store (in memory or on disk) as a store: the default engine."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.term import Node

from kb.core.errors import KBError, RDFSyntaxError
from kb.core.sparql_text import inject_values
from kb.store.base import (
    ProtocolDataset,
    QueryResult,
    QuerySyntaxError,
    Store,
    Triple,
    graph_result,
    select_result,
)
from kb.store.terms import from_ox, to_ox


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
            return select_result(variables, rows, limit)
        triples = ((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in res)
        return graph_result(triples, limit)  # type: ignore[arg-type]

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

    def load_ntriples(self, blocks: Iterable[bytes], graph_iri: str) -> None:
        """N-Triples text, block by block, into the named graph `graph_iri` and the default
        graph (parsed twice: faster than copying with ADD)."""
        load = self.store.bulk_load if self.on_disk else self.store.load
        targets = (ox.NamedNode(graph_iri), ox.DefaultGraph())
        for block in blocks:
            for graph in targets:
                load(block, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)

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
