"""`kb serve`'s row cap and memory limit bound the work a query can cause (issue 18, finding 3).

A cross join over the KB has billions of rows: the engine must stop at the cap, so the answer
comes back at once, and its body (not only a header) says it was cut. A query that must hold
everything in memory (ORDER BY over the cross join) is stopped at the worker's memory limit.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from conftest import KB, make_project, running_server
from rdflib import Graph

pytestmark = pytest.mark.server

MAX_ROWS = 1000
MEMORY_MIB = 100
TIMEOUT = 20.0
MC = "https://w3id.org/mfg-clusters/ontology#"
DATA = {
    "ttl/orgs.ttl": f"""
@prefix mc: <{MC}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/mfg-clusters/id/organisation/alpha> a mc:ClusterOrganisation ;
    skos:prefLabel "Alpha"@en .
"""
}
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS_CONSTRUCT = "CONSTRUCT { ?a ?b ?i } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTED_CROSS = CROSS + " ORDER BY ?a ?f ?i"


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def server(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp(f"limits-{request.param}"), DATA)
    args = ["--engine", request.param, "--max-rows", str(MAX_ROWS), "--timeout", str(TIMEOUT)]
    with running_server(project, *args, "--worker-memory", str(MEMORY_MIB)) as url:
        yield url, request.param


def ask(server: tuple[str, str], query: str, accept: str) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    r = httpx.post(
        server[0] + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=60
    )
    return r, time.monotonic() - start


def test_a_huge_select_stops_at_the_cap_at_once_and_says_so_in_every_format(server):
    r, elapsed = ask(server, CROSS, "application/sparql-results+json")
    assert r.status_code == 200, r.text
    assert elapsed < 5, elapsed  # the rest of the billions of rows is never computed
    data = r.json()
    assert len(data["results"]["bindings"]) == MAX_ROWS
    assert f"cut at {MAX_ROWS} rows" in data["truncated"]
    assert r.headers["x-sparql-maxrows"] == str(MAX_ROWS)

    r, _ = ask(server, CROSS, "application/sparql-results+xml")
    assert r.status_code == 200
    assert r.text.count("<result>") == MAX_ROWS
    assert f"<!-- answer cut at {MAX_ROWS} rows" in r.text
    for accept, delimiter in (("text/csv", ","), ("text/tab-separated-values", "\t")):
        r, _ = ask(server, CROSS, accept)
        assert r.status_code == 200
        rows = list(csv.reader(io.StringIO(r.text), delimiter=delimiter))
        assert len(rows) == 1 + MAX_ROWS + 1  # header, rows, the notice
        assert rows[-1][0].startswith(f"# answer cut at {MAX_ROWS} rows")


@pytest.mark.parametrize(
    "accept, fmt, marker",
    [
        ("text/turtle", "turtle", "\n# answer cut at"),
        ("application/n-triples", "nt", "\n# answer cut at"),
        ("application/rdf+xml", "xml", "<!-- answer cut at"),
        ("application/ld+json", "json-ld", '"truncated": "answer cut at'),
    ],
)
def test_a_huge_construct_stops_at_the_cap_and_says_so(server, accept, fmt, marker):
    r, elapsed = ask(server, CROSS_CONSTRUCT, accept)
    assert r.status_code == 200, r.text
    assert elapsed < 10, elapsed
    assert marker in r.text
    assert len(Graph().parse(data=r.text, format=fmt)) == MAX_ROWS  # still a valid document
    if fmt == "json-ld":
        assert json.loads(r.text)["truncated"].endswith("to read the rest")


def test_an_answer_under_the_cap_is_not_marked(server):
    r, _ = ask(server, "SELECT * WHERE { ?s a ?c } LIMIT 3", "application/sparql-results+json")
    assert r.status_code == 200
    assert "truncated" not in r.json() and "x-sparql-maxrows" not in r.headers


def test_a_query_over_the_memory_limit_is_stopped_and_the_worker_replaced(server):
    before = httpx.get(server[0] + "/health").json()["replaced"]
    r, elapsed = ask(server, SORTED_CROSS, "application/sparql-results+json")
    assert r.status_code == 500, r.text
    assert "memory" in r.text
    assert elapsed < TIMEOUT  # stopped by the limit, not by the time limit
    deadline = time.monotonic() + 60
    while (health := httpx.get(server[0] + "/health").json())["idle"] < 2:
        assert time.monotonic() < deadline, health
        time.sleep(0.3)
    assert health["replaced"] > before
    r, _ = ask(server, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert r.status_code == 200 and r.json()["boolean"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["--worker-memory", "10"], "'--worker-memory': must be at least 64 MiB"),
        (["--per-client", "0"], "'--per-client': must be at least 1"),
        (["--max-long", "0"], "'--max-long': must be at least 1"),
        (["--long-after", "0"], "'--long-after': must be a positive number of seconds"),
    ],
)
def test_bad_limits_are_refused_before_anything_starts(tmp_path, args, message):
    out = subprocess.run(
        [str(KB), "serve", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
