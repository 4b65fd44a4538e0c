"""Score, filter and rank candidate partners from the signal rows; explain each score.

Every signal gives a candidate a value between 0 and 1 (the share of the seeker's features it
shares, 1 - 0.5^n for n past projects together, ...); the score is the weighted sum. The
evidence of a suggestion is the set of stored triples that produced its non-zero signals.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from kb.core.errors import ParameterError
from kb.matching.model import (
    MC,
    ORGANISATION_TYPES,
    Evidence,
    MatchRequest,
    MatchResult,
    Suggestion,
)
from kb.matching.signals import FeatureRow, OrganisationFacts, ParticipationRow, SignalReader

FEATURE_SIGNALS = ("effra", "s3", "topics", "networks", "letters")
# How a feature signal's evidence reads, by signal
_FEATURE_NOTES = {
    "effra": "covers EFFRA domain {f}",
    "s3": "works in S3 priority area {f}",
    "topics": "shares {f}",
    "networks": "is a member of {f}",
    "letters": "is named in {f}",
}
EXPERIENCE_EVIDENCE = 5
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
class _Candidate:
    """What the signal rows say about one candidate, before scoring."""

    features: dict[str, dict[URIRef, float]] = field(default_factory=lambda: defaultdict(dict))
    feature_rows: dict[str, list[FeatureRow]] = field(default_factory=lambda: defaultdict(list))
    together: dict[tuple[URIRef, URIRef], ParticipationRow] = field(default_factory=dict)
    via: dict[URIRef, tuple[URIRef, ParticipationRow]] = field(default_factory=dict)
    participations: list[ParticipationRow] = field(default_factory=list)


class Matcher:
    """Answers match requests on one store, one request at a time: the request's seekers,
    their rows, the domain list and the regions' levels are kept on the matcher while it
    answers (a matcher is cheap to make: one per thread)."""

    def __init__(self, reader: SignalReader, weights: dict) -> None:
        self.reader = reader
        self.weights = weights

    # --- gathering ----------------------------------------------------------------------

    def _strength(self, row: FeatureRow) -> float:
        return self.weights["marks"]["uncertain"] if row.uncertain else 1.0

    def _seeker_features(self, request: MatchRequest) -> dict[str, dict[URIRef, float]]:
        features: dict[str, dict[URIRef, float]] = {s: {} for s in FEATURE_SIGNALS}
        self.seeker_rows = self.reader.features("organisation", request.seekers)
        self.seekers = set(request.seekers)
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
        rows = sorted(self.reader.participations("project", projects), key=_participation_key)
        return sorted(own, key=_participation_key), rows

    def _gather(self, request: MatchRequest, seeker_features, weights) -> dict[URIRef, _Candidate]:
        """The candidate pool: whoever a selective signal finds, best POOL (by every signal
        but experience) kept. S3 areas are shared by whole regions (every organisation of a
        region gets its strategy's areas), so outside a described call they only score the
        pool, they do not widen it; so do the domains one organisation lacks (--for), while a
        team's missing domains bring candidates in (--team)."""
        candidates: dict[URIRef, _Candidate] = defaultdict(_Candidate)
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
            self._gather_projects(request, candidates)
        for seeker in request.seekers:
            candidates.pop(seeker, None)
        if len(candidates) > self._pool_cap(request):
            ranked = sorted(
                candidates,
                key=lambda i: (
                    -self._score(candidates[i], seeker_features, weights, 1.0)[0],
                    str(i),
                ),
            )
            candidates = defaultdict(
                _Candidate, {i: candidates[i] for i in ranked[: self._pool_cap(request)]}
            )
        self._score_pool_only(request, candidates, seeker_features)
        return candidates

    def _score_pool_only(self, request, candidates, seeker_features) -> None:
        """S3 areas (and, for one organisation, the domains it lacks) read for the pool."""
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

    @staticmethod
    def _pool_cap(request: MatchRequest) -> int:
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

    def _gather_projects(self, request: MatchRequest, candidates: dict[URIRef, _Candidate]) -> None:
        seekers = set(request.seekers)
        ignore = request.ignore_projects
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

    def _excluded_partners(self, request: MatchRequest) -> set[URIRef]:
        if not request.not_partners_of:
            return set()
        _own, rows = self._partners(request.not_partners_of, request.ignore_projects)
        return {r.organisation for r in rows} - set(request.not_partners_of)

    # --- constraints ---------------------------------------------------------------------

    @staticmethod
    def _eligible(request: MatchRequest, facts: OrganisationFacts | None) -> bool:
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

    @staticmethod
    def country_of(facts: OrganisationFacts) -> URIRef | None:
        countries = sorted(p for p in facts.places if "/country/" in p)
        return countries[0] if countries else None

    def region_of(self, facts: OrganisationFacts) -> URIRef | None:
        """The most specific NUTS region the candidate is in (level 2, else 1, else country)."""
        for level in (3, 2, 1):
            found = sorted(p for p in facts.places if self.levels.get(p) == level)
            if found:
                return found[0]
        return self.country_of(facts)

    # --- scoring -------------------------------------------------------------------------

    def _raw(self, c: _Candidate, seeker_features, experience_scale: float) -> dict[str, float]:
        raw: dict[str, float] = {}
        for signal in FEATURE_SIGNALS:
            wanted = seeker_features[signal]
            if wanted:
                got = c.features.get(signal, {})
                share = sum(min(w, got[f]) for f, w in wanted.items() if f in got)
                raw[f"{signal}-shared"] = share / sum(wanted.values())
            else:
                raw[f"{signal}-shared"] = 0.0
        missing = self._missing_domains(seeker_features["effra"])
        brings = {f: v for f, v in c.features.get("effra", {}).items() if f in missing}
        raw["effra-complementary"] = sum(brings.values()) / len(missing) if missing else 0.0
        raw["coparticipation"] = 1 - 0.5 ** len(c.together)
        raw["two-hop"] = 0.0 if c.together else 1 - 0.5 ** len(c.via)
        raw["experience"] = math.log1p(self._experience(c)) / experience_scale
        return raw

    def _missing_domains(self, covered) -> frozenset[URIRef]:
        """The EFFRA domains the seekers do not cover (asked once per candidate: cached)."""
        key = frozenset(covered)
        if getattr(self, "_missing_for", None) != key:
            self._missing_for = key
            self._missing = frozenset(self.all_domains) - key
        return self._missing

    @staticmethod
    def _experience(c: _Candidate) -> int:
        projects = {r.project for r in c.participations}
        return len(projects) + sum(1 for r in c.participations if r.coordinator)

    def _score(self, c: _Candidate, seeker_features, weights, scale) -> tuple[float, dict]:
        raw = self._raw(c, seeker_features, scale)
        contributions = {s: weights[s] * v for s, v in raw.items() if weights[s] * v > 0}
        return sum(contributions.values()), contributions

    # --- the answer ----------------------------------------------------------------------

    def match(self, request: MatchRequest) -> MatchResult:
        weights = self.weights[request.mode]
        seeker_features, eligible, facts, scale, pool_size = self._candidates(request, weights)
        if request.fill:
            chosen = self._fill(request, eligible, facts, seeker_features, weights, scale)
        else:
            scored = [
                (iri, *self._score(c, seeker_features, weights, scale))
                for iri, c in eligible.items()
            ]
            chosen = self._ranked(request, scored, facts)
        suggestions = self._explain(chosen, eligible, facts, seeker_features, request)
        return MatchResult(request, dict(weights), suggestions, pool_size)

    def scores(self, request: MatchRequest) -> dict[URIRef, float]:
        """Every eligible candidate's score, unexplained and uncapped (for evaluation)."""
        weights = self.weights[request.mode]
        seeker_features, eligible, _facts, scale, _pool = self._candidates(request, weights)
        return {
            iri: self._score(c, seeker_features, weights, scale)[0] for iri, c in eligible.items()
        }

    def _candidates(self, request: MatchRequest, weights: dict[str, float]):
        """(the seeker's features, eligible candidates with their rows, facts about them,
        the experience scale, how many candidates had a signal before the constraints)."""
        self.all_domains = self.reader.effra_domains()
        self._missing_for = None
        seeker_features = self._seeker_features(request)
        candidates = self._gather(request, seeker_features, weights)
        excluded = self._excluded_partners(request)
        facts = self.reader.organisations([*candidates, *request.seekers])
        places = {p for f in facts.values() for p in f.places}
        self.levels = self.reader.levels(places)
        eligible = {
            iri: c
            for iri, c in candidates.items()
            if iri not in excluded and self._eligible(request, facts.get(iri))
        }
        for r in self.reader.participations("organisation", eligible):
            if r.project not in request.ignore_projects:
                eligible[r.organisation].participations.append(r)
        scale = math.log1p(max((self._experience(c) for c in eligible.values()), default=0)) or 1.0
        return seeker_features, eligible, facts, scale, len(candidates)

    def _order(self, scored, facts):
        def key(item):
            iri, score, _ = item
            return (-round(score, 9), (facts[iri].label or "").casefold(), str(iri))

        return sorted((s for s in scored if s[1] > 0), key=key)

    def _ranked(self, request, scored, facts):
        chosen, per_region = [], defaultdict(int)
        for iri, score, contributions in self._order(scored, facts):
            region = self.region_of(facts[iri])
            if request.max_per_region is not None and per_region[region] >= request.max_per_region:
                continue
            per_region[region] += 1
            chosen.append((iri, score, contributions))
            if len(chosen) == request.limit:
                break
        return chosen

    def _fill(self, request, eligible, facts, seeker_features, weights, scale):
        """Complete the team greedily: each pick is scored against the team as it grows, so
        domains a pick brings stop counting as missing for the next."""
        team_features = {s: dict(f) for s, f in seeker_features.items()}
        countries = {self.country_of(facts[m]) for m in request.team if m in facts} - {None}
        self._check_countries(request, eligible, facts, countries)
        chosen, per_region, left = [], defaultdict(int), dict(eligible)
        while len(chosen) < request.fill and left:
            need_new = (request.min_countries or 0) - len(countries)
            must_be_new = need_new >= request.fill - len(chosen) and need_new > 0
            scored = []
            for iri, c in left.items():
                country = self.country_of(facts[iri])
                if must_be_new and (country is None or country in countries):
                    continue
                region = self.region_of(facts[iri])
                if (
                    request.max_per_region is not None
                    and per_region[region] >= request.max_per_region
                ):
                    continue
                scored.append((iri, *self._score(c, team_features, weights, scale)))
            ordered = self._order(scored, facts)
            if not ordered:
                break
            iri, score, contributions = ordered[0]
            chosen.append((iri, score, contributions))
            del left[iri]
            per_region[self.region_of(facts[iri])] += 1
            countries.add(self.country_of(facts[iri]))
            countries.discard(None)
            for signal, features in eligible[iri].features.items():
                for f, v in features.items():
                    team_features[signal][f] = max(team_features[signal].get(f, 0.0), v)
        if request.min_countries and len(countries) < request.min_countries:
            raise ParameterError(
                "--min-countries",
                f"no {request.fill} eligible additions bring the team to "
                f"{request.min_countries} countries (it reaches {len(countries)})",
            )
        return chosen

    def _check_countries(self, request, eligible, facts, countries) -> None:
        if not request.min_countries:
            return
        reachable = countries | {self.country_of(facts[i]) for i in eligible} - {None}
        if len(reachable) < request.min_countries:
            raise ParameterError(
                "--min-countries",
                f"the team and every eligible candidate together span {len(reachable)} "
                f"countries, fewer than {request.min_countries}",
            )

    # --- evidence ------------------------------------------------------------------------

    def _explain(self, chosen, eligible, facts, seeker_features, request) -> list[Suggestion]:
        pending = []
        items: set[Node] = set(request.seekers)
        for iri, score, contributions in chosen:
            rows = self._evidence_rows(eligible[iri], contributions, seeker_features)
            pending.append((iri, score, contributions, rows))
            for *_triple, _template, refs in rows:
                items.update(refs)
        stated = self.reader.where_stated(
            (s, p, o) for *_, rows in pending for _sig, s, p, o, _t, _r in rows
        )
        sections = self.reader.sections(set(stated.values()))
        labels = self.reader.labels(items)

        def name(term: Node) -> str:
            label, notation = labels.get(term, (None, None))
            if notation and label:
                return f"{notation} ({label})"
            return label or notation or str(term).rstrip("/").rsplit("/", 1)[-1]

        def short(term: Node) -> str:
            label, notation = labels.get(term, (None, None))
            return notation or label or str(term).rstrip("/").rsplit("/", 1)[-1]

        suggestions = []
        for iri, score, contributions, rows in pending:
            evidence, shorts = [], []
            for sig, s, p, o, template, refs in rows:
                shorts.append((sig, short(refs[0])))
                graph = stated.get((s, p, o))
                note = template.format(*(name(r) for r in refs))
                evidence.append(Evidence(sig, s, p, o, graph, sections.get(graph), note))
            f = facts[iri]
            ordered = sorted(contributions.items(), key=lambda kv: -kv[1])
            suggestions.append(
                Suggestion(
                    iri,
                    f.label or str(iri),
                    round(score, 6),
                    {k: round(v, 6) for k, v in ordered},
                    evidence,
                    self.country_of(f),
                    self.region_of(f),
                    tuple(sorted(t[len(MC) :] for t in f.types if t.startswith(MC))),
                    _reasons(contributions, shorts),
                )
            )
        return suggestions

    def _evidence_rows(self, c: _Candidate, contributions, seeker_features):
        """(signal, s, p, o, graph, note template, terms the template names) per fact."""
        rows = []
        for signal in FEATURE_SIGNALS:
            for kind in ("shared", "complementary"):
                key = f"{signal}-{kind}"
                if key not in contributions:
                    continue
                wanted = seeker_features[signal]
                # in a fixed order, not the store's: a KB loaded from kb.nq and a fresh
                # build hold the same rows in different orders
                for r in sorted(c.feature_rows.get(signal, []), key=_row_key):
                    if (r.feature in wanted) != (kind == "shared"):
                        continue
                    template = _FEATURE_NOTES[signal].replace("{f}", "{0}")
                    refs = (r.feature,)
                    if signal == "networks" and r.organisation in self.seekers:
                        template, refs = "has {0} as a member", (r.organisation,)
                    if r.uncertain:
                        template += " (uncertain mark)"
                    if kind == "complementary":
                        template += ", which the seeker lacks"
                    rows.append((key, r.s, r.p, r.o, template, refs))
        if "coparticipation" in contributions:
            for (seeker, project), r in sorted(c.together.items()):
                rows.append(
                    (
                        "coparticipation",
                        r.s,
                        _PARTICIPANT,
                        r.organisation,
                        "took part in {0} with {1}",
                        (project, seeker),
                    )
                )
        if "two-hop" in contributions:
            for via, (project, r) in sorted(c.via.items()):
                rows.append(
                    (
                        "two-hop",
                        r.s,
                        _PARTICIPANT,
                        r.organisation,
                        "took part in {0} with {1}, a partner of the seeker",
                        (project, via),
                    )
                )
        if "experience" in contributions:
            # ties (two participations in one project, from two sections) by the node, so
            # the five cited are the same on every engine whatever its row order
            cited = sorted(
                c.participations, key=lambda r: (not r.coordinator, str(r.project), str(r.s))
            )
            for r in cited[:EXPERIENCE_EVIDENCE]:
                role = "as coordinator" if r.coordinator else "as partner"
                rows.append(
                    (
                        "experience",
                        r.s,
                        _PARTICIPANT,
                        r.organisation,
                        "took part in {0} " + role,
                        (r.project,),
                    )
                )
        return rows


_PARTICIPANT = URIRef("https://w3id.org/mfg-clusters/ontology#participant")


def _participation_key(r: ParticipationRow) -> tuple[str, ...]:
    return (str(r.project), str(r.organisation), str(r.s))


def _row_key(r: FeatureRow) -> tuple[str, ...]:
    return (str(r.feature), str(r.organisation), str(r.s), str(r.p), str(r.o))


def _reasons(contributions: dict[str, float], shorts: list[tuple[str, str]]) -> list[str]:
    """One line per signal, strongest first: its points and the short names of what
    produced it (domains by code, projects by acronym, ...)."""
    lines = []
    for signal, points in sorted(contributions.items(), key=lambda kv: -kv[1]):
        names = list(dict.fromkeys(short for sig, short in shorts if sig == signal))
        shown = ", ".join(names[:4]) + (f" +{len(names) - 4} more" if len(names) > 4 else "")
        lines.append(f"{signal} {points:.2f}: {shown}")
    return lines
