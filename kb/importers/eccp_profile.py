"""ECCP cluster profiles (European Cluster Collaboration Platform) as Turtle.

A profile is read from its printer-friendly text (as seed 000 shows it) or from the saved HTML
of the same page. Both are first turned into the same logical lines (block headings, field
labels ending in ':', values), so one reader and one mapping serve both. FIELDS is the one table
from a field of the page to what it becomes in the knowledge base: a change of the model (a
property renamed, a measure added) is an edit of one row there.

The output follows data/ttl/seed-000/: one file per block (section), each graph derived from its
section of the profile document, figures and statement nodes citing their section.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from rdflib import Literal, URIRef

from kb.importers.common import CODE, ID, MC, SELF
from kb.importers.profiles import (
    BULLET,
    DCTERMS,
    EU_LANGUAGE,
    EU_LANGUAGES,
    EURIO,
    FOAF,
    ORG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
    CodeLists,
    Entity,
    Fault,
    IdentityLinker,
    Known,
    SectionGraphs,
    clean,
    key,
    literal_en,
    slug,
    turtle_text,
    without_legal_form,
)

PUBLISHER = "European Cluster Collaboration Platform"

# The blocks of the page in ECCP order: heading as printed, and the section it opens (None:
# a heading that only groups the blocks below it).
HEADINGS: tuple[tuple[str, str | None], ...] = (
    ("General Information", "general-information"),
    ("Sectoral and Industrial Focus", "sectoral-focus"),
    ("Composition of the cluster", "composition"),
    ("Cluster Strategy", "strategy"),
    ("Cooperation Activities", None),
    ("International Cooperation", "international-cooperation"),
    ("Trans-national Cooperation", "transnational-cooperation"),
    ("Support Programmes", "support-programmes"),
)

# How each section is cited (mc:sectionLabel), in the order of the page.
SECTIONS = {
    "general-information": "General Information",
    "sectoral-focus": "Sectoral and Industrial Focus",
    "composition": "Composition of the cluster",
    "strategy": "Cluster Strategy",
    "support-services": "Support services provided",
    "international-cooperation": "Cooperation Activities: International Cooperation",
    "transnational-cooperation": "Cooperation Activities: Trans-national Cooperation",
    "collaborating-clusters": "Which clusters do you collaborate with?",
    "support-programmes": "Support Programmes: Participation in Funded Support Programmes",
    "success-story": "Success Story / Achievements",
    "why-partner": "Why should partners choose you for cooperation?",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of the page and what it becomes.

    kind says how the values are read: date, count (a figure; `code` is the measure), coded
    (`prop` with values from the code list `code`), countries, posts, memberships, languages,
    players, clusters, strategy, answer, service-details, programmes, story, reasons.
    """

    name: str
    heading: str
    label: str | None  # None: the text printed right under the heading
    section: str
    kind: str
    prop: URIRef | None = None
    code: str | None = None


F = FieldSpec
GI, SF, CO, CS = (h for h, _ in HEADINGS[:4])
IC, TC, SP = "International Cooperation", "Trans-national Cooperation", "Support Programmes"
COUNTRIES_LABEL = "The main countries targeted by the cluster organisation"
# fmt: off
FIELDS: tuple[FieldSpec, ...] = (
    F("established", GI, "The date when the cluster organisation was established", "general-information", "date", SCHEMA.foundingDate),  # noqa: E501
    F("staff", GI, "Number of staff in the management team of the cluster organisation", "general-information", "count", code="management-team-staff"),  # noqa: E501
    F("networks", GI, "Membership to other networks/partnerships", "general-information", "memberships", ORG.member),  # noqa: E501
    F("team", GI, "Cluster Management Team", "general-information", "posts", ORG.hasPost),
    F("languages", GI, "Languages spoken", "general-information", "languages", SCHEMA.knowsLanguage),  # noqa: E501
    F("sectoral-industries", SF, "Sectoral Industries", "sectoral-focus", "coded", MC.sectoralIndustry, "sectoral-industry"),  # noqa: E501
    F("technology-fields", SF, "Technology fields", "sectoral-focus", "coded", MC.technologyField, "technology-field"),  # noqa: E501
    F("s3-priority-areas", SF, "S3 EU priority areas", "sectoral-focus", "coded", MC.s3PriorityArea, "s3-priority-area"),  # noqa: E501
    F("emerging-industries", SF, "Emerging industries", "sectoral-focus", "coded", MC.emergingIndustry, "emerging-industry"),  # noqa: E501
    F("members", CO, "Total number of members", "composition", "count", code="members"),
    F("sme-members", CO, "Number of SME members", "composition", "count", code="sme-members"),
    F("large-company-members", CO, "Number of larger company members", "composition", "count", code="large-company-members"),  # noqa: E501
    F("research-members", CO, "Number of research organisations/universities/technology centres", "composition", "count", code="research-members"),  # noqa: E501
    F("other-actors", CO, "Number of other ecosystem actors", "composition", "count", code="other-ecosystem-actors"),  # noqa: E501
    F("scale-up-facilities", CO, "Entrepreneurship and scale-up support facilities in the cluster's ecosystem (see \"Organisation type\")", "composition", "count", code="scale-up-support-facilities"),  # noqa: E501
    F("major-players", CO, "Name and link of major players", "composition", "players", MC.majorPlayer),  # noqa: E501
    F("strategy", CS, None, "strategy", "strategy", DCTERMS.description),
    F("formalised-strategy", CS, "Do you have a formalised strategy?", "strategy", "answer"),
    F("internationalisation-strategy", CS, "Do you have a specific strategy focus that addresses internationalisation ?", "strategy", "answer"),  # noqa: E501
    F("services", CS, "Support services provided", "support-services", "coded", MC.providesService, "support-service"),  # noqa: E501
    F("service-details", CS, "Details of support services", "support-services", "service-details", MC.providesService, "support-service"),  # noqa: E501
    F("international-countries", IC, COUNTRIES_LABEL, "international-cooperation", "countries", MC.internationalTargetCountry),  # noqa: E501
    F("international-activities", IC, "Our cluster organisation undertook the following international activities to support our members", "international-cooperation", "coded", MC.internationalActivity, "cooperation-activity"),  # noqa: E501
    F("transnational-countries", TC, COUNTRIES_LABEL, "transnational-cooperation", "countries", MC.transnationalTargetCountry),  # noqa: E501
    F("transnational-activities", TC, "Our cluster organisation undertook the following trans-national activities to support our members", "transnational-cooperation", "coded", MC.transnationalActivity, "cooperation-activity"),  # noqa: E501
    F("collaborating-clusters", TC, "Which clusters do you collaborate with?", "collaborating-clusters", "clusters", MC.declaresCollaborationWith),  # noqa: E501
    F("programmes", SP, "Participation in Funded Support Programmes", "support-programmes", "programmes", MC.participant),  # noqa: E501
    F("success-story", SP, "Success Story / Achievements", "success-story", "story", DCTERMS.description),  # noqa: E501
    F("why-partner", SP, "Why should partners choose you for cooperation?", "why-partner", "reasons", MC.reasonToPartner),  # noqa: E501
)
# fmt: on
FREE_TEXT = {"strategy", "service-details", "programmes", "story", "reasons"}

# How ECCP prints a concept where that differs from the code list's labels.
ECCP_WORDING = {
    ("cooperation-activity", "support to collaborative activities etc"): "collaborative-activities",
    ("organisation-type", "larger company"): "large-company",
    ("organisation-type", "large enterprise"): "large-company",
    ("organisation-type", "university"): "university",
    ("organisation-type", "technology center"): "technology-centre",
    ("organisation-type", "public authority"): "public-authority",
}
QUALIFIERS = (
    (re.compile(r"^(more than|over|above|>)\s*", re.I), "more-than"),
    (re.compile(r"^(at least|min\.?|minimum)\s*", re.I), "at-least"),
    (re.compile(r"^(about|around|approx(imately|\.)?|ca\.?|circa|~)\s*", re.I), "approximately"),
    (re.compile(r"^(less than|under|below|<)\s*", re.I), "less-than"),
    (re.compile(r"^(up to|max\.?|maximum)\s*", re.I), "up-to"),
    (re.compile(r"^(almost|nearly)\s*", re.I), "almost"),
)
EVENT_TYPES = ("matchmaking", "brokerage", "fair", "conference", "meeting")
MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        "January February March April May June July August September October November "
        "December".split(),
        1,
    )
}
TABLE_HEADER = key("European ProgrammesProject NameName & Description (Regional/National)")


# --- logical lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # as printed (entities decoded); "" for a paragraph break
    href: str | None = None


@dataclass
class Page:
    """A profile's logical lines and what its page says about itself (HTML only)."""

    path: Path
    lines: list[Line]
    title: str | None = None
    url: str | None = None
    faults: list[Fault] = field(default_factory=list)


def read_text(path: Path) -> Page:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Page(path, [], faults=[Fault(path, line, f"not UTF-8 text ({exc.reason})")])
    lines = [
        Line(n, html_unescape(raw.rstrip("\r\n"))) for n, raw in enumerate(text.split("\n"), 1)
    ]
    return Page(path, lines)


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


class _PageParser(HTMLParser):
    """The saved HTML page as logical lines: block headings (h2/h3), field labels
    (class field-label), values (each field-item, paragraph or list item), links kept."""

    BLOCKS = {"p", "li", "div", "h1", "h2", "h3", "h4", "br", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.start = 1
        self.href: str | None = None
        self.title: str | None = None
        self.url: str | None = None
        self.in_h1 = False
        self.in_li = False
        self.skip = 0
        self.stack: list[str] = []

    def flush(self) -> None:
        text = "".join(self.buffer).strip()
        if text and not self.skip:
            self.lines.append(Line(self.start, text, self.href))
        self.buffer = []
        self.href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "head", "nav", "footer"):
            self.skip += 1
        if tag == "link" and (attrs.get("rel") or "") == "canonical":
            self.url = attrs.get("href")
        if tag in self.BLOCKS:
            self.flush()
            self.start = self.getpos()[0]
        if tag == "p" and self.lines and self.lines[-1].text:
            self.lines.append(Line(self.getpos()[0], ""))
        if tag == "li" and not self.skip:
            self.buffer.append("• ")
        if tag == "h1":
            self.in_h1 = True
        if tag == "a" and attrs.get("href", "").startswith(("http://", "https://")):
            self.href = attrs["href"]
        if tag not in ("br", "img", "link", "meta", "input", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "nav", "footer"):
            self.skip = max(0, self.skip - 1)
        if tag == "h1":
            self.title = "".join(self.buffer).strip() or self.title
            self.buffer = []
            self.in_h1 = False
            return
        if tag in self.BLOCKS:
            self.flush()
        if tag == "p":
            self.lines.append(Line(self.getpos()[0], ""))
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.skip and not self.in_h1:
            return
        if not self.buffer:
            self.start = self.getpos()[0]
        self.buffer.append(data.replace("\n", " "))


def read_html(path: Path) -> Page:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Page(path, [], faults=[Fault(path, line, f"not UTF-8 text ({exc.reason})")])
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    parser.flush()
    page = Page(path, parser.lines, title=parser.title, url=parser.url)
    if "</html>" not in text.lower():
        last = len(text.splitlines()) or 1
        page.faults.append(Fault(path, last, "the HTML page ends without </html>: truncated?"))
    return page


def read_page(path: Path) -> Page:
    if path.suffix.lower() in (".html", ".htm"):
        return read_html(path)
    return read_text(path)


# --- fields -------------------------------------------------------------------------------------


@dataclass
class FieldRead:
    spec: FieldSpec
    line: int
    values: list[Line] = field(default_factory=list)

    def items(self) -> list[Line]:
        """The non-empty value lines, cleaned."""
        return [Line(v.number, clean(v.text), v.href) for v in self.values if clean(v.text)]

    def paragraphs(self) -> list[list[Line]]:
        """Value lines grouped by blank lines (text kept as printed, ends trimmed)."""
        out: list[list[Line]] = [[]]
        for v in self.values:
            text = v.text.strip().replace("\u00a0", " ")
            if text:
                out[-1].append(Line(v.number, text, v.href))
            elif out[-1]:
                out.append([])
        return [p for p in out if p]


@dataclass
class Reading:
    """The fields read from one profile, and the faults and notes found on the way."""

    page: Page
    fields: dict[str, FieldRead] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_HEADINGS = {key(h): h for h, _ in HEADINGS}
_BY_LABEL: dict[str, list[FieldSpec]] = {}
for _spec in FIELDS:
    if _spec.label is not None:
        _BY_LABEL.setdefault(key(_spec.label), []).append(_spec)
_HEADING_FIELD = {s.heading: s for s in FIELDS if s.label is None}


def _field_start(text: str) -> tuple[list[FieldSpec], str] | None:
    """The field specs whose label starts `text` (label, then ':'), and the rest of the line."""
    for i, ch in enumerate(text):
        if ch == ":":
            specs = _BY_LABEL.get(key(text[:i]))
            if specs:
                return specs, text[i + 1 :]
    return None


def _looks_like_label(text: str) -> bool:
    return text.endswith(":") and len(text) < 160 and not BULLET.match(text)


def read_fields(page: Page) -> Reading:
    r = Reading(page, faults=list(page.faults))
    path = page.path
    heading: str | None = None
    current: FieldRead | None = None
    seen_headings: dict[str, int] = {}
    last_line = 0
    skipping = False  # the values of a field reported as a fault are not reported again
    repeated: str | None = None  # a block printed twice: its second copy is skipped whole
    for line in page.lines:
        text = clean(line.text)
        if text:
            last_line = line.number
        if not text:
            if current is not None:
                current.values.append(Line(line.number, ""))
            continue
        if key(text) in (key("Printer-friendly version"), key("Printer-friendly version" * 2)):
            continue
        if key(text) in _HEADINGS:
            heading = _HEADINGS[key(text)]
            repeated = None
            if heading in seen_headings:
                r.faults.append(
                    Fault(
                        path,
                        line.number,
                        f"block {heading!r} a second time (first at line {seen_headings[heading]})",
                    )
                )
                current, skipping, repeated = None, True, heading
                continue
            seen_headings[heading] = line.number
            skipping = False
            spec = _HEADING_FIELD.get(heading)
            current = FieldRead(spec, line.number) if spec else None
            if spec:
                r.fields[spec.name] = current
            continue
        if repeated is not None:
            continue
        start = _field_start(text)
        if start is not None:
            specs, rest = start
            spec = next((s for s in specs if s.heading == heading), None)
            if spec is None:
                where = " or ".join(repr(s.heading) for s in specs)
                found = f"under {heading!r}" if heading else "before any block heading"
                r.faults.append(
                    Fault(path, line.number, f"field {text!r} belongs to block {where}, {found}")
                )
                current, skipping = None, True
                continue
            if spec.name in r.fields:
                first = r.fields[spec.name].line
                r.faults.append(
                    Fault(path, line.number, f"field {spec.label!r} again (first at line {first})")
                )
                current, skipping = None, True
                continue
            skipping = False
            current = FieldRead(spec, line.number)
            r.fields[spec.name] = current
            if rest.strip():
                current.values.append(Line(line.number, rest, line.href))
            continue
        free = current is not None and current.spec.kind in FREE_TEXT
        if _looks_like_label(text) and not free:
            r.faults.append(
                Fault(
                    path,
                    line.number,
                    f"unknown field {text!r}"
                    + (f" in block {heading!r}" if heading else "")
                    + ": not a field of the ECCP profile form",
                )
            )
            current, skipping = None, True
            continue
        if current is None and skipping:
            continue
        if current is None:
            if heading is None:
                if page.title is None and not seen_headings and not r.fields:
                    continue  # text above the profile (a page title, a menu)
                where = "before any block heading"
            else:
                where = f"in block {heading!r} outside any field"
            r.faults.append(Fault(path, line.number, f"text {text[:60]!r} {where}"))
            continue
        current.values.append(line)
    if page.lines or not page.faults:
        _check_complete(r, seen_headings, last_line)
    return r


def _check_complete(r: Reading, seen: dict[str, int], last_line: int) -> None:
    path = r.page.path
    if not seen and not r.fields:
        r.faults.append(
            Fault(path, max(last_line, 1), "not an ECCP profile: none of its block headings found")
        )
        return
    order = [h for h, _ in HEADINGS]
    found = sorted(seen, key=lambda h: seen[h])
    ranks = [order.index(h) for h in found]
    if ranks != sorted(ranks):
        r.notes.append(
            f"{path}: blocks are not in the ECCP order ({', '.join(found)}); each is read by "
            "its heading"
        )
    # The page in ECCP order: each block heading, then its fields.
    items: list[tuple[str, str | None]] = []
    for h in order:
        items.append((h, None))
        items += [(h, s.name) for s in FIELDS if s.heading == h and s.label is not None]

    def present(item):
        h, name = item
        return h in seen and (name is None or name in r.fields)

    missing = [it for it in items if not present(it)]
    last_present = max((i for i, it in enumerate(items) if present(it)), default=-1)
    if missing and ranks == sorted(ranks) and all(items.index(m) > last_present for m in missing):
        h, name = items[last_present]
        where = f"field {r.fields[name].spec.label!r}" if name else f"block {h!r}"
        names = [f"{m[0]!r}" if m[1] is None else f"{_label(m[1])!r}" for m in missing]
        r.faults.append(
            Fault(
                path,
                last_line,
                f"the profile ends in {where}; missing after it: {', '.join(names)} "
                "(truncated file?)",
            )
        )
        return
    for h, name in missing:
        if name is None:
            nxt = [seen[o] for o in order[order.index(h) + 1 :] if o in seen]
            line = min(nxt) if nxt else last_line
            r.faults.append(Fault(path, line, f"block {h!r} missing (expected before this line)"))
        elif h in seen:
            r.faults.append(
                Fault(path, seen[h], f"field {_label(name)!r} missing from block {h!r}")
            )


def _label(name: str) -> str:
    return next(s.label or s.heading for s in FIELDS if s.name == name)


# --- values -------------------------------------------------------------------------------------


def parse_date(text: str) -> dt.date:
    """'Wednesday, 13 March, 2013', '13 March 2013', '2013-03-13' or '13/03/2013'."""
    t = clean(text)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", t)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    words = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", t.replace(",", " ")).split()
    words = [w for w in words if w.lower() not in {d.lower() for d in _WEEKDAYS}]
    if len(words) == 3:
        day, month, year = words
        if day.lower() in MONTHS:  # March 13 2013
            day, month = month, day
        if month.lower() in MONTHS and day.isdigit() and year.isdigit():
            try:
                return dt.date(int(year), MONTHS[month.lower()], int(day))
            except ValueError as exc:
                raise ValueError(f"not a date: {text.strip()!r} ({exc})") from None
    raise ValueError(f"not a date: {text.strip()!r}")


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_count(text: str) -> tuple[int, str]:
    """A whole number with its qualifier: '120', 'more than 120', 'about 1,200', '120+'."""
    t = clean(text)
    qualifier = "exact"
    for pattern, name in QUALIFIERS:
        if pattern.match(t):
            t, qualifier = pattern.sub("", t, count=1), name
            break
    if t.endswith("+"):
        t, qualifier = t[:-1].strip(), "more-than"
    digits = t.replace(",", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
        digits = digits.replace(".", "")
    if not digits.isdigit():
        raise ValueError(f"not a whole number: {text.strip()!r}")
    return int(digits), qualifier


# --- identity of the profile --------------------------------------------------------------------


@dataclass
class Subject:
    """Who the profile is about, as the caller or the page says."""

    name: str
    acronym: str | None = None
    page: str | None = None
    country: str | None = None  # ISO alpha-2
    region: str | None = None  # NUTS code


def subject_from(page: Page, name: str | None, acronym: str | None, url: str | None) -> Subject:
    title = clean(page.title) if page.title else None
    acr = acronym
    if title and not name:
        m = re.fullmatch(r"(.+?)\s*\(([^()\s]+)\)", title)
        if m:
            name, acr = m[1], acr or m[2]
        else:
            name = title
    return Subject(name or acr or "", acr, url or page.url)


_SUBJECT = re.compile(
    r"\b([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)\s+(?:aims|is|has|was|promotes|represents)\b"
)


def guess_acronym(reading: Reading) -> str | None:
    """The profile's own acronym as its texts use it ('AFIL aims to ...', 'AFIL is ...'):
    the printer-friendly text does not print the name."""
    counts: dict[str, int] = {}
    for name in ("strategy", "success-story", "why-partner"):
        fr = reading.fields.get(name)
        for line in fr.values if fr else []:
            for m in _SUBJECT.finditer(line.text):
                counts[m[1]] = counts.get(m[1], 0) + 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else None


# --- the mapping --------------------------------------------------------------------------------


@dataclass
class Profile:
    """A profile read and mapped: its graphs per section, and what the import reports."""

    path: Path
    subject: Subject
    slug: str
    sections: SectionGraphs
    faults: list[Fault]
    notes: list[str]
    kept_as_text: list[str]
    entities: list[Entity]


class Mapper:
    """Turns the fields read from one profile into graphs per section (FIELDS says how)."""

    def __init__(
        self,
        reading: Reading,
        subject: Subject,
        codes: CodeLists,
        known: Known,
        resolve,
    ):
        self.r = reading
        self.path = reading.page.path
        self.s = subject
        self.codes = codes
        self.known = known
        self.resolve = resolve  # Entity -> URIRef (identity decision)
        self.kept_as_text: list[str] = []
        self.faults: list[Fault] = list(reading.faults)
        self.notes: list[str] = list(reading.notes)
        self.entities: list[Entity] = []
        ns = {
            "mc": MC,
            "org": ORG,
            "skos": SKOS,
            "dct": DCTERMS,
            "prov": PROV,
            "foaf": FOAF,
            "schema": SCHEMA,
            "eurio": EURIO,
            "rdfs": RDFS,
            "xsd": XSD,
        }
        self.out = SectionGraphs(known, ns)
        org = Entity(
            "organisation",
            subject.name,
            [n for n in (subject.name, subject.acronym) if n],
            1,
            [subject.page] if subject.page else [],
        )
        base = subject.acronym or subject.name
        org_slug = slug(without_legal_form(base))
        org.name = base
        self.org = self.entity(org, "general-information")
        self.slug = str(self.org).rsplit("/", 1)[-1] or org_slug
        self.doc = ID[f"source/eccp-{self.slug}-profile"]
        self.cluster = ID[f"cluster/{self.slug}"]

    # helpers
    def entity(self, e: Entity, section: str) -> URIRef:
        e.section = section
        e.iri = self.resolve(e)
        self.entities.append(e)
        return e.iri

    def section(self, name: str) -> URIRef:
        return URIRef(f"{self.doc}/{name}")

    def add(self, section: str, s, p, o) -> None:
        self.out.add(section, s, p, o)

    def keep_text(self, spec: FieldSpec, line: Line, why: str) -> None:
        label = spec.label or spec.heading
        self.add(spec.section, self.org, SKOS.note, literal_en(f"{label}: {line.text}"))
        self.kept_as_text.append(f"{self.path}:{line.number}: {line.text!r} {why}; kept as text")

    def fault(self, line: int, message: str) -> None:
        self.faults.append(Fault(self.path, line, message))

    def coded(self, scheme: str, text: str) -> URIRef | None:
        concept = self.codes.find(scheme, text)
        if concept is None and (scheme, key(text)) in ECCP_WORDING:
            concept = CODE[f"{scheme}/{ECCP_WORDING[(scheme, key(text))]}"]
        return concept

    def figure(self, spec: FieldSpec, subject: URIRef, subject_slug: str, line: Line) -> None:
        try:
            value, qualifier = parse_count(line.text)
        except ValueError as exc:
            self.fault(line.number, f"{spec.label}: {exc}")
            return
        node = ID[f"figure/{subject_slug}/{spec.code}/eccp-{spec.section}"]
        sec = spec.section
        self.add(sec, node, RDF.type, MC.Figure)
        self.add(sec, node, MC.figureOf, subject)
        self.add(sec, node, MC.measure, CODE[f"measure/{spec.code}"])
        self.add(sec, node, MC.value, Literal(value))
        self.add(sec, node, MC.unit, CODE["unit/count"])
        self.add(sec, node, MC.qualifier, CODE[f"qualifier/{qualifier}"])
        self.add(sec, node, MC.statedAs, Literal(line.text))
        self.add(sec, node, MC.scopeNote, literal_en(f"ECCP profile field '{spec.label}'."))
        self.add(sec, node, MC.section, self.section(sec))

    # the whole profile
    def run(self) -> Profile:
        self.header()
        for spec in FIELDS:
            fr = self.r.fields.get(spec.name)
            if fr is None:
                continue
            handler = getattr(self, "map_" + spec.kind.replace("-", "_"))
            handler(spec, fr)
        return Profile(
            self.path,
            self.s,
            self.slug,
            self.out,
            self.faults,
            self.notes,
            self.kept_as_text,
            self.entities,
        )

    def header(self) -> None:
        sec = "general-information"
        org, cluster = self.org, self.cluster
        self.add(sec, org, RDF.type, MC.ClusterOrganisation)
        self.add(sec, org, SKOS.prefLabel, literal_en(self.s.name))
        if self.s.acronym:
            self.add(sec, org, MC.acronym, Literal(self.s.acronym))
        if self.s.page:
            self.add(sec, org, FOAF.page, URIRef(self.s.page))
        self.add(sec, org, MC.animates, cluster)
        self.add(sec, cluster, RDF.type, MC.Cluster)
        name = self.s.acronym or self.s.name
        self.add(sec, cluster, SKOS.prefLabel, literal_en(f"{name} cluster"))
        self.add(sec, cluster, MC.animatedBy, org)
        for node in (org, cluster):
            if self.s.country:
                self.add(sec, node, MC.country, ID[f"country/{self.s.country}"])
            if self.s.region:
                self.add(sec, node, MC.locatedIn, ID[f"region/{self.s.region}"])

    def map_date(self, spec: FieldSpec, fr: FieldRead) -> None:
        items = fr.items()
        if not items:
            return
        try:
            day = parse_date(" ".join(i.text for i in items))
        except ValueError as exc:
            self.fault(items[0].number, f"{spec.label}: {exc}")
            return
        self.add(spec.section, self.org, spec.prop, Literal(day.isoformat(), datatype=XSD.date))

    def map_count(self, spec: FieldSpec, fr: FieldRead) -> None:
        items = fr.items()
        if len(items) > 1:
            self.fault(items[1].number, f"{spec.label}: one number expected, found {len(items)}")
            return
        if items:
            self.figure(spec, self.org, self.slug, items[0])

    def map_coded(self, spec: FieldSpec, fr: FieldRead) -> None:
        for item in fr.items():
            concept = self.coded(spec.code, item.text)
            if concept is None:
                near = self.codes.closest(spec.code, item.text)
                hint = f" (closest: {near!r})" if near else ""
                self.keep_text(spec, item, f"is not in the code list {spec.code}{hint}")
                continue
            self.add(spec.section, self.org, spec.prop, concept)

    def map_countries(self, spec: FieldSpec, fr: FieldRead) -> None:
        for item in fr.items():
            country = self.known.country(item.text)
            if country is None:
                self.keep_text(spec, item, "is not a country the knowledge base describes")
                continue
            self.add(spec.section, self.org, spec.prop, URIRef(country))

    def map_languages(self, spec: FieldSpec, fr: FieldRead) -> None:
        for item in fr.items():
            code = EU_LANGUAGES.get(key(item.text))
            if code is None:
                self.keep_text(spec, item, "is not an EU official language")
                continue
            self.add(spec.section, self.org, spec.prop, EU_LANGUAGE[code])

    def map_posts(self, spec: FieldSpec, fr: FieldRead) -> None:
        items = fr.items()
        counts: dict[str, int] = {}
        for item in items:
            counts[slug(item.text)] = counts.get(slug(item.text), 0) + 1
        seen: dict[str, int] = {}
        sec = spec.section
        for item in items:
            role = slug(item.text)
            seen[role] = seen.get(role, 0) + 1
            suffix = f"-{seen[role]}" if counts[role] > 1 else ""
            post = ID[f"post/{self.slug}/{role}{suffix}"]
            self.add(sec, post, RDF.type, ORG.Post)
            self.add(sec, post, RDFS.label, literal_en(item.text))
            self.add(sec, post, ORG.postIn, self.org)
            self.add(sec, post, MC.section, self.section(sec))
            self.add(sec, self.org, spec.prop, post)
            if counts[role] > 1:
                self.add(
                    sec,
                    post,
                    RDFS.comment,
                    literal_en(
                        f"{_ordinal(seen[role])} of the {_number(counts[role])} "
                        f"'{item.text}' lines of the Cluster Management Team."
                    ),
                )

    def map_memberships(self, spec: FieldSpec, fr: FieldRead) -> None:
        sec = spec.section
        for item in fr.items():
            net = self.entity(Entity("partnership", item.text, [item.text], item.number), sec)
            self.add(sec, net, RDF.type, MC.Partnership)
            self.add(sec, net, SKOS.prefLabel, literal_en(item.text))
            # one membership node per source claim, as the seeds write them
            node = ID[f"membership/{str(net).rsplit('/', 1)[-1]}/{self.slug}/eccp-{sec}"]
            self.add(sec, node, RDF.type, ORG.Membership)
            self.add(sec, node, ORG.member, self.org)
            self.add(sec, node, ORG.organization, net)
            self.add(sec, node, ORG.role, CODE["membership-role/member"])
            self.add(sec, node, MC.statedAs, Literal(item.text))
            self.add(sec, node, MC.section, self.section(sec))

    def organisation(self, sec: str, item: Line, cls: URIRef) -> URIRef:
        names = [item.text, without_legal_form(item.text)]
        org = self.entity(
            Entity("organisation", item.text, names, item.number, [item.href] if item.href else []),
            sec,
        )
        self.add(sec, org, RDF.type, cls)
        self.add(sec, org, SKOS.prefLabel, literal_en(item.text))
        bare = without_legal_form(item.text)
        if bare != item.text:
            self.add(sec, org, SKOS.altLabel, Literal(bare))
        if item.href:
            self.add(sec, org, FOAF.homepage, URIRef(item.href))
        return org

    def organisation_type(self, text: str) -> URIRef | None:
        concept = self.coded("organisation-type", text)
        return self.codes.matches.get(concept) if concept is not None else None

    def map_players(self, spec: FieldSpec, fr: FieldRead) -> None:
        sec = spec.section
        items = fr.items()
        orphans: list[Line] = []
        i = 0
        while i < len(items):
            item = items[i]
            if self.organisation_type(item.text) is not None:
                orphans.append(item)
                i += 1
                continue
            cls = ORG.Organization
            if i + 1 < len(items) and self.organisation_type(items[i + 1].text) is not None:
                cls = self.organisation_type(items[i + 1].text)
                i += 1
            player = self.organisation(sec, item, cls)
            self.add(sec, self.cluster, spec.prop, player)
            i += 1
        if orphans:
            lines = ", ".join(f"'{o.text}' (line {o.number})" for o in orphans)
            self.add(
                sec,
                SELF,
                RDFS.comment,
                literal_en(
                    f"The major-players list prints organisation types with no name before "
                    f"them: {lines}. They are not modelled as resources."
                ),
            )
            self.notes.append(f"{self.path}: major players: type line(s) without a name: {lines}")

    def map_clusters(self, spec: FieldSpec, fr: FieldRead) -> None:
        for item in fr.items():
            other = self.organisation(spec.section, item, MC.ClusterOrganisation)
            self.add(spec.section, self.org, spec.prop, other)

    def map_strategy(self, spec: FieldSpec, fr: FieldRead) -> None:
        sec = spec.section
        texts, objectives = [], []
        for para in fr.paragraphs():
            for line in para:
                if BULLET.match(line.text):
                    objectives.append(BULLET.sub("", line.text).strip())
                else:
                    texts.append(line.text)
        if texts:
            self.add(sec, self.org, spec.prop, literal_en("\n\n".join(texts)))
        for o in objectives:
            self.add(sec, self.org, MC.objective, literal_en(o))

    def map_answer(self, spec: FieldSpec, fr: FieldRead) -> None:
        items = fr.items()
        if items:
            answer = " ".join(i.text for i in items)
            self.add(spec.section, self.org, SKOS.note, literal_en(f"{spec.label}: {answer}"))

    def map_service_details(self, spec: FieldSpec, fr: FieldRead) -> None:
        for item in fr.items():
            m = re.match(r"^other\s*:\s*(.+)$", item.text, re.I)
            if m:
                concept = self.coded(spec.code, m[1])
                if concept is not None:
                    self.add(spec.section, self.org, spec.prop, concept)
                    continue
                near = self.codes.closest(spec.code, m[1])
                hint = f" (closest: {near!r})" if near else ""
                self.keep_text(spec, item, f"names a service not in the code list{hint}")
                continue
            self.add(spec.section, self.org, SKOS.note, literal_en(f"{spec.label}: {item.text}"))

    def map_reasons(self, spec: FieldSpec, fr: FieldRead) -> None:
        intro = []
        for para in fr.paragraphs():
            for line in para:
                text = BULLET.sub("", line.text).strip()
                if not BULLET.match(line.text) and text.endswith(":"):
                    intro.append(text)
                    continue
                self.add(spec.section, self.org, spec.prop, literal_en(text))
        if intro:
            quoted = "', '".join(intro)
            self.add(
                spec.section,
                SELF,
                RDFS.comment,
                literal_en(f"The reasons are introduced by the lines '{quoted}'."),
            )

    def map_story(self, spec: FieldSpec, fr: FieldRead) -> None:
        sec = spec.section
        paras = fr.paragraphs()
        if not paras:
            return
        first = " ".join(line.text for line in paras[0])
        m = re.fullmatch(r"(.+?)\s*\(([^(),]+),\s*([^()]+)\)", first)
        if m:
            try:
                day = parse_date(m[3])
            except ValueError:
                day = None
            if day is not None:
                name = m[1].strip()
                base = re.sub(r"\s+event$", "", name, flags=re.I)
                event = self.entity(
                    Entity("event", f"{base} {day.year}", [name], paras[0][0].number), sec
                )
                self.add(sec, event, RDF.type, MC.Event)
                self.add(sec, event, SKOS.prefLabel, literal_en(name))
                kind = next((t for t in EVENT_TYPES if t in name.lower()), None)
                if kind:
                    self.add(sec, event, MC.eventType, CODE[f"event-type/{kind}"])
                self.add(sec, event, SCHEMA.startDate, Literal(day.isoformat(), datatype=XSD.date))
                self.add(sec, event, MC.statedAs, Literal(first))
                self.add(sec, event, MC.section, self.section(sec))
        # bullets written one way whatever the page's spacing ("•  x" in the text, <li> in HTML)
        text = "\n\n".join(
            "\n".join(BULLET.sub("• ", x.text) if BULLET.match(x.text) else x.text for x in p)
            for p in paras
        )
        self.add(sec, self.org, spec.prop, literal_en(text))

    # support programmes
    def map_programmes(self, spec: FieldSpec, fr: FieldRead) -> None:
        paras = [p for p in fr.paragraphs() if key(" ".join(x.text for x in p)) != TABLE_HEADER]
        i = 0
        while i < len(paras):
            text = " ".join(x.text for x in paras[i])
            line = paras[i][0].number
            entry = _programme_entry(text)
            if entry is None and _is_heading(text) and i + 1 < len(paras):
                summary = " ".join(x.text for x in paras[i + 1])
                name, _, title = text.partition(" - ")
                entry = (name.strip(), title.strip() or None, None, summary)
                i += 1
            i += 1
            if entry is None:
                self.keep_text(spec, Line(line, text), "is not read as a project")
                continue
            self.programme(spec, line, *entry)

    def programme(self, spec, line, name, title, stated, summary) -> None:
        sec = spec.section
        if title is None and re.search(r"\binitiatives?$", name, re.I):
            initiative = self.entity(Entity("partnership", name, [name], line), sec)
            self.add(sec, initiative, RDF.type, MC.Initiative)
            self.add(sec, initiative, SKOS.prefLabel, literal_en(name))
            self.add(sec, initiative, DCTERMS.description, literal_en(summary))
            return
        project = self.entity(Entity("project", name, [name], line), sec)
        self.add(sec, project, RDF.type, MC.Project)
        self.add(sec, project, SKOS.prefLabel, literal_en(name))
        if title:
            self.add(sec, project, MC.acronym, Literal(name))
            self.add(sec, project, DCTERMS.title, literal_en(title))
        if stated:
            programme = self.coded("funding-programme", stated)
            if programme is None:
                first = re.split(r"[-\s]", stated, maxsplit=1)[0]
                programme = self.coded("funding-programme", first)
            if programme is not None:
                self.add(sec, project, MC.fundingProgramme, programme)
            else:
                self.kept_as_text.append(
                    f"{self.path}:{line}: programme {stated!r} of {name} is not in the code "
                    "list funding-programme; kept as stated (mc:statedAs)"
                )
            self.add(sec, project, MC.statedAs, Literal(f"({stated})"))
        if summary:
            self.add(sec, project, MC.summary, literal_en(summary))
        node = participation_iri(project, self.org, f"eccp-{sec}")
        self.add(sec, node, RDF.type, MC.Participation)
        self.add(sec, node, MC.participationRole, CODE["participation-role/participant"])
        self.add(sec, node, MC.inProject, project)
        self.add(sec, node, MC.participant, self.org)
        self.add(sec, node, MC.section, self.section(sec))


def participation_iri(project: URIRef, organisation: URIRef, claim: str) -> URIRef:
    """One participation node per source claim: project, organisation, the claim's section
    (`eccp-support-programmes`), as the seeds write them."""
    p, o = str(project).rsplit("/", 1)[-1], str(organisation).rsplit("/", 1)[-1]
    return ID[f"participation/{p}/{o}/{claim}"]


_ACRONYM = r"[A-Za-z0-9][A-Za-z0-9&.+\-]*"
_ENTRY = re.compile(
    rf"^(?P<acr>{_ACRONYM}):?\s+(?P<title>[^()]{{3,250}}?)\s*\((?P<prog>[^()]+)\)\s*(?P<rest>.*)$",
    re.S,
)


def _programme_entry(text: str) -> tuple[str, str, str, str] | None:
    """'ACRONYM[:] Title (Programme) summary' -> its parts; None for anything else."""
    m = _ENTRY.match(text)
    if not m:
        return None
    acr = m["acr"]
    if not (sum(c.isupper() for c in acr) >= 2 or any(c.isdigit() for c in acr)):
        return None
    return acr, m["title"].strip(), clean(m["prog"]), m["rest"].strip()


def _is_heading(text: str) -> bool:
    return len(text) <= 120 and not text.rstrip().endswith((".", ":", ";"))


def _ordinal(n: int) -> str:
    return {1: "First", 2: "Second", 3: "Third", 4: "Fourth"}.get(n, f"Number {n}")


def _number(n: int) -> str:
    return {2: "two", 3: "three", 4: "four"}.get(n, str(n))


def source_graph(profile: Profile, seed_file: str | None = None):
    """The profile document and its sections (the seed's sources.ttl, for one profile)."""
    from rdflib import Graph

    g = Graph()
    for prefix, ns in (("mc", MC), ("dct", DCTERMS), ("prov", PROV), ("skos", SKOS)):
        g.bind(prefix, ns)
    doc = ID[f"source/eccp-{profile.slug}-profile"]
    out = profile.sections
    known = out.known

    def add(s, p, o):
        if not known.has(s, p, o):
            g.add((s, p, o))

    g.add((SELF, RDF.type, MC.SourceGraph))
    g.add((SELF, PROV.wasDerivedFrom, doc))
    add(doc, RDF.type, MC.SourceDocument)
    name = profile.subject.acronym or profile.subject.name
    add(doc, DCTERMS.title, literal_en(f"ECCP profile of {name}"))
    add(doc, SKOS.prefLabel, literal_en(f"ECCP profile of {name}"))
    add(doc, DCTERMS.publisher, Literal(PUBLISHER))
    if profile.subject.page:
        add(doc, RDFS.seeAlso, URIRef(profile.subject.page))
    if seed_file:
        add(doc, MC.seedFile, Literal(seed_file))
    for section, label in SECTIONS.items():
        sec = URIRef(f"{doc}/{section}")
        add(sec, RDF.type, MC.DocumentSection)
        add(sec, DCTERMS.isPartOf, doc)
        add(sec, MC.sectionLabel, Literal(label))
        add(sec, SKOS.prefLabel, literal_en(label))
    return g


def section_files(profile: Profile) -> Iterator[tuple[str, object]]:
    """(section, graph) for each section that states something, each derived from its
    section; sections the profile leaves empty get a graph saying so."""
    from rdflib import Literal as L

    doc = ID[f"source/eccp-{profile.slug}-profile"]
    for section in SECTIONS:
        g = profile.sections.graph(section)
        g.add((SELF, RDF.type, MC.SourceGraph))
        g.add((SELF, PROV.wasDerivedFrom, URIRef(f"{doc}/{section}")))
        if len(g) == 2:
            g.add((SELF, RDFS.comment, L("The profile leaves this section empty.", lang="en")))
        yield section, g


def fields_read(reading: Reading) -> Iterable[str]:
    return [name for name in reading.fields]


# --- the import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did and found, for the command to print."""

    written: list[tuple[Path, int, int]] = field(default_factory=list)  # folder, files, triples
    faults: list[Fault] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_as_text: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    kept_from_kb: int = 0
    profiles: list[Profile] = field(default_factory=list)


def folder_name(subject: Subject) -> str:
    return slug(without_legal_form(subject.acronym or subject.name))


def map_profiles(
    paths: Iterable[Path],
    out_dir: Path,
    *,
    data_dirs: Iterable[Path],
    ontology_dirs: Iterable[Path],
    shapes_dir: Path,
    subject: Subject | None = None,
    link: bool | None = None,
) -> tuple[ImportReport, dict[Path, dict[str, str]]]:
    """Read and map ECCP profiles; return the report and, per output folder, its files."""
    report = ImportReport()
    readings = []
    for path in paths:
        page = read_page(path)
        reading = read_fields(page)
        given = subject or Subject("")
        who = subject_from(page, given.name or None, given.acronym, given.page)
        who.country, who.region = given.country, given.region
        if not who.name:
            acronym = guess_acronym(reading)
            if acronym:
                who.name = who.acronym = acronym
                report.notes.append(
                    f"{path}: the text prints no name; read {acronym!r} from the texts (the "
                    f"subject of '{acronym} aims/is ...'): give --name and --acronym to set them"
                )
        if not who.name:
            reading.faults.insert(
                0,
                Fault(
                    path,
                    1,
                    "no cluster name: the printer-friendly text does not print it; give "
                    "--name (and --acronym), or import the saved HTML page",
                ),
            )
        readings.append((reading, who))
    targets = [out_dir / folder_name(who) for _, who in readings if who.name]
    known = Known.read(data_dirs, skip=targets, shapes_dir=shapes_dir)
    codes = CodeLists.read(ontology_dirs)
    linker = IdentityLinker(known, link)
    mapped = []
    for reading, who in readings:
        if not who.name:
            report.faults += reading.faults
            continue
        if who.country and who.country.lower() not in known.countries:
            message = f"--country {who.country}: no such country in the KB"
            reading.faults.append(Fault(reading.page.path, 1, message))
            who.country = None
        if who.region and who.region not in known.regions:
            message = f"--region {who.region}: no such NUTS region in the KB"
            reading.faults.append(Fault(reading.page.path, 1, message))
            who.region = None
        profile = Mapper(reading, who, codes, known, linker).run()
        report.faults += profile.faults
        report.notes += profile.notes
        report.kept_as_text += profile.kept_as_text
        report.profiles.append(profile)
        mapped.append(profile)
    report.proposals = linker.report()
    outputs: dict[Path, dict[str, str]] = {}
    if link is None and linker.proposals:
        return report, outputs
    for profile in mapped:
        ours = [e for e in profile.entities]
        linker.record(profile.sections, ours)
        files = {}
        source = profile.path.name
        for section, g in section_files(profile):
            label = SECTIONS[section]
            header = (
                f"ECCP profile of {profile.subject.acronym or profile.subject.name}, section "
                f"'{label}'.\nImported by `kb import eccp-profile` from {source}; re-run the "
                "import to refresh it (edits by hand are lost)."
            )
            files[f"{section}.ttl"] = turtle_text(g, header)
        header = (
            f"The ECCP profile of {profile.subject.acronym or profile.subject.name} and its "
            f"sections.\nImported by `kb import eccp-profile` from {source}."
        )
        files["source.ttl"] = turtle_text(source_graph(profile), header)
        report.kept_from_kb += len(profile.sections.kept)
        outputs[out_dir / folder_name(profile.subject)] = files
    return report, outputs
