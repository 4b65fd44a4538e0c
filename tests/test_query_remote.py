"""RemoteStore against a real HTTP server on 127.0.0.1 that answers SPARQL with pyoxigraph:
GET/POST, the User-Agent, the VALUES block for parameters, retries on 429/503."""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kb.core.errors import KBError
from kb.store import QuerySyntaxError
from kb.store.remote import GET_LIMIT, USER_AGENT, RemoteStore, query_form, with_bindings

A = "http://example.org/a"


class Endpoint(BaseHTTPRequestHandler):
    store: ox.Store
    seen: list[tuple[str, str, str]]  # method, user agent, query
    busy: list[int]  # statuses to answer before serving

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, query: str) -> None:
        self.seen.append((self.command, self.headers.get("User-Agent", ""), query))
        if self.busy:
            self.send_response(self.busy.pop(0))
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        try:
            result = self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            self.send_response(400)
            self.end_headers()
            self.wfile.write(str(exc).encode())
            return
        if isinstance(result, ox.QueryTriples):
            body = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
            media = "application/n-triples"
        else:
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
            media = "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        params = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        self._answer(params["query"][0])

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        params = urllib.parse.parse_qs(body)
        self._answer(params["query"][0] if "query" in params else body)


@pytest.fixture
def endpoint():
    store = ox.Store()
    g = ox.NamedNode("http://example.org/g")
    store.add(
        ox.Quad(ox.NamedNode(A), ox.NamedNode("http://example.org/p"), ox.Literal("alpha"), g)
    )
    handler = type("H", (Endpoint,), {"store": store, "seen": [], "busy": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", handler
    server.shutdown()
    server.server_close()


def test_select_with_bindings_and_user_agent(endpoint):
    url, handler = endpoint
    store = RemoteStore(url, timeout=5)
    text = "SELECT ?s ?label WHERE { ?s ?p ?label FILTER(CONTAINS(?label, ?term)) }"
    result = store.query(text, {"term": Literal("lph")})
    assert result.rows == [(URIRef(A), Literal("alpha"))]
    method, agent, sent = handler.seen[-1]
    assert method == "GET" and agent == USER_AGENT
    assert 'VALUES (?term) { ("lph") }' in sent


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_keyword_in_a_comment_does_not_make_a_query_an_update(endpoint, method: str):
    url, handler = endpoint
    header = '#+ title = "x"\n#+ question = "with a clear mark?"\n#+ user = "drop insert"\n'
    padding = "#" + "." * GET_LIMIT + "\n" if method == "POST" else ""
    text = header + padding + "PREFIX ex: <http://example.org/#>\nSELECT ?o WHERE { ?s ?p ?o }"
    assert query_form(text) == "SELECT"
    assert RemoteStore(url).query(text).rows == [(Literal("alpha"),)]
    assert handler.seen[-1][0] == method


def test_query_form_skips_the_prologue():
    assert query_form("BASE <http://x/#a> PREFIX : <http://x/#> # ask\nASK {}") == "ASK"
    assert query_form("  construct { } where { }") == "CONSTRUCT"
    assert query_form("# only a comment") is None


def test_long_queries_are_posted(endpoint):
    url, handler = endpoint
    padding = "# " + "x" * GET_LIMIT + "\n"
    result = RemoteStore(url).query(padding + "ASK { ?s ?p ?o }")
    assert result.boolean is True
    assert handler.seen[-1][0] == "POST"


def test_construct_and_graph_listing(endpoint):
    url, _ = endpoint
    store = RemoteStore(url)
    assert store.graph_names() == ["http://example.org/g"]
    assert len(store) == 1
    assert len(list(store.triples())) == 1
    assert len(list(store.triples("http://example.org/g"))) == 1
    assert list(store.triples("http://example.org/none")) == []


def test_retries_on_429_and_503_then_answers(endpoint):
    url, handler = endpoint
    handler.busy.extend([429, 503])
    assert RemoteStore(url, retries=3).query("ASK { ?s ?p ?o }").boolean is True
    assert len(handler.seen) == 3


def test_gives_up_after_the_retries(endpoint):
    url, handler = endpoint
    handler.busy.extend([503, 503, 503])
    with pytest.raises(KBError, match="HTTP 503"):
        RemoteStore(url, retries=1).query("ASK { ?s ?p ?o }")


def test_bad_query_and_read_only(endpoint):
    url, _ = endpoint
    with pytest.raises(QuerySyntaxError):
        RemoteStore(url).query("SELECT WHERE {")
    with pytest.raises(KBError, match="read-only"):
        RemoteStore(url).add_graph("http://example.org/h", [])


def test_unreachable_endpoint():
    with pytest.raises(KBError, match="cannot reach"):
        RemoteStore("http://127.0.0.1:9/sparql", timeout=2).query("ASK {}")


def test_values_block_refuses_a_broken_iri():
    with pytest.raises(KBError, match="not a valid IRI"):
        with_bindings("SELECT ?s WHERE { ?s ?p ?o }", {"s": URIRef("http://x> } UNION { ?s ?p ?o")})
