"""Manufacturing Clusters knowledge base: Turtle -> load -> infer -> validate -> query / publish."""

__version__ = "0.1.0"


def match(request=None, /, *, root=None, engine=None, weights=None, **fields):
    """Ranked, explained partner suggestions from the project's knowledge base (the last
    build when it is current): `kb.match(organisation=IRI)`, `kb.match(team=(A, B), fill=3)`,
    or a kb.matching.MatchRequest. Returns a kb.matching.MatchResult; see docs/matching.md."""
    from .catalogue import KnowledgeBase
    from .config import load_config
    from .matching import MatchRequest
    from .matching import match as run

    if request is None:
        request = MatchRequest(**fields)
    knowledge_base = KnowledgeBase.open(load_config(root), engine=engine, reuse_build=True)
    return run(knowledge_base, request, weights)
