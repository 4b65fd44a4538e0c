"""build/manifest.json and staleness by content (issue 18, finding 4): `kb query` answered from
an old build/kb.nq after a source file was deleted (staleness compared the mtimes of the files
that still exist), and a non-conforming build left new reports beside an old kb.nq."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from kb.cli import main

FIGURE = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
<https://w3id.org/mfg-clusters/id/figure/{name}> a mc:Figure ; mc:value {value} .
"""
SHAPES = """\
@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix mcsh: <https://w3id.org/mfg-clusters/shapes#> .
mcsh:Figure a sh:NodeShape ; sh:targetClass mc:Figure ;
    sh:property [ sh:path mc:value ; sh:datatype xsd:decimal ; sh:minCount 1 ] .
"""
FIGURES = "SELECT ?f WHERE { ?f a <https://w3id.org/mfg-clusters/ontology#Figure> } ORDER BY ?f"


def _figures(root: Path, capsys) -> tuple[list[str], str]:
    """The figures `kb query run --file` answers with, and what it said on stderr."""
    query = root / "figures.rq"
    query.write_text(FIGURES, encoding="utf-8")
    assert main(["query", "run", "--file", str(query), "--format", "csv"]) == 0
    captured = capsys.readouterr()
    names = [line.rsplit("/", 1)[1] for line in captured.out.splitlines()[1:]]
    return names, captured.err


@pytest.fixture
def two_folders(project, capsys):
    """A project whose data is two folders, built once (conforming)."""
    root = project(
        {
            "kept/a.ttl": FIGURE.format(name="kept", value="1.5"),
            "gone/b.ttl": FIGURE.format(name="gone", value="2.5"),
        },
        {"s.ttl": SHAPES},
    )
    assert main(["build", "-q"]) == 0
    capsys.readouterr()
    return root


def test_the_manifest_lists_every_input_the_configuration_and_the_counts(two_folders):
    root = two_folders
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    inputs = manifest["inputs"]
    assert "data/kept/a.ttl" in inputs and "data/gone/b.ttl" in inputs and "shapes/s.ttl" in inputs
    assert any(p.startswith("ontology/") for p in inputs)
    for rel, digest in inputs.items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest, rel
    assert manifest["config"]["inference"] == "rules" and manifest["config"]["data_dirs"] == [
        "data"
    ]
    assert manifest["validated"] is True and manifest["conforms"] is True
    assert manifest["counts"]["triples_asserted"] > 0 and manifest["counts"]["violations"] == 0
    kb_nq = (root / "build" / "kb.nq").read_bytes()
    assert manifest["kb_nq"] == {
        "written": True,
        "sha256": hashlib.sha256(kb_nq).hexdigest(),
        "bytes": len(kb_nq),
    }


def test_a_deleted_folder_is_not_answered_from_the_old_build(two_folders, capsys):
    root = two_folders
    names, err = _figures(root, capsys)
    assert names == ["gone", "kept"] and "up to date (validated, conforms)" in err
    (root / "data" / "gone" / "b.ttl").unlink()
    (root / "data" / "gone").rmdir()
    # the old kb.nq is newer than every file that is left: mtimes would call it fresh
    os.utime(root / "build" / "kb.nq", (2**31, 2**31))
    names, err = _figures(root, capsys)
    assert names == ["kept"]
    assert "not used: the inputs changed since the last build: deleted data/gone/b.ttl" in err


def test_an_added_or_changed_file_or_configuration_makes_the_build_stale(two_folders, capsys):
    from kb.build.knowledge_base import built_store
    from kb.build.manifest import stale_reason
    from kb.core.config import load_config

    root = two_folders
    assert stale_reason(load_config(root)) is None
    os.utime(root / "data" / "kept" / "a.ttl")  # touched, same content: still up to date
    assert stale_reason(load_config(root)) is None
    (root / "data" / "kept" / "c.ttl").write_text(FIGURE.format(name="new", value="3"), "utf-8")
    assert "added data/kept/c.ttl" in stale_reason(load_config(root))
    assert built_store(load_config(root)) is None
    names, _err = _figures(root, capsys)
    assert names == ["gone", "kept", "new"]
    (root / "data" / "kept" / "c.ttl").unlink()
    old = (root / "data" / "kept" / "a.ttl").stat().st_mtime
    (root / "data" / "kept" / "a.ttl").write_text(FIGURE.format(name="kept", value="9"), "utf-8")
    os.utime(root / "data" / "kept" / "a.ttl", (old - 3600, old - 3600))  # older than the build
    assert "changed data/kept/a.ttl" in stale_reason(load_config(root))
    (root / "data" / "kept" / "a.ttl").write_text(FIGURE.format(name="kept", value="1.5"), "utf-8")
    assert stale_reason(load_config(root)) is None
    assert "configuration changed" in stale_reason(load_config(root, inference="none"))
    # a kb.nq replaced by hand is not the file the manifest describes
    with (root / "build" / "kb.nq").open("a", encoding="utf-8") as stream:
        stream.write("\n")
    assert "not the file the last build wrote" in stale_reason(load_config(root))


def test_a_non_conforming_build_leaves_no_stale_kb_nq(two_folders, capsys):
    root = two_folders
    (root / "data" / "kept" / "bad.ttl").write_text(
        FIGURE.format(name="bad", value='"nine"'), encoding="utf-8"
    )
    assert main(["build", "-q"]) == 1
    capsys.readouterr()
    build = root / "build"
    assert not (build / "kb.nq").exists()  # the new reports sit beside no old knowledge base
    assert "Violation" in (build / "validation-report.txt").read_text(encoding="utf-8")
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["conforms"] is False and manifest["kb_nq"] == {"written": False}
    assert manifest["counts"]["violations"] == 1 and "data/kept/bad.ttl" in manifest["inputs"]
    names, err = _figures(root, capsys)
    assert names == ["bad", "gone", "kept"]
    assert "DOES NOT CONFORM: the last `kb build` of these inputs found 1 violations" in err
    assert "did not conform, so it wrote no kb.nq" in err


def test_a_build_without_shapes_says_so_in_the_manifest_and_to_the_user(project, capsys):
    root = project({"a.ttl": FIGURE.format(name="a", value="1")})
    assert main(["build", "-q", "--no-shapes"]) == 0
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["validated"] is False and manifest["conforms"] is True
    assert manifest["kb_nq"]["written"] is True
    capsys.readouterr()
    names, err = _figures(root, capsys)
    assert names == ["a"] and "up to date (NOT validated: built with --no-shapes)" in err


def test_the_verdict_on_the_inputs_as_they_are_now(two_folders):
    from kb.build.manifest import verdict
    from kb.core.config import load_config

    root = two_folders
    assert verdict(load_config(root)) == (
        True,
        "validated: the last `kb build` of these inputs conforms",
    )
    (root / "data" / "gone" / "b.ttl").unlink()
    conforms, note = verdict(load_config(root))
    assert not conforms and note.startswith("not validated: the inputs changed")
    assert "deleted data/gone/b.ttl" in note
    (root / "build" / "manifest.json").unlink()
    assert verdict(load_config(root))[1].startswith("not validated: no `kb build` has run")


def test_kb_serve_says_the_data_it_serves_does_not_conform(two_folders, capsys):
    """Even with -q: kb serve builds from the sources, and the user is told the last build of
    those very inputs did not conform."""
    import httpx
    from conftest import running_server

    root = two_folders
    (root / "data" / "kept" / "bad.ttl").write_text(
        FIGURE.format(name="bad", value='"nine"'), encoding="utf-8"
    )
    assert main(["build", "-q"]) == 1
    with running_server(root) as url:
        assert httpx.get(url + "/health", timeout=10).status_code == 200
    log = (root / "serve.log").read_text(encoding="utf-8")
    assert "kb serve: the data: DOES NOT CONFORM: the last `kb build` of these inputs" in log
