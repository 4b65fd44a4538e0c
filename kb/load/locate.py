"""Where in the Turtle files a resource is described: file and line, for validation reports.

RDF parsers keep no positions, so the files are read again with a small Turtle tokenizer that
follows subjects and predicates at the top level of each statement (prefixes and the base
resolved, strings and comments skipped). A result is placed at the line where its focus node
states the result's path, or else where the node is typed, or else where it is first described.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(
    r'''(?P<ws>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
      | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<lang>@[A-Za-z][A-Za-z0-9-]*)
      | (?P<dtype>\^\^)
      | (?P<punct>[;,.\[\]()])
      | (?P<word>[^\s;,\[\]()"'<>]+(?<!\.))
    ''',
    re.VERBOSE,
)


@dataclass
class Description:
    """One block of statements about a subject: its first line, and the line of each
    predicate it uses."""

    path: Path
    line: int
    predicates: dict[str, int] = field(default_factory=dict)

    @property
    def typed(self) -> bool:
        return RDF_TYPE in self.predicates


def _join(base: str, ref: str) -> str:
    """A relative IRI resolved; an absolute one kept as written (urljoin drops an empty '#')."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", ref):
        return ref
    joined = urljoin(base, ref)
    return joined + "#" if ref.endswith("#") and not joined.endswith("#") else joined


def describe_file(path: Path, base: str) -> dict[str, list[Description]]:
    """subject IRI -> its descriptions in `path` (parsed with `base` for relative IRIs)."""
    text = path.read_text(encoding="utf-8")
    prefixes: dict[str, str] = {}
    out: dict[str, list[Description]] = {}
    tokens = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind not in ("ws", "comment"):
            tokens.append((kind, value, line))
        line += value.count("\n")

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            return _join(base, value[1:-1])
        if kind == "word" and value == "a":
            return RDF_TYPE
        if kind == "word" and ":" in value and not value.startswith(("_:", "@")):
            prefix, local = value.split(":", 1)
            if prefix in prefixes:
                return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None

    i, n = 0, len(tokens)
    depth = 0
    state = "subject"  # subject -> predicate -> object
    current: Description | None = None
    while i < n:
        kind, value, at = tokens[i]
        lowered = value.lower()
        if depth == 0 and state == "subject" and lowered in ("@prefix", "prefix"):
            if i + 2 < n:
                name = tokens[i + 1][1].rstrip(":")
                iri = tokens[i + 2][1]
                prefixes[name] = _join(base, iri[1:-1])
            i += 4 if lowered == "@prefix" else 3
            continue
        if depth == 0 and state == "subject" and lowered in ("@base", "base"):
            if i + 1 < n:
                base = _join(base, tokens[i + 1][1][1:-1])
            i += 3 if lowered == "@base" else 2
            continue
        if kind == "punct" and value in "[(":
            if depth == 0 and state == "subject":
                current = None
                state = "predicate"
            depth += 1
        elif kind == "punct" and value in "])":
            depth -= 1
        elif depth == 0:
            if kind == "punct" and value == ".":
                state, current = "subject", None
            elif kind == "punct" and value == ";":
                state = "predicate"
            elif kind == "punct" and value == ",":
                state = "object"
            elif state == "subject":
                iri = resolve(kind, value)
                current = Description(path, at) if iri else None
                if iri:
                    out.setdefault(iri, []).append(current)
                state = "predicate"
            elif state == "predicate":
                iri = resolve(kind, value)
                if current is not None and iri:
                    current.predicates.setdefault(iri, at)
                state = "object"
        i += 1
    return out


class Locator:
    """Finds the file and line of a focus node (and path) in the knowledge base's files."""

    def __init__(self, files: Iterable[tuple[Path, str]]):
        self.index: dict[str, list[Description]] = {}
        for path, base in files:
            try:
                found = describe_file(path, base)
            except (OSError, UnicodeDecodeError):
                continue
            for iri, descriptions in found.items():
                self.index.setdefault(iri, []).extend(descriptions)

    def find(self, focus: str, path: str | None = None) -> tuple[Path, int] | None:
        found = self.index.get(focus)
        if not found:
            return None
        if path:
            for d in found:
                if path in d.predicates:
                    return d.path, d.predicates[path]
        typed = [d for d in found if d.typed]
        d = (typed or found)[0]
        return d.path, d.line
