"""`kb import countries` and `kb import nuts` on the real shared reference files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kb.build.pipeline import build
from kb.cli import main
from kb.core.config import load_config
from kb.importers.common import EU_COUNTRY, ID, MC, shared_data_dir
from kb.importers.nuts import merged_table, referenced_codes, select
from kb.load import load
from kb.store import open_store

pytestmark = pytest.mark.skipif(
    not (shared_data_dir() / "iso3166" / "all.csv").is_file(), reason="no shared reference data"
)
GRAPH = "https://w3id.org/mfg-clusters/graph/data/ttl/reference/x"
CORDIS = Path(__file__).parent / "fixtures" / "cordis"


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
    # NUTS level 0 is the country: one node, id/country/FR, with the NUTS 0 code and names.
    assert g.value(ID["region/FRK"], MC.withinRegion) == ID["country/FR"]
    assert (ID["country/FR"], RDF.type, MC.Country) in g
    assert g.value(ID["country/FR"], MC.nutsLevel).toPython() == 0
    assert not list(g.triples((ID["region/FR"], None, None)))
    assert g.value(ID["region/ITC4"], MC.nutsName) == Literal("Lombardia", lang="it")
    assert g.value(ID["region/ITC4"], MC.nutsLevel).toPython() == 2
    assert (ID["region/ITC4"], SKOS.exactMatch, URIRef("http://data.europa.eu/nuts/code/ITC4")) in g
    # NUTS writes UK where ISO 3166 writes GB.
    assert g.value(ID["region/UKL"], MC.withinRegion) == ID["country/GB"]
    assert g.value(ID["country/GB"], MC.nutsCode) == Literal("UK")
    assert g.value(ID["region/PL21"], MC.nutsCode) == Literal("PL21")


# (IRI path, the NUTS names with their languages), read from the Eurostat workbook.
NUTS_NAMES = [
    ("region/ES51", {("Cataluña", "es")}),
    ("region/BE2", {("Vlaams Gewest", "nl")}),
    ("region/PL21", {("Małopolskie", "pl")}),
    ("region/ITC4", {("Lombardia", "it")}),
    ("region/FRK", {("Auvergne-Rhône-Alpes", "fr")}),
    ("region/DE1", {("Baden-Württemberg", "de")}),
    ("region/RO11", {("Nord-Vest", "ro")}),
    (
        "region/BE1",
        {("Région de Bruxelles-Capitale", "fr"), ("Brussels Hoofdstedelijk Gewest", "nl")},
    ),
    ("region/UKL", {("Wales", "en")}),
    ("country/IT", {("Italia", "it")}),
    ("country/BE", {("Belgique", "fr"), ("België", "nl")}),
    # The UK's NUTS 0 name is English: the country's English name is ISO 3166's.
    ("country/GB", set()),
]


@pytest.fixture(scope="module")
def default_nuts(tmp_path_factory) -> Graph:
    out = tmp_path_factory.mktemp("nuts") / "nuts.ttl"
    assert main(["import", "nuts", "-o", str(out)]) == 0
    return _load(out)


@pytest.mark.parametrize(("path", "names"), NUTS_NAMES, ids=[n[0] for n in NUTS_NAMES])
def test_nuts_names_carry_their_language(default_nuts, path, names):
    got = {(str(n), n.language) for n in default_nuts.objects(ID[path], MC.nutsName)}
    assert got == names
    assert not list(default_nuts.objects(ID[path], SKOS.prefLabel))  # entailed from the names


def test_nuts_all_names_are_national_except_english_speaking_countries(tmp_path):
    out = tmp_path / "nuts-all.ttl"
    assert main(["import", "nuts", "--all", "-o", str(out)]) == 0
    g = _load(out)
    english = [
        (str(r), str(n))
        for r, n in g.subject_objects(MC.nutsName)
        if n.language == "en" and not str(g.value(r, MC.nutsCode)).startswith(("UK", "IE", "MT"))
    ]
    assert english == []
    athens = ID["region/EL30"]
    assert {(str(n), n.language) for n in g.objects(athens, MC.nutsName)} == {
        ("Aττική", "el"),
        ("Attiki", "el-Latn"),
    }
    swiss = {(str(n), n.language) for n in g.objects(ID["country/CH"], MC.nutsName)}
    assert swiss == {("Schweiz", "de"), ("Suisse", "fr"), ("Svizzera", "it")}
    assert (ID["region/NL226"], MC.nutsName, Literal("Arnhem/Nijmegen", lang="nl")) in g
    assert not list(g.subjects(MC.nutsLevel, Literal(0)))[0].startswith(ID["region/"])


def test_built_kb_names_regions_as_the_seeds_do():
    """No NUTS name in the reference graph is English outside the UK, Ireland and Malta (the
    old import tagged 'Cataluña' @en), and a search for the seeds' English names finds them."""
    kb = build(load_config(), validate_data=False, run_integrity_checks=False)
    reference = "https://w3id.org/mfg-clusters/graph/data/ttl/reference/nuts"
    mislabelled = kb.store.query(
        "PREFIX mc: <https://w3id.org/mfg-clusters/ontology#> SELECT ?r ?l WHERE { GRAPH <"
        + reference
        + "> { ?r ?p ?l FILTER(isLiteral(?l) && LANGMATCHES(LANG(?l), 'en')) ?r mc:nutsCode ?c }"
        " FILTER(!STRSTARTS(?c, 'UK') && !STRSTARTS(?c, 'IE') && !STRSTARTS(?c, 'MT')) }"
    )
    assert mislabelled.rows == []
    found = kb.store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?name ?r ?g WHERE {"
        " GRAPH ?g { ?r skos:prefLabel ?label } FILTER(STR(?label) = ?name && LANG(?label) = 'en')"
        " VALUES ?name { 'Catalonia' 'Flanders' 'Malopolska' 'Lombardy' 'Auvergne-Rhône-Alpes'"
        " 'Baden-Württemberg' } }"
    )
    by_name = {str(name): (str(r).rsplit("/", 1)[-1], str(g)) for name, r, g in found.rows}
    assert {name: r for name, (r, _g) in by_name.items()} == {
        "Catalonia": "ES51",
        "Flanders": "BE2",
        "Malopolska": "PL21",
        "Lombardy": "ITC4",
        "Auvergne-Rhône-Alpes": "FRK",
        "Baden-Württemberg": "DE1",
    }
    # Each English name is a sourced statement, in a seed section's graph.
    assert all("/graph/data/ttl/seed-" in g for _r, g in by_name.values())


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
    # Every section (a top concept, which the code-list shapes require to be defined) has an
    # English definition: NACE's explanatory note, or for T and U, which have none, one made
    # from their divisions and marked as such.
    sections = set(g.subjects(SKOS.topConceptOf, URIRef(str(code).rstrip("/"))))
    assert len(sections) == 21
    assert all(g.value(s, SKOS.definition).language == "en" for s in sections)
    assert str(g.value(URIRef(f"{code}C"), SKOS.definition)).startswith("This section includes")
    u = str(g.value(URIRef(f"{code}U"), SKOS.definition))
    assert u.startswith("NACE Rev. 2 section U, made up of division 99 (activities of extra")
    assert g.value(URIRef(f"{code}U"), SKOS.editorialNote) is not None
    r = _load(ref)
    country = URIRef("https://w3id.org/mfg-clusters/code/cordis-country/")
    assert r.value(URIRef(f"{country}EL"), SKOS.exactMatch) == ID["country/GR"]
    assert r.value(URIRef(f"{country}NA"), SKOS.exactMatch) == ID["country/NA"]
    # Clipperton (CP) is a CORDIS country but not an ISO 3166-1 one: no link would resolve.
    assert r.value(URIRef(f"{country}CP"), SKOS.exactMatch) is None
    fp7 = "https://w3id.org/mfg-clusters/code/cordis-fp7-programme/"
    assert (URIRef(f"{fp7}FoF-ICT-2011.7.3"), RDF.type, SKOS.Concept) in r
    # Listed twice with an HTML-escaped title: one English prefLabel, unescaped.
    assert list(r.objects(URIRef(f"{fp7}SP1-JTI-IMI-E&T"), SKOS.prefLabel)) == [
        Literal("Education&Training", lang="en")
    ]
    scheme = "https://w3id.org/mfg-clusters/code/cordis-funding-scheme/"
    ours = "https://w3id.org/mfg-clusters/code/funding-scheme/"
    # Untitled in CORDIS: the code is the label.
    assert r.value(URIRef(f"{scheme}ERC-ADG"), SKOS.prefLabel) == Literal("ERC-ADG", lang="en")
    # The CORDIS schemes that are types of action map to the project's funding-scheme list.
    assert r.value(URIRef(f"{scheme}IA"), SKOS.exactMatch) == URIRef(f"{ours}IA")
    assert r.value(URIRef(f"{scheme}BBI-IA-DEMO"), SKOS.broadMatch) == URIRef(f"{ours}IA")
    # Marie Curie industry-academia (MC-IA) is described, but is no innovation action.
    assert (URIRef(f"{scheme}MC-IA"), RDF.type, SKOS.Concept) in r
    assert r.value(URIRef(f"{scheme}MC-IA"), SKOS.broadMatch) is None


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


def test_opt_in_imports_build_without_violations(monkeypatch):
    """What docs/importing.md tells a user to do: every opt-in import (CORDIS projects from the
    small fixture) into one folder, then a build with that folder among the data folders: no
    violation, every integrity check passes, and no warning beyond the fixture's own gap."""
    root = load_config().root
    (root / "build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root / "build", prefix="test-opt-in-") as folder:
        optional = Path(folder)
        base = _build_warnings(monkeypatch, root / "data/ttl")
        monkeypatch.setenv("KB_DATA_DIRS", os.pathsep.join([str(root / "data/ttl"), folder]))
        assert main(["import", "nace", "-o", str(optional / "nace.ttl")]) == 0
        assert main(["import", "cordis-ref", "-o", str(optional / "cordis-ref.ttl")]) == 0
        cordis = ["import", "cordis", "-q", "--projects", str(CORDIS / "project.csv")]
        cordis += ["--organizations", str(CORDIS / "organization.csv")]
        # The fixture has bad rows on purpose: exit 1, the good rows written.
        assert main([*cordis, "-o", str(optional / "cordis.ttl")]) == 1
        assert main(["import", "nuts", "--missing", "-o", str(optional / "nuts.ttl")]) == 0

        result = build(load_config())
        loaded = {f.path.name for f, _ in result.files if f.path.parent == optional}
        assert loaded == {"nace.ttl", "cordis-ref.ttl", "cordis.ttl", "nuts.ttl"}
        violations = [r.line() for r in result.validation.results if r.severity == "Violation"]
        assert violations == []
        assert {c.name: c.rows for c in result.checks if not c.passed} == {}
        warnings = {r.line() for r in result.validation.results if r.severity == "Warning"}
        # The NUTS regions of CORDIS organisations have national names only: no source gives
        # them an English one (docs/modelling.md, Names and languages).
        unnamed = {w for w in warnings - base if "mcsh:Named-prefLabel-en" in w}
        assert unnamed and all(w.startswith("Warning: id:region/") for w in unnamed)
        assert {w.split(" path ")[0] for w in warnings - base - unnamed} == {
            "Warning: id:project/a-project-without-acronym-and-without-amounts"
        }
        # The regions of the CORDIS organisations, not those the KB already describes.
        regions = _load(optional / "nuts.ttl")
        assert (ID["region/DE212"], RDF.type, MC.Region) in regions
        assert (ID["region/ITC4"], RDF.type, MC.Region) not in regions


def _build_warnings(monkeypatch, *data_dirs: Path) -> set[str]:
    monkeypatch.setenv("KB_DATA_DIRS", os.pathsep.join(str(d) for d in data_dirs))
    result = build(load_config())
    return {r.line() for r in result.validation.results if r.severity == "Warning"}
