"""Atomic file output: write to a temporary file beside the target, then rename over it.

A writer interrupted by SIGINT or a full disk removes its temporary file; one killed outright
(SIGKILL) cannot, so temporary names carry the writer's process id and the next writer in the
folder removes those of processes that are gone. The target is never half-written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale(folder: Path, name: str) -> None:
    """Remove the temporary files (or folders) `.NAME.PID.*` left in `folder` by writers that
    were killed: their process is gone."""
    if not folder.is_dir():
        return
    for stale in folder.glob(f".{name}.*.tmp"):
        pid = stale.name[len(name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            if stale.is_dir():
                import shutil

                shutil.rmtree(stale, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()


def temporary_name(path: Path) -> str:
    """The prefix of a temporary file or folder for `path` (see remove_stale)."""
    return f".{path.name}.{os.getpid()}."


def _readable(tmp: str) -> None:
    # mkstemp creates 0600; published files are for everyone to read (respecting umask).
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)


@contextlib.contextmanager
def _open_temporary(path: Path, mode: str) -> Iterator[tuple[IO, str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=temporary_name(path), suffix=".tmp", dir=path.parent)
    with _removed_on_failure(path, tmp):
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as stream:
            yield stream, tmp
            stream.flush()
            os.fsync(stream.fileno())
        _readable(tmp)


@contextlib.contextmanager
def _removed_on_failure(path: Path, tmp: str) -> Iterator[None]:
    """The temporary file `tmp` for `path` removed if the block fails; an OSError without a
    file name (a full disk, a file-size limit) re-raised naming the output."""
    try:
        yield
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None and exc.errno is not None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


@contextlib.contextmanager
def temporary_path(path: Path) -> Iterator[Path]:
    """An empty temporary file beside `path` for a writer that opens the file itself (SQLite:
    kb.fulltext.index), named as _open_temporary names them; made durable and readable when the
    block finishes, removed when it fails. The caller renames it (AtomicFiles.path)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=temporary_name(path), suffix=".tmp", dir=path.parent)
    os.close(fd)
    with _removed_on_failure(path, tmp):
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _readable(tmp)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """temporary_path, renamed over `path` when the block finishes without error."""
    with temporary_path(path) as tmp:
        yield tmp
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO]:
    """Yield a file object; the target appears only if the block finishes without error."""
    with _open_temporary(path, mode) as (stream, tmp):
        yield stream
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, content: str | bytes) -> None:
    with atomic_writer(path, "wb" if isinstance(content, bytes) else "w") as stream:
        stream.write(content)


class AtomicFiles:
    """Several outputs replaced together: each is written to a temporary file, and only when
    all are written are they renamed into place, with SIGINT held back during the renames, so
    an interrupted run leaves every previous output as it was (a reader never sees a new
    report beside an old kb.nq)."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path]] = []

    @contextlib.contextmanager
    def writer(self, path: Path, mode: str = "w") -> Iterator[IO]:
        with _open_temporary(path, mode) as (stream, tmp):
            yield stream
        self.pending.append((tmp, path))

    @contextlib.contextmanager
    def path(self, path: Path) -> Iterator[Path]:
        """A temporary file for a writer that opens it itself, renamed with the others."""
        with temporary_path(path) as tmp:
            yield tmp
        self.pending.append((str(tmp), path))

    def write(self, path: Path, content: str | bytes) -> None:
        with self.writer(path, "wb" if isinstance(content, bytes) else "w") as stream:
            stream.write(content)

    def commit(self) -> None:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for tmp, path in self.pending:
                os.replace(tmp, path)
            self.pending = []
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def discard(self) -> None:
        for tmp, _path in self.pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self.pending = []

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, kind, *_exc) -> bool:
        if kind is None:
            self.commit()
        else:
            self.discard()
        return False
