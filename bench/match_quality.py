"""How well `kb match --team` finds a partner it was not shown (leave-one-out).

    python bench/match_quality.py                       # the seed knowledge base
    python bench/match_quality.py --generated 100000    # generated data (bench/generate.py
                                                        # --collaboration structured)

For each project with at least two known participants, and each participant h of it: hide the
project (the matcher answers as if it did not exist), ask for partners of a team made of the
project's other participants, and find h's rank among every eligible organisation. Reported:
recall@5, recall@10 and the mean reciprocal rank, against two baselines: a random order of the
eligible organisations (exact expectations), and the count of shared EFFRA domains with the
team (what the stored query partner-search-domains ranks by). Ties are ranked at their
expected position (the middle of the tie), for all three, so no method gains by tie order.
Results go to bench/match-quality.md (--write) and stdout.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rdflib import URIRef  # noqa: E402

from kb.build.knowledge_base import KnowledgeBase  # noqa: E402
from kb.core.config import load_config  # noqa: E402
from kb.matching import MatchRequest, matcher  # noqa: E402

ELIGIBLE = """
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?o WHERE {
  { ?o a org:FormalOrganization } UNION { ?o a org:Organization }
  FILTER NOT EXISTS { ?o a org:OrganizationalCollaboration }
}"""
PROJECTS = """
PREFIX mc: <https://w3id.org/mfg-clusters/ontology#>
SELECT DISTINCT ?project ?organisation WHERE {
  ?p mc:inProject ?project ; mc:participant ?organisation
}"""
DOMAINS = """
PREFIX mc: <https://w3id.org/mfg-clusters/ontology#>
SELECT ?organisation ?domain WHERE { ?organisation mc:effraDomain ?domain }"""


def expected_rank(scores: dict[URIRef, float], hidden: URIRef, candidates: set[URIRef]) -> float:
    """The hidden partner's expected rank when ties are broken at random."""
    mine = scores.get(hidden, 0.0)
    better = sum(1 for c in candidates if scores.get(c, 0.0) > mine + 1e-12)
    ties = sum(1 for c in candidates if abs(scores.get(c, 0.0) - mine) <= 1e-12)  # incl. hidden
    return better + (ties + 1) / 2


class Tally:
    def __init__(self) -> None:
        self.ranks: list[float] = []
        self.sizes: list[int] = []

    def add(self, rank: float, size: int) -> None:
        self.ranks.append(rank)
        self.sizes.append(size)

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r <= k) / len(self.ranks)

    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks) / len(self.ranks)


def random_expectations(sizes: list[int]) -> tuple[float, float, float]:
    """Exact recall@5, recall@10 and MRR of a uniformly random order of n candidates."""
    r5 = sum(min(5, n) / n for n in sizes) / len(sizes)
    r10 = sum(min(10, n) / n for n in sizes) / len(sizes)
    mrr = sum(sum(1 / i for i in range(1, n + 1)) / n for n in sizes) / len(sizes)
    return r5, r10, mrr


def evaluate(kb: KnowledgeBase, cases_limit: int | None, seed: int, progress: bool, weights=None):
    match = matcher(kb, weights)
    eligible = {r["o"] for r in kb.sparql(ELIGIBLE).dicts()}
    members: dict[URIRef, set[URIRef]] = defaultdict(set)
    for r in kb.sparql(PROJECTS).dicts():
        if r["organisation"] in eligible:
            members[r["project"]].add(r["organisation"])
    domains: dict[URIRef, set[URIRef]] = defaultdict(set)
    for r in kb.sparql(DOMAINS).dicts():
        domains[r["organisation"]].add(r["domain"])
    cases = [
        (project, hidden)
        for project, team in sorted(members.items())
        if len(team) >= 2
        for hidden in sorted(team)
    ]
    if cases_limit and len(cases) > cases_limit:
        cases = sorted(random.Random(seed).sample(cases, cases_limit))
    ours, counts = Tally(), Tally()
    started = time.perf_counter()
    for i, (project, hidden) in enumerate(cases, 1):
        team = tuple(sorted(members[project] - {hidden}))
        candidates = eligible - set(team)
        request = MatchRequest(
            team=team, limit=len(candidates), ignore_projects=frozenset({project})
        )
        result = match.match(request)
        scores = {s.candidate: s.score for s in result.suggestions}
        ours.add(expected_rank(scores, hidden, candidates), len(candidates))
        team_domains = [domains[m] for m in team]
        shared = {c: float(sum(len(domains[c] & d) for d in team_domains)) for c in candidates}
        counts.add(expected_rank(shared, hidden, candidates), len(candidates))
        if progress and (i % 25 == 0 or i == len(cases)):
            print(
                f"  {i}/{len(cases)} cases, {time.perf_counter() - started:.1f} s", file=sys.stderr
            )
    return ours, counts, len(cases), time.perf_counter() - started


def table(name: str, ours: Tally, counts: Tally, cases: int, seconds: float) -> str:
    r5, r10, mrr = random_expectations(ours.sizes)
    rows = [
        ("kb match --team", ours.recall(5), ours.recall(10), ours.mrr()),
        (
            "shared EFFRA domains (partner-search-domains)",
            counts.recall(5),
            counts.recall(10),
            counts.mrr(),
        ),
        ("random among eligible (expected)", r5, r10, mrr),
    ]
    lines = [
        f"### {name}",
        "",
        f"{cases} hidden partners; {min(ours.sizes)}-{max(ours.sizes)} eligible candidates per "
        f"case; {seconds:.1f} s for all cases "
        f"({1000 * seconds / cases:.0f} ms per `--team` answer).",
        "",
        "| method | recall@5 | recall@10 | MRR |",
        "|---|---|---|---|",
    ]
    lines += [f"| {m} | {a:.3f} | {b:.3f} | {c:.3f} |" for m, a, b, c in rows]
    best_base = max(counts.mrr(), mrr)
    lines += ["", f"MRR: {ours.mrr() / best_base:.1f}x the better baseline.", ""]
    return "\n".join(lines)


def generated_kb(triples: int, engine: str) -> KnowledgeBase:
    """A project holding the ontology and structured generated data, built in a temp folder."""
    from bench.generate import generate
    from tests.conftest import make_project

    root = make_project(Path(tempfile.mkdtemp(prefix="kb-match-")), {}, queries=REPO / "queries")
    out = root / "data" / "generated.ttl"
    with out.open("w", encoding="utf-8") as stream:
        generate(triples, stream, collaboration="structured")
    (root / "data" / "sources.ttl").write_text((REPO / "data" / "ttl" / "sources.ttl").read_text())
    return KnowledgeBase.open(load_config(root), engine=engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=int, metavar="TRIPLES", help="use generated data")
    parser.add_argument(
        "--cases", type=int, default=300, help="at most this many hidden partners (sampled)"
    )
    parser.add_argument("--engine", default="oxigraph", choices=("rdflib", "oxigraph"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--weights", type=Path, help="weights overriding queries/match/weights.toml"
    )
    args = parser.parse_args(argv)
    if args.generated:
        kb = generated_kb(args.generated, args.engine)
        name = f"Generated data, {args.generated:,} triples (structured collaboration)"
    else:
        kb = KnowledgeBase.open(load_config(REPO), engine=args.engine)
        name = "Seed knowledge base"
    ours, counts, cases, seconds = evaluate(kb, args.cases, args.seed, True, args.weights)
    print(table(name, ours, counts, cases, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
