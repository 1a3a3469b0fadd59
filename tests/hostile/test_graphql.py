"""Over-deep, over-wide and oversized GraphQL requests: each refused with a clear error before the store is asked
for anything (or, for page sizes, before the page is read), in bounded time. What tests/registry/api/
test_protection.py covers (depth, aliases, tokens) is not repeated here."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.api import create_app
from registry.api.limits import MAX_BODY_BYTES, MAX_DEPTH, MAX_FIRST, MAX_SEARCH_WORDS, MAX_TOKENS
from registry.graph import RegistryGraph
from tests.registry.api.conftest import CountingStore


class Client:
    def __init__(self, client: TestClient, store: CountingStore) -> None:
        self.client = client
        self.store = store

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        """The error messages of a refused query, after checking it was refused quickly and read nothing."""
        self.store.reads.clear()
        started = time.perf_counter()
        response = self.client.post("/graphql", json={"query": query, "variables": variables or {}})
        assert time.perf_counter() - started < 2
        assert response.status_code == 200, response.text
        body = response.json()
        assert body.get("errors") and not body.get("data"), body
        assert self.store.reads == []
        return [error["message"] for error in body["errors"]]


@pytest.fixture
def client(graph: RegistryGraph) -> Iterator[Client]:
    counting = CountingStore(graph.store)
    with TestClient(create_app(store=counting)) as test_client:
        counting.forget()  # the app's start-up (schema, search-text back-fill) reads; no request has yet
        yield Client(test_client, counting)


def test_a_10_mb_body_is_refused_by_its_length_before_it_is_read(client):
    query = "{ systems { totalCount } }" + " " * (10 << 20)  # whitespace: few tokens, many bytes
    response = client.client.post("/graphql", json={"query": query})
    assert response.status_code == 413
    assert "too large" in response.text.lower()
    assert client.store.reads == []


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(client):
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ systems { totalCount } }'
        for _ in range(20):
            yield b" " * (1 << 20)
        yield b'"}'

    response = client.client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "too large" in response.text.lower()


def test_a_body_just_under_the_limit_is_served(client):
    query = "{ systems { totalCount } }"
    padding = " " * (MAX_BODY_BYTES - len(query) - 100)
    response = client.client.post("/graphql", json={"query": query + padding})
    assert response.status_code == 200 and response.json()["data"] == {"systems": {"totalCount": 0}}


def test_the_rest_api_has_the_same_body_limit(client):
    response = client.client.post("/api/entities/system:x", content=b"x" * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413


@pytest.mark.parametrize("query", ["{ systems { totalCount } }", "query ($x: JSON) { systems { totalCount } }"])
def test_variables_nested_past_the_recursion_limit_are_a_client_error(client, query):
    body = '{"query": "%s", "variables": {"x": %s}}' % (query, "[" * 100_000 + "]" * 100_000)
    response = client.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"message": "the request is nested too deeply to read"}]


def test_a_fragment_cycle_is_refused(client):
    errors = client.errors("fragment A on Query { ...B } fragment B on Query { ...A } { ...A }")
    assert any("Cannot spread fragment 'A' within itself" in message for message in errors), errors


def test_fragments_nested_past_the_depth_limit_are_refused(client):
    """Each fragment adds two hops; the depth is counted through the spreads."""
    fragments = "".join(f"fragment F{n} on System {{ owner {{ owns {{ nodes {{ ...F{n + 1} }} }} }} }} "
                        for n in range(MAX_DEPTH))
    query = f"{{ systems {{ edges {{ node {{ ...F0 }} }} }} }} {fragments} fragment F{MAX_DEPTH} on System {{ id }}"
    errors = client.errors(query)
    assert any("exceeds maximum operation depth" in message for message in errors), errors


def test_a_fragment_spread_many_times_is_bounded_by_the_token_limit(client):
    spreads = " ".join("...F" for _ in range(MAX_TOKENS))
    errors = client.errors(f"{{ systems {{ edges {{ node {{ {spreads} }} }} }} }} fragment F on System {{ id }}")
    assert any("more than 2000 tokens" in message for message in errors), errors


def test_introspection_nested_past_its_depth_is_refused(client):
    """`fields { type { fields { type … } } }` multiplies the answer by the field count at each level."""
    inner = "name"
    for _ in range(4):
        inner = f"name fields {{ type {{ {inner} }} }}"
    errors = client.errors(f"{{ __schema {{ types {{ {inner} }} }} }}")
    assert errors == ["Maximum introspection depth exceeded"]


def test_introspection_repeated_under_aliases_is_refused(client):
    aliases = " ".join(f"s{n}: __schema {{ types {{ name }} }}" for n in range(20))
    errors = client.errors(f"{{ {aliases} }}")
    assert any("aliases found" in message for message in errors), errors


def test_many_directives_are_bounded_by_the_token_limit(client):
    errors = client.errors("{ systems " + "@include(if: true) " * 1000 + "{ totalCount } }")
    assert any("tokens" in message for message in errors), errors


@pytest.mark.parametrize("first", [MAX_FIRST + 1, 10**9, -1])
def test_a_page_size_outside_the_limit_is_refused_not_cut(client, first):
    errors = client.errors("query ($n: Int!) { systems(first: $n) { totalCount } }", {"n": first})
    assert errors == [f"first must be between 0 and {MAX_FIRST}, not {first}"]


def test_a_page_size_on_a_relationship_field_is_limited_too(client, graph):
    from graph_model import parse_record
    from importers import Location, Parsed
    from registry.loading import Loader

    agency = parse_record({"type": "Agency", "id": "agency:a", "name": "Sở A", "level": "unit"})
    assert Loader(graph).load_items(lambda: [Parsed(Location("test"), agency)]).ok
    response = client.client.post("/graphql", json={
        "query": "{ agencies { edges { node { owns(first: %d) { totalCount } } } } }" % (MAX_FIRST + 1)})
    messages = [error["message"] for error in response.json()["errors"]]
    assert messages == [f"first must be between 0 and {MAX_FIRST}, not {MAX_FIRST + 1}"]


def test_a_search_of_too_many_words_is_refused(client):
    words = " ".join(f"w{n}" for n in range(MAX_SEARCH_WORDS + 1))
    errors = client.errors("query ($t: String!) { systems(filter: {search: $t}) { totalCount } }", {"t": words})
    assert errors == [f"search takes at most {MAX_SEARCH_WORDS} words"]
