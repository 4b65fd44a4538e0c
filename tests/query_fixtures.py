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
