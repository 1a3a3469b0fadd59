"""Zip bombs, absurd used ranges, huge cells, too many rows and oversized files in XLSX and CSV inventories: refused
early (before the workbook is inflated or the sheet loaded), with a reject naming file, sheet, row and field; the
valid sheets and files beside them still load."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from importers import ImportContext, Parsed
from importers.limits import ImportLimits
from importers.tabular import sheet_spec
from registry.loading import Loader
from tests.conftest import REPO
from tests.hostile.conftest import read, read_in_subprocess
from tests.hostile.test_documents import ALIAS_BOMB
from tests.hostile.workbooks import sheet_xml, write_bomb, write_workbook

AGENCY_HEADER = [column.header for name in ("id", "name", "level")
                 for column in sheet_spec("Agency").columns if column.field == name]


def agency_rows(count: int, start: int = 0) -> list[list[str]]:
    return [AGENCY_HEADER] + [[f"agency:t.{n}", f"Sở số {n}", "unit"] for n in range(start, start + count)]


def ids(parsed: list[Parsed]) -> list[str]:
    return [p.record.id for p in parsed]


# --- zip bombs ---------------------------------------------------------------------------------------------------

def test_a_sheet_that_inflates_to_gigabytes_is_refused_from_the_archive_directory(tmp_path):
    bomb = write_bomb(tmp_path / "bomb.xlsx", inflated_mib=2048)
    assert bomb.stat().st_size < 3 << 20  # 2 GiB of sheet in 2 MiB of file
    started = time.perf_counter()
    outcome = read_in_subprocess("xlsx", bomb)
    assert time.perf_counter() - started < 30
    assert outcome["parsed"] == 0
    assert [reject[:4] for reject in outcome["rejects"]] == [[str(bomb), None, None, "file"]]
    assert "zip bomb refused" in outcome["rejects"][0][4]
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 20, outcome


def test_a_bomb_within_the_ratio_limit_is_refused_by_its_total_size(tmp_path):
    """With the ratio check off, the total decompressed size still refuses it, before anything is inflated."""
    bomb = write_bomb(tmp_path / "bomb.xlsx", inflated_mib=400)
    outcome = read_in_subprocess("xlsx", bomb, {"max_compression_ratio": 10**9, "max_uncompressed_bytes": 64 << 20})
    # (Its headers tell the truth, so the declared total refuses it before inflating; a liar is refused below.)
    assert outcome["parsed"] == 0 and [r[3] for r in outcome["rejects"]] == ["file"]
    assert "zip bomb refused" in outcome["rejects"][0][4] and "64 MiB" in outcome["rejects"][0][4]
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 20, outcome


def test_a_bomb_whose_headers_lie_about_its_size_is_refused(tmp_path):
    """Declared 1 KiB, inflates to 300 MiB: inflating stops at the declared size and the part fails its check."""
    bomb = write_bomb(tmp_path / "liar.xlsx", inflated_mib=300, declared_size=1024)
    outcome = read_in_subprocess("xlsx", bomb)
    assert outcome["parsed"] == 0 and [r[3] for r in outcome["rejects"]] == ["file"]
    assert "not a readable workbook archive" in outcome["rejects"][0][4]
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 20, outcome


def test_an_archive_of_too_many_parts_is_refused_from_its_directory(tmp_path):
    bomb = write_bomb(tmp_path / "parts.xlsx", inflated_mib=1, extra_parts=2000)
    parsed, rejects = read("xlsx", bomb, limits=ImportLimits(max_archive_entries=1000))
    assert parsed == [] and [(r.location.file, r.field) for r in rejects] == [(str(bomb), "file")]
    assert "2,005 parts" in rejects[0].reason and "REGISTRY_IMPORT_MAX_ARCHIVE_ENTRIES" in rejects[0].reason


# --- sheets too large to load --------------------------------------------------------------------------------------

def test_two_cells_far_apart_do_not_make_the_reader_allocate_their_range(tmp_path):
    """A1 and XFD1048576: 1.5 KiB on disk, 17 billion cells (512 GiB) for the reader, which would abort the
    process. The sheet is refused; the workbook's valid sheet loads."""
    path = write_workbook(tmp_path / "sparse.xlsx", {
        "Hệ thống": sheet_xml({"A1": "id", "XFD1048576": "x"}),
        "Cơ quan": sheet_xml(agency_rows(2)),
    })
    outcome = read_in_subprocess("xlsx", path)
    assert outcome["parsed"] == 2
    assert [r[:4] for r in outcome["rejects"]] == [[str(path), "Hệ thống", None, "sheet"]]
    assert "1,048,576 rows" in outcome["rejects"][0][4]
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 20, outcome


def test_a_used_range_above_the_cell_limit_is_refused(tmp_path):
    path = write_workbook(tmp_path / "wide.xlsx", {"Cơ quan": sheet_xml({"A1": "id", "ZZ5000": "x"})})
    parsed, rejects = read("xlsx", path, limits=ImportLimits(max_cells=1_000_000))
    assert [(r.location.sheet, r.field) for r in rejects] == [("Cơ quan", "sheet")]
    assert "3,510,000 cells" in rejects[0].reason and "REGISTRY_IMPORT_MAX_CELLS" in rejects[0].reason


def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_loading(tmp_path):
    path = write_workbook(tmp_path / "rows.xlsx", {"Cơ quan": sheet_xml(agency_rows(10))})
    parsed, rejects = read("xlsx", path, limits=ImportLimits(max_rows=5))
    assert parsed == [] and [(r.location.file, r.location.sheet, r.field) for r in rejects] == [
        (str(path), "Cơ quan", "sheet")]
    assert "row 11" in rejects[0].reason and "REGISTRY_IMPORT_MAX_ROWS" in rejects[0].reason


def test_a_csv_with_more_rows_than_the_limit_loads_the_rows_before_it_and_names_the_row(tmp_path):
    path = tmp_path / "co-quan.csv"
    path.write_text("\n".join(",".join(row) for row in agency_rows(10)) + "\n", encoding="utf-8")
    parsed, rejects = read("csv", path, limits=ImportLimits(max_csv_rows=5))
    assert ids(parsed) == [f"agency:t.{n}" for n in range(4)]
    assert [(r.location.file, r.location.line, r.field) for r in rejects] == [(str(path), 6, "file")]
    assert "more than 5 rows" in rejects[0].reason and "REGISTRY_IMPORT_MAX_CSV_ROWS" in rejects[0].reason


def test_a_csv_longer_than_a_workbook_may_be_loads_whole(tmp_path):
    """A nation's relationships file has about 1.9 million rows: a CSV is streamed, so the workbook's row limit
    (Excel's) does not apply to it."""
    path = tmp_path / "co-quan.csv"
    path.write_text("\n".join(",".join(row) for row in agency_rows(10)) + "\n", encoding="utf-8")
    parsed, rejects = read("csv", path, limits=ImportLimits(max_rows=5))
    assert rejects == [] and len(parsed) == 10


# --- huge cells ------------------------------------------------------------------------------------------------------

def test_a_huge_cell_in_a_workbook_is_a_reject_naming_row_and_field(tmp_path):
    rows = agency_rows(3)
    rows[2][1] = "Sở " + "x" * 40_000
    path = write_workbook(tmp_path / "cell.xlsx", {"Cơ quan": sheet_xml(rows)})
    parsed, rejects = read("xlsx", path)
    assert ids(parsed) == ["agency:t.0", "agency:t.2"]
    assert [(r.location.sheet, r.location.line, r.field) for r in rejects] == [("Cơ quan", 3, "name")]
    assert "40,003 characters" in rejects[0].reason and "REGISTRY_IMPORT_MAX_CELL_CHARS" in rejects[0].reason


def test_a_huge_cell_in_a_csv_is_a_reject_naming_line_and_field(tmp_path):
    rows = agency_rows(4)
    rows[3][1] = '"Sở ' + "x" * 200_000 + '"'  # above csv's own default field limit (131,072) too
    path = tmp_path / "co-quan.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    parsed, rejects = read("csv", path)
    assert ids(parsed) == ["agency:t.0", "agency:t.1", "agency:t.3"]
    assert [(r.location.file, r.location.line, r.field) for r in rejects] == [(str(path), 4, "name")]
    assert "200,003 characters" in rejects[0].reason and "REGISTRY_IMPORT_MAX_CELL_CHARS" in rejects[0].reason


def test_a_csv_of_one_endless_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "co-quan.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(AGENCY_HEADER) + "\n")
        for _ in range(200):
            handle.write("x" * (1 << 20))  # 200 MiB, no newline
    outcome = read_in_subprocess("csv", path)
    assert outcome["parsed"] == 0
    assert [r[2:4] for r in outcome["rejects"]] == [[1, "file"]] or [r[3] for r in outcome["rejects"]] == ["file"]
    assert "characters" in outcome["rejects"][0][4]
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 40, outcome


# --- files above the size limit ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, setting", [
    ("co-quan.csv", "max_file_bytes"), ("inventory.xlsx", "max_file_bytes"), ("api.yaml", "max_document_bytes"),
    ("catalog-info.yaml", "max_document_bytes"), ("catalogue.ttl", "max_document_bytes"),
    ("catalogue.jsonld", "max_document_bytes"),
])
def test_a_file_above_its_size_limit_is_refused_unread(tmp_path, name, setting):
    formats = {"api.yaml": "openapi", "catalog-info.yaml": "backstage", "catalogue.ttl": "dcat",
               "catalogue.jsonld": "dcat", "nodes.yaml": "native", "nodes.json": "native", "co-quan.csv": "csv",
               "inventory.xlsx": "xlsx"}
    path = tmp_path / name
    path.write_bytes(b"#" * 5000)
    parsed, rejects = read(formats[name], path, limits=ImportLimits(**{setting: 4096}))
    assert parsed == [] and [(r.location.file, r.field) for r in rejects] == [(str(path), "file")]
    assert "file too large" in rejects[0].reason and f"REGISTRY_IMPORT_{setting.upper()}" in rejects[0].reason


@pytest.mark.parametrize("name", ["nodes.yaml", "nodes.json"])
def test_a_native_document_above_the_size_limit_is_refused_unread(tmp_path, monkeypatch, name):
    """The native importer reads its limits from the environment (REGISTRY_IMPORT_MAX_DOCUMENT_BYTES)."""
    monkeypatch.setenv("REGISTRY_IMPORT_MAX_DOCUMENT_BYTES", "4096")
    path = tmp_path / name
    path.write_bytes(b"#" * 5000)
    parsed, rejects = read("native", path)
    assert parsed == [] and [(r.location.file, r.field) for r in rejects] == [(str(path), "file")]
    assert "file too large" in rejects[0].reason


def test_the_limits_come_from_the_environment(monkeypatch):
    from registry.settings import RegistrySettings

    monkeypatch.setenv("REGISTRY_IMPORT_MAX_ROWS", "7")
    monkeypatch.setenv("REGISTRY_IMPORT_MAX_FILE_BYTES", "1000")
    assert ImportContext().limits.max_rows == 7
    assert RegistrySettings().import_limits.max_file_bytes == 1000


# --- nothing valid is lost ---------------------------------------------------------------------------------------

def test_a_valid_file_beside_bombs_still_loads(tmp_path, graph):
    write_bomb(tmp_path / "1-bomb.xlsx", inflated_mib=2048)
    write_workbook(tmp_path / "2-sparse.xlsx", {"Hệ thống": sheet_xml({"A1": "id", "XFD1048576": "x"})})
    write_workbook(tmp_path / "3-valid.xlsx", {"Cơ quan": sheet_xml(agency_rows(3))})
    (tmp_path / "4-co-quan.csv").write_text(
        "\n".join(",".join(row) for row in agency_rows(2, start=10)) + "\n", encoding="utf-8")
    shutil.copy(REPO / "tests" / "fixtures" / "archimate" / "billion-laughs.xml", tmp_path / "5-laughs.xml")
    (tmp_path / "6-aliases.yaml").write_text(ALIAS_BOMB + "nodes: *i\n", encoding="utf-8")
    report = Loader(graph).load_files(sorted(tmp_path.iterdir()))
    assert sorted(graph.store.read("MATCH (a:Agency) RETURN a.id AS id ORDER BY id"), key=str) == sorted(
        [{"id": f"agency:t.{n}"} for n in (0, 1, 2, 10, 11)], key=str)
    assert sorted((Path(r.location.file).name, r.field) for r in report.rejects) == [
        ("1-bomb.xlsx", "file"), ("2-sparse.xlsx", "sheet"), ("5-laughs.xml", "file"), ("6-aliases.yaml", "file")]
