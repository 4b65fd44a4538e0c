"""The owlrl profiles: owlrl's OWL 2 RL closure (the reference) and its RDFS closure."""

from __future__ import annotations

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import Graph

from kb.core.errors import InconsistencyError
from kb.reason.entailments import InferenceResult, _keep, check_consistency


class _RDFSWithoutLiteralRule(owlrl.RDFSClosure.RDFS_Semantics):
    """owlrl's RDFS closure compares every pair of literals (quadratic); that rule adds
    nothing the knowledge base uses, so it is skipped, as pySHACL does."""

    def one_time_rules(self) -> None:  # noqa: D401 - owlrl's hook
        return None


def closure(asserted: Graph, profile: str) -> InferenceResult:
    """The entailments of `asserted` by owlrl (`owlrl`: OWL 2 RL, `rdfs`: RDFS), less the
    noise kb.reason.entailments filters out; InconsistencyError when a rule fails."""
    semantics = {"owlrl": owlrl.OWLRL_Semantics, "rdfs": _RDFSWithoutLiteralRule}[profile]
    scratch = Graph()
    for triple in asserted:
        scratch.add(triple)
    owlrl.DeductiveClosure(
        semantics, axiomatic_triples=False, datatype_axioms=False, rdfs_closure=False
    ).expand(scratch)

    errors = sorted(str(m) for m in scratch.objects(None, ERRNS.error))
    if errors:
        raise InconsistencyError(
            "the reasoner found the knowledge base inconsistent:\n  " + "\n  ".join(errors)
        )
    if profile == "owlrl":
        # owlrl 7.6 does not look for prp-adp, eq-diff2/3 (owl:AllDifferent): the rules do
        check_consistency(scratch)
    inferred = Graph()
    for triple in scratch:
        if _keep(triple, asserted):
            inferred.add(triple)
    return InferenceResult(profile, inferred)
