"""`kb import countries` and `kb import nuts` on the real shared reference files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kb.cli import main
from kb.config import load_config
from kb.importers.common import EU_COUNTRY, ID, MC, shared_data_dir
from kb.importers.nuts import merged_table, referenced_codes, select
from kb.load import load
from kb.store import open_store

pytestmark = pytest.mark.skipif(
    not (shared_data_dir() / "iso3166" / "all.csv").is_file(), reason="no shared reference data"
)
GRAPH = "https://w3id.org/mfg-clusters/graph/data/ttl/reference/x"


def _load(path: Path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle", publicID=GRAPH)
    return g


def test_countries_all_249_with_namibia(tmp_path):
    out = tmp_path / "countries.ttl"
    assert main(["import", "countries", "-o", str(out)]) == 0
    g = _load(out)
    assert len(set(g.subjects(RDF.type, MC.Country))) == 249
    namibia = ID["country/NA"]
    assert g.value(namibia, MC.isoAlpha3) == Literal("NAM")
    assert g.value(namibia, SKOS.prefLabel) == Literal("Namibia", lang="en")
    assert (ID["country/GR"], SKOS.exactMatch, EU_COUNTRY.GRC) in g
    # The file describes itself first, and its source carries a licence.
    body = out.read_text(encoding="utf-8")
    assert body.index("<> a mc:SourceGraph") < body.index("a mc:Country")
    source = g.value(URIRef(GRAPH), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert (source, RDF.type, MC.SourceDocument) in g
    dct = "http://purl.org/dc/terms/"
    licence = g.value(source, URIRef(dct + "license"))
    assert licence == URIRef("https://creativecommons.org/licenses/by-sa/4.0/")
    assert "CC BY-SA" in str(g.value(source, URIRef(dct + "rights")))


def test_nuts_default_imports_seed_regions_and_ancestors(tmp_path):
    out = tmp_path / "nuts.ttl"
    assert main(["import", "nuts", "-o", str(out)]) == 0
    g = _load(out)
    frk2 = ID["region/FRK2"]
    assert g.value(frk2, MC.withinRegion) == ID["region/FRK"]
    assert g.value(ID["region/FRK"], MC.withinRegion) == ID["region/FR"]
    assert g.value(ID["region/FR"], MC.country) == ID["country/FR"]
    assert g.value(ID["region/ITC4"], SKOS.prefLabel) == Literal("Lombardia", lang="en")
    assert g.value(ID["region/ITC4"], MC.nutsLevel).toPython() == 2
    assert (ID["region/ITC4"], SKOS.exactMatch, URIRef("http://data.europa.eu/nuts/code/ITC4")) in g
    # NUTS writes UK where ISO 3166 writes GB.
    assert g.value(ID["region/UK"], MC.country) == ID["country/GB"]
    assert g.value(ID["region/UKL"], MC.withinRegion) == ID["region/UK"]
    assert g.value(ID["region/PL21"], MC.nutsCode) == Literal("PL21")


def test_nuts_2016_only_codes_keep_their_version():
    data = shared_data_dir() / "ramon-ld"
    table = merged_table(data / "nuts-2021.rdf", data / "nuts-2016.rdf")
    only_2016 = [c for c, e in table.items() if e.version == "2016"]
    assert only_2016, "NUTS 2016 has codes that NUTS 2021 dropped"
    code = only_2016[0]
    chosen = select([code], table)
    assert code in chosen and code[:2] in chosen
    assert len([e for e in table.values() if e.version == "2021"]) == 2121


def test_referenced_codes_scans_region_iris(tmp_path):
    (tmp_path / "a.ttl").write_text(
        "<https://w3id.org/mfg-clusters/id/region/ES51> <x:p> "
        "<https://w3id.org/mfg-clusters/id/region/quebec> .\n",
        encoding="utf-8",
    )
    assert referenced_codes([tmp_path]) == {"ES51"}


def test_missing_source_is_a_parameter_error(tmp_path):
    out = tmp_path / "countries.ttl"
    code = main(["import", "countries", "--source", str(tmp_path / "nope.csv"), "-o", str(out)])
    assert code == 2
    assert not out.exists()


def test_nace_and_cordis_code_lists(tmp_path):
    nace, ref = tmp_path / "nace.ttl", tmp_path / "cordis-ref.ttl"
    assert main(["import", "nace", "-o", str(nace)]) == 0
    assert main(["import", "cordis-ref", "-o", str(ref)]) == 0
    g = _load(nace)
    code = URIRef("https://w3id.org/mfg-clusters/code/nace-rev2/")
    assert g.value(URIRef(f"{code}C"), SKOS.prefLabel) == Literal("MANUFACTURING", lang="en")
    assert g.value(URIRef(f"{code}10.1"), SKOS.broader) == URIRef(f"{code}10")
    r = _load(ref)
    country = URIRef("https://w3id.org/mfg-clusters/code/cordis-country/")
    assert r.value(URIRef(f"{country}EL"), SKOS.exactMatch) == ID["country/GR"]
    assert r.value(URIRef(f"{country}NA"), SKOS.exactMatch) == ID["country/NA"]
    topic = URIRef("https://w3id.org/mfg-clusters/code/cordis-fp7-programme/FoF-ICT-2011.7.3")
    assert (topic, RDF.type, SKOS.Concept) in r


def test_code_list_links_to_nace_resolve_once_nace_is_imported(monkeypatch):
    """The seed code lists link to code/nace-rev2/...; with NACE opted in, each link resolves."""
    root = load_config().root
    # Data folders must lie inside the repository (graph IRIs are their relative paths), so the
    # temporary folder is made in the git-ignored build/.
    (root / "build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root / "build", prefix="test-nace-") as folder:
        _check_nace_links(root, Path(folder), monkeypatch)


def _check_nace_links(root: Path, optional: Path, monkeypatch) -> None:
    assert main(["import", "nace", "-o", str(optional / "nace.ttl")]) == 0
    monkeypatch.setenv("KB_DATA_DIRS", os.pathsep.join([str(root / "data/ttl"), str(optional)]))
    config = load_config()
    assert optional.resolve() in config.data_dirs
    store = open_store("oxigraph")
    load(config, store)
    nace = "https://w3id.org/mfg-clusters/code/nace-rev2/"
    links = store.query(
        """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?concept ?target ?label ?official WHERE {
          ?concept skos:closeMatch|skos:broadMatch|skos:narrowMatch|skos:exactMatch ?target .
          FILTER(STRSTARTS(STR(?concept), "https://w3id.org/mfg-clusters/code/")
                 && STRSTARTS(STR(?target), STR(?nace)))
          OPTIONAL { ?target a skos:Concept ; skos:prefLabel ?label }
          OPTIONAL { ?target skos:exactMatch ?official
                     FILTER(STRSTARTS(STR(?official), "http://data.europa.eu/ux2/nace2/")) }
        }
        """,
        {"nace": Literal(nace)},
    ).dicts()
    linked = {(str(r["concept"]).rsplit("/", 1)[-1], str(r["target"])[len(nace) :]) for r in links}
    assert linked == {
        ("metalworking-technology", "24"),
        ("metalworking-technology", "25"),
        ("production-technology-heavy-machinery", "28"),
        ("manufacturing", "C"),
        ("machine-tools", "28.4"),
    }
    unresolved = [r["target"] for r in links if r["label"] is None]
    assert unresolved == []
    # Every linked NACE concept carries its EU Vocabularies IRI: the code without dots.
    official = {str(r["target"])[len(nace) :]: str(r["official"]) for r in links}
    assert official["28.4"] == "http://data.europa.eu/ux2/nace2/284"
    assert official["C"] == "http://data.europa.eu/ux2/nace2/C"
