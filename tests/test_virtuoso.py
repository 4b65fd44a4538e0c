"""The KB in a real Virtuoso: `kb load` pushes it, every stored query gives the embedded answer.

Virtuoso (Debian's virtuoso-opensource-7-bin) is started on 127.0.0.1 with its own ini and
database in a temporary folder and stopped by its process id, also when a test fails. Without
virtuoso-t the test is skipped, except in CI (the CI variable set), where that is a failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from query_fixtures import (
    COLLATION_GRAPH,
    READER_ORDER,
    ROBOT_PROJECTS,
    collation_triples,
    reader_labels,
)
from rdflib import BNode, Literal, URIRef

from kb.build.knowledge_base import KnowledgeBase
from kb.core.config import load_config
from kb.sparql.catalogue import load_catalogue
from kb.store import QueryResult

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
KB = Path(sys.executable).with_name("kb")
CONFIG = load_config(ROOT)
GENID = CONFIG.base_iri + ".well-known/genid/"
CATALOGUE = sorted(load_catalogue(CONFIG.queries_dir))


@pytest.fixture(scope="module")
def embedded() -> KnowledgeBase:
    return KnowledgeBase.open(CONFIG)


@pytest.fixture(scope="module")
def loaded(virtuoso, embedded) -> KnowledgeBase:
    """`kb load` run for real against the server; its report matches the embedded store."""
    done = subprocess.run(
        [str(KB), "load", "--endpoint", virtuoso.sparql, "--replace", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    store = embedded.store
    names = store.graph_names()
    assert f"into {len(names)} graphs" in done.stdout
    for name in names:
        expected = len(set(store.triples(name)))
        assert f"{expected:>7}  {name}" in done.stdout, name
    return KnowledgeBase.remote(CONFIG, virtuoso.sparql, timeout=120)


def term_key(term) -> tuple:
    """A term compared by meaning: numbers by value, blank nodes (skolemised remotely) alike."""
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode) or (isinstance(term, URIRef) and str(term).startswith(GENID)):
        return ("bnode",)
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return ("bool", value)
        if isinstance(value, int | float | Decimal):
            return ("number", round(float(value), 9))
        return ("literal", str(term), (term.language or "").lower(), str(term.datatype or ""))
    return ("iri", str(term))


def answer(result: QueryResult, foreign: set[str]) -> object:
    """The answer as a multiset of rows (or triples), leaving out two known differences:
    anything mentioning a blank node (sent skolemised, so isIRI() sees IRIs there) and
    Virtuoso's own system graphs (`foreign`), which GRAPH ?g also visits there."""

    def keep(terms) -> bool:
        keys = [term_key(t) for t in terms]
        return ("bnode",) not in keys and not any(str(t) in foreign for t in terms)

    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        triples = [t for t in result.graph or [] if keep(t)]
        return Counter(tuple(term_key(x) for x in t) for t in triples)
    rows = [row for row in result.rows if keep(row)]
    return list(result.variables), Counter(tuple(term_key(t) for t in row) for row in rows)


def ordered_answer(result: QueryResult, foreign: set[str]) -> list[tuple]:
    """A SELECT's rows in the order they came, compared as `answer` compares them (rows with
    a blank node or a system graph left out: dropping rows keeps the others' order)."""
    return [
        tuple(term_key(t) for t in row)
        for row in result.rows
        if ("bnode",) not in [term_key(t) for t in row] and not any(str(t) in foreign for t in row)
    ]


def test_load_graph_names_survive(loaded, embedded):
    remote = set(loaded.store.graph_names())
    assert set(embedded.store.graph_names()) <= remote


@pytest.mark.parametrize("name", CATALOGUE)
def test_stored_query_answers_match(loaded, embedded, name):
    foreign = set(loaded.store.graph_names()) - set(embedded.store.graph_names())
    here, there = embedded.execute(name), loaded.execute(name)
    assert answer(there, foreign) == answer(here, foreign)
    if here.kind == "select":  # every stored SELECT states an order: rows in order, too
        assert ordered_answer(there, foreign) == ordered_answer(here, foreign)


def kb_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KB), *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_kb_query_run_against_virtuoso(loaded, virtuoso, embedded):
    name = CATALOGUE[0]
    done = kb_cli("query", "run", name, "--endpoint", virtuoso.sparql, "--format", "tsv")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line]
    assert len(lines) - 1 == len(embedded.execute(name).rows)


@pytest.mark.parametrize(
    "request_fields",
    [
        {"organisation": URIRef(CONFIG.base_iri + "id/organisation/afil")},
        {"team": (URIRef(CONFIG.base_iri + "id/organisation/afil"),), "fill": 3, "limit": 3},
    ],
    ids=["for", "team-fill"],
)
def test_match_on_virtuoso_gives_the_embedded_answer(loaded, embedded, request_fields):
    """The matchmaker's signals are SPARQL: through a remote endpoint they rank the same
    candidates with the same scores and cite the same graphs and sections."""
    from kb.matching import MatchRequest, match

    request = MatchRequest(**request_fields)
    here, there = match(embedded, request), match(loaded, request)
    assert [(s.candidate, s.score) for s in there.suggestions] == [
        (s.candidate, s.score) for s in here.suggestions
    ]
    for mine, theirs in zip(here.suggestions, there.suggestions, strict=True):
        assert {
            (e.subject, e.predicate, e.object, e.graph, e.section) for e in theirs.evidence
        } == {(e.subject, e.predicate, e.object, e.graph, e.section) for e in mine.evidence}


def test_kb_match_against_virtuoso(loaded, virtuoso):
    done = kb_cli("match", "--for", "afil", "--endpoint", virtuoso.sparql, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["suggestions"]) == 10


def test_every_named_graph_comes_back_isomorphic(loaded):
    """kb.nq -> `kb load` -> Virtuoso -> CONSTRUCT back: each named graph is the same graph.
    Blank nodes travel as skolem IRIs under .well-known/genid/ and come back as blank nodes.
    Numbers are compared by value: Virtuoso keeps a decimal without fraction digits as an
    integer ("156125.0"^^xsd:decimal comes back "156125"^^xsd:integer); every other literal is
    compared exactly, lexical form, datatype and language."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    built = KnowledgeBase.open(CONFIG, engine="oxigraph", reuse_build=True)
    number = URIRef("urn:x-kb-test:number")

    def normalised(graph: Graph) -> Graph:
        def term(t):
            if str(t).startswith(GENID):
                return BNode(str(t)[len(GENID) :])
            key = term_key(t)
            if key[0] == "number":
                return Literal(repr(key[1]), datatype=number)
            return t

        out = Graph()
        for s, p, o in graph:
            out.add((term(s), p, term(o)))
        return out

    text = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    names = built.store.graph_names()
    for name in names:
        here = normalised(built.store.graph(name))
        there = normalised(loaded.store.query(text, {"g": URIRef(name)}).graph)
        assert len(there) == len(here), name
        assert isomorphic(here, there), name
    assert len(names) > 40  # every source file's graph, the ontology's and the inferred one


@pytest.mark.parametrize("term", ["robot", "ROBOT"])
def test_projects_by_topic_searches_titles_on_virtuoso(loaded, term):
    rows = loaded.execute("projects-by-topic", term=term).rows
    assert {str(project) for project, _label, _matched in rows} == ROBOT_PROJECTS
    assert [str(label) for _p, label, _m in rows] == [
        "FourByThree",
        "HORSE",
        "PERFoRM",
        "SYMPLEXITY",
    ]


def test_labels_sort_as_readers_expect_on_virtuoso(loaded, virtuoso):
    """The mixed-case and accented labels of query_fixtures, in a graph of their own on the
    server (dropped afterwards), come back in the reader order the embedded engines give."""
    from kb.publish.upload import _Sender, upload
    from kb.store import OxigraphStore

    store = OxigraphStore()
    store.add_graph(COLLATION_GRAPH, collation_triples())
    upload(store, virtuoso.sparql, target_graph=COLLATION_GRAPH, progress=None)
    try:
        assert reader_labels(loaded) == [label for _slug, label in READER_ORDER]
    finally:
        _Sender(virtuoso.sparql, "update", None, None, 60).update(
            f"DROP SILENT GRAPH <{COLLATION_GRAPH}>"
        )


def test_label_search_is_case_insensitive_beyond_ascii_on_virtuoso(loaded, embedded):
    """LCASE folds "Ö" on Virtuoso as on the embedded engines: the same rows for a NUTS name
    typed in capitals."""
    here = embedded.execute("label-search", term="OBERÖSTERREICH").rows
    assert CONFIG.base_iri + "id/region/AT31" in {str(r[0]) for r in here}
    assert loaded.execute("label-search", term="OBERÖSTERREICH").rows == here
