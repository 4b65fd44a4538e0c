"""The `kb` command: one module per sub-command here (kb/cli/<module>.py, each with
`register(subparsers)`), registered lazily: `kb --help` lists every sub-command from the table
below without importing any, and `kb NAME ...` imports only NAME's module, so a command does
not pay for the others' dependencies (rdflib, pySHACL, the build ...) at start-up.

kb.cli is the top of the package: it may import every stage and engine (kb.build.pipeline, kb.store,
kb.serve, kb.publish, kb.matching ...); nothing in kb imports kb.cli.

Exit codes follow pySHACL: 0 success / conforms, 1 the data does not conform or a check
failed, 2 an error in the input, the parameters or the environment.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from kb.core import __version__
from kb.core.errors import KBError

# sub-command -> (its module in kb.cli, its one-line help), in the order `kb --help` lists
# them; the modules take their help from HELP, so the list and the commands agree.
COMMANDS = {
    "build": ("build", "load, infer, validate, run the integrity checks, report"),
    "validate": ("build", "validate the data with SHACL (exit 0 conforms, 1 not)"),
    "import": ("import_cmd", "import reference data and open-data exports as Turtle"),
    "load": ("load", "push the KB (asserted and inferred graphs) to a remote SPARQL 1.1 store"),
    "match": ("match", "suggest project partners, ranked and explained"),
    "new": (
        "new",
        "write a commented Turtle template for a new cluster, organisation or project",
    ),
    "publish": (
        "publish",
        "write the static linked open data site (pages, dumps, VoID, DCAT-AP)",
    ),
    "query": ("query", "list, show, run and export the stored SPARQL queries"),
    "search": ("search", "find resources by the words of their labels and descriptions"),
    "serve": ("serve", "serve the KB: SPARQL 1.1 endpoint, query page, linked-data views"),
}
HELP = {name: text for name, (_module, text) in COMMANDS.items()}


def _chosen(argv: list[str]) -> str | None:
    """The sub-command `argv` names (its first word that is not an option), if any."""
    for word in argv:
        if word in ("-h", "--help", "--version"):
            return None
        if not word.startswith("-"):
            return word
    return None


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The `kb` parser. Every sub-command is registered in full when `argv` is None; else
    only the one `argv` names, the others listed with their help and nothing more."""
    top = argparse.ArgumentParser(
        prog="kb",
        description="Manufacturing Clusters knowledge base: build, validate, "
        "query and publish linked open data about advanced-manufacturing clusters.",
    )
    top.add_argument("--version", action="version", version=f"kb {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = None if argv is None else COMMANDS.get(_chosen(argv) or "", (None,))[0]
    done: set[str] = set()
    for name, (module, text) in COMMANDS.items():
        if argv is None or module == chosen:
            if module not in done:  # one module may register several commands (build)
                importlib.import_module(f"{__name__}.{module}").register(sub)
                done.add(module)
        else:
            sub.add_parser(name, help=text, add_help=False)
    return top


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    args = parser(argv).parse_args(argv)
    # rdflib logs a traceback for every ill-typed literal; kb reports bad values itself.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    try:
        return int(args.func(args) or 0)
    except KBError as exc:
        print(f"kb: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        # the environment: a full disk, a file-size limit, a folder not writable; every
        # output is written atomically, so nothing half-written is left behind
        if exc.filename is None and exc.strerror is None:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kb: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`kb query list | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
