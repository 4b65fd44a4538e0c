"""What a release changed since the previous published dump: resources added, removed and
changed, and the count of resources per class before and after (issue 12).

The previous release is the site `kb publish` is about to replace: its dumps/kb.nq. Both are
compared on their asserted graphs only (the inferred graph follows from them, and the
dataset description holds the release's own dates and checksums). A resource is a local IRI
(under the base) that is the subject of a triple; it changed when the triples about it differ,
blank nodes compared by their stable names (kb.publish.data.stable_rows).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LISTED = 200  # resources named per kind of change; the counts are always whole


@dataclass
class Changes:
    previous: str | None  # which dump it was compared with, or None: a first release
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    classes: dict[str, tuple[int, int]] = field(default_factory=dict)  # class -> (before, after)

    def as_json(self) -> str:
        body = {
            "previous": self.previous,
            "counts": {k: len(getattr(self, k)) for k in ("added", "removed", "changed")},
            "classes": {c: {"before": b, "after": a} for c, (b, a) in self.classes.items()},
            **{k: getattr(self, k)[:LISTED] for k in ("added", "removed", "changed")},
            "listed": LISTED,
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _statements(
    quads, base: str, skipped: set[str]
) -> tuple[dict[str, set[int]], dict[str, set[str]]]:
    """local subject -> its statements (the hash of each one's N-Triples text: both dumps are
    read in one process, and a set of ints holds a million statements in a third of the
    memory of their text); local subject -> its classes."""
    about: dict[str, set[int]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value in skipped:
            continue
        s = q.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(base):
            continue
        about[s.value].add(hash(f"{q.predicate} {q.object}"))
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            types[s.value].add(q.object.value)
    return about, types


def compare(previous: Path | None, current: Path, base: str, skipped: set[str]) -> Changes:
    """The changes from the N-Quads dump `previous` (None or missing: a first release) to
    `current`, ignoring the graphs named in `skipped`."""
    new, new_types = _statements(
        ox.parse(path=str(current), format=ox.RdfFormat.N_QUADS), base, skipped
    )
    if previous is None or not previous.is_file():
        old, old_types = {}, {}
        where = None
    else:
        quads = ox.parse(path=str(previous), format=ox.RdfFormat.N_QUADS)
        old, old_types = _statements(quads, base, skipped)
        where = "dumps/kb.nq of the site this release replaced"
    changes = Changes(where)
    changes.added = sorted(set(new) - set(old))
    changes.removed = sorted(set(old) - set(new))
    changes.changed = sorted(s for s in set(new) & set(old) if new[s] != old[s])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for side, types in enumerate((old_types, new_types)):
        for classes in types.values():
            for c in classes:
                counts[c][side] += 1
    changes.classes = {c: (b, a) for c, (b, a) in sorted(counts.items()) if b != a}
    return changes
