"""Manufacturing Clusters knowledge base: Turtle -> load -> infer -> validate -> query / publish."""

__version__ = "0.1.0"
