"""The collaboration network's layout: networkx's Fruchterman-Reingold spring layout with a
fixed seed (the same data always gives the same picture, byte for byte), fitted into the
frame with room for the labels, instead of clamping nodes to its edge."""

from __future__ import annotations

import networkx as nx
from rdflib.term import Node

SEED = 17
MARGIN = 24  # pixels between the outermost node centres and the frame


def layout(nodes: list[Node], edges: list[tuple[Node, Node, str]], size: float) -> dict:
    """{node: [x, y]} inside [MARGIN, size - MARGIN]. Each connected component is laid out
    on its own and the components are packed in rows, largest first, so small components do
    not drift to the frame's edge as they do in one spring layout of the whole graph."""
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b) for a, b, _ in edges if a in g and b in g)
    order = {node: i for i, node in enumerate(nodes)}
    components = sorted(
        (sorted(c, key=order.__getitem__) for c in nx.connected_components(g)),
        key=lambda c: (-len(c), order[c[0]]),
    )
    boxes = [_component(g.subgraph(c), c) for c in components]
    return _pack(boxes, size)


def _component(sub: nx.Graph, members: list[Node]) -> tuple[float, dict]:
    """(side, {node: (x, y)}) of one component in a square whose area grows with its nodes."""
    n = len(members)
    side = max(n, 1) ** 0.5
    if n == 1:
        return side, {members[0]: (side / 2, side / 2)}
    ordered = nx.Graph()
    ordered.add_nodes_from(members)
    ordered.add_edges_from(sorted(sub.edges(), key=lambda e: (str(e[0]), str(e[1]))))
    # a longer natural edge length than networkx's default (1/sqrt(n)) spreads the hubs
    k = 2.2 / n**0.5
    pos = nx.spring_layout(ordered, k=k, seed=SEED, iterations=500, scale=side / 2, center=(0, 0))
    xs = [float(p[0]) for p in pos.values()]
    ys = [float(p[1]) for p in pos.values()]
    x0, y0 = min(xs), min(ys)
    width, height = max(xs) - x0, max(ys) - y0
    side = max(width, height, side * 0.5)
    dx, dy = (side - width) / 2 - x0, (side - height) / 2 - y0
    return side, {node: (float(p[0]) + dx, float(p[1]) + dy) for node, p in pos.items()}


def _pack(boxes: list[tuple[float, dict]], size: float) -> dict:
    """Rows of component squares (shelf packing), then the whole scaled into the frame."""
    total = sum(side * side for side, _ in boxes) or 1.0
    row_width = max(max(side for side, _ in boxes), (total**0.5) * 1.15)
    gap = 0.6
    placed: dict = {}
    x = y = row_height = 0.0
    for side, pos in boxes:
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for node, (px, py) in pos.items():
            placed[node] = (x + px, y + py)
        x += side + gap
        row_height = max(row_height, side)
    width = max(p[0] for p in placed.values()) or 1.0
    height = max(p[1] for p in placed.values()) or 1.0
    scale = (size - 2 * MARGIN) / max(width, height, 1e-9)
    ox = MARGIN + (size - 2 * MARGIN - width * scale) / 2
    oy = MARGIN + (size - 2 * MARGIN - height * scale) / 2
    return {node: [ox + px * scale, oy + py * scale] for node, (px, py) in placed.items()}
