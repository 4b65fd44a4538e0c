"""Shared test helpers: a throw-away knowledge-base project in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KB = Path(sys.executable).with_name("kb")


def make_project(
    root: Path,
    data: dict[str, str],
    shapes: dict[str, str] | None = None,
    queries: Path | None = None,
) -> Path:
    """A minimal project: the real ontology, the given data files and shapes (a shapes file
    with no shape when none are given: `kb build` refuses an empty shapes folder), `queries`
    linked in (or an empty catalogue with no checks), its own build/."""
    shutil.copytree(REPO / "ontology", root / "ontology")
    for rel, text in data.items():
        (root / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / rel).write_text(text, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "shapes").mkdir()
    for rel, text in (shapes or {"none.ttl": "# this test project declares no shape\n"}).items():
        (root / "shapes" / rel).write_text(text, encoding="utf-8")
    if queries is not None:
        (root / "queries").symlink_to(queries, target_is_directory=True)
    else:
        (root / "queries" / "checks").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.kb]\nbase_iri = "https://w3id.org/mfg-clusters/"\n'
        'ontology_dirs = ["ontology"]\ndata_dirs = ["data"]\nshapes_dir = "shapes"\n'
        'queries_dir = "queries"\nchecks_dir = "queries/checks"\nbuild_dir = "build"\n'
        'inference = "rules"\nstore = "rdflib"\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Factory: make_project in tmp_path, with KB_ROOT pointing at it."""

    def factory(
        data: dict[str, str], shapes: dict[str, str] | None = None, queries: Path | None = None
    ) -> Path:
        root = make_project(tmp_path / "kb", data, shapes, queries)
        monkeypatch.setenv("KB_ROOT", str(root))
        return root

    return factory


@pytest.fixture(scope="session")
def seed():
    """The seed KB for the validator equality tests: config, asserted + inferred union, shapes."""
    from kb.build.pipeline import build
    from kb.core.config import load_config
    from kb.shacl.shapes import load_shapes

    config = load_config(Path(__file__).resolve().parent.parent)
    result = build(config, validate_data=False, run_integrity_checks=False)
    return config, result.engine.graph(), load_shapes(config.shapes_dir)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """A real Virtuoso on 127.0.0.1 for one test module, stopped by its process id; skipped
    without virtuoso-t, except in CI (the CI variable set), where that is a failure."""
    from virtuoso_harness import available, running_virtuoso

    if not available():
        message = "virtuoso-t / isql-vt not installed (apt-get install virtuoso-opensource-7-bin)"
        if os.environ.get("CI"):
            pytest.fail(message + " - required in CI")
        pytest.skip(message)
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@contextmanager
def running_server(project: Path, *args: str) -> Iterator[str]:
    """`kb serve` on a free loopback port for `project` (extra `args` passed on), its URL
    once /health answers; stopped by its process id (and its workers' group) afterwards."""
    import httpx

    from kb.core.processes import free_port, stop_process

    port = free_port()
    log_path = project / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(KB), "serve", "--port", str(port), "-q", *args],
            cwd=project,
            env=os.environ | {"KB_ROOT": str(project)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the workers can be killed too
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "kb serve did not come up within 120 s"
            time.sleep(0.3)
        yield url
    finally:
        stop_process(process)
