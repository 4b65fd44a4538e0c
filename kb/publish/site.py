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
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kb.core.config import Config
from kb.core.errors import KBError
from kb.core.fileio import remove_stale, temporary_name
from kb.core.namespaces import MC, bind_prefixes
from kb.publish import changes, conneg, describe, dumps, ontology, queries, search_index
from kb.publish.data import (
    ALTERNATES,
    LICENCE,
    LICENCE_NAME,
    SiteData,
    local_name,
    page_path,
    resource_description,
)
from kb.publish.indexes import IndexPages
from kb.publish.pages import Linker, PageBuilder, Table, Value
from kb.publish.partner_pages import PartnerPages
from kb.publish.partners import PartnerLists, matching_store
from kb.sparql.catalogue import export_rdf
from kb.store import Store


@dataclass
class PublishReport:
    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    match_lists: int = 0  # organisations given suggested partners and a match list
    partner_seconds: float = 0.0  # the time those took (matcher, pages, RDF files)


class SiteWriter(PartnerPages, IndexPages):
    """Writes the site's files into `out`; the partner pages and the index pages (classes,
    code lists, views, home) are in kb.publish.partner_pages and kb.publish.indexes."""

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
        self.previous_dump: Path | None = None  # the replaced site's dumps/kb.nq (changes)
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
        """`path`.ttl, .nt, .jsonld (compacted with the prefixes, or `expanded`) and .rdf
        (RDF/XML, by Oxigraph: triples sorted, blank nodes labelled as in the other files)."""
        # No prefixes bound here: Oxigraph's Turtle and the JSON-LD context take them as
        # arguments and N-Triples has none (binding them cost a third of each page's time).
        self.write(path + ".ttl", dumps.turtle(graph, self.prefixes))
        self.write(path + ".rdf", dumps.rdf_xml(graph, self.prefixes))
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
            self.rdf_files(
                path, resource_description(d.asserted, iri)
            )  # with its mc:sourceOrder lists
            if i % 200 == 0:
                self.say(f"  pages {i}/{total}")

    def ontology_page(self) -> None:
        d = self.d
        ont_iri = URIRef(d.base + "ontology")
        ns = str(MC)
        graph = Graph()
        # in sorted order: pyLODE numbers its anchors in the order it meets the terms
        for s, p, o in sorted(d.asserted, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())):
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
        alternates = [(fmt, link.raw(path + suffix), media) for fmt, suffix, media in ALTERNATES]
        self.page(path, "stored_query.html", title=q.title, q=q, alternates=alternates)

    def search_page(self) -> None:
        """search/index.html and the client-side index its script reads (search/index.json,
        bounded: kb.publish.search_index)."""
        index = search_index.client_index(self.d)
        self.write(search_index.INDEX_PATH, index.body)
        bounds = {
            "entries": search_index.MAX_ENTRIES,
            "bytes": search_index.MAX_BYTES,
            "description": search_index.DESCRIPTION_CHARS,
        }
        self.page("search/index", "search_static.html", title="Search", index=index, bounds=bounds)

    # --- machine-readable description -------------------------------------------------------------

    def change_tables(self, changed: changes.Changes) -> list[Table]:
        """What this release changed since the site it replaces (dumps/changes.json whole)."""
        link = Linker(self.d, "dataset")
        if changed.previous is None:
            note = "a first release: no previous dump to compare with"
            return [
                Table(
                    "Changes since the previous release",
                    ["change", "resources"],
                    [[Value(note), Value("")]],
                )
            ]
        rows = [
            [Value(kind), Value(f"{len(getattr(changed, kind)):,}")]
            for kind in ("added", "removed", "changed")
        ]
        tables = [Table("Changes since the previous release", ["change", "resources"], rows)]
        if changed.classes:
            class_rows = [
                [
                    Value(self.d.label(URIRef(c)), link.href(URIRef(c))),
                    Value(f"{b:,}"),
                    Value(f"{a:,}"),
                ]
                for c, (b, a) in changed.classes.items()
            ]
            tables.append(Table("Resources per class", ["class", "before", "after"], class_rows))
        listed = [
            [Value(kind), Value(self.d.label(URIRef(iri)), link.href(URIRef(iri)))]
            for kind in ("added", "changed")
            for iri in getattr(changed, kind)[: changes.LISTED]
        ] + [[Value("removed"), Value(iri)] for iri in changed.removed[: changes.LISTED]]
        if listed:
            tables.append(
                Table(
                    "Resources changed (dumps/changes.json lists them all up to "
                    f"{changes.LISTED} per kind)",
                    ["change", "resource"],
                    listed,
                )
            )
        return tables

    def downloads(self, void: Graph) -> None:
        self.say("dumps ...")
        dumps.write_dumps(self.d, void, self.prefixes, self.out)
        sums = dumps.write_checksums(self.out)
        changed = changes.compare(
            self.previous_dump,
            self.out / "dumps" / "kb.nq",
            self.d.base,
            {self.d.inferred_graph_iri, self.d.base + dumps.DESCRIPTION_GRAPH},
        )
        self.write("dumps/changes.json", changed.as_json().encode("utf-8"))
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
            tables=[
                Table("Dumps", ["dump", "media type", "bytes", "SHA-256"], rows),
                *self.change_tables(changed),
            ],
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


def partner_lists(
    d: SiteData,
    config: Config,
    store: Store,
    suggested_partners: int | None,
    match_store: Store | None,
    issued: datetime.date,
) -> PartnerLists | None:
    """The matchmaker for the organisation pages, or None when no suggestions are wanted or
    the project has no matchmaker's queries (an error when they were asked for by name)."""
    limit = config.suggested_partners if suggested_partners is None else suggested_partners
    matchmaker = config.queries_dir / "match" / "weights.toml"
    if limit > 0 and not matchmaker.is_file():
        if suggested_partners:  # asked for by name: say why it cannot be done
            raise KBError(f"{matchmaker}: not found; suggested partners need the matchmaker")
        return None  # a project without the matchmaker's queries publishes no suggestions
    if limit <= 0:
        return None
    started = time.perf_counter()
    source = match_store if match_store is not None else matching_store(store)[0]
    created = datetime.datetime.combine(issued, datetime.time(), datetime.UTC)
    lists = PartnerLists(d, config, source, limit, created)
    lists.seconds += time.perf_counter() - started
    return lists


def release_date() -> datetime.date:
    """The release's date (dct:issued, dct:modified): SOURCE_DATE_EPOCH when set, as the
    reproducible-builds convention says, so a release can be made again byte for byte;
    today otherwise."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        except (ValueError, OverflowError):
            raise KBError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
            ) from None
    return datetime.date.today()


def swap_into_place(tmp: Path, out: Path, old: Path) -> None:
    """`tmp` becomes `out` (the previous site moved to `old` first). SIGINT waits for the
    two renames; a kill between them is undone by the next run."""
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
        issued = release_date()
        lists = partner_lists(d, config, store, suggested_partners, match_store, issued)
        writer = SiteWriter(d, config, tmp, progress, site_url, endpoint, lists, issued)
        if (out / SITE_MARKER).is_file():
            writer.previous_dump = out / "dumps" / "kb.nq"
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
        writer.search_page()
        (tmp / SITE_MARKER).write_text("Written by kb publish; replaced whole by the next run.\n")
        os.chmod(tmp, 0o755)
        swap_into_place(tmp, out, old)
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
