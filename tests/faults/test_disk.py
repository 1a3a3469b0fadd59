"""Fault: the embedded store's disk fills up under an import.

A full disk is made without privileges: the import runs with a file-size limit (RLIMIT_FSIZE), which the FalkorDB
server it starts inherits, so the server's appends fail as they would on a full disk (with SIGXFSZ ignored, the
write returns an error, as ENOSPC would). What must hold: the command stops with a short, clear message (no
traceback) and a non-zero exit code; what was written before is intact; once there is room, the same import
completes.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from registry.store.embedded import EmbeddedStore
from registry.store.falkordb_server import FalkorDBServer
from tests.faults.conftest import REPO
from tests.faults.support import processes_using

ROOM = 256 * 1024  # bytes any one file may still grow by once "the disk is full"


def registry(data_dir: Path, *args: str, max_file_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """The `registry` command on `data_dir`; with `max_file_bytes`, it and the server it starts cannot write
    any file beyond that size."""
    def limit() -> None:
        if max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    env = {**os.environ, "REGISTRY_STORE": "embedded", "REGISTRY_DATA_DIR": str(data_dir),
           "REGISTRY_BATCH_SIZE": "200"}
    return subprocess.run([sys.executable, "-m", "registry.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False, preexec_fn=limit)


def entities(data_dir: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    store = EmbeddedStore(data_dir)
    try:
        return {row["id"]: row["props"] for row in store.read("MATCH (n:Entity) RETURN n.id AS id, properties(n) AS props")}
    finally:
        store.close()


def test_an_import_onto_a_full_disk_stops_clearly_and_loses_nothing_written_before(
        tmp_path: Path, fixtures_dir: Path, inventory: Path):
    data_dir = tmp_path / "data"
    server = FalkorDBServer(data_dir)
    try:
        assert registry(data_dir, "import", str(fixtures_dir / "native" / "valid.yaml")).returncode == 0
        before = entities(data_dir)
        assert len(before) == 8
        server.stop()  # the next server is started by the limited command, and inherits its limit
        largest = max(path.stat().st_size for path in data_dir.rglob("*") if path.is_file())

        full = registry(data_dir, "import", str(inventory), max_file_bytes=largest + ROOM)

        assert full.returncode != 0
        message = full.stderr.strip()
        assert "Traceback" not in message and len(message.splitlines()) <= 3, message
        assert "full or read-only" in message and str(server.data_dir) in " ".join(message.split()), message
        # Room again: a server without the limit replays the file; what was there before is all there.
        server.stop()
        assert {key: before[key] for key in before} == {key: entities(data_dir)[key] for key in before}

        again = registry(data_dir, "import", str(inventory))
        assert again.returncode == 0, again.stderr
        assert len(entities(data_dir)) == len(before) + sum(
            1 for line in inventory.read_text(encoding="utf-8").splitlines() if "id" in json.loads(line))
    finally:
        server.stop()
    assert processes_using(server.data_dir) == []
