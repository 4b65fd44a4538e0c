"""The validate stage: SHACL shapes, their engines and their reports.

kb.shacl.shapes reads and checks the shapes; kb.shacl.compiled is the compiled validator
(shapes as SPARQL on Oxigraph: the default), kb.shacl.pyshacl_engine is pySHACL (the
reference), kb.shacl.parallel runs pySHACL over several processes; kb.shacl.report reads a
report into results with their shapes, kb.shacl.formats writes them for people and for CI.
May import kb.core, kb.store and kb.load (to name a result's file and line).
"""
