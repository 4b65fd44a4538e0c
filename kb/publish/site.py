"""`publish()`: the whole static site from a built knowledge base, written to a temporary
folder beside the target and renamed into place, so a failed build leaves nothing behind."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from ..catalogue import export_rdf
from ..config import Config
from ..errors import KBError
from ..fileio import remove_stale, temporary_name
from ..namespaces import MC, bind_prefixes
from ..store import Store
from . import conneg, describe, dumps, ontology, queries, view_list
from .data import LICENCE, LICENCE_NAME, SiteData, local_name, page_path
from .pages import Linker, PageBuilder, Table, Value
from .partners import (
    ALTERNATES,
    HOW_PATH,
    SHAPES_PATH,
    WEIGHTS_PATH,
    PartnerLists,
    matching_store,
    timed,
)

FEATURED_CLASSES = ("Cluster", "ClusterOrganisation", "Region", "Project")


@dataclass
class PublishReport:
    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    match_lists: int = 0  # organisations given suggested partners and a match list
    partner_seconds: float = 0.0  # the time those took (matcher, pages, RDF files)


class SiteWriter:
    def __init__(
        self,
        d: SiteData,
        config: Config,
        out: Path,
        progress: bool,
        site_url: str | None,
        endpoint: str | None,
        partners: PartnerLists | None = None,
        issued: datetime.date | None = None,
    ):
        self.d = d
        self.partners = partners
        self.issued = issued or datetime.date.today()
        self.config = config
        self.out = out
        self.progress = progress
        self.site_url = site_url
        self.endpoint = endpoint or queries.DEFAULT_ENDPOINT
        self.builder = PageBuilder(d)
        self.prefixes = dict(config.prefixes)
        self.pages = 0

    def say(self, message: str) -> None:
        if self.progress:
            print(message, file=sys.stderr, flush=True)

    def write(self, path: str, text: str | bytes) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        if path.endswith(".html"):
            self.pages += 1

    def page(self, path: str, template: str = "page.html", **context) -> None:
        self.write(path + ".html", self.builder.render_template(template, path, **context))

    def rdf_files(self, path: str, graph: Graph, expanded: bool = False) -> None:
        """`path`.ttl, .nt and .jsonld (compacted with the prefixes, or `expanded`)."""
        # No prefixes bound here: Oxigraph's Turtle and the JSON-LD context take them as
        # arguments and N-Triples has none (binding them cost a third of each page's time).
        self.write(path + ".ttl", dumps.turtle(graph, self.prefixes))
        if expanded:  # large generated graphs (match lists): Oxigraph writes all three
            self.write(path + ".nt", dumps.by_oxigraph(graph, ox.RdfFormat.N_TRIPLES))
            self.write(path + ".jsonld", dumps.by_oxigraph(graph, ox.RdfFormat.JSON_LD))
            return
        self.write(path + ".nt", dumps.ntriples(graph))
        self.write(path + ".jsonld", dumps.jsonld(graph, self.prefixes))

    # --- resources ----------------------------------------------------------------------------

    def resources(self) -> None:
        d = self.d
        total = len(d.resources)
        seekers = self.partners.seekers() if self.partners else set()
        for i, iri in enumerate(d.resources, 1):
            if "#" in str(iri):  # ontology terms and hash IRIs live on their document's page
                continue
            path = page_path(str(iri), d.base)
            if path == "ontology":
                continue
            section = self.match_list(iri) if iri in seekers else None
            self.write(path + ".html", self.builder.render(iri, section))
            description = Graph()
            for triple in d.asserted.triples((iri, None, None)):
                description.add(triple)
            for node in [o for o in description.objects() if isinstance(o, BNode)]:
                add_blank_closure(d.asserted, node, description)  # an mc:sourceOrder list
            self.rdf_files(path, description)
            if i % 200 == 0:
                self.say(f"  pages {i}/{total}")

    def match_list(self, org: URIRef):
        """The organisation's match list (`kb match --for ORG`) as a resource in four formats,
        and the "Suggested partners" section of its page."""
        lists, d = self.partners, self.d
        assert lists is not None
        with timed(lists):
            result = lists.match(org)
            iri = lists.list_iri(org)
            path = page_path(iri, d.base)
            self.rdf_files(path, lists.graph(result, org), expanded=True)
            link = Linker(d, path)
            section = lists.section(result, org, Linker(d, page_path(str(org), d.base)))
            self.page(
                path,
                "match_list.html",
                title=lists.title(org),
                iri=iri,
                seeker=Value(d.label(org), link.href(org)),
                entries=lists.entries(result, org, link),
                alternates=[(fmt, link.raw(path + ext), media) for fmt, ext, media in ALTERNATES],
                how_href=link.to(HOW_PATH),
                command=section.command,
                limit=lists.limit,
            )
            top = result.suggestions[0].candidate if result.suggestions else None
            lists.lists.append((org, path, len(result.suggestions), top))
        return section

    def partners_page(self) -> None:
        """How the suggested partners are computed: the signals with their weights, the
        matcher's weights and shapes files, and every organisation's match list."""
        lists, d = self.partners, self.d
        assert lists is not None
        with timed(lists):
            folder = self.config.queries_dir / "match"
            self.write(WEIGHTS_PATH, (folder / "weights.toml").read_bytes())
            self.write(SHAPES_PATH, (folder / "match-list.shapes.ttl").read_bytes())
            link = Linker(d, HOW_PATH)
            signals = [
                [Value(name), Value(signal), Value(what), Value(weight)]
                for signal, name, what, weight in lists.how_rows()
            ]
            rows = [
                [
                    Value(d.label(org), link.href(org)),
                    Value("match list", link.to(path)),
                    Value(str(count)),
                    Value(d.label(top), link.href(top)) if top is not None else Value(""),
                ]
                for org, path, count, top in sorted(
                    lists.lists, key=lambda x: (d.label(x[0]).lower(), str(x[0]))
                )
            ]
            self.page(
                HOW_PATH,
                "partners.html",
                title="Suggested partners: how they are computed",
                limit=lists.limit,
                weights=WEIGHTS_PATH,
                shapes=SHAPES_PATH,
                tables=[
                    Table(
                        "Signals", ["signal", "mc:matchSignal", "value (0 to 1)", "weight"], signals
                    ),
                    Table(
                        f"Match lists ({len(rows)})",
                        ["organisation", "match list", "suggestions", "first suggestion"],
                        rows,
                    ),
                ],
            )

    def ontology_page(self) -> None:
        d = self.d
        ont_iri = URIRef(d.base + "ontology")
        ns = str(MC)
        graph = Graph()
        for s, p, o in d.asserted:
            if s == ont_iri or (isinstance(s, URIRef) and str(s).startswith(ns)):
                graph.add((s, p, o))
        bind_prefixes(graph, self.prefixes)
        self.rdf_files("ontology", graph)
        html = ontology.pylode_html(graph)
        footer = self.builder.env.get_template("footer.html").render(
            link=Linker(d, "ontology"), licence=str(LICENCE), licence_name=LICENCE_NAME
        )
        if html is None:
            self.say("  pyLODE not available: the ontology page lists the terms instead")
            terms = sorted({s for s in graph.subjects() if str(s).startswith(ns)}, key=str)
            html = self.builder.render_template(
                "ontology.html",
                "ontology",
                title=d.label(ont_iri),
                terms=[
                    (local_name(t), d.label(t), str(d.union.value(t, SKOS.definition) or ""))
                    for t in terms
                ],
            )
        else:
            d.anchors.update(ontology.anchors(html, ns))
            html = ontology.add_footer(html, footer)
        self.write("ontology.html", html)

    # --- indexes ----------------------------------------------------------------------------

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
                key=lambda s: d.label(s).lower(),
            )
            members[cls] = found
            path = f"class/{local_name(cls)}"
            link = Linker(d, path)
            self.page(
                path,
                title=f"{d.label(cls)[:1].upper()}{d.label(cls)[1:]} ({len(found)})",
                intro=str(d.union.value(cls, SKOS.definition) or ""),
                items=[Value(d.label(s), link.href(s)) for s in found],
            )
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
        for path, title, intro, render in view_list.VIEWS:
            self.page(path, title=title, intro=intro, body=render(d, Linker(d, path)))
        link = Linker(d, "views/index")
        self.page(
            "views/index",
            title="Views",
            intro="Pictures generated from the data.",
            items=[Value(title, link.to(path)) for path, title, _i, _r in view_list.VIEWS],
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

    def query_page(self) -> None:
        """The stored-query catalogue as RDF at its own and a well-known path, and the
        page that lists and runs every query."""
        stored = queries.catalogue(self.config)
        graph = bind_prefixes(export_rdf(stored, self.config), self.prefixes)
        self.rdf_files(queries.CATALOGUE_PATH, graph)
        self.write(queries.WELL_KNOWN, graph.serialize(format="turtle", encoding="utf-8"))
        shown = queries.shown(stored, self.config)
        for q, query in zip(shown, stored.values(), strict=True):
            self.stored_query_page(q, query, graph)
        self.page(
            "query",
            "query.html",
            title="Query the knowledge base",
            endpoint=self.endpoint,
            prefixes=self.prefixes,
            queries=shown,
            catalogue=queries.CATALOGUE_PATH,
            well_known=queries.WELL_KNOWN,
        )

    def stored_query_page(self, q: queries.ShownQuery, query, graph: Graph) -> None:
        """The page the stored query's IRI resolves to, its description as RDF and its
        expected answer, copied as stored."""
        path = page_path(q.iri, self.d.base)
        self.rdf_files(path, queries.description(graph, q.iri))
        if q.expected:
            self.write(q.expected, query.expected_path().read_bytes())
        link = Linker(self.d, path)
        alternates = [
            (fmt, link.raw(path + suffix), media)
            for fmt, suffix, media in (
                ("Turtle", ".ttl", "text/turtle"),
                ("JSON-LD", ".jsonld", "application/ld+json"),
                ("N-Triples", ".nt", "application/n-triples"),
            )
        ]
        self.page(path, "stored_query.html", title=q.title, q=q, alternates=alternates)

    # --- machine-readable description -------------------------------------------------------------

    def downloads(self, void: Graph) -> None:
        self.say("dumps ...")
        dumps.write_dumps(self.d, void, self.prefixes, self.out)
        sums = dumps.write_checksums(self.out)
        issued = self.issued.isoformat()
        dcat = describe.dcat_graph(self.d, sums, issued)
        self.write("catalog.ttl", dcat.serialize(format="turtle", encoding="utf-8"))
        self.write(".well-known/void", void.serialize(format="turtle", encoding="utf-8"))
        self.write("void.ttl", void.serialize(format="turtle", encoding="utf-8"))
        rows = [
            [
                Value(x.title, Linker(self.d, "dataset").raw("dumps/" + x.name)),
                Value(x.media_type),
                Value(f"{(self.out / 'dumps' / x.name).stat().st_size:,}"),
                Value(sums[x.name]),
            ]
            for x in dumps.DUMPS
        ]
        self.page(
            "dataset",
            "dataset.html",
            title="Downloads and dataset description",
            tables=[Table("Dumps", ["dump", "media type", "bytes", "SHA-256"], rows)],
        )
        self.write(".htaccess", conneg.htaccess())
        self.write("conneg/nginx.conf", conneg.nginx())
        self.write(
            "conneg/w3id.htaccess",
            conneg.w3id(self.site_url or "https://mfg-clusters.example.org/"),
        )

    def static(self) -> None:
        folder = resources.files("kb") / "static"
        for item in folder.iterdir():
            if item.is_file():
                self.write(f"static/{item.name}", item.read_bytes())


SITE_MARKER = ".kb-site"


def check_replaceable(out: Path) -> None:
    """A publish replaces its folder whole, so it only replaces a folder it made before."""
    if out.is_file():
        raise KBError(f"{out}: is a file; --out must name a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / SITE_MARKER).is_file():
        raise KBError(
            f"{out}: refusing to replace a folder that kb publish did not write (no {SITE_MARKER}"
            " marker); choose a new or empty folder"
        )


def publish(
    store: Store,
    config: Config,
    out: Path,
    *,
    inferred_graph_iri: str | None = None,
    site_url: str | None = None,
    endpoint: str | None = None,
    progress: bool = True,
    suggested_partners: int | None = None,
    match_store: Store | None = None,
) -> PublishReport:
    """The site of the knowledge base in `store`, written to `out`. `suggested_partners`:
    at most this many per organisation page (default: the configuration's
    `suggested_partners`; 0 for none); `match_store`: the store the matchmaker reads (the same
    knowledge base; by default `store`, or an Oxigraph copy of it when it is rdflib's)."""
    start = time.perf_counter()
    out = out.resolve()
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    old = out.with_name(f".{out.name}.old")
    if not out.exists() and old.is_dir():  # a run killed between its two renames
        old.rename(out)
    remove_stale(out.parent, out.name)  # the folders of runs that were killed
    tmp = Path(tempfile.mkdtemp(prefix=temporary_name(out), suffix=".tmp", dir=out.parent))
    try:
        d = SiteData(store, config.base_iri, inferred_graph_iri)
        issued = datetime.date.today()
        limit = config.suggested_partners if suggested_partners is None else suggested_partners
        lists = None
        matchmaker = config.queries_dir / "match" / "weights.toml"
        if limit > 0 and not matchmaker.is_file():
            if suggested_partners:  # asked for by name: say why it cannot be done
                raise KBError(f"{matchmaker}: not found; suggested partners need the matchmaker")
            limit = 0  # a project without the matchmaker's queries publishes no suggestions
        if limit > 0:
            started = time.perf_counter()
            source = match_store if match_store is not None else matching_store(store)[0]
            created = datetime.datetime.combine(issued, datetime.time(), datetime.UTC)
            lists = PartnerLists(d, config, source, limit, created)
            lists.seconds += time.perf_counter() - started
        writer = SiteWriter(d, config, tmp, progress, site_url, endpoint, lists, issued)
        writer.say(f"publishing {len(d.resources)} resources to {out}")
        writer.static()
        writer.ontology_page()  # first: the pages link to its anchors
        writer.say("resource pages ...")
        writer.resources()
        if lists is not None:
            writer.partners_page()
            writer.say(
                f"  suggested partners for {len(lists.lists)} organisations: {lists.seconds:.1f} s"
            )
        members = writer.class_pages()
        writer.code_index()
        writer.views()
        void = describe.void_graph(d, config.prefixes, site_url)
        writer.downloads(void)
        writer.home(members, describe.statistics(d))
        writer.query_page()
        (tmp / SITE_MARKER).write_text("Written by kb publish; replaced whole by the next run.\n")
        os.chmod(tmp, 0o755)
        # SIGINT waits for the two renames; a kill between them is undone by the next run
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            if out.exists():
                shutil.rmtree(old, ignore_errors=True)
                out.rename(old)
                tmp.rename(out)
            else:
                tmp.rename(out)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = [p for p in out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    seconds = time.perf_counter() - start
    return PublishReport(
        out,
        writer.pages,
        len(files),
        size,
        seconds,
        len(lists.lists) if lists is not None else 0,
        lists.seconds if lists is not None else 0.0,
    )


def add_blank_closure(g: Graph, node: BNode, out: Graph) -> None:
    """Adds what `g` says about the blank node `node` and the blank nodes it reaches (an
    rdf:List's cells), so a resource's description does not end in a dangling blank node."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for s, p, o in g.triples((current, None, None)):
            out.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
