"""Backup and restore, on both stores: the JSON Lines export holds the entities, relationships, revisions, the
whole history, the import runs and the API tokens (hashes only); importing it into an empty store gives back exactly
that registry, without writing history for the restore itself — export(import(export(A))) is export(A), byte for
byte, plus one import run: the restore's own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph_model import parse_record
from graph_model.ledger import LEDGER_TYPES
from importers import Location, Parsed, expand_paths
from registry.api.tokens import create_token, find_token, token_hash
from registry.graph import RegistryGraph
from registry.history import entity_history
from registry.loading import Loader
from tests.conftest import REPO
from tests.registry.exports import export_text

SAMPLE = [REPO / "data" / "sample", REPO / "data" / "province"]


export = export_text


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


def by_type(text: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for line in text.splitlines():
        record = json.loads(line)
        grouped.setdefault(record["type"], []).append(record)
    return grouped


def test_an_export_restored_into_an_empty_store_exports_the_same_bytes_plus_the_restore_run(graph, tmp_path: Path):
    a_registry_with_a_history(graph)
    token, issued = create_token(graph.store, "agency", agency="agency:tinh-15", name="Sở TT&TT Lào Cai")
    first = export(graph)
    records = by_type(first)
    history, runs, tokens = records["Change"], records["ImportRun"], records["ApiToken"]
    assert len(history) == changes(graph) and {"create", "link", "retire", "unlink"} <= {
        record["action"] for record in history}
    assert all("revision" in record for kind, group in records.items() if kind not in LEDGER_TYPES
               for record in group if "id" in record)
    assert len(runs) == 2 and {run["status"] for run in runs} == {"completed"}
    assert {change["import_run"] for change in history if "import_run" in change} <= {run["id"] for run in runs}
    assert [(t["id"], t["scope"], t["agency"], t["hash"]) for t in tokens] == [
        (issued.id, "agency", "agency:tinh-15", token_hash(token))]
    assert token not in first  # only its hash
    backup = tmp_path / "registry.jsonl"
    backup.write_text(first, encoding="utf-8")

    graph.store.delete_all()
    restored = Loader(graph, user="khoi-phuc").load_files([backup])
    assert restored.ok, restored.rejects[:3]
    assert (restored.counts["history"]["created"], restored.counts["import_runs"]["created"],
            restored.counts["tokens"]["created"]) == (len(history), 2, 1)
    assert changes(graph) == len(history)  # the restore wrote no history of its own
    second = export(graph)
    assert export(graph, restored.run_id) == first
    assert by_type(second)["ImportRun"][-1]["id"] == restored.run_id  # the newest run: the restore, recorded
    retired = entity_history(graph.store, "system:tinh-15.qlvb")[0]
    assert (retired.action, retired.by, retired.changes["status"]["after"]) == ("retire", "can-bo", "retired")
    assert find_token(graph.store, token) == issued  # the restored token still opens the API

    again = Loader(graph, user="khoi-phuc").load_files([backup])  # a restore run twice changes nothing
    assert again.ok and dict(again.counts["history"]) == {"unchanged": len(history)}
    assert dict(again.counts["import_runs"]) == {"unchanged": 2} and dict(again.counts["tokens"]) == {"unchanged": 1}
    assert dict(again.counts["nodes"]) == {"unchanged": restored.counts["nodes"]["created"]}
    assert export(graph, again.run_id, restored.run_id) == first


def test_an_export_without_tokens_leaves_only_the_tokens_out(graph):
    a_registry_with_a_history(graph)
    create_token(graph.store, "admin", name="quản trị")
    shared = export(graph, tokens=False)
    assert "ApiToken" not in by_type(shared)
    assert shared == "".join(line + "\n" for line in export(graph).splitlines()
                             if not line.startswith('{"type":"ApiToken"'))


def test_a_broken_history_record_is_a_reject_naming_its_line_and_field(graph, tmp_path: Path):
    backup = tmp_path / "hong.jsonl"
    lines: list[dict[str, Any]] = [
        {"type": "Agency", "id": "agency:a", "name": "Cơ quan A", "level": "province", "revision": 1},
        {"type": "Change", "id": "change:1", "at": "2026-01-01T00:00:00Z", "by": "x", "source": "run:1",
         "action": "create", "entity": "agency:a", "revision": "một"},
        {"type": "Agency", "id": "agency:b", "name": "Cơ quan B", "level": "province", "revision": 0},
        {"type": "ApiToken", "id": "token:1", "name": "t", "scope": "admin", "created_at": "2026-01-01T00:00:00Z",
         "hash": "bí mật"},
        {"type": "ImportRun", "id": "run:1", "status": "completed", "user": "x", "started_at": "2026-01-01T00:00:00Z",
         "owner": "agency:a"},
        {"type": "ApiToken", "id": "token:2", "name": "t", "scope": "agency", "created_at": "2026-01-01T00:00:00Z",
         "hash": "0" * 64},
    ]
    backup.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    report = Loader(graph).load_files([backup])
    assert [(reject.location.line, reject.field, reject.record_type) for reject in report.rejects] == [
        (2, "revision", "Change"), (3, "revision", "Agency"), (4, "hash", "ApiToken"), (5, "record", "ImportRun"),
        (6, "record", "ApiToken")]
    assert "unknown field 'owner'" in report.rejects[3].reason
    assert "needs an agency id" in report.rejects[4].reason
    assert graph.fetch_nodes(["agency:a"])["agency:a"].props["revision"] == 1  # restored as it was


def test_an_import_with_a_token_restores_nothing_as_it_was(graph, tmp_path: Path):
    """History is evidence: a token's import (here one that may write everything) records its own changes and
    refuses history, import runs and tokens, whatever revision or provenance its records claim."""
    backup = tmp_path / "gia.jsonl"
    lines: list[dict[str, Any]] = [
        {"type": "Agency", "id": "agency:a", "name": "Cơ quan A", "level": "province", "revision": 7,
         "import_run": "run:gia", "source": "gia.yaml"},
        {"type": "Change", "id": "change:gia", "at": "2020-01-01T00:00:00Z", "by": "ai-do", "source": "run:gia",
         "action": "create", "entity": "agency:a", "revision": 7},
        {"type": "ApiToken", "id": "token:gia", "name": "tự cấp", "scope": "admin",
         "created_at": "2020-01-01T00:00:00Z", "hash": token_hash("do-toi-tu-dat")},
        {"type": "ImportRun", "id": "run:gia", "status": "completed", "user": "ai-do",
         "started_at": "2020-01-01T00:00:00Z"},
    ]
    backup.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    report = Loader(graph, user="api:tinh-a", authorise=lambda batch: []).load_files([backup])
    assert sorted((reject.location.line, reject.field) for reject in report.rejects) == [
        (2, "type"), (3, "type"), (4, "type")]
    assert find_token(graph.store, "do-toi-tu-dat") is None  # no token can grant itself a new token
    assert graph.store.read("MATCH (r:ImportRun {id: 'run:gia'}) RETURN r.id AS id") == []
    assert graph.fetch_nodes(["agency:a"])["agency:a"].props["revision"] == 1
    assert [(change.action, change.by) for change in entity_history(graph.store, "agency:a")] == [
        ("create", "api:tinh-a")]
