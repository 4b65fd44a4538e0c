"""The search boxes in a real headless Chromium (issue 12, part 2): on a page of `kb serve`,
typing a word in the header's box and pressing Enter lands on /search with the ranked hits;
on a published page (the site served from its folder by http.server, no KB server), the same
box lands on search/index.html, whose script ranks search/index.json's entries; a hit's link
opens its page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import running_server
from test_browser import browser, served  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ROBOTICS = {"FourByThree", "SYMPLEXITY", "HORSE", "PERFoRM"}


@pytest.fixture(scope="module")
def kb_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve-search") / "kb"
    root.mkdir()
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    with running_server(root, "--timeout", "60") as url:
        yield url


def _labels(page) -> list[str]:
    return page.locator("ol.hits li a.hit").all_inner_texts()


def test_the_box_of_a_served_page_finds_the_robotics_projects(browser, kb_server):  # noqa: F811
    page = browser.new_page()
    page.goto(kb_server + "/id/organisation/afil", wait_until="load")
    box = page.locator("header form.search input[name=q]")
    box.fill("robot")
    box.press("Enter")
    page.wait_for_url("**/search?q=robot")
    labels = _labels(page)
    assert ROBOTICS <= {label.strip() for label in labels}, labels
    marks = page.locator("ol.hits mark").all_inner_texts()
    assert marks and all(m.lower().startswith("robot") for m in marks), marks
    # the hit's link opens its page
    page.locator("ol.hits li a.hit", has_text="FourByThree").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/id/project/fourbythree.html")  # the IRI path, 303 to its page
    assert "FourByThree" in page.locator("h1").inner_text()
    page.close()


def test_the_box_of_a_published_page_searches_in_the_browser(browser, served):  # noqa: F811
    _result, _out, url = served
    page = browser.new_page()
    page.goto(url + "id/organisation/afil.html", wait_until="load")
    box = page.locator("header form.search input[name=q]")
    box.fill("robot")
    box.press("Enter")
    page.wait_for_url("**/search/index.html?q=robot")
    page.wait_for_selector("ol.hits li")
    labels = {label.strip() for label in _labels(page)}
    assert ROBOTICS <= labels, labels
    # accents and case folded, prefixes: "viameca" finds ViaMéca
    search_box = page.locator("#q")
    search_box.fill("viaméc")
    page.wait_for_function("document.querySelectorAll('ol.hits li').length > 0")
    assert any("ViaMéca" in label for label in _labels(page)), _labels(page)
    search_box.fill("VIAMECA")
    page.wait_for_function("document.querySelectorAll('ol.hits li').length > 0")
    assert any("ViaMéca" in label for label in _labels(page)), _labels(page)
    page.locator("ol.hits li a.hit").first.click()
    page.wait_for_load_state("load")
    assert "/id/" in page.url and page.url.endswith(".html")
    assert "ViaMéca" in page.locator("h1").inner_text()
    page.close()


def test_the_search_page_without_script_links_to_the_class_lists(browser, served):  # noqa: F811
    _result, _out, url = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "search/index.html?q=robot", wait_until="load")
    assert "search runs in your browser's script, which is off" in page.locator("main").inner_text()
    assert page.locator("ol.hits li").count() == 0
    page.locator("a", has_text="class lists").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("class/index.html")
    context.close()
