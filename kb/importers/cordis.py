"""CORDIS open-data project and organisation tables (H2020, FP7, Horizon Europe) as Turtle.

Columns relied on (header row; other columns are ignored). The tables come as `;`-separated,
`"`-quoted UTF-8 CSV or as XLSX with the same columns on the first sheet; the format is chosen by
the file suffix (`.xlsx` / `.xlsm`, anything else is read as CSV):

* projects (`project.csv`): `id` (grant number), `acronym`, `title`, `startDate`, `endDate`
  (YYYY-MM-DD), `ecMaxContribution` (EUR, `.` or `,` decimal), `frameworkProgramme` (H2020,
  FP7, HORIZON), `fundingScheme`, `topics`.
* organisations (`organization.csv`): `projectID`, `organisationID` (PIC), `name`,
  `shortName`, `SME` (true/false), `activityType` (HES, REC, PRC, PUB, OTH), `country` (EU
  code: EL, UK), `nutsCode`, `role` (coordinator, participant, thirdParty, associatedPartner,
  partnerOrganisation), `ecContribution`.

Rows are streamed (openpyxl's read-only mode for XLSX); the output is written as Turtle one
triple per line, atomically. A bad row is reported with its line number (CSV) or sheet row number
(XLSX) and reason, counted, and skipped; it never stops the import.
Projects already in the knowledge base are matched by grant number or acronym, organisations by
PIC or name, so their IRIs are reused instead of minting duplicates; a matched resource keeps
the KB's value of a single-valued property (SINGLE_VALUED). The output passes the shapes and
integrity checks: mc:fundingScheme from the project's own code list (the CORDIS code as
dct:type), amounts with EURIO's value and currency, participations citing the rows of their
table with mc:section, English-tagged names, countries only where the KB has them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from rdflib import DCTERMS, RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef

from kb.core.errors import KBError, RDFSyntaxError
from kb.core.fileio import atomic_writer
from kb.importers.codelists import CORDIS_LICENCE, type_of_action
from kb.importers.common import CODE, ID, MC, SELF
from kb.importers.countries import EU_TO_ISO, country_iri
from kb.importers.nuts import NUTS_CODE, region_iri
from kb.store import from_ox

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
EURIO = Namespace("http://data.europa.eu/s66#")
LICENCE_IRI = URIRef("http://data.europa.eu/eli/dec/2011/833/oj")

csv.field_size_limit(16 * 1024 * 1024)  # objectives can be long

PROJECT_COLUMNS = ("id", "acronym", "title")
ORGANISATION_COLUMNS = ("projectID", "organisationID", "name", "role")
PROGRAMMES = {"H2020": "h2020", "FP7": "fp7", "HORIZON": "horizon-europe"}
ROLES = {
    "coordinator": "coordinator",
    "participant": "partner",
    "partner": "partner",
    "thirdparty": "third-party",
    "associatedpartner": "associated-partner",
}
ACTIVITY_CLASSES = {
    "HES": MC.University,
    "REC": MC.ResearchOrganisation,
    "PRC": MC.Company,
    "PUB": MC.PublicAuthority,
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Properties (with the language of their value, for labels) that take one value per resource
# in the shapes, or that two sources would only repeat in other words: a project or
# organisation the KB already describes keeps its own value and CORDIS's is not written.
SINGLE_VALUED = {
    (SKOS.prefLabel, "en"),
    (DCTERMS.title, "en"),
    MC.acronym,
    MC.fundingProgramme,
    MC.fundingScheme,
    SCHEMA.startDate,
    SCHEMA.endDate,
    MC.ecContribution,
    MC.country,
    MC.participationRole,
    MC.inProject,
    MC.participant,
}


def _key(p: URIRef, o) -> object:
    return (p, o.language) if isinstance(o, Literal) and o.language else p


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def name_key(text: str) -> str:
    """A name compared case- and punctuation-insensitively."""
    return " ".join(slug(text).split("-"))


def amount(text: str) -> Decimal | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc


@dataclass
class Report:
    """What an import did: counts and the bad rows (file, line, reason)."""

    projects: int = 0
    organisations: int = 0
    participations: int = 0
    matched_projects: int = 0
    matched_organisations: int = 0
    triples: int = 0
    # CORDIS values not written because the KB already states that property (SINGLE_VALUED).
    kept_from_kb: int = 0
    # CORDIS country codes the KB has no country for: not linked (mc:country would dangle).
    unknown_countries: set[str] = field(default_factory=set)
    # NUTS codes outside NUTS 2021 / 2016 (older versions): not linked (no region to describe).
    unknown_nuts: set[str] = field(default_factory=set)
    bad_rows: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class Known:
    """Projects and organisations already in the knowledge base, by grant/acronym and PIC/name."""

    projects_by_grant: dict[str, URIRef] = field(default_factory=dict)
    projects_by_acronym: dict[str, URIRef] = field(default_factory=dict)
    orgs_by_pic: dict[str, URIRef] = field(default_factory=dict)
    orgs_by_name: dict[str, URIRef] = field(default_factory=dict)
    iris: set[str] = field(default_factory=set)
    # Which SINGLE_VALUED properties each resource already has in the KB.
    stated: dict[URIRef, set] = field(default_factory=dict)
    # The countries the KB describes; empty: not known, every code is linked.
    countries: set[URIRef] = field(default_factory=set)

    @classmethod
    def from_graph(cls, g: Graph) -> Known:
        known = cls()
        for p in g.subjects(RDF.type, MC.Project):
            known.iris.add(str(p))
            for ident in g.objects(p, DCTERMS.identifier):
                known.projects_by_grant[str(ident)] = p
            for label in (*g.objects(p, MC.acronym), *g.objects(p, SKOS.altLabel)):
                known.projects_by_acronym[name_key(str(label))] = p
        prefix = str(ID["organisation/"])
        for s, o in (*g.subject_objects(SKOS.prefLabel), *g.subject_objects(SKOS.altLabel)):
            if str(s).startswith(prefix):
                known.iris.add(str(s))
                known.orgs_by_name.setdefault(name_key(str(o)), s)
        for s, o in g.subject_objects(DCTERMS.identifier):
            if str(s).startswith(prefix):
                known.orgs_by_pic[str(o)] = s
        for key in SINGLE_VALUED:
            p = key[0] if isinstance(key, tuple) else key
            for s, o in g.subject_objects(p):
                if isinstance(s, URIRef) and _key(p, o) == key:
                    known.stated.setdefault(s, set()).add(key)
        known.countries = {c for c in g.subjects(RDF.type, MC.Country) if isinstance(c, URIRef)}
        return known


# What Known.from_graph reads: the rest of a file is skipped while parsing.
KNOWN_PREDICATES = {
    str(p)
    for p in (
        DCTERMS.identifier,
        MC.acronym,
        SKOS.prefLabel,
        SKOS.altLabel,
        *(key[0] if isinstance(key, tuple) else key for key in SINGLE_VALUED),
    )
}
KNOWN_TYPES = {str(MC.Project), str(MC.Country)}


def read_known(paths: Iterable[Path]) -> Known:
    """Known from Turtle files. Oxigraph's parser reads them and only the triples Known uses
    become rdflib terms, so a big file under the data folders (an earlier CORDIS import) takes
    a fraction of what rdflib's parser would (10^5 triples: 2.6 s -> 0.7 s)."""
    import pyoxigraph

    g = Graph()
    rdf_type = str(RDF.type)
    for path in paths:
        try:
            for quad in pyoxigraph.parse(
                path=path, format=pyoxigraph.RdfFormat.TURTLE, base_iri=SELF + "/"
            ):
                p = quad.predicate.value
                if p in KNOWN_PREDICATES or (p == rdf_type and quad.object.value in KNOWN_TYPES):
                    s, o = _term(quad.subject), _term(quad.object)
                    if s is not None and o is not None:
                        g.add((s, URIRef(p), o))
        except SyntaxError as exc:
            raise RDFSyntaxError(path, exc.lineno, exc.offset, str(exc)) from exc
    return Known.from_graph(g)


def _term(term):
    """An Oxigraph term as an rdflib term; None for an RDF 1.2 triple term (Known has no use
    for one)."""
    try:
        return from_ox(term)
    except TypeError:
        return None


XLSX_SUFFIXES = (".xlsx", ".xlsm")


def rows(path: Path, required: tuple[str, ...], report: Report) -> Iterator[tuple[int, dict]]:
    """(line or sheet row number, row) for each data row, from CSV or XLSX by the suffix."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return xlsx_rows(path, required, report)
    return csv_rows(path, required, report)


def _check_header(path: Path, header: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise KBError(f"{path}:1: missing column(s) {', '.join(missing)}")


def csv_rows(path: Path, required: tuple[str, ...], report: Report) -> Iterator[tuple[int, dict]]:
    """(first line number, row) for each data row; bad rows go to `report`."""
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise KBError(f"{path}: cannot open: {exc}") from exc
    with stream:
        reader = csv.reader(stream, delimiter=";", quotechar='"')
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise KBError(f"{path}: empty file, expected a header row") from None
        _check_header(path, header, required)
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                report.bad_rows.append((str(path), line, f"unreadable CSV: {exc}"))
                line = reader.line_num + 1
                continue
            start, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                report.bad_rows.append(
                    (str(path), start, f"{len(values)} fields, header has {len(header)}")
                )
                continue
            yield start, dict(zip(header, (v.strip() for v in values), strict=True))


def cell_text(value) -> str:
    """A cell as the text the CSV export holds: numbers without a spurious `.0`, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def xlsx_rows(path: Path, required: tuple[str, ...], report: Report) -> Iterator[tuple[int, dict]]:
    """(sheet row number, row) for each data row of the first sheet; bad rows go to `report`."""
    import openpyxl  # only needed for XLSX input

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean an unreadable file
        raise KBError(f"{path}: cannot read as XLSX: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header_row = next(cells, None)
        if header_row is None:
            raise KBError(f"{path}: empty sheet, expected a header row")
        header = [cell_text(h) for h in header_row]
        while header and not header[-1]:  # a sheet may be wider than its header
            header.pop()
        _check_header(path, header, required)
        for number, values in enumerate(cells, start=2):
            texts = [cell_text(v) for v in values]
            if not any(texts):
                continue
            extra = [t for t in texts[len(header) :] if t]
            if extra:
                report.bad_rows.append(
                    (
                        str(path),
                        number,
                        f"values beyond the header's {len(header)} columns",
                    )
                )
                continue
            texts += [""] * (len(header) - len(texts))
            yield number, dict(zip(header, texts[: len(header)], strict=True))
    finally:
        book.close()


class TurtleOut:
    """Writes triples one per line (valid Turtle) and counts them."""

    def __init__(self, stream, known: Known | None = None, report: Report | None = None) -> None:
        self.stream = stream
        self.count = 0
        self.known = known or Known()
        self.report = report or Report()

    def add(self, s, p, o) -> None:
        subject = "<>" if s == SELF else s.n3()
        self.stream.write(f"{subject} {p.n3()} {o.n3()} .\n")
        self.count += 1

    def state(self, s, p, o) -> bool:
        """Write (s p o) unless the KB already gives `s` a value of this single-valued
        property (the KB's value is kept); True if written."""
        key = _key(p, o)
        if key in SINGLE_VALUED and key in self.known.stated.get(s, ()):
            self.report.kept_from_kb += 1
            return False
        self.add(s, p, o)
        return True


def _describe_table(out: TurtleOut, path: Path, kind: str, first: bool) -> URIRef:
    """The input table as an mc:SourceDocument with one mc:DocumentSection (its rows), which
    participations and amounts cite with mc:section; returns the section."""
    doc = ID[f"source/cordis-{kind}/{slug(path.name)}"]
    section = ID[f"source/cordis-{kind}/{slug(path.name)}/rows"]
    what = {"projects": "project", "orgs": "organisation"}[kind]
    title = f"CORDIS {what} table {path.name}"
    if first:
        out.add(SELF, RDF.type, MC.SourceGraph)
    out.add(SELF, PROV.wasDerivedFrom, doc)
    out.add(doc, RDF.type, MC.SourceDocument)
    out.add(doc, DCTERMS.title, Literal(title, lang="en"))
    out.add(doc, SKOS.prefLabel, Literal(title, lang="en"))
    out.add(doc, DCTERMS.source, Literal(path.name))
    out.add(doc, DCTERMS.publisher, Literal("European Commission, CORDIS"))
    out.add(doc, DCTERMS.license, LICENCE_IRI)
    out.add(doc, DCTERMS.rights, Literal(CORDIS_LICENCE))
    out.add(section, RDF.type, MC.DocumentSection)
    out.add(section, DCTERMS.isPartOf, doc)
    out.add(section, MC.sectionLabel, Literal("rows"))
    out.add(section, SKOS.prefLabel, Literal(f"rows of {path.name}", lang="en"))
    return section


def _progress(what: str, n: int, enabled: bool, done: bool = False) -> None:
    if enabled and (done or n % 1000 == 0):
        print(f"\rcordis: {what} {n}", end="\n" if done else "", file=sys.stderr, flush=True)


def import_cordis(
    projects: Path,
    organisations: Path,
    output: Path,
    known: Known | None = None,
    progress: bool = False,
    nuts_codes: Collection[str] | None = None,
) -> Report:
    """Import the two tables into `output`. `nuts_codes`: the NUTS codes `kb import nuts` can
    describe (NUTS 2021 and 2016); an organisation's code outside them is not linked, but
    counted in the report, since its region would stay undescribed (None: link every code)."""
    known = known or Known()
    report = Report()
    used = set(known.iris)
    project_iri: dict[str, URIRef] = {}
    org_iri: dict[str, URIRef] = {}
    participations: set[URIRef] = set()

    def mint(kind: str, name: str, ident: str) -> URIRef:
        base = slug(name) or slug(ident)
        iri = ID[f"{kind}/{base}"]
        if str(iri) in used:
            iri = ID[f"{kind}/{base}-{slug(ident)}"]
        used.add(str(iri))
        return iri

    with atomic_writer(output) as stream:
        out = TurtleOut(stream, known, report)
        stream.write("# Generated by `kb import cordis`; do not edit by hand.\n")
        project_rows = _describe_table(out, projects, "projects", first=True)
        org_rows = _describe_table(out, organisations, "orgs", first=False)

        for line, row in rows(projects, PROJECT_COLUMNS, report):
            try:
                _project(row, out, known, project_iri, mint, report, project_rows)
            except ValueError as exc:
                report.bad_rows.append((str(projects), line, str(exc)))
            _progress("projects", report.projects, progress)
        _progress("projects", report.projects, progress, done=True)

        for line, row in rows(organisations, ORGANISATION_COLUMNS, report):
            try:
                _participation(
                    row,
                    out,
                    known,
                    project_iri,
                    org_iri,
                    participations,
                    mint,
                    report,
                    org_rows,
                    nuts_codes,
                )
            except ValueError as exc:
                report.bad_rows.append((str(organisations), line, str(exc)))
            _progress("participations", report.participations, progress)
        _progress("participations", report.participations, progress, done=True)
        report.triples = out.count
    return report


def _project(row, out, known, project_iri, mint, report, section) -> None:
    """Check the whole row first, so that a bad row writes nothing."""
    grant, acronym, title = row["id"], row["acronym"], row["title"]
    if not grant.isdigit():
        raise ValueError(f"project id {grant!r} is not a grant number")
    if not acronym and not title:
        raise ValueError("project has neither acronym nor title")
    if grant in project_iri:
        raise ValueError(f"duplicate project id {grant}")
    dates = {}
    for column in ("startDate", "endDate"):
        value = row.get(column, "")
        if value and not DATE.match(value[:10]):
            raise ValueError(f"{column} {value!r} is not YYYY-MM-DD")
        dates[column] = value[:10]
    value = amount(row.get("ecMaxContribution", ""))

    p = known.projects_by_grant.get(grant) or known.projects_by_acronym.get(name_key(acronym))
    if p is not None:
        report.matched_projects += 1
    else:
        p = mint("project", acronym or title, grant)
    project_iri[grant] = p
    report.projects += 1
    out.add(p, RDF.type, MC.Project)
    out.add(p, DCTERMS.identifier, Literal(grant))
    if acronym:
        out.state(p, MC.acronym, Literal(acronym))
    if title:
        out.state(p, DCTERMS.title, Literal(title, lang="en"))
    # A project needs a label: its title, or its acronym when CORDIS gives no title.
    out.state(p, SKOS.prefLabel, Literal(title or acronym, lang="en"))
    for column, prop in (("startDate", SCHEMA.startDate), ("endDate", SCHEMA.endDate)):
        if dates[column]:
            out.state(p, prop, Literal(dates[column], datatype=XSD.date))
    programme = PROGRAMMES.get(row.get("frameworkProgramme", ""))
    if programme:
        out.state(p, MC.fundingProgramme, CODE[f"funding-programme/{programme}"])
    if row.get("fundingScheme"):
        # The CORDIS code as it stands, as `kb import cordis-ref` mints it (CSA, HORIZON-RIA,
        # MC-IA), is the project's dct:type; mc:fundingScheme takes the type of action of the
        # project's own code list that the code is or belongs to (IA, RIA, CSA), if any.
        code = row["fundingScheme"]
        out.add(p, DCTERMS.type, CODE[f"cordis-funding-scheme/{quote(code, safe='-._~')}"])
        if match := type_of_action(code):
            out.state(p, MC.fundingScheme, match[0])
    if value is not None:
        node = ID[f"amount/{str(p).rsplit('/', 1)[-1]}/ec-max-contribution"]
        _amount(out, node, p, value, section)


def _amount(out, node: URIRef, subject: URIRef, value: Decimal, section: URIRef) -> None:
    """An amount in EUR, as the seed writes one: EURIO's value and currency (which the shapes
    require) and schema.org's, citing the table it comes from."""
    if not out.state(subject, MC.ecContribution, node):
        return
    out.add(node, RDF.type, MC.MonetaryAmount)
    out.add(node, EURIO.value, Literal(value, datatype=XSD.decimal))
    out.add(node, EURIO.currency, Literal("EUR"))
    out.add(node, SCHEMA.value, Literal(value, datatype=XSD.decimal))
    out.add(node, SCHEMA.currency, Literal("EUR"))
    out.add(node, MC.section, section)


def _participation_iri(project: URIRef, organisation: URIRef) -> URIRef:
    """One node per source claim (docs/modelling.md): the CORDIS table's own, beside any the
    seed sections state for the same project and organisation."""
    project_slug, org_slug = str(project).rsplit("/", 1)[-1], str(organisation).rsplit("/", 1)[-1]
    return ID[f"participation/{project_slug}/{org_slug}/cordis"]


def _participation(
    row, out, known, project_iri, org_iri, participations, mint, report, section, nuts_codes
) -> None:
    grant, pic, name = row["projectID"], row["organisationID"], row["name"]
    if grant not in project_iri:
        raise ValueError(f"projectID {grant!r} is not in the projects file")
    if not name:
        raise ValueError("organisation has no name")
    role = ROLES.get(row["role"].lower())
    if role is None:
        raise ValueError(f"unknown role {row['role']!r}")
    value = amount(row.get("ecContribution", ""))  # checked before anything is written
    key = pic or name_key(name)
    p = project_iri[grant]
    # A second row of the same organisation in the same project (or of two CORDIS entries
    # matched to one KB organisation) would give one participation two roles and amounts.
    o = org_iri.get(key) or known.orgs_by_pic.get(pic) or known.orgs_by_name.get(name_key(name))
    if o is not None and _participation_iri(p, o) in participations:
        raise ValueError(f"{str(o).rsplit('/', 1)[-1]} is already a participant of project {grant}")
    o = org_iri.get(key)
    if o is None:
        o = known.orgs_by_pic.get(pic) or known.orgs_by_name.get(name_key(name))
        if o is not None:
            report.matched_organisations += 1
        else:
            o = mint("organisation", row.get("shortName") or name, pic or name)
            cls = ACTIVITY_CLASSES.get(row.get("activityType", ""), ORG.FormalOrganization)
            if cls == MC.Company and row.get("SME", "").lower() == "true":
                cls = MC.SME
            out.add(o, RDF.type, cls)
            # Tagged @en whatever the name's own language, as the seed tags names printed in
            # an English-language source (CORDIS is one), so English-label queries find it.
            out.add(o, SKOS.prefLabel, Literal(name, lang="en"))
            if row.get("shortName"):
                out.add(o, MC.acronym, Literal(row["shortName"]))
        org_iri[key] = o
        report.organisations += 1
        if pic:
            out.add(o, DCTERMS.identifier, Literal(pic))
        country = row.get("country", "")
        if len(country) == 2 and country.isalpha():
            iri = country_iri(EU_TO_ISO.get(country, country))
            if known.countries and iri not in known.countries:
                report.unknown_countries.add(country)
            else:
                out.state(o, MC.country, iri)
        nuts = row.get("nutsCode", "")
        if len(nuts) > 2 and NUTS_CODE.match(nuts):
            if nuts_codes is not None and nuts not in nuts_codes:
                report.unknown_nuts.add(nuts)
            else:
                out.add(o, MC.locatedIn, region_iri(nuts))
    part = _participation_iri(p, o)
    participations.add(part)
    out.add(part, RDF.type, MC.Participation)
    out.state(part, MC.inProject, p)
    out.state(part, MC.participant, o)
    out.state(part, MC.participationRole, CODE[f"participation-role/{role}"])
    out.add(part, MC.section, section)
    if value is not None:
        _amount(out, ID[f"amount/{str(part).split('/id/', 1)[1]}"], part, value, section)
    report.participations += 1
