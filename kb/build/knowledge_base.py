"""The built knowledge base opened for querying: build/kb.nq when it is current, a fresh load
and inference otherwise, or a remote endpoint; with the stored-query catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.core.config import Config
from kb.core.errors import KBError
from kb.sparql.catalogue import (
    Row,
    StoredQuery,
    bind,
    check_query_syntax,
    load_catalogue,
    ordered,
    rows,
    syntax_error_as_written,
)
from kb.store import QueryResult, QuerySyntaxError, Store


def built_store(config: Config, engine: str | None = None) -> Store | None:
    """The store of the last conforming `kb build` (build/kb.nq: asserted + inferred graphs),
    or None when build/manifest.json says it no longer describes the project: an input file
    deleted, added or changed, the configuration changed (kb.build.manifest.stale_reason)."""
    from kb.build.manifest import stale_reason
    from kb.store import load_nquads

    if stale_reason(config) is not None:
        return None
    return load_nquads(config.build_dir / "kb.nq", engine or config.store)


@dataclass
class KnowledgeBase:
    """The built knowledge base (asserted + inferred) with the stored-query catalogue."""

    config: Config
    store: Store
    catalogue: dict[str, StoredQuery] = field(default_factory=dict)
    origin: str = ""  # where the answers come from, for the user (KnowledgeBase.open)
    # the manifest of the build whose kb.nq it holds; None for a fresh load (KnowledgeBase.open)
    manifest: dict[str, Any] | None = None

    @classmethod
    def open(
        cls, config: Config, engine: str | None = None, reuse_build: bool = False
    ) -> KnowledgeBase:
        """Build once (load and infer, no validation or checks) and keep the store. With
        `reuse_build`, read build/kb.nq instead when build/manifest.json shows it was built
        from the inputs as they are now (names and SHA-256 of every file, the configuration)."""
        from kb.build.manifest import read_manifest, stale_reason, verdict
        from kb.build.pipeline import build
        from kb.store import load_nquads

        built = config.build_dir / "kb.nq"
        origin = f"a fresh load and inference of the sources ({verdict(config)[1]})"
        if reuse_build:
            manifest = read_manifest(config)
            reason = stale_reason(config, manifest)
            if reason is None and manifest is not None:
                store = load_nquads(built, engine or config.store)
                origin = f"{built}, up to date (validated, conforms)"
                if not manifest.get("validated"):
                    origin = f"{built}, up to date (NOT validated: built with --no-shapes)"
                return cls(config, store, load_catalogue(config.queries_dir), origin, manifest)
            origin += f"; {built} not used: {reason}"
        result = build(config, store_kind=engine, validate_data=False, run_integrity_checks=False)
        return cls(config, result.store, load_catalogue(config.queries_dir), origin)

    @classmethod
    def remote(cls, config: Config, endpoint: str, **options: Any) -> KnowledgeBase:
        from kb.store.remote import RemoteStore

        return cls(config, RemoteStore(endpoint, **options), load_catalogue(config.queries_dir))

    def get(self, name: str) -> StoredQuery:
        if name not in self.catalogue:
            raise KBError(f"no stored query named {name!r}; `kb query list` shows them")
        return self.catalogue[name]

    def execute(self, name: str, **params: Any) -> QueryResult:
        query = self.get(name)
        bindings = bind(query, params, self.config.prefixes)
        try:
            result = self.store.query(query.text, bindings)
        except QuerySyntaxError as exc:  # named with its file, at the position as written
            from kb.core.sparql_text import inject_values

            # A remote endpoint's message has its own position format (or none): Oxigraph's
            # parser on the file's own text gives the line and column when it finds the error
            if self.store.name == "remote":
                check_query_syntax(query.text, query.path)
            sent = inject_values(query.text, bindings)
            raise syntax_error_as_written(query.path, query.text, sent, exc) from None
        return ordered(query, result)

    def run(self, name: str, **params: Any) -> list[Row]:
        """The typed rows of a stored SELECT query."""
        return rows(self.execute(name, **params))

    def sparql(self, text: str) -> QueryResult:
        """An ad-hoc query (no parameters: write the values into your own text)."""
        return self.store.query(text)
