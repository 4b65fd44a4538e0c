"""bench/generate.py's synthetic knowledge base, in memory, for tests that need bulk data."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from rdflib import Graph

REPO = Path(__file__).resolve().parent.parent


def generated_turtle(triples: int, seed: int = 11) -> str:
    spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    buffer = io.StringIO()
    generate.generate(triples, buffer, seed=seed)
    return buffer.getvalue()


def generated_graph(triples: int, seed: int = 11) -> Graph:
    graph = Graph()
    graph.parse(data=generated_turtle(triples, seed), format="turtle")
    return graph
