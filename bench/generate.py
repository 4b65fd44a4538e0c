"""Deterministic synthetic knowledge base in the shape of the real one, at a chosen size.

    python bench/generate.py --triples 100000 --output build/bench/kb-1e5.ttl

Clusters (a cluster organisation animating a cluster, with members and EFFRA domains) sit in
NUTS-like regions (levels 0-2, linked by mc:withinRegion) that have S3 strategies and
priorities; projects have participations of cluster organisations and members. The same seed
and size always give the same file. Output is Turtle, one triple per line (N-Triples syntax),
so it loads with any parser and streams at millions of triples.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.fileio import atomic_writer  # noqa: E402

BASE = "https://w3id.org/mfg-clusters/"
MC = BASE + "ontology#"
ID = BASE + "id/"
CODE = BASE + "code/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
ROLES = ("coordinator", "partner", "third-party")
ORG_CLASSES = ("Company", "SME", "University", "ResearchOrganisation", "TechnologyCentre")
SCHEMES = ("IA", "RIA", "CSA")
PROGRAMMES = ("h2020", "fp7", "cosme")


class Writer:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.count = 0

    def iri(self, s: str, p: str, o: str) -> None:
        self.stream.write(f"<{s}> <{p}> <{o}> .\n")
        self.count += 1

    def lit(self, s: str, p: str, text: str, lang: str | None = "en") -> None:
        tag = f"@{lang}" if lang else ""
        self.stream.write(f'<{s}> <{p}> "{text}"{tag} .\n')
        self.count += 1


def generate(target: int, stream, seed: int = 42) -> int:
    rnd = random.Random(seed)
    w = Writer(stream)
    w.iri("", RDF_TYPE, MC + "SourceGraph")
    w.iri("", PROV + "wasDerivedFrom", ID + "source/synthetic")
    w.iri(ID + "source/synthetic", RDF_TYPE, MC + "SourceDocument")
    w.lit(ID + "source/synthetic", SKOS + "prefLabel", "Synthetic benchmark data")
    # Regions: up to 30 countries x 6 level-1 x 5 level-2 (about the size of NUTS 0-2),
    # fewer for small targets so that regions stay a small share of the data.
    regions: list[str] = []
    for c in range(max(2, min(30, target // 20000))):
        country = f"{chr(65 + c // 26)}{chr(65 + c % 26)}"
        r0 = f"{ID}region/{country}"
        _region(w, r0, country, 0, None)
        for i in range(1, 7):
            r1 = f"{r0}{i}"
            _region(w, r1, f"{country}{i}", 1, r0)
            for j in range(1, 6):
                r2 = f"{r1}{j}"
                _region(w, r2, f"{country}{i}{j}", 2, r1)
                regions.append(r2)
                strategy = f"{ID}s3-strategy/{country}{i}{j}"
                w.iri(strategy, RDF_TYPE, MC + "SmartSpecialisationStrategy")
                w.iri(strategy, MC + "strategyOf", r2)
                for k in range(3):
                    prio = f"{ID}s3-priority/{country}{i}{j}/p{k}"
                    w.iri(prio, RDF_TYPE, MC + "S3Priority")
                    w.iri(strategy, MC + "hasPriority", prio)
                    w.lit(prio, SKOS + "prefLabel", f"Priority {k} of {country}{i}{j}")
                    w.iri(
                        prio, MC + "s3PriorityArea", f"{CODE}s3-priority-area/a{rnd.randrange(12)}"
                    )
    organisations: list[str] = []
    n = 0
    while w.count < target:
        n += 1
        region = rnd.choice(regions)
        co = f"{ID}organisation/cluster-{n}"
        cluster = f"{ID}cluster/cluster-{n}"
        w.iri(co, RDF_TYPE, MC + "ClusterOrganisation")
        w.lit(co, SKOS + "prefLabel", f"Cluster organisation {n}")
        w.lit(co, MC + "acronym", f"CL{n}", None)
        w.iri(co, MC + "locatedIn", region)
        w.iri(co, MC + "animates", cluster)
        w.iri(cluster, RDF_TYPE, MC + "Cluster")
        for d in rnd.sample(range(1, 7), 2):
            w.iri(co, MC + "effraDomain", f"{CODE}effra-domain/D{d}")
        organisations.append(co)
        for m in range(rnd.randint(3, 8)):
            member = f"{ID}organisation/member-{n}-{m}"
            w.iri(member, RDF_TYPE, MC + rnd.choice(ORG_CLASSES))
            w.lit(member, SKOS + "prefLabel", f"Member {n}-{m}")
            w.iri(member, MC + "locatedIn", rnd.choice(regions) if m % 3 == 0 else region)
            ms = f"{ID}membership/cluster-{n}/member-{n}-{m}"
            w.iri(ms, RDF_TYPE, ORG + "Membership")
            w.iri(ms, ORG + "member", member)
            w.iri(ms, ORG + "organization", co)
            organisations.append(member)
        if n % 2 == 0:  # a project with partners from anywhere
            project = f"{ID}project/project-{n}"
            w.iri(project, RDF_TYPE, MC + "Project")
            w.lit(project, MC + "acronym", f"PRJ{n}", None)
            w.lit(project, SKOS + "prefLabel", f"Project {n}")
            w.iri(
                project,
                MC + "fundingProgramme",
                f"{CODE}funding-programme/{rnd.choice(PROGRAMMES)}",
            )
            w.iri(project, MC + "fundingScheme", f"{CODE}funding-scheme/{rnd.choice(SCHEMES)}")
            partners = {co, *rnd.sample(organisations, min(len(organisations), 5))}
            for i, partner in enumerate(sorted(partners)):
                part = f"{ID}participation/project-{n}/{partner.rsplit('/', 1)[-1]}"
                w.iri(part, RDF_TYPE, MC + "Participation")
                w.iri(part, MC + "inProject", project)
                w.iri(part, MC + "participant", partner)
                w.iri(
                    part, MC + "participationRole", f"{CODE}participation-role/{ROLES[min(i, 2)]}"
                )
    return w.count


def _region(w: Writer, iri: str, code: str, level: int, parent: str | None) -> None:
    w.iri(iri, RDF_TYPE, MC + "Region")
    w.lit(iri, SKOS + "prefLabel", f"Region {code}")
    w.lit(iri, MC + "nutsCode", code, None)
    w.stream.write(
        f'<{iri}> <{MC}nutsLevel> "{level}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    w.count += 1
    if parent:
        w.iri(iri, MC + "withinRegion", parent)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triples", type=int, required=True, help="approximate size (at least)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--output", type=Path, required=True)
    args = p.parse_args(argv)
    with atomic_writer(args.output) as stream:
        stream.write("# Synthetic data generated by bench/generate.py; not real clusters.\n")
        count = generate(args.triples, stream, args.seed)
    print(f"wrote {count} triples to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
