"""Helpers the fault tests share: finding, killing and waiting for real server processes."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from registry.store.falkordb_server import FalkorDBServer


def alive(pid: int) -> bool:
    """True while the process runs (a zombie waiting to be reaped counts as dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def wait_until(condition, timeout: float, interval: float = 0.05, what: str = "condition") -> None:  # type: ignore[no-untyped-def]
    """Poll `condition` until it is true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def kill_falkordb(server: FalkorDBServer) -> int:
    """SIGKILL the data directory's FalkorDB server (the pid its pid file names) and wait until it is gone."""
    pid = int(server.pid_path.read_text().strip())
    assert alive(pid), f"the FalkorDB server (pid {pid}) was not running"
    os.kill(pid, signal.SIGKILL)  # no shutdown, no flush: only what is fsynced in the append-only file remains
    wait_until(lambda: not alive(pid), 10, what=f"pid {pid} to die")
    return pid


def processes_using(path: Path) -> list[int]:
    """Pids of live processes whose command line mentions `path` (servers or their forked children)."""
    needle = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "cmdline").read_bytes() and alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
