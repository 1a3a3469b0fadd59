"""Spreadsheet inventories (XLSX and CSV): the template's layout, Vietnamese or English headers, named rejects."""

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from importers import ImportContext, Parsed, Reject, importer_for
from importers.template import write_csv, write_xlsx
from registry.loading import Loader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spreadsheet"


def read(path: Path, **context) -> tuple[list[Parsed], list[Reject]]:
    items = list(importer_for(path).read(path, ImportContext(**context)))
    return [i for i in items if isinstance(i, Parsed)], [i for i in items if isinstance(i, Reject)]


def keys(parsed: list[Parsed]) -> list[str]:
    return [getattr(p.record, "id", None) or " ".join(p.record.key) for p in parsed]


def test_a_filled_template_reads_whole_with_sheet_and_row(tmp_path):
    parsed, rejects = read(FIXTURES / "valid.xlsx")
    assert rejects == []
    assert keys(parsed) == [
        "agency:tinh-15", "agency:tinh-15.so-khcn", "agency:tinh-15.so-khcn PART_OF agency:tinh-15",
        "system:tinh-15.mot-cua", "agency:tinh-15 OWNS system:tinh-15.mot-cua",
        "system:tinh-15.ioc", "agency:tinh-15.so-khcn OWNS system:tinh-15.ioc",
        "dataset:tinh-15.dat-dai", "agency:tinh-15 OWNS dataset:tinh-15.dat-dai",
        "system:tinh-15.mot-cua MASTERS dataset:tinh-15.dat-dai",
        "system:tinh-15.ioc CONNECTS_TO system:tinh-15.mot-cua",
        "system:tinh-15.ioc HOLDS_COPY_OF dataset:tinh-15.dat-dai",
    ]
    assert (parsed[0].location.sheet, parsed[0].location.line) == ("Cơ quan", 2)


def test_cells_are_converted_as_a_person_would_mean_them():
    parsed, _ = read(FIXTURES / "valid.xlsx")
    records = {getattr(p.record, "id", None): p.record for p in parsed}
    province = records["agency:tinh-15"]
    assert province.level == "province"  # "Tỉnh, thành phố", the Vietnamese label
    assert province.administrative_code == "15"  # a number in the sheet, text in the model
    assert records["agency:tinh-15.so-khcn"].tags == ["chuyển đổi số", "KHCN"]
    ioc = records["system:tinh-15.ioc"]
    assert (ioc.kind, ioc.status, ioc.security_level) == ("reporting", "operational", 2)
    land = records["dataset:tinh-15.dat-dai"]
    assert (land.category, land.personal_data, land.record_count) == ("local", True, 125000)
    assert records["system:tinh-15.mot-cua"].go_live.isoformat() == "2021-06-30"


def test_every_problem_in_a_bad_workbook_is_named_and_good_rows_still_read():
    parsed, rejects = read(FIXTURES / "malformed.xlsx")
    named = {(r.location.sheet, r.location.line, r.field) for r in rejects}
    assert named == {
        ("Agency", 1, "level"),  # a required column missing: the sheet is refused once, not row by row
        ("Hệ thống", 1, "Màu sắc"),  # an unknown column
        ("Hệ thống", 3, "security_level"),  # a wrong type
        ("Hệ thống", 5, "name"),  # a formula never calculated reads as empty
        ("Hệ thống", 7, "id"), ("Hệ thống", 7, "status"),
        ("Ghi chú riêng", None, "sheet"),  # a sheet that is no entity type
        ("Quan hệ", 3, "type"),  # an unknown relationship type
    }
    assert "no row of this sheet was loaded" in next(r.reason for r in rejects if r.field == "level")
    assert keys(parsed) == ["system:good", "agency:unknown OWNS system:good", "system:good",
                            "system:good EXPOSES api:nowhere"]  # "cung cấp API" is EXPOSES


def test_referential_problems_and_duplicate_ids_are_rejected_by_the_loader(graph):
    report = Loader(graph).load_files([FIXTURES / "malformed.xlsx"])
    loader_rejects = {(r.location.sheet, r.location.line, r.field): r.reason for r in report.rejects
                      if r.location.line not in (None, 1) and r.field in ("from", "to", "id")}
    assert "no entity with id 'agency:unknown'" in loader_rejects[("Hệ thống", 2, "from")]
    assert "defined differently at" in loader_rejects[("Hệ thống", 6, "id")]
    assert "no entity with id 'api:nowhere'" in loader_rejects[("Quan hệ", 2, "to")]
    assert graph.stats().nodes == {"System": 1}


def test_csv_files_are_typed_by_name_or_by_a_type_column():
    parsed, rejects = read(FIXTURES / "he-thong.csv")
    assert rejects == [] and keys(parsed) == ["system:csv.a", "system:csv.b"]
    assert parsed[1].record.name == 'Hệ thống "báo cáo", tỉnh'  # quoting survives
    assert parsed[0].record.status == "operational"
    parsed, rejects = read(FIXTURES / "mixed.csv")  # semicolon-separated, a type per row
    assert rejects == [] and keys(parsed) == ["agency:csv.x", "system:csv.y", "agency:csv.x OWNS system:csv.y"]


def test_csv_that_is_not_utf8_or_has_no_type_is_one_clear_reject():
    _, rejects = read(FIXTURES / "latin1.csv")
    assert [(r.location.line, r.field) for r in rejects] == [(2, "file")]
    assert "save it as 'CSV UTF-8'" in rejects[0].reason
    _, rejects = read(FIXTURES / "unnamed.csv")
    assert [(r.location.line, r.field) for r in rejects] == [(1, "file")]


def test_a_formula_typed_into_a_csv_is_refused(tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text("id,name\nsystem:x,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"\nsystem:y,Hệ thống Y\n",
                    encoding="utf-8")
    parsed, rejects = read(path)
    assert [(r.location.line, r.field) for r in rejects] == [(2, "name")]
    assert keys(parsed) == ["system:y"]


@pytest.mark.parametrize("description", ['"Đề án 06" là đề án', 'Theo "Đề án 06"', 'a "b" c, d', 'say "hi"'])
def test_quotes_doubled_inside_a_csv_cell_are_read_as_written(tmp_path, description):
    """Spreadsheets double a quote inside a quoted cell (RFC 4180); Python's sniffer guesses otherwise for some
    of these, which shifted the row."""
    import csv

    path = tmp_path / "systems.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "name", "description"], ["system:x", "Hệ thống, X", description],
                                      ["system:y", "Hệ thống Y", "y"]])
    parsed, rejects = read(path)
    assert rejects == []
    assert [item.record.description for item in parsed] == [description, "y"]


def test_the_owner_option_owns_what_the_file_gives_no_owner(tmp_path):
    parsed, _ = read(FIXTURES / "he-thong.csv", owner="agency:tinh-15")
    assert "agency:tinh-15 OWNS system:csv.a" in keys(parsed)


def test_a_file_that_is_not_a_spreadsheet_is_one_reject(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    parsed, rejects = read(path)
    assert parsed == [] and [r.field for r in rejects] == ["file"]


@pytest.mark.parametrize("writer", ["xlsx", "csv"])
def test_an_empty_template_imports_cleanly_and_documents_every_column(tmp_path, writer):
    if writer == "xlsx":
        target = tmp_path / "template.xlsx"
        write_xlsx(target)
        workbook = CalamineWorkbook.from_path(str(target))
        assert workbook.sheet_names[0] == "Hướng dẫn" and "Quan hệ" in workbook.sheet_names
        readme = workbook.get_sheet_by_name("Hướng dẫn").to_python()
        assert any(row[2] == "level" and "province (Tỉnh, thành phố)" in row[4] for row in readme)
        files = [target]
    else:
        files = [path for path in write_csv(tmp_path / "template") if path.suffix == ".csv"]
        assert (tmp_path / "template" / "README.txt").exists()
    items = [item for path in files for item in importer_for(path).read(path, ImportContext())]
    assert items == []


def test_every_node_field_has_a_column_in_the_template():
    from graph_model import NODE_TYPES
    from importers.tabular import sheet_spec

    for label, model in NODE_TYPES.items():
        columns = {column.field for column in sheet_spec(label).columns}
        assert set(model.model_fields) - {"type", "source", "import_run", "created_at", "updated_at"} <= columns


def test_a_filled_template_loads_into_the_store(graph):
    report = Loader(graph).load_files([FIXTURES / "valid.xlsx"])
    assert report.ok, report.rejects
    stats = graph.stats()
    assert stats.nodes == {"Agency": 2, "System": 2, "Dataset": 1}
    assert stats.relationships == {"OWNS": 3, "PART_OF": 1, "MASTERS": 1, "HOLDS_COPY_OF": 1, "CONNECTS_TO": 1}
    again = Loader(graph).load_files([FIXTURES / "valid.xlsx"])
    assert dict(again.counts["nodes"]) == {"unchanged": 5}
