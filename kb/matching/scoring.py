"""How a candidate scores against the seekers: one value between 0 and 1 per signal (the share
of the seekers' features it shares, 1 - 0.5^n for n past projects together, ...), the score
their weighted sum."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import URIRef

if TYPE_CHECKING:
    from kb.matching.candidates import Candidate

FEATURE_SIGNALS = ("effra", "s3", "topics", "networks", "letters")


class Scorer:
    """Scores candidates for one request: the EFFRA domains the knowledge base lists, and the
    ones the seekers lack (computed once per set of covered domains, not per candidate)."""

    def __init__(self, all_domains: Iterable[URIRef]) -> None:
        self.all_domains = all_domains
        self._missing_for: frozenset[URIRef] | None = None
        self._missing: frozenset[URIRef] = frozenset()

    def raw(self, c: Candidate, seeker_features, experience_scale: float) -> dict[str, float]:
        """The candidate's value per signal, before the weights."""
        raw: dict[str, float] = {}
        for signal in FEATURE_SIGNALS:
            wanted = seeker_features[signal]
            if wanted:
                got = c.features.get(signal, {})
                share = sum(min(w, got[f]) for f, w in wanted.items() if f in got)
                raw[f"{signal}-shared"] = share / sum(wanted.values())
            else:
                raw[f"{signal}-shared"] = 0.0
        missing = self.missing_domains(seeker_features["effra"])
        brings = {f: v for f, v in c.features.get("effra", {}).items() if f in missing}
        raw["effra-complementary"] = sum(brings.values()) / len(missing) if missing else 0.0
        raw["coparticipation"] = 1 - 0.5 ** len(c.together)
        raw["two-hop"] = 0.0 if c.together else 1 - 0.5 ** len(c.via)
        raw["experience"] = math.log1p(self.experience(c)) / experience_scale
        return raw

    def missing_domains(self, covered) -> frozenset[URIRef]:
        """The EFFRA domains the seekers do not cover (asked once per candidate: cached)."""
        key = frozenset(covered)
        if self._missing_for != key:
            self._missing_for = key
            self._missing = frozenset(self.all_domains) - key
        return self._missing

    @staticmethod
    def experience(c: Candidate) -> int:
        """Distinct projects plus coordinator roles."""
        projects = {r.project for r in c.participations}
        return len(projects) + sum(1 for r in c.participations if r.coordinator)

    def experience_scale(self, candidates: Iterable[Candidate]) -> float:
        """log(1 + the most experience among the candidates): experience scores 1 at most."""
        return math.log1p(max((self.experience(c) for c in candidates), default=0)) or 1.0

    def score(self, c: Candidate, seeker_features, weights, scale) -> tuple[float, dict]:
        """(the weighted sum, the non-zero contributions by signal)."""
        raw = self.raw(c, seeker_features, scale)
        contributions = {s: weights[s] * v for s, v in raw.items() if weights[s] * v > 0}
        return sum(contributions.values()), contributions
