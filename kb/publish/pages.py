"""One HTML page per resource, written for people: facts grouped the way a cluster profile
reads, figures with their sources, participations, memberships, region hierarchy.

`render_resource(store, iri)` is the entry point the live server reuses; the site builder
uses `PageBuilder` directly so the knowledge base is indexed only once.
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass

import jinja2
from rdflib import URIRef
from rdflib.namespace import ORG, SKOS

from kb.core.errors import ParameterError
from kb.core.namespaces import BASE, MC
from kb.publish.data import ALTERNATES, LICENCE, LICENCE_NAME, SiteData, page_path
from kb.publish.page_facts import GROUPS, TABLED, FactRows
from kb.publish.page_figures import FigureTables
from kb.publish.page_model import Linker, Row, Table, Value, first
from kb.publish.page_participations import ParticipationTables
from kb.publish.page_profiles import ProfileTables
from kb.publish.page_ties import PlaceTables, TieTables
from kb.store import Store


class PageBuilder(
    ProfileTables, FigureTables, ParticipationTables, TieTables, PlaceTables, FactRows
):
    """A resource's page: its facts and tables (one mixin per family: kb.publish.page_*)."""

    def __init__(self, data: SiteData, suffix: str = ".html"):
        self.data = data
        self.suffix = suffix
        self.env = environment()

    # --- the page ----------------------------------------------------------------------------

    def context(self, iri: URIRef) -> dict:
        d = self.data
        path = page_path(str(iri), d.base)
        link = Linker(d, path, self.suffix)
        tables: list[Table] = []
        for t in (
            self.computed_figures(iri, link),
            self.figures(iri, link),
            self.participation_table(iri, link),
            self.awards(iri, link),
            self.effra(iri, link),
        ):
            if t is not None:
                tables.append(t)
        tables += self.memberships(iri, link)
        tables += self.profile_tables(iri, link)
        tables += self.region(iri, link)
        types = d.types(iri)
        return {
            "title": d.label(iri),
            "iri": str(iri),
            "types": [Value(d.label(t), link.href(t)) for t in types],
            "groups": self.facts(iri, link),
            "tables": tables,
            "referenced_by": self.referenced_by(iri, link),
            "alternates": [(fmt, link.raw(path + ext), media) for fmt, ext, media in ALTERNATES],
            "kind": kind_of(d, iri),
            "partners": None,
        }

    def render(self, iri: URIRef, partners=None) -> str:
        """The page of `iri`; `partners`: its "Suggested partners" section (kb publish
        computes it, kb.publish.partners.Section), or None for no such section."""
        context = self.context(iri)
        context["partners"] = partners
        path = page_path(str(iri), self.data.base)
        return self.render_template("resource.html", path, **context)

    def render_template(self, template: str, path: str, **context) -> str:
        link = Linker(self.data, path, self.suffix)
        return self.env.get_template(template).render(
            link=link, licence=str(LICENCE), licence_name=LICENCE_NAME, nav=NAV, **context
        )


NAV = [
    ("Home", "index"),
    ("Clusters", "class/Cluster"),
    ("Organisations", "class/ClusterOrganisation"),
    ("Regions", "class/Region"),
    ("Projects", "class/Project"),
    ("Views", "views/index"),
    ("Code lists", "code/index"),
    ("Ontology", "ontology"),
    ("Query", "query"),
    ("Downloads", "dataset"),
]


def kind_of(d: SiteData, iri: URIRef) -> str:
    for cls, name in (
        (MC.Cluster, "cluster"),
        (MC.ClusterOrganisation, "cluster-organisation"),
        (MC.Region, "region"),
        (MC.Project, "project"),
        (ORG.Organization, "organisation"),
        (SKOS.Concept, "concept"),
    ):
        if d.is_a(iri, cls):
            return name
    return "resource"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kb", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def resource_renderer(
    store: Store, *, base_iri: str = BASE, link_suffix: str = ".html"
) -> PageBuilder:
    """The page builder for `store`, built once per store (indexing the KB is the slow part;
    the live server calls this at start so its first page is as quick as the others)."""
    key = (base_iri, link_suffix, len(store))
    cached = _CACHE.get(store)
    if cached is None or cached[0] != key:
        cached = (key, PageBuilder(SiteData(store, base_iri), link_suffix))
        _CACHE[store] = cached
    return cached[1]


def render_resource(
    store: Store,
    iri: str,
    *,
    base_iri: str = BASE,
    link_suffix: str = ".html",
    partners=None,
) -> str:
    """The HTML page of one resource of `store`. Links between pages are relative and end in
    `link_suffix` ('.html' for the static site; '' when pages are served at their IRI paths);
    `partners`: its "Suggested partners" section, as PageBuilder.render takes it.
    Raises ParameterError when the store does not describe `iri`."""
    builder = resource_renderer(store, base_iri=base_iri, link_suffix=link_suffix)
    node = URIRef(iri)
    if node not in builder.data.resource_set:
        raise ParameterError("iri", f"{iri} is not described by the knowledge base")
    return builder.render(node, partners)


@dataclass
class ClassIndex:
    cls: URIRef
    label: str
    members: list[URIRef]


def class_counts(d: SiteData) -> Counter:
    counts: Counter = Counter()
    for s in d.resources:
        for t in d.types(s):
            counts[t] += 1
    return counts


__all__ = [
    "GROUPS",
    "TABLED",
    "first",
    "render_resource",
    "resource_renderer",
    "PageBuilder",
    "Linker",
    "Table",
    "Value",
    "Row",
]
