"""Who may be suggested for a request: the candidates the signal rows find, capped to a pool,
filtered by the request's constraints, each with the rows that will score and explain it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from kb.matching.model import MC, ORGANISATION_TYPES, MatchRequest
from kb.matching.scoring import FEATURE_SIGNALS, Scorer
from kb.matching.signals import FeatureRow, OrganisationFacts, ParticipationRow, SignalReader

# Candidates kept for scoring (x4 when constraints may leave many out): the best by every
# signal but experience; beyond it the answer does not change in practice, the time does.
POOL = 1000
ORG = "http://www.w3.org/ns/org#"
# Who can be a partner: any organisation (W3C ORG, schema.org, EURIO), but no collaboration
ORGANISATIONS = {
    ORG + "Organization",
    ORG + "FormalOrganization",
    "https://schema.org/Organization",
    "http://data.europa.eu/s66#Organisation",
}
COLLABORATION = ORG + "OrganizationalCollaboration"


@dataclass
class Candidate:
    """What the signal rows say about one candidate, before scoring."""

    features: dict[str, dict[URIRef, float]] = field(default_factory=lambda: defaultdict(dict))
    feature_rows: dict[str, list[FeatureRow]] = field(default_factory=lambda: defaultdict(list))
    together: dict[tuple[URIRef, URIRef], ParticipationRow] = field(default_factory=dict)
    via: dict[URIRef, tuple[URIRef, ParticipationRow]] = field(default_factory=dict)
    participations: list[ParticipationRow] = field(default_factory=list)


@dataclass
class CandidateSet:
    """A request's candidates, ready to score: the seekers' features, the eligible candidates
    with their rows, facts about them (and the seekers), the experience scale, how many had a
    signal before the constraints, the request's scorer and the regions' NUTS levels."""

    seeker_features: dict[str, dict[URIRef, float]]
    eligible: dict[URIRef, Candidate]
    facts: dict[URIRef, OrganisationFacts]
    scale: float
    pool_size: int
    scorer: Scorer
    levels: dict[URIRef, int]


def participation_key(r: ParticipationRow) -> tuple[str, ...]:
    return (str(r.project), str(r.organisation), str(r.s))


def is_eligible(request: MatchRequest, facts: OrganisationFacts | None) -> bool:
    """Whether an organisation may be suggested: a partner type, no collaboration, in the
    request's regions and types."""
    if facts is None or not facts.types & ORGANISATIONS:
        return False
    if COLLABORATION in facts.types:  # clusters, partnerships, networks are no partners
        return False
    if request.regions and not facts.places & set(request.regions):
        return False
    if facts.places & set(request.exclude_regions):
        return False
    if request.types:
        wanted = {MC + cls for t in request.types for cls in ORGANISATION_TYPES[t]}
        if not facts.types & wanted:
            return False
    return True


class CandidateCollector:
    """Collects the candidates of one request from the signal rows (one collector per
    request: it keeps the seekers and their rows while it collects)."""

    def __init__(self, reader: SignalReader, weights: dict, request: MatchRequest) -> None:
        self.reader = reader
        self.weights = weights
        self.request = request
        self.seekers = set(request.seekers)
        self.seeker_rows: dict[str, list[FeatureRow]] = {}
        self.all_domains: Iterable[URIRef] = ()

    def collect(self, weights: dict[str, float]) -> CandidateSet:
        """The request's CandidateSet, scored with `weights` (the request mode's)."""
        request = self.request
        self.all_domains = self.reader.effra_domains()
        scorer = Scorer(self.all_domains)
        seeker_features = self.seeker_features()
        candidates = self.gather(seeker_features, weights, scorer)
        excluded = self.excluded_partners()
        facts = self.reader.organisations([*candidates, *request.seekers])
        places = {p for f in facts.values() for p in f.places}
        levels = self.reader.levels(places)
        eligible = {
            iri: c
            for iri, c in candidates.items()
            if iri not in excluded and is_eligible(request, facts.get(iri))
        }
        for r in self.reader.participations("organisation", eligible):
            if r.project not in request.ignore_projects:
                eligible[r.organisation].participations.append(r)
        scale = scorer.experience_scale(eligible.values())
        return CandidateSet(
            seeker_features, eligible, facts, scale, len(candidates), scorer, levels
        )

    # --- the seekers ---------------------------------------------------------------------

    def _strength(self, row: FeatureRow) -> float:
        return self.weights["marks"]["uncertain"] if row.uncertain else 1.0

    def seeker_features(self) -> dict[str, dict[URIRef, float]]:
        """What the seekers have (or the described call asks for), by signal: feature ->
        strength (an uncertain mark counts less)."""
        request = self.request
        features: dict[str, dict[URIRef, float]] = {s: {} for s in FEATURE_SIGNALS}
        self.seeker_rows = self.reader.features("organisation", request.seekers)
        # A seeker's own members share it as a network (a cluster organisation's members are
        # natural partners of a team it is in), and so does the network a seeker is in.
        for seeker in request.seekers:
            features["networks"][seeker] = 1.0
        for signal, rows in self.seeker_rows.items():
            for row in rows:
                old = features[signal].get(row.feature, 0.0)
                features[signal][row.feature] = max(old, self._strength(row))
        profile = request.profile
        for signal, given in (
            ("effra", profile.domains),
            ("s3", profile.s3),
            ("topics", profile.topics),
        ):
            for feature in given:
                features[signal][feature] = 1.0
        return features

    # --- the pool ------------------------------------------------------------------------

    def gather(self, seeker_features, weights, scorer: Scorer) -> dict[URIRef, Candidate]:
        """The candidate pool: whoever a selective signal finds, best POOL (by every signal
        but experience) kept. S3 areas are shared by whole regions (every organisation of a
        region gets its strategy's areas), so outside a described call they only score the
        pool, they do not widen it; so do the domains one organisation lacks (--for), while a
        team's missing domains bring candidates in (--team)."""
        request = self.request
        candidates: dict[URIRef, Candidate] = defaultdict(Candidate)
        asked = {s: set(f) for s, f in seeker_features.items()}
        if request.mode != "profile":
            asked["s3"] = set()
        if request.mode == "team":  # what the team lacks brings candidates in
            asked["effra"] |= set(self.all_domains) - set(seeker_features["effra"])
        self._add_features(candidates, self.reader.features("feature", asked))
        for row in self.seeker_rows["networks"] if request.seekers else ():
            c = candidates[row.feature]  # the organisation a seeker is a member of
            c.features["networks"][row.feature] = 1.0
            c.feature_rows["networks"].append(row)
        if request.seekers:
            self._gather_projects(candidates)
        for seeker in request.seekers:
            candidates.pop(seeker, None)
        cap = self._pool_cap()
        if len(candidates) > cap:
            ranked = sorted(
                candidates,
                key=lambda i: (
                    -scorer.score(candidates[i], seeker_features, weights, 1.0)[0],
                    str(i),
                ),
            )
            candidates = defaultdict(Candidate, {i: candidates[i] for i in ranked[:cap]})
        self._score_pool_only(candidates, seeker_features)
        return candidates

    def _score_pool_only(self, candidates, seeker_features) -> None:
        """S3 areas (and, for one organisation, the domains it lacks) read for the pool."""
        request = self.request
        later: dict[str, list[URIRef]] = {}
        if request.mode != "profile" and seeker_features["s3"]:
            later["s3"] = list(candidates)
        if request.mode == "for":
            later["effra"] = list(candidates)
        if not later:
            return
        found = self.reader.features("organisation", later)
        self._add_features(
            candidates,
            {
                "s3": [r for r in found["s3"] if r.feature in seeker_features["s3"]],
                "effra": [r for r in found["effra"] if r.feature not in seeker_features["effra"]],
            },
        )

    def _pool_cap(self) -> int:
        request = self.request
        constrained = (
            request.regions or request.exclude_regions or request.types or request.not_partners_of
        )
        return POOL * (4 if constrained else 1)

    def _add_features(self, candidates, rows_by_signal) -> None:
        for signal, rows in rows_by_signal.items():
            for row in rows:
                c = candidates[row.organisation]
                c.features[signal][row.feature] = max(
                    c.features[signal].get(row.feature, 0.0), self._strength(row)
                )
                c.feature_rows[signal].append(row)

    # --- the projects --------------------------------------------------------------------

    def _partners(self, organisations: Iterable[URIRef], ignore: frozenset[URIRef]):
        """(the organisations' participations, every participation in their projects)."""
        own = [
            r
            for r in self.reader.participations("organisation", organisations)
            if r.project not in ignore
        ]
        projects = {r.project for r in own}
        # in a total order: the first row of a (partner, project) or (partner, via) pair is
        # the one cited, and engines return rows in different orders
        rows = sorted(self.reader.participations("project", projects), key=participation_key)
        return sorted(own, key=participation_key), rows

    def _gather_projects(self, candidates: dict[URIRef, Candidate]) -> None:
        """The seekers' past partners (coparticipation) and their partners (two-hop)."""
        seekers = self.seekers
        ignore = self.request.ignore_projects
        own, rows = self._partners(seekers, ignore)
        members = defaultdict(set)  # project -> seekers in it
        for r in own:
            members[r.project].add(r.organisation)
        direct: set[URIRef] = set()
        for r in rows:
            if r.organisation in seekers or r.project in ignore:
                continue
            direct.add(r.organisation)
            for seeker in members[r.project]:
                candidates[r.organisation].together.setdefault((seeker, r.project), r)
        # partners of partners: the direct partners' other projects
        seen = set(members)
        via_own, via_rows = self._partners(direct, ignore | seen)
        via_in = defaultdict(set)
        for r in via_own:
            via_in[r.project].add(r.organisation)
        for r in via_rows:
            if r.organisation in seekers or r.organisation in direct or r.project in ignore | seen:
                continue
            for via in via_in[r.project]:
                if via != r.organisation:
                    candidates[r.organisation].via.setdefault(via, (r.project, r))

    def excluded_partners(self) -> set[URIRef]:
        """The past partners of --not-partners-of's organisations."""
        request = self.request
        if not request.not_partners_of:
            return set()
        _own, rows = self._partners(request.not_partners_of, request.ignore_projects)
        return {r.organisation for r in rows} - set(request.not_partners_of)
