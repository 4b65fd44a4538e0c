"""The validate stage: SHACL shapes, their engines and their reports.

kb.shacl.shapes reads and checks the shapes; kb.shacl.compiled is the compiled validator
(shapes as SPARQL on Oxigraph: the default), kb.shacl.pyshacl_engine is pySHACL (the
reference), kb.shacl.parallel runs pySHACL over several processes; kb.shacl.report reads a
report into results with their shapes, kb.shacl.formats writes them for people and for CI.
May import kb.core, kb.store and kb.load (to name a result's file and line).
"""

from __future__ import annotations

from rdflib import Graph

from kb.shacl.report import ValidationOutcome

ENGINES = ("sparql", "pyshacl", "pyshacl-parallel")


def validate(
    data: Graph, shapes: Graph, engine: str = "sparql", prefixes: dict[str, str] | None = None
) -> ValidationOutcome:
    """The one way in: `data` (already the union of ontology, asserted and inferred triples)
    against `shapes` by `engine`: sparql (the compiled validator), pyshacl (the reference, one
    process) or pyshacl-parallel (the reference over one process per core). The build calls
    the compiled validator on its store directly (kb.shacl.compiled.validate_store), without
    this copy into a graph."""
    if engine == "sparql":
        from kb.shacl.compiled import validate_graph

        return validate_graph(data, shapes, prefixes)
    if engine == "pyshacl":
        from kb.shacl.pyshacl_engine import validate as reference

        return reference(data, shapes, prefixes)
    if engine == "pyshacl-parallel":
        from kb.shacl.parallel import validate_parallel

        return validate_parallel(data, shapes, prefixes)
    from kb.core.errors import KBError

    raise KBError(f"unknown validator {engine!r}; choose one of {', '.join(ENGINES)}")
