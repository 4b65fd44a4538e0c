"""A real headless Chromium uses `kb serve`'s /match page: it types an organisation into the
form, submits it, sees the ranked rows with their reasons, opens a row's evidence and clicks a
fact through to its page. A screenshot of the results is not blank.

The server is `kb serve` on the small world of tests/fixtures/match (orders known by hand).
Debian's chromium through Playwright's executable_path, as in test_browser.py (skipped without
/usr/bin/chromium, except in CI, where that fails).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_project, running_server
from test_browser import VARIANCE_JS, browser  # noqa: F401 - the browser fixture

pytestmark = [pytest.mark.browser, pytest.mark.server]

REPO = Path(__file__).resolve().parent.parent
WORLD = REPO / "tests" / "fixtures" / "match" / "world.ttl"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_project(
        tmp_path_factory.mktemp("browser-match"),
        {"world.ttl": WORLD.read_text(encoding="utf-8")},
        queries=REPO / "queries",
    )
    with running_server(root, "--timeout", "30") as url:
        yield url


def test_match_page_from_form_to_a_fact(browser, server, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.click("a:text-is('Partner matchmaking')")  # the query page links to /match
    assert page.url == server + "/match"
    assert page.locator("h1").inner_text() == "Partner matchmaking"
    # the organisations to choose from are offered by name
    assert page.locator("datalist#organisations option[value='id:organisation/s']").count() == 1
    page.fill("input#for", "id:organisation/s")
    page.fill("input#limit", "5")
    page.click("button:text-is('Suggest partners')")
    page.wait_for_selector("table.matches")
    assert "for=id%3Aorganisation%2Fs" in page.url

    rows = page.locator("table.matches tr.suggestion")
    assert rows.count() == 5
    assert rows.locator("td.rank").all_inner_texts() == ["1", "2", "3", "4", "5"]
    first = rows.first
    # Alpha covers all three of the seeker's EFFRA domains (worked out by hand)
    assert first.locator("td.organisation a").inner_text() == "Alpha"
    assert first.locator("ul.reasons li").first.inner_text() == "effra-shared 3.00: D1, D2, D3"
    for i in range(5):
        assert rows.nth(i).locator("ul.reasons li").count() >= 1

    png = page.screenshot(path=str(tmp_path / "match.png"), full_page=False)
    assert (tmp_path / "match.png").stat().st_size > 5000
    stats = page.evaluate(VARIANCE_JS, base64.b64encode(png).decode())
    assert stats["width"] == 1280 and stats["variance"] > 100, stats

    # open the evidence of the first row and follow a fact's object to its page
    evidence = first.locator("details.evidence")
    assert not evidence.locator("table.evidence").is_visible()
    evidence.locator("summary").click()
    facts = evidence.locator("table.evidence tbody tr")
    assert facts.count() == 3
    fact = facts.first
    assert fact.locator("td").first.inner_text() == "effra-shared"
    subject = fact.locator("a.fact").first
    assert subject.inner_text() == "Alpha"
    domain = fact.locator("a.fact").nth(1)
    name = domain.inner_text()
    href = domain.get_attribute("href")
    domain.click()
    page.wait_for_load_state()
    assert page.url == server + href
    assert page.locator("h1").inner_text() == name  # the EFFRA domain's own page

    # back, and the subject of the fact: Alpha's page states the fact, with its source
    page.go_back()
    page.locator("table.matches tr.suggestion").first.locator("summary").click()
    page.locator("table.evidence a.fact:text-is('Alpha')").first.click()
    page.wait_for_load_state()
    assert page.url == server + "/id/organisation/a.html"  # the IRI's 303 to its page
    assert page.locator("h1").inner_text() == "Alpha"
    assert page.locator(f"main a:text-is('{name}')").count() >= 1
    assert page.locator("nav a[href='/match']").count() == 1
    page.close()


def test_query_pages_bind_stored_query_parameters(browser, server):  # noqa: F811
    """Both query pages bind a stored query's parameters with kb/static/sparql-terms.js: kb
    serve's own page (/) writes the VALUES block into the editor, the static site's (/query)
    sends it to the endpoint and shows the answer."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/?stored=clusters-by-effra-domain")
    editor = page.locator("textarea#query")
    d3 = "<https://w3id.org/mfg-clusters/code/effra-domain/D3>"
    assert f"VALUES (?domain) {{ ({d3}) }}" in editor.input_value()
    page.fill("input#param-domain", "code:effra-domain/D1")
    assert "VALUES (?domain) { (<https://w3id.org/mfg-clusters/code/effra-domain/D1>) }" in (
        editor.input_value()
    )
    page.fill("input#param-domain", "not an IRI")
    assert "?domain: not an absolute IRI: not an IRI" in page.locator("#status").inner_text()

    page.goto(server + "/query", timeout=120_000)  # written by the site writer after start
    section = page.locator("section#clusters-by-effra-domain")
    section.locator("button").click()
    section.locator(".answer table").wait_for(timeout=30_000)
    assert section.locator(".status").inner_text().startswith("200 in ")
    assert errors == []
