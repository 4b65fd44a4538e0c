"""Expensive queries from a few clients do not take `kb serve` down for the others (issue 18,
finding 2).

Clients are told apart by their remote address: each client here binds its own loopback
address (127.0.0.0/8 is all loopback on Linux), as different users would arrive from
different hosts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from conftest import make_project, running_server

pytestmark = pytest.mark.server

TIMEOUT = 8.0
LONG_AFTER = 1.0
MC = "https://w3id.org/mfg-clusters/ontology#"
BASE = "https://w3id.org/mfg-clusters/"
DATA = {
    "ttl/orgs.ttl": f"""
@prefix mc: <{MC}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{BASE}id/organisation/alpha> a mc:ClusterOrganisation ; skos:prefLabel "Alpha"@en .
"""
}
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = f"SELECT ?label WHERE {{ <{BASE}id/organisation/alpha> ?p ?label }}"


def client(address: str, timeout: float = 60) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp(f"fair-{request.param}"), DATA)
    args = ["--engine", request.param, "--workers", "2", "--timeout", str(TIMEOUT)]
    with running_server(project, *args, "--long-after", str(LONG_AFTER)) as url:
        yield url


def wait_until_settled(server: str) -> dict:
    """The pool back at full strength: both query workers idle, the spare ready."""
    deadline = time.monotonic() + 60
    while True:
        health = httpx.get(server + "/health").json()
        if health["idle"] == 2 and health["spare"] == 1 and health["long"] == 0:
            return health
        assert time.monotonic() < deadline, health
        time.sleep(0.2)


def test_two_hostile_clients_do_not_slow_down_a_third(server):
    wait_until_settled(server)
    stop = threading.Event()
    hostile_statuses: list[int] = []

    def hostile(address: str) -> None:
        with client(address) as http:
            while not stop.is_set():
                r = http.post(server + "/sparql", data={"query": PATHOLOGICAL})
                hostile_statuses.append(r.status_code)

    threads = [threading.Thread(target=hostile, args=(f"127.0.0.{k}",)) for k in (2, 3)]
    for t in threads:
        t.start()
    latencies: dict[str, list[float]] = {"health": [], "page": [], "query": []}
    try:
        time.sleep(0.5)  # both pathological queries are running now
        with client("127.0.0.4") as http:
            end = time.monotonic() + TIMEOUT + 4  # past a hostile query's whole life
            while time.monotonic() < end:
                for kind, call in (
                    ("health", lambda: http.get(server + "/health")),
                    ("page", lambda: http.get(server + "/id/organisation/alpha.ttl")),
                    ("query", lambda: http.post(server + "/sparql", data={"query": CHEAP})),
                ):
                    start = time.monotonic()
                    r = call()
                    latencies[kind].append(time.monotonic() - start)
                    assert r.status_code == 200, (kind, r.status_code, r.text)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=TIMEOUT + 10)
    assert all(latencies.values())
    worst = {kind: max(values) for kind, values in latencies.items()}
    assert worst["health"] < 1 and worst["page"] < 2 and worst["query"] < 2, worst
    # the hostile queries were stopped at the time limit, not answered
    assert hostile_statuses and set(hostile_statuses) <= {504}, hostile_statuses


def test_a_client_over_its_queue_gets_429_with_retry_after(server):
    wait_until_settled(server)
    results: list[httpx.Response] = []
    waited: list[bool] = []

    def send() -> None:
        # the refusals come at once; the others would run one after another: given up
        with client("127.0.0.5", timeout=3) as http:
            try:
                results.append(http.post(server + "/sparql", data={"query": PATHOLOGICAL}))
            except httpx.TimeoutException:
                waited.append(True)

    threads = [threading.Thread(target=send) for _ in range(12)]
    for t in threads:
        t.start()
    time.sleep(1)
    # meanwhile another client is served at once
    with client("127.0.0.6") as http:
        start = time.monotonic()
        assert http.post(server + "/sparql", data={"query": CHEAP}).status_code == 200
        assert time.monotonic() - start < 2
    for t in threads:
        t.join(timeout=120)
    refused = [r for r in results if r.status_code == 429]
    # one running, eight waiting (queue_per_client), the rest refused at once
    assert len(refused) == 12 - 1 - 8 == len(results), [r.status_code for r in results]
    assert len(waited) == 9
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert "waiting" in refused[0].text


def test_abandoned_requests_are_dropped_without_a_stall(server):
    before = wait_until_settled(server)
    # ten requests given up after 0.3 s each: one had started, eight were queued, the last
    # may have been refused (429) at once
    outcomes: list[str] = []

    def give_up() -> None:
        with client("127.0.0.7", timeout=0.3) as http:
            try:
                r = http.post(server + "/sparql", data={"query": PATHOLOGICAL})
                outcomes.append(str(r.status_code))
            except httpx.TimeoutException:
                outcomes.append("gave up")

    threads = [threading.Thread(target=give_up) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("gave up") >= 9 and set(outcomes) <= {"gave up", "429"}, outcomes
    with client("127.0.0.8") as http:
        for _ in range(5):
            start = time.monotonic()
            assert http.post(server + "/sparql", data={"query": CHEAP}).status_code == 200
            assert time.monotonic() - start < 2
    after = wait_until_settled(server)
    # the queued ones never ran; only the one that had started cost a worker
    assert after["replaced"] - before["replaced"] <= 1, (before, after)
    assert after["waiting"] == 0


def test_a_repeat_offender_runs_beside_the_pool_not_in_it(server):
    wait_until_settled(server)
    with client("127.0.0.9", timeout=TIMEOUT + 30) as http:
        first = http.post(server + "/sparql", data={"query": PATHOLOGICAL})
        assert first.status_code == 504
        settled = wait_until_settled(server)
        answers: list[int] = []
        second = threading.Thread(
            target=lambda: answers.append(
                http.post(server + "/sparql", data={"query": PATHOLOGICAL}).status_code
            )
        )
        second.start()
        time.sleep(LONG_AFTER / 2)
        # before it could have become long, it already runs as long, on the spare: both
        # query workers stay free for the others
        health = httpx.get(server + "/health").json()
        assert health["long"] == 1 and health["idle"] == 2, health
        second.join(timeout=TIMEOUT + 30)
        assert answers == [504]
        assert wait_until_settled(server)["replaced"] > settled["replaced"]
        # a short query afterwards is answered, and forgives the client
        r = http.post(server + "/sparql", data={"query": CHEAP})
        assert r.status_code == 200


def test_an_abandoned_long_query_is_stopped_at_once(server):
    wait_until_settled(server)
    with client("127.0.0.10", timeout=LONG_AFTER + 1.5) as http:
        with pytest.raises(httpx.TimeoutException):
            http.post(server + "/sparql", data={"query": PATHOLOGICAL})
    gave_up = time.monotonic()
    while httpx.get(server + "/health").json()["long"]:
        # without the cancellation it would run on to the time limit
        assert time.monotonic() - gave_up < (TIMEOUT - LONG_AFTER - 1.5) / 2
        time.sleep(0.1)
