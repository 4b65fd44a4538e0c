"""What the profile importers (ECCP cluster profiles, SciTransfer organisation profiles) share:
faults with file and line, text clean-up, code-list and country look-ups, what the knowledge base
already holds (for identity linking), and the atomic output of one folder per profile.

A profile becomes one folder of Turtle files, one file per block of the page, each loaded into
its own named graph that derives from its section of the profile (as data/ttl/seed-000/ is
written), plus `source.ttl` describing the profile document and its sections.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import html
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from kb.core.errors import KBError
from kb.importers.common import ID, MC, SELF

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
EURIO = Namespace("http://data.europa.eu/s66#")
SH = Namespace("http://www.w3.org/ns/shacl#")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")


@dataclass(frozen=True)
class Fault:
    """Something in a profile the importer cannot read as it stands."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ProfileError(KBError):
    """Profiles with faults, imported without --partial: nothing was written."""

    def __init__(self, faults: list[Fault]):
        self.faults = faults
        lines = "\n".join(f"  {f}" for f in faults)
        super().__init__(
            f"{len(faults)} fault(s); nothing was written (--partial imports what can be read):"
            f"\n{lines}"
        )


# --- text --------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
BULLET = re.compile(r"^[•·▪●◦‣∙*-]\s*")


def clean(text: str) -> str:
    """One value as printed: entities decoded, spaces (no-break too) collapsed, trimmed."""
    return _SPACE.sub(" ", html.unescape(text).replace("\u00a0", " ")).strip()


# Greek and Cyrillic, the EU's non-Latin scripts, transliterated for readable IRIs (Cyrillic
# as Bulgaria, the EU's Cyrillic member, romanises it: ъ -> a, щ -> sht).
_GREEK = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς"
_GREEK_LATIN = "a b g d e z i th i k l m n x o p r s t y f ch ps o a e i i o y o i y i y s"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяёєіїґў"
_CYRILLIC_LATIN = (
    "a b v g d e zh z i y k l m n o p r s t u f kh ts ch sh sht a y y e yu ya e ye i yi g u"
)
_TRANSLIT = dict(
    zip(_GREEK + _CYRILLIC, (_GREEK_LATIN + " " + _CYRILLIC_LATIN).split(), strict=True)
)


def slug(text: str) -> str:
    """A readable IRI segment: lower case ASCII letters, digits and hyphens."""
    chars = []
    for ch in unicodedata.normalize("NFC", text.lower()):
        chars.append(_TRANSLIT.get(ch, ch).replace("-", ""))
    folded = unicodedata.normalize("NFKD", "".join(chars)).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if out:
        return out
    # A script without a transliteration here: a stable digest keeps the IRI unique.
    return "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def key(text: str) -> str:
    """A name compared ignoring case, accents, punctuation and spacing."""
    return " ".join(slug(clean(text)).split("-"))


LEGAL_FORMS = re.compile(
    r"[\s,]+(s\.?p\.?a\.?|s\.?r\.?l\.?|gmbh|ag|s\.?a\.?|ltd\.?|b\.?v\.?|n\.?v\.?|"
    r"s\.?l\.?|a\.?s\.?|oy|ab|e\.?v\.?|sas|sarl|plc)$",
    re.IGNORECASE,
)


def without_legal_form(name: str) -> str:
    return LEGAL_FORMS.sub("", name).strip() or name


def literal_en(text: str) -> Literal:
    return Literal(text, lang="en")


# --- code lists, countries, languages -----------------------------------------------------------

# EU official languages (English names) -> EU Publications Office language authority codes.
EU_LANGUAGES = {
    "bulgarian": "BUL",
    "croatian": "HRV",
    "czech": "CES",
    "danish": "DAN",
    "dutch": "NLD",
    "english": "ENG",
    "estonian": "EST",
    "finnish": "FIN",
    "french": "FRA",
    "german": "DEU",
    "greek": "ELL",
    "hungarian": "HUN",
    "irish": "GLE",
    "italian": "ITA",
    "latvian": "LAV",
    "lithuanian": "LIT",
    "maltese": "MLT",
    "polish": "POL",
    "portuguese": "POR",
    "romanian": "RON",
    "slovak": "SLK",
    "slovenian": "SLV",
    "spanish": "SPA",
    "swedish": "SWE",
}

# Country names profiles print that differ from the ISO 3166 names of data/ttl/reference.
COUNTRY_ALIASES = {
    "united states": "US",
    "usa": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "czech republic": "CZ",
    "czechia": "CZ",
    "turkey": "TR",
    "vietnam": "VN",
    "iran": "IR",
    "taiwan": "TW",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
    "laos": "LA",
    "the netherlands": "NL",
    "holland": "NL",
}


@dataclass
class CodeLists:
    """Concepts of the project's code lists by scheme, findable by label, alt label or notation."""

    by_scheme: dict[str, dict[str, URIRef]] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)
    matches: dict[URIRef, URIRef] = field(default_factory=dict)  # concept -> skos:exactMatch

    @classmethod
    def read(cls, folders: Iterable[Path]) -> CodeLists:
        g = Graph()
        for folder in folders:
            for path in sorted(Path(folder).rglob("*.ttl")):
                if "codelists" in path.parts:
                    g.parse(path, format="turtle")
        lists = cls()
        for concept, scheme in g.subject_objects(SKOS.inScheme):
            name = str(scheme).rstrip("/").rsplit("/", 1)[-1]
            table = lists.by_scheme.setdefault(name, {})
            for p in (SKOS.notation, SKOS.altLabel, SKOS.prefLabel):
                for label in g.objects(concept, p):
                    table.setdefault(key(str(label)), concept)
            label = g.value(concept, SKOS.prefLabel)
            if label is not None:
                lists.labels[concept] = str(label)
            match = g.value(concept, SKOS.exactMatch)
            if isinstance(match, URIRef):
                lists.matches[concept] = match
        return lists

    def find(self, scheme: str, text: str) -> URIRef | None:
        return self.by_scheme.get(scheme, {}).get(key(text))

    def closest(self, scheme: str, text: str) -> str | None:
        """The label of the concept nearest to `text` (for the report of an unknown value)."""
        table = self.by_scheme.get(scheme, {})
        match = difflib.get_close_matches(key(text), list(table), n=1, cutoff=0.6)
        return self.labels.get(table[match[0]]) if match else None


# --- what the knowledge base already holds ------------------------------------------------------

NAME_PREDICATES = {str(SKOS.prefLabel), str(SKOS.altLabel), str(MC.acronym)}
PAGE_PREDICATES = {str(FOAF.page), str(FOAF.homepage), str(SCHEMA.url)}


def page_key(url: str) -> str:
    """A web address compared without scheme, 'www.', query or trailing slash."""
    text = url.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = re.sub(r"^www\.", "", text)
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def single_valued(shapes_dir: Path) -> set[tuple[str, bool]]:
    """(property, per language) the shapes allow once per resource: sh:maxCount 1, or
    sh:uniqueLang. A resource the KB already has keeps its value of these; the import's own
    value is written only where the KB has none (as kb import cordis does)."""
    g = Graph()
    for path in sorted(Path(shapes_dir).rglob("*.ttl")):
        g.parse(path, format="turtle")
    out: set[tuple[str, bool]] = set()
    for shape, path in g.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        if (shape, SH.uniqueLang, Literal(True)) in g:
            out.add((str(path), True))
        for n in g.objects(shape, SH.maxCount):
            if int(n) == 1:
                out.add((str(path), False))
    return out


@dataclass
class Known:
    """The resources under id/ the data folders describe: names, web pages, which single-valued
    properties they state, and the owl:differentFrom decisions of earlier imports."""

    names: dict[str, set[str]] = field(default_factory=dict)  # iri -> names as printed
    by_name: dict[str, set[str]] = field(default_factory=dict)  # key(name) -> iris
    by_page: dict[str, set[str]] = field(default_factory=dict)  # page_key -> iris
    described: set[str] = field(default_factory=set)
    # values of single-valued properties: (s, p, lang) and (s, p) -> the values as N-Triples
    stated: dict[tuple, set[str]] = field(default_factory=dict)
    different: set[frozenset[str]] = field(default_factory=set)
    # resources an earlier import of the folders being replaced kept apart (--no-link)
    kept_apart: dict[str, set[str]] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)  # key(name) / code -> iri
    regions: dict[str, str] = field(default_factory=dict)  # NUTS code -> iri
    single: set[tuple[str, bool]] = field(default_factory=set)

    @classmethod
    def read(cls, folders: Iterable[Path], skip: Iterable[Path], shapes_dir: Path) -> Known:
        """Read the Turtle files under `folders`; of those under `skip` (the folders an import
        replaces) only the owl:differentFrom decisions, which must survive a re-import."""
        import pyoxigraph as ox

        known = cls(single=single_valued(shapes_dir))
        single_props = {p for p, _ in known.single}
        skip_dirs = [s.resolve() for s in skip]
        id_prefix = str(ID)
        different = str(OWL.differentFrom)
        for folder in folders:
            for path in sorted(Path(folder).rglob("*.ttl")):
                resolved = path.resolve()
                replaced = any(resolved.is_relative_to(d) for d in skip_dirs)
                try:
                    quads = list(
                        ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=str(SELF) + "/")
                    )
                except SyntaxError as exc:
                    raise KBError(f"{path}:{exc.lineno}: cannot parse Turtle: {exc}") from exc
                for q in quads:
                    s, p, o = q.subject, q.predicate.value, q.object
                    if not isinstance(s, ox.NamedNode) or (replaced and p != different):
                        continue
                    if replaced:
                        known.kept_apart.setdefault(s.value, set()).add(o.value)
                        known.different.add(frozenset((s.value, o.value)))
                        continue
                    iri = s.value
                    lang = getattr(o, "language", None)
                    if p in single_props:
                        value = str(o)
                        known.stated.setdefault((iri, p, lang), set()).add(value)
                        known.stated.setdefault((iri, p), set()).add(value)
                    if p == str(MC.isoAlpha2):
                        known.countries[o.value.lower()] = iri
                    elif p == str(MC.nutsCode):
                        known.regions[o.value] = iri
                    elif p == str(OWL.differentFrom) and isinstance(o, ox.NamedNode):
                        known.different.add(frozenset((iri, o.value)))
                    if not iri.startswith(id_prefix):
                        continue
                    known.described.add(iri)
                    if p in NAME_PREDICATES and isinstance(o, ox.Literal):
                        known.names.setdefault(iri, set()).add(o.value)
                        known.by_name.setdefault(key(o.value), set()).add(iri)
                        if iri.startswith(str(ID["country/"])):
                            known.countries.setdefault(key(o.value), iri)
                    elif p in PAGE_PREDICATES and isinstance(o, ox.NamedNode):
                        known.by_page.setdefault(page_key(o.value), set()).add(iri)
        return known

    def country(self, text: str) -> str | None:
        name = key(text)
        code = COUNTRY_ALIASES.get(name)
        if code is not None:
            return self.countries.get(code.lower())
        if name in self.countries:
            return self.countries[name]
        # "Bolivia (Plurinational State of)", "Korea, Republic of": the part before the note
        for k, iri in self.countries.items():
            if k.startswith(name + " ") and len(name) > 3:
                return iri
        return None

    def has(self, subject: URIRef, p: URIRef, o) -> bool:
        """Whether the KB already states another value of a single-valued property `p` (in
        o's language, for per-language properties) of `subject`. The same value is no clash:
        it is written again, so each graph holds what its section states."""
        lang = o.language if isinstance(o, Literal) else None
        value = _ox_text(o)
        if (str(p), True) in self.single:
            found = self.stated.get((str(subject), str(p), lang))
            if found and value not in found:
                return True
        if (str(p), False) in self.single:
            found = self.stated.get((str(subject), str(p)))
            if found and value not in found:
                return True
        return False


def _ox_text(term) -> str:
    """A term written as Oxigraph's str() writes it (N-Triples), to compare with Known."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = ox.NamedNode(str(term.datatype or XSD.string))
        return str(ox.Literal(str(term), datatype=datatype))
    return str(term)


# --- identity ----------------------------------------------------------------------------------

KINDS = ("organisation", "project", "partnership", "event", "cluster")


@dataclass
class Candidate:
    """A resource the KB already has that may be the imported one, and why."""

    iri: str
    evidence: list[str]


def candidates(
    known: Known, kind: str, minted: str, names: Iterable[str], pages: Iterable[str] = ()
) -> list[Candidate]:
    """Resources of the same kind (IRI folder) the KB has that an imported one may be: the
    same IRI, name or alternative label, web site, or a close name."""
    prefix = str(ID[kind + "/"])
    found: dict[str, list[str]] = {}

    def note(iri: str, why: str) -> None:
        if iri.startswith(prefix) and frozenset((iri, minted)) not in known.different:
            found.setdefault(iri, [])
            if why not in found[iri]:
                found[iri].append(why)

    if minted in known.described:
        note(minted, "same IRI")
    names = [n for n in names if n]
    for name in names:
        for iri in known.by_name.get(key(name), ()):
            note(iri, f"same name {name!r}")
    for page in pages:
        for iri in known.by_page.get(page_key(page), ()):
            note(iri, f"same web site {page}")
    wanted = {key(n) for n in names}
    squeezed = {k.replace(" ", "") for k in wanted}
    for iri, kb_names in known.names.items():
        if not iri.startswith(prefix) or iri in found:
            continue
        for kb_name in kb_names:
            k = key(kb_name)
            close = k.replace(" ", "") in squeezed or any(
                difflib.SequenceMatcher(None, k, w).ratio() >= 0.9 for w in wanted
            )
            if not close:
                bare = key(without_legal_form(kb_name))
                close = any(bare == key(without_legal_form(n)) for n in names)
            if close:
                note(iri, f"close name {kb_name!r}")
                break
    return [Candidate(iri, why) for iri, why in sorted(found.items())]


@dataclass
class Entity:
    """A resource the profile names that the knowledge base may already have."""

    kind: str  # IRI folder: organisation, project, partnership, event
    name: str
    names: list[str]
    line: int
    pages: list[str] = field(default_factory=list)
    iri: URIRef | None = None  # decided IRI
    section: str = "general-information"  # where the decision is recorded

    @property
    def minted(self) -> str:
        return str(ID[f"{self.kind}/{slug(without_legal_form(self.name))}"])


SCORES = {"same web site": 3, "same name": 2, "same IRI": 1, "close name": 0}


def _strength(c: Candidate) -> int:
    return sum(next((v for k, v in SCORES.items() if e.startswith(k)), 0) + 1 for e in c.evidence)


class IdentityLinker:
    """Decides the IRI of each resource a profile names: a new one from its name, or, where
    the knowledge base may already have it (`candidates`), the KB's (link=True: merge), a new
    one recorded as owl:differentFrom the candidates (link=False), or none yet (link=None: the
    proposals are reported and nothing is written)."""

    def __init__(self, known: Known, link: bool | None):
        self.known = known
        self.link = link
        self.proposals: list[tuple[Entity, list[Candidate]]] = []
        self.decisions: list[tuple[Entity, str, list[Candidate]]] = []
        self._decided: dict[tuple[str, str], URIRef] = {}

    def __call__(self, e: Entity) -> URIRef:
        minted = e.minted
        memo = (e.kind, minted)
        if memo in self._decided:  # the same name twice in one import: one resource
            return self._decided[memo]
        # kept apart by an earlier import (--no-link): the IRI it was given then, and no
        # question about the resources it was told it is not
        earlier = sorted(
            a
            for a in self.known.kept_apart
            if a == minted or re.fullmatch(re.escape(minted) + r"-\d+", a)
        )
        if earlier:
            minted = earlier[0]
        found = candidates(self.known, e.kind, minted, e.names, e.pages)
        iri = URIRef(minted)
        if found:
            self.proposals.append((e, found))
            if self.link is True:
                best = max(found, key=_strength)
                iri = URIRef(best.iri)
                self.decisions.append((e, "merge", [best]))
            elif self.link is False:
                n = 2
                while str(iri) in self.known.described:
                    iri = URIRef(f"{minted}-{n}")
                    n += 1
                self.decisions.append((e, "distinct", found))
        self._decided[memo] = iri
        return iri

    def record(self, out: SectionGraphs, entities: Iterable[Entity]) -> None:
        """The decisions about `entities`, in the graph of the section that names each: a
        comment for a merge, owl:differentFrom for a resource kept apart."""
        mine = {id(e) for e in entities}
        for e, action, found in self.decisions:
            if id(e) not in mine:
                continue
            if action == "merge":
                why = "; ".join(found[0].evidence)
                out.graph(e.section).add(
                    (
                        SELF,
                        RDFS.comment,
                        literal_en(
                            f"kb import --link: '{e.name}' (line {e.line}) is <{found[0].iri}> "
                            f"({why})."
                        ),
                    )
                )
            else:
                for c in found:
                    out.graph(e.section).add((e.iri, OWL.differentFrom, URIRef(c.iri)))

    def report(self) -> list[str]:
        lines = []
        for e, found in self.proposals:
            for c in found:
                lines.append(
                    f"  {e.kind} '{e.name}' (line {e.line}, {e.minted.rsplit('/id/', 1)[-1]})"
                    f" may be <{c.iri}>: {'; '.join(c.evidence)}"
                )
        return lines


# --- output ------------------------------------------------------------------------------------


class SectionGraphs:
    """The graphs of one profile, one per section, with the knowledge base's single-valued
    facts respected: a resource the KB already describes keeps its value of a property the
    shapes allow once, and the import's value is not written (counted in `kept`)."""

    def __init__(self, known: Known, prefixes: dict[str, Namespace]):
        self.known = known
        self.prefixes = prefixes
        self.graphs: dict[str, Graph] = {}
        self.kept: list[tuple[str, URIRef, URIRef, object]] = []

    def graph(self, section: str) -> Graph:
        if section not in self.graphs:
            g = Graph()
            for prefix, ns in self.prefixes.items():
                g.bind(prefix, ns)
            self.graphs[section] = g
        return self.graphs[section]

    def add(self, section: str, s, p, o) -> None:
        if isinstance(s, URIRef) and self.known.has(s, p, o):
            self.kept.append((section, s, p, o))
            if p == SKOS.prefLabel:  # the KB's name stays; this one is an alternative
                self.graph(section).add((s, SKOS.altLabel, o))
            return
        g = self.graph(section)
        if (str(p), False) in self.known.single and any(
            True for _ in g.objects(s, p)
        ):  # within one import too: the first value stands
            if (s, p, o) not in g:
                self.kept.append((section, s, p, o))
            return
        g.add((s, p, o))


def turtle_text(g: Graph, header: str) -> str:
    text = g.serialize(format="turtle").replace(f"<{SELF}>", "<>")
    blocks = text.strip("\n").split("\n\n")
    prefixes = [b for b in blocks if b.startswith("@prefix")]
    first = [b for b in blocks if b.startswith("<> ")]
    rest = [b for b in blocks if b not in prefixes and b not in first]
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + "\n" + "\n\n".join(prefixes + first + rest) + "\n"


def write_folder(target: Path, files: dict[str, str]) -> None:
    """Write `files` (name -> text) as the folder `target`, replacing what it held: all files
    are written into a temporary folder beside it, which is then renamed into place, so a
    failed or interrupted import leaves the previous folder (or none), never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    old: Path | None = None
    try:
        for name, text in files.items():
            with (tmp / name).open("w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        for name in files:
            os.chmod(tmp / name, 0o666 & ~umask)
        if target.exists():
            old = target.with_name(f".{target.name}.{os.getpid()}.old")
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
                old = None
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)


__all__ = [
    "BULLET",
    "Candidate",
    "CodeLists",
    "DCTERMS",
    "EU_LANGUAGES",
    "EU_LANGUAGE",
    "EURIO",
    "FOAF",
    "Fault",
    "Known",
    "ORG",
    "PROV",
    "ProfileError",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "SectionGraphs",
    "XSD",
    "candidates",
    "clean",
    "key",
    "literal_en",
    "slug",
    "turtle_text",
    "without_legal_form",
    "write_folder",
]


def document_graph(known, doc: URIRef, title: str, label: str, publisher: str, sections):
    """The source graph of one imported profile: the graph says it is derived from the profile
    document `doc`, which is described with its sections ({section: label}); what the
    knowledge base `known` already states is left out. Returns the graph and its `add`."""
    g = Graph()
    for prefix, ns in (("mc", MC), ("dct", DCTERMS), ("prov", PROV), ("skos", SKOS)):
        g.bind(prefix, ns)

    def add(s, p, o):
        if not known.has(s, p, o):
            g.add((s, p, o))

    g.add((SELF, RDF.type, MC.SourceGraph))
    g.add((SELF, PROV.wasDerivedFrom, doc))
    add(doc, RDF.type, MC.SourceDocument)
    add(doc, DCTERMS.title, literal_en(title))
    add(doc, SKOS.prefLabel, literal_en(label))
    add(doc, DCTERMS.publisher, Literal(publisher))
    for section, section_label in sections.items():
        sec = URIRef(f"{doc}/{section}")
        add(sec, RDF.type, MC.DocumentSection)
        add(sec, DCTERMS.isPartOf, doc)
        add(sec, MC.sectionLabel, Literal(section_label))
        add(sec, SKOS.prefLabel, literal_en(section_label))
    return g, add


def profile_turtle_files(sections, what: str, command: str, source: str, document: Graph):
    """The Turtle files of one imported profile, {file name: text}: one per (section, label,
    graph) of `sections`, and source.ttl with the profile `document`; each file's header says
    which profile (`what`, e.g. "ECCP profile of AFIL") and section it holds and that
    `kb import <command>` made it from `source`."""
    files = {}
    for section, label, g in sections:
        header = (
            f"{what}, section '{label}'.\nImported by `kb import {command}` from {source}; "
            "re-run the import to refresh it (edits by hand are lost)."
        )
        files[f"{section}.ttl"] = turtle_text(g, header)
    header = f"The {what} and its sections.\nImported by `kb import {command}` from {source}."
    files["source.ttl"] = turtle_text(document, header)
    return files
