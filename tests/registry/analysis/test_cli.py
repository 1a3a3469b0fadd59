"""`registry analyze`: a table or JSON of findings, exit code 0 (findings are not errors), --rule to choose."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from registry.cli import app

from .conftest import load


def store_options(graph, store_kind: str) -> list[str]:
    """Point the command at the test's own store: its embedded graph, or the test Neo4j (NEO4J_* variables)."""
    if store_kind == "embedded":
        return ["--data-dir", str(graph.store.server.data_dir), "--graph", graph.store.graph_name]
    return ["--store", "neo4j"]


def test_analyze_prints_json_findings_and_exits_0(graph, store_kind, analysis_dir):
    load(graph, analysis_dir / "gaps.yaml")
    result = CliRunner().invoke(app, [*store_options(graph, store_kind), "analyze", "--json",
                                      "--rule", "dataset-master", "--rule", "owner-missing"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {(item["rule"], item["entities"][0]["id"]) for item in found} == {
        ("dataset-master", "dataset:ho-tich"), ("owner-missing", "api:mo-coi")}
    assert found[0]["severity"] == "high" and found[0]["legal_basis"] == ["Decree 278/2025/NĐ-CP"]
    assert {"rule", "title", "title_en", "principle", "pillar", "legal_basis", "severity", "entities", "reason",
            "reason_en", "score", "evidence"} <= set(found[0])


def test_analyze_prints_a_table(graph, store_kind, analysis_dir):
    load(graph, analysis_dir / "gaps.yaml")
    result = CliRunner().invoke(app, [*store_options(graph, store_kind), "analyze", "--rule", "isolated-entity"])
    assert result.exit_code == 0, result.output
    assert "Findings: 1" in result.stdout and "standard:mo-coi" in result.stdout


def test_an_unknown_rule_is_a_usage_error_listing_the_known_ones(graph, store_kind):
    result = CliRunner().invoke(app, [*store_options(graph, store_kind), "analyze", "--rule", "no-such-rule"])
    assert result.exit_code == 2
    assert "unknown rule no-such-rule" in result.output and "dataset-master" in result.output
