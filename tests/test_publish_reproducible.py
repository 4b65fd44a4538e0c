"""A release can be made again byte for byte (issue 12): `kb publish` of the same knowledge base
twice, in two processes with different hash seeds (Python's set order) and so with other
blank-node labels from the parser, gives the same files; and a release says what changed
since the site it replaces (dumps/changes.json, the downloads page)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import KB, REPO


def _publish(root: Path, out: Path, seed: str) -> None:
    env = {
        **os.environ,
        "PYTHONHASHSEED": seed,
        "KB_ROOT": str(root),
        "SOURCE_DATE_EPOCH": "1764806400",
    }
    run = subprocess.run(
        [str(KB), "publish", "--out", str(out), "-q"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def _files(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the seed project, so each test can change its data."""
    root = tmp_path_factory.mktemp("repro") / "kb"
    root.mkdir()
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_two_publishes_give_byte_identical_sites(project, tmp_path):
    _publish(project, tmp_path / "a", "1")
    _publish(project, tmp_path / "b", "2")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    differing = sorted(name for name in a if a[name] != b[name])
    assert differing == []
    assert len(a) > 1000  # the seed site: every page in four formats, dumps, views
    # the dumps name blank nodes by their surroundings, not by a parser's random label
    assert b"_:b" in a["dumps/kb.nq"]


def test_a_release_lists_what_changed_since_the_site_it_replaces(project, tmp_path):
    site = tmp_path / "site"
    _publish(project, site, "1")
    first = json.loads((site / "dumps" / "changes.json").read_text(encoding="utf-8"))
    assert first["previous"] is None and first["counts"]["removed"] == 0
    assert first["counts"]["added"] > 500
    # a curator adds one cluster and edits another's label, then publishes again
    extra = project / "data" / "ttl" / "zz-change.ttl"
    extra.write_text(
        "@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<> a mc:SourceGraph ; prov:wasDerivedFrom "
        "<https://w3id.org/mfg-clusters/id/source/4m4iof-concept-note/3.3.1> .\n"
        '<https://w3id.org/mfg-clusters/id/cluster/afil> skos:altLabel "AFIL cluster"@it .\n',
        encoding="utf-8",
    )
    try:
        _publish(project, site, "2")
    finally:
        extra.unlink()
    second = json.loads((site / "dumps" / "changes.json").read_text(encoding="utf-8"))
    assert second["previous"] == "dumps/kb.nq of the site this release replaced"
    assert second["changed"] == ["https://w3id.org/mfg-clusters/id/cluster/afil"]
    # the new file's own graph is a new resource (it describes itself as a source graph)
    assert [iri.rsplit("/", 1)[-1] for iri in second["added"]] == ["zz-change"]
    assert second["counts"] == {"added": 1, "removed": 0, "changed": 1}
    page = (site / "dataset.html").read_text(encoding="utf-8")
    assert "Changes since the previous release" in page and "cluster/afil" in page
