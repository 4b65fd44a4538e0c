"""rdflib's in-memory Dataset as a store: the reference engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kb.core.sparql_text import inject_values
from kb.store.base import (
    ProtocolDataset,
    QueryResult,
    QuerySyntaxError,
    Store,
    Triple,
    graph_result,
    select_result,
)


class RdflibStore(Store):
    """rdflib's in-memory Dataset: the reference engine, comfortable up to ~10^5 triples."""

    name = "rdflib"

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)

    def add_graph(self, iri: str, triples: Iterable[Triple]) -> None:
        g = self.dataset.graph(URIRef(iri))
        for triple in triples:
            g.add(triple)

    def graph_names(self) -> list[str]:
        return sorted(
            str(g.identifier)
            for g in self.dataset.graphs()
            if isinstance(g.identifier, URIRef)
            and g.identifier != DATASET_DEFAULT_GRAPH_ID
            and len(g)
        )

    def triples(self, graph_iri: str | None = None) -> Iterator[Triple]:
        if graph_iri is not None:
            yield from self.dataset.graph(URIRef(graph_iri)).triples((None, None, None))
            return
        for s, p, o, _g in self.dataset.quads((None, None, None, None)):
            yield s, p, o

    def query(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        dataset: ProtocolDataset | None = None,
        limit: int | None = None,
        base: str | None = None,
    ) -> QueryResult:
        from pyparsing import ParseException

        try:
            if dataset is None and limit is not None:
                return self._query_streaming(inject_values(text, bindings), limit, base)
            if dataset is None:
                res = self.dataset.query(inject_values(text, bindings), base=base)
            else:
                res = self._query_dataset(inject_values(text, bindings), dataset, base)
        except ParseException as exc:
            raise QuerySyntaxError(
                f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}"
            ) from exc
        return self._result(res, limit)

    def _result(self, res, limit: int | None) -> QueryResult:
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return graph_result(res.graph or [], limit)
        variables = [str(v) for v in res.vars or []]
        return select_result(variables, (tuple(row) for row in res), limit)

    def _query_streaming(self, text: str, limit: int, base: str | None) -> QueryResult:
        """As Dataset.query, but a CONSTRUCT's triples are made one solution at a time and
        stop at `limit`: rdflib's own evalConstructQuery builds the whole graph first. Uses
        rdflib's evaluator as evalQuery does (rdflib 7)."""
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.evaluate import evalPart
        from rdflib.plugins.sparql.evalutils import _fillTemplate
        from rdflib.plugins.sparql.sparql import QueryContext

        prepared = prepareQuery(text, initNs=dict(self.dataset.namespaces()), base=base)
        main = prepared.algebra
        if main.name != "ConstructQuery":
            return self._result(self.dataset.query(prepared), limit)
        ctx = QueryContext(self.dataset, initBindings={}, datasetClause=main.datasetClause)
        ctx.prologue = prepared.prologue
        template = main.template or main.p.p.triples  # CONSTRUCT WHERE: the pattern itself
        triples = (t for c in evalPart(ctx, main.p) for t in _fillTemplate(template, c))
        return graph_result(triples, limit)

    def _query_dataset(self, text: str, dataset: ProtocolDataset, base: str | None):
        """rdflib has no dataset argument: the query runs on a Dataset holding copies of the
        named graphs, with its FROM clauses dropped (the protocol's dataset wins)."""
        from rdflib.plugins.sparql import prepareQuery

        prepared = prepareQuery(text, base=base)
        prepared.algebra["datasetClause"] = None
        view = Dataset()
        for iri in dataset.default:
            for triple in self.dataset.graph(URIRef(iri)):
                view.default_graph.add(triple)
        for iri in dataset.named:
            graph = view.graph(URIRef(iri))
            for triple in self.dataset.graph(URIRef(iri)):
                graph.add(triple)
        return view.query(prepared)

    def __len__(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))
