"""Stated against computed H2020 metrics (issue 17, point 2): the organisation page and the
stored query compare like with like and agree with each other."""

from __future__ import annotations

from decimal import Decimal

from query_fixtures import seed_kb  # noqa: F401  (pytest fixture)
from rdflib import URIRef

from kb.publish.metrics import organisation_metrics
from kb.publish.pages import render_resource

AFIL = URIRef("https://w3id.org/mfg-clusters/id/organisation/afil")
MEASURE = "https://w3id.org/mfg-clusters/code/measure/"


def _union(kb):
    return kb.store.graph()  # every named graph, asserted and inferred


def test_afil_metrics_compare_h2020_with_h2020(seed_kb):  # noqa: F811
    metrics = {m.measure: m for m in organisation_metrics(_union(seed_kb), AFIL)}
    # AFIL's participations in the KB: 13 projects of every programme, 5 of them H2020
    # (BEinCPPS, AI REGIO, ADMA TranS4MErs, Eur3ka, SCREEN): the 5 SciTransfer states.
    assert metrics["projects"].computed == 5 and metrics["projects"].agreement == "agrees"
    assert metrics["coordinator-roles"].agreement == "agrees"
    # the KB holds one of the five EC contributions (AI REGIO, EUR 156,125), not 494K
    assert metrics["ec-funding"].computed == Decimal("156125")
    assert metrics["ec-funding"].basis == 1 and metrics["ec-funding"].agreement == "differs"
    assert metrics["unique-partners"].agreement == "differs"
    # only H2020 figures are compared: the header's and the collaboration profile's, not the
    # analysis note's "based on 5 projects" nor Annex 1's figures about AFIL
    stated = {str(s.figure).rsplit("/", 1)[-1] for s in metrics["projects"].stated}
    assert stated == {"scitransfer-header", "scitransfer-collaboration-profile"}


def test_stored_query_gives_the_page_figures(seed_kb):  # noqa: F811
    rows = seed_kb.execute("stated-vs-computed-metrics").rows
    names = seed_kb.execute("stated-vs-computed-metrics").variables
    answer = {str(r[0]).rsplit("/", 1)[-1]: dict(zip(names, r, strict=True)) for r in rows}
    for m in organisation_metrics(_union(seed_kb), AFIL):
        row = answer[m.measure]
        assert Decimal(str(row["computed"])) == m.computed, m.measure
        assert str(row["agreement"]) == m.agreement, m.measure
        assert int(row["basis"]) == m.basis, m.measure


def test_afil_page_says_what_each_computed_figure_counts(seed_kb):  # noqa: F811
    html = render_resource(seed_kb.store, str(AFIL))
    assert "H2020 metrics: computed here and stated by the sources" in html
    assert "projects of Horizon 2020 (or a programme directly under it)" in html
    assert "156,125 EUR" in html and "approximately 494,000 EUR" in html
    assert "differs" in html and "agrees" in html
    table = html.split("H2020 metrics")[1].split("</table>")[0]
    assert "<td>H2020 projects</td><td>5</td>" in table
