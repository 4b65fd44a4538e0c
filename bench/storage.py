"""The build on each storage: Oxigraph in memory and Oxigraph's on-disk store (issue 12).

    python bench/storage.py --triples 1000000 5000000 [--storage memory disk] [--queries]

For each size, bench/generate.py's data (plus the ontology and data/ttl/sources.ttl) is
written once into a project; then, for each storage, `kb build` runs in a process of its own
(load, infer, validate, checks, kb.nq written; should the data fail a check, the kb.nq dump
is timed alone, as `kb build` would not write it; with --queries, then every stored query once
on the build's store), so its peak resident memory is that build's
alone (os.wait4). Prints a Markdown table: seconds per stage, peak memory, the on-disk store's
size at the end of the build. The figures are written in bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# Run in the child: one build, its stage times and the store folder's size, as JSON.
CHILD = """
import json, sys, time
from pathlib import Path
from kb.build.pipeline import build, write_outputs
from kb.core.config import load_config
config = load_config(Path(sys.argv[1]), storage=sys.argv[2])
started = time.perf_counter()
result = build(config, progress=True)  # stage by stage on stderr: a long run shows where it is
t = time.perf_counter()
if result.conforms:
    write_outputs(result)
else:  # data that fails a check: time the kb.nq dump alone, as kb build would not write it
    config.build_dir.mkdir(parents=True, exist_ok=True)
    with open(config.build_dir / "kb.nq", "wb") as stream:
        result.engine.write_nquads(stream)
timings = dict(result.timings, write=time.perf_counter() - t)
total = time.perf_counter() - started  # the build: load to kb.nq
answers = {}
if sys.argv[3:] == ["queries"]:  # each stored query once, bound as bench/benchmark.py binds them
    from bench.benchmark import _time_queries
    t = time.perf_counter()
    answers = _time_queries(result.engine, config, 1, sys.argv[2])
    timings["queries"] = time.perf_counter() - t
checks = sorted(c.name for c in result.checks if not c.passed)
stores = list(config.build_dir.glob(".store-*"))
size = sum(f.stat().st_size for s in stores for f in s.rglob("*") if f.is_file())
print(json.dumps({"timings": timings, "total": total,
                  "triples": result.asserted + result.inferred, "store_bytes": size,
                  "conforms": result.conforms, "failed_checks": checks,
                  "violations": result.validation.count("Violation"), "queries": answers}))
"""


def project(triples: int) -> Path:
    from bench.generate import generate
    from tests.conftest import make_project

    root = make_project(Path(tempfile.mkdtemp(prefix="kb-storage-")), {}, queries=REPO / "queries")
    shutil.rmtree(root / "shapes")
    shutil.copytree(REPO / "shapes", root / "shapes")
    with (root / "data" / "generated.ttl").open("w", encoding="utf-8") as stream:
        generate(triples, stream)
    (root / "data" / "sources.ttl").write_text((REPO / "data" / "ttl" / "sources.ttl").read_text())
    return root


def measure(root: Path, storage: str, child: str = CHILD, *args: str) -> dict:
    """Run `child` (a build's Python program) on `root` in a process of its own; its JSON
    output with the peak resident memory, the process's CPU time and the wall time added."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", child, str(root), storage, *args],
        stdout=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )
    out = process.stdout.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the {storage} build failed (status {status})")
    figures = json.loads(out)
    figures["peak_mb"] = usage.ru_maxrss / 1024
    figures["cpu"] = usage.ru_utime + usage.ru_stime
    figures["wall"] = time.perf_counter() - started
    return figures


def _answered(figures: dict) -> str:
    """'12.3 s, 39/39 answered (slowest: name 4.1 s)', or '-' when the queries were not run."""
    answers = figures["queries"]
    if not answers:
        return "-"
    timed = {name: a["median"] for name, a in answers.items() if "median" in a}
    slowest = max(timed, key=timed.get, default=None)
    text = f"{figures['timings']['queries']:.1f} s, {len(timed)}/{len(answers)} answered"
    return text + (f" (slowest: {slowest} {timed[slowest]:.1f} s)" if slowest else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--storage", nargs="+", default=["memory", "disk"])
    parser.add_argument("--queries", action="store_true", help="then every stored query once")
    args = parser.parse_args(argv)
    print(
        "| generated | triples | storage | load | infer | validate | checks | write kb.nq "
        "| build total | peak MB | store on disk | violations / failed checks | stored queries |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for size in args.triples:
        root = project(size)
        try:
            for storage in args.storage:
                m = measure(root, storage, CHILD, *(["queries"] if args.queries else []))
                t = m["timings"]
                disk = f"{m['store_bytes'] / 2**20:,.0f} MB" if storage == "disk" else "-"
                print(
                    f"| {size:,} | {m['triples']:,} | {storage} | {t.get('load', 0):.1f} "
                    f"| {t.get('infer', 0):.1f} | {t.get('validate', 0):.1f} "
                    f"| {t.get('checks', 0):.1f} | {t['write']:.1f} | {m['total']:.1f} s "
                    f"| {m['peak_mb']:,.0f} | {disk} "
                    f"| {m['violations']} / {', '.join(m['failed_checks']) or '-'} "
                    f"| {_answered(m)} |",
                    flush=True,
                )
                shutil.rmtree(root / "build", ignore_errors=True)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
