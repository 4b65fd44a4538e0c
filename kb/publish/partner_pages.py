"""The site's partner-matching pages, written by SiteWriter (kb.publish.site): each
organisation's match list and the page on how the suggested partners are computed."""

from __future__ import annotations

from rdflib import URIRef

from kb.publish.data import ALTERNATES, page_path
from kb.publish.pages import Linker, Table, Value
from kb.publish.partners import HOW_PATH, SHAPES_PATH, WEIGHTS_PATH, timed


class PartnerPages:
    """SiteWriter's partner pages (it provides d, config, partners, page, write and
    rdf_files)."""

    def match_list(self, org: URIRef):
        """The organisation's match list (`kb match --for ORG`) as a resource in four formats,
        and the "Suggested partners" section of its page."""
        lists, d = self.partners, self.d
        assert lists is not None
        with timed(lists):
            result = lists.match(org)
            iri = lists.list_iri(org)
            path = page_path(iri, d.base)
            self.rdf_files(path, lists.graph(result, org), expanded=True)
            link = Linker(d, path)
            section = lists.section(result, org, Linker(d, page_path(str(org), d.base)))
            self.page(
                path,
                "match_list.html",
                title=lists.title(org),
                iri=iri,
                seeker=Value(d.label(org), link.href(org)),
                entries=lists.entries(result, org, link),
                alternates=[(fmt, link.raw(path + ext), media) for fmt, ext, media in ALTERNATES],
                how_href=link.to(HOW_PATH),
                command=section.command,
                limit=lists.limit,
            )
            top = result.suggestions[0].candidate if result.suggestions else None
            lists.lists.append((org, path, len(result.suggestions), top))
        return section

    def partners_page(self) -> None:
        """How the suggested partners are computed: the signals with their weights, the
        matcher's weights and shapes files, and every organisation's match list."""
        lists, d = self.partners, self.d
        assert lists is not None
        with timed(lists):
            folder = self.config.queries_dir / "match"
            self.write(WEIGHTS_PATH, (folder / "weights.toml").read_bytes())
            self.write(SHAPES_PATH, (folder / "match-list.shapes.ttl").read_bytes())
            link = Linker(d, HOW_PATH)
            signals = [
                [Value(name), Value(signal), Value(what), Value(weight)]
                for signal, name, what, weight in lists.how_rows()
            ]
            rows = [
                [
                    Value(d.label(org), link.href(org)),
                    Value("match list", link.to(path)),
                    Value(str(count)),
                    Value(d.label(top), link.href(top)) if top is not None else Value(""),
                ]
                for org, path, count, top in sorted(
                    lists.lists, key=lambda x: (d.label(x[0]).lower(), str(x[0]))
                )
            ]
            self.page(
                HOW_PATH,
                "partners.html",
                title="Suggested partners: how they are computed",
                limit=lists.limit,
                weights=WEIGHTS_PATH,
                shapes=SHAPES_PATH,
                tables=[
                    Table(
                        "Signals", ["signal", "mc:matchSignal", "value (0 to 1)", "weight"], signals
                    ),
                    Table(
                        f"Match lists ({len(rows)})",
                        ["organisation", "match list", "suggestions", "first suggestion"],
                        rows,
                    ),
                ],
            )
