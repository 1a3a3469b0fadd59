"""Fixtures of the site specifications: the sample registry (data/sample + data/province, as `make demo` loads it)
in the embedded store, read once per module, and small hand-made snapshots for the page details."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from importers import expand_paths
from registry.analysis import load_rules
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.site.collect import Edge, Entity, SiteData, Snapshot, collect, compliance_scores
from registry.store import GraphStore
from tests.conftest import REPO, new_embedded_store

SAMPLE = [REPO / "data" / "sample", REPO / "data" / "province"]
TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def sample_store(embedded_data_dir) -> Iterator[GraphStore]:  # type: ignore[no-untyped-def]
    store = new_embedded_store(embedded_data_dir)
    graph = RegistryGraph(store)
    graph.ensure_schema()
    report = Loader(graph).load_files(expand_paths(SAMPLE))
    assert report.ok, report.rejects[:5]
    yield store
    store.delete_all()
    store.close()


@pytest.fixture(scope="module")
def sample_graph(sample_store: GraphStore) -> RegistryGraph:
    return RegistryGraph(sample_store)


@pytest.fixture(scope="module")
def sample_data(sample_graph: RegistryGraph) -> SiteData:
    return collect(sample_graph, today=TODAY)


def snapshot_of(nodes: list[dict[str, Any]], edges: list[tuple[str, str, str]]) -> Snapshot:
    """A snapshot from plain records: nodes as property maps with `type`, edges as (source, TYPE, target)."""
    snapshot = Snapshot()
    for node in nodes:
        props = {key: value for key, value in node.items() if key != "type"}
        snapshot.entities[props["id"]] = Entity(props["id"], node["type"], props)
    for source, rel_type, target in edges:
        snapshot.add_edge(Edge(rel_type, source, target, {}))
    return snapshot


def data_of(snapshot: Snapshot) -> SiteData:
    """Site data without findings (the page details need none)."""
    rules = load_rules()
    return SiteData(snapshot=snapshot, rules=rules, findings=[], scores=compliance_scores(snapshot, rules, []))
