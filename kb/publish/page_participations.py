"""The participation tables of a page: a project's partners, an organisation's projects, each
row with its role, EC contribution and source."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Node

from kb.core.namespaces import EURIO, MC, SCHEMA
from kb.publish.page_facts import FactRows
from kb.publish.page_model import Linker, Table, Value, first


class ParticipationTables(FactRows):
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
        return sorted(out, key=lambda pp: (d.label(pp[0]).lower(), pp[0].n3(), pp[1].n3()))

    def project_participations(self, project: Node) -> list[Node]:
        d = self.data
        parts = set(d.union.objects(project, MC.hasParticipation)) | set(
            d.union.subjects(MC.inProject, project)
        )
        return sorted(
            parts,
            key=lambda p: (d.label(d.union.value(p, MC.participant) or p).lower(), p.n3()),
        )

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
