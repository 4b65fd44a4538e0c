"""`kb serve`: a read-only SPARQL 1.1 Protocol endpoint and linked-data views over the built KB.

Starlette (under uvicorn) does the HTTP; rdflib's SPARQL-results and RDF serialisers write the
answers. Queries never run in the web process: each runs in a worker process holding its own
copy of the KB, so a query over the time limit is stopped by killing its worker (threads cannot
be stopped) and a fresh worker takes its place. A worker cannot touch the network: SERVICE is
refused, a query the check cannot parse is refused, and the kernel refuses the worker any IP
socket (kb.sandbox), so no query can make the server fetch anything or probe a port.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from rdflib import RDF, Graph, Literal, Namespace, URIRef

from ..errors import KBError, ParameterError
from ..results import MEDIA_TYPES, serialise
from ..sandbox import deny_network, limit_memory
from ..store import ProtocolDataset
from ..truncation import mark_graph, mark_results, notice
from . import site
from .pool import Busy, PoolLimits, QueryTimeout, WorkerPool

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

# Offers in server preference order: MIME type -> (kb.results format name, content type sent).
RESULT_OFFERS: dict[str, tuple[str, str]] = {
    "application/sparql-results+json": ("json", MEDIA_TYPES["json"]),
    "application/json": ("json", MEDIA_TYPES["json"]),
    "application/sparql-results+xml": ("xml", MEDIA_TYPES["xml"]),
    "text/csv": ("csv", MEDIA_TYPES["csv"] + "; charset=utf-8"),
    "text/tab-separated-values": ("tsv", MEDIA_TYPES["tsv"] + "; charset=utf-8"),
}
# MIME type -> (rdflib serialiser name, content type sent).
GRAPH_OFFERS: dict[str, tuple[str, str]] = {
    "text/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/ld+json": ("json-ld", "application/ld+json"),
    "application/n-triples": ("nt", "application/n-triples"),
    "application/rdf+xml": ("xml", "application/rdf+xml"),
    "application/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "text/n3": ("turtle", "text/turtle; charset=utf-8"),
    "application/x-json+ld": ("json-ld", "application/ld+json"),
}
# `?format=` / `output=` short names (SPARQLWrapper sends these as well as Accept).
RESULT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml"}
RESULT_NAMES |= {"csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
}
URL_SAFE = "/:@!$&'()*+,;=~%#?"  # what quote() leaves of a path or an IRI in a header
MAX_BODY = 1 << 20  # a SPARQL query longer than 1 MiB is not a query
MAX_QUERY_STRING = 64 << 10  # longer GET queries must be POSTed (414)
# uvicorn reads request lines and headers up to this size, so a longer GET still gets its 414
# instead of a reset connection.
MAX_REQUEST_HEAD = 2 * MAX_BODY


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    engine: str = "rdflib"
    timeout: float = 20.0
    max_rows: int = 10_000
    workers: int = 2
    worker_memory: int = 1024  # MiB a worker may allocate beyond the loaded KB
    long_after: float = 5.0  # a query running longer is long (kb.serve_pool)
    max_long: int = 2  # long queries at once
    per_client: int = 1  # queries running at once per client (remote address)


# --- content negotiation ---------------------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (malformed parts skipped)."""
    ranges = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        kind, _, sub = bits[0].partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in bits[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((bits[0].lower(), q))
    return ranges


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (the first offer when it states no preference)."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        q, specificity = 0.0, -1
        for media, mq in ranges:
            s = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            if s > specificity:
                q, specificity = mq, s
        if q > best_q:
            best, best_q = offer, q
    return best


# --- the worker process ----------------------------------------------------------------------


def _deny_network(event: str, _args: tuple) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError("this endpoint does not fetch anything from the network")


def _mentions_service(node: Any) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(
            _mentions_service(v) for v in node.values()
        )
    if isinstance(node, list | tuple | ParseResults):
        return any(_mentions_service(v) for v in node)
    return False


def protocol_dataset(values: Mapping[str, list[str]]) -> ProtocolDataset | None:
    """The dataset named by default-graph-uri / named-graph-uri, or None when neither is
    given (the default graph is then the union of all named graphs)."""
    default = values.get("default-graph-uri", [])
    named = values.get("named-graph-uri", [])
    if not default and not named:
        return None
    for key, iris in (("default-graph-uri", default), ("named-graph-uri", named)):
        for iri in iris:
            if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri) or any(
                c in '<>"{}|^`\\' or ord(c) <= 0x20 for c in iri
            ):
                raise _Refused(400, f"{key}: {iri!r} is not an absolute IRI")
    return ProtocolDataset(tuple(default), tuple(named))


TOO_DEEP = "the query nests too deeply to be checked; write it with fewer nested brackets"


class _Refused(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        parameter: str | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.parameter = parameter  # the request parameter at fault, when one is
        self.headers = dict(headers or {})


class _Worker:
    """Runs in the worker process: holds the KB and answers one task at a time."""

    def __init__(
        self,
        nquads: str,
        engine: str,
        prefixes: Mapping[str, str],
        base_iri: str,
        queries_dir: str | None = None,
    ):
        import rdflib.plugins.sparql

        from ..publish.pages import resource_renderer
        from ..store import load_nquads
        from .match import LIVE_NAV

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        sys.addaudithook(_deny_network)
        deny_network()  # the kernel's refusal also holds for Oxigraph's own HTTP client
        self.store = load_nquads(nquads, engine)
        self.nquads = nquads
        self.prefixes = dict(prefixes)
        self.base_iri = base_iri
        # Index the KB for the HTML pages now, not inside the first request's time limit.
        pages = resource_renderer(self.store, base_iri=base_iri, link_suffix="")
        pages.env.globals["live_nav"] = LIVE_NAV  # the served pages link to /match
        self.queries_dir = queries_dir
        self._matchmaker: Any = None

    def matchmaker(self):
        """The matchmaker on this worker's store (made at its first use)."""
        from pathlib import Path

        from .match import MatchService

        if self._matchmaker is None:
            folder = Path(self.queries_dir) if self.queries_dir is not None else None
            if folder is None or not (folder / "match").is_dir():
                raise _Refused(
                    404, "this knowledge base has no matchmaker: its project lacks queries/match/"
                )
            try:
                self._matchmaker = MatchService(self.store, folder, self.prefixes, self.base_iri)
            except KBError as exc:  # the project's weights or queries are broken
                raise _Refused(500, f"the matchmaker cannot start: {exc}") from None
        return self._matchmaker

    def match(self, arguments: dict, view: str) -> dict:
        """`kb match` with these arguments (already checked by the web process)."""
        from .match import http_error

        service = self.matchmaker()
        try:
            return service.answer(arguments, view)
        except KBError as exc:  # an unknown organisation or code, an impossible constraint
            message, parameter = http_error(exc)
            raise _Refused(400, message, parameter) from None

    def match_form(self) -> dict:
        return self.matchmaker().form()

    def check(self, text: str) -> None:
        """Refuse updates and federated queries before the engine sees them. A query this
        check cannot read is refused too: the engine's parser may read it otherwise."""
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

        try:
            tree = parseQuery(text)
        except ParseBaseException as exc:
            try:
                parseUpdate(text)
            except RecursionError:
                raise _Refused(400, TOO_DEEP) from None
            except Exception:
                raise _Refused(
                    400, f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}"
                ) from None
            raise _Refused(
                403, "this endpoint is read-only: SPARQL Update is not accepted"
            ) from None
        except RecursionError:
            raise _Refused(400, TOO_DEEP) from None
        except Exception as exc:  # noqa: BLE001 - whatever the parser trips on, never run it
            raise _Refused(400, f"the query could not be checked: {exc}") from None
        try:
            federated = _mentions_service(tree)
        except RecursionError:
            raise _Refused(400, TOO_DEEP) from None
        if federated:
            raise _Refused(400, "federated queries (SERVICE) are not allowed on this endpoint")

    def query(
        self,
        text: str,
        accept: str,
        fmt: str | None,
        max_rows: int,
        dataset: ProtocolDataset | None = None,
    ) -> dict:
        from ..store import QuerySyntaxError

        self.check(text)
        try:
            # the engine stops at the cap: a huge answer is never computed in full
            # relative IRIs resolve against the KB's base IRI, the same on both engines
            res = self.store.query(text, dataset=dataset, limit=max_rows, base=self.base_iri)
        except QuerySyntaxError as exc:
            raise _Refused(400, str(exc)) from exc
        headers = {"X-SPARQL-MaxRows": str(max_rows)} if res.truncated else {}
        if res.kind == "graph":
            assert res.graph is not None
            mime = _choose(accept, fmt, GRAPH_OFFERS, GRAPH_NAMES)
            serialiser, ctype = GRAPH_OFFERS[mime]
            body = _serialise_graph(res.graph, serialiser, self.prefixes)
            if res.truncated:
                body = mark_graph(body, serialiser, notice(max_rows, "triples"))
            return {"body": body, "type": ctype, "headers": headers}
        mime = _choose(accept, fmt, RESULT_OFFERS, RESULT_NAMES)
        name, ctype = RESULT_OFFERS[mime]
        body = serialise(res, name).encode("utf-8")
        if res.truncated:
            body = mark_results(body, name, notice(max_rows, "rows"))
        return {"body": body, "type": ctype, "headers": headers}

    def page(self, iri: str) -> dict:
        """The resource's HTML page, the same one the static site has (links without suffix,
        as the pages are served at their IRI paths)."""
        from ..publish.pages import render_resource, resource_renderer

        data = resource_renderer(self.store, base_iri=self.base_iri, link_suffix="").data
        if not data.anchors:  # the ontology page's anchors, once the site writer has them
            data.anchors.update(site.read_anchors(self.nquads))
        try:
            body = render_resource(self.store, iri, base_iri=self.base_iri, link_suffix="")
        except ParameterError:
            return {"found": False}
        return {"found": True, "body": body}

    def paths(self) -> dict:
        """Every resource page's site path -> its IRI (the things `kb serve` redirects to
        their documents), as the static site lays them out."""
        from ..publish.data import page_path
        from ..publish.pages import resource_renderer

        data = resource_renderer(self.store, base_iri=self.base_iri, link_suffix="").data
        found = {}
        for iri in data.resources:
            if "#" not in str(iri):
                found.setdefault(page_path(str(iri), self.base_iri), str(iri))
        return {"paths": found}

    def describe(self, iri: str, serialiser: str) -> dict:
        """The triples about `iri`, outgoing and incoming, in an RDF syntax."""
        subject = URIRef(iri)
        out = self.store.query("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": subject}).rows
        incoming = self.store.query("SELECT ?s ?p WHERE { ?s ?p ?o }", {"o": subject}).rows
        if not out and not incoming:  # a resource only pointed to still has its description
            return {"found": False}
        g = Graph()
        for p, o in out:
            g.add((subject, p, o))
        for s, p in incoming:
            g.add((s, p, subject))
        return {"found": True, "body": _serialise_graph(g, serialiser, self.prefixes)}


def _choose(
    accept: str, fmt: str | None, offers: Mapping[str, tuple[str, str]], names: Mapping[str, str]
) -> str:
    if fmt:
        mime = names.get(fmt.lower(), fmt.lower())
        if mime in offers:
            return mime
        if ranges := [m for m, _q in parse_accept(accept) if m in offers]:
            return ranges[0]  # SPARQLWrapper repeats its Accept in `format`; trust the header
        raise _Refused(406, f"unsupported format {fmt!r}; choose one of {', '.join(names)}")
    mime = negotiate(accept, list(offers))
    if mime is None:
        raise _Refused(
            406, f"none of the accepted types ({accept}) is offered; offered: {', '.join(offers)}"
        )
    return mime


def _serialise_graph(
    graph: Graph, serialiser: str, prefixes: Mapping[str, str] | None = None
) -> bytes:
    for prefix, ns in (prefixes or {}).items():
        graph.bind(prefix, ns, override=True)
    data = graph.serialize(format=serialiser, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()


def _worker_main(
    conn: Any,
    nquads: str,
    engine: str,
    prefixes: Mapping[str, str],
    base_iri: str,
    memory_mib: int = 1024,
    queries_dir: str | None = None,
) -> None:
    try:
        worker = _Worker(nquads, engine, prefixes, base_iri, queries_dir)
        limit_memory(memory_mib)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops
        conn.send({"status": 500, "message": f"worker could not load the KB: {exc}"})
        return
    conn.send({"ready": True})
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            if task["kind"] == "query":
                reply = worker.query(
                    task["query"], task["accept"], task["format"], task["max_rows"], task["dataset"]
                )
            elif task["kind"] == "page":
                reply = worker.page(task["iri"])
            elif task["kind"] == "match":
                reply = worker.match(task["arguments"], task["view"])
            elif task["kind"] == "match-form":
                reply = worker.match_form()
            elif task["kind"] == "paths":
                reply = worker.paths()
            else:
                reply = worker.describe(task["iri"], task["serialiser"])
            reply["status"] = 200
        except _Refused as exc:
            reply = {"status": exc.status, "message": str(exc), "parameter": exc.parameter}
        except RecursionError:  # rdflib evaluates nested expressions recursively
            reply = {"status": 400, "message": TOO_DEEP}
        except MemoryError:
            message = (
                f"the query needed more memory than the worker's {memory_mib} MiB; it was stopped"
            )
            conn.send({"status": 500, "message": message, "retire": True})
            return  # a fresh worker takes this one's place
        except Exception as exc:  # noqa: BLE001 - an engine failure on one query, not fatal
            reply = {"status": 500, "message": f"{type(exc).__name__}: {exc}"}
        conn.send(reply)


# --- HTML ------------------------------------------------------------------------------------

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
const BAD_IRI = /[\u0000-\u0020<>"{}|^`\\]/;
let pending = null;  // what keeps the picked query from running (a parameter without a value)
function term(input) {
  const value = input.value.trim(), type = input.dataset.type;
  if (!value) throw new Error("?" + input.name + " needs a value");
  if (type === "iri") {
    let iri = value.replace(/^<(.*)>$/, "$1");
    const i = iri.indexOf(":"), prefixes = kbStored.prefixes;
    if (i > 0 && prefixes[iri.slice(0, i)] && !iri.slice(i + 1).startsWith("//"))
      iri = prefixes[iri.slice(0, i)] + iri.slice(i + 1);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(iri) || BAD_IRI.test(iri))
      throw new Error("?" + input.name + ": not an absolute IRI: " + value);
    return "<" + iri + ">";
  }
  const lexical = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')
    .replace(/\n/g, "\\n").replace(/\r/g, "\\r");
  return '"' + lexical + '"^^<' + type + ">";
}
function bind() {
  const q = kbStored.queries[picker.value];
  pending = null;
  if (!q) return;
  const inputs = Array.from(paramsBox.querySelectorAll("input.param"));
  editor.value = q.text;
  if (!inputs.length) return;
  try {
    const block = "VALUES (" + inputs.map(p => "?" + p.name).join(" ") + ") { (" +
      inputs.map(term).join(" ") + ") }";
    editor.value = q.text.slice(0, q.values_at) + " " + block + " " + q.text.slice(q.values_at);
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


# --- the web application ---------------------------------------------------------------------


def stored_queries(config: Any) -> list:
    """The project's stored queries as the static site's query page shows them (title,
    question, text without its header, parameters, where their VALUES block goes)."""
    from ..publish.queries import catalogue, shown

    if config is None:
        return []
    return sorted(shown(catalogue(config), config), key=lambda q: q.title.lower())


def _shown_json(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class _Gone(Exception):
    """The client disconnected before its answer was ready."""


def _client(request) -> str:
    """Who is asking: the remote address (uvicorn takes it from X-Forwarded-For when the
    request comes through a trusted proxy, by default one on 127.0.0.1)."""
    return request.client.host if request.client else "unknown"


async def _unless_gone(request, work):
    """The result of `work`, or _Gone (with `work` cancelled) if the client disconnects."""

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(disconnected())
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    raise _Gone


def _form(text: str, where: str) -> dict[str, list[str]]:
    """Form-encoded parameters; a %-escape that is not UTF-8 is refused, not replaced."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise _Refused(400, f"{where} is not UTF-8 once %-decoded: {exc.reason}") from None


def _text(status: int, message: str, headers: Mapping[str, str] | None = None):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status, headers=dict(headers or {}))


def service_description(endpoint: str, graphs: Mapping[str, int], base_iri: str) -> Graph:
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    for fmt in ("SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    dataset = URIRef(base_iri + "dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, VOID.triples, Literal(sum(graphs.values()))))
    for name, count in graphs.items():
        node = URIRef(name)
        g.add((dataset, SD.namedGraph, node))
        g.add((node, SD.name, node))
        g.add((node, VOID.triples, Literal(count)))
    return g


def create_app(
    settings: ServeSettings,
    nquads: str,
    base_iri: str,
    prefixes: Mapping[str, str],
    graphs: Mapping[str, int],
    queries_dir: str | os.PathLike | None = None,
    config: Any = None,
):
    """The Starlette application; `nquads` is the built KB the workers load, `queries_dir`
    the project's stored queries (the matchmaker's are in its match/ folder), `config` the
    project's kb.config.Config (for the site's pages and the stored queries on `/`)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, Response
    from starlette.routing import Route

    state: dict[str, WorkerPool] = {}
    cache: dict[str, dict] = {}
    writing: dict[str, asyncio.Future] = {}
    writers: list = []  # the site writer's process, killed if the server stops first

    @asynccontextmanager
    async def lifespan(_app):
        limits = PoolLimits(
            workers=settings.workers,
            timeout=settings.timeout,
            long_after=min(settings.long_after, settings.timeout),
            max_long=settings.max_long,
            per_client=settings.per_client,
            queue_wait=max(60.0, 3 * settings.timeout),
        )
        folder = None if queries_dir is None else str(queries_dir)
        args = (nquads, settings.engine, dict(prefixes), base_iri, settings.worker_memory, folder)
        pool = WorkerPool(_worker_main, args, limits)
        state["pool"] = pool
        await pool.start()
        if config is not None:
            start_site()
        try:
            yield
        finally:
            pool.close()
            for process in writers:
                if process.is_alive():
                    process.kill()

    async def params(request: Request) -> tuple[dict[str, list[str]], str | None]:
        """Query-string and body parameters; the body text of a direct POST."""
        if len(request.url.query) > MAX_QUERY_STRING:
            raise _Refused(
                414, f"query string over {MAX_QUERY_STRING} bytes; POST a long query instead"
            )
        values = _form(request.url.query, "the query string")
        if request.method != "POST":
            return values, None
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            raise _Refused(413, f"request body over {MAX_BODY} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise _Refused(413, f"request body over {MAX_BODY} bytes")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Refused(
                400, f"the request body is not UTF-8 (byte {exc.start}: {body[exc.start]:#04x})"
            ) from None
        if ctype == "application/x-www-form-urlencoded":
            for k, v in _form(text, "the request body").items():
                values.setdefault(k, []).extend(v)
            return values, None
        if ctype == "application/sparql-update":
            raise _Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if ctype == "application/sparql-query":
            return values, text
        raise _Refused(
            415,
            "POST a query as application/sparql-query or application/x-www-form-urlencoded "
            f"(got {ctype or 'no Content-Type'})",
        )

    def sd_response(request: Request) -> Response:
        accept = request.headers.get("accept")
        fmt = request.query_params.get("format")
        mime = _choose(accept or "", fmt, GRAPH_OFFERS, GRAPH_NAMES)
        endpoint = str(request.url.replace(query=""))
        sd = service_description(endpoint, graphs, base_iri)
        body = _serialise_graph(sd, GRAPH_OFFERS[mime][0], {"sd": str(SD), "void": str(VOID)})
        return Response(body, media_type=GRAPH_OFFERS[mime][1], headers={"Vary": "Accept"})

    shown = stored_queries(config)
    # JSON inside <script>: no "</" can end the element early
    stored_json = json.dumps(
        {"prefixes": dict(prefixes), "queries": {q.name: q for q in shown}},
        ensure_ascii=False,
        default=_shown_json,
    ).replace("<", "\\u003c")

    def stored_options(selected: str | None) -> str:
        return "".join(
            f'<option value="{html.escape(q.name)}"{" selected" if q.name == selected else ""}>'
            f"{html.escape(q.title)}</option>\n"
            for q in shown
        )

    def query_page(request: Request) -> Response:
        page = (
            QUERY_PAGE.replace("__ENDPOINT__", "/sparql")
            .replace("__BASE__", base_iri)
            .replace("__MAXROWS__", str(settings.max_rows))
            .replace("__TIMEOUT__", f"{settings.timeout:g}")
            .replace("__QUERY__", html.escape(request.query_params.get("query") or DEFAULT_QUERY))
            .replace("__STORED_OPTIONS__", stored_options(request.query_params.get("stored")))
            .replace("__STORED_JSON__", stored_json)
        )
        return HTMLResponse(page, headers={"Vary": "Accept"})

    async def sparql(request: Request) -> Response:
        try:
            values, direct = await params(request)
            if "update" in values:
                raise _Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
            queries = values.get("query", [])
            if direct is not None:
                queries = [direct]
            if len(queries) > 1:
                raise _Refused(400, "more than one query given")
            if not queries:
                # Only a client that names text/html (a browser) gets the query page.
                accept = parse_accept(request.headers.get("accept"))
                browser = any(m == "text/html" and q > 0 for m, q in accept)
                if request.method == "GET" and browser and "format" not in values:
                    return query_page(request)
                return sd_response(request)
            if not queries[0].strip():
                raise _Refused(400, "the query is empty")
            dataset = protocol_dataset(values)
            fmt = (values.get("format") or values.get("output") or [None])[0]
            task = {
                "kind": "query",
                "query": queries[0],
                "accept": request.headers.get("accept", ""),
                "format": fmt,
                "max_rows": settings.max_rows,
                "dataset": dataset,
            }
            reply = await _unless_gone(request, state["pool"].run(task, _client(request)))
        except _Refused as exc:
            return _text(exc.status, exc.args[0])
        except QueryTimeout as exc:
            return _text(504, str(exc))  # not 503: clients retry 503, and the query would run again
        except Busy as exc:  # never started: a retry is safe
            return _text(exc.status, str(exc), {"Retry-After": str(exc.retry_after)})
        except _Gone:
            return Response(status_code=499)  # nobody reads it
        if reply["status"] != 200:
            return _text(reply["status"], reply["message"])
        headers = dict(reply["headers"]) | {"Vary": "Accept"}
        return Response(reply["body"], media_type=reply["type"], headers=headers)

    def choose_suffix(request: Request) -> str:
        """The document suffix a client asks for: `?format=` first, then Accept (a client
        naming no type, or */*, gets Turtle; a browser names text/html). _Refused 400/406."""
        fmt = request.query_params.get("format")
        if fmt:
            if fmt.lower() not in site.FORMATS:
                names = ", ".join(site.FORMATS)
                raise _Refused(400, f"unknown format {fmt!r}; choose one of {names}")
            return site.FORMATS[fmt.lower()]
        accept = request.headers.get("accept")
        mime = negotiate(accept, list(site.OFFERS)) if accept else "text/turtle"
        if mime is None:
            raise _Refused(406, f"offered: {', '.join(site.OFFERS)}", None, {"Vary": "Accept"})
        return site.OFFERS[mime]

    async def document(request: Request, iri: str, suffix: str) -> Response:
        """The document about `iri` in the syntax of `suffix`: the HTML page or the triples
        about it (outgoing and incoming), rendered by the page worker."""
        if suffix == ".html":
            task = {"kind": "page", "iri": iri}
        else:
            mime = next(m for m, s in site.OFFERS.items() if s == suffix)
            task = {"kind": "describe", "iri": iri, "serialiser": GRAPH_OFFERS[mime][0]}
        reply = await pooled(request, task, light=True)
        if not reply["found"]:
            return _text(404, f"no resource {iri} in this knowledge base")
        return Response(reply["body"], media_type=site.DOCUMENTS[suffix])

    async def resource(request: Request, iri: str) -> Response:
        """/resource?iri=: the description of any IRI, by Accept or `?format=` (200)."""
        headers = {"Vary": "Accept"}
        try:
            suffix = choose_suffix(request)
            if not valid_iri(iri):  # cannot name anything in the KB
                return _text(404, f"no resource {iri!r} in this knowledge base", headers)
            answer = await document(request, iri, suffix)
        except _Refused as exc:
            return _text(exc.status, exc.args[0], headers | exc.headers)
        except _Gone:
            return Response(status_code=499)
        answer.headers.update(headers)
        return answer

    def valid_iri(iri: str) -> bool:
        return not any(c in '<>"{}|^`\\' or ord(c) <= 0x20 for c in iri)

    async def resource_route(request: Request) -> Response:
        iri = request.query_params.get("iri")
        if not iri:
            return _text(400, "parameter 'iri' is required")
        return await resource(request, iri)

    # --- the static site's URL space (kb.serve_site) ------------------------------------------

    async def resource_paths(request: Request) -> dict[str, str]:
        """Site path -> IRI of every resource page (asked once of the page worker)."""
        if "paths" not in cache:
            cache["paths"] = await pooled(request, {"kind": "paths"}, light=True)
        return cache["paths"]["paths"]

    def start_site() -> asyncio.Future:
        """The site's other pages and files are written once, in the background from the
        start (niced, by a process of its own), into the server's temporary folder."""
        if "site" not in writing:
            folder = Path(nquads).parent / "site"
            writing["site"] = asyncio.get_running_loop().run_in_executor(
                None, site.run_site_writer, nquads, settings.engine, config, folder, writers
            )
        return writing["site"]

    async def site_folder() -> Path:
        """The folder of the site's other pages and files, once written."""
        if config is None:
            raise _Refused(404, "this server has no project configuration to publish")
        try:
            await asyncio.shield(start_site())
        except RuntimeError as exc:
            raise _Refused(500, str(exc)) from None
        return Path(nquads).parent / "site"

    def site_thing(path: str) -> bool:
        """A thing whose documents `kb publish` writes as site pages, not resource pages."""
        return path == "ontology" or path.startswith("id/query/")

    async def linked_data(request: Request) -> Response:
        """Every other path, as the published site has it: a thing's IRI path answers 303 to
        its document; documents and the site's files answer 200; anything else 404."""
        path = request.path_params["path"]
        try:
            if not site.safe_path(path.rstrip("/") or "/"):
                return _text(404, f"no page /{path} here")
            path = path.rstrip("/")
            stem, suffix = site.split_suffix(path)
            paths = await resource_paths(request)
            if not suffix and (path in paths or site_thing(path)):
                chosen = choose_suffix(request)
                if path in paths and not site_thing(path):
                    exists = True
                else:
                    exists = site.site_file(await site_folder(), path + chosen) is not None
                if not exists:
                    return _text(404, f"no {chosen} document about /{path}", {"Vary": "Accept"})
                target = "/" + quote(path + chosen, safe=URL_SAFE)
                return Response(
                    f"See Other: {target} (a document about {base_iri}{path})\n",
                    status_code=303,
                    media_type="text/plain; charset=utf-8",
                    headers={"Location": target, "Vary": "Accept"},
                )
            if suffix and stem in paths and not site_thing(stem):
                answer = await document(request, paths[stem], suffix)
                if answer.status_code == 200:
                    described = quote(paths[stem], safe=URL_SAFE)
                    answer.headers["Link"] = f'<{described}>; rel="describes"'
                return answer
            root = path.split("/", 1)[0]
            if root not in site.SITE_ROOTS and site.split_suffix(root)[0] not in site.SITE_ROOTS:
                return _text(404, f"no page /{path} here")
            folder = await site_folder()
            # as the site's nginx rules: try_files $uri$kb_suffix $uri.html $uri $uri/index.html
            candidates = [path]
            negotiated = False
            if not suffix:
                negotiated = True
                candidates = [path + choose_suffix(request), path + ".html", path]
                candidates.append(path + "/index.html")
            for candidate in candidates:
                found = site.site_file(folder, candidate)
                if found is not None:
                    headers = {"Vary": "Accept"} if negotiated else {}
                    return FileResponse(found, media_type=site.content_type(found), headers=headers)
            return _text(404, f"no page /{path} here")
        except _Refused as exc:
            return _text(exc.status, exc.args[0], exc.headers)
        except _Gone:
            return Response(status_code=499)

    async def home(request: Request) -> Response:
        return query_page(request)

    # --- the matchmaker: /match (the page) and /api/match (the data) -------------------------

    async def pooled(request: Request, task: dict, light: bool = False) -> dict:
        """The worker's reply to `task`, through the pool like a query (time limit, fair
        turns); any refusal or failure as _Refused."""
        try:
            reply = await _unless_gone(request, state["pool"].run(task, _client(request), light))
        except QueryTimeout as exc:
            raise _Refused(504, str(exc)) from None
        except Busy as exc:
            retry = {"Retry-After": str(exc.retry_after)}
            raise _Refused(exc.status, str(exc), None, retry) from None
        if reply["status"] != 200:
            raise _Refused(reply["status"], reply["message"], reply.get("parameter"))
        return reply

    async def match_form(request: Request) -> dict:
        """What the form offers (organisations, domains, types): asked once, on the page
        worker (the KB does not change while it is served)."""
        if "match-form" not in cache:
            cache["match-form"] = await pooled(request, {"kind": "match-form"}, light=True)
        return cache["match-form"]

    async def match_reply(request: Request, values: dict[str, list[str]], view: str) -> dict:
        from .match import check, http_error, match_arguments, task_arguments

        try:
            args = match_arguments(values)
            check(args)
        except KBError as exc:  # refused before any worker is asked
            message, parameter = http_error(exc)
            raise _Refused(400, message, parameter) from None
        task = {"kind": "match", "arguments": task_arguments(args), "view": view}
        return await pooled(request, task)

    async def match_page(request: Request) -> Response:
        from .match import render_page

        values: dict[str, list[str]] = {}
        form = None
        try:
            values = _form(request.url.query, "the query string")
            if "format" in values:
                raise _Refused(
                    400,
                    "parameter 'format': /match is the HTML page; "
                    "/api/match answers json, csv, turtle or table",
                    "format",
                )
            form = await match_form(request)
            if not any(v.strip() for vs in values.values() for v in vs):
                return HTMLResponse(render_page(values, form))
            reply = await match_reply(request, values, "html")
        except _Refused as exc:
            page = render_page(values, form, error=str(exc))
            return HTMLResponse(page, status_code=exc.status, headers=exc.headers)
        except _Gone:
            return Response(status_code=499)
        return HTMLResponse(render_page(values, form, reply["data"]))

    async def match_api(request: Request) -> Response:
        from .match import API_FORMATS, MEDIA

        fmt = "json"
        try:
            values = _form(request.url.query, "the query string")
            formats = [v.strip().lower() for v in values.pop("format", []) if v.strip()]
            if len(formats) > 1:
                raise _Refused(400, "parameter 'format': give it once", "format")
            fmt = formats[0] if formats else "json"
            if fmt not in API_FORMATS:
                raise _Refused(
                    400,
                    f"parameter 'format': {fmt!r} is not one of {', '.join(API_FORMATS)}",
                    "format",
                )
            reply = await match_reply(request, values, fmt)
        except _Refused as exc:
            body = {"error": str(exc), "parameter": exc.parameter}
            return Response(
                json.dumps(body, ensure_ascii=False) + "\n",
                status_code=exc.status,
                media_type="application/json",
                headers=exc.headers,
            )
        except _Gone:
            return Response(status_code=499)
        return Response(reply["body"], media_type=MEDIA[fmt])

    async def stylesheet(_request: Request) -> Response:
        # the static site's style sheet, at the path the pages link to
        css = (resources.files("kb") / "static" / "style.css").read_bytes()
        return Response(css, media_type="text/css")

    async def health(_request: Request) -> Response:
        return Response(json.dumps(state["pool"].health()), media_type="application/json")

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/resource", resource_route, methods=["GET"]),
        Route("/match", match_page, methods=["GET"]),
        Route("/api/match", match_api, methods=["GET"]),
        Route("/static/style.css", stylesheet, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/{path:path}", linked_data, methods=["GET"]),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-SPARQL-MaxRows", "Content-Type"],
        )
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def serve(settings: ServeSettings, *, progress: bool = True) -> None:
    """Build the KB in memory, hand it to the workers and serve until interrupted."""
    import uvicorn

    from ..build import build
    from ..config import load_config

    config = load_config()
    if progress:
        print("building the knowledge base ...", file=sys.stderr, flush=True)
    result = build(
        config,
        store_kind=settings.engine,
        validate_data=False,  # validation is `kb build`'s job; serving what loads and infers
        run_integrity_checks=False,
    )
    # The workers load their own engine from kb.nq; the build's Oxigraph store writes it.
    graphs = {name: result.engine.count(name) for name in result.engine.graph_names()}
    tmp = tempfile.mkdtemp(prefix="kb-serve-")
    try:
        nquads = os.path.join(tmp, "kb.nq")
        with open(nquads, "wb") as stream:
            result.engine.write_nquads(stream)
        del result
        app = create_app(
            settings, nquads, config.base_iri, config.prefixes, graphs, config.queries_dir, config
        )
        if progress:
            print(
                f"serving {sum(graphs.values())} triples in {len(graphs)} graphs at "
                f"http://{settings.host}:{settings.port}/sparql "
                f"({settings.workers} {settings.engine} workers, {settings.timeout:g} s, "
                f"{settings.max_rows} rows)",
                file=sys.stderr,
                flush=True,
            )
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
