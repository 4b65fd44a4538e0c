"""/sparql: the SPARQL 1.1 Protocol (GET, POST form-encoded or application/sparql-query),
the service description, and the query page for a browser that asks for no query."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kb.serve.http import Gone, Refused, client, form, text, unless_gone
from kb.serve.negotiation import GRAPH_NAMES, GRAPH_OFFERS, choose, parse_accept, serialise_graph
from kb.serve.pool import Busy, QueryTimeout
from kb.serve.state import served
from kb.store import ProtocolDataset

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

MAX_BODY = 1 << 20  # a SPARQL query longer than 1 MiB is not a query
MAX_QUERY_STRING = 64 << 10  # longer GET queries must be POSTed (414)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


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
                raise Refused(400, f"{key}: {iri!r} is not an absolute IRI")
    return ProtocolDataset(tuple(default), tuple(named))


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


async def _body(request) -> str:
    """The request body as text: 413 over MAX_BODY (declared or read), 400 if not UTF-8."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        raise Refused(413, f"request body over {MAX_BODY} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Refused(413, f"request body over {MAX_BODY} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            400, f"the request body is not UTF-8 (byte {exc.start}: {body[exc.start]:#04x})"
        ) from None


async def params(request) -> tuple[dict[str, list[str]], str | None]:
    """Query-string and body parameters; the body text of a direct POST."""
    if len(request.url.query) > MAX_QUERY_STRING:
        raise Refused(414, f"query string over {MAX_QUERY_STRING} bytes; POST a long query instead")
    values = form(request.url.query, "the query string")
    if request.method != "POST":
        return values, None
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _body(request)
    if ctype == "application/x-www-form-urlencoded":
        for k, v in form(body, "the request body").items():
            values.setdefault(k, []).extend(v)
        return values, None
    if ctype == "application/sparql-update":
        raise Refused(403, READ_ONLY)
    if ctype == "application/sparql-query":
        return values, body
    raise Refused(
        415,
        "POST a query as application/sparql-query or application/x-www-form-urlencoded "
        f"(got {ctype or 'no Content-Type'})",
    )


def sd_response(request):
    from starlette.responses import Response

    kb = served(request)
    accept = request.headers.get("accept")
    fmt = request.query_params.get("format")
    mime = choose(accept or "", fmt, GRAPH_OFFERS, GRAPH_NAMES)
    endpoint = str(request.url.replace(query=""))
    sd = service_description(endpoint, kb.graphs, kb.base_iri)
    body = serialise_graph(sd, GRAPH_OFFERS[mime][0], {"sd": str(SD), "void": str(VOID)})
    return Response(body, media_type=GRAPH_OFFERS[mime][1], headers={"Vary": "Accept"})


def _without_query(request, values: dict[str, list[str]]):
    """No query: the query page for a client that names text/html (a browser), else the
    service description."""
    accept = parse_accept(request.headers.get("accept"))
    browser = any(m == "text/html" and q > 0 for m, q in accept)
    if request.method == "GET" and browser and "format" not in values:
        return request.app.state.query_page.response(request)
    return sd_response(request)


async def _answer(request, values: dict[str, list[str]], query: str) -> dict:
    """The worker's reply to the query (its own time limit, the client's fair turn)."""
    if not query.strip():
        raise Refused(400, "the query is empty")
    kb = served(request)
    task = {
        "kind": "query",
        "query": query,
        "accept": request.headers.get("accept", ""),
        "format": (values.get("format") or values.get("output") or [None])[0],
        "max_rows": kb.settings.max_rows,
        "dataset": protocol_dataset(values),
    }
    assert kb.pool is not None
    return await unless_gone(request, kb.pool.run(task, client(request)))


async def sparql(request):
    from starlette.responses import Response

    try:
        values, direct = await params(request)
        if "update" in values:
            raise Refused(403, READ_ONLY)
        queries = [direct] if direct is not None else values.get("query", [])
        if len(queries) > 1:
            raise Refused(400, "more than one query given")
        if not queries:
            return _without_query(request, values)
        reply = await _answer(request, values, queries[0])
    except Refused as exc:
        return text(exc.status, exc.args[0])
    except QueryTimeout as exc:
        return text(504, str(exc))  # not 503: clients retry 503, and the query would run again
    except Busy as exc:  # never started: a retry is safe
        return text(exc.status, str(exc), {"Retry-After": str(exc.retry_after)})
    except Gone:
        return Response(status_code=499)  # nobody reads it
    if reply["status"] != 200:
        return text(reply["status"], reply["message"])
    headers = dict(reply["headers"]) | {"Vary": "Accept"}
    return Response(reply["body"], media_type=reply["type"], headers=headers)
