"""Fault: the embedded FalkorDB server is killed (SIGKILL: no shutdown, no flush) while clients write to it.

What must hold: every write the server acknowledged is there after the restart (the append-only file is fsynced
before the reply); a write in flight at the moment of the kill is either acknowledged and present or reported to
the caller as an error, never acknowledged and lost; a batch is all there or not at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.store import StoreError
from registry.store.embedded import EmbeddedStore
from registry.store.falkordb_server import FalkorDBServer
from tests.faults.support import kill_falkordb, processes_using, wait_until

BATCH = 200
UPSERT = "UNWIND range(0, $size - 1) AS i MERGE (n:Entity:Api {id: $prefix + toString(i)}) SET n.batch = $batch"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FalkorDBServer]:
    server = FalkorDBServer(tmp_path / "data")
    store = EmbeddedStore(server.data_dir)
    store.write("CREATE INDEX FOR (n:Api) ON (n.id)")  # MERGE on an unindexed id would scan every node
    store.close()
    server.compact()  # the index in the snapshot, as apply_schema does: a replay must not run without it
    yield server
    server.stop()
    assert processes_using(server.data_dir) == [], "a server process outlived its stop"


def batches_present(store: EmbeddedStore) -> dict[int, int]:
    """Batch number -> how many of its nodes the store holds."""
    rows = store.read("MATCH (n:Api) RETURN n.batch AS batch, count(n) AS nodes")
    return {row["batch"]: row["nodes"] for row in rows}


class Writer(threading.Thread):
    """Writes numbered batches one after another, recording which were acknowledged and which failed."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(daemon=True)
        self.store = EmbeddedStore(data_dir)
        self.acknowledged: list[int] = []
        self.failed: dict[int, str] = {}
        self.spans: dict[int, tuple[float, float]] = {}  # batch -> when its write call began and returned
        self.halt = threading.Event()

    def run(self) -> None:
        batch = 0
        while not self.halt.is_set():
            began = time.monotonic()
            try:
                self.store.write(UPSERT, {"size": BATCH, "prefix": f"api:b{batch}-", "batch": batch})
                self.acknowledged.append(batch)
            except StoreError as error:
                self.failed[batch] = str(error)
            self.spans[batch] = (began, time.monotonic())
            batch += 1
        self.store.close()

    def sent(self) -> int:
        return len(self.acknowledged) + len(self.failed)


def test_every_acknowledged_batch_survives_kills_in_the_middle_of_a_stream_of_writes(server: FalkorDBServer):
    writer = Writer(server.data_dir)
    writer.start()
    kills: list[float] = []
    try:
        for _ in range(2):  # the second kill hits the server the writer's own retry restarted
            before = writer.sent()
            wait_until(lambda before=before: writer.sent() >= before + 15, 30, what="15 more batches to be sent")
            kills.append(time.monotonic())
            kill_falkordb(server)
            after_kill = writer.sent()
            # The writer's next write finds the server gone, restarts it on the same data directory and goes on.
            wait_until(lambda after_kill=after_kill: writer.sent() >= after_kill + 10, 60, what="writes to resume after the restart")
    finally:
        writer.halt.set()
        writer.join(30)
    assert not writer.is_alive()
    in_flight = [batch for batch, (began, returned) in writer.spans.items()
                 if any(began <= kill <= returned for kill in kills)]
    assert in_flight, "no write was in flight when the server was killed"
    kill_falkordb(server)  # what is read below comes from the append-only file, not from a server's memory

    reader = EmbeddedStore(server.data_dir)
    present = batches_present(reader)
    reader.close()
    lost = [batch for batch in writer.acknowledged if present.get(batch) != BATCH]
    assert lost == [], f"acknowledged batches lost or partial after the kill: {lost}"
    partial = {batch: nodes for batch, nodes in present.items() if nodes != BATCH}
    assert partial == {}, "a batch is one transaction: all of it or none of it"
    assert set(present) <= set(writer.acknowledged) | set(writer.failed), "a batch appeared that was never sent"
    for message in writer.failed.values():  # an unacknowledged write was reported, and says why
        assert "FalkorDB" in message


def test_a_kill_during_an_append_only_file_rewrite_loses_nothing(server: FalkorDBServer):
    """The rewrite runs in a forked child; killing the parent mid-rewrite must leave the old file usable."""
    store = EmbeddedStore(server.data_dir)
    for batch in range(40):
        store.write(UPSERT, {"size": 1000, "prefix": f"api:r{batch}-", "batch": batch})
    with server.client() as conn:
        conn.bgrewriteaof()
    time.sleep(0.05)
    kill_falkordb(server)
    store.close()
    # A rewrite child must not outlive its parent and hold the data directory.
    wait_until(lambda: processes_using(server.data_dir) == [], 20, what="the rewrite child to exit")

    started = time.monotonic()
    store = EmbeddedStore(server.data_dir)
    assert batches_present(store) == {batch: 1000 for batch in range(40)}
    store.write(UPSERT, {"size": 10, "prefix": "api:after-", "batch": 99})  # and it takes writes again
    assert batches_present(store)[99] == 10
    store.close()
    assert time.monotonic() - started < 30


def test_a_command_half_appended_when_the_server_died_is_dropped_and_the_server_starts(server: FalkorDBServer):
    """A kill in the middle of appending leaves the file's last command cut short. That command was never
    acknowledged (the reply follows the append), so the restart drops it and keeps everything before it."""
    store = EmbeddedStore(server.data_dir)
    for batch in range(5):
        store.write(UPSERT, {"size": 100, "prefix": f"api:t{batch}-", "batch": batch})
    store.close()
    kill_falkordb(server)
    increments = sorted((server.data_dir / "appendonlydir").glob("*.incr.aof"), key=lambda path: path.stat().st_mtime)
    last = increments[-1]
    with last.open("r+b") as handle:  # cut the last command (batch 4) in half
        handle.truncate(last.stat().st_size - 40)

    store = EmbeddedStore(server.data_dir)
    assert batches_present(store) == {batch: 100 for batch in range(4)}
    store.close()
