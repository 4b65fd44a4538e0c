"""`kb serve`: a read-only SPARQL 1.1 Protocol endpoint and linked-data views over the built KB.

Starlette (under uvicorn) does the HTTP (the routes: kb.serve.routes); rdflib's SPARQL-results
and RDF serialisers write the answers. Queries never run in the web process: each runs in a
worker process holding its own copy of the KB (kb.serve.worker), so a query over the time limit
is stopped by killing its worker (threads cannot be stopped) and a fresh worker takes its place
(kb.serve.pool). A worker cannot touch the network: SERVICE is refused, a query the check
cannot parse is refused, and the kernel refuses the worker any IP socket (kb.serve.sandbox), so no
query can make the server fetch anything or probe a port.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from kb.fulltext.index import SEARCH_INDEX as INDEX
from kb.fulltext.index import write_index
from kb.serve.routes import routes
from kb.serve.routes.query_page import QueryPage
from kb.serve.routes.sparql import MAX_BODY
from kb.serve.state import Served, ServeSettings

__all__ = ["ServeSettings", "create_app", "serve"]

# uvicorn reads request lines and headers up to this size, so a longer GET still gets its 414
# instead of a reset connection.
MAX_REQUEST_HEAD = 2 * MAX_BODY


def create_app(
    settings: ServeSettings,
    nquads: str,
    base_iri: str,
    prefixes: Mapping[str, str],
    graphs: Mapping[str, int],
    queries_dir: str | os.PathLike | None = None,
    config: Any = None,
    search_index: str | os.PathLike | None = None,
):
    """The Starlette application; `nquads` is the built KB the workers load, `queries_dir`
    the project's stored queries (the matchmaker's are in its match/ folder), `config` the
    project's kb.core.config.Config (for the site's pages and the stored queries on `/`),
    `search_index` the text index of /search (by default search.sqlite beside `nquads`)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    folder = None if queries_dir is None else str(queries_dir)
    if search_index is None and os.path.isfile(os.path.join(os.path.dirname(nquads), INDEX)):
        search_index = os.path.join(os.path.dirname(nquads), INDEX)
    index = None if search_index is None else str(search_index)
    kb = Served(settings, nquads, base_iri, prefixes, graphs, folder, config, index)

    @asynccontextmanager
    async def lifespan(_app):
        await kb.start()
        try:
            yield
        finally:
            kb.stop()

    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-SPARQL-MaxRows", "Content-Type"],
        )
    ]
    app = Starlette(routes=routes(), middleware=middleware, lifespan=lifespan)
    app.state.served = kb
    app.state.query_page = QueryPage(settings, base_iri, prefixes, config)
    return app


def serve(settings: ServeSettings, *, progress: bool = True) -> None:
    """Build the KB in memory, hand it to the workers and serve until interrupted."""
    import uvicorn

    from kb.build.pipeline import INFERRED_GRAPH, build
    from kb.core.config import load_config

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
        # the text index of /search, beside kb.nq (create_app finds it there)
        write_index(result.engine, Path(tmp) / INDEX, config.base_iri + INFERRED_GRAPH, "")
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
