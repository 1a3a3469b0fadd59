"""Helpers for the findings specifications: load a planted fixture, run rules, name what was found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from registry.analysis import Finding, analyze
from registry.graph import RegistryGraph
from registry.loading import Loader

TODAY = date(2026, 1, 15)


def load(graph: RegistryGraph, *paths: Path) -> None:
    report = Loader(graph).load_files(list(paths))
    assert report.ok, report.rejects


def findings(graph: RegistryGraph, *rule_ids: str) -> list[Finding]:
    return analyze(graph, list(rule_ids), today=TODAY)


def subjects(found: list[Finding]) -> set[str]:
    return {finding.subject.id for finding in found}


@pytest.fixture
def analysis_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "analysis"
