"""Writing the registry through GraphQL with API tokens, on both stores: who may write what, and that every write
is validated and checked like an import."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.api import create_app
from registry.api.tokens import create_token, find_token, token_hash
from registry.graph import RegistryGraph
from registry.settings import RegistrySettings
from registry.store.falkordb_server import FalkorDBServer
from tests.conftest import REPO
from tests.registry.seeding import seed
from tests.registry.test_cli import REGISTRY

GUIDE = REPO / "docs" / "graphql.md"

SEED = [
    {"type": "Agency", "id": "agency:bo", "name": "Bộ Nội vụ", "level": "ministry"},
    {"type": "Agency", "id": "agency:tinh-a", "name": "UBND tỉnh A", "level": "province"},
    {"type": "Agency", "id": "agency:tinh-a.so", "name": "Sở Nội vụ tỉnh A", "level": "unit"},
    {"type": "Agency", "id": "agency:tinh-b", "name": "UBND tỉnh B", "level": "province"},
    {"type": "System", "id": "system:a.mot-cua", "name": "Hệ thống một cửa tỉnh A"},
    {"type": "System", "id": "system:a.cu", "name": "Hệ thống cũ tỉnh A"},
    {"type": "System", "id": "system:b.mot-cua", "name": "Hệ thống một cửa tỉnh B"},
    {"type": "Dataset", "id": "dataset:a.ho-so", "name": "CSDL hồ sơ tỉnh A"},
    {"type": "PART_OF", "from": "agency:tinh-a.so", "to": "agency:tinh-a"},
    {"type": "OWNS", "from": "agency:tinh-a.so", "to": "system:a.mot-cua"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:a.cu"},
    {"type": "OWNS", "from": "agency:tinh-b", "to": "system:b.mot-cua"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "dataset:a.ho-so"},
    {"type": "MASTERS", "from": "system:a.mot-cua", "to": "dataset:a.ho-so"},
]

UPSERT = """
mutation ($input: EntityInput!, $expectedRevision: Int) {
  upsertEntity(input: $input, expectedRevision: $expectedRevision) {
    entity { __typename id name source } errors { field message } }
}"""
LINK = """
mutation ($type: String!, $from: String!, $to: String!, $properties: JSON, $expectedRevision: Int) {
  link(type: $type, from: $from, to: $to, properties: $properties, expectedRevision: $expectedRevision) {
    ok errors { field message } }
}"""
UNLINK = """
mutation ($type: String!, $from: String!, $to: String!, $expectedRevision: Int) {
  unlink(type: $type, from: $from, to: $to, expectedRevision: $expectedRevision) { ok errors { field message } }
}"""
RETIRE = """
mutation ($id: ID!, $expectedRevision: Int) { retireEntity(id: $id, expectedRevision: $expectedRevision) {
  entity { id ... on System { status } } errors { field message } } }"""
ENTITY = "query ($id: ID!) { entity(id: $id) { id name source revision ... on System { status owner { id } } } }"


class Client:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def call(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None,
             status: int = 200) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers=headers)
        assert response.status_code == status, response.text
        return response.json()

    def ok(self, query: str, variables: dict[str, Any], token: str, field: str) -> dict[str, Any]:
        body = self.call(query, variables, token)
        assert not body.get("errors"), body
        return body["data"][field]

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        return self.call(ENTITY, {"id": entity_id})["data"]["entity"]

    def based_on(self, entity_id: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A write's variables with the revision of `entity_id` it is based on, read just before (as a client
        does: read, change, write)."""
        entity = self.entity(entity_id)
        assert entity is not None, entity_id
        return {**variables, "expectedRevision": entity["revision"]}


@pytest.fixture
def seeded(graph: RegistryGraph) -> RegistryGraph:
    return seed(graph, SEED)


@pytest.fixture
def tokens(seeded: RegistryGraph) -> dict[str, str]:
    store = seeded.store
    return {
        "admin": create_token(store, "admin", name="quan-tri")[0],
        "tinh-a": create_token(store, "agency", agency="agency:tinh-a", name="tinh-a")[0],
        "so": create_token(store, "agency", agency="agency:tinh-a.so", name="so")[0],
        "reader": create_token(store, "read_only", name="doc")[0],
    }


@pytest.fixture
def client(seeded: RegistryGraph) -> Iterator[Client]:
    with TestClient(create_app(store=seeded.store)) as test_client:
        yield Client(test_client)


def system(entity_id: str, name: str, owner: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": entity_id, "name": name}
    if owner:
        fields["owner"] = owner
    return {"input": {"type": "System", "fields": fields}}


def test_the_store_keeps_the_tokens_hash_not_the_token(seeded):
    token, record = create_token(seeded.store, "agency", agency="agency:tinh-a", name="tinh-a")
    rows = seeded.store.read("MATCH (t:ApiToken) RETURN properties(t) AS props")
    assert len(rows) == 1
    props = rows[0]["props"]
    assert props["hash"] == token_hash(token) and token not in props.values()
    assert props["scope"] == "agency" and props["agency"] == "agency:tinh-a" and props["name"] == "tinh-a"
    assert find_token(seeded.store, token) == record
    assert find_token(seeded.store, token + "x") is None
    assert all(node.type != "?" for node in seeded.iter_nodes())  # outside the entity graph
    with pytest.raises(ValueError, match="no agency"):
        create_token(seeded.store, "agency", agency="agency:nowhere")


def test_an_admin_creates_an_entity_with_its_owner_and_api_provenance(client, tokens):
    result = client.ok(UPSERT, system("system:bo.moi", "Hệ thống mới", owner="agency:bo"), tokens["admin"],
                       "upsertEntity")
    assert result["errors"] == []
    assert result["entity"] == {"__typename": "System", "id": "system:bo.moi", "name": "Hệ thống mới",
                                "source": "api:quan-tri"}
    assert client.entity("system:bo.moi")["owner"] == {"id": "agency:bo"}


def test_an_agency_token_writes_inside_its_subtree_only(client, tokens, seeded, caplog):
    created = client.ok(UPSERT, system("system:a.so.moi", "Hệ thống của Sở", owner="agency:tinh-a.so"),
                        tokens["tinh-a"], "upsertEntity")
    assert created["errors"] == [] and client.entity("system:a.so.moi")["owner"] == {"id": "agency:tinh-a.so"}
    renamed = system("system:a.mot-cua", "Một cửa tỉnh A (mới)")
    updated = client.ok(UPSERT, client.based_on("system:a.mot-cua", renamed), tokens["tinh-a"], "upsertEntity")
    assert updated["errors"] == [] and updated["entity"]["name"] == "Một cửa tỉnh A (mới)"

    before = seeded.stats()
    with caplog.at_level(logging.WARNING, logger="registry.audit"):
        outside = client.call(UPSERT, system("system:b.moi", "Hệ thống B", owner="agency:tinh-b"), tokens["tinh-a"],
                              status=403)
        foreign = client.call(UPSERT, system("system:b.mot-cua", "Đổi tên"), tokens["tinh-a"], status=403)
        upward = client.call(UPSERT, system("system:a.cu", "Đổi tên"), tokens["so"], status=403)
    for body in (outside, foreign, upward):
        assert "forbidden" in body["errors"][0]["message"] and body["data"] is None
    assert "agency:tinh-b" in outside["errors"][0]["message"]
    assert seeded.stats().as_dict() == before.as_dict()
    assert client.entity("system:b.moi") is None
    assert client.entity("system:b.mot-cua")["name"] == "Hệ thống một cửa tỉnh B"
    denied = [record.getMessage() for record in caplog.records if record.name == "registry.audit"]
    assert len(denied) == 3 and all("denied" in line for line in denied)
    assert not any(token in line for line in denied for token in tokens.values())

    missing_owner = client.ok(UPSERT, system("system:a.khong-chu", "Không chủ"), tokens["tinh-a"], "upsertEntity")
    assert [error["field"] for error in missing_owner["errors"]] == ["owner"]
    assert client.entity("system:a.khong-chu") is None


def test_an_invalid_field_is_a_mutation_error_naming_it(client, tokens):
    result = client.ok(UPSERT, {"input": {"type": "System", "fields": {
        "id": "system:bo.x", "name": "X", "status": "exploded", "colour": "red"}}}, tokens["admin"], "upsertEntity")
    assert result["entity"] is None
    assert {error["field"] for error in result["errors"]} == {"status", "colour"}
    provenance = client.ok(UPSERT, {"input": {"type": "System", "fields": {
        "id": "system:bo.x", "name": "X", "source": "forged"}}}, tokens["admin"], "upsertEntity")
    assert [error["field"] for error in provenance["errors"]] == ["source"]
    assert client.entity("system:bo.x") is None


def test_a_second_master_is_refused_with_the_loaders_reason(client, tokens):
    result = client.ok(LINK, client.based_on("system:a.cu", {"type": "MASTERS", "from": "system:a.cu",
                                                             "to": "dataset:a.ho-so"}), tokens["tinh-a"], "link")
    assert result["ok"] is False
    (error,) = result["errors"]
    assert error["field"] == "to" and "already has MASTERS from 'system:a.mot-cua'" in error["message"]
    assert "at most 1 allowed" in error["message"]


def test_link_and_unlink(client, tokens, seeded):
    linked = client.ok(LINK, client.based_on("system:a.cu", {
        "type": "CONNECTS_TO", "from": "system:a.cu", "to": "system:b.mot-cua",
        "properties": {"description": "trục LGSP"}}), tokens["tinh-a"], "link")
    assert linked == {"ok": True, "errors": []}
    assert seeded.fetch_relationships("CONNECTS_TO", [("system:a.cu", "system:b.mot-cua")])
    # from an entity another agency owns: refused
    client.call(LINK, {"type": "CONNECTS_TO", "from": "system:b.mot-cua", "to": "system:a.cu"}, tokens["tinh-a"],
                status=403)
    client.call(UNLINK, {"type": "CONNECTS_TO", "from": "system:a.cu", "to": "system:b.mot-cua"}, tokens["so"],
                status=403)
    unlinked = client.ok(UNLINK, client.based_on("system:a.cu", {
        "type": "CONNECTS_TO", "from": "system:a.cu", "to": "system:b.mot-cua"}), tokens["tinh-a"], "unlink")
    assert unlinked == {"ok": True, "errors": []}
    assert not seeded.fetch_relationships("CONNECTS_TO", [("system:a.cu", "system:b.mot-cua")])
    again = client.ok(UNLINK, {"type": "CONNECTS_TO", "from": "system:a.cu", "to": "system:b.mot-cua"},
                      tokens["tinh-a"], "unlink")
    assert again["ok"] is False and again["errors"][0]["field"] == "to"
    unknown = client.ok(UNLINK, {"type": "LIKES", "from": "system:a.cu", "to": "system:b.mot-cua"},
                        tokens["admin"], "unlink")
    assert unknown["errors"][0]["field"] == "type"


def test_retire(client, tokens):
    retired = client.ok(RETIRE, client.based_on("system:a.mot-cua", {"id": "system:a.mot-cua"}), tokens["so"],
                        "retireEntity")
    assert retired == {"entity": {"id": "system:a.mot-cua", "status": "retired"}, "errors": []}
    no_status = client.ok(RETIRE, {"id": "dataset:a.ho-so"}, tokens["admin"], "retireEntity")
    assert no_status["entity"] is None and "Dataset has no status" in no_status["errors"][0]["message"]
    client.call(RETIRE, {"id": "system:b.mot-cua"}, tokens["tinh-a"], status=403)
    assert client.entity("system:b.mot-cua")["status"] == "operational"


def test_a_write_to_an_existing_entity_must_say_which_revision_it_is_based_on(client, tokens, seeded):
    """No lost update: an update, retirement, link or unlink without `expectedRevision` is refused and writes
    nothing, so no client overwrites a change it has not seen. Creating needs none."""
    changes = seeded.store.read("MATCH (c:Change) RETURN count(c) AS n")[0]["n"]
    writes = [
        (UPSERT, system("system:a.cu", "Đổi tên mà không đọc"), "upsertEntity", "system:a.cu"),
        (RETIRE, {"id": "system:a.cu"}, "retireEntity", "system:a.cu"),
        (LINK, {"type": "CONNECTS_TO", "from": "system:a.cu", "to": "system:a.mot-cua"}, "link", "system:a.cu"),
        (UNLINK, {"type": "MASTERS", "from": "system:a.mot-cua", "to": "dataset:a.ho-so"}, "unlink",
         "system:a.mot-cua"),
    ]
    for query, variables, field, written in writes:
        (error,) = client.ok(query, variables, tokens["admin"], field)["errors"]
        assert error["field"] == "expectedRevision" and error["message"].startswith("required:"), error
        assert f"{written!r} exists (at revision {client.entity(written)['revision']})" in error["message"]
    assert seeded.store.read("MATCH (c:Change) RETURN count(c) AS n")[0]["n"] == changes
    assert client.entity("system:a.cu")["name"] == "Hệ thống cũ tỉnh A"
    assert seeded.fetch_relationships("MASTERS", [("system:a.mot-cua", "dataset:a.ho-so")])
    created = client.ok(UPSERT, system("system:a.moi", "Mới", owner="agency:tinh-a"), tokens["admin"], "upsertEntity")
    assert created["errors"] == []


def test_read_only_or_no_token_may_not_write_and_unknown_tokens_are_401(client, tokens, seeded):
    before = seeded.stats().as_dict()
    for token in (tokens["reader"], None):
        body = client.call(UPSERT, system("system:bo.y", "Y", owner="agency:bo"), token, status=403)
        assert "forbidden" in body["errors"][0]["message"]
    assert "read-only" in client.call(RETIRE, {"id": "system:a.cu"}, tokens["reader"], status=403)[
        "errors"][0]["message"]
    assert seeded.stats().as_dict() == before
    client.call(ENTITY, {"id": "system:a.cu"}, "not-a-token", status=401)
    client.call(UPSERT, system("system:bo.y", "Y", owner="agency:bo"), "not-a-token", status=401)
    # reads stay public by default, and a read-only token reads
    assert client.call(ENTITY, {"id": "system:a.cu"}, tokens["reader"])["data"]["entity"]["id"] == "system:a.cu"


def test_reads_can_require_a_token(seeded, tokens):
    settings = RegistrySettings(reads_require_token=True)
    with TestClient(create_app(settings, store=seeded.store)) as test_client:
        client = Client(test_client)
        client.call(ENTITY, {"id": "system:a.cu"}, status=401)
        assert client.call(ENTITY, {"id": "system:a.cu"}, tokens["reader"])["data"]["entity"]["id"] == "system:a.cu"


def test_cypher_injection_in_a_name_is_stored_literally(client, tokens, seeded):
    name = "x'}) MATCH (n) DETACH DELETE n //\" ; DROP"
    result = client.ok(UPSERT, system("system:a.inject", name, owner="agency:tinh-a"), tokens["tinh-a"],
                       "upsertEntity")
    assert result["errors"] == [] and result["entity"]["name"] == name
    assert client.entity("system:a.inject")["name"] == name
    assert seeded.stats().nodes["Agency"] == 4


def test_the_token_command_prints_a_new_token_once(tmp_path, store_kind, request):
    env = {**os.environ, "REGISTRY_STORE": store_kind, "REGISTRY_DATA_DIR": str(tmp_path / "data")}
    if store_kind == "neo4j":
        request.getfixturevalue("neo4j_session_store").delete_all()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([REGISTRY, "token", "create", *args], check=False, capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=300)

    try:
        first, second = run("--admin", "--name", "ci"), run("--admin")
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        token = first.stdout.strip()
        assert len(token) >= 43 and token != second.stdout.strip() and token not in first.stderr
        assert "scope admin" in first.stderr
        for bad in (run(), run("--admin", "--read-only"), run("--agency", "agency:nowhere")):
            assert bad.returncode == 2 and not bad.stdout.strip()
    finally:
        if store_kind == "embedded":
            FalkorDBServer(tmp_path / "data").stop()


GUIDE_MUTATIONS = re.findall(r"```graphql mutation-example\n(.*?)```", GUIDE.read_text(encoding="utf-8"),
                             flags=re.DOTALL)


def test_the_guides_write_examples_run_as_written(sample_store):
    assert len(GUIDE_MUTATIONS) >= 2
    token, _ = create_token(sample_store, "admin", name="guide")
    with TestClient(create_app(store=sample_store)) as test_client:
        client = Client(test_client)
        for mutation in GUIDE_MUTATIONS:
            body = client.call(mutation, token=token)
            assert not body.get("errors"), body
            for payload in body["data"].values():
                assert payload["errors"] == [] and (payload.get("ok") or payload.get("entity")), body
