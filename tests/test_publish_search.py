"""The published site's client-side search index (issue 12, part 2): search/index.json is
bounded (entries and bytes, the most important resources first, the rest counted as left
out) and deterministic (the same KB gives the same bytes), on the seed knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.build.pipeline import build
from kb.core.config import load_config
from kb.publish.data import SiteData
from kb.publish.search_index import IMPORTANCE, MAX_BYTES, MAX_ENTRIES, client_index, pages

REPO = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/mfg-clusters/id/"


def _site_data() -> SiteData:
    config = load_config(REPO)
    result = build(config, validate_data=False, run_integrity_checks=False)
    return SiteData(result.store, config.base_iri, result.inferred_graph_iri)


@pytest.fixture(scope="module")
def data() -> SiteData:
    return _site_data()


def test_the_seed_fits_whole_within_the_bounds(data):
    index = client_index(data)
    doc = json.loads(index.body)
    assert index.entries == index.total == len(pages(data)) == len(doc["entries"])
    assert doc["left_out"] == 0 and len(index.body) <= MAX_BYTES
    assert doc["bounds"] == {"entries": MAX_ENTRIES, "bytes": MAX_BYTES}
    by_iri = {e[1]: e for e in doc["entries"]}
    path, _iri, type_id, label, names, description = by_iri[ID + "organisation/afil"]
    assert path == "id/organisation/afil" and label and doc["types"][type_id]
    assert "AFIL" in [label, *names]
    assert all(len(e[5]) <= 160 for e in doc["entries"])


def test_the_bound_keeps_the_most_important_first_and_counts_the_rest(data):
    whole = client_index(data)
    small = client_index(data, max_entries=50)
    doc = json.loads(small.body)
    assert small.entries == len(doc["entries"]) == 50
    assert doc["left_out"] == small.left_out == whole.total - 50
    # the kept ones are the first 50 of the whole index, in the same order
    assert doc["entries"] == json.loads(whole.body)["entries"][:50]
    kinds = {kind: (kept, out) for kind, kept, out in small.kinds}
    assert kinds["clusters"][1] == 0 and kinds["cluster organisations"][1] == 0
    assert sum(out for _k, _kept, out in small.kinds) == small.left_out
    assert [k for k, _kept, _out in small.kinds][: len(IMPORTANCE)] == [k for _c, k in IMPORTANCE]
    # a byte bound: the file never exceeds it, and holds as much as fits
    for limit in (20_000, 60_000):
        bounded = client_index(data, max_bytes=limit)
        assert len(bounded.body) <= limit < len(whole.body)
        assert (
            json.loads(bounded.body)["entries"]
            == json.loads(whole.body)["entries"][: bounded.entries]
        )
        assert bounded.entries > limit // 400


def test_the_same_kb_gives_the_same_bytes(data):
    again = client_index(_site_data())
    assert again.body == client_index(data).body
