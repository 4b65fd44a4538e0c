"""Importing SciTransfer organisation profiles: each page read (kb.importers.org_profile), mapped
section by section (kb.importers.org_sections), written as one Turtle file per section."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef

from kb.importers.common import MC, SELF
from kb.importers.eccp_profile import ImportReport
from kb.importers.org_profile import PUBLISHER, SECTION_LABELS, read_page
from kb.importers.org_sections import OrgMapper
from kb.importers.profiles import (
    PROV,
    RDF,
    CodeLists,
    IdentityLinker,
    Known,
    document_graph,
    profile_turtle_files,
    slug,
    without_legal_form,
)


def source_graph(mapper: OrgMapper) -> Graph:
    """The profile document and its sections (the seed's sources.ttl, for one profile)."""
    g, _add = document_graph(
        mapper.known,
        mapper.doc,
        f"SciTransfer organisation profile: {mapper.page.name}",
        f"SciTransfer profile of {mapper.who}",
        PUBLISHER,
        SECTION_LABELS,
    )
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
        for section in SECTION_LABELS:
            g = mapper.out.graph(section)
            g.add((SELF, RDF.type, MC.SourceGraph))
            g.add((SELF, PROV.wasDerivedFrom, URIRef(f"{mapper.doc}/{section}")))
        files = profile_turtle_files(
            ((s, label, mapper.out.graph(s)) for s, label in SECTION_LABELS.items()),
            f"SciTransfer profile of {mapper.page.name}",
            "org-profile",
            mapper.path.name,
            source_graph(mapper),
        )
        report.kept_from_kb += len(mapper.out.kept)
        outputs[out_dir / slug(without_legal_form(mapper.page.name))] = files
    return report, outputs
