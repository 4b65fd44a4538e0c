"""`kb match`: ranked, explained partner suggestions (docs/matching.md)."""

from __future__ import annotations

import argparse
import sys

from kb.build.knowledge_base import KnowledgeBase
from kb.cli import HELP
from kb.cli.common import add_store_arguments
from kb.core.config import load_config
from kb.matching import matcher, resolver
from kb.matching.arguments import add_arguments, build_request, check_arguments
from kb.matching.render import render


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "match",
        help=HELP["match"],
        description="Suggest partners for an organisation (--for), complete a team (--team, "
        "--fill) or find partners for a described call (--domain/--s3/--topic/--profile). "
        "Each suggestion shows its score per signal and the facts behind it.",
    )
    add_arguments(p)
    add_store_arguments(p, "oxigraph")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config()
    check_arguments(args)
    if args.endpoint:
        kb = KnowledgeBase.remote(config, args.endpoint, timeout=args.timeout)
    else:
        print("opening the knowledge base ...", file=sys.stderr)
        # Oxigraph unless asked: the matcher sends some twenty VALUES-bound queries, which
        # rdflib's engine answers about thirty times slower (docs/matching.md).
        engine = args.engine or "oxigraph"
        kb = KnowledgeBase.open(config, engine=engine, reuse_build=not args.rebuild)
    request = build_request(args, resolver(kb))
    result = matcher(kb, args.weights).match(request)
    sys.stdout.write(render(result, args.format, config.prefixes))
    print(
        f"{len(result.suggestions)} suggestions of {result.pool_size} candidates", file=sys.stderr
    )
    return 0
