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
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# The stored queries' default IRIs name seed resources; on generated data the same kind of
# resource has another IRI (bench/generate.py numbers clusters from 1, projects only for even
# numbers, NUTS-2-like regions as AA11). Queries are run as a user runs them: with their
# parameters bound to something that exists, so no answer is empty by accident.
GENERATED_DEFAULTS = {
    "id:organisation/afil": "id:organisation/cluster-1",  # has EFFRA domains and projects
    "id:region/ITC4": "id:region/AA11",
    "id:project/beincpps": "id:project/project-2",
    "id:country/IT": "id:country/XA",  # generated countries have user-assigned ISO codes
    # Search words: generated labels are "Project 12", "PRJ12", "Priority 0 of AB12", ...
    # "12" matches ~10% of the projects and the priorities of 30 regions at 10^6.
    "manufactur": "12",
    "lombard": "aa11",  # Region AA11, its S3 strategy and priorities
    3: 2,  # partner-search minShared: every generated cluster organisation has two EFFRA domains
}
DATA_GRAPH = "https://w3id.org/mfg-clusters/graph/data/bench"


def _bindings(config, query) -> dict:
    from kb.sparql.catalogue import bind

    params = {
        p.name: GENERATED_DEFAULTS.get(p.default, p.default)
        for p in query.parameters
        if p.default is not None
    }
    return bind(query, params, config.prefixes)


def _time_queries(kb_store, config, runs: int, progress: str, only=None) -> dict:
    from kb.sparql.catalogue import load_catalogue

    out = {}
    for name, query in sorted(load_catalogue(config.queries_dir).items()):
        if only and name not in only:
            continue
        print(f"  {progress} query {name}", file=sys.stderr, flush=True)
        times, rows = [], None
        try:
            bindings = _bindings(config, query)
            for _ in range(runs):
                start = time.perf_counter()
                res = kb_store.query(query.text, bindings)
                times.append(time.perf_counter() - start)
                rows = len(res.rows) if res.kind == "select" else len(res.graph or [])
        except Exception as exc:  # a query the engine rejects is reported, not fatal
            out[name] = {"error": str(exc).splitlines()[0][:120]}
            continue
        out[name] = {"median": statistics.median(times), "first": times[0], "rows": rows}
    return out


def worker(
    engine: str,
    data: Path,
    runs: int,
    owlrl_limit: int,
    validate_limit: int,
    only: list[str] | None = None,
    queries_only: bool = False,
    publish_limit: int = 300_000,
) -> dict:

    from kb.core.config import load_config
    from kb.load import source_files

    config = load_config(REPO)
    ontology = [f.path for f in source_files(config) if f.path.is_relative_to(REPO / "ontology")]
    out: dict = {"engine": engine, "queries": {}}
    # What `kb build` writes for the generated data: build/bench/out-N/kb.nq, the named graphs
    # after inference (asserted + inferred); Virtuoso loads it, as `kb upload` would fill it.
    build_dir = data.parent.with_name(data.parent.name.replace("data-", "out-"))
    named = build_dir / "kb.nq"

    if engine == "virtuoso":
        sys.path.insert(0, str(REPO / "tests"))
        from virtuoso_harness import running_virtuoso

        from kb.store.remote import RemoteStore

        folder = REPO / "build" / "bench" / f"virtuoso-{data.parent.name}"
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        with running_virtuoso(folder) as server:
            start = time.perf_counter()
            shutil.copy(named, folder / named.name)  # the only folder it may read
            server.isql(
                f"ld_dir('{folder}', '{named.name}', '{DATA_GRAPH}'); "
                "rdf_loader_run(); checkpoint;",
                timeout=3000,
            )
            out["load"] = time.perf_counter() - start
            store = RemoteStore(server.sparql, timeout=600)
            out["triples"] = int(
                store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
            )
            out["queries"] = _time_queries(
                store, config, runs, f"virtuoso {data.parent.name}", only
            )
            status = Path(f"/proc/{server.process.pid}/status").read_text()
            hwm = [ln for ln in status.splitlines() if ln.startswith("VmHWM")]
            out["peak_mb"] = int(hwm[0].split()[1]) / 1024 if hwm else 0
        return out

    if engine == "oxigraph" and queries_only:
        from kb.store import load_nquads

        # The store a full run wrote: the same quads, without building again.
        if not named.is_file() or named.stat().st_mtime < data.stat().st_mtime:
            raise SystemExit(f"--queries-only: {named} is missing or older than {data}")
        start = time.perf_counter()
        kb_store = load_nquads(named, "oxigraph")
        out["load"] = time.perf_counter() - start
        out["triples"] = kb_store.count()
        out["queries"] = _time_queries(kb_store, config, runs, f"oxigraph {data.parent.name}", only)
    elif engine == "oxigraph":
        import gc

        from kb.build.pipeline import build, write_outputs

        # `kb build` as a user runs it on the generated data (plus the sources the code lists
        # cite), on the Oxigraph store: load, infer, validate (compiled shapes), checks; then
        # kb.nq written; then every stored query on the built store.
        bench_config = load_config(
            REPO,
            data_dirs=[str(data.parent), "data/ttl/sources.ttl"],
            build_dir=str(build_dir),
            store="oxigraph",
        )
        # Three builds are minutes at 10^6 and more: above 2x10^5 triples the build runs once
        # (the queries still run --runs times).
        build_runs = runs if data.stat().st_size < 40_000_000 else 1
        stages: dict[str, list[float]] = {}
        for i in range(build_runs):
            label = f"oxigraph {data.parent.name} build {i + 1}/{build_runs}"
            print(f"  {label}", file=sys.stderr, flush=True)
            start = time.perf_counter()
            result = build(bench_config)
            stages.setdefault("build", []).append(time.perf_counter() - start)
            for name, seconds in result.timings.items():
                stages.setdefault(name, []).append(seconds)
            start = time.perf_counter()
            write_outputs(result)
            stages.setdefault("write", []).append(time.perf_counter() - start)
            if i + 1 < build_runs:
                del result
                gc.collect()
        for name, values in stages.items():
            out[name] = statistics.median(values)
        out["build_runs"] = build_runs
        out["triples"] = result.asserted + result.inferred
        out["inferred"] = result.inferred
        out["violations"] = result.validation.count("Violation") if result.validation else None
        out["warnings"] = result.validation.count("Warning") if result.validation else None
        out["check_rows"] = sum(len(c.rows) for c in result.checks)
        out["conforms"] = result.conforms
        out["queries"] = _time_queries(
            result.engine, config, runs, f"oxigraph {data.parent.name}", only
        )
        out["build_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if out["triples"] <= publish_limit:
            from kb.publish.site import publish

            # `kb publish` on the built store: a page per resource in four formats, dumps,
            # VoID, DCAT-AP (hours of file writing at 10^6: hence the limit).
            print(f"  oxigraph {data.parent.name} publish", file=sys.stderr, flush=True)
            start = time.perf_counter()
            site = publish(
                result.engine,
                bench_config,
                build_dir / "site",
                inferred_graph_iri=result.inferred_graph_iri,
                progress=False,
            )
            out["publish"] = time.perf_counter() - start
            out["published_pages"] = site.pages
        # The target's "full build": the last build, writing its outputs, every query once.
        out["full"] = (
            stages["build"][-1]
            + stages["write"][-1]
            + sum(v["first"] for v in out["queries"].values() if "first" in v)
        )
    else:
        from rdflib import Graph

        from kb.reason import infer
        from kb.store import RdflibStore

        loads = []
        for _ in range(runs):
            start = time.perf_counter()
            store = Graph()
            for path in [*ontology, data, REPO / "data" / "ttl" / "sources.ttl"]:
                store.parse(path, format="turtle", publicID="urn:x:")
            loads.append(time.perf_counter() - start)
        out["triples"] = len(store)
        out["load"] = statistics.median(loads)
        if out["triples"] <= owlrl_limit:
            start = time.perf_counter()
            inferred = infer(store, "owlrl").inferred
            out["infer"] = time.perf_counter() - start
            out["inferred"] = len(inferred)
            for t in inferred:
                store.add(t)
        if out["triples"] <= validate_limit:
            from kb.shacl.pyshacl_engine import validate
            from kb.shacl.shapes import load_shapes

            start = time.perf_counter()
            report = validate(store, load_shapes(config.shapes_dir), config.prefixes)
            out["validate"] = time.perf_counter() - start
            out["violations"] = report.count("Violation")
            out["warnings"] = report.count("Warning")
        kb_store = RdflibStore()
        kb_store.add_graph("urn:x:all", store)
        out["queries"] = _time_queries(kb_store, config, runs, f"rdflib {data.parent.name}", only)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run_worker(cmd: list[str], timeout: float) -> dict:
    """One worker process; on timeout it gets SIGTERM first, so it stops any server it started."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        stdout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": f"worker failed with exit code {proc.returncode}"}
    return json.loads(stdout)


def run(
    scales,
    engines,
    runs,
    timeout,
    owlrl_limit,
    validate_limit,
    rdflib_limit,
    write=None,
    worker_args=(),
) -> list[dict]:
    results: list[dict] = []
    for scale in scales:
        data = REPO / "build" / "bench" / f"data-{scale}" / "kb.ttl"
        if not data.is_file():
            print(f"generate {scale} ...", file=sys.stderr, flush=True)
            data.parent.mkdir(parents=True, exist_ok=True)
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
                timeout=timeout,
            )
        for engine in engines:
            if engine == "rdflib" and scale > rdflib_limit:
                continue
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
                "--validate-limit",
                str(validate_limit),
                *worker_args,
            ]
            print(f"scale {scale} engine {engine} ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            result = _run_worker(cmd, timeout)
            result.update(engine=engine, scale=scale, wall=time.perf_counter() - start)
            results.append(result)
            if write is not None:
                write(results)  # after every worker, so a later timeout loses nothing
            print(
                f"scale {scale} engine {engine}: {time.perf_counter() - start:.1f} s "
                f"{result.get('error', '')}",
                file=sys.stderr,
                flush=True,
            )
    return results


def _f(value, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else ""


def markdown(results: list[dict], runs: int) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/benchmark.py` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, Python {platform.python_version()}, medians of {runs} runs. "
        "Data: bench/generate.py (a valid KB) plus the ontology and data/ttl/sources.ttl. "
        "**oxigraph** is `kb build` itself (kb.build.pipeline.build on the Oxigraph store: "
        "Oxigraph's "
        "parser, the compiled rules, the compiled SHACL shapes, the integrity checks), then "
        "kb.nq written, then every stored query; *full* = that build + writing + every query "
        "once, the 60 s target's figure. **rdflib** is the reference path: rdflib's parser, "
        "owlrl, pySHACL (single process), queries on rdflib's engine. **virtuoso** loads the "
        "kb.nq the Oxigraph build wrote (asserted + inferred, graph by graph as `kb upload` "
        "fills a server) and is queried through the remote path (`kb.store.remote.RemoteStore`). "
        "Queries run with their parameters bound (bench/benchmark.py GENERATED_DEFAULTS). Times "
        "in seconds, medians (the Oxigraph build: of --runs builds up to 2x10^5 triples, one "
        "build above); peak memory is the worker's (Virtuoso: the server's) maximum resident "
        "set, for Oxigraph before publishing; inferred = triples in the inferred graph after "
        "kb.reason.entailments's filter.",
        "",
        "| scale | engine | triples | load | infer | inferred | validate | results | checks | "
        "write | all queries | slowest query | full | publish | peak MB | wall |",
        "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(
                f"| {r['scale']} | {r['engine']} | | | | | | | | | | {r['error']} | | | | "
                f"{_f(r.get('wall'), 0)} |"
            )
            continue
        q = {k: v for k, v in r["queries"].items() if "median" in v}
        slow = max(q.items(), key=lambda kv: kv[1]["median"], default=(None, {"median": 0}))
        label = {"oxigraph": " (rules)", "rdflib": " (owlrl)"}.get(r["engine"], "")
        infer_time = f"{_f(r['infer'])}{label}" if "infer" in r else "-"
        validator = {"oxigraph": " (compiled)", "rdflib": " (pySHACL)"}.get(r["engine"], "")
        validate = f"{_f(r['validate'])}{validator}" if "validate" in r else "-"
        found = (
            f"{r['violations']} V / {r['warnings']} W" if r.get("violations") is not None else ""
        )
        publish = (
            f"{_f(r['publish'])} ({r['published_pages']} pages, peak {_f(r['peak_mb'], 0)} MB)"
            if "publish" in r
            else "-"
        )
        lines.append(
            f"| {r['scale']} | {r['engine']} | {r['triples']} | {_f(r['load'])} | {infer_time} | "
            f"{r.get('inferred', '')} | {validate} | {found} | {_f(r.get('checks')) or '-'} | "
            f"{_f(r.get('write')) or '-'} | {_f(sum(v['median'] for v in q.values()))} | "
            f"{slow[0]} {_f(slow[1]['median'])} | {_f(r.get('full')) or '-'} | {publish} | "
            f"{_f(r.get('build_peak_mb', r['peak_mb']), 0)} | {_f(r.get('wall'), 0)} |"
        )
    lines += ["", "## Every stored query (median seconds; ratio = Oxigraph / Virtuoso)", ""]
    names = sorted({n for r in results for n in r.get("queries", {})})
    cols = [r for r in results if r.get("queries")]
    virtuoso = {r["scale"]: r for r in cols if r["engine"] == "virtuoso"}
    ratio_cols = [r for r in cols if r["engine"] == "oxigraph" and r["scale"] in virtuoso]
    head = [f"{r['engine']} {r['scale']}" for r in cols]
    head += [f"ratio {r['scale']}" for r in ratio_cols]
    lines.append("| query | " + " | ".join(head) + " |")
    lines.append("|---|" + "---:|" * len(head))
    for name in names:
        cells = []
        for r in cols:
            v = r["queries"].get(name, {})
            cells.append(f"{v['median']:.3f}" if "median" in v else v.get("error", "")[:40])
        for r in ratio_cols:
            ox_q = r["queries"].get(name, {})
            vq = virtuoso[r["scale"]]["queries"].get(name, {})
            if "median" in ox_q and "median" in vq:
                ratio = ox_q["median"] / max(vq["median"], 0.001)
                cells.append(
                    f"{ratio:.2f}"
                    + (" **>1.5**" if ratio > 1.5 else "")
                    + (" (rows differ)" if ox_q.get("rows") != vq.get("rows") else "")
                )
            else:
                cells.append("")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--engines", nargs="+", default=["rdflib", "oxigraph", "virtuoso"])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--owlrl-limit", type=int, default=30_000, help="owlrl only up to this size")
    p.add_argument(
        "--output",
        type=Path,
        help="default bench/results.md; build/bench/results-partial.md with --only/--queries-only",
    )
    p.add_argument("--validate-limit", type=int, default=300_000, help="pyshacl up to this size")
    p.add_argument("--rdflib-limit", type=int, default=100_000, help="rdflib up to this size")
    p.add_argument(
        "--publish-limit",
        type=int,
        default=300_000,
        help="Oxigraph: kb publish up to this many triples (asserted + inferred)",
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="write results.md again from results.json (after changing the report's layout)",
    )
    p.add_argument("--only", nargs="+", metavar="QUERY", help="time only these stored queries")
    p.add_argument(
        "--queries-only",
        action="store_true",
        help="Oxigraph: load the store the last full run wrote (build/bench/out-N/kb.nq) "
        "instead of loading, inferring, validating and checking again; Virtuoso loads it as usual",
    )
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        # SIGTERM (the parent's timeout) unwinds, so a Virtuoso started here is stopped.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
        result = worker(
            args.worker,
            args.data,
            args.runs,
            args.owlrl_limit,
            args.validate_limit,
            args.only,
            args.queries_only,
            args.publish_limit,
        )
        print(json.dumps(result))
        return 0
    from kb.core.fileio import atomic_write

    if args.output is None:  # a partial run never overwrites the full results
        partial = args.only or args.queries_only
        args.output = REPO / ("build/bench/results-partial.md" if partial else "bench/results.md")

    def write(results: list[dict]) -> None:
        atomic_write(args.output, markdown(results, args.runs))
        atomic_write(args.output.with_suffix(".json"), json.dumps(results, indent=1))

    if args.report_only:
        results = json.loads(args.output.with_suffix(".json").read_text(encoding="utf-8"))
        atomic_write(args.output, markdown(results, args.runs))
        print(f"wrote {args.output}", file=sys.stderr)
        return 0

    run(
        args.scales,
        args.engines,
        args.runs,
        args.timeout,
        args.owlrl_limit,
        args.validate_limit,
        args.rdflib_limit,
        write,
        [
            *(["--only", *args.only] if args.only else []),
            *(["--queries-only"] if args.queries_only else []),
            "--publish-limit",  # the workers' own default published at any scale up to 3x10^5
            str(args.publish_limit),
        ],
    )
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
