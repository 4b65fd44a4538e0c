"""Load: every Turtle file of the knowledge base into its own named graph.

The graph IRI of a file is derived from its path (see Config.graph_iri), and the file is parsed
with that IRI as its base, so a file can describe its own graph as `<>` (for example
`<> prov:wasDerivedFrom <section>`). Files are checked with Oxigraph's strict parser first,
which reports line and column; rdflib then builds the graph.

May import kb.core and kb.store.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kb.core.config import Config
from kb.core.errors import RDFSyntaxError
from kb.store import OxigraphStore, Store


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph_iri: str


def source_files(config: Config) -> list[SourceFile]:
    """All Turtle files under the ontology and data folders (or named there one by one), in a
    stable order."""
    files: list[SourceFile] = []
    for folder in config.source_dirs:
        paths = [folder] if folder.is_file() else sorted(folder.rglob("*.ttl"))
        for path in paths:
            files.append(SourceFile(path, config.graph_iri(path)))
    return files


def check_syntax(path: Path, base_iri: str | None = None) -> None:
    """Raise RDFSyntaxError naming file, line and column if `path` is not valid Turtle."""
    try:
        with path.open("rb") as stream:
            for _ in ox.parse(stream, format=ox.RdfFormat.TURTLE, base_iri=base_iri):
                pass
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "offset", None)
        raise RDFSyntaxError(path, line, column, str(exc)) from exc
    except UnicodeDecodeError:
        raise not_utf8(path) from None


def not_utf8(path: Path) -> RDFSyntaxError:
    """The error for a file that is not UTF-8, at the line and column of its first bad byte
    (a decoder reading in chunks reports a position within its chunk, not the file)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return RDFSyntaxError(path, line, column, f"not UTF-8 ({exc.reason}); save it as UTF-8")
    return RDFSyntaxError(path, None, None, "not UTF-8; save it as UTF-8")


def parse_file(path: Path, base_iri: str | None = None) -> Graph:
    check_syntax(path, base_iri)
    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID=base_iri)
    except UnicodeDecodeError:  # in a comment, which Oxigraph's parser skips unread
        raise not_utf8(path) from None
    except Exception as exc:  # rdflib raises several types; all mean the file is unusable.
        raise RDFSyntaxError(path, None, None, str(exc)) from exc
    return graph


def load(
    config: Config, store: Store, files: Iterable[SourceFile] | None = None, progress: bool = False
) -> list[tuple[SourceFile, int]]:
    """Parse every source file into its named graph in `store`. A syntax error leaves the
    store as it was: rdflib parses every file before adding any, Oxigraph drops what it loaded."""
    chosen = list(files) if files is not None else source_files(config)
    if isinstance(store, OxigraphStore):
        # Oxigraph's parser writes straight into the store: no Python objects per triple.
        if progress:
            print(f"load: {len(chosen)} files (Oxigraph parser)", file=sys.stderr, flush=True)
        counts = store.load_turtle_files([(s.graph_iri, s.path) for s in chosen])
        return list(zip(chosen, counts, strict=True))
    parsed: list[tuple[SourceFile, Graph]] = []
    # Redraw one line on a terminal; print a line per 25 files into logs.
    tty = sys.stderr.isatty()
    for i, source in enumerate(chosen, 1):
        if progress and tty:
            print(f"\rload: {i}/{len(chosen)} files", end="", file=sys.stderr, flush=True)
        elif progress and (i % 25 == 0 or i == len(chosen)):
            print(f"load: {i}/{len(chosen)} files", file=sys.stderr, flush=True)
        parsed.append((source, parse_file(source.path, source.graph_iri)))
    if progress and tty and chosen:
        print(file=sys.stderr)
    counts = []
    for source, graph in parsed:
        store.add_graph(source.graph_iri, graph)
        counts.append((source, len(graph)))
    return counts
