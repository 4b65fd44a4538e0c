"""Helper processes on loopback (kb serve, Virtuoso, nginx): a free port, a stop by pid.

Shared by the tests and the benchmarks, which start real servers on 127.0.0.1 and must stop
them whatever happens.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL the process group if it has not stopped within `timeout` s.
    Start the process with start_new_session=True so its group holds only its children."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
