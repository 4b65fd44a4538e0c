"""Issue 17, items 2 and 3: the published pages show the seeds whole and as the sources print
them (the EFFRA matrix, Annex 1's table, the ECCP and SciTransfer blocks on AFIL's page), and
the computed figures say what they count. The site is the one tests/test_publish.py publishes.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from test_publish import published_site

# The EFFRA matrix's columns (§3.2) and Annex 1's rows, as the concept note prints them.
EFFRA_COLUMNS = (
    "minalogic viameca plastipolis afil eurecat cep cluster-digital-catalunya flanders-make "
    "microtec-sudwest bwcon cluj-it-cluster pool-net"
).split()
ANNEX_1_ROWS = (
    "plastipolis viameca minalogic afil microtec-sudwest bwcon flanders-make cluj-it-cluster "
    "pool-net cluster-digital-catalunya cep"
).split()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return published_site(tmp_path_factory)


class Cells(HTMLParser):
    """The rows of every table of a page: for each <tr>, its cells as (tag, text, hrefs)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[tuple[str, str, list[str]]]]] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = [tag, "", []]
        elif tag == "a" and self._cell is not None:
            self._cell[2].append(dict(attrs).get("href", ""))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            tag_, text, hrefs = self._cell
            self.tables[-1][-1].append((tag_, " ".join(text.split()), hrefs))
            self._cell = None


def tables(path) -> list:
    parser = Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def slug(href: str) -> str:
    return href.rsplit("/", 1)[-1].removesuffix(".html")


def test_effra_matrix_is_shown_as_the_source_prints_it(site):
    _result, out, _ = site
    (table,) = tables(out / "views" / "heatmap.html")
    header, body = table[0], table[1:]
    # organisations as columns, in the source's order, each linked to its page
    assert [slug(c[2][0]) for c in header[1:-2]] == EFFRA_COLUMNS
    assert header[1 + EFFRA_COLUMNS.index("afil")][1] == "AFIL"
    # domains as rows, D1..D6, each with its name (not only in a tooltip)
    domains = [row for row in body if row[0][1][:2] in {f"D{i}" for i in range(1, 7)}]
    assert [row[0][1][:2] for row in domains] == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert domains[0][0][1].startswith("D1 Advanced Manufacturing processes")
    assert domains[3][0][1].startswith("D4 Collaborative and mobile enterprises")
    d1 = domains[0]
    catalunya = 1 + EFFRA_COLUMNS.index("cluster-digital-catalunya")
    assert d1[catalunya][1].startswith("•")  # the bullet, read covered (uncertain)
    assert d1[1][1] == "·" and d1[2][1].startswith("Х")  # Minalogic unmarked, ViaMéca Cyrillic
    # per domain: covered and uncertain counted apart (D1: nine covered, the bullet apart)
    assert [c[1] for c in d1[-2:]] == ["9", "1"]
    covered = next(row for row in body if row[0][1] == "domains covered")
    uncertain = next(row for row in body if row[0][1] == "uncertain readings")
    assert covered[catalunya][1] == "3" and uncertain[catalunya][1] == "1"
    assert covered[1 + EFFRA_COLUMNS.index("minalogic")][1] == "4"


def test_annex_1_consortium_figures_are_on_a_page(site):
    result, out, _ = site
    page = out / "views" / "consortium-figures.html"
    (table,) = tables(page)
    header, rows = table[0], table[1:]
    assert [c[1] for c in header] == [
        "partner",
        "Size of the Network",
        "Connections to Business Networks",
        "Number of SMEs",
        "Main Thematic",
        "Projects References",
        "Activities linked to Industry 4.0",
        "Common 4M Background",
    ]
    assert [slug(row[0][2][0]) for row in rows] == ANNEX_1_ROWS
    afil = rows[ANNEX_1_ROWS.index("afil")]
    assert "147" in afil[1][1] and "members 147" in afil[1][1]
    assert "92" in afil[3][1] and "Advanced Manufacturing" in afil[4][1]
    # every cell value cites Annex 1
    for row in rows:
        for _tag, text, hrefs in row[1:]:
            if text:
                assert any("source/4m4iof-concept-note/annex-1" in h for h in hrefs), (row[0], text)
    # every text fact the Annex 1 graph states for a partner is on the page, verbatim
    text = html.unescape(page.read_text(encoding="utf-8"))
    facts = result.store.query(
        "PREFIX mc: <https://w3id.org/mfg-clusters/ontology#> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } ?g prov:wasDerivedFrom "
        "<https://w3id.org/mfg-clusters/id/source/4m4iof-concept-note/annex-1> . "
        "VALUES ?p { mc:businessNetworkConnection mc:mainThematic mc:projectReference "
        "mc:industry40Activity mc:common4MBackground } }"
    ).rows
    assert len(facts) > 50
    missing = [str(o) for (o,) in facts if str(o) not in text]
    assert not missing, missing[:3]


def test_home_page_links_the_annex_1_view(site):
    _result, out, _ = site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="views/consortium-figures\.html"', home)


def headings_of_rows(path) -> dict[str, list[str]]:
    """For each fact row (dt) of a resource page, the headings (h2) of the groups it is in."""
    text = path.read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for section in re.findall(r'<section class="facts">(.*?)</section>', text, flags=re.S):
        heading = html.unescape(re.search(r"<h2>(.*?)</h2>", section).group(1))
        for dt in re.findall(r"<dt>(.*?)</dt>", section, flags=re.S):
            out.setdefault(html.unescape(re.sub(r"<[^>]+>", "", dt)), []).append(heading)
    return out


def test_an_event_date_is_not_a_funding_fact(site):
    _result, out, _ = site
    rows = headings_of_rows(out / "id" / "event" / "vanguard-matchmaking-2016.html")
    assert rows["start date"] == ["When"], rows
    page = (out / "id" / "event" / "vanguard-matchmaking-2016.html").read_text(encoding="utf-8")
    assert "2016-02-25" in page and "<h2>Funding</h2>" not in page


def test_a_qualified_count_keeps_its_qualifier_wherever_it_is_named(site):
    result, out, _ = site
    page = html.unescape((out / "id" / "partnership" / "bbs-ict-network.html").read_text("utf-8"))
    assert "BBS ICT Network: members more than 20 (" in page
    assert "members 20 (" not in page
    # every figure the data qualifies (more than, about, ...) is named with its qualifier
    rows = result.store.query(
        "PREFIX mc: <https://w3id.org/mfg-clusters/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?f ?v ?q WHERE { ?f a mc:Figure ; mc:value ?v ; mc:qualifier ?qc . "
        "?qc skos:prefLabel ?q FILTER(lang(?q) = 'en' && ?qc != "
        "<https://w3id.org/mfg-clusters/code/qualifier/exact>) }"
    ).rows
    assert len(rows) > 10
    partnership = html.unescape((out / "id" / "partnership" / "4m4iof.html").read_text("utf-8"))
    assert "“Partners come from 6 different countries”" in partnership
    from kb.publish.data import SiteData

    data = SiteData(result.store, result.config.base_iri)
    for figure, value, qualifier in rows:
        assert f"{qualifier} {value}" in data.label(figure), (figure, data.label(figure))


def bare(text: str) -> str:
    """A cell's text without its bracketed source links."""
    return " ".join(re.sub(r"\[[^\]]*\]", " ", text).split())


def titled_tables(path) -> list[tuple[str, list]]:
    """(heading, rows) of each table section of a resource page, in page order."""
    text = path.read_text(encoding="utf-8")
    out = []
    for section in re.findall(r'<section class="table[^"]*">(.*?)</section>', text, flags=re.S):
        parser = Cells()
        parser.feed(section)
        heading = html.unescape(re.search(r"<h2>(.*?)</h2>", section).group(1))
        out.append((heading, parser.tables[0][1:] if parser.tables else []))
    return out


ECCP = "ECCP profile of AFIL, "
PLAYERS = ECCP + "Composition of the cluster: major players"
EVENT = ECCP + "Success Story / Achievements: event"
WORKGROUPS = ECCP + "Success Story / Achievements: workgroups in figures"
EXPERTISE = "SciTransfer profile of AFIL, Core expertise: What they specialise in: expertise areas"


def test_afil_page_shows_the_eccp_blocks_in_the_profiles_order(site):
    _result, out, _ = site
    found = titled_tables(out / "id" / "organisation" / "afil.html")
    titles = [t for t, _rows in found]
    # the ECCP profile's order of blocks: composition before the success story; then SciTransfer
    assert [titles.index(t) for t in (PLAYERS, EVENT, WORKGROUPS, EXPERTISE)] == sorted(
        titles.index(t) for t in (PLAYERS, EVENT, WORKGROUPS, EXPERTISE)
    )
    tables = dict(found)
    players = [(bare(row[0][1]), bare(row[1][1])) for row in tables[PLAYERS]]
    assert players == [
        ("Politecnico di Milano", "research organisation"),
        ("Indeva Group", "large company"),
        ("Tessitura Taiana Virgilio spa", "no type printed organisation"),
        ("CAMFART fabbrica mole srl", "no type printed organisation"),
        ("Whirlpool Europe S.r.l.", "large company"),
    ]
    (event,) = tables[EVENT]
    assert event[0][1].startswith("Vanguard Matchmaking Event")
    assert event[1][1].startswith("2016-02-25") and event[2][1].startswith("Brussels")
    figures = [bare(row[1][1]) for row in tables[WORKGROUPS]]
    assert figures == [
        "member organisations involved more than 70",
        "non-member organisations involved more than 60 uncertain reading",
        "recorded attendances more than 400",
        "meetings 30",
    ]
    # every block's values cite the section they were read from
    for title, section in ((PLAYERS, "composition"), (WORKGROUPS, "success-story")):
        for row in tables[title]:
            assert any(f"eccp-afil-profile/{section}" in h for h in row[0][2] + row[1][2]), row


def test_afil_page_shows_the_scitransfer_expertise_ranks_and_project_counts(site):
    _result, out, _ = site
    tables = dict(titled_tables(out / "id" / "organisation" / "afil.html"))
    rows = [tuple(bare(cell[1]) for cell in row[:3]) + (row[3][1],) for row in tables[EXPERTISE]]
    assert rows == [
        ("Manufacturing SME digital transformation", "primary", "projects 3",
         "ADMA TranS4MErs, AI REGIO, BEinCPPS"),
        ("Digital Innovation Hubs and regional smart specialisation alignment",
         "(no heading printed) uncertain reading", "projects 2", "ADMA TranS4MErs, AI REGIO"),
        ("AI for manufacturing", "emerging", "projects 1", "AI REGIO"),
        ("Manufacturing resilience and crisis response", "secondary", "projects 1", "Eur3ka"),
    ]  # fmt: skip
    for row in tables[EXPERTISE]:
        assert any("scitransfer-afil-profile/core-expertise" in h for h in row[2][2]), row


def test_the_cluster_page_lists_its_major_players_with_their_types(site):
    _result, out, _ = site
    tables = dict(titled_tables(out / "id" / "cluster" / "afil.html"))
    players = [bare(row[1][1]) for row in tables[PLAYERS]]
    assert players[:2] == ["research organisation", "large company"] and len(players) == 5
