"""The sample registry (data/sample + data/province) yields the gaps data/README.md says were planted — and no
finding about anything the README says is in order."""

from __future__ import annotations

from pathlib import Path

from .conftest import findings, load

REPO = Path(__file__).resolve().parents[3]


def test_the_sample_yields_its_planted_gaps(graph):
    load(graph, *sorted((REPO / "data" / "sample").glob("*.yaml")), REPO / "data" / "province" / "lao-cai.xlsx")
    found = findings(graph)
    by_rule: dict[str, set[str]] = {}
    for finding in found:
        by_rule.setdefault(finding.rule, set()).add(finding.subject.id)
    duplicates = {frozenset(ref.id for ref in finding.entities if ref.role in ("subject", "duplicate"))
                  for finding in found if finding.rule == "duplicate-systems"}

    # 1. one-stop-shops of Gia Lai and Cà Mau not connected to the national portal
    assert by_rule["one-stop-shop-national-portal"] == {"system:tinh-52.mot-cua", "system:tinh-96.mot-cua"}
    # 2. Gia Lai's provincial portal still operational (it is also, truthfully, a parallel copy of the national one)
    assert by_rule["provincial-portal-still-open"] == {"system:tinh-52.cong-dvc"}
    assert by_rule["national-platform-copy"] == {"system:tinh-52.cong-dvc"}
    # 3. Lâm Đồng's second one-stop-shop, inherited from Bình Thuận
    assert duplicates == {frozenset({"system:tinh-68.mot-cua", "system:tinh-68.mot-cua-binh-thuan"})}
    # 4 and 6. batch-file copies of the population data (Thanh Hóa's warehouse, Lào Cai's health system);
    # the aggregate database's platform-synced copy is by design
    copies = {"system:tinh-38.kho-du-lieu", "system:tinh-15.y-te"}
    assert by_rule["copy-not-synced"] == copies
    assert by_rule["citizen-data-through-platform"] == copies
    # 5 and 7. datasets without a master
    assert by_rule["dataset-master"] == {"dataset:ho-tich", "dataset:tinh-15.ho-kinh-doanh"}
    # "every system, platform, dataset, API … has one owner … No node is isolated"; Lào Cai's land, education and
    # civil-servant data feed their national databases, so they are not copies
    assert set(by_rule) == {"one-stop-shop-national-portal", "provincial-portal-still-open", "national-platform-copy",
                            "duplicate-systems", "copy-not-synced", "citizen-data-through-platform", "dataset-master"}
