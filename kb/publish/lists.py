"""The class pages of projects and regions as tables with columns and a filter box: one row
per member, each stated value linked to its sources, the counts computed from the data."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from rdflib import URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kb.core.namespaces import MC, SCHEMA
from kb.publish.data import SiteData
from kb.publish.pages import Linker, PageBuilder, Value


def _stated(b: PageBuilder, link: Linker, s: Node, p: URIRef) -> Value | None:
    """The first value the data states for (s, p) (by text, so pages are reproducible),
    with the sources of that statement; None when it states none."""
    values = sorted(b.data.asserted.objects(s, p), key=str)
    if not values:
        return None
    o = values[0]
    href = link.href(o) if isinstance(o, URIRef) else None
    text = b.data.label(o) if isinstance(o, URIRef) else str(o)
    return Value(text, href, sources=b.source_links((s, p, o), link))


def _participants(d: SiteData, project: Node) -> int:
    parts = set(d.union.objects(project, MC.hasParticipation)) | set(
        d.union.subjects(MC.inProject, project)
    )
    return len({d.union.value(p, MC.participant) for p in parts} - {None})


def _located(d: SiteData, region: Node) -> int:
    return len({s for s in d.asserted.subjects(MC.locatedIn, region) if not d.is_a(s, MC.Region)})


Column = tuple[str, Callable[[PageBuilder, Linker, Node], Value | None]]

COLUMNS: dict[URIRef, list[Column]] = {
    MC.Project: [
        ("acronym", lambda b, k, s: _stated(b, k, s, MC.acronym)),
        ("funding programme", lambda b, k, s: _stated(b, k, s, MC.fundingProgramme)),
        ("start", lambda b, k, s: _stated(b, k, s, SCHEMA.startDate)),
        ("end", lambda b, k, s: _stated(b, k, s, SCHEMA.endDate)),
        ("participants (computed)", lambda b, k, s: Value(str(_participants(b.data, s)))),
    ],
    MC.Region: [
        ("code", lambda b, k, s: _stated(b, k, s, MC.nutsCode) or _stated(b, k, s, MC.isoAlpha2)),
        ("NUTS level", lambda b, k, s: _stated(b, k, s, MC.nutsLevel)),
        ("within", lambda b, k, s: _stated(b, k, s, MC.withinRegion)),
        ("country", lambda b, k, s: _stated(b, k, s, MC.country)),
        ("organisations located (computed)", lambda b, k, s: Value(str(_located(b.data, s)))),
    ],
}


def _cell(v: Value | None) -> str:
    """A cell: the value, then its sources as numbered links (the name in the tooltip, so
    the columns stay narrow)."""
    if v is None:
        return "<td></td>"
    text = escape(v.text)
    html = f"<a href='{escape(v.href)}'>{text}</a>" if v.href else text
    for i, src in enumerate(v.sources, 1):
        html += (
            f"<a class='src' href='{escape(src['href'] or '#')}' "
            f"title='source: {escape(src['text'])}'>[{i}]</a>"
        )
    return f"<td>{html}</td>"


def member_table(b: PageBuilder, cls: URIRef, members: list, link: Linker) -> str | None:
    """The members of a class with COLUMNS as a table with a filter box (the filter script
    is static/filter.js; without script the whole table shows). None for other classes."""
    columns = COLUMNS.get(cls)
    if columns is None:
        return None
    d = b.data
    name = escape(d.label(cls))
    rows = []
    for s in members:
        cells = [_cell(Value(d.label(s), link.href(s)))]
        cells += [_cell(render(b, link, s)) for _, render in columns]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th scope='col'>{escape(c)}</th>" for c in ["name", *(c for c, _ in columns)])
    definition = str(d.union.value(cls, SKOS.definition) or "")
    return (
        f"<p><label>Filter the {name} list: <input type='search' class='filter' "
        f"data-filter='members' placeholder='words from any column'></label> "
        f"<span class='filter-count' aria-live='polite'></span></p>"
        f"<table class='members' id='members' title='{escape(definition)}'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='note'>Counts marked computed are counted from the knowledge base's "
        f"statements; every other value links to the source it was read from.</p>"
        f"<script src='{escape(link.raw('static/filter.js'))}'></script>"
    )
