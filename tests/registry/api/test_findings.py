"""The governance findings and compliance scores over GraphQL: planted gaps found with the right reason, on
both stores."""

from __future__ import annotations

import pytest

from registry.loading import Loader
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "analysis"
FIELDS = """rule title titleEn principle pillar legalBasis severity reason reasonEn score evidence
            subject { id } entities { id type name role }"""


def load(graph, name: str) -> None:
    report = Loader(graph).load_files([FIXTURES / name])
    assert report.ok, report.rejects


@pytest.fixture
def gaps(api, graph):
    load(graph, "gaps.yaml")
    return api


def found(items) -> set[tuple[str, str]]:
    return {(item["rule"], item["subject"]["id"]) for item in items}


def test_missing_connections_finds_the_planted_gaps_with_their_reason(gaps):
    items = gaps.data(f"{{ missingConnections {{ {FIELDS} }} }}")["missingConnections"]
    assert found(items) == {("one-stop-shop-national-portal", "system:tinh-c.mot-cua"),
                            ("provincial-portal-still-open", "system:tinh-c.cong-dvc")}
    one_stop = next(item for item in items if item["rule"] == "one-stop-shop-national-portal")
    assert one_stop["severity"] == "high" and one_stop["principle"] == "One service"
    assert one_stop["pillar"] == "platforms" and "Official dispatch 96/CĐ-TTg" in one_stop["legalBasis"]
    assert "chưa kết nối với Cổng Dịch vụ công quốc gia" in one_stop["reason"]
    assert "not connected to the National Public Service Portal" in one_stop["reasonEn"]
    assert [(ref["id"], ref["role"], ref["type"]) for ref in one_stop["entities"]] == [
        ("system:tinh-c.mot-cua", "subject", "System"), ("agency:tinh-c", "owner", "Agency")]
    only = gaps.data('{ missingConnections(rule: "provincial-portal-still-open") { rule subject { id } } }')
    assert found(only["missingConnections"]) == {("provincial-portal-still-open", "system:tinh-c.cong-dvc")}


def test_data_copies_and_orphans(gaps):
    data = gaps.data("{ dataCopies { rule subject { id } reasonEn } orphans { rule subject { id } reason } }")
    copies = found(data["dataCopies"])
    assert ("dataset-master", "dataset:ho-tich") in copies
    assert ("copy-not-synced", "system:tinh-b.kho-du-lieu") in copies
    assert ("citizen-data-through-platform", "system:tinh-b.kho-du-lieu") in copies
    assert {rule for rule, _ in copies} <= {"dataset-master", "copy-not-synced", "citizen-data-through-platform",
                                            "local-dataset-duplicates-national"}
    # the near-misses: the platform-synced aggregate copy, An Phú's API-fed copy
    assert not {subject for _, subject in copies} & {"system:csdl-tong-hop", "system:tinh-a.mot-cua"}
    master = next(item for item in data["dataCopies"] if item["subject"]["id"] == "dataset:ho-tich")
    assert "0 master" in master["reasonEn"]
    assert found(data["orphans"]) == {("owner-missing", "api:mo-coi"), ("isolated-entity", "standard:mo-coi")}


def test_duplicate_systems_are_scored_and_near_misses_left_alone(api, graph):
    load(graph, "duplicates.yaml")
    items = api.data("{ duplicateSystems { rule score evidence reason entities { id role } } }")["duplicateSystems"]
    pairs = {frozenset(ref["id"] for ref in item["entities"] if ref["role"] in ("subject", "duplicate", "national"))
             for item in items if item["rule"] == "duplicate-systems"}
    assert pairs == {frozenset({"system:tinh-a.mot-cua", "system:tinh-a.mot-cua-hoa-binh"}),
                     frozenset({"system:tinh-a.kho-y-te", "system:tinh-a.so-yt.kho-y-te"})}
    one_stop = next(item for item in items if {"system:tinh-a.mot-cua-hoa-binh", "system:tinh-a.mot-cua"}
                    <= {ref["id"] for ref in item["entities"]})
    assert one_stop["score"] >= 0.95 and "cùng loại one_stop_shop" in one_stop["reason"]
    flat = {ref["id"] for item in items for ref in item["entities"]}
    assert "system:tinh-b.mot-cua" not in flat and "system:bo-x.ho-tich" not in flat
    assert not {"system:tinh-a.dat-dai", "system:tinh-a.de-dieu"} & flat
    assert all(0.0 <= item["score"] <= 1.0 and item["evidence"] for item in items)
    copies = [item for item in items if item["rule"] == "national-platform-copy"]
    assert {ref["id"] for item in copies for ref in item["entities"]} >= {"system:tinh-b.dinh-danh",
                                                                          "platform:dinh-danh"}
    assert "không kết nối" in copies[0]["reason"]


def test_findings_filter_by_rule_severity_principle_and_agency(gaps):
    data = gaps.data("""{
      byRule: findings(rule: ["owner-missing", "dataset-master"]) { rule subject { id } }
      low: findings(severity: low) { rule severity }
      oneService: findings(principle: "One service") { principle }
      binhSon: findings(agency: "agency:tinh-b") { rule subject { id } }
    }""")
    assert found(data["byRule"]) == {("owner-missing", "api:mo-coi"), ("dataset-master", "dataset:ho-tich")}
    assert data["low"] and {item["rule"] for item in data["low"]} == {"isolated-entity"}
    assert data["oneService"] and {item["principle"] for item in data["oneService"]} == {"One service"}
    assert data["binhSon"] and {subject for _, subject in found(data["binhSon"])} <= {
        "agency:tinh-b", "system:tinh-b.mot-cua", "system:tinh-b.kho-du-lieu", "system:tinh-b.an-sinh",
        "system:tinh-b.dat-dai", "dataset:tinh-b.dat-dai"}


def test_a_finding_entity_resolves_to_the_node(gaps):
    items = gaps.data("""{ missingConnections(rule: "one-stop-shop-national-portal") {
      subject { entity { __typename id ... on System { kind status owner { id } } } } } }""")["missingConnections"]
    assert items[0]["subject"]["entity"] == {"__typename": "System", "id": "system:tinh-c.mot-cua",
                                             "kind": "one_stop_shop", "status": "operational",
                                             "owner": {"id": "agency:tinh-c"}}


def test_unknown_rules_and_agencies_are_named(gaps):
    assert "unknown rule no-such-rule" in gaps.errors('{ findings(rule: ["no-such-rule"]) { rule } }')[0]
    message = gaps.errors('{ missingConnections(rule: "dataset-master") { rule } }')[0]
    assert "unknown rule dataset-master" in message and "one-stop-shop-national-portal" in message
    assert "unknown agency 'agency:nowhere'" in gaps.errors('{ complianceScore(agency: "agency:nowhere") { score } }')
    assert gaps.errors('{ findings(agency: "agency:nowhere") { rule } }') == ["unknown agency 'agency:nowhere'"]


def test_the_findings_are_computed_once_per_request(gaps):
    before = len(gaps.store.reads)
    gaps.data("{ duplicateSystems { rule } dataCopies { rule } orphans { rule } missingConnections { rule } }")
    once = len(gaps.store.reads) - before
    before = len(gaps.store.reads)
    gaps.data("{ findings { rule } }")
    assert len(gaps.store.reads) - before == once


def test_asking_for_one_rule_runs_that_rule_only(gaps):
    before = len(gaps.store.reads)
    gaps.data('{ missingConnections(rule: "provincial-portal-still-open") { rule } }')
    one = gaps.store.reads[before:]
    assert len(one) <= 3, one  # the rule's query, then names and owners of what it found
    before = len(gaps.store.reads)
    gaps.data('{ findings(rule: ["provincial-portal-still-open", "dataset-master"]) { rule } }')
    assert len(gaps.store.reads) - before <= 6
    assert not any("MATCH (n:Entity) WHERE n:System OR n:Platform" in query for query in one)  # no duplicates run


def test_compliance_score_of_a_province_of_the_sample(sample_api):
    score = sample_api.data("""{ complianceScore(agency: "agency:tinh-15") {
      agency agencyName agencies entities checks met score
      pillars { pillar checks met score rules } rules { rule pillar checks met score } } }""")["complianceScore"]
    assert 0 < score["score"] < 1
    assert {"agency:tinh-15.xa-bat-xat", "agency:tinh-15.phuong-sa-pa"} <= set(score["agencies"])
    assert score["met"] < score["checks"] == sum(pillar["checks"] for pillar in score["pillars"])
    data = next(pillar for pillar in score["pillars"] if pillar["pillar"] == "data")
    assert data["met"] < data["checks"] and "copy-not-synced" in data["rules"]


def test_an_agency_with_no_findings_scores_1(sample_api):
    score = sample_api.data('{ complianceScore(agency: "agency:tinh-01") { checks score pillars { score } } }')
    assert score["complianceScore"]["checks"] > 0 and score["complianceScore"]["score"] == 1.0
    assert all(p["score"] in (1.0, None) for p in score["complianceScore"]["pillars"])


def test_the_guide_orphans_query_finds_the_planted_orphans(gaps):
    """docs/graphql.md's orphans example (the sample has none) runs as written on the planted gaps."""
    import re

    guide = (REPO / "docs" / "graphql.md").read_text(encoding="utf-8")
    (query,) = re.findall(r"```graphql on-gaps-fixture\n(.*?)```", guide, flags=re.DOTALL)
    items = gaps.data(query)["orphans"]
    assert found(items) == {("owner-missing", "api:mo-coi"), ("isolated-entity", "standard:mo-coi")}
    assert {item["subject"]["type"] for item in items} == {"Api", "Standard"}
