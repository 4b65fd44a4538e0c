"""`kb build` / `kb validate` exit codes: 0 conforms, 1 violations, 2 errors."""

from __future__ import annotations

import pytest

from kb.cli import main

DATA = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<> a mc:SourceGraph ; prov:wasDerivedFrom <https://w3id.org/mfg-clusters/id/source/test> .
<https://w3id.org/mfg-clusters/id/figure/t> a mc:Figure ; mc:value {value} .
"""

SHAPES = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix mcsh: <https://w3id.org/mfg-clusters/shapes#> .
mcsh:Figure a sh:NodeShape ; sh:targetClass mc:Figure ; sh:property mcsh:Figure-value .
mcsh:Figure-value a sh:PropertyShape ; sh:path mc:value ; sh:datatype xsd:decimal ;
    sh:minCount 1 ; sh:message "A figure has exactly one decimal value." .
"""


def test_build_conforms_exit_0(project, capsys: pytest.CaptureFixture[str]) -> None:
    root = project({"f.ttl": DATA.format(value="12.5")}, {"s.ttl": SHAPES})
    assert main(["build", "-q"]) == 0
    out = capsys.readouterr().out
    assert "conforms            True" in out
    assert "triples inferred" in out
    assert (root / "build" / "kb.nq").is_file()


def test_violation_exit_1_names_focus_path_message_and_shape(
    project, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"f.ttl": DATA.format(value='"twelve"')}, {"s.ttl": SHAPES})
    assert main(["validate", "-q"]) == 1
    out = capsys.readouterr().out
    assert "Violation: id:figure/t path mc:value value 'twelve'" in out
    assert "mc:value" in out
    assert "A figure has exactly one decimal value." in out
    assert "mcsh:Figure-value" in out
    # a build that does not conform writes its reports but no knowledge base
    assert main(["build", "-q"]) == 1
    assert (root / "build" / "validation-report.ttl").is_file()
    assert not (root / "build" / "kb.nq").exists()


def test_syntax_error_exit_2_writes_nothing(project, capsys: pytest.CaptureFixture[str]) -> None:
    root = project({"f.ttl": DATA.format(value="12") + "<broken"}, {"s.ttl": SHAPES})
    assert main(["build", "-q"]) == 2
    err = capsys.readouterr().err
    assert f"{root / 'data' / 'f.ttl'}:5:" in err
    assert "syntax error" in err
    assert not (root / "build").exists()


def test_both_validators_print_the_same_report(project, capsys: pytest.CaptureFixture[str]) -> None:
    project({"f.ttl": DATA.format(value='"twelve"')}, {"s.ttl": SHAPES})
    outputs = {}
    for validator in ("sparql", "pyshacl"):
        assert main(["validate", "-q", "--validation", validator]) == 1
        outputs[validator] = capsys.readouterr().out
    assert "Violation: id:figure/t path mc:value value 'twelve'" in outputs["sparql"]
    assert outputs["sparql"] == outputs["pyshacl"]


def test_validate_turtle_report_is_w3c_graph(project, capsys: pytest.CaptureFixture[str]) -> None:
    project({"f.ttl": DATA.format(value='"x"')}, {"s.ttl": SHAPES})
    assert main(["validate", "-q", "--format", "turtle"]) == 1
    from rdflib import Graph
    from rdflib.namespace import SH

    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(list(report.subjects(SH.resultSeverity, SH.Violation))) == 1


def test_bad_config_value_exit_2(project, capsys: pytest.CaptureFixture[str]) -> None:
    project({"f.ttl": DATA.format(value="1.5")}, {"s.ttl": SHAPES})
    assert main(["build", "-q", "--inference", "owlrl"]) == 0
    import os

    os.environ["KB_INFERENCE"] = "hermit"
    try:
        assert main(["build", "-q"]) == 2
        assert "inference must be one of" in capsys.readouterr().err
    finally:
        del os.environ["KB_INFERENCE"]


def test_sub_commands_are_registered_lazily() -> None:
    """`kb --help` lists every sub-command with its help and imports none of them; `kb query
    list` imports only kb.cli.query (and what it needs: not the build nor the server)."""
    import subprocess
    import sys

    from kb.cli import COMMANDS, parser

    probe = (
        "import sys\nfrom kb.cli import main\ntry:\n    main(sys.argv[1:])\n"
        "except SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('kb'))), file=sys.stderr)"
    )
    shown = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True, text=True)
    assert shown.stderr.split() == ["kb", "kb.cli", "kb.core", "kb.core.errors"]
    listed = " ".join(shown.stdout.split())
    for name, (_module, text) in COMMANDS.items():
        assert f"{name} {' '.join(text.split())}" in listed
    queried = subprocess.run(
        [sys.executable, "-c", probe, "query", "list"], capture_output=True, text=True
    )
    loaded = set(queried.stderr.split())
    assert "kb.cli.query" in loaded
    assert not loaded & {
        "kb.cli.build",
        "kb.cli.serve",
        "kb.build.pipeline",
        "kb.serve",
        "kb.shacl.pyshacl_engine",
    }
    # the full parser registers every command, each with the help `kb --help` shows
    full = parser()._subparsers._group_actions[0]
    assert {a.dest: a.help for a in full._choices_actions} == {
        name: text for name, (_module, text) in COMMANDS.items()
    }
