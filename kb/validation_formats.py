"""`kb validate` reports for people and for CI: each result with the file and line of its focus
node, the shape's name and message; as plain text, or as GitHub Actions workflow commands
(annotations on the file and line of a pull request) with a Markdown job summary."""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .config import Config
from .load import source_files
from .locate import Locator
from .validate import ValidationOutcome, ValidationResult


def expand(name: str | None, prefixes: dict[str, str]) -> str | None:
    """The IRI behind a name as the report prints it (a CURIE or <IRI>); None for others."""
    if not name:
        return None
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    return None


class Report:
    """Validation results with where they are and what their shape calls them."""

    def __init__(self, outcome: ValidationOutcome, config: Config, shapes: Graph | None = None):
        self.outcome = outcome
        self.config = config
        self.prefixes = dict(config.prefixes)
        self.shapes = shapes if shapes is not None else Graph()
        files = [(s.path, s.graph_iri) for s in source_files(config)]
        self.locator = Locator(files)

    def where(self, r: ValidationResult) -> tuple[str, int] | None:
        focus = expand(r.focus_node, self.prefixes)
        if focus is None:
            return None
        found = self.locator.find(focus, expand(r.path, self.prefixes))
        if found is None:
            return None
        path, line = found
        try:
            shown = path.resolve().relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            shown = str(path)
        return shown, line

    def shape_text(self, r: ValidationResult, prop: URIRef) -> str:
        shape = expand(r.shape, self.prefixes)
        if shape is None:
            return ""
        value = self.shapes.value(URIRef(shape), prop)
        return str(value) if value is not None else ""

    def text(self) -> str:
        lines = [self.outcome.text().split("\n", 1)[0]]
        for r in self.outcome.results:
            where = self.where(r)
            lines.append((f"{where[0]}:{where[1]}: " if where else "") + r.line())
        return "\n".join(lines)

    def github(self) -> str:
        """Workflow commands: one ::error (violation) or ::warning annotation per result."""
        out = []
        for r in self.outcome.results:
            level = {"Violation": "error", "Warning": "warning"}.get(r.severity, "notice")
            name = self.shape_text(r, SH.name) or r.shape
            title = f"{r.focus_node}: {name}"
            message = (
                " ".join(t for t in (r.message, self.shape_text(r, SH.description)) if t)
                + f" [{r.shape}]"
            )
            props = f"title={_escape_property(title)}"
            where = self.where(r)
            if where:
                props = f"file={_escape_property(where[0])},line={where[1]}," + props
            out.append(f"::{level} {props}::{_escape_data(message)}")
        return "\n".join(out)

    def markdown(self) -> str:
        o = self.outcome
        head = (
            f"### kb validate: {'conforms' if o.conforms else 'does not conform'} "
            f"({o.count('Violation')} violations, {o.count('Warning')} warnings)"
        )
        if not o.results:
            return head + "\n"
        rows = [
            "| | where | resource | what | message |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in o.results:
            where = self.where(r)
            mark = {"Violation": "❌", "Warning": "⚠️"}.get(r.severity, "ℹ️")
            name = self.shape_text(r, SH.name) or r.path or ""
            rows.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        mark,
                        f"`{where[0]}:{where[1]}`" if where else "",
                        f"`{r.focus_node}`",
                        name,
                        r.message,
                    )
                )
                + " |"
            )
        return "\n".join([head, "", *rows]) + "\n"


def write_step_summary(markdown: str) -> Path | None:
    """Append to the job summary GitHub Actions gives a step ($GITHUB_STEP_SUMMARY), if any."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as out:
        out.write(markdown)
    return path


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
