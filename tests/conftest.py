"""Shared fixtures: real stores only. The `store` fixture runs each contract test on both engines.

The Neo4j half needs NEO4J_URI (set by `make test`, which starts a real Neo4j). Without it those tests
fail: they are never skipped.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.graph import RegistryGraph
from registry.settings import RegistrySettings
from registry.store import GraphStore, StoreError
from registry.store.embedded import EmbeddedStore
from registry.store.falkordb_server import FalkorDBServer

STORES = ("embedded", "neo4j")
REPO = Path(__file__).resolve().parent.parent
_graph_names = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the Neo4j half so a developer can choose `-m "not neo4j"`; CI runs everything."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("store_kind") == "neo4j":
            item.add_marker(pytest.mark.neo4j)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed test that ran an embedded server in its tmp_path carries the end of that server's log: a CI
    failure (a hang especially) can then be read from the report alone."""
    outcome = yield
    report = outcome.get_result()
    tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
    if not report.failed or not isinstance(tmp_path, Path):
        return
    for log in sorted(tmp_path.rglob("falkordb.log"))[:3]:
        server = FalkorDBServer(log.parent)
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        state = f"pid {server.status().pid} answering" if server.status().running else "not answering"
        report.sections.append((f"FalkorDB log {log} ({state})", "\n".join(lines)))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "neo4j: runs against the real Neo4j server named by NEO4J_URI")


@pytest.fixture(scope="session")
def embedded_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One FalkorDB server for the session; each test gets its own graph in it."""
    data_dir = tmp_path_factory.mktemp("falkordb")
    yield data_dir
    FalkorDBServer(data_dir).stop()


@pytest.fixture(scope="session")
def neo4j_settings() -> RegistrySettings:
    if not os.environ.get("NEO4J_URI"):
        pytest.fail("NEO4J_URI is not set. Run the suite with `make test` (it starts a real Neo4j), "
                    "or deselect the Neo4j half with -m 'not neo4j'.")
    return RegistrySettings(store="neo4j")


@pytest.fixture(scope="session")
def neo4j_session_store(neo4j_settings: RegistrySettings) -> Iterator[GraphStore]:
    from registry.store.neo4j_store import Neo4jStore

    neo = neo4j_settings.neo4j
    try:
        store = Neo4jStore(neo.uri, neo.user, neo.password.get_secret_value(), neo.database)
    except StoreError as error:
        pytest.fail(f"Neo4j is not reachable: {error}")
    yield store
    store.close()


def new_embedded_store(data_dir: Path) -> EmbeddedStore:
    return EmbeddedStore(data_dir, graph=f"test{next(_graph_names)}")


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(store_kind: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind."""
    if store_kind == "embedded":
        embedded = new_embedded_store(request.getfixturevalue("embedded_data_dir"))
        yield embedded
        embedded.delete_all()
        embedded.close()
    else:
        neo4j_store: GraphStore = request.getfixturevalue("neo4j_session_store")
        neo4j_store.delete_all()
        yield neo4j_store
        neo4j_store.delete_all()


@pytest.fixture
def graph(store: GraphStore) -> RegistryGraph:
    registry_graph = RegistryGraph(store)
    registry_graph.ensure_schema()
    return registry_graph


@pytest.fixture
def fixtures_dir() -> Path:
    return REPO / "tests" / "fixtures"
