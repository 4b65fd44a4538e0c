"""Suggested partners on the published organisation pages, and each organisation's match list
as a resource of the site (HTML, Turtle, JSON-LD, N-Triples, RDF/XML).

The matchmaker (kb.matching) runs once per organisation, `kb match --for ORG --limit N`, on
one store for the whole publish; the match list is its RDF output (kb.matching.render) with
hash IRIs under `id/match-list/...` so that every suggestion, signal score and evidence
statement is a resource with an anchor on the list's page.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kb.core.config import Config
from kb.core.namespaces import MC
from kb.matching import MatchRequest, MatchResult
from kb.matching.rank import COLLABORATION, ORGANISATIONS, Matcher
from kb.matching.render import evidence_key, to_graph
from kb.matching.signals import SignalReader
from kb.matching.weights import SIGNALS, load_weights
from kb.publish.data import ALTERNATES, LIST_FOLDER, SiteData, page_path
from kb.publish.pages import Linker, Value
from kb.sparql.results import _short
from kb.store import OxigraphStore, Store

# The page that says how the lists are computed, and where the matcher's files are copied.
HOW_PATH = "partners"
WEIGHTS_PATH = "queries/match/weights.toml"
SHAPES_PATH = "queries/match/match-list.shapes.ttl"
REASONS = 3  # signals shown per suggestion on the organisation page
FACTS = 4  # facts shown per signal there (the list's page has them all)
SIGNAL_NAMES = {
    "effra-shared": (
        "shared EFFRA domains",
        "share of the organisation's EFFRA domains the "
        "partner also covers (an uncertain mark counts {uncertain})",
    ),
    "effra-complementary": (
        "EFFRA domains it lacks",
        "share of the EFFRA domains the organisation lacks that the partner covers",
    ),
    "s3-shared": (
        "shared S3 priority areas",
        "share of the organisation's S3 priority areas (its own or its regions') the partner has",
    ),
    "topics-shared": (
        "shared topics",
        "share of its technology fields, industries, expertise "
        "areas and Vanguard pilot themes shared",
    ),
    "networks-shared": (
        "shared networks",
        "share of its networks, partnerships and clusters the partner is a member of",
    ),
    "letters-shared": (
        "letters of support",
        "share of the letters of support naming it that name the partner",
    ),
    "coparticipation": ("projects together", "1 - 0.5^n for n projects taken part in together"),
    "two-hop": (
        "partners of partners",
        "1 - 0.5^m for m partners of its partners (only without a direct tie)",
    ),
    "experience": (
        "programme experience",
        "log(1 + projects + coordinator roles), scaled by the most experienced candidate",
    ),
}


@dataclass
class Fact:
    """A fact behind a signal: a short name linked to the page stating the fact, the
    matcher's sentence about it, and its source section."""

    text: str
    href: str | None
    note: str
    sources: list[dict]


@dataclass
class Reason:
    """One signal of a suggestion: its points and the facts behind it, linked."""

    name: str
    signal: str
    points: str
    facts: list[Fact]
    more: int = 0


@dataclass
class Partner:
    rank: int
    anchor: str  # on the match list's page
    partner: Value
    score: str
    reasons: list[Reason]


@dataclass
class Section:
    """What an organisation page's "Suggested partners" section shows."""

    seeker: str
    command: str
    partners: list[Partner]
    list_href: str
    alternates: list[tuple[str, str, str]]
    how_href: str
    pool: int


@dataclass
class Evidence:
    anchor: str
    signal: str
    fact: Fact


@dataclass
class ListEntry:
    """One suggestion on the match list's page: everything the RDF holds."""

    partner: Partner
    signals: list[tuple[str, str, str, str]]  # (anchor, signal, name, points)
    evidence: list[Evidence]


class CachingReader(SignalReader):
    """The matcher's reader for a publish: the store does not change while the site is
    written, and the organisations of one knowledge base ask the same questions (who covers
    D2, the S3 areas and participations of the same candidates), so each query's rows are
    kept per bound term and asked once. Rows come back grouped by term in term order, each
    term's rows sorted, so the answer does not depend on the engine's row order either.
    Memory: at most the rows of every term asked (the features, participations and facts
    of the organisations the lists mention), kept until the publish ends."""

    def __init__(self, store: Store, queries_dir) -> None:
        super().__init__(store, queries_dir)
        self._cache: dict[tuple[str, str], dict[Node, list[dict]]] = {}
        self._domains: list[URIRef] | None = None

    def _rows(self, name: str, variable: str, terms) -> list[dict]:
        known = self._cache.setdefault((name, variable), {})
        wanted = sorted(set(terms))
        missing = [t for t in wanted if t not in known]
        if missing:
            fresh: dict[Node, list[dict]] = {t: [] for t in missing}
            for row in super()._rows(name, variable, missing):
                fresh[row[variable]].append(row)
            for term, rows in fresh.items():
                known[term] = sorted(rows, key=_row_key)
        return [row for t in wanted for row in known[t]]

    def effra_domains(self) -> list[URIRef]:
        if self._domains is None:
            self._domains = super().effra_domains()
        return list(self._domains)


def _row_key(row: dict) -> tuple:
    return tuple((k, "" if v is None else v.n3()) for k, v in sorted(row.items()))


@dataclass
class PartnerLists:
    d: SiteData
    config: Config
    store: Store
    limit: int
    created: datetime.datetime
    seconds: float = 0.0
    lists: list[tuple[URIRef, str, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        folder = self.config.queries_dir
        self.weights = load_weights(folder / "match" / "weights.toml")
        self.matcher = Matcher(CachingReader(self.store, folder), self.weights)
        self.prefixes = dict(self.config.prefixes)

    # --- who gets a list ----------------------------------------------------------------

    def seekers(self) -> set[URIRef]:
        """The organisations with a page that can be partners (`kb match` leaves out
        clusters, partnerships and networks: they are what partners are members of)."""
        d = self.d
        found: set[URIRef] = set()
        for cls in sorted(ORGANISATIONS):
            found.update(s for s in d.union.subjects(RDF.type, URIRef(cls)) if s in d.resource_set)
        return {s for s in found if not d.is_a(s, URIRef(COLLABORATION))}

    def list_iri(self, org: URIRef) -> str:
        rel = page_path(str(org), self.d.base).removeprefix("id/")
        return self.d.base + LIST_FOLDER + rel

    # --- the answer ---------------------------------------------------------------------

    def match(self, org: URIRef) -> MatchResult:
        return self.matcher.match(MatchRequest(organisation=org, limit=self.limit))

    def graph(self, result: MatchResult, org: URIRef) -> Graph:
        iri = self.list_iri(org)
        g = to_graph(result, self.prefixes, iri, self.created)
        g.add((URIRef(iri), RDFS.label, Literal(self.title(org), lang="en")))
        return g

    def title(self, org: URIRef) -> str:
        return f"Suggested partners for {self.d.label(org)}"

    # --- pages --------------------------------------------------------------------------

    def short(self, node: Node) -> str:
        g = self.d.union
        for prop in (SKOS.notation, MC.acronym):
            value = g.value(node, prop)
            if value is not None:
                return str(value)
        return self.d.label(node)

    def page_href(self, node: Node, link: Linker) -> str | None:
        """A link to the site page of `node`, or None when the site has none."""
        if isinstance(node, URIRef) and self.d.is_local(node) and node in self.d.resource_set:
            return link.href(node)
        return None

    def fact(self, e, candidate: URIRef, link: Linker) -> Fact:
        """(what the fact is about, shortly, the fact linked): the page of the statement
        node that states it (a participation, membership, priority), or, for a fact stated
        on the partner itself, the page of what it names; its source section beside it."""
        g = self.d.union
        if e.subject == candidate:
            thing = e.object
        elif e.object == candidate:  # a participation or letter naming the partner
            thing = g.value(e.subject, MC.inProject) or e.subject
        else:
            thing = e.object
        href = None
        if e.subject != candidate:
            href = self.page_href(e.subject, link)
        href = href or self.page_href(thing, link)
        sources = []
        if e.section is not None:
            sources.append(
                {"text": self.d.label(e.section), "href": self.page_href(e.section, link)}
            )
        return Fact(self.short(thing), href, e.note, sources)

    def partner(self, rank: int, s, link: Linker, list_href: str) -> Partner:
        reasons = []
        evidence = sorted(s.evidence, key=evidence_key)
        for signal, points in sorted(s.signals.items(), key=lambda kv: (-kv[1], kv[0]))[:REASONS]:
            facts: dict[str, Fact] = {}
            for e in evidence:
                if e.signal == signal:
                    fact = self.fact(e, s.candidate, link)
                    facts.setdefault(fact.text, fact)
            shown = list(facts.values())
            reasons.append(
                Reason(
                    SIGNAL_NAMES.get(signal, (signal,))[0],
                    signal,
                    f"{points:.2f}",
                    shown[:FACTS],
                    max(0, len(shown) - FACTS),
                )
            )
        return Partner(
            rank,
            f"{list_href}#suggestion-{rank}",
            Value(s.label, self.page_href(s.candidate, link)),
            f"{s.score:.2f}",
            reasons,
        )

    def section(self, result: MatchResult, org: URIRef, link: Linker) -> Section:
        path = page_path(self.list_iri(org), self.d.base)
        list_href = link.to(path)
        return Section(
            seeker=self.d.label(org),
            command=f"kb match --for {_short(org, self.prefixes)} --limit {self.limit}",
            partners=[
                self.partner(rank, s, link, list_href)
                for rank, s in enumerate(result.suggestions, 1)
            ],
            list_href=list_href,
            alternates=[(fmt, link.raw(path + ext), media) for fmt, ext, media in ALTERNATES],
            how_href=link.to(HOW_PATH),
            pool=result.pool_size,
        )

    def entries(self, result: MatchResult, org: URIRef, link: Linker) -> list[ListEntry]:
        """The match list's page: every suggestion with all its signals and evidence, each
        with the anchor of its hash IRI."""
        path = page_path(self.list_iri(org), self.d.base)
        out = []
        for rank, s in enumerate(result.suggestions, 1):
            name = f"suggestion-{rank}"
            partner = self.partner(rank, s, link, link.to(path))
            partner.anchor = name
            signals = [
                (f"{name}-{signal}", signal, SIGNAL_NAMES.get(signal, (signal,))[0], f"{p:.6f}")
                for signal, p in s.signals.items()
            ]
            evidence = [
                Evidence(f"{name}-evidence-{i}", e.signal, self.fact(e, s.candidate, link))
                for i, e in enumerate(sorted(s.evidence, key=evidence_key), 1)
            ]
            out.append(ListEntry(partner, signals, evidence))
        return out

    def how_rows(self) -> list[tuple[str, str, str, str]]:
        """(signal, name, what it measures, weight for one organisation) per signal."""
        weights = self.weights["for"]
        uncertain = f"{self.weights['marks']['uncertain']:g}"
        return [
            (
                signal,
                SIGNAL_NAMES[signal][0],
                SIGNAL_NAMES[signal][1].format(uncertain=uncertain),
                f"{weights[signal]:g}",
            )
            for signal in SIGNALS
        ]


def matching_store(store: Store) -> tuple[Store, bool]:
    """The store the matcher reads: `store` itself on Oxigraph (or a remote endpoint), else one
    in-memory Oxigraph copy of it, made once (the matcher's SPARQL is 30x faster there than on
    rdflib's engine; both answer the same). (store, whether it is a copy)."""
    if store.name != "rdflib":
        return store, False
    copy = OxigraphStore()
    for name in store.graph_names():
        copy.add_graph(name, store.triples(name))
    return copy, True


def timed(lists: PartnerLists):
    class _Timer:
        def __enter__(self):
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            lists.seconds += time.perf_counter() - self.start
            return False

    return _Timer()
