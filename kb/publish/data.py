"""What the pages read: the store's graphs indexed once, with each asserted fact's sources.

Pages are rendered from plain rdflib graphs held here (the store is asked once for its named
graphs), so hundreds of pages cost one pass over the knowledge base, not one query each.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kb.core.namespaces import MC, SCHEMA
from kb.publish.skolem import skolem_iris
from kb.store import Store, to_ox

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, SCHEMA.name, MC.sectionLabel)
# Names for the terms of other vocabularies, which the store does not describe.
PROPERTY_NAMES = {
    SKOS.prefLabel: "name",
    SKOS.altLabel: "also known as",
    SKOS.notation: "code",
    SKOS.definition: "definition",
    SKOS.inScheme: "in code list",
    SKOS.exactMatch: "same as",
    SKOS.broader: "broader",
    SKOS.narrower: "narrower",
    SKOS.topConceptOf: "top concept of",
    RDFS.label: "label",
    RDFS.comment: "comment",
    RDFS.seeAlso: "see also",
    DCTERMS.title: "title",
    DCTERMS.description: "description",
    DCTERMS.isPartOf: "part of",
    DCTERMS.publisher: "publisher",
    DCTERMS.date: "date",
    DCTERMS.source: "source",
    DCTERMS.relation: "related to",
    DCTERMS.subject: "subject",
    FOAF.homepage: "website",
    SCHEMA.url: "website",
    SCHEMA.foundingDate: "founded",
    SCHEMA.startDate: "start date",
    SCHEMA.endDate: "end date",
    SCHEMA.address: "address",
    ORG.member: "member",
    ORG.organization: "organisation",
    ORG.role: "role",
    ORG.memberOf: "member of",
    ORG.hasMember: "has member",
    ORG.hasSite: "site",
    ORG.holds: "holds post",
    ORG.postIn: "post in",
    OWL.sameAs: "same as",
    PROV.wasDerivedFrom: "derived from",
}
# The RDF documents written beside each page (name, suffix, media type), in the order the
# pages list them and the hosting rules prefer them (kb.publish.conneg)
ALTERNATES = (
    ("Turtle", ".ttl", "text/turtle"),
    ("JSON-LD", ".jsonld", "application/ld+json"),
    ("N-Triples", ".nt", "application/n-triples"),
    ("RDF/XML", ".rdf", "application/rdf+xml"),
)
# Where the organisations' match lists live (kb.publish.partners; kb serve answers the same paths)
LIST_FOLDER = "id/match-list/"
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
LICENCE_NAME = "CC BY 4.0"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document section (or, failing that, the data file's graph)."""

    iri: URIRef
    label: str
    document: URIRef | None = None
    document_label: str | None = None


def stable_rows(triples: list, graph: str, names: dict[BNode, BNode]) -> list[tuple]:
    """One graph's triples sorted, each blank node renamed by a hash of its graph and of what
    it is tied to (kb.publish.skolem's colour refinement; `names` keeps the names given so
    far, so a blank node of an asserted graph keeps its name in the inferred graph, which is
    renamed last and only adds to it): a parser names blank nodes at random, and the site must
    be the same bytes on every publish of the same data (issue 12)."""
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        unnamed = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
        for node, iri in skolem_iris(unnamed, graph, "b").items():
            names.setdefault(BNode(node.value), BNode(iri))
        triples = [
            tuple(names.get(t, t) if isinstance(t, BNode) else t for t in triple)
            for triple in triples
        ]
    return sorted(triples, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


class _GraphOf(Graph):
    """One source graph of the site, read through the asserted facts and `graphs_of` rather
    than held as a copy (at 10^6 triples each copy of the knowledge base is a gigabyte)."""

    def __init__(self, data: SiteData, name: str) -> None:
        super().__init__(identifier=URIRef(name))
        self._asserted, self._graphs_of, self._name = data.asserted, data.graphs_of, name

    def triples(self, triple, context=None):  # type: ignore[override]
        graphs_of, name = self._graphs_of, self._name
        for t in self._asserted.triples(triple):
            if name in graphs_of.get(t, ()):
                yield t

    def __iter__(self):
        return self.triples((None, None, None))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, triple) -> bool:
        return next(iter(self.triples(triple)), None) is not None


class SiteData:
    """The knowledge base as the site sees it: asserted facts with sources, and the union
    with the inferred graph for navigation (inverse links, region containment).

    The store's graphs are read one at a time into two rdflib graphs, the asserted facts and
    the inferred ones (SimpleMemory: no per-graph bookkeeping, and it iterates in an order
    fixed by the order triples were added, sorted here, where rdflib's Memory store iterates a
    set: so the dumps need no sort of their own to be the same bytes every run); `union`
    reads both without a third copy, and each source graph is a view of the asserted facts
    through `graphs_of` (which graphs state a triple)."""

    def __init__(self, store: Store, base_iri: str, inferred_graph_iri: str | None = None):
        self.base = base_iri
        self.inferred_graph_iri = inferred_graph_iri or base_iri + "graph/inferred"
        self.asserted = Graph(store="SimpleMemory")
        self.inferred = Graph(store="SimpleMemory")
        # (s, p, o) -> the named graphs that assert it
        self.graphs_of: dict[tuple[Node, Node, Node], list[str]] = defaultdict(list)
        names: dict[BNode, BNode] = {}
        graph_names = store.graph_names()
        inferred_present = self.inferred_graph_iri in graph_names
        for name in [n for n in graph_names if n != self.inferred_graph_iri]:
            for triple in stable_rows(list(store.triples(name)), name, names):
                self.asserted.add(triple)
                self.graphs_of[triple].append(name)
        if inferred_present:
            rows = stable_rows(
                list(store.triples(self.inferred_graph_iri)), self.inferred_graph_iri, names
            )
            for triple in rows:
                self.inferred.add(triple)
        self.graphs: dict[str, Graph] = {
            n: self.inferred if n == self.inferred_graph_iri else _GraphOf(self, n)
            for n in graph_names
        }
        self.union = ReadOnlyGraphAggregate([self.asserted, self.inferred])
        self._labels: dict[Node, str] = {}
        # ontology term local name -> the anchor the ontology page gives it
        self.anchors: dict[str, str] = {}

    # --- naming ---------------------------------------------------------------------------

    def label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        if node in self._labels:
            return self._labels[node]
        text = None
        for prop in LABEL_PROPERTIES:
            values = list(self.union.objects(node, prop))
            if values:
                english = [v for v in values if isinstance(v, Literal) and v.language == "en"]
                plain = [v for v in values if isinstance(v, Literal) and not v.language]
                text = str(sorted(english or plain or values)[0])
                break
        if text is None and isinstance(node, URIRef):
            text = PROPERTY_NAMES.get(node) or self.statement_label(node)
        if text is None and isinstance(node, BNode) and (node, RDF.first, None) in self.union:
            text = " · ".join(self.label(i) for i in self.union.items(node))  # mc:sourceOrder
        if text is None:
            notation = self.union.value(node, SKOS.notation)
            text = str(notation) if notation is not None else humanise(local_name(node))
        self._labels[node] = text
        return text

    def statement_label(self, node: URIRef) -> str | None:
        """A readable name for the statement nodes the data leaves unlabelled (figures,
        participations, memberships, mapping cells, awards), built from what they link."""
        g = self.union

        def name(prop) -> str:
            value = g.value(node, prop)
            return self.label(value) if value is not None else "?"

        if (node, RDF.type, MC.Figure) in g:
            stated = g.value(node, MC.statedAs)
            # the qualifier and the unit belong to the number: "members more than 20", not
            # "members 20" (issue 17); "exact" and plain counts go without saying
            words = [name(MC.measure)]
            qualifier, unit = g.value(node, MC.qualifier), g.value(node, MC.unit)
            if qualifier is not None and not str(qualifier).endswith("/exact"):
                words.append(self.label(qualifier))
            words.append(str(g.value(node, MC.value)))
            if unit is not None and not str(unit).endswith("/count"):
                words.append(self.label(unit))
            text = f"{name(MC.figureOf)}: {' '.join(words)}"
            return text + (f" (“{stated}”)" if stated is not None else "")
        if (node, RDF.type, MC.Participation) in g:
            return f"{name(MC.participant)} in {name(MC.inProject)}"
        if (node, RDF.type, MC.EffraDomainMapping) in g:
            return f"{name(MC.mappedOrganisation)} × {name(MC.mappedDomain)}"
        if (node, RDF.type, MC.LabelAward) in g:
            return f"{name(MC.label)} awarded to {name(MC.awardedTo)}"
        if (node, ORG.member, None) in g and (node, ORG.organization, None) in g:
            return f"{name(ORG.member)}, member of {name(ORG.organization)}"
        if (node, RDF.type, MC.MonetaryAmount) in g:
            stated = g.value(node, MC.statedAs)
            return str(stated) if stated is not None else None
        return None

    def types(self, node: Node) -> list[URIRef]:
        """Asserted classes, most specific first as written (the inferred ones are noise)."""
        return sorted({t for t in self.asserted.objects(node, RDF.type) if isinstance(t, URIRef)})

    def is_a(self, node: Node, cls: URIRef) -> bool:
        return (node, RDF.type, cls) in self.union

    # --- provenance -----------------------------------------------------------------------

    def source(self, section: URIRef) -> Source:
        doc = self.union.value(section, DCTERMS.isPartOf)
        return Source(
            section,
            self.label(section),
            doc if isinstance(doc, URIRef) else None,
            self.label(doc) if isinstance(doc, URIRef) else None,
        )

    @cached_property
    def section_of_graph(self) -> dict[str, list[URIRef]]:
        out: dict[str, list[URIRef]] = {}
        for name, graph in self.graphs.items():
            sections = sorted(
                o for o in graph.objects(URIRef(name), PROV.wasDerivedFrom) if isinstance(o, URIRef)
            )
            out[name] = sections
        return out

    def sources_of(self, triple: tuple[Node, Node, Node]) -> list[Source]:
        """The sections a fact comes from, graph by graph: every named graph that states it
        cites the sections it is derived from (prov:wasDerivedFrom), as `fact-provenance`
        reads them; where that graph gives the subject an mc:section among those (a file
        drawn from several sections says which one a statement node comes from), that one.
        A fact two graphs state cites both; a graph without a source is cited as its data
        file. A node's mc:section is never lent to facts another graph states about it."""
        found: list[Source] = []
        for name in self.graphs_of.get(triple, []):
            sections = self.section_of_graph.get(name) or []
            if not sections:
                found.append(Source(URIRef(name), "data file " + name.removeprefix(self.base)))
                continue
            own = [s for s in self.graphs[name].objects(triple[0], MC.section) if s in sections]
            found.extend(self.source(s) for s in sorted(own) or sections)
        return list(dict.fromkeys(found))

    # --- which resources get pages ---------------------------------------------------------

    def is_local(self, node: Node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(self.base)

    @cached_property
    def resources(self) -> list[URIRef]:
        """Every IRI under the base that the asserted data uses: the ones it describes, and
        the ones it only points to (their page shows what points to them)."""
        used = {s for s in self.asserted.subjects() if self.is_local(s)}
        used |= {o for o in self.asserted.objects() if self.is_local(o)}
        return sorted(used)  # type: ignore[arg-type]

    @cached_property
    def described(self) -> list[URIRef]:
        """The IRIs under the base that the asserted data describes (VoID's entities)."""
        return sorted({s for s in self.asserted.subjects() if self.is_local(s)})  # type: ignore

    @cached_property
    def resource_set(self) -> set[URIRef]:
        return set(self.resources)


def resource_description(g: Graph, iri: URIRef, incoming: bool = False) -> Graph:
    """What `g` says about `iri`: its triples, and those of the blank nodes they reach (the
    cells of an rdf:List value such as an mc:sourceOrder list), so that the description ends
    in no dangling blank node; with `incoming`, the triples pointing to `iri` too. The static
    site's resource files (from the asserted facts) and `kb serve`'s documents (the union with
    the inferred graph, incoming links too) are both made by this function."""
    out = Graph()
    for triple in g.triples((iri, None, None)):
        out.add(triple)
    for node in [o for o in out.objects() if isinstance(o, BNode)]:
        add_blank_closure(g, node, out)
    if incoming:
        for triple in g.triples((None, None, iri)):
            out.add(triple)
    return out


def add_blank_closure(g: Graph, node: BNode, out: Graph) -> None:
    """Adds what `g` says about the blank node `node` and the blank nodes it reaches (an
    rdf:List's cells), so a resource's description does not end in a dangling blank node."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for s, p, o in g.triples((current, None, None)):
            out.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def local_name(node: Node) -> str:
    text = str(node)
    if isinstance(node, BNode):
        return "(blank node)"
    for sep in ("#", "/"):
        if sep in text.rstrip(sep):
            tail = text.rstrip(sep).rsplit(sep, 1)[-1]
            if tail:
                return tail
    return text


def humanise(name: str) -> str:
    """'foundingDate' -> 'founding date' (for terms nobody labelled)."""
    import re

    if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", name):
        return name
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: " " + m.group(1).lower(), name)


def page_path(iri: str, base: str) -> str:
    """The site path (without suffix) of a resource: its IRI minus the base, minus the
    fragment (ontology terms live on the ontology page). '' for the base itself."""
    rel = iri.removeprefix(base).split("#", 1)[0].rstrip("/")
    return rel or "index"


def relative_href(target: str, current: str) -> str:
    """A link from the page at site path `current` (a file path) to `target` (a file path)."""
    start = posixpath.dirname(current) or "."
    folder, name = posixpath.split(target)
    # posixpath.relpath asks the OS for the working directory on every call; pages link to
    # a few folders only, so the folder-to-folder step is computed once per pair
    step, inner = _folder_step(folder, start)
    if step is None or name in ("", ".", "..") or name == inner:
        return posixpath.relpath(target, start)
    return name if step == "." else step + "/" + name


@lru_cache(maxsize=4096)
def _folder_step(folder: str, start: str) -> tuple[str | None, str | None]:
    """The relative path from folder `start` to `folder`, and the part of `start` just
    inside `folder` (a target named so contains the start: relpath answers '.' or '..').
    (None, None) for paths with empty, '.' or '..' parts, left to posixpath.relpath."""
    folder_parts = folder.split("/") if folder else []
    start_parts = start.split("/") if start != "." else []
    if any(part in ("", ".", "..") for part in folder_parts + start_parts):
        return None, None
    depth = len(folder_parts)
    inside = len(start_parts) > depth and start_parts[:depth] == folder_parts
    return posixpath.relpath(folder or ".", start), start_parts[depth] if inside else None
