"""Views generated from the data: the collaboration network and the region overview (the EFFRA
matrix and Annex 1's table are in kb.publish.source_tables). Pure HTML and inline SVG: no
script, no CDN."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from html import escape

from rdflib import URIRef
from rdflib.namespace import ORG
from rdflib.term import Node

from ..namespaces import MC
from .data import SiteData
from .pages import Linker

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
    from rdflib.namespace import ORG

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


def layout(nodes: list[Node], edges: list[tuple[Node, Node, str]], size: float) -> dict:
    """A small deterministic force-directed layout (Fruchterman-Reingold), started from a
    circle so the same data always gives the same picture.

    The repulsion is all pairs, so the cost is quadratic in the nodes (about 5,800 at 5x10^4
    generated triples). The loop below keeps every floating-point operation of the textbook
    form, in the same order (the published pictures stay byte-identical); it only keeps the
    running sums in locals and computes each pair's force once instead of twice.
    """
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    xs = [size / 2 + size * 0.4 * math.cos(2 * math.pi * i / max(n, 1)) for i in range(n)]
    ys = [size / 2 + size * 0.4 * math.sin(2 * math.pi * i / max(n, 1)) for i in range(n)]
    k = size / math.sqrt(max(n, 1)) * 0.8
    k2 = k * k
    pairs = [(index[a], index[b]) for a, b, _ in edges if a in index and b in index]
    temperature = size / 10
    hypot = math.hypot
    for _ in range(150 if n < 400 else 40):
        disp_x = [0.0] * n
        disp_y = [0.0] * n
        for i in range(n):
            xi, yi = xs[i], ys[i]
            # node i's sum already holds the pushes of the nodes before it, in order
            sum_x, sum_y = disp_x[i], disp_y[i]
            for j in range(i + 1, n):
                dx, dy = xi - xs[j], yi - ys[j]
                dist = hypot(dx, dy) or 0.01
                f = k2 / dist
                push_x, push_y = dx / dist * f, dy / dist * f
                sum_x += push_x
                sum_y += push_y
                disp_x[j] -= push_x
                disp_y[j] -= push_y
            disp_x[i], disp_y[i] = sum_x, sum_y
        for i, j in pairs:
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            dist = hypot(dx, dy) or 0.01
            f = dist * dist / k
            pull_x, pull_y = dx / dist * f, dy / dist * f
            disp_x[i] -= pull_x
            disp_y[i] -= pull_y
            disp_x[j] += pull_x
            disp_y[j] += pull_y
        for i in range(n):
            dx, dy = disp_x[i], disp_y[i]
            dist = hypot(dx, dy) or 0.01
            step = min(dist, temperature)
            xs[i] = min(size - 20, max(20, xs[i] + dx / dist * step))
            ys[i] = min(size - 20, max(20, ys[i] + dy / dist * step))
        temperature *= 0.97
    return {node: [xs[i], ys[i]] for node, i in index.items()}


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
        if degree[node] >= 3 or len(nodes) <= 40:
            parts.append(
                f"<text x='{x + r + 2:.1f}' y='{y + 4:.1f}' font-size='11'>{label[:28]}</text>"
            )
        parts.append("</a>")
    parts.append("</svg>")
    legend = "".join(
        f"<span><svg width='12' height='12'><circle cx='6' cy='6' r='5' fill='{c}'/></svg> "
        f"{k}</span>"
        for k, c in KIND_COLOURS.items()
    )
    return note + "".join(parts) + f"<p class='legend'>{legend}</p>"


def region_counts(d: SiteData) -> dict[Node, set[Node]]:
    """The organisations located in each region (directly, as asserted), or in their country
    when no region is given."""
    g = d.asserted
    counts: dict[Node, set[Node]] = defaultdict(set)
    for s, region in g.subject_objects(MC.locatedIn):
        if not d.is_a(s, MC.Region):
            counts[region].add(s)
    for s, country in g.subject_objects(MC.country):
        # located in a place already counted (the places found so far, as before)
        if not d.is_a(s, MC.Region) and not any(r in counts for r in g.objects(s, MC.locatedIn)):
            counts[country].add(s)
    return counts


def mapped_regions(d: SiteData) -> dict[Node, set[Node]]:
    """The places the map shows: those with organisations located there, those with figures
    (stated about the place itself) and those that are members of a partnership (the Four
    Motors' associates, Quebec among them)."""
    places = region_counts(d)
    for _figure, place in d.union.subject_objects(MC.figureOf):
        if d.is_a(place, MC.Region):
            places.setdefault(place, set())
    for member in d.union.objects(None, ORG.member):
        if d.is_a(member, MC.Region):
            places.setdefault(member, set())
    return places


# The map: equirectangular over Europe (x scaled by cos 47°, so shapes are not stretched),
# with an inset panel on its left for the places across the Atlantic (Quebec, the USA).
EUROPE = (-11.0, 33.0, 32.0, 60.0)  # west, south, east, north
INSET = (-105.0, 25.0, -55.0, 62.0)
INSET_W = 170  # the inset panel; the Europe map starts right of it
MAP_W = 780
ASPECT = math.cos(math.radians(47))


def _projector(frame, x0: float, y0: float, width: float):
    west, south, east, north = frame
    scale = width / ((east - west) * ASPECT)
    height = (north - south) * scale

    def project(lon: float, lat: float) -> tuple[float, float] | None:
        if not (west <= lon <= east and south <= lat <= north):
            return None
        return x0 + (lon - west) * ASPECT * scale, y0 + (north - lat) * scale

    return project, height


def _graticule(frame, project, step: int) -> list[str]:
    west, south, east, north = frame
    out = []
    for lon in range(math.ceil(west / step) * step, int(east) + 1, step):
        (x1, y1), (x2, y2) = project(lon, north), project(lon, south)
        out.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}'/>")
    for lat in range(math.ceil(south / step) * step, int(north) + 1, step):
        (x1, y1), (x2, y2) = project(west, lat), project(east, lat)
        out.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}'/>")
    return out


def region_map(d: SiteData, link: Linker) -> str:
    """One marker per place, its area proportional to the organisations located there,
    labelled and linked to the place's page. Positions come from the hand-written table
    in kb.publish.centroids (approximate label positions, not boundaries)."""
    from .centroids import CENTROIDS

    places = mapped_regions(d)
    if not places:
        return "<p class='note'>The knowledge base locates no organisation in a region yet.</p>"
    x0 = INSET_W + 20
    project, height = _projector(EUROPE, x0, 0, MAP_W)
    inset, inset_h = _projector(INSET, 4, 24, INSET_W)
    width = x0 + MAP_W
    out = [
        f"<svg class='region-map' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} "
        f"{height:.0f}' width='{width}' height='{height:.0f}' role='img' "
        "aria-label='map of the places the knowledge base holds'>",
        f"<rect class='sea' x='{x0}' y='0' width='{MAP_W}' height='{height:.0f}'/>",
        "<g class='graticule'>",
        *_graticule(EUROPE, project, 5),
        "</g>",
        f"<rect class='inset' x='4' y='24' width='{INSET_W}' height='{inset_h:.0f}'/>",
        "<g class='graticule'>",
        *_graticule(INSET, inset, 10),
        "</g>",
        "<text class='inset-title' x='6' y='16'>North America (inset)</text>",
        f"<text class='inset-title' x='{x0 + 6}' y='{height - 8:.0f}'>Europe, "
        "equirectangular, graticule every 5°</text>",
    ]
    unplaced = []
    # big markers first, so the small ones stay on top and clickable
    for place, members in sorted(places.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        lonlat = CENTROIDS.get(str(place).removeprefix(d.base))
        xy = lonlat and (project(*lonlat) or inset(*lonlat))
        if not xy:
            unplaced.append(place)
            continue
        x, y = xy
        n = len(members)
        r = 3 + 3.2 * math.sqrt(n)
        kind = "country" if "/country/" in str(place) else "region"
        name = d.label(place)
        title = f"{name}: {n} organisation{'s' if n != 1 else ''} located here"
        out.append(
            f"<a class='marker {kind}' href='{escape(link.href(place) or '#')}' "
            f"data-iri='{escape(str(place))}'><title>{escape(title)}</title>"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}'/>"
            f"<text x='{x + r + 2:.1f}' y='{y + 4:.1f}'>{escape(name[:28])}"
            f"{f' ({n})' if n else ''}</text></a>"
        )
    out.append("</svg>")
    legend = (
        "<p class='note'>Marker area grows with the number of organisations located in the "
        "place; rings are countries (organisations known only by their country), dots are "
        "regions and cities; places with figures but no organisation have the smallest "
        "marker. Positions are approximate label points written by hand "
        "(<code>kb/publish/centroids.py</code>), not boundaries.</p>"
    )
    if unplaced:
        names = ", ".join(
            f"<a href='{escape(link.href(p) or '#')}'>{escape(d.label(p))}</a>"
            for p in sorted(unplaced, key=d.label)
        )
        legend += f"<p class='unplaced'>Not placed on the map (no position known): {names}.</p>"
    return "".join(out) + legend


def region_overview(d: SiteData, link: Linker) -> str:
    """The map, then the same counts as a bar chart."""
    return region_map(d, link) + "<h2>Organisations per region</h2>" + region_chart(d, link)


def region_chart(d: SiteData, link: Linker) -> str:
    """Organisations per region (the region each is directly located in, asserted), as a
    horizontal bar chart."""
    g = d.asserted
    counts = region_counts(d)
    if not counts:
        return "<p class='note'>The knowledge base locates no organisation in a region yet.</p>"
    rows = sorted(counts.items(), key=lambda kv: (-len(kv[1]), d.label(kv[0])))
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
