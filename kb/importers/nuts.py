"""NUTS regions as mc:Region resources: the hierarchy from the RAMON-LD SKOS files of NUTS 2021
and 2016, the names from Eurostat's NUTS 2021 workbook, each tagged with its language.

By default only the regions the knowledge base needs are imported: every NUTS code used in an
`id/region/<CODE>` IRI under the data folders, a few seed regions, and all their ancestors.

NUTS level 0 is the country itself: its code, level and names go on `id/country/<ISO>` (the
node `kb import countries` describes), never on a second `id/region/<CODE>` node.

Names: NUTS gives each region its national name (and a Latin-script form where the national
script is not Latin); none is English unless the country's language is. RAMON-LD tags them all
`@en`, so its labels are not used for 2021 codes. Each name becomes `mc:nutsName` (a
sub-property of skos:prefLabel) tagged with the language of the name: the country's language
(COUNTRY_LANGUAGES), a region's own language where a multilingual country names it in one
(REGION_LANGUAGES), or one language per part where a name gives several, "Belgique/België"
(SPLIT_NAMES); a Latin-script form is tagged `<language>-Latn`. English names come from the
seed documents (sourced statements in their sections) and, for countries, from ISO 3166.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from kb.core.errors import KBError
from kb.importers.common import EU_NUTS, ID, MC, describe_source, new_graph
from kb.importers.countries import EU_TO_ISO, country_iri

RAMON = "https://w3id.org/ipsoeu/ramon-ld/nuts/{version}/"
SOURCE_URL = (
    "https://github.com/ipsoeu/ramon-ld/blob/a7accbbad3256399a9b788065f74a7d29487d164/{path}"
)
WORKBOOK_URL = (
    "https://github.com/kyleichan/eu-covid-r/blob/98ef81ed3ffa6d0fad68e70bf146d5a0d686134c/"
    "NUTS2021.xlsx"
)
WORKBOOK_SHEET = "NUTS & SR 2021"
SEED_REGIONS = "FRK FRK1 FRK2 DE1 DE11 DE12 DE13 ES51 ITC4 BE2 RO11 PT16 UKL PL21".split()
NUTS_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
REGION_IRI = re.compile(r"https://w3id\.org/mfg-clusters/id/region/([A-Z]{2}[A-Z0-9]{0,3})\b")

# The language (BCP 47) of NUTS names, by NUTS country code: the country's official language
# at national level (the EU's official languages, and those of the EFTA and candidate
# countries NUTS 2021 covers). The first is the default; the others appear through
# REGION_LANGUAGES and SPLIT_NAMES.
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AL": ("sq",), "AT": ("de",), "BE": ("fr", "nl", "de"), "BG": ("bg",),
    "CH": ("de", "fr", "it", "rm"), "CY": ("el",), "CZ": ("cs",), "DE": ("de",), "DK": ("da",),
    "EE": ("et",), "EL": ("el",), "ES": ("es", "ca", "eu", "gl"), "FI": ("fi", "sv"),
    "FR": ("fr",), "HR": ("hr",), "HU": ("hu",), "IE": ("en", "ga"), "IS": ("is",),
    "IT": ("it", "de", "fr"), "LI": ("de",), "LT": ("lt",), "LU": ("fr", "de", "lb"),
    "LV": ("lv",), "ME": ("cnr",), "MK": ("mk",), "MT": ("mt", "en"), "NL": ("nl",),
    "NO": ("no",), "PL": ("pl",), "PT": ("pt",), "RO": ("ro",), "RS": ("sr",), "SE": ("sv",),
    "SI": ("sl",), "SK": ("sk",), "TR": ("tr",), "UK": ("en",),
}  # fmt: skip
# Regions of multilingual countries named in a language other than the country's first: the
# longest matching code prefix wins (BE2 Vlaams Gewest and everything in it is Dutch).
REGION_LANGUAGES: dict[str, str] = {
    "BE2": "nl", "BE3": "fr", "BE336": "de",
    "CH01": "fr", "CH02": "fr", "CH023": "de", "CH03": "de", "CH04": "de", "CH05": "de",
    "CH06": "de", "CH07": "it",
    "FI2": "sv",
    "ES212": "eu", "ES213": "eu", "ES512": "ca", "ES513": "ca", "ES52": "ca", "ES53": "ca",
    "ES531": "es",
}  # fmt: skip
# Names that give one name per language, "A/B", in this order of languages.
SPLIT_NAMES: dict[str, tuple[str, ...]] = {
    "BE": ("fr", "nl"), "BE1": ("fr", "nl"), "BE10": ("fr", "nl"), "BE100": ("fr", "nl"),
    "CH": ("de", "fr", "it"), "CH0": ("de", "fr", "it"), "CH012": ("fr", "de"),
    "CH021": ("de", "fr"), "CH022": ("fr", "de"), "CH056": ("de", "it", "rm"),
    "ES211": ("eu", "es"), "ES521": ("es", "ca"), "ES522": ("es", "ca"), "ES523": ("es", "ca"),
    "FI": ("fi", "sv"), "IE": ("ga", "en"), "ITC2": ("it", "fr"), "ITC20": ("it", "fr"),
    "MT002": ("en", "mt"), "RS": ("sr-Latn", "sr"),
}  # fmt: skip
# English is the country's language there; a NUTS name in English is an English name.
ENGLISH_NUTS_COUNTRIES = ("UK", "IE", "MT")
_NOT_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")  # Greek and Cyrillic letters


@dataclass(frozen=True)
class NutsEntry:
    code: str
    label: str
    parent: str | None
    version: str
    latin: str | None = None  # the Latin-script form, where the national name is not Latin


def read_ramon(path: Path, version: str) -> dict[str, NutsEntry]:
    """NUTS code -> entry, for the concepts of one RAMON-LD NUTS file (grouping concepts
    such as `NUTS_2021` are skipped: their notation is not a NUTS code). RAMON-LD writes a
    non-Latin name as "Αττική (Attiki)": the two forms are kept apart."""
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
        label = str(g.value(concept, SKOS.prefLabel) or code)
        latin = None
        both = re.match(r"^(.*\S)\s+\(([^()]*)\)$", label)
        if both and _NOT_LATIN.search(both.group(1)) and not _NOT_LATIN.search(both.group(2)):
            label, latin = both.group(1), both.group(2)
        broader = g.value(concept, SKOS.broader)
        parent = None
        if broader is not None and str(broader).startswith(base):
            candidate = str(broader)[len(base) :]
            parent = candidate if NUTS_CODE.match(candidate) else None
        entries[code] = NutsEntry(code, label, parent, version, latin)
    if not entries:
        raise KBError(f"{path}: no NUTS concepts found")
    return entries


def read_workbook(path: Path) -> dict[str, tuple[str, str | None]]:
    """NUTS code -> (national name, Latin-script name or None) from Eurostat's NUTS 2021
    workbook: the name sits in the column of the row's level (1-4), a Latin form for Greek
    and Cyrillic names in the columns after the gap (10-13)."""
    import openpyxl  # only needed for the names

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean an unreadable file
        raise KBError(f"{path}: cannot read the workbook: {exc}") from exc
    if WORKBOOK_SHEET not in book.sheetnames:
        raise KBError(f"{path}: no sheet {WORKBOOK_SHEET!r}")
    names: dict[str, tuple[str, str | None]] = {}
    for number, row in enumerate(book[WORKBOOK_SHEET].iter_rows(values_only=True), start=1):
        code = str(row[0] or "").strip()
        if number == 1 or not NUTS_CODE.match(code):
            continue
        national = next((_clean(c) for c in row[1:5] if _clean(c)), "")
        latin = next((_clean(c) for c in row[10:14] if _clean(c)), "") if len(row) > 10 else ""
        if not national:
            raise KBError(f"{path}: sheet {WORKBOOK_SHEET!r} row {number}: {code} has no name")
        names[code] = (national, latin if latin and latin != national else None)
    book.close()
    if not names:
        raise KBError(f"{path}: no NUTS codes in sheet {WORKBOOK_SHEET!r}")
    return names


def _clean(cell: object) -> str:
    return " ".join(str(cell).replace("\xa0", " ").split()) if cell is not None else ""


def name_languages(code: str, name: str) -> list[tuple[str, str]]:
    """The parts of a NUTS name with the language of each: [(text, BCP 47 tag)]."""
    split = SPLIT_NAMES.get(code)
    if split:
        parts = [p.strip() for p in name.split("/")]
        if len(parts) != len(split):
            raise KBError(f"NUTS {code}: {name!r} has {len(parts)} parts, expected {len(split)}")
        return list(zip(parts, split, strict=True))
    own = [p for p in REGION_LANGUAGES if code.startswith(p)]
    if own:
        return [(name, REGION_LANGUAGES[max(own, key=len)])]
    languages = COUNTRY_LANGUAGES.get(code[:2])
    if not languages:
        raise KBError(f"NUTS {code}: no language known for country {code[:2]} (COUNTRY_LANGUAGES)")
    return [(name, languages[0])]


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


def merged_table(
    nuts2021: Path, nuts2016: Path, workbook: Path | None = None
) -> dict[str, NutsEntry]:
    """NUTS 2021 entries, plus NUTS 2016 entries for codes that only exist there; the names of
    2021 codes from the workbook where one is given."""
    table = read_ramon(nuts2016, "2016")
    table.update(read_ramon(nuts2021, "2021"))
    if workbook is not None:
        for code, (national, latin) in read_workbook(workbook).items():
            entry = table.get(code)
            if entry is not None and entry.version == "2021":
                table[code] = NutsEntry(code, national, entry.parent, "2021", latin)
    return table


def nuts_graph(table: dict[str, NutsEntry], codes: Iterable[str], workbook: bool = False) -> Graph:
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
            note="Copied into ../shared/data/ramon-ld/ (see its SOURCE.md). The hierarchy and "
            "versions come from here; its labels, all tagged @en, are not used for NUTS 2021 "
            "codes."
            if workbook
            else "Copied into ../shared/data/ramon-ld/ (see its SOURCE.md).",
        )
    if workbook:
        describe_source(
            g,
            "eurostat-nuts-2021-workbook",
            title="NUTS 2021 classification, Eurostat workbook version 1.8 (26.03.2021)",
            source_url=WORKBOOK_URL,
            licence="Eurostat content, reuse under Commission Decision 2011/833/EU",
            licence_iri="https://eur-lex.europa.eu/eli/dec/2011/833/oj",
            publisher="Eurostat",
            note="Copied into ../shared/data/nuts/ (see its SOURCE.md). The national and "
            "Latin-script names of NUTS 2021 regions. Their languages are the importer's "
            "(kb/importers/nuts.py: the country's official language, a region's own where a "
            "multilingual country names it in one, one per part of a name like "
            "'Belgique/België'); no English names come from here.",
        )
    for code in sorted(codes):
        entry = table[code]
        r = region_iri(code)
        if len(code) == 2:
            g.add((r, RDF.type, MC.Country))  # NUTS 0 is the country: one node, not two
        else:
            g.add((r, RDF.type, MC.Region))
        for text, lang in _names(entry):
            g.add((r, MC.nutsName, Literal(text, lang=lang)))
        g.add((r, MC.nutsCode, Literal(code)))
        g.add((r, MC.nutsLevel, Literal(len(code) - 2, datatype=XSD.integer)))
        g.add((r, MC.nutsVersion, Literal(entry.version, datatype=XSD.gYear)))
        g.add((r, SKOS.exactMatch, EU_NUTS[code]))
        if entry.parent:
            g.add((r, MC.withinRegion, region_iri(entry.parent)))
    return g


def _names(entry: NutsEntry) -> list[tuple[str, str]]:
    names = name_languages(entry.code, entry.label)
    if len(entry.code) == 2:
        # A country's English name is the ISO 3166 one (countries.ttl), so a NUTS 0 name in
        # English ("United Kingdom", the "Ireland" of "Éire/Ireland") is not repeated here.
        names = [(text, lang) for text, lang in names if lang != "en"]
    if entry.latin:
        base = names[0][1] if names else COUNTRY_LANGUAGES[entry.code[:2]][0]
        names.append((entry.latin, f"{base.split('-')[0]}-Latn"))
    return names


def region_iri(code: str) -> URIRef:
    """id/region/<CODE>, except NUTS level 0: the country, id/country/<ISO 3166 alpha-2>."""
    if len(code) == 2:
        return country_iri(EU_TO_ISO.get(code, code))
    return ID[f"region/{code}"]
