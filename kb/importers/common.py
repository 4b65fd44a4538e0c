"""What every importer shares: namespaces, the shared-data folder, source documents, output."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from kb.core.errors import KBError
from kb.core.fileio import atomic_writer

MC = Namespace("https://w3id.org/mfg-clusters/ontology#")
ID = Namespace("https://w3id.org/mfg-clusters/id/")
CODE = Namespace("https://w3id.org/mfg-clusters/code/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_NUTS = Namespace("http://data.europa.eu/nuts/code/")

# Placeholder base for `<>`: files are written with this base and re-read with their graph IRI.
SELF = URIRef("urn:x-kb:self")


def shared_data_dir() -> Path:
    """The read-only reference data (`../shared/data` beside the repository, or KB_SHARED_DATA)."""
    env = os.environ.get("KB_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in {
        "mc": MC,
        "skos": SKOS,
        "dct": DCTERMS,
        "prov": PROV,
        "rdfs": RDFS,
        "owl": OWL,
        "xsd": XSD,
    }.items():
        g.bind(prefix, ns)
    return g


def describe_source(
    g: Graph,
    slug: str,
    *,
    title: str,
    source_url: str,
    licence: str,
    licence_iri: str,
    publisher: str,
    note: str | None = None,
) -> URIRef:
    """Describe one reference file as an mc:SourceDocument and make the graph derive from it."""
    doc = ID[f"source/{slug}"]
    g.add((doc, RDF.type, MC.SourceDocument))
    g.add((doc, DCTERMS.title, Literal(title, lang="en")))
    g.add((doc, SKOS.prefLabel, Literal(title, lang="en")))
    g.add((doc, DCTERMS.source, URIRef(source_url)))
    g.add((doc, DCTERMS.license, URIRef(licence_iri)))
    g.add((doc, DCTERMS.rights, Literal(licence)))
    g.add((doc, DCTERMS.publisher, Literal(publisher)))
    if note:
        g.add((doc, RDFS.comment, Literal(note, lang="en")))
    g.add((SELF, RDF.type, MC.SourceGraph))
    g.add((SELF, PROV.wasDerivedFrom, doc))
    return doc


def write_turtle(g: Graph, path: Path, header: str) -> int:
    """Write `g` as Turtle with `SELF` written as `<>`, atomically; return the triple count."""
    text = g.serialize(format="turtle").replace(f"<{SELF}>", "<>")
    # rdflib sorts subjects; move the graph's self-description and its sources to the top.
    blocks = text.strip("\n").split("\n\n")
    prefixes = [b for b in blocks if b.startswith("@prefix")]
    first = [b for b in blocks if b.startswith("<> ") or b.startswith(f"<{ID}source/")]
    first.sort(key=lambda b: not b.startswith("<> "))
    rest = [b for b in blocks if b not in prefixes and b not in first]
    with atomic_writer(path) as out:
        out.write("".join(f"# {line}\n" for line in header.splitlines()) + "\n")
        out.write("\n\n".join(prefixes + first + rest) + "\n")
    return len(g)


def scan(
    data_dirs: Iterable[Path], predicate: URIRef, exclude: Iterable[Path] = ()
) -> Iterator[tuple[str, str]]:
    """(subject, object) values of every `predicate` triple in the Turtle files under
    `data_dirs`, except `exclude`. Oxigraph's parser reads them, so a CORDIS-sized file in an
    opt-in folder takes seconds, not minutes."""
    import pyoxigraph

    skip = {p.resolve() for p in exclude}
    wanted = pyoxigraph.NamedNode(str(predicate))
    for folder in data_dirs:
        for path in sorted(Path(folder).rglob("*.ttl")):
            if path.resolve() in skip:
                continue
            try:
                for quad in pyoxigraph.parse(
                    path=path, format=pyoxigraph.RdfFormat.TURTLE, base_iri=str(SELF) + "/"
                ):
                    if quad.predicate == wanted:
                        yield quad.subject.value, quad.object.value
            except SyntaxError as exc:
                raise KBError(f"{path}: cannot parse Turtle: {exc}") from exc
