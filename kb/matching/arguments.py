"""The arguments of a match, as `kb match` takes them and `kb serve`'s /api/match reads them
(kb.serve.match): the options, the checks made before the knowledge base is opened, and the
MatchRequest they describe. One definition, so the command and the server refuse alike."""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import Graph

from kb.core.errors import KBError, ParameterError
from kb.matching.model import ORGANISATION_TYPES, MatchRequest, Profile
from kb.matching.render import FORMATS
from kb.matching.resolve import Resolver


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of a match (who is looking, constraints, output) on the parser `p`."""
    _who(p)
    _constraints(p)
    _output(p)


def _who(p: argparse.ArgumentParser) -> None:
    who = p.add_argument_group("who is looking")
    who.add_argument(
        "--for",
        dest="organisation",
        metavar="ORG",
        help="an organisation (CURIE, IRI or short name)",
    )
    who.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="A,B",
        help="the team so far (comma-separated, repeatable)",
    )
    who.add_argument(
        "--fill", type=int, metavar="N", help="complete the team with N partners, chosen one by one"
    )
    who.add_argument(
        "--profile", type=Path, metavar="FILE.ttl", help="a call or proposal described in Turtle"
    )
    who.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="D",
        help="an EFFRA domain the call needs (D1..D6)",
    )
    who.add_argument(
        "--s3",
        action="append",
        default=[],
        metavar="AREA",
        help="an S3 priority area the call needs",
    )
    who.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="T",
        help="a technology field, industry, expertise area or pilot",
    )


def _constraints(p: argparse.ArgumentParser) -> None:
    only = p.add_argument_group("constraints")
    only.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="NUTS",
        help="only candidates in this region or country (any NUTS level)",
    )
    only.add_argument(
        "--exclude-region",
        action="append",
        default=[],
        metavar="NUTS",
        help="no candidates in this region or country",
    )
    only.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="CC",
        help="only candidates in this country (ISO code)",
    )
    only.add_argument(
        "--exclude-country",
        action="append",
        default=[],
        metavar="CC",
        help="no candidates in this country",
    )
    only.add_argument(
        "--type",
        action="append",
        default=[],
        choices=sorted(ORGANISATION_TYPES),
        help="only organisations of this type (repeatable)",
    )
    only.add_argument(
        "--not-partners-of",
        action="append",
        default=[],
        metavar="ORG",
        help="leave out past project partners of ORG",
    )
    only.add_argument(
        "--min-countries",
        type=int,
        metavar="K",
        help="with --fill: the team spans at least K countries",
    )
    only.add_argument(
        "--max-per-region", type=int, metavar="N", help="at most N suggestions per region"
    )


def _output(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group("output")
    out.add_argument("--limit", type=int, default=10, help="how many suggestions (default 10)")
    out.add_argument(
        "--weights",
        type=Path,
        metavar="FILE.toml",
        help="override weights of queries/match/weights.toml",
    )
    out.add_argument("--format", "-f", choices=FORMATS, default="table")


def _positive(name: str, value: int | None, least: int = 1) -> None:
    if value is not None and value < least:
        raise ParameterError(name, f"must be at least {least}, not {value}")


def check_arguments(args: argparse.Namespace) -> None:
    """What can be refused before the knowledge base is opened."""
    described = bool(args.profile or args.domain or args.s3 or args.topic)
    if args.organisation and args.team:
        raise ParameterError("--for", "give --for ORG or --team A,B, not both")
    if not (args.organisation or args.team or described):
        raise KBError(
            "say who is looking: --for ORG, --team A,B, "
            "or a call (--domain, --s3, --topic, --profile)"
        )
    if args.fill is not None and not args.team:
        raise ParameterError("--fill", "completes a team: give --team A,B")
    if args.min_countries is not None and args.fill is None:
        raise ParameterError(
            "--min-countries", "is a rule for the completed team: give --team and --fill"
        )
    _positive("--fill", args.fill)
    _positive("--limit", args.limit)
    _positive("--min-countries", args.min_countries)
    _positive("--max-per-region", args.max_per_region)


def _team(values: list[str]) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",")]
    if any(not n for n in names):
        raise ParameterError("--team", "an empty name in the list")
    return names


def read_profile(path: Path, resolve: Resolver) -> Profile:
    """The features a Turtle description of a call names: EFFRA domains (mc:effraDomain), S3
    priority areas (mc:s3PriorityArea) and topics (technology fields, industries, expertise
    areas, pilot themes), whatever the subject."""
    from kb.core.namespaces import MC
    from kb.load import parse_file

    graph: Graph = parse_file(path)
    domains = {resolve.domain(str(o), str(path)) for o in graph.objects(None, MC.effraDomain)}
    s3 = {resolve.s3_area(str(o), str(path)) for o in graph.objects(None, MC.s3PriorityArea)}
    topics = set()
    for prop in (
        "technologyField",
        "sectoralIndustry",
        "emergingIndustry",
        "expertiseArea",
        "vanguardPilotTheme",
    ):
        topics |= {resolve.topic(str(o), str(path)) for o in graph.objects(None, MC[prop])}
    if not (domains or s3 or topics):
        raise KBError(
            f"{path}: names no EFFRA domain, S3 priority area or topic (see docs/matching.md)"
        )
    return Profile(frozenset(domains), frozenset(s3), frozenset(topics))


def build_request(args: argparse.Namespace, resolve: Resolver) -> MatchRequest:
    profile = read_profile(args.profile, resolve) if args.profile else Profile()
    profile = Profile(
        profile.domains | {resolve.domain(d) for d in args.domain},
        profile.s3 | {resolve.s3_area(s) for s in args.s3},
        profile.topics | {resolve.topic(t) for t in args.topic},
    )
    team = tuple(dict.fromkeys(resolve.organisation(n, "--team") for n in _team(args.team)))
    if args.fill is not None and args.team and len(team) < 1:
        raise ParameterError("--team", "name at least one organisation")
    return MatchRequest(
        organisation=resolve.organisation(args.organisation, "--for")
        if args.organisation
        else None,
        team=team,
        profile=profile,
        fill=args.fill,
        limit=args.fill or args.limit,
        regions=tuple(
            [resolve.place(r, "--region") for r in args.region]
            + [resolve.place(c, "--country") for c in args.country]
        ),
        exclude_regions=tuple(
            [resolve.place(r, "--exclude-region") for r in args.exclude_region]
            + [resolve.place(c, "--exclude-country") for c in args.exclude_country]
        ),
        types=tuple(args.type),
        not_partners_of=tuple(
            resolve.organisation(o, "--not-partners-of") for o in args.not_partners_of
        ),
        min_countries=args.min_countries,
        max_per_region=args.max_per_region,
    )
