"""The fast inference path (kb/rules.py) gives exactly owlrl's inferred triples (kb/infer.py)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from rdflib import Graph

from kb.config import load_config
from kb.infer import infer
from kb.load import load
from kb.rules import infer_fast
from kb.store import RdflibStore

REPO = Path(__file__).resolve().parent.parent


def _assert_same(asserted: Graph) -> None:
    reference = set(infer(asserted, "owlrl").inferred)
    fast = set(infer_fast(asserted).inferred)
    assert reference, "the reference path infers something"
    missing, extra = reference - fast, fast - reference
    assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])


def test_fast_path_equals_owlrl_on_the_seed_kb():
    store = RdflibStore()
    load(load_config(REPO), store)
    _assert_same(store.graph())


def test_fast_path_equals_owlrl_on_a_generated_fixture():
    spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    buffer = io.StringIO()
    generate.generate(3000, buffer, seed=7)
    store = RdflibStore()
    config = load_config(REPO)
    ontology = [
        f
        for f in __import__("kb.load").load.source_files(config)
        if f.path.is_relative_to(REPO / "ontology")
    ]
    load(config, store, ontology)
    asserted = store.graph()
    asserted.parse(data=buffer.getvalue(), format="turtle", publicID="urn:x-kb:generated")
    _assert_same(asserted)
