"""`duplicateSystems`: the same job built twice in one jurisdiction, and local copies of national platforms."""

from __future__ import annotations

import pytest

from registry.analysis.duplicates import candidate_pairs, name_similarity
from registry.analysis.normalise import Normaliser

from .conftest import findings, load


@pytest.fixture
def planted(graph, analysis_dir):
    load(graph, analysis_dir / "duplicates.yaml")
    return graph


def pairs(found) -> set[frozenset[str]]:
    return {frozenset(ref.id for ref in finding.entities if ref.role in ("subject", "duplicate", "national"))
            for finding in found}


def test_two_one_stop_shops_in_one_province_are_duplicates_and_other_provinces_are_not(planted):
    found = findings(planted, "duplicate-systems")
    assert pairs(found) == {
        # the province's own and the one inherited from the merged-in Hòa Bình ("HTTT … TTHC … (cũ)")
        frozenset({"system:tinh-a.mot-cua", "system:tinh-a.mot-cua-hoa-binh"}),
        # the province's warehouse and its Department of Health's: one jurisdiction through PART_OF
        frozenset({"system:tinh-a.kho-y-te", "system:tinh-a.so-yt.kho-y-te"}),
    }
    one_stop = next(finding for finding in found if finding.subject.id == "system:tinh-a.mot-cua")
    assert one_stop.score is not None and one_stop.score >= 0.95
    assert any("share 2" in line for line in one_stop.evidence)
    assert any(line.startswith("same owner") for line in one_stop.evidence)
    assert "cùng loại one_stop_shop" in one_stop.reason and "should be merged" in one_stop.reason_en


def test_near_misses_are_not_duplicates(planted):
    found = pairs(findings(planted, "duplicate-systems"))
    flat = {system for pair in found for system in pair}
    assert "system:tinh-b.mot-cua" not in flat  # one per province by law
    assert "system:bo-x.ho-tich" not in flat  # one national system USED by both provinces
    assert "system:tinh-a.mot-cua-2019" not in flat  # retired
    assert not {"system:tinh-a.dat-dai", "system:tinh-a.de-dieu"} & flat  # similar names, different jobs


def test_a_province_building_its_own_national_platform_is_found_but_connected_tiers_are_not(planted):
    found = findings(planted, "national-platform-copy")
    # Bình Sơn's identification system copies the national one and is not connected to it. An Phú's reporting
    # system feeds the Government's (a tier, not a copy); the LGSPs are the provincial tier the law asks for.
    assert pairs(found) == {frozenset({"system:tinh-b.dinh-danh", "platform:dinh-danh"})}
    assert found[0].principle == "One system" and found[0].severity == "high"
    assert "không kết nối" in found[0].reason


def test_normalisation_reads_vietnamese_names_as_a_person_would():
    norm = Normaliser.from_place_names(["Ủy ban nhân dân tỉnh Lâm Đồng"])
    assert norm.job("HTTT giải quyết TTHC tỉnh Bình Thuận (cũ)") == "giai quyet thu tuc hanh chinh"
    assert norm.job("Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lâm Đồng") == "giai quyet thu tuc hanh chinh"
    assert norm.job("Cổng DVC quốc gia") == norm.job("Cổng Dịch vụ công thành phố Lâm Đồng")
    assert norm.job("Hệ thống quản lý cư trú") == "quan ly cu tru"  # "cư" of "cư trú" is not "cũ"
    assert norm.job("QLVB và điều hành UBND tỉnh Lâm Đồng") == "quan ly van ban dieu hanh"


def test_similar_names_with_different_jobs_score_low():
    assert name_similarity("quan ly van ban", "quan ly ho tich") < 0.85
    assert name_similarity("giai quyet thu tuc hanh chinh", "giai quyet thu tuc hanh chinh") == 1.0


def test_candidates_come_from_shared_rare_tokens_never_all_pairs():
    jobs = {f"s{i}": f"quan ly viec{i}" for i in range(200)} | {"x": "kho y te", "y": "kho y te"}
    found = set(candidate_pairs(jobs))
    # "quan" and "ly" are in every name, so they block nothing: only the two warehouses meet
    assert found == {("x", "y")}
