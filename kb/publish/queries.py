"""The stored-query catalogue on the site: as RDF (SHACL SPARQL executables, from
kb.sparql.catalogue.export_rdf) and as a page that lists every query and runs it on an endpoint.

Parameters are bound in the browser the way kb.core.sparql_text binds them for a remote engine:
a VALUES block at the start of the outermost WHERE group, the values written as RDF terms
(an IRI checked for forbidden characters, a literal escaped and typed), never pasted text.
Where that block goes is computed here, once, with kb.core.sparql_text itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from kb.core.config import Config
from kb.core.sparql_text import inject_values
from kb.publish.data import page_path
from kb.sparql.catalogue import StoredQuery, load_catalogue, to_term

# Where the catalogue is published (paths under the site root).
CATALOGUE_PATH = "queries/catalogue"  # + .ttl, .jsonld, .nt, .rdf
EXPECTED_DIR = "queries/expected"  # each query's expected answer on the seed data, as stored
WELL_KNOWN = ".well-known/sparql-examples"  # Turtle, as /.well-known/void is
DEFAULT_ENDPOINT = "http://127.0.0.1:8000/sparql"  # `kb serve` on its default port
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class ShownParameter:
    name: str
    type: str  # "iri" or the full datatype IRI
    type_label: str  # "IRI" or the CURIE, for people
    default: str  # the default's IRI or lexical form ("" when the parameter is required)
    allowed: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class ShownQuery:
    name: str
    iri: str
    title: str
    question: str
    user: str
    kind: str
    text: str  # the SPARQL without the '#+' header
    values_at: int  # where the VALUES block goes in `text` (-1: no parameters)
    parameters: tuple[ShownParameter, ...]
    path: str = ""  # the site path of the query's own page (its IRI's path)
    expected: str = ""  # the site path of the expected answer ("" when there is none)


def catalogue(config: Config) -> dict[str, StoredQuery]:
    return load_catalogue(config.queries_dir) if config.queries_dir.is_dir() else {}


def body(query: StoredQuery) -> str:
    """The query text without the '#+' metadata header (as the RDF export writes it)."""
    return "\n".join(ln for ln in query.text.splitlines() if not ln.startswith("#+")).strip()


def description(catalogue_graph: Graph, iri: str) -> Graph:
    """One stored query's statements from the catalogue graph: the executable and its
    parameters (hash IRIs under the query's own IRI)."""
    out = Graph()
    for s, p, o in catalogue_graph:
        if isinstance(s, URIRef) and (s == URIRef(iri) or str(s).startswith(iri + "#")):
            out.add((s, p, o))
    return out


def expected_site_path(query: StoredQuery) -> str:
    """Where the query's expected-answer file is copied on the site ("" when it has none)."""
    path = query.expected_path()
    return f"{EXPECTED_DIR}/{path.name}" if path.is_file() else ""


def values_offset(text: str) -> int:
    """The index in `text` right after the brace the VALUES block follows."""
    marked = inject_values(text, {"kb_slot": Literal("x")})
    i = 0
    while i < len(text) and text[i] == marked[i]:
        i += 1
    return i


def shown(queries: dict[str, StoredQuery], config: Config) -> list[ShownQuery]:
    base = config.base_iri + "id/query/"
    out = []
    for q in queries.values():
        text = body(q)
        params = []
        for p in q.parameters:
            default = ""
            if p.default is not None:
                default = str(to_term(p, p.default, config.prefixes))
            if p.type == "iri":
                ptype, label = "iri", "IRI"
            else:
                ptype, label = XSD + p.type.split(":", 1)[1], p.type
            allowed = tuple(str(to_term(p, a, config.prefixes)) for a in p.allowed)
            params.append(ShownParameter(p.name, ptype, label, default, allowed, p.description))
        out.append(
            ShownQuery(
                q.name,
                base + q.name,
                q.title,
                q.question,
                q.user,
                q.kind,
                text,
                values_offset(text) if params else -1,
                tuple(params),
                page_path(base + q.name, config.base_iri),
                expected_site_path(q),
            )
        )
    return out
