"""The dataset described for machines: VoID (statistics, dumps, endpoint, URI space,
vocabularies) and a DCAT-AP 3 catalogue record, both carrying the CC BY 4.0 licence."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, VOID, XSD

from kb.core.namespaces import MC
from kb.publish.data import LICENCE, SiteData
from kb.publish.dumps import DUMPS

SPDX = Namespace("http://spdx.org/rdf/terms#")
# The algorithm IRIs in the https form DCAT-AP 3's controlled-vocabulary shapes ask for
# (mdr-vocabularies.shape.ttl: ^https://spdx.org/rdf/terms); the properties and classes keep
# the http namespace the DCAT-AP shapes use
SPDX_ALGORITHMS = Namespace("https://spdx.org/rdf/terms#")
SHA256 = SPDX_ALGORITHMS.checksumAlgorithm_sha256
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("https://schema.org/")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_LANGUAGE = URIRef(EU_AUTHORITY + "language/ENG")
# DCAT-AP's recommended properties, from the EU vocabularies DCAT-AP names: the data covers
# Europe; its themes are the economy and science & technology; the dumps are kept (STABLE)
EUROPE = URIRef(EU_AUTHORITY + "continent/EUROPE")
THEME_SCHEME = URIRef(EU_AUTHORITY + "data-theme")
THEMES = (URIRef(EU_AUTHORITY + "data-theme/ECON"), URIRef(EU_AUTHORITY + "data-theme/TECH"))
STABLE = URIRef(EU_AUTHORITY + "planned-availability/STABLE")
LICENCE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/NonProfitOrganisation")
# DCAT-AP asks the concepts a record uses to carry their labels: as their vocabularies give them
CONCEPT_LABELS = {
    THEMES[0]: "Economy and finance",
    THEMES[1]: "Science and technology",
    STABLE: "Stable",
    LICENCE_TYPE: "Attribution",
    PUBLISHER_TYPE: "Non-Profit Organisation",
}
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
# Europe's extent as DCAT asks it (WKT, longitude first): from the Azores (-31.3) to Cyprus
# (34.6), the Canaries (27.6) to the North Cape (71.2), the NUTS 2021 regions' span
EUROPE_BBOX = "POLYGON((-31.3 27.6,34.6 27.6,34.6 71.2,-31.3 71.2,-31.3 27.6))"
EUROPE_CENTROID = "POINT(9.9 52.5)"
TITLE = "Manufacturing Clusters Knowledge Base"
DESCRIPTION = (
    "Linked open data about Europe's advanced-manufacturing cluster ecosystem: cluster "
    "organisations and their members, NUTS regions and smart-specialisation priorities, EFFRA "
    "research domains, partnerships, funded projects and participations, every fact traceable "
    "to the document section it comes from."
)


@dataclass(frozen=True)
class Statistics:
    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int
    class_entities: dict[URIRef, int]


def statistics(d: SiteData) -> Statistics:
    """VoID statistics of the flat dataset (the asserted facts). Entities are the IRIs the
    knowledge base mints and describes (subjects under the base IRI)."""
    g = d.asserted
    per_class: dict[URIRef, set] = {}
    for s, cls in g.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            per_class.setdefault(cls, set()).add(s)
    return Statistics(
        triples=len(g),
        entities=len(d.described),
        classes=len(per_class),
        properties=len(set(g.predicates())),
        distinct_subjects=len(set(g.subjects())),
        distinct_objects=len(set(g.objects())),
        class_entities={c: len(v) for c, v in sorted(per_class.items())},
    )


# The stored-query catalogue (SHACL SPARQL executables), published beside the dumps.
QUERY_CATALOGUE = "queries/catalogue.ttl"


def dataset_iri(base: str) -> URIRef:
    return URIRef(base + "dataset")


def vocabularies(d: SiteData, prefixes: dict[str, str]) -> list[URIRef]:
    """The namespaces (from the configured prefixes) whose terms the data uses."""
    used = {str(p) for p in d.asserted.predicates()} | {
        str(c) for c in d.asserted.objects(None, RDF.type)
    }
    found = []
    for ns in sorted(set(prefixes.values())):
        if ns.startswith(d.base) and not ns.endswith("ontology#"):
            continue
        if any(term.startswith(ns) for term in used):
            found.append(URIRef(ns))
    return found


# VoID example resources: one of each of the kinds a reader comes for
_EXAMPLE_CLASSES = ("ClusterOrganisation", "StrategicClusterPartnership", "Project", "Region")


def example_resources(d: SiteData) -> list[URIRef]:
    """The first described resource (by IRI) of each class of _EXAMPLE_CLASSES the data has;
    AFIL, the seed's own cluster, first when it is there."""
    described = set(d.described)
    found = []
    for name in _EXAMPLE_CLASSES:
        members = sorted(s for s in d.asserted.subjects(RDF.type, MC[name]) if s in described)
        afil = URIRef(d.base + "id/organisation/afil")
        if afil in members:
            members.insert(0, afil)
        if members:
            found.append(members[0])
    return found


def void_graph(d: SiteData, prefixes: dict[str, str], site_url: str | None = None) -> Graph:
    base = d.base
    stats = statistics(d)
    ds = dataset_iri(base)
    g = Graph()
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds, DCTERMS.license, LICENCE))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, VOID.uriSpace, Literal(base + "id/")))
    g.add((ds, VOID.uriSpace, Literal(base + "code/")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((ds, VOID.rootResource, URIRef(base + "ontology")))
    g.add((ds, DCTERMS.relation, URIRef(base + QUERY_CATALOGUE)))  # the stored queries
    for dump in DUMPS:
        g.add((ds, VOID.dataDump, URIRef(base + "dumps/" + dump.name)))
    for example in example_resources(d):
        g.add((ds, VOID.exampleResource, example))
    for vocabulary in vocabularies(d, prefixes):
        g.add((ds, VOID.vocabulary, vocabulary))
    g.add((ds, VOID.triples, Literal(stats.triples)))
    g.add((ds, VOID.entities, Literal(stats.entities)))
    g.add((ds, VOID.classes, Literal(stats.classes)))
    g.add((ds, VOID.properties, Literal(stats.properties)))
    g.add((ds, VOID.distinctSubjects, Literal(stats.distinct_subjects)))
    g.add((ds, VOID.distinctObjects, Literal(stats.distinct_objects)))
    for cls, n in stats.class_entities.items():
        part = URIRef(f"{ds}#class-{_slug(cls)}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n)))
    # The dataset is CC BY 4.0; the reference data it includes keeps its own terms, so every
    # source document is listed with its licence (e.g. the ISO country list, CC BY-SA 4.0).
    for doc in sorted(set(d.asserted.subjects(RDF.type, MC.SourceDocument))):
        g.add((ds, PROV.wasDerivedFrom, doc))
        for p in (DCTERMS.title, DCTERMS.license, DCTERMS.rights, DCTERMS.source):
            for o in d.asserted.objects(doc, p):
                g.add((doc, p, o))
    if site_url:
        g.add((ds, RDFS.seeAlso, URIRef(site_url)))
    return g


_DUMP_TEXT = {
    True: "Every named graph of the knowledge base (each source file's asserted facts, the "
    "OWL 2 RL inferences, the dataset description), as N-Quads.",
    False: "The knowledge base's asserted facts (the union of its source files) with the "
    "dataset description and its licence, as ",
}


def _dump_text(dump) -> str:
    return _DUMP_TEXT[True] if dump.name.endswith(".nq") else _DUMP_TEXT[False] + dump.title + "."


def time_span(d: SiteData) -> tuple[Literal, Literal] | None:
    """(earliest start, latest end) the data states for anything (projects, partnerships),
    as stated (xsd:gYear or xsd:date); None when it states none."""
    starts = list(d.asserted.objects(None, SCHEMA.startDate))
    ends = list(d.asserted.objects(None, SCHEMA.endDate)) or starts
    if not starts:
        return None
    return min(starts, key=str), max(ends, key=str)


def _slug(iri: URIRef) -> str:
    text = str(iri).replace("#", "/")
    return "-".join(p for p in text.split("/")[2:] if p).replace(".", "-")


def dcat_graph(
    d: SiteData, checksums: dict[str, str], issued: str, version: str = "0.1.0"
) -> Graph:
    """The DCAT-AP 3 catalogue record: a catalogue with one dataset and its distributions
    (each dump, with its licence, media type, format and SHA-256 checksum)."""
    base = d.base
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("dcatap", DCATAP),
        ("vcard", VCARD),
    ):
        g.bind(prefix, ns)
    publisher = URIRef(base + "dataset#publisher")
    _catalogue(g, base, publisher, issued)
    _linked_terms(g, base, publisher)
    _dataset(g, d, publisher, issued, version)
    for dump in DUMPS:
        _distribution(g, base, dump, checksums.get(dump.name))
    return g


def _catalogue(g: Graph, base: str, publisher: URIRef, issued: str) -> None:
    catalogue = URIRef(base + "dataset#catalogue")
    g.add((catalogue, RDF.type, DCAT.Catalog))
    g.add((catalogue, DCTERMS.title, Literal(TITLE + " catalogue", lang="en")))
    text = "The catalogue of the Manufacturing Clusters Knowledge Base's published data."
    g.add((catalogue, DCTERMS.description, Literal(text, lang="en")))
    g.add((catalogue, DCTERMS.publisher, publisher))
    g.add((catalogue, DCTERMS.license, LICENCE))
    g.add((catalogue, FOAF.homepage, URIRef(base)))
    g.add((catalogue, DCAT.dataset, dataset_iri(base)))
    g.add((catalogue, DCTERMS.language, EU_LANGUAGE))
    g.add((catalogue, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((catalogue, DCTERMS.modified, Literal(issued, datatype=XSD.date)))
    g.add((catalogue, DCTERMS.spatial, EUROPE))
    g.add((catalogue, DCAT.themeTaxonomy, THEME_SCHEME))


def _linked_terms(g: Graph, base: str, publisher: URIRef) -> None:
    """What the record links to, typed and labelled (the shapes check classes with
    sh:class, and DCAT-AP asks the concepts a record uses to carry their labels)."""
    g.add((EU_LANGUAGE, RDF.type, DCTERMS.LinguisticSystem))
    g.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((EUROPE, RDF.type, DCTERMS.Location))
    g.add((EUROPE, DCAT.bbox, Literal(EUROPE_BBOX, datatype=GEO.wktLiteral)))
    g.add((EUROPE, DCAT.centroid, Literal(EUROPE_CENTROID, datatype=GEO.wktLiteral)))
    for concept, label in CONCEPT_LABELS.items():
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("Manufacturing Clusters KB developers", lang="en")))
    g.add((publisher, DCTERMS.type, PUBLISHER_TYPE))
    g.add((PUBLISHER_TYPE, RDF.type, SKOS.Concept))
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    g.add((LICENCE, DCTERMS.type, LICENCE_TYPE))
    g.add((LICENCE_TYPE, RDF.type, SKOS.Concept))
    g.add((URIRef(base), RDF.type, FOAF.Document))
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((STABLE, RDF.type, SKOS.Concept))


def _dataset(g: Graph, d: SiteData, publisher: URIRef, issued: str, version: str) -> None:
    base = d.base
    ds = dataset_iri(base)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((ds, DCTERMS.language, EU_LANGUAGE))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    g.add((ds, DCTERMS.relation, URIRef(base + QUERY_CATALOGUE)))  # the stored queries
    g.add((ds, URIRef(str(DCAT) + "version"), Literal(version)))  # DCAT 3 term
    g.add((ds, DCTERMS.spatial, EUROPE))
    for theme in THEMES:
        g.add((ds, DCAT.theme, theme))
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.inScheme, THEME_SCHEME))
    contact = URIRef(base + "dataset#contact")
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("Manufacturing Clusters KB developers", lang="en")))
    g.add((contact, VCARD.hasURL, URIRef(base)))
    span = time_span(d)
    if span:
        period = URIRef(base + "dataset#period")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, span[0]))
        g.add((period, DCAT.endDate, span[1]))
    for keyword in ("manufacturing", "clusters", "smart specialisation", "EFFRA", "Industry 4.0"):
        g.add((ds, DCAT.keyword, Literal(keyword, lang="en")))


def _distribution(g: Graph, base: str, dump, checksum_value: str | None) -> None:
    """One dump as a distribution: licence, media type, format and (when known) checksum."""
    ds = dataset_iri(base)
    dist = URIRef(f"{ds}#dump-{dump.name.replace('.', '-')}")
    url = URIRef(base + "dumps/" + dump.name)
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(f"{TITLE}, {dump.title}", lang="en")))
    g.add((dist, DCTERMS.description, Literal(_dump_text(dump), lang="en")))
    g.add((dist, DCATAP.availability, STABLE))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCTERMS.license, LICENCE))
    media = URIRef("http://www.iana.org/assignments/media-types/" + dump.media_type)
    g.add((dist, DCAT.mediaType, media))
    g.add((media, RDF.type, DCTERMS.MediaType))
    g.add((dist, DCTERMS.format, URIRef(dump.format_iri)))
    g.add((URIRef(dump.format_iri), RDF.type, DCTERMS.MediaTypeOrExtent))
    if dump.compressed:
        gzip_type = URIRef("http://www.iana.org/assignments/media-types/application/gzip")
        g.add((dist, DCAT.compressFormat, gzip_type))
        g.add((gzip_type, RDF.type, DCTERMS.MediaType))
    if checksum_value is not None:
        checksum = URIRef(f"{dist}-sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SHA256))
        g.add((checksum, SPDX.checksumValue, Literal(checksum_value, datatype=XSD.hexBinary)))
