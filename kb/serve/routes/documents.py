"""The documents about a resource: its HTML page (the static site's page, links without
suffix) or the triples about it, outgoing and incoming, rendered by the page worker; and
/resource?iri=, the description of any other IRI (ontology terms, external IRIs)."""

from __future__ import annotations

from kb.serve import site
from kb.serve.http import Gone, Refused, text
from kb.serve.negotiation import GRAPH_OFFERS, negotiate
from kb.serve.state import served


def choose_suffix(request) -> str:
    """The document suffix a client asks for: `?format=` first, then Accept (a client
    naming no type, or */*, gets Turtle; a browser names text/html). Refused 400/406."""
    fmt = request.query_params.get("format")
    if fmt:
        if fmt.lower() not in site.FORMATS:
            names = ", ".join(site.FORMATS)
            raise Refused(400, f"unknown format {fmt!r}; choose one of {names}")
        return site.FORMATS[fmt.lower()]
    accept = request.headers.get("accept")
    mime = negotiate(accept, list(site.OFFERS)) if accept else "text/turtle"
    if mime is None:
        raise Refused(406, f"offered: {', '.join(site.OFFERS)}", None, {"Vary": "Accept"})
    return site.OFFERS[mime]


async def document(request, iri: str, suffix: str):
    """The document about `iri` in the syntax of `suffix`: the HTML page or the triples
    about it (outgoing and incoming), rendered by the page worker."""
    from starlette.responses import Response

    if suffix == ".html":
        task = {"kind": "page", "iri": iri}
    else:
        mime = next(m for m, s in site.OFFERS.items() if s == suffix)
        task = {"kind": "describe", "iri": iri, "serialiser": GRAPH_OFFERS[mime][0]}
    reply = await served(request).pooled(request, task, light=True)
    if not reply["found"]:
        return text(404, f"no resource {iri} in this knowledge base")
    return Response(reply["body"], media_type=site.DOCUMENTS[suffix])


def valid_iri(iri: str) -> bool:
    return not any(c in '<>"{}|^`\\' or ord(c) <= 0x20 for c in iri)


async def resource(request, iri: str):
    """The description of any IRI, by Accept or `?format=` (200)."""
    from starlette.responses import Response

    headers = {"Vary": "Accept"}
    try:
        suffix = choose_suffix(request)
        if not valid_iri(iri):  # cannot name anything in the KB
            return text(404, f"no resource {iri!r} in this knowledge base", headers)
        answer = await document(request, iri, suffix)
    except Refused as exc:
        return text(exc.status, exc.args[0], headers | exc.headers)
    except Gone:
        return Response(status_code=499)
    answer.headers.update(headers)
    return answer


async def resource_route(request):
    """/resource?iri="""
    iri = request.query_params.get("iri")
    if not iri:
        return text(400, "parameter 'iri' is required")
    return await resource(request, iri)
