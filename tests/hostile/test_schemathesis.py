"""Generated requests (schemathesis) against the REST API's OpenAPI document and the GraphQL schema, on an
embedded store holding data/sample: no request makes the server fail (5xx) and every answer conforms to the
schema it was generated from. Bounded (a few dozen examples per operation) to stay well under 90 s."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import graphql
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import expand_paths
from registry.api import create_app
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.store import GraphStore
from tests.conftest import REPO, new_embedded_store

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


@pytest.fixture(scope="module")
def sample_store(embedded_data_dir) -> Iterator[GraphStore]:  # type: ignore[no-untyped-def]
    store = new_embedded_store(embedded_data_dir)
    graph = RegistryGraph(store)
    graph.ensure_schema()
    report = Loader(graph).load_files(expand_paths([REPO / "data" / "sample"]))
    assert report.ok, report.rejects[:5]
    yield store
    store.delete_all()
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


def exercise(operation: Any, **checks: Any) -> None:
    """Run one operation's generated cases: the server never fails and every answer fits the schema."""
    @BOUNDED
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call_and_validate(**checks)
        assert response.status_code < 500, case.as_curl_command()
        body = response.json() if response.headers.get("content-type", [""])[0].startswith("application/json") \
            else {}
        messages = [error.get("message") for error in body.get("errors") or []] if isinstance(body, dict) else []
        assert "Unexpected error." not in messages, case.as_curl_command()  # an internal error, masked

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
