"""Generated requests (schemathesis) against the REST API's OpenAPI document and the GraphQL schema, on each store
holding data/sample: no request makes the server fail (5xx) and every answer conforms to the schema it was
generated from. Without a token every mutation stops at the 403 check; a third run sends an admin token, with
strings drawn partly from the metamodel's type names and the sample's ids, so the write code itself is fuzzed.
Bounded (a few dozen examples per operation) to stay well under 90 s per store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import graphql
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.graphql import scalars

from graph_model import NODE_TYPES, RELATIONSHIP_TYPES
from importers import expand_paths
from registry.api import create_app
from registry.api.tokens import create_token
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.store import GraphStore
from tests.conftest import REPO, STORES, new_embedded_store


def _json_node(value: Any) -> Any:
    """A JSON value as a GraphQL literal (the `JSON` scalar of `upsertEntity`'s fields and `link`'s properties)."""
    if isinstance(value, dict):
        return graphql.ObjectValueNode(fields=tuple(
            graphql.ObjectFieldNode(name=graphql.NameNode(value=key), value=_json_node(item))
            for key, item in value.items()))
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(_json_node(item) for item in value))
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    if value is None:
        return graphql.NullValueNode()
    return graphql.StringValueNode(value=value)


FIELD_KEYS = st.sampled_from(["id", "name", "type", "owner", "description", "tags", "status", "x"])
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10, 10) | st.text(max_size=12),
                           lambda inner: st.lists(inner, max_size=3), max_leaves=5)
schemathesis.graphql.scalar("JSON", st.dictionaries(FIELD_KEYS, JSON_VALUES, max_size=4).map(_json_node))

BOUNDED = settings(max_examples=12, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                          HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Module-scoped: the sample is loaded once per store for the module's runs."""
    return request.param


@pytest.fixture(scope="module")
def sample_store(store_kind: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    if store_kind == "embedded":
        store: GraphStore = new_embedded_store(request.getfixturevalue("embedded_data_dir"))
    else:
        store = request.getfixturevalue("neo4j_session_store")
        store.delete_all()
    graph = RegistryGraph(store)
    graph.ensure_schema()
    report = Loader(graph).load_files(expand_paths([REPO / "data" / "sample"]))
    assert report.ok, report.rejects[:5]
    yield store
    store.delete_all()
    if store_kind == "embedded":
        store.close()


@pytest.fixture(scope="module")
def app(sample_store: GraphStore) -> Any:
    return create_app(store=sample_store)


@pytest.fixture(scope="module")
def rest_schema(app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def graphql_schema(app: Any) -> Any:
    return schemathesis.graphql.from_asgi("/graphql", app)


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def exercise(operation: Any, headers: dict[str, str] | None = None, seen: list[Any] | None = None,
             examples: Any = BOUNDED, **checks: Any) -> None:
    """Run one operation's generated cases: the server never fails and every answer fits the schema. With
    `seen`, each answer's JSON body is appended to it."""
    @examples
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, **checks)
        assert response.status_code < 500, case.as_curl_command()
        body = response.json() if response.headers.get("content-type", [""])[0].startswith("application/json") \
            else {}
        messages = [error.get("message") for error in body.get("errors") or []] if isinstance(body, dict) else []
        assert "Unexpected error." not in messages, case.as_curl_command()  # an internal error, masked
        if seen is not None:
            seen.append((response.status_code, body))

    run()


def test_the_rest_api_never_fails_and_answers_as_documented(rest_schema: Any) -> None:
    found = operations(rest_schema)
    assert [operation.label for operation in found] == ["GET /api/entities/{entity_id}", "GET /health"]
    for operation in found:
        exercise(operation)


def test_the_graphql_api_never_fails_and_answers_as_its_schema_says(graphql_schema: Any) -> None:
    found = operations(graphql_schema)
    assert "Query.entity" in {operation.label for operation in found}
    for operation in found:
        # A refused argument (`first: 413`) is a GraphQL field error with a path, which schemathesis counts as
        # a server error; what counts here is the status and the masked internal error, checked in `exercise`.
        exercise(operation, excluded_checks=[schemathesis.checks.not_a_server_error,
                                             schemathesis.checks.positive_data_acceptance])


# Strings and ids an admin's write may name: half of them the metamodel's types and the sample's ids (and one new id
# per type), half any text; half the JSON fields a plausible entity, half anything.
SAMPLE_IDS = ["agency:chinh-phu", "agency:000.00.00.G01", "system:tinh-01.mot-cua", "platform:tinh-01.lgsp",
              "platform:cong-dvc-quoc-gia", "api:dan-cu.tra-cuu", *(f"{label.lower()}:fuzz" for label in NODE_TYPES)]
WRITE_STRINGS = st.sampled_from([*NODE_TYPES, *RELATIONSHIP_TYPES, *SAMPLE_IDS]) | st.text(max_size=12)
WRITE_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10, 10) | st.text(max_size=12),
                            lambda inner: st.lists(inner, max_size=3), max_leaves=5)
WRITE_JSON = st.fixed_dictionaries(
    {"id": st.sampled_from(SAMPLE_IDS), "name": st.text(max_size=12)},
    optional={"owner": st.sampled_from(["agency:chinh-phu", "agency:000.00.00.G01", "system:tinh-01.mot-cua"]),
              "description": st.text(max_size=12), "status": st.sampled_from(["operational", "retired", "x"]),
              "level": st.sampled_from(["ministry", "province", "x"]), "protocol": st.text(max_size=12)}) | \
    st.dictionaries(FIELD_KEYS, WRITE_VALUES, max_size=4)
WRITES = settings(BOUNDED, max_examples=60)


def well_formed(status: int, body: Any) -> None:
    """A GraphQL answer: a JSON object with `data` (an object, or null beside errors) and/or a list of `errors`,
    each an object with a string message; a refused credential or body is FastAPI's `detail`."""
    assert isinstance(body, dict), body
    if "detail" in body:
        assert status in (400, 401, 413, 422) and isinstance(body["detail"], str | list), (status, body)
        return
    assert set(body) <= {"data", "errors", "extensions"} and body.keys() & {"data", "errors"}, body
    assert body.get("data") is None or isinstance(body["data"], dict), body
    errors = body.get("errors")
    assert errors is None or (isinstance(errors, list) and errors and all(
        isinstance(error, dict) and isinstance(error.get("message"), str) for error in errors)), body
    assert body.get("data") is not None or errors, body


def test_mutations_with_an_admin_token_never_fail_and_answer_well_formed_graphql(
        graphql_schema: Any, sample_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    token = create_token(sample_store, "admin", name="schemathesis")[0]
    # Strings and ids partly from the metamodel and the sample, so a write gets past "unknown type" to the checks
    # of its fields, ends, owner and revision (the three are restored after the test).
    monkeypatch.setitem(scalars.CUSTOM_SCALARS, "String", WRITE_STRINGS.map(lambda text: graphql.StringValueNode(
        value=text)))
    monkeypatch.setitem(scalars.CUSTOM_SCALARS, "ID", WRITE_STRINGS.map(lambda text: graphql.StringValueNode(
        value=text)))
    monkeypatch.setitem(scalars.CUSTOM_SCALARS, "JSON", WRITE_JSON.map(_json_node))
    found = [operation for operation in operations(graphql_schema) if operation.label.startswith("Mutation.")]
    assert sorted(operation.label for operation in found) == [
        "Mutation.link", "Mutation.retireEntity", "Mutation.unlink", "Mutation.upsertEntity"]
    seen: list[Any] = []
    for operation in found:
        exercise(operation, headers={"Authorization": f"Bearer {token}"}, seen=seen, examples=WRITES,
                 excluded_checks=[schemathesis.checks.not_a_server_error,
                                  schemathesis.checks.positive_data_acceptance])
    for status, body in seen:
        well_formed(status, body)
    # the token was taken: no answer is a refused credential or a refused write
    assert not [body for status, body in seen if status in (401, 403)]
    payloads = [payload for _, body in seen for payload in (body.get("data") or {}).values() if payload]
    assert payloads, seen[:5]  # mutations ran past the token check and answered with their payloads
