"""The views the site publishes (path, title, introduction, renderer), in the order the views
index lists them; kept beside kb.publish.site so the site writer stays small."""

from __future__ import annotations

import functools
from pathlib import Path

from kb.publish import source_tables, views


def view_specs(boundaries: Path) -> list[tuple]:
    """(path, title, introduction, renderer(d, link)) of each view; `boundaries`: the country
    outlines' data file the region map draws."""
    return [
        (
            "views/heatmap",
            "EFFRA domains × organisations",
            "The EFFRA domains mapping of the concept note as it prints it, regenerated "
            "from the data: a row per domain, a column per organisation in the source's "
            "order; each cell shows the mark as printed and how it was read. Cells read "
            "covered and uncertain readings are counted apart.",
            source_tables.effra_matrix,
        ),
        (
            "views/consortium-figures",
            "Consortium partners in figures",
            "Annex 1 of the concept note as it prints it, regenerated from the data: a row "
            "per partner in the source's order, every column; figures with the words the "
            "source used and how they were read. A cell of several values lists them "
            "alphabetically (the data keeps them as separate facts).",
            source_tables.consortium_figures,
        ),
        (
            "views/network",
            "Collaboration network",
            "Clusters, organisations, projects and partnerships, tied by participations, "
            "memberships and collaborations. Drawn by networkx's spring layout with a fixed "
            "seed, each connected group on its own.",
            views.network_svg,
        ),
        (
            "views/regions",
            "Region overview",
            "Where the clusters and organisations of the knowledge base are: a map drawn "
            "offline over Natural Earth's country outlines from a small table of "
            "approximate positions, and the same counts as a bar chart.",
            functools.partial(views.region_overview, boundaries=boundaries),
        ),
    ]
