"""The order of a stored query's rows: one reader's collation, the same on every engine.

SPARQL 1.1 has no collations: ORDER BY compares simple strings by code point (so "Zaragoza"
sorts before "aragón" and "Émilia" after both), leaves the order of language-tagged literals
and of literals of different datatypes to the engine (section 15.1), and says nothing about
ties. rdflib, Oxigraph and Virtuoso therefore return the same rows in different orders. No
query text can fix that portably (no accent folding in SPARQL, LCASE differs outside ASCII),
so the order is set here, after the engine, from the ORDER BY the stored query states:

* the ORDER BY of a stored SELECT names projected variables only, each optionally in ASC()
  or DESC() (checked when the catalogue is read and when it runs);
* values compare as SPARQL orders kinds: unbound, then blank nodes, then IRIs (by code
  point), then literals; numbers by value before other literals; text by `reader_text`
  (accents and case folded, so "Émilia" sorts with "emilia", between "Ebro" and "Friuli"),
  then by the exact text, so different spellings never tie;
* rows still equal on every ORDER BY variable are put in order by all their columns, left
  to right, by the same comparison: the order is total, whatever the engine returned.

Rows are put in order after the engine has chosen them: a stored query with LIMIT or OFFSET
would keep the engine's choice of rows (none in the catalogue has one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kb.core.errors import KBError

# Letters that NFKD does not decompose into a base letter and a combining mark.
_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d",
     "ł": "l", "Ł": "l", "ħ": "h", "Ħ": "h", "ı": "i", "þ": "th", "Þ": "th", "ð": "d",
     "Ð": "d"}
)  # fmt: skip
_KEY = re.compile(r"(?:(ASC|DESC)\s*\(\s*[?$]([A-Za-z_]\w*)\s*\)|[?$]([A-Za-z_]\w*))", re.I)


def reader_text(text: str) -> str:
    """The text as a reader sorts it: compatibility-decomposed, accents dropped, case folded
    ("Émilia-Romagna" -> "emilia-romagna", "Straße" -> "strasse", "Øresund" -> "oresund")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def term_key(term: Node | None) -> tuple:
    """A sort key for one value (see the module's rules)."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal):
        value = term.value if term.datatype is not None else None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return (3, 0, float(value), str(term))
        text = str(term)
        return (3, 1, reader_text(text), text, term.language or "", str(term.datatype or ""))
    return (4, str(term))


def order_keys(text: str) -> tuple[tuple[str, bool], ...]:
    """The (variable, descending) keys of the outermost ORDER BY of a query text, or () when
    it has none; KBError for a key that is not a variable (or ASC/DESC of one)."""
    from kb.core.sparql_text import _code_positions

    code = "".join(c for _i, c in _code_positions(text))
    tail = code[code.rfind("}") + 1 :]
    found = re.search(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", tail, re.I | re.S)
    if not found:
        return ()
    clause = found.group(1).strip()
    keys, rest = [], clause
    while rest:
        match = _KEY.match(rest)
        if not match:
            raise KBError(
                f"ORDER BY {clause!r}: a stored query orders by variables it projects "
                f"(?x, ASC(?x), DESC(?x)), not by {rest.split()[0]!r} (kb/sparql/ordering.py)"
            )
        direction, inner, plain = match.groups()
        keys.append((inner or plain, (direction or "").upper() == "DESC"))
        rest = rest[match.end() :].lstrip()
    return tuple(keys)


def order_rows(
    variables: Sequence[str], rows: Sequence[tuple], keys: Sequence[tuple[str, bool]]
) -> list[tuple]:
    """The rows in the order `keys` state, ties broken by every column left to right."""
    missing = [name for name, _desc in keys if name not in variables]
    if missing:
        raise KBError(
            f"ORDER BY ?{missing[0]}: a stored query orders by variables it projects "
            f"(the answer's columns are {', '.join('?' + v for v in variables)})"
        )
    ordered = sorted(rows, key=lambda row: tuple(term_key(t) for t in row))
    for name, descending in reversed(keys):  # stable sorts, the least significant key first
        index = list(variables).index(name)
        ordered.sort(key=lambda row, i=index: term_key(row[i]), reverse=descending)
    return ordered
