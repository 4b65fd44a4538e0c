"""Full-text search: the SQLite FTS5 index written beside kb.nq (kb.fulltext.index) and the
queries on it; `kb search` and kb.search() read it. May import kb.core, kb.store, kb.sparql.
"""
