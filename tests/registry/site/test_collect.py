"""The site reads the registry once, in bulk, and scores every agency as `registry analyze --agency` does."""

from __future__ import annotations

from typing import Any

from registry.analysis import compliance_score
from registry.graph import RegistryGraph
from registry.site.collect import collect

from .conftest import TODAY


class CountingStore:
    """Counts the store's reads, to show the site does not query per page."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.reads = 0

    def read(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        self.reads += 1
        return self.store.read(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_the_snapshot_holds_every_entity_and_relationship(sample_graph, sample_data):
    stats = sample_graph.stats()
    assert len(sample_data.snapshot.entities) == stats.node_total
    assert sum(len(edges) for edges in sample_data.snapshot.outgoing.values()) == stats.relationship_total


def test_the_whole_site_costs_a_few_bulk_reads(sample_store):
    counting = CountingStore(sample_store)
    data = collect(RegistryGraph(counting), today=TODAY)  # type: ignore[arg-type]
    # nodes and relationships by pages of 1,000, then the rules: not one read per entity or per page
    assert counting.reads < 40 < len(data.snapshot.entities)


def test_compliance_scores_equal_those_of_registry_analyze(sample_graph, sample_data):
    for agency in ("agency:tinh-15", "agency:tinh-52", "agency:tinh-15.so-yt", "agency:000.00.00.G01",
                   "agency:chinh-phu", "agency:tinh-15.phuong-sa-pa"):
        expected = compliance_score(sample_graph, agency, rules=sample_data.rules, findings=sample_data.findings)
        assert sample_data.scores[agency].as_dict() == expected.as_dict(), agency


def test_a_province_with_planted_gaps_scores_below_a_clean_one(sample_data):
    assert sample_data.scores["agency:tinh-52"].score < 1.0  # Gia Lai: portal still open, one-stop-shop unlinked
    assert sample_data.scores["agency:tinh-04"].score == 1.0


class GenericStore:
    """The store without its dialect: the site reads it with `iter_nodes`/`iter_relationships` (keyset pages)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def read(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        return self.store.read(query, params)


def _typed(value: Any) -> Any:
    return (type(value).__name__, [_typed(item) for item in value] if isinstance(value, list) else value)


def test_the_embedded_store_is_read_in_bulk_exactly_as_page_by_page(sample_store, sample_data):
    """The FalkorDB read (ranges of internal ids, JSON texts; a range whose JSON FalkorDB writes wrongly — a quote
    in a description — read again typed) gives the very snapshot the generic keyset read gives, types included."""
    generic = collect(RegistryGraph(GenericStore(sample_store)), today=TODAY).snapshot  # type: ignore[arg-type]
    bulk = sample_data.snapshot
    assert list(bulk.entities) == list(generic.entities)
    for entity_id, entity in generic.entities.items():
        assert bulk.entities[entity_id].type == entity.type
        assert {key: _typed(value) for key, value in bulk.entities[entity_id].props.items()} == \
               {key: _typed(value) for key, value in entity.props.items()}, entity_id
    assert dict(bulk.outgoing) == dict(generic.outgoing) and dict(bulk.incoming) == dict(generic.incoming)
    assert any('"' in str(entity.props.get("description", "")) for entity in bulk.entities.values())
