"""Partner matchmaking: ranked, explained partner suggestions from the knowledge base.

`match(knowledge_base, request)` answers one MatchRequest with Suggestions, each carrying its
score, the score per signal and the stored triples (with their source sections) behind it.
The signals are the stored queries of queries/match/; the weights are queries/match/weights.toml.

May import every stage up to kb.build (it reads the built knowledge base); never kb.publish,
kb.serve or kb.cli.
"""

from __future__ import annotations

from pathlib import Path

from kb.build.knowledge_base import KnowledgeBase
from kb.matching.model import (
    ORGANISATION_TYPES,
    Evidence,
    MatchRequest,
    MatchResult,
    Profile,
    Suggestion,
)
from kb.matching.rank import Matcher
from kb.matching.resolve import Resolver
from kb.matching.signals import SignalReader
from kb.matching.weights import SIGNALS, load_weights

__all__ = [
    "ORGANISATION_TYPES",
    "SIGNALS",
    "Evidence",
    "MatchRequest",
    "MatchResult",
    "Profile",
    "Suggestion",
    "match",
    "matcher",
]


def matcher(knowledge_base: KnowledgeBase, weights: Path | None = None) -> Matcher:
    """A Matcher on the knowledge base's store with the project's weights (and `weights`)."""
    folder = knowledge_base.config.queries_dir
    reader = SignalReader(knowledge_base.store, folder)
    return Matcher(reader, load_weights(folder / "match" / "weights.toml", weights))


def resolver(knowledge_base: KnowledgeBase) -> Resolver:
    folder = knowledge_base.config.queries_dir
    return Resolver(SignalReader(knowledge_base.store, folder), knowledge_base.config.prefixes)


def match(
    knowledge_base: KnowledgeBase, request: MatchRequest, weights: Path | None = None
) -> MatchResult:
    return matcher(knowledge_base, weights).match(request)
