"""ECCP cluster profiles (European Cluster Collaboration Platform) as Turtle.

A profile is read from its printer-friendly text (as seed 000 shows it) or from the saved HTML
of the same page. Both are first turned into the same logical lines (block headings, field
labels ending in ':', values), so one reader and one mapping serve both. FIELDS is the one table
from a field of the page to what it becomes in the knowledge base: a change of the model (a
property renamed, a measure added) is an edit of one row there. This module reads; the
mapping of each kind of field is in kb/importers/eccp_blocks.py.

The output follows data/ttl/seed-000/: one file per block (section), each graph derived from its
section of the profile document, figures and statement nodes citing their section.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from rdflib import URIRef

from kb.importers.common import ID, MC
from kb.importers.profiles import (
    BULLET,
    DCTERMS,
    ORG,
    SCHEMA,
    Entity,
    Fault,
    SectionGraphs,
    clean,
    key,
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
    """The fields of a profile's logical lines, by block heading and field label; what does
    not fit the ECCP form (a field in the wrong block, twice, unknown; a block twice or
    missing; text outside any field) is a fault with its line."""
    return _FieldReader(page).read()


class _FieldReader:
    """Reads a page's lines in order, keeping the block and the field they are in."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.path = page.path
        self.r = Reading(page, faults=list(page.faults))
        self.heading: str | None = None
        self.current: FieldRead | None = None
        self.seen_headings: dict[str, int] = {}
        self.last_line = 0
        self.skipping = False  # the values of a field reported as a fault are not reported again
        self.repeated: str | None = None  # a block printed twice: its second copy is skipped whole

    def read(self) -> Reading:
        for line in self.page.lines:
            text = clean(line.text)
            if text:
                self.last_line = line.number
            if not text:
                if self.current is not None:
                    self.current.values.append(Line(line.number, ""))
                continue
            if key(text) in (key("Printer-friendly version"), key("Printer-friendly version" * 2)):
                continue
            if key(text) in _HEADINGS:
                self._block_heading(line, _HEADINGS[key(text)])
                continue
            if self.repeated is not None:
                continue
            start = _field_start(text)
            if start is not None:
                self._field_label(line, text, *start)
                continue
            free = self.current is not None and self.current.spec.kind in FREE_TEXT
            if _looks_like_label(text) and not free:
                self._unknown_field(line, text)
                continue
            if self.current is None:
                self._text_outside_fields(line, text)
                continue
            self.current.values.append(line)
        if self.page.lines or not self.page.faults:
            _check_complete(self.r, self.seen_headings, self.last_line)
        return self.r

    def _fault(self, line: Line, message: str) -> None:
        self.r.faults.append(Fault(self.path, line.number, message))

    def _block_heading(self, line: Line, heading: str) -> None:
        """A block starts (or is printed a second time: a fault, its copy skipped)."""
        self.heading = heading
        self.repeated = None
        if heading in self.seen_headings:
            first = self.seen_headings[heading]
            self._fault(line, f"block {heading!r} a second time (first at line {first})")
            self.current, self.skipping, self.repeated = None, True, heading
            return
        self.seen_headings[heading] = line.number
        self.skipping = False
        spec = _HEADING_FIELD.get(heading)
        self.current = FieldRead(spec, line.number) if spec else None
        if spec:
            self.r.fields[spec.name] = self.current

    def _field_label(self, line: Line, text: str, specs: list[FieldSpec], rest: str) -> None:
        """A field starts (unless it belongs to another block or was read already)."""
        heading = self.heading
        spec = next((s for s in specs if s.heading == heading), None)
        if spec is None:
            where = " or ".join(repr(s.heading) for s in specs)
            found = f"under {heading!r}" if heading else "before any block heading"
            self._fault(line, f"field {text!r} belongs to block {where}, {found}")
            self.current, self.skipping = None, True
            return
        if spec.name in self.r.fields:
            first = self.r.fields[spec.name].line
            self._fault(line, f"field {spec.label!r} again (first at line {first})")
            self.current, self.skipping = None, True
            return
        self.skipping = False
        self.current = FieldRead(spec, line.number)
        self.r.fields[spec.name] = self.current
        if rest.strip():
            self.current.values.append(Line(line.number, rest, line.href))

    def _unknown_field(self, line: Line, text: str) -> None:
        block = f" in block {self.heading!r}" if self.heading else ""
        self._fault(line, f"unknown field {text!r}{block}: not a field of the ECCP profile form")
        self.current, self.skipping = None, True

    def _text_outside_fields(self, line: Line, text: str) -> None:
        """Text in no field: a fault, but for the values of a field already reported and the
        text above the profile (a page title, a menu)."""
        if self.skipping:
            return
        if self.heading is None:
            if self.page.title is None and not self.seen_headings and not self.r.fields:
                return  # text above the profile (a page title, a menu)
            where = "before any block heading"
        else:
            where = f"in block {self.heading!r} outside any field"
        self._fault(line, f"text {text[:60]!r} {where}")


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


def participation_iri(project: URIRef, organisation: URIRef, claim: str) -> URIRef:
    """One participation node per source claim: project, organisation, the claim's section
    (`eccp-support-programmes`), as the seeds write them."""
    p, o = str(project).rsplit("/", 1)[-1], str(organisation).rsplit("/", 1)[-1]
    return ID[f"participation/{p}/{o}/{claim}"]


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
