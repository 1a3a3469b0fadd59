"""The GraphStore contract: every test here runs on the embedded FalkorDB and on a real Neo4j server."""

import asyncio

import pytest

from graph_model import derive_schema
from graph_model.schema import SEARCH_PROPERTY
from registry.graph import RegistryGraph
from registry.store import GraphStore, StoreError

HOSTILE_TEXTS = [
    "Sở Thông tin và Truyền thông tỉnh Đắk Lắk",
    "O'Brien \"quoted\" \\ backslash",
    "line one\nline two\ttab",
    "x'}) MATCH (n) DETACH DELETE n //",
    '"}) CREATE (:Pwned) RETURN 1 //',
    "$rows ${id} `backtick` {curly}",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 中文 😀",
]


def test_values_travel_as_parameters_and_come_back_unchanged(store: GraphStore):
    store.apply_schema(derive_schema())
    rows = [{"id": f"system:t{index}", "name": text} for index, text in enumerate(HOSTILE_TEXTS)]
    store.write("UNWIND $rows AS row MERGE (n:Entity:System {id: row.id}) SET n.name = row.name", {"rows": rows})
    back = store.read("MATCH (n:Entity) RETURN n.id AS id, n.name AS name ORDER BY n.id")
    assert {row["id"]: row["name"] for row in back} == {row["id"]: row["name"] for row in rows}
    assert store.read("MATCH (n) RETURN count(n) AS count")[0]["count"] == len(rows)  # nothing injected


def test_scalar_list_and_map_values_round_trip(store: GraphStore):
    props = {"id": "dataset:x", "count": 9007199254740993, "flag": True, "tags": ["một", "hai"], "ratio": 0.25}
    store.write("CREATE (n:Entity:Dataset) SET n = $props", {"props": props})
    assert store.read("MATCH (n:Entity {id: $id}) RETURN properties(n) AS p", {"id": "dataset:x"})[0]["p"] == props


def test_a_read_of_an_empty_store_returns_no_rows(store: GraphStore):
    assert store.read("MATCH (n:Entity) RETURN n.id AS id") == []


def test_schema_is_idempotent(store: GraphStore):
    store.apply_schema(derive_schema())
    store.apply_schema(derive_schema())
    store.write("CREATE (:Entity:System {id: 'system:a'})")
    assert store.read("MATCH (n:System {id: 'system:a'}) RETURN n.id AS id") == [{"id": "system:a"}]


def test_an_id_is_one_node_however_often_it_is_upserted(store: GraphStore):
    graph = RegistryGraph(store)
    graph.ensure_schema()
    for name in ("Hệ thống A", "Hệ thống A (sửa)"):
        graph.upsert_nodes("System", [{"id": "system:a", "name": name}] * 3, batch_size=2)
    rows = store.read("MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, n.name AS name")
    assert len(rows) == 1 and sorted(rows[0]["labels"]) == ["Entity", "System"]
    assert rows[0]["name"] == "Hệ thống A (sửa)"


def test_batches_are_written_whole_and_counted(store: GraphStore):
    store.apply_schema(derive_schema())
    batches = [[{"id": f"api:{b}-{i}"} for i in range(250)] for b in range(4)]
    written = store.write_batches("UNWIND $rows AS row MERGE (n:Entity:Api {id: row.id})", iter(batches))
    assert written == 1000
    assert store.read("MATCH (n:Api) RETURN count(n) AS c")[0]["c"] == 1000
    store.write_batches("UNWIND $rows AS row MERGE (n:Entity:Api {id: row.id})", iter(batches))
    assert store.read("MATCH (n:Api) RETURN count(n) AS c")[0]["c"] == 1000  # MERGE: idempotent


def test_a_failing_query_is_a_store_error_and_writes_nothing(store: GraphStore):
    with pytest.raises(StoreError):  # the second row fails after the first was created: all or nothing
        store.write("UNWIND [1, 0] AS x CREATE (:Entity:System {id: 'system:' + toString(x), v: 1 / x})")
    assert store.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]


def test_delete_all_empties_the_store(store: GraphStore):
    store.write("CREATE (:Entity:Agency {id: 'agency:a'})-[:OWNS]->(:Entity:System {id: 'system:b'})")
    store.delete_all()
    assert store.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0


def test_describe_names_the_engine(store: GraphStore, store_kind: str):
    info = store.describe()
    assert info["store"] == store_kind and info["running"] is True and info["version"]


def _aread_then_aclose(store: GraphStore, queries: list[tuple[str, dict]]) -> list[list[dict]]:
    """Run async reads and close the async client in one event loop (the async clients belong to their loop)."""

    async def main() -> list[list[dict]]:
        try:
            return [await store.aread(query, params) for query, params in queries]
        finally:
            await store.aclose()

    return asyncio.run(main())


def test_aread_returns_the_rows_read_returns(store: GraphStore):
    store.apply_schema(derive_schema())
    rows = [{"id": f"system:t{index}", "name": text, "tags": [text, "một"], "n": index}
            for index, text in enumerate(HOSTILE_TEXTS)]
    store.write("UNWIND $rows AS row MERGE (n:Entity:System {id: row.id}) "
                "SET n.name = row.name, n.tags = row.tags, n.n = row.n", {"rows": rows})
    queries = [
        ("MATCH (n:Entity) RETURN n.id AS id, n.name AS name, properties(n) AS p, labels(n) AS labels ORDER BY n.id",
         {}),
        ("MATCH (n:Entity) WHERE n.name IN $names RETURN n.id AS id, n.name AS name ORDER BY n.id",
         {"names": HOSTILE_TEXTS[:4]}),
        ("MATCH (n:Entity {name: $name}) RETURN n.id AS id, {name: n.name, tags: n.tags} AS m", {"name": HOSTILE_TEXTS[0]}),
        ("MATCH (n:Entity) WHERE n.id = $id RETURN n.id AS id", {"id": "x'}) MATCH (n) DETACH DELETE n //"}),
        ("RETURN $text AS text, $list AS list", {"text": HOSTILE_TEXTS[3], "list": HOSTILE_TEXTS}),
    ]
    expected = [store.read(query, params) for query, params in queries]
    assert len(expected[0]) == len(rows) and expected[1] and expected[2] and expected[3] == []
    assert _aread_then_aclose(store, queries) == expected
    assert expected[0][0]["name"] == HOSTILE_TEXTS[0]  # Vietnamese text back unchanged
    assert store.read("MATCH (n) RETURN count(n) AS count")[0]["count"] == len(rows)  # nothing injected
    # a second event loop gets a fresh async client, and the sync side still works after aclose
    assert _aread_then_aclose(store, queries[:1]) == expected[:1]
    assert store.read(*queries[0]) == expected[0]


def test_an_invalid_aread_is_a_store_error(store: GraphStore):
    async def main() -> None:
        try:
            with pytest.raises(StoreError):
                await store.aread("MATCH (n RETURN n")
            with pytest.raises(StoreError):  # a runtime error, not only a syntax error
                await store.aread("UNWIND [1, 0] AS x RETURN 1 / x AS y")
            assert await store.aread("RETURN 1 AS ok") == [{"ok": 1}]  # the client survives the errors
        finally:
            await store.aclose()

    asyncio.run(main())


def _text_matches(store: GraphStore, label: str, words: list[str]) -> list[str]:
    clause, params = store.text_search(label, SEARCH_PROPERTY, words)
    return sorted(row["id"] for row in store.read(f"{clause} RETURN n.id AS id", params))


def test_the_full_text_index_finds_every_word_as_a_prefix_and_follows_renames(store: GraphStore):
    graph = RegistryGraph(store)
    graph.ensure_schema()
    graph.upsert_nodes("System", [
        {"id": "system:a", "name": "Hệ thống quản lý đất đai tỉnh Lào Cai"},
        {"id": "system:b", "name": "Cổng dịch vụ công", "name_en": "Public service portal"},
    ])
    assert _text_matches(store, "System", ["lao", "cai"]) == ["system:a"]
    assert _text_matches(store, "System", ["la", "ca", "d"]) == ["system:a"]
    assert _text_matches(store, "System", ["public", "port", "cong"]) == ["system:b"]
    assert _text_matches(store, "System", ["dat", "cong"]) == []
    assert _text_matches(store, "Dataset", ["lao"]) == []  # one index per node type
    graph.upsert_nodes("System", [{"id": "system:a", "name": "Hệ thống quản lý đê điều"}])
    assert _text_matches(store, "System", ["lao"]) == []
    assert _text_matches(store, "System", ["de", "dieu"]) == ["system:a"]
    assert "search_text" not in graph.fetch_nodes(["system:a"])["system:a"].props  # derived, not content


def test_nodes_stored_before_the_search_text_existed_are_back_filled(store: GraphStore):
    store.write("CREATE (:Entity:Dataset {id: 'dataset:x', name: 'Cơ sở dữ liệu Đất đai', name_en: 'Land'})")
    RegistryGraph(store).ensure_schema()
    assert _text_matches(store, "Dataset", ["dat", "dai"]) == ["dataset:x"]
    assert _text_matches(store, "Dataset", ["land"]) == ["dataset:x"]


def test_back_filling_ends_even_for_nodes_without_a_name(store: GraphStore):
    store.write("UNWIND range(1, 25) AS i CREATE (:Entity:Agency {id: 'agency:x' + toString(i)})")
    RegistryGraph(store)._backfill_search_text(batch=10)
    assert store.read("MATCH (n:Entity) WHERE n.search_text IS NULL RETURN count(n) AS left") == [{"left": 0}]
