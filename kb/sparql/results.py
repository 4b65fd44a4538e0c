"""Query results as text: the W3C SPARQL 1.1 result formats and a table for terminals.

JSON (https://www.w3.org/TR/sparql11-results-json/), XML (rdf-sparql-XMLres), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/). rdflib has no TSV serializer, so all four
are written here from the one QueryResult; rdflib's parsers read them back in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kb.core.plugins import RESULT_FORMATS
from kb.store import QueryResult

GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "xml": "application/rdf+xml",
}
FORMATS = RESULT_FORMATS  # the names, built-in and registered (kb.core.plugins)


def _csv_field(text: str) -> str:
    # RFC 4180: quote fields holding a comma, quote, CR or LF; double inner quotes.
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)  # IRIs and literals: lexical form only, as the W3C CSV format says


def to_csv(result: QueryResult) -> str:
    lines = [",".join(_csv_field(v) for v in result.variables)]
    for row in result.rows:
        lines.append(",".join(_csv_field(_csv_value(t)) for t in row))
    return "\r\n".join(lines) + "\r\n"


def tsv_term(term: Node | None) -> str:
    """A term in the Turtle/N-Triples syntax the TSV format uses (strings escaped, no tabs)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise TypeError(f"not an RDF term: {term!r}")


def to_tsv(result: QueryResult) -> str:
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype != XSD.string:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def to_xml(result: QueryResult) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "  <head>",
    ]
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("  </head>")
    if result.kind == "ask":
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("  <results>")
        for row in result.rows:
            out.append("    <result>")
            for v, t in zip(result.variables, row, strict=True):
                if t is not None:
                    out.append(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _short(term: Node | None, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        # The longest matching namespace wins (id: before the base).
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns) :]}"
        return f"<{text}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term).replace("\n", " ")
    return text + (f"@{term.language}" if term.language else "")


def to_table(result: QueryResult, prefixes: dict[str, str] | None = None, width: int = 60) -> str:
    """A plain-text table: IRIs shortened with the project's prefixes, long cells cut."""
    prefixes = prefixes or {}
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"

    def cell(t: Node | None) -> str:
        text = _short(t, prefixes)
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cell(t) for t in row] for row in result.rows]
    widths = [len(v) for v in result.variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))
    lines = [line.rstrip(), "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ResultFormat:
    """A way to write a query's answer (kb.core.plugins.RESULT_FORMATS): the media type, the
    writer of a SELECT or ASK answer, and the RDF syntax (an rdflib serializer) a CONSTRUCT or
    DESCRIBE graph is written in under this format's name."""

    media_type: str
    write: Callable[[QueryResult, dict[str, str] | None], str]
    graph_syntax: str = "nt"
    ask_as_line: bool = False  # csv and tsv: an ASK answer is the one line true or false


JSON = ResultFormat("application/sparql-results+json", lambda r, _: to_json(r), "json-ld")
XML = ResultFormat("application/sparql-results+xml", lambda r, _: to_xml(r), "xml")
CSV = ResultFormat("text/csv", lambda r, _: to_csv(r), ask_as_line=True)
TSV = ResultFormat("text/tab-separated-values", lambda r, _: to_tsv(r), ask_as_line=True)
TABLE = ResultFormat("text/plain", to_table, "turtle")
_BUILT_IN = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "table": TABLE}
MEDIA_TYPES = {name: fmt.media_type for name, fmt in _BUILT_IN.items()}


def serialise(result: QueryResult, fmt: str, prefixes: dict[str, str] | None = None) -> str:
    """The result in one of FORMATS; a CONSTRUCT graph is written as Turtle (table) or the
    RDF syntax the format name maps to (json -> JSON-LD, xml -> RDF/XML, csv/tsv -> N-Triples)."""
    writer = RESULT_FORMATS.load(fmt)
    if result.kind == "graph":
        graph = result.graph if result.graph is not None else Graph()
        for prefix, ns in (prefixes or {}).items():
            graph.bind(prefix, ns, override=True)
        text = graph.serialize(format=writer.graph_syntax)
        return text if text.endswith("\n") else text + "\n"
    if result.kind == "ask" and writer.ask_as_line:
        return ("true" if result.boolean else "false") + "\n"
    return writer.write(result, prefixes)


def canonical_text(result: QueryResult) -> str:
    """A result in a form that compares across engines: W3C TSV with its rows sorted (engines
    may order ties differently), or sorted N-Triples for a graph."""
    if result.kind == "graph":
        graph = result.graph if result.graph is not None else Graph()
        lines = sorted(ln for ln in graph.serialize(format="nt").splitlines() if ln)
        return "\n".join(lines) + "\n"
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header, *rows = to_tsv(result).splitlines()
    return "\n".join([header, *sorted(rows)]) + "\n"
