"""What every stage shares: errors, the project's configuration ([tool.kb]), prefixes,
atomic file writing, SPARQL term syntax, child processes. May import nothing else from kb."""

__version__ = "0.1.0"
