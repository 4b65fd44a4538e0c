"""Every Turtle file of the knowledge base parses with rdflib and with Oxigraph's strict parser."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kb.core.config import load_config
from kb.load import source_files

CONFIG = load_config()
SHAPES = sorted(CONFIG.shapes_dir.rglob("*.ttl"))
FILES = [(f.path, f.graph_iri) for f in source_files(CONFIG)] + [(p, None) for p in SHAPES]


def _id(value: object) -> str:
    return str(Path(str(value)).relative_to(CONFIG.root)) if isinstance(value, Path) else ""


@pytest.mark.parametrize(("path", "base"), FILES, ids=[_id(p) for p, _ in FILES])
def test_parses_with_rdflib_and_oxigraph(path: Path, base: str | None) -> None:
    rdflib_count = len(Graph().parse(path, format="turtle", publicID=base))
    with path.open("rb") as stream:
        ox_count = len(set(ox.parse(stream, format=ox.RdfFormat.TURTLE, base_iri=base)))
    assert rdflib_count > 0
    assert rdflib_count == ox_count, "the two parsers read a different number of triples"


def test_every_data_file_names_its_source_section() -> None:
    """Each data file describes its own graph (`<>`) with the section it was derived from."""
    from rdflib import URIRef
    from rdflib.namespace import PROV, RDF

    from kb.core.namespaces import MC

    missing = []
    for source in source_files(CONFIG):
        if not any(source.path.is_relative_to(d) for d in CONFIG.data_dirs):
            continue
        g = Graph().parse(source.path, format="turtle", publicID=source.graph_iri)
        me = URIRef(source.graph_iri)
        if (me, RDF.type, MC.SourceGraph) not in g:
            missing.append(f"{source.path}: no `<> a mc:SourceGraph`")
        elif source.path.name != "sources.ttl" and g.value(me, PROV.wasDerivedFrom) is None:
            missing.append(f"{source.path}: no `<> prov:wasDerivedFrom <section>`")
    assert not missing, "\n".join(missing)
