"""Bounded load benchmark for `kb serve`: N concurrent clients on loopback, T seconds, then stop.

Starts `kb serve` on a free 127.0.0.1 port, lets each client run the stored SELECT queries (with
their default parameters, written in as a VALUES block) round-robin over HTTP, and prints
throughput, p50/p95/p99 latency and the errors (any non-200 answer or transport failure).
`--hostile N` adds N clients sending a pathological query (a four-way cross join) in a loop;
the figures are for the normal clients. Each client binds its own loopback address (127.0.1.k
normal, 127.0.2.k hostile), since kb serve tells clients apart by address.
The server is stopped by its process id at the end, whatever happens.

    .venv/bin/python bench/endpoint_load.py --clients 50 --hostile 2 --seconds 30 --engine rdflib
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.core.config import load_config  # noqa: E402
from kb.core.processes import free_port, stop_process  # noqa: E402
from kb.sparql.catalogue import bind, load_catalogue  # noqa: E402
from kb.store.remote import with_bindings  # noqa: E402


def stored_selects() -> list[tuple[str, str]]:
    config = load_config(ROOT)
    out = []
    for name, query in sorted(load_catalogue(config.queries_dir).items()):
        if query.kind == "select":
            out.append((name, with_bindings(query.text, bind(query, {}, config.prefixes))))
    return out


PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def from_address(address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(transport=transport, timeout=120)


async def hostile(url: str, address: str, stop_at: float, statuses: Counter) -> None:
    async with from_address(address) as http:
        while time.monotonic() < stop_at:
            try:
                r = await http.post(url, data={"query": PATHOLOGICAL})
                statuses[r.status_code] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1


async def client(url: str, queries, offset: int, stop_at: float, latencies, errors) -> None:
    async with from_address(f"127.0.1.{offset + 1}") as http:
        i = offset
        while time.monotonic() < stop_at:
            name, text = queries[i % len(queries)]
            i += 1
            start = time.perf_counter()
            try:
                r = await http.post(
                    url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
                )
                ok = r.status_code == 200
            except httpx.HTTPError as exc:
                ok, r = False, exc
            latencies.append(time.perf_counter() - start)
            if not ok:
                errors.append((name, getattr(r, "status_code", repr(r))))


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (the server and its workers), in
    MB; pages shared between forked workers count once per process, as `ps` shows them."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class MemorySampler(threading.Thread):
    """The server tree's resident memory every half second, for its peak under load."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, tree_rss_mb(self.pid))


async def run(url: str, clients: int, hostiles: int, seconds: float, queries) -> dict:
    latencies: list[float] = []
    errors: list = []
    hostile_statuses: Counter = Counter()
    start = time.monotonic()
    stop_at = start + seconds
    attackers = [
        asyncio.ensure_future(hostile(url, f"127.0.2.{k + 1}", stop_at, hostile_statuses))
        for k in range(hostiles)
    ]
    await asyncio.gather(
        *(client(url, queries, k, stop_at, latencies, errors) for k in range(clients))
    )
    elapsed = time.monotonic() - start  # the normal clients' time; the hostile ones are cut
    for task in attackers:
        task.cancel()
    await asyncio.gather(*attackers, return_exceptions=True)
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "elapsed": elapsed,
        "throughput": len(latencies) / elapsed,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "errors": errors,
        "hostile": dict(hostile_statuses),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--hostile", type=int, default=0, help="clients sending pathological queries")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--engine", choices=("rdflib", "oxigraph"), default="rdflib")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0)
    args = ap.parse_args()

    queries = stored_selects()
    port = free_port()
    kb = Path(sys.executable).with_name("kb")
    server = subprocess.Popen(
        [str(kb), "serve", "--port", str(port), "--engine", args.engine, "-q"]
        + ["--workers", str(args.workers), "--timeout", str(args.timeout)],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while True:
            if server.poll() is not None:
                raise SystemExit(f"kb serve exited with {server.returncode}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("kb serve did not come up")
            time.sleep(0.3)
        before = tree_rss_mb(server.pid)
        sampler = MemorySampler(server.pid)
        sampler.start()
        result = asyncio.run(
            run(base + "/sparql", args.clients, args.hostile, args.seconds, queries)
        )
        time.sleep(2)  # let abandoned work end and replaced workers settle
        sampler.done.set()
        after = tree_rss_mb(server.pid)
    finally:
        stop_process(server)
    print(
        f"engine {args.engine}, {args.workers} workers, {args.clients} clients, "
        f"{args.hostile} hostile clients, "
        f"{len(queries)} stored SELECT queries, {result['elapsed']:.1f} s\n"
        f"requests {result['requests']}, throughput {result['throughput']:.1f} req/s, "
        f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, "
        f"errors {len(result['errors'])}\n"
        f"server memory (RSS of the server and its workers): before {before:.0f} MB, "
        f"peak {max(sampler.peak, after):.0f} MB, after {after:.0f} MB"
    )
    if args.hostile:
        print(f"hostile clients' answers: {result['hostile']}")
    for name, status in result["errors"][:20]:
        print(f"  error: {name}: {status}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
