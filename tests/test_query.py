"""The stored-query catalogue on the seed data: expected answers, engine agreement, result
formats, parameters and bad input."""

from __future__ import annotations

import io
import json

import pytest
from query_fixtures import (
    COLLATION_COUNTRY,
    COLLATION_GRAPH,
    READER_ORDER,
    ROBOT_PROJECTS,
    collation_triples,
    reader_labels,
    seed_kb,  # noqa: F401  (pytest fixture)
    seed_kb_oxigraph,  # noqa: F401  (pytest fixture)
)
from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from kb.build.knowledge_base import KnowledgeBase
from kb.cli.query import answer_text
from kb.core.config import load_config
from kb.core.errors import KBError, ParameterError
from kb.core.namespaces import SH
from kb.sparql.catalogue import (
    USERS,
    Parameter,
    StoredQuery,
    bind,
    check_stored_query,
    export_rdf,
    load_catalogue,
    ordered,
)
from kb.sparql.results import FORMATS, canonical_text, serialise, to_tsv
from kb.store import OxigraphStore, QuerySyntaxError, RdflibStore
from kb.store.remote import with_bindings

CONFIG = load_config()
CATALOGUE = load_catalogue(CONFIG.queries_dir)
NAMES = list(CATALOGUE)
INJECTIONS = ['" } ; DROP ALL ; #', "<http://x> } UNION { ?s ?p ?o }", "') } #", '\\" }']


def test_catalogue_is_complete():
    assert len(CATALOGUE) >= 30
    users = {q.user for q in CATALOGUE.values()}
    assert users == set(USERS)
    for q in CATALOGUE.values():
        assert q.title and q.question.endswith(("?", ".")), q.name
        assert q.expected_path().is_file(), f"{q.name}: no expected answer"
        assert q.kind in ("select", "construct"), q.name


@pytest.mark.parametrize("name", NAMES)
def test_stored_query_returns_its_expected_answer(seed_kb, name):  # noqa: F811
    expected = CATALOGUE[name].expected_path().read_text(encoding="utf-8")
    assert answer_text(seed_kb, name) == expected


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_and_oxigraph_agree(seed_kb, seed_kb_oxigraph, name):  # noqa: F811
    assert answer_text(seed_kb_oxigraph, name) == answer_text(seed_kb, name)


_RESULTS: dict = {}


@pytest.mark.parametrize("name", NAMES)
def test_values_block_binding_gives_the_same_answer(seed_kb, seed_kb_oxigraph, name):  # noqa: F811
    """The remote path sends parameters as a VALUES block in the text, not as engine
    bindings: on the same data it must give the same answer."""
    query = CATALOGUE[name]
    text = with_bindings(query.text, bind(query, {}, CONFIG.prefixes))
    result = ordered(query, seed_kb_oxigraph.store.query(text))
    if result.kind == "select":
        assert to_tsv(result) == answer_text(seed_kb, name)
    else:
        assert canonical_text(result) == answer_text(seed_kb, name)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_every_query_serialises(seed_kb, name, fmt):  # noqa: F811
    if name not in _RESULTS:  # one run per query, five formats
        _RESULTS[name] = seed_kb.execute(name)
    result = _RESULTS[name]
    text = serialise(result, fmt, CONFIG.prefixes)
    assert text.endswith("\n")
    if result.kind == "graph":
        parsed = Graph().parse(
            data=text, format={"table": "turtle", "json": "json-ld", "xml": "xml"}.get(fmt, "nt")
        )
        assert len(parsed) == len(result.graph)
    elif fmt in ("json", "xml", "tsv", "csv"):
        back = Result.parse(io.StringIO(text), format=fmt)
        assert [str(v) for v in back.vars] == result.variables
        assert len(back.bindings) == len(result.rows)
        if fmt != "csv":  # CSV keeps lexical forms only, so only term-exact formats compare
            original = {tuple(r) for r in result.rows}
            assert {tuple(b.get(v) for v in back.vars) for b in back.bindings} == original
    else:
        assert (
            text.splitlines()[-1]
            == f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})"
        )


def test_run_returns_typed_rows(seed_kb):  # noqa: F811
    rows = seed_kb.run("class-counts")
    assert rows and all(isinstance(r.instances, int) for r in rows)
    assert isinstance(rows[0].asdict()["class"], URIRef)
    counts = sorted((r.instances for r in rows), reverse=True)
    assert [r.instances for r in rows] == counts


def test_parameters_are_bound_as_terms(seed_kb):  # noqa: F811
    rows = seed_kb.run("label-search", term="LOMBARD")
    assert rows and all("lombard" in r.label.lower() for r in rows)
    assert "term" not in rows[0].variables  # a parameter is input, not a result column
    query = CATALOGUE["clusters-by-effra-domain"]
    bound = bind(query, {"domain": "code:effra-domain/D2"}, CONFIG.prefixes)
    assert bound == {"domain": URIRef("https://w3id.org/mfg-clusters/code/effra-domain/D2")}
    bound = bind(CATALOGUE["partner-search-domains"], {"minShared": "2"}, CONFIG.prefixes)
    assert bound["minShared"] == Literal(2)


def test_unknown_missing_and_wrong_parameters(seed_kb):  # noqa: F811
    with pytest.raises(ParameterError, match="'colour'"):
        seed_kb.run("label-search", colour="red")
    with pytest.raises(ParameterError, match="'minShared'.*integer"):
        seed_kb.run("partner-search-domains", minShared="three")
    with pytest.raises(ParameterError, match="'minShared'"):
        seed_kb.run("partner-search-domains", minShared=True)
    with pytest.raises(ParameterError, match="'domain'.*not one of"):
        seed_kb.run("clusters-by-effra-domain", domain="code:effra-domain/D9")
    with pytest.raises(ParameterError, match="'organisation'.*IRI"):
        seed_kb.run("cluster-profile-facts", organisation="not an iri")
    with pytest.raises(ParameterError, match="'term'.*string"):
        seed_kb.run("label-search", term=42)
    required = StoredQuery(
        "needs-x",
        99,
        CONFIG.queries_dir / "99_needs-x.rq",
        "SELECT ?x WHERE { ?x ?p ?o }",
        "t",
        "q?",
        "everyone",
        (Parameter("x", "iri"),),
    )
    with pytest.raises(ParameterError, match="'x'.*required"):
        bind(required, {}, CONFIG.prefixes)


def test_unknown_query_name(seed_kb):  # noqa: F811
    with pytest.raises(KBError, match="no stored query named 'nope'"):
        seed_kb.run("nope")


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_injection_strings_are_inert(seed_kb, seed_kb_oxigraph, attempt):  # noqa: F811
    size = len(seed_kb.store)
    for kb in (seed_kb, seed_kb_oxigraph):
        # As a literal the text is only ever compared with labels: no row, no change.
        assert kb.run("label-search", term=attempt) == []
        # As an IRI it is refused before any query runs.
        with pytest.raises(ParameterError, match="'organisation'"):
            kb.run("cluster-profile-facts", organisation=attempt)
    assert len(seed_kb.store) == size
    # The VALUES block a remote endpoint receives keeps the text one literal.
    text = with_bindings(CATALOGUE["label-search"].text, {"term": Literal(attempt)})
    store = OxigraphStore()
    store.add_graph(
        "http://example.org/g", [(URIRef("http://x"), URIRef("http://y"), Literal(attempt))]
    )
    result = store.query(text)
    assert [str(r[0]) for r in result.rows] == []
    probe = with_bindings("SELECT ?term WHERE { }", {"term": Literal(attempt)})
    assert store.query(probe).rows == [(Literal(attempt),)]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_syntax_error_names_the_position(seed_kb, seed_kb_oxigraph, engine):  # noqa: F811
    kb = seed_kb if engine == "rdflib" else seed_kb_oxigraph
    with pytest.raises(QuerySyntaxError) as info:
        kb.sparql("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert "line" in str(info.value) or "3:" in str(info.value)


def test_ad_hoc_query(seed_kb):  # noqa: F811
    result = seed_kb.sparql("ASK { ?s a <https://w3id.org/mfg-clusters/ontology#SourceGraph> }")
    assert result.kind == "ask" and result.boolean is True
    assert serialise(result, "json", {}).strip().endswith("}")
    assert json.loads(serialise(result, "json", {}))["boolean"] is True


def test_catalogue_exports_as_rdf():
    graph = export_rdf(CATALOGUE, CONFIG)
    executables = set(graph.subjects(predicate=None, object=SH.SPARQLExecutable))
    assert len(executables) == len(CATALOGUE)
    selects = set(graph.subjects(object=SH.SPARQLSelectExecutable))
    assert len(selects) == sum(q.kind == "select" for q in CATALOGUE.values())
    for node in executables:
        assert graph.value(node, SH.select) or graph.value(node, SH.construct)
    partner = URIRef(CONFIG.base_iri + "id/query/partner-search-domains")
    names = {str(graph.value(p, SH.name)) for p in graph.objects(partner, SH.parameter)}
    assert names == {"organisation", "region", "minShared"}
    # Round trip through Turtle keeps every triple.
    assert len(Graph().parse(data=graph.serialize(format="turtle"), format="turtle")) == len(graph)


def test_ad_hoc_kb_is_one_store(seed_kb):  # noqa: F811
    assert isinstance(seed_kb, KnowledgeBase)
    assert seed_kb.config.base_iri + "graph/inferred" in seed_kb.store.graph_names()


# --- search and order (issue 17) -----------------------------------------------------------


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("term", ["robot", "ROBOT", "Robot"])
def test_projects_by_topic_searches_titles(seed_kb, seed_kb_oxigraph, engine, term):  # noqa: F811
    """The robotics projects say "robot" only in their dct:title; the search is
    case-insensitive and names each project once per text that matched."""
    kb = seed_kb if engine == "rdflib" else seed_kb_oxigraph
    rows = kb.execute("projects-by-topic", term=term).rows
    assert {str(project) for project, _label, _matched in rows} == ROBOT_PROJECTS
    assert all("robot" in str(matched).lower() for _p, _l, matched in rows)
    labels = [str(label) for _p, label, _m in rows]
    assert labels == ["FourByThree", "HORSE", "PERFoRM", "SYMPLEXITY"]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_label_search_finds_acronyms_titles_and_nuts_names(seed_kb, seed_kb_oxigraph, engine):  # noqa: F811
    kb = seed_kb if engine == "rdflib" else seed_kb_oxigraph
    found = {str(r[0]).rsplit("/", 1)[-1] for r in kb.execute("label-search", term="robots").rows}
    assert "perform" in found  # its dct:title only: "... Flexible Robots and Machinery"
    found = {str(r[0]) for r in kb.execute("label-search", term="OBERÖSTERREICH").rows}
    assert CONFIG.base_iri + "id/region/AT31" in found  # mc:nutsName "Oberösterreich"


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_labels_sort_as_readers_expect(engine):
    store = RdflibStore() if engine == "rdflib" else OxigraphStore()
    store.add_graph(COLLATION_GRAPH, collation_triples())
    kb = KnowledgeBase(CONFIG, store, CATALOGUE)
    assert reader_labels(kb) == [label for _slug, label in READER_ORDER]
    rows = kb.execute("organisations-by-country", country=COLLATION_COUNTRY).rows
    ebro = [str(o).rsplit("-", 1)[-1] for o, label in rows if str(label) == "Ebro"]
    assert ebro == ["1", "2"]  # a label two organisations share: then by IRI


def test_every_stored_select_orders_by_projected_variables(seed_kb):  # noqa: F811
    """The order kb gives (kb/sparql/ordering.py) is read from each query's ORDER BY: it must name
    the answer's columns, so that every engine's rows come out in one order."""
    for name, query in CATALOGUE.items():
        if query.kind != "select":
            continue
        assert query.order, name
        result = seed_kb.store.query(query.text, bind(query, {}, CONFIG.prefixes))
        assert {v for v, _desc in query.order} <= set(result.variables), name


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_regions_sharing_priorities_read_the_wording_as_printed(seed_kb, seed_kb_oxigraph, engine):  # noqa: F811
    """Lombardy's priority "Key enabling technologies (...)" says "advanced manufacturing
    processes" only in its wording as printed (mc:statedAs, section 3.1.4), not its label."""
    kb = seed_kb if engine == "rdflib" else seed_kb_oxigraph
    lombardy = CONFIG.base_iri + "id/region/ITC4"
    key = "Key enabling technologies (priority themes of technological development)"
    rows = kb.execute("regions-sharing-priorities", term="MANUFACTUR").rows
    paired = {
        str(r2 if str(r1) == lombardy else r1)
        for r1, l1, r2, l2 in rows
        if key in (str(l1), str(l2)) and lombardy in (str(r1), str(r2))
    }
    assert {CONFIG.base_iri + f"id/region/{c}" for c in ("DE1", "ES51", "FRK", "PT16")} <= paired


def test_order_by_must_name_variables():
    from kb.sparql.ordering import order_keys

    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?o) ?s asc(?p)") == (
        ("o", True),
        ("s", False),
        ("p", False),
    )
    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3") == (("s", False),)
    assert order_keys("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?p } }") == ()
    with pytest.raises(KBError, match="orders by variables it projects"):
        order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY LCASE(STR(?o))")
    query = StoredQuery(
        "expr", 98, CONFIG.queries_dir / "98_expr.rq",
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY STR(?s)", "t", "q?", "everyone",
    )  # fmt: skip
    with pytest.raises(KBError, match="98_expr.rq"):
        check_stored_query(query, CONFIG.prefixes)
