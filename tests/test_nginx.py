"""The generated nginx content-negotiation rules, run by a real nginx over the published site.

nginx runs in the foreground (`daemon off`) on a free loopback port, with its own prefix
folder, pid file and error log in a temporary directory, and is stopped by its process id.
Without nginx the tests are skipped, except in CI (CI set), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import KB, make_project, running_server
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from test_publish import published_site

from kb.core.processes import free_port
from kb.publish import conneg
from kb.publish.data import page_path
from kb.serve import proxy as serve_proxy

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXEC = URIRef("http://www.w3.org/ns/shacl#SPARQLExecutable")


def standalone(http: str, prefix: Path) -> str:
    """`http` (the content of an http block) wrapped in the minimum a standalone nginx
    needs: events, pid and logs, temp paths inside `prefix`."""
    temp = "\n".join(
        f"    {name}_temp_path {prefix / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # nginx started as root runs its workers as `nobody`, who cannot read pytest's folders
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""daemon off;
{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
{temp}
{http}
}}
"""


def config_for(site: Path, port: int, prefix: Path) -> str:
    """The generated rules, with the published folder as root and a loopback port."""
    rules = conneg.nginx()
    rules = rules.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    rules = re.sub(r"root [^;]+;", f"root {site};", rules)
    return standalone(rules, prefix)


def need_nginx() -> str:
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (.ci/run installs Debian's nginx)")
        pytest.skip("nginx is not installed")
    return NGINX


@contextmanager
def running_nginx(conf_text: str, prefix: Path, url: str) -> Iterator[str]:
    """nginx in the foreground with `conf_text`, once `url` answers; stopped by its pid."""
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text, encoding="utf-8")
    process = subprocess.Popen(
        [need_nginx(), "-p", str(prefix), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            log = prefix / "error.log"
            assert process.poll() is None, log.read_text() if log.exists() else "nginx exited"
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "nginx did not come up within 20 s"
                time.sleep(0.1)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful stop; the pid is nginx's own
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture(scope="module")
def nginx(tmp_path_factory) -> Iterator[tuple]:
    need_nginx()
    result, site, _ = published_site(tmp_path_factory)
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    with running_nginx(config_for(site, port, prefix), prefix, f"http://127.0.0.1:{port}/") as u:
        yield result, site, u.rstrip("/")


def a_cluster(result) -> str:
    rows = result.store.query(
        "PREFIX mc: <https://w3id.org/mfg-clusters/ontology#> "
        "SELECT ?c WHERE { ?c a mc:ClusterOrganisation } ORDER BY ?c LIMIT 1"
    ).rows
    assert rows, "the KB has no cluster organisation"
    return str(rows[0][0])


@pytest.mark.parametrize(
    "accept, ctype, fmt",
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_the_same_iri_path_gives_rdf_to_machines(nginx, accept, ctype, fmt):
    result, _site, url = nginx
    iri = a_cluster(result)
    path = "/" + page_path(iri, result.config.base_iri)
    r = httpx.get(url + path, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert "Accept" in r.headers.get("vary", "")
    g = Graph().parse(data=r.text, format=fmt)
    stated = set(result.store.query("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": URIRef(iri)}).rows)
    assert set(g.predicate_objects(URIRef(iri))) <= stated
    assert len(set(g.predicate_objects(URIRef(iri)))) > 3


def test_the_same_iri_path_gives_html_to_people(nginx):
    result, site, url = nginx
    iri = a_cluster(result)
    path = page_path(iri, result.config.base_iri)
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "*/*"):
        r = httpx.get(url + "/" + path, headers={"Accept": accept})
        assert r.status_code == 200, accept
        assert r.headers["content-type"].startswith("text/html")
        assert "Accept" in r.headers.get("vary", "")
        assert r.content == (site / (path + ".html")).read_bytes()


def test_well_known_files_and_unknown_paths(nginx):
    _result, site, url = nginx
    for path in ("/.well-known/void", "/.well-known/sparql-examples"):
        r = httpx.get(url + path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/turtle"), path
        assert len(Graph().parse(data=r.text, format="turtle")) > 0
    assert httpx.get(url + "/query").content == (site / "query.html").read_bytes()
    for path in ("/id/organisation/nobody-at-all", "/no/such/page", "/dumps/nothing.ttl"):
        r = httpx.get(url + path, headers={"Accept": "text/turtle"})
        assert r.status_code == 404, path


@pytest.mark.parametrize(
    "fmt, ctype, parser",
    [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("nt", "application/n-triples", "nt"),
        ("rdf", "application/rdf+xml", "xml"),
    ],
)
def test_format_parameter_overrides_the_accept_header(nginx, fmt, ctype, parser):
    result, site, url = nginx
    base = result.config.base_iri
    cluster = a_cluster(result)
    query = next(iter(Graph().parse(site / "queries" / "catalogue.ttl").subjects(RDF.type, EXEC)))
    for iri in (cluster, str(query)):
        path = page_path(iri, base)
        # a browser's Accept header, which alone would give HTML
        r = httpx.get(url + "/" + path, params={"format": fmt}, headers={"Accept": BROWSER})
        assert r.status_code == 200, (iri, fmt)
        assert r.headers["content-type"].startswith(ctype), (iri, fmt)
        assert r.content == (site / f"{path}.{fmt}").read_bytes()
        assert len(set(Graph().parse(data=r.text, format=parser).predicate_objects(URIRef(iri))))


def test_format_html_and_unknown_formats(nginx):
    result, site, url = nginx
    path = page_path(a_cluster(result), result.config.base_iri)
    html = (site / (path + ".html")).read_bytes()
    r = httpx.get(url + "/" + path, params={"format": "html"}, headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/html") and r.content == html
    # among other parameters too
    r = httpx.get(url + "/" + path + "?lang=en&format=nt&x=1", headers={"Accept": BROWSER})
    assert r.content == (site / (path + ".nt")).read_bytes()
    # a name the site does not know leaves the choice to Accept
    r = httpx.get(url + "/" + path, params={"format": "rdfxml"}, headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert r.content == (site / (path + ".ttl")).read_bytes()


# --- nginx as a rate-limiting reverse proxy in front of `kb serve` ---------------------------

PROXIED_DATA = {
    "ttl/orgs.ttl": """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/mfg-clusters/id/organisation/alpha>
    skos:prefLabel "Alpha Cluster"@en .
"""
}


def test_the_documented_proxy_is_the_generated_one():
    """docs/endpoint.md shows the rules `kb serve --nginx-config` prints, word for word."""
    doc = (Path(__file__).parents[1] / "docs" / "endpoint.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", doc, flags=re.S)
    assert serve_proxy.nginx_proxy() in blocks
    printed = subprocess.run(
        [str(KB), "serve", "--nginx-config"], capture_output=True, text=True, check=True
    )
    assert printed.stdout == serve_proxy.nginx_proxy()


def test_rate_limit_in_front_of_kb_serve(tmp_path):
    """A real nginx with the generated rules in front of a real `kb serve`: a client over its
    query rate gets 429 from nginx, under it kb serve's own answer; /health is never limited
    and pages have their own, looser bucket."""
    need_nginx()
    project = make_project(tmp_path / "project", PROXIED_DATA)
    with running_server(project, "--workers", "1") as upstream:
        port = free_port()
        rules = serve_proxy.nginx_proxy(
            upstream=upstream.removeprefix("http://"),
            listen=f"127.0.0.1:{port}",
            query_rate="1r/m",  # slow enough that no token comes back during the test
            query_burst=2,
        )
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        with running_nginx(standalone(rules, prefix), prefix, f"http://127.0.0.1:{port}/health"):
            url = f"http://127.0.0.1:{port}"
            ask = {"query": "ASK { ?s ?p ?o }"}
            accept = {"Accept": "application/sparql-results+json"}
            statuses = []
            for _ in range(8):
                r = httpx.get(url + "/sparql", params=ask, headers=accept, timeout=30)
                statuses.append(r.status_code)
                if r.status_code == 200:
                    assert r.json()["boolean"] is True  # kb serve's answer, through nginx
            # one request at the rate plus a burst of two, then 429 for the rest
            assert statuses == [200] * 3 + [429] * 5, statuses
            # the query bucket is spent; health and pages are not held by it
            for _ in range(10):
                assert httpx.get(url + "/health", timeout=10).status_code == 200
            for _ in range(5):
                assert httpx.get(url + "/", timeout=10).status_code == 200
            # a body over kb serve's limit is refused by nginx before it is read
            big = httpx.post(url + "/sparql", content=b"#" * (2 << 20), timeout=30)
            assert big.status_code == 413
