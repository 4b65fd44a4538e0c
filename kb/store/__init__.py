"""One store interface for the knowledge base, whatever engine holds the triples.

Callers load named graphs into a Store and ask SPARQL of it; they never touch the engine. The
default graph seen by queries is the union of all named graphs, on every engine. The interface
is kb.store.base; each engine is one module (rdflib_memory, oxigraph, remote: a SPARQL
endpoint), found by name through kb.core.plugins.STORES. May import kb.core only.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kb.core.plugins import STORES
from kb.store.base import ProtocolDataset, QueryResult, QuerySyntaxError, Store, Triple
from kb.store.oxigraph import OxigraphStore
from kb.store.rdflib_memory import RdflibStore
from kb.store.terms import from_ox, stored_literals, to_ox

__all__ = [
    "OxigraphStore",
    "ProtocolDataset",
    "QueryResult",
    "QuerySyntaxError",
    "RdflibStore",
    "Store",
    "Triple",
    "from_ox",
    "load_nquads",
    "open_store",
    "stored_literals",
    "to_ox",
]


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


def open_store(kind: str) -> Store:
    """A new, empty store of the engine named `kind` in the configuration: a built-in one
    (rdflib, oxigraph) or one a package registers (kb.core.plugins.STORES)."""
    return STORES.load(kind)()
