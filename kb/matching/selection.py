"""Which scored candidates are suggested: the best first, at most so many per region, or a
team completed greedily (each pick scored against the team as it grows)."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from kb.core.errors import ParameterError
from kb.matching.candidates import CandidateSet
from kb.matching.model import MatchRequest
from kb.matching.signals import OrganisationFacts


class Places:
    """Where a candidate is: its country, and its most specific NUTS region (by the levels
    of the regions the request's organisations are in)."""

    def __init__(self, levels: dict[URIRef, int]) -> None:
        self.levels = levels

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


def best_first(scored, facts):
    """The (iri, score, contributions) that score, best first; ties by label, then IRI."""

    def key(item):
        iri, score, _ = item
        return (-round(score, 9), (facts[iri].label or "").casefold(), str(iri))

    return sorted((s for s in scored if s[1] > 0), key=key)


def ranked(request: MatchRequest, scored, facts, places: Places):
    """The best `limit` of the scored candidates, at most --max-per-region from a region."""
    chosen, per_region = [], defaultdict(int)
    for iri, score, contributions in best_first(scored, facts):
        region = places.region_of(facts[iri])
        if request.max_per_region is not None and per_region[region] >= request.max_per_region:
            continue
        per_region[region] += 1
        chosen.append((iri, score, contributions))
        if len(chosen) == request.limit:
            break
    return chosen


class TeamFiller:
    """Completes a team greedily (--fill N): each pick is scored against the team as it
    grows, so domains a pick brings stop counting as missing for the next; --min-countries
    and --max-per-region hold for the team as a whole."""

    def __init__(self, request: MatchRequest, found: CandidateSet, weights, places: Places):
        self.request = request
        self.found = found
        self.weights = weights
        self.places = places

    def fill(self):
        """The picks, in order, as (iri, score, contributions)."""
        request, found, places = self.request, self.found, self.places
        eligible, facts = found.eligible, found.facts
        team_features = {s: dict(f) for s, f in found.seeker_features.items()}
        countries = {places.country_of(facts[m]) for m in request.team if m in facts} - {None}
        self._check_countries(countries)
        chosen, per_region, left = [], defaultdict(int), dict(eligible)
        while len(chosen) < request.fill and left:
            need_new = (request.min_countries or 0) - len(countries)
            must_be_new = need_new >= request.fill - len(chosen) and need_new > 0
            ordered = best_first(
                self._scored(left, team_features, countries, per_region, must_be_new), facts
            )
            if not ordered:
                break
            iri, score, contributions = ordered[0]
            chosen.append((iri, score, contributions))
            del left[iri]
            per_region[places.region_of(facts[iri])] += 1
            countries.add(places.country_of(facts[iri]))
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

    def _scored(self, left, team_features, countries, per_region, must_be_new):
        """The candidates left that may be the next pick, scored against the team."""
        request, found, places = self.request, self.found, self.places
        facts, scorer, weights, scale = found.facts, found.scorer, self.weights, found.scale
        scored = []
        for iri, c in left.items():
            country = places.country_of(facts[iri])
            if must_be_new and (country is None or country in countries):
                continue
            region = places.region_of(facts[iri])
            if request.max_per_region is not None and per_region[region] >= request.max_per_region:
                continue
            scored.append((iri, *scorer.score(c, team_features, weights, scale)))
        return scored

    def _check_countries(self, countries) -> None:
        request, facts = self.request, self.found.facts
        if not request.min_countries:
            return
        reachable = countries | {self.places.country_of(facts[i]) for i in self.found.eligible} - {
            None
        }
        if len(reachable) < request.min_countries:
            raise ParameterError(
                "--min-countries",
                f"the team and every eligible candidate together span {len(reachable)} "
                f"countries, fewer than {request.min_countries}",
            )
