"""NACE Rev. 2 and the CORDIS reference code lists as SKOS concept schemes.

Concepts get the project's code-list IRIs (`code/<scheme>/<notation>`) and a skos:exactMatch to
the published IRI of the same concept where one exists (for NACE: the official EU IRI and
RAMON-LD; for CORDIS countries: our country resources).
"""

from __future__ import annotations

import csv
import html
from collections.abc import Collection
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kb.core.errors import KBError
from kb.importers.common import CODE, describe_source, new_graph
from kb.importers.countries import EU_TO_ISO, country_iri

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


# The project's own funding-scheme code list (ontology/codelists/funding-scheme.ttl) holds the
# Horizon 2020 types of action; mc:fundingScheme must take its values from there.
TYPES_OF_ACTION = ("IA", "RIA", "CSA")
# Prefixes of CORDIS funding schemes that are a type of action of a joint undertaking or a
# specific grant agreement (BBI-IA-DEMO, ECSEL-RIA, FCH2-RIA, SGA-CSA; HORIZON-JU-RIA). Other
# codes only look alike: MC-IA is Marie Curie industry-academia, IA-I3 integrating activities,
# CP-CSA a combined collaborative project, CSA-CA an FP7 coordination action.
ACTION_PREFIXES = ("BBI", "CS2", "ECSEL", "FCH2", "IMI2", "S2R", "SESAR", "SGA", "JU", "EuroHPC")


def type_of_action(cordis_code: str) -> tuple[URIRef, URIRef] | None:
    """The project's funding-scheme concept for a CORDIS funding-scheme code, with the SKOS
    mapping property that relates them: exactMatch for the Horizon 2020 codes IA, RIA, CSA
    themselves, closeMatch for Horizon Europe's HORIZON-IA/RIA/CSA (the same type of action in
    the next programme), broadMatch for a prefixed variant (BBI-IA-DEMO is an IA); None for
    schemes that are no type of action of the list (ERC-STG, MSCA-ITN-ETN, FP7 CP, ...)."""
    parts = cordis_code.split("-")
    horizon_europe = parts[0] == "HORIZON" and len(parts) > 1
    if horizon_europe:
        parts = parts[1:]
    if len(parts) == 1 and parts[0] in TYPES_OF_ACTION:
        match = SKOS.closeMatch if horizon_europe else SKOS.exactMatch
        return CODE[f"funding-scheme/{parts[0]}"], match
    if len(parts) > 1 and parts[0] in ACTION_PREFIXES and parts[1] in TYPES_OF_ACTION:
        return CODE[f"funding-scheme/{parts[1]}"], SKOS.broadMatch
    return None


def _scheme(g: Graph, slug: str, title: str) -> URIRef:
    scheme = CODE[slug]
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal(title, lang="en")))
    return scheme


def _concept(g: Graph, scheme: URIRef, notation: str, label: str) -> URIRef:
    """The concept `notation` of `scheme`, labelled once: a code listed again with another
    title (CORDIS repeats some FP7 codes) keeps its first title and gets the others as
    skos:altLabel, so it has one English prefLabel as the code-list shapes require."""
    concept = URIRef(f"{scheme}/{notation}")
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.inScheme, scheme))
    g.add((concept, SKOS.notation, Literal(notation)))
    # CORDIS titles are sometimes HTML-escaped ("Education&amp;Training").
    label = html.unescape(label).strip()
    if label:
        text = Literal(label, lang="en")
        current = g.value(concept, SKOS.prefLabel)
        if current is None:
            g.add((concept, SKOS.prefLabel, text))
        elif current != text:
            g.add((concept, SKOS.altLabel, text))
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
        definition = src.value(concept, SKOS.definition)
        if definition is not None:
            # RAMON-LD tags the English explanatory notes `all` (for every language).
            g.add((ours, SKOS.definition, Literal(str(definition), lang="en")))
        broader = src.value(concept, SKOS.broader)
        if broader is not None and str(broader).startswith(RAMON_NACE):
            g.add((ours, SKOS.broader, URIRef(f"{scheme}/{str(broader)[len(RAMON_NACE) :]}")))
        else:
            g.add((ours, SKOS.topConceptOf, scheme))
    _define_sections_without_note(g, scheme)
    return g


def _define_sections_without_note(g: Graph, scheme: URIRef) -> None:
    """NACE has no explanatory note for sections T and U, but a top concept of a code list
    needs an English definition: say which divisions make up the section, and that the
    definition was composed from them, not taken from NACE."""
    for section in sorted(g.subjects(SKOS.topConceptOf, scheme)):
        if g.value(section, SKOS.definition) is not None:
            continue
        divisions = sorted(
            (str(g.value(d, SKOS.notation)), str(g.value(d, SKOS.prefLabel)).lower())
            for d in g.subjects(SKOS.broader, section)
        )
        notation = g.value(section, SKOS.notation)
        parts = "; ".join(f"{code} ({label})" for code, label in divisions)
        made_of = f", made up of division{'s' if len(divisions) > 1 else ''} {parts}"
        text = f"NACE Rev. 2 section {notation}{made_of if divisions else ''}."
        g.add((section, SKOS.definition, Literal(text, lang="en")))
        g.add(
            (
                section,
                SKOS.editorialNote,
                Literal(
                    "NACE gives no explanatory note for this section; `kb import nace` "
                    "composed the definition from its divisions.",
                    lang="en",
                ),
            )
        )


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


def cordis_ref_graph(folder: Path, countries: Collection[str] | None = None) -> Graph:
    """The four CORDIS code lists. CORDIS countries are linked to our `id/country/<ISO>` only
    for the ISO codes in `countries` (those the knowledge base describes; None: every
    two-letter ISO code), so that no link dangles (CORDIS lists Clipperton, CP, which ISO
    3166-1 does not)."""
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
            label = (row.get(label_col) or "").strip() or (row.get("description") or "").strip()
            concept = _concept(g, scheme, notation, label)
            if slug == "cordis-country":
                iso = (row.get("isoCode") or "").strip() or EU_TO_ISO.get(notation, "")
                if len(iso) == 2 and (countries is None or iso in countries):
                    g.add((concept, SKOS.exactMatch, country_iri(iso)))
            if slug == "cordis-funding-scheme" and (match := type_of_action(notation)):
                ours, mapping = match
                g.add((concept, mapping, ours))
    _label_untitled(g)
    return g


def _label_untitled(g: Graph) -> None:
    """CORDIS lists some codes without a title (BBI-IA-DEMO, ERC-ADG); a concept needs an
    English prefLabel, so the code stands for its title, with a note saying so."""
    for concept in sorted(set(g.subjects(RDF.type, SKOS.Concept))):
        if g.value(concept, SKOS.prefLabel) is None:
            code = str(g.value(concept, SKOS.notation))
            g.add((concept, SKOS.prefLabel, Literal(code, lang="en")))
            g.add(
                (
                    concept,
                    SKOS.editorialNote,
                    Literal("CORDIS gives this code no title; the label is the code.", lang="en"),
                )
            )
