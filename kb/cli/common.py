"""Options more than one sub-command of `kb` shares."""

from __future__ import annotations

import argparse


def add_store_arguments(p: argparse.ArgumentParser, default_engine: str) -> None:
    """Where a command's answers come from: an embedded engine or a remote endpoint."""
    from kb.core.config import STORES

    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--engine", choices=STORES, help=f"embedded engine (default {default_engine})"
    )
    where.add_argument("--endpoint", metavar="URL", help="a remote SPARQL 1.1 endpoint")
    p.add_argument("--timeout", type=float, default=30.0, help="remote timeout in seconds")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="load and infer afresh even when build/kb.nq is up to date",
    )
