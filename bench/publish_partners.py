"""What the suggested partners add to `kb publish` (docs/matching.md, kb/publish/partners.py).

    python bench/publish_partners.py                      # the seed KB: publish with and without
    python bench/publish_partners.py --triples 10000      # generated data (bench/generate.py)
    python bench/publish_partners.py --triples 100000 --sample 100   # time 100 organisations only

Without --sample: the whole site is published twice from one build, with
`suggested_partners=0` and with the configured N, and both times are printed with the part the
partners took (the matcher, the match lists' files and pages, the partners page). With
--sample K: only the match lists of K organisations spread over all of them are written, and
the time per organisation is multiplied by their number (for sizes where a whole publish is
too long to repeat).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.build.pipeline import build  # noqa: E402
from kb.core.config import load_config  # noqa: E402
from kb.publish.data import SiteData  # noqa: E402
from kb.publish.partners import PartnerLists, matching_store  # noqa: E402
from kb.publish.site import SiteWriter, publish  # noqa: E402


def knowledge_base(triples: int | None):
    """(store the pages read, store the matcher reads, config, inferred graph, triples)."""
    if triples is None:
        config = load_config(REPO)
        result = build(config, validate_data=False, run_integrity_checks=False)
        return result.store, result.engine, config, result.inferred_graph_iri, len(result.engine)
    from bench.match_quality import generated_kb

    kb = generated_kb(triples, "oxigraph")
    return kb.store, kb.store, kb.config, None, len(kb.store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, help="generated data of this size (default: seed)")
    parser.add_argument("--sample", type=int, help="time this many organisations only")
    args = parser.parse_args(argv)
    store, engine, config, inferred, size = knowledge_base(args.triples)
    name = f"generated {args.triples:,}" if args.triples else "seed"
    n = config.suggested_partners
    tmp = Path(tempfile.mkdtemp(prefix="kb-publish-partners-"))
    if args.sample:
        d = SiteData(store, config.base_iri, inferred)
        lists = PartnerLists(d, config, matching_store(engine)[0], n, None)
        writer = SiteWriter(d, config, tmp / "site", False, None, None, lists)
        seekers = sorted(lists.seekers())
        step = max(1, len(seekers) // args.sample)
        chosen = seekers[::step][: args.sample]
        started = time.perf_counter()
        for org in chosen:
            writer.match_list(org)
        each = (time.perf_counter() - started) / len(chosen)
        print(
            f"| {name} | {size:,} | {len(seekers):,} | sample of {len(chosen)}: "
            f"{each * 1000:.0f} ms each | about {each * len(seekers):,.0f} s (extrapolated) |"
        )
        return 0
    times = {}
    for limit in (0, n):
        report = publish(
            store,
            config,
            tmp / f"site-{limit}",
            inferred_graph_iri=inferred,
            progress=False,
            suggested_partners=limit,
            match_store=engine,
        )
        times[limit] = report
    with_, without = times[n], times[0]
    print(
        f"| {name} | {size:,} | {with_.match_lists:,} | publish {without.seconds:.1f} s "
        f"without, {with_.seconds:.1f} s with N={n} (+{with_.seconds - without.seconds:.1f} s; "
        f"the partners' own part {with_.partner_seconds:.1f} s) | {with_.files - without.files:,}"
        " more files |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
