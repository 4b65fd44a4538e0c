"""The build of two checkouts on the same data, runs alternated (issue 13: the package layout
must not make any stage slower by more than 5 %).

    python bench/before_after.py --before ../wt/before/main --after . --triples 100000 1000000

Each checkout needs its own .venv (the README's first command). For each size, the data of
bench/generate.py (plus the ontology and data/ttl/sources.ttl) is written once into one
project; then `kb build`'s stages run in a process of their own, before and after in turn,
--runs times each, so a load that comes and goes on the machine touches both alike. Per stage
the median wall time is printed, and the median CPU time of the whole process (user + system,
from os.wait4), which another job on the machine changes least; with --clock cpu the stages
too are timed in CPU seconds. The figures are written in bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.storage import project  # noqa: E402

# Run in the child with the checkout's own Python: both layouts' module names are tried.
CHILD = """
import json, sys, time
if sys.argv[2] == "cpu":  # every stage timed in CPU seconds of this process, not wall
    time.perf_counter = time.process_time
from pathlib import Path
try:
    from kb.build.pipeline import build, write_outputs
    from kb.core.config import load_config
except ImportError:  # the layout before issue 13
    from kb.build import build, write_outputs
    from kb.config import load_config
config = load_config(Path(sys.argv[1]), storage="memory")
started = time.perf_counter()
result = build(config)
t = time.perf_counter()
config.build_dir.mkdir(parents=True, exist_ok=True)
with open(config.build_dir / "kb.nq", "wb") as stream:
    result.engine.write_nquads(stream)
timings = dict(result.timings, write=time.perf_counter() - t)
print(json.dumps({"timings": timings, "total": time.perf_counter() - started}))
"""
STAGES = ("load", "infer", "validate", "checks", "write")


def measure(checkout: Path, root: Path, clock: str) -> dict:
    child = subprocess.Popen(
        [str(checkout / ".venv" / "bin" / "python"), "-c", CHILD, str(root), clock],
        stdout=subprocess.PIPE,
        cwd=checkout,
        env=os.environ | {"PYTHONPATH": str(checkout)},
    )
    out = child.stdout.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"the build of {checkout} failed (status {status})")
    figures = json.loads(out)
    figures["cpu"] = usage.ru_utime + usage.ru_stime
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="cpu: each stage in CPU seconds of the build's process (time.process_time), "
        "which another job on the machine changes least",
    )
    args = parser.parse_args(argv)
    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    print("| generated | checkout | " + " | ".join(STAGES) + " | build total | process CPU |")
    print("|---:|---|" + "---:|" * (len(STAGES) + 2))
    for size in args.triples:
        root = project(size)
        runs: dict[str, list[dict]] = {name: [] for name in sides}
        try:
            for run in range(args.runs):
                for name, checkout in sides.items():
                    started = time.perf_counter()
                    runs[name].append(measure(checkout, root, args.clock))
                    shutil.rmtree(root / "build", ignore_errors=True)
                    print(
                        f"  {size:,} {name} run {run + 1}: {time.perf_counter() - started:.1f} s",
                        file=sys.stderr,
                        flush=True,
                    )
        finally:
            shutil.rmtree(root, ignore_errors=True)
        for name, figures in runs.items():
            med = {s: statistics.median(f["timings"].get(s, 0.0) for f in figures) for s in STAGES}
            total = statistics.median(f["total"] for f in figures)
            cpu = statistics.median(f["cpu"] for f in figures)
            cells = " | ".join(f"{med[s]:.2f}" for s in STAGES)
            print(f"| {size:,} | {name} | {cells} | {total:.2f} | {cpu:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
