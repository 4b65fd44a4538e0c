"""kb import eccp-profile / org-profile: faults with file and line, nothing half-written,
--partial, the HTML page read as the text, identity linking into the full KB."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import OWL, Graph, URIRef

from kb.cli import main
from kb.core.config import load_config
from kb.importers import eccp_import, eccp_profile, profiles

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "profiles"
SEED_000 = REPO.parent / "shared" / "seeds" / "000_2b49562e201a65d9.txt"
SEED_001 = REPO.parent / "shared" / "seeds" / "001_d94dac396e1ea071.txt"
ID = "https://w3id.org/mfg-clusters/id/"
SUBJECT = eccp_profile.Subject("Test Cluster", "TC")
CONFIG = load_config()

# fixture -> (line, words the message must contain)
FAULTS = {
    "missing-block.txt": (25, "block 'Composition of the cluster' missing"),
    "truncated.txt": (95, "truncated file?"),
    "truncated.html": (150, "without </html>: truncated?"),
    "unknown-field.txt": (30, "unknown field 'Number of robots in the cluster:'"),
    "misplaced-field.txt": (12, "belongs to block 'Sectoral and Industrial Focus'"),
    "repeated-block.txt": (25, "block 'Sectoral and Industrial Focus' a second time"),
    "repeated-field.txt": (20, "field 'Technology fields' again"),
    "bad-date.txt": (4, "not a date: 'Wednesday, 31 February, 2013'"),
    "bad-count.txt": (27, "not a whole number: 'many'"),
    "two-numbers.txt": (29, "one number expected, found 2"),
    "not-utf8.txt": (3, "not UTF-8"),
    "empty.txt": (1, "not an ECCP profile"),
    "not-a-profile.txt": (4, "not an ECCP profile"),
}


def _map(paths, data_dirs=(REPO / "data" / "ttl" / "reference",), subject=SUBJECT, link=True):
    return eccp_import.map_profiles(
        paths,
        Path("/nonexistent/out"),
        data_dirs=list(data_dirs),
        ontology_dirs=CONFIG.ontology_dirs,
        shapes_dir=CONFIG.shapes_dir,
        subject=subject,
        link=link,
    )


def _graphs(outputs) -> dict[str, Graph]:
    ((_, files),) = outputs.items()
    return {n: Graph().parse(data=t, format="turtle", publicID="urn:x") for n, t in files.items()}


def _facts(graphs: dict[str, Graph]) -> set:
    """The facts, without the graphs' own comments (which name line numbers)."""
    return {(n, t) for n, g in graphs.items() for t in g if str(t[0]) != "urn:x"}


def test_at_least_ten_fault_fixtures():
    assert len(FAULTS) >= 10
    assert {p.name for p in FIXTURES.glob("*") if p.suffix in (".txt", ".html")} >= set(FAULTS)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_names_file_and_line(name):
    line, words = FAULTS[name]
    path = FIXTURES / name
    subject = None if name.endswith(".html") else SUBJECT
    report, _ = _map([path], subject=subject)
    messages = [str(f) for f in report.faults]
    assert any(m.startswith(f"{path}:{line}: ") and words in m for m in messages), messages


@pytest.fixture(scope="module")
def seed_facts():
    _, outputs = _map([SEED_000])
    return _facts(_graphs(outputs))


@pytest.mark.parametrize(
    "name", ["reordered-blocks.txt", "extra-whitespace.txt", "html-entities.txt"]
)
def test_harmless_variants_import_as_the_seed(name, seed_facts):
    report, outputs = _map([FIXTURES / name])
    assert not report.faults
    assert _facts(_graphs(outputs)) == seed_facts
    if name == "reordered-blocks.txt":
        assert any("not in the ECCP order" in n for n in report.notes)


def test_non_latin_names_keep_their_script_and_get_readable_iris():
    report, outputs = _map([FIXTURES / "non-latin-names.txt"])
    assert not report.faults
    g = _graphs(outputs)["collaborating-clusters.ttl"]
    labels = {str(o): str(s) for s, o in g.subject_objects(URIRef(str(profiles.SKOS.prefLabel)))}
    assert (
        labels["Ελληνικό Cluster Μεταποίησης"] == ID + "organisation/elliniko-cluster-metapoiisis"
    )
    assert (
        labels["Българска клъстерна асоциация"]
        == ID + "organisation/balgarska-klasterna-asotsiatsiya"
    )


def test_value_outside_the_code_list_is_kept_as_text_and_reported():
    report, outputs = _map([FIXTURES / "unknown-value.txt"])
    assert any(
        "unknown-value.txt:20: 'Robotics' is not in the code list technology-field" in t
        for t in report.kept_as_text
    )
    g = _graphs(outputs)["sectoral-focus.ttl"]
    assert "Technology fields: Robotics" in {str(o) for o in g.objects(None, profiles.SKOS.note)}


def test_html_page_reads_as_the_printed_text(seed_facts):
    report, outputs = _map([FIXTURES / "afil-profile.html"], subject=None)
    assert not report.faults
    graphs = _graphs(outputs)
    afil = URIRef(ID + "organisation/afil")  # from the page title "... (AFIL)"
    page = URIRef("http://www.clustercollaboration.eu/cluster-organisations/afil")
    assert (afil, profiles.FOAF.page, page) in graphs["general-information.ttl"]
    polimi = URIRef(ID + "organisation/politecnico-di-milano")
    link = (polimi, profiles.FOAF.homepage, URIRef("https://www.polimi.it/"))
    assert link in graphs["composition.ttl"]
    # the text import with the same name: the same facts, but the page and the added link
    _, text_outputs = _map(
        [SEED_000],
        subject=eccp_profile.Subject(
            "Associazione Fabbrica Intelligente Lombardia", "AFIL", str(page)
        ),
    )
    difference = _facts(graphs) ^ _facts(_graphs(text_outputs))
    assert difference == {("composition.ttl", link)}


# --- the command: exit codes, nothing half-written, --partial -----------------------------------


@pytest.fixture
def kb_project(tmp_path, monkeypatch):
    """A project with the real ontology, shapes, queries and reference data, and no seed data."""
    root = tmp_path / "kb"
    for folder in ("ontology", "shapes", "queries"):  # kb validate refuses a missing queries_dir
        shutil.copytree(REPO / folder, root / folder)
    shutil.copytree(REPO / "data" / "ttl" / "reference", root / "data" / "ttl" / "reference")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    monkeypatch.setenv("KB_ROOT", str(root))
    return root


def _run(*argv) -> int:
    return main(["import", *map(str, argv)])


def test_faulty_profile_writes_nothing_and_keeps_the_previous_import(kb_project, capsys):
    out = kb_project / "data" / "ttl" / "eccp"
    assert _run("eccp-profile", SEED_000, "--name", "Test Cluster", "--acronym", "TC") == 0
    before = {p.name: p.read_text() for p in (out / "tc").iterdir()}
    assert len(before) == 12
    code = _run(
        "eccp-profile", FIXTURES / "bad-date.txt", "--name", "Test Cluster", "--acronym", "TC"
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{FIXTURES / 'bad-date.txt'}:4: " in err and "nothing was written" in err
    assert {p.name: p.read_text() for p in (out / "tc").iterdir()} == before
    assert [p.name for p in out.iterdir()] == ["tc"]  # no temporary folder left behind


def test_partial_imports_what_could_be_read(kb_project, capsys):
    code = _run("eccp-profile", FIXTURES / "bad-count.txt", "--acronym", "TC", "--partial")
    err = capsys.readouterr().err
    assert code == 1 and "(skipped: --partial)" in err
    folder = kb_project / "data" / "ttl" / "eccp" / "tc"
    composition = Graph().parse(folder / "composition.ttl")
    members = URIRef(ID + "figure/tc/members/eccp-composition")
    assert not list(composition.triples((members, None, None)))  # the faulty field is skipped
    assert len(list(composition.objects(None, profiles.MC.majorPlayer))) == 5
    assert main(["validate", "-q"]) == 0


def test_interrupted_write_leaves_no_half_folder(tmp_path, monkeypatch):
    target = tmp_path / "out" / "tc"
    profiles.write_folder(target, {"a.ttl": "old\n"})

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(profiles.os, "fsync", fail)
    with pytest.raises(OSError):
        profiles.write_folder(target, {"a.ttl": "new\n", "b.ttl": "new\n"})
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["tc"]
    assert (target / "a.ttl").read_text() == "old\n" and not (target / "b.ttl").exists()


# --- identity -----------------------------------------------------------------------------------


@pytest.fixture
def full_kb(tmp_path, monkeypatch):
    root = tmp_path / "kb"
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    monkeypatch.setenv("KB_ROOT", str(root))
    return root


AFIL_OPTIONS = (
    "--name",
    "Associazione Fabbrica Intelligente Lombardia",
    "--acronym",
    "AFIL",
    "--page",
    "http://www.clustercollaboration.eu/cluster-organisations/afil",
)


def test_seed_profile_imported_into_the_full_kb_keeps_afil_one_resource(full_kb, capsys):
    # without a decision: the candidates are proposed and nothing is written
    assert _run("eccp-profile", SEED_000, *AFIL_OPTIONS) == 2
    err = capsys.readouterr().err
    assert f"may be <{ID}organisation/afil>: same IRI; same name" in err
    assert "same web site http://www.clustercollaboration.eu/cluster-organisations/afil" in err
    assert not (full_kb / "data" / "ttl" / "eccp").exists()
    # --link records the decision and merges
    assert _run("eccp-profile", SEED_000, *AFIL_OPTIONS, "--link") == 0
    assert _run("org-profile", SEED_001, "--link") == 0
    capsys.readouterr()
    assert main(["build", "-q"]) == 0
    out = capsys.readouterr().out
    assert "0 violations" in out
    assert re.search(r"integrity checks +(\d+)/\1 passed", out), out
    from kb.build.pipeline import build

    result = build(load_config(full_kb), validate_data=False, run_integrity_checks=False)
    rows = result.store.query(
        "SELECT DISTINCT ?org WHERE { ?org ?p ?name . "
        "VALUES ?p { <http://www.w3.org/2004/02/skos/core#prefLabel> "
        "<http://www.w3.org/2004/02/skos/core#altLabel> "
        "<https://w3id.org/mfg-clusters/ontology#acronym> } "
        'FILTER (LCASE(STR(?name)) IN ("afil", "associazione fabbrica intelligente lombardia")) }'
    ).dicts()
    assert [str(r["org"]) for r in rows] == [ID + "organisation/afil"]
    decided = (full_kb / "data/ttl/eccp/afil/general-information.ttl").read_text()
    assert "kb import --link: 'AFIL' (line 1) is <" + ID + "organisation/afil>" in decided


def test_no_link_keeps_apart_and_is_remembered(full_kb, capsys):
    assert _run("eccp-profile", SEED_000, *AFIL_OPTIONS, "--no-link") == 0
    g = Graph().parse(full_kb / "data/ttl/eccp/afil/general-information.ttl")
    assert (
        URIRef(ID + "organisation/afil-2"),
        OWL.differentFrom,
        URIRef(ID + "organisation/afil"),
    ) in g
    capsys.readouterr()
    # a re-import is not asked again about the resources it was told to keep apart
    assert _run("eccp-profile", SEED_000, *AFIL_OPTIONS, "--no-link") == 0
    assert "organisation 'AFIL'" not in capsys.readouterr().err


# --- the SciTransfer form -----------------------------------------------------------------------

SEED_001_LINES = SEED_001.read_text(encoding="utf-8").split("\n")


def _variant(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


ORG_FAULTS = {
    # name: (how the seed is changed, line, words)
    "truncated": (lambda ls: ls[:62], 62, "section 'Why partner with them' missing"),
    "bad-amount": (
        lambda ls: [x.replace("€494K", "€49x4K") for x in ls],
        14,
        "not an amount in euro: '€49x4K'",
    ),
    "missing-metric": (lambda ls: ls[:14] + ls[16:], 15, "header metric 'Unique partners' missing"),
    "unknown-type": (
        lambda ls: [x.replace("NGO / Association", "Foundation") for x in ls],
        8,
        "unknown organisation type",
    ),
    "not-scitransfer": (lambda ls: ["Printer-friendly version", *ls[1:]], 1, "not a SciTransfer"),
}


@pytest.mark.parametrize("name", sorted(ORG_FAULTS))
def test_org_profile_fault_names_file_and_line(tmp_path, name):
    from kb.importers import org_import

    change, line, words = ORG_FAULTS[name]
    path = _variant(tmp_path, f"{name}.txt", change(list(SEED_001_LINES)))
    report, _ = org_import.map_profiles(
        [path],
        tmp_path / "out",
        data_dirs=[REPO / "data" / "ttl" / "reference"],
        ontology_dirs=CONFIG.ontology_dirs,
        shapes_dir=CONFIG.shapes_dir,
        link=True,
    )
    messages = [str(f) for f in report.faults]
    assert any(m.startswith(f"{path}:{line}: ") and words in m for m in messages), messages


def test_printed_text_without_a_name_reads_the_acronym_from_its_texts():
    report, outputs = _map([SEED_000], subject=None)
    assert not report.faults
    assert any("read 'AFIL' from the texts" in n for n in report.notes)
    ((folder, _),) = outputs.items()
    assert folder.name == "afil"
