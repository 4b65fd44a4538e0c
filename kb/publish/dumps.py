"""Whole-KB downloads: Turtle, N-Triples (gzip), N-Quads keeping the source graphs, JSON-LD
with an inline context, and their SHA-256 checksums.

The flat dumps hold the asserted facts (the union of the source graphs) plus the dataset
description with its licence; the N-Quads dump keeps every named graph, the inferred one too,
and the description in its own graph.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kb.publish.data import SiteData
from kb.store import to_ox

DESCRIPTION_GRAPH = "graph/dataset-description"


@dataclass(frozen=True)
class Dump:
    name: str  # file name under dumps/
    title: str
    media_type: str
    format_iri: str  # EU file-type authority table
    compressed: bool = False


DUMPS = [
    Dump(
        "kb.ttl",
        "Turtle",
        "text/turtle",
        "http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE",
    ),
    Dump(
        "kb.nt.gz",
        "N-Triples, gzip-compressed",
        "application/n-triples",
        "http://publications.europa.eu/resource/authority/file-type/RDF_N_TRIPLES",
        True,
    ),
    Dump(
        "kb.nq",
        "N-Quads with the source graphs",
        "application/n-quads",
        "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS",
    ),
    Dump(
        "kb.jsonld",
        "JSON-LD",
        "application/ld+json",
        "http://publications.europa.eu/resource/authority/file-type/JSON_LD",
    ),
]


def turtle(graph: Graph, prefixes: dict[str, str]) -> bytes:
    """Turtle by Oxigraph, which keeps every literal's lexical form as loaded (rdflib's
    serializer rewrites "20"^^xsd:decimal as 20.0, a different RDF term)."""
    return by_oxigraph(graph, ox.RdfFormat.TURTLE, prefixes)


def rdf_xml(graph: Graph, prefixes: dict[str, str]) -> bytes:
    """RDF/XML by Oxigraph, its triples sorted and the prefixes declared (the same bytes in
    every run; blank nodes keep the labels the Turtle and N-Triples files give them)."""
    return by_oxigraph(graph, ox.RdfFormat.RDF_XML, prefixes)


def by_oxigraph(graph: Graph, fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """The graph written by Oxigraph in `fmt`, its triples sorted (the same bytes every run).
    For JSON-LD this is the expanded form, about 10x faster than rdflib's compacted one."""
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
    return ox.serialize(
        (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples),
        format=fmt,
        prefixes=prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None,
    )


def ntriples(graph: Graph) -> bytes:
    """N-Triples with its lines sorted: the same graph gives the same bytes in every run
    (rdflib writes triples in its store's order)."""
    text = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted(line for line in text.split(b"\n") if line.strip())
    return b"".join(line + b"\n" for line in lines)


def jsonld(graph: Graph, prefixes: dict[str, str]) -> bytes:
    """Compacted JSON-LD with the inline prefix context, its nodes and unordered values
    sorted (rdflib walks the subjects of a set, in an order that changes between runs)."""
    text = graph.serialize(format="json-ld", context=jsonld_context(prefixes), auto_compact=True)
    body = _sorted_json(json.loads(text))
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sorted_json(value, ordered: bool = False):
    if isinstance(value, dict):
        return {k: _sorted_json(v, k == "@list") for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        if ordered:  # an RDF list keeps its order
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld_context(prefixes: dict[str, str]) -> dict:
    """An inline context (prefixes only) so the JSON-LD never needs a remote context."""
    return dict(sorted(prefixes.items()))


def write_dumps(d: SiteData, description: Graph, prefixes: dict[str, str], out: Path) -> None:
    """The four dumps, each streamed to its file by Oxigraph's serialisers from the site's
    graphs (no copy of the knowledge base: at 10^6 triples the copies and rdflib's whole-KB
    serialisations were the publish's peak memory). The triples go in the site's order (each
    graph's sorted, as kb.publish.data reads them), so the same data gives the same bytes."""
    folder = out / "dumps"
    folder.mkdir(parents=True, exist_ok=True)
    described = sorted(description, key=_sort_key)
    told = set(described)

    def flat() -> Iterator[ox.Triple]:
        for triple in d.asserted:
            if triple not in told:
                yield _ox_triple(triple)
        for triple in described:
            yield _ox_triple(triple)

    ox.serialize(flat(), output=folder / "kb.ttl", format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    # mtime=0: the same data gives the same bytes, so checksums are reproducible
    with (
        open(folder / "kb.nt.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        ox.serialize(flat(), output=gz, format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(_quads(d, described), output=folder / "kb.nq", format=ox.RdfFormat.N_QUADS)
    # JSON-LD in its expanded form, as Oxigraph writes it, with the prefixes as an inline
    # context for readers that compact (rdflib's compaction of a whole KB took gigabytes)
    with open(folder / "kb.jsonld", "wb") as stream:
        context = json.dumps(jsonld_context(prefixes), indent=2, ensure_ascii=False)
        stream.write(f'{{\n"@context": {context},\n"@graph": '.encode())
        ox.serialize(flat(), output=stream, format=ox.RdfFormat.JSON_LD)
        stream.write(b"\n}\n")


def _quads(d: SiteData, described: list) -> Iterator[ox.Quad]:
    """Every graph of the site: each asserted triple in the graphs stating it, the inferred
    graph, the dataset description in its own graph."""
    names: dict[str, ox.NamedNode] = {}
    for triple in d.asserted:
        t = _ox_triple(triple)
        for name in sorted(d.graphs_of[triple]):
            graph = names.get(name) or names.setdefault(name, ox.NamedNode(name))
            yield ox.Quad(t.subject, t.predicate, t.object, graph)
    inferred = ox.NamedNode(d.inferred_graph_iri)
    for triple in d.inferred:
        t = _ox_triple(triple)
        yield ox.Quad(t.subject, t.predicate, t.object, inferred)
    graph = ox.NamedNode(d.base + DESCRIPTION_GRAPH)
    for triple in described:
        t = _ox_triple(triple)
        yield ox.Quad(t.subject, t.predicate, t.object, graph)


def _ox_triple(triple) -> ox.Triple:
    s, p, o = triple
    return ox.Triple(to_ox(s), to_ox(p), to_ox(o))


def _sort_key(triple) -> tuple[str, str, str]:
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_checksums(out: Path) -> dict[str, str]:
    sums = {d.name: sha256(out / "dumps" / d.name) for d in DUMPS}
    lines = "".join(f"{digest}  {name}\n" for name, digest in sums.items())
    (out / "dumps" / "SHA256SUMS").write_text(lines, encoding="utf-8")
    return sums
