"""NACE Rev. 2 and the CORDIS reference code lists as SKOS concept schemes.

Concepts get the project's code-list IRIs (`code/<scheme>/<notation>`) and a skos:exactMatch to
the published IRI of the same concept where one exists (for NACE: the official EU IRI and
RAMON-LD; for CORDIS countries: our country resources).
"""

from __future__ import annotations

import csv
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from ..errors import KBError
from .common import CODE, describe_source, new_graph
from .countries import EU_TO_ISO, country_iri

RAMON_NACE = "https://w3id.org/ipsoeu/ramon-ld/nace/2008/"
# The EU Vocabularies IRI of a NACE Rev. 2 concept is the code without its dots (01.11 -> 0111).
# Pattern taken from the reference notes (../shared/docs/vocabularies-and-anchors.md), which
# found it in code using it; not verified online (the machine has no internet access).
EU_NACE = "http://data.europa.eu/ux2/nace2/"


def eu_nace_iri(notation: str) -> URIRef:
    return URIRef(EU_NACE + notation.replace(".", ""))


CORDIS_REF_URL = (
    "https://github.com/StatisticalProject/CORDIR/blob/"
    "34ffc3ffa2e5dafbc9b7e62795d9732deb82b0d2/data/{name}"
)
CORDIS_LICENCE = "CORDIS open data, reuse with attribution under Commission Decision 2011/833/EU"


def _scheme(g: Graph, slug: str, title: str) -> URIRef:
    scheme = CODE[slug]
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal(title, lang="en")))
    return scheme


def _concept(g: Graph, scheme: URIRef, notation: str, label: str) -> URIRef:
    concept = URIRef(f"{scheme}/{notation}")
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.inScheme, scheme))
    g.add((concept, SKOS.notation, Literal(notation)))
    if label:
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    return concept


def nace_graph(path: Path) -> Graph:
    src = Graph()
    try:
        src.parse(path, format="xml")
    except Exception as exc:  # rdflib raises several types; all mean the file is unusable
        raise KBError(f"{path}: cannot parse RDF/XML: {exc}") from exc
    g = new_graph()
    describe_source(
        g,
        "ramon-ld-nace-rev2",
        title="NACE Rev. 2 as SKOS, from RAMON-LD (ipsoeu/ramon-ld, nace/2008.rdf)",
        source_url="https://github.com/ipsoeu/ramon-ld/blob/"
        "a7accbbad3256399a9b788065f74a7d29487d164/nace/2008.rdf",
        licence="EUPL-1.2 (RAMON-LD); classification by Eurostat, reuse under "
        "Commission Decision 2011/833/EU",
        licence_iri="https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
        publisher="Eurostat (classification); ipsoeu group (RAMON-LD)",
        note="Each concept is skos:exactMatch its EU Vocabularies IRI "
        "http://data.europa.eu/ux2/nace2/<code without dots> (pattern from the project's "
        "reference notes, not verified online) and its RAMON-LD IRI.",
    )
    scheme = _scheme(g, "nace-rev2", "NACE Rev. 2")
    for concept in src.subjects(RDF.type, SKOS.Concept):
        if not str(concept).startswith(RAMON_NACE):
            continue
        notation = str(src.value(concept, SKOS.notation) or "")
        if not notation:
            continue
        ours = _concept(g, scheme, notation, str(src.value(concept, SKOS.prefLabel) or ""))
        g.add((ours, SKOS.exactMatch, eu_nace_iri(notation)))
        g.add((ours, SKOS.exactMatch, concept))
        broader = src.value(concept, SKOS.broader)
        if broader is not None and str(broader).startswith(RAMON_NACE):
            g.add((ours, SKOS.broader, URIRef(f"{scheme}/{str(broader)[len(RAMON_NACE) :]}")))
        else:
            g.add((ours, SKOS.topConceptOf, scheme))
    return g


def _english_rows(path: Path, lang_column: str):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream, delimiter=";")
        for row in reader:
            if (row.get(lang_column) or "").strip() == "en":
                yield row


# file name, scheme slug, title, notation column, label column, language column
CORDIS_LISTS = (
    ("cordisref-countries.csv", "cordis-country", "CORDIS countries", "euCode", "name", "language"),
    (
        "cordisref-organizationActivityType.csv",
        "cordis-activity-type",
        "CORDIS organisation activity types",
        "Code",
        "Title",
        "language",
    ),
    (
        "cordisref-projectFundingSchemeCategory.csv",
        "cordis-funding-scheme",
        "CORDIS funding schemes",
        "code",
        "title",
        "language",
    ),
    (
        "cordisref-FP7programmes.csv",
        "cordis-fp7-programme",
        "CORDIS FP7 programmes and topics",
        "Code",
        "Title",
        "Language",
    ),
)


def cordis_ref_graph(folder: Path) -> Graph:
    g = new_graph()
    for name, slug, title, code_col, label_col, lang_col in CORDIS_LISTS:
        path = folder / name
        if not path.is_file():
            raise KBError(f"{path}: missing CORDIS reference file")
        describe_source(
            g,
            f"cordis-ref/{slug}",
            title=f"{title} ({name}, CORDIS reference data as of mid-2016)",
            source_url=CORDIS_REF_URL.format(name=name),
            licence=CORDIS_LICENCE,
            licence_iri="http://data.europa.eu/eli/dec/2011/833/oj",
            publisher="European Commission, CORDIS",
        )
        scheme = _scheme(g, slug, title)
        for row in _english_rows(path, lang_col):
            notation = (row.get(code_col) or "").strip()
            if not notation or " " in notation:
                continue
            concept = _concept(g, scheme, notation, (row.get(label_col) or "").strip())
            if slug == "cordis-country":
                iso = (row.get("isoCode") or "").strip() or EU_TO_ISO.get(notation, "")
                if len(iso) == 2:
                    g.add((concept, SKOS.exactMatch, country_iri(iso)))
    return g
