"""The pipeline: `kb build` runs load -> infer -> validate -> checks -> write (kb.build.pipeline),
records what it was built from (kb.build.manifest) and opens what it wrote for querying
(kb.build.knowledge_base). May import every stage below it: kb.core, kb.store, kb.load,
kb.reason, kb.shacl, kb.sparql, kb.fulltext.
"""
