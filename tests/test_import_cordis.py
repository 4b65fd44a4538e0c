"""`kb import cordis` on a fixture in the exact CORDIS column format, with awkward rows."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from rdflib import DCTERMS, RDF, SKOS, BNode, Graph, Literal, Namespace, URIRef

from kb.cli import main
from kb.core.errors import KBError
from kb.importers.codelists import type_of_action
from kb.importers.common import ID, MC
from kb.importers.cordis import Known, import_cordis

EURIO = Namespace("http://data.europa.eu/s66#")
SCHEMA = Namespace("https://schema.org/")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

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
    # EURIO's value and currency, which the shapes require, beside schema.org's.
    assert g.value(amount, EURIO.value).toPython() == 7999493.75
    assert g.value(amount, EURIO.currency) == Literal("EUR")
    # The CORDIS code as it is, as `kb import cordis-ref` mints it, is the project's dct:type;
    # mc:fundingScheme is the type of action of the project's own code list.
    cordis_schemes = "https://w3id.org/mfg-clusters/code/cordis-funding-scheme/"
    schemes = "https://w3id.org/mfg-clusters/code/funding-scheme/"
    assert g.value(ID["project/beincpps"], DCTERMS.type) == URIRef(f"{cordis_schemes}IA")
    assert g.value(ID["project/beincpps"], MC.fundingScheme) == URIRef(f"{schemes}IA")
    assert g.value(metal, DCTERMS.type) == URIRef(f"{cordis_schemes}HORIZON-RIA")
    assert g.value(metal, MC.fundingScheme) == URIRef(f"{schemes}RIA")
    programmes = "https://w3id.org/mfg-clusters/code/funding-programme/"
    assert g.value(metal, MC.fundingProgramme) == URIRef(f"{programmes}horizon-europe")
    pole = next(g.subjects(SKOS.prefLabel, Literal('Pôle "Plastique"; Oyonnax', lang="en")))
    assert (pole, RDF.type, MC.SME) in g
    ntua = ID["organisation/ntua"]
    # Tagged @en, as the seed tags names printed in English-language sources.
    assert g.value(ntua, SKOS.prefLabel) == Literal("Εθνικό Μετσόβιο Πολυτεχνείο", lang="en")
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
    part = ID["participation/beincpps/afil/cordis"]
    assert g.value(part, MC.inProject) == ID["project/beincpps"]
    assert g.value(part, MC.participant) == ID["organisation/afil"]
    assert g.value(ID["organisation/afil"], MC.locatedIn) == ID["region/ITC4"]
    # No second AFIL minted from the CORDIS name.
    assert not list(
        g.subjects(
            SKOS.prefLabel, Literal("ASSOCIAZIONE FABBRICA INTELLIGENTE LOMBARDIA", lang="en")
        )
    )
    # The matched project keeps the KB's label and acronym (one prefLabel per language, one
    # acronym); CORDIS adds what the KB does not state, such as the title and dates.
    beincpps = ID["project/beincpps"]
    assert g.value(beincpps, SKOS.prefLabel) is None
    assert g.value(beincpps, MC.acronym) is None
    assert g.value(beincpps, SCHEMA.startDate) == Literal("2015-10-01", datatype=XSD_DATE)
    title = Literal("Business Experiments in Cyber Physical Production Systems", lang="en")
    assert g.value(beincpps, DCTERMS.title) == title
    assert report.kept_from_kb == 2  # the acronym and the English label
    # Every participation cites the rows of the organisation table it comes from.
    rows = ID["source/cordis-orgs/organization-csv/rows"]
    assert set(g.subjects(RDF.type, MC.Participation)) == set(g.subjects(MC.section, rows)) - set(
        g.subjects(RDF.type, MC.MonetaryAmount)
    )
    assert g.value(rows, DCTERMS.isPartOf) == ID["source/cordis-orgs/organization-csv"]


def test_countries_the_kb_does_not_describe_are_not_linked(tmp_path):
    only_italy = Graph().parse(
        data=SEED + "<https://w3id.org/mfg-clusters/id/country/IT> a mc:Country .",
        format="turtle",
    )
    report, g = _run(tmp_path, Known.from_graph(only_italy))
    assert report.unknown_countries == {"DE", "EL", "FR"}
    assert set(g.objects(None, MC.country)) == {ID["country/IT"]}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("IA", ("IA", SKOS.exactMatch)),
        ("RIA", ("RIA", SKOS.exactMatch)),
        ("HORIZON-CSA", ("CSA", SKOS.closeMatch)),
        ("BBI-IA-DEMO", ("IA", SKOS.broadMatch)),
        ("SGA-CSA", ("CSA", SKOS.broadMatch)),
        ("HORIZON-JU-RIA", ("RIA", SKOS.broadMatch)),
        # Look-alikes that are no type of action of the list.
        ("MC-IA", None),
        ("IA-I3", None),
        ("CP-CSA", None),
        ("CSA-CA", None),
        ("ERC-STG", None),
        ("HORIZON-ERC", None),
    ],
)
def test_cordis_funding_schemes_map_to_types_of_action(code, expected):
    match = type_of_action(code)
    if expected is None:
        assert match is None
    else:
        scheme = URIRef(f"https://w3id.org/mfg-clusters/code/funding-scheme/{expected[0]}")
        assert match == (scheme, expected[1])


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


# --- XLSX input: the same tables as workbooks, with typed cells as the CORDIS XLSX exports have.

NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def _typed(text: str):
    """A CSV value as Excel would hold it: numbers, dates and booleans typed, the rest text."""
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.fromisoformat(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text):
        return dt.datetime.fromisoformat(text)
    if NUMBER.match(text):
        text = text.replace(",", ".")
        return float(text) if "." in text else int(text)
    return text


def _to_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    """Write the CSV fixture as a workbook: one sheet row per CSV record, same columns.

    A record with too few fields has no XLSX equivalent (missing trailing cells are just empty),
    so it becomes a row with a stray value beyond the header: bad in both formats.
    """
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    with csv_path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=";")
        header = next(reader)
        sheet.append(header)
        for record in reader:
            values = [_typed(v) for v in record]
            if len(values) < len(header):
                values += [None] * (len(header) - len(values)) + ["stray"]
            sheet.append(values)
    book.save(xlsx_path)


def _without_source_description(g: Graph) -> set:
    """The triples about projects and organisations; the source documents name the input file."""
    sources = str(ID["source/"])
    return {t for t in g if not str(t[0]).startswith(sources) and not str(t[2]).startswith(sources)}


def _xlsx_fixture(tmp_path: Path) -> tuple[Path, Path]:
    projects, orgs = tmp_path / "project.xlsx", tmp_path / "organization.xlsx"
    _to_xlsx(PROJECTS, projects)
    _to_xlsx(ORGS, orgs)
    return projects, orgs


def test_xlsx_gives_the_same_rdf_as_csv(tmp_path):
    seed = Graph().parse(data=SEED, format="turtle")
    projects, orgs = _xlsx_fixture(tmp_path)
    csv_report, csv_graph = _run(tmp_path, Known.from_graph(seed))
    out = tmp_path / "cordis-xlsx.ttl"
    xlsx_report = import_cordis(projects, orgs, out, Known.from_graph(seed))
    xlsx_graph = Graph().parse(
        out, format="turtle", publicID="https://w3id.org/mfg-clusters/graph/cordis"
    )
    assert not any(isinstance(term, BNode) for triple in xlsx_graph for term in triple)
    csv_triples = _without_source_description(csv_graph)
    assert len(csv_triples) > 50
    assert _without_source_description(xlsx_graph) == csv_triples
    counts = ("projects", "organisations", "participations", "matched_projects", "triples")
    assert [getattr(xlsx_report, c) for c in counts] == [getattr(csv_report, c) for c in counts]
    # Typed cells come back as the CSV text: grant ids without ".0", decimal amounts, ISO dates.
    amount = xlsx_graph.value(ID["project/beincpps"], MC.ecContribution)
    assert xlsx_graph.value(amount, URIRef("https://schema.org/value")).toPython() == 7999493.75
    assert xlsx_graph.value(ID["project/beincpps"], DCTERMS.identifier) == Literal("680633")


def test_xlsx_bad_rows_carry_their_sheet_row_number(tmp_path):
    projects, orgs = _xlsx_fixture(tmp_path)
    report = import_cordis(projects, orgs, tmp_path / "c.ttl")
    bad = {(Path(path).name, row): reason for path, row, reason in report.bad_rows}
    # No multi-line record in a sheet: the CSV lines 6-8 of project.csv are sheet rows 5-7.
    assert set(bad) == {
        ("project.xlsx", 5),
        ("project.xlsx", 6),
        ("project.xlsx", 7),
        ("organization.xlsx", 8),
        ("organization.xlsx", 9),
        ("organization.xlsx", 10),
        ("organization.xlsx", 11),
    }
    assert "grant number" in bad[("project.xlsx", 5)]
    assert "YYYY-MM-DD" in bad[("project.xlsx", 6)]
    assert "beyond the header's 20 columns" in bad[("project.xlsx", 7)]
    assert "observer" in bad[("organization.xlsx", 9)]
    assert "'lots'" in bad[("organization.xlsx", 11)]


def test_xlsx_cli_and_unreadable_workbook(tmp_path, capsys):
    projects, orgs = _xlsx_fixture(tmp_path)
    out = tmp_path / "c.ttl"
    args = ["import", "cordis", "-q", "--projects", str(projects)]
    assert main([*args, "--organizations", str(orgs), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "project.xlsx:5: skipped" in err and "7 bad rows" in err
    # A CSV file misnamed .xlsx is not a workbook: exit 2, the file named, nothing written.
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(ORGS.read_bytes())
    assert main([*args, "--organizations", str(fake), "-o", str(tmp_path / "d.ttl")]) == 2
    assert "fake.xlsx: cannot read as XLSX" in capsys.readouterr().err
    assert not (tmp_path / "d.ttl").exists() and not list(tmp_path.glob(".d.ttl.*"))


def test_xlsx_missing_column_is_an_error(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["projectID", "name", "role"])
    book.active.append([680633, "X", "participant"])
    broken = tmp_path / "organization.xlsx"
    book.save(broken)
    out = tmp_path / "c.ttl"
    with pytest.raises(KBError, match=r"organization\.xlsx:1: missing column\(s\) organisationID"):
        import_cordis(PROJECTS, broken, out)
    assert not out.exists()


def test_rows_that_would_break_the_shapes(tmp_path):
    """A project without a title is labelled with its acronym; a second row of the same
    organisation in the same project is a bad row (one participation cannot have two roles)."""
    header = PROJECTS.read_text(encoding="utf-8-sig").splitlines()[0]
    projects = tmp_path / "project.csv"
    projects.write_text(
        header + "\n" + "900010;NOTITLE;SIGNED;;2016-05-01;;;;;;;H2020;;;RIA;;;;1;\n",
        encoding="utf-8",
    )
    org_header = ORGS.read_text(encoding="utf-8").splitlines()[0]
    tum = "900010;NOTITLE;999999002;;Technische Universität München;TUM;false;HES;;;;DE;DE212"
    orgs = tmp_path / "organization.csv"
    orgs.write_text(
        f"{org_header}\n{tum};;;;;3;1;coordinator;;;;false;\n{tum};;;;;3;2;participant;;;;false;\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.ttl"
    report = import_cordis(projects, orgs, out)
    g = Graph().parse(out, format="turtle", publicID="https://w3id.org/mfg-clusters/graph/c")
    assert g.value(ID["project/notitle"], SKOS.prefLabel) == Literal("NOTITLE", lang="en")
    assert [(Path(p).name, line) for p, line, _ in report.bad_rows] == [("organization.csv", 3)]
    assert "already a participant of project 900010" in report.bad_rows[0][2]
    part = ID["participation/notitle/tum/cordis"]
    role = URIRef("https://w3id.org/mfg-clusters/code/participation-role/coordinator")
    assert list(g.objects(part, MC.participationRole)) == [role]


def test_nuts_codes_outside_the_given_versions_are_not_linked(tmp_path):
    out = tmp_path / "c.ttl"
    report = import_cordis(PROJECTS, ORGS, out, nuts_codes={"ITC4", "DE212"})
    g = Graph().parse(out, format="turtle", publicID="https://w3id.org/mfg-clusters/graph/c")
    assert report.unknown_nuts == {"EL303", "FRK28", "ITI43"}
    assert set(g.objects(None, MC.locatedIn)) == {ID["region/ITC4"], ID["region/DE212"]}


def test_a_broken_data_file_is_named_with_its_line(tmp_path):
    from kb.core.errors import RDFSyntaxError
    from kb.importers.cordis import read_known

    broken = tmp_path / "broken.ttl"
    broken.write_text('<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "open .\n', encoding="utf-8")
    with pytest.raises(RDFSyntaxError) as info:
        read_known([broken])
    assert str(info.value).startswith(f"{broken}:2:")
