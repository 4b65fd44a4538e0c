"""Validate: pySHACL over one union graph of ontology + data + inferred triples.

pySHACL validates the named graphs of a Dataset one by one (pySHACL #26/#152), but the shapes
follow links across source files, so the union is flattened into one Graph first. Inference is
already done by kb.reason.entailments, so pySHACL runs with inference='none'.
"""

from __future__ import annotations

import pyshacl
import pyshacl.entrypoints
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph

from kb.core.errors import KBError
from kb.core.namespaces import DEFAULT_PREFIXES
from kb.shacl.report import ValidationOutcome, read_results
from kb.shacl.shapes import count_shapes, uses_shacl_af


def validate(
    data: Graph, shapes: Graph, prefixes: dict[str, str] | None = None
) -> ValidationOutcome:
    """Validate `data` (already the union of ontology, asserted and inferred triples).
    `prefixes` make the report readable (mc:value rather than the full IRI)."""
    try:
        conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=uses_shacl_af(shapes),
            allow_warnings=True,
            allow_infos=True,
        )
    except ReportableRuntimeError as exc:  # pySHACL's word for a shapes graph it cannot use
        raise KBError(f"the shapes: pySHACL cannot validate with them: {exc.message}") from exc
    for prefix, ns in (prefixes or {}).items():
        report.bind(prefix, ns, override=True, replace=True)
    results = read_results(report, prefixes or DEFAULT_PREFIXES)
    has_violation = any(r.severity == "Violation" for r in results)
    return ValidationOutcome(
        bool(conforms) and not has_violation, results, report, count_shapes(shapes)
    )


def meta_validate(shapes: Graph) -> ValidationOutcome:
    """Check the shapes graph itself against SHACL-for-SHACL."""
    conforms, report, _ = pyshacl.entrypoints.meta_validate(shapes, inference="none")
    return ValidationOutcome(
        bool(conforms), read_results(report, DEFAULT_PREFIXES), report, count_shapes(shapes)
    )
