"""Importing ECCP cluster profiles: each page read (kb.importers.eccp_profile), mapped block by
block (kb.importers.eccp_blocks), checked against the knowledge base and written as one Turtle
file per section."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Literal, URIRef

from kb.importers.common import ID, MC, SELF
from kb.importers.eccp_blocks import Mapper
from kb.importers.eccp_profile import (
    PUBLISHER,
    SECTIONS,
    ImportReport,
    Profile,
    Reading,
    Subject,
    guess_acronym,
    read_fields,
    read_page,
    subject_from,
)
from kb.importers.profiles import (
    PROV,
    RDF,
    RDFS,
    CodeLists,
    Fault,
    IdentityLinker,
    Known,
    document_graph,
    profile_turtle_files,
    slug,
    without_legal_form,
)


def source_graph(profile: Profile, seed_file: str | None = None):
    """The profile document and its sections (the seed's sources.ttl, for one profile)."""
    doc = ID[f"source/eccp-{profile.slug}-profile"]
    name = profile.subject.acronym or profile.subject.name
    title = f"ECCP profile of {name}"
    g, add = document_graph(profile.sections.known, doc, title, title, PUBLISHER, SECTIONS)
    if profile.subject.page:
        add(doc, RDFS.seeAlso, URIRef(profile.subject.page))
    if seed_file:
        add(doc, MC.seedFile, Literal(seed_file))
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
    readings = [_read_profile(path, subject, report) for path in paths]
    targets = [out_dir / folder_name(who) for _, who in readings if who.name]
    known = Known.read(data_dirs, skip=targets, shapes_dir=shapes_dir)
    codes = CodeLists.read(ontology_dirs)
    linker = IdentityLinker(known, link)
    mapped = []
    for reading, who in readings:
        if not who.name:
            report.faults += reading.faults
            continue
        _check_place(reading, who, known)
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
        files = profile_files(profile)
        report.kept_from_kb += len(profile.sections.kept)
        outputs[out_dir / folder_name(profile.subject)] = files
    return report, outputs


def _read_profile(path: Path, subject: Subject | None, report: ImportReport):
    """(the fields read from the profile at `path`, who it is about: `subject` completed from
    the page, or the acronym its texts use); a profile that names no one gets a fault."""
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
    return reading, who


def _check_place(reading: Reading, who: Subject, known: Known) -> None:
    """--country and --region must name a country and a NUTS region the KB has: a fault
    (and no place) otherwise."""
    if who.country and who.country.lower() not in known.countries:
        message = f"--country {who.country}: no such country in the KB"
        reading.faults.append(Fault(reading.page.path, 1, message))
        who.country = None
    if who.region and who.region not in known.regions:
        message = f"--region {who.region}: no such NUTS region in the KB"
        reading.faults.append(Fault(reading.page.path, 1, message))
        who.region = None


def profile_files(profile: Profile) -> dict[str, str]:
    """The Turtle files of one mapped profile: one per section, and source.ttl."""
    return profile_turtle_files(
        ((section, SECTIONS[section], g) for section, g in section_files(profile)),
        f"ECCP profile of {profile.subject.acronym or profile.subject.name}",
        "eccp-profile",
        profile.path.name,
        source_graph(profile),
    )
