"""`kb query list|show|run|export`: the stored-query catalogue from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.build.knowledge_base import KnowledgeBase
from kb.cli import HELP
from kb.cli.common import add_store_arguments
from kb.core.config import load_config
from kb.core.errors import KBError, ParameterError
from kb.sparql.catalogue import (
    bind,
    export_rdf,
    load_catalogue,
    read_query_text,
    syntax_error_as_written,
)
from kb.sparql.results import FORMATS, canonical_text, serialise, to_tsv
from kb.store import OxigraphStore, QuerySyntaxError, RdflibStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help=HELP["query"],
        description="The stored-query catalogue (queries/*.rq). Results go to stdout in the "
        "W3C SPARQL 1.1 result formats or as a table; messages go to stderr.",
    )
    qsub = p.add_subparsers(dest="query_command", metavar="ACTION", required=True)

    ls = qsub.add_parser("list", help="the stored queries with their questions")
    ls.set_defaults(func=run_list)

    show = qsub.add_parser("show", help="a stored query: question, parameters and text")
    show.add_argument("name")
    show.set_defaults(func=run_show)

    run = qsub.add_parser("run", help="run a stored query, or a query file with --file")
    run.add_argument("name", nargs="?", help="stored query name (see `kb query list`)")
    run.add_argument("--file", type=Path, help="run the SPARQL query in this file instead")
    run.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter value (repeatable); IRIs may use the project's prefixes",
    )
    run.add_argument("--format", "-f", choices=FORMATS, default="table")
    add_store_arguments(run, "from config")
    run.set_defaults(func=run_run)

    expect = qsub.add_parser(
        "expect", help="write every stored query's answer on the current data to queries/expected/"
    )
    expect.set_defaults(func=run_expect)

    bench = qsub.add_parser(
        "bench", help="time every stored query on rdflib and Oxigraph over the same data"
    )
    bench.add_argument("--repeat", type=int, default=3, help="runs per query (median shown)")
    bench.set_defaults(func=run_bench)

    export = qsub.add_parser("export", help="the catalogue as RDF (SHACL SPARQL executables)")
    export.add_argument(
        "--format", "-f", choices=("turtle", "nt", "json-ld", "xml"), default="turtle"
    )
    export.set_defaults(func=run_export)


def run_list(args: argparse.Namespace) -> int:
    config = load_config()
    catalogue = load_catalogue(config.queries_dir)
    width = max((len(n) for n in catalogue), default=0)
    for name, q in catalogue.items():
        print(f"{name:<{width}}  [{q.user}] {q.question}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    config = load_config()
    catalogue = load_catalogue(config.queries_dir)
    if args.name not in catalogue:
        raise KBError(f"no stored query named {args.name!r}; `kb query list` shows them")
    q = catalogue[args.name]
    print(f"{q.name}: {q.title}\nquestion: {q.question}\nuser:     {q.user}\nfile:     {q.path}")
    for p in q.parameters:
        extra = f", default {p.default}" if p.default is not None else ", required"
        if p.allowed:
            extra += f", one of {', '.join(map(str, p.allowed))}"
        print(f"param:    {p.name} ({p.type}{extra}) {p.description}".rstrip())
    print()
    print("\n".join(ln for ln in q.text.splitlines() if not ln.startswith("#+")).strip())
    return 0


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ParameterError(pair, "write parameters as NAME=VALUE")
        if name.strip() in params:  # no parameter takes several values: the last won silently
            raise ParameterError(name.strip(), "given more than once; give each parameter once")
        params[name.strip()] = value
    return params


def run_run(args: argparse.Namespace) -> int:
    config = load_config()
    if bool(args.name) == bool(args.file):
        raise KBError("give either a stored query NAME or --file q.rq")
    text = None
    if args.file:
        if args.param:
            raise ParameterError(args.param[0].partition("=")[0], "--file queries take none")
        try:
            text = read_query_text(args.file)  # KBError with the line if not UTF-8
        except OSError as exc:
            raise KBError(f"{args.file}: {exc.strerror}") from exc
        engine = args.engine or config.store
        if not args.endpoint:
            # Parse before the build: a typo is reported at once, with file and position.
            try:
                (RdflibStore() if engine == "rdflib" else OxigraphStore()).query(text)
            except QuerySyntaxError as exc:  # FILE:LINE:COLUMN, as for a stored query
                raise syntax_error_as_written(args.file, text, text, exc) from None
    else:
        # Check the name and the parameters before the (slower) knowledge base is opened.
        catalogue = load_catalogue(config.queries_dir)
        if args.name not in catalogue:
            raise KBError(f"no stored query named {args.name!r}; `kb query list` shows them")
        bind(catalogue[args.name], parse_params(args.param), config.prefixes)
    if args.endpoint:
        kb = KnowledgeBase.remote(config, args.endpoint, timeout=args.timeout)
    else:
        print("opening the knowledge base ...", file=sys.stderr)
        kb = KnowledgeBase.open(config, engine=args.engine, reuse_build=not args.rebuild)
        print(f"answering from {kb.origin}", file=sys.stderr)
    if text is not None:
        result = kb.sparql(text)
    else:
        result = kb.execute(args.name, **parse_params(args.param))
    sys.stdout.write(serialise(result, args.format, config.prefixes))
    if result.kind == "select" and args.format != "table":
        print(f"{len(result.rows)} rows", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    config = load_config()
    graph = export_rdf(load_catalogue(config.queries_dir), config)
    sys.stdout.write(graph.serialize(format=args.format))
    return 0


def answer_text(kb: KnowledgeBase, name: str) -> str:
    """A stored query's answer with default parameters, as kept in queries/expected/: a
    SELECT's rows in the order kb gives them (kb/sparql/ordering.py), the same on every engine; a
    CONSTRUCT's triples sorted."""
    result = kb.execute(name)
    return to_tsv(result) if result.kind == "select" else canonical_text(result)


def run_expect(args: argparse.Namespace) -> int:
    from kb.core.fileio import atomic_write

    config = load_config()
    kb = KnowledgeBase.open(config)
    for name, query in kb.sparql.catalogue.items():
        atomic_write(query.expected_path(), answer_text(kb, name))
        print(f"wrote {query.expected_path()}", file=sys.stderr)
    return 0


def run_bench(args: argparse.Namespace) -> int:
    """Median wall time of each stored query on both embedded engines, over the very same
    quads (built once with rdflib, copied into Oxigraph). Prints a Markdown table."""
    import statistics
    import time

    config = load_config()
    started = time.perf_counter()
    kb = KnowledgeBase.open(config, engine="rdflib")
    build_s = time.perf_counter() - started
    oxigraph = OxigraphStore()
    for name in kb.store.graph_names():
        oxigraph.add_graph(name, kb.store.triples(name))
    engines = {"rdflib": kb, "oxigraph": KnowledgeBase(config, oxigraph, kb.sparql.catalogue)}
    print(f"quads {len(kb.store)}; build (load + infer, rdflib) {build_s:.2f} s", file=sys.stderr)
    print("| query | rows | rdflib s | oxigraph s |\n|---|---|---|---|")
    for name in kb.sparql.catalogue:
        times, size = {}, 0
        for engine, base in engines.items():
            samples = []
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                result = base.execute(name)
                samples.append(time.perf_counter() - t0)
            times[engine] = statistics.median(samples)
            size = len(result.rows) if result.kind == "select" else len(result.graph or [])
        print(f"| {name} | {size} | {times['rdflib']:.3f} | {times['oxigraph']:.4f} |")
    return 0
