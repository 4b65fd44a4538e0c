"""A Store for a remote SPARQL 1.1 endpoint, through SPARQLWrapper.

Read-only: queries go out (GET for short ones, POST for long ones), answers come back as SPARQL
JSON results or N-Triples. Parameters travel as a VALUES block written from RDF terms at the
start of the query's outermost group, so filters in that group see them, as with the embedded
engines' bindings.
"""

from __future__ import annotations

import email.utils
import re
import time
import urllib.error
from collections.abc import Iterable, Iterator, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kb.core import __version__
from kb.core.errors import KBError
from kb.core.sparql_text import inject_values as with_bindings
from kb.store import ProtocolDataset, QueryResult, QuerySyntaxError, Store, Triple

USER_AGENT = f"mfg-clusters-kb/{__version__} (+https://w3id.org/mfg-clusters/)"
GET_LIMIT = 1500  # characters of query text above which POST is used (URL length limits)

# SPARQLWrapper guesses the query form by searching the text for the first keyword after
# removing comments, but its comment pattern misses every second line of a comment block, so a
# stored query's header ("... with a clear mark") made it CLEAR, sent as an update. The form is
# the first word after the prologue (comments, PREFIX and BASE declarations).
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE
)
_QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE (or an update's first word), None if there is none."""
    word = re.match(r"[A-Za-z]+", text[_PROLOGUE.match(text).end() :])
    return word.group(0).upper() if word else None


RETRY_STATUS = (429, 503)


def _term(binding: dict) -> Node:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    # the lexical form as the endpoint sent it: rdflib's normalising would drop the time zone
    # of "2020-01-01Z"^^xsd:date (issue 18)
    return Literal(
        binding["value"], datatype=URIRef(datatype) if datatype else None, normalize=False
    )


class RemoteStore(Store):
    """A remote SPARQL 1.1 query endpoint (read-only)."""

    name = "remote"

    def __init__(
        self, endpoint: str, *, timeout: float = 30.0, retries: int = 3, max_wait: float = 30.0
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait

    def add_graph(self, iri: str, triples: Iterable[Triple]) -> None:
        raise KBError(f"the remote endpoint {self.endpoint} is read-only here (see kb upload)")

    def _wrapper(self, text: str, fmt: str, dataset: ProtocolDataset | None) -> SPARQLWrapper:
        w = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        w.setQuery(text)
        for iri in dataset.default if dataset else ():
            w.addDefaultGraph(iri)
        for iri in dataset.named if dataset else ():
            w.addNamedGraph(iri)
        form = query_form(text)
        if form in _QUERY_FORMS:
            w.queryType = form
        w.setReturnFormat(fmt)
        w.setTimeout(int(self.timeout))
        if len(text) > GET_LIMIT:
            w.setMethod(POST)
        return w

    def _retry_after(self, error: urllib.error.HTTPError, attempt: int) -> float:
        header = error.headers.get("Retry-After") if error.headers else None
        wait = float(2**attempt)
        if header:
            header = header.strip()
            if header.isdigit():
                wait = float(header)
            else:
                when = email.utils.parsedate_to_datetime(header)
                wait = max(0.0, when.timestamp() - time.time()) if when else wait
        return min(wait, self.max_wait)

    def _send(self, text: str, fmt: str, dataset: ProtocolDataset | None = None):
        for attempt in range(self.retries + 1):
            try:
                return self._wrapper(text, fmt, dataset).query()
            except urllib.error.HTTPError as exc:
                if exc.code in RETRY_STATUS and attempt < self.retries:
                    time.sleep(self._retry_after(exc, attempt))
                    continue
                raise KBError(f"{self.endpoint}: HTTP {exc.code} {exc.reason}") from exc
            except QueryBadFormed as exc:
                raise QuerySyntaxError(f"the endpoint rejected the query: {exc}") from exc
            except SPARQLWrapperException as exc:
                raise KBError(f"{self.endpoint}: {exc}") from exc
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                raise KBError(f"{self.endpoint}: cannot reach the endpoint: {exc}") from exc
        raise KBError(f"{self.endpoint}: still busy after {self.retries} retries")

    def query(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        dataset: ProtocolDataset | None = None,
    ) -> QueryResult:
        text = with_bindings(text, bindings)
        body = re.sub(r"(?m)#.*$", "", text)
        if re.search(r"\b(CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE):
            data = self._send(text, N3, dataset).convert()
            g = Graph()
            g.parse(data=data, format="turtle")
            return QueryResult("graph", graph=g)
        doc = self._send(text, JSON, dataset).convert()
        if "boolean" in doc:
            return QueryResult("ask", boolean=bool(doc["boolean"]))
        variables = list(doc["head"].get("vars", []))
        rows = [
            tuple(_term(b[v]) if v in b else None for v in variables)
            for b in doc["results"]["bindings"]
        ]
        return QueryResult("select", variables, rows)

    def graph_names(self) -> list[str]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [str(row[0]) for row in res.rows]

    def triples(self, graph_iri: str | None = None) -> Iterator[Triple]:
        text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        bindings = None
        if graph_iri is not None:
            text = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
            bindings = {"g": URIRef(graph_iri)}
        yield from self.query(text, bindings).graph or []

    def __len__(self) -> int:
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(res.rows[0][0]) if res.rows else 0
