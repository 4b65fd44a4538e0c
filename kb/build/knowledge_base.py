"""The built knowledge base opened for querying: build/kb.nq when it is current, a fresh load
and inference otherwise, or a remote endpoint; with the stored-query catalogue."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.core.config import Config
from kb.core.errors import KBError, ParameterError
from kb.fulltext.index import FORMAT, SearchIndex, index_path
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


def build_id(manifest: Mapping | None) -> str | None:
    kb_nq = (manifest or {}).get("kb_nq") or {}
    return kb_nq.get("sha256") if kb_nq.get("written") else None


def current_index(config) -> SearchIndex | None:
    """build/search.sqlite when it was made from build/kb.nq as it is, and kb.nq describes the
    inputs as they are now (kb.build.manifest.stale_reason); None otherwise."""
    from kb.build.manifest import read_manifest, stale_reason

    path = index_path(config)
    manifest = read_manifest(config)
    build = build_id(manifest)
    if build is None or not path.is_file() or stale_reason(config, manifest) is not None:
        return None
    index = SearchIndex.open(path)
    try:
        meta = index.meta()
    except sqlite3.Error:  # not an index (a file written by something else): made again
        index.close()
        return None
    if meta.get("format") != FORMAT or meta.get("build") != build:
        index.close()
        return None
    index.origin = f"{path}, made from {config.build_dir / 'kb.nq'} (up to date)"
    return index


@dataclass
class KnowledgeBase:
    """The built knowledge base (asserted + inferred) with the stored-query catalogue."""

    config: Config
    store: Store
    catalogue: dict[str, StoredQuery] = field(default_factory=dict)
    origin: str = ""  # where the answers come from, for the user (KnowledgeBase.open)
    # the manifest of the build whose kb.nq it holds; None for a fresh load (KnowledgeBase.open)
    manifest: dict[str, Any] | None = None
    # index-backed parameters take their candidates from the text index (False: the plain
    # query, every candidate the SPARQL finds itself); never for a remote endpoint
    use_text_index: bool = True
    _text_index: SearchIndex | None = field(default=None, repr=False)

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
        text = self.with_candidates(query, bindings)
        try:
            result = self.store.query(text, bindings)
        except QuerySyntaxError as exc:  # named with its file, at the position as written
            from kb.core.sparql_text import inject_values

            # A remote endpoint's message has its own position format (or none): Oxigraph's
            # parser on the file's own text gives the line and column when it finds the error
            if self.store.name == "remote":
                check_query_syntax(query.text, query.path)
            sent = inject_values(query.text, bindings)
            raise syntax_error_as_written(query.path, query.text, sent, exc) from None
        return ordered(query, result)

    def text_index(self) -> SearchIndex:
        """The text index of this store: build/search.sqlite when the store is the current
        build's kb.nq and the index was made from it, else one made now in memory."""
        if self._text_index is None:
            from kb.build.pipeline import INFERRED_GRAPH
            from kb.fulltext.index import fill

            index = current_index(self.config) if self.manifest is not None else None
            if index is None:
                conn = sqlite3.connect(":memory:", isolation_level=None)
                fill(conn, self.store, self.config.base_iri + INFERRED_GRAPH, "")
                index = SearchIndex(conn, f"an index in memory of {self.origin}")
            self._text_index = index
        return self._text_index

    def with_candidates(self, query: StoredQuery, bindings: Mapping[str, Any]) -> str:
        """The query's text with, for each index-backed parameter (`index = "VAR"` in its
        header), `VALUES ?VAR { ... }`: the resources the text index finds for its words, so
        that the SPARQL only filters and orders those. The plain text when the parameter has
        no word the index can look for (the SPARQL filter decides alone, as without index)."""
        from rdflib import URIRef

        from kb.core.sparql_text import append_block, inject_block, term_syntax

        text = query.text
        if not self.use_text_index or self.store.name == "remote":
            return text
        for p in query.parameters:
            if p.index is None:
                continue
            try:
                found = self.text_index().resources(str(bindings[p.name]))
            except ParameterError:  # no letter or digit in it: nothing to look up
                continue
            terms = " ".join(term_syntax(p.index, URIRef(iri)) for iri in found)
            # no candidate, no answer (rdflib fails on an empty VALUES block)
            block = f"VALUES ?{p.index} {{ {terms} }}" if found else "FILTER(false)"
            # first in the group for Oxigraph (it joins from there); last for rdflib, which
            # joins a group's first VALUES block row by row, evaluating the rest per row
            put = inject_block if self.store.name == "oxigraph" else append_block
            text = put(text, block, p.name)
        return text

    def run(self, name: str, **params: Any) -> list[Row]:
        """The typed rows of a stored SELECT query."""
        return rows(self.execute(name, **params))

    def sparql(self, text: str) -> QueryResult:
        """An ad-hoc query (no parameters: write the values into your own text)."""
        return self.store.query(text)
