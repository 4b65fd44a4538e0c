"""The served KB and what the routes share: the settings, the worker pool, the answers asked
once of the page worker, and the site writer (the static site's other pages, written once)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.serve import site
from kb.serve.http import Refused, client, unless_gone
from kb.serve.pool import Busy, PoolLimits, QueryTimeout, WorkerPool
from kb.serve.worker import worker_main


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    engine: str = "rdflib"
    timeout: float = 20.0
    max_rows: int = 10_000
    workers: int = 2
    worker_memory: int = 1024  # MiB a worker may allocate beyond the loaded KB
    long_after: float = 5.0  # a query running longer is long (kb.serve.pool)
    max_long: int = 2  # long queries at once
    per_client: int = 1  # queries running at once per client (remote address)


@dataclass
class Served:
    """`nquads` is the built KB the workers load, `queries_dir` the project's stored queries
    (the matchmaker's are in its match/ folder), `config` the project's kb.core.config.Config (for
    the site's pages and the stored queries on `/`), `search_index` the text index /search
    reads (None: /search answers 404)."""

    settings: ServeSettings
    nquads: str
    base_iri: str
    prefixes: Mapping[str, str]
    graphs: Mapping[str, int]
    queries_dir: str | None = None
    config: Any = None
    search_index: str | None = None  # the text index (kb.fulltext) of the served KB
    pool: WorkerPool | None = None
    cache: dict[str, dict] = field(default_factory=dict)
    writing: dict[str, asyncio.Future] = field(default_factory=dict)
    writers: list = field(default_factory=list)  # the site writer's process, killed at stop

    async def start(self) -> None:
        settings = self.settings
        limits = PoolLimits(
            workers=settings.workers,
            timeout=settings.timeout,
            long_after=min(settings.long_after, settings.timeout),
            max_long=settings.max_long,
            per_client=settings.per_client,
            queue_wait=max(60.0, 3 * settings.timeout),
        )
        args = (
            self.nquads,
            settings.engine,
            dict(self.prefixes),
            self.base_iri,
            settings.worker_memory,
            self.queries_dir,
            self.config,  # the organisation pages' suggested partners (kb.serve.partners)
        )
        self.pool = WorkerPool(worker_main, args, limits)
        await self.pool.start()
        if self.config is not None:
            self.start_site()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.close()
        for process in self.writers:
            if process.is_alive():
                process.kill()

    async def pooled(self, request, task: dict, light: bool = False) -> dict:
        """The worker's reply to `task`, through the pool like a query (time limit, fair
        turns); any refusal or failure as Refused."""
        assert self.pool is not None
        try:
            reply = await unless_gone(request, self.pool.run(task, client(request), light))
        except QueryTimeout as exc:
            raise Refused(504, str(exc)) from None
        except Busy as exc:
            retry = {"Retry-After": str(exc.retry_after)}
            raise Refused(exc.status, str(exc), None, retry) from None
        if reply["status"] != 200:
            raise Refused(reply["status"], reply["message"], reply.get("parameter"))
        return reply

    async def once(self, request, kind: str) -> dict:
        """The page worker's answer to a task without arguments, asked once (the KB does not
        change while it is served)."""
        if kind not in self.cache:
            self.cache[kind] = await self.pooled(request, {"kind": kind}, light=True)
        return self.cache[kind]

    async def resource_paths(self, request) -> dict[str, str]:
        """Site path -> IRI of every resource page."""
        return (await self.once(request, "paths"))["paths"]

    def start_site(self) -> asyncio.Future:
        """The site's other pages and files are written once, in the background from the
        start (niced, by a process of its own), into the server's temporary folder."""
        if "site" not in self.writing:
            folder = Path(self.nquads).parent / "site"
            self.writing["site"] = asyncio.get_running_loop().run_in_executor(
                None,
                site.run_site_writer,
                self.nquads,
                self.settings.engine,
                self.config,
                folder,
                self.writers,
            )
        return self.writing["site"]

    async def site_folder(self) -> Path:
        """The folder of the site's other pages and files, once written."""
        if self.config is None:
            raise Refused(404, "this server has no project configuration to publish")
        try:
            await asyncio.shield(self.start_site())
        except RuntimeError as exc:
            raise Refused(500, str(exc)) from None
        return Path(self.nquads).parent / "site"


def served(request) -> Served:
    """The served KB of the application answering `request`."""
    return request.app.state.served
