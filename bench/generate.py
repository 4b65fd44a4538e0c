"""Deterministic synthetic knowledge base in the shape of the real one, at a chosen size.

    python bench/generate.py --triples 100000 --output build/bench/kb-1e5.ttl

Clusters (a cluster organisation animating a cluster, with members and EFFRA domains) sit in
NUTS-like regions (levels 0-2, linked by mc:withinRegion) that have S3 strategies and
priorities; projects have participations of cluster organisations and members. The same seed
and size always give the same file. Output is Turtle, one triple per line (N-Triples syntax),
so it loads with any parser and streams at millions of triples.

The data is modelled as docs/modelling.md and the seed data are, so that a build of the
ontology with this file conforms to the shapes and passes the integrity checks:

* one synthetic mc:SourceDocument (id/source/synthetic) and one mc:DocumentSection of it that
  every participation cites with mc:section;
* countries (mc:Country, id/country/XA, XB, ... then QM, QN, ...: ISO 3166 user-assigned codes,
  so they never collide with the real countries of data/ttl/reference/), each carrying NUTS
  level 0 (codes AA, AB, ...) as the real ones do; every organisation has the mc:country of
  its region;
* regions with mc:nutsVersion and skos:exactMatch to http://data.europa.eu/nuts/code/<code>
  (the codes are synthetic, but AL.. from 240,000 triples and AT.. from 400,000 name real
  NUTS regions, and so do their id/region/ IRIs);
* S3 strategies are the concept schemes of their priorities (English label, skos:inScheme,
  skos:topConceptOf, skos:notation); priorities have mc:s3PriorityArea and mc:s3pThematicArea
  concepts of the code lists in ontology/codelists/, as do EFFRA domains, funding programmes,
  funding schemes and participation roles;
* clusters have an English skos:prefLabel, projects a dct:title.

The ontology's code lists cite one section of the real sources (data/ttl/sources.ttl), so a
build of only this file reports that section as a dangling reference: load data/ttl/sources.ttl
with it (see bench/README.md).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.core.fileio import atomic_writer  # noqa: E402

BASE = "https://w3id.org/mfg-clusters/"
MC = BASE + "ontology#"
ID = BASE + "id/"
CODE = BASE + "code/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUTS = "http://data.europa.eu/nuts/code/"
SOURCE = ID + "source/synthetic"
SECTION = SOURCE + "/projects"
ROLES = ("coordinator", "partner", "third-party")
ORG_CLASSES = ("Company", "SME", "University", "ResearchOrganisation", "TechnologyCentre")
SCHEMES = ("IA", "RIA", "CSA")
PROGRAMMES = ("h2020", "fp7", "cosme")
# Concepts of ontology/codelists/s3-priority-area.ttl and s3p-im-area.ttl.
S3_PRIORITY_AREA = CODE + "s3-priority-area/advanced-manufacturing-systems"
S3P_AREAS = ("esm", "3d-printing", "production-monitoring", "smes-industry-40")


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

    def typed(self, s: str, p: str, lexical: str, datatype: str) -> None:
        self.stream.write(f'<{s}> <{p}> "{lexical}"^^<{datatype}> .\n')
        self.count += 1


def generate(target: int, stream, seed: int = 42, collaboration: str = "random") -> int:
    """Write at least `target` triples (stopping after the cluster that reaches it) to `stream`;
    return how many were written. `collaboration` is how project partners are drawn: "random"
    (from anyone; the benchmarks' data) or "structured" (who worked together before, who
    shares a domain, members of the coordinator's cluster: what the matchmaker's quality
    benchmark needs, as real consortia repeat and cluster)."""
    if collaboration not in ("random", "structured"):
        raise ValueError(f"collaboration must be 'random' or 'structured', not {collaboration!r}")
    rnd = random.Random(seed)
    web = _Collaborations(rnd)
    w = Writer(stream)
    _describe_source(w)
    # Regions: up to 30 countries x 6 level-1 x 5 level-2 (about the size of NUTS 0-2),
    # fewer for small targets so that regions stay a small share of the data. Each level-2
    # region is kept with its country, which its organisations get as mc:country.
    regions: list[tuple[str, str]] = []
    for c in range(max(2, min(30, target // 20000))):
        code = f"{chr(65 + c // 26)}{chr(65 + c % 26)}"
        # NUTS level 0 is the country itself (docs/modelling.md; the integrity check
        # country-region-duplicates): no id/region/<code> beside it
        country = _country(w, c)
        _nuts(w, country, code, 0)
        for i in range(1, 7):
            r1 = f"{ID}region/{code}{i}"
            _region(w, r1, f"{code}{i}", 1, country)
            for j in range(1, 6):
                r2 = f"{r1}{j}"
                _region(w, r2, f"{code}{i}{j}", 2, r1)
                regions.append((r2, country))
                _strategy(w, rnd, f"{code}{i}{j}", r2)
    organisations: list[str] = []
    n = 0
    while w.count < target:
        n += 1
        region, country = rnd.choice(regions)
        co = f"{ID}organisation/cluster-{n}"
        cluster = f"{ID}cluster/cluster-{n}"
        w.iri(co, RDF_TYPE, MC + "ClusterOrganisation")
        w.lit(co, SKOS + "prefLabel", f"Cluster organisation {n}")
        w.lit(co, MC + "acronym", f"CL{n}", None)
        w.iri(co, MC + "locatedIn", region)
        w.iri(co, MC + "country", country)
        w.iri(co, MC + "animates", cluster)
        w.iri(cluster, RDF_TYPE, MC + "Cluster")
        w.lit(cluster, SKOS + "prefLabel", f"Cluster {n}")
        domains = rnd.sample(range(1, 7), 2)
        for d in domains:
            w.iri(co, MC + "effraDomain", f"{CODE}effra-domain/D{d}")
        organisations.append(co)
        web.add_cluster(co, domains)
        for m in range(rnd.randint(3, 8)):
            member = f"{ID}organisation/member-{n}-{m}"
            w.iri(member, RDF_TYPE, MC + rnd.choice(ORG_CLASSES))
            w.lit(member, SKOS + "prefLabel", f"Member {n}-{m}")
            located, located_country = rnd.choice(regions) if m % 3 == 0 else (region, country)
            w.iri(member, MC + "locatedIn", located)
            w.iri(member, MC + "country", located_country)
            ms = f"{ID}membership/cluster-{n}/member-{n}-{m}"
            w.iri(ms, RDF_TYPE, ORG + "Membership")
            w.iri(ms, ORG + "member", member)
            w.iri(ms, ORG + "organization", co)
            w.iri(ms, MC + "section", SECTION)  # a membership is a statement: one source each
            organisations.append(member)
            web.members[co].append(member)
        if n % 2 == 0:  # a project with partners from anywhere
            project = f"{ID}project/project-{n}"
            w.iri(project, RDF_TYPE, MC + "Project")
            w.lit(project, MC + "acronym", f"PRJ{n}", None)
            w.lit(project, SKOS + "prefLabel", f"Project {n}")
            w.lit(project, DCT + "title", f"Synthetic project number {n}")
            w.iri(
                project,
                MC + "fundingProgramme",
                f"{CODE}funding-programme/{rnd.choice(PROGRAMMES)}",
            )
            w.iri(project, MC + "fundingScheme", f"{CODE}funding-scheme/{rnd.choice(SCHEMES)}")
            if collaboration == "structured":
                partners = web.consortium(co, organisations, 6)
            else:
                partners = {co, *rnd.sample(organisations, min(len(organisations), 5))}
            for i, partner in enumerate(sorted(partners)):
                part = f"{ID}participation/project-{n}/{partner.rsplit('/', 1)[-1]}"
                w.iri(part, RDF_TYPE, MC + "Participation")
                w.iri(part, MC + "inProject", project)
                w.iri(part, MC + "participant", partner)
                w.iri(
                    part, MC + "participationRole", f"{CODE}participation-role/{ROLES[min(i, 2)]}"
                )
                w.iri(part, MC + "section", SECTION)
    return w.count


class _Collaborations:
    """Who worked with whom so far, to draw consortia the way real ones form."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.partners: dict[str, set[str]] = {}
        self.members: dict[str, list[str]] = {}
        self.by_domain: dict[int, list[str]] = {}
        self.domains: dict[str, list[int]] = {}

    def add_cluster(self, co: str, domains: list[int]) -> None:
        self.members[co] = []
        for d in domains:
            self.by_domain.setdefault(d, []).append(co)
        self.domains[co] = domains

    def consortium(self, co: str, organisations: list[str], size: int) -> set[str]:
        """The coordinator's cluster organisation and partners drawn: 40% a past partner of
        someone already in, 25% a cluster sharing an EFFRA domain with the coordinator,
        15% a member of its own cluster, 20% anyone."""
        rnd, team = self.rnd, {co}
        for _ in range(size * 4):
            if len(team) >= size:
                break
            draw = rnd.random()
            known = sorted({p for m in team for p in self.partners.get(m, ())} - team)
            if draw < 0.40 and known:
                team.add(rnd.choice(known))
            elif draw < 0.65:
                same = [c for d in self.domains[co] for c in self.by_domain[d] if c not in team]
                if same:
                    team.add(rnd.choice(same))
            elif draw < 0.80 and self.members[co]:
                team.add(rnd.choice(self.members[co]))
            else:
                team.add(rnd.choice(organisations))
        for m in team:
            self.partners.setdefault(m, set()).update(team - {m})
        return team


def _describe_source(w: Writer) -> None:
    """The graph's own provenance, the synthetic document and the section statements cite."""
    w.iri("", RDF_TYPE, MC + "SourceGraph")
    w.iri("", PROV + "wasDerivedFrom", SOURCE)
    w.iri(SOURCE, RDF_TYPE, MC + "SourceDocument")
    w.lit(SOURCE, SKOS + "prefLabel", "Synthetic benchmark data")
    w.lit(SOURCE, DCT + "title", "Synthetic benchmark data written by bench/generate.py")
    w.iri(SECTION, RDF_TYPE, MC + "DocumentSection")
    w.iri(SECTION, DCT + "isPartOf", SOURCE)
    w.lit(SECTION, MC + "sectionLabel", "Projects and participations", None)
    w.lit(SECTION, SKOS + "prefLabel", "Projects and participations")


def _country(w: Writer, index: int) -> str:
    """A country with an ISO 3166 user-assigned code (XA-XZ, then QM-QZ): never a real one."""
    alpha2 = f"X{chr(65 + index)}" if index < 26 else f"Q{chr(ord('M') + index - 26)}"
    iri = f"{ID}country/{alpha2}"
    w.iri(iri, RDF_TYPE, MC + "Country")
    w.lit(iri, SKOS + "prefLabel", f"Country {alpha2}")
    w.lit(iri, MC + "isoAlpha2", alpha2, None)
    w.lit(iri, MC + "isoAlpha3", f"{alpha2}X", None)
    return iri


def _nuts(w: Writer, iri: str, code: str, level: int) -> None:
    """The NUTS code, level and version of a region or (level 0) a country."""
    w.lit(iri, MC + "nutsCode", code, None)
    w.typed(iri, MC + "nutsLevel", str(level), XSD + "integer")
    w.typed(iri, MC + "nutsVersion", "2021", XSD + "gYear")
    w.iri(iri, SKOS + "exactMatch", NUTS + code)


def _region(w: Writer, iri: str, code: str, level: int, parent: str) -> None:
    w.iri(iri, RDF_TYPE, MC + "Region")
    w.lit(iri, SKOS + "prefLabel", f"Region {code}")
    _nuts(w, iri, code, level)
    w.iri(iri, MC + "withinRegion", parent)  # a level-1 region is within its country


def _strategy(w: Writer, rnd: random.Random, code: str, region: str) -> None:
    """A region's strategy, the concept scheme of its three priorities."""
    strategy = f"{ID}s3-strategy/{code}"
    w.iri(strategy, RDF_TYPE, MC + "SmartSpecialisationStrategy")
    w.lit(strategy, SKOS + "prefLabel", f"Smart specialisation strategy of {code}")
    w.iri(strategy, MC + "strategyOf", region)
    for k in range(3):
        prio = f"{ID}s3-priority/{code}/p{k}"
        w.iri(prio, RDF_TYPE, MC + "S3Priority")
        w.iri(strategy, MC + "hasPriority", prio)
        w.iri(prio, SKOS + "inScheme", strategy)
        w.iri(prio, SKOS + "topConceptOf", strategy)
        w.lit(prio, SKOS + "notation", f"p{k}", None)
        w.lit(prio, SKOS + "prefLabel", f"Priority {k} of {code}")
        w.iri(prio, MC + "s3PriorityArea", S3_PRIORITY_AREA)
        # Drawn from 12 as the earlier areas a0..a11 were, so the random sequence (and with
        # it every cluster, member and project) stays the same.
        area = S3P_AREAS[rnd.randrange(12) % len(S3P_AREAS)]
        w.iri(prio, MC + "s3pThematicArea", f"{CODE}s3p-im-area/{area}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triples", type=int, required=True, help="approximate size (at least)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--output", type=Path, required=True)
    p.add_argument(
        "--collaboration",
        choices=("random", "structured"),
        default="random",
        help="how project partners are drawn (structured: for bench/match_quality.py)",
    )
    args = p.parse_args(argv)
    with atomic_writer(args.output) as stream:
        stream.write("# Synthetic data generated by bench/generate.py; not real clusters.\n")
        count = generate(args.triples, stream, args.seed, args.collaboration)
    print(f"wrote {count} triples to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
