"""The web application: health, GraphiQL, OpenAPI docs, and the store's lifetime; `registry serve` runs it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx
from fastapi.testclient import TestClient

from registry.api import create_app
from registry.settings import RegistrySettings
from tests.registry.test_cli import REGISTRY


def test_health_names_the_engine_of_a_reachable_store(api, store_kind):
    response = api.client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["store"] == store_kind
    assert body["engine"] == {"embedded": "FalkorDB", "neo4j": "Neo4j"}[store_kind] and body["version"]
    assert set(body) == {"status", "store", "engine", "version"}  # no paths, hosts or credentials


def test_the_rest_part_is_documented_in_openapi(api):
    spec = api.client.get("/openapi.json").json()
    assert "/health" in spec["paths"]
    assert api.client.get("/docs").status_code == 200


def test_graphiql_is_served_to_browsers(api):
    page = api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_the_app_opens_its_own_store_from_settings(embedded_data_dir):
    settings = RegistrySettings(store="embedded", data_dir=embedded_data_dir, graph="api_lifespan")
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/health").json()["status"] == "ok"
        assert client.post("/graphql", json={"query": "{ teams { totalCount } }"}).json() == {
            "data": {"teams": {"totalCount": 0}}}
    app.state.store.delete_all()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_registry_serve_answers_health_and_graphql(embedded_data_dir):
    port = _free_port()
    env = {**os.environ, "REGISTRY_STORE": "embedded", "REGISTRY_DATA_DIR": str(embedded_data_dir),
           "REGISTRY_GRAPH": "api_serve"}
    server = subprocess.Popen([REGISTRY, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise AssertionError(server.communicate()[0]) from None
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ systems { totalCount } }"})
        assert answer.json() == {"data": {"systems": {"totalCount": 0}}}
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def test_the_schema_is_ensured_at_start_up_so_a_mutation_on_an_empty_store_is_searchable(store):
    """Writes through the API skip the schema check (a scan of every entity per mutation); the app makes the
    constraints and search indexes once, when it starts."""
    from registry.api.tokens import create_token

    token = create_token(store, "admin", name="khoi-tao")[0]  # the store has never seen ensure_schema
    upsert = ('mutation { upsertEntity(input: {type: "Agency", fields: {id: "agency:moi", name: "Sở Mới", '
              'level: "province"}}) { errors { message } } }')
    with TestClient(create_app(store=store)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        written = client.post("/graphql", json={"query": upsert}, headers=headers).json()
        assert written["data"]["upsertEntity"]["errors"] == []
        found = client.post("/graphql", json={"query": '{ agencies(filter: {search: "So Moi"}) { totalCount } }'},
                            headers=headers).json()
    assert found.get("data") == {"agencies": {"totalCount": 1}}, found


def test_what_lives_as_long_as_the_server_is_kept_out_of_full_collections_while_it_serves(store):
    """A full pass of the cyclic collector walks every object the process holds (100-150 ms in a served nation,
    stalling each request in flight): the app freezes what exists once it has started, and thaws it at shutdown
    so a longer process (tests, embedding) is left as it was."""
    import gc

    with TestClient(create_app(store=store)) as client:
        assert gc.get_freeze_count() > 10_000  # the modules, the schema and the store's clients
        assert client.get("/health").json()["status"] == "ok"
    assert gc.get_freeze_count() == 0
