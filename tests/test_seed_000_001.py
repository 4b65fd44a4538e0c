"""Seeds 000 (ECCP profile of AFIL) and 001 (SciTransfer profile of AFIL) in the built KB.

The expected lists below were written by reading the two seed documents, not derived from the
Turtle under test. The KB is built once for the module (load + inference, no validation), and
every check is a SPARQL query through the Store interface with parameters bound as RDF terms.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kb.build.pipeline import build
from kb.core.config import load_config

BASE = "https://w3id.org/mfg-clusters/"
ID = BASE + "id/"
CODE = BASE + "code/"
ECCP = ID + "source/eccp-afil-profile"
SCITRANSFER = ID + "source/scitransfer-afil-profile"
SHARED_NUTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "nuts"

PREFIXES = """
PREFIX mc: <https://w3id.org/mfg-clusters/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX eurio: <http://data.europa.eu/s66#>
"""


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def code(path: str) -> URIRef:
    return URIRef(CODE + path)


@pytest.fixture(scope="module")
def kb():
    return build(load_config(), validate_data=False, run_integrity_checks=False)


def select(kb, text: str, **bindings):
    return kb.store.query(PREFIXES + text, bindings or None).dicts()


def ask(kb, text: str, **bindings) -> bool:
    return bool(kb.store.query(PREFIXES + text, bindings or None).boolean)


# --- coverage: everything the two seeds name ----------------------------------------------------
# (IRI path, a name as printed in the seed, a class the resource must have)
NAMED = [
    # organisations and the cluster
    ("organisation/afil", "AFIL", "ontology#ClusterOrganisation"),
    ("organisation/afil", "ASSOCIAZIONE FABBRICA INTELLIGENTE LOMBARDIA", "ontology#Association"),
    ("cluster/afil", None, "ontology#Cluster"),
    (
        "organisation/politecnico-di-milano",
        "Politecnico di Milano",
        "ontology#ResearchOrganisation",
    ),
    ("organisation/indeva-group", "Indeva Group", "ontology#LargeCompany"),
    ("organisation/tessitura-taiana-virgilio", "Tessitura Taiana Virgilio spa", "org#Organization"),
    ("organisation/camfart", "CAMFART fabbrica mole srl", "org#Organization"),
    ("organisation/whirlpool-europe", "Whirlpool Europe S.r.l.", "ontology#LargeCompany"),
    (
        "organisation/cfi",
        "CFI- Intelligent Factory Italian Cluster",
        "ontology#ClusterOrganisation",
    ),
    (
        "organisation/cfi",
        "CFI – INTELLIGENT FACTORY NATIONAL CLUSTER",
        "ontology#ClusterOrganisation",
    ),
    (
        "organisation/fundacio-privada-cequip",
        "Fundació Privada CEQUIP",
        "ontology#ClusterOrganisation",
    ),
    ("organisation/htsc-brainport", "HTSC (Brainport)", "ontology#ClusterOrganisation"),
    ("organisation/standortagentur-tirol", "Standortagentur Tirol", "ontology#ClusterOrganisation"),
    ("organisation/bayern-innovativ", "Bayern Innovativ GmbH", "ontology#ClusterOrganisation"),
    (
        "organisation/business-upper-austria",
        "Business Upper Austria - OÖ Wirtschaftsagentur GmbH",
        "ontology#ClusterOrganisation",
    ),
    ("organisation/marche-manufacturing", "Marche Manufacturing", "ontology#ClusterOrganisation"),
    ("organisation/miur", "MIUR", "ontology#PublicAuthority"),
    ("partnership/vanguard-initiative", "Vanguard Initiative", "ontology#Initiative"),
    ("partnership/i4ms", "I4MS", "ontology#Initiative"),
    ("partnership/afil-vanguard-workgroups", None, "ontology#WorkingGroup"),
    # projects
    ("project/erica", "ERICA", "ontology#Project"),
    ("project/beincpps", "BEinCPPS", "ontology#Project"),
    ("project/s34growth", "S34GROWTH", "ontology#Project"),
    ("project/3dcentral", "3DCentral", "ontology#Project"),
    ("project/care4tech", "CARE4TECH", "ontology#Project"),
    ("project/smart-space", "SMARTSPACE", "ontology#Project"),
    ("project/miur-intelligent-factory", None, "ontology#Project"),
    ("project/ai-regio", "AI REGIO", "ontology#Project"),
    ("project/eur3ka", "Eur3ka", "ontology#Project"),
    ("project/adma-transformers", "ADMA TranS4MErs", "ontology#Project"),
    ("project/screen", "SCREEN", "ontology#Project"),
    # event and city
    ("event/vanguard-matchmaking-2016", "Vanguard Matchmaking Event", "ontology#Event"),
    ("region/brussels", "Brussels", "ontology#Region"),
]

# Programmes named in the seeds, as code-list concepts.
PROGRAMMES = [
    ("funding-programme/trec", "TREC - Towards EU Regional Economic Convergence"),
    ("funding-programme/h2020", "Horizon 2020"),
    ("funding-programme/interreg-europe", "Interreg Europe"),
    ("funding-programme/interreg-central-europe", "Interreg Central Europe"),
    ("funding-programme/interreg-alpine-space", "Interreg Alpine Space"),
    ("funding-programme/miur", None),
    ("funding-programme/horizon-europe", "Horizon Europe"),
]

# Regions and countries the seeds name, with the resource that names them there.
# NUTS region -> (name in the seed, name in the Eurostat NUTS lists, who refers to it)
NUTS_NAMED = {
    "ITC4": ("Lombardy", "Lombardia", "organisation/afil"),
    "ES51": ("Catalonia", "Cataluña", "project/erica"),
    "FRE1": ("Nord-Pas de Calais", "Nord-Pas de Calais", "project/erica"),
    "NL4": ("South Netherlands", "Zuid-Nederland", "project/erica"),
    "ES21": ("Euskadi", "País Vasco", "project/beincpps"),
    "DE1": ("Baden Wuertemberg", "Baden-Württemberg", "project/beincpps"),
    "PT11": ("Norte", "Norte", "project/beincpps"),
    "FRK2": ("Rhone Alpes", "Rhône-Alpes", "project/beincpps"),
    "AT33": ("Standortagentur Tirol", "Tirol", "organisation/standortagentur-tirol"),
    "AT31": ("OÖ Wirtschaftsagentur", "Oberösterreich", "organisation/business-upper-austria"),
    "DE2": ("Bayern Innovativ", "Bayern", "organisation/bayern-innovativ"),
    "ITI3": ("Marche Manufacturing", "Marche", "organisation/marche-manufacturing"),
}
COUNTRIES = ["IT", "US", "ES", "NL", "AT", "DE", "BE"]

LABEL_QUERY = """
ASK {
  ?s rdf:type ?class .
  { ?s skos:prefLabel ?l } UNION { ?s rdfs:label ?l }
}
"""
NAME_QUERY = """
ASK {
  { ?s skos:prefLabel ?n } UNION { ?s skos:altLabel ?n } UNION { ?s mc:acronym ?n }
  FILTER (STR(?n) = STR(?name))
}
"""


@pytest.mark.parametrize(("path", "name", "cls"), NAMED, ids=[f"{p}:{c}" for p, _, c in NAMED])
def test_named_resource_has_label_and_type(kb, path, name, cls):
    cls_iri = (
        URIRef(BASE + cls) if cls.startswith("ontology#") else URIRef("http://www.w3.org/ns/" + cls)
    )
    assert ask(kb, LABEL_QUERY, s=iri(path), **{"class": cls_iri}), f"{path} lacks type or label"
    if name is not None:
        assert ask(kb, NAME_QUERY, s=iri(path), name=Literal(name)), f"{path} lacks name {name!r}"


@pytest.mark.parametrize(("path", "label"), PROGRAMMES)
def test_programme_concept(kb, path, label):
    rows = select(kb, "SELECT ?l WHERE { ?c a skos:Concept ; skos:prefLabel ?l }", c=code(path))
    assert rows, f"no concept {path}"
    if label is not None:
        assert label in {str(r["l"]) for r in rows}


def _nuts_names() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for file, code_col, name_col in [
        ("nuts-2016.csv", "2016 NUTS", "2016 NUTS name"),
        ("NUTS2021_latin_names.csv", "NUTS_ID", "NAME_LATN"),
    ]:
        with (SHARED_NUTS / file).open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream, delimiter=";"):
                names.setdefault(row[code_col], set()).add(row[name_col].casefold())
    return names


@pytest.mark.skipif(not SHARED_NUTS.is_dir(), reason="../shared/data/nuts not present")
@pytest.mark.parametrize("nuts", sorted(NUTS_NAMED))
def test_region_is_a_real_nuts_code_and_is_referenced(kb, nuts):
    """The code is a NUTS code whose Eurostat name is the region the seed names, and the
    resource that names it links to id/region/<code>. (Labels and types of NUTS regions come
    from data/ttl/reference/, generated by `kb import nuts` from the data's references.)"""
    _seed_name, eurostat_name, subject = NUTS_NAMED[nuts]
    assert eurostat_name.casefold() in _nuts_names()[nuts]
    assert ask(
        kb,
        "ASK { ?s mc:locatedIn|mc:withinRegion ?r }",
        s=iri(subject),
        r=iri("region/" + nuts),
    )


@pytest.mark.parametrize("alpha2", COUNTRIES)
def test_country_is_referenced(kb, alpha2):
    assert ask(
        kb,
        "ASK { ?s mc:country|mc:internationalTargetCountry ?c }",
        c=iri("country/" + alpha2),
    )


# --- provenance ------------------------------------------------------------------------------
SEED_DIRS = {"seed-000": ECCP, "seed-001": SCITRANSFER}


def _graphs(kb, folder: str) -> list[str]:
    prefix = BASE + "graph/data/ttl/" + folder + "/"
    return [g for g in kb.store.graph_names() if g.startswith(prefix)]


@pytest.mark.parametrize(("folder", "doc"), SEED_DIRS.items())
def test_every_graph_derives_from_a_section_of_its_document(kb, folder, doc):
    graphs = _graphs(kb, folder)
    # one file per section: 11 sections of the ECCP profile, 9 of the SciTransfer profile
    assert len(graphs) == {"seed-000": 11, "seed-001": 9}[folder]
    for g in graphs:
        rows = select(
            kb,
            "SELECT ?sec WHERE { ?g prov:wasDerivedFrom ?sec . ?sec a mc:DocumentSection ;"
            " dct:isPartOf ?doc }",
            g=URIRef(g),
            doc=URIRef(doc),
        )
        assert len(rows) == 1, f"{g} is not derived from exactly one section of {doc}"


@pytest.mark.parametrize("folder", SEED_DIRS)
def test_statement_nodes_cite_the_section_of_their_graph(kb, folder):
    """Every mc:section asserted in a graph of these seeds is the section the graph derives
    from, and every figure, participation, membership, post and amount there has one."""
    for g in _graphs(kb, folder):
        wrong = select(
            kb,
            "SELECT ?n ?sec WHERE { GRAPH ?g { ?n mc:section ?sec } ?g prov:wasDerivedFrom ?d ."
            " FILTER (?sec != ?d) }",
            g=URIRef(g),
        )
        assert not wrong, f"{g}: {wrong}"
        missing = select(
            kb,
            """SELECT ?n WHERE {
                 GRAPH ?g { ?n a ?t }
                 VALUES ?t { mc:Figure mc:Participation org:Membership org:Post mc:MonetaryAmount }
                 FILTER NOT EXISTS { GRAPH ?g { ?n mc:section ?sec } }
               }""",
            g=URIRef(g),
        )
        assert not missing, f"{g}: statement nodes without mc:section: {missing}"


# --- figures (value, unit, qualifier, section), read from the seeds ---------------------------
FIGURES = [
    # (figure IRI path, subject, value, unit, qualifier, section, statedAs contains)
    (
        "figure/afil-vanguard-workgroups/member-organisations/eccp-success-story",
        "partnership/afil-vanguard-workgroups",
        70,
        "count",
        "more-than",
        ECCP + "/success-story",
        "More than 70 AFIL member Organizations",
    ),
    (
        "figure/afil-vanguard-workgroups/non-member-organisations/eccp-success-story",
        "partnership/afil-vanguard-workgroups",
        60,
        "count",
        "more-than",
        ECCP + "/success-story",
        "60 not member Organizations",
    ),
    (
        "figure/afil-vanguard-workgroups/attendances/eccp-success-story",
        "partnership/afil-vanguard-workgroups",
        400,
        "count",
        "more-than",
        ECCP + "/success-story",
        "More than 400 recorded attendance",
    ),
    (
        "figure/afil-vanguard-workgroups/meetings/eccp-success-story",
        "partnership/afil-vanguard-workgroups",
        30,
        "count",
        "exact",
        ECCP + "/success-story",
        "30 meetings",
    ),
    (
        "figure/vanguard-initiative/member-regions/eccp-success-story",
        "partnership/vanguard-initiative",
        28,
        "count",
        "exact",
        ECCP + "/success-story",
        "28 most advanced European Region",
    ),
    (
        "figure/s34growth/regions/eccp-support-programmes",
        "project/s34growth",
        10,
        "count",
        "exact",
        ECCP + "/support-programmes",
        "ten European regions",
    ),
    (
        "figure/s34growth/countries/eccp-support-programmes",
        "project/s34growth",
        8,
        "count",
        "exact",
        ECCP + "/support-programmes",
        "8 EU countries",
    ),
    (
        "figure/beincpps/experiment-regions/eccp-support-programmes",
        "project/beincpps",
        5,
        "count",
        "exact",
        ECCP + "/support-programmes",
        "five selected",
    ),
    (
        "figure/care4tech/task-forces/eccp-support-programmes",
        "project/care4tech",
        4,
        "count",
        "exact",
        ECCP + "/support-programmes",
        '4 "Alpine Space Task Forces"',
    ),
    (
        "figure/care4tech/elichs/eccp-support-programmes",
        "project/care4tech",
        4,
        "count",
        "exact",
        ECCP + "/support-programmes",
        "4 Elichs",
    ),
    (
        "figure/afil/eccp-responsible-persons/eccp-general-information",
        "organisation/afil",
        2,
        "count",
        "exact",
        ECCP + "/general-information",
        "ECCP Responsible Person",
    ),
    (
        "figure/afil/h2020-projects/scitransfer-header",
        "organisation/afil",
        5,
        "count",
        "exact",
        SCITRANSFER + "/header",
        "H2020 projects 5",
    ),
    (
        "figure/afil/active-h2020-projects/scitransfer-header",
        "organisation/afil",
        0,
        "count",
        "exact",
        SCITRANSFER + "/header",
        "No active H2020 projects",
    ),
    (
        "figure/afil/coordinator-roles/scitransfer-header",
        "organisation/afil",
        0,
        "count",
        "exact",
        SCITRANSFER + "/header",
        "As coordinator 0",
    ),
    (
        "figure/afil/ec-funding/scitransfer-header",
        "organisation/afil",
        494000,
        "EUR",
        "approximately",
        SCITRANSFER + "/header",
        "€494K",
    ),
    (
        "figure/afil/unique-partners/scitransfer-header",
        "organisation/afil",
        132,
        "count",
        "exact",
        SCITRANSFER + "/header",
        "Unique partners 132",
    ),
    (
        "figure/afil/countries/scitransfer-collaboration-profile",
        "organisation/afil",
        32,
        "count",
        "exact",
        SCITRANSFER + "/collaboration-profile",
        "32 countries",
    ),
    (
        "figure/afil/unique-partners/scitransfer-collaboration-profile",
        "organisation/afil",
        132,
        "count",
        "exact",
        SCITRANSFER + "/collaboration-profile",
        "132 unique partners",
    ),
    (
        "figure/afil/coordinator-roles/scitransfer-collaboration-profile",
        "organisation/afil",
        0,
        "count",
        "exact",
        SCITRANSFER + "/collaboration-profile",
        "0 coordinator roles",
    ),
    (
        "figure/afil/h2020-projects/scitransfer-collaboration-profile",
        "organisation/afil",
        5,
        "count",
        "exact",
        SCITRANSFER + "/collaboration-profile",
        "across 5 projects",
    ),
    (
        "figure/afil/h2020-projects/scitransfer-analysis-note",
        "organisation/afil",
        5,
        "count",
        "exact",
        SCITRANSFER + "/analysis-note",
        "based on 5 projects",
    ),
    (
        "figure/participation-ai-regio-afil/ec-funding/scitransfer-notable-projects",
        "participation/ai-regio/afil/scitransfer-notable-projects",
        156125,
        "EUR",
        "exact",
        SCITRANSFER + "/notable-projects",
        "EUR 156,125",
    ),
    (
        "figure/expertise-claim-afil/manufacturing-sme-digital-transformation/projects/"
        "scitransfer-core-expertise",
        "expertise-claim/afil/manufacturing-sme-digital-transformation",
        3,
        "count",
        "exact",
        SCITRANSFER + "/core-expertise",
        "3 projects",
    ),
    (
        "figure/expertise-claim-afil/dih-s3-alignment/projects/scitransfer-core-expertise",
        "expertise-claim/afil/dih-s3-alignment",
        2,
        "count",
        "exact",
        SCITRANSFER + "/core-expertise",
        "2 projects",
    ),
    (
        "figure/expertise-claim-afil/ai-for-manufacturing/projects/scitransfer-core-expertise",
        "expertise-claim/afil/ai-for-manufacturing",
        1,
        "count",
        "exact",
        SCITRANSFER + "/core-expertise",
        "1 project",
    ),
    (
        "figure/expertise-claim-afil/manufacturing-resilience/projects/scitransfer-core-expertise",
        "expertise-claim/afil/manufacturing-resilience",
        1,
        "count",
        "exact",
        SCITRANSFER + "/core-expertise",
        "1 project",
    ),
]

FIGURE_QUERY = """
SELECT ?subject ?value ?unit ?qualifier ?section ?stated WHERE {
  ?f a mc:Figure ; mc:figureOf ?subject ; mc:value ?value ; mc:unit ?unit ;
     mc:qualifier ?qualifier ; mc:section ?section ; mc:statedAs ?stated .
}
"""


@pytest.mark.parametrize(
    ("path", "subject", "value", "unit", "qualifier", "section", "stated"),
    FIGURES,
    ids=[f[0] for f in FIGURES],
)
def test_figure(kb, path, subject, value, unit, qualifier, section, stated):
    rows = select(kb, FIGURE_QUERY, f=iri(path))
    assert len(rows) == 1, f"{path}: {rows}"
    row = rows[0]
    assert row["subject"] == iri(subject)
    assert Decimal(str(row["value"].toPython())) == Decimal(value)
    assert row["unit"] == code("unit/" + unit)
    assert row["qualifier"] == code("qualifier/" + qualifier)
    assert row["section"] == URIRef(section)
    assert stated in str(row["stated"])


def test_workgroup_figures_count_from_june_2014(kb):
    rows = select(
        kb,
        "SELECT ?f WHERE { ?f mc:figureOf ?wg ; mc:since ?since FILTER (STR(?since) = '2014-06') }",
        wg=iri("partnership/afil-vanguard-workgroups"),
    )
    assert len(rows) == 4


def test_uncertain_and_typo_flags(kb):
    flagged = {
        str(r["n"])
        for r in select(
            kb, "SELECT ?n WHERE { ?n mc:flag ?flag }", flag=code("data-flag/uncertain-reading")
        )
    }
    assert {
        ID + "figure/afil-vanguard-workgroups/non-member-organisations/eccp-success-story",
        ID + "expertise-claim/afil/dih-s3-alignment",
    } <= flagged
    # Annex 1 of seed 002 prints these programmes, so the seed-000 readings are not flagged.
    assert (
        not {
            ID + "project/3dcentral",
            ID + "project/care4tech",
            ID + "project/smart-space",
        }
        & flagged
    )
    typos = {
        str(r["n"])
        for r in select(
            kb, "SELECT ?n WHERE { ?n mc:flag ?flag }", flag=code("data-flag/source-typo")
        )
    }
    assert ID + "figure/vanguard-initiative/member-regions/eccp-success-story" in typos


def test_ai_regio_contribution_is_a_monetary_amount(kb):
    rows = select(
        kb,
        """SELECT ?value ?currency ?role ?stated WHERE {
             ?p mc:inProject ?project ; mc:participant ?afil ; mc:participationRole ?role ;
                mc:ecContribution ?amount .
             ?amount a mc:MonetaryAmount ; schema:value ?value ; schema:currency ?currency ;
                mc:statedAs ?stated .
           }""",
        project=iri("project/ai-regio"),
        afil=iri("organisation/afil"),
    )
    assert len(rows) == 1
    assert rows[0]["value"].toPython() == 156125
    assert str(rows[0]["currency"]) == "EUR"
    # "Notable projects" states the amount, not the role (the collaboration profile's own claim
    # reads AFIL as partner): one node per source claim, so the amount's claim has no role.
    assert rows[0]["role"] == code("participation-role/participant")
    assert str(rows[0]["stated"]) == "EUR 156,125"


# --- roles, memberships and participations ----------------------------------------------------
def test_management_team_has_two_eccp_responsible_persons(kb):
    rows = select(
        kb,
        "SELECT ?post ?label WHERE { ?post a org:Post ; org:postIn ?afil ; rdfs:label ?label }",
        afil=iri("organisation/afil"),
    )
    labels = sorted(str(r["label"]) for r in rows)
    assert labels == [
        "Cluster Manager",
        "ECCP Responsible Person",
        "ECCP Responsible Person",
        "Internationalisation Responsible",
    ]


def test_vanguard_technical_referent_membership(kb):
    rows = select(
        kb,
        """SELECT ?topic WHERE {
             ?m a org:Membership ; org:member ?afil ; org:organization ?vi ; org:role ?role ;
                mc:concerns ?topic ; mc:section ?sec .
           }""",
        afil=iri("organisation/afil"),
        vi=iri("partnership/vanguard-initiative"),
        role=code("membership-role/technical-referent"),
        sec=URIRef(ECCP + "/success-story"),
    )
    assert {r["topic"] for r in rows} == {
        code("vanguard-pilot/esm"),
        code("vanguard-pilot/3d-printing"),
        code("vanguard-pilot/hpm-oil-gas"),
    }


# One participation node per source claim: (project, role) by the section file that states it.
EXPECTED_ROLES = {
    # seed 001: 0 coordinator roles, "participates as a partner"; SCREEN as third party; the
    # notable-projects section states AI REGIO's amount but no role
    "seed-001/collaboration-profile": {
        "ai-regio": "partner",
        "eur3ka": "partner",
        "adma-transformers": "partner",
        "beincpps": "partner",
    },
    "seed-001/trajectory": {"screen": "third-party"},
    "seed-001/notable-projects": {"ai-regio": "participant"},
    # seed 000: role not stated, except the MIUR projects' managing team
    "seed-000/support-programmes": {
        "erica": "participant",
        "beincpps": "participant",
        "s34growth": "participant",
        "3dcentral": "participant",
        "care4tech": "participant",
        "smart-space": "participant",
        "miur-intelligent-factory": "managing-team",
    },
}


@pytest.mark.parametrize("section", EXPECTED_ROLES)
def test_afil_participation_role(kb, section):
    rows = select(
        kb,
        "SELECT ?project ?role WHERE { GRAPH ?g { ?p mc:inProject ?project ;"
        " mc:participant ?afil ; mc:participationRole ?role } }",
        g=URIRef(BASE + "graph/data/ttl/" + section),
        afil=iri("organisation/afil"),
    )
    got = {str(r["project"]).rsplit("/", 1)[-1]: str(r["role"]).rsplit("/", 1)[-1] for r in rows}
    assert got == EXPECTED_ROLES[section]


def test_each_source_claim_of_a_participation_is_its_own_node(kb):
    """AFIL in BEinCPPS: four sections say so, four nodes, each with one section and the role
    that section gives (N-Triples keep who said what)."""
    rows = select(
        kb,
        "SELECT ?p ?section ?role WHERE { ?p mc:inProject ?project ; mc:participant ?afil ;"
        " mc:section ?section ; mc:participationRole ?role }",
        project=iri("project/beincpps"),
        afil=iri("organisation/afil"),
    )
    got = {
        (str(r["p"]).rsplit("/", 1)[-1], str(r["section"]).split("/source/", 1)[1]): str(
            r["role"]
        ).rsplit("/", 1)[-1]
        for r in rows
    }
    assert got == {
        ("eccp-support-programmes", "eccp-afil-profile/support-programmes"): "participant",
        ("scitransfer-collaboration-profile", "scitransfer-afil-profile/collaboration-profile"): (
            "partner"
        ),
        ("annex-2", "4m4iof-concept-note/annex-2"): "partner",
        ("b3-toolbox", "4m4iof-concept-note/b3-toolbox"): "partner",
    }


def test_collaborating_clusters(kb):
    rows = select(
        kb,
        "SELECT ?other WHERE { GRAPH ?g { ?afil mc:declaresCollaborationWith ?other } }",
        afil=iri("organisation/afil"),
        g=URIRef(BASE + "graph/data/ttl/seed-000/collaborating-clusters"),
    )
    assert {str(r["other"]) for r in rows} == {
        ID + "organisation/" + slug
        for slug in [
            "cfi",
            "fundacio-privada-cequip",
            "htsc-brainport",
            "standortagentur-tirol",
            "bayern-innovativ",
            "business-upper-austria",
            "marche-manufacturing",
        ]
    }


# --- claims the two documents make differently, each kept with its section ----------------------
def _claim_graphs(kb, s, p, o) -> set[str]:
    """The graphs of seeds 000 and 001 that assert the triple (seed 002 may assert it too)."""
    rows = select(kb, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", s=s, p=p, o=o)
    mine = (BASE + "graph/data/ttl/seed-000/", BASE + "graph/data/ttl/seed-001/")
    return {str(r["g"]) for r in rows if str(r["g"]).startswith(mine)}


def test_afil_type_claims_kept_per_document(kb):
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    afil = iri("organisation/afil")
    eccp_graph = BASE + "graph/data/ttl/seed-000/general-information"
    sci_graph = BASE + "graph/data/ttl/seed-001/header"
    assert _claim_graphs(kb, afil, rdf_type, URIRef(BASE + "ontology#ClusterOrganisation")) == {
        eccp_graph
    }
    assert sci_graph in _claim_graphs(kb, afil, rdf_type, URIRef(BASE + "ontology#Association"))
    assert eccp_graph in _claim_graphs(kb, afil, rdf_type, URIRef(BASE + "ontology#Association"))


def test_beincpps_described_by_both_documents(kb):
    rows = select(
        kb,
        """SELECT ?doc ?summary WHERE {
             GRAPH ?g { ?p mc:summary ?summary }
             ?g prov:wasDerivedFrom ?sec . ?sec dct:isPartOf ?doc .
           }""",
        p=iri("project/beincpps"),
    )
    by_doc: dict[str, str] = {}
    for r in rows:
        by_doc[str(r["doc"])] = by_doc.get(str(r["doc"]), "") + str(r["summary"])
    assert "five selected Smart Specialization Strategy Vanguard regions" in by_doc[ECCP]
    assert "helping manufacturing SMEs adopt digital tools" in by_doc[SCITRANSFER]
    # the ECCP profile states no role for AFIL in BEinCPPS; the partner role comes from 001
    role_graphs = _claim_graphs(
        kb,
        iri("participation/beincpps/afil/scitransfer-collaboration-profile"),
        URIRef(BASE + "ontology#participationRole"),
        code("participation-role/partner"),
    )
    assert role_graphs == {BASE + "graph/data/ttl/seed-001/collaboration-profile"}
    regions = select(kb, "SELECT ?r WHERE { ?p mc:locatedIn ?r }", p=iri("project/beincpps"))
    assert {iri("region/" + c) for c in ["ITC4", "ES21", "DE1", "PT11", "FRK2"]} <= {
        r["r"] for r in regions
    }


def test_establishment_date(kb):
    rows = select(
        kb, "SELECT ?d WHERE { ?afil schema:foundingDate ?d }", afil=iri("organisation/afil")
    )
    assert [str(r["d"]) for r in rows] == ["2013-03-13"]
