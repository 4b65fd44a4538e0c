"""A build after an edit that reuses the previous inferred graph equals a clean build.

kb.build.reuse takes the previous build's inferred graph from build/kb.nq when no triple added
to or removed from the changed files is one the rules read. Each test edits a copy of the seed
project, builds it incrementally (after a first build) and from scratch (in a second copy with
the same files, no build/), and compares every graph of the two kb.nq files, the reports and
the counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.compare import to_isomorphic

from kb.build.pipeline import build, write_outputs
from kb.core.config import load_config
from tests.conftest import KB, REPO

STRATEGY = "data/ttl/seed-000/strategy.ttl"
AFIL = "<https://w3id.org/mfg-clusters/id/organisation/afil>"


def _copy(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seed project copied and built once; each test copies that (build/ included)."""
    root = _copy(tmp_path_factory.mktemp("reuse") / "kb")
    _build(root)
    return root


@pytest.fixture
def edited(built, tmp_path):
    """factory(edit) -> (incremental result, incremental root, clean result, clean root)."""

    def factory(edit):
        incremental = tmp_path / "incremental"
        shutil.copytree(built, incremental, symlinks=True)
        clean = _copy(tmp_path / "clean")
        for root in (incremental, clean):
            edit(root)
        return _build(incremental), incremental, _build(clean), clean

    return factory


def _build(root: Path, reuse: bool = True, storage: str | None = None):
    config = load_config(root, storage=storage) if storage else load_config(root)
    result = build(config, reuse=reuse)
    assert result.conforms, result.validation.text() if result.validation else result.checks
    write_outputs(result)
    return result


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _graphs(root: Path) -> dict[str, object]:
    """Every graph of build/kb.nq, canonical (blank nodes named by their surroundings)."""
    dataset = Dataset()
    dataset.parse(root / "build" / "kb.nq", format="nquads")
    return {
        str(g.identifier): to_isomorphic(g)
        for g in dataset.graphs()
        if str(g.identifier) != "urn:x-rdflib:default"
    }


def _assert_same_build(a, a_root: Path, b, b_root: Path) -> None:
    assert (a.asserted, a.inferred) == (b.asserted, b.inferred)
    assert a.validation.text() == b.validation.text()
    assert [(c.name, c.passed) for c in a.checks] == [(c.name, c.passed) for c in b.checks]
    ga, gb = _graphs(a_root), _graphs(b_root)
    assert ga.keys() == gb.keys()
    differing = [name for name in ga if ga[name] != gb[name]]
    assert differing == []


def test_an_edit_no_rule_reads_reuses_the_inferred_graph(edited):
    def edit(root):  # a graph's rdfs:comment: no rule reads rdfs:comment
        _replace(root, STRATEGY, "unanswered; nothing is recorded", "unanswered; none recorded")

    incremental, inc_root, clean, clean_root = edited(edit)
    assert incremental.inferred_how.startswith("reused from the previous build")
    assert "1 changed files" in incremental.inferred_how
    assert clean.inferred_how.startswith("rules")
    _assert_same_build(incremental, inc_root, clean, clean_root)


def test_an_edit_a_rule_reads_infers_again(edited):
    # dct:description is a sub-property the rules read: its super-property is derived again
    def edit(root):
        _replace(root, STRATEGY, "competitiveness.", "competitiveness!")

    incremental, inc_root, clean, clean_root = edited(edit)
    assert incremental.inferred_how.startswith("rules (not reused:")
    assert "changed a triple the rules read" in incremental.inferred_how
    assert "purl.org/dc/terms/description" in incremental.inferred_how
    _assert_same_build(incremental, inc_root, clean, clean_root)


def test_a_new_typing_a_rule_reads_infers_again(edited):
    # a new member organisation: its typing brings superclasses, its membership inverses
    def edit(root):
        path = root / STRATEGY
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n{AFIL} <http://www.w3.org/ns/org#linkedTo> "
            "<https://w3id.org/mfg-clusters/id/organisation/cfi> .\n",
            encoding="utf-8",
        )

    incremental, inc_root, clean, clean_root = edited(edit)
    assert incremental.inferred_how.startswith("rules (not reused:")
    assert incremental.inferred > 0
    _assert_same_build(incremental, inc_root, clean, clean_root)


def test_a_schema_edit_infers_again(edited):
    def edit(root):
        path = root / STRATEGY
        path.write_text(
            path.read_text(encoding="utf-8") + "\n<https://w3id.org/mfg-clusters/ontology#Cluster> "
            "<http://www.w3.org/2000/01/rdf-schema#subClassOf> "
            "<http://www.w3.org/ns/org#Organization> .\n",
            encoding="utf-8",
        )

    incremental, *_ = edited(edit)
    assert incremental.inferred_how.startswith("rules (not reused:")
    assert "rdf-schema#subClassOf" in incremental.inferred_how


def test_only_shapes_changed_reuses(edited):
    def edit(root):
        shape = sorted((root / "shapes").glob("*.ttl"))[0]
        shape.write_text(shape.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    incremental, inc_root, clean, clean_root = edited(edit)
    assert incremental.inferred_how == "reused from the previous build: no file changed"
    _assert_same_build(incremental, inc_root, clean, clean_root)


def test_a_kb_nq_that_is_not_the_builds_is_not_reused(built, tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(built, root, symlinks=True)
    kb_nq = root / "build" / "kb.nq"
    data = kb_nq.read_bytes()
    kb_nq.write_bytes(data.replace(b'"AFIL"', b'"AFIX"', 1))  # the same size, another hash
    assert kb_nq.read_bytes() != data
    result = _build(root)
    assert result.inferred_how.startswith("rules (not reused:")
    assert "is not the file the last build wrote" in result.inferred_how


def test_kb_build_says_what_it_reused_and_clean_does_not(built, tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(built, root, symlinks=True)
    _replace(root, STRATEGY, "unanswered; nothing is recorded", "unanswered; none recorded")
    run = subprocess.run([KB, "build"], cwd=root, capture_output=True, text=True, check=True)
    assert "reused from the previous build: 1 changed files" in run.stdout
    assert "infer: the previous build's inferred graph" in run.stderr
    run = subprocess.run(
        [KB, "build", "--clean", "-q"], cwd=root, capture_output=True, text=True, check=True
    )
    assert "triples inferred" in run.stdout and "(rules (--clean))" in run.stdout


def test_an_inferred_graph_made_by_other_code_is_not_reused(built, tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(built, root, symlinks=True)
    manifest = root / "build" / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    assert len(doc["reasoner"]) == 64  # the rules' code, as kb.reason.compiled hashes it
    doc["reasoner"] = "0" * 64  # as if kb had been upgraded since
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    result = _build(root)
    assert result.inferred_how.startswith("rules (not reused:")
    assert "made by other code" in result.inferred_how


def test_reuse_on_the_disk_store_equals_a_clean_build(built, tmp_path):
    """The inferred graph loaded back with Oxigraph's bulk loader into the on-disk store."""
    incremental, clean = tmp_path / "incremental", _copy(tmp_path / "clean")
    shutil.copytree(built, incremental, symlinks=True)
    for root in (incremental, clean):
        _replace(root, STRATEGY, "unanswered; nothing is recorded", "unanswered; none recorded")
    reused = _build(incremental, storage="disk")
    assert reused.inferred_how.startswith("reused from the previous build")
    assert reused.engine.on_disk
    _assert_same_build(reused, incremental, _build(clean, storage="disk"), clean)
