"""`kb new cluster|organisation|project NAME`: a commented Turtle template to fill in.

The template holds every field the shapes ask for (a name in English, the cluster the
organisation animates, where the facts come from) filled from the command line, and the fields
of a cluster profile as commented-out lines to complete, each with the values its code list
allows, so a person fills it in without reading the ontology. `kb validate` then names what is
still missing (the shapes' messages) with the file and line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli import HELP
from kb.core.config import load_config
from kb.core.errors import ParameterError
from kb.core.fileio import atomic_write
from kb.importers.profiles import CodeLists, slug

FOLDERS = {
    "cluster": Path("data/ttl/clusters"),
    "organisation": Path("data/ttl/organisations"),
    "project": Path("data/ttl/projects"),
}
BASE = "https://w3id.org/mfg-clusters/"
PREFIXES = """@prefix mc:     <https://w3id.org/mfg-clusters/ontology#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix country: <https://w3id.org/mfg-clusters/id/country/> .
@prefix region: <https://w3id.org/mfg-clusters/id/region/> .
"""
# One prefix per code list, so a code reads as list:code (sectoral-industry:manufacturing).
SCHEMES = (
    "sectoral-industry technology-field s3-priority-area emerging-industry support-service "
    "cooperation-activity expertise-area funding-programme funding-scheme participation-role "
    "measure unit qualifier"
).split()
PREFIXES += "".join(f"@prefix {s}: <{BASE}code/{s}/> .\n" for s in SCHEMES)
HOW = """# How to fill it in:
#   * A line that starts with '#' is a comment. A commented line such as
#         #    mc:country country:XX ;
#     is a field you can fill in: remove the '#', put your value in place of the example, keep
#     the ';' at its end. Leave a field commented out if you do not know it; never invent one.
#   * Text goes between double quotes and ends with @en when it is English: "Our cluster"@en.
#   * Codes come from the project's code lists; each field lists the codes it accepts.
#   * Then run `kb validate`: it names, with this file's line, what is still missing or wrong.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help=HELP["new"],
        description="Write a commented Turtle template in the right folder under data/ttl/, "
        "with every field the shapes ask for and the optional fields of a profile, each "
        "with the codes it accepts. Fill it in, then run `kb validate`.",
    )
    p.add_argument("kind", choices=sorted(FOLDERS), help="what to describe")
    p.add_argument("name", help="its name, in English where it has one")
    p.add_argument("--acronym", help="acronym or short name (also used for the file name)")
    p.add_argument("--country", help="ISO 3166 alpha-2 code of its country, e.g. IT")
    p.add_argument(
        "--type",
        dest="org_type",
        default="association",
        help="organisation: a notation of code/organisation-type (default association)",
    )
    p.add_argument("-o", "--output", type=Path, help="file to write (default in data/ttl/)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run_new)


def _choices(codes: CodeLists, scheme: str, per_line: int = 3) -> str:
    table = codes.by_scheme.get(scheme, {})
    concepts = sorted(set(table.values()), key=str)
    names = [f"{scheme}:{str(c).rsplit('/', 1)[-1]}" for c in concepts]
    lines = []
    for i in range(0, len(names), per_line):
        lines.append("    #     " + ", ".join(names[i : i + per_line]))
    return "\n".join(lines)


def _field(prop: str, example: str, note: str, codes: str | None = None) -> str:
    text = f"    # {note}\n    #    {prop} {example} ;"
    if codes:
        text += "\n    #   accepted codes:\n" + codes
    return text


def _source(key: str, name: str, what: str) -> tuple[str, str]:
    doc = f"<{BASE}id/source/contrib-{key}>"
    section = f"<{BASE}id/source/contrib-{key}/profile>"
    text = f"""# --- Where these facts come from (required: every fact names its source) ----------
<> a mc:SourceGraph ;
    prov:wasDerivedFrom {section} .

{doc} a mc:SourceDocument ;
    dct:title "{what} of {name}, as contributed to the knowledge base"@en ;
    skos:prefLabel "{what} of {name}"@en ;
    dct:publisher "{name}" .
    # The web page these facts can be checked on (optional):
    #    rdfs:seeAlso <https://www.example.org/about> .

{section} a mc:DocumentSection ;
    dct:isPartOf {doc} ;
    mc:sectionLabel "{what}" ;
    skos:prefLabel "{what}"@en .
"""
    return text, section


def _figure(subject: str, key: str, section: str, measure: str, label: str, words: str) -> str:
    node = f"<{BASE}id/figure/{key}/{measure}/contrib-profile>"
    return f"""# {label} (optional: remove the '#' of every line of the block to use it)
# {node} a mc:Figure ;
#     mc:figureOf {subject} ;
#     mc:measure measure:{measure} ;
#     mc:value 120 ;                            # the number, digits only
#     mc:unit unit:count ;
#     mc:qualifier qualifier:exact ;      # or more-than, at-least, approximately, up-to
#     mc:referenceYear "2024"^^xsd:gYear ;      # the year the number is for
#     mc:statedAs "{words}" ;               # the words you would use on your web site
#     mc:section {section} .
"""


def _cluster_fields(acronym: str | None, country: str | None, codes) -> list[str]:
    """The cluster organisation's fields: given ones filled in, the others commented out."""
    return [
        (
            f"    mc:acronym {_quote(acronym)} ;"
            if acronym
            else _field("mc:acronym", '"ACRONYM"', "acronym or short name")
        ),
        (
            f"    mc:country country:{country} ;"
            if country
            else _field(
                "mc:country", "country:XX", "country (recommended): XX is its ISO code, e.g. IT"
            )
        ),
        _field("mc:locatedIn", "region:ITC4", "region: its NUTS code, e.g. ITC4 for Lombardy"),
        _field("foaf:homepage", "<https://www.example.org/>", "web site"),
        _field("schema:foundingDate", '"2013-03-13"^^xsd:date', "date established, YYYY-MM-DD"),
        _field("dct:description", '"What the cluster does, in a few sentences."@en', "description"),
        _field("mc:objective", '"One objective of the cluster."@en', "objectives, one per line"),
        _field(
            "mc:sectoralIndustry",
            "sectoral-industry:manufacturing",
            "sectoral industries (ECCP), one or more, separated by ','",
            _choices(codes, "sectoral-industry"),
        ),
        _field(
            "mc:technologyField",
            "technology-field:3d-printing",
            "technology fields (ECCP)",
            _choices(codes, "technology-field"),
        ),
        _field(
            "mc:s3PriorityArea",
            "s3-priority-area:advanced-manufacturing-systems",
            "S3 EU priority areas",
            _choices(codes, "s3-priority-area", 1),
        ),
        _field(
            "mc:emergingIndustry",
            "emerging-industry:digital-industries",
            "emerging industries (ECCP)",
            _choices(codes, "emerging-industry"),
        ),
        _field(
            "mc:providesService",
            "support-service:technology-transfer",
            "support services to members",
            _choices(codes, "support-service", 2),
        ),
        _field(
            "mc:internationalTargetCountry",
            "country:US",
            "countries outside Europe the cluster's international cooperation targets",
        ),
        _field(
            "mc:internationalActivity",
            "cooperation-activity:missions-events-fairs",
            "international activities for members",
            _choices(codes, "cooperation-activity", 2),
        ),
        _field(
            "mc:collaboratesWith",
            f"<{BASE}id/organisation/other-cluster>",
            "clusters you collaborate with (each needs a description of its own)",
        ),
        _field("mc:reasonToPartner", '"Why partners should choose you."@en', "reasons to partner"),
    ]


def cluster_template(name: str, key: str, acronym: str | None, country: str | None, codes) -> str:
    org = f"<{BASE}id/organisation/{key}>"
    cluster = f"<{BASE}id/cluster/{key}>"
    source, section = _source(key, name, "Cluster profile")
    body = "\n".join(_cluster_fields(acronym, country, codes))
    return f"""# New cluster: {name}. Written by `kb new cluster`; fill it in, then run
# `kb validate`.
{HOW}
{PREFIXES}
{source}
# --- The cluster organisation: the legal entity that manages the cluster ------------------
{org} a mc:ClusterOrganisation ;
    skos:prefLabel {_quote(name)}@en ;          # required: its name in English
{body}
    mc:animates {cluster} .

# --- The cluster it animates (required: a name and who animates it) ----------------------
{cluster} a mc:Cluster ;
    skos:prefLabel {_quote((acronym or name) + " cluster")}@en ;
    mc:animatedBy {org} .

{_figure(org, key, section, "members", "Number of members", "120 members")}
{_figure(org, key, section, "sme-members", "Number of SME members", "120 SMEs")}"""


def organisation_template(name, key, acronym, country, codes, org_type: str) -> str:
    concept = codes.by_scheme.get("organisation-type", {}).get(org_type.replace("-", " "))
    cls = codes.matches.get(concept) if concept is not None else None
    if cls is None:
        allowed = sorted({str(c).rsplit("/", 1)[-1] for c in codes.matches})
        raise ParameterError("--type", f"one of {', '.join(allowed)}, not {org_type!r}")
    org = f"<{BASE}id/organisation/{key}>"
    source, section = _source(key, name, "Organisation profile")
    fields = [
        (
            f"    mc:acronym {_quote(acronym)} ;"
            if acronym
            else _field("mc:acronym", '"ACRONYM"', "acronym or short name")
        ),
        _field("mc:locatedIn", "region:ITC4", "region: its NUTS code"),
        _field("foaf:homepage", "<https://www.example.org/>", "web site"),
        _field("dct:description", '"What the organisation does."@en', "description"),
        _field(
            "mc:technologyField",
            "technology-field:machine-tools",
            "technology fields",
            _choices(codes, "technology-field"),
        ),
        _field(
            "mc:expertiseArea",
            "expertise-area:ai-for-manufacturing",
            "areas of expertise",
            _choices(codes, "expertise-area", 2),
        ),
    ]
    fields.insert(
        1,
        f"    mc:country country:{country} ;"
        if country
        else _field("mc:country", "country:XX", "country (recommended): XX is its ISO code"),
    )
    return f"""# New organisation: {name}. Written by `kb new organisation`; fill it in, then run
# `kb validate`.
{HOW}
{PREFIXES}
{source}
# --- The organisation ({org_type}) ------------------------------------------------------
{org} a <{cls}> ;
{chr(10).join(fields)}
    skos:prefLabel {_quote(name)}@en .          # required: its name in English
"""


def project_template(name, key, acronym, country, codes) -> str:
    project = f"<{BASE}id/project/{key}>"
    source, section = _source(key, name, "Project description")
    part = f"<{BASE}id/participation/{key}/PARTNER>"
    programme = _field(
        "mc:fundingProgramme",
        "funding-programme:h2020",
        "funding programme (recommended)",
        _choices(codes, "funding-programme", 2),
    )
    scheme = _field(
        "mc:fundingScheme", "funding-scheme:IA", "type of action", _choices(codes, "funding-scheme")
    )
    return f"""# New project: {name}. Written by `kb new project`; fill it in, then run
# `kb validate`.
{HOW}
{PREFIXES}
{source}
# --- The project --------------------------------------------------------------------------
{project} a mc:Project ;
    skos:prefLabel {_quote(acronym or name)}@en ;   # required: its name (the acronym)
    mc:acronym {_quote(acronym or name)} ;          # recommended
{programme}
{scheme}
{_field("schema:startDate", '"2019-01-01"^^xsd:date', "start date, YYYY-MM-DD")}
{_field("schema:endDate", '"2021-12-31"^^xsd:date', "end date, YYYY-MM-DD")}
{_field("mc:summary", '"What the project does, in a few sentences."@en', "summary")}
    dct:title {_quote(name)}@en .                   # recommended: the full title

# --- Who takes part: one block per organisation (optional; remove the '#' of every line,
# --- put the organisation's IRI in place of PARTNER in both places) ------------------------
# {part} a mc:Participation ;
#     mc:inProject {project} ;
#     mc:participant <{BASE}id/organisation/PARTNER> ;
#     mc:participationRole participation-role:partner ;   # coordinator, partner, third-party, ...
#     mc:section {section} .
"""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_new(args: argparse.Namespace) -> int:
    config = load_config()
    key = slug(args.acronym or args.name)
    country = args.country.upper() if args.country else None
    if country and not (len(country) == 2 and country.isalpha()):
        raise ParameterError("--country", f"an ISO 3166 alpha-2 code such as IT, not {country!r}")
    codes = CodeLists.read(config.ontology_dirs)
    if args.kind == "cluster":
        text = cluster_template(args.name, key, args.acronym, country, codes)
    elif args.kind == "organisation":
        text = organisation_template(args.name, key, args.acronym, country, codes, args.org_type)
    else:
        text = project_template(args.name, key, args.acronym, country, codes)
    out = args.output or config.root / FOLDERS[args.kind] / f"{key}.ttl"
    if out.exists() and not args.force:
        raise ParameterError("NAME", f"{out} exists already (--force overwrites it)")
    atomic_write(out, text)
    print(f"wrote {out}: fill it in, then run `kb validate`", file=sys.stderr)
    return 0
