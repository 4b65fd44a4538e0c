"""The seeds' tables shown whole, as the source prints them: the EFFRA domains mapping (domains
as rows with their names, organisations as columns in the source's order, uncertain readings
counted apart) and Annex 1 "Consortium partners in figures" (one row per partner, every
column, in the source's order). The order comes from the section's mc:sourceOrder list."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from rdflib import URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kb.core.namespaces import CODE, MC
from kb.publish.data import SiteData
from kb.publish.page_model import Linker

UNCERTAIN = CODE["mark-reading/covered-uncertain"]


def source_order(d: SiteData, sections, items) -> list[Node]:
    """`items` in the order the sections' mc:sourceOrder lists give; any item no list names
    follows, by label (a contributor's new row before its list is updated is still shown)."""
    order: list[Node] = []
    for section in sorted(set(sections), key=str):
        for lst in d.union.objects(section, MC.sourceOrder):
            order += [i for i in d.union.items(lst) if i not in order]
    wanted = set(items)
    rest = sorted(wanted - set(order), key=lambda i: (d.label(i).lower(), i.n3()))
    return [i for i in order if i in wanted] + rest


def sources_note(d: SiteData, sections, link: Linker) -> str:
    """'Source: document, section' with a link to each section's page."""
    parts = []
    for section in sorted(set(sections), key=str):
        src = d.source(section)
        text = f"{src.document_label}, {src.label}" if src.document_label else src.label
        parts.append(
            f"<a class='src' href='{escape(link.href(section) or '#')}'>{escape(text)}</a>"
        )
    return "<p class='note'>Source: " + "; ".join(parts) + "</p>" if parts else ""


def a(d: SiteData, node: Node, link: Linker, text: str | None = None) -> str:
    return f"<a href='{escape(link.href(node) or '#')}'>{escape(text or d.label(node))}</a>"


def short(d: SiteData, node: Node) -> str:
    """A long name's acronym where the data has one (the matrix prints 'AFIL', 'CEP')."""
    acronyms = sorted(str(x) for x in d.union.objects(node, MC.acronym))
    label = d.label(node)
    return acronyms[0] if acronyms and len(label) > 20 else label


def effra_matrix(d: SiteData, link: Linker) -> str:
    """The EFFRA domains mapping as printed: a row per domain (notation, name, definition), a
    column per organisation in the source's order; each cell the mark as printed and its
    reading; per organisation and per domain the cells read covered, and apart the uncertain
    ones (the bullet of Cluster Digital de Catalunya, D1, is not counted as covered)."""
    g = d.union
    cells: dict[tuple[Node, Node], Node] = {}
    sections = set()
    for c in sorted(g.subjects(MC.mappedOrganisation, None), key=str):
        org, dom = g.value(c, MC.mappedOrganisation), g.value(c, MC.mappedDomain)
        if org is not None and dom is not None:
            cells.setdefault((org, dom), c)
            sections |= set(g.objects(c, MC.section))
    if not cells:
        return "<p class='note'>The knowledge base holds no EFFRA domain mapping yet.</p>"
    domains = sorted(
        set(g.subjects(SKOS.inScheme, CODE["effra-domain"])),
        key=lambda x: str(g.value(x, SKOS.notation) or x),
    )
    orgs = source_order(d, sections, {o for o, _ in cells})
    covered: dict[Node, int] = defaultdict(int)
    uncertain: dict[Node, int] = defaultdict(int)
    out = [sources_note(d, sections, link), "<table class='heatmap'><thead><tr>"]
    out.append("<th>EFFRA domain</th>")
    out += [
        f"<th class='org' title='{escape(d.label(o))}'>{a(d, o, link, short(d, o))}</th>"
        for o in orgs
    ]
    out.append("<th>organisations covering</th><th>uncertain</th></tr></thead><tbody>")
    for dom in domains:
        definition = g.value(dom, SKOS.definition)
        out.append(
            f"<tr><th class='domain'>{a(d, dom, link, str(g.value(dom, SKOS.notation) or ''))} "
            f"<span class='domain-name'>{escape(d.label(dom))}</span>"
            + (f"<span class='definition'>{escape(str(definition))}</span>" if definition else "")
            + "</th>"
        )
        row_covered = row_uncertain = 0
        for org in orgs:
            c = cells.get((org, dom))
            if c is None:
                out.append("<td class='cell none' title='not marked'>·</td>")
                continue
            reading = g.value(c, MC.markReading)
            if reading == UNCERTAIN:
                uncertain[org] += 1
                row_uncertain += 1
            else:
                covered[org] += 1
                row_covered += 1
            out.append(cell(d, c, reading, link))
        out.append(f"<td class='count'>{row_covered}</td><td class='count'>{row_uncertain}</td>")
        out.append("</tr>")
    out.append("</tbody><tfoot><tr><th>domains covered</th>")
    out += [f"<td class='count'>{covered[o]}</td>" for o in orgs]
    out.append("<td></td><td></td></tr><tr><th>uncertain readings</th>")
    out += [f"<td class='count'>{uncertain[o]}</td>" for o in orgs]
    out.append("<td></td><td></td></tr></tfoot></table>")
    return "".join(out)


def cell(d: SiteData, c: Node, reading: Node | None, link: Linker) -> str:
    mark = d.union.value(c, MC.sourceMark)
    css = str(reading).rsplit("/", 1)[-1] if reading is not None else "covered"
    text = d.label(reading) if reading is not None else ""
    return (
        f"<td class='cell {escape(css)}'><a href='{escape(link.href(c) or '#')}' "
        f"title='{escape(text)}'>{escape(str(mark) if mark is not None else '✓')}</a>"
        f"<span class='reading'>{escape(text)}</span></td>"
    )


# Annex 1's columns as printed, each with the facts it was read into (kb/publish/pages shows
# the same facts grouped by kind on each partner's page).
ANNEX_1_COLUMNS: list[tuple[str, list[URIRef]]] = [
    ("Size of the Network", []),  # figures: members, cluster partners, target companies
    ("Connections to Business Networks", [MC.businessNetworkConnection]),
    ("Number of SMEs", []),  # figures: SME members
    ("Main Thematic", [MC.mainThematic]),
    ("Projects References", [MC.projectReference]),
    ("Activities linked to Industry 4.0", [MC.industry40Activity]),
    ("Common 4M Background", [MC.common4MBackground]),
]
SME_MEASURES = {"sme-members", "sme-in-target-group"}
SIZE_MEASURES = {"members", "cluster-partners", "target-companies", "companies", "member-share"}
ANNEX_1 = "id/source/4m4iof-concept-note/annex-1"


def source_links(d: SiteData, triple, link: Linker) -> str:
    out = []
    for src in d.sources_of(triple):
        text = f"{src.document_label}, {src.label}" if src.document_label else src.label
        out.append(
            f"<a class='src' href='{escape(link.href(src.iri) or '#')}' "
            f"title='source: {escape(text)}'>[{escape(text)}]</a>"
        )
    return "".join(out)


def consortium_figures(d: SiteData, link: Linker) -> str:
    """Annex 1 "Consortium partners in figures": a row per partner in the source's order, its
    seven columns as printed (figures with the words the source used and how they were read,
    the verbatim cells, one line per Industry 4.0 activity), each value with its source."""
    section = URIRef(d.base + ANNEX_1)
    graphs = [d.graphs[n] for n, secs in d.section_of_graph.items() if section in secs]
    if not graphs:
        return "<p class='note'>The knowledge base holds no Annex 1 table.</p>"
    rows = {s for g in graphs for s in g.subjects(MC.mainThematic, None)}
    out = [sources_note(d, [section], link), "<table class='consortium'><thead><tr>"]
    out.append("<th>partner</th>")
    out += [f"<th>{escape(title)}</th>" for title, _props in ANNEX_1_COLUMNS]
    out.append("</tr></thead><tbody>")
    for org in source_order(d, [section], rows):
        out.append(f"<tr><th>{a(d, org, link)}</th>")
        for title, props in ANNEX_1_COLUMNS:
            if title == "Size of the Network":
                out.append(figure_cell(d, org, section, SIZE_MEASURES, link))
            elif title == "Number of SMEs":
                out.append(figure_cell(d, org, section, SME_MEASURES, link))
            else:
                out.append(text_cell(d, graphs, org, props, link))
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def text_cell(d: SiteData, graphs, org: Node, props, link: Linker) -> str:
    values = sorted(
        {(str(o), p, o) for g in graphs for p in props for o in g.objects(org, p)},
        key=lambda v: (v[0].lower(), v[2].n3(), v[1].n3()),
    )
    items = [
        f"<li>{escape(text)}{source_links(d, (org, p, o), link)}</li>" for text, p, o in values
    ]
    return "<td><ul class='cell-values'>" + "".join(items) + "</ul></td>"


def figure_cell(d: SiteData, org: Node, section: URIRef, measures, link: Linker) -> str:
    """The words the source printed (once per distinct wording) and each figure read from
    them: measure, qualifier, value, unit, linked to the figure with its source."""
    g = d.union
    figs = [
        f
        for f in g.subjects(MC.figureOf, org)
        if (f, MC.section, section) in g
        and str(g.value(f, MC.measure)).rsplit("/", 1)[-1] in measures
    ]
    figs.sort(key=lambda f: (d.label(g.value(f, MC.measure)), str(g.value(f, MC.value)), str(f)))
    stated = sorted({str(g.value(f, MC.statedAs)) for f in figs if g.value(f, MC.statedAs)})
    stated = [s for s in stated if not any(s != t and s in t for t in stated)]
    out = ["<td>"] + [f"<q>{escape(s)}</q>" for s in stated] + ["<ul class='readings'>"]
    for f in figs:
        qualifier = g.value(f, MC.qualifier)
        unit = g.value(f, MC.unit)
        words = [d.label(g.value(f, MC.measure))]
        if qualifier is not None and not str(qualifier).endswith("/exact"):
            words.append(d.label(qualifier))
        words.append(str(g.value(f, MC.value)))
        if unit is not None and not str(unit).endswith("/count"):
            words.append(d.label(unit))
        value = g.value(f, MC.value)
        sources = source_links(d, (f, MC.value, value), link)
        out.append(f"<li>{a(d, f, link, ' '.join(words))}{sources}</li>")
    return "".join(out) + "</ul></td>"
