"""The build's text index: build/search.sqlite when it was made from the current kb.nq, made
again from the knowledge base otherwise (kb.fulltext.index holds the index itself; the test of
whether build/search.sqlite is current is kb.build.knowledge_base.current_index)."""

from __future__ import annotations

import sqlite3
import sys

from kb.build.knowledge_base import build_id, current_index
from kb.core.errors import KBError
from kb.fulltext.index import SearchIndex, fill, index_path, write_index


def open_index(config, rebuild: bool = False, progress: bool = True) -> SearchIndex:
    """The text index of the knowledge base as its inputs are now: build/search.sqlite when it
    is current (current_index); otherwise the knowledge base is opened as `kb query` opens it
    (KnowledgeBase.open: build/kb.nq when it is up to date, else a fresh load and inference)
    and indexed. An index of the current kb.nq is written to build/search.sqlite (atomically);
    one of a fresh load, which no build vouches for, is kept in memory for this search only."""
    from kb.build.knowledge_base import KnowledgeBase
    from kb.build.pipeline import INFERRED_GRAPH
    from kb.core.fileio import atomic_path

    if not rebuild:
        index = current_index(config)
        if index is not None:
            return index
    if progress:
        print("making the text index ...", file=sys.stderr)
    kb = KnowledgeBase.open(config, engine="oxigraph", reuse_build=not rebuild)
    inferred = config.base_iri + INFERRED_GRAPH
    build = build_id(kb.manifest)
    unwritten = ""
    if build is not None:
        path = index_path(config)
        try:
            with atomic_path(path) as tmp:
                write_index(kb.store, tmp, inferred, build)
        except (OSError, KBError) as exc:  # build/ not writable, a full disk: search anyway
            unwritten = f" ({path} not written: {exc})"
        else:
            index = SearchIndex.open(path)
            index.origin = f"{path}, made now from {kb.origin}"
            return index
    conn = sqlite3.connect(":memory:", isolation_level=None)
    fill(conn, kb.store, inferred, "")
    return SearchIndex(conn, f"an index in memory of {kb.origin}{unwritten}")
