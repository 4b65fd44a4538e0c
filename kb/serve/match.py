"""`kb serve`'s matchmaker: the /match page and /api/match, the parameters of `kb match`.

An HTTP parameter is a long option of `kb match` without its dashes (`for`, `team`, `fill`,
`domain`, `s3`, `topic`, `region`, `exclude-region`, `country`, `exclude-country`, `type`,
`not-partners-of`, `min-countries`, `max-per-region`, `limit`). They are read through the
command's own argparse definitions (type, choices, repeatable or not) and checked by its own
`check_arguments` and `build_request` (kb.matching.arguments), so the server refuses what the
command refuses, with the same message, naming the parameter as it is spelt over HTTP. Options
that name files or stores of the machine (`--profile`, `--weights`, `--engine`, `--endpoint`,
...) are not offered.

The match runs in a query worker (kb.serve.worker), on the worker's copy of the KB, under the
pool's time limit; `MatchService` is the worker's side, the rest runs in the web process.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import URIRef
from rdflib.term import Node

from kb.core.errors import KBError, ParameterError

# Options of `kb match` that name files or stores on the server's machine.
NOT_OVER_HTTP = {
    "profile": "names a file; describe the call with domain, s3 and topic instead",
    "weights": "names a file; the server uses the project's queries/match/weights.toml",
    "engine": "the server's engine is chosen by `kb serve --engine`",
    "endpoint": "the server answers from its own copy of the knowledge base",
    "timeout": "the server's time limit is `kb serve --timeout`",
    "rebuild": "the server serves the knowledge base it built at start",
    "help": "see docs/matching.md",
}
# Over this many suggestions (or picks with fill) the answer is refused (400): a page of
# evidence per suggestion; the pool's time limit bounds the work, this bounds the answer.
MAX_LIMIT = 100
# The form's list of organisations to choose from (any other can still be typed).
MAX_CHOICES = 5000
MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "table": "text/plain; charset=utf-8",
}
API_FORMATS = tuple(MEDIA)
SEEKING = ("organisation", "team", "domain", "s3", "topic")  # dests that name a seeker
_IRI_SAFE = "/!$&'()*+,;=:@-._~"


# --- the web process: parameters -------------------------------------------------------------


@cache
def _options() -> tuple[dict[str, argparse.Action], argparse.Namespace]:
    """`kb match`'s long options (without dashes) and its defaults, from the command itself."""
    from kb.matching.arguments import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = {
        option[2:]: action
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--")
    }
    return options, parser.parse_args([])


def http_name(option: str) -> str:
    return option.removeprefix("--")


def _undash(text: str) -> str:
    """A message of `kb match` with its options spelt as HTTP parameters."""
    options, _ = _options()
    return re.sub(
        r"--([a-z][a-z0-9-]*)", lambda m: m.group(1) if m.group(1) in options else m[0], text
    )


def http_error(exc: KBError) -> tuple[str, str | None]:
    """(message, parameter) of an error of `kb match`, the parameter spelt as over HTTP."""
    if isinstance(exc, ParameterError):
        name = http_name(exc.name)
        detail = str(exc).removeprefix(f"parameter {exc.name!r}: ")
        return f"parameter {name!r}: {_undash(detail)}", name
    return _undash(str(exc)), None


def _type_name(kind: Any) -> str:
    return {int: "a whole number", float: "a number"}.get(kind, getattr(kind, "__name__", "?"))


def match_arguments(values: Mapping[str, list[str]]) -> argparse.Namespace:
    """The arguments `kb match` would get for these HTTP parameters. An empty value counts
    as not given (a form sends its empty fields). Raises ParameterError naming the parameter."""
    options, defaults = _options()
    args = argparse.Namespace(**vars(defaults))
    offered = sorted(n for n in options if n not in NOT_OVER_HTTP and n != "format")
    for name, given in values.items():
        if name in NOT_OVER_HTTP:
            raise ParameterError(name, f"not available over HTTP: {NOT_OVER_HTTP[name]}")
        action = options.get(name)
        if action is None or name == "format":
            raise ParameterError(name, f"unknown parameter; the parameters: {', '.join(offered)}")
        given = [v.strip() for v in given if v.strip()]
        if not given:
            continue
        repeatable = isinstance(action, argparse._AppendAction)
        if not repeatable and len(given) > 1:
            raise ParameterError(name, f"given {len(given)} times; give it once")
        converted = []
        for value in given:
            if action.type is not None:
                try:
                    value = action.type(value)
                except (TypeError, ValueError):
                    raise ParameterError(
                        name, f"{value!r} is not {_type_name(action.type)}"
                    ) from None
            if action.choices is not None and value not in action.choices:
                choices = ", ".join(map(str, action.choices))
                raise ParameterError(name, f"{value!r} is not one of {choices}")
            converted.append(value)
        setattr(args, action.dest, converted if repeatable else converted[0])
    return args


def seeks(args: argparse.Namespace) -> bool:
    """Whether the arguments say who is looking (otherwise the page shows just its form)."""
    return any(getattr(args, dest) for dest in SEEKING)


def check(args: argparse.Namespace) -> None:
    """`kb match`'s own checks, then this server's bound on the size of an answer."""
    from kb.matching.arguments import check_arguments

    check_arguments(args)
    for option, value in (("--limit", args.limit), ("--fill", args.fill)):
        if value is not None and value > MAX_LIMIT:
            raise ParameterError(option, f"at most {MAX_LIMIT} on this server, not {value}")


def task_arguments(args: argparse.Namespace) -> dict:
    """The arguments as sent to a worker (without the command's function)."""
    return {k: v for k, v in vars(args).items() if k != "func"}


# --- the worker process ----------------------------------------------------------------------


def served_href(iri: str, base_iri: str) -> str:
    """The path `kb serve` gives the page of `iri` at: /id/... or /resource?iri=..."""
    own = base_iri + "id/"
    if iri.startswith(own):
        return "/id/" + quote(iri[len(own) :], safe=_IRI_SAFE)
    return "/resource?" + urlencode({"iri": iri})


class MatchService:
    """The matchmaker on a worker's store: resolves, ranks, renders (one request at a time,
    as the worker answers one task at a time)."""

    def __init__(self, store, queries_dir: Path, prefixes: Mapping[str, str], base_iri: str):
        from kb.matching.rank import Matcher
        from kb.matching.resolve import Resolver
        from kb.matching.signals import SignalReader
        from kb.matching.weights import load_weights

        self.reader = SignalReader(store, queries_dir)
        weights = load_weights(queries_dir / "match" / "weights.toml")
        self.matcher = Matcher(self.reader, weights)
        self.resolve = Resolver(self.reader, prefixes)
        self.store = store
        self.prefixes = dict(prefixes)
        self.base_iri = base_iri

    def _pages(self):
        from kb.publish.pages import resource_renderer

        builder = resource_renderer(self.store, base_iri=self.base_iri, link_suffix="")
        return builder.data.resource_set

    def answer(self, arguments: dict, view: str) -> dict:
        """The match for `kb match`'s arguments: the body in an API format, or for the page
        the JSON data with each IRI's text and the path of its page (when it has one)."""
        from kb.matching.arguments import build_request
        from kb.matching.render import render, to_json

        request = build_request(argparse.Namespace(**arguments), self.resolve)
        result = self.matcher.match(request)
        if view != "html":
            return {"body": render(result, view, self.prefixes).encode("utf-8")}
        data = json.loads(to_json(result))
        data["iris"] = self.describe(_iris(result))
        return {"data": data}

    def describe(self, iris: Iterable[URIRef]) -> dict[str, dict]:
        """{iri: {"text": label, code or CURIE, "href": its served page or None}}."""
        from kb.sparql.results import _short

        iris = sorted(set(iris))
        pages = self._pages()
        labels = self.reader.labels(iris)
        out = {}
        for iri in iris:
            label, notation = labels.get(iri, (None, None))
            out[str(iri)] = {
                "text": label or notation or _short(iri, self.prefixes),
                "curie": _short(iri, self.prefixes),
                "href": served_href(str(iri), self.base_iri) if iri in pages else None,
            }
        return out

    def form(self) -> dict:
        """What the page's form offers: organisations (CURIE, name), EFFRA domains (code,
        name) and the organisation types."""
        from kb.matching.model import ORGANISATION_TYPES
        from kb.matching.rank import COLLABORATION, ORGANISATIONS
        from kb.sparql.results import _short

        classes = " ".join(f"<{c}>" for c in sorted(ORGANISATIONS))
        rows = self.store.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?organisation ?label WHERE {\n"
            f"  VALUES ?class {{ {classes} }}\n"
            "  ?organisation a ?class .\n"
            f"  FILTER NOT EXISTS {{ ?organisation a <{COLLABORATION}> }}\n"
            "  OPTIONAL { ?organisation skos:prefLabel ?label }\n"
            "}"
        ).rows
        names: dict[Node, dict[str, str]] = {}
        for organisation, label in rows:
            if isinstance(organisation, URIRef):
                entry = names.setdefault(organisation, {})
                if label is not None:
                    entry.setdefault(getattr(label, "language", None) or "", str(label))
        choices = []
        for organisation, labels in names.items():
            label = labels.get("en") or labels.get("") or next(iter(labels.values()), "")
            curie = _short(organisation, self.prefixes)
            choices.append((str(organisation) if curie.startswith("<") else curie, label))
        choices.sort(key=lambda c: (c[1].casefold() or "\uffff", c[0]))
        domains = self.reader.effra_domains()
        labels = self.reader.labels(domains)
        return {
            "organisations": choices[:MAX_CHOICES],
            "more": max(0, len(choices) - MAX_CHOICES),
            "domains": [
                (str(d).rsplit("/", 1)[-1], labels.get(d, (None, None))[0] or "")
                for d in sorted(domains)
            ],
            "types": sorted(ORGANISATION_TYPES),
        }


def _iris(result) -> set[URIRef]:
    found: set[URIRef] = set()
    for s in result.suggestions:
        found |= {t for t in (s.candidate, s.region, s.country) if isinstance(t, URIRef)}
        for e in s.evidence:
            for term in (e.subject, e.predicate, e.object, e.graph, e.section):
                if isinstance(term, URIRef):
                    found.add(term)
    return found


# --- the web process: the page ---------------------------------------------------------------


class LiveLinks:
    """The `link` of the page templates for a page `kb serve` serves at its root."""

    suffix = ""

    def to(self, path: str) -> str:
        return "/" if path == "index" else "/" + path

    def raw(self, path: str) -> str:
        return "/" + path


LIVE_NAV = [("SPARQL", "/"), ("Match partners", "/match")]


@cache
def _environment():
    from kb.publish.pages import environment

    env = environment()
    env.globals["live_nav"] = LIVE_NAV
    env.globals["search_action"] = "/search"
    return env


def render_page(
    values: Mapping[str, list[str]],
    form: dict | None,
    data: dict | None = None,
    error: str | None = None,
) -> str:
    """The /match page: the form filled with `values`, the error or the ranked suggestions."""
    from kb.publish.data import LICENCE, LICENCE_NAME

    api = "/api/match?" + urlencode([(k, v) for k, vs in values.items() for v in vs if v])
    iris = (data or {}).get("iris", {})

    def term(value: str | None) -> dict:
        """How an evidence term shows: its text, its page; a literal as it is."""
        if value is None:
            return {"text": "", "href": None, "title": ""}
        if value in iris:
            return {**iris[value], "title": value}
        return {"text": value, "href": None, "title": ""}

    return (
        _environment()
        .get_template("match.html")
        .render(
            title="Partner matchmaking",
            link=LiveLinks(),
            nav=[],
            licence=str(LICENCE),
            licence_name=LICENCE_NAME,
            values={k: [v for v in vs if v] for k, vs in values.items()},
            form=form or {"organisations": [], "more": 0, "domains": [], "types": []},
            data=data,
            error=error,
            term=term,
            api=api,
        )
    )
