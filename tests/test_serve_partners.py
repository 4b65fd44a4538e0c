"""The "Suggested partners" section of `kb serve`'s live organisation pages, against what
`kb publish --out DIR` writes for the same KB (a copy of the seed project): the same section
(partners, ranks, scores, reasons; links without the `.html` suffix, as every served page's),
every link in it answers 200 on the server, and `suggested_partners = 0` shows none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from conftest import KB, running_server
from test_publish_match import _Section

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
AFIL = "id/organisation/afil"
PROJECT = "id/project/3d-hipmas"


def seed_copy(root: Path, suggested_partners: int | None = None) -> Path:
    """A copy of the seed project (`suggested_partners` set in its [tool.kb] when given)."""
    root.mkdir(parents=True)
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, root / name)
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    if suggested_partners is not None:
        text, count = re.subn(
            r"(?m)^suggested_partners = \d+$", f"suggested_partners = {suggested_partners}", text
        )
        assert count == 1
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def kb_publish(project: Path, out: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "KB_SUGGESTED_PARTNERS"}
    subprocess.run(
        [str(KB), "publish", "--out", str(out), "-q"],
        cwd=project,
        env=env | {"KB_ROOT": str(project)},
        check=True,
        timeout=600,
    )
    return out


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_copy(tmp_path_factory.mktemp("serve-partners") / "kb")


@pytest.fixture(scope="module")
def published(seed: Path) -> Path:
    return kb_publish(seed, seed.parent / "published")


@pytest.fixture(scope="module")
def server(seed: Path) -> Iterator[str]:
    with running_server(seed, "--timeout", "60") as url:
        yield url


def get(url: str, **kwargs) -> httpx.Response:
    return httpx.get(url, timeout=120, **kwargs)


def section(html: str) -> _Section:
    parser = _Section()
    parser.feed(html)
    return parser


def served_page(server: str, path: str) -> httpx.Response:
    page = get(f"{server}/{path}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and page.url.path == f"/{path}.html"
    return page


def rows(parsed: _Section) -> list[tuple[str, str, str]]:
    return [(r["rank"].strip(), r["partner"].strip(), r["score"].strip()) for r in parsed.rows]


def test_the_live_page_shows_the_published_suggested_partners(server, published):
    live = section(served_page(server, AFIL).text)
    static = section((published / f"{AFIL}.html").read_text(encoding="utf-8"))
    assert static.found and live.found, "AFIL's pages have a Suggested partners section"
    assert len(static.rows) == 5, "the seed project's suggested_partners"
    assert [name for _, name, _ in rows(live)] == [name for _, name, _ in rows(static)]
    assert rows(live) == rows(static)  # the same ranks and scores too
    # The same markup: the published links end in .html, the served ones (at the pages'
    # IRI paths, as every served page's links) do not.
    published_html = re.sub(r'\.html(?=[#"])', "", "".join(static.html))
    assert "".join(live.html) == published_html
    assert [r["href"] for r in live.rows] == [r["href"].removesuffix(".html") for r in static.rows]


def test_every_link_of_the_live_section_answers(server):
    page = served_page(server, AFIL)
    parsed = section(page.text)
    assert parsed.found and parsed.links
    checked: dict[str, str] = {}
    for href in parsed.links:
        url = urljoin(str(page.url), href)
        assert urlsplit(url).netloc == urlsplit(server).netloc, href  # all on this server
        target, _, anchor = url.partition("#")
        if target not in checked:
            r = get(target, headers={"Accept": "text/html"}, follow_redirects=True)
            assert r.status_code == 200, (href, r.status_code)
            checked[target] = r.text
        if anchor:  # a suggestion on the match list
            assert f'id="{anchor}"' in checked[target], href
    # the partners' pages, the match list with its formats and the page on how it is computed
    paths = {urlsplit(u).path for u in checked}
    assert "/partners" in paths
    assert "/id/match-list/organisation/afil" in paths
    assert "/id/match-list/organisation/afil.ttl" in paths
    for r in parsed.rows:
        assert urlsplit(urljoin(str(page.url), r["href"])).path in paths


def test_a_page_that_is_not_an_organisation_has_no_section(server, published):
    assert not section(served_page(server, PROJECT).text).found
    assert not section((published / f"{PROJECT}.html").read_text(encoding="utf-8")).found


def test_no_section_when_suggested_partners_is_0(tmp_path: Path):
    project = seed_copy(tmp_path / "kb", suggested_partners=0)
    with running_server(project, "--timeout", "60") as url:
        page = served_page(url, AFIL)
        assert "<h1>" in page.text
        assert not section(page.text).found
        assert 'id="suggested-partners"' not in page.text
        # nor any match list to link to
        assert get(f"{url}/id/match-list/organisation/afil.html").status_code == 404
