"""`kb serve`: a read-only SPARQL endpoint and linked-data views over the built KB."""

from __future__ import annotations

import argparse
import sys

from kb.cli import HELP
from kb.core.config import STORES
from kb.core.errors import ParameterError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help=HELP["serve"],
        description="Build the KB in memory and serve it read-only: SPARQL 1.1 Protocol at "
        "/sparql (GET and POST; JSON, XML, CSV, TSV, Turtle, JSON-LD, N-Triples by Accept), a "
        "query page at /, and each KB IRI .../id/... at /id/... as HTML, Turtle, JSON-LD or "
        "N-Triples, partner matchmaking at /match (page) and /api/match (the data of `kb match`). "
        "Each query or match runs in a worker process that is killed at the time limit.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--engine", choices=STORES, default=None, help="engine (default [tool.kb])")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds per query (default 20)")
    p.add_argument(
        "--max-rows", type=int, default=10_000, help="rows (or triples) per answer (default 10000)"
    )
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    p.add_argument(
        "--worker-memory",
        type=int,
        default=1024,
        metavar="MIB",
        help="memory a worker may use beyond the loaded KB, in MiB (default 1024)",
    )
    p.add_argument(
        "--per-client",
        type=int,
        default=1,
        help="queries one client (remote address) may have running at once (default 1)",
    )
    p.add_argument(
        "--long-after",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="a query running longer is long: its worker is replaced at once (default 5)",
    )
    p.add_argument(
        "--max-long", type=int, default=2, help="long queries running at once (default 2)"
    )
    p.add_argument(
        "--nginx-config",
        action="store_true",
        help="print nginx reverse-proxy rules (rate limits per client) for this --host/--port "
        "and exit; see docs/endpoint.md",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from kb.core.config import load_config
    from kb.serve.app import ServeSettings, serve

    if not 0 < args.port < 65536:
        raise ParameterError("--port", f"{args.port} is not a TCP port")
    if args.timeout <= 0:
        raise ParameterError("--timeout", "must be a positive number of seconds")
    if args.max_rows < 1:
        raise ParameterError("--max-rows", "must be at least 1")
    if args.workers < 1:
        raise ParameterError("--workers", "must be at least 1")
    if args.worker_memory < 64:
        raise ParameterError("--worker-memory", "must be at least 64 MiB")
    for name in ("per_client", "max_long"):
        if getattr(args, name) < 1:
            raise ParameterError("--" + name.replace("_", "-"), "must be at least 1")
    if args.long_after <= 0:
        raise ParameterError("--long-after", "must be a positive number of seconds")
    if args.nginx_config:
        from kb.serve.proxy import nginx_proxy

        sys.stdout.write(nginx_proxy(upstream=f"{args.host}:{args.port}"))
        return 0
    from kb.build.manifest import verdict

    config = load_config()
    conforms, note = verdict(config)
    if not (conforms and args.quiet):  # a warning is printed even with -q
        print(f"kb serve: the data: {note}", file=sys.stderr, flush=True)
    engine = args.engine or config.store
    settings = ServeSettings(
        args.host,
        args.port,
        engine,
        args.timeout,
        args.max_rows,
        args.workers,
        worker_memory=args.worker_memory,
        long_after=args.long_after,
        max_long=args.max_long,
        per_client=args.per_client,
    )
    serve(settings, progress=not args.quiet)
    return 0
