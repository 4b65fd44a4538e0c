"""Plugins (issue 13): a store back end, a result format or an importer added by writing one
module and declaring it as an entry point, with no edit to kb itself. The plugin here is a real
installed distribution (a dist-info folder on the path, as pip writes one), seen by a real `kb`
process."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from kb.core.errors import KBError
from kb.core.plugins import IMPORTERS, RESULT_FORMATS, STORES, Registry
from tests.conftest import KB, make_project

PLUGIN = '''
"""A plugin package: a store back end and a result format, as a user would write them."""
from kb.sparql.results import ResultFormat
from kb.store.oxigraph import OxigraphStore


class CountingStore(OxigraphStore):
    """Oxigraph, counting the queries it answers."""

    name = "counting"
    queries = 0

    def query(self, text, *args, **kwargs):
        CountingStore.queries += 1
        return super().query(text, *args, **kwargs)


def _markdown(result, prefixes):
    lines = ["| " + " | ".join(result.variables) + " |"]
    lines.append("|" + "---|" * len(result.variables))
    for row in result.rows:
        lines.append("| " + " | ".join("" if t is None else str(t) for t in row) + " |")
    return "\\n".join(lines) + "\\n"


MARKDOWN = ResultFormat("text/markdown", _markdown, "turtle")


def add_greeting(what):
    """`kb import greeting --out FILE`: an importer writing one self-describing Turtle file."""
    p = what.add_parser("greeting", help="a greeting as Turtle")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_greet)


def _greet(args):
    from pathlib import Path

    from kb.core.fileio import atomic_writer

    with atomic_writer(Path(args.out)) as out:
        out.write("<> a <https://w3id.org/mfg-clusters/ontology#SourceGraph> .\\n")
    return 0
'''


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A folder holding the plugin module and its dist-info (METADATA, entry_points.txt)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "kb_demo_plugin.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "kb_demo_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kb-demo-plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        textwrap.dedent(
            """\
            [kb.stores]
            counting = kb_demo_plugin:CountingStore
            rdflib = kb_demo_plugin:CountingStore

            [kb.result_formats]
            markdown = kb_demo_plugin:MARKDOWN

            [kb.importers]
            greeting = kb_demo_plugin:add_greeting
            """
        ),
        encoding="utf-8",
    )
    return site


def test_the_built_in_plugins_load_by_name():
    assert STORES.names()[:2] == ("rdflib", "oxigraph")
    assert RESULT_FORMATS.names()[:5] == ("json", "xml", "csv", "tsv", "table")
    assert RESULT_FORMATS.load("tsv").media_type == "text/tab-separated-values"
    assert IMPORTERS.names()[:3] == ("countries", "nuts", "nace")
    with pytest.raises(KBError, match=r"unknown store 'nope'; choose one of rdflib, oxigraph"):
        STORES.load("nope")


def test_a_registered_store_is_found_and_cannot_replace_a_built_in(plugin_path, monkeypatch):
    monkeypatch.syspath_prepend(str(plugin_path))
    stores = Registry("kb.stores", "store", STORES.builtin)  # a fresh look at the entry points
    assert "counting" in stores
    assert stores.targets["rdflib"] == "kb.store.rdflib_memory:RdflibStore"
    store = stores.load("counting")()
    store.add_graph("urn:g", [])
    assert store.query("ASK { }").boolean is True
    assert type(store).queries == 1


def test_a_registered_store_and_format_work_from_the_command_line(plugin_path, tmp_path):
    root = make_project(
        tmp_path / "kb",
        {
            "a.ttl": "@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .\n"
            "<https://w3id.org/mfg-clusters/id/cluster/x> a mc:ClusterOrganisation ;\n"
            '    <http://www.w3.org/2000/01/rdf-schema#label> "X"@en .\n'
        },
    )
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(text.replace('store = "rdflib"', 'store = "counting"'))
    query = root / "q.rq"
    query.write_text(
        "SELECT ?label WHERE { <https://w3id.org/mfg-clusters/id/cluster/x>\n"
        "  <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "KB_ROOT": str(root)}
    build = subprocess.run([str(KB), "build"], env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run(
        [str(KB), "query", "run", "--file", str(query), "--format", "markdown"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "| label |\n|---|\n| X |\n"
    out = tmp_path / "greeting.ttl"
    greet = subprocess.run(
        [str(KB), "import", "greeting", "--out", str(out)], env=env, capture_output=True, text=True
    )
    assert greet.returncode == 0, greet.stderr
    assert out.read_text(encoding="utf-8").startswith("<> a <https://w3id.org/mfg-clusters/")
    # without the plugin installed, the same names are refused with the choices
    bare = {**os.environ, "KB_ROOT": str(root)}
    refused = subprocess.run([str(KB), "build"], env=bare, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "store must be one of rdflib, oxigraph, not 'counting'" in refused.stderr
