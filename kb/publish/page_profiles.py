"""The blocks of an organisation's profiles that are no single fact of it, on its page in the
order the profile prints them: the ECCP profile's major players with their types, its success
story's event and workgroup figures; the SciTransfer profile's expertise areas with their rank
and project count. A profile is a source document whose dct:subject is the organisation; its
blocks come in the order of its mc:sourceOrder list."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS
from rdflib.term import Node

from kb.core.namespaces import MC, SCHEMA
from kb.publish.page_facts import FactRows
from kb.publish.page_model import Linker, Table, Value
from kb.publish.source_tables import source_order

RANK_PREFIX = "SciTransfer rank: "


class ProfileTables(FactRows):
    def profile_tables(self, iri: URIRef, link: Linker) -> list[Table]:
        d = self.data
        tables: list[Table] = []
        clusters = [iri] + sorted(d.union.objects(iri, MC.animates), key=str)
        documents = sorted(
            (s for s in d.union.subjects(DCTERMS.subject, iri) if d.is_a(s, MC.SourceDocument)),
            key=str,
        )
        sections: list[Node] = []
        for doc in documents:
            for lst in d.union.objects(doc, MC.sourceOrder):
                sections += list(d.union.items(lst))
        players = any((c, MC.majorPlayer, None) in d.union for c in clusters)
        if not documents and players:  # a cluster's own page: the players its profile names
            sections = sorted({s for c in clusters for s in self._player_sections(c)}, key=str)
        for section in sections:
            graphs = [d.graphs[n] for n, secs in d.section_of_graph.items() if section in secs]
            title = self._title(section)
            for make in (self.major_players, self.events, self.workgroups, self.expertise):
                table = make(iri, clusters, section, graphs, title, link)
                if table is not None:
                    tables.append(table)
        return tables

    def _player_sections(self, cluster: Node):
        for name, graph in self.data.graphs.items():
            if (cluster, MC.majorPlayer, None) in graph:
                yield from self.data.section_of_graph.get(name, [])

    def _title(self, section: Node) -> str:
        src = self.data.source(section)  # type: ignore[arg-type]
        return f"{src.document_label}, {src.label}" if src.document_label else src.label

    def major_players(self, iri, clusters, section, graphs: list[Graph], title, link: Linker):
        """The major players as listed, each with the type line printed after it (or none)."""
        d = self.data
        found = {(c, p) for g in graphs for c in clusters for p in g.objects(c, MC.majorPlayer)}
        if not found:
            return None
        cluster_of = {p: c for c, p in found}
        rows = []
        for player in source_order(d, [section], cluster_of):
            types = sorted(
                {t for g in graphs for t in g.objects(player, RDF.type) if t != ORG.Organization},
                key=str,
            )
            kind = [self.value(t, link, (player, RDF.type, t)) for t in types]
            rows.append(
                [
                    self.value(player, link, (cluster_of[player], MC.majorPlayer, player)),
                    kind[0] if len(kind) == 1 else Value(", ".join(v.text for v in kind)),
                    self.value(cluster_of[player], link),
                ]
            )
            if not types:
                rows[-1][1] = Value("no type printed", note="organisation")
        return Table(
            f"{title}: major players",
            ["organisation", "type (the line printed after it)", "cluster"],
            rows,
            note="In the order the profile lists them.",
            css="profile",
        )

    def events(self, iri, clusters, section, graphs: list[Graph], title, link: Linker):
        d = self.data
        events = sorted({e for g in graphs for e in g.subjects(RDF.type, MC.Event)}, key=str)
        if not events:
            return None
        rows = []
        for e in events:
            date = d.union.value(e, SCHEMA.startDate)
            place = d.union.value(e, MC.locatedIn)
            by = d.union.value(e, MC.organisedBy)
            stated = d.union.value(e, MC.statedAs)
            rows.append(
                [
                    self.value(e, link, (e, SKOS.prefLabel, d.union.value(e, SKOS.prefLabel))),
                    self.optional(date, link, (e, SCHEMA.startDate, date)),
                    self.optional(place, link, (e, MC.locatedIn, place)),
                    self.optional(by, link, (e, MC.organisedBy, by)),
                    Value(f"“{stated}”" if stated is not None else ""),
                ]
            )
        return Table(
            f"{title}: event",
            ["event", "date", "place", "organised by", "as stated"],
            rows,
            css="profile",
        )

    def workgroups(self, iri, clusters, section, graphs: list[Graph], title, link: Linker):
        """The working groups the organisation coordinates, as the section counts them."""
        d = self.data
        groups = sorted({w for g in graphs for w in g.subjects(MC.coordinator, iri)}, key=str)
        rows = []
        for w in groups:
            stated_here = (
                f for f in d.union.subjects(MC.figureOf, w) if (f, MC.section, section) in d.union
            )
            figures = source_order(d, [section], set(stated_here))
            for f in figures:
                since = d.union.value(f, MC.since)
                stated = d.union.value(f, MC.statedAs)
                rows.append(
                    [
                        self.value(w, link),
                        self.figure_value(f, link),
                        Value(str(since) if since is not None else ""),
                        Value(f"“{stated}”" if stated is not None else ""),
                    ]
                )
        if not rows:
            return None
        return Table(
            f"{title}: workgroups in figures",
            ["workgroup", "figure", "since", "as stated"],
            rows,
            css="profile",
        )

    def figure_value(self, f: Node, link: Linker) -> Value:
        """A figure as its measure, qualifier, value and unit, linked, with its source."""
        g = self.data.union
        words = [self.data.label(g.value(f, MC.measure))]
        qualifier, unit, value = g.value(f, MC.qualifier), g.value(f, MC.unit), g.value(f, MC.value)
        if qualifier is not None and not str(qualifier).endswith("/exact"):
            words.append(self.data.label(qualifier))
        words.append(str(value))
        if unit is not None and not str(unit).endswith("/count"):
            words.append(self.data.label(unit))
        flags = ", ".join(self.data.label(x) for x in g.objects(f, MC.flag))
        sources = self.source_links((f, MC.value, value), link)
        return Value(" ".join(words), link.href(f), flags, sources)

    def expertise(self, iri, clusters, section, graphs: list[Graph], title, link: Linker):
        """The profile's expertise areas in its order, with rank and project count."""
        d = self.data
        claims = {
            c
            for g in graphs
            for c in g.subjects(DCTERMS.subject, iri)
            if (c, MC.concerns, None) in g
        }
        if not claims:
            return None
        rows = []
        for c in source_order(d, [section], claims):
            area = d.union.value(c, MC.concerns)
            note = next((str(n) for n in d.union.objects(c, SKOS.note)), "")
            counts = sorted(d.union.subjects(MC.figureOf, c), key=str)
            projects = sorted(
                d.union.objects(c, DCTERMS.relation), key=lambda p: (d.label(p), p.n3())
            )
            flags = ", ".join(d.label(x) for x in d.union.objects(c, MC.flag))
            rank = Value(note.removeprefix(RANK_PREFIX), link.href(c), flags)
            rank.sources = self.source_links((c, SKOS.note, d.union.value(c, SKOS.note)), link)
            rows.append(
                [
                    self.value(area, link, (c, MC.concerns, area)),
                    rank,
                    self.figure_value(counts[0], link) if counts else Value(""),
                    Value(", ".join(d.label(p) for p in projects)),
                ]
            )
        return Table(
            f"{title}: expertise areas",
            ["area", "rank", "projects (as counted by the profile)", "projects named"],
            rows,
            note="In the order the profile prints them.",
            css="profile",
        )
