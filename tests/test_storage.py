"""The build on Oxigraph's on-disk store (`[tool.kb] storage = "disk"`, `--storage disk`):
the same knowledge base as in memory, graph by graph, and no store folder left behind."""

from __future__ import annotations

import gc
import os
import subprocess
from pathlib import Path

import pytest
from conftest import KB, REPO, make_project
from rdflib import Dataset
from rdflib.compare import isomorphic

import kb.build.pipeline
from kb.build.pipeline import build, write_outputs
from kb.core.config import load_config
from kb.core.errors import KBError

DATA = {
    "ttl/orgs.ttl": """@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix id: <https://w3id.org/mfg-clusters/id/organisation/> .
id:alpha a mc:ClusterOrganisation ;
    skos:prefLabel "Alpha Cluster"@en , "Cluster Alpha"@it ;
    org:hasMembership [ org:member id:beta ] .
id:beta a org:Organization ; skos:prefLabel "Beta"@en .
""",
}


def _same_knowledge_base(a: Path, b: Path) -> None:
    """Two kb.nq files hold the same named graphs, each isomorphic (blank-node labels
    differ from one parse to the next, so the bytes do)."""
    first, second = Dataset(), Dataset()
    first.parse(a, format="nquads")
    second.parse(b, format="nquads")
    names = sorted(str(g.identifier) for g in first.graphs() if len(g))
    assert names == sorted(str(g.identifier) for g in second.graphs() if len(g))
    for name in names:
        g1, g2 = first.graph(name), second.graph(name)
        assert len(g1) == len(g2), name
        assert isomorphic(g1, g2), name


def _stores(build_dir: Path) -> list[Path]:
    return sorted(build_dir.glob(".store-*"))


def test_the_seed_builds_the_same_on_disk_as_in_memory(tmp_path, monkeypatch):
    outputs = {}
    for storage in ("memory", "disk"):
        monkeypatch.setenv("KB_BUILD_DIR", str(tmp_path / storage))
        config = load_config(REPO, storage=storage)
        result = build(config)
        if storage == "disk":
            assert len(_stores(config.build_dir)) == 1  # the store lives while the result does
        assert result.conforms, storage
        write_outputs(result)
        outputs[storage] = (config.build_dir / "kb.nq", result.asserted, result.inferred)
        del result
        gc.collect()
        assert _stores(config.build_dir) == [], "the on-disk store outlived its build"
    (memory, *m_counts), (disk, *d_counts) = outputs["memory"], outputs["disk"]
    assert m_counts == d_counts
    _same_knowledge_base(memory, disk)


def test_auto_takes_the_disk_above_the_stated_size_and_says_so(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path / "kb", DATA)
    config = load_config(root)
    assert config.storage == "auto"
    result = build(config, validate_data=False)
    assert _stores(config.build_dir) == []  # a few kB of Turtle: in memory
    assert "on-disk store" not in capsys.readouterr().err
    del result
    monkeypatch.setattr(kb.build.pipeline, "DISK_ABOVE", 100)
    result = build(config, validate_data=False)
    err = capsys.readouterr().err
    assert "over 0 MiB" in err and "on-disk store" in err and 'storage = "memory"' in err
    assert len(_stores(config.build_dir)) == 1
    assert result.engine.count() == result.asserted + result.inferred


def test_a_store_left_by_a_killed_build_is_removed(tmp_path):
    root = make_project(tmp_path / "kb", DATA)
    config = load_config(root, storage="disk")
    dead = config.build_dir / ".store-999999999-abc"  # no such process
    (dead / "sub").mkdir(parents=True)
    (dead / "sub" / "000001.sst").write_bytes(b"x")
    mine = config.build_dir / f".store-{os.getpid()}-other"  # this process: still alive
    mine.mkdir()
    result = build(config, validate_data=False)
    assert not dead.exists()
    assert mine.exists()
    assert result.asserted > 0


def test_storage_is_checked(tmp_path):
    root = make_project(tmp_path / "kb", DATA)
    with open(root / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write('storage = "tape"\n')
    with pytest.raises(KBError, match="storage must be one of auto, memory, disk, not 'tape'"):
        load_config(root)


def test_kb_build_storage_disk_from_the_command_line(tmp_path):
    root = make_project(tmp_path / "kb", DATA)
    memory = subprocess.run(
        [str(KB), "build", "-q", "--no-shapes", "--storage", "memory"],
        cwd=root,
        env=os.environ | {"KB_ROOT": str(root)},
        capture_output=True,
        text=True,
    )
    assert memory.returncode == 0, memory.stderr
    (root / "build" / "kb.nq").rename(tmp_path / "memory.nq")
    disk = subprocess.run(
        [str(KB), "build", "--no-shapes", "--storage", "disk"],
        cwd=root,
        env=os.environ | {"KB_ROOT": str(root)},
        capture_output=True,
        text=True,
    )
    assert disk.returncode == 0, disk.stderr
    assert "on-disk store" in disk.stderr
    assert _stores(root / "build") == []
    _same_knowledge_base(tmp_path / "memory.nq", root / "build" / "kb.nq")
    bad = subprocess.run(
        [str(KB), "build", "--storage", "tape"], cwd=root, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "--storage" in bad.stderr


def test_a_syntax_error_on_disk_names_the_file_and_leaves_no_store(tmp_path):
    from kb.core.errors import RDFSyntaxError

    root = make_project(tmp_path / "kb", DATA | {"ttl/broken.ttl": "<urn:a> <urn:b> .\n"})
    config = load_config(root, storage="disk")
    with pytest.raises(RDFSyntaxError) as caught:
        build(config, validate_data=False)
    assert "broken.ttl" in str(caught.value) and ":1:" in str(caught.value)
    gc.collect()
    assert _stores(config.build_dir) == []
