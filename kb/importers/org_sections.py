"""The mapping of a SciTransfer profile's sections to graphs per section, one class per
kind of section: the header (name, badge, stated H2020 metrics), the texts, the expertise
areas, the notable projects. OrgMapper puts them together on OrgMappingCore, the graphs and
the helpers they all use; org_import.map_profiles runs one per profile.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal, URIRef

from kb.importers.common import CODE, ID, MC
from kb.importers.eccp_profile import Line, participation_iri
from kb.importers.org_profile import (
    ACTIVE,
    COUNTRIES,
    METRICS,
    RANKS,
    TYPES,
    Metric,
    Page,
    paragraphs,
    parse_amount,
    parse_whole,
)
from kb.importers.profiles import (
    BULLET,
    DCTERMS,
    EURIO,
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
    Known,
    SectionGraphs,
    key,
    literal_en,
)


class OrgMappingCore:
    """One profile's graphs per section and the helpers every section's mapping uses: the
    resources it mints (through the identity decision `resolve`), its sections and figures,
    the values kept as text, its faults; `projects` holds the notable projects by name, for
    the sections that name them."""

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


class HeaderSection(OrgMappingCore):
    """The header: the name and summary, the badge line (type, sector, country, active
    projects) and the stated H2020 metrics, each a figure."""

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


class TextSections(OrgMappingCore):
    """The sections of prose: what they do, why partner with them, the trajectory (its early
    and recent focus), the collaboration profile (role, reach, the figures it states), the
    cross-sector capabilities and the analysis note."""

    def texts(self, sec: str, lines: list[Line]) -> None:
        for para in paragraphs(lines):
            self.add(sec, self.org, DCTERMS.description, literal_en(" ".join(x.text for x in para)))

    def reasons(self, sec: str, lines: list[Line]) -> None:
        for para in paragraphs(lines):
            text = " ".join(x.text for x in para)
            self.add(sec, self.org, MC.reasonToPartner, literal_en(text))

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


class ExpertiseSection(OrgMappingCore):
    """Core expertise: each area a concept of the code list, with its rank, its project count
    and the notable projects its description names."""

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


class NotableProjects(OrgMappingCore):
    """Notable projects: each a project with its summary, and the EC contribution a summary
    states as a participation with its amount."""

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


class OrgMapper(HeaderSection, TextSections, ExpertiseSection, NotableProjects):
    """Turns a SciTransfer page read into graphs per section (SECTIONS' blocks, each by the
    method of its kind)."""

    def run(self):
        """The profile mapped: the header, then the notable projects (the other sections
        name them), then the other sections."""
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
