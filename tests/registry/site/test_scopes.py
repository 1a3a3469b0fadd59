"""Which site each page is on: one national site and one per ministry or province; every entity has one home."""

from __future__ import annotations

import pytest

from registry.site.scopes import NATIONAL, ScopeMap, slug_for

from .conftest import snapshot_of


@pytest.fixture(scope="module")
def scopes(sample_data) -> ScopeMap:  # type: ignore[no-untyped-def]
    return ScopeMap(sample_data.snapshot)


def test_there_is_a_site_for_the_nation_and_for_every_ministry_and_province(scopes, sample_data):
    agencies = sample_data.snapshot.of_type("Agency")
    expected = {a.id for a in agencies if a.level in ("ministry", "province")}
    assert set(scopes.scopes) == expected | {NATIONAL}
    assert len([key for key in scopes.scopes if key.startswith("agency:tinh-")]) == 34


def test_a_province_site_holds_its_communes_departments_and_what_they_own(scopes):
    assert scopes.home["agency:tinh-15"] == "agency:tinh-15"
    assert scopes.home["agency:tinh-15.phuong-sa-pa"] == "agency:tinh-15"  # a commune
    assert scopes.home["agency:tinh-15.so-yt"] == "agency:tinh-15"  # a department
    assert scopes.home["system:tinh-15.y-te"] == "agency:tinh-15"  # owned by the department
    assert scopes.home["system:tinh-15.mot-cua"] == "agency:tinh-15"


def test_a_ministry_site_holds_its_units_and_what_they_own(scopes):
    assert scopes.home["agency:bca.c06"] == "agency:000.00.00.G01"
    assert scopes.home["dataset:dan-cu"] == "agency:000.00.00.G01"


def test_central_bodies_standards_and_unowned_entities_are_national():
    snapshot = snapshot_of(
        [{"type": "Agency", "id": "agency:cp", "name": "Chính phủ", "level": "central"},
         {"type": "Agency", "id": "agency:bo", "name": "Bộ", "level": "ministry"},
         {"type": "Agency", "id": "agency:cp.unit", "name": "Văn phòng", "level": "unit"},
         {"type": "Standard", "id": "standard:nd", "name": "Nghị định"},
         {"type": "System", "id": "system:orphan", "name": "Không chủ"},
         {"type": "Team", "id": "team:t", "name": "Đội"}],
        [("agency:bo", "PART_OF", "agency:cp"), ("agency:cp.unit", "PART_OF", "agency:cp"),
         ("agency:bo", "ISSUES", "standard:nd"), ("agency:bo", "EMPLOYS", "team:t")])
    scopes = ScopeMap(snapshot)
    assert scopes.home == {"agency:cp": NATIONAL, "agency:bo": "agency:bo", "agency:cp.unit": NATIONAL,
                           "standard:nd": NATIONAL, "system:orphan": NATIONAL, "team:t": "agency:bo"}


def test_a_part_of_cycle_does_not_loop():
    snapshot = snapshot_of([{"type": "Agency", "id": "agency:a", "name": "A", "level": "unit"},
                            {"type": "Agency", "id": "agency:b", "name": "B", "level": "unit"}],
                           [("agency:a", "PART_OF", "agency:b"), ("agency:b", "PART_OF", "agency:a")])
    assert ScopeMap(snapshot).home == {"agency:a": NATIONAL, "agency:b": NATIONAL}


def test_scopes_are_named_by_agency_id_or_slug_and_a_commune_is_pointed_to_its_province(scopes):
    assert scopes.resolve("agency:tinh-15").slug == "tinh-15"
    assert scopes.resolve("tinh-15").key == "agency:tinh-15"
    assert scopes.resolve("national").is_national
    with pytest.raises(KeyError, match="agency:tinh-15"):
        scopes.resolve("agency:tinh-15.phuong-sa-pa")
    with pytest.raises(KeyError, match="no scope"):
        scopes.resolve("agency:nowhere")


def test_slugs_are_safe_in_urls_and_file_names_and_unique():
    assert slug_for("system:tinh-15.mot-cua") == "tinh-15.mot-cua"
    assert slug_for("agency:000.00.00.G22") == "000.00.00.G22"
    odd = [slug_for("api:a/b"), slug_for("api:a-b"), slug_for("api:a@b"), slug_for("agency:index")]
    assert len(set(odd)) == 4
    assert all("/" not in slug and "@" not in slug for slug in odd)
    assert slug_for("agency:index") != "index"  # agencies/index.md is the hierarchy page
