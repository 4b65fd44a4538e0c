"""`kb publish`: build the knowledge base and write the static linked open data site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.build.pipeline import build
from kb.cli import HELP
from kb.core.config import load_config
from kb.core.errors import KBError, ParameterError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "publish",
        help=HELP["publish"],
        description="Build the knowledge base and write a static site to DIR: a page per "
        "resource in HTML, Turtle, JSON-LD and N-Triples, views, indexes, the ontology, "
        "dumps with checksums, VoID, a DCAT-AP record and content-negotiation rules. The "
        "site is written to a temporary folder and renamed into place.",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="the site folder")
    p.add_argument("--site-url", help="where the site will be hosted (for the w3id redirect)")
    p.add_argument("--endpoint", help="the live SPARQL endpoint the query page points to")
    p.add_argument(
        "--suggested-partners",
        type=int,
        metavar="N",
        help="at most N suggested partners per organisation page, each organisation's match "
        "list published beside it (default: suggested_partners in [tool.kb], 5; 0: none)",
    )
    p.add_argument(
        "--force", action="store_true", help="publish even when the data does not conform"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run_publish)


def placeholder_warnings(site_url: str | None, endpoint: str | None) -> list[str]:
    """What still points at a stand-in: a site published without --site-url writes its w3id
    redirect to mfg-clusters.example.org, and without --endpoint its query page asks a
    `kb serve` on the reader's own machine."""
    from kb.publish.queries import DEFAULT_ENDPOINT

    found = []
    if not site_url or "example.org" in site_url:
        found.append(
            "no --site-url: the w3id redirect rules point at the placeholder "
            "https://mfg-clusters.example.org/; give the site's real address"
        )
    if not endpoint or endpoint == DEFAULT_ENDPOINT or "example.org" in endpoint:
        found.append(
            f"no --endpoint: the query page sends queries to {DEFAULT_ENDPOINT} (a kb serve on "
            "the reader's own machine); give the live SPARQL endpoint"
        )
    return found


def run_publish(args: argparse.Namespace) -> int:
    from kb.publish.site import check_replaceable, publish

    config = load_config()
    if args.suggested_partners is not None and args.suggested_partners < 0:
        raise ParameterError("--suggested-partners", "must be 0 or more")
    check_replaceable(args.out.resolve())  # before the build, so a wrong --out fails at once
    result = build(config, progress=not args.quiet)
    if not result.conforms and not args.force:
        raise KBError(
            "the knowledge base does not conform (run `kb build`); use --force to publish anyway"
        )
    for warning in [] if args.quiet else placeholder_warnings(args.site_url, args.endpoint):
        print(f"kb publish: warning: {warning}", file=sys.stderr)
    report = publish(
        result.store,
        config,
        args.out,
        inferred_graph_iri=result.inferred_graph_iri,
        site_url=args.site_url,
        endpoint=args.endpoint,
        progress=not args.quiet,
        suggested_partners=args.suggested_partners,
        match_store=result.engine,  # the matcher's queries run on the build's Oxigraph store
    )
    if args.quiet:
        return 0
    print(
        f"published {report.pages} pages, {report.files} files, "
        f"{report.bytes / 1e6:.1f} MB to {report.out} in {report.seconds:.1f} s",
        file=sys.stderr,
    )
    return 0
