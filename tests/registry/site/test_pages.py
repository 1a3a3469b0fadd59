"""The pages an official reads: the national dashboard, a province's site, agency, system and findings pages."""

from __future__ import annotations

import re

import pytest

from registry.site.pages import md, scope_pages
from registry.site.scopes import NATIONAL, ScopeMap

from .conftest import data_of, snapshot_of


@pytest.fixture(scope="module")
def scopes(sample_data) -> ScopeMap:  # type: ignore[no-untyped-def]
    return ScopeMap(sample_data.snapshot)


@pytest.fixture(scope="module")
def national(sample_data, scopes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {page.path: page.content for page in scope_pages(sample_data, scopes, scopes.scope(NATIONAL), "vi")}


@pytest.fixture(scope="module")
def lao_cai(sample_data, scopes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {page.path: page.content for page in scope_pages(sample_data, scopes, scopes.scope("agency:tinh-15"), "vi")}


@pytest.fixture(scope="module")
def lao_cai_en(sample_data, scopes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {page.path: page.content for page in scope_pages(sample_data, scopes, scopes.scope("agency:tinh-15"), "en")}


def test_the_home_dashboard_counts_per_pillar_and_level_and_charts_compliance_by_province(national):
    home = national["index.md"]
    assert "## Số lượng theo trụ cột" in home and "[Dữ liệu](pillars/data.md)" in home
    assert "pie showData" in home  # the pillars as a Mermaid chart
    assert "| Trụ cột | Trung ương | Bộ, ngành | Tỉnh, thành phố | Xã, phường |" in home
    assert "## Phát hiện chính" in home and "[Hệ thống trùng lặp chức năng](findings/duplicate-systems.md)" in home
    assert home.count('class="registry-bar"') == 34  # one bar per province
    assert "| [Gia Lai](scopes/tinh-52/) |" in home  # the table links each province's own site


def test_the_national_site_has_a_page_per_pillar_the_hierarchy_and_a_summary_of_each_province(national):
    assert {f"pillars/{pillar}.md" for pillar in ("institutions", "infrastructure", "data", "platforms",
                                                  "applications", "human_resources")} <= set(national)
    hierarchy = national["agencies/index.md"]
    assert "[Chính phủ](chinh-phu.md)" in hierarchy and "[Bộ Công an](000.00.00.G01.md)" in hierarchy
    assert "[Lào Cai →](../scopes/tinh-15/)" in hierarchy
    assert "[Mở trang riêng của Ủy ban nhân dân tỉnh Lào Cai →](../../scopes/tinh-15/)" in national["agencies/tinh-15.md"]
    # the national pillar page lists national databases wherever their owner's site is
    assert "[Cơ sở dữ liệu quốc gia về dân cư](../../scopes/000.00.00.G01/datasets/dan-cu/)" in national["pillars/data.md"]


def test_a_province_site_is_its_agency_page_with_what_it_owns_uses_and_lacks(lao_cai):
    home = lao_cai["index.md"]
    assert home.startswith("# Ủy ban nhân dân tỉnh Lào Cai")
    assert "[Về trang toàn quốc](../../)" in home
    for section in ("## Sở hữu", "## Sử dụng", "## Còn thiếu", "## Mức độ tuân thủ", "## Đơn vị trực thuộc"):
        assert section in home, section
    assert "[Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lào Cai](systems/tinh-15.mot-cua.md)" in home
    assert "[Trục liên thông văn bản quốc gia](../../scopes/000.00.00.G22/platforms/truc-lien-thong-van-ban/)" in home
    assert re.search(r"\*\*Điểm tuân thủ: \d+%\*\*", home)
    lacks = home.split("## Còn thiếu")[1].split("## Đơn vị trực thuộc")[0]
    assert "tinh-15.y-te" in lacks and "tinh-15.ho-kinh-doanh" in lacks  # the departments' planted gaps
    assert "[Ủy ban nhân dân phường Sa Pa](agencies/tinh-15.phuong-sa-pa.md)" in home  # its communes


def test_a_province_site_holds_only_its_own_entity_pages(lao_cai):
    entity_pages = [path for path in lao_cai if path.startswith(("systems/", "datasets/", "agencies/"))
                    and not path.endswith("index.md")]
    assert entity_pages and all("tinh-15" in path for path in entity_pages)


def test_a_system_page_has_facts_relationships_a_diagram_findings_and_provenance(lao_cai):
    page = lao_cai["systems/tinh-15.y-te.md"]
    assert "| Mã định danh | `system:tinh-15.y-te` |" in page
    assert "| Cơ quan chủ quản | [Sở Y tế tỉnh Lào Cai](../agencies/tinh-15.so-yt.md) |" in page
    assert "``` mermaid\nflowchart LR" in page
    assert "**Lưu bản sao của**" in page and "Cách đồng bộ: Tệp định kỳ" in page
    assert "[Bản sao dữ liệu không đồng bộ qua API hoặc nền tảng](../findings/copy-not-synced.md)" in page
    assert re.search(r"\| Nguồn \| \S*data/province/lao-cai.xlsx \|", page)


def test_findings_pages_cite_the_legal_basis_and_link_every_entity_involved(lao_cai, national):
    page = lao_cai["findings/copy-not-synced.md"]
    assert "**Căn cứ pháp lý:**" in page and "278/2025/NĐ-CP" in page
    assert "[Hệ thống quản lý y tế cơ sở tỉnh Lào Cai](../systems/tinh-15.y-te.md) (đối tượng)" in page
    assert "[Cơ sở dữ liệu quốc gia về dân cư](../../../../scopes/000.00.00.G01/datasets/dan-cu/)" in page
    assert "Kho dữ liệu dùng chung tỉnh Thanh Hóa" not in page  # another province's finding
    everywhere = national["findings/copy-not-synced.md"]
    assert "tinh-38.kho-du-lieu" in everywhere and "tinh-15.y-te" in everywhere
    assert "| [Lào Cai](../../scopes/tinh-15/findings/copy-not-synced/) | 1 |" in everywhere
    index = lao_cai["findings/index.md"]
    assert index.startswith("# Phát hiện liên quan đến Lào Cai") and "## Một dữ liệu" in index


def test_the_english_site_says_the_same_in_english(lao_cai_en):
    home = lao_cai_en["index.md"]
    assert home.startswith("# Lao Cai Province People's Committee")
    assert "## Owns" in home and "## Lacks" in home and "Vietnamese name" in home
    assert "``` mermaid" in lao_cai_en["systems/tinh-15.mot-cua.md"]


def test_names_from_an_inventory_cannot_inject_markup():
    evil = 'HTTT <script>alert(1)</script> | [x](javascript:alert(1)) *'
    snapshot = snapshot_of([{"type": "Agency", "id": "agency:t", "name": "Tỉnh T", "level": "province"},
                            {"type": "System", "id": "system:t.x", "name": evil, "description": evil}],
                           [("agency:t", "OWNS", "system:t.x")])
    data = data_of(snapshot)
    scopes = ScopeMap(snapshot)
    pages = {page.path: page.content for page in scope_pages(data, scopes, scopes.scope("agency:t"), "vi")}
    text = pages["systems/t.x.md"] + pages["index.md"]
    assert "<script>" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
    assert md(evil) in pages["systems/t.x.md"]


def test_a_province_without_a_required_tier_is_told_what_it_lacks():
    snapshot = snapshot_of([{"type": "Agency", "id": "agency:t", "name": "Tỉnh T", "level": "province"},
                            {"type": "System", "id": "system:t.mc", "name": "Một cửa", "kind": "one_stop_shop"}],
                           [("agency:t", "OWNS", "system:t.mc")])
    scopes = ScopeMap(snapshot)
    home = next(page.content for page in scope_pages(data_of(snapshot), scopes, scopes.scope("agency:t"), "vi")
                if page.path == "index.md")
    assert "**Chưa có hệ thống bắt buộc:** Hệ thống thông tin — Quản lý văn bản" in home
    assert "**Chưa có hệ thống bắt buộc:** Nền tảng — Tích hợp, chia sẻ dữ liệu" in home
    assert "Một cửa điện tử" not in home.split("## Còn thiếu")[1]


def test_a_ministry_is_told_the_tiers_it_lacks_counting_what_its_units_run():
    snapshot = snapshot_of([{"type": "Agency", "id": "agency:bo", "name": "Bộ B", "level": "ministry"},
                            {"type": "Agency", "id": "agency:bo.cuc", "name": "Cục C", "level": "department"},
                            {"type": "System", "id": "system:bo.vb", "name": "Văn bản", "kind": "document_management"}],
                           [("agency:bo.cuc", "PART_OF", "agency:bo"), ("agency:bo.cuc", "OWNS", "system:bo.vb")])
    scopes = ScopeMap(snapshot)
    home = next(page.content for page in scope_pages(data_of(snapshot), scopes, scopes.scope("agency:bo"), "vi")
                if page.path == "index.md")
    lacks = home.split("## Còn thiếu")[1]
    assert "**Chưa có hệ thống bắt buộc:** Hệ thống thông tin — Một cửa điện tử" in lacks
    assert "**Chưa có hệ thống bắt buộc:** Nền tảng — Tích hợp, chia sẻ dữ liệu" in lacks
    assert "Quản lý văn bản" not in lacks  # its department runs one
