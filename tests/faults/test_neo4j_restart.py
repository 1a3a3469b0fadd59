"""Fault: the Neo4j server is stopped and started again while the API serves (the API process stays up).

What must hold: while Neo4j is down, every request fails promptly and cleanly — REST and /health with a 503 and a
JSON body, GraphQL with an error saying the store is unavailable — never a hang, a 500, a stack trace or a
credential; once Neo4j is back, the same API process answers again without a restart. A mutation sent during the
outage fails as cleanly and writes nothing (no entity, no history record); sent again afterwards, it writes both.
A command's write (the synchronous store, with its 30 s retry budget) issued while Neo4j is down is retried until
the server is back, and then succeeds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from registry.api.app import create_app
from registry.api.tokens import create_token
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.settings import Neo4jSettings, RegistrySettings
from registry.store import StoreUnavailable
from registry.store.neo4j_store import Neo4jStore
from tests.faults.conftest import PrivateNeo4j
from tests.faults.support import free_port, wait_until

pytestmark = pytest.mark.neo4j

ENTITY = "agency:tinh-15"
GRAPHQL = {"query": "query ($id: ID!) { entity(id: $id) { id name } }", "variables": {"id": ENTITY}}
NEW_ENTITY = "agency:fault-outage"
UPSERT = {"query": "mutation ($input: EntityInput!) { upsertEntity(input: $input) { entity { id name } "
                   "errors { field message } } }",
          "variables": {"input": {"type": "Agency", "fields": {"id": NEW_ENTITY, "name": "Sở ghi khi mất kết nối",
                                                               "level": "province"}}}}
MAX_FAILURE_SECONDS = 20.0  # how long a request may take to say the store is down


@dataclass(frozen=True)
class ServedApi:
    url: str
    admin_token: str


@pytest.fixture
def api(private_neo4j: PrivateNeo4j, fixtures_dir: Path, tmp_path: Path) -> Iterator[ServedApi]:
    """The API on a Neo4j store with the small valid inventory, served by uvicorn on loopback. The app opens its
    own store, as `registry serve` does, so the outage is met with the served store's retry budget."""
    store = Neo4jStore(private_neo4j.uri, private_neo4j.user, private_neo4j.password, private_neo4j.database)
    store.delete_all()
    assert Loader(RegistryGraph(store)).load_files([fixtures_dir / "native" / "valid.yaml"]).ok
    admin_token, _ = create_token(store, "admin", name="fault test")
    settings = RegistrySettings(store="neo4j", site_dir=tmp_path / "no-site", neo4j=Neo4jSettings(
        uri=private_neo4j.uri, user=private_neo4j.user, password=private_neo4j.password,
        database=private_neo4j.database))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, what="uvicorn to start")
    try:
        yield ServedApi(f"http://127.0.0.1:{server.config.port}", admin_token)
    finally:
        server.should_exit = True
        thread.join(30)
        if not private_neo4j.running():
            private_neo4j.start()  # leave the session's server up for the next test
        store.delete_all()
        store.close()


def assert_answers(client: httpx.Client) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get(f"/api/entities/{ENTITY}").json()["id"] == ENTITY
    body = client.post("/graphql", json=GRAPHQL).json()
    assert body == {"data": {"entity": {"id": ENTITY, "name": "Ủy ban nhân dân tỉnh Lào Cai"}}}


def assert_clean_failure(response: httpx.Response, elapsed: float, secret: str) -> None:
    assert elapsed < MAX_FAILURE_SECONDS, f"{response.request.url.path} took {elapsed:.1f} s to fail"
    assert response.headers["content-type"].startswith("application/json"), response.text
    text = response.text
    assert "Traceback" not in text and 'File "' not in text and secret not in text, text


def test_requests_fail_cleanly_while_neo4j_is_down_and_succeed_once_it_is_back(
        api: ServedApi, private_neo4j: PrivateNeo4j):
    with httpx.Client(base_url=api.url, timeout=120) as client:
        assert_answers(client)

        private_neo4j.stop()
        # A token is looked up in the store before anything else (on the synchronous driver, like a mutation's
        # writes): a request carrying one must give up as promptly as the others.
        requests = [("GET", "/health", None, None), ("GET", f"/api/entities/{ENTITY}", None, None),
                    ("POST", "/graphql", GRAPHQL, None), ("POST", "/graphql", GRAPHQL, api.admin_token)]

        def timed(method: str, path: str, payload: dict | None,  # type: ignore[type-arg]
                  token: str | None) -> tuple[httpx.Response, float]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            started = time.monotonic()
            return client.request(method, path, json=payload, headers=headers), time.monotonic() - started

        with ThreadPoolExecutor(len(requests)) as pool:  # four clients at once, as a served API sees them
            answers = list(pool.map(lambda request: timed(*request), requests))
        for (_, path, _, _), (response, elapsed) in zip(requests, answers, strict=True):
            assert_clean_failure(response, elapsed, private_neo4j.password)
            if path == "/graphql":
                assert response.status_code in (200, 503)
                body = response.json()
                assert body.get("data") in (None, {"entity": None})
                assert [error["message"] for error in body["errors"]] == [StoreUnavailable.public], body
            else:
                assert response.status_code == 503, response.text
                assert response.json().get("detail", StoreUnavailable.public) == StoreUnavailable.public
                assert response.json().get("status", "unavailable") == "unavailable"

        private_neo4j.start()
        # The driver finds the server again by itself; the API process was never restarted.
        deadline = time.monotonic() + 30
        while client.get("/health").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover within 30 s of Neo4j's restart"
            time.sleep(0.5)
        assert_answers(client)
        with_token = client.post("/graphql", json=GRAPHQL, headers={"Authorization": f"Bearer {api.admin_token}"})
        assert with_token.json()["data"]["entity"]["id"] == ENTITY


def written(store: Neo4jStore, entity_id: str) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """The entity (with its revision) and its history records, as stored."""
    nodes = store.read("MATCH (n:Entity {id: $id}) RETURN n.name AS name, n.revision AS revision", {"id": entity_id})
    changes = store.read("MATCH (c:Change {entity_id: $id}) RETURN c.action AS action, c.revision AS revision",
                         {"id": entity_id})
    return nodes, changes


def test_a_mutation_sent_while_neo4j_is_down_fails_cleanly_and_writes_nothing(
        api: ServedApi, private_neo4j: PrivateNeo4j):
    headers = {"Authorization": f"Bearer {api.admin_token}"}
    with httpx.Client(base_url=api.url, timeout=120) as client:
        assert_answers(client)
        private_neo4j.stop()

        started = time.monotonic()
        response = client.post("/graphql", json=UPSERT, headers=headers)
        assert_clean_failure(response, time.monotonic() - started, private_neo4j.password)
        assert response.status_code in (200, 503), response.text
        body = response.json()
        assert body.get("data") in (None, {"upsertEntity": None}), body
        assert [error["message"] for error in body["errors"]] == [StoreUnavailable.public], body

        private_neo4j.start()
        store = Neo4jStore(private_neo4j.uri, private_neo4j.user, private_neo4j.password, private_neo4j.database)
        try:
            assert written(store, NEW_ENTITY) == ([], []), "the failed mutation left something behind"
            # The same API process takes the same mutation once Neo4j is back: the entity with its history record.
            deadline = time.monotonic() + 30
            while (again := client.post("/graphql", json=UPSERT, headers=headers)).json().get("errors"):
                assert time.monotonic() < deadline, f"the mutation still fails 30 s after the restart: {again.text}"
                time.sleep(0.5)
            assert again.json()["data"]["upsertEntity"] == {
                "entity": {"id": NEW_ENTITY, "name": "Sở ghi khi mất kết nối"}, "errors": []}, again.text
            assert written(store, NEW_ENTITY) == ([{"name": "Sở ghi khi mất kết nối", "revision": 1}],
                                                  [{"action": "create", "revision": 1}])
        finally:
            store.close()


RETRY_BUDGET = 90.0


def test_a_command_write_issued_while_neo4j_is_down_is_retried_until_neo4j_is_back(private_neo4j: PrivateNeo4j):
    # A wider budget than a command's default (SYNC_RETRY_SECONDS): what is tested is that the driver retries across
    # a restart, and a Neo4j start on a loaded machine can take longer than the default leaves after its backoff.
    store = Neo4jStore(private_neo4j.uri, private_neo4j.user, private_neo4j.password, private_neo4j.database,
                       retry_seconds=RETRY_BUDGET)
    outcome: dict[str, object] = {}

    def write() -> None:
        outcome["started"] = time.monotonic()
        try:
            outcome["rows"] = store.write("MERGE (n:Entity:Agency {id: $id}) SET n.name = $name RETURN n.id AS id",
                                          {"id": NEW_ENTITY, "name": "Ghi lại sau khi khởi động lại"})
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error
        outcome["ended"] = time.monotonic()

    try:
        store.delete_all()
        private_neo4j.stop()
        stopped = time.monotonic()
        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        time.sleep(3.0)  # long enough for the driver to have failed to connect and be waiting to try again
        assert writer.is_alive(), f"the write ended while Neo4j was down, without waiting for it: {outcome}"
        assert not private_neo4j.running(), "Neo4j was not down while the write was being retried"

        restarting = time.monotonic()
        private_neo4j.start()
        ready = time.monotonic()
        writer.join(RETRY_BUDGET + 30)
        assert not writer.is_alive(), "the write neither succeeded nor gave up"
        assert "error" not in outcome, (f"the write failed although Neo4j was back {ready - outcome['started']:.1f} s "  # type: ignore[operator]
                                        f"after it was issued (retry budget {RETRY_BUDGET:.0f} s): "
                                        f"{outcome['error']!r}")
        assert outcome["rows"] == [{"id": NEW_ENTITY}]
        print(f"write issued {outcome['started'] - stopped:.1f} s after Neo4j stopped; Neo4j ready "  # type: ignore[operator]
              f"{ready - outcome['started']:.1f} s after the write was issued (start took {ready - restarting:.1f} s); "  # type: ignore[operator]
              f"the write succeeded {outcome['ended'] - outcome['started']:.1f} s after it was issued")  # type: ignore[operator]
        # Issued after the server had stopped, finished only after it was started again: it was retried across.
        assert stopped < outcome["started"] < restarting < outcome["ended"], (stopped, outcome, restarting)  # type: ignore[operator]
        assert store.read("MATCH (n:Entity {id: $id}) RETURN n.name AS name", {"id": NEW_ENTITY}) == [
            {"name": "Ghi lại sau khi khởi động lại"}]
    finally:
        if not private_neo4j.running():
            private_neo4j.start()
        store.delete_all()
        store.close()
