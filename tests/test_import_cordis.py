"""`kb import cordis` on a fixture in the exact CORDIS column format, with awkward rows."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kb.cli import main
from kb.importers.common import ID, MC
from kb.importers.cordis import Known, import_cordis

FIXTURE = Path(__file__).parent / "fixtures" / "cordis"
PROJECTS, ORGS = FIXTURE / "project.csv", FIXTURE / "organization.csv"
SEED = """
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/mfg-clusters/id/project/beincpps> a mc:Project ;
    skos:prefLabel "BEinCPPS"@en ; mc:acronym "BEinCPPS" .
<https://w3id.org/mfg-clusters/id/organisation/afil> a mc:ClusterOrganisation ;
    skos:prefLabel "Associazione Fabbrica Intelligente Lombardia"@it ; mc:acronym "AFIL" .
"""


def _run(tmp_path: Path, known: Known | None = None):
    out = tmp_path / "cordis.ttl"
    report = import_cordis(PROJECTS, ORGS, out, known)
    g = Graph()
    g.parse(out, format="turtle", publicID="https://w3id.org/mfg-clusters/graph/cordis")
    return report, g


def test_bad_rows_are_reported_with_line_and_reason_and_write_nothing(tmp_path):
    report, g = _run(tmp_path)
    bad = {(Path(path).name, line): reason for path, line, reason in report.bad_rows}
    # The first project spans lines 2-3 (a multi-line objective), so the bad ones are 6, 7, 8.
    assert set(bad) == {
        ("project.csv", 6),
        ("project.csv", 7),
        ("project.csv", 8),
        ("organization.csv", 8),
        ("organization.csv", 9),
        ("organization.csv", 10),
        ("organization.csv", 11),
    }
    assert "grant number" in bad[("project.csv", 6)]
    assert "YYYY-MM-DD" in bad[("project.csv", 7)]
    assert "4 fields" in bad[("project.csv", 8)]
    assert "observer" in bad[("organization.csv", 9)]
    assert "'lots'" in bad[("organization.csv", 11)]
    assert (report.projects, report.participations) == (3, 6)
    # A bad row leaves no trace in the output.
    for text in ("900003", "999999005", "999999006", "999999008"):
        assert not list(g.subjects(None, Literal(text)))


def test_awkward_values_survive(tmp_path):
    _, g = _run(tmp_path)
    metal = ID["project/metal-4-0"]
    assert g.value(metal, MC.acronym) == Literal("MÉTAL-4.0")
    assert g.value(metal, SKOS.prefLabel) == Literal(
        "Smart forming; flexible lines for Industry 4.0", lang="en"
    )
    amount = g.value(ID["project/beincpps"], MC.ecContribution)
    assert g.value(amount, URIRef("https://schema.org/value")).toPython() == 7999493.75
    pole = next(g.subjects(SKOS.prefLabel, Literal('Pôle "Plastique"; Oyonnax')))
    assert (pole, RDF.type, MC.SME) in g
    ntua = ID["organisation/ntua"]
    assert g.value(ntua, SKOS.prefLabel) == Literal("Εθνικό Μετσόβιο Πολυτεχνείο")
    assert g.value(ntua, MC.country) == ID["country/GR"]  # CORDIS EL -> ISO GR
    assert g.value(ntua, MC.locatedIn) == ID["region/EL303"]
    # The same organisation in two projects is one resource with two participations.
    tum = ID["organisation/tum"]
    assert len(list(g.subjects(MC.participant, tum))) == 2
    assert len(list(g.subjects(RDF.type, MC.Project))) == 3


def test_seed_project_and_organisation_are_matched_not_duplicated(tmp_path):
    seed = Graph().parse(data=SEED, format="turtle")
    report, g = _run(tmp_path, Known.from_graph(seed))
    assert (report.matched_projects, report.matched_organisations) == (1, 1)
    part = ID["participation/beincpps/afil"]
    assert g.value(part, MC.inProject) == ID["project/beincpps"]
    assert g.value(part, MC.participant) == ID["organisation/afil"]
    assert g.value(ID["organisation/afil"], MC.locatedIn) == ID["region/ITC4"]
    # No second AFIL minted from the CORDIS name.
    assert not list(
        g.subjects(SKOS.prefLabel, Literal("ASSOCIAZIONE FABBRICA INTELLIGENTE LOMBARDIA"))
    )


def test_cli_exit_code_and_missing_file(tmp_path, capsys):
    out = tmp_path / "c.ttl"
    args = ["import", "cordis", "-q", "--projects", str(PROJECTS)]
    assert main([*args, "--organizations", str(ORGS), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "project.csv:6: skipped" in err and "7 bad rows" in err
    assert out.is_file()
    missing = tmp_path / "none.csv"
    assert main([*args, "--organizations", str(missing), "-o", str(tmp_path / "d.ttl")]) == 2
    assert not (tmp_path / "d.ttl").exists()


def test_missing_column_is_an_error_and_leaves_no_output(tmp_path):
    broken = tmp_path / "organization.csv"
    broken.write_text("projectID;name;role\n680633;X;participant\n", encoding="utf-8")
    out = tmp_path / "c.ttl"
    args = ["import", "cordis", "-q", "--projects", str(PROJECTS), "--organizations", str(broken)]
    assert main([*args, "-o", str(out)]) == 2
    assert not out.exists() and not list(tmp_path.glob(".c.ttl.*"))
