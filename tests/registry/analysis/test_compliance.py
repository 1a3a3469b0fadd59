"""complianceScore: per agency and pillar, the share of (owned entity, rule) checks met, rolled up PART_OF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry.analysis import RuleError, UnknownAgency, compliance_score
from registry.cli import app

from .conftest import TODAY, findings, load
from .test_cli import store_options

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def planted(graph, analysis_dir):
    load(graph, analysis_dir / "compliance.yaml")
    return graph


def by_pillar(score) -> dict[str, tuple[int, int]]:
    return {pillar.pillar: (pillar.met, pillar.checks) for pillar in score.pillars}


def test_a_province_scores_what_it_and_its_communes_own(planted):
    score = compliance_score(planted, "agency:tinh-x", today=TODAY)
    assert score.agencies == ["agency:tinh-x", "agency:tinh-x.xa-a"]
    assert score.entities == 3
    # the system: 2 data rules, 2 duplicate rules, isolated-entity; each dataset: dataset-master,
    # local-dataset-duplicates-national, isolated-entity; only the commune's dataset (no master) fails one
    assert (score.met, score.checks) == (10, 11)
    assert score.score == pytest.approx(10 / 11)
    assert by_pillar(score) == {"data": (5, 6), "platforms": (1, 1), "applications": (4, 4)}
    master = next(rule for rule in score.rules if rule.rule == "dataset-master")
    assert (master.met, master.checks, master.score) == (1, 2, 0.5)
    # rules about one-stop-shops and portals apply to none of these entities: not counted, score null
    portal = next(rule for rule in score.rules if rule.rule == "provincial-portal-still-open")
    assert (portal.checks, portal.score) == (0, None)
    assert "owner-missing" not in {rule.rule for rule in score.rules}


def test_the_commune_alone_and_an_agency_with_no_findings(planted):
    commune = compliance_score(planted, "agency:tinh-x.xa-a", today=TODAY)
    assert (commune.met, commune.checks) == (2, 3)
    assert next(p for p in commune.pillars if p.pillar == "platforms").score is None  # nothing to assess
    clean = compliance_score(planted, "agency:tinh-y", today=TODAY)
    assert clean.checks > 0 and clean.score == 1.0
    assert all(pillar.score in (1.0, None) for pillar in clean.pillars)


def test_an_agency_owning_nothing_has_no_score_and_unknown_ids_are_errors(planted):
    assert compliance_score(planted, "agency:tinh-x.xa-a", rule_ids=["one-stop-shop-national-portal"]).score is None
    with pytest.raises(UnknownAgency, match="agency:nowhere"):
        compliance_score(planted, "agency:nowhere")
    with pytest.raises(RuleError, match="unknown rule no-such-rule"):
        compliance_score(planted, "agency:tinh-x", rule_ids=["no-such-rule"])


def test_a_province_of_the_sample_includes_its_communes_and_departments(graph):
    load(graph, *sorted((REPO / "data" / "sample").glob("*.yaml")), REPO / "data" / "province" / "lao-cai.xlsx")
    found = findings(graph)
    score = compliance_score(graph, "agency:tinh-15", findings=found)
    assert 0 < score.score < 1
    assert {"agency:tinh-15.xa-bat-xat", "agency:tinh-15.phuong-sa-pa", "agency:tinh-15.so-yt"} <= set(score.agencies)
    # the health department's batch-file copy of the population data counts against the province
    department = compliance_score(graph, "agency:tinh-15.so-yt", findings=found)
    copy = {rule.rule: rule for rule in score.rules}["copy-not-synced"]
    assert copy.met < copy.checks
    assert department.checks < score.checks and department.score < 1
    # Hà Nội's three provincial systems have no finding at all
    assert compliance_score(graph, "agency:tinh-01", findings=found).score == 1.0


def test_analyze_agency_prints_the_score_table_and_json(planted, store_kind):
    options = store_options(planted, store_kind)
    result = CliRunner().invoke(app, [*options, "analyze", "--agency", "agency:tinh-x"])
    assert result.exit_code == 0, result.output
    assert "Compliance" in result.stdout and "agency:tinh-x" in result.stdout
    assert "91%" in result.stdout and "83%" in result.stdout  # all 10/11; data 5/6
    result = CliRunner().invoke(app, [*options, "analyze", "--agency", "agency:tinh-x", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["met"], data["checks"], data["agencies"]) == (10, 11, ["agency:tinh-x", "agency:tinh-x.xa-a"])
    result = CliRunner().invoke(app, [*options, "analyze", "--agency", "agency:nowhere"])
    assert result.exit_code == 2 and "unknown agency" in result.output
