"""Derive the region map's country outlines (data/reference/boundaries/) from world-atlas's
Natural Earth TopoJSON, once, offline:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/boundaries.py /tmp/package/countries-50m.json

Each country's rings are decoded from the shared arcs, clipped to each map frame (with a
margin, so no clipped edge shows inside the frame), simplified (Douglas-Peucker) and rounded;
the result is longitude/latitude in degrees: kb publish projects it with the map's projection.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "reference" / "boundaries" / "countries.json"
# (name, west, south, east, north, tolerance in degrees): the frames of kb/publish/regionmap.py
# widened by 3 degrees; the tolerance is about half a pixel at each frame's scale
FRAMES = (
    ("europe", -14.0, 30.0, 35.0, 63.0, 0.02),
    ("north-america", -108.0, 22.0, -52.0, 65.0, 0.1),
)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The arcs in degrees: TopoJSON quantises them and stores each point as a delta."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    """A ring from its arcs; ~i is arc i reversed; consecutive arcs share their end point."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list, west: float, south: float, east: float, north: float) -> list:
    """Sutherland-Hodgman: the ring cut to the rectangle (a convex clip window)."""
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    for inside, cross in edges:
        if not points:
            break
        out = []
        for i, b in enumerate(points):
            a = points[i - 1]
            if inside(b):
                if not inside(a):
                    out.append(cross(a, b))
                out.append(b)
            elif inside(a):
                out.append(cross(a, b))
        points = out
    return points


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker, iterative (rings of thousands of points)."""
    if len(points) < 4:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        best, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                dist = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                dist = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if dist > best:
                best, index = dist, i
        if index is not None and best > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def frame_countries(topology: dict, arcs: list, frame: tuple) -> list[dict]:
    _name, west, south, east, north, tolerance = frame
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = []
        for polygon in polygons(geometry):
            for indexes in polygon:
                points = clip(ring(indexes, arcs), west, south, east, north)
                points = simplify(points, tolerance)
                if len(points) >= 4:
                    rings.append([[round(x, 2), round(y, 2)] for x, y in points])
        if rings:
            name = geometry.get("properties", {}).get("name", "")
            found.append({"id": geometry.get("id", ""), "name": name, "rings": rings})
    return sorted(found, key=lambda c: (c["name"], c["id"]))


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    data = {
        "source": "world-atlas 2.0.2 countries-50m.json (Natural Earth 4.1.0, public domain)",
        "frames": {
            frame[0]: {
                "bbox": list(frame[1:5]),
                "countries": frame_countries(topology, arcs, frame),
            }
            for frame in FRAMES
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(text):,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
