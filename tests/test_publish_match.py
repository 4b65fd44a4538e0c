"""Suggested partners on the published organisation pages and the published match lists:
the page shows what `kb.match(organisation=...)` answers on the same knowledge base, every
link of its reasons resolves to a file of the site, the match list is linked data that
conforms to queries/match/match-list.shapes.ttl, the configured N is honoured, and the new
files are the same bytes in a second run (in another process, with another hash seed).

The site is the one tests/test_publish.py publishes (built once per session).
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from test_publish import published_site, same_graph

import kb
from kb.core.config import load_config
from kb.core.errors import KBError
from kb.publish.data import page_path
from kb.publish.partners import LIST_FOLDER
from kb.publish.site import publish

MC = "https://w3id.org/mfg-clusters/ontology#"
AFIL = "https://w3id.org/mfg-clusters/id/organisation/afil"
SHAPES = Path(__file__).resolve().parents[1] / "queries" / "match" / "match-list.shapes.ttl"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return published_site(tmp_path_factory)


class _Section(HTMLParser):
    """The "Suggested partners" section of a page: its rows (rank, partner link and name,
    score) and every link in it."""

    def __init__(self):
        super().__init__()
        self.found = False
        self.depth = 0  # <section> nesting inside the section
        self.rows: list[dict] = []
        self.links: list[str] = []
        self.cell: str | None = None
        self.html: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id") == "suggested-partners":
            self.found, self.depth = True, 1
            return
        if not self.depth:
            return
        self.html.append(self.get_starttag_text() or "")
        if tag == "section":
            self.depth += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "tr" and a.get("class") == "suggestion":
            self.rows.append({"rank": "", "partner": "", "href": None, "score": ""})
        if tag == "td" and self.rows:
            self.cell = a.get("class") or ("rank" if not self.rows[-1]["rank"] else None)
        if tag == "a" and self.cell == "partner":
            self.rows[-1]["href"] = a.get("href")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        self.html.append(f"</{tag}>")
        if tag == "section":
            self.depth -= 1
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if not self.depth:
            return
        self.html.append(data)
        if self.cell in ("rank", "partner", "score"):
            self.rows[-1][self.cell] += data


def section(page: Path) -> _Section:
    parser = _Section()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def match_list_path(out: Path, base: str, org: str) -> Path:
    rel = page_path(org, base).removeprefix("id/")
    return out / (LIST_FOLDER + rel)


def organisation_pages(out: Path) -> dict[Path, _Section]:
    pages = {}
    for page in sorted((out / "id").rglob("*.html")):
        if LIST_FOLDER in page.relative_to(out).as_posix() + "/":
            continue
        parsed = section(page)
        if parsed.found:
            pages[page] = parsed
    return pages


def test_afil_page_shows_what_kb_match_answers(site):
    result, out, _ = site
    base = result.config.base_iri
    n = result.config.suggested_partners
    assert n == 5, "the default of [tool.kb] suggested_partners"
    page = section(out / (page_path(AFIL, base) + ".html"))
    assert page.found, "AFIL's page has a Suggested partners section"
    assert "how the list is computed" in "".join(page.html)
    answer = kb.match(organisation=URIRef(AFIL))  # the project's KB, opened on its own
    expected = answer.suggestions[:n]
    assert len(expected) == n, "the seed KB has more than N partners for AFIL"
    assert 1 <= len(page.rows) <= n
    assert [r["rank"].strip() for r in page.rows] == [str(i) for i in range(1, n + 1)]
    shown = [
        (page_path(str(s.candidate), base).rsplit("/", 1)[-1] + ".html", s.label, f"{s.score:.2f}")
        for s in expected
    ]
    assert [
        (r["href"].rsplit("/", 1)[-1], r["partner"].strip(), r["score"].strip()) for r in page.rows
    ] == shown
    # The published match list carries the same ranks and the exact scores, per signal too.
    graph = Graph().parse(match_list_path(out, base, AFIL).with_suffix(".ttl"), format="turtle")
    listing = URIRef(base + LIST_FOLDER + "organisation/afil")
    assert (listing, RDF.type, URIRef(MC + "MatchList")) in graph
    assert (listing, URIRef(MC + "matchFor"), URIRef(AFIL)) in graph
    published = []
    for node in graph.objects(listing, URIRef(MC + "hasSuggestion")):
        signals = {
            str(graph.value(part, URIRef(MC + "matchSignal"))): Decimal(
                str(graph.value(part, URIRef(MC + "matchScore")))
            )
            for part in graph.objects(node, URIRef(MC + "signalScore"))
        }
        published.append(
            (
                int(graph.value(node, URIRef(MC + "matchRank"))),
                graph.value(node, URIRef(MC + "suggestedPartner")),
                Decimal(str(graph.value(node, URIRef(MC + "matchScore")))),
                signals,
            )
        )
    assert sorted(published, key=lambda x: x[0]) == [
        (
            rank,
            s.candidate,
            Decimal(f"{s.score:.6f}"),
            {k: Decimal(f"{v:.6f}") for k, v in s.signals.items()},
        )
        for rank, s in enumerate(expected, 1)
    ]


def test_every_link_of_the_section_resolves_to_a_file_of_the_site(site):
    _, out, _ = site
    pages = organisation_pages(out)
    assert len(pages) > 50, "every organisation page of the seed KB has the section"
    checked, broken = 0, []
    for page, parsed in pages.items():
        reasons = [h for h in parsed.links if "/match-list/" not in h]
        assert parsed.rows == [] or reasons, page  # a suggestion links its partner and facts
        for href in parsed.links:
            parts = urlsplit(href)
            assert not parts.scheme, f"{page}: {href} leaves the site"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or not target.is_relative_to(out.resolve()):
                broken.append(f"{page.relative_to(out)} -> {href}")
            elif parts.fragment:
                if f'id="{parts.fragment}"' not in target.read_text(encoding="utf-8"):
                    broken.append(f"{page.relative_to(out)} -> {href} (no such anchor)")
            checked += 1
    assert checked > 500 and not broken, broken[:8]
    # A reason links to the page of the fact behind it, with the fact's sentence as title.
    afil = section(out / "id" / "organisation" / "afil.html")
    html = "".join(afil.html)
    assert 'data-signal="effra-shared"' in html
    assert 'title="covers EFFRA domain D1 (Advanced Manufacturing processes)"' in html
    assert (
        'title="took part in BIFOCAlps with Associazione Fabbrica Intelligente Lombardia"' in html
    )
    # the page of a participation of bwcon in BIFOCAlps (one of the sources stating it)
    assert 'href="../participation/bifocalps/bwcon/' in html


def test_published_match_lists_conform_and_cite_stored_triples(site):
    result, out, _ = site
    base = result.config.base_iri
    lists = sorted((out / LIST_FOLDER).rglob("*.ttl"))
    assert len(lists) == len(organisation_pages(out)), "a match list per organisation page"
    union = Graph()
    for path in lists:
        union += Graph().parse(path, format="turtle")
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _report, text = validate(union, shacl_graph=shapes)
    assert conforms, text[:3000]
    assert len(set(union.subjects(RDF.type, URIRef(MC + "MatchList")))) == len(lists)
    # Every suggestion is a resource (an IRI of its list), derived from triples the KB states
    # in the graph it names.
    suggestions = set(union.subjects(RDF.type, URIRef(MC + "PartnerSuggestion")))
    assert len(suggestions) > 100
    assert all(
        str(s).startswith(base + LIST_FOLDER) and "#suggestion-" in str(s) for s in suggestions
    )
    statements = set(union.objects(None, PROV.wasDerivedFrom))
    for st in sorted(statements)[::25]:  # a sample: each is a query on the store
        triple = tuple(union.value(st, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        graph = union.value(st, DCTERMS.source)
        assert triple in set(result.store.triples(str(graph))), (st, triple, graph)
    # dct:created is the publication date (the DCAT record's dct:issued), not the clock.
    created = {o for o in union.objects(None, DCTERMS.created)}
    assert len(created) == 1 and next(iter(created)).datatype == XSD.dateTime
    issued = Graph().parse(out / "catalog.ttl").value(URIRef(base + "dataset"), DCTERMS.issued)
    assert str(next(iter(created))).startswith(str(issued))
    # The four formats hold the same graph; the page has an anchor per hash IRI.
    ttl = match_list_path(out, base, AFIL).with_suffix(".ttl")
    graph = Graph().parse(ttl, format="turtle")
    assert same_graph(graph, Graph().parse(ttl.with_suffix(".nt"), format="nt"))
    assert same_graph(graph, Graph().parse(ttl.with_suffix(".jsonld"), format="json-ld"))
    page = ttl.with_suffix(".html").read_text(encoding="utf-8")
    for node in {s for s in graph.subjects() if "#" in str(s)}:
        assert f'id="{str(node).split("#", 1)[1]}"' in page, node
    # The files the page describes are published beside it.
    assert (out / "queries" / "match" / "match-list.shapes.ttl").read_bytes() == SHAPES.read_bytes()
    assert (out / "partners.html").is_file()


def test_suggested_partners_from_the_configuration(site, tmp_path, monkeypatch):
    result, _, _ = site
    monkeypatch.setenv("KB_SUGGESTED_PARTNERS", "2")
    config = load_config()
    assert config.suggested_partners == 2
    out = tmp_path / "site"
    report = publish(
        result.store, config, out, inferred_graph_iri=result.inferred_graph_iri, progress=False
    )
    assert report.match_lists > 50 and report.partner_seconds > 0
    base = config.base_iri
    rows = section(out / (page_path(AFIL, base) + ".html")).rows
    assert [r["rank"].strip() for r in rows] == ["1", "2"]
    graph = Graph().parse(match_list_path(out, base, AFIL).with_suffix(".ttl"), format="turtle")
    ranks = sorted(int(o) for o in graph.objects(None, URIRef(MC + "matchRank")))
    assert ranks == [1, 2]
    assert all(len(p.rows) <= 2 for p in organisation_pages(out).values())
    # 0 publishes neither the section nor the lists; a bad value names the key.
    again = tmp_path / "none"
    publish(
        result.store,
        config,
        again,
        inferred_graph_iri=result.inferred_graph_iri,
        progress=False,
        suggested_partners=0,
    )
    assert not (again / "id" / "match-list").exists() and not (again / "partners.html").exists()
    assert not section(again / (page_path(AFIL, base) + ".html")).found
    monkeypatch.setenv("KB_SUGGESTED_PARTNERS", "five")
    with pytest.raises(KBError, match="suggested_partners must be a whole number"):
        load_config()


def test_a_second_publish_writes_the_same_bytes(site, tmp_path):
    """`kb publish` in a new process with another hash seed: the match lists, the partners
    page and the Suggested partners section of every page are byte-identical."""
    _, out, _ = site
    root = Path(__file__).resolve().parents[1]
    second = tmp_path / "site"
    run = subprocess.run(
        [str(Path(sys.executable).with_name("kb")), "publish", "-q", "--out", str(second)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    new = sorted(p.relative_to(out) for p in (out / LIST_FOLDER).rglob("*") if p.is_file())
    assert len(new) > 200
    new += [Path("partners.html"), Path("queries/match/weights.toml")]
    different = [p for p in new if (out / p).read_bytes() != (second / p).read_bytes()]
    assert not different, different[:5]
    pages = organisation_pages(out)
    for page, parsed in pages.items():
        again = section(second / page.relative_to(out))
        assert again.html == parsed.html, page
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("kb")),
            "publish",
            "-q",
            "--suggested-partners",
            "-1",
            "--out",
            str(tmp_path / "bad"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "--suggested-partners" in run.stderr, run.stderr
