"""Push the built KB to a remote SPARQL 1.1 store, keeping its named graphs.

Two standard ways in, so any store will do (Virtuoso, Fuseki, GraphDB, Oxigraph server ...):
SPARQL 1.1 Update (sent through SPARQLWrapper) or the SPARQL 1.1 Graph Store HTTP Protocol.

With Update, every graph first goes in batches (`INSERT DATA`, so no request grows with the
KB) into a staging graph of its own, and only when all of them are in does one request MOVE
each staging graph over its target: a load that fails on the way (the server refusing a
batch, the network gone) leaves every graph on the server as it was, and its staging graphs
are dropped. With the Graph Store Protocol, which has no move, each graph is replaced by one
PUT of the whole graph: each graph is whole, old or new.

Triples are written by Oxigraph's N-Triples serialiser (valid inside INSERT DATA), so a
literal's lexical form goes out exactly as read (`"2020-01-01Z"^^xsd:date` keeps its time
zone; a line break before `\\"` is escaped). Blank nodes are sent as stable skolem IRIs
(kb.publish.skolem), so loading the same KB again gives the same triples, not new copies.
"""

from __future__ import annotations

import contextlib
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib import URIRef
from SPARQLWrapper import DIGEST, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kb.core import __version__
from kb.core.errors import KBError
from kb.core.sparql_text import term_syntax
from kb.publish.skolem import skolemised
from kb.store import OxigraphStore, Store, to_ox

METHODS = ("update", "gsp")
USER_AGENT = f"mfg-clusters-kb/{__version__} (kb load)"


@dataclass
class UploadReport:
    endpoint: str
    method: str
    graphs: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def summary(self) -> str:
        lines = [
            f"loaded {self.triples} triples into {len(self.graphs)} graphs at {self.endpoint} "
            f"({self.method}, {self.requests} requests, {self.seconds:.1f} s)"
        ]
        lines += [f"  {n:>7}  {g}" for g, n in sorted(self.graphs.items())]
        return "\n".join(lines)


def ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples in N-Triples syntax (Oxigraph's serialiser: every lexical form as stored, every
    quote, backslash and line break escaped), which is also valid inside INSERT DATA."""
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def graph_triples(store: Store, name: str) -> list[ox.Triple]:
    """One graph's triples as Oxigraph terms, straight from an Oxigraph store (an rdflib
    copy may have normalised lexical forms already)."""
    if isinstance(store, OxigraphStore):
        quads = store.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        return [q.triple for q in quads]
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in store.triples(name)]  # type: ignore[arg-type]


def batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for t in triples:
        chunk.append(t)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Sender:
    def __init__(
        self, endpoint: str, method: str, user: str | None, password: str | None, timeout: float
    ):
        self.endpoint = endpoint
        self.method = method
        self.user = user
        self.password = password
        self.timeout = timeout

    def update(self, text: str) -> None:
        client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)  # application/sparql-update, no URL length limit
        client.setQuery(text)
        client.setTimeout(int(self.timeout))
        if self.user:
            if self.endpoint.endswith("-auth"):  # Virtuoso's /sparql-auth wants digest
                client.setHTTPAuth(DIGEST)
            client.setCredentials(self.user, self.password or "")
        try:
            client.query()
        except urllib.error.HTTPError as exc:
            raise KBError(
                f"{self.endpoint}: HTTP {exc.code} {exc.reason}: {exc.read()[:300]!r}"
            ) from exc
        except SPARQLWrapperException as exc:
            message = str(exc)[:500]
            raise KBError(f"{self.endpoint}: the store refused the update: {message}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise KBError(f"{self.endpoint}: cannot reach the endpoint: {exc}") from exc

    def put_graph(self, graph: str, body: bytes) -> None:
        """Replace `graph` with `body` (Graph Store Protocol PUT: one request, whole)."""
        url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}{urlencode({'graph': graph})}"
        request = urllib.request.Request(
            url,
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
        )
        opener = urllib.request.build_opener()
        if self.user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, self.endpoint, self.user, self.password or "")
            opener = urllib.request.build_opener(
                urllib.request.HTTPBasicAuthHandler(manager),
                urllib.request.HTTPDigestAuthHandler(manager),
            )
        try:
            with opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise KBError(f"{url}: HTTP {exc.code} {exc.reason}: {exc.read()[:300]!r}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise KBError(f"{url}: cannot reach the graph store: {exc}") from exc

    def insert(self, graph: str, triples: list[ox.Triple]) -> None:
        body = ntriples(triples)
        self.update(f"INSERT DATA {{ GRAPH {graph_term(graph)} {{\n{body}}} }}")


def graph_term(graph: str) -> str:
    """A graph IRI as SPARQL syntax, refused if it could break out of the angle brackets."""
    return term_syntax("--graph", URIRef(graph))


def staging_graph(token: str, number: int) -> str:
    """The graph a target is filled in before the swap: unique to this load."""
    return f"urn:x-kb-load:{token}:{number}"


def upload(
    store: Store,
    endpoint: str,
    *,
    method: str = "update",
    target_graph: str | None = None,
    batch: int = 2000,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 120.0,
    genid: str = "https://w3id.org/mfg-clusters/.well-known/genid/",
    progress: TextIO | None = sys.stderr,
) -> UploadReport:
    """Replace every named graph of `store` on `endpoint` (or put all into `target_graph`),
    all or nothing with Update, graph by graph with the Graph Store Protocol."""
    if target_graph is not None:
        graph_term(target_graph)  # refuse a hostile --graph before anything is sent
    if method not in METHODS:
        raise KBError(f"unknown load method {method!r}; choose one of {', '.join(METHODS)}")
    if batch < 1:
        raise KBError("the batch size must be at least 1")
    sender = _Sender(endpoint, method, user, password, timeout)
    report = UploadReport(endpoint, method)
    start = time.perf_counter()
    names = store.graph_names()
    if method == "gsp":
        _put_each(sender, store, names, target_graph, genid, report, progress)
    else:
        _stage_and_swap(sender, store, names, target_graph, genid, batch, report, progress)
    report.seconds = time.perf_counter() - start
    return report


def _source(store: Store, name: str, genid: str) -> list[ox.Triple]:
    # blank nodes named per source graph: the graph's name is part of their hash
    return skolemised(graph_triples(store, name), name, genid)


def _put_each(
    sender: _Sender,
    store: Store,
    names: list[str],
    target_graph: str | None,
    genid: str,
    report: UploadReport,
    progress: TextIO | None,
) -> None:
    """Graph Store Protocol: one PUT per target graph, which replaces it whole."""
    groups = [(target_graph, names)] if target_graph else [(n, [n]) for n in names]
    for number, (target, sources) in enumerate(groups, 1):
        triples = [t for name in sources for t in _source(store, name, genid)]
        sender.put_graph(target, ntriples(triples).encode("utf-8"))
        report.requests += 1
        report.graphs[target] = len(set(triples))
        if progress:
            print(f"[{number}/{len(groups)}] {target}: {len(triples)} triples", file=progress)


def _stage_and_swap(
    sender: _Sender,
    store: Store,
    names: list[str],
    target_graph: str | None,
    genid: str,
    batch: int,
    report: UploadReport,
    progress: TextIO | None,
) -> None:
    """SPARQL Update: fill a staging graph per target, graph by graph, then MOVE them all over
    their targets in one request; on any failure drop the staging graphs, leaving every
    target as it was."""
    token = uuid.uuid4().hex
    targets = [target_graph] if target_graph else names
    staging = {target: staging_graph(token, n) for n, target in enumerate(targets, 1)}
    filled: set[str] = set()
    current = None
    try:
        for number, name in enumerate(names, 1):
            current = target = target_graph or name
            triples = _source(store, name, genid)
            done = 0
            for chunk in batches(triples, batch):
                sender.insert(staging[target], chunk)
                filled.add(target)
                report.requests += 1
                done += len(chunk)
                if progress:
                    print(f"[{number}/{len(names)}] {name}: {done} triples", file=progress)
            report.graphs[target] = report.graphs.get(target, 0) + len(set(triples))
        current = None
        # an empty target has no staging graph to move: it is dropped instead
        swap = [
            f"MOVE SILENT GRAPH {graph_term(staging[t])} TO GRAPH {graph_term(t)}"
            if t in filled
            else f"DROP SILENT GRAPH {graph_term(t)}"
            for t in targets
        ]
        sender.update(" ;\n".join(swap))
        report.requests += 1
    except BaseException as exc:
        if filled:  # one request: a server that is gone costs one timeout, not one per graph
            with contextlib.suppress(KBError):
                sender.update(
                    " ;\n".join(f"DROP SILENT GRAPH {graph_term(staging[t])}" for t in filled)
                )
        if isinstance(exc, KBError):
            where = f"loading {current}" if current else "swapping the loaded graphs in"
            raise KBError(
                f"{exc}\nthe load failed {where}; every graph on the server is as it was "
                "before this load"
            ) from exc
        raise
