"""Regenerate the tables of seed 002 (EFFRA matrix, Annex 1, Annex 2) from the knowledge base with
SPARQL and compare them cell by cell with tables written by hand from the seed (tests/expected/)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kb.build.pipeline import build
from kb.core.config import load_config

EXPECTED = Path(__file__).parent / "expected"
ORG = "https://w3id.org/mfg-clusters/id/organisation/"
PREFIXES = """
PREFIX mc: <https://w3id.org/mfg-clusters/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX eurio: <http://data.europa.eu/s66#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX s: <https://w3id.org/mfg-clusters/id/source/4m4iof-concept-note/>
"""


@pytest.fixture(scope="module")
def store():
    return build(load_config(), validate_data=False, run_integrity_checks=False).store


def read_tsv(name: str) -> list[dict[str, str]]:
    with open(EXPECTED / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def slug(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_effra_matrix_cell_by_cell(store):
    res = store.query(
        PREFIXES
        + """SELECT ?org ?domain ?mark ?reading WHERE {
            ?m a mc:EffraDomainMapping ; mc:mappedOrganisation ?org ; mc:mappedDomain ?domain ;
               mc:sourceMark ?mark ; mc:markReading ?reading ; mc:section s:effra-mapping .
        }"""
    )
    got = {(slug(o), slug(d)): (str(m), slug(r)) for o, d, m, r in res.rows}
    expected = read_tsv("effra-matrix.tsv")
    assert len(expected) == 6
    n_cells = 0
    for row in expected:
        for org, mark in row.items():
            if org == "domain":
                continue
            n_cells += 1
            cell = got.get((org, row["domain"]))
            if mark == "":
                assert cell is None, (org, row["domain"])
            else:
                assert cell is not None, (org, row["domain"])
                assert cell[0] == mark, (org, row["domain"], cell[0], mark)
                assert cell[1] == ("covered-uncertain" if mark == "\u2022" else "covered")
    assert n_cells == 72
    assert len(got) == sum(1 for r in expected for k, v in r.items() if k != "domain" and v)


def test_effra_direct_links_only_for_certain_cells(store):
    res = store.query(
        PREFIXES
        + """SELECT ?org ?domain WHERE {
            ?m a mc:EffraDomainMapping ; mc:mappedOrganisation ?org ; mc:mappedDomain ?domain ;
               mc:markReading ?r .
            FILTER NOT EXISTS { ?org mc:effraDomain ?domain }
        }"""
    )
    assert {(slug(o), slug(d)) for o, d in res.rows} == {("cluster-digital-catalunya", "D1")}


ANNEX1_FIGURE = (
    PREFIXES
    + """
SELECT ?value ?qual WHERE {
    ?f mc:figureOf ?org ; mc:measure ?measure ; mc:section s:annex-1 ; mc:value ?value ;
       mc:qualifier ?qual .
    FILTER NOT EXISTS { ?f mc:scopeNote ?note FILTER(CONTAINS(LCASE(STR(?note)), "target group")) }
}"""
)


@pytest.mark.parametrize("row", read_tsv("annex-1.tsv"), ids=lambda r: r["cluster"])
def test_annex_1_row(store, row):
    from rdflib import URIRef

    org = URIRef(ORG + row["cluster"])
    code = "https://w3id.org/mfg-clusters/code/measure/"
    for measure, col in (("members", "members"), ("sme-members", "smes")):
        res = store.query(ANNEX1_FIGURE, {"org": org, "measure": URIRef(code + measure)})
        assert [(int(v), slug(q)) for v, q in res.rows] == [
            (int(row[col]), row[col + "_qualifier"])
        ], (row["cluster"], measure)
    res = store.query(
        PREFIXES
        + """SELECT ?t WHERE {
            GRAPH ?g { ?org mc:mainThematic ?t } ?g prov:wasDerivedFrom s:annex-1 }""",
        {"org": org},
    )
    assert [str(t) for (t,) in res.rows] == [row["main_thematic"]]


def test_annex_1_every_column_present_for_every_cluster(store):
    res = store.query(
        PREFIXES
        + """SELECT ?org (COUNT(DISTINCT ?p) AS ?n) WHERE {
            GRAPH ?g { ?org ?p ?o } ?g prov:wasDerivedFrom s:annex-1 .
            VALUES ?p { mc:businessNetworkConnection mc:mainThematic mc:projectReference
                        mc:industry40Activity mc:common4MBackground }
        } GROUP BY ?org"""
    )
    got = {slug(o): int(n) for o, n in res.rows}
    assert got == {r["cluster"]: 5 for r in read_tsv("annex-1.tsv")}


def test_annex_2_rows(store):
    res = store.query(
        PREFIXES
        + """SELECT ?acr ?topic ?title ?scheme ?stated ?country WHERE {
            GRAPH ?g { ?p mc:acronym ?acr ; dct:title ?title ; mc:callTopic ?t . }
            ?g prov:wasDerivedFrom s:annex-2 .
            ?t skos:notation ?n . OPTIONAL { ?t skos:hiddenLabel ?h }
            BIND(COALESCE(?h, ?n) AS ?topic)
            OPTIONAL { GRAPH ?g { ?p mc:fundingScheme ?sc } ?sc skos:notation ?scheme }
            ?part mc:inProject ?p ; mc:participant ?o ; mc:statedAs ?stated ; mc:section s:annex-2 .
            ?o mc:country ?country .
        }"""
    )
    got: dict[str, tuple] = {}
    for acr, topic, title, scheme, stated, country in res.rows:
        key = str(acr)
        head = (str(topic), str(title), str(scheme or ""))
        prev = got.setdefault(key, (head, set()))
        assert prev[0] == head, key
        prev[1].add(f"{stated}|{slug(country)}")
    expected = read_tsv("annex-2.tsv")
    assert len(expected) == 13
    assert set(got) == {r["acronym"] for r in expected}
    for r in expected:
        head, partners = got[r["acronym"]]
        assert head == (r["topic"], r["title"], r["scheme"]), r["acronym"]
        assert partners == set(r["partners"].split(";")), r["acronym"]
