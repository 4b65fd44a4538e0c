"""How long the text index takes to make and to answer, against the stored query label-search.

    nice python bench/search_speed.py --scales seed 100000 1000000 [--repeat 5]

For each knowledge base (the seed, or bench/generate.py's data at N triples built in a
temporary project as bench/match_quality.py's generated_kb does: load + infer on Oxigraph):
make build/search.sqlite's index of it into a temporary file as `kb build` does
(kb.fulltext.index.write_index: time, size, rows, resources), then for each search word time
`kb search WORD` (kb.fulltext.index.SearchIndex.search, limit 20: ranking every match, snippets of
the 20 best) and the stored query label-search with the same word on the same Oxigraph store,
and count what each finds: resources for the index (all of them, not only the 20 shown),
distinct resources for label-search, run plain (every name looked at) and index-backed (its
?resource candidates from the same index, as kb.execute binds them). Prints Markdown tables;
the figures are in bench/results.md.

label-search is a substring match (CONTAINS) over skos:prefLabel, skos:altLabel and rdfs:label
of id/ resources; the index finds words by prefix (stemmed, accents folded) over every label
and description of every resource; so the counts differ by design, and the table says by how
much.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.build.knowledge_base import KnowledgeBase  # noqa: E402
from kb.build.pipeline import INFERRED_GRAPH  # noqa: E402
from kb.core.config import load_config  # noqa: E402
from kb.fulltext.index import SearchIndex, write_index  # noqa: E402

# Words a user would type. Generated labels are "Cluster 12", "Project 12", "PRJ12",
# "Region AA11", "Priority 0 of AA11" (bench/benchmark.py GENERATED_DEFAULTS: "12", "aa11").
WORDS = {
    "seed": ("manufactur", "robot", "lombard", "additive manufacturing"),
    "generated": ("12", "aa11", "priority", "cluster organisation"),
}


def _median_time(call, repeat: int) -> tuple[float, object]:
    samples, answer = [], None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        answer = call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), answer


def measure(scale: str, repeat: int) -> dict:
    started = time.perf_counter()
    cleanup = None
    if scale == "seed":
        kb = KnowledgeBase.open(load_config(REPO), engine="oxigraph")
        words = WORDS["seed"]
    else:
        from bench.match_quality import generated_kb

        kb = generated_kb(int(scale), "oxigraph")
        cleanup = kb.config.root
        words = WORDS["generated"]
    opened = time.perf_counter() - started
    quads = len(kb.store)
    folder = Path(tempfile.mkdtemp(prefix="kb-search-"))
    try:
        path = folder / "search.sqlite"
        stats = write_index(kb.store, path, kb.config.base_iri + INFERRED_GRAPH, "bench")
        index = SearchIndex.open(path)
        plain = dataclasses.replace(kb, use_text_index=False)
        backed = dataclasses.replace(kb, use_text_index=True, _text_index=index)
        rows = []
        for word in words:
            fts_s, result = _median_time(lambda w=word: index.search(w, limit=20), repeat)
            sparql_s, answer = _median_time(
                lambda w=word: plain.execute("label-search", term=w), max(1, repeat // 2)
            )
            backed_s, backed_answer = _median_time(
                lambda w=word: backed.execute("label-search", term=w), max(1, repeat // 2)
            )
            ids = {h.iri for h in index.search(word, limit=10**7)}
            found = {str(r[0]) for r in answer.rows}  # type: ignore[union-attr]
            in_id = {i for i in ids if i.startswith(kb.config.base_iri + "id/")}
            rows.append(
                {
                    "word": word,
                    "fts_s": fts_s,
                    "fts_hits": result.total,  # type: ignore[union-attr]
                    "fts_id_hits": len(in_id),
                    "sparql_s": sparql_s,
                    "sparql_hits": len(found),
                    "both": len(found & in_id),
                    "backed_s": backed_s,
                    "backed_hits": len({str(r[0]) for r in backed_answer.rows}),  # type: ignore[union-attr]
                }
            )
        index.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
    return {"scale": scale, "quads": quads, "opened_s": opened, "index": stats, "words": rows}


def tables(results: list[dict]) -> str:
    out = [
        "| knowledge base | quads (asserted + inferred) | load + infer | index rows | resources "
        "| index time | index size |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r["index"]
        name = "seed" if r["scale"] == "seed" else f"generated {int(r['scale']):,}"
        out.append(
            f"| {name} | {r['quads']:,} | {r['opened_s']:.1f} s | {s.rows:,} | {s.resources:,} "
            f"| {s.seconds:.2f} s | {s.bytes / 2**20:.1f} MiB |"
        )
    out += [
        "",
        "| knowledge base | words | `kb search` (20 best) | resources found (id/ ones) "
        "| label-search on Oxigraph | resources found | found by both "
        "| label-search index-backed | resources found |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        name = "seed" if r["scale"] == "seed" else f"generated {int(r['scale']):,}"
        for w in r["words"]:
            out.append(
                f"| {name} | `{w['word']}` | {w['fts_s'] * 1000:.1f} ms "
                f"| {w['fts_hits']:,} ({w['fts_id_hits']:,}) | {w['sparql_s'] * 1000:.1f} ms "
                f"| {w['sparql_hits']:,} | {w['both']:,} | {w['backed_s'] * 1000:.1f} ms "
                f"| {w['backed_hits']:,} |"
            )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["seed", "100000"])
    parser.add_argument("--repeat", type=int, default=5, help="runs per search (median)")
    args = parser.parse_args(argv)
    results = []
    for scale in args.scales:
        print(f"{scale} ...", file=sys.stderr, flush=True)
        results.append(measure(scale, args.repeat))
        print(tables(results[-1:]), file=sys.stderr, flush=True)
    print(tables(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
