"""What `kb build` refuses, each with the error a user can act on (issue 15's findings, one
test each): a shape no validator can use (named with its file, line and shape, as a Turtle
syntax error is), a stored query or check that does not parse (file, line, column) or whose
declared parameters do not match its text, a configured input that is not there (the key and
the path; `--no-shapes` builds without validation on purpose), a stored query that is not
UTF-8 (issue 18), and a syntax error at the position of the file as written, not of the text
with its parameters bound in (issue 18)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.cli import main

REPO = Path(__file__).resolve().parent.parent
SHAPE_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix mcsh: <https://w3id.org/mfg-clusters/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = """@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix id: <https://w3id.org/mfg-clusters/id/> .
id:cluster-x a mc:Cluster ; mc:acronym "X" .
"""
HEADER = '#+ title = "t"\n#+ question = "q?"\n#+ user = "everyone"\n'


def _build(capsys, *args: str) -> tuple[int, str]:
    code = main(["build", "-q", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize("validation", ["sparql", "pyshacl"])
def test_an_invalid_pattern_names_the_shape_file_line_and_shape(project, capsys, validation):
    shape = SHAPE_PREFIXES + (
        "\nmcsh:ClusterShape a sh:NodeShape ;\n"
        "    sh:targetClass mc:Cluster ;\n"
        "    sh:property [\n"
        "        sh:path mc:acronym ;\n"
        '        sh:pattern "[" ;\n'
        "    ] .\n"
    )
    root = project({"c.ttl": DATA}, {"cluster.ttl": shape})
    code, err = _build(capsys, "--validation", validation)
    assert code == 2
    path_line = shape.splitlines().index("        sh:path mc:acronym ;") + 1
    assert f"{root / 'shapes' / 'cluster.ttl'}:{path_line}: shape [sh:path mc:acronym of " in err
    assert "mcsh:ClusterShape]" in err and 'sh:pattern "["' in err
    assert "unterminated character set" in err
    assert not (root / "build" / "kb.nq").exists()


def test_other_errors_in_a_shape_name_its_file_and_line(project, capsys):
    shape = SHAPE_PREFIXES + (
        "\nmcsh:A a sh:NodeShape ; sh:targetClass mc:Cluster ; sh:node mcsh:Missing .\n"
        "\nmcsh:B a sh:PropertyShape ;\n  sh:targetClass mc:Cluster ;\n"
        '  sh:path mc:acronym ; sh:maxCount "one" .\n'
    )
    root = project({"c.ttl": DATA}, {"s.ttl": shape})
    code, err = _build(capsys)
    assert code == 2
    assert f"{root / 'shapes' / 's.ttl'}:" in err
    assert ("mcsh:Missing names no shape" in err) or ("sh:maxCount must be" in err)
    line = int(err.split(f"{root / 'shapes' / 's.ttl'}:")[1].split(":")[0])
    assert shape.splitlines()[line - 1].startswith(("mcsh:A", "mcsh:B"))


def test_a_stored_query_that_does_not_parse_stops_the_build(project, capsys):
    root = project({"c.ttl": DATA})
    bad = HEADER + "SELECT ?s WHERE {\n  ?s ?p\n}\n"
    (root / "queries" / "01_broken.rq").write_text(bad, encoding="utf-8")
    code, err = _build(capsys)
    assert code == 2
    # Oxigraph names the furthest point its parser reached: past the triple pattern left open
    found = re.search(rf"{root / 'queries' / '01_broken.rq'}:(\d+):(\d+): SPARQL syntax error", err)
    assert found and int(found.group(1)) in (5, 6, 7), err
    assert not (root / "build" / "kb.nq").exists()
    # an integrity check is parsed before any is run
    (root / "queries" / "01_broken.rq").unlink()
    (root / "queries" / "checks" / "bad-check.rq").write_text("SELECT * WHERE { ?s }", "utf-8")
    code, err = _build(capsys)
    assert code == 2 and f"{root / 'queries' / 'checks' / 'bad-check.rq'}:1:" in err


def test_declared_parameters_are_checked_against_the_text(project, capsys):
    root = project({"c.ttl": DATA})
    unused = (
        HEADER + '#+ [[param]]\n#+ name = "region"\n#+ type = "iri"\nSELECT ?s WHERE { ?s ?p ?o }\n'
    )
    (root / "queries" / "01_unused.rq").write_text(unused, encoding="utf-8")
    code, err = _build(capsys)
    assert code == 2 and "parameter 'region' is declared" in err and "01_unused.rq" in err
    bad_default = (
        HEADER + '#+ [[param]]\n#+ name = "n"\n#+ type = "xsd:integer"\n#+ default = "many"\n'
        "SELECT ?s WHERE { ?s ?p ?n }\n"
    )
    (root / "queries" / "01_unused.rq").write_text(bad_default, encoding="utf-8")
    code, err = _build(capsys)
    assert code == 2 and "01_unused.rq" in err and "not a valid xsd:integer" in err


def test_missing_inputs_name_the_key_and_the_path(project, capsys, monkeypatch):
    root = project({"c.ttl": DATA})
    for key, missing in [
        ("SHAPES_DIR", "no-shapes-here"),
        ("CHECKS_DIR", "queries/no-checks"),
        ("QUERIES_DIR", "no-queries"),
        ("DATA_DIRS", "data/none"),
    ]:
        monkeypatch.setenv(f"KB_{key}", missing)
        code, err = _build(capsys)
        monkeypatch.delenv(f"KB_{key}")
        assert code == 2, key
        assert f"{key.lower()}: {root / missing} does not exist" in err
    assert not (root / "build" / "kb.nq").exists()
    # an empty shapes folder is no shapes at all
    (root / "shapes" / "none.ttl").unlink()
    code, err = _build(capsys)
    assert code == 2 and "holds no Turtle file" in err and "--no-shapes" in err


def test_no_shapes_builds_without_validation_on_purpose_and_says_so(project, capsys, monkeypatch):
    root = project({"c.ttl": DATA})
    assert main(["build", "-q"]) == 0
    assert (root / "build" / "validation-report.ttl").exists()
    monkeypatch.setenv("KB_SHAPES_DIR", "absent")
    assert main(["build", "-q", "--no-shapes"]) == 0
    out = capsys.readouterr().out
    assert "not validated (--no-shapes)" in out
    assert (root / "build" / "kb.nq").exists()
    # the report of an earlier build no longer sits beside a kb.nq it did not check
    assert not (root / "build" / "validation-report.ttl").exists()


def test_a_stored_query_that_is_not_utf8_is_named_by_query_list_and_publish(project, capsys):
    root = project({"c.ttl": DATA})
    text = (HEADER + "SELECT ?s WHERE { ?s ?p ?o } # caf\u00e9\n").encode("latin-1")
    (root / "queries" / "01_latin.rq").write_bytes(text)
    for argv in (["query", "list"], ["publish", "--out", str(root / "site")]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert f"{root / 'queries' / '01_latin.rq'}:4: not UTF-8" in err
        assert "Traceback" not in err
    (root / "queries" / "01_latin.rq").rename(root / "ad-hoc.rq")
    assert main(["query", "run", "--file", str(root / "ad-hoc.rq")]) == 2
    assert f"{root / 'ad-hoc.rq'}:4: not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_a_syntax_error_is_placed_as_written_not_after_the_bound_values(project, store):
    """The parameters go in as a VALUES block after the first `{`; an error further on is
    reported at its place in the file, not shifted by the block."""
    from kb.build.knowledge_base import KnowledgeBase
    from kb.core.config import load_config
    from kb.core.errors import KBError
    from kb.sparql.catalogue import check_query_syntax

    root = project({"c.ttl": DATA})
    text = (
        HEADER + '#+ [[param]]\n#+ name = "cluster"\n#+ type = "iri"\n'
        "SELECT ?name WHERE { ?cluster <https://w3id.org/mfg-clusters/ontology#acronym> ?name "
        "FILTER(?name == 1) }\n"
    )
    path = root / "queries" / "01_shifted.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KBError) as as_written:
        check_query_syntax(text, path)
    kb = KnowledgeBase.open(load_config(root), engine=store)
    with pytest.raises(KBError) as at_run:
        kb.execute("shifted", cluster="https://w3id.org/mfg-clusters/id/cluster-x")
    where = str(at_run.value).split(": SPARQL")[0]
    if store == "oxigraph":  # the same engine: the very position it gives the file itself
        assert str(at_run.value) == str(as_written.value)
    else:  # rdflib's parser points at the FILTER it cannot read, where the file has it
        assert where.startswith(f"{path}:7:"), str(at_run.value)
        column = int(where.rsplit(":", 1)[1])
        assert text.splitlines()[6][column - 1 :].startswith("FILTER"), column


def test_input_files_the_build_would_skip_are_named(project, capsys):
    """A data file in another RDF syntax (or spelled .TTL) or a query not named .rq was read
    by nobody, silently; the build names it."""
    root = project({"c.ttl": DATA})
    for folder, name in [("data", "more.nt"), ("data", "Upper.TTL"), ("queries", "q.sparql")]:
        stray = root / folder / name
        stray.write_text("# not read\n", encoding="utf-8")
        code, err = _build(capsys)
        assert code == 2 and f"{stray} would not be read" in err, err
        stray.unlink()
    assert _build(capsys)[0] == 0


def test_a_shape_file_or_the_configuration_not_utf8_is_named_with_its_line(project, capsys):
    """Oxigraph's Turtle parser skips a comment unread; rdflib's decoder failed on it with a
    position inside its chunk, and a non-UTF-8 pyproject.toml was a traceback (issue 18)."""
    root = project({"c.ttl": DATA})
    shape = (SHAPE_PREFIXES + "# Fran\u00e7ois's shapes\n").encode("latin-1")
    (root / "shapes" / "latin.ttl").write_bytes(shape)
    code, err = _build(capsys)
    assert code == 2 and f"{root / 'shapes' / 'latin.ttl'}:5:7: syntax error: not UTF-8" in err
    (root / "shapes" / "latin.ttl").unlink()
    pyproject = root / "pyproject.toml"
    pyproject.write_bytes(pyproject.read_bytes() + "# r\u00e9sum\u00e9\n".encode("latin-1"))
    code, err = _build(capsys)
    lines = pyproject.read_bytes().count(b"\n")
    assert code == 2 and f"{pyproject}:{lines}: not UTF-8" in err
    assert not (root / "build").exists()
