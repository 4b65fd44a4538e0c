"""The region overview map: country outlines (Natural Earth, data/reference/boundaries/),
one marker per place, labels placed so that no two overlap. Inline SVG, drawn offline."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

from kb.publish.centroids import CENTROIDS
from kb.publish.data import SiteData
from kb.publish.pages import Linker

# Equirectangular over Europe (x scaled by cos 47°, so shapes are not stretched), with an
# inset panel on its left for the places across the Atlantic (Quebec, the USA).
EUROPE = (-11.0, 33.0, 32.0, 60.0)  # west, south, east, north
INSET = (-105.0, 25.0, -55.0, 62.0)
INSET_W = 170  # the inset panel; the Europe map starts right of it
MAP_W = 780
ASPECT = math.cos(math.radians(47))
BOUNDARIES = Path("data") / "reference" / "boundaries" / "countries.json"
# The labels' font (kb/static/style.css: 10px) and a generous width per character, so the
# boxes the placement keeps apart hold the text as any browser draws it
FONT_PX = 10
CHAR_W = 6.4
LABEL_H = 13


class Projection:
    """Longitude/latitude to the SVG pixels of one panel (the same for outlines and markers)."""

    def __init__(self, frame: tuple, x0: float, y0: float, width: float):
        self.west, self.south, self.east, self.north = frame
        self.x0, self.y0, self.width = x0, y0, width
        self.scale = width / ((self.east - self.west) * ASPECT)
        self.height = (self.north - self.south) * self.scale
        # where its markers' labels may go: the panel less its caption line
        self.label_box = (x0, y0, x0 + width, y0 + self.height - 12)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.x0 + (lon - self.west) * ASPECT * self.scale,
            self.y0 + (self.north - lat) * self.scale,
        )

    def holds(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def box(self) -> tuple[float, float, float, float]:
        return self.x0, self.y0, self.x0 + self.width, self.y0 + self.height


def graticule(p: Projection, step: int) -> list[str]:
    out = []
    for lon in range(math.ceil(p.west / step) * step, int(p.east) + 1, step):
        (x1, y1), (x2, y2) = p(lon, p.north), p(lon, p.south)
        out.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}'/>")
    for lat in range(math.ceil(p.south / step) * step, int(p.north) + 1, step):
        (x1, y1), (x2, y2) = p(p.west, lat), p(p.east, lat)
        out.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}'/>")
    return out


def load_boundaries(path: Path | None) -> dict | None:
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def land(boundaries: dict | None, frame: str, p: Projection, clip_id: str) -> list[str]:
    """The countries of one frame as filled paths (land) whose strokes are the borders,
    clipped to the panel."""
    if boundaries is None:
        return []
    x0, y0, x1, y1 = p.box()
    out = [
        f"<clipPath id='{clip_id}'><rect x='{x0:.1f}' y='{y0:.1f}' width='{x1 - x0:.1f}' "
        f"height='{y1 - y0:.1f}'/></clipPath><g class='land' clip-path='url(#{clip_id})'>"
    ]
    for country in boundaries["frames"][frame]["countries"]:
        d = "".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (p(lon, lat) for lon, lat in ring)) + "Z"
            for ring in country["rings"]
        )
        out.append(f"<path d='{d}'><title>{escape(country['name'])}</title></path>")
    out.append("</g>")
    return out


@dataclass
class Marker:
    place: object
    name: str
    count: int
    kind: str  # "country" (a ring) or "region" (a dot)
    x: float
    y: float
    r: float
    panel: tuple[float, float, float, float]

    @property
    def text(self) -> str:
        return f"{self.name[:28]}{f' ({self.count})' if self.count else ''}"


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: Box, panel: Box) -> bool:
    left, top, right, bottom = panel
    return box[0] >= left + 2 and box[1] >= top + 2 and box[2] <= right - 2 and box[3] <= bottom - 2


def _candidates(m: Marker, w: float, reach: int = 7):
    """Label boxes around the marker, nearest first: right, left, above, below at the marker,
    then ever further out (`reach` rings of 16 directions; a leader line goes back to the
    marker)."""
    h = LABEL_H
    yield (m.x + m.r + 2, m.y - h / 2, m.x + m.r + 2 + w, m.y + h / 2)
    yield (m.x - m.r - 2 - w, m.y - h / 2, m.x - m.r - 2, m.y + h / 2)
    yield (m.x - w / 2, m.y - m.r - 1 - h, m.x + w / 2, m.y - m.r - 1)
    yield (m.x - w / 2, m.y + m.r + 1, m.x + w / 2, m.y + m.r + 1 + h)
    for gap in (10, 20, 32, 46, 62, 80, 100)[:reach]:
        for step in range(16):
            angle = math.pi * step / 8
            cx = m.x + math.cos(angle) * (m.r + gap + w / 2)
            cy = m.y - math.sin(angle) * (m.r + gap + h / 2)
            yield (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def place_labels(
    markers: list[Marker], char_w: float = CHAR_W, reach: int = 7, labelled: int | None = None
) -> dict[int, Box]:
    """A box for each marker's label that overlaps no other label and no other dot; the
    largest places choose first. A label with no free place within reach is left out (its
    marker keeps its name as a tooltip, and the bar chart below names it). Only the first
    `labelled` markers get a label (all by default); the others are obstacles."""
    dots = [
        (i, (m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r))
        if m.kind == "region"
        else (i, (m.x - 3, m.y - 3, m.x + 3, m.y + 3))  # a ring's centre only: it is hollow
        for i, m in enumerate(markers)
    ]
    placed: dict[int, Box] = {}
    for i, m in enumerate(markers[:labelled]):
        w = len(m.text) * char_w + 2
        for box in _candidates(m, w, reach):
            if not _inside(box, m.panel):
                continue
            if any(j != i and _overlaps(box, dot) for j, dot in dots):
                continue
            if any(_overlaps(box, other) for other in placed.values()):
                continue
            placed[i] = box
            break
    return placed


def label_svg(m: Marker, box: Box | None, font_px: int = FONT_PX) -> str:
    """The label in its box, with a leader line when the box is away from the marker."""
    if box is None:
        return ""
    left, top, right, bottom = box
    text = (
        f"<text x='{left + 1:.1f}' y='{bottom - 3:.1f}' font-size='{font_px}'>"
        f"{escape(m.text)}</text>"
    )
    near_x, near_y = min(max(m.x, left), right), min(max(m.y, top), bottom)
    gap = math.hypot(near_x - m.x, near_y - m.y)
    if gap <= m.r + 4:
        return text
    # a label moved away from its marker: a leader line from the marker's edge to the label
    ux, uy = (near_x - m.x) / gap, (near_y - m.y) / gap
    return (
        f"<line class='leader' x1='{m.x + ux * m.r:.1f}' y1='{m.y + uy * m.r:.1f}' "
        f"x2='{near_x:.1f}' y2='{near_y:.1f}'/>" + text
    )


def markers(d: SiteData, link: Linker, places: dict, panels: list[Projection]):
    """(markers, unplaced places): big markers first, so the small ones stay on top."""
    found, unplaced = [], []
    for place, members in sorted(places.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        lonlat = CENTROIDS.get(str(place).removeprefix(d.base))
        panel = lonlat and next((p for p in panels if p.holds(*lonlat)), None)
        if not panel:
            unplaced.append(place)
            continue
        x, y = panel(*lonlat)
        n = len(members)
        kind = "country" if "/country/" in str(place) else "region"
        found.append(
            Marker(place, d.label(place), n, kind, x, y, 3 + 3.2 * math.sqrt(n), panel.label_box)
        )
    return found, unplaced


def region_map(d: SiteData, link: Linker, boundaries: Path | None = None) -> str:
    """One marker per place, its area proportional to the organisations located there,
    labelled and linked to the place's page, over the country outlines. Positions come from
    the hand-written table in kb.publish.centroids (approximate label positions)."""
    from kb.publish.places import mapped_regions

    places = mapped_regions(d)
    if not places:
        return "<p class='note'>The knowledge base locates no organisation in a region yet.</p>"
    outlines = load_boundaries(boundaries)
    x0 = INSET_W + 20
    europe = Projection(EUROPE, x0, 0, MAP_W)
    inset = Projection(INSET, 4, 24, INSET_W)
    width, height = x0 + MAP_W, europe.height
    # the inset's labels may use the free column below it (the panel is narrow)
    inset.label_box = (0, 0, x0 - 2, height)
    out = [
        f"<svg class='region-map' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} "
        f"{height:.0f}' width='{width}' height='{height:.0f}' role='img' "
        "aria-label='map of the places the knowledge base holds'>",
        f"<rect class='sea' x='{x0}' y='0' width='{MAP_W}' height='{height:.0f}'/>",
        *land(outlines, "europe", europe, "clip-europe"),
        "<g class='graticule'>",
        *graticule(europe, 5),
        "</g>",
        f"<rect class='inset' x='4' y='24' width='{INSET_W}' height='{inset.height:.0f}'/>",
        *land(outlines, "north-america", inset, "clip-inset"),
        "<g class='graticule'>",
        *graticule(inset, 10),
        "</g>",
        "<text class='inset-title' x='6' y='16'>North America (inset)</text>",
        f"<text class='inset-title' x='{x0 + 6}' y='{height - 4:.0f}'>Europe, "
        "equirectangular, graticule every 5°</text>",
    ]
    found, unplaced = markers(d, link, places, [europe, inset])
    labels = place_labels(found)
    for i, m in enumerate(found):
        title = f"{m.name}: {m.count} organisation{'s' if m.count != 1 else ''} located here"
        out.append(
            f"<a class='marker {m.kind}' href='{escape(link.href(m.place) or '#')}' "
            f"data-iri='{escape(str(m.place))}'><title>{escape(title)}</title>"
            f"<circle cx='{m.x:.1f}' cy='{m.y:.1f}' r='{m.r:.1f}'/>"
            f"{label_svg(m, labels.get(i))}</a>"
        )
    out.append("</svg>")
    return "".join(out) + _legend(d, link, unplaced, outlines is not None)


def _legend(d: SiteData, link: Linker, unplaced: list, outlines: bool) -> str:
    legend = (
        "<p class='note'>Marker area grows with the number of organisations located in the "
        "place; rings are countries (organisations known only by their country), dots are "
        "regions and cities; places with figures but no organisation have the smallest "
        "marker. Positions are approximate label points written by hand "
        "(<code>kb/publish/centroids.py</code>)"
        + (
            "; country outlines: Natural Earth 4.1.0 (public domain) via world-atlas 2.0.2, "
            "simplified (<code>data/reference/boundaries/SOURCE.md</code>).</p>"
            if outlines
            else "; no country outlines (data/reference/boundaries/ not found).</p>"
        )
    )
    if unplaced:
        names = ", ".join(
            f"<a href='{escape(link.href(p) or '#')}'>{escape(d.label(p))}</a>"
            for p in sorted(unplaced, key=lambda p: (d.label(p), p.n3()))
        )
        legend += f"<p class='unplaced'>Not placed on the map (no position known): {names}.</p>"
    return legend
