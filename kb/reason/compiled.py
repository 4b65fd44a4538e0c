"""The fast inference path: owlrl's OWL 2 RL closure with the schema compiled into tables.

owlrl (kb/reason/entailments.py) stays the reference on small knowledge bases; it re-applies every
rule to
every triple until nothing changes and takes minutes at 10^6 triples. Here:

1. The schema (the triples of the RDFS/OWL vocabulary: subClassOf, domain, inverseOf,
   restrictions, lists, property characteristics) is read from the store and closed with
   owlrl's scm-* rules in Python; it is small (the ontology, its EURIO import, code lists).
2. The closed schema is compiled into tables: class -> superclasses (already transitive), and
   per property its superproperties, domains, ranges, inverses, chains, characteristics and the
   restrictions on it; per class the restrictions and class expressions that read its typing.
3. The data rules run once, semi-naively, over integer-encoded triples read from the store
   (only the predicates and classes some table mentions): every triple is joined once with what
   is known when it is taken from the work list; a typing brings all superclasses at once.
4. What was derived is written back in bulk (N-Triples text parsed by Oxigraph; blank-node
   triples as quads) to the named graph INFERRED and to the default graph.

If the data rules derive schema triples (x a owl:Class, a subClassOf from an inverse, ...), the
schema is closed again and the data rules re-run; if they derive owl:sameAs, the data rules
re-run with the equality rules over every triple. Typing with blank-node or owl:Thing-like
classes that no rule reads is not derived at all: kb.reason.entailments's filter would drop it.

Rules (OWL 2 RL names): scm-cls, scm-op/dp, scm-sco, scm-eqc1/2, scm-spo, scm-eqp1/2,
scm-dom1/2, scm-rng1/2, scm-hv, scm-svf1/2, scm-avf1/2, scm-int, scm-uni; cax-sco, cax-eqc1/2,
prp-dom, prp-rng, prp-spo1, prp-spo2 (chains of any length), prp-eqp1/2, prp-inv1/2, prp-symp,
prp-trp, prp-fp, prp-ifp, cls-svf1/2 (a datatype as filler too), cls-avf, cls-hv1/2,
cls-int1/2, cls-uni, cls-oo, cls-maxc2, cls-maxqc3/4, eq-sym, eq-trans, eq-rep-s/p/o; and the
rules with a false conclusion, checked on the closed facts (_clashes: materialise returns them
as "clashes", the caller raises): cax-dw, cax-adc, cls-nothing2, cls-com, cls-maxc1,
cls-maxqc1/2, eq-diff1/2/3, prp-irp, prp-asyp, prp-pdw, prp-adp, prp-npa1/2. Not covered:
prp-key (owl:hasKey is refused), dt-not-type (the shapes' sh:datatype reports bad literals),
owlrl's datatype typing of literals (literal subjects are filtered anyway). The table of every
rule and why: docs/conformance.md.
"""

from __future__ import annotations

import gc
import time
from array import array
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph

from kb.core.errors import KBError
from kb.reason.entailments import (
    InferenceResult,
    _keep,
    clash_text,
    raise_clashes,
    statement_kept,
    subject_kept,
)
from kb.store import from_ox, stored_literals, to_ox

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"

INFERRED = ox.NamedNode("urn:x-kb:inferred")  # everything added, never an asserted triple
_DEFAULT = ox.DefaultGraph()

# Vocabulary, by local name; each becomes a term id of the run.
_V = {
    "type": _RDF + "type",
    "first": _RDF + "first",
    "rest": _RDF + "rest",
    "nil": _RDF + "nil",
    "Property": _RDF + "Property",
    "subClassOf": _RDFS + "subClassOf",
    "subPropertyOf": _RDFS + "subPropertyOf",
    "domain": _RDFS + "domain",
    "range": _RDFS + "range",
    **{
        name: _OWL + name
        for name in (
            "Thing Nothing Class ObjectProperty DatatypeProperty SymmetricProperty "
            "TransitiveProperty FunctionalProperty InverseFunctionalProperty sameAs "
            "equivalentClass equivalentProperty inverseOf propertyChainAxiom someValuesFrom "
            "allValuesFrom hasValue onProperty onClass maxCardinality maxQualifiedCardinality "
            "intersectionOf unionOf oneOf hasKey "
            "AsymmetricProperty IrreflexiveProperty propertyDisjointWith AllDisjointProperties "
            "members distinctMembers complementOf disjointWith AllDisjointClasses AllDifferent "
            "differentFrom sourceIndividual assertionProperty targetIndividual targetValue "
            "cardinality minCardinality qualifiedCardinality minQualifiedCardinality hasSelf"
        ).split()
    },
}
# The triples the schema closure and the table compiler read: these predicates, and rdf:type
# with these classes. A data rule deriving one of them sends the run back to the schema.
SCHEMA_PREDICATES = (
    "subClassOf subPropertyOf domain range equivalentClass equivalentProperty inverseOf "
    "propertyChainAxiom someValuesFrom allValuesFrom hasValue onProperty onClass maxCardinality "
    "maxQualifiedCardinality intersectionOf unionOf oneOf hasKey first rest "
    "propertyDisjointWith members distinctMembers complementOf disjointWith sourceIndividual "
    "assertionProperty targetIndividual targetValue cardinality minCardinality "
    "qualifiedCardinality minQualifiedCardinality hasSelf"
).split()
SCHEMA_CLASSES = (
    "Class ObjectProperty DatatypeProperty Property SymmetricProperty TransitiveProperty "
    "FunctionalProperty InverseFunctionalProperty AsymmetricProperty IrreflexiveProperty "
    "AllDisjointProperties AllDisjointClasses AllDifferent"
).split()
# Constructs no OWL 2 RL rule reads (owlrl neither): the build says how often the ontology
# uses each (outside_rl) rather than ignoring them unsaid.
_OUTSIDE_RL = f"""PREFIX owl: <{_OWL}>
SELECT ?p (COUNT(*) AS ?n) WHERE {{
  {{ VALUES ?p {{ owl:cardinality owl:minCardinality owl:qualifiedCardinality
                 owl:minQualifiedCardinality owl:hasSelf }} ?r ?p ?value }}
  UNION {{ VALUES ?p {{ owl:maxCardinality owl:maxQualifiedCardinality }} ?r ?p ?value
          FILTER(?value > 1) }}
}} GROUP BY ?p ORDER BY ?p"""


def outside_rl(store: ox.Store) -> dict[str, int]:
    """How often the store's default graph uses each OWL construct the OWL 2 RL rules do not
    read (owl:cardinality, owl:minCardinality, a maximum above 1, ...), by its owl: name."""
    return {
        "owl:" + row["p"].value.removeprefix(_OWL): int(row["n"].value)
        for row in store.query(_OUTSIDE_RL)
    }


# What the rules read besides the predicates and classes their tables name: the schema (read
# whole, closed, compiled) and owl:sameAs (it switches on the equality rules, which read every
# triple). kb.build.reuse looks for these in a previous inferred graph.
SCHEMA_PREDICATE_IRIS = frozenset([_V[name] for name in SCHEMA_PREDICATES] + [_V["sameAs"]])
SCHEMA_CLASS_IRIS = frozenset(_V[name] for name in SCHEMA_CLASSES)


def rules_fingerprint() -> str:
    """The SHA-256 of the rules' code (this module and the entailment filter it applies): a
    build records it, and a previous build's inferred graph is reused only by the same code
    (kb.build.reuse), since other code may derive other triples from the same data."""
    import hashlib
    from pathlib import Path

    from kb.reason import entailments

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(entailments.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def rules_read(
    store: ox.Store, extra_schema: Iterable[ox.Triple] = ()
) -> Callable[[ox.Triple], bool]:
    """A test of whether the data rules (or a consistency rule) would read a triple, for the
    schema of `store`'s default graph plus `extra_schema` (schema triples derived in a previous
    run). False means: adding or removing that triple changes neither what materialise reads nor
    what it derives. Everything is read when an owl:sameAs between two terms is known (the
    equality rules read every triple)."""
    terms = _Terms()
    v = terms.v
    schema = _read_schema(store, terms)
    extra = list(extra_schema)
    schema.update((terms.id(t.subject), terms.id(t.predicate), terms.id(t.object)) for t in extra)
    same = ox.NamedNode(_V["sameAs"])
    if any(t.predicate == same and t.subject != t.object for t in extra) or store.query(
        f"ASK {{ ?a <{same.value}> ?b FILTER(?a != ?b) }}"
    ):
        return lambda triple: True
    _close_schema(schema, v)
    tables = _Tables(schema, terms, equality=False)
    schema_predicates = {terms.terms[v[name]] for name in SCHEMA_PREDICATES}
    schema_classes = {terms.terms[v[name]] for name in SCHEMA_CLASSES}
    predicates = {terms.terms[p] for p in tables.predicates_read if terms.terms[p] is not None}
    classes = {terms.terms[c] for c in tables.classes_read if terms.terms[c] is not None}
    type_ = terms.terms[v["type"]]
    all_typings = type_ in predicates

    def reads(triple: ox.Triple) -> bool:
        p = triple.predicate
        if p in predicates or p in schema_predicates:
            return True
        if p == type_:
            return all_typings or triple.object in classes or triple.object in schema_classes
        return False

    return reads


class _Terms:
    """Term <-> integer id. Chain helper predicates get ids with no term (None)."""

    def __init__(self) -> None:
        self.ids: dict = {}
        self.terms: list = []
        self.v = {name: self.id(ox.NamedNode(iri)) for name, iri in _V.items()}

    def id(self, term) -> int:
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return i

    def helper(self) -> int:
        self.terms.append(None)
        return len(self.terms) - 1

    def read(self, store: ox.Store, p: int | None, o: int | None = None) -> Iterator[tuple]:
        """The default graph's triples with predicate `p` (and object `o`), encoded."""
        ids, terms, new = self.ids, self.terms, self.id
        quads = store.quads_for_pattern(
            None,
            None if p is None else terms[p],
            None if o is None else terms[o],
            _DEFAULT,
        )
        for q in quads:
            s = ids.get(q.subject)
            if s is None:
                s = new(q.subject)
            pi = p
            if pi is None:
                pi = ids.get(q.predicate)
                if pi is None:
                    pi = new(q.predicate)
            oi = o
            if oi is None:
                oi = ids.get(q.object)
                if oi is None:
                    oi = new(q.object)
            yield s, pi, oi


class _Index:
    """A set of triples with subject -> objects and object -> subjects lookups per predicate."""

    def __init__(self, triples: Iterable[tuple]) -> None:
        self.sp: dict = {}
        self.op: dict = {}
        self.by_p: dict = {}
        for s, p, o in triples:
            self.sp.setdefault((s, p), set()).add(o)
            self.op.setdefault((p, o), set()).add(s)
            self.by_p.setdefault(p, []).append((s, o))

    def objects(self, s: int, p: int):
        return self.sp.get((s, p), ())

    def subjects(self, p: int, o: int):
        return self.op.get((p, o), ())

    def pairs(self, p: int):
        return self.by_p.get(p, ())

    def items(self, head: int, v: dict) -> list[int]:
        """The members of the RDF list at `head` (rdflib's Graph.items, as owlrl reads lists)."""
        out, seen = [], set()
        while head is not None and head != v["nil"] and head not in seen:
            seen.add(head)
            out.extend(self.objects(head, v["first"]))
            head = next(iter(self.objects(head, v["rest"])), None)
        return out


def _close_schema(schema: set, v: dict) -> list[tuple]:
    """owlrl's scm-* rules to a fixpoint over the schema triples; adds to `schema` and returns
    what was added. Naive rounds: the schema has a few thousand triples."""
    TYPE, SCO, SPO, EQC, EQP = (
        v["type"],
        v["subClassOf"],
        v["subPropertyOf"],
        v["equivalentClass"],
        v["equivalentProperty"],
    )
    DOM, RNG, ONP, HV, SVF, AVF = (
        v["domain"],
        v["range"],
        v["onProperty"],
        v["hasValue"],
        v["someValuesFrom"],
        v["allValuesFrom"],
    )
    added: list[tuple] = []
    while True:
        ix = _Index(schema)
        new: set = set()
        for c in ix.subjects(TYPE, v["Class"]):  # scm-cls
            new.update(((c, SCO, c), (c, EQC, c), (c, SCO, v["Thing"]), (v["Nothing"], SCO, c)))
        for kind in ("ObjectProperty", "DatatypeProperty", "Property"):  # scm-op, scm-dp
            for p in ix.subjects(TYPE, v[kind]):
                new.update(((p, SPO, p), (p, EQP, p)))
        for c1, c2 in ix.pairs(SCO):
            if c1 != c2:  # scm-sco
                new.update((c1, SCO, c3) for c3 in ix.objects(c2, SCO) if c3 != c1)
            if c1 in ix.objects(c2, SCO):  # scm-eqc2
                new.add((c1, EQC, c2))
        for c1, c2 in ix.pairs(EQC):  # scm-eqc1
            if c1 != c2:
                new.update(((c1, SCO, c2), (c2, SCO, c1)))
        for p1, p2 in ix.pairs(SPO):
            if p1 != p2:  # scm-spo, scm-eqp2
                new.update((p1, SPO, p3) for p3 in ix.objects(p2, SPO) if p3 != p1)
                if p1 in ix.objects(p2, SPO):
                    new.add((p1, EQP, p2))
        for p1, p2 in ix.pairs(EQP):  # scm-eqp1
            if p1 != p2:
                new.update(((p1, SPO, p2), (p2, SPO, p1)))
        for axiom in (DOM, RNG):  # scm-dom1/2, scm-rng1/2
            for p, c in ix.pairs(axiom):
                new.update((p, axiom, c2) for c2 in ix.objects(c, SCO) if c2 != c)
                new.update((p1, axiom, c) for p1 in ix.subjects(SPO, p) if p1 != p)
        for c1, i in ix.pairs(HV):  # scm-hv
            for p1 in ix.objects(c1, ONP):
                supers = ix.objects(p1, SPO)
                for c2 in ix.subjects(HV, i):
                    if any(p2 in supers for p2 in ix.objects(c2, ONP)):
                        new.add((c1, SCO, c2))
        for filler in (SVF, AVF):
            for c1, y1 in ix.pairs(filler):
                for p1 in ix.objects(c1, ONP):
                    # scm-svf1, scm-avf1: the same property, the filler a subclass
                    supers = ix.objects(y1, SCO)
                    for c2 in ix.subjects(ONP, p1):
                        if any(y2 in supers for y2 in ix.objects(c2, filler)):
                            new.add((c1, SCO, c2))
                    # scm-svf2, scm-avf2: the same filler, the property a subproperty
                    supers = ix.objects(p1, SPO)
                    for c2 in ix.subjects(filler, y1):
                        if any(p2 in supers for p2 in ix.objects(c2, ONP)):
                            new.add((c1, SCO, c2) if filler == SVF else (c2, SCO, c1))
        for c, head in ix.pairs(v["intersectionOf"]):  # scm-int
            new.update((c, SCO, m) for m in ix.items(head, v))
        for c, head in ix.pairs(v["unionOf"]):  # scm-uni
            new.update((m, SCO, c) for m in ix.items(head, v))
        new -= schema
        if not new:
            return added
        schema |= new
        added.extend(new)


class _PropertyPlan:
    """What a triple with this predicate triggers."""

    __slots__ = (
        "sup dom rng inv other sym trans chain_left chain_right fp ifp svf avf hv maxc "
        "maxqc".split()
    )

    def __init__(self) -> None:
        self.sup, self.dom, self.rng, self.inv = [], [], [], []
        self.other = False  # any rule besides sup, dom, rng, inv: most predicates have none
        self.sym = self.trans = self.fp = self.ifp = False
        self.chain_left: list = []  # (next property, head): this property is the chain's first
        self.chain_right: list = []  # (previous property, head): it is the second
        self.svf, self.avf, self.hv, self.maxc, self.maxqc = [], [], [], [], []


class _ClassPlan:
    """What a typing with this class triggers, besides its superclasses."""

    __slots__ = "avf hv maxc maxqc maxqc_filler int_all int_some uni svf".split()

    def __init__(self) -> None:
        self.avf: list = []  # (property, filler): cls-avf with this class the restriction
        self.hv: list = []  # (property, value): cls-hv1
        self.maxc: list = []  # property: cls-maxc2
        self.maxqc: list = []  # (property, on-class): cls-maxqc3/4
        self.maxqc_filler: list = []  # (restriction, property): this class is the on-class
        self.int_all: list = []  # members: cls-int2, this class is the intersection
        self.int_some: list = []  # (intersection, members): cls-int1, this class a member
        self.uni: list = []  # unions with this class a member: cls-uni
        self.svf: list = []  # (restriction, property): cls-svf1, this class the filler

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__slots__)


class _Tables:
    """The closed schema compiled for the data rules."""

    def __init__(self, schema: set, terms: _Terms, equality: bool) -> None:
        v = terms.v
        ix = _Index(schema)
        self.props: dict[int, _PropertyPlan] = {}
        self.classes: dict[int, _ClassPlan] = {}
        self.one_time: list[tuple] = []  # cls-oo
        if ix.pairs(v["hasKey"]):
            raise KBError(
                "the rules inference profile does not implement owl:hasKey (OWL 2 RL prp-key); "
                "use the owlrl profile"
            )
        self._plan_properties(ix, terms)
        self._plan_restrictions(ix, terms)
        self._plan_class_expressions(ix, terms)
        self._compile_checks(ix, terms)
        self.datatype_fillers = {
            d for plan in self.props.values() for _, d in plan.svf if _is_datatype(terms.terms[d])
        }
        self._drop_redundant(ix, v)
        self._choose_indexes()
        self._choose_typings(terms, equality)
        self._choose_predicates_read(v)

    def _plan_properties(self, ix: _Index, terms: _Terms) -> None:
        """Subclasses, subproperties, domains, ranges, inverses, property characteristics and
        chains."""
        v = terms.v
        TYPE = v["type"]
        prop = self._prop
        self.sup: dict[int, set] = {}
        for c1, c2 in ix.pairs(v["subClassOf"]):  # cax-sco; equivalences arrive as both ways
            if c1 != c2:
                self.sup.setdefault(c1, set()).add(c2)
        for p1, p2 in ix.pairs(v["subPropertyOf"]):  # prp-spo1, prp-eqp1/2 (via scm-eqp1)
            if p1 != p2:
                prop(p1).sup.append(p2)
        for p, c in ix.pairs(v["domain"]):
            prop(p).dom.append(c)
        for p, c in ix.pairs(v["range"]):
            prop(p).rng.append(c)
        for p1, p2 in ix.pairs(v["inverseOf"]):
            prop(p1).inv.append(p2)
            prop(p2).inv.append(p1)
        for kind, attr in (
            ("SymmetricProperty", "sym"),
            ("TransitiveProperty", "trans"),
            ("FunctionalProperty", "fp"),
            ("InverseFunctionalProperty", "ifp"),
        ):
            for p in ix.subjects(TYPE, v[kind]):
                setattr(prop(p), attr, True)
        for head, chain in ix.pairs(v["propertyChainAxiom"]):
            self._chain(head, ix.items(chain, v), terms)

    def _plan_restrictions(self, ix: _Index, terms: _Terms) -> None:
        """Restrictions: someValuesFrom, allValuesFrom, hasValue, max (qualified) cardinality 1."""
        v = terms.v
        THING = v["Thing"]
        prop, cls = self._prop, self._class
        for r, d in ix.pairs(v["someValuesFrom"]):
            for p in ix.objects(r, v["onProperty"]):
                prop(p).svf.append((r, d))
                if d != THING:  # cls-svf2 needs no typing of the value
                    cls(d).svf.append((r, p))
        for r, d in ix.pairs(v["allValuesFrom"]):
            for p in ix.objects(r, v["onProperty"]):
                prop(p).avf.append((r, d))
                cls(r).avf.append((p, d))
        for r, value in ix.pairs(v["hasValue"]):
            for p in ix.objects(r, v["onProperty"]):
                prop(p).hv.append((r, value))
                cls(r).hv.append((p, value))
        for r, n in ix.pairs(v["maxCardinality"]):
            if _is_one(terms.terms[n]):
                for p in ix.objects(r, v["onProperty"]):
                    prop(p).maxc.append(r)
                    cls(r).maxc.append(p)
        for r, n in ix.pairs(v["maxQualifiedCardinality"]):
            if _is_one(terms.terms[n]):
                for p in ix.objects(r, v["onProperty"]):
                    for c in ix.objects(r, v["onClass"]):
                        prop(p).maxqc.append((r, c))
                        cls(r).maxqc.append((p, c))
                        if c != THING:
                            cls(c).maxqc_filler.append((r, p))

    def _plan_class_expressions(self, ix: _Index, terms: _Terms) -> None:
        """Intersections, unions and enumerations (cls-int1/2, cls-uni, cls-oo)."""
        v = terms.v
        TYPE = v["type"]
        cls = self._class
        for c, head in ix.pairs(v["intersectionOf"]):
            members = ix.items(head, v)
            cls(c).int_all.extend(members)
            if members:
                for m in set(members):
                    cls(m).int_some.append((c, tuple(members)))
        for c, head in ix.pairs(v["unionOf"]):
            for m in ix.items(head, v):
                cls(m).uni.append(c)
        for c, head in ix.pairs(v["oneOf"]):
            self.one_time.extend((m, TYPE, c) for m in ix.items(head, v))

    def _drop_redundant(self, ix: _Index, v: dict) -> None:
        """The closures make most entries redundant: a typing brings its superclasses, a triple
        its superproperties' triples when it is processed in turn."""
        sup_props: dict[int, set] = {}
        for p1, p2 in ix.pairs(v["subPropertyOf"]):
            if p1 != p2:
                sup_props.setdefault(p1, set()).add(p2)
        for plan in self.props.values():
            plan.sup = _minimal(plan.sup, sup_props)
            plan.dom = _minimal(plan.dom, self.sup)
            plan.rng = _minimal(plan.rng, self.sup)
            plan.other = any(getattr(plan, name) for name in _PropertyPlan.__slots__[5:])

    def _choose_indexes(self) -> None:
        """The predicates whose triples the joins look up by subject (index_sp) or object."""
        self.index_sp = {p for p, plan in self.props.items() if plan.trans or plan.fp}
        self.index_sp |= {p for p, plan in self.props.items() if plan.maxc or plan.maxqc}
        self.index_op = {p for p, plan in self.props.items() if plan.trans or plan.ifp}
        for plan in self.props.values():
            self.index_sp.update(q for q, _ in plan.chain_left)
            self.index_op.update(q for q, _ in plan.chain_right)
        for plan in self.classes.values():
            self.index_sp.update(p for p, _ in (*plan.avf, *plan.maxqc))
            self.index_sp.update(plan.maxc)
            self.index_op.update(p for _, p in (*plan.svf, *plan.maxqc_filler))
        self.index_sp.update(p for _, p in self._maxqc_fillers())

    def _choose_typings(self, terms: _Terms, equality: bool) -> None:
        """Which typings are derived: those a rule or the filter keeps; a typing no rule reads and
        the entailment filter drops (blank-node restrictions, owl:Thing, vocabulary classes) is
        never derived, its superclasses are."""
        v = terms.v
        TYPE = v["type"]
        type_read = TYPE in self.props or equality
        schema_classes = {v[name] for name in SCHEMA_CLASSES}
        plans = {c for c, plan in self.classes.items() if plan}

        needed = self.watched | self.typing_needed

        def inert(c: int) -> bool:
            if type_read or c in plans or c in schema_classes or terms.terms[c] is None:
                return False
            if c in needed:  # a consistency rule reads it
                return False
            return not _typing_kept(terms.terms[c])

        heads = set(self.sup) | {c for cs in self.sup.values() for c in cs} | plans
        for plan in self.props.values():
            heads.update(plan.dom, plan.rng, (r for r, _ in plan.svf), (d for _, d in plan.avf))
            heads.update(r for r, _ in plan.hv)
        for plan in self.classes.values():
            heads.update((d for _, d in plan.avf), plan.int_all, plan.uni)
            heads.update(k for k, _ in plan.int_some)
        heads.update(c for _, _, c in self.one_time)
        heads.update(self.watched, self.typing_needed)
        self.expand: dict[int, tuple] = {}
        for c in heads:
            closure = {c} | self.sup.get(c, set())
            self.expand[c] = tuple(sorted(x for x in closure if not inert(x)))
        self.sup_expand = {
            c: tuple(sorted(x for x in sups if not inert(x))) for c, sups in self.sup.items()
        }
        self.classes_read = {c for c in heads if not inert(c)} | plans
        self.classes_read |= {c for c, closure in self.sup_expand.items() if closure}

    def _choose_predicates_read(self, v: dict) -> None:
        """The predicates whose asserted triples the rules read."""
        heads_p = set(self.props)
        for plan in self.props.values():
            heads_p.update(plan.sup, plan.inv, (h for _, h in plan.chain_left))
        for plan in self.classes.values():
            heads_p.update(p for p, _ in plan.hv)
        heads_p.add(v["sameAs"])  # an asserted sameAs switches the equality rules on
        heads_p |= self.checked_predicates
        self.predicates_read = heads_p
        self.index_sp |= self.checked_predicates

    def _compile_checks(self, ix: _Index, terms: _Terms) -> None:
        """The OWL 2 RL rules with a false conclusion, as tables read once the data rules are
        done (_clashes): pairs of disjoint or complementary classes, classes allowing no value
        of a property, irreflexive, asymmetric and disjoint properties, negative property
        assertions, owl:AllDifferent. The classes they name are watched (their instances
        recorded, blank-node restrictions too); their predicates are read and indexed."""
        v = terms.v
        self.class_pairs: list[tuple[str, int, int]] = []
        for a, b in ix.pairs(v["disjointWith"]):
            self.class_pairs.append(("cax-dw", a, b))
        for node in ix.subjects(v["type"], v["AllDisjointClasses"]):
            for head in ix.objects(node, v["members"]):
                members = ix.items(head, v)
                for i, a in enumerate(members):
                    self.class_pairs += [("cax-adc", a, b) for b in members[i + 1 :] if b != a]
        for a, b in ix.pairs(v["complementOf"]):
            self.class_pairs.append(("cls-com", a, b))
        self.max_zero: list[tuple[str, int, int, int | None]] = []
        for rule, name in (
            ("cls-maxc1", "maxCardinality"),
            ("cls-maxqc1", "maxQualifiedCardinality"),
        ):
            for r, n in ix.pairs(v[name]):
                if not _is_zero(terms.terms[n]):
                    continue
                for p in ix.objects(r, v["onProperty"]):
                    on = list(ix.objects(r, v["onClass"])) if rule == "cls-maxqc1" else [None]
                    self.max_zero += [(rule, r, p, c if c != v["Thing"] else None) for c in on]
        self.irreflexive = set(ix.subjects(v["type"], v["IrreflexiveProperty"]))
        self.asymmetric = set(ix.subjects(v["type"], v["AsymmetricProperty"]))
        self.property_pairs: list[tuple[str, int, int]] = [
            ("prp-pdw", a, b) for a, b in ix.pairs(v["propertyDisjointWith"])
        ]
        for node in ix.subjects(v["type"], v["AllDisjointProperties"]):
            for head in ix.objects(node, v["members"]):
                members = ix.items(head, v)
                for i, a in enumerate(members):
                    self.property_pairs += [("prp-adp", a, b) for b in members[i + 1 :] if b != a]
        self.negative: list[tuple[int, int, int]] = []
        for n, x in ix.pairs(v["sourceIndividual"]):
            for p in ix.objects(n, v["assertionProperty"]):
                for key in ("targetIndividual", "targetValue"):
                    self.negative += [(x, p, y) for y in ix.objects(n, v[key])]
        self.different: list[list[int]] = []
        for node in ix.subjects(v["type"], v["AllDifferent"]):
            for key in ("members", "distinctMembers"):
                self.different += [ix.items(head, v) for head in ix.objects(node, v[key])]
        self.watched = {c for _, a, b in self.class_pairs for c in (a, b)}
        self.watched |= {r for _, r, _, _ in self.max_zero} | {v["Nothing"]}
        self.typing_needed = {c for *_, c in self.max_zero if c is not None}
        self.checked_predicates = {p for _, _, p, _ in self.max_zero} | self.irreflexive
        self.checked_predicates |= self.asymmetric | {v["differentFrom"], v["sameAs"]}
        self.checked_predicates |= {p for _, a, b in self.property_pairs for p in (a, b)}
        self.checked_predicates |= {p for _, p, _ in self.negative}

    def _prop(self, p: int) -> _PropertyPlan:
        plan = self.props.get(p)
        if plan is None:
            plan = self.props[p] = _PropertyPlan()
        return plan

    def _class(self, c: int) -> _ClassPlan:
        plan = self.classes.get(c)
        if plan is None:
            plan = self.classes[c] = _ClassPlan()
        return plan

    def _maxqc_fillers(self) -> Iterator[tuple]:
        for plan in self.classes.values():
            yield from plan.maxqc_filler

    def _chain(self, head: int, chain: list[int], terms: _Terms) -> None:
        """prp-spo2 for a chain of any length, as binary steps through helper predicates."""
        if not chain:
            return
        if len(chain) == 1:
            self._prop(chain[0]).sup.append(head)
            return
        left = chain[0]
        for i, right in enumerate(chain[1:], start=2):
            step = head if i == len(chain) else terms.helper()
            self._prop(left).chain_left.append((right, step))
            self._prop(right).chain_right.append((left, step))
            left = step


def _minimal(items: list[int], sup: dict[int, set]) -> list[int]:
    """`items` less those another item's closure (`sup`) covers; one of equivalent ones."""
    kept: list[int] = []
    for c in dict.fromkeys(items):
        if any(c in sup.get(k, ()) for k in kept):
            continue
        kept = [k for k in kept if k not in sup.get(c, ())]
        kept.append(c)
    return kept


def _is_one(term) -> bool:
    literal = from_ox(term) if isinstance(term, ox.Literal) else None
    return literal is not None and literal.value == 1  # owlrl's test of the cardinality


def _is_zero(term) -> bool:
    literal = from_ox(term) if isinstance(term, ox.Literal) else None
    return literal is not None and literal.value == 0 and not isinstance(literal.value, bool)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_LITERAL_CLASSES = {_RDFS + "Literal", _RDF + "PlainLiteral", _RDF + "langString"}


def _is_datatype(term) -> bool:
    return isinstance(term, ox.NamedNode) and (
        term.value.startswith(_XSD) or term.value in _LITERAL_CLASSES
    )


# Value ranges of the types derived from xsd:integer: Oxigraph stores all of them as
# xsd:integer, so whether a number is one is read from its value (dt-type2 is about values).
_INTEGER_RANGES = {
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}


def literal_in(term, datatype: str) -> bool:
    """Whether a literal is a value of `datatype` as OWL 2 RL's dt-type2 types literals: by its
    own datatype and those owlrl's table says contain it; a number of an integer-derived type
    by its value; no typing for an ill-typed literal."""
    from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions
    from rdflib import URIRef

    if not isinstance(term, ox.Literal):
        return False
    if datatype in _LITERAL_CLASSES - {_RDF + "langString"} or (
        datatype == _RDF + "langString" and term.language
    ):
        return datatype != _RDF + "PlainLiteral" or term.datatype.value in (
            _XSD + "string",
            _RDF + "langString",
        )
    literal = from_ox(term)
    if getattr(literal, "ill_typed", False) or term.language:
        return False
    own = term.datatype.value
    if own == datatype or datatype in {
        str(d) for d in OWL_Datatype_Subsumptions.get(URIRef(own), ())
    }:
        return True
    bounds = _INTEGER_RANGES.get(datatype.removeprefix(_XSD)) if datatype.startswith(_XSD) else None
    if bounds is not None and own == _XSD + "integer" and isinstance(literal.value, int):
        low, high = bounds
        return (low is None or literal.value >= low) and (high is None or literal.value <= high)
    return False


def _shown(term) -> object:
    """A term as kb.reason.entailments's messages print it: IRIs bare, literals in N-Triples
    form."""
    node = from_ox(term)
    return node.n3() if isinstance(term, ox.Literal) else node


def _kind(term) -> str:
    if isinstance(term, ox.NamedNode):
        return "iri"
    return "bnode" if isinstance(term, ox.BlankNode) else "literal"


def _value(term) -> str:
    """The IRI, blank node id or lexical form (an RDF 1.2 triple term: its N-Triples form)."""
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


def _typing_kept(c) -> bool:
    """Whether kb.reason.entailments's filter keeps `x a c` for some IRI x."""
    return statement_kept(_V["type"], _kind(c), _value(c), False)


class _Triples:
    """Triples as three arrays of ids: 24 bytes each instead of a tuple's 64, and once the
    rules' tuples are gone, their memory goes back to the system before the store grows."""

    def __init__(self, triples: Iterable[tuple] = ()) -> None:
        self.s, self.p, self.o = array("q"), array("q"), array("q")
        self.extend(triples)

    def extend(self, triples: Iterable[tuple]) -> None:
        if isinstance(triples, _Triples):
            self.s.extend(triples.s)
            self.p.extend(triples.p)
            self.o.extend(triples.o)
            return
        for s, p, o in triples:
            self.s.append(s)
            self.p.append(p)
            self.o.append(o)

    def __iter__(self) -> Iterator[tuple]:
        return zip(self.s, self.p, self.o, strict=True)

    def __len__(self) -> int:
        return len(self.s)


class _NeedEquality(Exception):
    """An owl:sameAs between distinct terms: the run restarts with the equality rules."""


def _read_facts(
    store: ox.Store, terms: _Terms, tables: _Tables, known: _Triples, equality: bool
) -> set:
    """The triples the rules read: all of them for the equality rules, else only those with a
    predicate (or a class) some table names; plus `known` (derived earlier)."""
    TYPE = terms.v["type"]
    facts: set = set()
    if equality:
        facts.update(terms.read(store, None))
    else:
        for p in tables.predicates_read:
            if terms.terms[p] is not None:
                facts.update(terms.read(store, p))
        if TYPE not in tables.predicates_read:
            for c in tables.classes_read:
                if terms.terms[c] is not None:
                    facts.update(terms.read(store, TYPE, c))
    facts.update(known)
    return facts


def _index_facts(facts: set, tables: _Tables, terms: _Terms, equality: bool) -> tuple[dict, dict]:
    """predicate -> subject -> objects and predicate -> object -> subjects, for the predicates
    the joins enumerate (every predicate under the equality rules)."""
    SAME, TYPE = terms.v["sameAs"], terms.v["type"]
    sp: dict = {p: {} for p in tables.index_sp}
    op: dict = {p: {} for p in tables.index_op}
    if equality:
        for _, p, _ in facts:
            sp.setdefault(p, {})
            op.setdefault(p, {})
        for p in (SAME, TYPE):
            sp.setdefault(p, {})
            op.setdefault(p, {})
    for s, p, o in facts:
        idx = sp.get(p)
        if idx is not None:
            idx.setdefault(s, []).append(o)
        idx = op.get(p)
        if idx is not None:
            idx.setdefault(o, []).append(s)
        if p == SAME and s != o and not equality:
            raise _NeedEquality
    return sp, op


class _Run:
    """What one fixpoint run shares: the facts, their indexes, the triples still to join and
    those derived. The rule groups below are closures over these (a closure's variables are
    read faster than attributes, and the loop runs once per triple)."""

    def __init__(self, terms: _Terms, tables: _Tables, facts: set, sp: dict, op: dict) -> None:
        self.terms, self.tables, self.facts, self.sp, self.op = terms, tables, facts, sp, op
        self.derived: list[tuple] = []
        self.stack: list[tuple] = []
        # instances of the classes a consistency rule reads, recorded as they are typed
        self.watch: dict[int, list[int]] = {c: [] for c in tables.watched}


def _adding(run: _Run, equality: bool):
    """add(s, p, o) and add_type(x, c): a new triple joins the facts, the indexes and the
    stack; a new typing comes with its superclasses (cax-sco)."""
    v, tables, facts, sp, op = run.terms.v, run.tables, run.facts, run.sp, run.op
    TYPE, SAME = v["type"], v["sameAs"]
    push, record, expand, sup = run.stack.append, run.derived.append, tables.expand, tables.sup
    index = {p: (sp.get(p), op.get(p)) for p in (*sp, *op)}  # one lookup per new triple
    get_index, watch_get = index.get, run.watch.get
    type_sp, type_op = sp.get(TYPE), op.get(TYPE)

    def add(s: int, p: int, o: int) -> None:
        t = (s, p, o)
        if t in facts:
            return
        if p == TYPE:
            add_type(s, o)
            return
        facts.add(t)
        push(t)
        record(t)
        both = get_index(p)
        if both is None and equality:  # a predicate new to the run (eq-rep-p)
            both = index[p] = ({}, {})
            sp[p], op[p] = both
        if both is not None:
            by_s, by_o = both
            if by_s is not None:
                by_s.setdefault(s, []).append(o)
            if by_o is not None:
                by_o.setdefault(o, []).append(s)
        if p == SAME and not equality and s != o:
            raise _NeedEquality

    def add_type(x: int, c: int) -> None:
        # A known typing has its superclasses already (derived: added with it; asserted or
        # known: by the first loop of _run_data_rules), so most calls stop here.
        if (x, TYPE, c) in facts:
            return
        closure = expand.get(c)
        if closure is None:  # a class no table names (equality rules, generic heads)
            closure = (c, *sorted(sup.get(c, ())))
        for c2 in closure:
            t = (x, TYPE, c2)
            if t not in facts:
                facts.add(t)
                push(t)
                record(t)
                w = watch_get(c2)
                if w is not None:
                    w.append(x)
                if type_sp is not None:
                    type_sp.setdefault(x, []).append(c2)
                if type_op is not None:
                    type_op.setdefault(c2, []).append(x)

    return add, add_type


def _property_rules(run: _Run, add, add_type, same_as):
    """The rules a new property triple triggers beyond spo1, dom, rng and inv: symmetric,
    transitive, chains, functional keys, and the restrictions read through the property."""
    v, facts, sp, op = run.terms.v, run.facts, run.sp, run.op
    TYPE, THING = v["type"], v["Thing"]
    fillers, terms_of = run.tables.datatype_fillers, run.terms.terms
    literal_fits: dict[tuple[int, int], bool] = {}
    empty: tuple = ()

    def fits(o: int, d: int) -> bool:
        """cls-svf1 with a datatype as filler: the value is a literal of it (dt-type2)."""
        key = (o, d)
        ok = literal_fits.get(key)
        if ok is None:
            ok = literal_fits[key] = literal_in(terms_of[o], terms_of[d].value)
        return ok

    def other_rules(pp: _PropertyPlan, s: int, p: int, o: int) -> None:
        if pp.sym:  # prp-symp
            add(o, p, s)
        if pp.trans:  # prp-trp
            for z in list(sp[p].get(o, empty)):
                add(s, p, z)
            for w in list(op[p].get(s, empty)):
                add(w, p, o)
        for q, head in pp.chain_left:  # prp-spo2
            for z in list(sp[q].get(o, empty)):
                add(s, head, z)
        for q, head in pp.chain_right:
            for w in list(op[q].get(s, empty)):
                add(w, head, o)
        if pp.fp:  # prp-fp
            for y2 in list(sp[p].get(s, empty)):
                same_as(o, y2)
        if pp.ifp:  # prp-ifp
            for x2 in list(op[p].get(o, empty)):
                same_as(s, x2)
        for r, d in pp.svf:  # cls-svf1/2, the property triple is new
            if d == THING or (o, TYPE, d) in facts or (d in fillers and fits(o, d)):
                add_type(s, r)
        for r, d in pp.avf:  # cls-avf, the property triple is new
            if (s, TYPE, r) in facts:
                add_type(o, d)
        for r, value in pp.hv:  # cls-hv2
            if o == value:
                add_type(s, r)
        for r in pp.maxc:  # cls-maxc2, the property triple is new
            if (s, TYPE, r) in facts:
                for y2 in list(sp[p].get(s, empty)):
                    same_as(o, y2)
        for r, c in pp.maxqc:  # cls-maxqc3/4, the property triple is new
            if (s, TYPE, r) in facts and (c == THING or (o, TYPE, c) in facts):
                for y2 in list(sp[p].get(s, empty)):
                    if c == THING or (y2, TYPE, c) in facts:
                        same_as(o, y2)

    return other_rules


def _class_rules(run: _Run, add, add_type, same_as):
    """The rules a typing `s a o` triggers, besides the superclasses: the restrictions,
    intersections and unions that name the class."""
    v, facts, get_sp, get_op = run.terms.v, run.facts, run.sp.get, run.op.get
    TYPE, THING = v["type"], v["Thing"]
    empty: tuple = ()

    def class_rules(cp: _ClassPlan, s: int, o: int) -> None:
        for q, d in cp.avf:  # cls-avf
            for y in get_sp(q).get(s, empty):
                add_type(y, d)
        for q, value in cp.hv:  # cls-hv1
            add(s, q, value)
        for q in cp.maxc:  # cls-maxc2
            ys = get_sp(q).get(s, empty)
            for y1 in ys:
                for y2 in ys:
                    same_as(y1, y2)
        for q, c in cp.maxqc:  # cls-maxqc3/4, the restriction typing is new
            ys = [y for y in get_sp(q).get(s, empty) if c == THING or (y, TYPE, c) in facts]
            for y1 in ys:
                for y2 in ys:
                    same_as(y1, y2)
        for r, q in cp.maxqc_filler:  # cls-maxqc3, the value's typing is new
            for x in get_op(q).get(s, empty):
                if (x, TYPE, r) in facts:
                    for y2 in get_sp(q).get(x, empty):
                        if (y2, TYPE, o) in facts:
                            same_as(s, y2)
        for m in cp.int_all:  # cls-int2
            add_type(s, m)
        for k, members in cp.int_some:  # cls-int1
            if all((s, TYPE, m) in facts for m in members):
                add_type(s, k)
        for k in cp.uni:  # cls-uni
            add_type(s, k)
        for r, q in cp.svf:  # cls-svf1, the value's typing is new
            for w in get_op(q).get(s, empty):
                add_type(w, r)

    return class_rules


def _equality_rules(run: _Run, add):
    """eq-sym, eq-trans and eq-rep-s/p/o: run only once an owl:sameAs between distinct terms
    has been seen (_NeedEquality)."""
    SAME, sp, op = run.terms.v["sameAs"], run.sp, run.op
    empty: tuple = ()

    def equality(s: int, p: int, o: int) -> None:
        same = sp[SAME]
        if p == SAME and s != o:
            add(o, SAME, s)  # eq-sym
            for z in list(same.get(o, empty)):  # eq-trans
                if z != s:
                    add(s, SAME, z)
            for q, idx in list(sp.items()):  # eq-rep-s
                for value in list(idx.get(s, empty)):
                    add(o, q, value)
            for u, values in list(sp.get(s, {}).items()):  # eq-rep-p
                for value in list(values):
                    add(u, o, value)
            for q, idx in list(op.items()):  # eq-rep-o
                for u in list(idx.get(s, empty)):
                    add(u, q, o)
        for s2 in list(same.get(s, empty)):  # eq-rep-s/p/o, this triple is new
            add(s2, p, o)
        for p2 in list(same.get(p, empty)):
            add(s, p2, o)
        for o2 in list(same.get(o, empty)):
            add(s, p, o2)

    return equality


def _run_data_rules(
    store: ox.Store,
    terms: _Terms,
    tables: _Tables,
    known: _Triples,
    equality: bool,
    stats: dict,
) -> _Triples:
    """The data rules to a fixpoint over the store's default graph (what the tables read) plus
    `known` (derived earlier); returns the triples derived in this run."""
    TYPE, SAME = terms.v["type"], terms.v["sameAs"]
    started = time.perf_counter()
    facts = _read_facts(store, terms, tables, known, equality)
    stats["read"] += time.perf_counter() - started
    sp, op = _index_facts(facts, tables, terms, equality)
    initial = list(facts)
    run = _Run(terms, tables, facts, sp, op)
    add, add_type = _adding(run, equality)

    def same_as(a: int, b: int) -> None:
        if a != b:
            add(a, SAME, b)
            add(b, SAME, a)

    other_rules = _property_rules(run, add, add_type, same_as)
    class_rules = _class_rules(run, add, add_type, same_as)
    equality_rules = _equality_rules(run, add)
    props, classes, sup_expand, watch_get = (
        tables.props,
        tables.classes,
        tables.sup_expand,
        run.watch.get,
    )
    empty: tuple = ()
    for s, _, c in tables.one_time:  # cls-oo
        add_type(s, c)
    for s, p, o in initial:
        if p == TYPE:  # cax-sco for asserted (and earlier) typings; derived ones come closed
            w = watch_get(o)
            if w is not None:
                w.append(s)
            for c2 in sup_expand.get(o, empty):
                add_type(s, c2)
    # Every triple, asserted or derived, is joined once with what is known when it is taken.
    stack = run.stack
    stack.extend(initial)
    del initial
    pop = stack.pop
    while stack:
        s, p, o = pop()
        if p == TYPE:
            cp = classes.get(o)
            if cp is not None:
                class_rules(cp, s, o)
        pp = props.get(p)
        if pp is not None:
            for q in pp.sup:  # prp-spo1
                add(s, q, o)
            for c in pp.dom:  # prp-dom
                add_type(s, c)
            for c in pp.rng:  # prp-rng
                add_type(o, c)
            for q in pp.inv:  # prp-inv1/2
                add(o, q, s)
            if pp.other:
                other_rules(pp, s, p, o)
        if equality:
            equality_rules(s, p, o)
    stats["clashes"] = _clashes(tables, terms, facts, sp, run.watch)
    return _Triples(run.derived)


def _clashes(tables: _Tables, terms: _Terms, facts: set, sp: dict, watch: dict) -> list:
    """(rule, x, y, a, b) for each OWL 2 RL rule with a false conclusion that fires on the
    closed facts (kb.reason.entailments.clash_text words them)."""
    v = terms.v
    TYPE, SAME, DIFF = v["type"], v["sameAs"], v["differentFrom"]
    found = []
    for rule, a, b in tables.class_pairs:  # cax-dw, cax-adc, cls-com
        for x in set(watch.get(a, ())):
            if (x, TYPE, b) in facts:
                found.append((rule, x, None, a, b))
    for x in set(watch.get(v["Nothing"], ())):  # cls-nothing2
        found.append(("cls-nothing2", x, None, None, None))
    for rule, r, p, c in tables.max_zero:  # cls-maxc1, cls-maxqc1/2
        values = sp.get(p, {})
        for x in set(watch.get(r, ())):
            for y in values.get(x, ()):
                if c is None or (y, TYPE, c) in facts:
                    found.append((rule, x, y, p, r))
    for x, ys in sp.get(DIFF, {}).items():  # eq-diff1
        for y in ys:
            if x == y or (x, SAME, y) in facts:
                found.append(("eq-diff1", x, y, None, None))
    for members in tables.different:  # eq-diff2, eq-diff3
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                if x != y and (x, SAME, y) in facts:
                    found.append(("eq-diff2", x, y, None, None))
    for p in tables.irreflexive:  # prp-irp
        for x, ys in sp.get(p, {}).items():
            if x in ys:
                found.append(("prp-irp", x, x, p, None))
    for p in tables.asymmetric:  # prp-asyp
        values = sp.get(p, {})
        for x, ys in values.items():
            for y in ys:
                if x in values.get(y, ()):
                    found.append(("prp-asyp", x, y, p, None))
    for rule, a, b in tables.property_pairs:  # prp-pdw, prp-adp
        other = sp.get(b, {})
        for x, ys in sp.get(a, {}).items():
            for y in set(ys) & set(other.get(x, ())):
                found.append((rule, x, y, a, b))
    for x, p, y in tables.negative:  # prp-npa1, prp-npa2
        if (x, p, y) in facts:
            found.append(("prp-npa", x, y, p, None))
    return sorted(set(found), key=repr)


def _read_schema(store: ox.Store, terms: _Terms) -> set:
    v = terms.v
    schema = set()
    for name in SCHEMA_PREDICATES:
        schema.update(terms.read(store, v[name]))
    for name in SCHEMA_CLASSES:
        schema.update(terms.read(store, v["type"], v[name]))
    return schema


def _is_schema(t: tuple, predicates: set, classes: set, type_: int) -> bool:
    return t[1] in predicates or (t[1] == type_ and t[2] in classes)


_UNSEEN = object()


class _Writer:
    """Derived triples to N-Triples text for Oxigraph's parser, faster than building a Python
    quad each; the few with a blank node go as quads, since parsing renames blank nodes."""

    CHUNK = 400_000  # triples per load: bounds the text held in memory

    def __init__(self, terms: _Terms, graph: ox.NamedNode, keep_only: bool, bulk: bool) -> None:
        self.terms = terms.terms
        self.graph = graph
        self.keep_only = keep_only
        self.bulk = bulk
        v = terms.v
        # The predicates whose filter looks at the object (kb.reason.entailments.statement_kept);
        # for the
        # others only a blank-node object is dropped.
        self.special = {v[n] for n in ("type", "sameAs", "subClassOf", "subPropertyOf")}
        self.special |= {v["equivalentClass"], v["equivalentProperty"]}

    def _subject(self, s: int) -> str | None:
        """Its N-Triples text; "" to drop the triple; None for a blank node (a quad)."""
        term = self.terms[s]
        kind = _kind(term)
        if kind == "literal" or (self.keep_only and not subject_kept(kind, term.value)):
            return ""
        return None if kind == "bnode" else str(term)

    def _node(self, i: int) -> str | None:
        """ " term" in N-Triples; "" for a chain's helper predicate; None for a blank node (or
        an RDF 1.2 triple term): written as a quad."""
        term = self.terms[i]
        if term is None:
            return ""
        return f" {term}" if isinstance(term, ox.NamedNode | ox.Literal) else None

    def _statement_kept(self, s: int, p: int, o: int) -> bool:
        term = self.terms[o]
        return statement_kept(self.terms[p].value, _kind(term), _value(term), s == o)

    def write(self, store: ox.Store, derived: _Triples) -> int:
        subjects: dict = {}
        nodes: dict = {}
        special_kept: dict = {}
        special, keep_only = self.special, self.keep_only
        lines: list[str] = []
        quads: list[ox.Quad] = []
        written = 0
        for s, p, o in derived:
            a = subjects.get(s, _UNSEEN)
            if a is _UNSEEN:
                a = subjects[s] = self._subject(s)
            if a == "":
                continue
            b = nodes.get(p, _UNSEEN)
            if b is _UNSEEN:
                b = nodes[p] = self._node(p)
            if b == "":
                continue
            c = nodes.get(o, _UNSEEN)
            if c is _UNSEEN:
                c = nodes[o] = self._node(o)
            if keep_only:
                if c is None:
                    continue
                if p in special:
                    if s == o:
                        if not self._statement_kept(s, p, o):
                            continue
                    else:
                        ok = special_kept.get((p, o))
                        if ok is None:
                            ok = special_kept[(p, o)] = self._statement_kept(s, p, o)
                        if not ok:
                            continue
            if a is None or c is None:
                quads.append(ox.Quad(self.terms[s], self.terms[p], self.terms[o], self.graph))
            else:
                lines.append(a + b + c)
                if len(lines) == self.CHUNK:
                    written += self._load(store, lines)
                    lines = []
        written += self._load(store, lines)
        if quads:
            store.extend(quads)
            store.extend(ox.Quad(q.subject, q.predicate, q.object, _DEFAULT) for q in quads)
        return written + len(quads)

    def _load(self, store: ox.Store, lines: list[str]) -> int:
        if not lines:
            return 0
        lines.append("")
        data = " .\n".join(lines).encode()
        # Parsed twice rather than copied with ADD: measured faster (2.2 vs 2.6 s per 10^6).
        load = store.bulk_load if self.bulk else store.load
        for graph in (self.graph, _DEFAULT):
            load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        return len(lines) - 1


def materialise(
    store: ox.Store,
    keep_only: bool = False,
    bulk: bool = False,
    graph: ox.NamedNode | str = INFERRED,
    max_rounds: int = 50,
) -> dict:
    """Add to the default graph of `store` what OWL 2 RL entails from it (as owlrl would) and
    put the same triples in the named graph `graph` (INFERRED unless told: a build can name its
    own inferred graph and save a MOVE of a million quads). With keep_only, only the triples
    kb.reason.entailments's filter keeps (no blank-node or literal subjects, no owl:Thing typing, no
    tautologies), so the store can be validated and queried in place. With bulk, the triples
    are written with Store.bulk_load: not transactional, 3x faster on an on-disk store (and
    slower in memory).

    Returns timings in seconds ("schema", "read", "rules", "write") and counts: "rounds"
    (schema closures), "derived" (before the filter), "written"."""
    # Millions of live tuples make every cyclic-GC pass walk them all (measured: the rules
    # took 13 s instead of 6 at 10^6); nothing here creates reference cycles.
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        graph = ox.NamedNode(graph) if isinstance(graph, str) else graph
        return _materialise(store, graph, keep_only, bulk, max_rounds)
    finally:
        if gc_enabled:
            gc.enable()


def _materialise(
    store: ox.Store, graph: ox.NamedNode, keep_only: bool, bulk: bool, max_rounds: int
) -> dict:
    stats: dict = {"schema": 0.0, "read": 0.0, "rules": 0.0, "write": 0.0}
    start = time.perf_counter()
    terms = _Terms()
    v = terms.v
    schema = _read_schema(store, terms)
    schema_predicates = {v[name] for name in SCHEMA_PREDICATES}
    schema_classes = {v[name] for name in SCHEMA_CLASSES}
    derived = _Triples()
    equality, rounds = False, 0
    while True:
        rounds += 1
        if rounds > max_rounds:
            raise KBError(f"materialise: no fixpoint after max_rounds={max_rounds} rounds")
        derived.extend(_close_schema(schema, v))
        tables = _Tables(schema, terms, equality)
        stats["schema"] += time.perf_counter() - start
        start = time.perf_counter()
        try:
            new = _run_data_rules(store, terms, tables, derived, equality, stats)
        except _NeedEquality:
            equality = True
            continue
        finally:
            stats["rules"] += time.perf_counter() - start
            start = time.perf_counter()
        derived.extend(new)
        new_schema = {t for t in new if _is_schema(t, schema_predicates, schema_classes, v["type"])}
        if not new_schema - schema:
            break
        schema |= new_schema
    stats["clashes"] = [
        clash_text(rule, *(None if i is None else _shown(terms.terms[i]) for i in ids))
        for rule, *ids in stats["clashes"]
    ]
    del new, tables
    terms.ids.clear()  # the writer needs only id -> term
    start = time.perf_counter()
    stats["written"] = _Writer(terms, graph, keep_only, bulk).write(store, derived)
    stats["write"] = time.perf_counter() - start
    stats.update(rounds=rounds, derived=len(derived), equality=equality)
    return stats


def drop_noise(store: ox.Store, graph: ox.NamedNode = INFERRED) -> int:
    """For a store materialised without keep_only: remove from `graph` and the default graph
    the inferred triples kb.reason.entailments's filter drops. Returns how many."""
    noise = []
    for q in store.quads_for_pattern(None, None, None, graph):
        s, p, o = q.subject, q.predicate, q.object
        s_kind, o_kind = _kind(s), _kind(o)
        if not (
            subject_kept(s_kind, s.value)
            and statement_kept(p.value, o_kind, _value(o), s_kind == o_kind and s == o)
        ):
            noise.append(q)
    for q in noise:
        store.remove(q)
        store.remove(ox.Quad(q.subject, q.predicate, q.object, _DEFAULT))
    return len(noise)


def load_asserted(store: ox.Store, triples: Iterable) -> None:
    """Put rdflib triples in the default graph, which the rules work on."""
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), _DEFAULT) for s, p, o in triples)


def inferred_triples(store: ox.Store, graph: ox.NamedNode = INFERRED) -> Graph:
    """The triples materialise() added, less kb.reason.entailments's noise filter, as an rdflib
    Graph."""
    inferred = Graph()
    empty = Graph()
    for q in store.quads_for_pattern(None, None, None, graph):
        triple = (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        if _keep(triple, empty):
            inferred.add(triple)
    return inferred


def infer_fast(asserted: Graph) -> InferenceResult:
    """Drop-in for kb.reason.entailments.infer(asserted, "owlrl") on large graphs. A literal copied
    from
    the data (by eq-rep-o, prp-spo1, ...) keeps the data's spelling ("4.0"^^xsd:decimal),
    which Oxigraph's store would write in canonical form ("4")."""
    store = ox.Store()
    load_asserted(store, asserted)
    raise_clashes(materialise(store, keep_only=True)["clashes"])
    spelling = stored_literals(asserted)
    inferred = Graph()
    for q in store.quads_for_pattern(None, None, None, INFERRED):
        o = from_ox(q.object)
        inferred.add((from_ox(q.subject), from_ox(q.predicate), spelling.get(o, o)))
    return InferenceResult("rules", inferred)
