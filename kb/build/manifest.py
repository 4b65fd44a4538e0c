"""build/manifest.json: what a build read and what it found, so a later command can tell
whether build/kb.nq still describes the project.

The manifest lists every input file (its path relative to the project and its SHA-256), the
configuration that shapes kb.nq and its reports, the counts, and whether the build validated
and conformed. It is written by `kb build` together with kb.nq, the text index
(search.sqlite) and the reports (one kb.core.fileio.AtomicFiles commit). Staleness is decided by
comparing the input set now with the manifest's: a file deleted, added or changed counts,
whatever its mtime says (a deleted file has no mtime to compare; issue 18).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from kb.core import __version__
from kb.core.config import Config

MANIFEST = "manifest.json"
FORMAT = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _relative(config: Config, path: Path) -> str:
    """The path as the manifest names it: relative to the project (POSIX), or absolute when
    the configuration points outside it."""
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def input_folders(config: Config) -> list[Path]:
    """Everything a build reads: the ontology and data (kb.nq), the shapes and the integrity
    checks (the verdict beside it)."""
    return [*config.source_dirs, config.shapes_dir, config.checks_dir]


def input_hashes(config: Config) -> dict[str, str]:
    """{relative path: SHA-256} of every file under the build's input folders (all files, not
    only *.ttl and *.rq: a file the build would refuse is an input change too)."""
    hashes: dict[str, str] = {}
    for folder in input_folders(config):
        if folder.is_file():
            paths = [folder]
        elif folder.is_dir():
            paths = sorted(p for p in folder.rglob("*") if p.is_file())
        else:
            continue
        for path in paths:
            hashes[_relative(config, path)] = sha256_file(path)
    return dict(sorted(hashes.items()))


def settings(config: Config) -> dict[str, Any]:
    """The configuration a build's outputs depend on (not the query engine: kb.nq is the same
    quads for either)."""
    return {
        "base_iri": config.base_iri,
        "inference": config.inference,
        "validation": config.validation,
        "ontology_dirs": [_relative(config, p) for p in config.ontology_dirs],
        "data_dirs": [_relative(config, p) for p in config.data_dirs],
        "shapes_dir": _relative(config, config.shapes_dir),
        "checks_dir": _relative(config, config.checks_dir),
    }


class HashingWriter:
    """A binary stream that passes writes on and keeps their SHA-256 (kb.nq's, as written)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.stream.write(data)


def manifest_path(config: Config) -> Path:
    return config.build_dir / MANIFEST


def read_manifest(config: Config) -> dict[str, Any] | None:
    """The last build's manifest; None when there is none or it cannot be read (a build older
    than manifests, or a file edited by hand: either way it vouches for nothing)."""
    try:
        doc = json.loads(manifest_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else None


def _listed(paths: list[str], limit: int = 3) -> str:
    more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
    return ", ".join(paths[:limit]) + more


def stale_reason(config: Config, manifest: dict[str, Any] | None = None) -> str | None:
    """Why build/kb.nq does not describe the project as it is now, or None when it does: no
    kb.nq or manifest, a different configuration, an input file deleted, added or changed, or
    kb.nq itself not the file the build wrote."""
    manifest = manifest if manifest is not None else read_manifest(config)
    built = config.build_dir / "kb.nq"
    if manifest is None:
        return f"{manifest_path(config)} is missing or unreadable"
    kb_nq = manifest.get("kb_nq") or {}
    if not kb_nq.get("written"):
        return "the last build did not conform, so it wrote no kb.nq"
    if not built.is_file():
        return f"{built} is missing"
    if built.stat().st_size != kb_nq.get("bytes"):
        return f"{built} is not the file the last build wrote"
    return inputs_changed(config, manifest)


def inputs_changed(config: Config, manifest: dict[str, Any]) -> str | None:
    """How the configuration or the input files differ from those of `manifest`'s build."""
    if manifest.get("config") != settings(config):
        changed = [
            key
            for key, value in settings(config).items()
            if (manifest.get("config") or {}).get(key) != value
        ]
        return f"the configuration changed since the last build ({', '.join(changed)})"
    then: dict[str, str] = manifest.get("inputs") or {}
    now = input_hashes(config)
    deleted = sorted(set(then) - set(now))
    added = sorted(set(now) - set(then))
    changed = sorted(p for p in set(now) & set(then) if now[p] != then[p])
    reasons = []
    if deleted:
        reasons.append(f"deleted {_listed(deleted)}")
    if added:
        reasons.append(f"added {_listed(added)}")
    if changed:
        reasons.append(f"changed {_listed(changed)}")
    if reasons:
        return "the inputs changed since the last build: " + "; ".join(reasons)
    return None


def manifest_text(
    config: Config,
    inputs: dict[str, str],
    counts: dict[str, Any],
    *,
    validated: bool,
    conforms: bool,
    kb_nq: HashingWriter | None,
    search_index: Any = None,
    reasoner: str | None = None,
) -> str:
    """build/manifest.json's text. `reasoner`: the fingerprint of the code that made the
    inferred graph (kb.reason.compiled.rules_fingerprint; None for the other profiles)."""
    doc = {
        "format": FORMAT,
        "kb_version": __version__,
        "reasoner": reasoner,
        "config": settings(config),
        "inputs": inputs,
        "counts": counts,
        "validated": validated,
        "conforms": conforms,
        "kb_nq": (
            {"written": True, "sha256": kb_nq.digest.hexdigest(), "bytes": kb_nq.size}
            if kb_nq is not None
            else {"written": False}
        ),
        # build/search.sqlite (kb.fulltext.index.IndexStats): made from this kb.nq, whose SHA-256 it
        # records; `kb search` makes it again when it is missing or records another
        "search_index": (
            {
                "written": True,
                "file": "search.sqlite",
                "bytes": search_index.bytes,
                "rows": search_index.rows,
                "resources": search_index.resources,
            }
            if search_index is not None
            else {"written": False}
        ),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def verdict(config: Config) -> tuple[bool, str]:
    """(conforms, what to tell the user) about the inputs as they are now, from the last
    build's manifest: validated and conforming, not validated (no build of these inputs, or
    one with --no-shapes), or known not to conform."""
    manifest = read_manifest(config)
    if manifest is None:
        return False, "not validated: no `kb build` has run here (run it to validate)"
    changed = inputs_changed(config, manifest)
    if changed:
        return False, f"not validated: {changed} (run `kb build` to validate)"
    if not manifest.get("validated"):
        return False, "not validated: the last `kb build` of these inputs ran with --no-shapes"
    if not manifest.get("conforms"):
        counts = manifest.get("counts") or {}
        failed = counts.get("checks_failed") or []
        return False, (
            f"DOES NOT CONFORM: the last `kb build` of these inputs found "
            f"{counts.get('violations')} violations"
            + (f" and failed the checks {', '.join(failed)}" if failed else "")
            + f" ({config.build_dir / 'validation-report.txt'})"
        )
    return True, "validated: the last `kb build` of these inputs conforms"
