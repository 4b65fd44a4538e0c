"""An organisation's H2020 metrics as its profiles state them and as the knowledge base computes
them from the participations it holds, like with like.

SciTransfer states an organisation's Horizon 2020 metrics (projects, coordinator roles, total EC
funding, unique partners, partner countries). The same five are computed here in the same
scope: projects of Horizon 2020 (or a programme directly under it, skos:broader h2020)
in which the organisation has a participation. A stated figure is compared only when its scope
note says it counts Horizon 2020 (so a cluster's "projects" of every programme is not set
against SciTransfer's five). The stored query `stated-vs-computed-metrics` computes the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kb.core.namespaces import BASE, EURIO, MC, SCHEMA

CODE = BASE + "code/"
H2020 = URIRef(CODE + "funding-programme/h2020")
COORDINATOR = URIRef(CODE + "participation-role/coordinator")
APPROXIMATELY = URIRef(CODE + "qualifier/approximately")
# A stated amount "about" a value (SciTransfer rounds EC funding to thousands) agrees with a
# computed one within 1 %.
TOLERANCE = Decimal("0.01")

# measure notation -> (label, what the computed figure counts)
MEASURES: dict[str, tuple[str, str]] = {
    "projects": (
        "H2020 projects",
        "projects of Horizon 2020 (or a programme directly under it) in which the "
        "organisation has a participation in this knowledge base",
    ),
    "coordinator-roles": (
        "coordinator roles",
        "of those projects, the ones where a source gives the organisation the role coordinator",
    ),
    "ec-funding": (
        "total EC funding",
        "sum of the EC contributions this knowledge base holds for the organisation in those "
        "projects (an amount two sources state alike counted once)",
    ),
    "unique-partners": (
        "unique partners",
        "distinct other organisations with a participation in those projects",
    ),
    "countries": ("partner countries", "distinct countries (mc:country) of those partners"),
}


@dataclass
class Stated:
    figure: Node
    value: Decimal
    qualifier: Node | None


@dataclass
class Metric:
    measure: str
    label: str
    counts: str
    computed: Decimal
    basis: int  # projects behind the figure (those with an amount, for EC funding)
    stated: list[Stated] = field(default_factory=list)

    @property
    def agreement(self) -> str:
        """'agrees', 'differs' or 'not stated'."""
        if not self.stated:
            return "not stated"
        for s in self.stated:
            if s.qualifier == APPROXIMATELY and s.value:
                if abs(self.computed - s.value) > s.value * TOLERANCE:
                    return "differs"
            elif self.computed != s.value:
                return "differs"
        return "agrees"


def h2020_programmes(g: Graph) -> set[Node]:
    """Horizon 2020 and the programmes directly under it (as the stored query counts)."""
    return {H2020} | set(g.subjects(SKOS.broader, H2020))


def _number(node: Node | None) -> Decimal | None:
    try:
        return Decimal(str(node)) if node is not None else None
    except ArithmeticError:
        return None


def organisation_metrics(g: Graph, org: URIRef) -> list[Metric]:
    """The five metrics of `org` in `g` (asserted + inferred), computed and stated; empty when
    the organisation has neither H2020 participations nor stated H2020 figures."""
    programmes = h2020_programmes(g)

    def participations_of(o: Node) -> set[tuple[Node, Node]]:
        parts = set(g.subjects(MC.participant, o)) | set(g.objects(o, MC.participatesAs))
        return {
            (part, project)
            for part in parts
            for project in set(g.objects(part, MC.inProject))
            | set(g.subjects(MC.hasParticipation, part))
            if any(p in programmes for p in g.objects(project, MC.fundingProgramme))
        }

    # One participation node per source claim: projects are counted, not claims.
    own = participations_of(org)
    projects = {project for _, project in own}
    coordinator = {p for part, p in own if (part, MC.participationRole, COORDINATOR) in g}
    amounts: set[tuple[Node, Decimal]] = set()  # (project, amount): a repeated claim once
    for part, project in own:
        for amount in g.objects(part, MC.ecContribution):
            value = _number(g.value(amount, EURIO.value) or g.value(amount, SCHEMA.value))
            if value is not None:
                amounts.add((project, value))
    partners = set()
    for project in projects:
        parts = set(g.objects(project, MC.hasParticipation)) | set(
            g.subjects(MC.inProject, project)
        )
        for part in parts:
            partners |= {o for o in g.objects(part, MC.participant) if o != org}
    countries = {c for p in partners for c in g.objects(p, MC.country)}
    computed = {
        "projects": (Decimal(len(projects)), len(projects)),
        "coordinator-roles": (Decimal(len(coordinator)), len(projects)),
        "ec-funding": (sum((v for _, v in amounts), Decimal(0)), len({p for p, _ in amounts})),
        "unique-partners": (Decimal(len(partners)), len(projects)),
        "countries": (Decimal(len(countries)), len(projects)),
    }
    metrics = {m: Metric(m, label, counts, *computed[m]) for m, (label, counts) in MEASURES.items()}
    for fig in sorted(set(g.subjects(MC.figureOf, org)) | set(g.objects(org, MC.hasFigure))):
        measure = g.value(fig, MC.measure)
        name = str(measure).rsplit("/", 1)[-1] if measure is not None else ""
        notes = " ".join(str(n) for n in g.objects(fig, MC.scopeNote))
        value = _number(g.value(fig, MC.value))
        if name in metrics and value is not None and ("Horizon 2020" in notes or "H2020" in notes):
            metrics[name].stated.append(Stated(fig, value, g.value(fig, MC.qualifier)))
    if not own and not any(m.stated for m in metrics.values()):
        return []
    return list(metrics.values())
