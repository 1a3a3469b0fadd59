"""History, "as of" and optimistic concurrency over GraphQL, on both stores: every write is in `history(id)` with
who, when and its token; `entity(id, asOf)` answers as the entity was; `expectedRevision` refuses a stale write,
and of two writers racing with the same revision exactly one succeeds."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_model import parse_record
from graph_model.nodes import PROVENANCE_FIELDS
from importers import Location, Parsed, expand_paths
from registry.api import create_app
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.store import GraphStore
from tests.conftest import REPO
from tests.registry.api.conftest import SAMPLE
from tests.registry.api.test_mutations import LINK, RETIRE, UNLINK, Client, seeded, system, tokens  # noqa: F401

UPSERT = """
mutation ($input: EntityInput!, $expected: Int) {
  upsertEntity(input: $input, expectedRevision: $expected) {
    entity { id name revision } errors { field message }
  }
}"""
HISTORY = """
query ($id: ID!, $first: Int!, $after: String) {
  history(id: $id, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id at by source action entityId relType to revision importRun
                   changes { field before after } } }
  }
}"""
AS_OF = "query ($id: ID!, $at: DateTime) { entity(id: $id, asOf: $at) { id name revision ... on System { status } } }"
MOT_CUA = "system:a.mot-cua"
SEEDED = 2  # the seed created the system (revision 1) and linked it as its dataset's MASTERS (revision 2)


@pytest.fixture
def client(seeded: RegistryGraph) -> Iterator[Client]:  # noqa: F811
    with TestClient(create_app(store=seeded.store)) as test_client:
        yield Client(test_client)


def changes_of(client: Client, entity_id: str, first: int = 50, after: str | None = None) -> dict[str, Any]:
    body = client.call(HISTORY, {"id": entity_id, "first": first, "after": after})
    assert not body.get("errors"), body
    return body["data"]["history"]


def upsert(client: Client, token: str, name: str, expected: int | None = None) -> dict[str, Any]:
    """Rename the system, based on `expected` (default: the revision read just before)."""
    if expected is None:
        expected = client.entity(MOT_CUA)["revision"]
    variables = {**system(MOT_CUA, name), "expected": expected}
    return client.ok(UPSERT, variables, token, "upsertEntity")


def test_every_api_write_is_in_the_history_newest_first_with_its_token(client, tokens, seeded):  # noqa: F811
    admin = tokens["admin"]
    assert upsert(client, admin, "Một cửa tỉnh A (2026)")["errors"] == []
    assert client.ok(LINK, client.based_on(MOT_CUA, {"type": "HOLDS_COPY_OF", "from": MOT_CUA, "to": "dataset:a.ho-so",
                                                     "properties": {"sync_method": "api"}}), admin, "link")["ok"]
    assert client.ok(UNLINK, client.based_on(MOT_CUA, {"type": "HOLDS_COPY_OF", "from": MOT_CUA,
                                                       "to": "dataset:a.ho-so"}), admin, "unlink")["ok"]
    assert client.ok(RETIRE, client.based_on(MOT_CUA, {"id": MOT_CUA}), admin, "retireEntity")["errors"] == []
    history = changes_of(client, MOT_CUA)
    nodes = [edge["node"] for edge in history["edges"]]
    # Newest first: retire, unlink, link, update, then the seed's MASTERS link, OWNS link (to it) and creation.
    assert [node["action"] for node in nodes[:4]] == ["retire", "unlink", "link", "update"]
    assert [node["revision"] for node in nodes[:4]] == [SEEDED + 4, SEEDED + 3, SEEDED + 2, SEEDED + 1]
    stored_token = seeded.store.read("MATCH (t:ApiToken {name: 'quan-tri'}) RETURN t.id AS id")[0]["id"]
    assert {node["by"] for node in nodes[:4]} == {"api:quan-tri"} and {node["source"] for node in nodes[:4]} == {
        stored_token}
    retire, unlink, link, update = nodes[:4]
    assert retire["changes"] == [{"field": "status", "before": "operational", "after": "retired"}]
    assert (unlink["relType"], unlink["to"], unlink["importRun"]) == ("HOLDS_COPY_OF", "dataset:a.ho-so", None)
    assert unlink["changes"] == [{"field": "sync_method", "before": "api", "after": None}]
    assert link["changes"] == [{"field": "sync_method", "before": None, "after": "api"}]
    assert update["changes"] == [{"field": "name", "before": "Hệ thống một cửa tỉnh A", "after": "Một cửa tỉnh A (2026)"}]
    assert {node["action"] for node in nodes[4:]} == {"create", "link"} and history["totalCount"] == len(nodes)
    # The dataset's history shows the link and unlink too (recorded under the system, found from either end).
    assert [node["action"] for node in [edge["node"] for edge in changes_of(client, "dataset:a.ho-so")["edges"]]][
        :2] == ["unlink", "link"]


def test_history_is_paged_with_cursors(client, tokens):  # noqa: F811
    for step in range(3):
        upsert(client, tokens["admin"], f"Một cửa tỉnh A, bản {step}")
    everything = [edge["node"]["id"] for edge in changes_of(client, MOT_CUA)["edges"]]
    first = changes_of(client, MOT_CUA, first=2)
    assert first["pageInfo"]["hasNextPage"] and [edge["node"]["id"] for edge in first["edges"]] == everything[:2]
    rest = changes_of(client, MOT_CUA, first=50, after=first["pageInfo"]["endCursor"])
    assert [edge["node"]["id"] for edge in rest["edges"]] == everything[2:] and not rest["pageInfo"]["hasNextPage"]
    assert client.call(HISTORY, {"id": MOT_CUA, "first": 2, "after": "bm90LWEtY2hhbmdl"})["errors"][0][
        "message"].startswith("invalid cursor")


def test_an_entity_as_of_an_instant(client, tokens):  # noqa: F811
    before_update = datetime.now(UTC)
    time.sleep(0.01)
    upsert(client, tokens["admin"], "Một cửa tỉnh A (2026)")
    client.ok(RETIRE, client.based_on(MOT_CUA, {"id": MOT_CUA}), tokens["admin"], "retireEntity")
    then = client.call(AS_OF, {"id": MOT_CUA, "at": before_update.isoformat()})["data"]["entity"]
    assert then == {"id": MOT_CUA, "name": "Hệ thống một cửa tỉnh A", "revision": SEEDED, "status": "operational"}
    now = client.call(AS_OF, {"id": MOT_CUA, "at": datetime.now(UTC).isoformat()})["data"]["entity"]
    assert now == {"id": MOT_CUA, "name": "Một cửa tỉnh A (2026)", "revision": SEEDED + 2, "status": "retired"}
    assert client.call(AS_OF, {"id": MOT_CUA, "at": "2020-01-01T00:00:00Z"})["data"]["entity"] is None
    assert client.call(AS_OF, {"id": MOT_CUA})["data"]["entity"] == now  # no asOf: as it is


def test_a_stale_expected_revision_is_refused_and_nothing_is_written(client, tokens, seeded):  # noqa: F811
    admin = tokens["admin"]
    assert upsert(client, admin, "Bản thứ hai", expected=SEEDED)["entity"]["revision"] == SEEDED + 1
    refused = upsert(client, admin, "Bản dựa trên bản cũ", expected=SEEDED)
    assert refused["errors"] == [{"field": "expectedRevision", "message": refused["errors"][0]["message"]}]
    assert f"at revision {SEEDED + 1}, not {SEEDED}" in refused["errors"][0]["message"]
    assert refused["entity"] == {"id": MOT_CUA, "name": "Bản thứ hai", "revision": SEEDED + 1}
    assert len([edge for edge in changes_of(client, MOT_CUA)["edges"]
                if edge["node"]["relType"] is None]) == 2  # create, one update
    retired = client.ok("mutation ($id: ID!) { retireEntity(id: $id, expectedRevision: 1) { errors { field } } }",
                        {"id": MOT_CUA}, admin, "retireEntity")
    assert retired["errors"] == [{"field": "expectedRevision"}]
    link = ("mutation ($e: Int) { link(type: \"HOLDS_COPY_OF\", from: \"system:a.mot-cua\", to: \"dataset:a.ho-so\", "
            "expectedRevision: $e) { ok errors { field message } } }")
    assert client.ok(link, {"e": SEEDED}, admin, "link")["errors"][0]["field"] == "expectedRevision"
    assert client.ok(link, {"e": SEEDED + 1}, admin, "link")["ok"]
    unlink = ("mutation ($e: Int) { unlink(type: \"HOLDS_COPY_OF\", from: \"system:a.mot-cua\", "
              "to: \"dataset:a.ho-so\", expectedRevision: $e) { ok errors { field message } } }")
    stale = client.ok(unlink, {"e": SEEDED + 1}, admin, "unlink")
    assert not stale["ok"] and stale["errors"][0]["field"] == "expectedRevision"
    assert f"at revision {SEEDED + 2}, not {SEEDED + 1}" in stale["errors"][0]["message"]
    assert seeded.fetch_relationships("HOLDS_COPY_OF", [(MOT_CUA, "dataset:a.ho-so")])  # still there
    assert client.ok(unlink, {"e": SEEDED + 2}, admin, "unlink")["ok"]
    assert client.call(AS_OF, {"id": MOT_CUA})["data"]["entity"]["revision"] == SEEDED + 3


def test_revision_is_set_by_the_registry_never_by_the_input(client, tokens):  # noqa: F811
    body = client.ok(UPSERT, {"input": {"type": "System", "fields": {"id": MOT_CUA, "name": "X", "revision": 9}}},
                     tokens["admin"], "upsertEntity")
    assert body["errors"] == [{"field": "revision", "message": "set by the registry; an API write cannot give it"}]


class RacingStore:
    """A real store that holds each of the first two history-writing statements until both have arrived, so the two
    writers have certainly read the same revision before either writes: only the compare-and-set in the write
    statement can then keep one of them out."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._barrier = threading.Barrier(2)
        self._held = 0
        self._lock = threading.Lock()

    def write(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        if "CREATE (c:Change)" in query:
            with self._lock:
                self._held += 1
                hold = self._held <= 2
            if hold:
                self._barrier.wait(timeout=60)
        return self._store.write(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_two_writers_racing_with_the_same_revision_one_wins_one_is_told_it_is_stale(seeded, tokens):  # noqa: F811
    racing = RacingStore(seeded.store)
    results: dict[str, dict[str, Any]] = {}

    def write(name: str) -> None:
        with TestClient(create_app(store=racing)) as test_client:  # type: ignore[arg-type]
            results[name] = Client(test_client).ok(UPSERT, {**system(MOT_CUA, name), "expected": SEEDED},
                                                   tokens["admin"], "upsertEntity")

    threads = [threading.Thread(target=write, args=(name,)) for name in ("Bản của người một", "Bản của người hai")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = sorted(results.values(), key=lambda result: len(result["errors"]))
    assert len(outcomes) == 2
    winner, loser = outcomes
    assert winner["errors"] == [] and winner["entity"]["revision"] == SEEDED + 1
    assert [error["field"] for error in loser["errors"]] == ["expectedRevision"]
    assert f"at revision {SEEDED + 1}, not {SEEDED}" in loser["errors"][0]["message"]
    stored = seeded.fetch_nodes([MOT_CUA])[MOT_CUA].props
    assert stored["name"] == winner["entity"]["name"] and stored["revision"] == SEEDED + 1
    updates = seeded.store.read("MATCH (c:Change {entity_id: $id}) WHERE c.action = 'update' "
                                "RETURN c.revision AS revision", {"id": MOT_CUA})
    assert updates == [{"revision": SEEDED + 1}]


GUIDE_AS_OF = re.findall(r"```graphql on-history\n(.*?)```", (REPO / "docs" / "graphql.md").read_text(encoding="utf-8"),
                         flags=re.DOTALL)


def test_the_guides_as_of_example_answers_as_the_system_was_before_its_retirement(graph, api):
    loaded = Loader(graph, clock=lambda: datetime(2026, 1, 5, tzinfo=UTC)).load_files(expand_paths(SAMPLE))
    assert loaded.ok
    qlvb = graph.fetch_nodes(["system:tinh-15.qlvb"])["system:tinh-15.qlvb"].props
    content = {key: value for key, value in qlvb.items() if key not in PROVENANCE_FIELDS}
    retire = [Parsed(Location("sua.yaml", 1), parse_record({"type": "System", **content, "status": "retired"}))]
    assert Loader(graph, clock=lambda: datetime(2026, 2, 1, tzinfo=UTC)).load_items(lambda: retire).ok
    (query,) = GUIDE_AS_OF
    then = api.data(query)["entity"]
    assert then == {"name": qlvb["name"], "revision": qlvb["revision"], "updatedAt": "2026-01-05T00:00:00+00:00",
                    "status": "operational"}
    assert api.data(query.replace("2026-01-31", "2026-02-02"))["entity"]["status"] == "retired"
