"""The declarative governance rules (registry/rules/*.yaml), each on planted gaps and the near-misses beside them."""

from __future__ import annotations

import pytest

from registry.analysis import Principle, Severity

from .conftest import findings, load, subjects


@pytest.fixture
def gaps(graph, analysis_dir):
    load(graph, analysis_dir / "gaps.yaml")
    return graph


def test_a_one_stop_shop_not_connected_to_the_national_portal_is_found(gaps):
    found = findings(gaps, "one-stop-shop-national-portal")
    # An Phú connects to the portal, Bình Sơn is connected from it (either direction counts), An Phú's old
    # one-stop-shop is retired: only Cẩm Giang's is a gap.
    assert subjects(found) == {"system:tinh-c.mot-cua"}
    finding = found[0]
    assert finding.principle == Principle.one_service and finding.severity == Severity.high
    assert "Official dispatch 96/CĐ-TTg" in finding.legal_basis
    assert "chưa kết nối với Cổng Dịch vụ công quốc gia" in finding.reason
    assert "Ủy ban nhân dân tỉnh Cẩm Giang" in finding.reason
    assert "not connected to the National Public Service Portal" in finding.reason_en
    assert [(ref.id, ref.role) for ref in finding.entities] == [("system:tinh-c.mot-cua", "subject"),
                                                               ("agency:tinh-c", "owner")]


def test_a_provincial_portal_still_operational_after_1_july_2025_is_found(gaps):
    found = findings(gaps, "provincial-portal-still-open")
    assert subjects(found) == {"system:tinh-c.cong-dvc"}  # An Phú's portal is retired
    assert "sau ngày 2025-07-01" in found[0].reason


def test_the_portal_rule_applies_only_from_its_deadline(graph, analysis_dir):
    from datetime import date

    from registry.analysis import analyze

    load(graph, analysis_dir / "gaps.yaml")
    assert analyze(graph, ["provincial-portal-still-open"], today=date(2025, 6, 1)) == []


def test_citizen_data_copies_must_come_through_a_routed_api(gaps):
    found = findings(gaps, "citizen-data-through-platform")
    # Bình Sơn's warehouse gets files; its welfare system calls an API that bypasses the platforms. An Phú's
    # one-stop-shop calls the API routed via NDXP, and the aggregate database's copy is declared platform-synced.
    assert subjects(found) == {"system:tinh-b.kho-du-lieu", "system:tinh-b.an-sinh"}
    by_subject = {finding.subject.id: finding for finding in found}
    assert "đồng bộ: batch_file" in by_subject["system:tinh-b.kho-du-lieu"].reason
    assert "sync: api" in by_subject["system:tinh-b.an-sinh"].reason_en
    assert ("dataset:dan-cu", "related") in {(ref.id, ref.role) for ref in found[0].entities}


def test_a_copy_kept_by_file_and_fed_by_no_api_is_found(gaps):
    found = findings(gaps, "copy-not-synced")
    assert subjects(found) == {"system:tinh-b.kho-du-lieu"}
    assert "batch_file" in found[0].reason and found[0].principle == Principle.one_data


def test_a_dataset_without_a_master_is_found(gaps):
    found = findings(gaps, "dataset-master")
    assert subjects(found) == {"dataset:ho-tich"}
    assert "có 0 hệ thống nguồn" in found[0].reason
    assert "Decree 278/2025/NĐ-CP" in found[0].legal_basis


def test_an_api_without_an_owner_is_found(gaps):
    found = findings(gaps, "owner-missing")
    assert subjects(found) == {"api:mo-coi"}
    assert found[0].reason_en.startswith("Api “API chưa có chủ quản” has no owning agency")


def test_an_entity_with_no_relationship_is_an_orphan(gaps):
    found = findings(gaps, "isolated-entity")
    assert subjects(found) == {"standard:mo-coi"}
    assert found[0].severity == Severity.low


def test_an_empty_registry_has_no_findings(graph):
    assert findings(graph) == []
