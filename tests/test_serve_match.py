"""`kb serve`'s matchmaker (/api/match, /match) started for real on a loopback port, spoken to
over real HTTP. Every answer is compared with `kb.match(...)` on the same project: the same
ranks, IRIs, scores, signals and evidence. The small world of tests/fixtures/match (orders
known by hand) is served by rdflib workers, a copy of the seed KB by Oxigraph workers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from conftest import make_project, running_server
from rdflib import Graph, URIRef

import kb
from kb.matching.render import to_csv, to_json

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
WORLD = REPO / "tests" / "fixtures" / "match" / "world.ttl"
BASE = "https://w3id.org/mfg-clusters/"
ORG = BASE + "id/organisation/"
REGION = BASE + "id/region/"
COUNTRY = BASE + "id/country/"
MC = BASE + "ontology#"
SEEKER = URIRef(ORG + "s")
HTML = {"Accept": "text/html"}
# One more candidate in the world, with a label that must be escaped wherever it shows: it
# shares the seeker's technology field, as Tau does.
NASTY = "<script>alert('x')</script> & Co"
EXTRA = f"""
@prefix mc: <{MC}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{ORG}x> a mc:SME ; skos:prefLabel "{NASTY}"@en ; mc:locatedIn <{REGION}XB2> ;
    mc:technologyField <{BASE}code/technology-field/3d-printing> .
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = {"world.ttl": WORLD.read_text(encoding="utf-8"), "extra.ttl": EXTRA}
    return make_project(tmp_path_factory.mktemp("serve-match"), data, queries=REPO / "queries")


@pytest.fixture(scope="module")
def server(world: Path) -> Iterator[str]:
    with running_server(world, "--timeout", "20", "--workers", "2") as url:
        yield url


def expected(root: Path, engine: str = "rdflib", **fields) -> dict:
    """What `kb match --format json` says: kb.match on the same project, as JSON."""
    return json.loads(to_json(kb.match(root=root, engine=engine, **fields)))


def api(url: str, **params) -> httpx.Response:
    return httpx.get(url + "/api/match", params=params, timeout=60)


def ranked(body: dict) -> list[tuple[int, str, float]]:
    return [(s["rank"], s["iri"], s["score"]) for s in body["suggestions"]]


def assert_same(body: dict, want: dict) -> None:
    assert ranked(body) == ranked(want)
    assert body["suggestions"] == want["suggestions"]  # signals, reasons, evidence too
    assert body["request"] == want["request"]
    assert body["candidates"] == want["candidates"]


# --- the JSON API answers as kb.match -----------------------------------------------------


def test_for_answers_as_kb_match(server, world):
    r = api(server, **{"for": "id:organisation/s"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    want = expected(world, organisation=SEEKER)
    assert len(want["suggestions"]) >= 5
    assert_same(body, want)
    # Alpha covers all three of the seeker's EFFRA domains: first by hand
    assert body["suggestions"][0]["iri"] == ORG + "a"
    assert body["suggestions"][0]["evidence"]
    # the other ways of naming the organisation `kb match` accepts give the same answer
    for name in (str(SEEKER), "s"):
        assert api(server, **{"for": name}).json()["suggestions"] == want["suggestions"]


def test_team_and_fill_answer_as_kb_match(server, world):
    body = api(server, team="s", fill="2").json()
    want = expected(world, team=(SEEKER,), fill=2, limit=2)
    assert body["request"]["mode"] == "team" and body["request"]["fill"] == 2
    assert len(body["suggestions"]) == 2
    assert_same(body, want)


def test_excluding_a_country_is_honoured(server, world):
    everyone = api(server, **{"for": "s", "limit": "20"}).json()["suggestions"]
    assert any(s["country"] == COUNTRY + "XB" for s in everyone)  # else the test proves nothing
    body = api(server, **{"for": "s", "limit": "20", "exclude-country": "XB"}).json()
    assert body["suggestions"]
    assert all(s["country"] != COUNTRY + "XB" for s in body["suggestions"])
    # `kb match` reads XB as the NUTS 0 region XB, whose subregions are left out with it
    assert body["request"]["excludeRegions"] == [REGION + "XB"]
    want = expected(world, organisation=SEEKER, limit=20, exclude_regions=(URIRef(REGION + "XB"),))
    assert_same(body, want)


def test_type_filter_and_repeated_parameters(server, world):
    body = api(server, **{"for": "s", "type": ["university", "sme"]}).json()
    want = expected(world, organisation=SEEKER, types=("university", "sme"))
    assert_same(body, want)
    assert all({"University", "SME"} & set(s["types"]) for s in body["suggestions"])
    # Beta (SME, D1) and the SME sharing the technology field; Gamma, the university, has
    # only domains the seeker lacks, which bring no candidate in for one organisation
    assert {s["iri"] for s in body["suggestions"]} == {ORG + "b", ORG + "x"}


def test_other_formats_are_those_of_kb_match(server, world):
    r = api(server, **{"for": "s", "format": "csv", "limit": "4"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text == to_csv(kb.match(root=world, engine="rdflib", organisation=SEEKER, limit=4))
    r = api(server, **{"for": "s", "format": "turtle", "limit": "4"})
    assert r.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=r.text, format="turtle")
    assert len(set(graph.subjects(URIRef(MC + "suggestedPartner"), None))) == 4
    r = api(server, **{"for": "s", "format": "table", "limit": "2"})
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text.splitlines()[0].startswith(" 1.") and "Alpha" in r.text


# --- refusals name the parameter ----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"for": "nobody"}, "for"),
        ({"domain": "D42"}, "domain"),
        ({"for": "s", "region": "nowhere"}, "region"),
        ({"for": "s", "exclude-country": "ZZ"}, "exclude-country"),
        ({"for": "s", "fill": "2"}, "fill"),
        ({"team": "s", "fill": "2", "min-countries": "9"}, "min-countries"),
        ({"for": "s", "limit": "0"}, "limit"),
        ({"for": "s", "limit": "ten"}, "limit"),
        ({"for": "s", "limit": "1000"}, "limit"),
        ({"for": "s", "team": "s"}, "for"),
        ({"for": ["s", "a"]}, "for"),
        ({"team": "s,"}, "team"),
        ({"for": "s", "type": "giant"}, "type"),
        ({"for": "s", "profile": "/etc/passwd"}, "profile"),
        ({"for": "s", "weights": "/etc/passwd"}, "weights"),
        ({"for": "s", "engine": "oxigraph"}, "engine"),
        ({"for": "s", "colour": "red"}, "colour"),
        ({"for": "s", "format": "xml"}, "format"),
    ],
)
def test_bad_input_is_400_naming_the_parameter(server, params, named):
    r = api(server, **params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["parameter"] == named
    assert body["error"].startswith(f"parameter {named!r}: ")


def test_no_seeker_is_400_saying_who_can_look(server):
    r = api(server, limit="3")
    assert r.status_code == 400
    assert "say who is looking" in r.json()["error"] and "team" in r.json()["error"]


# --- the page -------------------------------------------------------------------------------


class _Results(HTMLParser):
    """The suggestion rows of the /match page: rank, their reasons, their links."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self.errors: list[str] = []
        self.nav: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        css = (a.get("class") or "").split()
        if tag == "tr" and "suggestion" in css:
            self.rows.append({"reasons": [], "facts": [], "rank": ""})
        elif tag == "a" and "live" in css:
            self.nav.append(a["href"])
        elif self.rows and tag == "a" and "fact" in css:
            self.rows[-1]["facts"].append(a["href"])
        elif self.rows and tag == "li":
            self._in = "reasons"
            self.rows[-1]["reasons"].append("")
        elif self.rows and tag == "td" and "rank" in css:
            self._in = "rank"
        elif tag == "p" and "error" in css:
            self._in = "error"
            self.errors.append("")

    def handle_endtag(self, tag):
        if tag in ("li", "td", "p"):
            self._in = None

    def handle_data(self, data):
        if self._in == "reasons":
            self.rows[-1]["reasons"][-1] += data
        elif self._in == "rank":
            self.rows[-1]["rank"] += data.strip()
        elif self._in == "error":
            self.errors[-1] += data


def page(url: str, **params) -> tuple[httpx.Response, _Results]:
    r = httpx.get(url + "/match", params=params, headers=HTML, timeout=60)
    parsed = _Results()
    parsed.feed(r.text)
    return r, parsed


def test_page_shows_the_ranked_suggestions_with_reasons_and_evidence(server, world):
    r, parsed = page(server, **{"for": "id:organisation/s", "limit": "5"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    want = expected(world, organisation=SEEKER, limit=5)["suggestions"]
    assert [row["rank"] for row in parsed.rows] == ["1", "2", "3", "4", "5"]
    for row, s in zip(parsed.rows, want, strict=True):
        assert row["reasons"] == s["reasons"] and row["reasons"]
        # the candidate's own page first, then its place, then every evidence fact's terms
        assert row["facts"][0] == "/id/" + s["iri"].removeprefix(BASE + "id/")
    first = parsed.rows[0]["facts"]
    evidence = want[0]["evidence"][0]
    assert "/id/" + evidence["subject"].removeprefix(BASE + "id/") in first
    assert "/id/" + evidence["section"].removeprefix(BASE + "id/") in first
    # the form keeps what was asked; the navigation links to the page itself
    assert 'value="id:organisation/s"' in r.text
    assert "/match" in parsed.nav


def test_every_evidence_link_resolves(server):
    _r, parsed = page(server, **{"team": "s", "fill": "3"})
    links = sorted({href for row in parsed.rows for href in row["facts"]})
    assert len(parsed.rows) == 3
    assert any(h.startswith("/resource?iri=") for h in links)  # a code-list concept
    assert any("/participation/" in h for h in links)  # a fact of a shared project
    for href in links:
        # an /id/ IRI answers 303 to its page (Cool URIs, docs/endpoint.md)
        r = httpx.get(urljoin(server, href), headers=HTML, timeout=60, follow_redirects=True)
        assert r.status_code == 200, href
        assert r.headers["content-type"].startswith("text/html") and "<h1>" in r.text


def test_page_escapes_labels_and_parameters(server):
    r, parsed = page(server, **{"for": "s", "limit": "20"})
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in r.text
    assert "<script>alert" not in r.text
    attack = '"><script>alert(1)</script>'
    r, parsed = page(server, **{"for": attack})
    assert r.status_code == 400
    assert parsed.errors and parsed.errors[0].startswith("parameter 'for': ")
    assert "<script>alert(1)" not in r.text and "&#34;&gt;&lt;script&gt;" in r.text


def test_page_without_parameters_is_the_form(server):
    r, parsed = page(server)
    assert r.status_code == 200 and not parsed.rows and not parsed.errors
    assert '<form class="match" method="get" action="/match">' in r.text
    # the organisations to choose from, by CURIE, with their names
    assert '<option value="id:organisation/a">Alpha</option>' in r.text
    assert 'name="domain" value="D1"' in r.text and 'name="type" value="rto"' in r.text


def test_page_refusal_is_400_with_the_message(server):
    r, parsed = page(server, **{"for": "s", "exclude-region": "nowhere"})
    assert r.status_code == 400 and not parsed.rows
    assert parsed.errors[0].startswith("parameter 'exclude-region': no region or country")
    r, parsed = page(server, **{"for": "s", "format": "json"})
    assert r.status_code == 400 and parsed.errors[0].startswith("parameter 'format': ")


def test_served_pages_link_to_match(server):
    r = httpx.get(server + "/id/organisation/s.html", headers=HTML, timeout=60)
    parsed = _Results()
    parsed.feed(r.text)
    assert r.status_code == 200 and "/match" in parsed.nav
    assert 'href="/match"' in httpx.get(server + "/", headers=HTML, timeout=60).text


# --- the match runs on a worker, under the time limit ----------------------------------------


def test_a_match_over_the_time_limit_is_stopped(world):
    # a match of the world takes well over 0.1 s on rdflib: its worker is killed at the limit
    with running_server(world, "--timeout", "0.1", "--workers", "1") as url:
        r = api(url, team="s", fill="3")
        assert r.status_code == 504, r.text
        assert "time limit of 0.1 s" in r.json()["error"]
        assert httpx.get(url + "/health", timeout=10).json()["replaced"] >= 1


# --- the seed knowledge base, on Oxigraph ---------------------------------------------------


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's own sources (the server writes its log into the project)."""
    root = tmp_path_factory.mktemp("seed-match")
    for folder in ("ontology", "shapes", "queries", "data/ttl"):
        shutil.copytree(REPO / folder, root / folder, symlinks=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_seed_afil_answers_as_kb_match(seed):
    with running_server(seed, "--engine", "oxigraph") as url:
        r = api(url, **{"for": "id:organisation/afil", "limit": "5"})
        assert r.status_code == 200, r.text
        body = r.json()
        want = expected(seed, "oxigraph", organisation=URIRef(ORG + "afil"), limit=5)
        assert len(body["suggestions"]) == 5
        assert_same(body, want)
        assert all(s["evidence"] and s["reasons"] for s in body["suggestions"])
        _r, parsed = page(url, **{"for": "id:organisation/afil", "limit": "3"})
        links = sorted({href for row in parsed.rows for href in row["facts"]})
        assert len(parsed.rows) == 3 and links
        for href in links:
            r = httpx.get(urljoin(url, href), headers=HTML, timeout=60, follow_redirects=True)
            assert r.status_code == 200, href
