"""The figure tables of a page: the figures the sources state and, for an organisation, its
H2020 metrics computed from the participations beside the stated ones (kb.publish.metrics)."""

from __future__ import annotations

from rdflib import URIRef

from kb.core.namespaces import MC
from kb.publish.metrics import organisation_metrics
from kb.publish.page_facts import FactRows
from kb.publish.page_model import Linker, Table, Value


class FigureTables(FactRows):
    def figures(self, iri: URIRef, link: Linker) -> Table | None:
        d = self.data
        figs = set(d.union.objects(iri, MC.hasFigure)) | set(d.union.subjects(MC.figureOf, iri))
        if not figs:
            return None
        rows = []
        for f in sorted(figs, key=lambda f: (d.label(d.union.value(f, MC.measure)), str(f))):
            g = d.union
            value = g.value(f, MC.value)
            unit = g.value(f, MC.unit)
            qual = g.value(f, MC.qualifier)
            year = g.value(f, MC.referenceYear) or g.value(f, MC.referenceDate)
            flags = ", ".join(d.label(x) for x in g.objects(f, MC.flag))
            amount = Value(
                f"{d.label(qual) + ' ' if qual is not None and str(qual).endswith('/exact') is False else ''}"  # noqa: E501
                f"{value if value is not None else ''} {d.label(unit) if unit is not None else ''}",
                link.href(f),
            )
            stated = g.value(f, MC.statedAs)
            rows.append(
                [
                    self.value(g.value(f, MC.measure), link)
                    if g.value(f, MC.measure)
                    else Value(""),
                    amount,
                    Value(str(year) if year is not None else ""),
                    Value(f"“{stated}”" if stated is not None else ""),
                    Value(
                        flags
                        + (
                            " (conflicts with another source)"
                            if (f, MC.conflictsWith, None) in g
                            else ""
                        ),
                    ),
                    Value("", sources=self.source_links((f, MC.value, value), link)),
                ]
            )
        return Table(
            "Figures stated by the sources",
            ["measure", "value", "year", "as stated", "flags", "source"],
            rows,
            css="figures",
        )

    def computed_figures(self, iri: URIRef, link: Linker) -> Table | None:
        """For an organisation: its H2020 metrics computed from the participations the KB
        holds, beside the ones its profiles state in the same scope (kb.publish.metrics)."""
        d = self.data
        metrics = organisation_metrics(d.union, iri)
        if not metrics:
            return None
        rows = []
        for m in metrics:
            amount = m.measure == "ec-funding"
            computed = f"{m.computed:,.0f} EUR" if amount else f"{m.computed:,.0f}"
            counts = m.counts + (
                f" ({m.basis} of them hold an amount)" if amount else f" ({m.basis} found)"
            )
            stated = Value("—")
            if m.stated:
                texts, sources = [], []
                for s in m.stated:
                    qualifier = d.label(s.qualifier) + " " if s.qualifier else ""
                    qualifier = "" if str(s.qualifier).endswith("/exact") else qualifier
                    texts.append(f"{qualifier}{s.value:,.0f}" + (" EUR" if amount else ""))
                    value = d.union.value(s.figure, MC.value)
                    sources += self.source_links((s.figure, MC.value, value), link)
                stated = Value(" / ".join(dict.fromkeys(texts)), link.href(m.stated[0].figure))
                stated.sources = sources
            flag = {"agrees": "agrees", "differs": "differs", "not stated": ""}[m.agreement]
            rows.append([Value(m.label), Value(computed), Value(counts), stated, Value(flag)])
        return Table(
            "H2020 metrics: computed here and stated by the sources",
            ["measure", "computed here", "what the computed figure counts", "stated", "agreement"],
            rows,
            note="Like with like: both count Horizon 2020 only. The knowledge base may hold "
            "only part of an organisation's projects and amounts, so a computed figure can be "
            "lower than the stated one; 'differs' flags where they disagree.",
            css="computed",
        )
