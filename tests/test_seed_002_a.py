"""Seed 002 (4M4IoF concept note), part A: summary, A.1, A.2, §3.1, §3.2 text, B.1-B.4, Annex 3.

The expected names, figures and letters below were written by hand from the seed
(../shared/seeds/002_6cb3b9b9629c4bea.txt), not derived from the data under test.
"""

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from kb.build.pipeline import build
from kb.core.config import load_config

B = "https://w3id.org/mfg-clusters/"
SRC = B + "id/source/4m4iof-concept-note/"

PREFIXES = """
PREFIX mc: <https://w3id.org/mfg-clusters/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@pytest.fixture(scope="module")
def store():
    # RDFS entailment is enough for these tests (they read asserted facts); it keeps the
    # module independent of OWL consistency problems elsewhere in the shared data.
    result = build(load_config(), inference="rdfs", validate_data=False, run_integrity_checks=False)
    return result.store


def rows(store, query, **bindings):
    return [tuple(row) for row in store.query(PREFIXES + query, bindings or None).rows]


def ask(store, query, **bindings):
    return store.query(PREFIXES + query, bindings or None).boolean


# Every organisation, region, partnership, event and programme named in part A's sections,
# with the type the text gives it (or the most specific type the seed supports).
NAMED = {
    # partnerships, networks, initiatives, alliances
    "id/partnership/4m4iof": "StrategicClusterPartnership",
    "id/partnership/four-motors-for-europe": "InterregionalNetwork",
    "id/partnership/4m4iof-working-group": "WorkingGroup",
    "id/partnership/4m4iof-steering-committee": "WorkingGroup",
    "id/partnership/s3p-industrial-modernisation": "Initiative",
    "id/partnership/enterprise-europe-network": "BusinessNetwork",
    "id/partnership/anella-industrial-4-0": "Initiative",
    "id/partnership/agenda-digitale-lombarda-2014-2018": "Initiative",
    "id/partnership/ambition-industrie-du-futur": "Initiative",
    "id/partnership/collectif-des-poles-industrie-du-futur": "RegionalAlliance",
    "id/partnership/comite-de-pilotage-ambition-industrie-du-futur": "RegionalAlliance",
    "id/partnership/allianz-industrie-4-0-bw": "RegionalAlliance",
    "id/partnership/lombardy-intelligent-factory-ecosystem": "RegionalAlliance",
    "id/partnership/plataforma-industrial-4-0": "RegionalAlliance",
    "id/partnership/big-data-coe-catalonia": "RegionalAlliance",
    "id/partnership/dih-high-performance-computing-catalonia": "RegionalAlliance",
    "id/partnership/centro-regional-coordination-group-economic-development": "RegionalAlliance",
    "id/partnership/flanders-regional-coordination-group": "RegionalAlliance",
    "id/partnership/nord-vest-regional-coordination-group-economic-development": (
        "RegionalAlliance"
    ),
    "id/partnership/lombardy-ris3-monitoring-group": "WorkingGroup",
    "id/partnership/lombardy-cluster-steering-committee": "WorkingGroup",
    "id/partnership/ris3cat-community-industria-del-futur": "Initiative",
    "id/partnership/ris3cat-community-fabricacio-additiva": "Initiative",
    "id/partnership/smart-specialisation-platform-flanders": "Initiative",
    "id/partnership/watify": "Initiative",
    "id/partnership/reconfirm": "Initiative",
    "id/partnership/eposs": "TechnologyPlatform",
    # authorities, agencies, companies, bodies
    "id/organisation/european-commission": "PublicAuthority",
    "id/organisation/region-auvergne-rhone-alpes": "RegionalAuthority",
    "id/organisation/regione-lombardia": "RegionalAuthority",
    "id/organisation/ministerium-wirtschaft-arbeit-wohnungsbau-bw": "RegionalAuthority",
    "id/organisation/catalonia-letter-issuer": "RegionalDevelopmentAgency",
    "id/organisation/ccdr-centro": "RegionalDevelopmentAgency",
    "id/organisation/adr-nord-vest": "RegionalDevelopmentAgency",
    "id/organisation/agence-regionale-auvergne-rhone-alpes": "RegionalDevelopmentAgency",
    "id/organisation/michelin": "LargeCompany",
    "id/organisation/renault-trucks": "LargeCompany",
    "id/organisation/aldes": "LargeCompany",
    "id/organisation/daimler": "LargeCompany",
    "id/organisation/bosch": "LargeCompany",
    "id/organisation/porsche": "LargeCompany",
    "id/organisation/sap": "LargeCompany",
    "id/organisation/i2cat": "ResearchOrganisation",
    "id/organisation/nis-romania": "PublicAuthority",
    "id/organisation/eurostat": "PublicAuthority",
    "id/organisation/dg-jrc": "PublicAuthority",
    "id/organisation/dg-regio": "PublicAuthority",
    # regions this part mints
    "id/region/quebec": "Region",
    "id/region/lyon": "Region",
    "id/region/eu": "Region",
    # events
    "id/event/industrie-2020-first": "Event",
    "id/event/hannover-messe": "Event",
    "id/event/industrial-european-days": "Event",
    "id/event/iot-solutions-world-congress": "Event",
    "id/event/cebit": "Event",
    "id/event/een-sector-group-meetings": "Event",
    "id/event/4m4iof-watify-brokerage": "Event",
    "id/event/cluster-matchmaking-conference": "Event",
    "id/event/open-days": "Event",
    # smart-specialisation strategies
    "id/s3-strategy/FRK": "SmartSpecialisationStrategy",
    "id/s3-strategy/DE1": "SmartSpecialisationStrategy",
    "id/s3-strategy/ES51": "SmartSpecialisationStrategy",
    "id/s3-strategy/ITC4": "SmartSpecialisationStrategy",
    "id/s3-strategy/BE2": "SmartSpecialisationStrategy",
    "id/s3-strategy/RO11": "SmartSpecialisationStrategy",
    "id/s3-strategy/PT16": "SmartSpecialisationStrategy",
    "id/s3-strategy/RO": "SmartSpecialisationStrategy",
}

# Named here but described by their owners (seed 000/001 developer, part B): they only need
# a resource with a label and some type in the built KB.
REFERENCED = [
    "id/organisation/plastipolis",
    "id/organisation/viameca",
    "id/organisation/minalogic",
    "id/organisation/afil",
    "id/organisation/microtec-sudwest",
    "id/organisation/bwcon",
    "id/organisation/eurecat",
    "id/organisation/cep",
    "id/organisation/cluster-digital-catalunya",
    "id/organisation/flanders-make",
    "id/organisation/cluj-it-cluster",
    "id/organisation/pool-net",
    "id/organisation/grenoble-inp",
    "id/partnership/vanguard-initiative",
    "id/partnership/i4ms",
    "id/partnership/manufuture",
    "id/partnership/silicon-europe-alliance",
    "id/project/greenomed",
    "id/project/bifocalps",
    "id/project/smart-space",
    "id/project/care4tech",
    "id/project/beincpps",
    "id/project/materialix",
    "id/project/insight",
    "id/project/clusterplast",
    "id/project/wiintech",
    "id/project/minam-2-0",
]

# Programmes and schemes of the B.3 financing schemes (code-list concepts).
PROGRAMMES = [
    "code/funding-programme/interreg",
    "code/funding-programme/interreg-europe",
    "code/funding-programme/interreg-alpine-space",
    "code/funding-programme/interreg-central-europe",
    "code/funding-programme/interreg-sudoe",
    "code/funding-programme/interreg-med",
    "code/funding-programme/interreg-danube",
    "code/funding-programme/h2020",
    "code/funding-programme/h2020-innosup",
    "code/funding-programme/h2020-fof-ppp",
    "code/funding-programme/cosme",
    "code/funding-programme/cosme-support-activities",
    "code/funding-programme/watify",
    "code/funding-programme/reconfirm",
    "code/funding-programme/efsi",
    "code/funding-scheme/IA",
    "code/funding-scheme/RIA",
    "code/funding-scheme/pilots",
]

LABEL_QUERY = """
ASK { ?s a ?type .
      { ?s skos:prefLabel ?l } UNION { ?s skos:altLabel ?l } UNION { ?s rdfs:label ?l } }
"""


@pytest.mark.parametrize("path,cls", sorted(NAMED.items()))
def test_named_resource_has_label_and_type(store, path, cls):
    subject = URIRef(B + path)
    typed = rows(store, "SELECT ?t WHERE { ?s a ?t }", s=subject)
    assert (URIRef(B + "ontology#" + cls),) in typed, f"{path} is not a mc:{cls}"
    labels = rows(
        store, "SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER(lang(?l) = 'en') }", s=subject
    )
    assert len(labels) == 1, f"{path} needs exactly one English prefLabel, has {labels}"


@pytest.mark.parametrize("path", REFERENCED + PROGRAMMES)
def test_referenced_resource_exists(store, path):
    assert ask(store, LABEL_QUERY, s=URIRef(B + path))


# Figures: (IRI path, value, unit, qualifier, reference year or None, section).
FIGURES = [
    (
        "id/figure/four-motors-for-europe/population/summary",
        "36000000",
        "count",
        "exact",
        None,
        "summary",
    ),
    (
        "id/figure/four-motors-for-europe/gdp-share/summary",
        "6.78",
        "percent",
        "exact",
        None,
        "summary",
    ),
    ("id/figure/four-motors-for-europe/gdp/summary", "1249000000", "EUR", "exact", None, "summary"),
    (
        "id/figure/industrie-2020-first/participants/summary",
        "600",
        "count",
        "more-than",
        None,
        "summary",
    ),
    ("id/figure/FRK/population/3-1-1", "7800000", "count", "exact", None, "3.1.1"),
    ("id/figure/FRK/population-share/3-1-1", "12", "percent", "exact", None, "3.1.1"),
    ("id/figure/FRK/area-share/3-1-1", "13", "percent", "exact", None, "3.1.1"),
    ("id/figure/FRK/gdp/3-1-1", "240000000000", "EUR", "exact", None, "3.1.1"),
    ("id/figure/FRK/industrial-jobs/3-1-1", "500000", "count", "exact", None, "3.1.1"),
    ("id/figure/FRK/competitiveness-clusters/3-1-1", "14", "count", "exact", None, "3.1.1"),
    ("id/figure/FRK/regional-clusters/3-1-1", "18", "count", "exact", None, "3.1.1"),
    ("id/figure/s3-FRK/s3-domains/3-1-1", "8", "count", "exact", None, "3.1.1"),
    ("id/figure/DE1/gdp/3-1-2", "461000000000", "EUR", "approximately", None, "3.1.2"),
    ("id/figure/DE1/gdp-share/3-1-2", "15.2", "percent", "exact", None, "3.1.2"),
    (
        "id/figure/DE1/automotive-revenue-share/3-1-2",
        "25",
        "percent",
        "approximately",
        None,
        "3.1.2",
    ),
    ("id/figure/DE1/metal-revenue-share/3-1-2", "7", "percent", "exact", None, "3.1.2"),
    ("id/figure/DE1/electrical-revenue-share/3-1-2", "7", "percent", "exact", None, "3.1.2"),
    ("id/figure/DE1/employees/3-1-2", "150000", "count", "exact", None, "3.1.2"),
    ("id/figure/ES51/gdp-share/3-1-3", "20", "percent", "exact", None, "3.1.3"),
    ("id/figure/ES51/multinationals-share/3-1-3", "45", "percent", "exact", None, "3.1.3"),
    ("id/figure/ITC4/value-added-share/3-1-4", "21.7", "percent", "exact", None, "3.1.4"),
    ("id/figure/ITC4/companies/3-1-4", "814000", "count", "exact", None, "3.1.4"),
    # European decimal marks: the dot as thousands separator, the comma as decimal mark.
    ("id/figure/BE2/companies/3-1-5", "5757", "count", "approximately", None, "3.1.5"),
    ("id/figure/BE2/employees/3-1-5", "198787", "count", "exact", None, "3.1.5"),
    ("id/figure/BE/manufacturing-gdp-share/3-1-5", "13.5", "percent", "exact", "2012", "3.1.5"),
    (
        "id/figure/BE/manufacturing-gdp-share-change/3-1-5",
        "-6",
        "percent",
        "approximately",
        "2012",
        "3.1.5",
    ),
    ("id/figure/eu/manufacturing-gdp-share/3-1-5", "15.7", "percent", "exact", None, "3.1.5"),
    (
        "id/figure/RO11/gdp-per-capita-relative-national/3-1-6",
        "87.5",
        "percent",
        "exact",
        "2013",
        "3.1.6",
    ),
    (
        "id/figure/RO11/gdp-per-capita-relative-eu28/3-1-6",
        "23.68",
        "percent",
        "exact",
        "2013",
        "3.1.6",
    ),
    ("id/figure/RO11/services-gva-share/3-1-6", "57.03", "percent", "exact", "2012", "3.1.6"),
    ("id/figure/RO11/manufacturing-gva-share/3-1-6", "28.14", "percent", "exact", "2012", "3.1.6"),
    ("id/figure/RO11/smes/3-1-6", "74000", "count", "more-than", "2014", "3.1.6"),
    ("id/figure/RO11/sme-density/3-1-6", "25", "per-1000-inhabitants", "almost", None, "3.1.6"),
    ("id/figure/PT16/municipalities/3-1-7", "100", "count", "exact", None, "3.1.7"),
    ("id/figure/PT16/area/3-1-7", "28199", "km2", "exact", None, "3.1.7"),
    ("id/figure/PT16/area-share/3-1-7", "30.6", "percent", "exact", None, "3.1.7"),
    ("id/figure/PT16/border-length/3-1-7", "270", "km", "exact", None, "3.1.7"),
    ("id/figure/PT16/coastline-length/3-1-7", "279", "km", "exact", None, "3.1.7"),
    ("id/figure/PT16/population/3-1-7", "2327755", "count", "exact", "2011", "3.1.7"),
    ("id/figure/PT16/gdp/3-1-7", "33962000000", "EUR", "exact", "2015", "3.1.7"),
    ("id/figure/PT16/gdp-share/3-1-7", "18.9", "percent", "exact", "2015", "3.1.7"),
    ("id/figure/PT16/gdp-per-capita/3-1-7", "15026", "eur-per-person", "exact", "2015", "3.1.7"),
    ("id/figure/PT16/gdp-per-capita-relative/3-1-7", "86.7", "percent", "exact", "2015", "3.1.7"),
    ("id/figure/4m4iof/members/3-2", "12", "count", "exact", None, "3.2"),
    ("id/figure/4m4iof/represented-organisations/3-2", "2500", "count", "exact", None, "3.2"),
    ("id/figure/4m4iof/smes/3-2", "1500", "count", "exact", None, "3.2"),
    ("id/figure/4m4iof/countries/3-2", "6", "count", "exact", None, "3.2"),
    ("id/figure/4m4iof/members-less-developed-regions/3-2", "2", "count", "exact", None, "3.2"),
    (
        "id/figure/collectif-des-poles-industrie-du-futur/members/b2-activities",
        "7",
        "count",
        "exact",
        None,
        "b2-activities",
    ),
]

FIGURE_QUERY = """
SELECT ?value ?unit ?qualifier ?year ?section ?stated WHERE {
  ?f a mc:Figure ; mc:value ?value ; mc:unit ?unit ; mc:qualifier ?qualifier ;
     mc:section ?section ; mc:statedAs ?stated ; mc:figureOf ?subject ; mc:measure ?measure .
  OPTIONAL { ?f mc:referenceYear ?year }
}
"""


@pytest.mark.parametrize("path,value,unit,qualifier,year,section", FIGURES)
def test_figure(store, path, value, unit, qualifier, year, section):
    found = rows(store, FIGURE_QUERY, f=URIRef(B + path))
    assert len(found) == 1, f"{path}: expected one figure row, got {found}"
    got_value, got_unit, got_qualifier, got_year, got_section, _stated = found[0]
    assert Decimal(str(got_value.toPython())) == Decimal(value)
    assert got_unit == URIRef(B + "code/unit/" + unit)
    assert got_qualifier == URIRef(B + "code/qualifier/" + qualifier)
    assert (str(got_year) if got_year is not None else None) == year
    assert got_section == URIRef(SRC + section)


@pytest.mark.parametrize(
    "path,flag",
    [
        ("id/figure/four-motors-for-europe/gdp/summary", "source-typo"),
        ("id/figure/PT16/gdp/3-1-7", "uncertain-reading"),
    ],
)
def test_flagged_figures(store, path, flag):
    flags = rows(store, "SELECT ?flag WHERE { ?f mc:flag ?flag }", f=URIRef(B + path))
    assert (URIRef(B + "code/data-flag/" + flag),) in flags


# Letters: issuer, issuer type, signatory role (None: not printed), date, clusters named.
LETTERS = {
    "region-auvergne-rhone-alpes": (
        "region-auvergne-rhone-alpes",
        "RegionalAuthority",
        None,
        None,
        {"minalogic", "plastipolis", "viameca"},
    ),
    "ministerium-wirtschaft-arbeit-wohnungsbau-bw": (
        "ministerium-wirtschaft-arbeit-wohnungsbau-bw",
        "RegionalAuthority",
        "General Director",
        "2017-03-28",
        {"microtec-sudwest", "bwcon"},
    ),
    "catalonia": (
        "catalonia-letter-issuer",
        "RegionalDevelopmentAgency",
        "Executive Director",
        "2016-12-20",
        set(),
    ),
    "ccdr-centro": (
        "ccdr-centro",
        "RegionalDevelopmentAgency",
        "President of Centro Regional Coordination and Development Commission",
        None,
        {"pool-net"},
    ),
    "regione-lombardia": (
        "regione-lombardia",
        "RegionalAuthority",
        "Deputy Director University, Research and Open Innovation",
        None,
        {"afil"},
    ),
    "adr-nord-vest": (
        "adr-nord-vest",
        "RegionalDevelopmentAgency",
        "General Director",
        None,
        {"cluj-it-cluster"},
    ),
}


def test_six_letters(store):
    found = rows(store, "SELECT ?l WHERE { ?l a mc:LetterOfSupport }")
    assert {str(r[0]) for r in found} == {B + "id/letter/" + s for s in LETTERS}


@pytest.mark.parametrize("slug", sorted(LETTERS))
def test_letter(store, slug):
    issuer, issuer_type, role, date, clusters = LETTERS[slug]
    letter = URIRef(B + "id/letter/" + slug)
    assert rows(store, "SELECT ?i WHERE { ?l dct:creator ?i }", l=letter) == [
        (URIRef(B + "id/organisation/" + issuer),)
    ]
    assert ask(
        store,
        "ASK { ?i a ?t }",
        i=URIRef(B + "id/organisation/" + issuer),
        t=URIRef(B + "ontology#" + issuer_type),
    )
    roles = rows(store, "SELECT ?r WHERE { ?l mc:signatoryRole ?r }", l=letter)
    assert [str(r[0]) for r in roles] == ([role] if role else [])
    if role:
        post = rows(
            store,
            "SELECT ?label WHERE { ?l mc:signatoryPost ?p . ?p a org:Post ; "
            "rdfs:label ?label FILTER(lang(?label) = 'en') }",
            l=letter,
        )
        assert [str(r[0]) for r in post] == [role]
    dates = rows(store, "SELECT ?d WHERE { ?l dct:date ?d }", l=letter)
    assert [str(r[0]) for r in dates] == ([date] if date else [])
    named = rows(store, "SELECT ?o WHERE { ?l mc:namesOrganisation ?o }", l=letter)
    assert {str(r[0]) for r in named} == {B + "id/organisation/" + c for c in clusters}
    assert ask(
        store,
        "ASK { ?l mc:supports ?p ; mc:section ?s ; mc:statesPriority ?x }",
        l=letter,
        p=URIRef(B + "id/partnership/4m4iof"),
        s=URIRef(SRC + "annex-3"),
    )


def test_letter_regions_and_priorities(store):
    def regions(slug):
        return {
            str(r[0]).rsplit("/", 1)[1]
            for r in rows(
                store, "SELECT ?r WHERE { ?l mc:namesRegion ?r }", l=URIRef(B + "id/letter/" + slug)
            )
        }

    core = {"FRK", "DE1", "ITC4", "ES51"}
    assert regions("ministerium-wirtschaft-arbeit-wohnungsbau-bw") == core | {"BE2"}
    assert regions("ccdr-centro") == core | {"BE2", "UKL", "PL21", "RO11", "PT16"}
    assert regions("adr-nord-vest") == core | {"BE2", "UKL", "PL21", "RO11"}
    nw = rows(
        store,
        "SELECT ?p WHERE { ?l mc:statesPriority ?p }",
        l=URIRef(B + "id/letter/adr-nord-vest"),
    )
    assert {str(r[0]).rsplit("/", 1)[1] for r in nw} == {
        "cosmetics",
        "furniture",
        "packaging",
        "production-technology",
    }
    protocol = rows(
        store,
        "SELECT ?i WHERE { ?l dct:identifier ?i }",
        l=URIRef(B + "id/letter/regione-lombardia"),
    )
    assert protocol == [(Literal("R1.2016.0015326 P"),)]


def test_partnership_memberships(store):
    found = rows(
        store,
        """SELECT ?member ?role WHERE {
        ?m org:organization ?p ; org:member ?member ; org:role ?role }""",
        p=URIRef(B + "id/partnership/4m4iof"),
    )
    by_role = {}
    for member, role in found:
        by_role.setdefault(str(role).rsplit("/", 1)[1], set()).add(str(member).rsplit("/", 1)[1])
    assert by_role["core-member"] == {
        "plastipolis",
        "viameca",
        "minalogic",
        "afil",
        "microtec-sudwest",
        "bwcon",
        "eurecat",
        "cep",
        "cluster-digital-catalunya",
        "flanders-make",
    }
    assert by_role["invited-member"] == {"cluj-it-cluster", "pool-net"}
    assert by_role["coordinator"] == {"plastipolis"}
    assert by_role["supporter"] == {"agence-regionale-auvergne-rhone-alpes"}


def test_four_motors_memberships(store):
    found = rows(
        store,
        """SELECT ?member ?role WHERE {
        ?m org:organization ?p ; org:member ?member ; org:role ?role }""",
        p=URIRef(B + "id/partnership/four-motors-for-europe"),
    )
    got = {(str(m).rsplit("/", 1)[1], str(r).rsplit("/", 1)[1]) for m, r in found}
    assert got == {
        ("FRK", "core-member"),
        ("DE1", "core-member"),
        ("ES51", "core-member"),
        ("ITC4", "core-member"),
        ("BE2", "associate"),
        ("UKL", "associate"),
        ("PL21", "associate"),
        ("quebec", "associate"),
        ("region-auvergne-rhone-alpes", "chair"),
    }


def test_objectives_and_topics(store):
    p = URIRef(B + "id/partnership/4m4iof")
    assert len(rows(store, "SELECT ?o WHERE { ?p mc:strategicObjective ?o }", p=p)) == 7
    assert len(rows(store, "SELECT ?o WHERE { ?p mc:operationalObjective ?o }", p=p)) == 5
    topics = rows(store, "SELECT ?t WHERE { ?p mc:partnershipTopic ?t }", p=p)
    assert len(topics) == 23
    narrower = rows(
        store,
        "SELECT ?n WHERE { ?n skos:broader ?t }",
        t=URIRef(B + "code/partnership-topic/industrialisation-innovative-processes"),
    )
    assert {str(r[0]).rsplit("/", 1)[1] for r in narrower} == {
        "additive-manufacturing",
        "nano-manufacturing-upscaling",
    }
    areas = rows(store, "SELECT ?a WHERE { ?p mc:s3pThematicArea ?a }", p=p)
    assert len({r[0] for r in areas}) == 4


def test_event_and_working_group(store):
    ev = URIRef(B + "id/event/industrie-2020-first")
    found = rows(
        store,
        """PREFIX schema: <https://schema.org/>
        SELECT ?d ?loc WHERE { ?e schema:startDate ?d ; mc:locatedIn ?loc }""",
        e=ev,
    )
    assert [(str(d), str(loc)) for d, loc in found] == [("2016-06-15", B + "id/region/lyon")]
    wg = rows(
        store,
        "SELECT ?e WHERE { ?w mc:createdAt ?e }",
        w=URIRef(B + "id/partnership/4m4iof-working-group"),
    )
    assert wg == [(ev,)]


def test_s3_priorities_are_in_their_strategy(store):
    found = rows(store, """SELECT ?p ?s WHERE { ?s mc:hasPriority ?p . ?p a mc:S3Priority }""")
    assert len(found) >= 30
    for priority, strategy in found:
        region = str(priority).split("/id/s3-priority/")[1].split("/")[0]
        assert str(strategy) == B + "id/s3-strategy/" + region
        assert ask(store, "ASK { ?p skos:inScheme ?s }", p=priority, s=strategy)
