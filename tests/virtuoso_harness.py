"""Start a real Virtuoso (Debian's virtuoso-opensource-7-bin) on 127.0.0.1 in a temporary folder.

Its own ini and database live in the folder; it listens only on loopback ports chosen free;
it is stopped by its process id (isql `shutdown`, then SIGKILL) whatever happens in the test.
The default dba/dba account is acceptable only because of that: loopback, throw-away data.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kb.core.processes import free_port

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxCheckpointRemap = 2000
DirsAllowed = ., {d}
CheckpointInterval = 60
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


@dataclass
class Virtuoso:
    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, statement: str, timeout: float = 60) -> str:
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql {statement!r} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def available() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def _stop(server: Virtuoso) -> None:
    if server.process.poll() is not None:
        return
    try:
        server.isql("shutdown;", timeout=20)
    except Exception:  # noqa: BLE001 - fall through to the signal
        pass
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


@contextmanager
def running_virtuoso(folder: Path, startup: float = 60.0) -> Iterator[Virtuoso]:
    """A Virtuoso whose /sparql accepts SPARQL Update from anonymous clients on loopback."""
    folder.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql, http=http))
    process = subprocess.Popen(
        ["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Virtuoso(folder, sql, http, process)
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {process.returncode}: {server.log()}")
            try:
                with urllib.request.urlopen(server.sparql + "?query=ASK%7B%7D", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not answer within {startup} s: {server.log()}")
            time.sleep(0.3)
        # /sparql runs as the SQL user "SPARQL"; let it update (loopback, throw-away database).
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        _stop(server)
