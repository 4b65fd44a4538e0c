"""A rebuild after one source file changed, against a clean build (issue 12).

    python bench/rebuild.py --triples 1000000 [--files 100] [--storage memory]

bench/generate.py's data is written into a project as --files Turtle files (its lines dealt
out in order, each file with its own source-graph header), then, each `kb build` in a process
of its own (kb.build.pipeline.build + write_outputs, peak memory by os.wait4):

1. a clean build;
2. one file edited where no rule reads (a project's dct:title) and built again: the previous
   inferred graph is reused (kb.build.reuse);
3. the same files built with --clean, and its kb.nq compared with step 2's (the lines without
   blank nodes as sorted lines, the graphs with blank nodes, the ontology's, isomorphic);
4. the same file edited where a rule reads (a skos:prefLabel, a sub-property of rdfs:label)
   and built again: inference runs.

Prints a Markdown table: seconds per stage, how the inferred graph was made, process CPU,
peak memory. The figures are written in bench/results.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from rdflib import Dataset
from rdflib.compare import to_isomorphic

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import storage as storage_bench  # noqa: E402

CHILD = """
import json, sys, time
from pathlib import Path
from kb.build.pipeline import build, write_outputs
from kb.core.config import load_config
config = load_config(Path(sys.argv[1]), storage=sys.argv[2])
started = time.perf_counter()
result = build(config, reuse=sys.argv[3] == "reuse")
t = time.perf_counter()
write_outputs(result)
timings = dict(result.timings, write=time.perf_counter() - t)
timings["write"] -= timings.get("index", 0)  # the text index is timed on its own
print(json.dumps({"timings": timings, "total": time.perf_counter() - started,
                  "conforms": result.conforms, "how": result.inferred_how,
                  "inferred": result.inferred}))
"""

HEADER = (
    "<> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/mfg-clusters/ontology#SourceGraph> .\n"
    "<> <http://www.w3.org/ns/prov#wasDerivedFrom> "
    "<https://w3id.org/mfg-clusters/id/source/synthetic> .\n"
)
TITLE = "<http://purl.org/dc/terms/title> "
LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel> "


def project(triples: int, files: int) -> Path:
    from bench.generate import generate
    from tests.conftest import make_project

    root = make_project(Path(tempfile.mkdtemp(prefix="kb-rebuild-")), {}, queries=REPO / "queries")
    shutil.rmtree(root / "shapes")
    shutil.copytree(REPO / "shapes", root / "shapes")
    generated = root / "generated.nt"
    with generated.open("w", encoding="utf-8") as stream:
        generate(triples, stream)
    lines = [
        line
        for line in generated.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.startswith("<") and not line.startswith("<> ")
    ]
    generated.unlink()
    folder = root / "data" / "generated"
    folder.mkdir(parents=True)
    per_file = -(-len(lines) // files)
    for n in range(files):
        chunk = lines[n * per_file : (n + 1) * per_file]
        (folder / f"part-{n:03d}.ttl").write_text(HEADER + "".join(chunk), encoding="utf-8")
    (root / "data" / "sources.ttl").write_text((REPO / "data" / "ttl" / "sources.ttl").read_text())
    return root


def measure(root: Path, storage: str, reuse: bool) -> dict:
    return storage_bench.measure(root, storage, CHILD, "reuse" if reuse else "clean")


def edit(path: Path, predicate: str) -> str:
    """Append " (edited)" to the first literal of `predicate` in `path`; returns the line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if predicate in line and '"' in line:
            head, _, tail = line.rpartition('"')
            lines[i] = head + ' (edited)"' + tail
            path.write_text("".join(lines), encoding="utf-8")
            return lines[i].strip()
    raise SystemExit(f"no {predicate} literal in {path}")


def same_quads(a: Path, b: Path) -> bool:
    """Whether two kb.nq files hold the same quads: the lines without a blank node equal as
    sorted lines, those with one (the ontology's restrictions) isomorphic graph by graph."""

    def split(path: Path) -> tuple[list[bytes], dict]:
        plain, blank = [], []
        for line in path.read_bytes().splitlines(True):
            (blank if b"_:" in line else plain).append(line)
        dataset = Dataset()
        dataset.parse(data=b"".join(blank).decode(), format="nquads")
        graphs = {str(g.identifier): to_isomorphic(g) for g in dataset.graphs() if len(g)}
        return sorted(plain), graphs

    return split(a) == split(b)


def row(step: str, f: dict) -> str:
    t = f["timings"]
    stages = " | ".join(
        f"{t.get(k, 0):.1f}" for k in ("load", "infer", "validate", "checks", "index", "write")
    )
    return (
        f"| {step} | {stages} | {f['total']:.1f} | {f['cpu']:.1f} | {f['peak_mb']:,.0f} | "
        f"{f['how']} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--storage", default="memory", choices=("memory", "disk"))
    args = parser.parse_args(argv)
    root = project(args.triples, args.files)
    changed = root / "data" / "generated" / f"part-{args.files // 2:03d}.ttl"
    rows = []
    try:
        print(f"project {root}", file=sys.stderr)
        rows.append(row("clean build", measure(root, args.storage, reuse=False)))
        print("edited:", edit(changed, TITLE), file=sys.stderr)
        step2 = measure(root, args.storage, reuse=True)
        rows.append(row(f"one file, {TITLE.strip()} edited", step2))
        shutil.copy(root / "build" / "kb.nq", root / "reused.nq")
        rows.append(row("the same files, --clean", measure(root, args.storage, reuse=False)))
        equal = same_quads(root / "reused.nq", root / "build" / "kb.nq")
        print("edited:", edit(changed, LABEL), file=sys.stderr)
        rows.append(row(f"one file, {LABEL.strip()} edited", measure(root, args.storage, True)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{args.triples:,} generated triples in {args.files} files, storage {args.storage}\n")
    print(
        "| build | load | infer | validate | checks | index | write | total | CPU | peak MB "
        "| inferred graph |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print(f"\nkb.nq of the reusing build holds the clean build's quads: {equal}")
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
