"""The text index and `kb search` (issue 12, part 2): a real SQLite FTS5 index, made by a real
`kb build` of a small project, and of the seed knowledge base (load and infer, indexed in
memory: the build's validation is not what is tested here)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import kb
from kb.cli import main
from kb.core.errors import ParameterError
from kb.fulltext.index import SearchIndex, fill, match_expression, words
from kb.store import open_store

ID = "https://w3id.org/mfg-clusters/id/"
MC = "https://w3id.org/mfg-clusters/ontology#"
DATA = """@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/mfg-clusters/id/region/XA> a mc:Region ;
    skos:prefLabel "Lombardy Region"@en , "Regióne Lombardia"@it ;
    skos:altLabel "The colour of Lombardy"@en-GB .
<https://w3id.org/mfg-clusters/id/project/p1> a mc:Project ; mc:acronym "ROBMAN" ;
    dct:title "Robots for {word} manufacturing"@en .
<https://w3id.org/mfg-clusters/id/project/p2> a mc:Project ; mc:acronym "ROBIT" ;
    dct:title "Robotica per la manifattura"@it .
<https://w3id.org/mfg-clusters/id/project/p3> a mc:Project ; mc:acronym "MOULDS" ;
    mc:summary "Die casting and moulds"@en ; mc:statedAs "zebra as printed" ;
    mc:section <https://w3id.org/mfg-clusters/id/source/doc/s1> .
<https://w3id.org/mfg-clusters/id/source/doc/s1> skos:prefLabel "Section Zanzibar"@en .
"""
# The robotics projects of the seed (data/ttl/seed-002/annex-2.ttl): their dct:title says
# robot, robotic, robots or robotics.
SEED_ROBOTICS = {
    ID + f"project/{name}" for name in ("fourbythree", "symplexity", "horse", "perform")
}


@pytest.fixture(scope="module")
def seed_index():
    """The seed knowledge base (sources loaded, inferred) indexed in memory."""
    from kb.build.pipeline import build
    from kb.core.config import load_config

    config = load_config(Path(__file__).resolve().parent.parent)
    result = build(config, validate_data=False, run_integrity_checks=False)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    fill(conn, result.engine, result.inferred_graph_iri, "seed")
    index = SearchIndex(conn)
    yield index
    index.close()


@pytest.fixture
def built(project, capsys):
    root = project({"d.ttl": DATA.format(word="First")})
    assert main(["build", "-q"]) == 0
    capsys.readouterr()
    return root


def _iris(result) -> list[str]:
    return [hit.iri for hit in result]


def _ids(text: str, root: Path, **options) -> list[str]:
    """The hits in the project's data (id/...), not in the ontology and code lists it holds."""
    return [
        iri for iri in _iris(kb.search(text, root=root, limit=200, **options)) if iri.startswith(ID)
    ]


# --- the seed knowledge base ------------------------------------------------------------------


def test_manufactur_finds_afil_and_manufacturing_labelled_resources(seed_index):
    result = seed_index.search("manufactur", limit=500)
    assert ID + "organisation/afil" in _iris(result)
    assert "https://w3id.org/mfg-clusters/code/sectoral-industry/manufacturing" in _iris(result)
    assert result.total == len(result.hits) > 20
    # every hit shows a word beginning with manufactur, marked
    assert all("[manufactur" in hit.snippet.lower() for hit in result), [
        h.snippet for h in result if "[manufactur" not in h.snippet.lower()
    ]
    labelled = [h for h in result if h.label and "manufactur" in h.label.lower()]
    assert len(labelled) > 10


def test_robot_finds_the_robotics_projects_of_the_seed(seed_index):
    projects = seed_index.search("robot", type=MC + "Project")
    assert set(_iris(projects)) == SEED_ROBOTICS
    assert all(hit.types == (MC + "Project",) for hit in projects)
    assert {h.label for h in projects} == {"FourByThree", "SYMPLEXITY", "HORSE", "PERFoRM"}
    everything = seed_index.search("robot", limit=100)
    assert SEED_ROBOTICS < set(_iris(everything))
    assert ID + "organisation/viameca" in _iris(everything)  # "Intelligent Systems and Robotics"
    marked = {
        h.snippet[h.snippet.index("[") + 1 : h.snippet.index("]")].lower() for h in everything
    }
    assert {"robot", "robots", "robotic", "robotics"} <= marked


def test_a_type_finds_the_instances_of_its_sub_classes(seed_index):
    formal = seed_index.search("lombardia", type="http://www.w3.org/ns/org#FormalOrganization")
    assert ID + "organisation/afil" in _iris(formal)  # an mc:Association, asserted
    assert all(MC + "Region" not in h.types for h in formal)
    assert ID + "region/ITC4" in _iris(seed_index.search("lombardia", type=MC + "Region"))


def test_one_hit_per_resource_best_rank_first(seed_index):
    result = seed_index.search("lombardy", limit=200)
    assert len(set(_iris(result))) == len(result.hits)
    scores = [h.score for h in result]
    assert scores == sorted(scores, reverse=True)
    # a name counts ten times a description: the region named Lombardy before a text about it
    assert _iris(result).index(ID + "region/ITC4") < len(result.hits) // 2


def test_accents_are_folded(seed_index):
    for text in ("viameca", "ViaMéca", "VIAMECA"):
        assert ID + "organisation/viameca" in _iris(seed_index.search(text)), text


@pytest.mark.parametrize(
    "text",
    [
        'robot"',
        '"robot',
        "robot -manufacturing",
        "robot NEAR manufacturing",
        "NEAR(robot manufacturing, 2)",
        "title:robot",
        "robot*",
        "^robot",
        "robot AND OR NOT",
        "(robot",
        "robot + {x}",
        "'; DROP TABLE entry; --",
        "robot\x00",
    ],
)
def test_fts_syntax_in_the_text_is_only_words(seed_index, text):
    result = seed_index.search(text, limit=5)  # never an FTS5 syntax error
    assert isinstance(result.total, int)
    if words(text) == ["robot"]:
        assert result.total == seed_index.search("robot").total


def test_the_match_expression_quotes_every_word():
    assert match_expression('robot "x" -y NEAR:z') == '"robot"* "x"* "y"* "NEAR"* "z"*'
    for text in ("", "   ", "\t\n"):
        with pytest.raises(ParameterError, match=r"'text'.*empty"):
            match_expression(text)
    with pytest.raises(ParameterError, match=r"'text'.*no word"):
        match_expression('"-:*()')


# --- a real build ------------------------------------------------------------------------------


def test_the_build_writes_the_index_and_the_manifest_lists_it(built):
    index_file = built / "build" / "search.sqlite"
    manifest = json.loads((built / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["search_index"]["written"] is True
    assert manifest["search_index"]["bytes"] == index_file.stat().st_size
    meta = dict(sqlite3.connect(index_file).execute("SELECT key, value FROM meta"))
    assert meta["build"] == manifest["kb_nq"]["sha256"]
    assert int(meta["rows"]) == manifest["search_index"]["rows"] > 0
    result = kb.search("robot", type="mc:Project", root=built)
    assert set(_iris(result)) == {ID + "project/p1", ID + "project/p2"}
    assert "search.sqlite, made from" in result.origin
    hit = result.hits[0]
    assert hit.types == (MC + "Project",) and hit.graphs == (
        "https://w3id.org/mfg-clusters/graph/data/d",
    )


def test_the_language_filter(built):
    english = kb.search("robot", type="mc:Project", lang="en", root=built)
    italian = kb.search("robot", type="mc:Project", lang="it", root=built)
    assert _iris(english) == [ID + "project/p1"] and english.hits[0].lang == "en"
    assert _iris(italian) == [ID + "project/p2"] and italian.hits[0].lang == "it"
    # a sub-tag is the language; text with no tag (an acronym) is kept by every filter
    assert _ids("colour", built, lang="en") == [ID + "region/XA"]
    assert _ids("robot", built, lang="EN-gb") == []  # en is not en-GB
    assert _ids("robman", built, lang="it") == [ID + "project/p1"]
    assert _ids("region", built, lang="de") == []
    for lang, snippet in (("it", "[Regióne] Lombardia"), ("en", "Lombardy [Region]")):
        hit = kb.search("region", type="mc:Region", lang=lang, root=built).hits[0]
        assert hit.snippet == snippet and hit.lang == lang
    colour = kb.search("colour", type="mc:Region", lang="en", root=built).hits[0]
    assert colour.lang == "en-gb"


def test_accented_and_unaccented_words_match(built):
    for text in ("regione", "Regióne", "REGIONE", "règiõne"):
        result = kb.search(text, lang="it", type="mc:Region", root=built)
        assert _iris(result) == [ID + "region/XA"], text
        assert result.hits[0].snippet == "[Regióne] Lombardia", text


def test_stemming_and_prefixes(built):
    assert _ids("manufactur", built) == [ID + "project/p1"]
    assert _ids("manufactured", built) == [ID + "project/p1"]  # stem manufactur
    assert _ids("mould", built) == [ID + "project/p3"]  # "moulds", a summary
    hit = kb.search("casting", type="mc:Project", root=built).hits[0]
    # mc:summary is indexed as the sub-property of dct:description it is; mc:statedAs is not
    assert hit.property == MC + "summary" and hit.label == "MOULDS"
    assert hit.snippet == "Die [casting] and moulds"
    assert _ids("zebra", built) == []
    assert _ids("robots manufacturing", built) == [ID + "project/p1"]  # both
    assert _ids("robots manifattura", built) == [ID + "project/p2"]  # robot*: "Robotica"
    assert _ids("robotica manufacturing", built) == []


def test_a_resource_with_no_asserted_type_has_its_inferred_ones(built):
    # the range of mc:section is mc:DocumentSection
    hit = kb.search("zanzibar", root=built).hits[0]
    assert hit.iri == ID + "source/doc/s1"
    assert set(hit.types) == {MC + "DocumentSection", "http://www.w3.org/ns/prov#Entity"}
    assert _ids("zanzibar", built, type="mc:DocumentSection") == [ID + "source/doc/s1"]


def test_cli_formats_and_exit_codes(built, capsys):
    assert main(["search", "robot", "--type", "mc:Project", "-f", "json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["total"] == 2 and {h["iri"] for h in doc["hits"]} == {
        ID + "project/p1",
        ID + "project/p2",
    }
    assert doc["hits"][0]["rank"] == 1 and doc["hits"][0]["types"] == [MC + "Project"]
    assert "2 of 2 resources found" in err
    assert main(["search", "lombardia", "-f", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "rank,score,iri,label,types,snippet,property,lang"
    assert ID + "region/XA" in lines[1] and "[Lombardia]" in lines[1]
    assert main(["search", "lombardia"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(" 1. Lombardy Region  (mc:Region)")
    assert "Regióne [Lombardia]" in out and ID + "region/XA" in out
    assert main(["search", "zzzz-nothing"]) == 0
    assert "nothing found" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", ""], "parameter 'TEXT': empty"),
        (["search", "   "], "parameter 'TEXT': empty"),
        (["search", '"-:'], "parameter 'TEXT': no word to search for"),
        (["search", "robot", "--type", "mc:Nothing"], "parameter '--type': mc:Nothing is the"),
        (["search", "robot", "--type", "mc:Projet"], "; did you mean mc:Project"),
        (["search", "robot", "--type", "nope:Thing"], "parameter '--type': unknown prefix 'nope'"),
        (["search", "robot", "--lang", "e n"], "parameter '--lang': not a language tag"),
        (["search", "robot", "--limit", "0"], "parameter '--limit': must be at least 1"),
    ],
)
def test_cli_refuses_bad_parameters_with_exit_2(built, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_missing_index_is_made_from_kb_nq_and_a_stale_one_in_memory(built, capsys):
    index_file = built / "build" / "search.sqlite"
    index_file.unlink()
    assert main(["search", "robot"]) == 0
    err = capsys.readouterr().err
    assert "made now from" in err and index_file.is_file()
    manifest = json.loads((built / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert (
        dict(sqlite3.connect(index_file).execute("SELECT key, value FROM meta"))["build"]
        == (manifest["kb_nq"]["sha256"])
    )
    before = index_file.read_bytes()
    (built / "data" / "d.ttl").write_text(DATA.format(word="Second"), encoding="utf-8")
    assert main(["search", "second"]) == 0
    out, err = capsys.readouterr()
    assert ID + "project/p1" in out and "an index in memory of a fresh load" in err
    assert index_file.read_bytes() == before  # no build vouches for the new inputs
    assert main(["build", "-q"]) == 0
    capsys.readouterr()
    assert _ids("second", built) == [ID + "project/p1"]


def test_an_index_file_that_is_not_an_index_is_made_again(built, capsys):
    index_file = built / "build" / "search.sqlite"
    index_file.write_bytes(b"not a database\n" * 100)
    assert main(["search", "robot", "--type", "mc:Project"]) == 0
    out, err = capsys.readouterr()
    assert ID + "project/p1" in out and "made now from" in err
    assert index_file.read_bytes().startswith(b"SQLite format 3\x00")


def test_an_index_that_cannot_be_written_is_kept_in_memory(built, capsys):
    (built / "build" / "search.sqlite").unlink()
    (built / "build" / "search.sqlite").mkdir()  # a folder in the way: the rename fails
    assert main(["search", "robot", "--type", "mc:Project"]) == 0
    out, err = capsys.readouterr()
    assert ID + "project/p1" in out and "an index in memory" in err and "not written" in err
    assert not [p for p in (built / "build").iterdir() if p.name.endswith(".tmp")]


def test_a_build_that_does_not_conform_removes_the_index(built, capsys):
    shape = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
<urn:x-kb:s> a sh:NodeShape ; sh:targetClass mc:Project ;
    sh:property [ sh:path mc:startDate ; sh:minCount 1 ] .
"""
    (built / "shapes" / "s.ttl").write_text(shape, encoding="utf-8")
    assert main(["build", "-q"]) == 1
    capsys.readouterr()
    assert not (built / "build" / "search.sqlite").exists()
    assert not (built / "build" / "kb.nq").exists()
    manifest = json.loads((built / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["search_index"] == {"written": False}


CHILD = """
import os, signal, sys
import kb.fulltext.index as t
sig = int(sys.argv[1])
signal.signal(signal.SIGINT, signal.default_int_handler)
real = t.fill


class Halfway:
    def __init__(self, store):
        self.store = store

    def select_values(self, text):
        for i, row in enumerate(self.store.select_values(text)):
            if i == 50:  # fifty rows are in the new index's file
                os.kill(os.getpid(), sig)
            yield row


t.BATCH = 10
t.fill = lambda conn, store, *rest: real(conn, Halfway(store), *rest)
from kb.cli import main
sys.exit(main(["build", "-q"]))
"""


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_index_write_leaves_the_previous_index_whole(built, sig):
    out = built / "build"
    before = _digest(out)
    (built / "data" / "d.ttl").write_text(DATA.format(word="Second"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(int(sig))],
        env={**os.environ, "KB_ROOT": str(built)},
        cwd=built,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), run.stderr
    assert _digest(out) == before  # kb.nq, the index, the manifest and the reports
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert bool(leftovers) == (sig == signal.SIGKILL), leftovers
    index = SearchIndex.open(out / "search.sqlite")
    found = [h.iri for h in index.search("first", type=MC + "Project")]
    assert found == [ID + "project/p1"]
    index.close()
    # the next build removes the killed writer's temporary file and writes the new index
    assert main(["build", "-q"]) == 0
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert _ids("second", built) == [ID + "project/p1"]
    assert _ids("first", built) == []


def test_the_index_reads_the_store_interface_on_either_engine(built):
    """The rows are the same whether the store is rdflib's or Oxigraph's."""
    from kb.build.pipeline import build
    from kb.core.config import load_config

    result = build(load_config(built), validate_data=False, run_integrity_checks=False)
    rdflib_store = open_store("rdflib")
    for name in result.engine.graph_names():
        rdflib_store.add_graph(name, result.engine.triples(name))
    tables = []
    for store in (result.engine, rdflib_store):
        conn = sqlite3.connect(":memory:", isolation_level=None)
        fill(conn, store, result.inferred_graph_iri, "")
        graphs = dict(conn.execute("SELECT id, iri FROM graph"))
        rows = conn.execute(
            """SELECT resource.iri, property.iri, entry.label, description, lang, graphs
               FROM entry JOIN resource ON resource.id = entry.resource
               JOIN property ON property.id = entry.property"""
        )
        tables.append(
            sorted((*row[:5], sorted(graphs[int(g)] for g in row[5].split())) for row in rows)
        )
        types = conn.execute(
            "SELECT resource.iri, type, asserted FROM type JOIN resource ON id = resource"
        )
        tables.append(sorted(types))
    assert tables[0] == tables[2] and len(tables[0]) > 1000
    assert tables[1] == tables[3] and len(tables[1]) > 500
