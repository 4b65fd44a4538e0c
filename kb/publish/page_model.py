"""The pieces a resource page is made of (values with their sources, fact rows, tables) and
the linker that turns IRIs into links relative to the page being rendered."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from kb.publish.data import SiteData, page_path, relative_href


@dataclass
class Value:
    text: str
    href: str | None = None
    note: str = ""
    sources: list[dict] = field(default_factory=list)


@dataclass
class Row:
    label: str
    href: str | None
    values: list[Value]


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Value]]
    note: str = ""
    css: str = ""


class Linker:
    """Turns IRIs into hrefs relative to the page being rendered."""

    def __init__(self, data: SiteData, current: str, suffix: str = ".html"):
        self.data = data
        self.current = current + (suffix or "")
        self.suffix = suffix

    def file(self, path: str) -> str:
        return path + self.suffix

    def href(self, node: Node) -> str | None:
        if not isinstance(node, URIRef):
            return None
        text = str(node)
        if self.data.is_local(node):
            base_path = page_path(text, self.data.base)
            fragment = ""
            if "#" in text:
                name = text.split("#", 1)[1]
                anchors = self.data.anchors
                if name in anchors or not anchors:
                    fragment = "#" + anchors.get(name, name)
            if base_path == "ontology" or node in self.data.resource_set:
                return relative_href(self.file(base_path), self.current) + fragment
            return None
        if text.startswith(("http://", "https://")):
            return text
        return None

    def to(self, path: str) -> str:
        """A link to a site page given by its path without suffix (e.g. 'views/heatmap')."""
        return relative_href(self.file(path), self.current)

    def raw(self, path: str) -> str:
        """A link to a file with its own suffix (dumps, .ttl alternates)."""
        return relative_href(path, self.current)


def first(g, subject: Node, properties) -> Node | None:
    for prop in properties:
        found = g.value(subject, prop)
        if found is not None:
            return found
    return None
