"""A page's facts grouped the way a cluster profile reads, each value with its sources, and
what points to the resource ("Referenced by")."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kb.core.namespaces import MC, SCHEMA
from kb.publish.data import SiteData, local_name
from kb.publish.page_model import Linker, Row, Value

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
            MC.ecContribution,
        ],
    ),
    # An event's or a project's dates: an event's date is no funding fact (issue 17).
    ("When", [SCHEMA.startDate, SCHEMA.endDate]),
]
# Shown in their own tables instead (figures, participations, awards, mappings, a cluster's
# major players in the profile's order with their types: kb.publish.page_profiles).
TABLED = {
    MC.hasFigure,
    MC.hasParticipation,
    MC.participatesAs,
    MC.holdsLabel,
    MC.majorPlayer,
    RDF.type,
}


class FactRows:
    """Facts, value cells and source links (the helpers every table of a page uses)."""

    data: SiteData

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
        rest = sorted((p for p in by_prop if p not in shown), key=lambda p: (d.label(p), p.n3()))
        if rest:
            groups.append(("More facts", [self.row(iri, p, by_prop[p], link) for p in rest]))
        return groups

    def row(self, iri: URIRef, prop: Node, objects: list[Node], link: Linker) -> Row:
        values = [
            self.value(o, link, (iri, prop, o))
            for o in sorted(objects, key=lambda o: (self.data.label(o).lower(), o.n3()))
        ]
        return Row(self.data.label(prop), link.href(prop), values)

    def optional(self, node: Node | None, link: Linker, triple=None) -> Value:
        return self.value(node, link, triple) if node is not None else Value("")

    def source_cell(self, statement: Node, triple, link: Linker) -> Value:
        """The last cell of a statement row: a link to the statement and its sources."""
        return Value("", link.href(statement), sources=self.source_links(triple, link))

    def referenced_by(self, iri: URIRef, link: Linker) -> list[Row]:
        d = self.data
        by_prop: dict[Node, list[Node]] = defaultdict(list)
        for s, p in d.asserted.subject_predicates(iri):
            if isinstance(s, URIRef) and p not in (RDF.type, MC.section):
                by_prop[p].append(s)
        rows = []
        for p in sorted(by_prop, key=lambda p: (d.label(p), p.n3())):
            subjects = sorted(set(by_prop[p]), key=lambda s: (d.label(s).lower(), s.n3()))
            rows.append(
                Row(d.label(p), link.href(p), [self.value(s, link, (s, p, iri)) for s in subjects])
            )
        return rows
