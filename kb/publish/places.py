"""The places the region map and the region chart show, with the organisations located in each."""

from __future__ import annotations

from collections import defaultdict

from rdflib.namespace import ORG
from rdflib.term import Node

from kb.core.namespaces import MC
from kb.publish.data import SiteData


def region_counts(d: SiteData) -> dict[Node, set[Node]]:
    """The organisations located in each region (directly, as asserted), or in their country
    when no region is given."""
    g = d.asserted
    counts: dict[Node, set[Node]] = defaultdict(set)
    for s, region in g.subject_objects(MC.locatedIn):
        if not d.is_a(s, MC.Region):
            counts[region].add(s)
    for s, country in g.subject_objects(MC.country):
        # located in a place already counted (the places found so far, as before)
        if not d.is_a(s, MC.Region) and not any(r in counts for r in g.objects(s, MC.locatedIn)):
            counts[country].add(s)
    return counts


def mapped_regions(d: SiteData) -> dict[Node, set[Node]]:
    """The places the map shows: those with organisations located there, those with figures
    (stated about the place itself) and those that are members of a partnership (the Four
    Motors' associates, Quebec among them)."""
    places = region_counts(d)
    for _figure, place in d.union.subject_objects(MC.figureOf):
        if d.is_a(place, MC.Region):
            places.setdefault(place, set())
    for member in d.union.objects(None, ORG.member):
        if d.is_a(member, MC.Region):
            places.setdefault(member, set())
    return places
