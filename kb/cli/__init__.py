"""The `kb` command. Each sub-command lives in kb/commands/<name>.py and registers itself.

Exit codes follow pySHACL: 0 success / conforms, 1 the data does not conform or a check
failed, 2 an error in the input, the parameters or the environment.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys

from . import __version__, commands
from .errors import KBError


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="kb",
        description="Manufacturing Clusters knowledge base: build, validate, "
        "query and publish linked open data about advanced-manufacturing clusters.",
    )
    top.add_argument("--version", action="version", version=f"kb {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
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
