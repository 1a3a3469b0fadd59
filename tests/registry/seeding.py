"""Seeding a test's store with native records, through the loader (so with history and revisions), as an
operator's import would."""

from __future__ import annotations

from typing import Any

from graph_model import parse_record
from importers import Location, Parsed
from registry.graph import RegistryGraph
from registry.loading import Loader


def seed(graph: RegistryGraph, records: list[dict[str, Any]]) -> RegistryGraph:
    """Load `records` (raw native records) and return the graph; every one must load."""
    where = Location("seed")
    report = Loader(graph).load_items(lambda: [Parsed(where, parse_record(raw)) for raw in records])
    assert report.ok, report.rejects
    return graph
