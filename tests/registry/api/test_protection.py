"""Protection: oversized or over-deep documents are refused before any store work, and internal errors reach the
client masked while the client's own mistakes are named."""

from __future__ import annotations

from registry.api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS


def nested(levels: int) -> str:
    """A query `levels` relationship hops deep below a system (owner → owns.nodes → owner → …)."""
    body = "id"
    for level in reversed(range(levels)):  # built from the inside out; the outermost hop is `owner`
        body = f"owner {{ {body} }}" if level % 2 == 0 else f"owns {{ nodes {{ ... on System {{ {body} }} }} }}"
    return f"{{ systems {{ edges {{ node {{ {body} }} }} }} }}"


def test_a_query_deeper_than_the_limit_is_refused_before_touching_the_store(api):
    api.store.reads.clear()
    errors = api.errors(nested(MAX_DEPTH))
    assert any("exceeds maximum operation depth" in message for message in errors), errors
    assert api.store.reads == []


def test_a_query_within_the_depth_limit_runs(api):
    assert api.data(nested(3)) == {"systems": {"edges": []}}


def test_too_many_aliases_are_refused(api):
    aliases = " ".join(f"a{index}: systems {{ totalCount }}" for index in range(MAX_ALIASES + 1))
    errors = api.errors(f"{{ {aliases} }}")
    assert any("aliases" in message for message in errors), errors


def test_a_document_with_too_many_tokens_is_refused_while_parsing(api):
    api.store.reads.clear()
    fields = " ".join("id" for _ in range(MAX_TOKENS))
    errors = api.errors(f"{{ systems {{ edges {{ node {{ {fields} }} }} }} }}")
    assert any("tokens" in message for message in errors), errors
    assert api.store.reads == []


def test_internal_errors_are_masked(api, graph):
    # A node the metamodel would never accept (planted directly): reading it fails inside the server.
    graph.store.write("CREATE (:Entity:System {id: 'system:hong', name: 'Hỏng', status: 'broken'})")
    errors = api.errors('{ entity(id: "system:hong") { ... on System { status } } }')
    assert errors == ["Unexpected error."]


def test_values_travel_as_parameters_not_as_cypher(api, graph, fixtures_dir):
    from registry.loading import Loader

    Loader(graph).load_files([fixtures_dir / "native" / "valid.yaml"])
    hostile = "x' OR 1=1 //"
    data = api.data("query ($text: String!, $id: ID!) { systems(filter: {search: $text, agency: $id}) "
                    "{ totalCount } entity(id: $id) { id } }", {"text": hostile, "id": hostile})
    assert data == {"systems": {"totalCount": 0}, "entity": None}
