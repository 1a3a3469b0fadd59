"""Fixtures of the hostile-input tests: a trap that records any file opened or connection made from Python, and
a listening socket that records any connection made at all (libxml2 and other C code included)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from importers import ImportContext, Parsed, Reject, get_importer
from tests.conftest import REPO

_AUDIT: list[list[tuple[str, tuple[Any, ...]]]] = []  # the recorders currently listening


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _AUDIT and event in ("open", "socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _AUDIT[-1].append((event, args))


sys.addaudithook(_audit)  # audit hooks cannot be removed; it records only while a test's recorder is active


@dataclass
class Trap:
    """What happened while it was armed: Python-level file opens and connections, and TCP connections that
    reached `port` on 127.0.0.1 (any code, C included)."""

    port: int
    events: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    listener: socket.socket | None = None

    def reset(self) -> None:
        """Forget what the test itself did while preparing its files."""
        self.events.clear()

    def opened(self, path: Path) -> bool:
        return any(event == "open" and str(path) in str(args[0]) for event, args in self.events)

    def network(self) -> list[tuple[str, tuple[Any, ...]]]:
        return [(event, args) for event, args in self.events if event != "open"]

    def connections(self) -> int:
        """How many connections reached the listener (the handshake completes in the backlog, unaccepted)."""
        assert self.listener is not None
        count = 0
        self.listener.settimeout(0.2)
        try:
            while True:
                connection, _ = self.listener.accept()
                connection.close()
                count += 1
        except (TimeoutError, OSError):
            return count


@pytest.fixture
def trap() -> Iterator[Trap]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    armed = Trap(listener.getsockname()[1], listener=listener)
    _AUDIT.append(armed.events)
    try:
        yield armed
    finally:
        _AUDIT.remove(armed.events)
        listener.close()


def read(format_name: str, path: Path, **context: Any) -> tuple[list[Parsed], list[Reject]]:
    """Everything one importer makes of one file."""
    items = list(get_importer(format_name).read(path, ImportContext(**context)))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def read_in_subprocess(format_name: str, path: Path, limits: dict[str, int] | None = None) -> dict[str, Any]:
    """Read a file in a fresh interpreter and report its rejects, its record count and its peak RSS (MiB), so a
    test can show a refused bomb costs little memory. The baseline (interpreter and importer loaded, nothing read)
    is reported too."""
    script = f"""
import json, resource, sys
from pathlib import Path
from importers import ImportContext, Parsed, get_importer
from importers.limits import ImportLimits
importer = get_importer({format_name!r})
import python_calamine, lxml.etree, rdflib  # loaded before the baseline, so it measures the reading alone
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
items = list(importer.read(Path({str(path)!r}), ImportContext(limits=ImportLimits(**{limits or {}!r}))))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"baseline_mib": baseline, "peak_mib": peak,
                  "parsed": sum(isinstance(i, Parsed) for i in items),
                  "rejects": [[r.location.file, r.location.sheet, r.location.line, r.field, r.reason]
                              for r in items if not isinstance(r, Parsed)]}}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, f"the importer process died ({done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])
