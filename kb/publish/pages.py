"""One HTML page per resource, written for people: facts grouped the way a cluster profile
reads, figures with their sources, participations, memberships, region hierarchy.

`render_resource(store, iri)` is the entry point the live server reuses; the site builder
uses `PageBuilder` directly so the knowledge base is indexed only once.
"""

from __future__ import annotations

import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import jinja2
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kb.core.errors import ParameterError
from kb.core.namespaces import BASE, EURIO, MC, SCHEMA
from kb.publish.data import LICENCE, LICENCE_NAME, SiteData, local_name, page_path, relative_href
from kb.publish.metrics import organisation_metrics
from kb.store import Store

# Facts are shown in these groups, in this order; anything else goes under "More facts".
GROUPS: list[tuple[str, list[URIRef]]] = [
    (
        "Identity",
        [
            SKOS.prefLabel,
            SKOS.altLabel,
            MC.acronym,
            RDFS.label,
            DCTERMS.title,
            SKOS.notation,
            MC.nutsCode,
            MC.nutsLevel,
            MC.isoAlpha2,
            MC.isoAlpha3,
            FOAF.homepage,
            SCHEMA.url,
            DCTERMS.created,
            SCHEMA.foundingDate,
            MC.since,
            MC.animates,
            MC.animatedBy,
            OWL.sameAs,
            SKOS.exactMatch,
        ],
    ),
    (
        "Where",
        [MC.locatedIn, MC.country, MC.withinRegion, DCTERMS.spatial, MC.governs, MC.strategyOf],
    ),
    (
        "Description",
        [
            DCTERMS.description,
            SKOS.definition,
            MC.summary,
            MC.objective,
            MC.strategicObjective,
            MC.operationalObjective,
            MC.mainThematic,
            MC.industry40Activity,
            MC.reasonToPartner,
            MC.common4MBackground,
            MC.businessNetworkConnection,
            RDFS.comment,
        ],
    ),
    (
        "Focus",
        [
            MC.effraDomain,
            MC.technologyField,
            MC.sectoralIndustry,
            MC.emergingIndustry,
            MC.s3PriorityArea,
            MC.s3pThematicArea,
            MC.vanguardPilotTheme,
            MC.partnershipTopic,
            MC.expertiseArea,
            MC.hasPriority,
        ],
    ),
    ("Services", [MC.providesService, MC.toolboxItem]),
    (
        "Cooperation",
        [
            MC.declaresCollaborationWith,
            MC.sharesBackgroundWith,
            MC.businessNetworkLink,
            MC.collaboratesWith,
            MC.coordinator,
            MC.internationalTargetCountry,
            MC.transnationalTargetCountry,
            MC.internationalActivity,
            MC.transnationalActivity,
            ORG.memberOf,
            ORG.hasMember,
        ],
    ),
    (
        "Funding",
        [
            MC.fundingProgramme,
            MC.fundingScheme,
            MC.callTopic,
            MC.projectReference,
            SCHEMA.startDate,
            SCHEMA.endDate,
            MC.ecContribution,
        ],
    ),
]
# Shown in their own tables instead (figures, participations, awards, mappings).
TABLED = {MC.hasFigure, MC.hasParticipation, MC.participatesAs, MC.holdsLabel, RDF.type}


@dataclass
class Value:
    text: str
    href: str | None = None
    note: str = ""
    sources: list[dict] = field(default_factory=list)


@dataclass
class Row:
    label: str
    href: str | None
    values: list[Value]


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Value]]
    note: str = ""
    css: str = ""


class Linker:
    """Turns IRIs into hrefs relative to the page being rendered."""

    def __init__(self, data: SiteData, current: str, suffix: str = ".html"):
        self.data = data
        self.current = current + (suffix or "")
        self.suffix = suffix

    def file(self, path: str) -> str:
        return path + self.suffix

    def href(self, node: Node) -> str | None:
        if not isinstance(node, URIRef):
            return None
        text = str(node)
        if self.data.is_local(node):
            base_path = page_path(text, self.data.base)
            fragment = ""
            if "#" in text:
                name = text.split("#", 1)[1]
                anchors = self.data.anchors
                if name in anchors or not anchors:
                    fragment = "#" + anchors.get(name, name)
            if base_path == "ontology" or node in self.data.resource_set:
                return relative_href(self.file(base_path), self.current) + fragment
            return None
        if text.startswith(("http://", "https://")):
            return text
        return None

    def to(self, path: str) -> str:
        """A link to a site page given by its path without suffix (e.g. 'views/heatmap')."""
        return relative_href(self.file(path), self.current)

    def raw(self, path: str) -> str:
        """A link to a file with its own suffix (dumps, .ttl alternates)."""
        return relative_href(path, self.current)


class PageBuilder:
    def __init__(self, data: SiteData, suffix: str = ".html"):
        self.data = data
        self.suffix = suffix
        self.env = environment()

    # --- small helpers ----------------------------------------------------------------------

    def value(self, node: Node, link: Linker, triple=None) -> Value:
        d = self.data
        if isinstance(node, Literal):
            note = ""
            if node.language:
                note = node.language
            elif node.datatype and node.datatype not in (XSD.string,):
                note = local_name(node.datatype)
            v = Value(str(node), None, note)
        else:
            v = Value(d.label(node), link.href(node))
        if triple is not None:
            v.sources = self.source_links(triple, link)
        return v

    def source_links(self, triple, link: Linker) -> list[dict]:
        out = []
        for src in self.data.sources_of(triple):
            text = src.label if not src.document_label else f"{src.document_label}, {src.label}"
            out.append({"text": text, "href": link.href(src.iri)})
        return out

    def facts(self, iri: URIRef, link: Linker) -> list[tuple[str, list[Row]]]:
        d = self.data
        by_prop: dict[Node, list[Node]] = defaultdict(list)
        for p, o in d.asserted.predicate_objects(iri):
            if p not in TABLED:
                by_prop[p].append(o)
        groups = []
        shown: set[Node] = set()
        for heading, props in GROUPS:
            rows = [self.row(iri, p, by_prop[p], link) for p in props if p in by_prop]
            shown.update(props)
            if rows:
                groups.append((heading, rows))
        rest = sorted((p for p in by_prop if p not in shown), key=lambda p: d.label(p))
        if rest:
            groups.append(("More facts", [self.row(iri, p, by_prop[p], link) for p in rest]))
        return groups

    def row(self, iri: URIRef, prop: Node, objects: list[Node], link: Linker) -> Row:
        values = [
            self.value(o, link, (iri, prop, o))
            for o in sorted(objects, key=lambda o: self.data.label(o).lower())
        ]
        return Row(self.data.label(prop), link.href(prop), values)

    # --- tables for statement nodes ---------------------------------------------------------

    def figures(self, iri: URIRef, link: Linker) -> Table | None:
        d = self.data
        figs = set(d.union.objects(iri, MC.hasFigure)) | set(d.union.subjects(MC.figureOf, iri))
        if not figs:
            return None
        rows = []
        for f in sorted(figs, key=lambda f: (d.label(d.union.value(f, MC.measure)), str(f))):
            g = d.union
            value = g.value(f, MC.value)
            unit = g.value(f, MC.unit)
            qual = g.value(f, MC.qualifier)
            year = g.value(f, MC.referenceYear) or g.value(f, MC.referenceDate)
            flags = ", ".join(d.label(x) for x in g.objects(f, MC.flag))
            amount = Value(
                f"{d.label(qual) + ' ' if qual is not None and str(qual).endswith('/exact') is False else ''}"  # noqa: E501
                f"{value if value is not None else ''} {d.label(unit) if unit is not None else ''}",
                link.href(f),
            )
            stated = g.value(f, MC.statedAs)
            rows.append(
                [
                    self.value(g.value(f, MC.measure), link)
                    if g.value(f, MC.measure)
                    else Value(""),
                    amount,
                    Value(str(year) if year is not None else ""),
                    Value(f"“{stated}”" if stated is not None else ""),
                    Value(
                        flags
                        + (
                            " (conflicts with another source)"
                            if (f, MC.conflictsWith, None) in g
                            else ""
                        ),
                    ),
                    Value("", sources=self.source_links((f, MC.value, value), link)),
                ]
            )
        return Table(
            "Figures stated by the sources",
            ["measure", "value", "year", "as stated", "flags", "source"],
            rows,
            css="figures",
        )

    def computed_figures(self, iri: URIRef, link: Linker) -> Table | None:
        """For an organisation: its H2020 metrics computed from the participations the KB
        holds, beside the ones its profiles state in the same scope (kb.publish.metrics)."""
        d = self.data
        metrics = organisation_metrics(d.union, iri)
        if not metrics:
            return None
        rows = []
        for m in metrics:
            amount = m.measure == "ec-funding"
            computed = f"{m.computed:,.0f} EUR" if amount else f"{m.computed:,.0f}"
            counts = m.counts + (
                f" ({m.basis} of them hold an amount)" if amount else f" ({m.basis} found)"
            )
            stated = Value("—")
            if m.stated:
                texts, sources = [], []
                for s in m.stated:
                    qualifier = d.label(s.qualifier) + " " if s.qualifier else ""
                    qualifier = "" if str(s.qualifier).endswith("/exact") else qualifier
                    texts.append(f"{qualifier}{s.value:,.0f}" + (" EUR" if amount else ""))
                    value = d.union.value(s.figure, MC.value)
                    sources += self.source_links((s.figure, MC.value, value), link)
                stated = Value(" / ".join(dict.fromkeys(texts)), link.href(m.stated[0].figure))
                stated.sources = sources
            flag = {"agrees": "agrees", "differs": "differs", "not stated": ""}[m.agreement]
            rows.append([Value(m.label), Value(computed), Value(counts), stated, Value(flag)])
        return Table(
            "H2020 metrics: computed here and stated by the sources",
            ["measure", "computed here", "what the computed figure counts", "stated", "agreement"],
            rows,
            note="Like with like: both count Horizon 2020 only. The knowledge base may hold "
            "only part of an organisation's projects and amounts, so a computed figure can be "
            "lower than the stated one; 'differs' flags where they disagree.",
            css="computed",
        )

    def participations_of(self, org: URIRef) -> list[tuple[Node, Node]]:
        d = self.data
        parts = set(d.union.subjects(MC.participant, org)) | set(
            d.union.objects(org, MC.participatesAs)
        )
        out = []
        for part in parts:
            for project in set(d.union.objects(part, MC.inProject)) | set(
                d.union.subjects(MC.hasParticipation, part)
            ):
                out.append((project, part))
        return sorted(out, key=lambda pp: d.label(pp[0]).lower())

    def project_participations(self, project: Node) -> list[Node]:
        d = self.data
        parts = set(d.union.objects(project, MC.hasParticipation)) | set(
            d.union.subjects(MC.inProject, project)
        )
        return sorted(parts, key=lambda p: d.label(d.union.value(p, MC.participant) or p).lower())

    def optional(self, node: Node | None, link: Linker, triple=None) -> Value:
        return self.value(node, link, triple) if node is not None else Value("")

    def source_cell(self, statement: Node, triple, link: Linker) -> Value:
        """The last cell of a statement row: a link to the statement and its sources."""
        return Value("", link.href(statement), sources=self.source_links(triple, link))

    def participation_table(self, iri: URIRef, link: Linker) -> Table | None:
        g = self.data.union
        columns = ["role", "EC contribution", "source"]
        if self.project_participations(iri):
            rows = []
            for part in self.project_participations(iri):
                org = g.value(part, MC.participant)
                role = g.value(part, MC.participationRole)
                country = g.value(org, MC.country) if org is not None else None
                cells = [self.optional(org, link)]
                cells.append(self.optional(role, link, (part, MC.participationRole, role)))
                cells.append(self.optional(country, link))
                rows.append(cells + self.participation_cells(part, org, link))
            columns.insert(1, "country")
            return Table("Partners", ["organisation", *columns], rows, css="participations")
        parts = self.participations_of(iri)
        if not parts:
            return None
        rows = []
        for project, part in parts:
            programme = g.value(project, MC.fundingProgramme)
            role = g.value(part, MC.participationRole)
            cells = [self.value(project, link), self.optional(programme, link)]
            cells.append(self.optional(role, link))
            rows.append(cells + self.participation_cells(part, iri, link))
        return Table("Projects", ["project", "programme", *columns], rows, css="participations")

    def participation_cells(self, part: Node, participant: Node, link: Linker) -> list[Value]:
        """The EC contribution and source cells every participation row ends with."""
        amount = self.data.union.value(part, MC.ecContribution)
        return [
            Value(self.amount_text(amount), link.href(amount)) if amount else Value(""),
            self.source_cell(part, (part, MC.participant, participant), link),
        ]

    def amount_text(self, amount: Node) -> str:
        g = self.data.union
        value = first(g, amount, (SCHEMA.value, EURIO.value, MC.value))
        currency = first(g, amount, (SCHEMA.currency, EURIO.currency, MC.unit))
        if value is None:
            return self.data.label(amount)
        try:
            shown = f"{float(value):,.2f}"
        except ValueError:
            shown = str(value)
        return f"{shown} {self.data.label(currency) if currency is not None else ''}".strip()

    def memberships(self, iri: URIRef, link: Linker) -> list[Table]:
        d = self.data
        g = d.union
        tables = []
        as_member = sorted(set(g.subjects(ORG.member, iri)), key=str)
        if as_member:
            rows = []
            for m in as_member:
                group = g.value(m, ORG.organization)
                role = g.value(m, ORG.role)
                since = g.value(m, MC.since)
                rows.append(
                    [
                        self.optional(group, link),
                        self.optional(role, link),
                        Value(str(since) if since is not None else ""),
                        self.source_cell(m, (m, ORG.member, iri), link),
                    ]
                )
            tables.append(Table("Memberships", ["partnership", "role", "since", "source"], rows))
        members = sorted(set(g.subjects(ORG.organization, iri)), key=str)
        if members:
            rows = []
            for m in members:
                member = g.value(m, ORG.member)
                role = g.value(m, ORG.role)
                country = g.value(member, MC.country) if member is not None else None
                rows.append(
                    [
                        self.optional(member, link),
                        self.optional(role, link),
                        self.optional(country, link),
                        self.source_cell(m, (m, ORG.organization, iri), link),
                    ]
                )
            tables.append(Table("Members", ["member", "role", "country", "source"], rows))
        return tables

    def awards(self, iri: URIRef, link: Linker) -> Table | None:
        g = self.data.union
        awards = set(g.objects(iri, MC.holdsLabel)) | set(g.subjects(MC.awardedTo, iri))
        if not awards:
            return None
        rows = []
        for a in sorted(awards, key=str):
            label = g.value(a, MC.label)
            by = g.value(a, MC.awardedBy)
            since = g.value(a, MC.since)
            rows.append(
                [
                    self.value(label, link) if label is not None else Value(self.data.label(a)),
                    self.optional(by, link),
                    Value(str(since) if since is not None else ""),
                    self.source_cell(a, (a, MC.label, label), link),
                ]
            )
        return Table("Cluster labels", ["label", "awarded by", "since", "source"], rows)

    def effra(self, iri: URIRef, link: Linker) -> Table | None:
        g = self.data.union
        cells = sorted(set(g.subjects(MC.mappedOrganisation, iri)), key=str)
        if not cells:
            return None
        rows = []
        for c in cells:
            domain = g.value(c, MC.mappedDomain)
            reading = g.value(c, MC.markReading)
            mark = g.value(c, MC.sourceMark)
            rows.append(
                [
                    self.optional(domain, link),
                    Value(str(mark) if mark is not None else ""),
                    self.optional(reading, link),
                    self.source_cell(c, (c, MC.mappedDomain, domain), link),
                ]
            )
        return Table(
            "EFFRA domain mapping", ["domain", "mark as printed", "reading", "source"], rows
        )

    def region(self, iri: URIRef, link: Linker) -> list[Table]:
        d = self.data
        g = d.union
        if not d.is_a(iri, MC.Region):
            return []
        tables = []
        chain = [iri]
        seen = {iri}
        while True:  # the direct parents: asserted withinRegion (inferred is transitive)
            parents = [p for p in d.asserted.objects(chain[-1], MC.withinRegion) if p not in seen]
            if not parents:
                break
            chain.append(sorted(parents, key=str)[0])
            seen.add(chain[-1])
        children = sorted(
            set(d.asserted.subjects(MC.withinRegion, iri))
            | set(d.asserted.objects(iri, MC.containsRegion)),
            key=lambda r: d.label(r),
        )
        rows = [
            [
                self.value(r, link),
                Value(str(g.value(r, MC.nutsCode) or "")),
                Value(str(g.value(r, MC.nutsLevel) or "")),
            ]
            for r in reversed(chain)
        ]
        rows += [
            [
                self.value(r, link),
                Value(str(g.value(r, MC.nutsCode) or "")),
                Value(str(g.value(r, MC.nutsLevel) or "") + " (contained)"),
            ]
            for r in children
        ]
        tables.append(
            Table("NUTS hierarchy", ["region", "NUTS code", "level"], rows, css="hierarchy")
        )
        agents = sorted(
            {s for s in g.subjects(MC.locatedIn, iri) if not d.is_a(s, MC.Region)},
            key=lambda s: d.label(s).lower(),
        )
        if agents:
            rows = [
                [self.value(a, link), Value(", ".join(d.label(t) for t in d.types(a)))]
                for a in agents
            ]
            tables.append(Table("Clusters and organisations located here", ["name", "type"], rows))
        for strategy in sorted(set(g.subjects(MC.strategyOf, iri)), key=str):
            prios = sorted(set(g.objects(strategy, MC.hasPriority)), key=lambda p: d.label(p))
            rows = [[self.value(p, link, (strategy, MC.hasPriority, p))] for p in prios]
            tables.append(
                Table(f"Smart-specialisation priorities: {d.label(strategy)}", ["priority"], rows)
            )
        return tables

    def referenced_by(self, iri: URIRef, link: Linker) -> list[Row]:
        d = self.data
        by_prop: dict[Node, list[Node]] = defaultdict(list)
        for s, p in d.asserted.subject_predicates(iri):
            if isinstance(s, URIRef) and p not in (RDF.type, MC.section):
                by_prop[p].append(s)
        rows = []
        for p in sorted(by_prop, key=lambda p: d.label(p)):
            subjects = sorted(set(by_prop[p]), key=lambda s: d.label(s).lower())
            rows.append(
                Row(d.label(p), link.href(p), [self.value(s, link, (s, p, iri)) for s in subjects])
            )
        return rows

    # --- the page ----------------------------------------------------------------------------

    def context(self, iri: URIRef) -> dict:
        d = self.data
        path = page_path(str(iri), d.base)
        link = Linker(d, path, self.suffix)
        tables: list[Table] = []
        for t in (
            self.computed_figures(iri, link),
            self.figures(iri, link),
            self.participation_table(iri, link),
            self.awards(iri, link),
            self.effra(iri, link),
        ):
            if t is not None:
                tables.append(t)
        tables += self.memberships(iri, link)
        tables += self.region(iri, link)
        types = d.types(iri)
        return {
            "title": d.label(iri),
            "iri": str(iri),
            "types": [Value(d.label(t), link.href(t)) for t in types],
            "groups": self.facts(iri, link),
            "tables": tables,
            "referenced_by": self.referenced_by(iri, link),
            "alternates": [
                (fmt, link.raw(path + ext), media)
                for fmt, ext, media in (
                    ("Turtle", ".ttl", "text/turtle"),
                    ("JSON-LD", ".jsonld", "application/ld+json"),
                    ("N-Triples", ".nt", "application/n-triples"),
                )
            ],
            "kind": kind_of(d, iri),
            "partners": None,
        }

    def render(self, iri: URIRef, partners=None) -> str:
        """The page of `iri`; `partners`: its "Suggested partners" section (kb publish
        computes it, kb.publish.partners.Section), or None for no such section."""
        context = self.context(iri)
        context["partners"] = partners
        path = page_path(str(iri), self.data.base)
        return self.render_template("resource.html", path, **context)

    def render_template(self, template: str, path: str, **context) -> str:
        link = Linker(self.data, path, self.suffix)
        return self.env.get_template(template).render(
            link=link, licence=str(LICENCE), licence_name=LICENCE_NAME, nav=NAV, **context
        )


NAV = [
    ("Home", "index"),
    ("Clusters", "class/Cluster"),
    ("Organisations", "class/ClusterOrganisation"),
    ("Regions", "class/Region"),
    ("Projects", "class/Project"),
    ("Views", "views/index"),
    ("Code lists", "code/index"),
    ("Ontology", "ontology"),
    ("Query", "query"),
    ("Downloads", "dataset"),
]


def first(g, subject: Node, properties) -> Node | None:
    for prop in properties:
        found = g.value(subject, prop)
        if found is not None:
            return found
    return None


def kind_of(d: SiteData, iri: URIRef) -> str:
    for cls, name in (
        (MC.Cluster, "cluster"),
        (MC.ClusterOrganisation, "cluster-organisation"),
        (MC.Region, "region"),
        (MC.Project, "project"),
        (ORG.Organization, "organisation"),
        (SKOS.Concept, "concept"),
    ):
        if d.is_a(iri, cls):
            return name
    return "resource"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kb", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def resource_renderer(
    store: Store, *, base_iri: str = BASE, link_suffix: str = ".html"
) -> PageBuilder:
    """The page builder for `store`, built once per store (indexing the KB is the slow part;
    the live server calls this at start so its first page is as quick as the others)."""
    key = (base_iri, link_suffix, len(store))
    cached = _CACHE.get(store)
    if cached is None or cached[0] != key:
        cached = (key, PageBuilder(SiteData(store, base_iri), link_suffix))
        _CACHE[store] = cached
    return cached[1]


def render_resource(
    store: Store, iri: str, *, base_iri: str = BASE, link_suffix: str = ".html"
) -> str:
    """The HTML page of one resource of `store`. Links between pages are relative and end in
    `link_suffix` ('.html' for the static site; '' when pages are served at their IRI paths).
    Raises ParameterError when the store does not describe `iri`."""
    builder = resource_renderer(store, base_iri=base_iri, link_suffix=link_suffix)
    node = URIRef(iri)
    if node not in builder.data.resource_set:
        raise ParameterError("iri", f"{iri} is not described by the knowledge base")
    return builder.render(node)


@dataclass
class ClassIndex:
    cls: URIRef
    label: str
    members: list[URIRef]


def class_counts(d: SiteData) -> Counter:
    counts: Counter = Counter()
    for s in d.resources:
        for t in d.types(s):
            counts[t] += 1
    return counts


__all__ = ["render_resource", "resource_renderer", "PageBuilder", "Linker", "Table", "Value", "Row"]
