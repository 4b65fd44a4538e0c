"""The query stage's vocabulary: the stored-query catalogue (files, parameters bound as RDF
terms), engine-independent ordering, result formats, and the integrity checks (stored
queries that must find nothing). May import kb.core and kb.store.
"""
