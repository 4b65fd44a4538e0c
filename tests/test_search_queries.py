"""Index-backed stored queries (issue 12, part 2): label-search and projects-by-topic declare
their term parameter index-backed (`#+ index = "VAR"`), so kb binds ?VAR to the resources the
text index finds for the term and the SPARQL only filters and orders those. The answers are the
plain query's for the same words, on the seed knowledge base, on both engines."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kb.build.knowledge_base import KnowledgeBase
from kb.core.config import load_config
from kb.core.errors import KBError
from kb.sparql.catalogue import check_stored_query, load_catalogue, parse_query_file

REPO = Path(__file__).resolve().parent.parent
WORDS = ["robot", "manufactur", "digital", "lombard", "additive manufacturing", "AFIL", "3D"]
WORDS += ["Oberösterreich", "regione", "photonic", "industry 4.0", "robots", "--"]


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def kbs(request):
    backed = KnowledgeBase.open(load_config(REPO), engine=request.param)
    plain = dataclasses.replace(backed, use_text_index=False)
    return backed, plain


@pytest.mark.parametrize("name", ["label-search", "projects-by-topic"])
@pytest.mark.parametrize("word", WORDS)
def test_index_backed_answers_are_the_plain_ones(kbs, name, word):
    backed, plain = kbs
    assert backed.execute(name, term=word).rows == plain.execute(name, term=word).rows


def test_a_term_inside_a_word_is_only_found_by_the_plain_query(kbs):
    """The one difference: the index finds words *beginning* with the term, CONTAINS finds it
    anywhere ("Alpclusters2020" holds "cluster"); the index-backed answer is the plain one
    without the rows whose text holds the term only inside a word."""
    import re

    backed, plain = kbs
    for name in ("label-search", "projects-by-topic"):
        found = backed.execute(name, term="cluster").rows
        every = plain.execute(name, term="cluster").rows
        assert found and set(found) <= set(every)
        assert [r for r in every if r in set(found)] == found  # the same order
        for row in set(every) - set(found):
            text = str(row[1] if name == "label-search" else row[2])
            assert not re.search(r"(?<![^\W_])cluster", text, re.I), text
    assert len(set(plain.execute("label-search", term="cluster").rows)) > len(
        backed.execute("label-search", term="cluster").rows
    )


def test_the_sparql_gets_the_index_candidates_as_values(kbs):
    backed, plain = kbs
    query = backed.get("label-search")
    bindings = {"term": "robot"}
    from rdflib import Literal

    text = backed.with_candidates(query, {"term": Literal("robot")})
    assert "VALUES ?resource {" in text and "/id/project/fourbythree>" in text
    assert plain.with_candidates(query, bindings) == query.text
    # the candidates are a subset of the resources: far fewer than the plain query looks at
    found = backed.text_index().resources("robot")
    assert 4 <= len(found) < 50
    rows = backed.execute("label-search", term="robot").rows
    assert {str(r[0]) for r in rows} <= set(found)
    # a term with no word for the index: the plain query decides alone
    assert backed.with_candidates(query, {"term": Literal("--")}) == query.text
    assert (
        backed.execute("label-search", term="--").rows
        == plain.execute("label-search", term="--").rows
    )


def test_both_queries_declare_their_term_index_backed():
    catalogue = load_catalogue(REPO / "queries")
    assert catalogue["label-search"].parameters[0].index == "resource"
    assert catalogue["projects-by-topic"].parameters[0].index == "holder"


def test_an_index_variable_must_be_in_the_query(tmp_path):
    path = tmp_path / "01_x.rq"
    header = '#+ title = "x"\n#+ question = "x?"\n#+ user = "everyone"\n#+ [[param]]\n'
    path.write_text(
        header + '#+ name = "term"\n#+ default = "a"\n#+ index = "nowhere"\n'
        "SELECT ?s WHERE { ?s ?p ?term }\n",
        encoding="utf-8",
    )
    with pytest.raises(KBError, match=r"\?nowhere is not in the query"):
        check_stored_query(parse_query_file(path), {})
    path.write_text(
        header + '#+ name = "n"\n#+ type = "xsd:integer"\n#+ default = 1\n#+ index = "s"\n'
        "SELECT ?s WHERE { ?s ?p ?n }\n",
        encoding="utf-8",
    )
    with pytest.raises(KBError, match="index names the variable"):
        parse_query_file(path)
