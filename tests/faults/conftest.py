"""Fixtures of the fault tests: real server processes that the tests may kill, stop and restart.

The Neo4j tests use a private Neo4j server, never the shared one named by NEO4J_URI: they stop and restart it,
and wipe its database. It is started by tools/neo4j/neo4j-test-server on a free port with its own data folder;
the jars (~120 MB from Maven Central) are shared with the main test server's cache when that has them.
When the private server cannot start, the tests that need it fail; they are never skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.support import free_port

REPO = Path(__file__).resolve().parents[2]
TEST_SERVER = REPO / "tools" / "neo4j" / "neo4j-test-server"
SHARED_CACHE = Path(os.environ.get("NEO4J_CACHE_DIR", REPO / ".cache" / "neo4j"))
PASSWORD = "fault-test-pw"


@dataclass
class PrivateNeo4j:
    """A Neo4j server of this test session only: `stop` and `start` it at will."""

    cache: Path
    port: int

    @property
    def uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.port}"

    user = "neo4j"
    password = PASSWORD
    database = "neo4j"

    def _script(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("NEO4J_")}  # NEO4J_URI would make the script use that server instead
        env.update(NEO4J_CACHE_DIR=str(self.cache), NEO4J_TEST_BOLT_PORT=str(self.port), NEO4J_PASSWORD=PASSWORD,
                   NEO4J_TEST_HEAP="384m", NEO4J_TEST_PAGECACHE="64m", NEO4J_TEST_PYTHON=sys.executable)
        return subprocess.run([str(TEST_SERVER), command], env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def start(self) -> None:
        result = self._script("start")
        if result.returncode != 0:
            pytest.fail(f"the private Neo4j server did not start:\n{result.stderr[-3000:]}")

    def stop(self) -> None:
        result = self._script("stop", timeout=120)
        assert result.returncode == 0, result.stderr

    def running(self) -> bool:
        return self._script("status", timeout=30).returncode == 0

    def env(self) -> dict[str, str]:
        """Environment variables pointing the `registry` command at this server."""
        return {"REGISTRY_STORE": "neo4j", "NEO4J_URI": self.uri, "NEO4J_USER": self.user,
                "NEO4J_PASSWORD": self.password, "NEO4J_DATABASE": self.database}


@pytest.fixture(scope="session")
def private_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNeo4j]:
    cache = tmp_path_factory.mktemp("neo4j-private")
    shared_lib = SHARED_CACHE / "lib"
    if any(shared_lib.glob(".resolved-neo4j-*")):
        (cache / "lib").symlink_to(shared_lib)  # resolved once, used by both servers
    server = PrivateNeo4j(cache, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A native JSON Lines inventory of 4,050 nodes and 8,000 relationships, written in small batches by the
    fault tests: large enough that an import is still writing when it is killed, small enough to import often."""
    path = tmp_path_factory.mktemp("input") / "inventory.jsonl"
    agencies = [f"agency:fault-{number:02d}" for number in range(50)]
    systems = [f"system:fault-{number:04d}" for number in range(2000)]
    records: list[dict[str, object]] = [
        {"type": "Agency", "id": agency, "name": f"Sở thử nghiệm số {index}", "level": "province"}
        for index, agency in enumerate(agencies)]
    records += [{"type": "System", "id": system, "name": f"Hệ thống thông tin {index} — Đắk Lắk",
                 "description": "Hồ sơ một cửa điện tử " * 5} for index, system in enumerate(systems)]
    records += [{"type": "Dataset", "id": f"dataset:fault-{number:04d}", "name": f"Cơ sở dữ liệu {number}"}
                for number in range(2000)]
    records += [{"type": "OWNS", "from": agencies[index % 50], "to": system} for index, system in enumerate(systems)]
    records += [{"type": "OWNS", "from": agencies[number % 50], "to": f"dataset:fault-{number:04d}"}
                for number in range(2000)]
    records += [{"type": "CONNECTS_TO", "from": system, "to": systems[(index + 7) % 2000], "protocol": "api"}
                for index, system in enumerate(systems)]
    records += [{"type": "HOLDS_COPY_OF", "from": system, "to": f"dataset:fault-{(index * 3) % 2000:04d}"}
                for index, system in enumerate(systems)]
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path
