"""sh:class and the value-type tests that depend on the data: subclasses, instance tests,
the classes that cover a set of values."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kb.shacl.compiled.common import _iri, _Scope


class _ClassTests:
    """Mixed into the compiler (kb.shacl.compiled.engine._Compiler)."""

    def subclasses(self, cls: Node) -> list[Node]:
        """cls and every class below it through rdfs:subClassOf* in the data graph."""
        if cls not in self.run.subclass_cache:
            found = {cls} | {
                row[0]
                for row in self.run.select(
                    f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_iri(cls)} }}"
                )
                if not isinstance(row[0], BNode)
            }
            self.run.subclass_cache[cls] = sorted(found)
            if any(
                isinstance(row[0], BNode)
                for row in self.run.select(
                    f"SELECT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ {_iri(cls)} FILTER isBlank(?c) }}"
                )
            ):
                # an anonymous subclass: fall back to the path itself (cannot list a blank node)
                self.run.subclass_cache[cls] = []
        return self.run.subclass_cache[cls]

    def instance_of(self, var: str, *classes: Node) -> str:
        """EXISTS: `var` is a SHACL instance of one of `classes` (rdf:type/rdfs:subClassOf*)."""
        return "EXISTS " + self.typed(var, classes)

    def typed(self, var: str, classes: Iterable[Node]) -> str:
        """A group pattern matching when `var` has a type below one of `classes`: one lookup
        in a list of the subclasses, computed once, rather than a path per node."""
        below = [self.subclasses(cls) for cls in classes]
        if any(not found for found in below):  # an anonymous subclass: keep the path
            paths = [
                f"{{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {_iri(cls)} }}" for cls in classes
            ]
            return "{ " + " UNION ".join(paths) + " }"
        kept = self.covering({c for found in below for c in found})
        if len(kept) == 1:
            return f"{{ {var} <{RDF.type}> {_iri(kept[0])} }}"
        t = self.run.fresh()
        listed = " ".join(_iri(c) for c in kept)
        return f"{{ {var} <{RDF.type}> {t} VALUES {t} {{ {listed} }} }}"

    def covering(self, classes: set[Node]) -> list[Node]:
        """The fewest of `classes` whose instances are the instances of all of them: a class
        is left out when its superclass in the set already types each of its instances in the
        data (as after materialisation). Checked on the data, so exact on any graph; it turns
        a 27-class type lookup into one or two."""
        kept = sorted(classes)
        for cls in list(kept):
            supers = {
                row[0]
                for row in self.run.select(
                    f"SELECT DISTINCT ?c WHERE {{ {_iri(cls)} <{RDFS.subClassOf}>+ ?c }}"
                )
            }
            for sup in kept:
                if sup != cls and sup in supers and self.covered(cls, sup):
                    kept.remove(cls)
                    break
        return kept

    def covered(self, cls: Node, sup: Node) -> bool:
        """Every instance of `cls` in the data is also typed `sup`."""
        key = (cls, sup)
        if key not in self.run.covered_cache:
            typed = f"<{RDF.type}>"
            query = (
                f"ASK {{ ?x {typed} {_iri(cls)} FILTER NOT EXISTS {{ ?x {typed} {_iri(sup)} }} }}"
            )
            self.run.covered_cache[key] = not self.run.store.query(query, **self.run.options())
        return self.run.covered_cache[key]

    def class_only(self, shape: Node) -> Node | None:
        """The class of a shape whose one constraint is a single sh:class (sh:or members)."""
        params = {p for p in self.sg.predicates(shape) if str(p).startswith(str(SH))}
        classes = list(self.sg.objects(shape, SH["class"]))
        if params <= {SH["class"], SH.name, SH.description, SH.message} and len(classes) == 1:
            if self.path(shape) is None and not isinstance(classes[0], BNode):
                return classes[0]
        return None

    def distinct_values(self, scope: _Scope, condition: str = "true") -> list[Node]:
        query = (
            f"SELECT DISTINCT {scope.var} WHERE {{ {scope.pattern} "
            f"FILTER(!isBlank({scope.var}) && {condition}) }}"
        )
        return [row[0] for row in self.run.select(query)]
