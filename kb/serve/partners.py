"""The "Suggested partners" section of the live organisation pages: what `kb publish` writes
on the same page (kb.publish.site.partner_lists, kb.publish.partners.PartnerLists: the same
matcher, the same `suggested_partners` of the configuration, the same section), computed in
the page worker when an organisation's page is first asked for and kept for the next ones.

Nothing is computed at start-up: the matcher, and its Oxigraph copy of the store on rdflib
(kb.publish.partners.matching_store), are made at the first organisation page. Memory: one
Section per organisation asked for, and the matcher's cached rows (CachingReader), bounded
by the knowledge base.
"""

from __future__ import annotations

import sys
from typing import Any

from rdflib import URIRef

from kb.core.errors import KBError
from kb.publish.data import page_path
from kb.publish.pages import Linker, PageBuilder
from kb.publish.partners import PartnerLists, Section
from kb.publish.site import partner_lists, release_date
from kb.store import Store


class LivePartners:
    """The sections of the organisation pages `builder` renders from `store`. `config`: the
    project's kb.core.config.Config (None, `suggested_partners` = 0, or a project without the
    matchmaker's queries: no section)."""

    def __init__(self, builder: PageBuilder, store: Store, config: Any) -> None:
        self.builder = builder
        self.store = store
        self.config = config
        self._lists: PartnerLists | None = None
        self._seekers: set[URIRef] | None = None
        self._sections: dict[URIRef, Section] = {}

    def lists(self) -> PartnerLists | None:
        """The matchmaker of the pages, made at its first use (None: no sections)."""
        if self._seekers is None:
            self._seekers = set()
            if self.config is not None:
                d = self.builder.data
                try:
                    self._lists = partner_lists(
                        d, self.config, self.store, None, None, release_date()
                    )
                except KBError as exc:  # a broken matchmaker: pages without the section
                    print(f"kb serve: no suggested partners on the pages: {exc}", file=sys.stderr)
                    self._lists = None
                if self._lists is not None:
                    self._seekers = self._lists.seekers()
        return self._lists

    def section(self, iri: URIRef) -> Section | None:
        """The section of `iri`'s page, or None when the published page has none."""
        lists = self.lists()
        if lists is None or iri not in (self._seekers or ()):
            return None
        if iri not in self._sections:
            d = self.builder.data
            link = Linker(d, page_path(str(iri), d.base), self.builder.suffix)
            self._sections[iri] = lists.section(lists.match(iri), iri, link)
        return self._sections[iri]
