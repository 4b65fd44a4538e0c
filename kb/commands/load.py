"""`kb load --endpoint URL`: push the built KB to a remote SPARQL 1.1 store."""

from __future__ import annotations

import argparse
import os
import sys

from ..config import STORES
from ..errors import ParameterError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load",
        help="push the KB (asserted and inferred graphs) to a remote SPARQL 1.1 store",
        description="Build the KB in memory (load and infer) and copy every named graph to a "
        "remote store through SPARQL 1.1 Update (INSERT DATA, default) or the Graph Store "
        "Protocol, in batches, with progress on stderr.",
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the store's update endpoint (or Graph Store endpoint with --method gsp)",
    )
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="put every triple into this one graph instead of keeping the named graphs",
    )
    p.add_argument("--batch", type=int, default=2000, help="triples per request (default 2000)")
    p.add_argument(
        "--method",
        choices=("update", "gsp"),
        default="update",
        help="SPARQL Update (default) or Graph Store Protocol",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="drop each target graph first, so loading again does not add stale data",
    )
    p.add_argument("--user", help="user name for HTTP authentication")
    p.add_argument(
        "--password-env",
        default="KB_ENDPOINT_PASSWORD",
        metavar="VAR",
        help="environment variable holding the password (default KB_ENDPOINT_PASSWORD)",
    )
    p.add_argument("--store", choices=STORES, help="embedded engine used to build")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run_load)


def run_load(args: argparse.Namespace) -> int:
    from ..build import build
    from ..config import load_config
    from ..upload import upload

    if args.batch < 1:
        raise ParameterError("--batch", "must be at least 1")
    if not args.endpoint.startswith(("http://", "https://")):
        raise ParameterError("--endpoint", f"{args.endpoint!r} is not an http(s) URL")
    config = load_config(store=args.store)
    result = build(config, validate_data=False, run_integrity_checks=False, progress=not args.quiet)
    report = upload(
        result.store,
        args.endpoint,
        method=args.method,
        target_graph=args.graph,
        batch=args.batch,
        replace=args.replace,
        user=args.user,
        password=os.environ.get(args.password_env),
        progress=None if args.quiet else sys.stderr,
        genid=config.base_iri + ".well-known/genid/",
    )
    print(report.summary())
    return 0
