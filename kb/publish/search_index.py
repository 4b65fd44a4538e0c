"""The published site's client-side search index, search/index.json: per resource page its
site path, IRI, type, label, other names and a short description, read by kb/static/search.js
on search/index.html (no server, no framework: docs/search.md).

Bounded: at most MAX_ENTRIES entries and MAX_BYTES bytes, the most important resources first
(IMPORTANCE: clusters, cluster organisations, projects, other organisations, regions, code-list
concepts, then the rest; within one rank the most referred to first, then by label and IRI).
Whatever does not fit is left out and counted (`left_out`); the page says which kinds it
holds and how many it lacks. The file is deterministic: the same KB gives the same bytes."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDFS, SKOS

from kb.core.namespaces import MC
from kb.publish.data import SiteData, page_path

FORMAT = 1
INDEX_PATH = "search/index.json"
MAX_ENTRIES = 5000
MAX_BYTES = 2_000_000  # of the whole file, UTF-8
DESCRIPTION_CHARS = 160
MAX_NAMES = 6  # other names (alternative labels, acronyms, codes) per entry
# rank 0 first; a resource takes the best rank of its classes; unlisted classes rank last
IMPORTANCE = (
    (MC.Cluster, "clusters"),
    (MC.ClusterOrganisation, "cluster organisations"),
    (MC.Project, "projects"),
    (ORG.Organization, "other organisations"),
    (MC.Region, "regions"),
    (SKOS.Concept, "code-list concepts"),
)
OTHERS = "other resources (figures, participations, memberships, sources ...)"
NAMES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, SKOS.altLabel, MC.acronym, SKOS.notation)
DESCRIPTIONS = (DCTERMS.description, MC.summary, SKOS.definition, DCTERMS.abstract, RDFS.comment)


@dataclass
class ClientIndex:
    body: bytes  # the file
    entries: int  # how many resources it holds
    total: int  # how many resource pages the site has
    kinds: list[tuple[str, int, int]]  # (kind, in the index, left out), in rank order

    @property
    def left_out(self) -> int:
        return self.total - self.entries


def _text(values) -> list[str]:
    """Literals, English first, then untagged, then the others; each once, in a fixed order."""
    lits = sorted(
        {v for v in values if isinstance(v, Literal)}, key=lambda v: (str(v), v.language or "")
    )
    order = {"en": 0, None: 1}
    return list(dict.fromkeys(str(v) for v in sorted(lits, key=lambda v: order.get(v.language, 2))))


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _rank(d: SiteData, iri: URIRef) -> int:
    for rank, (cls, _kind) in enumerate(IMPORTANCE):
        if d.is_a(iri, cls):
            return rank
    return len(IMPORTANCE)


def _entry(d: SiteData, iri: URIRef, path: str, types: dict[str, int]) -> list:
    label = d.label(iri)
    names = [n for n in _text(v for p in NAMES for v in d.union.objects(iri, p)) if n != label]
    descriptions = _text(v for p in DESCRIPTIONS for v in d.asserted.objects(iri, p))
    kinds = d.types(iri)
    type_label = d.label(kinds[0]) if kinds else ""
    type_id = types.setdefault(type_label, len(types))
    return [
        path,
        str(iri),
        type_id,
        label,
        names[:MAX_NAMES],
        _short(descriptions[0]) if descriptions else "",
    ]


def pages(d: SiteData) -> list[tuple[URIRef, str]]:
    """The resources with a page of their own (as SiteWriter.resources writes them)."""
    found = []
    for iri in d.resources:
        path = page_path(str(iri), d.base)
        if "#" not in str(iri) and path != "ontology":
            found.append((iri, path))
    return found


def client_index(
    d: SiteData, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES
) -> ClientIndex:
    """search/index.json for the site of `d`, within the bounds."""
    referred = Counter(o for o in d.asserted.objects() if isinstance(o, URIRef))
    ranked = sorted(
        (
            (_rank(d, iri), -referred[iri], d.label(iri).casefold(), str(iri), iri, path)
            for iri, path in pages(d)
        ),
    )
    types: dict[str, int] = {}
    kept: list[tuple[int, str]] = []  # (rank, entry)
    size = 300  # the head of the file, counted generously
    for rank, _n, _label, _s, iri, path in ranked:
        if len(kept) >= max_entries:
            break
        text = json.dumps(_entry(d, iri, path, types), ensure_ascii=False, separators=(",", ":"))
        grown = size + len(text.encode("utf-8")) + 2  # and ",\n"
        named = sum(len(t.encode("utf-8")) + 3 for t in types)  # the type labels, quoted
        if grown + named > max_bytes:
            break
        kept.append((rank, text))
        size = grown
    head = {
        "format": FORMAT,
        "bounds": {"entries": max_entries, "bytes": max_bytes},
        "total": len(ranked),
        "left_out": len(ranked) - len(kept),
        "fields": ["path", "iri", "type", "label", "names", "description"],
        "types": list(types),
    }
    body = _file(head, kept)
    while len(body) > max_bytes:  # the estimate above fell short (long type labels)
        kept.pop()
        head["left_out"] += 1
        body = _file(head, kept)
    all_ranks = Counter(r[0] for r in ranked)
    kept_ranks = Counter(rank for rank, _text in kept)
    names = [kind for _cls, kind in IMPORTANCE] + [OTHERS]
    kinds = [(names[r], kept_ranks[r], all_ranks[r] - kept_ranks[r]) for r in sorted(all_ranks)]
    return ClientIndex(body, len(kept), len(ranked), kinds)


def _file(head: dict, entries: list[tuple[int, str]]) -> bytes:
    """One entry a line, so that a diff of two sites' indexes reads."""
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = ",\n".join(entry for _rank, entry in entries)
    return (text + ',"entries":[\n' + lines + "\n]}\n").encode("utf-8")
