"""The knowledge base built once per test session for the query tests (rdflib), and the very
same quads copied into Oxigraph so that both engines answer over identical data."""

from __future__ import annotations

import pytest

from kb.build.knowledge_base import KnowledgeBase
from kb.core.config import load_config
from kb.store import OxigraphStore


@pytest.fixture(scope="session")
def seed_kb() -> KnowledgeBase:
    return KnowledgeBase.open(load_config(), engine="rdflib")


@pytest.fixture(scope="session")
def seed_kb_oxigraph(seed_kb: KnowledgeBase) -> KnowledgeBase:
    store = OxigraphStore()
    for name in seed_kb.store.graph_names():
        store.add_graph(name, seed_kb.store.triples(name))
    return KnowledgeBase(seed_kb.config, store, seed_kb.catalogue)


# Labels as readers meet them: mixed case, accents, letters NFKD does not decompose (Ø, Ł),
# a German sharp s, a label two organisations share. READER_ORDER is written out by hand (not
# computed with kb.sparql.ordering): accents and case are ignored, then the exact text decides
# ("LAZIO" before "Lazio"), then the IRI. Code-point order, what SPARQL's ORDER BY gives on
# simple strings, would put every capital first and "Émilia", "Île", "Łódź", "Øresund" last.
COLLATION_COUNTRY = "https://w3id.org/mfg-clusters/id/country/ZZ"
COLLATION_GRAPH = "urn:x-kb-test:collation"
READER_ORDER = [
    ("aachen", "Aachen"),
    ("aragon", "aragón"),
    ("ebro-1", "Ebro"),
    ("ebro-2", "Ebro"),
    ("emilia", "emilia"),
    ("emilia-romagna", "Émilia-Romagna"),
    ("friuli", "Friuli"),
    ("ibiza", "Ibiza"),
    ("ile-de-france", "Île-de-France"),
    ("lazio-caps", "LAZIO"),
    ("lazio", "Lazio"),
    ("lodz", "Łódź"),
    ("oberosterreich", "Oberösterreich"),
    ("oresund", "Øresund"),
    ("strasbourg", "Strasbourg"),
    ("strasse", "Straße"),
    ("zaragoza", "Zaragoza"),
]


def collation_triples() -> list[tuple]:
    """Organisations in COLLATION_COUNTRY labelled as in READER_ORDER, given in another order
    (reversed pairs), for organisations-by-country (ORDER BY ?organisationLabel ...)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import SKOS

    located = URIRef("https://w3id.org/mfg-clusters/ontology#locatedIn")
    base = "https://w3id.org/mfg-clusters/id/organisation/x-collation-"
    triples = []
    for slug, label in reversed(READER_ORDER):
        node = URIRef(base + slug)
        triples += [
            (node, located, URIRef(COLLATION_COUNTRY)),
            (node, SKOS.prefLabel, Literal(label, lang="en")),
        ]
    return triples


def reader_labels(kb: KnowledgeBase) -> list[str]:
    rows = kb.execute("organisations-by-country", country=COLLATION_COUNTRY).rows
    return [str(label) for _organisation, label in rows]


# "robot" in the seeds (../shared/seeds/002_*.txt, Annex 2): FourByThree ("robotic solutions
# ... human robot collaboration"), SYMPLEXITY ("Symbiotic Human-Robot Solutions") and HORSE
# ("Smart integrated Robotics system") are the robotics projects; PERFoRM's title ("...
# Reconfiguration of Flexible Robots and Machinery") has the word too. Each only in dct:title.
ROBOT_PROJECTS = {
    "https://w3id.org/mfg-clusters/id/project/" + slug
    for slug in ("fourbythree", "symplexity", "horse", "perform")
}
