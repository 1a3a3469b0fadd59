"""No N+1: relationship fields are batched per relationship type and direction, so the store round trips of a
request depend on the shape of the query, not on how many nodes it returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.loading import Loader

PAGE_WITH_NEIGHBOURS = """
query ($first: Int!) {
  systems(first: $first) {
    edges { node { id owner { id name } mastersDatasets { nodes { id } } } }
  }
}"""


@pytest.fixture
def many_systems(graph, tmp_path: Path) -> None:
    """120 systems under 6 agencies, each mastering its own dataset."""
    lines = [{"type": "Agency", "id": f"agency:a{index}", "name": f"Cơ quan {index}", "level": "ministry"}
             for index in range(6)]
    for index in range(120):
        lines += [
            {"type": "System", "id": f"system:s{index:03}", "name": f"Hệ thống {index}"},
            {"type": "Dataset", "id": f"dataset:d{index:03}", "name": f"Dữ liệu {index}"},
            {"type": "OWNS", "from": f"agency:a{index % 6}", "to": f"system:s{index:03}"},
            {"type": "MASTERS", "from": f"system:s{index:03}", "to": f"dataset:d{index:03}"},
        ]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    assert Loader(graph).load_files([path]).ok


@pytest.mark.parametrize("first", [100, 10])
def test_a_page_of_systems_with_owners_and_datasets_costs_three_reads(api, many_systems, first):
    api.store.reads.clear()
    edges = api.data(PAGE_WITH_NEIGHBOURS, {"first": first})["systems"]["edges"]
    assert len(edges) == first
    assert all(edge["node"]["owner"]["name"].startswith("Cơ quan") for edge in edges)
    assert all(len(edge["node"]["mastersDatasets"]["nodes"]) == 1 for edge in edges)
    # One for the page, one for every owner (OWNS incoming), one for every dataset (MASTERS outgoing).
    assert len(api.store.reads) == 3, api.store.reads
    assert api.store.sync_reads == []  # all of them awaited on the async read path, none on a worker thread


def test_nested_relationships_add_one_read_per_level_not_per_node(api, many_systems):
    api.store.reads.clear()
    data = api.data("{ systems(first: 100) { totalCount edges { node { owner { owns { nodes { id } } } } } } }")
    assert data["systems"]["totalCount"] == 120
    assert len(api.store.reads) == 4  # page, total, owners, what the owners own


def test_the_same_entity_asked_for_twice_is_read_once(api, many_systems):
    api.store.reads.clear()
    api.data('{ a: entity(id: "system:s001") { id } b: entity(id: "system:s001") { id }'
             ' c: entity(id: "system:s002") { id } }')
    assert len(api.store.reads) == 1
