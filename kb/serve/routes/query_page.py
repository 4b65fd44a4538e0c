"""/ (and /sparql for a browser): the self-contained query page (no CDN: works offline), with
the project's stored queries to pick from, their parameters bound as `kb query run --endpoint`
binds them (kb/static/sparql-terms.js, shared with the static site's query page)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

QUERY_PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Manufacturing Clusters KB - SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;color:#222}
textarea{width:100%;height:14rem;font-family:ui-monospace,monospace;font-size:.9rem}
table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0} #status{margin-left:1rem;color:#555} .error{color:#a00;white-space:pre-wrap}
pre{background:#f7f7f7;padding:.5rem;overflow:auto}
</style></head><body>
<form class="search" role="search" method="get" action="/search" style="float:right">
<input type="search" name="q" aria-label="Search the knowledge base" placeholder="Search ...">
<button type="submit">Search</button></form>
<h1>Manufacturing Clusters KB &mdash; SPARQL</h1>
<p>A read-only SPARQL 1.1 endpoint at <code>__ENDPOINT__</code>: default graph = union of
all named graphs; at most __MAXROWS__ rows; __TIMEOUT__ s per query.</p>
<p class="stored"><label for="stored">Stored query</label> <select id="stored">
<option value="">(your own query)</option>
__STORED_OPTIONS__</select> <span id="question"></span></p>
<div id="params"></div>
<script type="application/json" id="kb-stored">__STORED_JSON__</script>
<form id="form" method="get" action="__ENDPOINT__">
<textarea id="query" name="query" spellcheck="false">__QUERY__</textarea><br>
<label>Results as <select id="format" name="format">
<option value="table">table</option><option value="json">JSON</option>
<option value="xml">XML</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="turtle">Turtle</option><option value="json-ld">JSON-LD</option>
<option value="nt">N-Triples</option></select></label>
<button type="submit">Run</button><span id="status"></span>
</form>
<div id="out"></div>
<script src="/static/sparql-terms.js"></script>
<script>
const form = document.getElementById("form"), out = document.getElementById("out");
const status = document.getElementById("status");
function cell(t) {
  if (!t) return "";
  const e = s => s.replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
  if (t.type === "uri") {
    const local = t.value.startsWith("__BASE__id/") ? "/id/" + t.value.slice("__BASE__id/".length)
      : t.value.startsWith("__BASE__") ? "/resource?iri=" + encodeURIComponent(t.value) : t.value;
    return '<a href="' + e(local) + '">' + e(t.value) + "</a>";
  }
  return e(t.value) + (t["xml:lang"] ? "@" + e(t["xml:lang"]) : "");
}
// The stored queries (queries/*.rq): picking one loads its text into the editor and offers
// its parameters, bound as RDF terms in a VALUES block at the start of the outermost WHERE
// group (the position comes with the page), as `kb query run --endpoint` binds them.
const kbStored = JSON.parse(document.getElementById("kb-stored").textContent);
const picker = document.getElementById("stored"), paramsBox = document.getElementById("params");
const editor = document.getElementById("query");
let pending = null;  // what keeps the picked query from running (a parameter without a value)
function bind() {
  const q = kbStored.queries[picker.value];
  pending = null;
  if (!q) return;
  const inputs = Array.from(paramsBox.querySelectorAll("input.param"));
  editor.value = q.text;
  if (!inputs.length) return;
  try {
    editor.value = kbSparql.withValues(q.text, q.values_at, inputs, kbStored.prefixes);
  } catch (e) { pending = e.message; }
  status.textContent = pending || "";
}
picker.addEventListener("change", () => {
  const q = kbStored.queries[picker.value];
  paramsBox.innerHTML = "";
  document.getElementById("question").textContent = q ? q.question : "";
  if (!q) { pending = null; return; }
  for (const p of q.parameters) {
    const row = document.createElement("p"), label = document.createElement("label");
    const input = document.createElement("input");
    input.className = "param"; input.name = p.name; input.value = p.default; input.size = 50;
    input.dataset.type = p.type; input.id = "param-" + p.name;
    label.htmlFor = input.id; label.textContent = "?" + p.name + " (" + p.type_label + ") ";
    row.append(label, input, " " + p.description);
    if (p.allowed.length) {
      const list = document.createElement("datalist");
      list.id = "allowed-" + p.name; input.setAttribute("list", list.id);
      for (const a of p.allowed) {
        const o = document.createElement("option"); o.value = a; list.append(o);
      }
      row.append(list);
    }
    paramsBox.append(row);
  }
  bind();
});
paramsBox.addEventListener("input", bind);
if (picker.value) picker.dispatchEvent(new Event("change"));
form.addEventListener("submit", async ev => {
  ev.preventDefault();
  if (pending) { status.textContent = pending; return; }
  const fmt = document.getElementById("format").value;
  const body = new URLSearchParams({query: document.getElementById("query").value});
  if (fmt !== "table") body.set("format", fmt);
  status.textContent = "running ...";
  const t0 = performance.now();
  const r = await fetch("__ENDPOINT__", {method: "POST", body,
    headers: {"Accept": fmt === "table" ? "application/sparql-results+json, text/turtle" : "*/*"}});
  const text = await r.text();
  const cap = r.headers.get("X-SPARQL-MaxRows");
  status.textContent = r.status + " in " + Math.round(performance.now() - t0) + " ms" +
    (cap ? " (capped at " + cap + ")" : "");
  out.innerHTML = "";
  if (!r.ok) { const p = document.createElement("p"); p.className = "error"; p.textContent = text;
    out.appendChild(p); return; }
  if (fmt === "table" && (r.headers.get("Content-Type") || "").includes("sparql-results+json")) {
    const data = JSON.parse(text);
    if ("boolean" in data) { out.textContent = "ASK: " + data.boolean; return; }
    const vars = data.head.vars;
    let h = "<table><tr>" + vars.map(v => "<th>" + v + "</th>").join("") + "</tr>";
    for (const b of data.results.bindings)
      h += "<tr>" + vars.map(v => "<td>" + cell(b[v]) + "</td>").join("") + "</tr>";
    out.innerHTML = h + "</table><p>" + data.results.bindings.length + " rows</p>";
  } else {
    const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
  }
});
</script>
<p><a href="/match">Partner matchmaking</a> &middot;
<a href="__ENDPOINT__?format=turtle">Service description</a></p>
</body></html>
"""

DEFAULT_QUERY = """PREFIX mc: <https://w3id.org/mfg-clusters/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (COUNT(?s) AS ?instances) WHERE {
  ?s a ?class .
  FILTER(STRSTARTS(STR(?class), STR(mc:)))
} GROUP BY ?class ORDER BY DESC(?instances)"""


def stored_queries(config: Any) -> list:
    """The project's stored queries as the static site's query page shows them (title,
    question, text without its header, parameters, where their VALUES block goes)."""
    from kb.publish.queries import catalogue, shown

    if config is None:
        return []
    return sorted(shown(catalogue(config), config), key=lambda q: q.title.lower())


def _shown_json(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class QueryPage:
    """The page, its stored queries read once (at start, in the web process)."""

    def __init__(self, settings: Any, base_iri: str, prefixes: Mapping[str, str], config: Any):
        self.settings = settings
        self.base_iri = base_iri
        self.shown = stored_queries(config)
        # JSON inside <script>: no "</" can end the element early
        self.stored_json = json.dumps(
            {"prefixes": dict(prefixes), "queries": {q.name: q for q in self.shown}},
            ensure_ascii=False,
            default=_shown_json,
        ).replace("<", "\\u003c")

    def stored_options(self, selected: str | None) -> str:
        return "".join(
            f'<option value="{html.escape(q.name)}"{" selected" if q.name == selected else ""}>'
            f"{html.escape(q.title)}</option>\n"
            for q in self.shown
        )

    def response(self, request):
        from starlette.responses import HTMLResponse

        page = (
            QUERY_PAGE.replace("__ENDPOINT__", "/sparql")
            .replace("__BASE__", self.base_iri)
            .replace("__MAXROWS__", str(self.settings.max_rows))
            .replace("__TIMEOUT__", f"{self.settings.timeout:g}")
            .replace("__QUERY__", html.escape(request.query_params.get("query") or DEFAULT_QUERY))
            .replace("__STORED_OPTIONS__", self.stored_options(request.query_params.get("stored")))
            .replace("__STORED_JSON__", self.stored_json)
        )
        return HTMLResponse(page, headers={"Vary": "Accept"})


async def home(request):
    return request.app.state.query_page.response(request)
