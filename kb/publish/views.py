"""Views generated from the data: the collaboration network and the region overview (the EFFRA
matrix and Annex 1's table are in kb.publish.source_tables). Pure HTML and inline SVG: no
script, no CDN."""

from __future__ import annotations

import math
from collections import Counter
from html import escape
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import ORG
from rdflib.term import Node

from kb.core.namespaces import MC
from kb.publish.data import SiteData
from kb.publish.netlayout import layout
from kb.publish.pages import Linker
from kb.publish.places import region_counts

KIND_COLOURS = {
    "cluster": "#1f77b4",
    "organisation": "#2ca02c",
    "project": "#d62728",
    "partnership": "#9467bd",
}


def network_edges(d: SiteData) -> list[tuple[Node, Node, str]]:
    """Collaboration ties: organisation-project (participations), organisation-organisation
    (collaborates with), member-partnership (memberships), organisation-cluster (animates)."""
    g = d.union

    edges: set[tuple[Node, Node, str]] = set()
    for part in g.subjects(MC.participant, None):
        org = g.value(part, MC.participant)
        for project in g.objects(part, MC.inProject):
            edges.add((org, project, "participation"))
    for a, b in g.subject_objects(MC.collaboratesWith):
        if str(a) < str(b):
            edges.add((a, b, "collaboration"))
    for m in g.subjects(ORG.member, None):
        member, group = g.value(m, ORG.member), g.value(m, ORG.organization)
        if member is not None and group is not None:
            edges.add((member, group, "membership"))
    for a, b in g.subject_objects(MC.animates):
        edges.add((a, b, "animates"))
    return sorted(
        (e for e in edges if isinstance(e[0], URIRef) and isinstance(e[1], URIRef)),
        key=lambda e: (str(e[0]), str(e[1]), e[2]),
    )


def node_kind(d: SiteData, node: Node) -> str:
    if d.is_a(node, MC.Project):
        return "project"
    if d.is_a(node, MC.Cluster) or d.is_a(node, MC.ClusterOrganisation):
        return "cluster"
    if d.is_a(node, MC.Partnership) or d.is_a(node, MC.Region):
        return "partnership"
    return "organisation"


# A 900-pixel picture of thousands of nodes is unreadable, and the layout is quadratic in the
# nodes (hours at 10^6 triples): larger networks show their best-connected nodes only.
MAX_NETWORK_NODES = 400


def network_svg(d: SiteData, link: Linker, size: int = 900) -> str:
    edges = network_edges(d)
    if not edges:
        return "<p class='note'>The knowledge base holds no collaboration ties yet.</p>"
    degree: Counter = Counter()
    for a, b, _ in edges:
        degree[a] += 1
        degree[b] += 1
    note = ""
    if len(degree) > MAX_NETWORK_NODES:
        ranked = sorted(degree, key=lambda n: (-degree[n], str(n)))[:MAX_NETWORK_NODES]
        kept = set(ranked)
        edges = [e for e in edges if e[0] in kept and e[1] in kept]
        note = (
            f"<p class='note'>Showing the {MAX_NETWORK_NODES} best-connected of {len(degree)} "
            "nodes and the ties between them; every organisation, project and partnership has "
            "its own page.</p>"
        )
        degree = Counter({n: degree[n] for n in kept})
    nodes = sorted(degree, key=str)
    pos = layout(nodes, edges, size)
    labels = _node_labels(d, nodes, degree, pos, size)
    parts = [
        f"<svg class='network' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {size} "
        f"{size}' width='{size}' height='{size}' role='img' "
        "aria-label='collaboration network'>"
    ]
    styles = {
        "participation": "#d9a0a0",
        "collaboration": "#7fb07f",
        "membership": "#b7a4d6",
        "animates": "#8fb3d9",
    }
    for a, b, kind in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(
            f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' "
            f"stroke='{styles[kind]}' stroke-width='1.2'><title>{kind}</title></line>"
        )
    for node in nodes:
        x, y = pos[node]
        kind = node_kind(d, node)
        r = 4 + 2 * math.sqrt(degree[node])
        href = link.href(node) or "#"
        label = escape(d.label(node))
        parts.append(
            f"<a href='{escape(href)}'><circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' "
            f"fill='{KIND_COLOURS[kind]}'><title>{label} ({kind})</title></circle>"
        )
        parts.append(labels.get(node, ""))
        parts.append("</a>")
    parts.append("</svg>")
    legend = "".join(
        f"<span><svg width='12' height='12'><circle cx='6' cy='6' r='5' fill='{c}'/></svg> "
        f"{k}</span>"
        for k, c in KIND_COLOURS.items()
    )
    return note + "".join(parts) + f"<p class='legend'>{legend}</p>"


def _node_labels(d: SiteData, nodes: list, degree: Counter, pos: dict, size: int) -> dict:
    """{node: <text>}: the hubs' labels (all labels for a small network), each next to its
    node or a little away with a leader line, where it overlaps no other label and no other
    hub; the best connected choose first, and a label with no free place is left to the
    node's tooltip."""
    from kb.publish.regionmap import Marker, label_svg, place_labels

    shown = [n for n in nodes if degree[n] >= 3 or len(nodes) <= 40]
    shown.sort(key=lambda n: (-degree[n], str(n)))
    frame = (0, 0, size, size)
    # only labelled nodes are obstacles: a label may cover a leaf's dot (its white halo
    # keeps it readable), else the hubs in the dense middle would have none
    markers = [
        Marker(n, d.label(n), 0, "region", *pos[n], 4 + 2 * math.sqrt(degree[n]), frame)
        for n in shown
    ]
    boxes = place_labels(markers, char_w=6.9, reach=5)
    return {
        m.place: label_svg(m, box, 11)
        for i, m in enumerate(markers)
        if (box := boxes.get(i)) is not None
    }


def region_overview(d: SiteData, link: Linker, boundaries: Path | None = None) -> str:
    """The map (kb.publish.regionmap; `boundaries`: the country outlines' data file), then
    the same counts as a bar chart."""
    from kb.publish.regionmap import region_map

    return (
        region_map(d, link, boundaries)
        + "<h2>Organisations per region</h2>"
        + region_chart(d, link)
    )


def region_chart(d: SiteData, link: Linker) -> str:
    """Organisations per region (the region each is directly located in, asserted), as a
    horizontal bar chart."""
    g = d.asserted
    counts = region_counts(d)
    if not counts:
        return "<p class='note'>The knowledge base locates no organisation in a region yet.</p>"
    rows = sorted(counts.items(), key=lambda kv: (-len(kv[1]), d.label(kv[0]), kv[0].n3()))
    width, bar_h = 760, 22
    top = max(len(v) for _, v in rows)
    height = bar_h * len(rows) + 30
    out = [
        f"<svg class='regions' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} "
        f"{height}' width='{width}' height='{height}' role='img' "
        "aria-label='organisations per region'>"
    ]
    for i, (region, members) in enumerate(rows):
        y = 10 + i * bar_h
        w = 420 * len(members) / top
        code = g.value(region, MC.nutsCode) or g.value(region, MC.isoAlpha2) or ""
        name = escape(f"{d.label(region)}{f' ({code})' if code else ''}")
        out.append(
            f"<a href='{escape(link.href(region) or '#')}'><text x='0' y='{y + 15}' "
            f"font-size='12'>{name[:40]}</text><rect x='300' y='{y + 3}' width='{w:.1f}' "
            f"height='{bar_h - 6}' fill='#17365d'><title>{name}: {len(members)}</title></rect>"
            f"<text x='{305 + w:.1f}' y='{y + 15}' font-size='12'>{len(members)}</text></a>"
        )
    out.append("</svg>")
    return "".join(out)
