"""The matchmaker's signals read from the knowledge base, each through a stored query in
queries/match/ so that they run the same on the embedded engines and on a remote endpoint.

The matcher binds the seeker's organisations, features or projects as multi-row VALUES
blocks of RDF terms (kb.core.sparql_text), never by pasting values into the query text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from kb.core.errors import KBError
from kb.core.sparql_text import inject_block, values_table
from kb.sparql.catalogue import StoredQuery, load_catalogue
from kb.store import Store

# Feature signals: query name -> the signal it feeds
FEATURE_QUERIES = {
    "effra-domains": "effra",
    "s3-priorities": "s3",
    "topics": "topics",
    "networks": "networks",
    "support-letters": "letters",
}
S3_AREA = URIRef("https://w3id.org/mfg-clusters/ontology#s3PriorityArea")
# VALUES blocks above this many terms are sent in slices (endpoints limit request sizes)
CHUNK = 500


@dataclass(frozen=True)
class FeatureRow:
    organisation: URIRef
    feature: URIRef
    uncertain: bool
    s: Node
    p: URIRef
    o: Node


@dataclass(frozen=True)
class ParticipationRow:
    organisation: URIRef
    project: URIRef
    coordinator: bool
    amount: float | None
    s: Node


@dataclass
class OrganisationFacts:
    label: str | None = None
    types: frozenset[str] = frozenset()  # class IRIs, after inference
    places: frozenset[URIRef] = frozenset()  # every enclosing region and country


class SignalReader:
    """Runs the queries of queries/match/ on one store."""

    def __init__(self, store: Store, queries_dir: Path) -> None:
        folder = queries_dir / "match"
        if not folder.is_dir():
            raise KBError(f"{folder}: the matchmaker's queries are missing")
        self.store = store
        self.queries: dict[str, StoredQuery] = load_catalogue(folder)
        # region -> its strategy's priority areas: small (one strategy per region), the same
        # for every request on this store, and slow to join per organisation
        self._region_areas: dict[Node, list[dict]] | None = None

    def _rows(self, name: str, variable: str, terms: Iterable[Node]) -> list[dict]:
        """The rows of query `name` with `variable` bound to each of `terms`."""
        return self._table(name, (variable,), [(t,) for t in sorted(set(terms))])

    def _table(self, name: str, variables: tuple[str, ...], rows: list[tuple]) -> list[dict]:
        text = self.queries[name].text
        found: list[dict] = []
        for start in range(0, len(rows), CHUNK):
            block = values_table(variables, rows[start : start + CHUNK])
            found += self.store.query(inject_block(text, block, variables[0])).dicts()
        return found

    def features(
        self, variable: str, terms: Iterable[Node] | dict[str, Iterable[Node]]
    ) -> dict[str, list[FeatureRow]]:
        """Feature rows per signal, with ?organisation or ?feature bound to `terms` (one set
        for every signal, or a set per signal: a signal without terms is not asked)."""
        if not isinstance(terms, dict):
            shared = list(terms)
            terms = {signal: shared for signal in FEATURE_QUERIES.values()}
        out: dict[str, list[FeatureRow]] = {}
        for name, signal in FEATURE_QUERIES.items():
            bound = list(terms.get(signal, ()))
            if not bound:
                out[signal] = []
                continue
            if signal == "s3" and variable == "organisation":
                out[signal] = self._s3_of_organisations(bound)
                continue
            out[signal] = [
                FeatureRow(
                    r["organisation"],
                    r["feature"],
                    str(r["strength"]) == "uncertain",
                    r["s"],
                    r["p"],
                    r["o"],
                )
                for r in self._rows(name, variable, bound)
            ]
        return out

    def _s3_of_organisations(self, organisations: list[Node]) -> list[FeatureRow]:
        """The rows of s3-priorities for given organisations, in two steps: their regions
        and own areas, then the regions' areas (the same rows; see 15_located-in.rq)."""
        if self._region_areas is None:
            self._region_areas = defaultdict(list)
            for r in self.store.query(self.queries["region-s3-areas"].text).dicts():
                self._region_areas[r["region"]].append(r)
        rows = []
        for r in self._rows("located-in", "organisation", organisations):
            org = r["organisation"]
            if r.get("feature") is not None:
                rows.append(FeatureRow(org, r["feature"], False, org, S3_AREA, r["feature"]))
            for area in self._region_areas.get(r.get("region"), ()):
                f = area["feature"]
                rows.append(FeatureRow(org, f, False, area["s"], area["p"], f))
        return rows

    def participations(self, variable: str, terms: Iterable[Node]) -> list[ParticipationRow]:
        """Participation rows with ?organisation or ?project bound to `terms`."""
        rows = []
        for r in self._rows(
            "participations" if variable == "organisation" else "participants-in", variable, terms
        ):
            role = r.get("role")
            amount = r.get("amount")
            rows.append(
                ParticipationRow(
                    r["organisation"],
                    r["project"],
                    role is not None and str(role).endswith("/coordinator"),
                    float(amount) if amount is not None else None,
                    r["s"],
                )
            )
        return rows

    def organisations(self, terms: Iterable[Node]) -> dict[URIRef, OrganisationFacts]:
        facts: dict[URIRef, dict] = {}
        for r in self._rows("organisations", "organisation", terms):
            entry = facts.setdefault(
                r["organisation"], {"label": {}, "types": set(), "places": set()}
            )
            if r.get("label") is not None:
                entry["label"][r["label"].language or ""] = str(r["label"])
            if r.get("type") is not None:
                entry["types"].add(str(r["type"]))
            if r.get("place") is not None:
                entry["places"].add(r["place"])
        return {
            iri: OrganisationFacts(
                _preferred(e["label"]), frozenset(e["types"]), frozenset(e["places"])
            )
            for iri, e in facts.items()
        }

    def labels(self, terms: Iterable[Node]) -> dict[URIRef, tuple[str | None, str | None]]:
        """(label, notation) of each term."""
        found: dict[URIRef, dict] = {}
        for r in self._rows("labels", "item", terms):
            entry = found.setdefault(r["item"], {"label": {}, "notation": None})
            if r.get("label") is not None:
                entry["label"][getattr(r["label"], "language", None) or ""] = str(r["label"])
            if r.get("notation") is not None:
                entry["notation"] = str(r["notation"])
        return {k: (_preferred(v["label"]), v["notation"]) for k, v in found.items()}

    def where_stated(self, triples: Iterable[tuple[Node, Node, Node]]) -> dict[tuple, URIRef]:
        """The named graph stating each triple (the first by IRI when several do)."""
        found: dict[tuple, URIRef] = {}
        for r in self._table("where-stated", ("s", "p", "o"), sorted(set(triples))):
            key = (r["s"], r["p"], r["o"])
            if key not in found or str(r["graph"]) < str(found[key]):
                found[key] = r["graph"]
        return found

    def sections(self, graphs: Iterable[Node]) -> dict[URIRef, URIRef]:
        return {r["graph"]: r["section"] for r in self._rows("sections", "graph", graphs)}

    def levels(self, places: Iterable[Node]) -> dict[URIRef, int]:
        return {r["place"]: int(r["level"]) for r in self._rows("levels", "place", places)}

    def effra_domains(self) -> list[URIRef]:
        return [r["feature"] for r in self.store.query(self.queries["domains"].text).dicts()]

    def exists(self, iri: URIRef) -> bool:
        return bool(self._rows("exists", "item", [iri]))


def _preferred(labels: dict[str, str]) -> str | None:
    """English first, then a label without language, then any (in a stable order)."""
    for lang in ("en", ""):
        if lang in labels:
            return labels[lang]
    return labels[sorted(labels)[0]] if labels else None
