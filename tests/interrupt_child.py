"""`kb ARGV` that, when SIG is not 0, sends itself signal SIG half-way through writing an
output: tests/test_interrupted_writes.py runs it as `python interrupt_child.py SIG ARGV...`.
The process writes for real and dies (SIGKILL) or stops (SIGINT) as a user's would; only the
moment is chosen, by wrapping the two places outputs are written: kb.core.fileio's temporary files
(kb.nq, the reports, every import) and the pages `kb publish` writes into its folder."""

from __future__ import annotations

import contextlib
import os
import sys


class _HalfThenSignal:
    """A file object that writes half of the first block, flushes it, then signals."""

    def __init__(self, stream, sig: int) -> None:
        self._stream, self._sig = stream, sig

    def write(self, data):
        half = max(1, len(data) // 2)
        self._stream.write(data[:half])
        self._stream.flush()
        os.kill(os.getpid(), self._sig)
        return self._stream.write(data[half:]) + half  # SIGINT: not reached

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _interrupt_writes(sig: int) -> None:
    import signal

    import kb.core.fileio as fileio
    from kb.publish import site

    # as in a terminal, where Ctrl-C reaches kb: a process started in the background of a
    # non-interactive shell (a CI job run with &) inherits SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)

    real_open = fileio._open_temporary

    @contextlib.contextmanager
    def interrupted(path, mode):
        with real_open(path, mode) as (stream, tmp):
            yield _HalfThenSignal(stream, sig), tmp

    fileio._open_temporary = interrupted
    real_write, written = site.SiteWriter.write, [0]

    def write(self, path, text):
        written[0] += 1
        if written[0] == 10:  # the tenth file of the site, half of it
            real_write(self, path, text[: len(text) // 2])
            os.kill(os.getpid(), sig)
        return real_write(self, path, text)

    site.SiteWriter.write = write


if __name__ == "__main__":
    signal_number = int(sys.argv[1])
    if signal_number:
        _interrupt_writes(signal_number)
    from kb.cli import main

    sys.exit(main(sys.argv[2:]))
