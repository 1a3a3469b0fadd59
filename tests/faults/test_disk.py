"""Fault: the embedded store's disk fills up under an import.

A full disk is made without privileges: the import runs with a file-size limit (RLIMIT_FSIZE), which the FalkorDB
server it starts inherits, so the server's appends fail as they would on a full disk (with SIGXFSZ ignored, the
write returns an error, as ENOSPC would). What must hold: the command stops with a short, clear message (no
traceback) and a non-zero exit code; what was written before is intact; once there is room, the same import
completes.

Fault: the embedded store's data directory is on a read-only file system. The tests run as root, for whom a chmod
changes nothing, so the directory is made genuinely read-only: a read-only bind mount in a private mount namespace
(`unshare --mount`), in which the `registry` command then runs; the mount disappears with the namespace. What must
hold: the command stops at once with exit code 2 and a short message naming the directory and saying it is not
writable (read-only), no traceback; nothing in the directory changes; once writable again, everything is there.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
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


# Runs "$@" with the directory $1 (the rest shifted) read-only; 97 = the namespace could be made but not the mount.
READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; shift; exec "$@"'
NO_MOUNT = 97


def read_only_registry(read_only: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `registry` command on `data_dir` while `read_only` (the directory or one above it) is a read-only bind
    mount, in a mount namespace of this command only. Fails the test (never skips it) when that cannot be made."""
    unshare = shutil.which("unshare")
    assert unshare is not None, "the read-only data directory test needs `unshare` (util-linux) on PATH"
    env = {**os.environ, "REGISTRY_STORE": "embedded", "REGISTRY_DATA_DIR": str(data_dir)}
    result = subprocess.run([unshare, "--mount", "--propagation", "private", "sh", "-c", READ_ONLY, "sh",
                             str(read_only), sys.executable, "-m", "registry.cli", *args],
                            env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode == NO_MOUNT or "unshare:" in result.stderr:
        raise AssertionError(f"could not make {read_only} read-only in a private mount namespace (this test needs "
                             f"root or CAP_SYS_ADMIN for `unshare --mount` and `mount`): {result.stderr.strip()}")
    return result


def file_digests(directory: Path) -> dict[str, str]:
    return {str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.rglob("*")) if path.is_file()}


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

        assert full.returncode == 2, (full.returncode, full.stderr)  # docs/operations.md: exit code 2
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


def test_a_read_only_data_directory_is_refused_clearly_and_left_as_it_was(tmp_path: Path, fixtures_dir: Path):
    mount = tmp_path / "ro"  # made read-only below; holds the store and a directory that does not exist yet
    data_dir = mount / "data"
    server = FalkorDBServer(data_dir)
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"type": "Agency", "id": "agency:read-only", "name": "Sở chỉ đọc",
                               "level": "province"}, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        assert registry(data_dir, "import", str(fixtures_dir / "native" / "valid.yaml")).returncode == 0
        before = entities(data_dir)
        assert len(before) == 8
        stats = registry(data_dir, "stats", "--json")
        assert stats.returncode == 0, stats.stderr
        # Stopping a running server needs the lock file, which a read-only directory cannot hold: a clear refusal.
        stop = read_only_registry(mount, data_dir, "db", "stop")
        assert stop.returncode == 2 and "Traceback" not in stop.stderr, stop.stderr
        assert "is not writable" in " ".join(stop.stderr.split()) and server.status().running, stop.stderr
        server.stop()  # a running server would answer on its socket: the commands below must start one
        files = file_digests(data_dir)
        stopped = read_only_registry(mount, data_dir, "db", "stop")  # none runs, none can start: nothing to do
        assert stopped.returncode == 0 and stopped.stdout.strip() == "was not running", stopped.stderr

        fresh = mount / "fresh" / "data"
        for directory, args in ((data_dir, ("import", str(new))), (data_dir, ("stats", "--json")),
                                (fresh, ("import", str(new))), (fresh, ("stats",))):
            refused = read_only_registry(mount, directory, *args)
            message = " ".join(refused.stderr.split())  # the console wraps long lines
            where = f"registry {' '.join(args[:1])} on {directory}"
            assert refused.returncode == 2, (where, refused.returncode, refused.stderr)
            assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) <= 3, \
                (where, refused.stderr)
            assert f"the data directory {directory.resolve()} is not writable" in message, (where, message)
            assert "read-only file system" in message.lower(), (where, message)
            assert refused.stdout.strip() == "", (where, refused.stdout)
            assert processes_using(directory.resolve()) == [], f"{where} left a server running"

        # The mount went with the namespace: the directory is writable again, and exactly as it was.
        assert file_digests(data_dir) == files
        assert not (mount / "fresh").exists()
        assert entities(data_dir) == before
        again = registry(data_dir, "stats", "--json")
        assert again.returncode == 0 and again.stdout == stats.stdout, again.stderr
    finally:
        server.stop()
    assert processes_using(server.data_dir) == []
