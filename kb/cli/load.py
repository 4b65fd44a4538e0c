"""`kb load --endpoint URL`: push the built KB to a remote SPARQL 1.1 store."""

from __future__ import annotations

import argparse
import os
import sys

from kb.cli import HELP
from kb.core.config import STORES, Config
from kb.core.errors import KBError, ParameterError
from kb.store import OxigraphStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load",
        help=HELP["load"],
        description="Copy every named graph of the KB (build/kb.nq when its manifest matches "
        "the inputs, else a fresh validated build) to a remote store through SPARQL 1.1 Update "
        "(INSERT DATA into staging graphs, then MOVE over the targets in one request: a failed "
        "load leaves the server as it was) or the Graph Store Protocol (one PUT per graph). "
        "Data that does not conform needs --force.",
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
        help="kept for existing scripts: every load now replaces each target graph whole",
    )
    p.add_argument("--force", action="store_true", help="load even when the data does not conform")
    p.add_argument("--user", help="user name for HTTP authentication")
    p.add_argument(
        "--password-env",
        default="KB_ENDPOINT_PASSWORD",
        metavar="VAR",
        help="environment variable holding the password (default KB_ENDPOINT_PASSWORD)",
    )
    p.add_argument(
        "--store",
        choices=STORES,
        help="kept for existing scripts: the KB is built and sent from Oxigraph's store, so "
        "literals go out exactly as read",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run_load)


def built_kb(config: Config, force: bool, progress: bool) -> OxigraphStore:
    """The KB to load: build/kb.nq when build/manifest.json shows a validated, conforming
    build of the inputs as they are now; else a fresh build, validated and checked, refused
    (KBError) when it does not conform unless `force`."""
    from kb.build.manifest import read_manifest, stale_reason
    from kb.build.pipeline import build
    from kb.store import load_nquads

    manifest = read_manifest(config)
    if manifest and manifest.get("validated") and stale_reason(config, manifest) is None:
        if progress:
            print(f"loading {config.build_dir / 'kb.nq'} (up to date)", file=sys.stderr)
        store = load_nquads(config.build_dir / "kb.nq", "oxigraph")
        assert isinstance(store, OxigraphStore)
        return store
    result = build(config, progress=progress)
    if not result.conforms and not force:
        raise KBError(
            "the knowledge base does not conform (run `kb build` to see why); "
            "use --force to load it anyway"
        )
    if not result.conforms:
        print("kb load: the data does not conform; loading it anyway (--force)", file=sys.stderr)
    return result.engine


def run_load(args: argparse.Namespace) -> int:
    from kb.core.config import load_config
    from kb.publish.upload import upload

    if args.batch < 1:
        raise ParameterError("--batch", "must be at least 1")
    if not args.endpoint.startswith(("http://", "https://")):
        raise ParameterError("--endpoint", f"{args.endpoint!r} is not an http(s) URL")
    config = load_config(store=args.store)
    # Oxigraph's own terms go out: an rdflib copy may have normalised lexical forms
    store = built_kb(config, args.force, progress=not args.quiet)
    report = upload(
        store,
        args.endpoint,
        method=args.method,
        target_graph=args.graph,
        batch=args.batch,
        user=args.user,
        password=os.environ.get(args.password_env),
        progress=None if args.quiet else sys.stderr,
        genid=config.base_iri + ".well-known/genid/",
    )
    print(report.summary())
    return 0
