"""Measure load, inference and every stored query at several sizes, for each embedded engine.

    python bench/benchmark.py --scales 10000 100000 --runs 3 --timeout 600

Each (scale, engine) runs in its own process, so peak memory (ru_maxrss) is that run's alone,
and is killed after --timeout seconds. Figures are medians over --runs; they are written to
bench/results.md. Data comes from bench/generate.py plus the ontology, so the queries meet the
shape they were written for.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def worker(engine: str, data: Path, runs: int, owlrl_limit: int) -> dict:
    import pyoxigraph as ox

    from kb.config import load_config
    from kb.infer import infer
    from kb.load import source_files
    from kb.rules import inferred_triples, materialise

    config = load_config(REPO)
    ontology = [f.path for f in source_files(config) if f.path.is_relative_to(REPO / "ontology")]
    out: dict = {"engine": engine, "queries": {}}

    loads = []
    for _ in range(runs):
        start = time.perf_counter()
        if engine == "oxigraph":
            store = ox.Store()
            for path in [*ontology, data]:
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri="urn:x:")
        else:
            from rdflib import Graph

            store = Graph()
            for path in [*ontology, data]:
                store.parse(path, format="turtle", publicID="urn:x:")
        loads.append(time.perf_counter() - start)
    out["triples"] = len(store)
    out["load"] = statistics.median(loads)

    if engine == "oxigraph":
        # Fast path: rules on Oxigraph; what they add is also kept in a graph of its own.
        start = time.perf_counter()
        materialise(store)
        inferred = inferred_triples(store)
        out["infer"] = time.perf_counter() - start
        out["inferred"] = len(inferred)
        from kb.store import OxigraphStore

        kb_store = OxigraphStore()
        kb_store.store = store
    else:
        if out["triples"] <= owlrl_limit:
            start = time.perf_counter()
            inferred = infer(store, "owlrl").inferred
            out["infer"] = time.perf_counter() - start
            out["inferred"] = len(inferred)
            for t in inferred:
                store.add(t)
        from kb.store import RdflibStore

        kb_store = RdflibStore()
        kb_store.add_graph("urn:x:all", store)

    for path in sorted(config.queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        times = []
        rows = None
        for _ in range(runs):
            start = time.perf_counter()
            try:
                res = kb_store.query(text)
            except Exception as exc:  # a query the engine rejects is reported, not fatal
                out["queries"][path.stem] = {"error": str(exc)[:120]}
                break
            times.append(time.perf_counter() - start)
            rows = len(res.rows) if res.kind == "select" else None
        else:
            out["queries"][path.stem] = {"median": statistics.median(times), "rows": rows}
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run(scales: list[int], engines: list[str], runs: int, timeout: float, owlrl_limit: int):
    results = []
    for scale in scales:
        data = REPO / "build" / "bench" / f"kb-{scale}.ttl"
        if not data.is_file():
            subprocess.run(
                [
                    sys.executable,
                    str(REPO / "bench" / "generate.py"),
                    "--triples",
                    str(scale),
                    "--output",
                    str(data),
                ],
                check=True,
            )
        for engine in engines:
            cmd = [
                sys.executable,
                __file__,
                "--worker",
                engine,
                "--data",
                str(data),
                "--runs",
                str(runs),
                "--owlrl-limit",
                str(owlrl_limit),
            ]
            print(f"scale {scale} engine {engine} ...", file=sys.stderr, flush=True)
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
                if proc.returncode != 0:
                    result = {"engine": engine, "error": proc.stderr.strip()[-300:]}
                else:
                    result = json.loads(proc.stdout)
            except subprocess.TimeoutExpired:
                result = {"engine": engine, "error": f"timed out after {timeout:.0f} s"}
            result["scale"] = scale
            results.append(result)
    return results


def markdown(results: list[dict], runs: int) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/benchmark.py` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {platform.python_version()}, medians of {runs} runs. "
        "Data: bench/generate.py plus the ontology. Times in seconds; peak memory is the "
        "worker process's maximum resident set.",
        "",
        "| scale | engine | triples | load | infer | inferred | all queries | slowest query | "
        "peak MB |",
        "|---:|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['scale']} | {r['engine']} | | | | | | {r['error']} | |")
            continue
        q = {k: v for k, v in r["queries"].items() if "median" in v}
        slow = max(q.items(), key=lambda kv: kv[1]["median"], default=(None, {"median": 0}))
        infer_time = f"{r['infer']:.2f}" if "infer" in r else "skipped"
        label = "rules" if r["engine"] == "oxigraph" else "owlrl"
        lines.append(
            f"| {r['scale']} | {r['engine']} | {r['triples']} | {r['load']:.2f} | "
            f"{infer_time} ({label}) | {r.get('inferred', '')} | "
            f"{sum(v['median'] for v in q.values()):.2f} | {slow[0]} {slow[1]['median']:.2f} | "
            f"{r['peak_mb']:.0f} |"
        )
    lines += ["", "## Every stored query (median seconds)", ""]
    names = sorted({n for r in results for n in r.get("queries", {})})
    cols = [r for r in results if "queries" in r]
    lines.append("| query | " + " | ".join(f"{r['engine']} {r['scale']}" for r in cols) + " |")
    lines.append("|---|" + "---:|" * len(cols))
    for name in names:
        cells = []
        for r in cols:
            v = r["queries"].get(name, {})
            cells.append(f"{v['median']:.3f}" if "median" in v else v.get("error", "")[:40])
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--engines", nargs="+", default=["rdflib", "oxigraph"])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--owlrl-limit", type=int, default=30_000, help="owlrl only up to this size")
    p.add_argument("--output", type=Path, default=REPO / "bench" / "results.md")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.runs, args.owlrl_limit)))
        return 0
    results = run(args.scales, args.engines, args.runs, args.timeout, args.owlrl_limit)
    from kb.fileio import atomic_write

    atomic_write(args.output, markdown(results, args.runs))
    (args.output.with_suffix(".json")).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
