"""Turn what a user types (a CURIE, an IRI, a short name, a NUTS or country code) into the
IRIs of the knowledge base, refusing anything it does not describe, by parameter name."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import URIRef

from kb.core.errors import ParameterError
from kb.matching.signals import SignalReader
from kb.sparql.catalogue import expand_iri

BASE = "https://w3id.org/mfg-clusters/"
TOPIC_SCHEMES = (
    "technology-field",
    "sectoral-industry",
    "emerging-industry",
    "expertise-area",
    "vanguard-pilot",
)
_SHORT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Resolver:
    def __init__(self, reader: SignalReader, prefixes: Mapping[str, str]) -> None:
        self.reader = reader
        self.prefixes = prefixes

    def _known(self, candidates: list[str], parameter: str, value: str, what: str) -> URIRef:
        for iri in candidates:
            if self.reader.exists(URIRef(iri)):
                return URIRef(iri)
        raise ParameterError(parameter, f"no {what} {value!r} in the knowledge base")

    def _expanded(self, value: str, parameter: str) -> str | None:
        """The IRI a CURIE or IRI names, or None for a short name."""
        value = value.strip()
        if not value:
            raise ParameterError(parameter, "empty value")
        full = expand_iri(value, self.prefixes)
        if re.match(r"^https?://", full) or full.startswith("urn:"):
            return full
        if _SHORT.match(value):
            return None
        raise ParameterError(
            parameter, f"neither a known CURIE, an http(s) IRI nor a code: {value!r}"
        )

    def organisation(self, value: str, parameter: str) -> URIRef:
        full = self._expanded(value, parameter)
        tried = [full] if full else [f"{BASE}id/organisation/{value}"]
        return self._known(tried, parameter, value, "organisation")

    def domain(self, value: str, parameter: str = "--domain") -> URIRef:
        full = self._expanded(value, parameter)
        tried = [full] if full else [f"{BASE}code/effra-domain/{value.upper()}"]
        return self._known(tried, parameter, value, "EFFRA domain")

    def s3_area(self, value: str, parameter: str = "--s3") -> URIRef:
        full = self._expanded(value, parameter)
        tried = [full] if full else [f"{BASE}code/s3-priority-area/{value}"]
        return self._known(tried, parameter, value, "S3 priority area")

    def topic(self, value: str, parameter: str = "--topic") -> URIRef:
        full = self._expanded(value, parameter)
        tried = [full] if full else [f"{BASE}code/{s}/{value}" for s in TOPIC_SCHEMES]
        if not full and "/" in value:
            tried = [f"{BASE}code/{value}"]
        return self._known(
            tried, parameter, value, "topic (technology field, industry, expertise area or pilot)"
        )

    def place(self, value: str, parameter: str) -> URIRef:
        """A region by NUTS code or IRI, or a country by ISO code."""
        full = self._expanded(value, parameter)
        if full:
            tried = [full]
        else:
            code = value.upper()
            tried = [
                f"{BASE}id/region/{code}",
                f"{BASE}id/country/{code}",
                f"{BASE}id/region/{value}",
            ]
        return self._known(tried, parameter, value, "region or country")
