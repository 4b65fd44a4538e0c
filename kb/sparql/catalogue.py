"""The stored-query catalogue: reading queries/*.rq, binding parameters, running, exporting.

Each stored query is one file `queries/<NN>_<name>.rq` whose header lines starting with `#+ `
hold TOML (in the spirit of grlc's decorators): title, question, user, [[param]] tables. The
expected answer on the seed data is `queries/expected/<name>.tsv` (SELECT, W3C TSV) or
`queries/expected/<name>.nt` (CONSTRUCT, sorted N-Triples).

Parameters are turned into RDF terms of their declared type and handed to every engine as
a validated VALUES block at the start of the outer WHERE group (kb/core/sparql_text.py); their
text never becomes part of the query text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, XSD
from rdflib.term import Node

from kb.core.config import Config
from kb.core.errors import KBError, ParameterError
from kb.store import QueryResult, QuerySyntaxError

HEADER = "#+ "
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NAME = re.compile(r"^(\d+)_([a-z0-9-]+)$")
USERS = ("cluster manager", "S3 officer", "consultant", "everyone")
LITERAL_TYPES = {
    "xsd:string",
    "xsd:integer",
    "xsd:decimal",
    "xsd:double",
    "xsd:boolean",
    "xsd:date",
    "xsd:gYear",
}
# Characters an IRI may not contain (RFC 3987 / the SPARQL IRIREF production).
BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')
# Schemes an IRI parameter may use: the KB's own IRIs and the authorities it links to are
# http(s), sample and test IRIs urn. Others (javascript:, data:, file: ...) are refused: a
# parameter's IRI ends up as a link on pages and in answers.
IRI_SCHEMES = ("http", "https", "urn")
# XSD lexical forms in ASCII digits only: int() and Decimal() also read other scripts' digits
# ("\uff15" as 5), which no SPARQL engine compares as the number.
NUMBER_FORMS = {
    "xsd:integer": re.compile(r"[+-]?[0-9]+"),
    "xsd:decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    "xsd:double": re.compile(
        r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
    ),
}
# XSD whitespace facet "collapse": leading and trailing spaces, tabs and line breaks only
XSD_SPACE = " \t\r\n"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # "iri" or an XSD datatype as a CURIE
    default: Any = None
    allowed: tuple[Any, ...] = ()
    description: str = ""
    # index-backed: the variable the text index binds (a VALUES block) to the resources whose
    # labels or descriptions hold this parameter's words (kb.build.knowledge_base)
    index: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class StoredQuery:
    name: str
    number: int
    path: Path
    text: str
    title: str
    question: str
    user: str
    parameters: tuple[Parameter, ...] = ()
    notes: str = ""

    @property
    def kind(self) -> str:
        body = re.sub(r"(?m)^\s*#.*$", "", self.text)
        match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).lower() if match else "select"

    @property
    def order(self) -> tuple[tuple[str, bool], ...]:
        """The (variable, descending) keys of its ORDER BY: the order kb gives its rows on
        every engine (kb/sparql/ordering.py)."""
        from kb.sparql.ordering import order_keys

        try:
            return order_keys(self.text)
        except KBError as exc:
            raise KBError(f"{self.path}: {exc}") from None

    def expected_path(self) -> Path:
        suffix = ".nt" if self.kind == "construct" else ".tsv"
        return self.path.parent / "expected" / f"{self.name}{suffix}"


def read_query_text(path: Path) -> str:
    """The text of a stored query or check; KBError naming the file and line for a file that
    is not UTF-8 (SPARQL text is Unicode; the catalogue never guesses an encoding)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise KBError(
            f"{path}:{line}: not UTF-8 (byte {exc.start}: {exc.reason}); save it as UTF-8"
        ) from None


def parse_query_file(path: Path) -> StoredQuery:
    match = NAME.match(path.stem)
    if not match:
        raise KBError(f"{path}: a stored query is named <NN>_<lower-case-name>.rq")
    text = read_query_text(path)
    header = "\n".join(
        line[len(HEADER) :] if line.startswith(HEADER) else ""
        for line in text.splitlines()
        if line.startswith(HEADER) or line.strip() == "#+"
    )
    try:
        meta = tomllib.loads(header)
    except tomllib.TOMLDecodeError as exc:
        raise KBError(f"{path}: bad '#+' header: {exc}") from exc
    for key in ("title", "question", "user"):
        if not isinstance(meta.get(key), str):
            raise KBError(f"{path}: the '#+' header needs a {key!r}")
    if meta["user"] not in USERS:
        raise KBError(f"{path}: user must be one of {', '.join(USERS)}")
    params = []
    for p in meta.get("param", []):
        ptype = p.get("type", "xsd:string")
        if ptype != "iri" and ptype not in LITERAL_TYPES:
            raise KBError(f"{path}: parameter {p.get('name')!r} has unknown type {ptype!r}")
        index = p.get("index")
        if index is not None and (
            ptype != "xsd:string" or not isinstance(index, str) or not VARIABLE.fullmatch(index)
        ):
            raise KBError(
                f"{path}: parameter {p.get('name')!r}: index names the variable the text index "
                'binds (index = "resource"), for an xsd:string parameter'
            )
        params.append(
            Parameter(
                p["name"],
                ptype,
                p.get("default"),
                tuple(p.get("allowed", ())),
                p.get("description", ""),
                index,
            )
        )
    return StoredQuery(
        match.group(2),
        int(match.group(1)),
        path,
        text,
        meta["title"],
        meta["question"],
        meta["user"],
        tuple(params),
        meta.get("notes", ""),
    )


def load_catalogue(queries_dir: Path) -> dict[str, StoredQuery]:
    """Every stored query by name, in file order; KBError for a queries folder that does not
    exist (a mistyped queries_dir must not read as an empty catalogue)."""
    if not queries_dir.is_dir():
        raise KBError(
            f"queries_dir {queries_dir} does not exist (set in [tool.kb] or KB_QUERIES_DIR)"
        )
    catalogue: dict[str, StoredQuery] = {}
    for path in sorted(queries_dir.glob("*.rq")):
        query = parse_query_file(path)
        if query.name in catalogue:
            raise KBError(f"{path}: a query named {query.name!r} already exists")
        catalogue[query.name] = query
    return catalogue


# --- parsing every query and check, as `kb build` does --------------------------------------

# Oxigraph's syntax errors read "error at LINE:COLUMN: message"; rdflib's are pyparsing's
_OX_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)
_RDFLIB_POSITION = re.compile(r"at line (\d+), column (\d+):\s*(.*)", re.S)
# A sample value of each parameter type, to check that the parameters can be bound
_SAMPLES = {
    "iri": URIRef("urn:x-kb:sample"),
    "xsd:string": Literal("sample"),
    "xsd:integer": Literal(0),
    "xsd:decimal": Literal(Decimal("0")),
    "xsd:double": Literal(0.0),
    "xsd:boolean": Literal(True),
    "xsd:date": Literal("2000-01-01", datatype=XSD.date),
    "xsd:gYear": Literal("2000", datatype=XSD.gYear),
}


def _syntax_error(path: Path, message: str) -> QuerySyntaxError:
    """QuerySyntaxError naming the file, line and column in an engine's message."""
    for pattern in (_OX_POSITION, _RDFLIB_POSITION):
        found = pattern.search(message)
        if found:
            line, column, rest = found.groups()
            return QuerySyntaxError(f"{path}:{line}:{column}: SPARQL syntax error: {rest.strip()}")
    return QuerySyntaxError(f"{path}: SPARQL syntax error: {message}")


def check_query_syntax(text: str, path: Path) -> None:
    """Parse `text` with Oxigraph's SPARQL parser (strict, and 10^2 times faster than rdflib's:
    the whole catalogue in milliseconds); QuerySyntaxError with file, line and column."""
    import pyoxigraph as ox

    try:
        ox.Store().query(text)  # parsed, not run: the answer is never read
    except SyntaxError as exc:
        raise _syntax_error(path, str(exc)) from None


def syntax_error_as_written(
    path: Path, text: str, sent: str, exc: QuerySyntaxError
) -> QuerySyntaxError:
    """An engine's syntax error in `sent` (the query with its VALUES block bound in) at the
    position of the file as written: positions after the block move back by its length, one
    inside it points at where it went in."""
    found = _OX_POSITION.search(str(exc)) or _RDFLIB_POSITION.search(str(exc))
    if not found:
        return QuerySyntaxError(f"{path}: {exc}")
    line, column, rest = int(found.group(1)), int(found.group(2)), found.group(3).strip()
    lines = sent.split("\n")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    start = next((i for i, (a, b) in enumerate(zip(text, sent, strict=False)) if a != b), len(text))
    added = len(sent) - len(text)
    if offset >= start + added:
        offset -= added
    elif offset >= start:
        offset = start
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return QuerySyntaxError(f"{path}:{line}:{column}: SPARQL syntax error: {rest}")


def _variables(text: str) -> set[str]:
    """The variable names of a query's text, outside comments, strings and IRIs."""
    from kb.core.sparql_text import _code_positions

    code = "".join(c for _i, c in _code_positions(text))
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", code))


def check_stored_query(query: StoredQuery, prefixes: Mapping[str, str]) -> None:
    """The query parses; each declared parameter is a variable of its text, has a valid
    default and allowed values, and can be bound (the VALUES block goes into a WHERE group)."""
    check_query_syntax(query.text, query.path)
    query.order  # noqa: B018  (KBError for an ORDER BY kb cannot apply: kb/sparql/ordering.py)
    used = _variables(query.text)
    for param in query.parameters:
        if param.name not in used:
            raise KBError(
                f"{query.path}: parameter {param.name!r} is declared in the '#+' header but "
                f"?{param.name} is not in the query"
            )
        if param.index is not None and param.index not in used:
            raise KBError(
                f"{query.path}: parameter {param.name!r} is index-backed (index = "
                f"{param.index!r}) but ?{param.index} is not in the query"
            )
        for value in (param.default, *param.allowed):
            if value is not None:
                try:
                    to_term(Parameter(param.name, param.type), value, prefixes)
                except ParameterError as exc:
                    raise KBError(f"{query.path}: {exc}") from None
    if query.parameters:
        from kb.core.sparql_text import inject_values

        samples = {p.name: _SAMPLES[p.type] for p in query.parameters}
        try:
            sent = inject_values(query.text, samples)
            for p in query.parameters:
                if p.index is not None:  # as the candidates are bound (none is a sample too)
                    sent = inject_values(sent, {p.index: _SAMPLES["iri"]})
        except ParameterError as exc:
            raise KBError(f"{query.path}: {exc}") from None
        try:
            check_query_syntax(sent, query.path)
        except QuerySyntaxError as exc:
            raise syntax_error_as_written(query.path, query.text, sent, exc) from None


def expand_iri(value: str, prefixes: Mapping[str, str]) -> str:
    """A full IRI from `<iri>`, `iri` or a CURIE with one of the project's prefixes."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in prefixes and not local.startswith("//"):
        value = prefixes[prefix] + local
    return value


def to_term(param: Parameter, value: Any, prefixes: Mapping[str, str]) -> Node:
    """The RDF term of the parameter's declared type, or ParameterError naming it."""
    if param.type == "iri":
        if isinstance(value, URIRef):
            iri = str(value)
        elif isinstance(value, str):
            iri = expand_iri(value, prefixes)
        else:
            raise ParameterError(param.name, f"expected an IRI, got {type(value).__name__}")
        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", iri)
        if not scheme or BAD_IRI.search(iri):
            raise ParameterError(param.name, f"not an absolute IRI: {value!r}")
        if scheme.group(1).lower() not in IRI_SCHEMES:
            raise ParameterError(
                param.name,
                f"the IRI scheme {scheme.group(1)!r} is not accepted ({', '.join(IRI_SCHEMES)} "
                f"are): {value!r}",
            )
        term: Node = URIRef(iri)
    elif param.type == "xsd:string":
        if not isinstance(value, str):
            raise ParameterError(param.name, f"expected a string, got {type(value).__name__}")
        if not value.strip():  # CONTAINS(?label, "") is true of every label
            raise ParameterError(param.name, "empty: an empty search term would match everything")
        term = Literal(str(value))
    else:
        datatype = XSD[param.type.split(":", 1)[1]]
        if isinstance(value, bool) and param.type != "xsd:boolean":
            raise ParameterError(param.name, f"expected {param.type}, got a boolean")
        if isinstance(value, str):
            lexical = value.strip(XSD_SPACE)
            if param.type == "xsd:boolean" and lexical not in ("true", "false", "1", "0"):
                raise ParameterError(param.name, f"not a valid {param.type}: {value!r}")
            form = NUMBER_FORMS.get(param.type)
            if (form and not form.fullmatch(lexical)) or not lexical.isascii():
                raise ParameterError(param.name, f"not a valid {param.type}: {value!r}")
            term = Literal(lexical, datatype=datatype)
        elif isinstance(value, int | float | Decimal | bool):
            term = Literal(value, datatype=datatype)
        else:
            raise ParameterError(param.name, f"expected {param.type}, got {type(value).__name__}")
        if getattr(term, "ill_typed", False) or (
            param.type in ("xsd:integer", "xsd:decimal", "xsd:double") and term.value is None
        ):
            raise ParameterError(param.name, f"not a valid {param.type}: {value!r}")
    if param.allowed:
        allowed = [to_term(Parameter(param.name, param.type), a, prefixes) for a in param.allowed]
        if term not in allowed:
            raise ParameterError(
                param.name, f"{value!r} is not one of {', '.join(map(str, param.allowed))}"
            )
    return term


def bind(
    query: StoredQuery, params: Mapping[str, Any], prefixes: Mapping[str, str]
) -> dict[str, Node]:
    """Check `params` against the query's declared parameters and return their RDF terms."""
    declared = {p.name: p for p in query.parameters}
    for name in params:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ParameterError(name, f"unknown for query {query.name!r} (parameters: {known})")
    bindings: dict[str, Node] = {}
    for p in query.parameters:
        value = params.get(p.name, p.default)
        if value is None:
            raise ParameterError(p.name, f"required by query {query.name!r}")
        bindings[p.name] = to_term(p, value, prefixes)
    return bindings


# --- typed rows ------------------------------------------------------------------------------


def python_value(term: Node | None) -> Any:
    """A Python value for a term: numbers, booleans and dates as such, strings for plain and
    language-tagged text, IRIs stay URIRef (a str). Unknown datatypes keep the Literal."""
    if term is None or not isinstance(term, Literal):
        return term
    if term.language or term.datatype in (None, XSD.string):
        return str(term)
    value = term.toPython()
    return term if isinstance(value, Literal) else value


class Row(tuple):
    """One answer: a tuple of Python values, also readable by variable name."""

    variables: tuple[str, ...] = ()

    def __new__(cls, variables: tuple[str, ...], values: tuple[Any, ...]) -> Row:
        row = super().__new__(cls, values)
        row.variables = variables
        return row

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self.variables.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def asdict(self) -> dict[str, Any]:
        return dict(zip(self.variables, self, strict=True))


def rows(result: QueryResult) -> list[Row]:
    variables = tuple(result.variables)
    return [Row(variables, tuple(python_value(t) for t in row)) for row in result.rows]


# --- the knowledge base as a query engine ----------------------------------------------------


def ordered(query: StoredQuery, result: QueryResult) -> QueryResult:
    """A stored SELECT's answer in the order its ORDER BY states, by kb's collation rather
    than the engine's: the same rows in the same order on rdflib, Oxigraph and a remote
    endpoint (kb/sparql/ordering.py says how values compare)."""
    if result.kind != "select" or not query.order:
        return result
    from dataclasses import replace

    from kb.sparql.ordering import order_rows

    try:
        rows = order_rows(result.variables, result.rows, query.order)
    except KBError as exc:
        raise KBError(f"{query.path}: {exc}") from None
    return replace(result, rows=rows)


# --- the catalogue as RDF ---------------------------------------------------------------------


def export_rdf(catalogue: Mapping[str, StoredQuery], config: Config) -> Graph:
    """The catalogue as SHACL SPARQL executables, in the style of sib-swiss/sparql-examples."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("dct", DCTERMS)
    g.bind("rdfs", RDFS)
    g.bind("schema", "https://schema.org/")
    base = config.base_iri + "id/query/"
    for query in catalogue.values():
        node = URIRef(base + query.name)
        kind = {"select": SH.SPARQLSelectExecutable, "construct": SH.SPARQLConstructExecutable}
        g.add((node, RDF.type, SH.SPARQLExecutable))
        if query.kind in kind:
            g.add((node, RDF.type, kind[query.kind]))
        g.add((node, RDFS.label, Literal(query.title, lang="en")))
        g.add((node, RDFS.comment, Literal(query.question, lang="en")))
        g.add((node, DCTERMS.audience, Literal(query.user)))
        body = "\n".join(ln for ln in query.text.splitlines() if not ln.startswith("#+"))
        g.add((node, SH.select if query.kind == "select" else SH.construct, Literal(body.strip())))
        g.add((node, URIRef("https://schema.org/keywords"), Literal(query.user)))
        for p in query.parameters:
            pnode = URIRef(f"{base}{query.name}#{p.name}")
            g.add((node, SH.parameter, pnode))
            g.add((pnode, RDF.type, SH.Parameter))
            g.add((pnode, SH.name, Literal(p.name)))
            g.add((pnode, SH.path, URIRef(f"{base}{query.name}#{p.name}-value")))
            if p.type == "iri":
                g.add((pnode, SH.nodeKind, SH.IRI))
            else:
                g.add((pnode, SH.datatype, XSD[p.type.split(":", 1)[1]]))
            if p.default is not None:
                g.add((pnode, SH.defaultValue, to_term(p, p.default, config.prefixes)))
            else:
                g.add((pnode, SH.optional, Literal(False)))
            if p.description:
                g.add((pnode, RDFS.comment, Literal(p.description, lang="en")))
    return g
