"""The pipeline stages on small fixtures: load errors, entailments, validation, outputs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kb.build.pipeline import build, write_outputs
from kb.core.config import load_config
from kb.core.errors import InconsistencyError, RDFSyntaxError
from kb.core.namespaces import ID, MC
from kb.load import parse_file, source_files
from kb.reason import infer

PREFIXES = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix id: <https://w3id.org/mfg-clusters/id/> .
@prefix region: <https://w3id.org/mfg-clusters/id/region/> .
@prefix organisation: <https://w3id.org/mfg-clusters/id/organisation/> .
@prefix project: <https://w3id.org/mfg-clusters/id/project/> .
@prefix cluster: <https://w3id.org/mfg-clusters/id/cluster/> .
@prefix participation: <https://w3id.org/mfg-clusters/id/participation/> .
@prefix figure: <https://w3id.org/mfg-clusters/id/figure/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""

SAMPLE = (
    PREFIXES
    + r"""
<> a mc:SourceGraph ; prov:wasDerivedFrom <https://w3id.org/mfg-clusters/id/source/test> .
region:ITC4 a mc:Region ; mc:withinRegion region:ITC .
region:ITC a mc:Region ; mc:withinRegion region:IT .
region:IT a mc:Region .
organisation:afil a mc:ClusterOrganisation ; mc:locatedIn region:ITC4 ;
    mc:collaboratesWith organisation:cequip ; mc:animates cluster:afil .
participation:beincpps\/afil a mc:Participation ;
    mc:inProject project:beincpps ; mc:participant organisation:afil .
figure:afil\/members\/x a mc:Figure ; mc:figureOf organisation:afil ; mc:value 147 .
"""
)


def ontology_and(data: str) -> Graph:
    graph = Graph()
    for source in source_files(load_config()):
        if source.path.is_relative_to(load_config().root / "ontology"):
            graph += parse_file(source.path)
    return graph + Graph().parse(data=data, format="turtle", publicID="https://x.test/g")


@pytest.fixture(scope="module", params=["owlrl", "rules"])
def entailed(request: pytest.FixtureRequest) -> Graph:
    """The reference reasoner and the default fast rules must both give each entailment."""
    return infer(ontology_and(SAMPLE), request.param).inferred


@pytest.mark.parametrize(
    ("s", "p", "o"),
    [
        # region containment is transitive, and its inverse holds
        (ID["region/ITC4"], MC.withinRegion, ID["region/IT"]),
        (ID["region/IT"], MC.containsRegion, ID["region/ITC4"]),
        # being located in a region means being located in every region containing it
        (ID["organisation/afil"], MC.locatedIn, ID["region/IT"]),
        # collaboration is symmetric
        (ID["organisation/cequip"], MC.collaboratesWith, ID["organisation/afil"]),
        # inverses of participation and animation
        (ID["project/beincpps"], MC.hasParticipation, ID["participation/beincpps/afil"]),
        (ID["cluster/afil"], MC.animatedBy, ID["organisation/afil"]),
        (ID["organisation/afil"], MC.hasFigure, ID["figure/afil/members/x"]),
        # the participation chain gives the direct organisation -> project link
        (ID["organisation/afil"], MC.participatedIn, ID["project/beincpps"]),
        (ID["project/beincpps"], MC.hasParticipant, ID["organisation/afil"]),
        # class hierarchy, including the alignment to EURIO and ORG
        (ID["organisation/afil"], RDF.type, URIRef("http://www.w3.org/ns/org#FormalOrganization")),
        (ID["participation/beincpps/afil"], RDF.type, URIRef("http://data.europa.eu/s66#Role")),
        (ID["project/beincpps"], RDF.type, MC.Project),
    ],
)
def test_expected_entailment(entailed: Graph, s, p, o) -> None:
    assert (s, p, o) in entailed


def test_inferred_graph_holds_no_asserted_or_noise_triples(entailed: Graph) -> None:
    asserted = ontology_and(SAMPLE)
    assert not any(t in asserted for t in entailed)
    assert not any(isinstance(s, Literal) for s, _p, _o in entailed)
    assert not any(
        s == o for s, p, o in entailed if p == URIRef("http://www.w3.org/2002/07/owl#sameAs")
    )


def test_rdfs_profile_gives_subclass_but_not_owl_entailments() -> None:
    inferred = infer(ontology_and(SAMPLE), "rdfs").inferred
    role = URIRef("http://data.europa.eu/s66#OrganisationRole")
    assert (ID["participation/beincpps/afil"], RDF.type, role) in inferred  # rdfs:subClassOf
    assert (ID["region/ITC4"], MC.withinRegion, ID["region/IT"]) not in inferred  # transitivity


@pytest.mark.parametrize("profile", ["owlrl", "rules"])
def test_inconsistency_fails_inference(profile: str) -> None:
    clash = PREFIXES + "id:x a mc:Figure ; owl:differentFrom id:x .\n"
    with pytest.raises(InconsistencyError, match="inconsistent"):
        infer(ontology_and(clash), profile)


@pytest.mark.parametrize("profile", ["owlrl", "rules"])
def test_disjoint_eurio_classes_fail_inference(profile: str) -> None:
    """EURIO declares eurio:SME and eurio:ForProfitOrganisation disjoint."""
    clash = PREFIXES + "id:x a mc:SME , mc:LargeCompany .\n"
    with pytest.raises(InconsistencyError, match="x"):
        infer(ontology_and(clash), profile)


def test_syntax_error_names_file_line_and_column(tmp_path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'id:a mc:value 1 ;\n  mc:value "unterminated .\n', encoding="utf-8")
    with pytest.raises(RDFSyntaxError) as info:
        parse_file(bad)
    assert info.value.path == bad
    assert info.value.line == PREFIXES.count("\n") + 2
    assert info.value.column is not None
    assert str(info.value).startswith(f"{bad}:{info.value.line}:{info.value.column}: syntax error")


def test_build_separates_asserted_and_inferred_graphs(project) -> None:
    root = project({"sample.ttl": SAMPLE})
    result = build(load_config(root))
    names = result.store.graph_names()
    assert f"{result.config.base_iri}graph/data/sample" in names
    assert result.inferred_graph_iri in names
    data_graph = result.store.graph(f"{result.config.base_iri}graph/data/sample")
    assert (ID["region/ITC4"], MC.withinRegion, ID["region/IT"]) not in data_graph
    inferred = result.store.graph(result.inferred_graph_iri)
    assert (ID["region/ITC4"], MC.withinRegion, ID["region/IT"]) in inferred
    # `<>` in a data file names that file's own graph
    me = URIRef(f"{result.config.base_iri}graph/data/sample")
    assert (me, RDF.type, MC.SourceGraph) in data_graph


def test_conforming_build_writes_kb_and_reports(project) -> None:
    root = project({"sample.ttl": SAMPLE})
    result = build(load_config(root))
    assert result.conforms
    written = write_outputs(result)
    assert set(written) == {
        "validation-report.ttl",
        "validation-report.txt",
        "kb.nq",
        "search.sqlite",
        "manifest.json",
    }
    quads = (root / "build" / "kb.nq").read_text(encoding="utf-8")
    assert "<https://w3id.org/mfg-clusters/graph/inferred>" in quads
    assert not list((root / "build").glob(".*.tmp"))


def test_build_loads_with_oxigraph_and_a_syntax_error_names_the_file(project) -> None:
    good = SAMPLE
    bad = PREFIXES + 'id:a mc:value 1 ;\n  mc:value "unterminated .\n'
    root = project({"a-good.ttl": good, "b-bad.ttl": bad})
    with pytest.raises(RDFSyntaxError) as info:
        build(load_config(root))
    assert info.value.path.name == "b-bad.ttl"
    assert info.value.line == PREFIXES.count("\n") + 2
    assert str(info.value).startswith(f"{info.value.path}:{info.value.line}:")
    assert not (root / "build" / "kb.nq").exists()


def test_oxigraph_loader_leaves_the_store_as_it_was_on_a_syntax_error(tmp_path) -> None:
    from kb.store import OxigraphStore

    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(SAMPLE, encoding="utf-8")
    bad.write_text(PREFIXES + "id:a mc:value .\n", encoding="utf-8")
    store = OxigraphStore()
    store.add_graph("urn:before", [(ID.x, MC.value, Literal(1))])
    with pytest.raises(RDFSyntaxError):
        store.load_turtle_files([("urn:good", good), ("urn:bad", bad)])
    assert store.graph_names() == ["urn:before"]
    assert len(store) == 1 and store.count() == 1
    assert store.load_turtle_files([("urn:good", good)]) == [len(parse_file(good, "urn:good"))]
    # the default graph stays the union of the named graphs
    assert store.count() == len(store.graph("urn:good") + store.graph("urn:before"))


@pytest.mark.parametrize("kind", ["rdflib", "oxigraph"])
def test_the_configured_store_holds_what_the_build_wrote(project, kind: str) -> None:
    root = project({"sample.ttl": SAMPLE})
    result = build(load_config(root, store=kind))
    assert result.store.name == kind
    write_outputs(result)
    written = Dataset()
    written.parse(root / "build" / "kb.nq", format="nquads")
    names = {str(g.identifier) for g in written.graphs() if len(g)}
    assert names == set(result.store.graph_names())
    for name in names:
        assert isomorphic(written.graph(URIRef(name)), result.store.graph(name)), name
    # the default graph (the union) is not written: every quad has a graph name
    quads = list(ox.parse(path=str(root / "build" / "kb.nq"), format=ox.RdfFormat.N_QUADS))
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    assert len(quads) == sum(result.engine.count(n) for n in names)


def test_validation_setting_is_checked_and_named_in_the_summary(project, monkeypatch) -> None:
    from kb.cli.build import summary
    from kb.core.errors import KBError

    root = project({"sample.ttl": SAMPLE})
    monkeypatch.setenv("KB_VALIDATION", "shaclex")
    with pytest.raises(KBError, match="validation must be one of sparql, pyshacl"):
        load_config(root)
    monkeypatch.setenv("KB_VALIDATION", "pyshacl")
    result = build(load_config(root), run_integrity_checks=False)
    assert "(validated by pyshacl)" in summary(result)


@pytest.mark.parametrize("kind", ["rdflib", "oxigraph"])
def test_kb_nq_loads_back_into_either_engine(project, kind: str) -> None:
    from kb.store import load_nquads

    root = project({"sample.ttl": SAMPLE})
    result = build(load_config(root))
    write_outputs(result)
    loaded = load_nquads(root / "build" / "kb.nq", kind)
    assert loaded.name == kind
    assert loaded.graph_names() == result.engine.graph_names()
    for name in loaded.graph_names():
        assert isomorphic(loaded.graph(name), result.engine.graph(name)), name
    # the default graph is the union, once per triple
    count = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert int(loaded.query(count).rows[0][0]) == result.engine.count()
