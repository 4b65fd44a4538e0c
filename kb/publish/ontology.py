"""The ontology's documentation page, made by pyLODE from the ontology's own graph."""

from __future__ import annotations

import logging
import re
import sys
import types

from rdflib import Graph


def pylode_html(ontology: Graph) -> str | None:
    """pyLODE's page for the ontology, or None when pyLODE is not available.

    pyLODE 3.4.1 (the last release for Python 3.11) reads its version from a pyproject.toml
    its wheel does not ship; giving it the version module first is enough to import it."""
    if "pylode.version" not in sys.modules:
        shim = types.ModuleType("pylode.version")
        shim.__version__ = "3.4.1"  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = shim
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    except ImportError:
        return None
    finally:
        # pyLODE sets the root logger to DEBUG with a stderr handler when imported; undo it
        # before it runs, so its INFO lines and asyncio's DEBUG line never reach stderr
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub(ontology).make_html()


def anchors(html: str, namespace: str) -> dict[str, str]:
    """Which element id pyLODE gave each term: it derives ids from labels, so they are read
    off each entity block, which shows the term's IRI in a <code> element."""
    pattern = re.compile(
        r'class="[^"]*\bentity\b[^"]*" id="([^"]+)">'
        r'(?:(?!class="[^"]*\bentity\b).)*?<code>' + re.escape(namespace) + r"([^<]+)</code>",
        re.DOTALL,
    )
    found: dict[str, str] = {}
    for element_id, name in pattern.findall(html):
        found.setdefault(name, element_id)
    return found


def add_footer(html: str, footer: str) -> str:
    """pyLODE writes a whole document; the site's licence footer goes before </body>."""
    if "</body>" in html:
        return html.replace("</body>", footer + "</body>", 1)
    return html + footer
