"""The compiled SHACL validator: shapes compiled to SPARQL and run by Oxigraph, one module per
constraint family (kb.shacl.compiled.engine holds the compiler and the entry points)."""

from kb.shacl.compiled.engine import load_graph, validate_graph, validate_store

__all__ = ["load_graph", "validate_graph", "validate_store"]
