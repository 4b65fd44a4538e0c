"""What a match request asks and what a suggestion carries: plain typed values, no engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

# The organisation types users filter on, by the name they type, with the ontology classes
# that count as that type (types are read after inference, so subclasses are included).
MC = "https://w3id.org/mfg-clusters/ontology#"
ORGANISATION_TYPES: dict[str, tuple[str, ...]] = {
    "cluster-organisation": ("ClusterOrganisation",),
    "sme": ("SME",),
    "rto": ("ResearchOrganisation", "TechnologyCentre"),
    "university": ("University",),
    "large-company": ("LargeCompany",),
    "company": ("Company",),
    "public-body": ("PublicAuthority", "RegionalDevelopmentAgency"),
}


@dataclass(frozen=True)
class Profile:
    """A described call or proposal: the features a partner should bring."""

    domains: frozenset[URIRef] = frozenset()
    s3: frozenset[URIRef] = frozenset()
    topics: frozenset[URIRef] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.domains or self.s3 or self.topics)


@dataclass(frozen=True)
class MatchRequest:
    """One question to the matchmaker. `organisation` (--for), `team` (--team) and `profile`
    name the seeker; the rest are constraints on the candidates."""

    organisation: URIRef | None = None
    team: tuple[URIRef, ...] = ()
    profile: Profile = field(default_factory=Profile)
    fill: int | None = None
    limit: int = 10
    regions: tuple[URIRef, ...] = ()  # a candidate must be in one of these (region or country)
    exclude_regions: tuple[URIRef, ...] = ()
    types: tuple[str, ...] = ()  # keys of ORGANISATION_TYPES
    not_partners_of: tuple[URIRef, ...] = ()
    min_countries: int | None = None
    max_per_region: int | None = None
    # For evaluation only: answer as if these projects were not in the knowledge base.
    ignore_projects: frozenset[URIRef] = frozenset()

    @property
    def mode(self) -> str:
        if self.team:
            return "team"
        if self.organisation is not None:
            return "for"
        return "profile"

    @property
    def seekers(self) -> tuple[URIRef, ...]:
        if self.team:
            return self.team
        return (self.organisation,) if self.organisation is not None else ()


@dataclass(frozen=True)
class Evidence:
    """One fact behind a signal: the triple as stored, its named graph and source section."""

    signal: str
    subject: Node
    predicate: URIRef
    object: Node
    graph: URIRef | None
    section: URIRef | None
    note: str


@dataclass
class Suggestion:
    candidate: URIRef
    label: str
    score: float
    signals: dict[str, float]  # weighted contribution of each signal to the score
    evidence: list[Evidence]
    country: URIRef | None = None
    region: URIRef | None = None
    types: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)  # one line per signal, strongest first


@dataclass
class MatchResult:
    request: MatchRequest
    weights: dict[str, float]
    suggestions: list[Suggestion]
    pool_size: int  # candidates that had any signal, before the constraints
