"""Rows are written as a person fills in the template, and counted as they go."""

from __future__ import annotations

from datetime import date

from registry.synthetic.writer import TemplateWriter, cell, read_counts, sheet_file_name


def test_cells_read_as_the_template_asks():
    assert cell(["a", "b"]) == "a; b" and cell(True) == "có" and cell(None) == ""
    assert cell(date(2025, 7, 1)) == "2025-07-01"
    assert cell('"Một hệ thống – Một dữ liệu"; tám nhóm') == "“Một hệ thống – Một dữ liệu”; tám nhóm"


def test_link_columns_count_as_relationships(tmp_path):
    with TemplateWriter(tmp_path) as writer:
        writer.node("Agency", {"id": "agency:a", "name": "Bộ A", "level": "ministry"})
        writer.node("Dataset", {"id": "dataset:d", "name": "Dữ liệu", "owner": "agency:a", "master": "system:s"})
        writer.relationship("USES", "agency:a", "system:s", since=date(2025, 7, 1))
    assert writer.nodes == {"Agency": 1, "Dataset": 1}
    assert writer.relationships == {"OWNS": 1, "MASTERS": 1, "USES": 1}
    assert read_counts(tmp_path) == (writer.nodes, writer.relationships)
    assert (tmp_path / sheet_file_name("Dataset")).read_text(encoding="utf-8-sig").splitlines()[1] == \
        "dataset:d,Dữ liệu,,,,,,,,,,agency:a,system:s"
