"""The tables of a page for memberships, label awards, EFFRA mapping cells and places (the NUTS
hierarchy, what is located in a region, its smart-specialisation priorities)."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import ORG

from kb.core.namespaces import MC
from kb.publish.page_facts import FactRows
from kb.publish.page_model import Linker, Table, Value


class TieTables(FactRows):
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


class PlaceTables(FactRows):
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
            key=lambda r: (d.label(r), r.n3()),
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
            key=lambda s: (d.label(s).lower(), s.n3()),
        )
        if agents:
            rows = [
                [self.value(a, link), Value(", ".join(d.label(t) for t in d.types(a)))]
                for a in agents
            ]
            tables.append(Table("Clusters and organisations located here", ["name", "type"], rows))
        for strategy in sorted(set(g.subjects(MC.strategyOf, iri)), key=str):
            prios = sorted(
                set(g.objects(strategy, MC.hasPriority)), key=lambda p: (d.label(p), p.n3())
            )
            rows = [[self.value(p, link, (strategy, MC.hasPriority, p))] for p in prios]
            tables.append(
                Table(f"Smart-specialisation priorities: {d.label(strategy)}", ["priority"], rows)
            )
        return tables
