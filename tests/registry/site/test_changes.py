"""An entity's page shows what changed after it was created: who, when, each field before and after."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.site.changes import read_changes
from registry.site.collect import collect
from registry.site.pages import scope_pages
from registry.site.scopes import ScopeMap, slug_for

from .conftest import TODAY

AGENCY = {"type": "Agency", "id": "agency:tinh-99", "name": "Tỉnh Thử", "level": "province"}
SYSTEM = {"type": "System", "id": "system:tinh-99.mot-cua", "name": "Một cửa tỉnh Thử", "kind": "one_stop_shop",
          "status": "operational"}
DATASET = {"type": "Dataset", "id": "dataset:tinh-99.hs", "name": "Hồ sơ thủ tục"}


def _load(graph: RegistryGraph, folder: Path, name: str, records: list[dict[str, Any]]) -> None:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    report = Loader(graph).load_files([path])
    assert report.ok, report.rejects


def _system_page(graph: RegistryGraph, lang: str = "vi") -> str:
    data = collect(graph, today=TODAY)
    scopes = ScopeMap(data.snapshot)
    pages = scope_pages(data, scopes, scopes.scope_of(SYSTEM["id"]), lang)  # type: ignore[arg-type]
    return next(page.content for page in pages if page.path == f"systems/{slug_for(SYSTEM['id'])}.md")


def test_a_page_lists_the_changes_after_creation_with_before_and_after(graph, tmp_path):
    owns = {"type": "OWNS", "from": AGENCY["id"], "to": SYSTEM["id"]}
    _load(graph, tmp_path, "v1", [AGENCY, SYSTEM, DATASET, owns,
                                  {"type": "MASTERS", "from": SYSTEM["id"], "to": DATASET["id"], "description": "đọc"}])
    assert "## Lịch sử thay đổi" not in _system_page(graph)  # creation is told by the provenance, not the log
    _load(graph, tmp_path, "v2", [{**SYSTEM, "name": "Một cửa điện tử tỉnh Thử", "status": "retired"}, owns,
                                  {"type": "MASTERS", "from": SYSTEM["id"], "to": DATASET["id"], "description": "ghi"}])
    page = _system_page(graph)
    log = page.split("## Lịch sử thay đổi")[1].split("## Nguồn gốc dữ liệu")[0]
    assert "Một cửa tỉnh Thử → Một cửa điện tử tỉnh Thử" in log
    assert "đọc → ghi" in log
    assert log.count("\n| 20") == 2  # two changes, each with its time
    english = _system_page(graph, "en").split("## Change log")[1]
    assert "Một cửa tỉnh Thử → Một cửa điện tử tỉnh Thử" in english


def test_a_link_change_is_in_the_log_of_both_ends(graph, tmp_path):
    uses = {"type": "MASTERS", "from": SYSTEM["id"], "to": DATASET["id"], "description": "đọc"}
    _load(graph, tmp_path, "v1", [AGENCY, SYSTEM, DATASET, uses])
    _load(graph, tmp_path, "v2", [{**uses, "description": "ghi"}])
    logs = read_changes(graph.store)
    assert [line.action for line in logs[SYSTEM["id"]].latest] == ["update_link"]
    assert [line.action for line in logs[DATASET["id"]].latest] == ["update_link"]
    assert AGENCY["id"] not in logs
