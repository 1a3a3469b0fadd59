"""The national part is the sample's, reused rather than retyped, with its one national gap repaired."""

from __future__ import annotations

from registry.synthetic.sample import is_provincial, load_skeleton, predecessors


def test_the_skeleton_is_the_national_part_of_the_sample():
    skeleton = load_skeleton()
    assert len(skeleton.provinces) == 34 and len(skeleton.ministries) == 17
    assert sum(province.weight for province in skeleton.provinces) == 63  # pre-2025 provinces
    assert not any(is_provincial(node.id) for node in skeleton.nodes)
    assert {"public_service_portal", "integration", "data_orchestration", "identity", "document_exchange",
            "reporting", "payment"} <= set(skeleton.platforms)
    assert skeleton.repaired == ["MASTERS system:btp.ho-tich -> dataset:ho-tich"]
    assert all(database.master for database in skeleton.databases)


def test_merged_in_provinces_are_read_from_the_description():
    description = ("Thành phố Hồ Chí Minh sau sắp xếp theo Nghị quyết 202/2025/QH15: hợp nhất Thành phố Hồ Chí Minh, "
                   "tỉnh Bình Dương và tỉnh Bà Rịa – Vũng Tàu; kế thừa các hệ thống thông tin của từng tỉnh cũ.")
    assert predecessors(description, "TP. Hồ Chí Minh") == ("Bình Dương", "Bà Rịa – Vũng Tàu")
    assert predecessors("Tỉnh Cao Bằng giữ nguyên.", "Cao Bằng") == ()
