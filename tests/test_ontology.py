"""The ontology documents every term it mints, and the data uses no undeclared term."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kb.core.config import load_config
from kb.core.namespaces import MC
from kb.load import parse_file, source_files

CONFIG = load_config()
ONTOLOGY = CONFIG.root / "ontology" / "mc.ttl"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse_file(ONTOLOGY)


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for source in source_files(CONFIG):
        if any(source.path.is_relative_to(d) for d in CONFIG.data_dirs):
            graph += parse_file(source.path, source.graph_iri)
    return graph


def minted(ontology: Graph) -> set[URIRef]:
    return {
        s
        for kind in KINDS
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(MC))
    }


def test_header_carries_title_version_licence_and_creator(ontology: Graph) -> None:
    head = URIRef(str(MC).rstrip("#"))
    for p in ("title", "description", "license", "creator"):
        assert ontology.value(head, URIRef(f"http://purl.org/dc/terms/{p}")) is not None, p
    assert ontology.value(head, OWL.versionIRI) is not None


def test_every_term_has_an_english_label_and_definition(ontology: Graph) -> None:
    missing = [
        str(t)
        for t in sorted(minted(ontology))
        if not any(lbl.language == "en" for lbl in ontology.objects(t, RDFS.label))
        or not any(d.language == "en" for d in ontology.objects(t, SKOS.definition))
    ]
    assert not missing, f"terms without an English label or definition: {missing}"


def test_data_uses_only_declared_terms(ontology: Graph, data: Graph) -> None:
    declared = minted(ontology)
    used = {p for p in data.predicates() if str(p).startswith(str(MC))}
    used |= {o for o in data.objects(None, RDF.type) if str(o).startswith(str(MC))}
    assert used - declared == set(), "terms used in data/ttl but not declared in mc.ttl"
