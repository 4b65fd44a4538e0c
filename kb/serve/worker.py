"""The query worker process: holds its own copy of the KB and answers one task at a time
(a query, a resource page or description, a match). It cannot touch the network: SERVICE is
refused, a query the check cannot parse is refused, and the kernel refuses it any IP socket
(kb.serve.sandbox), so no query can make the server fetch anything or probe a port."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from rdflib import URIRef

from kb.core.errors import KBError, ParameterError
from kb.serve import site
from kb.serve.http import TOO_DEEP, Refused
from kb.serve.negotiation import (
    GRAPH_NAMES,
    GRAPH_OFFERS,
    RESULT_NAMES,
    RESULT_OFFERS,
    choose,
    serialise_graph,
)
from kb.serve.sandbox import deny_network, limit_memory
from kb.serve.truncation import mark_graph, mark_results, notice
from kb.sparql.results import serialise
from kb.store import ProtocolDataset


def _deny_network(event: str, _args: tuple) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError("this endpoint does not fetch anything from the network")


def _mentions_service(node: Any) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(
            _mentions_service(v) for v in node.values()
        )
    if isinstance(node, list | tuple | ParseResults):
        return any(_mentions_service(v) for v in node)
    return False


class Worker:
    """Runs in the worker process: holds the KB and answers one task at a time."""

    def __init__(
        self,
        nquads: str,
        engine: str,
        prefixes: Mapping[str, str],
        base_iri: str,
        queries_dir: str | None = None,
        config: Any = None,
    ):
        import rdflib.plugins.sparql

        from kb.publish.pages import resource_renderer
        from kb.serve.match import LIVE_NAV
        from kb.serve.partners import LivePartners
        from kb.store import load_nquads

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        sys.addaudithook(_deny_network)
        deny_network()  # the kernel's refusal also holds for Oxigraph's own HTTP client
        self.store = load_nquads(nquads, engine)
        self.nquads = nquads
        self.prefixes = dict(prefixes)
        self.base_iri = base_iri
        # Index the KB for the HTML pages now, not inside the first request's time limit.
        pages = resource_renderer(self.store, base_iri=base_iri, link_suffix="")
        pages.env.globals["live_nav"] = LIVE_NAV  # the served pages link to /match
        pages.env.globals["search_action"] = "/search"  # and search with /search
        self.queries_dir = queries_dir
        self._matchmaker: Any = None
        # the organisation pages' suggested partners, as kb publish's (made at first need)
        self.partners = LivePartners(pages, self.store, config)

    def matchmaker(self):
        """The matchmaker on this worker's store (made at its first use)."""
        from pathlib import Path

        from kb.serve.match import MatchService

        if self._matchmaker is None:
            folder = Path(self.queries_dir) if self.queries_dir is not None else None
            if folder is None or not (folder / "match").is_dir():
                raise Refused(
                    404, "this knowledge base has no matchmaker: its project lacks queries/match/"
                )
            try:
                self._matchmaker = MatchService(self.store, folder, self.prefixes, self.base_iri)
            except KBError as exc:  # the project's weights or queries are broken
                raise Refused(500, f"the matchmaker cannot start: {exc}") from None
        return self._matchmaker

    def match(self, arguments: dict, view: str) -> dict:
        """`kb match` with these arguments (already checked by the web process)."""
        from kb.serve.match import http_error

        service = self.matchmaker()
        try:
            return service.answer(arguments, view)
        except KBError as exc:  # an unknown organisation or code, an impossible constraint
            message, parameter = http_error(exc)
            raise Refused(400, message, parameter) from None

    def match_form(self) -> dict:
        return self.matchmaker().form()

    def check(self, text: str) -> None:
        """Refuse updates and federated queries before the engine sees them. A query this
        check cannot read is refused too: the engine's parser may read it otherwise."""
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

        try:
            tree = parseQuery(text)
        except ParseBaseException as exc:
            try:
                parseUpdate(text)
            except RecursionError:
                raise Refused(400, TOO_DEEP) from None
            except Exception:
                raise Refused(
                    400, f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}"
                ) from None
            raise Refused(
                403, "this endpoint is read-only: SPARQL Update is not accepted"
            ) from None
        except RecursionError:
            raise Refused(400, TOO_DEEP) from None
        except Exception as exc:  # noqa: BLE001 - whatever the parser trips on, never run it
            raise Refused(400, f"the query could not be checked: {exc}") from None
        try:
            federated = _mentions_service(tree)
        except RecursionError:
            raise Refused(400, TOO_DEEP) from None
        if federated:
            raise Refused(400, "federated queries (SERVICE) are not allowed on this endpoint")

    def query(
        self,
        text: str,
        accept: str,
        fmt: str | None,
        max_rows: int,
        dataset: ProtocolDataset | None = None,
    ) -> dict:
        from kb.store import QuerySyntaxError

        self.check(text)
        try:
            # the engine stops at the cap: a huge answer is never computed in full
            # relative IRIs resolve against the KB's base IRI, the same on both engines
            res = self.store.query(text, dataset=dataset, limit=max_rows, base=self.base_iri)
        except QuerySyntaxError as exc:
            raise Refused(400, str(exc)) from exc
        headers = {"X-SPARQL-MaxRows": str(max_rows)} if res.truncated else {}
        if res.kind == "graph":
            assert res.graph is not None
            mime = choose(accept, fmt, GRAPH_OFFERS, GRAPH_NAMES)
            serialiser, ctype = GRAPH_OFFERS[mime]
            body = serialise_graph(res.graph, serialiser, self.prefixes)
            if res.truncated:
                body = mark_graph(body, serialiser, notice(max_rows, "triples"))
            return {"body": body, "type": ctype, "headers": headers}
        mime = choose(accept, fmt, RESULT_OFFERS, RESULT_NAMES)
        name, ctype = RESULT_OFFERS[mime]
        body = serialise(res, name).encode("utf-8")
        if res.truncated:
            body = mark_results(body, name, notice(max_rows, "rows"))
        return {"body": body, "type": ctype, "headers": headers}

    def page(self, iri: str) -> dict:
        """The resource's HTML page, the same one the static site has (links without suffix,
        as the pages are served at their IRI paths), an organisation's with its suggested
        partners (kb.serve.partners)."""
        from kb.publish.pages import render_resource, resource_renderer

        data = resource_renderer(self.store, base_iri=self.base_iri, link_suffix="").data
        if not data.anchors:  # the ontology page's anchors, once the site writer has them
            data.anchors.update(site.read_anchors(self.nquads))
        try:
            body = render_resource(
                self.store,
                iri,
                base_iri=self.base_iri,
                link_suffix="",
                partners=self.partners.section(URIRef(iri)),
            )
        except ParameterError:
            return {"found": False}
        return {"found": True, "body": body}

    def paths(self) -> dict:
        """Every resource page's site path -> its IRI (the things `kb serve` redirects to
        their documents), as the static site lays them out."""
        from kb.publish.data import page_path
        from kb.publish.pages import resource_renderer

        data = resource_renderer(self.store, base_iri=self.base_iri, link_suffix="").data
        found = {}
        for iri in data.resources:
            if "#" not in str(iri):
                found.setdefault(page_path(str(iri), self.base_iri), str(iri))
        return {"paths": found}

    def describe(self, iri: str, serialiser: str) -> dict:
        """The triples about `iri`, outgoing (with the blank nodes they reach: an rdf:List's
        cells) and incoming, in an RDF syntax: kb.publish.data.resource_description over the
        union of the asserted and inferred graphs, as the static site's files over the
        asserted ones."""
        from kb.publish.data import resource_description
        from kb.publish.pages import resource_renderer

        data = resource_renderer(self.store, base_iri=self.base_iri, link_suffix="").data
        g = resource_description(data.union, URIRef(iri), incoming=True)
        if not len(g):  # a resource only pointed to still has its description
            return {"found": False}
        return {"found": True, "body": serialise_graph(g, serialiser, self.prefixes)}


def worker_main(
    conn: Any,
    nquads: str,
    engine: str,
    prefixes: Mapping[str, str],
    base_iri: str,
    memory_mib: int = 1024,
    queries_dir: str | None = None,
    config: Any = None,
) -> None:
    try:
        worker = Worker(nquads, engine, prefixes, base_iri, queries_dir, config)
        limit_memory(memory_mib)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops
        conn.send({"status": 500, "message": f"worker could not load the KB: {exc}"})
        return
    conn.send({"ready": True})
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            if task["kind"] == "query":
                reply = worker.query(
                    task["query"], task["accept"], task["format"], task["max_rows"], task["dataset"]
                )
            elif task["kind"] == "page":
                reply = worker.page(task["iri"])
            elif task["kind"] == "match":
                reply = worker.match(task["arguments"], task["view"])
            elif task["kind"] == "match-form":
                reply = worker.match_form()
            elif task["kind"] == "paths":
                reply = worker.paths()
            else:
                reply = worker.describe(task["iri"], task["serialiser"])
            reply["status"] = 200
        except Refused as exc:
            reply = {"status": exc.status, "message": str(exc), "parameter": exc.parameter}
        except RecursionError:  # rdflib evaluates nested expressions recursively
            reply = {"status": 400, "message": TOO_DEEP}
        except MemoryError:
            message = (
                f"the query needed more memory than the worker's {memory_mib} MiB; it was stopped"
            )
            conn.send({"status": 500, "message": message, "retire": True})
            return  # a fresh worker takes this one's place
        except Exception as exc:  # noqa: BLE001 - an engine failure on one query, not fatal
            reply = {"status": 500, "message": f"{type(exc).__name__}: {exc}"}
        conn.send(reply)
