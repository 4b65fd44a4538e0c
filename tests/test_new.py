"""kb new: a commented template that, filled in, passes kb validate; before that, kb validate
names what is missing with the file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kb.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def kb_project(tmp_path, monkeypatch):
    root = tmp_path / "kb"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copytree(REPO / "data" / "ttl" / "reference", root / "data" / "ttl" / "reference")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    monkeypatch.setenv("KB_ROOT", str(root))
    return root


def _uncomment_block(text: str, start: str) -> str:
    """Remove the '# ' of the commented block that begins with `start`, down to its '.'."""
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith("# " + start))
    while lines[i].startswith("# "):
        lines[i] = lines[i][2:]
        if lines[i].split("#")[0].rstrip().endswith("."):
            break
        i += 1
    return "\n".join(lines)


def test_cluster_template_then_validate_then_filled(kb_project, capsys):
    assert main(["new", "cluster", "Test Manufacturing Cluster", "--acronym", "TMC"]) == 0
    path = kb_project / "data" / "ttl" / "clusters" / "tmc.ttl"
    text = path.read_text(encoding="utf-8")
    Graph().parse(data=text, format="turtle", publicID="urn:x")  # valid Turtle as written
    capsys.readouterr()
    # unfilled: it conforms, and the warning names the file, the line and what is missing
    assert main(["validate", "-q"]) == 0
    out = capsys.readouterr().out
    line = (
        text.split("\n").index(
            "<https://w3id.org/mfg-clusters/id/organisation/tmc> a mc:ClusterOrganisation ;"
        )
        + 1
    )
    assert (
        f"data/ttl/clusters/tmc.ttl:{line}: Warning: id:organisation/tmc path mc:country: " in out
    )
    assert "Should have an mc:country." in out
    # filled in as a cluster manager would: fields uncommented, values put in
    text = text.replace("#    mc:country country:XX ;", "    mc:country country:IT ;")
    text = text.replace(
        "#    mc:sectoralIndustry sectoral-industry:manufacturing ;",
        "    mc:sectoralIndustry sectoral-industry:metalworking-technology ;",
    )
    text = text.replace("#    mc:locatedIn region:ITC4 ;", "    mc:locatedIn region:ITC4 ;")
    text = _uncomment_block(text, "<https://w3id.org/mfg-clusters/id/figure/tmc/members/")
    path.write_text(text, encoding="utf-8")
    assert main(["validate", "-q"]) == 0
    out = capsys.readouterr().out
    assert "Conforms: True (0 violations" in out and "tmc.ttl" not in out
    # a wrong value is a violation named with its line
    bad = text.replace("    mc:value 120 ;", '    mc:value "many" ;', 1)
    path.write_text(bad, encoding="utf-8")
    assert main(["validate", "-q"]) == 1
    out = capsys.readouterr().out
    value_line = next(n for n, x in enumerate(bad.split("\n"), 1) if 'mc:value "many"' in x)
    assert re.search(
        rf"tmc\.ttl:{value_line}: Violation: id:figure/tmc/members/contrib-profile path mc:value",
        out,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["organisation", "Fabbrica Test Srl", "--type", "sme", "--country", "IT"],
        ["project", "A Test Project for Manufacturing", "--acronym", "TESTPROJ"],
    ],
)
def test_organisation_and_project_templates_conform(kb_project, capsys, argv):
    assert main(["new", *argv]) == 0
    assert main(["validate", "-q"]) == 0
    assert "0 violations" in capsys.readouterr().out


def test_new_does_not_overwrite(kb_project, capsys):
    assert main(["new", "cluster", "X Cluster", "--acronym", "XC"]) == 0
    assert main(["new", "cluster", "X Cluster", "--acronym", "XC"]) == 2
    assert "exists already" in capsys.readouterr().err
