"""SciTransfer organisation profiles (the text of the page, as seed 001) as Turtle.

The page is a header (name, summary, a badge line of type, sector, country and active
projects, then the H2020 metrics: projects, coordinator roles, EC funding, unique partners)
followed by titled sections. SECTIONS is the one table from a section heading to its block,
METRICS the one table from a stated metric to its figure; the output follows
data/ttl/seed-001/: one file per section, figures citing their section, so the stated metrics
sit beside the ones the knowledge base computes from its participations (stored query
stated-vs-computed-metrics, the organisation's page). This module reads; the mapping of each
kind of section is in kb/importers/org_sections.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kb.importers.common import MC
from kb.importers.eccp_profile import Line, read_text
from kb.importers.profiles import FOAF, Fault, clean, key

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
    """A SciTransfer profile's header and its sections by heading; what does not fit (no
    name, no badge line, a metric or a section missing or twice, text outside the sections)
    is a fault with its line."""
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
    i = _read_header(page, body)
    if i is None:
        return page
    # the sections, by heading; raw lines kept (blank lines separate blocks)
    raw = [x for x in lines if x.number >= (body[i].number if i < len(body) else 10**9)]
    _read_sections(page, raw)
    for heading, (section, _, _) in SECTIONS.items():
        if section not in page.sections:
            last = lines[-1].number if lines else 1
            page.faults.append(Fault(path, last, f"section {heading!r} missing (truncated file?)"))
    return page


def _read_header(page: Page, body: list[Line]) -> int | None:
    """The name, summary, badge line and metrics from the non-blank lines `body`; the index
    of the first line after them (None: the profile ends before its name)."""
    path = page.path
    i = 1
    if i < len(body) and key(body[i].text) in ("organization", "organisation"):
        i += 1
    if i >= len(body):
        page.faults.append(Fault(path, body[-1].number, "the profile ends before its name"))
        return None
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
    return i


def _read_sections(page: Page, raw: list[Line]) -> None:
    """The lines of each section by its heading (and the sub-heading printed under it
    skipped), up to the page's navigation links."""
    path = page.path
    current: str | None = None
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


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    out: list[list[Line]] = [[]]
    for line in lines:
        text = line.text.strip().replace("\u00a0", " ")
        if text:
            out[-1].append(Line(line.number, text))
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


__all__ = ["read_page", "parse_amount", "METRICS", "SECTIONS", "FOAF"]
