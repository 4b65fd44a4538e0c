"""The text index: SQLite FTS5 over the knowledge base's labels and descriptions (docs/search.md).

`kb build` writes it as build/search.sqlite beside kb.nq (kb.build.pipeline.write_outputs, in the
same
atomic commit); `kb search` and `kb.search()` read it, and make it from the knowledge base when
it is missing or was made from another kb.nq (open_index).

One row per (resource, property, literal) of the asserted named graphs: labels (skos:prefLabel,
rdfs:label, dct:title, mc:acronym ...) in the `label` column, descriptions (dct:description,
skos:definition, rdfs:comment, mc:summary ...) in `description`, with the literal's language
tag, the property and the graphs that state it; the sub-properties the ontology declares
(rdfs:subPropertyOf*) are indexed with their base property. Each resource's asserted types
(its inferred ones when it has none) are in a table of their own, with the class hierarchy
(rdfs:subClassOf+, as asserted and inferred) for --type, and its label for display.

Tokens: FTS5's `porter` stemmer over `unicode61 remove_diacritics 2` (case and accents folded,
"Regióne" is "regione"); ranking: bm25 with a label counting ten times a description. The
user's words are never FTS5 syntax: each is quoted as an FTS5 string with a trailing * (a
prefix query), so "manufactur" finds "manufacturing" and `"`, `-`, `NEAR` or `:` are words.
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.errors import KBError, ParameterError
from kb.store import Store

SEARCH_INDEX = "search.sqlite"
FORMAT = "1"
TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25 weights of the columns label and description
WEIGHTS = (10.0, 1.0)
BATCH = 10_000

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
DC = "http://purl.org/dc/elements/1.1/"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
EURIO = "http://data.europa.eu/s66#"
MC = "https://w3id.org/mfg-clusters/ontology#"

# Properties whose literals name a resource, best display label first (their sub-properties,
# as the ontology declares them, are indexed too: mc:acronym, mc:nutsName, mc:nutsCode ...).
LABELS = (
    SKOS + "prefLabel",
    RDFS + "label",
    SCHEMA + "name",
    FOAF + "name",
    DCT + "title",
    EURIO + "title",
    DC + "title",
    SKOS + "altLabel",
    SCHEMA + "alternateName",
    SKOS + "hiddenLabel",
    SKOS + "notation",
)
# Properties whose literals describe one (mc:summary is a dct:description, mc:scopeNote a
# skos:scopeNote, mc:strategicObjective an mc:objective).
DESCRIPTIONS = (
    DCT + "description",
    DCT + "abstract",
    DC + "description",
    SKOS + "definition",
    SKOS + "scopeNote",
    RDFS + "comment",
    SCHEMA + "description",
    EURIO + "abstract",
    EURIO + "description",
    MC + "objective",
    MC + "reasonToPartner",
    MC + "mainThematic",
    MC + "industry40Activity",
    MC + "businessNetworkConnection",
)

_SCHEMA_SQL = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE resource(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, label TEXT);
CREATE TABLE property(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE graph(id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE type(resource INTEGER NOT NULL, type TEXT NOT NULL, asserted INTEGER NOT NULL);
CREATE TABLE subclass(sub TEXT NOT NULL, super TEXT NOT NULL);
CREATE VIRTUAL TABLE entry USING fts5(
    label, description,
    resource UNINDEXED, property UNINDEXED, lang UNINDEXED, graphs UNINDEXED,
    tokenize = '{TOKENIZER}'
);
"""
_INDEXES_SQL = """
CREATE UNIQUE INDEX resource_iri ON resource(iri);
CREATE INDEX type_of ON type(type, resource);
CREATE INDEX types_by_resource ON type(resource);
CREATE INDEX subclass_of ON subclass(super, sub);
"""


def text_properties(store: Store) -> dict[str, str]:
    """{property IRI: "label" or "description"}: LABELS and DESCRIPTIONS and every property
    the knowledge base declares a sub-property of one of them (rdfs:subPropertyOf+); one that
    is both is a label."""
    kinds = dict.fromkeys(DESCRIPTIONS, "description") | dict.fromkeys(LABELS, "label")
    bases = " ".join(f"<{p}>" for p in kinds)
    query = f"""SELECT DISTINCT ?p ?base WHERE {{
  VALUES ?base {{ {bases} }} ?p <{RDFS}subPropertyOf>+ ?base FILTER(isIRI(?p)) }}"""
    found: dict[str, str] = {}
    for p, base in store.select_values(query):
        kind = kinds[base]  # type: ignore[index]
        if found.get(p) != "label":  # type: ignore[arg-type]
            found[p] = kind  # type: ignore[index]
    return {**found, **kinds}


def _text_query(properties: Mapping[str, str], inferred_graph: str) -> str:
    values = " ".join(f'(<{p}> "{kind}")' for p, kind in sorted(properties.items()))
    return f"""SELECT ?s ?p ?text ?lang ?kind (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?gs)
WHERE {{
  VALUES (?p ?kind) {{ {values} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?s) && isLiteral(?o) && ?g != <{inferred_graph}>)
  BIND(STR(?o) AS ?text)
  BIND(LANG(?o) AS ?lang)
}}
GROUP BY ?s ?p ?o ?text ?lang ?kind"""


def _asserted_types_query(inferred_graph: str) -> str:
    return f"""SELECT DISTINCT ?s ?t WHERE {{
  GRAPH ?g {{ ?s a ?t }} FILTER(?g != <{inferred_graph}> && isIRI(?s) && isIRI(?t)) }}"""


def _inferred_types_query(resources: list[str], inferred_graph: str) -> str:
    values = " ".join(f"<{iri}>" for iri in resources)
    return f"""SELECT DISTINCT ?s ?t WHERE {{ VALUES ?s {{ {values} }}
  GRAPH <{inferred_graph}> {{ ?s a ?t }} FILTER(isIRI(?t)) }}"""


_SUBCLASS_QUERY = f"""SELECT DISTINCT ?sub ?super WHERE {{
  ?sub <{RDFS}subClassOf>+ ?super FILTER(isIRI(?sub) && isIRI(?super) && ?sub != ?super) }}"""


@dataclass
class IndexStats:
    rows: int = 0
    resources: int = 0
    types: int = 0
    seconds: float = 0.0
    bytes: int = 0


def _label_rank(prop: str, lang: str) -> tuple[int, int]:
    """How good a display label a literal is: the property's place in LABELS (sub-properties
    after them all), then English, untagged, any other language."""
    place = LABELS.index(prop) if prop in LABELS else len(LABELS)
    return place, 0 if lang.lower().startswith("en") else 1 if not lang else 2


def fill(conn: sqlite3.Connection, store: Store, inferred_graph: str, build: str) -> IndexStats:
    """Write the index into `conn` (an empty database) from `store`: one SELECT for the text,
    one for the asserted types (kept for the resources the text names) and one for the class
    hierarchy (after a small one for the sub-properties), each read as a stream
    (Store.select_values) and inserted in batches (executemany), in one transaction."""
    started = time.perf_counter()
    stats = IndexStats()
    for statement in _SCHEMA_SQL.strip().split(";\n"):
        conn.execute(statement)
    conn.execute("BEGIN")
    resources = _write_entries(conn, store, inferred_graph, stats)
    _write_types(conn, store, inferred_graph, resources, stats)
    for statement in _INDEXES_SQL.strip().split(";\n"):
        conn.execute(statement)
    conn.execute("INSERT INTO entry(entry) VALUES ('optimize')")  # one b-tree: smaller, faster
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("format", FORMAT),
            ("build", build),
            ("tokenizer", TOKENIZER),
            ("rows", str(stats.rows)),
            ("resources", str(stats.resources)),
        ],
    )
    conn.execute("COMMIT")
    stats.seconds = time.perf_counter() - started
    return stats


def _write_entries(
    conn: sqlite3.Connection, store: Store, inferred_graph: str, stats: IndexStats
) -> dict[str, int]:
    """The text rows (table entry), the properties and graphs they cite, and each resource
    with its best display label (table resource); returns {resource IRI: its id}."""
    resources: dict[str, int] = {}
    best: dict[int, tuple[tuple[int, int], str]] = {}
    properties: dict[str, int] = {}
    graphs: dict[str, int] = {}
    batch: list[tuple] = []
    insert = "INSERT INTO entry(label, description, resource, property, lang, graphs) VALUES "
    insert += "(?, ?, ?, ?, ?, ?)"
    text_query = _text_query(text_properties(store), inferred_graph)
    for s, p, text, lang, kind, gs in store.select_values(text_query):
        assert s is not None and p is not None and text is not None
        lang = (lang or "").lower()
        rid = resources.setdefault(s, len(resources) + 1)
        pid = properties.get(p)
        if pid is None:
            pid = properties[p] = len(properties) + 1
            conn.execute("INSERT INTO property VALUES (?, ?, ?)", (pid, p, kind))
        ids = []
        for g in (gs or "").split():
            gid = graphs.get(g)
            if gid is None:
                gid = graphs[g] = len(graphs) + 1
                conn.execute("INSERT INTO graph VALUES (?, ?)", (gid, g))
            ids.append(gid)
        label = kind == "label"
        if label:
            rank = _label_rank(p, lang)
            if rid not in best or rank < best[rid][0]:
                best[rid] = (rank, text)
        batch.append(
            (text if label else "", "" if label else text, rid, pid, lang, " ".join(map(str, ids)))
        )
        if len(batch) >= BATCH:
            conn.executemany(insert, batch)
            stats.rows += len(batch)
            batch = []
    conn.executemany(insert, batch)
    stats.rows += len(batch)
    conn.executemany(
        "INSERT INTO resource VALUES (?, ?, ?)",
        ((rid, iri, best.get(rid, (None, None))[1]) for iri, rid in resources.items()),
    )
    stats.resources = len(resources)
    return resources


def _write_types(
    conn: sqlite3.Connection,
    store: Store,
    inferred_graph: str,
    resources: dict[str, int],
    stats: IndexStats,
) -> None:
    """The types of the indexed resources (table type) and the class hierarchy (subclass).

    The asserted types (a resource has one or two; the inferred ones are its classes'
    super-classes, 3.7 times as many rows at 10^6 triples), the inferred ones of a resource
    with none asserted, and the class hierarchy, so that --type finds a class's sub-classes'
    instances as the inferred types would."""
    batch = []
    typed: set[int] = set()
    for s, t in store.select_values(_asserted_types_query(inferred_graph)):
        rid = resources.get(s)  # type: ignore[arg-type]
        if rid is not None:
            batch.append((rid, t, 1))
            typed.add(rid)
            if len(batch) >= BATCH:
                conn.executemany("INSERT INTO type VALUES (?, ?, ?)", batch)
                stats.types += len(batch)
                batch = []
    untyped = [iri for iri, rid in resources.items() if rid not in typed]
    for start in range(0, len(untyped), 500):
        query = _inferred_types_query(untyped[start : start + 500], inferred_graph)
        batch += [(resources[s], t, 0) for s, t in store.select_values(query)]  # type: ignore[index]
    conn.executemany("INSERT INTO type VALUES (?, ?, ?)", batch)
    stats.types += len(batch)
    conn.executemany("INSERT INTO subclass VALUES (?, ?)", store.select_values(_SUBCLASS_QUERY))


def write_index(store: Store, path: Path, inferred_graph: str, build: str) -> IndexStats:
    """The index of `store` in the SQLite file `path` (a new, empty or absent file: the
    caller makes it a temporary file and renames it, kb.core.fileio). `build` names what it was made
    from (build/kb.nq's SHA-256), so a reader can tell an index of another build."""
    path.unlink(missing_ok=True)  # mkstemp's empty file: SQLite makes a new database
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a temporary file: no journal needed
        conn.execute("PRAGMA synchronous = OFF")  # the caller fsyncs before the rename
        stats = fill(conn, store, inferred_graph, build)
    except sqlite3.Error as exc:  # a full disk or a file-size limit
        raise KBError(f"{path}: cannot write the search index: {exc}") from exc
    finally:
        conn.close()
    stats.bytes = path.stat().st_size
    return stats


# --- searching ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of the user's text, as the index's tokenizer splits them (letters and digits;
    everything else separates): quotes, hyphens, colons and FTS5's operators are only text."""
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text)) if w.strip("_")]


def match_expression(text: str) -> str:
    """An FTS5 query finding every word of `text` as a prefix, each quoted as an FTS5 string
    (a " inside doubled): nothing the user types is FTS5 syntax. ParameterError for a text
    with no word in it."""
    if not text or not text.strip():
        raise ParameterError("text", "empty: an empty search text would match everything")
    found = words(text)
    if not found:
        raise ParameterError("text", f"no word to search for in {text!r} (letters or digits)")
    return " ".join('"' + w.replace('"', '""') + '"*' for w in found)


@dataclass(frozen=True)
class SearchHit:
    """One resource found: its best-ranked row's text marked in `snippet`."""

    iri: str
    label: str | None
    types: tuple[str, ...]  # its asserted types (its inferred ones when none is asserted)
    snippet: str
    property: str  # the property of the best-ranked row
    lang: str  # its language tag ("" for none)
    graphs: tuple[str, ...]  # the named graphs stating it
    score: float  # bm25, higher is better

    def asdict(self) -> dict:
        return {
            "iri": self.iri,
            "label": self.label,
            "types": list(self.types),
            "snippet": self.snippet,
            "property": self.property,
            "lang": self.lang,
            "graphs": list(self.graphs),
            "score": round(self.score, 4),
        }


@dataclass
class SearchResult:
    """The hits, best first, and how many resources matched before the limit."""

    text: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    origin: str = ""

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


# a type row of class ? or of one of its sub-classes
_OF_CLASS = "(type = ? OR type IN (SELECT sub FROM subclass WHERE super = ?))"


class SearchIndex:
    """An open text index (a file of write_index, or a database `fill` wrote)."""

    def __init__(self, conn: sqlite3.Connection, origin: str = "") -> None:
        self.conn = conn
        self.origin = origin

    @classmethod
    def open(cls, path: Path, origin: str = "") -> SearchIndex:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return cls(conn, origin)

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def close(self) -> None:
        self.conn.close()

    def has_type(self, iri: str) -> bool:
        """Whether some resource of the index is of class `iri` (or of a sub-class)."""
        return bool(
            self.conn.execute(
                f"SELECT 1 FROM type WHERE {_OF_CLASS} LIMIT 1", (iri, iri)
            ).fetchone()
        )

    def classes(self) -> set[str]:
        """Every class --type may name: the types of the indexed resources and their
        super-classes."""
        rows = self.conn.execute(
            "SELECT DISTINCT type FROM type UNION SELECT super FROM subclass "
            "WHERE sub IN (SELECT type FROM type)"
        )
        return {iri for (iri,) in rows}

    def resources(self, text: str) -> list[str]:
        """Every resource whose labels or descriptions hold every word of `text` (as
        `search` finds them: prefix, stemmed, case and accents folded), by IRI, unranked: the
        candidates of an index-backed stored query (kb.build.knowledge_base)."""
        rows = self.conn.execute(
            "SELECT DISTINCT resource.iri FROM entry JOIN resource ON resource.id = entry.resource"
            " WHERE entry MATCH ? ORDER BY resource.iri",
            (match_expression(text),),
        )
        return [iri for (iri,) in rows]

    def search(
        self,
        text: str,
        *,
        type: str | None = None,
        lang: str | None = None,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> SearchResult:
        """The resources whose labels or descriptions hold every word of `text` (as a prefix,
        stemmed, case and accents folded), best bm25 first, one hit per resource. `type`: an
        IRI, a class of the hit (its asserted type or a super-class of it); `lang`: a language
        tag, keeping text in it (or a sub-tag: en matches en-GB) and text with no tag."""
        expression = match_expression(text)
        if limit < 1:
            raise ParameterError("limit", f"must be at least 1, not {limit}")
        where, params = ["entry MATCH ?"], [expression]
        if lang is not None:
            tag = lang.strip().lower()
            if not re.fullmatch(r"[a-z]{1,8}(-[a-z0-9]{1,8})*", tag):
                raise ParameterError("lang", f"not a language tag: {lang!r} (en, it, pt-br)")
            where.append("(lang = ? OR lang LIKE ? OR lang = '')")
            params += [tag, tag + "-%"]
        if type is not None:
            if not self.has_type(type):
                raise ParameterError("type", f"{type} is the type of no resource in the text index")
            where.append(f"resource IN (SELECT resource FROM type WHERE {_OF_CLASS})")
            params += [type, type]
        w1, w2 = WEIGHTS
        # bm25() is only callable in a query on the FTS table itself, not in an aggregate:
        # the matched rows are scored first (MATERIALIZED: never flattened into the GROUP BY),
        # then each resource keeps its best row (SQLite's bare column beside MIN()).
        sql = f"""WITH scored AS MATERIALIZED (
                      SELECT resource, rowid AS row, bm25(entry, {w1}, {w2}) AS score
                      FROM entry WHERE {" AND ".join(where)})
                  SELECT resource, row, MIN(score) AS best, COUNT(*) OVER () AS total
                  FROM scored GROUP BY resource ORDER BY best, resource LIMIT ?"""
        rows = self.conn.execute(sql, [*params, limit]).fetchall()
        result = SearchResult(text, total=rows[0][3] if rows else 0, origin=self.origin)
        if not rows:
            return result
        best = [r[1] for r in rows]
        marks_sql = "snippet(entry, -1, ?, ?, '…', 16)"
        details = {
            rowid: rest
            for rowid, *rest in self.conn.execute(
                f"""SELECT entry.rowid, {marks_sql}, property.iri, lang, graphs
                    FROM entry JOIN property ON property.id = entry.property
                    WHERE entry MATCH ? AND entry.rowid IN ({",".join("?" * len(best))})""",
                [marks[0], marks[1], expression, *best],
            )
        }
        graph_iris = dict(self.conn.execute("SELECT id, iri FROM graph"))
        for rid, rowid, score, _total in rows:
            iri, label = self.conn.execute(
                "SELECT iri, label FROM resource WHERE id = ?", (rid,)
            ).fetchone()
            types = self.conn.execute(
                "SELECT type, asserted FROM type WHERE resource = ? ORDER BY asserted DESC, type",
                (rid,),
            ).fetchall()
            shown = tuple(t for t, a in types if a) or tuple(t for t, _a in types)
            snippet, prop, tag, gs = details[rowid]
            result.hits.append(
                SearchHit(
                    iri,
                    label,
                    shown,
                    snippet.replace("\n", " "),
                    prop,
                    tag,
                    tuple(graph_iris[int(g)] for g in gs.split()),
                    -score,
                )
            )
        return result


# --- where the index comes from ----------------------------------------------------------------


def index_path(config) -> Path:
    return config.build_dir / SEARCH_INDEX
