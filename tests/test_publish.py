"""The published site: every minted IRI has a page, no internal link is broken, the dumps
reload to the knowledge base, the VoID statistics match it and the DCAT-AP record conforms.

The knowledge base is built once and published once for the whole module (and reused by
tests/test_browser.py); every assertion compares the site with that same store.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import socket
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from kb.build.pipeline import build
from kb.core.config import load_config
from kb.core.errors import KBError, ParameterError
from kb.publish.data import LICENCE, page_path
from kb.publish.describe import dataset_iri
from kb.publish.dumps import sha256
from kb.publish.pages import render_resource
from kb.publish.site import publish
from kb.store import to_ox

SHAPES = Path(__file__).parent / "dcat-ap" / "dcat-ap-SHACL.ttl"
_SITE: dict = {}


def published_site(tmp_path_factory) -> tuple:
    """(result, site folder, publish report), built once per test session."""
    if not _SITE:
        config = load_config()
        result = build(config, validate_data=False, run_integrity_checks=False)
        out = tmp_path_factory.mktemp("site") / "site"
        report = publish(
            result.store,
            config,
            out,
            inferred_graph_iri=result.inferred_graph_iri,
            progress=False,
        )
        _SITE.update(result=result, out=out, report=report)
    return _SITE["result"], _SITE["out"], _SITE["report"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return published_site(tmp_path_factory)


def asserted_graph(result) -> Graph:
    g = Graph()
    for name in result.store.graph_names():
        if name != result.inferred_graph_iri:
            for triple in result.store.triples(name):
                g.add(triple)
    return g


def rdf11(graph: Graph) -> Graph:
    """The graph with "x"^^xsd:string written as "x": the same RDF 1.1 term, which rdflib
    keeps apart."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def canonical(graph: Graph) -> set[str]:
    ds = ox.Dataset(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in graph)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in ds}


def same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphism: set equality when neither graph has a blank node, else equality of the
    canonical forms (Oxigraph's canonicalisation; rdflib.compare takes minutes on the
    ontology's blank nodes)."""
    a, b = rdf11(a), rdf11(b)
    if not any(isinstance(t, BNode) for g in (a, b) for triple in g for t in triple):
        return set(a) == set(b)
    return len(a) == len(b) and canonical(a) == canonical(b)


def test_every_minted_iri_resolves_to_a_page(site):
    result, out, _ = site
    base = result.config.base_iri
    rows = result.store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o . "
        "FILTER(isIRI(?s) && (STRSTARTS(STR(?s), ?id) || STRSTARTS(STR(?s), ?code))) }",
        {"id": Literal(base + "id/"), "code": Literal(base + "code/")},
    ).rows
    assert len(rows) > 50, "the knowledge base should mint many IRIs"
    # The stored-query catalogue mints an IRI per query and per parameter (a hash IRI).
    catalogue = Graph().parse(out / "queries" / "catalogue.ttl", format="turtle")
    queries = {s for s in catalogue.subjects() if str(s).startswith(base + "id/query/")}
    assert any("#" in str(q) for q in queries) and any("#" not in str(q) for q in queries)
    missing = []
    for iri in [r[0] for r in rows] + sorted(queries):
        path = page_path(str(iri), base)
        for suffix in (".html", ".ttl", ".jsonld", ".nt", ".rdf"):
            if not (out / (path + suffix)).is_file():
                missing.append(path + suffix)
        if "#" in str(iri) and (out / (path + ".html")).is_file():
            page = _Links()
            page.feed((out / (path + ".html")).read_text(encoding="utf-8"))
            if str(iri).split("#", 1)[1] not in page.ids:
                missing.append(str(iri) + " (no such anchor)")
    assert not missing, f"{len(missing)} missing, e.g. {missing[:5]}"


def test_a_stored_query_page_shows_the_query_and_links_to_run_it(site):
    from kb.sparql.catalogue import load_catalogue

    result, out, _ = site
    base = result.config.base_iri
    catalogue = Graph().parse(out / "queries" / "catalogue.ttl", format="turtle")
    for name, q in load_catalogue(result.config.queries_dir).items():
        iri = URIRef(base + "id/query/" + name)
        path = out / (page_path(str(iri), base) + ".html")
        page = path.read_text(encoding="utf-8")
        text = html.unescape(page)
        assert f"<h1>{q.title}</h1>" in text, name
        assert q.question in text and q.user in text, name
        assert [ln for ln in q.text.splitlines() if ln.strip()][-1] in text, name
        assert f'href="../../query.html#{name}"' in page, name
        for p in q.parameters:
            assert f'<tr id="{p.name}">' in page, (name, p.name)
        if q.expected_path().is_file():
            href = f"../../queries/expected/{q.expected_path().name}"
            assert f'href="{href}"' in page, name
            assert (path.parent / href).read_bytes() == q.expected_path().read_bytes()
        else:
            assert "none stored" in page, name
        # Its description is the catalogue's statements about it and its parameters.
        own = Graph().parse(path.with_suffix(".ttl"), format="turtle")
        assert set(own) == {
            t for t in catalogue if t[0] == iri or str(t[0]).startswith(str(iri) + "#")
        }, name


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.licence = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if a.get("rel") == "license" and a.get("href") == str(LICENCE):
            self.licence = True


def test_no_broken_internal_link_and_a_licence_on_every_page(site):
    _, out, _ = site
    pages = {p: _Links() for p in out.rglob("*.html")}
    for path, parser in pages.items():
        parser.feed(path.read_text(encoding="utf-8"))
    assert len(pages) > 100
    broken, unlicensed = [], []
    for path, parser in pages.items():
        if not parser.licence:
            unlicensed.append(path)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path.relative_to(out)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                if parts.fragment not in pages[target].ids:
                    broken.append(f"{path.relative_to(out)} -> {href} (no such anchor)")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:8]}"
    assert not unlicensed, f"pages without the licence: {unlicensed[:5]}"


def test_dumps_reload_isomorphic_to_the_knowledge_base(site):
    result, out, _ = site
    description = Graph().parse(out / ".well-known" / "void", format="turtle")
    expected = asserted_graph(result) + description
    dumps = out / "dumps"
    turtle = Graph().parse(dumps / "kb.ttl", format="turtle")
    assert same_graph(turtle, expected)
    with gzip.open(dumps / "kb.nt.gz", "rb") as stream:
        ntriples = Graph().parse(data=stream.read(), format="nt")
    assert same_graph(ntriples, expected)
    quads = Dataset()
    quads.parse(dumps / "kb.nq", format="nquads")
    for name in result.store.graph_names():
        assert same_graph(quads.graph(URIRef(name)), result.store.graph(name)), name
    # The second parser agrees on the number of statements.
    assert len(list(ox.parse(path=str(dumps / "kb.ttl"), format=ox.RdfFormat.TURTLE))) == len(
        expected
    )
    with gzip.open(dumps / "kb.nt.gz", "rb") as stream:
        assert len(list(ox.parse(stream.read(), format=ox.RdfFormat.N_TRIPLES))) == len(expected)
    assert len(list(ox.parse(path=str(dumps / "kb.nq"), format=ox.RdfFormat.N_QUADS))) == len(
        result.store
    ) + len(description)


def test_jsonld_parses_without_network(site, monkeypatch):
    result, out, _ = site

    def no_network(*args, **kwargs):
        raise AssertionError("the JSON-LD tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    text = (out / "dumps" / "kb.jsonld").read_text(encoding="utf-8")
    assert isinstance(json.loads(text)["@context"], dict), "the context must be inline"
    graph = Graph().parse(data=text, format="json-ld")
    expected = asserted_graph(result) + Graph().parse(out / ".well-known" / "void", format="turtle")
    assert same_graph(graph, expected)
    afil = out / "id" / "organisation" / "afil.jsonld"
    if afil.is_file():
        assert len(Graph().parse(afil, format="json-ld")) > 0


def count(result, text: str) -> int:
    return int(result.store.query(text, {"inferred": URIRef(result.inferred_graph_iri)}).rows[0][0])


def test_void_statistics_match_the_knowledge_base(site):
    result, out, _ = site
    void = Graph().parse(out / ".well-known" / "void", format="turtle")
    ds = dataset_iri(result.config.base_iri)

    def stated(prop) -> int:
        return int(void.value(ds, prop))

    asserted = "GRAPH ?g { ?s ?p ?o } FILTER(?g != ?inferred)"
    distinct = {
        t
        for name in result.store.graph_names()
        if name != result.inferred_graph_iri
        for t in result.store.triples(name)
    }
    assert stated(VOID.triples) == len(distinct)
    assert stated(VOID.properties) == count(
        result, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {asserted} }}"
    )
    assert stated(VOID.distinctSubjects) == count(
        result, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {asserted} }}"
    )
    assert stated(VOID.classes) == count(
        result,
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
        "FILTER(?g != ?inferred && isIRI(?c)) }",
    )
    base = result.config.base_iri
    assert stated(VOID.entities) == count(
        result,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g != ?inferred && isIRI(?s) && STRSTARTS(STR(?s), '{base}')) }}",
    )
    for part in void.objects(ds, VOID.classPartition):
        cls = void.value(part, VOID["class"])
        n = int(void.value(part, VOID.entities))
        assert n == len(set(asserted_graph(result).subjects(RDF.type, cls))), cls
        break  # one partition checked in full is enough; the rest use the same code
    assert void.value(ds, DCTERMS.license) == LICENCE
    assert set(void.objects(ds, VOID.dataDump)) == {
        URIRef(base + "dumps/" + n) for n in ("kb.ttl", "kb.nt.gz", "kb.nq", "kb.jsonld")
    }
    assert void.value(ds, VOID.sparqlEndpoint) is not None
    assert Literal(base + "id/") in set(void.objects(ds, VOID.uriSpace))
    assert URIRef("http://www.w3.org/2004/02/skos/core#") in set(void.objects(ds, VOID.vocabulary))


def test_dcat_ap_record_conforms_and_checksums_match(site):
    _, out, _ = site
    record = Graph().parse(out / "catalog.ttl", format="turtle")
    conforms, _report, text = validate(record, shacl_graph=Graph().parse(SHAPES, format="turtle"))
    assert conforms, text
    lines = (out / "dumps" / "SHA256SUMS").read_text().splitlines()
    sums = {name: digest for digest, name in (line.split("  ") for line in lines)}
    for name, digest in sums.items():
        assert sha256(out / "dumps" / name) == digest
        assert (
            None,
            None,
            Literal(digest, datatype=URIRef("http://www.w3.org/2001/XMLSchema#hexBinary")),
        ) in record
    assert (None, DCTERMS.license, LICENCE) in record


def test_pages_read_like_profiles(site):
    result, out, _ = site
    base = result.config.base_iri
    rows = result.store.query(
        "PREFIX mc: <https://w3id.org/mfg-clusters/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?org ?project WHERE { ?part mc:participant ?org ; mc:inProject ?project . "
        "?org skos:prefLabel ?name }"
    ).rows
    if not rows:
        pytest.skip("no participations in the data yet")
    # AFIL, the organisation of two seeds, when it is there; else any participant
    org, project = sorted(rows, key=lambda r: (not str(r[0]).endswith("/afil"), str(r)))[0]
    html = (out / (page_path(str(org), base) + ".html")).read_text(encoding="utf-8")
    assert "H2020 metrics: computed here and stated by the sources" in html
    assert page_path(str(project), base).rsplit("/", 1)[-1] + ".html" in html
    # Every fact row carries a link to its source section.
    assert 'class="src" href="' in html and "source/" in html
    project_html = (out / (page_path(str(project), base) + ".html")).read_text(encoding="utf-8")
    assert "<h2>Partners</h2>" in project_html


def test_views_conneg_and_ontology(site):
    result, out, report = site
    heat = (out / "views" / "heatmap.html").read_text(encoding="utf-8")
    cells = result.store.query(
        "PREFIX mc: <https://w3id.org/mfg-clusters/ontology#> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?c mc:mappedDomain ?d }"
    ).rows[0][0]
    assert heat.count("class='cell covered") >= min(int(cells), 1)
    assert "<svg" in (out / "views" / "network.html").read_text(encoding="utf-8")
    assert "RewriteCond %{HTTP_ACCEPT} text/turtle" in (out / ".htaccess").read_text()
    nginx = (out / "conneg" / "nginx.conf").read_text()
    assert "map $http_accept $kb_accept_suffix" in nginx and "map $arg_format $kb_suffix" in nginx
    assert "RewriteCond %{QUERY_STRING} (?:^|&)format=ttl(?:&|$)" in (out / ".htaccess").read_text()
    assert "R=303" in (out / "conneg" / "w3id.htaccess").read_text()
    ontology = (out / "ontology.html").read_text(encoding="utf-8")
    assert "ClusterOrganisation" in ontology
    assert report.pages > 100 and report.bytes > 0


@pytest.mark.parametrize(
    "path",
    [
        "id/organisation/afil",
        "id/source/4m4iof-concept-note/annex-1",  # an mc:sourceOrder list: blank nodes
        "ontology",
        "id/match-list/organisation/afil",
        "id/query/class-counts",
    ],
)
def test_rdf_xml_beside_the_other_formats(site, path):
    """Each page's description is also RDF/XML: the Turtle's triples, its blank nodes labelled
    as in the N-Triples file (no fresh random labels), listed among the page's alternates
    (the ontology page is pyLODE's) and offered by the hosting rules."""
    _result, out, _ = site
    xml = (out / (path + ".rdf")).read_bytes()
    assert xml.startswith(b"<?xml")
    assert same_graph(Graph().parse(data=xml, format="xml"), Graph().parse(out / (path + ".ttl")))
    labels = set(re.findall(rb'rdf:nodeID="([^"]+)"', xml))
    assert labels == set(re.findall(rb"_:([A-Za-z0-9]+)", (out / (path + ".nt")).read_bytes()))
    if path.startswith("id/source/"):
        assert labels
    if path != "ontology":
        name = path.rsplit("/", 1)[1]
        page = (out / (path + ".html")).read_text(encoding="utf-8")
        assert f'type="application/rdf+xml" href="{name}.rdf"' in page
    htaccess = (out / ".htaccess").read_text()
    assert "AddType application/rdf+xml .rdf" in htaccess
    assert "RewriteCond %{QUERY_STRING} (?:^|&)format=rdf(?:&|$)" in htaccess
    assert "RewriteCond %{HTTP_ACCEPT} application/rdf\\+xml" in htaccess
    nginx = (out / "conneg" / "nginx.conf").read_text()
    assert "~application/rdf\\+xml  .rdf;" in nginx and "rdf      .rdf;" in nginx
    assert "application/rdf+xml   rdf;" in nginx
    w3id = (out / "conneg" / "w3id.htaccess").read_text()
    assert "$1.rdf [R=303,L]" in w3id


def test_render_resource_for_the_live_server(site):
    result, _, _ = site
    base = result.config.base_iri
    iri = base + "id/source/eccp-afil-profile"
    html = render_resource(result.store, iri, base_iri=base, link_suffix="")
    assert "<h1>ECCP profile of AFIL</h1>" in html
    assert 'href="../../static/style.css"' in html  # relative links work at the IRI path
    with pytest.raises(ParameterError):
        render_resource(result.store, base + "id/organisation/no-such-thing", base_iri=base)


def test_publish_replaces_the_site_atomically(site, tmp_path):
    result, _, _ = site
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")

    def run() -> None:
        publish(
            result.store,
            result.config,
            out,
            inferred_graph_iri=result.inferred_graph_iri,
            progress=False,
        )

    # A folder kb publish did not write is never replaced.
    with pytest.raises(KBError, match="refusing to replace"):
        run()
    assert (out / "notes.txt").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no temporary folder left behind"
    # A site it wrote before is replaced whole.
    (out / "notes.txt").unlink()
    run()
    (out / "stale.html").write_text("old")
    run()
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no temporary folder left behind"


def test_the_query_page_lists_and_the_rdf_describes_every_stored_query(site):
    from kb.publish.queries import DEFAULT_ENDPOINT
    from kb.sparql.catalogue import load_catalogue

    result, out, _ = site
    stored = load_catalogue(result.config.queries_dir)
    assert stored
    page = (out / "query.html").read_text(encoding="utf-8")
    assert f'value="{DEFAULT_ENDPOINT}"' in page
    assert 'href="queries/catalogue.rdf" type="application/rdf+xml"' in page
    for name, q in stored.items():
        section = page.split(f'<section class="query stored" id="{name}"', 1)[1]
        section = section.split("</section>", 1)[0]
        text = html.unescape(section)
        assert q.title in text and q.question in text and q.user in text, name
        for p in q.parameters:
            assert f'name="{p.name}" class="param"' in section, (name, p.name)
        # the SPARQL text itself, after the '#+' header
        last = [ln for ln in q.text.splitlines() if ln.strip()][-1]
        assert last in text, name
    sh = "http://www.w3.org/ns/shacl#"
    for path, fmt in (
        ("queries/catalogue.ttl", "turtle"),
        ("queries/catalogue.jsonld", "json-ld"),
        ("queries/catalogue.rdf", "xml"),
        ("queries/catalogue.nt", "nt"),
        (".well-known/sparql-examples", "turtle"),
    ):
        g = Graph().parse(out / path, format=fmt)
        executables = set(g.subjects(RDF.type, URIRef(sh + "SPARQLExecutable")))
        expected = {URIRef(result.config.base_iri + "id/query/" + n) for n in stored}
        assert executables == expected, path
        for node in executables:
            text = g.value(node, URIRef(sh + "select")) or g.value(node, URIRef(sh + "construct"))
            assert text is not None, node
    ds = dataset_iri(result.config.base_iri)
    catalogue = URIRef(result.config.base_iri + "queries/catalogue.ttl")
    for path in (".well-known/void", "catalog.ttl"):
        assert (ds, DCTERMS.relation, catalogue) in Graph().parse(out / path, format="turtle")


def test_void_lists_every_source_document_with_its_licence(site):
    """The dataset is CC BY 4.0; reference data keeps its own licence, and VoID says so."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, PROV

    _result, out, _ = site
    void = Graph().parse(out / ".well-known" / "void", format="turtle")
    sources = set(void.objects(None, PROV.wasDerivedFrom))
    iso = URIRef("https://w3id.org/mfg-clusters/id/source/iso3166-countries")
    assert iso in sources
    assert void.value(iso, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by-sa/4.0/"
    )
    assert URIRef("https://w3id.org/mfg-clusters/id/source/4m4iof-concept-note") in sources


def test_the_region_map_has_a_linked_marker_for_every_place_with_clusters_or_figures(site):
    """Every region holding organisations or figures is on the map (a marker linking to its
    page) or named under it as not placed; the bar chart is kept beside it."""
    result, out, _ = site
    base = result.config.base_iri
    mc = "https://w3id.org/mfg-clusters/ontology#"
    asserted, union = asserted_graph(result), result.store.graph(None)
    regions = set(union.subjects(RDF.type, URIRef(mc + "Region")))
    located = {r for o, r in asserted.subject_objects(URIRef(mc + "locatedIn")) if o not in regions}
    with_figures = set(union.objects(None, URIRef(mc + "figureOf")))
    places = {str(r) for r in (located | with_figures) & regions}
    assert len(places) > 10
    page = (out / "views" / "regions.html").read_text(encoding="utf-8")
    svg = page.split("<svg class='region-map'", 1)[1].split("</svg>", 1)[0]
    unplaced = (
        page.split("<p class='unplaced'>", 1)[1].split("</p>", 1)[0] if "unplaced" in page else ""
    )
    markers = dict(
        (m.group(2), m.group(1))
        for m in re.finditer(r"<a class='marker [a-z]+' href='([^']+)' data-iri='([^']+)'", svg)
    )
    missing = []
    for iri in places:
        href = "../" + page_path(iri, base) + ".html"
        if iri in markers:
            assert markers[iri] == href, iri
            assert (out / "views" / href).resolve().is_file(), href
        elif f"href='{href}'" not in unplaced:
            missing.append(iri)
    assert not missing, f"neither on the map nor listed as not placed: {missing}"
    # most places are on the map; a marker is a circle with a label
    assert len(markers) >= len(places) - 2
    assert svg.count("<circle ") == len(markers) and svg.count("<text ") > len(markers)
    assert base + "id/region/quebec" in markers, "Quebec is drawn in the inset"
    assert "<svg class='regions'" in page, "the bar chart is kept"


def test_quiet_publish_prints_nothing_but_errors(tmp_path):
    """`kb publish -q` in a fresh process (pyLODE configures logging on import, so only a
    new process shows what a user sees): no progress, no log lines, no summary."""
    import subprocess
    import sys

    kb = Path(sys.executable).with_name("kb")
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "site"
    run = subprocess.run(
        [str(kb), "publish", "-q", "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and run.stderr == "", (run.stdout, run.stderr[:2000])
    assert (out / "index.html").is_file() and (out / "ontology.html").is_file()
    # errors still get through, with a non-zero exit
    (tmp_path / "a-file").write_text("not a folder")
    run = subprocess.run(
        [str(kb), "publish", "-q", "--out", str(tmp_path / "a-file")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "must name a folder" in run.stderr, run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("n", [1, 2, 90, 410])
def test_network_layout_is_reproducible_and_inside_the_frame(n):
    """The same network always gives the same coordinates (the published site is
    byte-identical across runs), every node lies at least the margin inside the frame (the
    old layout clamped nodes to 20 px from its edge), and the nodes fill the frame."""
    import random

    from kb.publish.netlayout import MARGIN, layout

    rng = random.Random(n)
    nodes = [URIRef(f"https://example.org/node/{i}") for i in range(n)]
    edges = [(rng.choice(nodes), rng.choice(nodes), "participation") for _ in range(n * 2)]
    edges.append((nodes[0], URIRef("https://example.org/not-drawn"), "membership"))
    pos = layout(nodes, edges, 900)
    assert pos == layout(nodes, edges, 900)
    assert set(pos) == set(nodes)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    assert MARGIN - 1e-6 <= min(xs) and max(xs) <= 900 - MARGIN + 1e-6
    assert MARGIN - 1e-6 <= min(ys) and max(ys) <= 900 - MARGIN + 1e-6
    if n > 2:
        assert max(max(xs) - min(xs), max(ys) - min(ys)) > 800  # fitted, not shrunk
        # no more than a few nodes share a coordinate (the old clamp stacked dozens there)
        assert max(Counter(round(x) for x in xs).values()) < max(4, n // 10)


def test_the_network_view_is_the_same_on_every_publish(site):
    from kb.publish import views
    from kb.publish.data import SiteData
    from kb.publish.pages import Linker

    result, out, _ = site
    data = SiteData(result.store, result.config.base_iri, result.inferred_graph_iri)
    svg = views.network_svg(data, Linker(data, "views/network"))
    assert svg == views.network_svg(data, Linker(data, "views/network"))
    assert svg in (out / "views" / "network.html").read_text(encoding="utf-8")


def test_the_checksum_algorithm_is_spdx_https_iri_as_dcat_ap_3_asks(site):
    """DCAT-AP 3.0.1's controlled-vocabulary shapes want the algorithm IRI in the https form
    (https://spdx.org/rdf/terms#checksumAlgorithm_sha256); the properties stay http."""
    _, out, _ = site
    record = Graph().parse(out / "catalog.ttl", format="turtle")
    spdx = "http://spdx.org/rdf/terms#"
    algorithms = set(record.objects(None, URIRef(spdx + "algorithm")))
    assert algorithms == {URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")}
    for algorithm in algorithms:
        assert (algorithm, RDF.type, URIRef(spdx + "ChecksumAlgorithm")) in record
    shapes = Graph().parse(SHAPES.parent / "mdr-vocabularies.shape.ttl", format="turtle")
    _conforms, report, _text = validate(record, shacl_graph=shapes)
    sh = "http://www.w3.org/ns/shacl#"
    paths = set(report.objects(None, URIRef(sh + "resultPath")))
    assert URIRef(spdx + "algorithm") not in paths


def test_every_licence_the_knowledge_base_cites_is_an_iri(site):
    """EURIO's ontology header gave its licence as an xsd:anyURI literal; DCAT, VoID and
    the published pages read dct:license as an IRI (a LicenseDocument)."""
    result, _out, _ = site
    union = result.store.graph(None)
    licences = list(union.subject_objects(DCTERMS.license))
    assert licences
    literals = [(s, o) for s, o in licences if not isinstance(o, URIRef)]
    assert not literals, literals
    eurio = URIRef("http://data.europa.eu/s66#")
    assert union.value(eurio, DCTERMS.license) == LICENCE


def test_the_lists_of_projects_and_regions_are_tables_with_a_filter(site):
    """The class pages of projects and regions: a table with column headers, one row per
    member linking to its page, stated values with their sources, and a filter box."""
    result, out, _ = site
    for name, columns in (
        ("Project", ["name", "acronym", "funding programme", "start", "end"]),
        ("Region", ["name", "code", "NUTS level", "within", "country"]),
    ):
        page = (out / "class" / f"{name}.html").read_text(encoding="utf-8")
        assert '<ul class="items">' not in page
        table = page.split("<table class='members'", 1)[1].split("</table>", 1)[0]
        head = re.findall(r"<th scope='col'>([^<]+)</th>", table)
        assert head[: len(columns)] == columns, head
        rows = table.split("<tbody>", 1)[1].count("<tr>")
        title = re.search(r"<h1>[^<]*\((\d+)\)</h1>", page)
        assert title and rows == int(title.group(1)), (name, rows)
        assert "class='src'" in table
        assert "<input type='search' class='filter' data-filter='members'" in page
        assert "static/filter.js" in page
    assert (out / "static" / "filter.js").is_file()


def test_the_region_map_draws_country_outlines_from_its_source(site):
    _, out, _ = site
    page = (out / "views" / "regions.html").read_text(encoding="utf-8")
    svg = page.split("<svg class='region-map'", 1)[1].split("</svg>", 1)[0]
    assert svg.count("<g class='land'") == 2  # Europe and the North America inset
    assert svg.count("<path d='M") > 50
    for country in ("France", "Italy", "Germany", "Canada"):
        assert f"<title>{country}</title></path>" in svg
    root = Path(__file__).resolve().parents[1] / "data" / "reference" / "boundaries"
    source = (root / "SOURCE.md").read_text(encoding="utf-8")
    assert "world-atlas" in source and "Natural Earth" in source and "public domain" in source
    assert "Natural Earth" in page.split("</svg>", 1)[1]


def test_relative_href_matches_posixpath_relpath():
    """Links are computed without posixpath.relpath's per-call getcwd, to the same text,
    also for the live server's suffix-less paths (a page inside the folder it links to)."""
    import itertools
    import posixpath

    from kb.publish.data import relative_href

    paths = [
        "index.html",
        "ontology",
        "id/organisation/afil.html",
        "id/organisation/afil",
        "id/organisation",
        "id/organisation/afil/x",
        "code/effra-domain",
        "code/effra-domain/D3",
        "code/effra-domain/D3.html",
        "views/network.html",
        "dumps/kb.ttl",
        ".well-known/void",
        "a/./b",
        "a//b",
        "../up",
        "id/",
    ]
    for target, current in itertools.product(paths, paths):
        expected = posixpath.relpath(target, posixpath.dirname(current) or ".")
        assert relative_href(target, current) == expected, (target, current)


def test_a_large_network_shows_its_best_connected_nodes(site, monkeypatch):
    from kb.publish import views
    from kb.publish.data import SiteData
    from kb.publish.pages import Linker

    result, _out, _report = site
    data = SiteData(result.store, result.config.base_iri, result.inferred_graph_iri)
    edges = views.network_edges(data)
    degree: dict = {}
    for a, b, _ in edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    whole = views.network_svg(data, Linker(data, "views/network"))
    assert whole.count("</circle>") == len(degree) and "best-connected" not in whole
    monkeypatch.setattr(views, "MAX_NETWORK_NODES", 12)
    capped = views.network_svg(data, Linker(data, "views/network"))
    assert capped.count("</circle>") == 12
    assert f"Showing the 12 best-connected of {len(degree)} nodes" in capped
    top = sorted(degree, key=lambda n: (-degree[n], str(n)))[:12]
    assert all(f"<title>{html.escape(data.label(n))} (" in capped for n in top)


def test_dcat_ap_record_has_every_recommended_property(site):
    """DCAT-AP 3.0.1's recommended properties are warnings in its split shapes: none left
    (contact point, spatial, temporal, theme, issued/modified, distribution description and
    availability, licence and publisher types), and each value has the class DCAT-AP asks."""
    _, out, _ = site
    record = Graph().parse(out / "catalog.ttl", format="turtle")
    shapes = Graph()
    for name in ("shapes.ttl", "shapes_recommended.ttl", "range.ttl"):
        shapes.parse(SHAPES.parent / name, format="turtle")
    conforms, report, text = validate(record, shacl_graph=shapes)
    assert conforms, text
    assert not set(report.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationResult")))
    # the period is the one the data states: the seed's earliest start and latest end
    period = next(record.objects(None, DCTERMS.temporal))
    start = record.value(period, URIRef("http://www.w3.org/ns/dcat#startDate"))
    end = record.value(period, URIRef("http://www.w3.org/ns/dcat#endDate"))
    assert str(start) <= str(end)


def test_void_names_example_resources_that_have_pages(site):
    result, out, _ = site
    base = result.config.base_iri
    void = Graph().parse(out / ".well-known" / "void", format="turtle")
    examples = sorted(void.objects(None, VOID.exampleResource))
    assert URIRef(base + "id/organisation/afil") in examples
    assert len(examples) >= 2
    for example in examples:
        assert (out / (page_path(str(example), base) + ".html")).exists(), example


def test_publish_warns_about_placeholders():
    from kb.cli.publish import placeholder_warnings

    both = placeholder_warnings(None, None)
    assert len(both) == 2 and "--site-url" in both[0] and "--endpoint" in both[1]
    assert placeholder_warnings("https://kb.example.org/", "https://kb.example.org/sparql")
    assert placeholder_warnings("https://clusters.eu/", "https://clusters.eu/sparql") == []
