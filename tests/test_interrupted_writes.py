"""Nothing lost, nothing half-written: `kb build`, `kb publish` and `kb import` interrupted
while writing (SIGINT, SIGKILL, a full disk) leave their previous output byte for byte as it
was, and loadable. Each run is a real `kb` process: the signal is sent by the process to
itself half-way through writing an output (tests/interrupt_child.py), and a full disk is a
file-size limit (RLIMIT_FSIZE: every write past it fails with EFBIG, as on a full tmpfs).

All the import commands write their file through kb.importers.common.write_turtle or (cordis)
kb.core.fileio.atomic_writer, the paths covered here by `kb import countries` and `kb import
cordis`; the slower reference imports (nuts, nace, cordis-ref: 15-25 s each on the shared
machine) share countries' writer."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kb.importers.common import shared_data_dir

REPO = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).parent / "interrupt_child.py"
CORDIS = Path(__file__).parent / "fixtures" / "cordis"
DATA = """@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/mfg-clusters/id/region/XA> a mc:Region ; skos:prefLabel "{label}"@en .
"""
KINDS = ("sigint", "sigkill", "disk-full")


def _kb(
    root: Path, argv: list[str], kind: str | None = None, limit: int = 32_768
) -> subprocess.CompletedProcess:
    """`kb ARGV` in a process of its own: interrupted as `kind` says, or left to finish; a
    full disk allows `limit` bytes per file (the outputs here are larger)."""
    env = {**os.environ, "KB_ROOT": str(root)}
    if kind != "disk-full":
        limit = None

    def preexec() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    signals = {"sigint": signal.SIGINT, "sigkill": signal.SIGKILL}
    sig = signals.get(kind or "", 0)
    return subprocess.run(
        [sys.executable, str(CHILD), str(int(sig)), *argv],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=preexec,
    )


def _digest(folder: Path) -> dict[str, str]:
    """Every file below `folder` (hidden temporary ones aside) and the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _check_outcome(run: subprocess.CompletedProcess, kind: str) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    if kind == "sigint":
        assert run.returncode == 130, run.stderr
    elif kind == "sigkill":
        assert run.returncode == -signal.SIGKILL, run.stderr
    else:
        assert run.returncode == 2, run.stderr
        assert "File too large" in run.stderr, run.stderr


@pytest.fixture
def built(project):
    """A project with a finished build/ (and the label the next run would change)."""
    root = project({"r.ttl": DATA.format(label="First")})
    run = _kb(root, ["build", "-q"])
    assert run.returncode == 0, run.stderr
    (root / "data" / "r.ttl").write_text(DATA.format(label="Second"), encoding="utf-8")
    return root


@pytest.mark.parametrize("kind", KINDS)
def test_an_interrupted_build_leaves_the_previous_build_whole(built, kind):
    before = _digest(built / "build")
    assert {"kb.nq", "validation-report.ttl", "validation-report.txt"} <= set(before)
    run = _kb(built, ["build", "-q"], kind)
    _check_outcome(run, kind)
    assert _digest(built / "build") == before
    store = ox.Store()
    store.load(path=str(built / "build" / "kb.nq"), format=ox.RdfFormat.N_QUADS)
    assert any('"First"@en' in str(q.object) for q in store)
    if kind == "sigkill":  # the killed writer's temporary file stays, until the next writer
        assert _leftovers(built / "build")
        assert _kb(built, ["build", "-q"]).returncode == 0
    assert not _leftovers(built / "build")


def test_an_interrupted_publish_leaves_the_previous_site_whole(built):
    """The three interruptions in turn on one site (a publish is the slow part here)."""
    site = built / "site"
    first = _kb(built, ["publish", "-q", "--out", str(site)])
    assert first.returncode == 0, first.stderr
    before = _digest(site)
    assert "index.html" in before and len(before) > 20
    for kind in ("sigint", "disk-full", "sigkill"):
        run = _kb(built, ["publish", "-q", "--out", str(site)], kind)
        _check_outcome(run, kind)
        assert _digest(site) == before, kind
        assert bool(_leftovers(built)) == (kind == "sigkill"), kind
    # the next publish removes the killed one's half-written folder and publishes the change
    assert _kb(built, ["publish", "-q", "--out", str(site)]).returncode == 0
    assert _digest(site) != before
    assert not _leftovers(built)


@pytest.mark.skipif(
    not (shared_data_dir() / "iso3166" / "all.csv").is_file(), reason="no shared reference data"
)
@pytest.mark.parametrize("kind", KINDS)
def test_an_interrupted_import_leaves_the_previous_file_whole(project, kind):
    root = project({"r.ttl": DATA.format(label="First")})
    out = root / "data" / "reference" / "countries.ttl"
    out.parent.mkdir(parents=True)
    previous = "# the previous import\n<> a <urn:x-kb:Previous> .\n"
    out.write_text(previous, encoding="utf-8")
    run = _kb(root, ["import", "countries", "-o", str(out)], kind)
    _check_outcome(run, kind)
    assert out.read_text(encoding="utf-8") == previous
    assert kind == "sigkill" or not _leftovers(out.parent)


def test_an_interrupted_cordis_import_leaves_the_previous_file_whole(project):
    """kb import cordis streams its rows through its own atomic writer."""
    root = project({"r.ttl": DATA.format(label="First")})
    out = root / "cordis.ttl"
    out.write_text("# the previous import\n", encoding="utf-8")
    argv = ["import", "cordis", "-q", "--projects", str(CORDIS / "project.csv")]
    argv += ["--organizations", str(CORDIS / "organization.csv"), "-o", str(out)]
    for kind in ("disk-full", "sigkill"):
        run = _kb(root, argv, kind, limit=4096)  # the fixture's output is 15 KB
        assert "Traceback" not in run.stderr, run.stderr
        assert run.returncode == (-signal.SIGKILL if kind == "sigkill" else 2), run.stderr
        assert out.read_text(encoding="utf-8") == "# the previous import\n", kind
