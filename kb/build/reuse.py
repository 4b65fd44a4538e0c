"""Reusing the previous build's inferred graph when no changed file can reach a rule.

`kb build` after an edit loads every file again (Oxigraph parses Turtle about as fast as it
would read a cache of the same quads: 2.3 s per 10^6 triples either way), but inference is the
largest stage left that depends on the data alone. The rules read only the triples whose
predicate or class some compiled table names, and the schema
(kb.reason.compiled.rules_read); when every triple added to or removed from the changed files
is outside that set, the rules read exactly what they read last time, so they derive exactly
the same triples, and the previous build's inferred graph (in build/kb.nq) is the answer.
Anything else (a changed schema, an owl:sameAs, a typing a rule reads, a different
configuration, a kb.nq that is not the one the manifest describes) means a full inference.
tests/test_build_reuse.py compares such builds with clean ones.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kb.build.manifest import read_manifest, settings, sha256_file
from kb.core.config import Config
from kb.reason.compiled import (
    SCHEMA_CLASS_IRIS,
    SCHEMA_PREDICATE_IRIS,
    rules_fingerprint,
    rules_read,
)
from kb.store import OxigraphStore

# A changed file's graph larger than this (in kb.nq's bytes, about 150 B per quad) is not
# compared: so large a change reaches a rule almost surely, and reading it back costs about
# what inference would
MAX_COMPARED_BYTES = 32 << 20


@dataclass
class Reusable:
    """Where the previous build's inferred graph lies in its kb.nq (bytes start..end, one
    contiguous run of lines: kb.nq is written graph by graph)."""

    kb_nq: Path
    start: int
    end: int
    ending: str  # how each of its lines ends: " <graph IRI> .\n"

    def ntriples(self, block: int = 1 << 22) -> Iterator[bytes]:
        """The inferred graph's lines as N-Triples, in blocks of whole lines (the graph name
        cut from each line's end, as write_nquads appended it)."""
        ending = self.ending.encode()
        with self.kb_nq.open("rb") as stream:
            stream.seek(self.start)
            left, rest = self.end - self.start, b""
            while left > 0:
                data = rest + stream.read(min(block, left))
                left -= len(data) - len(rest)
                cut = data.rfind(b"\n") + 1 if left > 0 else len(data)
                yield data[:cut].replace(ending, b" .\n")
                rest = data[cut:]


def reusable_inferred(
    config: Config, engine: OxigraphStore, inferred_iri: str, inputs: dict[str, str]
) -> tuple[Reusable | None, str]:
    """(where the previous inferred graph is, why it can be reused) or (None, why not), for
    `engine` loaded with the files as they are now, whose hashes are `inputs`
    (kb.build.manifest.input_hashes, taken when the build started)."""
    manifest = read_manifest(config)
    kb_nq = config.build_dir / "kb.nq"
    if manifest is None or not (manifest.get("kb_nq") or {}).get("written"):
        return None, "no previous conforming build"
    if manifest.get("config") != settings(config) or config.inference != "rules":
        return None, "the configuration changed" if config.inference == "rules" else (
            f"inference profile {config.inference}"
        )
    if manifest.get("reasoner") != rules_fingerprint():
        return None, "the previous inferred graph was made by other code (kb upgraded or edited)"
    if not kb_nq.is_file() or sha256_file(kb_nq) != manifest["kb_nq"].get("sha256"):
        return None, f"{kb_nq} is not the file the last build wrote"
    changed = _changed_graphs(config, manifest.get("inputs") or {}, inputs)
    if kb_nq.stat().st_size == 0:
        return None, f"{kb_nq} is empty"
    with kb_nq.open("rb") as stream:
        data = _Mapped(stream)
        try:
            inferred = data.graph_span(inferred_iri)
            old: dict[str, set] = {}
            for iri in changed:
                start, end = data.graph_span(iri)
                if end - start > MAX_COMPARED_BYTES:
                    return None, f"{iri} is too large to compare ({(end - start) >> 20} MiB)"
                old[iri] = data.triples(start, end)
            extra = data.schema_triples(*inferred)
        finally:
            data.close()
    reads = rules_read(engine.store, extra)
    for iri in changed:
        new = {
            q.triple for q in engine.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        }
        for triple in _difference(old[iri], new):
            if reads(triple):
                return None, f"{iri} changed a triple the rules read: {triple}"
    why = f"{len(changed)} changed files, none reaching a rule" if changed else "no file changed"
    return Reusable(kb_nq, *inferred, f" <{inferred_iri}> .\n"), why


def _changed_graphs(config: Config, then: dict[str, str], now: dict[str, str]) -> list[str]:
    """The graph IRIs of the source files added, removed or changed since the manifest's
    build (the hashes of the other inputs, shapes and checks, do not reach inference)."""
    folders = [folder.resolve() for folder in config.source_dirs]
    graphs = set()
    for rel in set(then) | set(now):
        if then.get(rel) == now.get(rel):
            continue
        path = (Path(rel) if Path(rel).is_absolute() else config.root / rel).resolve()
        if path.suffix == ".ttl" and any(f == path or f in path.parents for f in folders):
            graphs.add(config.graph_iri(path))
    return sorted(graphs)


def _difference(old: set, new: set) -> set:
    """Triples added or removed. Blank nodes are renamed by every parse, so a triple holding
    one counts as changed on both sides (a superset of the real change: safe)."""
    changed = old ^ new
    changed |= {t for t in old | new if _has_blank(t)}
    return changed


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = _RDF + "type"
# Every schema predicate and class is in the OWL or RDFS namespace, or one of three RDF terms:
# a line holding a schema triple holds one of these after a space (a term in predicate or
# object position), so five passes of bytes.find find them all (and some others, dropped)
_NEEDLES = [
    b" <http://www.w3.org/2002/07/owl#",
    b" <http://www.w3.org/2000/01/rdf-schema#",
    *(f" <{_RDF}{name}>".encode() for name in ("first", "rest", "Property")),
]
assert all(
    any(f"<{iri}>".startswith(needle[1:].decode()) for needle in _NEEDLES)
    for iri in SCHEMA_PREDICATE_IRIS | SCHEMA_CLASS_IRIS
)


class _Mapped:
    """kb.nq mapped into memory: found and sliced without reading it whole. Each graph's
    lines are one run (kb.store.OxigraphStore.write_nquads writes graph by graph), and the
    manifest's SHA-256 vouches that the file is the one the build wrote."""

    def __init__(self, stream: BinaryIO) -> None:
        self.map = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)

    def close(self) -> None:
        self.map.close()

    def graph_span(self, iri: str) -> tuple[int, int]:
        """(start, end) of the lines of graph `iri`; (0, 0) when it has none."""
        ending = f" <{iri}> .\n".encode()
        first = self.map.find(ending)
        if first < 0:
            return 0, 0
        return self.map.rfind(b"\n", 0, first) + 1, self.map.rfind(ending) + len(ending)

    def triples(self, start: int, end: int) -> set:
        return {q.triple for q in ox.parse(self.map[start:end], format=ox.RdfFormat.N_QUADS)}

    def schema_triples(self, start: int, end: int) -> list[ox.Triple]:
        """The schema and owl:sameAs triples among the lines start..end (the data rules can
        derive schema triples, and the next run reads them): each line holding one of
        _NEEDLES, parsed, and kept if it is one."""
        lines = set()
        for needle in _NEEDLES:
            at = self.map.find(needle, start, end)
            while at >= 0:
                head = self.map.rfind(b"\n", start, at) + 1
                tail = self.map.find(b"\n", at, end) + 1
                lines.add(self.map[head:tail])
                at = self.map.find(needle, tail, end)
        found = []
        for quad in ox.parse(b"".join(sorted(lines)), format=ox.RdfFormat.N_QUADS):
            p, o = quad.predicate.value, quad.object
            if p in SCHEMA_PREDICATE_IRIS or (
                p == _RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in SCHEMA_CLASS_IRIS
            ):
                found.append(quad.triple)
        return found
