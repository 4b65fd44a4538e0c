"""`kb validate` reports for people and for CI: each result with the file and line of its focus
node, the shape's name and message; as plain text, as GitHub Actions workflow commands
(annotations on the file and line of a pull request) with a Markdown job summary, as JSON, or
as JUnit XML (the test-report format GitLab, Jenkins, Azure and most CI systems display)."""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kb.core.config import Config
from kb.load import source_files
from kb.load.locate import Locator
from kb.shacl.report import ValidationOutcome, ValidationResult


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

    def summary(self) -> str:
        """For --summary: the head line, every violation with its file and line (as text()), and
        warnings and infos only counted, per shape (a CI log keeps what breaks the build)."""
        lines = [self.outcome.text().split("\n", 1)[0]]
        for r in self.outcome.results:
            if r.severity == "Violation":
                where = self.where(r)
                lines.append((f"{where[0]}:{where[1]}: " if where else "") + r.line())
        counts = Counter((r.severity, r.shape) for r in self.outcome.results)
        for (severity, shape), n in sorted(
            counts.items(), key=lambda x: (x[0][0] != "Warning", x[0])
        ):
            if severity != "Violation":
                name = self.shape_text_of(shape, SH.name)
                lines.append(f"{severity}: {n} x {shape}" + (f" ({name})" if name else ""))
        return "\n".join(lines)

    def shape_text_of(self, shape: str, prop: URIRef) -> str:
        iri = expand(shape, self.prefixes)
        value = self.shapes.value(URIRef(iri), prop) if iri else None
        return str(value) if value is not None else ""

    def json(self) -> str:
        """Every result with where it is; the counts and the verdict (stable key order)."""
        o = self.outcome
        results = []
        for r in o.results:
            where = self.where(r)
            results.append(
                {
                    "severity": r.severity,
                    "focus": r.focus_node,
                    "path": r.path,
                    "value": r.value,
                    "message": r.message,
                    "shape": r.shape,
                    "shape_name": self.shape_text(r, SH.name) or None,
                    "component": r.component,
                    "file": where[0] if where else None,
                    "line": where[1] if where else None,
                }
            )
        body = {
            "conforms": o.conforms,
            "violations": o.count("Violation"),
            "warnings": o.count("Warning"),
            "infos": o.count("Info"),
            "shapes": o.shapes_count,
            "results": results,
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def junit(self) -> str:
        """One test case per shape with results (a violation fails it; warnings and infos
        are its system-out), plus one case "conforms" that fails when the data does not."""
        o = self.outcome
        by_shape: dict[str, list[ValidationResult]] = defaultdict(list)
        for r in o.results:
            by_shape[r.shape].append(r)
        suite = ET.Element(
            "testsuite",
            name="kb validate",
            tests=str(len(by_shape) + 1),
            failures=str(sum(1 for rs in by_shape.values() if _violations(rs)) + (not o.conforms)),
            errors="0",
            skipped="0",
        )
        verdict = ET.SubElement(
            suite, "testcase", classname="kb.shacl.pyshacl_engine", name="conforms"
        )
        if not o.conforms:
            failure = ET.SubElement(
                verdict, "failure", message=o.text().split("\n", 1)[0], type="Violation"
            )
            failure.text = o.text().split("\n", 1)[0]
        for shape in sorted(by_shape):
            rs = by_shape[shape]
            name = self.shape_text_of(shape, SH.name)
            case = ET.SubElement(
                suite,
                "testcase",
                classname="kb.shacl.pyshacl_engine.shape",
                name=shape + (f" ({name})" * bool(name)),
            )
            where = next((w for w in map(self.where, rs) if w), None)
            if where:
                case.set("file", where[0])
                case.set("line", str(where[1]))
            lines = [(f"{w[0]}:{w[1]}: " if (w := self.where(r)) else "") + r.line() for r in rs]
            bad = _violations(rs)
            if bad:
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{len(bad)} violations: {bad[0].message}",
                    type="Violation",
                )
                failure.text = "\n".join(lines)
            else:
                ET.SubElement(case, "system-out").text = "\n".join(lines)
        ET.indent(suite)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(suite, encoding="unicode")
            + "\n"
        )

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


def _violations(results: list[ValidationResult]) -> list[ValidationResult]:
    return [r for r in results if r.severity == "Violation"]


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
