"""`dataCopies`: local datasets that duplicate a national database (the other copy findings are query rules)."""

from __future__ import annotations

from .conftest import findings, load


def test_a_local_dataset_duplicating_a_national_database_is_found_unless_it_feeds_it(graph, analysis_dir):
    load(graph, analysis_dir / "gaps.yaml")
    found = findings(graph, "local-dataset-duplicates-national")
    # Bình Sơn's land data is mastered by a system not connected to the national land system: a second copy.
    # An Phú's ("CSDL đất đai", abbreviated) feeds the national system: its part of the national database.
    # "Y tế cơ sở" (primary health care) is not the national health database.
    assert [finding.subject.id for finding in found] == ["dataset:tinh-b.dat-dai"]
    finding = found[0]
    assert [(ref.id, ref.role) for ref in finding.entities] == [
        ("dataset:tinh-b.dat-dai", "subject"), ("dataset:dat-dai", "national"), ("agency:tinh-b", "owner")]
    assert "trùng nội dung với “Cơ sở dữ liệu quốc gia về đất đai”" in finding.reason
    assert "not connected to the national database's system" in finding.reason_en
    assert finding.principle == "One data"
