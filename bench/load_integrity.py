"""What issue 18's build and load safeguards cost: hashing the inputs for build/manifest.json,
skolemising blank nodes, and `kb load` into a real Virtuoso through staging graphs and MOVE.

For each scale, on the synthetic KB of bench/generate.py (with the ontology and
data/ttl/sources.ttl): the time to hash every input (kb.build.manifest.input_hashes, done by every
build) beside the build itself and the writing of build/ (kb.nq hashed as it is written); the
time to skolemise every graph (kb.publish.skolem); and, up to --load-limit triples, two `kb load`s
into Virtuoso (tests/virtuoso_harness.py: 127.0.0.1, stopped by its process id), with the
server's triple count after each (a reload must not change it). Writes a Markdown table.

    .venv/bin/python bench/load_integrity.py --scales 10000 100000 --load-limit 100000 \
        --output bench/load-integrity-results.md
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kb.build.manifest import HashingWriter, input_hashes  # noqa: E402
from kb.build.pipeline import build, write_outputs  # noqa: E402
from kb.core.config import load_config  # noqa: E402
from kb.core.fileio import atomic_write  # noqa: E402
from kb.publish.upload import _source, upload  # noqa: E402
from kb.store.remote import RemoteStore  # noqa: E402


def _data(scale: int) -> Path:
    path = ROOT / "build" / "bench" / f"data-{scale}" / "kb.ttl"
    if not path.is_file():
        from bench.generate import main as generate

        generate(["--triples", str(scale), "--output", str(path)])
    return path


def _server_triples(endpoint: str) -> int:
    rows = (
        RemoteStore(endpoint, timeout=600)
        .query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/mfg-clusters/')) }"
        )
        .rows
    )
    return int(rows[0][0])


def measure(scale: int, load: bool) -> dict:
    data = _data(scale)
    out = Path(tempfile.mkdtemp(prefix=f"kb-bench-{scale}-"))
    os.environ["KB_DATA_DIRS"] = f"{data.parent}:{ROOT / 'data' / 'ttl' / 'sources.ttl'}"
    os.environ["KB_BUILD_DIR"] = str(out)
    config = load_config(ROOT)
    row: dict = {"scale": scale}
    t = time.perf_counter()
    hashes = input_hashes(config)
    row["hash_s"] = time.perf_counter() - t
    row["inputs"] = len(hashes)
    row["input_mb"] = sum((config.root / p).stat().st_size for p in hashes) / 1e6
    t = time.perf_counter()
    result = build(config)
    row["build_s"] = time.perf_counter() - t
    row["triples"] = result.asserted + result.inferred
    row["violations"] = result.validation.count("Violation") if result.validation else None
    row["conforms"] = result.conforms
    t = time.perf_counter()
    write_outputs(result)
    row["write_s"] = time.perf_counter() - t
    # kb.nq through the hashing writer the build uses, whether or not this data conforms
    t = time.perf_counter()
    with open(out / "probe.nq", "wb") as stream:
        result.engine.write_nquads(HashingWriter(stream))  # type: ignore[arg-type]
    row["nq_hashed_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with open(out / "probe.nq", "wb") as stream:
        result.engine.write_nquads(stream)
    row["nq_s"] = time.perf_counter() - t
    (out / "probe.nq").unlink()
    t = time.perf_counter()
    for graph in result.engine.graph_names():
        _source(result.engine, graph, "urn:x:")
    row["skolem_s"] = time.perf_counter() - t
    if load:
        from virtuoso_harness import running_virtuoso

        with running_virtuoso(Path(tempfile.mkdtemp(prefix="kb-bench-virtuoso-"))) as server:
            for run in ("load", "reload"):
                t = time.perf_counter()
                report = upload(result.engine, server.sparql, progress=None, timeout=600)
                row[f"{run}_s"] = time.perf_counter() - t
                row[f"{run}_requests"] = report.requests
                row[f"{run}_server_triples"] = _server_triples(server.sparql)
    return row


def table(rows: list[dict]) -> str:
    head = (
        "| triples (asserted + inferred) | violations | inputs | input MB | hash inputs s | "
        "build s | write build/ s | kb.nq s: plain / hashed | skolemise s | "
        "kb load s (requests) | server triples | reload s | server triples after reload |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        load = (
            f"{r['load_s']:.1f} ({r['load_requests']}) | {r['load_server_triples']} | "
            f"{r['reload_s']:.1f} | {r['reload_server_triples']}"
            if "load_s" in r
            else "- | - | - | -"
        )
        lines.append(
            f"| {r['triples']} | {r['violations']} | {r['inputs']} | {r['input_mb']:.1f} | "
            f"{r['hash_s']:.3f} | {r['build_s']:.1f} | {r['write_s']:.2f} | "
            f"{r['nq_s']:.2f} / {r['nq_hashed_s']:.2f} | {r['skolem_s']:.2f} | {load} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--load-limit", type=int, default=100_000, help="largest scale loaded")
    p.add_argument("--output", type=Path, default=ROOT / "bench" / "load-integrity-results.md")
    args = p.parse_args(argv)
    rows = []
    for scale in args.scales:
        print(f"scale {scale} ...", file=sys.stderr, flush=True)
        rows.append(measure(scale, scale <= args.load_limit))
        print(rows[-1], file=sys.stderr, flush=True)
    text = (
        "# Build and load safeguards (issue 18)\n\n"
        f"Written by `bench/load_integrity.py` on {date.today()}, {platform.machine()}, "
        f"Python {platform.python_version()}, one run each (a shared 2-core machine). Data: "
        "bench/generate.py plus the ontology and data/ttl/sources.ttl. *hash inputs*: SHA-256 "
        "of every input file for build/manifest.json (every build does it once); *build*: "
        "`kb build`'s stages with validation and checks; *write build/*: the reports, kb.nq "
        "(hashed as written, when the data conforms) and the manifest; *kb.nq*: the N-Quads "
        "dump alone, into a plain file and through the hashing writer the build uses (SHA-256 "
        "of kb.nq for the manifest); *skolemise*: stable skolem IRIs for every "
        "graph (kb/publish/skolem.py), as `kb load` does; *kb load*: SPARQL Update into staging "
        "graphs "
        "of 2000-triple batches, then one MOVE request, into Debian's Virtuoso 7 on "
        "127.0.0.1; *reload*: the same again, which must leave the server's count unchanged. "
        "*violations*: the synthetic data no longer conforms to today's shapes "
        "(mcsh:Statement-section wants an mc:section on memberships that bench/generate.py "
        "does not write), so its build/ holds reports and no kb.nq, and *write build/* is "
        "mostly rdflib serialising the validation report; kb load is given the built store.\n\n"
        + table(rows)
        + "\n"
    )
    atomic_write(args.output, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
