"""The extension points: where a user adds a store back end, a result format or an importer
(a `kb import WHAT` sub-command).

Each extension point is a Registry: the built-in implementations are listed here by their
"module:attribute" (so nothing is imported until it is used, as rdflib's plugin module lists
its parsers and stores), and any installed package adds its own by declaring an entry point
in the registry's group, in its pyproject.toml:

    [project.entry-points."kb.stores"]
    mystore = "mypackage.store:MyStore"

docs/architecture.md says what each kind of plugin must provide.
"""

from __future__ import annotations

from functools import cached_property
from importlib import import_module
from importlib.metadata import entry_points

from kb.core.errors import KBError


class Registry:
    """Named implementations of one extension point."""

    def __init__(self, group: str, what: str, builtin: dict[str, str]) -> None:
        self.group, self.what, self.builtin = group, what, builtin

    @cached_property
    def targets(self) -> dict[str, str]:
        """name -> "module:attribute": the built-in ones, then those of installed packages
        (which may not replace a built-in one: a name means the same thing everywhere)."""
        found = dict(self.builtin)
        for point in sorted(entry_points(group=self.group), key=lambda p: p.name):
            found.setdefault(point.name, point.value)
        return found

    def names(self) -> tuple[str, ...]:
        return tuple(self.targets)

    # A registry stands for its names where a tuple of choices is asked for (argparse)
    def __iter__(self):
        return iter(self.targets)

    def __contains__(self, name: object) -> bool:
        return name in self.targets

    def load(self, name: str) -> object:
        target = self.targets.get(name)
        if target is None:
            choices = ", ".join(self.targets)
            raise KBError(f"unknown {self.what} {name!r}; choose one of {choices}")
        module, _, attribute = target.partition(":")
        try:
            return getattr(import_module(module), attribute)
        except (ImportError, AttributeError) as exc:
            raise KBError(f"{self.what} {name!r} ({target}) cannot be loaded: {exc}") from exc


STORES = Registry(
    "kb.stores",
    "store",
    {"rdflib": "kb.store.rdflib_memory:RdflibStore", "oxigraph": "kb.store.oxigraph:OxigraphStore"},
)
RESULT_FORMATS = Registry(
    "kb.result_formats",
    "result format",
    {name: f"kb.sparql.results:{name.upper()}" for name in ("json", "xml", "csv", "tsv", "table")},
)
IMPORTERS = Registry(
    "kb.importers",
    "importer",
    {
        name: f"kb.cli.import_cmd:add_{name.replace('-', '_')}"
        for name in (
            "countries",
            "nuts",
            "nace",
            "cordis-ref",
            "cordis",
            "eccp-profile",
            "org-profile",
        )
    },
)
