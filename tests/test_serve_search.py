"""/search of `kb serve` (issue 12, part 2): the text index answered as an HTML page of ranked
hits or as JSON, bad parameters refused with 400 naming them, the data's text escaped. The app
is Starlette's, called in-process (no lifespan: /search needs no query worker), on the text
index of the seed knowledge base (loaded and inferred, indexed as `kb serve` indexes it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.build.pipeline import build
from kb.core.config import load_config
from kb.fulltext.index import write_index
from kb.serve.app import create_app
from kb.serve.routes.search import marked, page_href
from kb.serve.state import ServeSettings

REPO = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/mfg-clusters/"
ROBOTICS = {BASE + f"id/project/{n}" for n in ("fourbythree", "symplexity", "horse", "perform")}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from starlette.testclient import TestClient

    config = load_config(REPO)
    result = build(config, validate_data=False, run_integrity_checks=False)
    folder = tmp_path_factory.mktemp("serve-search")
    index = folder / "search.sqlite"
    write_index(result.engine, index, result.inferred_graph_iri, "")
    app = create_app(
        ServeSettings(),
        str(folder / "kb.nq"),
        config.base_iri,
        config.prefixes,
        {},
        None,
        None,
        index,
    )
    return TestClient(app)  # not entered: no lifespan, no worker pool


def test_json_hits_are_ranked_with_type_label_snippet_and_iri(client):
    r = client.get(
        "/search",
        params={"q": "robot", "type": "mc:Project"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = r.json()
    assert doc["total"] == 4 and {h["iri"] for h in doc["hits"]} == ROBOTICS
    assert [h["rank"] for h in doc["hits"]] == [1, 2, 3, 4]
    scores = [h["score"] for h in doc["hits"]]
    assert scores == sorted(scores, reverse=True)
    for hit in doc["hits"]:
        assert hit["label"] and BASE + "ontology#Project" in hit["types"]
        assert re.search(r"\[robot\w*\]", hit["snippet"], re.I), hit["snippet"]
        assert hit["page"] == "/" + hit["iri"][len(BASE) :]
    # ?format=json says the same as Accept
    again = client.get("/search", params={"q": "robot", "type": "mc:Project", "format": "json"})
    assert again.json() == doc


def test_the_html_page_links_each_label_and_marks_the_words(client):
    r = client.get("/search", params={"q": "manufactur"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<form class="search" role="search" method="get" action="/search">' in r.text
    links = re.findall(r'<a class="hit" href="(/[^"]*)"', r.text)
    assert len(links) == 20 and sum(link.startswith("/id/") for link in links) >= 5
    assert re.search(r"<mark>manufactur\w*</mark>", r.text, re.I)
    assert 'value="manufactur"' in r.text  # the box keeps the words


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": "robot", "type": "mc:NoSuchClass"}, "type"),
        ({"q": "robot", "type": "nope:Project"}, "type"),
        ({"q": "robot", "type": "<javascript:x>"}, "type"),
        ({"q": "robot", "lang": "not a tag"}, "lang"),
        ({"q": "robot", "limit": "0"}, "limit"),
        ({"q": "robot", "limit": "many"}, "limit"),
        ({"q": "--"}, "q"),
        ({"q": ""}, "q"),
        ({"q": "robot", "format": "xml"}, "format"),
        ({"q": "robot", "colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, params, parameter):
    r = client.get("/search", params=params, headers={"Accept": "application/json"})
    assert r.status_code == 400, r.text
    assert f"parameter '{parameter}'" in r.json()["error"]
    page = client.get("/search", params=params, headers={"Accept": "text/html"})
    assert page.status_code == 400 and f"parameter &#39;{parameter}&#39;" in page.text


def test_no_words_is_the_empty_form_or_400_for_json(client):
    page = client.get("/search", headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<input id="q" name="q"' in page.text
    assert '<ol class="hits">' not in page.text
    assert client.get("/search", params={"format": "json"}).status_code == 400


def test_the_data_and_the_words_are_escaped():
    assert marked('<b>"x" & \ue000robot\ue001</b>') == (
        "&lt;b&gt;&quot;x&quot; &amp; <mark>robot</mark>&lt;/b&gt;"
    )
    assert page_href(BASE + "ontology#Region", BASE).startswith("/resource?iri=https%3A")
    assert page_href(BASE + "id/a b", BASE) == "/id/a%20b"


def test_typed_words_are_never_markup(client):
    r = client.get(
        "/search", params={"q": '<script>alert("x")</script>'}, headers={"Accept": "text/html"}
    )
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text


def test_a_query_string_that_is_not_utf8_is_refused(client):
    r = client.get("/search?q=%ff", headers={"Accept": "application/json"})
    assert r.status_code == 400 and "not UTF-8" in r.json()["error"]


def test_the_query_page_has_the_search_box(client):
    r = client.get("/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert '<form class="search" role="search" method="get" action="/search"' in r.text
