"""The knowledge base built once per test session for the query tests (rdflib), and the very
same quads copied into Oxigraph so that both engines answer over identical data."""

from __future__ import annotations

import pytest

from kb.catalogue import KnowledgeBase
from kb.config import load_config
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


# "robot" in the seeds (../shared/seeds/002_*.txt, Annex 2): FourByThree ("robotic solutions
# ... human robot collaboration"), SYMPLEXITY ("Symbiotic Human-Robot Solutions") and HORSE
# ("Smart integrated Robotics system") are the robotics projects; PERFoRM's title ("...
# Reconfiguration of Flexible Robots and Machinery") has the word too. Each only in dct:title.
ROBOT_PROJECTS = {
    "https://w3id.org/mfg-clusters/id/project/" + slug
    for slug in ("fourbythree", "symplexity", "horse", "perform")
}
