"""Errors the user can act on. Each names the file and position, or the parameter, at fault."""

from __future__ import annotations

from pathlib import Path


class KBError(Exception):
    """An error in the input or the configuration; the CLI prints it and exits with code 2."""

    exit_code = 2


class RDFSyntaxError(KBError):
    """A Turtle (or other RDF) file that does not parse."""

    def __init__(self, path: Path | str, line: int | None, column: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        where = f"{self.path}"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: syntax error: {message}")


class InconsistencyError(KBError):
    """The reasoner found the asserted data inconsistent with the ontology."""


class ParameterError(KBError):
    """A bad parameter: unknown, missing, or of the wrong type."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"parameter {name!r}: {message}")


class ShapeError(KBError):
    """A shape no validator can use (a bad parameter value, a feature not compiled, a
    recursive reference). `where` is the file and line of the shape's definition, added by
    whoever knows the shapes' files (kb.shacl.pyshacl_engine.ShapesGraph.locate)."""

    def __init__(self, shape: object, message: str, where: str | None = None):
        self.shape = shape
        self.message = message
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}shape {shape}: {message}")
