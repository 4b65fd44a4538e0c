"""`kb serve` against a hostile client (issue 18): no request may make the server reach the
network, and bad input gets a status and a message, never a crash or a silent repair.

Each engine gets its own real server on loopback; the SSRF tests run a loopback listener that
must never be contacted.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from conftest import make_project, running_server

from kb.core.processes import free_port

pytestmark = pytest.mark.server

MC = "https://w3id.org/mfg-clusters/ontology#"
DATA = {
    "ttl/orgs.ttl": f"""
@prefix mc: <{MC}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/mfg-clusters/id/organisation/alpha> a mc:ClusterOrganisation ;
    skos:prefLabel "Alpha"@en .
"""
}
SELECT = "SELECT ?s WHERE { ?s a ?c }"


def deep_filter(depth: int) -> str:
    return "(" * depth + "1" + ")" * depth


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.contacts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.contacts += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    ear = Listener()
    yield ear
    ear.close()


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def server(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp(f"security-{request.param}"), DATA)
    with running_server(project, "--engine", request.param, "--timeout", "10") as url:
        yield url


def service_queries(port: int) -> list[str]:
    target = f"<http://127.0.0.1:{port}/sparql>"
    return [
        f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT {target} {{ ?s ?p ?o }} }}",
        # issue 18: this FILTER made the SERVICE check's parser give up, and Oxigraph ran it
        f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} FILTER({deep_filter(30)}) }}",
        f"SELECT * WHERE {{ FILTER({deep_filter(30)}) SERVICE SILENT {target} {{ ?s ?p ?o }} }}",
    ]


def test_service_never_reaches_the_network_and_is_no_port_oracle(server, listener):
    closed = free_port()
    for open_query, closed_query in zip(
        service_queries(listener.port), service_queries(closed), strict=True
    ):
        for method in ("GET", "POST"):
            where = "params" if method == "GET" else "data"
            kwargs = {where: {"query": open_query}}
            r_open = httpx.request(method, server + "/sparql", timeout=30, **kwargs)
            r_closed = httpx.get(server + "/sparql", params={"query": closed_query}, timeout=30)
            assert r_open.status_code == 400, (open_query, r_open.text)
            # the same answer whether something listens there or not
            assert r_closed.status_code == r_open.status_code
            assert r_closed.text.replace(str(closed), "PORT") == r_open.text.replace(
                str(listener.port), "PORT"
            )
    assert listener.contacts == 0


def test_deep_nesting_is_a_400_not_a_500(server):
    query = f"SELECT * WHERE {{ ?s ?p ?o FILTER({deep_filter(30)}) }}"
    r = httpx.get(server + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 400
    assert "nests too deeply" in r.text
    # the worker that saw it still answers
    assert httpx.get(server + "/sparql", params={"query": SELECT}).status_code == 200


def test_the_worker_sandbox_stops_oxigraphs_own_http_client(listener):
    """The root fix: even a SERVICE that gets past every check cannot leave the worker."""
    script = textwrap.dedent(
        f"""
        import sys
        import pyoxigraph as ox
        from kb.serve.sandbox import deny_network, network_denied
        if sys.argv[1] == "sandboxed":
            deny_network()
            assert network_denied()
        query = "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
        try:
            list(ox.Store().query(query))
        except OSError as exc:
            print(type(exc).__name__)
        """
    )
    run = [sys.executable, "-c", script]
    out = subprocess.run(run + ["sandboxed"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "PermissionError"
    assert listener.contacts == 0
    # the control: without the sandbox, Oxigraph does connect (so the listener would know)
    subprocess.run(run + ["open"], capture_output=True, text=True, timeout=60, check=True)
    assert listener.contacts >= 1


def test_a_body_that_is_not_utf8_is_refused(server):
    latin1 = 'SELECT ?s WHERE { ?s ?p "caf\xe9" }'.encode("latin-1")
    r = httpx.post(
        server + "/sparql", content=latin1, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400
    assert "not UTF-8" in r.text and "0xe9" in r.text
    form = b"query=SELECT+%3Fs+WHERE+%7B+%3Fs+%3Fp+%22caf%E9%22+%7D"
    r = httpx.post(
        server + "/sparql",
        content=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "not UTF-8" in r.text
    r = httpx.get(server + "/sparql?" + form.decode())
    assert r.status_code == 400 and "not UTF-8" in r.text
    # the same query in UTF-8 is answered
    r = httpx.post(
        server + "/sparql",
        content=latin1.decode("latin-1").encode("utf-8"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 200


def test_a_1_mib_get_gets_414_not_a_closed_connection(server):
    # http.client, as httpx itself refuses URLs over 64 KiB
    query = urlencode({"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * (1 << 20)})
    conn = http.client.HTTPConnection(urlsplit(server).netloc, timeout=30)
    try:
        conn.request("GET", "/sparql?" + query)
        response = conn.getresponse()
        assert response.status == 414
        assert b"POST" in response.read()
    finally:
        conn.close()
    r = httpx.post(server + "/sparql", data={"query": SELECT}, timeout=30)
    assert r.status_code == 200
