"""The static site's URL space on `kb serve`: the same paths `kb publish` writes, answered live.

A thing's IRI path (`/id/...`, `/code/...`, `/graph/...`, `/ontology`) answers 303 See Other to
the document about it, `<path>.html|.ttl|.jsonld|.nt|.rdf`, chosen by `?format=` or Accept (as
the w3id.org rules of the published site redirect the same IRIs to the same file names). The
resource documents are rendered by the workers on request; the site's other pages and files
(home, class and code-list indexes, views, the ontology document, the query catalogue and the
stored-query pages, the match lists and how they are computed, VoID, DCAT, dumps, hosting
rules) are written once, on first need, by
`kb publish`'s own writer in a process of its own, into the server's temporary folder, and
served from there as the published site's nginx rules serve its folder.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# document suffix -> content type (the static site's files, and RDF/XML)
DOCUMENTS = {
    ".html": "text/html; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
}
# media type offered for a thing -> its document's suffix, in the server's preference order
# (a client naming no type, or */*, gets Turtle; browsers name text/html)
OFFERS = {
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
    "application/rdf+xml": ".rdf",
    "text/html": ".html",
}
# ?format= names (the static site's ttl|jsonld|nt|html, rdf, and the endpoint's aliases)
FORMATS = {
    "html": ".html",
    "ttl": ".ttl",
    "turtle": ".ttl",
    "jsonld": ".jsonld",
    "json-ld": ".jsonld",
    "nt": ".nt",
    "ntriples": ".nt",
    "rdf": ".rdf",
    "rdfxml": ".rdf",
    "xml": ".rdf",
}
FILE_TYPES = DOCUMENTS | {
    ".nq": "application/n-quads",
    ".gz": "application/gzip",
    ".css": "text/css",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".conf": "text/plain; charset=utf-8",
    ".htaccess": "text/plain; charset=utf-8",
}
# files without a suffix the site has (the static rules give the .well-known ones as Turtle)
NAMED_TYPES = {
    "void": "text/turtle; charset=utf-8",
    "sparql-examples": "text/turtle; charset=utf-8",
    "SHA256SUMS": "text/plain; charset=utf-8",
}
# The first path segments (without a document suffix) `kb publish` writes anything under;
# a path outside them is not looked for on the site (tests check this against a published
# site). `graph` and most of `id`, `code` and `ontology` are resource pages, rendered live.
SITE_ROOTS = frozenset(
    {
        "index",
        "class",
        "code",
        "views",
        "query",
        "queries",
        "dataset",
        "ontology",
        "id",
        "graph",
        "static",
        "dumps",
        "conneg",
        ".well-known",
        ".htaccess",
        "void",
        "catalog",
        "partners",  # how the suggested partners are computed (kb publish)
        "search",  # the client-side search page and its index (kb publish)
    }
)
MARKER = ".kb-site"
ANCHORS = "ontology-anchors.json"  # beside the site folder


def read_anchors(nquads: str) -> dict[str, str]:
    """The ontology page's anchors by term name ({} until the site is written)."""
    path = Path(nquads).parent / ANCHORS
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def split_suffix(path: str) -> tuple[str, str]:
    """('id/x', '.ttl') for 'id/x.ttl'; (path, '') when it ends in no document suffix."""
    for suffix in DOCUMENTS:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], suffix
    return path, ""


def safe_path(path: str) -> bool:
    """Whether a %-decoded request path can name a file of the site: no empty, '.' or '..'
    segment, no backslash, no control character."""
    if not path or "\\" in path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def site_file(root: Path, path: str) -> Path | None:
    """The file at `path` under the site folder `root`, never outside it (nor the marker)."""
    if not safe_path(path) or path == MARKER:
        return None
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        return None
    return target


def content_type(path: Path) -> str:
    if path.name in NAMED_TYPES:
        return NAMED_TYPES[path.name]
    if path.name == ".htaccess":
        return FILE_TYPES[".htaccess"]
    return FILE_TYPES.get(path.suffix, "application/octet-stream")


def write_site(nquads: str, engine: str, config, out: Path, endpoint: str = "/sparql") -> None:
    """`kb publish`'s site without the resource pages, from the KB in `nquads`, into `out`
    (written beside it and renamed into place: a reader never sees half a site)."""

    from kb.publish import describe
    from kb.publish.data import SiteData
    from kb.publish.site import SITE_MARKER, SiteWriter
    from kb.store import load_nquads

    store = load_nquads(nquads, engine)
    d = SiteData(store, config.base_iri)
    work = Path(tempfile.mkdtemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent))
    try:
        writer = SiteWriter(d, config, work, False, None, endpoint)
        # the order of kb.publish.site.publish (the ontology first: pages link to its anchors)
        writer.static()
        writer.ontology_page()
        members = writer.class_pages()
        writer.code_index()
        writer.views()
        writer.downloads(describe.void_graph(d, config.prefixes, None))
        writer.home(members, describe.statistics(d))
        writer.query_page()
        match_lists(writer, store)
        writer.search_page()
        # the anchors pyLODE gave the ontology's terms, for the resource pages' links to them
        anchors = out.parent / ANCHORS
        anchors.with_suffix(".tmp").write_text(json.dumps(d.anchors), encoding="utf-8")
        os.replace(anchors.with_suffix(".tmp"), anchors)
        (work / SITE_MARKER).write_text("Written by kb serve for its own use.\n")
        try:
            os.rename(work, out)
        except OSError:  # another writer was first: its site is the same
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def match_lists(writer, store) -> None:
    """Each organisation's match list (id/match-list/...: HTML, Turtle, JSON-LD, N-Triples,
    RDF/XML) and the page on how they are computed, as `kb publish` writes them (the same
    matcher, `suggested_partners` of the configuration); nothing when it asks for none."""
    from kb.publish.site import partner_lists

    lists = partner_lists(writer.d, writer.config, store, None, None, writer.issued)
    if lists is None:
        return
    writer.partners = lists
    for org in sorted(lists.seekers()):
        writer.match_list(org)
    writer.partners_page()


def _site_main(nquads: str, engine: str, config, out: str, error: str) -> None:
    from kb.serve.sandbox import deny_network

    try:
        os.nice(10)  # the queries come first: the site is written with the CPU they leave
        deny_network()  # it reads nothing but the KB and the package's own files
        write_site(nquads, engine, config, Path(out))
    except BaseException as exc:  # noqa: BLE001 - reported to the server through `error`
        Path(error).write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        raise SystemExit(1) from None


def run_site_writer(
    nquads: str, engine: str, config, out: Path, started: list, timeout: float = 600
) -> None:
    """Write the site in a process of its own (blocking; the server calls this in a thread
    and kills the process, appended to `started`, when it stops first). RuntimeError with the
    writer's message if it fails."""
    error = out.parent / (out.name + ".error")
    error.unlink(missing_ok=True)
    ctx = multiprocessing.get_context("spawn")
    process = ctx.Process(
        target=_site_main, args=(nquads, engine, config, str(out), str(error)), daemon=True
    )
    process.start()
    started.append(process)
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join(5)
        raise RuntimeError(f"writing the site's pages took over {timeout:g} s")
    if not out.is_dir():
        message = error.read_text(encoding="utf-8") if error.is_file() else "no message"
        raise RuntimeError(f"the site's pages could not be written: {message}")
