"""The audit trail of the API, on both stores: every refused credential (a token the registry never issued, a
malformed Authorization header, no token where reads require one) is one WARNING on `registry.audit` naming the
method, path, client and reason, and the token is in no log record and no answer; every write an agency token
may not make (link, unlink, retire) is one WARNING naming the action and its target."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.api import create_app
from registry.api.tokens import create_token
from registry.graph import RegistryGraph
from registry.settings import RegistrySettings
from tests.registry.seeding import seed

AUDIT = "registry.audit"
SEED = [
    {"type": "Agency", "id": "agency:tinh-a", "name": "UBND tỉnh A", "level": "province"},
    {"type": "Agency", "id": "agency:tinh-b", "name": "UBND tỉnh B", "level": "province"},
    {"type": "System", "id": "system:a.mot-cua", "name": "Hệ thống một cửa tỉnh A"},
    {"type": "System", "id": "system:b.mot-cua", "name": "Hệ thống một cửa tỉnh B"},
    {"type": "OWNS", "from": "agency:tinh-a", "to": "system:a.mot-cua"},
    {"type": "OWNS", "from": "agency:tinh-b", "to": "system:b.mot-cua"},
    {"type": "CONNECTS_TO", "from": "system:b.mot-cua", "to": "system:a.mot-cua"},
]
UPSERT = """mutation ($input: EntityInput!) {
  upsertEntity(input: $input) { entity { id } errors { field message } } }"""
LINK = """mutation ($type: String!, $from: String!, $to: String!, $rev: Int!) {
  link(type: $type, from: $from, to: $to, expectedRevision: $rev) { ok errors { field message } } }"""
UNLINK = """mutation ($type: String!, $from: String!, $to: String!, $rev: Int!) {
  unlink(type: $type, from: $from, to: $to, expectedRevision: $rev) { ok errors { field message } } }"""
RETIRE = """mutation ($id: ID!, $rev: Int!) {
  retireEntity(id: $id, expectedRevision: $rev) { entity { id } errors { field message } } }"""
ENTITY = "query ($id: ID!) { entity(id: $id) { id revision ... on System { status } } }"
NEW_SYSTEM = {"input": {"type": "System", "fields": {"id": "system:a.gia-mao", "name": "Giả mạo",
                                                     "owner": "agency:tinh-a"}}}


@pytest.fixture
def seeded(graph: RegistryGraph) -> RegistryGraph:
    return seed(graph, SEED)


@pytest.fixture
def tokens(seeded: RegistryGraph) -> dict[str, str]:
    return {"admin": create_token(seeded.store, "admin", name="quan-tri")[0],
            "tinh-a": create_token(seeded.store, "agency", agency="agency:tinh-a", name="tinh-a")[0]}


@pytest.fixture
def client(seeded: RegistryGraph) -> Iterator[TestClient]:
    with TestClient(create_app(store=seeded.store)) as test_client:
        yield test_client


def graphql(client: TestClient, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers or {})


def audit_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == AUDIT and record.levelno == logging.WARNING]


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record of every logger at every level, as formatted, as a message and with its raw arguments."""
    return "\n".join([caplog.text] + [f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
                                      for record in caplog.records])


def revision(client: TestClient, entity_id: str) -> int:
    return graphql(client, ENTITY, {"id": entity_id}).json()["data"]["entity"]["revision"]


def test_a_forged_token_on_a_mutation_is_401_and_one_audit_warning_that_never_holds_it(client, seeded, caplog):
    forged = secrets.token_urlsafe(32)  # shaped like a real token; never issued
    before = seeded.stats().as_dict()
    with caplog.at_level(logging.DEBUG):  # all loggers, all levels (the drivers' debug output too)
        response = graphql(client, UPSERT, NEW_SYSTEM, {"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "unknown API token"}
    (warning,) = audit_warnings(caplog)
    assert warning == "refused credentials for POST /graphql from testclient: unknown API token " \
                      "(not one this registry issued)"
    assert forged not in everything_logged(caplog) and forged not in response.text
    assert forged[:8] not in everything_logged(caplog)  # not even a prefix
    assert seeded.stats().as_dict() == before


def test_a_forged_token_on_rest_and_a_malformed_header_are_each_one_audit_warning(client, caplog):
    forged = secrets.token_urlsafe(32)
    with caplog.at_level(logging.DEBUG):
        rest = client.get("/api/entities/system:a.mot-cua", headers={"Authorization": f"Bearer {forged}"})
        basic = graphql(client, UPSERT, NEW_SYSTEM, {"Authorization": f"Basic {forged}"})
        empty = graphql(client, UPSERT, NEW_SYSTEM, {"Authorization": "Bearer   "})
        bare = graphql(client, UPSERT, NEW_SYSTEM, {"Authorization": forged})
    assert [answer.status_code for answer in (rest, basic, empty, bare)] == [401, 401, 401, 401]
    warnings = audit_warnings(caplog)
    assert warnings[0] == "refused credentials for GET /api/entities/system:a.mot-cua from testclient: " \
                          "unknown API token (not one this registry issued)"
    assert warnings[1:] == [("refused credentials for POST /graphql from testclient: malformed Authorization "
                             "header (expected 'Bearer <token>')")] * 3
    shown = everything_logged(caplog) + "".join(answer.text for answer in (rest, basic, empty, bare))
    assert forged not in shown and forged[:8] not in shown


def test_no_token_where_reads_require_one_is_one_audit_warning(seeded, tokens, caplog):
    with TestClient(create_app(RegistrySettings(reads_require_token=True), store=seeded.store)) as client, \
            caplog.at_level(logging.WARNING, logger=AUDIT):
        rest = client.get("/api/entities/system:a.mot-cua")
        query = graphql(client, ENTITY, {"id": "system:a.mot-cua"})
        allowed = client.get("/api/entities/system:a.mot-cua", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert (rest.status_code, query.status_code, allowed.status_code) == (401, 401, 200)
    assert audit_warnings(caplog) == [
        ("refused credentials for GET /api/entities/system:a.mot-cua from testclient: no API token, and reads "
         "require one"),
        "refused credentials for POST /graphql from testclient: no API token, and reads require one"]


def test_a_valid_token_or_none_on_a_public_read_logs_no_refusal(client, tokens, caplog):
    with caplog.at_level(logging.WARNING, logger=AUDIT):
        public = graphql(client, ENTITY, {"id": "system:a.mot-cua"})
        with_token = graphql(client, ENTITY, {"id": "system:a.mot-cua"},
                             {"Authorization": f"Bearer {tokens['tinh-a']}"})
    assert public.status_code == with_token.status_code == 200
    assert public.json()["data"]["entity"]["id"] == "system:a.mot-cua"
    assert audit_warnings(caplog) == []


DENIED = {
    "link": (LINK, {"type": "CONNECTS_TO", "from": "system:b.mot-cua", "to": "system:a.mot-cua"},
             "denied link of system:b.mot-cua -CONNECTS_TO-> system:a.mot-cua to token "),
    "unlink": (UNLINK, {"type": "CONNECTS_TO", "from": "system:b.mot-cua", "to": "system:a.mot-cua"},
               "denied unlink of system:b.mot-cua -CONNECTS_TO-> system:a.mot-cua to token "),
    "retireEntity": (RETIRE, {"id": "system:b.mot-cua"}, "denied retireEntity of System system:b.mot-cua to token "),
}


@pytest.mark.parametrize("action", list(DENIED))
def test_a_denied_write_on_another_agencys_entity_is_one_audit_warning_naming_action_and_target(
        action, client, tokens, seeded, caplog):
    query, variables, start = DENIED[action]
    current = revision(client, "system:b.mot-cua")
    before = seeded.stats().as_dict()
    with caplog.at_level(logging.DEBUG):
        response = graphql(client, query, {**variables, "rev": current}, {"Authorization": f"Bearer {tokens['tinh-a']}"})
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == ("forbidden: 'system:b.mot-cua' is not owned by 'agency:tinh-a' or an "
                                            "agency under it" if action != "retireEntity" else
                                            "forbidden: 'system:b.mot-cua' is owned by agency:tinh-b, not by "
                                            "'agency:tinh-a' or an agency under it")
    (warning,) = audit_warnings(caplog)
    assert warning.startswith(start) and "(tinh-a, scope agency, agency agency:tinh-a)" in warning
    assert warning.endswith(body["errors"][0]["message"].removeprefix("forbidden: "))
    assert tokens["tinh-a"] not in everything_logged(caplog) and tokens["tinh-a"] not in response.text
    # nothing was written: the relationship is still there, the system neither retired nor at a new revision
    assert seeded.stats().as_dict() == before
    assert seeded.fetch_relationships("CONNECTS_TO", [("system:b.mot-cua", "system:a.mot-cua")])
    after = graphql(client, ENTITY, {"id": "system:b.mot-cua"}).json()["data"]["entity"]
    assert after == {"id": "system:b.mot-cua", "revision": current, "status": "operational"}
