"""One province-scale registry per session, imported once per store: the specifications read it, none rewrites it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from importers import expand_paths
from registry.analysis import Finding, analyze
from registry.graph import RegistryGraph
from registry.loading import Loader, LoadReport
from registry.synthetic import generate
from tests.conftest import STORES, new_embedded_store

SEED = 20260115
TODAY = date(2026, 1, 15)


@pytest.fixture(scope="session")
def province_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "province"
    generate(folder, "province", SEED)
    return folder


@pytest.fixture(scope="module", params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Module-scoped here, so the province is imported once per store (the root conftest marks the Neo4j half)."""
    return request.param  # type: ignore[no-any-return]


@dataclass
class Loaded:
    graph: RegistryGraph
    report: LoadReport
    seconds: float
    findings: list[Finding]


@pytest.fixture(scope="module")
def loaded(store_kind: str, province_dir: Path, request: pytest.FixtureRequest) -> Iterator[Loaded]:
    if store_kind == "embedded":
        store = new_embedded_store(request.getfixturevalue("embedded_data_dir"))
    else:
        store = request.getfixturevalue("neo4j_session_store")
        store.delete_all()
    graph = RegistryGraph(store)
    graph.ensure_schema()
    started = time.monotonic()
    report = Loader(graph).load_files(expand_paths([province_dir]))
    seconds = time.monotonic() - started
    yield Loaded(graph, report, seconds, analyze(graph, today=TODAY))
    store.delete_all()
    if store_kind == "embedded":
        store.close()
