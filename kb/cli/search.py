"""`kb search TEXT`: ranked full-text search over labels and descriptions (docs/search.md)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys

from kb.build.text_index import open_index
from kb.cli import HELP
from kb.core.config import load_config
from kb.core.errors import ParameterError
from kb.fulltext.index import SearchResult, match_expression
from kb.sparql.results import _short

FORMATS = ("table", "json", "csv")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help=HELP["search"],
        description="Full-text search of the knowledge base's labels, acronyms, titles and "
        "descriptions (build/search.sqlite, made by `kb build`, or made now when missing or "
        "stale). Every word must occur, as a prefix, stemmed, case and accents ignored: "
        "'manufactur' finds 'manufacturing', 'robot' finds 'robotics'. One line per resource, "
        "best first.",
    )
    p.add_argument("text", metavar="TEXT", help="the words to find (quote several)")
    p.add_argument(
        "--type",
        metavar="CLASS",
        help="only resources of this class or of a sub-class (a CURIE such as mc:Project or "
        "org:FormalOrganization, or an IRI)",
    )
    p.add_argument(
        "--lang",
        metavar="TAG",
        help="only text in this language (and its sub-tags) or with no language tag",
    )
    p.add_argument("--limit", type=int, default=20, help="how many resources (default 20)")
    p.add_argument("--format", "-f", choices=FORMATS, default="table")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="index a fresh load and inference of the sources, whatever build/ holds",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    p.set_defaults(func=run)


def _type_iri(value: str, prefixes: dict[str, str]) -> str:
    from kb.sparql.catalogue import BAD_IRI, expand_iri

    iri = expand_iri(value, prefixes)
    if not value.strip() or BAD_IRI.search(iri) or ":" not in iri:
        raise ParameterError("--type", f"not a CURIE or an IRI: {value!r}")
    prefix = iri.split(":", 1)[0]
    if "://" not in iri and not iri.startswith("urn:"):
        raise ParameterError(
            "--type", f"unknown prefix {prefix!r} in {value!r} (see [tool.kb.prefixes])"
        )
    return iri


def _close_classes(value: str, classes: set[str], prefixes: dict[str, str]) -> list[str]:
    """The classes whose CURIE or local name is closest to what the user typed."""
    import difflib

    from rdflib import URIRef

    short = {_short(URIRef(c), prefixes): c for c in classes}
    local = {re.split(r"[#/:]", s)[-1].lower(): s for s in short}
    typed = re.split(r"[#/:]", value)[-1].lower()
    found = difflib.get_close_matches(value, list(short), n=3, cutoff=0.75)
    found += [local[n] for n in difflib.get_close_matches(typed, list(local), n=3, cutoff=0.7)]
    return list(dict.fromkeys(found))[:3]


def run(args: argparse.Namespace) -> int:
    config = load_config()
    try:
        match_expression(args.text)  # refused before any index is opened or made
    except ParameterError as exc:
        raise ParameterError("TEXT", str(exc).split(": ", 1)[1]) from None
    if args.limit < 1:
        raise ParameterError("--limit", f"must be at least 1, not {args.limit}")
    type_iri = _type_iri(args.type, config.prefixes) if args.type is not None else None
    index = open_index(config, rebuild=args.rebuild, progress=not args.quiet)
    try:
        result = index.search(args.text, type=type_iri, lang=args.lang, limit=args.limit)
    except ParameterError as exc:  # named as the command line names it
        name = {"type": "--type", "lang": "--lang", "limit": "--limit"}.get(exc.name, exc.name)
        message = str(exc).split(": ", 1)[1]
        if exc.name == "type":
            message = f"{args.type} is the type of no resource in the text index"
            close = _close_classes(args.type, index.classes(), config.prefixes)
            if close:
                message += f"; did you mean {', '.join(close)}?"
        raise ParameterError(name, message) from None
    finally:
        index.close()
    sys.stdout.write(render(result, args.format, config.prefixes))
    if not args.quiet:
        print(f"answering from {result.origin}", file=sys.stderr)
        print(f"{len(result.hits)} of {result.total} resources found", file=sys.stderr)
    return 0


def render(result: SearchResult, fmt: str, prefixes: dict[str, str]) -> str:
    if fmt == "json":
        doc = {"text": result.text, "total": result.total, "hits": []}
        doc["hits"] = [dict(rank=i, **h.asdict()) for i, h in enumerate(result.hits, 1)]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["rank", "score", "iri", "label", "types", "snippet", "property", "lang"])
        for i, h in enumerate(result.hits, 1):
            writer.writerow(
                [i, f"{h.score:.4f}", h.iri, h.label or "", " ".join(h.types), h.snippet]
                + [h.property, h.lang]
            )
        return out.getvalue()
    return to_table(result, prefixes)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(result: SearchResult, prefixes: dict[str, str]) -> str:
    """Rank, type and label on one line; the matching text, marked, and the IRI below it."""
    from rdflib import URIRef

    if not result.hits:
        return f"nothing found for {result.text!r}\n"
    out = io.StringIO()
    for i, h in enumerate(result.hits, 1):
        types = ", ".join(_short(URIRef(t), prefixes) for t in h.types[:2])
        more = f" +{len(h.types) - 2}" if len(h.types) > 2 else ""
        tag = f"@{h.lang}" if h.lang else ""
        label = _cut(h.label or _short(URIRef(h.iri), prefixes), 70)
        out.write(f"{i:>2}. {label}  ({types}{more})\n")
        out.write(f"    {_cut(h.snippet, 100)}  [{_short(URIRef(h.property), prefixes)}{tag}]\n")
        out.write(f"    {h.iri}\n")
    return out.getvalue()
