"""Parameter values `kb query run -p` (and every other caller of kb.sparql.catalogue.bind) used to
accept and now refuses, each naming the parameter (issue 18, finding 7): an IRI of an unsafe
scheme, a repeated `-p`, digits of another script read as a number, an empty search term."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kb.cli import main
from kb.core.errors import ParameterError
from kb.sparql.catalogue import Parameter, bind, load_catalogue, to_term

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(REPO / "queries")


@pytest.mark.parametrize(
    "iri",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>".replace("<", "%3C").replace(">", "%3E"),
        "file:///etc/passwd",
        "vbscript:msgbox",
    ],
)
def test_an_iri_of_an_unsafe_scheme_is_refused(iri):
    with pytest.raises(ParameterError, match=r"'organisation'.*scheme"):
        bind(CATALOGUE["cluster-profile-facts"], {"organisation": iri}, {})


def test_http_https_urn_and_prefixed_iris_are_accepted():
    param = Parameter("organisation", "iri")
    prefixes = {"id": "https://w3id.org/mfg-clusters/id/"}
    for value, iri in [
        ("id:organisation/afil", "https://w3id.org/mfg-clusters/id/organisation/afil"),
        ("http://data.europa.eu/nuts/code/ITC4", "http://data.europa.eu/nuts/code/ITC4"),
        ("<urn:x-kb:sample>", "urn:x-kb:sample"),
    ]:
        assert to_term(param, value, prefixes) == URIRef(iri)


@pytest.mark.parametrize(
    "kind, value",
    [
        ("xsd:integer", "\uff15"),  # FULLWIDTH DIGIT FIVE: int() reads it as 5
        ("xsd:integer", "\u0663"),  # ARABIC-INDIC DIGIT THREE
        ("xsd:decimal", "\u0967.5"),  # DEVANAGARI DIGIT ONE
        ("xsd:double", "1e\uff13"),
        ("xsd:integer", "1_000"),  # int() accepts the underscore, XSD does not
        ("xsd:date", "\uff12\uff10\uff12\uff10-01-01"),
    ],
)
def test_digits_of_other_scripts_are_not_numbers(kind, value):
    with pytest.raises(ParameterError, match=r"'n'.*not a valid"):
        to_term(Parameter("n", kind), value, {})


def test_ascii_numbers_still_bind():
    assert to_term(Parameter("n", "xsd:integer"), " +3 ", {}) == Literal("+3", datatype=XSD.integer)
    assert to_term(Parameter("n", "xsd:decimal"), "-.5", {}).value == -0.5
    assert to_term(Parameter("n", "xsd:double"), "1.5E3", {}).value == 1500.0
    assert to_term(Parameter("n", "xsd:integer"), 7, {}) == Literal(7)


@pytest.mark.parametrize("term", ["", "   ", "\t\n"])
def test_an_empty_search_term_is_refused(term):
    for name in ("label-search", "projects-by-topic", "regions-sharing-priorities"):
        with pytest.raises(ParameterError, match=r"'term'.*empty"):
            bind(CATALOGUE[name], {"term": term}, {})


def test_a_repeated_parameter_is_an_error_naming_it(project, capsys):
    project({"c.ttl": "# no data\n"}, queries=REPO / "queries")
    argv = ["query", "run", "label-search", "-p", "term=lombard", "-p", "term=x"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "parameter 'term': given more than once" in err and "Traceback" not in err
    # the other refusals reach the command line the same way, exit 2
    assert main(["query", "run", "label-search", "-p", "term= "]) == 2
    assert "parameter 'term': empty" in capsys.readouterr().err
    assert main(["query", "run", "partner-search-domains", "-p", "minShared=\uff15"]) == 2
    assert "parameter 'minShared': not a valid xsd:integer" in capsys.readouterr().err
    assert main(["query", "run", "cluster-profile", "-p", "organisation=javascript:x"]) == 2
    assert "parameter 'organisation': the IRI scheme 'javascript'" in capsys.readouterr().err
