"""The infer stage: entailments of the asserted graphs under an inference profile.

`kb.reason.infer(asserted, profile)` is the interface; the profiles are implementations
behind it: `rules` (the compiled OWL 2 RL rules the ontology uses, kb.reason.compiled: the
default), `owlrl` and `rdfs` (the owlrl reference, kb.reason.owlrl_profile), `none`.
kb.reason.entailments holds what they share: which entailments are kept, the clash texts.
May import kb.core and kb.store.
"""

from __future__ import annotations

from rdflib import Graph

from kb.core.errors import KBError
from kb.reason.entailments import InferenceResult

PROFILES = ("rules", "owlrl", "rdfs", "none")


def infer(asserted: Graph, profile: str = "rules") -> InferenceResult:
    """Return the entailments of `asserted` under `profile`: rules (the OWL 2 RL rules the
    ontology uses, as SPARQL on Oxigraph; the default), owlrl (the reference), rdfs or none."""
    if profile == "none":
        return InferenceResult(profile, Graph())
    if profile == "rules":
        from kb.reason.compiled import infer_fast  # imported when used: owlrl is not needed

        result = infer_fast(asserted)  # raises for the OWL 2 RL rules with a false conclusion
        return InferenceResult(profile, result.inferred)
    if profile in ("owlrl", "rdfs"):
        from kb.reason.owlrl_profile import closure

        return closure(asserted, profile)
    raise KBError(f"unknown inference profile {profile!r}; choose rules, owlrl, rdfs or none")
