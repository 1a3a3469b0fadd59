"""The embedded server's lifecycle: started on demand, shared between processes, durable across stops."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_model.schema import derive_schema
from registry.store import StoreError
from registry.store.embedded import EmbeddedStore
from registry.store.falkordb_server import FalkorDBServer


@pytest.fixture
def server(tmp_path: Path):
    server = FalkorDBServer(tmp_path / "data")
    yield server
    server.stop()


def test_it_starts_on_first_use_on_a_socket_in_the_data_directory(server):
    assert not server.status().running
    store = EmbeddedStore(server.data_dir)
    status = server.status()
    assert status.running and status.pid and status.socket == server.data_dir / "falkordb.sock"
    assert oct(status.socket.stat().st_mode & 0o777) == "0o700"  # only this user may connect
    assert store.describe()["version"]
    store.close()


def test_data_written_before_a_stop_is_all_there_after_a_start(server):
    store = EmbeddedStore(server.data_dir)
    store.write("UNWIND range(1, 500) AS i CREATE (:Entity:Dataset {id: 'dataset:' + toString(i), name: 'Dữ liệu'})")
    store.close()
    assert server.stop() is True
    assert not server.status().running and not server.socket_path.exists()
    assert server.stop() is False  # stopping twice is harmless
    store = EmbeddedStore(server.data_dir)
    assert store.read("MATCH (n:Dataset) RETURN count(n) AS c, min(n.name) AS name")[0] == {"c": 500, "name": "Dữ liệu"}
    store.close()


def test_another_process_reuses_the_running_server(server):
    EmbeddedStore(server.data_dir).write("CREATE (:Entity:Agency {id: 'agency:shared'})")
    pid = server.status().pid
    code = (
        "import sys; from pathlib import Path; from registry.store.embedded import EmbeddedStore\n"
        f"s = EmbeddedStore(Path({str(server.data_dir)!r}))\n"
        "print(s.read(\"MATCH (n:Entity) RETURN n.id AS id\")[0]['id'], s.describe()['pid'])\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert output == ["agency:shared", str(pid)]


def test_concurrent_first_uses_start_one_server(server):
    code = ("from pathlib import Path; from registry.store.embedded import EmbeddedStore\n"
            f"print(EmbeddedStore(Path({str(server.data_dir)!r})).describe()['pid'])\n")
    processes = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(4)]
    pids = {process.communicate(timeout=120)[0].strip() for process in processes}
    assert len(pids) == 1 and pids != {""}


def test_a_killed_server_recovers_every_acknowledged_write(server):
    store = EmbeddedStore(server.data_dir)
    for index in range(50):
        store.write("CREATE (:Entity:Api {id: $id})", {"id": f"api:{index}"})
    pid = server.status().pid
    os.kill(pid, signal.SIGKILL)  # no shutdown, no flush: only the fsynced append-only file remains
    deadline = time.monotonic() + 10
    while server.status().running and time.monotonic() < deadline:
        time.sleep(0.05)
    store = EmbeddedStore(server.data_dir)
    assert store.read("MATCH (n:Api) RETURN count(n) AS c")[0]["c"] == 50
    store.close()


def test_a_long_data_directory_still_gets_a_socket(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    server = FalkorDBServer(deep)
    try:
        assert len(str(server.socket_path)) <= 100
        EmbeddedStore(deep).write("CREATE (:Entity:Team {id: 'team:a'})")
        assert server.status().running
    finally:
        server.stop()


def test_a_registry_with_its_schema_comes_back_after_a_restart(server, fixtures_dir):
    """The append-only file must replay: schema, nodes and relationships all return after a stop."""
    from registry.graph import RegistryGraph
    from registry.loading import Loader

    graph = RegistryGraph(EmbeddedStore(server.data_dir))
    assert Loader(graph).load_files([fixtures_dir / "native" / "valid.yaml"]).ok
    before = graph.stats().as_dict()
    server.stop()
    server.start_timeout = 20.0
    graph = RegistryGraph(EmbeddedStore(server.data_dir))
    assert graph.stats().as_dict() == before
    assert Loader(graph).load_files([fixtures_dir / "native" / "valid.yaml"]).counts["nodes"]["unchanged"] == 8


def test_a_server_that_dies_while_starting_is_reported_at_once_with_its_log(server):
    """A damaged append-only file makes the server exit while loading: the caller hears so in seconds, not
    after the whole start timeout, and is pointed at the log."""
    EmbeddedStore(server.data_dir).write("CREATE (:Entity:Team {id: 'team:a'})")
    server.stop()
    manifest = server.data_dir / "appendonlydir" / "appendonly.aof.manifest"
    manifest.write_text("this is not a manifest\n")
    started = time.monotonic()
    with pytest.raises(StoreError) as error:
        EmbeddedStore(server.data_dir)
    assert time.monotonic() - started < 15
    assert str(server.log_path) in str(error.value)


def test_a_wedged_server_is_killed_on_stop_and_keeps_every_acknowledged_write(server, caplog):
    store = EmbeddedStore(server.data_dir)
    for index in range(20):
        store.write("CREATE (:Entity:Api {id: $id})", {"id": f"api:{index}"})
    store.close()
    pid = server.status().pid
    os.kill(pid, signal.SIGSTOP)  # neither answers nor handles SIGTERM, like a server stuck on a lock
    assert server.stop(timeout=2) is True
    assert not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    assert f"FalkorDB (pid {pid}) did not stop within 2 s; killing it" in caplog.text
    store = EmbeddedStore(server.data_dir)
    assert store.read("MATCH (n:Api) RETURN count(n) AS c")[0]["c"] == 20
    store.close()


def test_indexes_are_built_before_the_schema_is_reported_applied(server):
    store = EmbeddedStore(server.data_dir)
    store.write("UNWIND range(1, 300000) AS i CREATE (:Entity:System {id: 'system:' + toString(i)})")
    store.apply_schema(derive_schema())
    statuses = {row["status"] for row in store.read("CALL db.indexes() YIELD status")}
    assert statuses == {"OPERATIONAL"}
    store.close()


class _DiesAfterAPing(FalkorDBServer):
    """A real server killed right after it answers its `pings_left`-th ping: the moment a server whose disk filled
    up exits, between two of a client's commands."""

    pings_left = 0

    def _ping(self) -> bool:
        answered = super()._ping()
        if answered and self.pings_left:
            self.pings_left -= 1
            if not self.pings_left:
                pid = self._pid()
                assert pid is not None
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 10
                while self._pid() is not None and time.monotonic() < deadline:
                    time.sleep(0.02)
        return answered


@pytest.mark.parametrize("dies_after_ping", [1, 2], ids=["before-status", "inside-status"])
def test_a_server_that_dies_between_two_commands_is_started_again_not_reported_as_a_crash(tmp_path, dies_after_ping):
    server = _DiesAfterAPing(tmp_path / "data")
    try:
        store = EmbeddedStore(server.data_dir)
        store.write("CREATE (:Entity:Api {id: 'api:kept'})")
        store.close()
        server.pings_left = dies_after_ping
        status = server.ensure_running()
        assert status.running and status.pid is not None
        store = EmbeddedStore(server.data_dir)
        assert store.read("MATCH (n:Api) RETURN n.id AS id") == [{"id": "api:kept"}]
        store.close()
    finally:
        server.stop()
