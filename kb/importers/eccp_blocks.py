"""The mapping of an ECCP profile's fields to graphs per section, one class per family of
fields (FIELDS' kinds): numbers, dates and coded values; the people and organisations it
names; its free texts; its support programmes. Mapper puts them together on MappingCore, the
graphs and the helpers every family uses; eccp_import.map_profiles runs one per profile.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from kb.importers.common import CODE, ID, MC, SELF
from kb.importers.eccp_profile import (
    ECCP_WORDING,
    EVENT_TYPES,
    FIELDS,
    TABLE_HEADER,
    FieldRead,
    FieldSpec,
    Line,
    Profile,
    Reading,
    Subject,
    parse_count,
    parse_date,
    participation_iri,
)
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
    Known,
    SectionGraphs,
    clean,
    key,
    literal_en,
    slug,
    without_legal_form,
)


class MappingCore:
    """One profile's graphs per section and the helpers every family of fields uses: the
    resources it mints (through the identity decision `resolve`), its sections, the values
    kept as text, its faults and notes."""

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


class ValueFields(MappingCore):
    """Fields whose values are dates, counts (figures), code-list concepts, countries and
    languages (General Information, Sectoral and Industrial Focus, Composition, the support
    services and the cooperation activities and countries)."""

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


class OrganisationFields(MappingCore):
    """Fields that name people's posts and organisations: the management team, the networks
    the cluster is a member of, its major players and the clusters it collaborates with."""

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


class TextFields(MappingCore):
    """The free texts: the strategy and its objectives, the yes/no answers, the support
    services' details, the success story (and the event it names), the reasons to partner."""

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


class ProgrammeFields(MappingCore):
    """The support programmes: each entry a project (or an initiative) the cluster took part
    in, with its funding programme as stated."""

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


class Mapper(ValueFields, OrganisationFields, TextFields, ProgrammeFields):
    """Turns the fields read from one profile into graphs per section (FIELDS says how: each
    field's kind names its map_<kind> method, in one of the families above)."""

    def run(self) -> Profile:
        """The profile mapped: the header, then every field read, in FIELDS' order."""
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
        """The cluster organisation and the cluster it animates, named as the subject says."""
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
