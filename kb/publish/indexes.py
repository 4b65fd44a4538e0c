"""The site's index pages, written by SiteWriter (kb.publish.site): a page per ontology
class (projects and regions as filterable tables), the code lists, the views and home."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kb.core.namespaces import MC
from kb.publish import describe, lists, regionmap, view_list
from kb.publish.data import local_name
from kb.publish.pages import Linker, Table, Value

FEATURED_CLASSES = ("Cluster", "ClusterOrganisation", "Region", "Project")


class IndexPages:
    """SiteWriter's index pages (it provides d, config, builder, page and say)."""

    def class_pages(self) -> dict[URIRef, list[URIRef]]:
        d = self.d
        classes = sorted(
            {c for c in d.union.subjects(RDF.type, OWL.Class) if str(c).startswith(str(MC))},
            key=str,
        )
        members: dict[URIRef, list[URIRef]] = {}
        for cls in classes:
            found = sorted(
                (s for s in d.union.subjects(RDF.type, cls) if s in d.resource_set),
                key=lambda s: (d.label(s).lower(), str(s)),  # ties by IRI: reproducible
            )
            members[cls] = found
            path = f"class/{local_name(cls)}"
            link = Linker(d, path)
            title = f"{d.label(cls)[:1].upper()}{d.label(cls)[1:]} ({len(found)})"
            intro = str(d.union.value(cls, SKOS.definition) or "")
            table = lists.member_table(self.builder, cls, found, link)
            if table is not None:  # projects and regions: columns and a filter
                self.page(path, title=title, intro=intro, body=table)
            else:
                items = [Value(d.label(s), link.href(s)) for s in found]
                self.page(path, title=title, intro=intro, items=items)
        link = Linker(d, "class/index")
        rows = [
            [
                Value(d.label(c), link.to(f"class/{local_name(c)}")),
                Value(str(len(m))),
                Value(str(d.union.value(c, SKOS.definition) or "")),
            ]
            for c, m in members.items()
        ]
        self.page(
            "class/index",
            title="Classes",
            intro="Every class of the ontology with the resources that belong to it "
            "(including by inference from sub-classes).",
            tables=[Table("Classes", ["class", "resources", "definition"], rows)],
        )
        return members

    def code_index(self) -> None:
        d = self.d
        link = Linker(d, "code/index")
        schemes = sorted(
            (
                s
                for s in d.union.subjects(RDF.type, SKOS.ConceptScheme)
                if str(s).startswith(d.base + "code/")
            ),
            key=lambda s: d.label(s),
        )
        rows = [
            [
                Value(d.label(s), link.href(s)),
                Value(str(len(set(d.union.subjects(SKOS.inScheme, s))))),
                Value(str(d.union.value(s, SKOS.definition) or "")),
            ]
            for s in schemes
        ]
        self.page(
            "code/index",
            title="Code lists",
            intro="The SKOS code lists the data uses; each concept has its own page.",
            tables=[Table("Code lists", ["code list", "concepts", "definition"], rows)],
        )

    def views(self) -> None:
        d = self.d
        self.say("views ...")
        specs = view_list.view_specs(self.config.root / regionmap.BOUNDARIES)
        for path, title, intro, render in specs:
            self.page(path, title=title, intro=intro, body=render(d, Linker(d, path)))
        link = Linker(d, "views/index")
        self.page(
            "views/index",
            title="Views",
            intro="Pictures generated from the data.",
            items=[Value(title, link.to(path)) for path, title, _i, _r in specs],
        )

    def home(self, members: dict[URIRef, list[URIRef]], stats: describe.Statistics) -> None:
        d = self.d
        link = Linker(d, "index")
        featured = [
            (d.label(MC[name]), link.to(f"class/{name}"), len(members.get(MC[name], [])))
            for name in FEATURED_CLASSES
        ]
        documents = sorted(d.union.subjects(RDF.type, MC.SourceDocument), key=str)
        self.page(
            "index",
            "home.html",
            title="Manufacturing Clusters Knowledge Base",
            featured=featured,
            stats=stats,
            documents=[Value(d.label(x), link.href(x)) for x in documents],
        )
