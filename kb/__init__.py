"""Manufacturing Clusters knowledge base: Turtle -> load -> infer -> validate -> query / publish."""

from kb.core import __version__

__all__ = ["__version__", "match", "search"]


def match(request=None, /, *, root=None, engine=None, weights=None, **fields):
    """Ranked, explained partner suggestions from the project's knowledge base (the last
    build when it is current): `kb.match(organisation=IRI)`, `kb.match(team=(A, B), fill=3)`,
    or a kb.matching.MatchRequest. Returns a kb.matching.MatchResult; see docs/matching.md."""
    from kb.build.knowledge_base import KnowledgeBase
    from kb.core.config import load_config
    from kb.matching import MatchRequest
    from kb.matching import match as run

    if request is None:
        request = MatchRequest(**fields)
    knowledge_base = KnowledgeBase.open(load_config(root), engine=engine, reuse_build=True)
    return run(knowledge_base, request, weights)


def search(text, /, *, type=None, lang=None, limit=20, root=None, rebuild=False):
    """Ranked full-text search of the knowledge base's labels and descriptions:
    `kb.search("robot", type="mc:Project", lang="en")`. `type` is a CURIE of the project's
    prefixes or an IRI. Returns a kb.fulltext.index.SearchResult (its `hits` are SearchHit: iri,
    label, types, snippet, property, lang, graphs, score), best first; see docs/search.md."""
    from kb.build.text_index import open_index
    from kb.core.config import load_config
    from kb.fulltext.index import match_expression
    from kb.sparql.catalogue import expand_iri

    config = load_config(root)
    match_expression(text)  # an empty text is refused before any index is opened
    index = open_index(config, rebuild=rebuild, progress=False)
    try:
        type_iri = expand_iri(type, config.prefixes) if type is not None else None
        return index.search(text, type=type_iri, lang=lang, limit=limit)
    finally:
        index.close()
