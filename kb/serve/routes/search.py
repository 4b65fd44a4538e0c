"""/search?q=WORDS&type=CLASS: the text index (kb.fulltext, as `kb search` uses it) answered as
an HTML page of ranked hits (each label linking to its page, its types, the matched text with
the words marked, its IRI) or, with Accept: application/json (or ?format=json), as JSON.

The index is the one the server made at its start from the KB it serves (Served.search_index).
A search takes milliseconds in SQLite, so it runs in a thread of the web process, on a
connection of its own, not on a query worker."""

from __future__ import annotations

import html
import json
from urllib.parse import quote, urlencode

from kb.core.errors import ParameterError
from kb.fulltext.index import SearchIndex, SearchResult
from kb.serve.http import URL_SAFE, Refused, form
from kb.serve.negotiation import negotiate
from kb.serve.state import served

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# private-use characters bracket the matched words in the index's snippet; the snippet is
# HTML-escaped and only then are they made <mark> elements
OPEN, CLOSE = "\ue000", "\ue001"
PARAMETERS = ("q", "type", "lang", "limit", "format")


def one(values: dict[str, list[str]], name: str) -> str | None:
    given = values.get(name, [])
    if len(given) > 1:
        raise Refused(400, f"parameter {name!r}: give it once", name)
    return given[0] if given else None


def arguments(values: dict[str, list[str]], prefixes) -> dict:
    """The search's arguments from the query string; Refused 400 naming a bad parameter."""
    from kb.sparql.catalogue import BAD_IRI, expand_iri

    unknown = sorted(set(values) - set(PARAMETERS))
    if unknown:
        raise Refused(
            400, f"parameter {unknown[0]!r}: unknown; /search takes {', '.join(PARAMETERS)}"
        )
    args: dict = {"text": one(values, "q"), "type": None, "lang": one(values, "lang") or None}
    type_text = (one(values, "type") or "").strip()
    if type_text:
        iri = expand_iri(type_text, prefixes)
        if BAD_IRI.search(iri) or "://" not in iri and not iri.startswith("urn:"):
            raise Refused(400, f"parameter 'type': not a CURIE or an IRI: {type_text!r}", "type")
        args["type"] = iri
    limit = one(values, "limit")
    args["limit"] = DEFAULT_LIMIT
    if limit is not None:
        if not limit.isascii() or not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise Refused(
                400,
                f"parameter 'limit': a whole number from 1 to {MAX_LIMIT}, not {limit!r}",
                "limit",
            )
        args["limit"] = int(limit)
    return args


def run_search(path: str, args: dict) -> SearchResult:
    """The search on a connection of its own (this runs in a thread)."""
    index = SearchIndex.open(path)
    try:
        return index.search(
            args["text"],
            type=args["type"],
            lang=args["lang"],
            limit=args["limit"],
            marks=(OPEN, CLOSE),
        )
    except ParameterError as exc:
        name = {"text": "q"}.get(exc.name, exc.name)
        raise Refused(400, f"parameter {name!r}: {str(exc).split(': ', 1)[1]}", name) from None
    finally:
        index.close()


def marked(snippet: str) -> str:
    """The snippet HTML-escaped, its matched words in <mark>."""
    text = html.escape(snippet, quote=True)
    return text.replace(OPEN, "<mark>").replace(CLOSE, "</mark>")


def page_href(iri: str, base: str) -> str:
    """Where a hit links: its IRI path on this server (303 to its page), or /resource?iri=."""
    if iri.startswith(base) and "#" not in iri and len(iri) > len(base):
        return "/" + quote(iri[len(base) :], safe=URL_SAFE.replace("?", "").replace("#", ""))
    return "/resource?" + urlencode({"iri": iri})


def hits_json(result: SearchResult, base: str) -> str:
    hits = []
    for rank, hit in enumerate(result.hits, 1):
        doc = hit.asdict()
        doc["snippet"] = doc["snippet"].replace(OPEN, "[").replace(CLOSE, "]")
        hits.append({"rank": rank, **doc, "page": page_href(hit.iri, base)})
    body = {"text": result.text, "total": result.total, "hits": hits}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def accepts_json(request) -> bool:
    accept = request.headers.get("accept")
    return bool(accept) and negotiate(accept, ["text/html", "application/json"]) == (
        "application/json"
    )


def wants_json(values, accepted: bool) -> bool:
    """`?format=` (html or json) first, then Accept."""
    fmt = (one(values, "format") or "").strip().lower()
    if fmt:
        if fmt not in ("html", "json"):
            raise Refused(400, f"parameter 'format': html or json, not {fmt!r}", "format")
        return fmt == "json"
    return accepted


async def search(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, Response

    kb = served(request)
    values: dict[str, list[str]] = {}
    as_json = accepts_json(request)
    try:
        values = form(request.url.query, "the query string")
        as_json = wants_json(values, as_json)
        args = arguments(values, kb.prefixes)
        if kb.search_index is None:
            raise Refused(404, "this server has no text index")
        if args["text"] is None and not as_json:
            return HTMLResponse(render(kb, values, None))
        if args["text"] is None:
            raise Refused(400, "parameter 'q': required (the words to find)", "q")
        result = await run_in_threadpool(run_search, kb.search_index, args)
    except Refused as exc:
        if as_json:
            body = {"error": str(exc), "parameter": exc.parameter}
            return Response(
                json.dumps(body, ensure_ascii=False) + "\n",
                status_code=exc.status,
                media_type="application/json",
            )
        return HTMLResponse(render(kb, values, None, str(exc)), status_code=exc.status)
    if as_json:
        return Response(hits_json(result, kb.base_iri), media_type="application/json")
    return HTMLResponse(render(kb, values, result))


def render(kb, values: dict[str, list[str]], result: SearchResult | None, error=None) -> str:
    """The /search page (Jinja2 escapes every value; the snippet's marks are the only markup
    added, after escaping its text)."""
    from markupsafe import Markup
    from rdflib import URIRef

    from kb.publish.data import LICENCE, LICENCE_NAME
    from kb.serve.match import LiveLinks, _environment
    from kb.sparql.results import _short

    def first(name: str) -> str:
        return (values.get(name) or [""])[0]

    hits = [
        {
            "label": hit.label or _short(URIRef(hit.iri), kb.prefixes),
            "href": page_href(hit.iri, kb.base_iri),
            "types": ", ".join(_short(URIRef(t), kb.prefixes) for t in hit.types),
            "snippet": Markup(marked(hit.snippet)),
            "iri": hit.iri,
        }
        for hit in (result.hits if result is not None else [])
    ]
    api = "/search?" + urlencode([("format", "json"), ("q", first("q")), ("type", first("type"))])
    return (
        _environment()
        .get_template("search.html")
        .render(
            title="Search" if not first("q") else f"Search: {first('q')}",
            link=LiveLinks(),
            nav=[],
            licence=str(LICENCE),
            licence_name=LICENCE_NAME,
            search_action="/search",
            search_text=first("q"),
            text=first("q"),
            type_text=first("type"),
            result=result,
            hits=hits,
            error=error,
            api=api,
        )
    )
