"""The one-way pipeline: load -> infer -> validate -> checks -> report.

`build()` runs every stage on one Oxigraph store (the source files' named graphs, the inferred
graph, their union as the default graph) and returns it with what each stage found;
`write_outputs()` writes the artefacts atomically. Nothing is written for a build
that stops on an error; a build that does not conform writes only its reports.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import weakref
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal

from kb.build.manifest import MANIFEST, HashingWriter, input_hashes, manifest_text
from kb.build.reuse import reusable_inferred
from kb.core.config import DISK_ABOVE, Config
from kb.core.errors import KBError, ShapeError
from kb.core.fileio import AtomicFiles
from kb.fulltext.index import SEARCH_INDEX, IndexStats, write_index
from kb.load import SourceFile, load, source_files
from kb.reason import infer
from kb.reason.compiled import rules_fingerprint
from kb.reason.entailments import raise_clashes
from kb.shacl import validate
from kb.shacl.compiled import validate_store
from kb.shacl.report import ValidationOutcome
from kb.shacl.shapes import ShapesGraph, check_shapes, load_shapes, locate_error
from kb.sparql.checks import CheckOutcome, check_catalogue, run_checks
from kb.store import OxigraphStore, Store, open_store

INFERRED_GRAPH = "graph/inferred"


@dataclass
class BuildResult:
    config: Config
    # The Oxigraph store every stage ran on: source files in their named graphs, the inferred
    # graph, and their union as the default graph.
    engine: OxigraphStore
    store_kind: str  # the engine queries should use: rdflib (a copy, made when asked) or oxigraph
    files: list[tuple[SourceFile, int]]
    asserted: int
    inferred: int
    validation: ValidationOutcome | None
    checks: list[CheckOutcome]
    timings: dict[str, float] = field(default_factory=dict)
    class_counts: Counter = field(default_factory=Counter)
    # OWL constructs the ontology uses that no OWL 2 RL rule reads (kb.reason.compiled.outside_rl)
    outside_rl: dict[str, int] = field(default_factory=dict)
    queries_parsed: int = 0  # stored queries and checks parsed (check_catalogue)
    # {path: SHA-256} of every input as read, for build/manifest.json (kb.build.manifest)
    inputs: dict[str, str] = field(default_factory=dict)
    # how the inferred graph was made: the profile's reasoner, or the previous build's reused
    inferred_how: str = ""

    @cached_property
    def store(self) -> Store:
        """The built knowledge base in the configured engine (`kb build` itself never needs
        the rdflib copy, so it is made only for callers that query it)."""
        if self.store_kind == "oxigraph":
            return self.engine
        store = open_store(self.store_kind)
        for name in self.engine.graph_names():
            store.add_graph(name, self.engine.triples(name))
        return store

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
    reuse: bool = True,
) -> BuildResult:
    """Every stage on a fresh Oxigraph store. With `reuse`, the previous build's inferred graph
    is taken from build/kb.nq when no changed file can reach a rule (kb.build.reuse)."""
    store_kind = store_kind or config.store
    open_store(store_kind)  # an unknown engine fails before any work
    profile = inference or config.inference
    # Every configured input exists, and the shapes and stored queries are readable, before
    # any work: a CI job must not pass with validation or a query silently off.
    config.check_inputs(shapes=validate_data, checks=run_integrity_checks)
    inputs = input_hashes(config)  # before reading: an edit during the build makes it stale
    shapes = read_shapes(config) if validate_data else None
    queries = check_catalogue(config) if run_integrity_checks else 0
    # Every stage runs on Oxigraph: its parser, the rules, the compiled shapes and the checks
    # are Rust; the configured query engine gets a copy only if someone asks for it.
    engine = _working_store(config, progress)
    try:
        return _stages(
            config,
            engine,
            store_kind,
            profile,
            shapes,
            run_integrity_checks,
            queries,
            inputs,
            progress,
            reuse,
        )
    except BaseException:
        engine.discard()  # an on-disk store goes now, not when the traceback is dropped
        raise


def _stages(
    config: Config,
    engine: OxigraphStore,
    store_kind: str,
    profile: str,
    shapes: ShapesGraph | None,
    run_integrity_checks: bool,
    queries: int,
    inputs: dict[str, str],
    progress: bool,
    reuse: bool,
) -> BuildResult:
    """load -> infer -> validate -> checks on `engine`, each stage timed."""
    timings: dict[str, float] = {}
    with _stage(timings, "load", progress):
        files = load(config, engine, progress=progress)
    asserted = engine.count()  # distinct triples: files may repeat one another
    with _stage(timings, "infer", progress):
        inferred, inferred_how = _infer_or_reuse(config, engine, profile, reuse, inputs, progress)
    from kb.reason.compiled import outside_rl

    unread = outside_rl(engine.store) if profile in ("rules", "owlrl") else {}
    validation, checks = _validate_and_check(
        config, engine, shapes, run_integrity_checks, timings, progress
    )
    return BuildResult(
        config,
        engine,
        store_kind,
        files,
        asserted,
        inferred,
        validation,
        checks,
        timings,
        class_counts(engine, config.base_iri),
        unread,
        queries,
        inputs,
        inferred_how,
    )


def _validate_and_check(
    config: Config,
    engine: OxigraphStore,
    shapes: ShapesGraph | None,
    run_integrity_checks: bool,
    timings: dict[str, float],
    progress: bool,
) -> tuple[ValidationOutcome | None, list[CheckOutcome]]:
    """SHACL validation and the integrity checks, side by side on two threads: both only read
    the store, and Oxigraph evaluates their queries without holding the GIL (at 10^6 the two
    took 21 s one after the other, 16.5 s side by side on 2 cores)."""

    def validation() -> ValidationOutcome | None:
        if shapes is None:
            return None
        with _stage(timings, "validate", progress):
            return _validate(config, engine, shapes)

    def checks() -> list[CheckOutcome]:
        if not run_integrity_checks:
            return []
        with _stage(timings, "checks", progress):
            return run_checks(engine, config.checks_dir)

    # pySHACL's reference runner forks worker processes: not while another thread works
    if (os.cpu_count() or 1) < 2 or config.validation == "pyshacl":
        return validation(), checks()
    for name, wanted in (("validate", shapes is not None), ("checks", run_integrity_checks)):
        if wanted:
            timings[name] = 0.0  # the summary lists the stages in this order
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kb-build") as pool:
        validated, checked = pool.submit(validation), pool.submit(checks)
        return validated.result(), checked.result()


def turtle_bytes(config: Config) -> int:
    return sum(source.path.stat().st_size for source in source_files(config))


def _working_store(config: Config, progress: bool) -> OxigraphStore:
    """Oxigraph in memory, or on disk in build/.store-<pid>-<n> (removed when the build's store
    is dropped or the process ends); `auto` chooses the disk above DISK_ABOVE bytes."""
    storage = config.storage
    if storage == "auto":
        size = turtle_bytes(config)
        storage = "disk" if size > DISK_ABOVE else "memory"
        if storage == "disk":
            print(
                f"build: {size / 2**20:,.0f} MiB of Turtle, over {DISK_ABOVE >> 20} MiB: the "
                f"KB is kept in Oxigraph's on-disk store under {config.build_dir} (set "
                '[tool.kb] storage = "memory" to keep it in memory)',
                file=sys.stderr,
                flush=True,
            )
    if storage == "memory":
        return OxigraphStore()
    config.build_dir.mkdir(parents=True, exist_ok=True)
    for old in config.build_dir.glob(".store-*"):  # left by a build that was killed
        pid = old.name.split("-")[1]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f".store-{os.getpid()}-", dir=config.build_dir))
    if progress:
        print(f"build: on-disk store {folder}", file=sys.stderr, flush=True)
    engine = OxigraphStore(str(folder))
    engine.discard = weakref.finalize(engine, _remove_folder, str(folder))
    return engine


def _remove_folder(folder: str, tries: int = 40) -> None:
    """rmtree, again while it is not gone: RocksDB's own threads (a bulk load's writers, a
    flush) may still add a file while the tree is being removed, and one pass then leaves the
    folder behind (seen under load in CI)."""
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _infer_or_reuse(
    config: Config,
    engine: OxigraphStore,
    profile: str,
    reuse: bool,
    inputs: dict[str, str],
    progress: bool,
) -> tuple[int, str]:
    """(inferred triples, how they were made): the previous build's inferred graph when
    kb.build.reuse finds that no change reaches a rule, else the profile's reasoner."""
    if not reuse:
        return _infer(config, engine, profile), f"{profile} (--clean)"
    if profile != "rules":
        return _infer(config, engine, profile), profile
    iri = config.base_iri + INFERRED_GRAPH
    found, why = reusable_inferred(config, engine, iri, inputs)
    if found is None:
        return _infer(config, engine, profile), f"{profile} (not reused: {why})"
    engine.load_ntriples(found.ntriples(), iri)
    if progress:
        print(f"infer: the previous build's inferred graph ({why})", file=sys.stderr, flush=True)
    return engine.count(iri), f"reused from the previous build: {why}"


def _infer(config: Config, engine: OxigraphStore, profile: str) -> int:
    """Materialise entailments into the graph `inferred_graph_iri` (and the default graph,
    the union); returns how many."""
    iri = config.base_iri + INFERRED_GRAPH
    if profile == "rules":
        return _rules_in_place(engine, iri)
    # The reference reasoners (owlrl, rdfs) work on one rdflib graph of everything asserted.
    inferred = infer(engine.graph(), profile).inferred
    engine.add_graph(iri, inferred)
    return len(inferred)


def _rules_in_place(engine: OxigraphStore, iri: str) -> int:
    # keep_only: the default graph gets only what kb.reason.entailments's filter keeps, so
    # validation and
    # queries in place see what the reference path (owlrl, then pySHACL) sees.
    from kb.reason.compiled import materialise

    stats = materialise(engine.store, keep_only=True, bulk=engine.on_disk, graph=iri)
    raise_clashes(stats["clashes"])
    return int(stats["written"])


def _validate(config: Config, engine: OxigraphStore, shapes: ShapesGraph) -> ValidationOutcome:
    try:
        if config.validation == "pyshacl":
            # The reference: pySHACL over the union of asserted and inferred triples, one
            # process per core (2x faster than one on 2 cores, the same results)
            return validate(engine.graph(), shapes, "pyshacl-parallel", config.prefixes)
        return validate_store(engine.store, shapes, config.prefixes)
    except ShapeError as exc:  # named with the file and line of the shape, as a syntax error
        raise locate_error(exc, shapes) from None


def read_shapes(config: Config) -> ShapesGraph:
    """Every shape of shapes_dir, each parameter value checked
    (kb.shacl.pyshacl_engine.check_shapes), an
    error named with its file and line; KBError when the folder holds no shape."""
    shapes = load_shapes(config.shapes_dir)
    if not shapes.sources:
        raise KBError(
            f"shapes_dir {config.shapes_dir} holds no Turtle file: the data would not be "
            "validated; add shapes, or build with --no-shapes on purpose"
        )
    try:
        check_shapes(shapes)
    except ShapeError as exc:
        raise locate_error(exc, shapes) from None
    return shapes


_CLASS_COUNTS = """SELECT ?class (COUNT(?s) AS ?n) WHERE {
  ?s a ?class FILTER(isIRI(?class) && STRSTARTS(STR(?class), ?base)) } GROUP BY ?class"""


def class_counts(engine: Store, base_iri: str) -> Counter:
    """Instances per class of the knowledge base's own vocabulary (asserted or inferred)."""
    rows = engine.query(_CLASS_COUNTS, {"base": Literal(base_iri)}).rows
    return Counter({cls: int(n) for cls, n in rows})


def write_outputs(result: BuildResult) -> list[str]:
    """Write the reports, build/manifest.json and, for a conforming build, the built knowledge
    base and its text index (kb.fulltext.index): all of them or none
    (kb.core.fileio.AtomicFiles), so an interrupted write leaves the previous build/ whole. A
    build that does not conform removes
    the previous kb.nq and text index: its new reports describe other data, and nothing may
    answer from them as if they did not."""
    out = result.config.build_dir
    written = []
    with AtomicFiles() as files:
        if result.validation is not None:
            report: Graph = result.validation.report_graph
            files.write(out / "validation-report.ttl", report.serialize(format="turtle"))
            files.write(out / "validation-report.txt", result.validation.text() + "\n")
            written += ["validation-report.ttl", "validation-report.txt"]
        kb_nq = None
        index: IndexStats | None = None
        if result.conforms:
            with files.writer(out / "kb.nq", "wb") as stream:
                kb_nq = HashingWriter(stream)
                result.engine.write_nquads(kb_nq)  # type: ignore[arg-type]
            written.append("kb.nq")
            # the text index of the same quads, tied to this kb.nq by its SHA-256
            with files.path(out / SEARCH_INDEX) as tmp:
                index = write_index(
                    result.engine, tmp, result.inferred_graph_iri, kb_nq.digest.hexdigest()
                )
            result.timings["index"] = index.seconds
            written.append(SEARCH_INDEX)
        files.write(out / MANIFEST, _manifest(result, kb_nq, index))
        written.append(MANIFEST)
        if not result.conforms:  # last, once every new file is written; renamed just after
            (out / "kb.nq").unlink(missing_ok=True)
            (out / SEARCH_INDEX).unlink(missing_ok=True)
    if result.validation is None:  # --no-shapes: an older report would describe other data
        for name in ("validation-report.ttl", "validation-report.txt"):
            (out / name).unlink(missing_ok=True)
    return written


def _manifest(
    result: BuildResult, kb_nq: HashingWriter | None, index: IndexStats | None = None
) -> str:
    v = result.validation
    counts = {
        "files": len(result.files),
        "graphs": len(result.engine.graph_names()),
        "triples_asserted": result.asserted,
        "triples_inferred": result.inferred,
        "violations": v.count("Violation") if v is not None else None,
        "warnings": v.count("Warning") if v is not None else None,
        "checks_failed": sorted(c.name for c in result.checks if not c.passed),
        "checks_run": len(result.checks),
    }
    return manifest_text(
        result.config,
        result.inputs,
        counts,
        validated=v is not None,
        conforms=result.conforms,
        kb_nq=kb_nq,
        search_index=index,
        reasoner=rules_fingerprint() if result.config.inference == "rules" else None,
    )
