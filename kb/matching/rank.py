"""Score, filter and rank candidate partners from the signal rows; explain each score.

Every signal gives a candidate a value between 0 and 1 (the share of the seeker's features it
shares, 1 - 0.5^n for n past projects together, ...); the score is the weighted sum. The
evidence of a suggestion is the set of stored triples that produced its non-zero signals.

The Matcher answers a request with its collaborators, one module each: the candidates
(kb.matching.candidates: who the signal rows find, the pool, the constraints), their scores
(kb.matching.scoring), the choice (kb.matching.selection: ranked, or a team filled greedily)
and the explanation (kb.matching.explain: evidence and reasons).
"""

from __future__ import annotations

from rdflib import URIRef

from kb.matching.candidates import (
    COLLABORATION,
    ORGANISATIONS,
    POOL,
    CandidateCollector,
    CandidateSet,
)
from kb.matching.explain import EXPERIENCE_EVIDENCE, Explainer
from kb.matching.model import MatchRequest, MatchResult
from kb.matching.scoring import FEATURE_SIGNALS
from kb.matching.selection import Places, TeamFiller, ranked
from kb.matching.signals import SignalReader

__all__ = [
    "COLLABORATION",
    "EXPERIENCE_EVIDENCE",
    "FEATURE_SIGNALS",
    "ORGANISATIONS",
    "POOL",
    "Matcher",
]


class Matcher:
    """Answers match requests on one store, one request at a time: each request gets its own
    collector, scorer, selection and explainer (a matcher is cheap to make: one per thread)."""

    def __init__(self, reader: SignalReader, weights: dict) -> None:
        self.reader = reader
        self.weights = weights

    def _candidates(self, request: MatchRequest) -> CandidateSet:
        weights = self.weights[request.mode]
        return CandidateCollector(self.reader, self.weights, request).collect(weights)

    def match(self, request: MatchRequest) -> MatchResult:
        weights = self.weights[request.mode]
        found = self._candidates(request)
        places = Places(found.levels)
        if request.fill:
            chosen = TeamFiller(request, found, weights, places).fill()
        else:
            score, features, scale = found.scorer.score, found.seeker_features, found.scale
            scored = [
                (iri, *score(c, features, weights, scale)) for iri, c in found.eligible.items()
            ]
            chosen = ranked(request, scored, found.facts, places)
        explainer = Explainer(self.reader, places, request)
        suggestions = explainer.explain(chosen, found.eligible, found.facts, found.seeker_features)
        return MatchResult(request, dict(weights), suggestions, found.pool_size)

    def scores(self, request: MatchRequest) -> dict[URIRef, float]:
        """Every eligible candidate's score, unexplained and uncapped (for evaluation)."""
        weights = self.weights[request.mode]
        found = self._candidates(request)
        score, features, scale = found.scorer.score, found.seeker_features, found.scale
        return {iri: score(c, features, weights, scale)[0] for iri, c in found.eligible.items()}
