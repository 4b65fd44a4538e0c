"""The HTTP routes of `kb serve`, one module per route family: sparql (the SPARQL 1.1
Protocol), query_page (/), documents (/resource and a resource's documents), site_paths
(the IRI paths and the static site's files), match (/match, /api/match), search (/search, the
text index).

Routes read the served KB from `request.app.state` (kb.serve.state) and may import the rest
of kb.serve except app; nothing here imports another route family's module but documents."""

from __future__ import annotations

import json


async def health(request):
    from starlette.responses import Response

    pool = request.app.state.served.pool
    return Response(json.dumps(pool.health()), media_type="application/json")


def routes() -> list:
    from starlette.routing import Route

    from kb.serve.routes.documents import resource_route
    from kb.serve.routes.match import match_api, match_page
    from kb.serve.routes.query_page import home
    from kb.serve.routes.search import search
    from kb.serve.routes.site_paths import linked_data, static
    from kb.serve.routes.sparql import sparql

    return [
        Route("/", home, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/resource", resource_route, methods=["GET"]),
        Route("/match", match_page, methods=["GET"]),
        Route("/api/match", match_api, methods=["GET"]),
        Route("/search", search, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/{path:path}", linked_data, methods=["GET"]),
    ]
