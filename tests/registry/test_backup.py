"""Backup and restore, on both stores: the JSON Lines export holds the entities, relationships, revisions and the
whole history; importing it into an empty store gives back exactly that registry, history included, without
writing history for the restore itself — export(import(export(A))) is export(A), byte for byte."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph_model import DEFAULT_PILLARS, parse_record
from importers import Location, Parsed, expand_paths
from registry.export import write_jsonl
from registry.graph import RegistryGraph
from registry.history import entity_history
from registry.loading import Loader
from tests.conftest import REPO

SAMPLE = [REPO / "data" / "sample", REPO / "data" / "province"]


def export(graph: RegistryGraph) -> str:
    buffer = io.StringIO()
    write_jsonl(graph, buffer, DEFAULT_PILLARS)
    return buffer.getvalue()


def changes(graph: RegistryGraph) -> int:
    return graph.store.read("MATCH (c:Change) RETURN count(c) AS total")[0]["total"]


def a_registry_with_a_history(graph: RegistryGraph) -> None:
    """The sample, then an update, a retirement and an unlink, each recorded."""
    assert Loader(graph, clock=lambda: datetime(2026, 1, 5, tzinfo=UTC)).load_files(expand_paths(SAMPLE)).ok
    system = graph.fetch_nodes(["system:tinh-15.qlvb"])["system:tinh-15.qlvb"]
    content = {key: value for key, value in system.props.items()
               if key not in ("source", "import_run", "created_at", "updated_at", "revision")}
    edited = [Parsed(Location("sua.yaml", 1), parse_record({"type": "System", **content, "status": "retired",
                                                            "description": "Đã thay bằng hệ thống mới"}))]
    assert Loader(graph, clock=lambda: datetime(2026, 2, 1, tzinfo=UTC), user="can-bo").load_items(lambda: edited).ok
    owns = graph.store.read("MATCH (a:Agency)-[:USES]->(s) RETURN a.id AS a, s.id AS s ORDER BY a, s LIMIT 1")[0]
    assert graph.delete_relationship("USES", owns["a"], owns["s"], None, {
        "id": "change:20260301T000000000000-abcdef12-0000001", "at": "2026-03-01T00:00:00Z", "by": "api:quan-tri",
        "source": "token:abc", "action": "unlink", "entity_id": owns["a"], "rel_type": "USES",
        "target_id": owns["s"], "changes_json": "{}"}) is not None


def test_an_export_restored_into_an_empty_store_exports_the_same_bytes_history_included(graph, tmp_path: Path):
    a_registry_with_a_history(graph)
    first = export(graph)
    records = [json.loads(line) for line in first.splitlines()]
    history = [record for record in records if record["type"] == "Change"]
    assert len(history) == changes(graph) and {"create", "link", "retire", "unlink"} <= {
        record["action"] for record in history}
    assert all("revision" in record for record in records if "id" in record and record["type"] != "Change")
    backup = tmp_path / "registry.jsonl"
    backup.write_text(first, encoding="utf-8")

    graph.store.delete_all()
    restored = Loader(graph, user="khoi-phuc").load_files([backup])
    assert restored.ok, restored.rejects[:3]
    assert restored.counts["history"]["created"] == len(history)
    assert changes(graph) == len(history)  # the restore wrote no history of its own
    assert export(graph) == first
    retired = entity_history(graph.store, "system:tinh-15.qlvb")[0]
    assert (retired.action, retired.by, retired.changes["status"]["after"]) == ("retire", "can-bo", "retired")

    again = Loader(graph, user="khoi-phuc").load_files([backup])  # a restore run twice changes nothing
    assert again.ok and dict(again.counts["history"]) == {"unchanged": len(history)}
    assert dict(again.counts["nodes"]) == {"unchanged": restored.counts["nodes"]["created"]}
    assert export(graph) == first


def test_a_broken_history_record_is_a_reject_naming_its_line_and_field(graph, tmp_path: Path):
    backup = tmp_path / "hong.jsonl"
    lines: list[dict[str, Any]] = [
        {"type": "Agency", "id": "agency:a", "name": "Cơ quan A", "level": "province", "revision": 1},
        {"type": "Change", "id": "change:1", "at": "2026-01-01T00:00:00Z", "by": "x", "source": "run:1",
         "action": "create", "entity": "agency:a", "revision": "một"},
        {"type": "Agency", "id": "agency:b", "name": "Cơ quan B", "level": "province", "revision": 0},
    ]
    backup.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    report = Loader(graph).load_files([backup])
    assert [(reject.location.line, reject.field, reject.record_type) for reject in report.rejects] == [
        (2, "revision", "Change"), (3, "revision", "Agency")]
    assert graph.fetch_nodes(["agency:a"])["agency:a"].props["revision"] == 1  # restored as it was


def test_an_import_with_a_token_restores_nothing_as_it_was(graph, tmp_path: Path):
    """History is evidence: a token's import (here one that may write everything) records its own changes and
    refuses history records, whatever revision or provenance its records claim."""
    backup = tmp_path / "gia.jsonl"
    lines: list[dict[str, Any]] = [
        {"type": "Agency", "id": "agency:a", "name": "Cơ quan A", "level": "province", "revision": 7,
         "import_run": "run:gia", "source": "gia.yaml"},
        {"type": "Change", "id": "change:gia", "at": "2020-01-01T00:00:00Z", "by": "ai-do", "source": "run:gia",
         "action": "create", "entity": "agency:a", "revision": 7},
    ]
    backup.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    report = Loader(graph, user="api:tinh-a", authorise=lambda batch: []).load_files([backup])
    assert [(reject.location.line, reject.field) for reject in report.rejects] == [(2, "type")]
    assert graph.fetch_nodes(["agency:a"])["agency:a"].props["revision"] == 1
    assert [(change.action, change.by) for change in entity_history(graph.store, "agency:a")] == [
        ("create", "api:tinh-a")]
