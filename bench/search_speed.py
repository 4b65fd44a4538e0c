"""How long the text index takes to make and to answer, and the index-backed stored queries
label-search and projects-by-topic beside the same queries on Oxigraph plain and on Virtuoso.

    nice python bench/search_speed.py --scales seed 100000 1000000 [--repeat 5] [--no-virtuoso]

For each knowledge base (the seed, or bench/generate.py's data at N triples built in a
temporary project as bench/match_quality.py's generated_kb does: load + infer on Oxigraph):
make build/search.sqlite's index of it into a temporary file as `kb build` does
(kb.fulltext.index.write_index: time, size, rows, resources), then for each search word time
`kb search WORD` (kb.fulltext.index.SearchIndex.search, limit 20: ranking every match, snippets of
the 20 best) and count the resources it finds (all of them, not only the 20 shown).

Then each of QUERY_WORDS's (query, word) is run three ways, each timed as the median of
--repeat runs, as a user meets it (KnowledgeBase.execute, what `kb query` calls):
* on Virtuoso: the same quads (asserted + inferred, what `kb build` writes to kb.nq and
  bench/benchmark.py loads) in a Virtuoso started on 127.0.0.1 by tests/virtuoso_harness.py and
  stopped afterwards; a remote store has no kb text index, so the stored text is sent with the
  word bound as an RDF term (kb.store.remote);
* on Oxigraph plain (use_text_index=False): the query reads every name itself;
* on Oxigraph index-backed: `index = "VAR"` in the query's header, so VAR is first bound
  (VALUES) to the resources the same index finds for the word, and the SPARQL only filters.
Rows are counted, and the answers compared as sets of rows (Virtuoso against index-backed).
Prints Markdown tables; the figures are in bench/results.md. Virtuoso is skipped for the seed
and with --no-virtuoso.

The queries' filter is a substring match (CONTAINS); the index finds words by prefix (stemmed,
accents folded) over every label and description of every resource; so the index-backed
answer can be smaller by design ("12" is inside "PRJ112", which no word of it begins with):
the table says by how much.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.build.knowledge_base import KnowledgeBase  # noqa: E402
from kb.build.pipeline import INFERRED_GRAPH  # noqa: E402
from kb.core.config import load_config  # noqa: E402
from kb.fulltext.index import SearchIndex, write_index  # noqa: E402

# Words a user would type. Generated labels are "Cluster 12", "Project 12", "PRJ12",
# "Region AA11", "Priority 0 of AA11"; projects' titles "Synthetic project number 12"
# (bench/benchmark.py GENERATED_DEFAULTS: "12" for both queries, "aa11").
WORDS = {
    "seed": ("manufactur", "robot", "lombard", "additive manufacturing"),
    "generated": ("12", "aa11", "priority", "cluster organisation"),
}
QUERY_WORDS = {
    "seed": {
        "label-search": WORDS["seed"],
        "projects-by-topic": ("manufactur", "robot"),
    },
    "generated": {
        "label-search": WORDS["generated"],
        # "synthetic" is in every project's title: the largest VALUES block there is
        "projects-by-topic": ("12", "prj12", "synthetic"),
    },
}
VIRTUOSO_GRAPH = "https://w3id.org/mfg-clusters/graph/data/bench"


def _median_time(call, repeat: int) -> tuple[float, object]:
    samples, answer = [], None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        answer = call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), answer


def _row_set(result) -> set[tuple]:
    """A SELECT answer as a set of rows, each term by its N-Triples syntax (None: unbound)."""
    return {tuple(None if t is None else t.n3() for t in row) for row in result.rows}


def open_kb(scale: str) -> tuple[KnowledgeBase, Path | None]:
    """The seed's KB, or generated data at `scale` triples (and its folder, to remove)."""
    if scale == "seed":
        return KnowledgeBase.open(load_config(REPO), engine="oxigraph"), None
    from bench.match_quality import generated_kb

    kb = generated_kb(int(scale), "oxigraph")
    return kb, kb.config.root


@contextmanager
def on_virtuoso(kb: KnowledgeBase) -> Iterator[tuple[KnowledgeBase, float]]:
    """`kb` with its store's quads (every named graph) loaded into a Virtuoso on loopback, and
    the load time; Virtuoso is stopped and its folder removed afterwards."""
    sys.path.insert(0, str(REPO / "tests"))
    from virtuoso_harness import running_virtuoso

    from kb.store.remote import RemoteStore

    folder = Path(tempfile.mkdtemp(prefix="kb-virtuoso-"))
    try:
        with running_virtuoso(folder) as server:
            started = time.perf_counter()
            with (folder / "kb.nq").open("wb") as stream:  # the only folder it may read
                kb.store.write_nquads(stream)
            server.isql(
                f"ld_dir('{folder}', 'kb.nq', '{VIRTUOSO_GRAPH}'); rdf_loader_run(); checkpoint;",
                timeout=3000,
            )
            loaded = time.perf_counter() - started
            yield dataclasses.replace(kb, store=RemoteStore(server.sparql, timeout=600)), loaded
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def time_search(index: SearchIndex, base_iri: str, words, repeat: int) -> list[dict]:
    """`kb search WORD` for each word: time (20 best) and resources found (all; under id/)."""
    rows = []
    for word in words:
        seconds, result = _median_time(lambda w=word: index.search(w, limit=20), repeat)
        ids = {h.iri for h in index.search(word, limit=10**7)}
        rows.append(
            {
                "word": word,
                "seconds": seconds,
                "hits": result.total,  # type: ignore[union-attr]
                "id_hits": len({i for i in ids if i.startswith(base_iri + "id/")}),
            }
        )
    return rows


def compare_query(runs: dict[str, KnowledgeBase], query: str, word: str, repeat: int) -> dict:
    """One stored query with one word on each way of running it: median time, rows, answer."""
    out: dict = {"query": query, "word": word}
    answers = {}
    for way, kb in runs.items():
        seconds, result = _median_time(lambda k=kb: k.execute(query, term=word), repeat)
        answers[way] = _row_set(result)
        out[way] = {"seconds": seconds, "rows": len(result.rows)}  # type: ignore[union-attr]
    reference = answers.get("virtuoso", answers["plain"])
    out["equal"] = answers["backed"] == reference
    out["plain_equal"] = answers["plain"] == reference
    out["backed_within"] = answers["backed"] <= reference  # only fewer rows, none other
    return out


def measure(scale: str, repeat: int, virtuoso: bool) -> dict:
    started = time.perf_counter()
    kb, cleanup = open_kb(scale)
    opened = time.perf_counter() - started
    kind = "seed" if scale == "seed" else "generated"
    quads = len(kb.store)
    folder = Path(tempfile.mkdtemp(prefix="kb-search-"))
    try:
        path = folder / "search.sqlite"
        stats = write_index(kb.store, path, kb.config.base_iri + INFERRED_GRAPH, "bench")
        index = SearchIndex.open(path)
        searches = time_search(index, kb.config.base_iri, WORDS[kind], repeat)
        runs = {
            "plain": dataclasses.replace(kb, use_text_index=False),
            "backed": dataclasses.replace(kb, use_text_index=True, _text_index=index),
        }
        queries, loaded = [], None
        with on_virtuoso(kb) if virtuoso and kind == "generated" else _nothing() as remote:
            if remote is not None:
                runs["virtuoso"], loaded = remote
            for query, words in QUERY_WORDS[kind].items():
                for word in words:
                    print(f"  {scale} {query} {word!r}", file=sys.stderr, flush=True)
                    queries.append(compare_query(runs, query, word, repeat))
        index.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
    return {
        "scale": scale,
        "quads": quads,
        "opened_s": opened,
        "virtuoso_load_s": loaded,
        "index": stats,
        "searches": searches,
        "queries": queries,
    }


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _name(r: dict) -> str:
    return "seed" if r["scale"] == "seed" else f"generated {int(r['scale']):,}"


def _ms(run: dict | None) -> str:
    return "—" if run is None else f"{run['seconds'] * 1000:.1f} ms"


def _rows(run: dict | None) -> str:
    return "—" if run is None else f"{run['rows']:,}"


def _equal(q: dict) -> str:
    if not q["plain_equal"]:
        return "**no: plain differs from Virtuoso**"
    if q["equal"]:
        return "yes"
    if q["backed_within"]:
        return "no: fewer (prefix, not substring)"
    return "**no**"


def tables(results: list[dict]) -> str:
    out = [
        "| knowledge base | quads (asserted + inferred) | load + infer | Virtuoso load "
        "| index rows | resources | index time | index size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s, v = r["index"], r["virtuoso_load_s"]
        out.append(
            f"| {_name(r)} | {r['quads']:,} | {r['opened_s']:.1f} s "
            f"| {'—' if v is None else f'{v:.1f} s'} | {s.rows:,} | {s.resources:,} "
            f"| {s.seconds:.2f} s | {s.bytes / 2**20:.1f} MiB |"
        )
    out += [
        "",
        "| knowledge base | words | `kb search` (20 best) | resources found (id/ ones) |",
        "|---|---|---:|---:|",
    ]
    for r in results:
        for w in r["searches"]:
            out.append(
                f"| {_name(r)} | `{w['word']}` | {w['seconds'] * 1000:.1f} ms "
                f"| {w['hits']:,} ({w['id_hits']:,}) |"
            )
    out += [
        "",
        "| knowledge base | query | word | Virtuoso | Oxigraph plain | Oxigraph index-backed "
        "| rows (Virtuoso / plain / index-backed) | index-backed = Virtuoso? |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for q in r["queries"]:
            v = q.get("virtuoso")
            out.append(
                f"| {_name(r)} | {q['query']} | `{q['word']}` | {_ms(v)} | {_ms(q['plain'])} "
                f"| {_ms(q['backed'])} | {_rows(v)} / {_rows(q['plain'])} / "
                f"{_rows(q['backed'])} | {_equal(q) if v is not None else '—'} |"
            )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["seed", "100000"])
    parser.add_argument("--repeat", type=int, default=5, help="runs per search or query (median)")
    parser.add_argument(
        "--no-virtuoso", dest="virtuoso", action="store_false", help="Oxigraph only"
    )
    args = parser.parse_args(argv)
    results = []
    for scale in args.scales:
        print(f"{scale} ...", file=sys.stderr, flush=True)
        results.append(measure(scale, args.repeat, args.virtuoso))
        print(tables(results[-1:]), file=sys.stderr, flush=True)
    print(tables(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
