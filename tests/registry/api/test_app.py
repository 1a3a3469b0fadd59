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
