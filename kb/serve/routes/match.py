"""The matchmaker: /match (the page: a form and the ranked, explained suggestions) and
/api/match (the same as data); the match runs on a query worker (kb.serve.match)."""

from __future__ import annotations

import json

from kb.core.errors import KBError
from kb.serve.http import Gone, Refused, form
from kb.serve.state import served


async def match_reply(request, values: dict[str, list[str]], view: str) -> dict:
    from kb.serve.match import check, http_error, match_arguments, task_arguments

    try:
        args = match_arguments(values)
        check(args)
    except KBError as exc:  # refused before any worker is asked
        message, parameter = http_error(exc)
        raise Refused(400, message, parameter) from None
    task = {"kind": "match", "arguments": task_arguments(args), "view": view}
    return await served(request).pooled(request, task)


async def match_page(request):
    from starlette.responses import HTMLResponse, Response

    from kb.serve.match import render_page

    values: dict[str, list[str]] = {}
    offered = None
    try:
        values = form(request.url.query, "the query string")
        if "format" in values:
            raise Refused(
                400,
                "parameter 'format': /match is the HTML page; "
                "/api/match answers json, csv, turtle or table",
                "format",
            )
        # what the form offers (organisations, domains, types), asked once
        offered = await served(request).once(request, "match-form")
        if not any(v.strip() for vs in values.values() for v in vs):
            return HTMLResponse(render_page(values, offered))
        reply = await match_reply(request, values, "html")
    except Refused as exc:
        page = render_page(values, offered, error=str(exc))
        return HTMLResponse(page, status_code=exc.status, headers=exc.headers)
    except Gone:
        return Response(status_code=499)
    return HTMLResponse(render_page(values, offered, reply["data"]))


def _api_format(values: dict[str, list[str]]) -> str:
    """The `format` parameter of /api/match (taken out of `values`), json by default."""
    from kb.serve.match import API_FORMATS

    formats = [v.strip().lower() for v in values.pop("format", []) if v.strip()]
    if len(formats) > 1:
        raise Refused(400, "parameter 'format': give it once", "format")
    fmt = formats[0] if formats else "json"
    if fmt not in API_FORMATS:
        raise Refused(
            400, f"parameter 'format': {fmt!r} is not one of {', '.join(API_FORMATS)}", "format"
        )
    return fmt


async def match_api(request):
    from starlette.responses import Response

    from kb.serve.match import MEDIA

    try:
        values = form(request.url.query, "the query string")
        fmt = _api_format(values)
        reply = await match_reply(request, values, fmt)
    except Refused as exc:
        body = {"error": str(exc), "parameter": exc.parameter}
        return Response(
            json.dumps(body, ensure_ascii=False) + "\n",
            status_code=exc.status,
            media_type="application/json",
            headers=exc.headers,
        )
    except Gone:
        return Response(status_code=499)
    return Response(reply["body"], media_type=MEDIA[fmt])
