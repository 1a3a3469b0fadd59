"""The import template, generated from the metamodel: an XLSX workbook or a folder of CSV files.

Its headers are the ones the spreadsheet importers read (`importers.tabular`), so a filled-in template always
imports; its README sheet explains each column and its allowed values in Vietnamese and English.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from graph_model import NODE_TYPES, RULES, slugify
from graph_model.labels import VALUE_LABELS
from importers.tabular import RELATIONSHIPS, Column, sheet_spec

SHEETS = (*NODE_TYPES, RELATIONSHIPS)
README_TITLE = "Hướng dẫn"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")

INTRO = [
    "Mẫu kê khai kiến trúc — OneGov Architecture Registry / Architecture inventory template",
    "Mỗi trang tính là một loại đối tượng; dòng đầu là tiêu đề cột, mỗi dòng sau là một đối tượng. "
    "Each sheet is one entity type; the first row holds the headers, each further row one entity.",
    "Cột tô đỏ là bắt buộc. Mã định danh chỉ gồm chữ cái không dấu, chữ số và . _ : / @ + - "
    "(ví dụ system:tinh-15.mot-cua). Red columns are required; ids are ASCII.",
    "Danh sách nhiều giá trị ngăn cách bằng dấu chấm phẩy (;). Lists are separated by semicolons.",
    "Trang 'Quan hệ' nối hai đối tượng bằng mã: Loại (OWNS, MASTERS…), Từ, Đến. "
    "The relationships sheet joins two entities by id.",
    "Nhập: registry import tep.xlsx (--dry-run để xem trước thay đổi). Import: registry import file.xlsx.",
]


def _allowed_text(column: Column) -> str:
    if column.field == "type" and column.allowed and column.allowed[0] in RULES:
        return "; ".join(f"{name} ({RULES[name].meaning_vi})" for name in column.allowed)
    return "; ".join(f"{value} ({VALUE_LABELS[value]})" if value in VALUE_LABELS else value
                     for value in column.allowed)


def readme_rows() -> list[list[str]]:
    """One row per column of every sheet: sheet, header, field, required, allowed values, description."""
    rows = [["Trang tính / Sheet", "Tiêu đề cột / Header", "Trường / Field", "Bắt buộc / Required",
             "Giá trị cho phép / Allowed values", "Ghi chú / Notes"]]
    for record_type in SHEETS:
        spec = sheet_spec(record_type)
        for column in spec.columns:
            notes = column.description or column.label_en
            if column.kind == "list":
                notes += " — ngăn cách bằng ; / separated by ;"
            elif column.kind == "boolean":
                notes += " — có/không, yes/no"
            elif column.kind == "date":
                notes += " — YYYY-MM-DD"
            elif column.kind == "link":
                notes = f"{column.label_en}: {notes}"
            rows.append([spec.label_vi, column.header, column.field, "có / yes" if column.required else "",
                         _allowed_text(column), notes])
    return rows


def write_xlsx(path: Path) -> None:
    """An empty workbook: README first, then one sheet per entity type and the relationships sheet."""
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_TITLE
    for line in INTRO:
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=13)
    readme.append([])
    first_table_row = readme.max_row + 1
    for row in readme_rows():
        readme.append(row)
    for cell in readme[first_table_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for index, width in enumerate((22, 34, 20, 12, 60, 60), start=1):
        readme.column_dimensions[get_column_letter(index)].width = width
    for record_type in SHEETS:
        spec = sheet_spec(record_type)
        sheet = workbook.create_sheet(spec.label_vi)
        sheet.append([column.header for column in spec.columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(column.header) + 4))
            if column.allowed and len(",".join(column.allowed)) < 250:
                # Excel limits an inline list to 255 characters; longer lists are documented in the README only.
                validation = DataValidation(type="list", formula1='"' + ",".join(column.allowed) + '"',
                                            allow_blank=True, showErrorMessage=False)
                sheet.add_data_validation(validation)
                validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}10000")
    workbook.save(path)


def write_csv(folder: Path) -> list[Path]:
    """One header-only CSV per sheet (named so the CSV importer knows its type) and a README.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for position, record_type in enumerate(SHEETS, start=1):
        spec = sheet_spec(record_type)
        path = folder / f"{position:02d}-{slugify(spec.label_vi)}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerow([column.header for column in spec.columns])
        written.append(path)
    readme = folder / "README.txt"
    with readme.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(INTRO) + "\n\n")
        csv.writer(handle, delimiter="\t").writerows(readme_rows())
    written.append(readme)
    return written
