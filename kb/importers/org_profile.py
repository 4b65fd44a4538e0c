"""SciTransfer organisation profiles (the text of the page, as seed 001) as Turtle.

The page is a header (name, summary, a badge line of type, sector, country and active
projects, then the H2020 metrics: projects, coordinator roles, EC funding, unique partners)
followed by titled sections. SECTIONS is the one table from a section heading to its block,
METRICS the one table from a stated metric to its figure; the output follows
data/ttl/seed-001/: one file per section, figures citing their section, so the stated metrics
sit beside the ones the knowledge base computes from its participations (stored query
stated-vs-computed-metrics, the organisation's page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kb.importers.common import CODE, ID, MC, SELF
from kb.importers.eccp_profile import ImportReport, Line, participation_iri, read_text
from kb.importers.profiles import (
    BULLET,
    DCTERMS,
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

PUBLISHER = "SciTransfer"

# heading as printed -> (section, mc:sectionLabel, the sub-heading printed under it)
SECTIONS: dict[str, tuple[str, str, str | None]] = {
    "What they do": ("core-work", "What they do: Their core work", "Their core work"),
    "Core expertise": (
        "core-expertise",
        "Core expertise: What they specialise in",
        "What they specialise in",
    ),
    "Evolution & trajectory": (
        "trajectory",
        "Evolution & trajectory",
        "How they've shifted over time",
    ),
    "Collaboration profile": (
        "collaboration-profile",
        "Collaboration profile",
        "How they like to work",
    ),
    "Why partner with them": ("why-partner", "Why partner with them", "What sets them apart"),
    "Notable projects": ("notable-projects", "Notable projects", "Highlights from their portfolio"),
    "Cross-sector capabilities": ("cross-sector", "Cross-sector capabilities", None),
    "Analysis note": ("analysis-note", "Analysis note", None),
}
HEADER = ("header", "Organisation header and H2020 figures")
SECTION_LABELS = {HEADER[0]: HEADER[1], **{s: label for s, label, _ in SECTIONS.values()}}
END = ("more in ", "see all ")  # the page's navigation links, not part of the profile


@dataclass(frozen=True)
class Metric:
    """A stated metric of the header and the figure it becomes."""

    label: str  # as printed
    segment: str  # IRI segment of the figure
    measure: str
    unit: str
    scope: str  # scope note; {who} is the organisation's short name


# fmt: off
METRICS = (
    Metric("H2020 projects", "h2020-projects", "projects", "count", "Horizon 2020 projects {who} took part in."),  # noqa: E501
    Metric("As coordinator", "coordinator-roles", "coordinator-roles", "count", "Horizon 2020 projects {who} coordinated."),  # noqa: E501
    Metric("Total EC funding", "ec-funding", "ec-funding", "EUR", "Total EC funding of {who}'s Horizon 2020 participations, printed rounded to thousands of euro."),  # noqa: E501
    Metric("Unique partners", "unique-partners", "unique-partners", "count", "Distinct organisations {who} shared Horizon 2020 consortia with."),  # noqa: E501
)
# fmt: on
ACTIVE = Metric(
    "active H2020 projects",
    "active-h2020-projects",
    "active-projects",
    "count",
    "Horizon 2020 projects of {who} running at the time of the profile.",
)
COUNTRIES = Metric(
    "countries collaborated",
    "countries",
    "countries",
    "count",
    "Countries of {who}'s Horizon 2020 consortium partners.",
)
# SciTransfer's organisation types (as printed) -> class.
TYPES = {
    "NGO / Association": MC.Association,
    "Research Organisation": MC.ResearchOrganisation,
    "Research organisation": MC.ResearchOrganisation,
    "University": MC.University,
    "Higher education": MC.University,
    "Company": MC.Company,
    "Private company": MC.Company,
    "SME": MC.SME,
    "Public body": MC.PublicAuthority,
    "Public authority": MC.PublicAuthority,
}
RANKS = ("primary", "secondary", "emerging")
AMOUNT = re.compile(r"^(?:€|EUR\s*)\s*([\d.,]+)\s*([KkMm])?$")


def parse_amount(text: str) -> tuple[Decimal, str]:
    """'€494K' -> (494000, 'approximately'); 'EUR 156,125' -> (156125, 'exact')."""
    m = AMOUNT.match(clean(text))
    if not m:
        raise ValueError(f"not an amount in euro: {text.strip()!r}")
    number = Decimal(m[1].replace(",", ""))
    if m[2]:
        factor = 1000 if m[2].lower() == "k" else 1_000_000
        return number * factor, "approximately"
    return number, "exact"


def parse_whole(text: str) -> int:
    t = clean(text).replace(",", "")
    if not t.isdigit():
        raise ValueError(f"not a whole number: {text.strip()!r}")
    return int(t)


@dataclass
class Page:
    path: Path
    name: str = ""
    name_line: int = 0
    summary: list[Line] = field(default_factory=list)
    badge: Line | None = None
    metrics: dict[str, tuple[Line, Line]] = field(default_factory=dict)
    sections: dict[str, list[Line]] = field(default_factory=dict)  # section -> lines
    faults: list[Fault] = field(default_factory=list)


def read_page(path: Path) -> Page:
    text = read_text(path)
    page = Page(path, faults=list(text.faults))
    lines = text.lines
    clean_lines = [Line(n.number, clean(n.text)) for n in lines]
    body = [x for x in clean_lines if x.text]
    if not body:
        page.faults.append(Fault(path, 1, "empty file"))
        return page
    if key(body[0].text) != "scitransfer":
        page.faults.append(
            Fault(
                path, body[0].number, "not a SciTransfer profile: it does not start 'SciTransfer'"
            )
        )
        return page
    i = 1
    if i < len(body) and key(body[i].text) in ("organization", "organisation"):
        i += 1
    if i >= len(body):
        page.faults.append(Fault(path, body[-1].number, "the profile ends before its name"))
        return page
    page.name, page.name_line = body[i].text, body[i].number
    i += 1
    # summary lines until the badge line (the one that ends with '... H2020 projects')
    while i < len(body) and not re.search(r"active H2020 projects$", body[i].text):
        if body[i].text in [m.label for m in METRICS]:
            break
        page.summary.append(body[i])
        i += 1
    if i < len(body) and re.search(r"active H2020 projects$", body[i].text):
        page.badge = body[i]
        i += 1
    else:
        page.faults.append(
            Fault(path, body[min(i, len(body) - 1)].number, "no badge line (type, sector, country)")
        )
    labels = {m.label: m for m in METRICS}
    while i + 1 < len(body) and body[i].text in labels:
        page.metrics[body[i].text] = (body[i], body[i + 1])
        i += 2
    for m in METRICS:
        if m.label not in page.metrics:
            at = body[min(i, len(body) - 1)].number
            page.faults.append(Fault(path, at, f"header metric {m.label!r} missing"))
    # the sections, by heading; raw lines kept (blank lines separate blocks)
    current: str | None = None
    raw = [x for x in lines if x.number >= (body[i].number if i < len(body) else 10**9)]
    expected_sub: str | None = None
    for line in raw:
        t = clean(line.text)
        if t.lower().startswith(END):
            current = None
            break
        heading = next((h for h in SECTIONS if key(t) == key(h)), None)
        if heading is None and t.lower().startswith("analysis note:"):
            heading = "Analysis note"
            rest = t.split(":", 1)[1].strip()
            current = SECTIONS[heading][0]
            if current in page.sections:
                page.faults.append(Fault(path, line.number, f"section {heading!r} a second time"))
            page.sections[current] = [Line(line.number, rest)]
            continue
        if heading is not None:
            current, _, expected_sub = SECTIONS[heading]
            if current in page.sections:
                page.faults.append(Fault(path, line.number, f"section {heading!r} a second time"))
            page.sections[current] = []
            continue
        if expected_sub and key(t) == key(expected_sub):
            expected_sub = None
            continue
        if current is None:
            if t:
                page.faults.append(
                    Fault(path, line.number, f"text {t[:60]!r} outside any known section")
                )
            continue
        page.sections[current].append(Line(line.number, line.text.rstrip()))
    for heading, (section, _, _) in SECTIONS.items():
        if section not in page.sections:
            last = lines[-1].number if lines else 1
            page.faults.append(Fault(path, last, f"section {heading!r} missing (truncated file?)"))
    return page


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    out: list[list[Line]] = [[]]
    for line in lines:
        text = line.text.strip().replace("\u00a0", " ")
        if text:
            out[-1].append(Line(line.number, text))
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


class OrgMapper:
    def __init__(self, page: Page, codes: CodeLists, known: Known, resolve):
        self.page, self.codes, self.known, self.resolve = page, codes, known, resolve
        self.path = page.path
        self.faults = list(page.faults)
        self.notes: list[str] = []
        self.kept_as_text: list[str] = []
        self.entities: list[Entity] = []
        ns = {
            "mc": MC,
            "org": ORG,
            "skos": SKOS,
            "dct": DCTERMS,
            "prov": PROV,
            "schema": SCHEMA,
            "eurio": EURIO,
            "rdfs": RDFS,
            "xsd": XSD,
        }
        self.out = SectionGraphs(known, ns)
        org = Entity("organisation", page.name, [page.name], page.name_line)
        self.org = self.entity(org, "header")
        self.slug = str(self.org).rsplit("/", 1)[-1]
        names = self.known.names.get(str(self.org), set()) | {page.name}
        self.who = min(names, key=len)
        self.doc = ID[f"source/scitransfer-{self.slug}-profile"]
        self.projects: dict[str, URIRef] = {}

    def entity(self, e: Entity, section: str) -> URIRef:
        e.section = section
        e.iri = self.resolve(e)
        self.entities.append(e)
        return e.iri

    def add(self, section, s, p, o) -> None:
        self.out.add(section, s, p, o)

    def section(self, name: str) -> URIRef:
        return URIRef(f"{self.doc}/{name}")

    def fault(self, line: int, message: str) -> None:
        self.faults.append(Fault(self.path, line, message))

    def figure(self, sec, metric: Metric, value, qualifier, stated, subject=None, seg=None):
        subject = subject if subject is not None else self.org
        owner = seg or self.slug
        node = ID[f"figure/{owner}/{metric.segment}/scitransfer-{sec}"]
        self.add(sec, node, RDF.type, MC.Figure)
        self.add(sec, node, MC.figureOf, subject)
        self.add(sec, node, MC.measure, CODE[f"measure/{metric.measure}"])
        self.add(sec, node, MC.value, Literal(value))
        self.add(sec, node, MC.unit, CODE[f"unit/{metric.unit}"])
        self.add(sec, node, MC.qualifier, CODE[f"qualifier/{qualifier}"])
        self.add(sec, node, MC.statedAs, Literal(stated))
        self.add(sec, node, MC.scopeNote, literal_en(metric.scope.format(who=self.who)))
        self.add(sec, node, MC.section, self.section(sec))
        return node

    def run(self):
        self.header()
        handlers = {
            "core-work": self.texts,
            "why-partner": self.reasons,
            "core-expertise": self.expertise,
            "trajectory": self.trajectory,
            "collaboration-profile": self.collaboration,
            "notable-projects": self.notable,
            "cross-sector": self.cross_sector,
            "analysis-note": self.analysis,
        }
        # notable projects first: the other sections name them
        for section in ("notable-projects", *[s for s in handlers if s != "notable-projects"]):
            if section in self.page.sections:
                handlers[section](section, self.page.sections[section])
        return self

    def header(self) -> None:
        sec, org, page = "header", self.org, self.page
        self.add(sec, org, SKOS.prefLabel, literal_en(page.name))
        if page.summary:
            self.add(sec, org, MC.summary, literal_en(" ".join(x.text for x in page.summary)))
        if page.badge is not None:
            self.badge(sec, page.badge)
        for m in METRICS:
            if m.label not in page.metrics:
                continue
            label, value = page.metrics[m.label]
            stated = f"{m.label} {value.text}"
            try:
                if m.unit == "EUR":
                    amount, qualifier = parse_amount(value.text)
                    whole = amount == amount.to_integral_value()
                    self.figure(sec, m, int(amount) if whole else amount, qualifier, stated)
                else:
                    self.figure(sec, m, parse_whole(value.text), "exact", stated)
            except ValueError as exc:
                self.fault(value.number, f"{m.label}: {exc}")

    def badge(self, sec: str, line: Line) -> None:
        text = line.text
        kind = next((t for t in sorted(TYPES, key=len, reverse=True) if text.startswith(t)), None)
        if kind is None:
            self.fault(line.number, f"unknown organisation type at the start of {text!r}")
            return
        self.add(sec, self.org, RDF.type, TYPES[kind])
        rest = text[len(kind) :]
        m = re.fullmatch(
            r"(?P<sector>.*?)(?P<country>[A-Z]{2})(?P<active>No|\d+) active H2020 projects", rest
        )
        if not m:
            self.fault(line.number, f"cannot read sector, country and active projects in {text!r}")
            return
        sector = m["sector"].strip()
        if sector:
            concept = self.codes.find("sectoral-industry", sector)
            if concept is not None:
                self.add(sec, self.org, MC.sectoralIndustry, concept)
            else:
                self.add(sec, self.org, SKOS.note, literal_en(f"Sector: {sector}"))
                self.kept_as_text.append(
                    f"{self.path}:{line.number}: sector {sector!r} is not in the code list "
                    "sectoral-industry; kept as text"
                )
        country = self.known.country(m["country"])
        if country is not None:
            self.add(sec, self.org, MC.country, URIRef(country))
        else:
            self.kept_as_text.append(
                f"{self.path}:{line.number}: country code {m['country']!r} is not a country the "
                "knowledge base describes; not linked"
            )
        active = 0 if m["active"] == "No" else int(m["active"])
        stated = f"{m['active']} active H2020 projects"
        self.figure(sec, ACTIVE, active, "exact", stated)

    def texts(self, sec: str, lines: list[Line]) -> None:
        for para in paragraphs(lines):
            self.add(sec, self.org, DCTERMS.description, literal_en(" ".join(x.text for x in para)))

    def reasons(self, sec: str, lines: list[Line]) -> None:
        for para in paragraphs(lines):
            text = " ".join(x.text for x in para)
            self.add(sec, self.org, MC.reasonToPartner, literal_en(text))

    def named_projects(self, text: str) -> list[URIRef]:
        return [
            iri for name, iri in self.projects.items() if re.search(rf"\b{re.escape(name)}\b", text)
        ]

    def expertise(self, sec: str, lines: list[Line]) -> None:
        paras = paragraphs(lines)
        i = 0
        while i < len(paras):
            head = paras[i][0]
            area_text, rank = head.text, None
            for r in RANKS:
                if area_text.endswith(r) and len(area_text) > len(r):
                    area_text, rank = area_text[: -len(r)], r
                    break
            count_line = paras[i][1] if len(paras[i]) > 1 else None
            if rank is None:  # a block printed without its heading
                count_line, area_text = head, None
            m = re.fullmatch(r"(\d+) projects?", count_line.text) if count_line else None
            if m is None and i + 1 < len(paras) and count_line is None:
                nxt = paras[i + 1][0]
                m = re.fullmatch(r"(\d+) projects?", nxt.text)
                if m:
                    count_line = nxt
                    i += 1
            desc = paras[i + 1] if i + 1 < len(paras) else []
            description = " ".join(x.text for x in desc)
            i += 2
            if area_text is None:
                self.add(
                    sec,
                    self.org,
                    SKOS.note,
                    literal_en(f"Core expertise (block without a heading): {description}"),
                )
                self.kept_as_text.append(
                    f"{self.path}:{head.number}: an expertise block printed without its "
                    "heading; kept as text"
                )
                continue
            concept = self.codes.find("expertise-area", area_text)
            if concept is None:
                self.add(sec, self.org, SKOS.note, literal_en(f"Core expertise: {area_text}"))
                self.kept_as_text.append(
                    f"{self.path}:{head.number}: {area_text!r} is not in the code list "
                    "expertise-area; kept as text"
                )
                continue
            notation = str(concept).rsplit("/", 1)[-1]
            self.add(sec, self.org, MC.expertiseArea, concept)
            claim = ID[f"expertise-claim/{self.slug}/{notation}"]
            self.add(sec, claim, RDF.type, PROV.Entity)
            self.add(sec, claim, RDFS.label, literal_en(f"{self.who} expertise: {notation}"))
            self.add(sec, claim, DCTERMS.subject, self.org)
            self.add(sec, claim, MC.concerns, concept)
            self.add(sec, claim, SKOS.note, literal_en(f"SciTransfer rank: {rank}"))
            if description:
                self.add(sec, claim, DCTERMS.description, literal_en(description))
            for project in self.named_projects(description):
                self.add(sec, claim, DCTERMS.relation, project)
            self.add(sec, claim, MC.section, self.section(sec))
            if m:
                metric = Metric("projects", "projects", "projects", "count", "")
                node = self.figure(
                    sec,
                    metric,
                    int(m[1]),
                    "exact",
                    count_line.text,
                    subject=claim,
                    seg=f"expertise-claim-{self.slug}/{notation}",
                )
                self.out.graph(sec).remove((node, MC.scopeNote, None))
                label = self.codes.labels.get(concept, area_text)
                self.add(
                    sec, node, MC.scopeNote, literal_en(f"{self.who} projects in the area {label}.")
                )

    def trajectory(self, sec: str, lines: list[Line]) -> None:
        paras = paragraphs(lines)
        rest = []
        for para in paras:
            texts = [x.text for x in para]
            if key(texts[0]) in ("early focus", "recent focus") and len(texts) >= 2:
                # "Early focus / X / Recent focus / Y" may share one paragraph
                j = 0
                while j + 1 < len(texts) and key(texts[j]) in ("early focus", "recent focus"):
                    which = key(texts[j]).split()[0]
                    node = ID[f"focus-period/{self.slug}/{which}"]
                    self.add(sec, node, RDF.type, PROV.Entity)
                    self.add(
                        sec,
                        node,
                        RDFS.label,
                        literal_en(f"{self.who} {which} focus: {texts[j + 1]}"),
                    )
                    self.add(sec, node, DCTERMS.subject, self.org)
                    self.add(sec, node, MC.statedAs, Literal(f"{texts[j]}\n{texts[j + 1]}"))
                    self.add(sec, node, MC.section, self.section(sec))
                    j += 2
                continue
            rest.append(" ".join(texts))
        for text in rest:
            self.add(sec, self.org, DCTERMS.description, literal_en(text))

    def collaboration(self, sec: str, lines: list[Line]) -> None:
        paras = paragraphs(lines)
        if not paras:
            return
        first = paras[0][0]
        m = re.fullmatch(
            r"Role: (?P<role>\S+?)Reach: (?P<reach>.+?)(?P<n>\d+) countries collaborated",
            first.text,
        )
        body = paras
        if m:
            self.add(sec, self.org, SKOS.note, literal_en(f"Role: {m['role']}"))
            self.add(sec, self.org, SKOS.note, literal_en(f"Reach: {m['reach']}"))
            self.figure(sec, COUNTRIES, int(m["n"]), "exact", f"{m['n']} countries collaborated")
            body = [paras[0][1:], *paras[1:]] if len(paras[0]) > 1 else paras[1:]
        for para in body:
            text = " ".join(x.text for x in para)
            self.add(sec, self.org, DCTERMS.description, literal_en(text))
            roles = re.search(r"(\d+) coordinator roles across (\d+) projects", text)
            if roles:
                metric = next(x for x in METRICS if x.segment == "coordinator-roles")
                self.figure(sec, metric, int(roles[1]), "exact", roles[0])
                self.figure(sec, METRICS[0], int(roles[2]), "exact", roles[0])
            partners = re.search(r"(\d+) unique partners across (\d+) countries", text)
            if partners:
                metric = next(x for x in METRICS if x.segment == "unique-partners")
                self.figure(sec, metric, int(partners[1]), "exact", partners[0])

    def notable(self, sec: str, lines: list[Line]) -> None:
        current: tuple[URIRef, Line] | None = None
        summary: list[str] = []

        def finish():
            if current is None or not summary:
                return
            project, line = current
            text = " ".join(summary)
            self.add(sec, project, MC.summary, literal_en(text))
            money = re.search(r"([A-Z][^.()]*?)\s*\((?:EUR|€)\s*([\d,.]+)\)", text)
            if money:
                self.contribution(sec, project, line, money)

        for line in lines:
            t = line.text.strip()
            if not t:
                continue
            if BULLET.match(t):
                finish()
                name = BULLET.sub("", t).strip()
                project = self.entity(Entity("project", name, [name], line.number), sec)
                self.projects[name] = project
                self.add(sec, project, RDF.type, MC.Project)
                self.add(sec, project, SKOS.prefLabel, literal_en(name))
                self.add(sec, project, MC.acronym, Literal(name))
                current, summary = (project, line), []
            elif current is not None:
                summary.append(t)
            else:
                self.fault(line.number, f"text {t[:60]!r} before the first notable project")
        finish()

    def contribution(self, sec: str, project: URIRef, line: Line, money) -> None:
        value = Decimal(money[2].replace(",", ""))
        part = participation_iri(project, self.org, f"scitransfer-{sec}")
        p_slug = f"{str(project).rsplit('/', 1)[-1]}-{self.slug}"
        amount = ID[f"amount/participation-{p_slug}/ec-contribution"]
        self.add(sec, part, RDF.type, MC.Participation)
        self.add(sec, part, MC.inProject, project)
        self.add(sec, part, MC.participant, self.org)
        self.add(sec, part, MC.participationRole, CODE["participation-role/participant"])
        self.add(sec, part, MC.ecContribution, amount)
        self.add(sec, part, MC.section, self.section(sec))
        self.add(sec, amount, RDF.type, MC.MonetaryAmount)
        self.add(sec, amount, SCHEMA.value, Literal(int(value)))
        self.add(sec, amount, SCHEMA.currency, Literal("EUR"))
        self.add(sec, amount, EURIO.value, Literal(value.quantize(Decimal("0.1"))))
        self.add(sec, amount, EURIO.currency, Literal("EUR"))
        self.add(sec, amount, MC.statedAs, Literal(f"EUR {money[2]}"))
        self.add(sec, amount, MC.section, self.section(sec))
        name = self.page_name(project)
        metric = Metric(
            "", "ec-funding", "ec-funding", "EUR", f"{{who}}'s EC contribution to {name}."
        )
        self.figure(
            sec, metric, int(value), "exact", money[0], subject=part, seg=f"participation-{p_slug}"
        )

    def page_name(self, project: URIRef) -> str:
        return next((n for n, iri in self.projects.items() if iri == project), str(project))

    def cross_sector(self, sec: str, lines: list[Line]) -> None:
        text = " ".join(x.text.strip() for x in lines if x.text.strip())
        for m in re.finditer(r"([^()]+?)\s*\(([^()]*)\)", text):
            label = f"{m[1].strip()} ({m[2].strip()})"
            concept = self.codes.find("expertise-area", label)
            if concept is None:
                self.add(sec, self.org, SKOS.note, literal_en(f"Cross-sector capability: {label}"))
                self.kept_as_text.append(
                    f"{self.path}:{lines[0].number}: {label!r} is not in the code list "
                    "expertise-area; kept as text"
                )
                continue
            self.add(sec, self.org, MC.expertiseArea, concept)

    def analysis(self, sec: str, lines: list[Line]) -> None:
        text = " ".join(x.text.strip() for x in lines if x.text.strip())
        if not text:
            return
        self.add(sec, self.org, SKOS.editorialNote, literal_en(text))
        m = re.search(r"Profile is based on (\d+) projects", text)
        if m:
            metric = Metric(
                "",
                "h2020-projects",
                "projects",
                "count",
                "Projects the SciTransfer profile is based on.",
            )
            self.figure(sec, metric, int(m[1]), "exact", m[0])


def source_graph(mapper: OrgMapper) -> Graph:
    g = Graph()
    for prefix, ns in (("mc", MC), ("dct", DCTERMS), ("prov", PROV), ("skos", SKOS)):
        g.bind(prefix, ns)
    known = mapper.known

    def add(s, p, o):
        if not known.has(s, p, o):
            g.add((s, p, o))

    doc = mapper.doc
    g.add((SELF, RDF.type, MC.SourceGraph))
    g.add((SELF, PROV.wasDerivedFrom, doc))
    add(doc, RDF.type, MC.SourceDocument)
    add(doc, DCTERMS.title, literal_en(f"SciTransfer organisation profile: {mapper.page.name}"))
    add(doc, SKOS.prefLabel, literal_en(f"SciTransfer profile of {mapper.who}"))
    add(doc, DCTERMS.publisher, Literal(PUBLISHER))
    for section, label in SECTION_LABELS.items():
        sec = URIRef(f"{doc}/{section}")
        add(sec, RDF.type, MC.DocumentSection)
        add(sec, DCTERMS.isPartOf, doc)
        add(sec, MC.sectionLabel, Literal(label))
        add(sec, SKOS.prefLabel, literal_en(label))
    return g


def map_profiles(
    paths: Iterable[Path],
    out_dir: Path,
    *,
    data_dirs: Iterable[Path],
    ontology_dirs: Iterable[Path],
    shapes_dir: Path,
    subject=None,
    link: bool | None = None,
) -> tuple[ImportReport, dict[Path, dict[str, str]]]:
    """Read and map SciTransfer profiles; the report and, per output folder, its files."""
    report = ImportReport()
    pages = [read_page(p) for p in paths]
    targets = [out_dir / slug(without_legal_form(p.name)) for p in pages if p.name]
    known = Known.read(data_dirs, skip=targets, shapes_dir=shapes_dir)
    codes = CodeLists.read(ontology_dirs)
    linker = IdentityLinker(known, link)
    mappers = []
    for page in pages:
        if not page.name:
            report.faults += page.faults
            continue
        mapper = OrgMapper(page, codes, known, linker).run()
        report.faults += mapper.faults
        report.notes += mapper.notes
        report.kept_as_text += mapper.kept_as_text
        mappers.append(mapper)
    report.proposals = linker.report()
    outputs: dict[Path, dict[str, str]] = {}
    if link is None and linker.proposals:
        return report, outputs
    for mapper in mappers:
        linker.record(mapper.out, mapper.entities)
        files = {}
        for section, label in SECTION_LABELS.items():
            g = mapper.out.graph(section)
            g.add((SELF, RDF.type, MC.SourceGraph))
            g.add((SELF, PROV.wasDerivedFrom, URIRef(f"{mapper.doc}/{section}")))
            header = (
                f"SciTransfer profile of {mapper.page.name}, section '{label}'.\nImported by "
                f"`kb import org-profile` from {mapper.path.name}; re-run the import to refresh "
                "it (edits by hand are lost)."
            )
            files[f"{section}.ttl"] = turtle_text(g, header)
        header = (
            f"The SciTransfer profile of {mapper.page.name} and its sections.\nImported by "
            f"`kb import org-profile` from {mapper.path.name}."
        )
        files["source.ttl"] = turtle_text(source_graph(mapper), header)
        report.kept_from_kb += len(mapper.out.kept)
        outputs[out_dir / slug(without_legal_form(mapper.page.name))] = files
    return report, outputs


__all__ = ["map_profiles", "read_page", "parse_amount", "METRICS", "SECTIONS", "FOAF"]
