"""Why a candidate is suggested: the stored triples behind its non-zero signals, each with the
graph and section that state it and a sentence naming what it links, and a short reason line
per signal."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Node

from kb.matching.candidates import Candidate
from kb.matching.model import MC, Evidence, MatchRequest, Suggestion
from kb.matching.scoring import FEATURE_SIGNALS
from kb.matching.selection import Places
from kb.matching.signals import FeatureRow, SignalReader

# How a feature signal's evidence reads, by signal
_FEATURE_NOTES = {
    "effra": "covers EFFRA domain {f}",
    "s3": "works in S3 priority area {f}",
    "topics": "shares {f}",
    "networks": "is a member of {f}",
    "letters": "is named in {f}",
}
EXPERIENCE_EVIDENCE = 5
_PARTICIPANT = URIRef("https://w3id.org/mfg-clusters/ontology#participant")


class Explainer:
    """Turns the chosen candidates of one request into Suggestions with their evidence."""

    def __init__(self, reader: SignalReader, places: Places, request: MatchRequest) -> None:
        self.reader = reader
        self.places = places
        self.request = request
        self.seekers = set(request.seekers)

    def explain(self, chosen, eligible, facts, seeker_features) -> list[Suggestion]:
        """One Suggestion per (iri, score, contributions) chosen, in their order."""
        pending = []
        items: set[Node] = set(self.request.seekers)
        for iri, score, contributions in chosen:
            rows = self.evidence_rows(eligible[iri], contributions, seeker_features)
            pending.append((iri, score, contributions, rows))
            for *_triple, _template, refs in rows:
                items.update(refs)
        stated = self.reader.where_stated(
            (s, p, o) for *_, rows in pending for _sig, s, p, o, _t, _r in rows
        )
        sections = self.reader.sections(set(stated.values()))
        labels = self.reader.labels(items)

        def name(term: Node) -> str:
            label, notation = labels.get(term, (None, None))
            if notation and label:
                return f"{notation} ({label})"
            return label or notation or str(term).rstrip("/").rsplit("/", 1)[-1]

        def short(term: Node) -> str:
            label, notation = labels.get(term, (None, None))
            return notation or label or str(term).rstrip("/").rsplit("/", 1)[-1]

        suggestions = []
        for iri, score, contributions, rows in pending:
            evidence, shorts = [], []
            for sig, s, p, o, template, refs in rows:
                shorts.append((sig, short(refs[0])))
                graph = stated.get((s, p, o))
                note = template.format(*(name(r) for r in refs))
                evidence.append(Evidence(sig, s, p, o, graph, sections.get(graph), note))
            suggestions.append(self._suggestion(iri, score, contributions, evidence, shorts, facts))
        return suggestions

    def _suggestion(self, iri, score, contributions, evidence, shorts, facts) -> Suggestion:
        f = facts[iri]
        ordered = sorted(contributions.items(), key=lambda kv: -kv[1])
        return Suggestion(
            iri,
            f.label or str(iri),
            round(score, 6),
            {k: round(v, 6) for k, v in ordered},
            evidence,
            self.places.country_of(f),
            self.places.region_of(f),
            tuple(sorted(t[len(MC) :] for t in f.types if t.startswith(MC))),
            _reasons(contributions, shorts),
        )

    def evidence_rows(self, c: Candidate, contributions, seeker_features):
        """(signal, s, p, o, note template, terms the template names) per fact."""
        rows = self._feature_rows(c, contributions, seeker_features)
        if "coparticipation" in contributions:
            for (seeker, project), r in sorted(c.together.items()):
                rows.append(
                    (
                        "coparticipation",
                        r.s,
                        _PARTICIPANT,
                        r.organisation,
                        "took part in {0} with {1}",
                        (project, seeker),
                    )
                )
        if "two-hop" in contributions:
            for via, (project, r) in sorted(c.via.items()):
                rows.append(
                    (
                        "two-hop",
                        r.s,
                        _PARTICIPANT,
                        r.organisation,
                        "took part in {0} with {1}, a partner of the seeker",
                        (project, via),
                    )
                )
        if "experience" in contributions:
            # ties (two participations in one project, from two sections) by the node, so
            # the five cited are the same on every engine whatever its row order
            cited = sorted(
                c.participations, key=lambda r: (not r.coordinator, str(r.project), str(r.s))
            )
            for r in cited[:EXPERIENCE_EVIDENCE]:
                role = "as coordinator" if r.coordinator else "as partner"
                rows.append(
                    (
                        "experience",
                        r.s,
                        _PARTICIPANT,
                        r.organisation,
                        "took part in {0} " + role,
                        (r.project,),
                    )
                )
        return rows

    def _feature_rows(self, c: Candidate, contributions, seeker_features) -> list:
        """The evidence rows of the feature signals, shared and complementary."""
        rows = []
        for signal in FEATURE_SIGNALS:
            for kind in ("shared", "complementary"):
                key = f"{signal}-{kind}"
                if key not in contributions:
                    continue
                wanted = seeker_features[signal]
                # in a fixed order, not the store's: a KB loaded from kb.nq and a fresh
                # build hold the same rows in different orders
                for r in sorted(c.feature_rows.get(signal, []), key=_row_key):
                    if (r.feature in wanted) != (kind == "shared"):
                        continue
                    template = _FEATURE_NOTES[signal].replace("{f}", "{0}")
                    refs = (r.feature,)
                    if signal == "networks" and r.organisation in self.seekers:
                        template, refs = "has {0} as a member", (r.organisation,)
                    if r.uncertain:
                        template += " (uncertain mark)"
                    if kind == "complementary":
                        template += ", which the seeker lacks"
                    rows.append((key, r.s, r.p, r.o, template, refs))
        return rows


def _row_key(r: FeatureRow) -> tuple[str, ...]:
    return (str(r.feature), str(r.organisation), str(r.s), str(r.p), str(r.o))


def _reasons(contributions: dict[str, float], shorts: list[tuple[str, str]]) -> list[str]:
    """One line per signal, strongest first: its points and the short names of what
    produced it (domains by code, projects by acronym, ...)."""
    lines = []
    for signal, points in sorted(contributions.items(), key=lambda kv: -kv[1]):
        names = list(dict.fromkeys(short for sig, short in shorts if sig == signal))
        shown = ", ".join(names[:4]) + (f" +{len(names) - 4} more" if len(names) > 4 else "")
        lines.append(f"{signal} {points:.2f}: {shown}")
    return lines
