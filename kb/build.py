"""The one-way pipeline: load -> infer -> validate -> checks -> report.

`build()` returns the loaded store (asserted graphs plus the inferred graph) with what each
stage found; `write_outputs()` writes the artefacts atomically. Nothing is written for a build
that stops on an error; a build that does not conform writes only its reports.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from .checks import CheckOutcome, run_checks
from .config import Config
from .fileio import atomic_write, atomic_writer
from .infer import infer
from .load import SourceFile, load
from .store import OxigraphStore, Store, open_store
from .validate import ValidationOutcome, load_shapes
from .validate_fast import validate_parallel

INFERRED_GRAPH = "graph/inferred"


@dataclass
class BuildResult:
    config: Config
    store: Store
    files: list[tuple[SourceFile, int]]
    asserted: int
    inferred: int
    validation: ValidationOutcome | None
    checks: list[CheckOutcome]
    timings: dict[str, float] = field(default_factory=dict)
    class_counts: Counter = field(default_factory=Counter)

    @property
    def inferred_graph_iri(self) -> str:
        return self.config.base_iri + INFERRED_GRAPH

    @property
    def conforms(self) -> bool:
        valid = self.validation is None or self.validation.conforms
        return valid and all(c.passed for c in self.checks)


def _stage(timings: dict[str, float], name: str, progress: bool):
    class _Timer:
        def __enter__(self):
            if progress:
                print(f"{name} ...", file=sys.stderr, flush=True)
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            timings[name] = time.perf_counter() - self.start
            return False

    return _Timer()


def build(
    config: Config,
    *,
    store_kind: str | None = None,
    inference: str | None = None,
    validate_data: bool = True,
    run_integrity_checks: bool = True,
    progress: bool = False,
) -> BuildResult:
    timings: dict[str, float] = {}
    store = open_store(store_kind or config.store)
    with _stage(timings, "load", progress):
        files = load(config, store, progress=progress)
        asserted = store.graph()
    with _stage(timings, "infer", progress):
        inferred = infer(asserted, inference or config.inference).inferred
        store.add_graph(config.base_iri + INFERRED_GRAPH, inferred)
    union = asserted + inferred
    validation = None
    if validate_data:
        with _stage(timings, "validate", progress):
            shapes = load_shapes(config.shapes_dir)
            validation = validate_parallel(union, shapes, config.prefixes)
    checks: list[CheckOutcome] = []
    if run_integrity_checks:
        with _stage(timings, "checks", progress):
            checks = run_checks(query_engine(store), config.checks_dir)
    counts: Counter = Counter()
    for _s, cls in union.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and str(cls).startswith(config.base_iri):
            counts[cls] += 1
    return BuildResult(
        config, store, files, len(asserted), len(inferred), validation, checks, timings, counts
    )


def query_engine(store: Store) -> Store:
    """The store itself if it is Oxigraph, else an Oxigraph copy of its named graphs: the
    integrity checks take seconds on rdflib's engine even on the seed KB (GROUP BY over every
    object, OPTIONAL on every typed node) and milliseconds on Oxigraph, with the same rows."""
    if isinstance(store, OxigraphStore):
        return store
    mirror = OxigraphStore()
    for name in store.graph_names():
        mirror.add_graph(name, store.triples(name))
    return mirror


def dataset_of(store: Store) -> Dataset:
    """The store's named graphs as an rdflib Dataset (for serialising N-Quads / TriG)."""
    ds = Dataset()
    for name in store.graph_names():
        g = ds.graph(URIRef(name))
        for triple in store.triples(name):
            g.add(triple)
    return ds


def write_outputs(result: BuildResult) -> list[str]:
    """Write the reports and, for a conforming build, the built knowledge base."""
    out = result.config.build_dir
    written = []
    if result.validation is not None:
        report: Graph = result.validation.report_graph
        atomic_write(out / "validation-report.ttl", report.serialize(format="turtle"))
        atomic_write(out / "validation-report.txt", result.validation.text() + "\n")
        written += ["validation-report.ttl", "validation-report.txt"]
    if result.conforms:
        with atomic_writer(out / "kb.nq", "wb") as stream:
            dataset_of(result.store).serialize(stream, format="nquads")
        written.append("kb.nq")
    return written
