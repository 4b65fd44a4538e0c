"""NUTS regions as mc:Region resources, from the RAMON-LD SKOS files of NUTS 2021 and 2016.

By default only the regions the knowledge base needs are imported: every NUTS code used in an
`id/region/<CODE>` IRI under the data folders, a few seed regions, and all their ancestors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from ..errors import KBError
from .common import EU_NUTS, ID, MC, describe_source, new_graph
from .countries import EU_TO_ISO, country_iri

RAMON = "https://w3id.org/ipsoeu/ramon-ld/nuts/{version}/"
SOURCE_URL = (
    "https://github.com/ipsoeu/ramon-ld/blob/a7accbbad3256399a9b788065f74a7d29487d164/{path}"
)
SEED_REGIONS = "FRK FRK1 FRK2 DE1 DE11 DE12 DE13 ES51 ITC4 BE2 RO11 PT16 UKL PL21".split()
NUTS_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
REGION_IRI = re.compile(r"https://w3id\.org/mfg-clusters/id/region/([A-Z]{2}[A-Z0-9]{0,3})\b")


@dataclass(frozen=True)
class NutsEntry:
    code: str
    label: str
    parent: str | None
    version: str


def read_ramon(path: Path, version: str) -> dict[str, NutsEntry]:
    """NUTS code -> entry, for the concepts of one RAMON-LD NUTS file (grouping concepts
    such as `NUTS_2021` are skipped: their notation is not a NUTS code)."""
    g = Graph()
    try:
        g.parse(path, format="xml")
    except Exception as exc:  # rdflib raises several types; all mean the file is unusable
        raise KBError(f"{path}: cannot parse RDF/XML: {exc}") from exc
    base = RAMON.format(version=version)
    entries: dict[str, NutsEntry] = {}
    for concept in g.subjects(RDF.type, SKOS.Concept):
        code = str(g.value(concept, SKOS.notation) or "")
        if not NUTS_CODE.match(code):
            continue
        label = g.value(concept, SKOS.prefLabel)
        broader = g.value(concept, SKOS.broader)
        parent = None
        if broader is not None and str(broader).startswith(base):
            candidate = str(broader)[len(base) :]
            parent = candidate if NUTS_CODE.match(candidate) else None
        entries[code] = NutsEntry(code, str(label) if label else code, parent, version)
    if not entries:
        raise KBError(f"{path}: no NUTS concepts found")
    return entries


def referenced_codes(data_dirs: Iterable[Path], exclude: Iterable[Path] = ()) -> set[str]:
    """NUTS-like codes in `id/region/<CODE>` IRIs of the Turtle files under `data_dirs`."""
    skip = {p.resolve() for p in exclude}
    codes: set[str] = set()
    for folder in data_dirs:
        for path in sorted(Path(folder).rglob("*.ttl")):
            if path.resolve() in skip:
                continue
            codes.update(REGION_IRI.findall(path.read_text(encoding="utf-8", errors="replace")))
    return codes


def select(codes: Iterable[str], table: dict[str, NutsEntry]) -> set[str]:
    """The known codes among `codes` and all their ancestors."""
    chosen: set[str] = set()
    for code in codes:
        while code and code in table and code not in chosen:
            chosen.add(code)
            code = table[code].parent
    return chosen


def merged_table(nuts2021: Path, nuts2016: Path) -> dict[str, NutsEntry]:
    """NUTS 2021 entries, plus NUTS 2016 entries for codes that only exist there."""
    table = read_ramon(nuts2016, "2016")
    table.update(read_ramon(nuts2021, "2021"))
    return table


def nuts_graph(table: dict[str, NutsEntry], codes: Iterable[str]) -> Graph:
    g = new_graph()
    for version, path in (("2021", "nuts/2021/index.rdf"), ("2016", "nuts/2016.rdf")):
        describe_source(
            g,
            f"ramon-ld-nuts-{version}",
            title=f"NUTS {version} as SKOS, from RAMON-LD (ipsoeu/ramon-ld, {path})",
            source_url=SOURCE_URL.format(path=path),
            licence="EUPL-1.2 (RAMON-LD); classification by Eurostat, reuse under "
            "Commission Decision 2011/833/EU",
            licence_iri="https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            publisher="Eurostat (classification); ipsoeu group (RAMON-LD)",
            note="Copied into ../shared/data/ramon-ld/ (see its SOURCE.md).",
        )
    for code in sorted(codes):
        entry = table[code]
        r = region_iri(code)
        g.add((r, RDF.type, MC.Region))
        g.add((r, SKOS.prefLabel, Literal(entry.label, lang="en")))
        g.add((r, MC.nutsCode, Literal(code)))
        g.add((r, MC.nutsLevel, Literal(len(code) - 2, datatype=XSD.integer)))
        g.add((r, MC.nutsVersion, Literal(entry.version, datatype=XSD.gYear)))
        g.add((r, SKOS.exactMatch, EU_NUTS[code]))
        if len(code) == 2:
            country = country_iri(EU_TO_ISO.get(code, code))
            g.add((r, MC.withinRegion, country))
            g.add((r, MC.country, country))
        elif entry.parent:
            g.add((r, MC.withinRegion, region_iri(entry.parent)))
    return g


def region_iri(code: str) -> URIRef:
    return ID[f"region/{code}"]
