"""Namespaces used in code. The project's own are fixed by the base IRI in [tool.kb]."""

from rdflib import Graph, Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    VOID,
    XSD,
)

BASE = "https://w3id.org/mfg-clusters/"
MC = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
CODE = Namespace(BASE + "code/")
MCSH = Namespace(BASE + "shapes#")
GRAPH = Namespace(BASE + "graph/")
EURIO = Namespace("http://data.europa.eu/s66#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
SCHEMA = SDO  # schema.org is used with https:// throughout, as rdflib 7 does.

# Prefixes for reports and serialisations when [tool.kb.prefixes] is absent.
DEFAULT_PREFIXES = {
    "mc": str(MC),
    "id": str(ID),
    "code": str(CODE),
    "mcsh": str(MCSH),
    "graph": str(GRAPH),
    "eurio": str(EURIO),
    "org": str(ORG),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "schema": str(SDO),
    "geo": str(GEO),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "dcat": str(DCAT),
    "void": str(VOID),
}

__all__ = [
    "DEFAULT_PREFIXES",
    "BASE",
    "MC",
    "ID",
    "CODE",
    "MCSH",
    "GRAPH",
    "EURIO",
    "GEO",
    "NUTS",
    "COUNTRY",
    "SCHEMA",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
    "bind_prefixes",
]


def bind_prefixes(graph: Graph, prefixes: dict[str, str]) -> Graph:
    for prefix, iri in prefixes.items():
        graph.bind(prefix, Namespace(iri), override=True, replace=True)
    return graph
