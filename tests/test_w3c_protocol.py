"""The W3C SPARQL 1.1 Protocol test suite, replayed against a real `kb serve` on loopback.

Each case of tests/w3c/sparql-protocol/manifest.ttl is a list of HTTP requests with the expected
status class, result format and (for ASK) boolean. The suite's graph labels
(http://kasei.us/.../dataN.rdf) name graphs the endpoint must hold; here they are mapped to the
names `kb build` gives the same files (data/dataN.ttl -> <BASE>graph/data/dataN). The cases in
known-failures.toml are checked to still fail the way they are listed, so a fix shows up.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, unquote_to_bytes

import httpx
import pytest
from conftest import make_project, running_server
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

pytestmark = pytest.mark.server

SUITE = Path(__file__).parent / "w3c" / "sparql-protocol"
KB = Path(sys.executable).with_name("kb")
BASE = "https://w3id.org/mfg-clusters/"
KASEI = "http://kasei.us/2009/09/sparql/data/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
KNOWN = tomllib.loads((SUITE / "known-failures.toml").read_text(encoding="utf-8"))

FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"),
}


def local_graph(label: str) -> str:
    """The build's name for the suite's graph label (data0.rdf, which has no file, stays)."""
    for n in (1, 2, 3):
        label = label.replace(f"{KASEI}data{n}.rdf", f"{BASE}graph/data/data{n}")
    return label


def load_cases() -> list[tuple[str, list[dict]]]:
    manifest = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    entries = next(manifest.objects(None, MF.entries))
    cases = []
    for entry in Collection(manifest, entries):
        name = str(entry).rsplit("#", 1)[1]
        action = manifest.value(entry, MF.action)
        requests = []
        for req in Collection(manifest, manifest.value(action, HT.requests)):
            headers = {}
            if (hlist := manifest.value(req, HT.headers)) is not None:
                for h in Collection(manifest, hlist):
                    headers[str(manifest.value(h, HT.fieldName))] = str(
                        manifest.value(h, HT.fieldValue)
                    )
            body = None
            if (b := manifest.value(req, HT.body)) is not None:
                encoding = str(manifest.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(b, CNT.chars)).encode(encoding)
            resp = manifest.value(req, HT.resp)
            requests.append(
                {
                    "path": str(manifest.value(req, HT.absolutePath)),
                    "method": str(manifest.value(req, HT.methodName)),
                    "headers": headers,
                    "body": body,
                    "status": {str(s) for s in manifest.objects(resp, MF.expectedStatus)},
                    "format": manifest.value(resp, MF.expectedFormat),
                    "boolean": manifest.value(resp, MF.expectedBoolean),
                }
            )
        cases.append((name, requests))
    return cases


CASES = load_cases()


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def endpoint(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = {f"data{n}.ttl": (SUITE / f"data{n}.nt").read_text(encoding="utf-8") for n in (1, 2, 3)}
    project = make_project(tmp_path_factory.mktemp(f"protocol-{request.param}"), data)
    with running_server(project, "--engine", request.param) as url:
        yield f"{url}#{request.param}"
    shutil.rmtree(project, ignore_errors=True)


def status_class(code: int) -> str:
    return str(HTS) + f"StatusCode{code // 100}xx"


def replay(url: str, request: dict) -> httpx.Response:
    path = request["path"].replace("/sparql/", "/sparql", 1)
    # only the dataset parameters carry graph labels; the query text keeps the suite's IRIs
    # (they are subjects in the data, not graph names)
    head, _, query = path.partition("?")
    params = []
    for part in query.split("&") if query else []:
        key, _, value = part.partition("=")
        if key in ("default-graph-uri", "named-graph-uri"):
            value = quote(local_graph(unquote(value)), safe="")
        params.append(f"{key}={value}")
    target = url + head + ("?" + "&".join(params) if params else "")
    body = request["body"]
    if body is not None and b"graph-uri=" in body:
        parts = []
        for part in body.split(b"&"):
            key, _, value = part.partition(b"=")
            if key in (b"default-graph-uri", b"named-graph-uri"):
                value = quote(local_graph(unquote_to_bytes(value).decode()), safe="").encode()
            parts.append(key + b"=" + value)
        body = b"&".join(parts)
    return httpx.request(
        request["method"], target, headers=request["headers"], content=body, timeout=30
    )


@pytest.mark.parametrize("name, requests", CASES, ids=[name for name, _ in CASES])
def test_protocol_case(endpoint, name, requests):
    known = KNOWN.get(name, {})
    engine = endpoint.rsplit("#", 1)[1]
    endpoint = endpoint.rsplit("#", 1)[0]
    if known.get("kind") == "wrong" and engine in known.get("engines", [engine]):
        # still wrong the listed way: a fix makes this fail, and the entry leaves the list
        response = replay(endpoint, requests[0])
        assert status_class(response.status_code) not in requests[0]["status"], name
        return
    for request in requests:
        response = replay(endpoint, request)
        if known.get("kind") == "read-only":
            # the update is refused, so the case's follow-up queries have nothing to check
            assert response.status_code == 403, (name, response.status_code, response.text)
            break
        assert status_class(response.status_code) in request["status"], (
            name,
            response.status_code,
            response.text[:300],
        )
        if request["format"] is not None:
            ctype = response.headers.get("content-type", "").split(";")[0].strip()
            assert ctype in FORMATS[str(request["format"])], (name, ctype)
        if request["boolean"] is not None:
            answer = response.json()["boolean"] if "json" in ctype else "true" in response.text
            assert answer == request["boolean"].toPython(), (name, response.text[:300])


def test_every_case_is_run_and_known_failures_exist():
    names = {name for name, _ in CASES}
    assert len(CASES) == 34
    assert set(KNOWN) <= names


# --- the clients users reach for ------------------------------------------------------------


def test_rdflib_sparqlstore_and_sparqlwrapper(endpoint):
    endpoint = endpoint.rsplit("#", 1)[0]
    graph = f"{BASE}graph/data/data1"
    store = SPARQLStore(endpoint + "/sparql")
    g = Graph(store=store)
    rows = list(g.query(f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s a ?o }} }}"))
    assert rows and all(isinstance(s, URIRef) for s, _ in rows)
    assert g.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").askAnswer is True
    built = g.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").graph
    assert len(built) == len(Graph().parse(SUITE / "data1.nt", format="nt"))

    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    client.addDefaultGraph(graph)
    client.setReturnFormat(JSON)
    n = int(client.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n == len(Graph().parse(SUITE / "data1.nt", format="nt"))


def test_dataset_parameters_restrict_the_dataset(endpoint):
    endpoint = endpoint.rsplit("#", 1)[0]
    g1, g2 = f"{BASE}graph/data/data1", f"{BASE}graph/data/data2"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(params):
        r = httpx.get(
            endpoint + "/sparql",
            params=[("query", count), *params],
            headers={"Accept": "application/sparql-results+json"},
        )
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    sizes = [len(Graph().parse(SUITE / f"data{i}.nt", format="nt")) for i in (1, 2)]
    assert n([("default-graph-uri", g1)]) == sizes[0]
    assert n([("default-graph-uri", g1), ("default-graph-uri", g2)]) == sum(sizes)
    # named graphs only: the default graph is empty
    assert n([("named-graph-uri", g1)]) == 0
    r = httpx.get(endpoint + "/sparql", params={"query": count, "default-graph-uri": "no iri"})
    assert r.status_code == 400 and "default-graph-uri" in r.text
