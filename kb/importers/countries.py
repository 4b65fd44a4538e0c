"""ISO 3166-1 countries as mc:Country resources, from the shared `iso3166/all.csv`."""

from __future__ import annotations

import csv
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal

from kb.core.errors import KBError
from kb.importers.common import EU_COUNTRY, ID, MC, describe_source, new_graph

SOURCE_URL = (
    "https://github.com/lukes/ISO-3166-Countries-with-Regional-Codes/blob/"
    "145f1ad3caff212ed25f42b0ee2c8b92a75af895/all/all.csv"
)

# NUTS and CORDIS use EU codes where ISO 3166 differs (Greece, United Kingdom).
EU_TO_ISO = {"EL": "GR", "UK": "GB"}


def country_iri(iso_alpha2: str):
    return ID[f"country/{iso_alpha2}"]


def read_countries(path: Path) -> list[dict[str, str]]:
    """Rows of all.csv. The csv module keeps Namibia's `NA` a string (pandas would not)."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        for row in reader:
            a2, a3, name = row.get("alpha-2", ""), row.get("alpha-3", ""), row.get("name", "")
            if len(a2) != 2 or len(a3) != 3 or not name:
                raise KBError(f"{path}:{reader.line_num}: incomplete country row {row!r}")
            rows.append(row)
    return rows


def countries_graph(path: Path) -> Graph:
    g = new_graph()
    describe_source(
        g,
        "iso3166-countries",
        title="ISO 3166-1 country codes with UN M49 regions (lukes/ISO-3166-Countries-with-"
        "Regional-Codes, all/all.csv)",
        source_url=SOURCE_URL,
        licence="CC BY-SA 4.0",
        licence_iri="https://creativecommons.org/licenses/by-sa/4.0/",
        publisher="lukes/ISO-3166-Countries-with-Regional-Codes (community-maintained)",
        note="Copied into ../shared/data/iso3166/ (see its SOURCE.md).",
    )
    for row in read_countries(path):
        c = country_iri(row["alpha-2"])
        g.add((c, RDF.type, MC.Country))
        g.add((c, SKOS.prefLabel, Literal(row["name"], lang="en")))
        g.add((c, MC.isoAlpha2, Literal(row["alpha-2"])))
        g.add((c, MC.isoAlpha3, Literal(row["alpha-3"])))
        g.add((c, SKOS.exactMatch, EU_COUNTRY[row["alpha-3"]]))
    return g
