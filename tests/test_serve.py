"""`kb serve` started for real on a free loopback port, spoken to over real HTTP.

SPARQLWrapper is the client for every result format; httpx checks content negotiation, the
linked-data views, the refusals and the limits. Answers are compared with the embedded engine's
answers over the same throw-away project.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from conftest import make_project, running_server
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

import kb
from kb.build.pipeline import build
from kb.core.config import load_config

pytestmark = pytest.mark.server

KB = Path(sys.executable).with_name("kb")
BASE = "https://w3id.org/mfg-clusters/"
MC = "https://w3id.org/mfg-clusters/ontology#"
TIMEOUT = 3.0
MAX_ROWS = 50

DATA = {
    "ttl/orgs.ttl": f"""
@prefix mc: <{MC}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <{BASE}id/organisation/> .
<> a mc:SourceGraph ; prov:wasDerivedFrom <{BASE}id/source/test> .
org:alpha a mc:ClusterOrganisation ;
    skos:prefLabel "Alpha Cluster <&> Co"@en ;
    mc:collaboratesWith org:beta .
org:beta a mc:ClusterOrganisation ;
    skos:prefLabel "Beta Cluster"@en , "Cluster Bêta"@fr .
"""
}

SELECT = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?org ?label WHERE {{ ?org a <{MC}ClusterOrganisation> ; skos:prefLabel ?label }}"""
CONSTRUCT = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT {{ ?org skos:prefLabel ?label }}
WHERE {{ ?org a <{MC}ClusterOrganisation> ; skos:prefLabel ?label }}"""
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("serve"), DATA)


@pytest.fixture(scope="module")
def embedded(project: Path):
    return build(load_config(project), validate_data=False, run_integrity_checks=False).store


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    args = ["--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2"]
    with running_server(project, *args) as url:
        yield url


def wrapper(url: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def embedded_rows(store, query: str) -> set[tuple[str, ...]]:
    return {tuple(str(t) for t in row) for row in store.query(query).rows}


# --- SPARQLWrapper, every result format ------------------------------------------------------


def test_select_json_and_xml_match_the_embedded_engine(server, embedded):
    expected = embedded_rows(embedded, SELECT)
    assert len(expected) == 3
    data = wrapper(server, SELECT, JSON).query().convert()
    got = {(b["org"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]}
    assert got == expected
    langs = {b["label"]["xml:lang"] for b in data["results"]["bindings"]}
    assert langs == {"en", "fr"}
    doc = wrapper(server, SELECT, XML).query().convert()
    results = doc.getElementsByTagName("result")
    got = set()
    for r in results:
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.nodeValue
            for b in r.getElementsByTagName("binding")
        }
        got.add((values["org"], values["label"]))
    assert got == expected


@pytest.mark.parametrize("fmt, delimiter", [(CSV, ","), (TSV, "\t")])
def test_select_csv_and_tsv(server, embedded, fmt, delimiter):
    text = wrapper(server, SELECT, fmt).query().convert()
    text = text.decode() if isinstance(text, bytes) else text
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header, body = rows[0], [r for r in rows[1:] if r]
    if fmt == TSV:  # TSV writes RDF terms: <iri> and "literal"@lang
        assert header == ["?org", "?label"]
        assert f'<{BASE}id/organisation/beta>\t"Cluster Bêta"@fr' in text
    else:
        assert header == ["org", "label"]
        assert set(map(tuple, body)) == embedded_rows(embedded, SELECT)
    assert len(body) == 3


def test_ask_in_json_and_xml(server):
    ask = f"ASK {{ <{BASE}id/organisation/alpha> ?p ?o }}"
    assert wrapper(server, ask, JSON).query().convert()["boolean"] is True
    nope = f"ASK {{ <{BASE}id/organisation/nobody> ?p ?o }}"
    assert wrapper(server, nope, JSON).query().convert()["boolean"] is False
    doc = wrapper(server, ask, XML).query().convert()
    assert doc.getElementsByTagName("boolean")[0].firstChild.nodeValue == "true"


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML])
def test_construct_in_every_rdf_format(server, embedded, fmt):
    expected = set(embedded.query(CONSTRUCT).graph)
    result = wrapper(server, CONSTRUCT, fmt).query()
    graph = result.convert()
    if not isinstance(graph, Graph):  # SPARQLWrapper hands Turtle back as bytes
        graph = Graph().parse(data=graph, format="turtle")
    assert set(graph) == expected
    assert len(expected) == 3


def test_describe_returns_the_resource(server):
    g = wrapper(server, f"DESCRIBE <{BASE}id/organisation/beta>", TURTLE).query().convert()
    g = Graph().parse(data=g, format="turtle")
    assert (
        URIRef(BASE + "id/organisation/beta"),
        SKOS.prefLabel,
        Literal("Beta Cluster", lang="en"),
    ) in g


@pytest.mark.parametrize("method", [URLENCODED, POSTDIRECTLY])
def test_post_form_encoded_and_direct(server, embedded, method):
    client = wrapper(server, SELECT, JSON)
    client.setMethod(POST)
    client.setRequestMethod(method)
    data = client.query().convert()
    got = {(b["org"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]}
    assert got == embedded_rows(embedded, SELECT)


def test_n_triples_by_accept(server, embedded):
    r = httpx.post(
        server + "/sparql",
        content=CONSTRUCT,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/n-triples")
    assert set(Graph().parse(data=r.text, format="nt")) == set(embedded.query(CONSTRUCT).graph)


# --- service description, query page, CORS --------------------------------------------------


def test_service_description(server, embedded):
    r = httpx.get(server + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef(server + "/sparql")
    assert (service, RDF.type, URIRef(sd + "Service")) in g
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    named = set(g.objects(None, URIRef(sd + "namedGraph")))
    assert {str(n) for n in named} == set(embedded.graph_names())


def test_query_page_for_browsers(server):
    for path in ("/", "/sparql"):
        r = httpx.get(server + path, headers={"Accept": "text/html,*/*;q=0.8"})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert '<textarea id="query" name="query"' in r.text
        assert "http" not in r.text.split("<script>")[1].split("fetch(")[0].replace(BASE, "")


def test_cors(server):
    r = httpx.get(server + "/sparql", params={"query": SELECT}, headers={"Origin": "http://x.test"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = httpx.options(
        server + "/sparql",
        headers={
            "Origin": "http://x.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert "POST" in pre.headers["access-control-allow-methods"]


# --- linked-data views -----------------------------------------------------------------------

ALPHA = BASE + "id/organisation/alpha"


class _Page(HTMLParser):
    """The links of a page: (href, text) of each anchor, and the style sheet."""

    def __init__(self):
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self.stylesheet = ""
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.anchors.append((a["href"], ""))
            self._open = []
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheet = a["href"]

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            href, _ = self.anchors[-1]
            self.anchors[-1] = (href, "".join(self._open))
            self._open = None


def test_resource_html_for_browsers(server):
    thing = httpx.get(server + "/id/organisation/alpha", headers={"Accept": "text/html,*/*;q=0.8"})
    # the IRI names an organisation, not a page: 303 to the page about it
    assert thing.status_code == 303
    assert thing.headers["location"] == "/id/organisation/alpha.html"
    assert "Accept" in thing.headers["vary"]
    r = httpx.get(server + thing.headers["location"])
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>Alpha Cluster &lt;&amp;&gt; Co</h1>" in r.text  # label, escaped
    # the static site's page, its links resolved against the IRI path and without suffix
    page = _Page()
    page.feed(r.text)
    hrefs = {urljoin(r.url.path, href): text.strip() for href, text in page.anchors}
    assert hrefs.get("/id/organisation/beta") == "Beta Cluster"
    css = httpx.get(server + urljoin(r.url.path, page.stylesheet))
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.content == (Path(kb.__file__).parent / "static" / "style.css").read_bytes()


@pytest.mark.parametrize(
    "accept, ctype, fmt, suffix",
    [
        ("text/turtle", "text/turtle", "turtle", ".ttl"),
        ("application/ld+json", "application/ld+json", "json-ld", ".jsonld"),
        ("application/n-triples", "application/n-triples", "nt", ".nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml", ".rdf"),
        ("*/*", "text/turtle", "turtle", ".ttl"),
    ],
)
def test_resource_rdf_by_accept(server, embedded, accept, ctype, fmt, suffix):
    thing = httpx.get(server + "/id/organisation/alpha", headers={"Accept": accept})
    assert thing.status_code == 303
    assert thing.headers["location"] == "/id/organisation/alpha" + suffix
    assert "Accept" in thing.headers["vary"]
    r = httpx.get(
        server + "/id/organisation/alpha", headers={"Accept": accept}, follow_redirects=True
    )
    assert r.status_code == 200
    assert r.url.path == "/id/organisation/alpha" + suffix
    assert r.headers["content-type"].startswith(ctype)
    assert r.headers["link"] == f'<{ALPHA}>; rel="describes"'
    g = Graph().parse(data=r.text, format=fmt)
    expected = embedded.query("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": URIRef(ALPHA)}).rows
    assert {(p, o) for p, o in g.predicate_objects(URIRef(ALPHA))} == set(expected)
    # incoming links are included too
    incoming = embedded.query("SELECT ?s ?p WHERE { ?s ?p ?o }", {"o": URIRef(ALPHA)}).rows
    assert set(incoming) == set(g.subject_predicates(URIRef(ALPHA)))
    assert incoming


@pytest.mark.parametrize(
    "fmt, ctype, suffix",
    [
        ("ttl", "text/turtle", ".ttl"),
        ("jsonld", "application/ld+json", ".jsonld"),
        ("nt", "application/n-triples", ".nt"),
        ("rdf", "application/rdf+xml", ".rdf"),
        ("html", "text/html", ".html"),
    ],
)
def test_format_parameter_overrides_accept(server, fmt, ctype, suffix):
    r = httpx.get(
        server + "/id/organisation/alpha", params={"format": fmt}, headers={"Accept": "text/html"}
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/id/organisation/alpha" + suffix
    r = httpx.get(server + r.headers["location"], headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)


def test_resource_outside_id_and_unknown_resources(server):
    r = httpx.get(
        server + "/resource",
        params={"iri": MC + "ClusterOrganisation"},
        headers={"Accept": "text/turtle"},
    )
    assert r.status_code == 200
    assert "ClusterOrganisation" in r.text
    for path in ("/id/organisation/nobody", "/id/", "/id/%00%ff"):
        r = httpx.get(server + path, headers={"Accept": "text/html"})
        assert r.status_code == 404, path
    assert httpx.get(server + "/id/organisation/alpha", params={"format": "pdf"}).status_code == 400


# --- refusals and limits ---------------------------------------------------------------------


def test_no_matchmaker_without_its_queries(server):
    # this project has no queries/match/: the page and the API say so, nothing crashes
    r = httpx.get(server + "/api/match", params={"for": "alpha"})
    assert r.status_code == 404
    assert r.json()["error"].startswith("this knowledge base has no matchmaker")
    r = httpx.get(server + "/match", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "has no matchmaker" in r.text


def test_update_is_refused(server):
    insert = f"INSERT DATA {{ <{ALPHA}> <{MC}x> 1 }}"
    posts = [
        {"content": insert, "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"update": insert}},
        {"data": {"query": insert}},
    ]
    for kwargs in posts:
        r = httpx.post(server + "/sparql", **kwargs)
        assert r.status_code == 403, kwargs
        assert "read-only" in r.text
    ask = f"ASK {{ <{ALPHA}> <{MC}x> ?o }}"
    assert wrapper(server, ask, JSON).query().convert()["boolean"] is False


def test_malformed_queries_get_400_with_the_parsers_message(server):
    for query in ("SELEKT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ", "   "):
        r = httpx.get(server + "/sparql", params={"query": query})
        assert r.status_code == 400, query
    r = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert "syntax error" in r.text.lower()


def test_result_cap(server, embedded):
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert len(embedded.query(everything).rows) > MAX_ROWS
    r = httpx.get(
        server + "/sparql", params={"query": everything}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert r.headers["x-sparql-maxrows"] == str(MAX_ROWS)


def test_timeout_stops_the_query_and_frees_the_worker(server, embedded):
    start = time.monotonic()
    r = httpx.get(server + "/sparql", params={"query": CROSS_JOIN}, timeout=60)
    elapsed = time.monotonic() - start
    assert r.status_code == 504
    assert "time limit" in r.text
    assert elapsed < TIMEOUT + 5
    # The late worker was killed and a fresh one takes its place; queries keep working.
    assert httpx.get(server + "/sparql", params={"query": SELECT}).status_code == 200
    deadline = time.monotonic() + 60
    while (health := httpx.get(server + "/health").json())["idle"] < 2:
        assert time.monotonic() < deadline, health
        time.sleep(0.3)
    assert health["replaced"] >= 1 and health["workers"] == 2


def test_nothing_a_client_sends_crashes_it(server):
    bad = [
        httpx.post(
            server + "/sparql",
            content=b"\xff\xfe\x00garbage",
            headers={"Content-Type": "application/sparql-query"},
        ),
        httpx.post(server + "/sparql", content=b"query=x", headers={"Content-Type": "image/png"}),
        httpx.post(
            server + "/sparql",
            content=b"x" * (2 << 20),
            headers={"Content-Type": "application/sparql-query"},
        ),
        httpx.get(server + "/sparql", params={"query": SELECT}, headers={"Accept": "image/png"}),
        httpx.get(server + "/sparql", params={"query": SELECT, "format": "nonsense"}),
        httpx.get(server + "/sparql", params=[("query", SELECT), ("query", SELECT)]),
        httpx.get(
            server + "/sparql",
            params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"},
        ),
        httpx.get(server + "/sparql", params={"query": SELECT, "default-graph-uri": "not an IRI"}),
        httpx.get(server + "/sparql", params={"query": SELECT}, headers={"Accept": ";;q=x,/,"}),
    ]
    assert [r.status_code for r in bad] == [400, 415, 413, 406, 406, 400, 400, 400, 200]
    assert "SERVICE" in bad[6].text
    r = httpx.get(
        server + "/sparql", params={"query": SELECT}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 200 and json.loads(r.text)["results"]["bindings"]
