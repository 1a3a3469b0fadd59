"""The findings of the last build are reused while the registry is unchanged, and never after it changed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from registry.analysis import Finding, analyze, load_rules
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.site.findings_cache import cached_findings, graph_mark

from .conftest import TODAY

AGENCY = {"type": "Agency", "id": "agency:tinh-99", "name": "Tỉnh Thử", "level": "province"}
PORTAL = {"type": "System", "id": "system:tinh-99.cong", "name": "Cổng dịch vụ công tỉnh Thử", "kind": "portal",
          "status": "operational"}
UNOWNED = {"type": "Dataset", "id": "dataset:tinh-99.mo", "name": "Dữ liệu không chủ"}  # found by two rules


def _load(graph: RegistryGraph, path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    report = Loader(graph).load_files([path])
    assert report.ok, report.rejects


class Analysis:
    """The analysis, counting its runs."""

    def __init__(self, graph: RegistryGraph, today: date = TODAY) -> None:
        self.graph, self.today, self.runs = graph, today, 0
        self.rules = load_rules()

    def __call__(self) -> list[Finding]:
        self.runs += 1
        return analyze(self.graph, rules=self.rules, today=self.today)

    def findings(self, cache: Path, fresh: bool = False) -> tuple[list[Finding], bool]:
        return cached_findings(self.graph.store, self.rules, self.today, cache, self, fresh)


@pytest.fixture
def loaded(graph: RegistryGraph, tmp_path: Path) -> RegistryGraph:
    _load(graph, tmp_path / "v1.jsonl", [AGENCY, PORTAL, UNOWNED,
                                         {"type": "OWNS", "from": AGENCY["id"], "to": PORTAL["id"]}])
    return graph


def test_an_unchanged_registry_reuses_the_findings_exactly(loaded, tmp_path):
    analysis = Analysis(loaded)
    first, cached = analysis.findings(tmp_path / "cache.json")
    assert not cached and {finding.rule for finding in first} >= {"owner-missing", "isolated-entity"}
    again, cached = analysis.findings(tmp_path / "cache.json")
    assert cached and analysis.runs == 1
    assert [finding.as_dict() for finding in again] == [finding.as_dict() for finding in first]
    assert again == first


def test_an_import_that_changes_the_registry_invalidates_them(loaded, tmp_path):
    analysis = Analysis(loaded)
    analysis.findings(tmp_path / "cache.json")
    _load(loaded, tmp_path / "v2.jsonl", [{"type": "OWNS", "from": AGENCY["id"], "to": UNOWNED["id"]}])
    findings, cached = analysis.findings(tmp_path / "cache.json")
    assert not cached and analysis.runs == 2
    assert "owner-missing" not in {finding.rule for finding in findings}
    assert findings == analyze(loaded, rules=analysis.rules, today=TODAY)


def test_a_restore_that_writes_no_history_invalidates_them_too(loaded, tmp_path):
    """A backup's records carrying a revision are restored without new history; the import run still marks it."""
    analysis = Analysis(loaded)
    analysis.findings(tmp_path / "cache.json")
    before = graph_mark(loaded.store)
    _load(loaded, tmp_path / "restore.jsonl", [{"type": "System", "id": "system:tinh-99.qlvb", "name": "Quản lý văn bản",
                                                "kind": "document_management", "revision": 3}])
    after = graph_mark(loaded.store)
    assert after["changes"] == before["changes"] and after != before
    _, cached = analysis.findings(tmp_path / "cache.json")
    assert not cached and analysis.runs == 2


def test_another_day_or_a_forced_build_runs_the_analysis_again(loaded, tmp_path):
    analysis = Analysis(loaded)
    analysis.findings(tmp_path / "cache.json")
    analysis.findings(tmp_path / "cache.json", fresh=True)
    assert analysis.runs == 2
    tomorrow = Analysis(loaded, TODAY + timedelta(days=1))
    _, cached = tomorrow.findings(tmp_path / "cache.json")
    assert not cached and tomorrow.runs == 1


def test_a_damaged_cache_is_ignored_and_replaced(loaded, tmp_path):
    analysis = Analysis(loaded)
    (tmp_path / "cache.json").write_text('{"format": "1", "key": ', encoding="utf-8")
    _, cached = analysis.findings(tmp_path / "cache.json")
    assert not cached
    _, cached = analysis.findings(tmp_path / "cache.json")
    assert cached and analysis.runs == 1
