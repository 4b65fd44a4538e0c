"""Push the built KB to a remote SPARQL 1.1 store, keeping its named graphs.

Two standard ways in, so any store will do (Virtuoso, Fuseki, GraphDB, Oxigraph server ...):
SPARQL 1.1 Update (`INSERT DATA { GRAPH <g> { ... } }` sent through SPARQLWrapper) or the
SPARQL 1.1 Graph Store HTTP Protocol (N-Triples POSTed to `<endpoint>?graph=<g>`). Triples go in
batches, so no request grows with the KB, and blank nodes are sent skolemised (as IRIs under
.well-known/genid/), because a blank-node label only means the same node within one request.
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import urlencode

from rdflib import BNode, URIRef
from SPARQLWrapper import DIGEST, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import __version__
from .errors import KBError
from .sparql_values import term_syntax
from .store import Store, Triple

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


def nt_line(triple: Triple) -> str:
    """One triple in N-Triples syntax, which is also valid inside SPARQL INSERT DATA."""
    return " ".join(term.n3() for term in triple) + " ."


def skolemised(triples: Iterable[Triple], genid: str) -> Iterator[Triple]:
    """Blank nodes as IRIs under `genid` (RDF 1.1 skolemisation, section 3.5).

    A blank-node label means one node only within one request, so a blank node split across
    batches would become several; some stores (Virtuoso) refuse blank nodes in INSERT DATA.
    """
    for triple in triples:
        yield tuple(URIRef(genid + str(t)) if isinstance(t, BNode) else t for t in triple)


def batches(triples: Iterable[Triple], size: int) -> Iterator[list[Triple]]:
    chunk: list[Triple] = []
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

    def post_graph(self, graph: str, body: bytes) -> None:
        url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}{urlencode({'graph': graph})}"
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
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

    def drop(self, graph: str) -> None:
        if self.method == "update":
            self.update(f"DROP SILENT GRAPH {graph_term(graph)}")
        else:
            url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}"
            request = urllib.request.Request(url + urlencode({"graph": graph}), method="DELETE")
            try:
                urllib.request.urlopen(request, timeout=self.timeout).read()
            except urllib.error.HTTPError as exc:
                if exc.code != 404:  # a graph that is not there yet is fine
                    raise KBError(f"{url}: HTTP {exc.code} {exc.reason}") from exc

    def send(self, graph: str, triples: list[Triple]) -> None:
        body = "\n".join(nt_line(t) for t in triples)
        if self.method == "update":
            self.update(f"INSERT DATA {{ GRAPH {graph_term(graph)} {{\n{body}\n}} }}")
        else:
            self.post_graph(graph, body.encode("utf-8"))


def graph_term(graph: str) -> str:
    """A graph IRI as SPARQL syntax, refused if it could break out of the angle brackets."""
    return term_syntax("--graph", URIRef(graph))


def upload(
    store: Store,
    endpoint: str,
    *,
    method: str = "update",
    target_graph: str | None = None,
    batch: int = 2000,
    replace: bool = False,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 120.0,
    genid: str = "https://w3id.org/mfg-clusters/.well-known/genid/",
    progress: TextIO | None = sys.stderr,
) -> UploadReport:
    """Copy every named graph of `store` to `endpoint` (or all into `target_graph`)."""
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
    targets = [target_graph] if target_graph else names
    if replace:
        for name in targets:
            sender.drop(name)
            report.requests += 1
    for number, name in enumerate(names, 1):
        destination = target_graph or name
        done = 0
        for chunk in batches(skolemised(store.triples(name), genid), batch):
            sender.send(destination, chunk)
            report.requests += 1
            done += len(chunk)
            if progress:
                print(f"[{number}/{len(names)}] {name}: {done} triples", file=progress, flush=True)
        report.graphs[destination] = report.graphs.get(destination, 0) + done
    report.seconds = time.perf_counter() - start
    return report
