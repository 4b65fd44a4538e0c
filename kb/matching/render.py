"""A match result as a terminal table, JSON, CSV or Turtle (suggestions as linked data)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from kb.matching.model import MatchResult, Suggestion
from kb.matching.weights import SIGNALS
from kb.sparql.results import _short

FORMATS = ("table", "json", "csv", "turtle")
MC = Namespace("https://w3id.org/mfg-clusters/ontology#")


def render(result: MatchResult, fmt: str, prefixes: Mapping[str, str]) -> str:
    if fmt == "table":
        return to_table(result, dict(prefixes))
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "turtle":
        return to_graph(result, prefixes).serialize(format="turtle")
    raise ValueError(fmt)


def to_table(result: MatchResult, prefixes: dict[str, str], reasons: int = 3) -> str:
    """Rank, score and name on one line; the strongest reasons indented below it."""
    if not result.suggestions:
        return (
            f"no suggestions ({result.pool_size} candidates had a signal before the constraints)\n"
        )
    out = io.StringIO()
    for rank, s in enumerate(result.suggestions, 1):
        where = _short(s.region or s.country, prefixes)
        out.write(
            f"{rank:>2}. {s.score:6.2f}  {s.label}  [{_short(s.candidate, prefixes)}]  {where}\n"
        )
        for line in s.reasons[:reasons]:
            out.write(f"          {_cut(line, 110)}\n")
    return out.getvalue()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _term(term: Node | None) -> str | None:
    return None if term is None else str(term)


def suggestion_dict(rank: int, s: Suggestion) -> dict:
    return {
        "rank": rank,
        "iri": str(s.candidate),
        "label": s.label,
        "score": s.score,
        "signals": s.signals,
        "country": _term(s.country),
        "region": _term(s.region),
        "types": list(s.types),
        "reasons": s.reasons,
        "evidence": [
            {
                "signal": e.signal,
                "subject": _term(e.subject),
                "predicate": _term(e.predicate),
                "object": _term(e.object),
                "graph": _term(e.graph),
                "section": _term(e.section),
                "note": e.note,
            }
            for e in s.evidence
        ],
    }


def request_dict(result: MatchResult) -> dict:
    r = result.request
    return {
        "mode": r.mode,
        "for": _term(r.organisation),
        "team": [str(t) for t in r.team],
        "domains": sorted(map(str, r.profile.domains)),
        "s3": sorted(map(str, r.profile.s3)),
        "topics": sorted(map(str, r.profile.topics)),
        "fill": r.fill,
        "limit": r.limit,
        "regions": [str(x) for x in r.regions],
        "excludeRegions": [str(x) for x in r.exclude_regions],
        "types": list(r.types),
        "notPartnersOf": [str(x) for x in r.not_partners_of],
        "minCountries": r.min_countries,
        "maxPerRegion": r.max_per_region,
    }


def to_json(result: MatchResult) -> str:
    body = {
        "request": request_dict(result),
        "weights": result.weights,
        "candidates": result.pool_size,
        "suggestions": [suggestion_dict(i, s) for i, s in enumerate(result.suggestions, 1)],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def to_csv(result: MatchResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["rank", "iri", "label", "score", *SIGNALS, "reasons"])
    for rank, s in enumerate(result.suggestions, 1):
        signals = [f"{s.signals.get(name, 0.0):.6f}" for name in SIGNALS]
        writer.writerow(
            [rank, s.candidate, s.label, f"{s.score:.6f}", *signals, " | ".join(s.reasons)]
        )
    return out.getvalue()


def evidence_key(e) -> tuple:
    """A stable order of a suggestion's evidence (the signal rows come in engine order)."""
    known = SIGNALS.index(e.signal) if e.signal in SIGNALS else len(SIGNALS)
    return (known, e.signal, e.note, str(e.subject), str(e.predicate), str(e.object))


def to_graph(
    result: MatchResult,
    prefixes: Mapping[str, str],
    iri: str | None = None,
    created: datetime | None = None,
) -> Graph:
    """The match list as RDF: each suggestion a mc:PartnerSuggestion with its score, its score
    per signal and prov:wasDerivedFrom the statements (reified, with their source section) that
    produced it. Blank nodes by default: a match list is an answer, not a resource of the
    knowledge base. With `iri` (kb publish) the list is that resource and its parts are hash
    IRIs of it (`#suggestion-1`, `#suggestion-1-effra-shared`, `#suggestion-1-evidence-1`),
    evidence numbered in a stable order, and `created` replaces the current time."""
    g = Graph()
    for prefix, ns in prefixes.items():
        g.bind(prefix, ns)
    g.bind("mc", MC)
    g.bind("prov", PROV)
    g.bind("dct", DCTERMS)

    def node(fragment: str) -> URIRef | BNode:
        return URIRef(f"{iri}#{fragment}") if iri is not None else BNode()

    listing = URIRef(iri) if iri is not None else BNode()
    when = created or datetime.now(UTC).replace(microsecond=0)
    g.add((listing, RDF.type, MC.MatchList))
    g.add((listing, DCTERMS.created, Literal(when, datatype=XSD.dateTime)))
    g.add((listing, RDFS.comment, Literal(json.dumps(request_dict(result), sort_keys=True))))
    for seeker in result.request.seekers:
        g.add((listing, MC.matchFor, seeker))
    for rank, s in enumerate(result.suggestions, 1):
        name = f"suggestion-{rank}"
        suggestion = node(name)
        g.add((listing, MC.hasSuggestion, suggestion))
        g.add((suggestion, RDF.type, MC.PartnerSuggestion))
        g.add((suggestion, MC.suggestedPartner, s.candidate))
        g.add((suggestion, MC.matchRank, Literal(rank)))
        g.add((suggestion, MC.matchScore, Literal(f"{s.score:.6f}", datatype=XSD.decimal)))
        for signal, points in s.signals.items():
            part = node(f"{name}-{signal}")
            g.add((suggestion, MC.signalScore, part))
            g.add((part, RDF.type, MC.SignalScore))
            g.add((part, MC.matchSignal, Literal(signal)))
            g.add((part, MC.matchScore, Literal(f"{points:.6f}", datatype=XSD.decimal)))
        evidence = sorted(s.evidence, key=evidence_key) if iri is not None else s.evidence
        for i, e in enumerate(evidence, 1):
            statement = node(f"{name}-evidence-{i}")
            g.add((suggestion, PROV.wasDerivedFrom, statement))
            g.add((statement, RDF.type, RDF.Statement))
            g.add((statement, RDF.subject, e.subject))
            g.add((statement, RDF.predicate, e.predicate))
            g.add((statement, RDF.object, e.object))
            g.add((statement, MC.matchSignal, Literal(e.signal)))
            g.add((statement, RDFS.comment, Literal(e.note, lang="en")))
            if e.graph is not None:
                g.add((statement, DCTERMS.source, URIRef(e.graph)))
            if e.section is not None:
                g.add((statement, MC.section, URIRef(e.section)))
    return g
