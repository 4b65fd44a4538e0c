"""Say in an answer's own body that it was cut at the endpoint's row cap.

A header (X-SPARQL-MaxRows) is lost as soon as the body is saved to a file, so each format
carries the notice where its readers skip it: a member of the JSON object, an XML or Turtle
comment, a last line starting with "#" in CSV and TSV (read them with comment="#").
"""

from __future__ import annotations

import json

NOTICE_KEY = "truncated"  # the JSON member; JSON-LD drops it (no term maps it to an IRI)


def notice(limit: int, what: str) -> str:
    return (
        f"answer cut at {limit} {what}: the endpoint's limit (kb serve --max-rows); "
        "use LIMIT and OFFSET to read the rest"
    )


def mark_results(body: bytes, fmt: str, message: str) -> bytes:
    """A SPARQL results document (json, xml, csv, tsv) with the notice added."""
    if fmt == "json":
        data = json.loads(body)
        return json.dumps({NOTICE_KEY: message} | data, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        head, sep, tail = body.rpartition(b"</sparql>")
        if not sep:
            raise ValueError("not a SPARQL XML results document")
        return head + _xml_comment(message) + b"\n" + sep + tail
    return body + b"# " + message.encode("utf-8") + b"\r\n"  # csv, tsv


def mark_graph(body: bytes, serialiser: str, message: str) -> bytes:
    """An RDF document (rdflib serialiser name) with the notice added."""
    if serialiser == "json-ld":
        data = json.loads(body)
        if isinstance(data, list):
            data = {"@graph": data}
        elif "@graph" not in data:
            context = data.pop("@context", None)
            data = {"@graph": [data]} | ({"@context": context} if context else {})
        return json.dumps(data | {NOTICE_KEY: message}, ensure_ascii=False).encode("utf-8")
    if serialiser == "xml":
        return body.rstrip(b"\n") + b"\n" + _xml_comment(message) + b"\n"
    return body.rstrip(b"\n") + b"\n# " + message.encode("utf-8") + b"\n"  # turtle, nt


def _xml_comment(message: str) -> bytes:
    return b"<!-- " + message.replace("--", "- -").encode("utf-8") + b" -->"
