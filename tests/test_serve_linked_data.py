"""`kb serve` as linked data (issue 17, item 4), on the seed KB, against what `kb publish`
writes for the same KB.

A thing's IRI path answers 303 to the document about it, in the format asked for; RDF/XML
holds the same triples as Turtle; the site's other paths (VoID, code lists, the ontology,
named graphs, dumps, the stored queries) answer what the published site has; every link of
a few served pages resolves on the server; unknown paths and traversals get 404; the query
page offers the stored queries, and a real Chromium picks one, runs it and sees its rows.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import http.client
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from conftest import running_server
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from test_browser import browser  # noqa: F401 - the browser fixture

from kb.build.pipeline import build
from kb.core.config import load_config
from kb.publish.site import publish
from kb.serve.site import SITE_ROOTS, safe_path, site_file, split_suffix

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/mfg-clusters/"
AFIL = "id/organisation/afil"
PROJECT = "id/project/3d-hipmas"
REGION = "id/region/ITC4"
CONCEPT = "code/effra-domain/D1"
GRAPH = "graph/data/ttl/seed-001/header"
QUERY = "id/query/class-counts"
MATCH_LIST = "id/match-list/organisation/afil"
FORMATS = [  # (?format= name, Accept, suffix, content type, rdflib parser)
    ("ttl", "text/turtle", ".ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", ".jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", ".nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", ".rdf", "application/rdf+xml", "xml"),
    ("html", "text/html", ".html", "text/html", None),
]


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed project (its graphs are named by path, so the layout is kept)."""
    root = tmp_path_factory.mktemp("seed-ld") / "kb"
    root.mkdir()
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.fixture(scope="module")
def built(seed: Path):
    return build(load_config(seed), validate_data=False, run_integrity_checks=False)


@pytest.fixture(scope="module")
def site(seed: Path, built) -> Path:
    out = seed.parent / "published"
    publish(
        built.store,
        load_config(seed),
        out,
        inferred_graph_iri=built.inferred_graph_iri,
        progress=False,
    )
    return out


@pytest.fixture(scope="module")
def server(seed: Path) -> Iterator[str]:
    with running_server(seed, "--timeout", "60") as url:
        yield url


def get(url: str, **kwargs) -> httpx.Response:
    return httpx.get(url, timeout=120, **kwargs)


def parsed(text: str | bytes, fmt: str) -> Graph:
    return Graph().parse(data=text, format=fmt)


# --- Cool URIs: 303 from the thing to the document ---------------------------------------------


@pytest.mark.parametrize("path", [AFIL, CONCEPT, GRAPH, "ontology", QUERY])
@pytest.mark.parametrize("name, accept, suffix, ctype, parser", FORMATS)
def test_a_thing_answers_303_to_its_document(server, path, name, accept, suffix, ctype, parser):
    for how in ({"headers": {"Accept": accept}}, {"params": {"format": name}}):
        r = get(f"{server}/{path}", **how)
        assert r.status_code == 303, (path, how)
        assert r.headers["location"] == f"/{path}{suffix}"
        assert "Accept" in r.headers["vary"]
        doc = get(server + r.headers["location"])
        assert doc.status_code == 200, r.headers["location"]
        assert doc.headers["content-type"].startswith(ctype)
        if parser is not None:
            assert len(parsed(doc.content, parser)) > 0
        else:
            assert "<h1>" in doc.text or "<h1 " in doc.text
    # a browser's Accept gets the page; curl's */* the Turtle
    r = get(f"{server}/{path}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["location"] == f"/{path}.html"
    assert get(f"{server}/{path}", headers={"Accept": "*/*"}).headers["location"].endswith(".ttl")


@pytest.mark.parametrize("name, accept, suffix, ctype, parser", FORMATS)
def test_a_match_list_answers_as_the_published_site_has_it(
    server, site, name, accept, suffix, ctype, parser
):
    """An organisation's match list (kb publish's id/match-list/...): its IRI answers 303 to
    the document in the format asked for, which is the published one."""
    for how in ({"headers": {"Accept": accept}}, {"params": {"format": name}}):
        r = get(f"{server}/{MATCH_LIST}", **how)
        assert r.status_code == 303, how
        assert r.headers["location"] == f"/{MATCH_LIST}{suffix}"
        assert "Accept" in r.headers["vary"]
    doc = get(f"{server}/{MATCH_LIST}{suffix}")
    assert doc.status_code == 200 and doc.headers["content-type"].startswith(ctype)
    published = (site / (MATCH_LIST + suffix)).read_bytes()
    if parser is None:
        assert doc.content == published
        how = get(f"{server}/partners", headers={"Accept": "text/html"})
        assert how.status_code == 200 and how.content == (site / "partners.html").read_bytes()
    else:
        served = parsed(doc.content, parser)
        assert len(served) > 10
        assert isomorphic(served, parsed(published, parser))
    r = get(f"{server}/id/match-list/organisation/nobody-at-all", headers={"Accept": accept})
    assert r.status_code == 404


@pytest.mark.parametrize("path", [AFIL, CONCEPT, GRAPH, "ontology", QUERY])
def test_rdf_xml_holds_the_same_triples_as_turtle(server, path):
    turtle = parsed(get(f"{server}/{path}.ttl").content, "turtle")
    xml = get(f"{server}/{path}.rdf")
    assert xml.headers["content-type"].startswith("application/rdf+xml")
    assert len(turtle) > 0
    assert isomorphic(parsed(xml.content, "xml"), turtle)


@pytest.mark.parametrize("path", [AFIL, CONCEPT, GRAPH, REGION])
def test_a_resource_document_holds_the_published_one(server, site, built, path):
    """The served description has every triple of the published file; what it adds are the
    links into the resource and the inferred triples (a live server can afford them)."""
    iri = URIRef(BASE + path)
    inferred = set(built.engine.graph(built.inferred_graph_iri))
    for suffix, parser in ((".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld")):
        served = set(parsed(get(f"{server}/{path}{suffix}").content, parser))
        published = set(parsed((site / (path + suffix)).read_bytes(), parser))
        assert published and published <= served, path + suffix
        extra = served - published
        assert all(o == iri or (s, p, o) in inferred for s, p, o in extra), path
    if path == AFIL:
        assert any(o == iri for _s, _p, o in served - published)  # incoming links too


# resources whose description reaches blank nodes (the mc:sourceOrder lists) and others
LISTS = "id/source/4m4iof-concept-note/annex-1"  # a section graph's node with its list
CLOSURES = [
    "id/cluster/afil",
    "id/partnership/vanguard-initiative",
    "id/figure/plastipolis/members/annex-1",
    LISTS,
    "id/source/eccp-afil-profile",
]


@pytest.mark.parametrize("path", CLOSURES)
def test_a_resource_document_is_the_published_one_with_its_lists(server, site, built, path):
    """Blank nodes included (an mc:sourceOrder list's cells), the served document is the
    published file as a graph, once the links into the resource and the inferred triples it
    adds are left aside; neither ends in a dangling blank node."""
    iri = URIRef(BASE + path)
    engine = built.engine
    inferred = set(engine.graph(built.inferred_graph_iri))
    asserted = set()
    for name in engine.graph_names():
        if name != built.inferred_graph_iri:
            asserted |= set(engine.graph(name))
    published = parsed((site / (path + ".ttl")).read_bytes(), "turtle")
    for suffix, parser in (
        (".ttl", "turtle"),
        (".nt", "nt"),
        (".jsonld", "json-ld"),
        (".rdf", "xml"),
    ):
        served = parsed(get(f"{server}/{path}{suffix}").content, parser)
        for s, p, o in list(served):
            if (o == iri and s != iri) or ((s, p, o) in inferred and (s, p, o) not in asserted):
                served.remove((s, p, o))
        assert len(published) > 0
        assert isomorphic(served, published), path + suffix
        for g in (served, published):
            described = set(g.subjects())
            assert all(o in described for o in g.objects() if isinstance(o, BNode)), path
    if path == LISTS:
        assert any(isinstance(o, BNode) for o in published.objects(iri, None))


# --- the site's other paths, as published ---------------------------------------------------


@pytest.mark.parametrize(
    "path, ctype, parser",
    [
        (".well-known/void", "text/turtle", "turtle"),
        ("void.ttl", "text/turtle", "turtle"),
        (".well-known/sparql-examples", "text/turtle", "turtle"),
        ("queries/catalogue.ttl", "text/turtle", "turtle"),
        ("queries/catalogue.jsonld", "application/ld+json", "json-ld"),
        ("ontology.ttl", "text/turtle", "turtle"),
        ("ontology.jsonld", "application/ld+json", "json-ld"),
        ("ontology.nt", "application/n-triples", "nt"),
        (QUERY + ".ttl", "text/turtle", "turtle"),
        (QUERY + ".nt", "application/n-triples", "nt"),
        ("dumps/kb.ttl", "text/turtle", "turtle"),
        ("dumps/kb.jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_site_rdf_equals_the_published_file(server, site, path, ctype, parser):
    r = get(f"{server}/{path}")
    assert r.status_code == 200, path
    assert r.headers["content-type"].startswith(ctype)
    served = parsed(r.content, parser)
    assert len(served) > 0
    assert isomorphic(served, parsed((site / path).read_bytes(), parser)), path


def test_the_dumps_are_the_published_ones(server, site):
    nq = get(f"{server}/dumps/kb.nq")
    assert nq.status_code == 200 and nq.headers["content-type"] == "application/n-quads"
    served, published = Dataset(), Dataset()
    served.parse(data=nq.content, format="nquads")
    published.parse(site / "dumps" / "kb.nq", format="nquads")
    names = {g.identifier for g in published.graphs()}
    assert {g.identifier for g in served.graphs()} == names
    for name in names:
        assert isomorphic(served.graph(name), published.graph(name)), name
    gz = get(f"{server}/dumps/kb.nt.gz")
    assert gz.headers["content-type"] == "application/gzip"
    served_nt = parsed(gzip.decompress(gz.content), "nt")
    assert isomorphic(
        served_nt, parsed(gzip.decompress((site / "dumps/kb.nt.gz").read_bytes()), "nt")
    )
    sums = get(f"{server}/dumps/SHA256SUMS").text.splitlines()
    assert len(sums) == 4
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(get(f"{server}/dumps/{name}").content).hexdigest() == digest


def test_the_dcat_record_describes_the_served_dumps(server, site):
    r = get(f"{server}/catalog.ttl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    served = parsed(r.content, "turtle")
    spdx = "http://spdx.org/rdf/terms#checksumValue"
    digests = {str(o) for o in served.objects(None, URIRef(spdx))}
    sums = {line.split("  ")[0] for line in get(f"{server}/dumps/SHA256SUMS").text.splitlines()}
    assert digests == sums
    # the rest is what kb publish writes (the checksums of its own dump files aside)
    published = parsed((site / "catalog.ttl").read_bytes(), "turtle")
    for g in (served, published):
        for s, p, o in list(g.triples((None, URIRef(spdx), None))):
            g.remove((s, p, o))
    assert isomorphic(served, published)


@pytest.mark.parametrize(
    "path", ["index", "class/Cluster", "class/index", "code/index", "views/heatmap", "views/index"]
)
def test_site_pages_are_the_published_pages(server, site, path):
    for url in (f"{server}/{path}", f"{server}/{path}.html"):
        r = get(url, headers={"Accept": "text/html"})
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html")
        assert r.text == (site / (path + ".html")).read_text(encoding="utf-8"), url


def test_the_ontology_document_and_the_code_lists(server, site):
    r = get(f"{server}/ontology.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    # pyLODE's page, documenting the same terms (pyLODE derives its element ids from labels or
    # names, differently from one run to the next, so two kb publish runs differ there too)
    published = (site / "ontology.html").read_text(encoding="utf-8")
    terms = re.compile(r"<code>(" + re.escape(BASE) + r"ontology#[^<]+)</code>")
    assert len(set(terms.findall(r.text))) > 50
    assert set(terms.findall(r.text)) == set(terms.findall(published))
    assert r.text.split("<body>")[0] == published.split("<body>")[0]
    # a code list and its concept, as they are published
    for path in ("code/effra-domain", CONCEPT):
        page = get(f"{server}/{path}", headers={"Accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 200 and page.url.path == f"/{path}.html"
        title = (site / f"{path}.html").read_text(encoding="utf-8").split("<h1>")[1].split("<")[0]
        assert f"<h1>{title}</h1>" in page.text


def test_the_site_roots_cover_every_published_path(site):
    for entry in site.iterdir():
        if entry.name == ".kb-site":
            continue
        name = entry.name if entry.name in SITE_ROOTS else entry.name.rsplit(".", 1)[0]
        assert name in SITE_ROOTS, entry.name


# --- every link of a served page resolves -------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if tag in ("a", "link", "script", "img") and a.get(key):
                self.links.add(a[key])


@pytest.mark.parametrize("start", [AFIL, PROJECT, REGION, "index", ""])
def test_every_link_of_a_served_page_resolves(server, start):
    page = get(f"{server}/{start}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    parser = _Links()
    parser.feed(page.text)
    local = set()
    for href in parser.links:
        url = urljoin(str(page.url), href)
        if urlsplit(url).netloc == urlsplit(server).netloc:
            local.add(url.split("#", 1)[0])
    assert len(local) > (1 if start == "" else 5), parser.links
    broken = {}
    for url in sorted(local):
        r = get(url, headers={"Accept": "text/html"}, follow_redirects=True)
        if r.status_code != 200:
            broken[url] = r.status_code
    assert not broken, broken


def test_links_to_ontology_terms_land_on_their_anchors(server, site):
    ontology = get(f"{server}/ontology.html").text  # (waits for the site to be written)
    ids = set(re.findall(r' id="([^"]+)"', ontology))
    page = get(f"{server}/{AFIL}.html")
    parser = _Links()
    parser.feed(page.text)
    fragments = {
        href.split("#", 1)[1]
        for href in parser.links
        if urlsplit(urljoin(str(page.url), href)).path == "/ontology" and "#" in href
    }
    assert fragments and fragments <= ids, fragments - ids
    # the same terms the published page links to (pyLODE's ids aside)
    published = _Links()
    published.feed((site / f"{AFIL}.html").read_text(encoding="utf-8"))
    assert len(fragments) == len({h for h in published.links if "ontology.html#" in h})


# --- unknown paths and traversals -----------------------------------------------------------


def test_unknown_paths_are_404_and_traversals_refused(server):
    for path in (
        "/nothing",
        "/id/organisation/nobody",
        "/id/organisation/nobody.ttl",
        "/code/nothing",
        "/graph/nothing.html",
        "/dumps/nothing.nq",
        "/.kb-site",
        "/views/index.exe",
        "/id/query/nothing",
    ):
        assert get(server + path, headers={"Accept": "text/html"}).status_code == 404, path
    assert get(f"{server}/{AFIL}", params={"format": "pdf"}).status_code == 400
    assert get(f"{server}/{AFIL}", headers={"Accept": "image/png"}).status_code == 406
    # raw request lines: no client normalises the dots away
    netloc = urlsplit(server).netloc
    for raw in (
        "/dumps/../pyproject.toml",
        "/static/../../../../etc/passwd",
        "/class/%2e%2e/%2e%2e/pyproject.toml",
        "/dumps/..%2f..%2fkb.nq",
        "/dumps//kb.nq",
        "/id/organisation/afil%00.ttl",
        "/.well-known/../../kb.nq",
    ):
        conn = http.client.HTTPConnection(netloc, timeout=30)
        try:
            conn.request("GET", raw)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 404, (raw, response.status)
            assert b"PRIVATE" not in body and b"[tool.kb]" not in body
        finally:
            conn.close()


def test_a_site_file_never_leaves_the_site_folder(tmp_path):
    root = tmp_path / "site"
    (root / "dumps").mkdir(parents=True)
    (root / "dumps" / "kb.nq").write_text("x")
    (root / ".kb-site").write_text("marker")
    (tmp_path / "secret").write_text("private")
    (root / "dumps" / "link").symlink_to(tmp_path / "secret")
    assert site_file(root, "dumps/kb.nq") == (root / "dumps" / "kb.nq").resolve()
    for path in ("dumps/link", "dumps/../../secret", "../secret", ".kb-site", "dumps", "dumps/"):
        assert site_file(root, path) is None, path
    for path in ("", "/", "a//b", "a/./b", "a\\b", "a\x00b", "a\nb", "a/.."):
        assert not safe_path(path), path
    assert split_suffix("id/x.ttl") == ("id/x", ".ttl") and split_suffix(".rdf") == (".rdf", "")


# --- the stored queries on the query page -----------------------------------------------------


def test_the_query_page_offers_every_stored_query(server, seed):
    from kb.publish.queries import catalogue

    stored = catalogue(load_config(seed))
    page = get(server + "/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for q in stored.values():
        assert f'<option value="{q.name}">{html.escape(q.title)}</option>' in page.text, q.name
    chosen = get(server + "/", params={"stored": "class-counts"}, headers={"Accept": "text/html"})
    assert '<option value="class-counts" selected>' in chosen.text


@pytest.mark.browser
def test_a_browser_picks_a_stored_query_fills_it_in_and_sees_rows(browser, server, built):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.select_option("select#stored", "organisations-by-country")
    assert page.locator("#question").inner_text().startswith("Which organisations")
    assert page.input_value("input#param-country") == BASE + "id/country/IT"
    assert "VALUES (?country) { (<https://w3id.org/mfg-clusters/id/country/IT>) }" in (
        page.input_value("textarea#query")
    )
    page.fill("input#param-country", "id:country/FR")
    text = page.input_value("textarea#query")
    assert "<https://w3id.org/mfg-clusters/id/country/FR>" in text and "/IT>" not in text
    page.click("button:text-is('Run')")
    page.wait_for_selector("#out table")
    rows = page.locator("#out table tr")
    expected = built.store.query(text).rows
    assert len(expected) > 0
    assert rows.count() == len(expected) + 1  # the header row
    first_links = page.locator("#out table tr td a").all_inner_texts()
    assert {str(r[0]) for r in expected} <= set(first_links)
    # a required parameter left empty is said, not run
    page.fill("input#param-country", "")
    page.click("button:text-is('Run')")
    assert page.locator("#status").inner_text() == "?country needs a value"
    page.close()
