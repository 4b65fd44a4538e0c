"""kb validate's file-and-line report: the Turtle locator and the GitHub Actions format."""

from __future__ import annotations

from pathlib import Path

from kb.cli import main
from kb.load.locate import Locator, describe_file

TTL = '''@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix o: <https://w3id.org/mfg-clusters/id/organisation/> .
# a comment with o:fake a mc:Cluster .
<> a mc:SourceGraph .
o:one a mc:Cluster ;
    mc:summary """A long text
o:two a mc:Cluster . (not a statement: inside the string)""" ;
    mc:country [ mc:note "x" ] ;
    mc:value 12.5 .

<https://w3id.org/mfg-clusters/id/organisation/two>
    mc:value "x"@en , "y"^^<http://www.w3.org/2001/XMLSchema#string> .
o:two a mc:Cluster .
'''


def test_locator_follows_subjects_and_predicates(tmp_path: Path):
    path = tmp_path / "f.ttl"
    path.write_text(TTL, encoding="utf-8")
    found = describe_file(path, "https://w3id.org/mfg-clusters/graph/f")
    one = "https://w3id.org/mfg-clusters/id/organisation/one"
    two = "https://w3id.org/mfg-clusters/id/organisation/two"
    assert [d.line for d in found[one]] == [5]
    assert found[one][0].predicates["https://w3id.org/mfg-clusters/ontology#value"] == 9
    assert [d.line for d in found[two]] == [11, 13]
    assert "https://w3id.org/mfg-clusters/graph/f" in found
    locator = Locator([(path, "https://w3id.org/mfg-clusters/graph/f")])
    # a missing property: the line where the node is typed
    assert locator.find(two, "https://w3id.org/mfg-clusters/ontology#country")[1] == 13
    assert locator.find(two, "https://w3id.org/mfg-clusters/ontology#value")[1] == 12


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix mcsh: <https://w3id.org/mfg-clusters/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
mcsh:F a sh:NodeShape ; sh:targetClass mc:Figure ; sh:property mcsh:F-value .
mcsh:F-value a sh:PropertyShape ; sh:path mc:value ; sh:datatype xsd:decimal ;
    sh:name "value" ; sh:description "The number, digits only, as stated." ;
    sh:message "A figure's value is a number, 50%, not words." .
"""
DATA = """@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
<https://w3id.org/mfg-clusters/id/figure/t> a mc:Figure ;
    mc:value "twelve" .
"""


def test_github_format_annotates_file_and_line(project, capsys, tmp_path, monkeypatch):
    project({"f.ttl": DATA}, {"s.ttl": SHAPES})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", "-q", "--format", "github"]) == 1
    out = capsys.readouterr().out.strip().split("\n")
    assert out == [
        "::error file=data/f.ttl,line=3,title=id%3Afigure/t%3A value::A figure's value is a "
        "number, 50%25, not words. The number, digits only, as stated. [mcsh:F-value]"
    ]
    text = summary.read_text(encoding="utf-8")
    assert "kb validate: does not conform (1 violations, 0 warnings)" in text
    assert "| ❌ | `data/f.ttl:3` | `id:figure/t` | value |" in text


def test_workflow_runs_kb_commands_that_exist():
    """The pull-request workflow's kb steps are commands this kb accepts (GitHub cannot be
    reached from here, so its YAML is checked for the commands only)."""
    import shlex

    from kb.cli import parser

    workflow = (Path(__file__).resolve().parent.parent / ".github/workflows/ci.yml").read_text()
    runs = [
        line.split("run:", 1)[1].strip()
        for line in workflow.splitlines()
        if line.strip().startswith("run:") and ".venv/bin/kb " in line
    ]
    assert ".venv/bin/kb validate -q --format github" in runs
    for run in runs:
        argv = shlex.split(run.split(".venv/bin/kb ", 1)[1])
        parser().parse_args(argv)  # exits on an unknown option


WARNING_SHAPES = (
    SHAPES
    + """mcsh:F-label a sh:PropertyShape ; sh:path mc:label ; sh:minCount 1 ;
    sh:severity sh:Warning ; sh:name "label" ; sh:message "A figure should have a label." .
mcsh:F sh:property mcsh:F-label .
"""
)


def test_json_format_lists_every_result_with_file_and_line(project, capsys):
    import json

    project({"f.ttl": DATA}, {"s.ttl": WARNING_SHAPES})
    assert main(["validate", "-q", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert (body["conforms"], body["violations"], body["warnings"]) == (False, 1, 1)
    by_severity = {r["severity"]: r for r in body["results"]}
    violation = by_severity["Violation"]
    assert violation["focus"].endswith("figure/t") and violation["shape"].endswith("F-value")
    assert (violation["file"], violation["line"]) == ("data/f.ttl", 3)
    assert violation["message"] == "A figure's value is a number, 50%, not words."
    assert violation["shape_name"] == "value"
    assert by_severity["Warning"]["component"].endswith("MinCountConstraintComponent")


def test_junit_format_fails_the_shape_with_violations(project, capsys):
    from xml.etree import ElementTree as ET

    project({"f.ttl": DATA}, {"s.ttl": WARNING_SHAPES})
    assert main(["validate", "-q", "--format", "junit"]) == 1
    suite = ET.fromstring(capsys.readouterr().out)
    assert suite.tag == "testsuite" and suite.get("tests") == "3" and suite.get("failures") == "2"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    value = next(c for n, c in cases.items() if "F-value" in n)
    assert value.find("failure") is not None and value.get("file") == "data/f.ttl"
    assert "data/f.ttl:3: Violation" in value.find("failure").text
    label = next(c for n, c in cases.items() if "F-label" in n)
    assert label.find("failure") is None and "Warning" in label.find("system-out").text
    assert cases["conforms"].find("failure") is not None


def test_junit_passes_when_only_warnings(project, capsys):
    from xml.etree import ElementTree as ET

    good = DATA.replace('"twelve"', "12.5")
    project({"f.ttl": good}, {"s.ttl": WARNING_SHAPES})
    assert main(["validate", "-q", "--format", "junit"]) == 0
    suite = ET.fromstring(capsys.readouterr().out)
    assert suite.get("failures") == "0"
    assert all(c.find("failure") is None for c in suite.iter("testcase"))


def test_summary_counts_the_warnings_and_lists_the_violations(project, capsys):
    project({"f.ttl": DATA}, {"s.ttl": WARNING_SHAPES})
    assert main(["validate", "-q", "--summary"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Conforms: False (1 violations, 1 warnings")
    assert out[1].startswith("data/f.ttl:3: Violation: id:figure/t path mc:value")
    assert out[2:] == ["Warning: 1 x mcsh:F-label (label)"]
    # without it (-q only stops the progress lines): every result with its file and line
    assert main(["validate", "-q"]) == 1
    assert "data/f.ttl:2: Warning: id:figure/t path mc:label" in capsys.readouterr().out
