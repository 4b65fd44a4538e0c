"""How long `kb match` takes on generated knowledge bases (bench/generate.py, structured).

    python bench/match_speed.py --triples 100000 1000000 [--engine oxigraph] [--repeat 5]

For each size: build the KB in a temporary project (load + infer, as `kb match` opens it),
then time, for the same sampled organisations, `--for ORG` and `--team A,B --fill 3` (a
project's first two participants), with their evidence, as the command computes them. Prints
a Markdown table of medians and maxima; the figures are written in bench/results.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.match_quality import PROJECTS, generated_kb  # noqa: E402
from kb.matching import MatchRequest, matcher  # noqa: E402


def measure(triples: int, engine: str, repeat: int) -> dict:
    started = time.perf_counter()
    kb = generated_kb(triples, engine)
    opened = time.perf_counter() - started
    members = defaultdict(list)
    for r in kb.sparql(PROJECTS).dicts():
        members[r["project"]].append(r["organisation"])
    projects = sorted(p for p, m in members.items() if len(m) >= 2)
    step = max(1, len(projects) // repeat)
    sample = projects[::step][:repeat]
    match = matcher(kb)
    times: dict[str, list[float]] = {"for": [], "fill": []}
    pools = []
    for project in sample:
        team = tuple(sorted(members[project])[:2])
        t = time.perf_counter()
        result = match.match(MatchRequest(organisation=team[0]))
        times["for"].append(time.perf_counter() - t)
        pools.append(result.pool_size)
        t = time.perf_counter()
        match.match(MatchRequest(team=team, fill=3, limit=3))
        times["fill"].append(time.perf_counter() - t)
    return {
        "triples": len(kb.store),
        "open": opened,
        "for": times["for"],
        "fill": times["fill"],
        "pool": statistics.median(pools),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100000])
    parser.add_argument("--engine", default="oxigraph", choices=("rdflib", "oxigraph"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        "| generated | triples (asserted + inferred) | engine | build (load + infer) | "
        "`--for` median / max | `--team A,B --fill 3` median / max | candidates with a signal |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|")
    for size in args.triples:
        m = measure(size, args.engine, args.repeat)
        print(
            f"| {size:,} | {m['triples']:,} | {args.engine} | {m['open']:.1f} s "
            f"| {statistics.median(m['for']):.2f} / {max(m['for']):.2f} s "
            f"| {statistics.median(m['fill']):.2f} / {max(m['fill']):.2f} s | {m['pool']:,.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
