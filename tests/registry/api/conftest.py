"""Fixtures of the API tests: the app on a real store (empty, or holding the sample and Lào Cai's inventory),
a store proxy that counts round trips, and a helper that runs one GraphQL query."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from importers import expand_paths
from registry.api import create_app
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.store import GraphStore
from tests.conftest import REPO, STORES, new_embedded_store

SAMPLE = [REPO / "data" / "sample", REPO / "data" / "province"]


class CountingStore:
    """Forwards everything to a real store and counts the reads (sync and async): how many round trips a request costs."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.reads: list[str] = []
        self.sync_reads: list[str] = []  # the blocking reads among them

    def read(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        self.reads.append(query)
        self.sync_reads.append(query)
        return self._store.read(query, params)

    async def aread(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        """The API's resolvers and DataLoaders read here: each call is one round trip, counted like `read`."""
        self.reads.append(query)
        return await self._store.aread(query, params)

    def forget(self) -> None:
        """Start counting afresh (after the app's start-up, whose schema check and search-text back-fill read)."""
        self.reads.clear()
        self.sync_reads.clear()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class Api:
    """A TestClient on the app with a helper for GraphQL requests."""

    def __init__(self, client: TestClient, store: CountingStore) -> None:
        self.client = client
        self.store = store

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query that must succeed."""
        body = self.post(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        """The error messages of a query that must fail."""
        body = self.post(query, variables)
        assert body.get("errors"), body
        return [error["message"] for error in body["errors"]]


@pytest.fixture(scope="module", params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Module-scoped here, so the sample is loaded once per store for a whole test module."""
    return request.param


@pytest.fixture(scope="module")
def sample_store(store_kind: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A store holding data/sample and data/province (as `make demo` loads them), shared by a module's tests,
    which only read it."""
    if store_kind == "embedded":
        store: GraphStore = new_embedded_store(request.getfixturevalue("embedded_data_dir"))
    else:
        store = request.getfixturevalue("neo4j_session_store")
        store.delete_all()
    graph = RegistryGraph(store)
    graph.ensure_schema()
    report = Loader(graph).load_files(expand_paths(SAMPLE))
    assert report.ok, report.rejects[:5]
    yield store
    store.delete_all()
    if store_kind == "embedded":
        store.close()


@pytest.fixture(scope="module")
def sample_api(sample_store: GraphStore) -> Iterator[Api]:
    counting = CountingStore(sample_store)
    with TestClient(create_app(store=counting)) as client:
        counting.forget()
        yield Api(client, counting)


@pytest.fixture
def api(graph: RegistryGraph) -> Iterator[Api]:
    """The app on an empty store of each kind (load what the test needs through `graph`)."""
    counting = CountingStore(graph.store)
    with TestClient(create_app(store=counting)) as client:
        counting.forget()
        yield Api(client, counting)
