"""Spreadsheet inventories: an XLSX workbook with one sheet per entity type, or CSV files, one per type.

The layout is the import template's (`registry template`): headers in Vietnamese or English, rows
numbered as the spreadsheet shows them, so every reject names file, sheet, row and column.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from importers.archive import ArchiveRefused, check_workbook
from importers.base import ImportContext, ImportItem, Location, Reject, size_reject
from importers.tabular import RELATIONSHIPS, RowReader, is_readme, normalise, sheet_type


# A CSV line may hold this many maximal cells before it is refused unread (REGISTRY_IMPORT_MAX_CELL_CHARS x 64).
LINE_CELLS = 64


class XlsxImporter:
    name = "xlsx"
    version = "1.0"
    extensions = (".xlsx", ".xlsm", ".xls", ".ods")
    description = "Inventory workbook in the import template's layout (one sheet per entity type)"

    def can_read(self, path: Path, head: str) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        file = str(path)
        limits = context.limits
        too_big = size_reject(path, limits.max_file_bytes, "max_file_bytes")
        if too_big:
            yield too_big
            return
        try:  # the archive is checked in constant memory before the reader inflates anything
            checked = check_workbook(path, limits)
        except ArchiveRefused as refused:
            yield Reject(Location(file), "file", str(refused))
            return
        unnamed = checked.unnamed_problem(limits)
        if unnamed:
            yield Reject(Location(file), "file", f"refused: worksheet {unnamed}")
            return
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except (CalamineError, OSError, ValueError) as error:
            yield Reject(Location(file), "file", f"not a readable spreadsheet: {error}")
            return
        try:
            known = [name for name in workbook.sheet_names if not is_readme(name)]
            for sheet_name in known:
                record_type = sheet_type(sheet_name)
                if record_type is None:
                    yield Reject(Location(file, None, sheet_name), "sheet",
                                 "unknown sheet; name it after an entity type as in the template "
                                 "(e.g. 'Hệ thống thông tin' or 'System') or 'Quan hệ' for relationships")
                    continue
                too_large = checked.sheet_problem(sheet_name, limits)
                if too_large:
                    yield Reject(Location(file, None, sheet_name), "sheet", too_large)
                    continue
                sheet = workbook.get_sheet_by_name(sheet_name)
                first_row = sheet.start[0] if sheet.start else 0
                rows = ((first_row + index + 1, list(row)) for index, row in enumerate(sheet.iter_rows()))
                yield from RowReader(file, sheet_name, record_type, context).items(rows)
        except CalamineError as error:
            yield Reject(Location(file), "file", f"the spreadsheet could not be read to the end: {error}")
        finally:
            workbook.close()


class CsvImporter:
    name = "csv"
    version = "1.0"
    extensions = (".csv", ".tsv")
    description = "One CSV file per entity type (named after it), or one file with a 'type' column"

    def can_read(self, path: Path, head: str) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path, context: ImportContext) -> Iterator[ImportItem]:
        file = str(path)
        too_big = size_reject(path, context.limits.max_file_bytes, "max_file_bytes")
        if too_big:
            yield too_big
            return
        problem = _utf8_problem(path)
        if problem:
            yield Reject(Location(file, problem[0]), "file", problem[1])
            return
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            yield Reject(Location(file), "file", f"cannot read: {error.strerror}")
            return
        with handle:
            sample = handle.read(65536)
            handle.seek(0)
            # Only the delimiter is guessed; quoting is RFC 4180's, as spreadsheets write it (the sniffer's own
            # guess of `doublequote` is wrong for a cell like "Mô tả ""trích dẫn"" dài" and shifts the row).
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            # Lines are bounded here; a cell over the limit is then a reject of its row (RowReader), so csv's own
            # (process-wide) field limit is only ever raised to the line limit, never lowered.
            line_limit = LINE_CELLS * context.limits.max_cell_chars
            csv.field_size_limit(max(csv.field_size_limit(), line_limit))
            reader = csv.reader(_bounded_lines(handle, line_limit), csv.excel, delimiter=delimiter)
            try:
                first = next(reader, None)
            except csv.Error as error:
                yield _csv_problem(file, reader.line_num, error, context)
                return
            if first is None:
                return
            record_type = sheet_type(path.stem)
            has_type_column = any(normalise(cell) in ("type", "loai") or normalise(cell).endswith(" type")
                                  or "(type)" in cell for cell in first)
            if has_type_column and record_type != RELATIONSHIPS:
                record_type = None
            elif record_type is None:
                yield Reject(Location(file, 1), "file", "cannot tell which entity type the rows are: name the "
                             "file after a template sheet (e.g. he-thong-thong-tin.csv, systems.csv) or add a "
                             "'Loại (type)' column")
                return
            stopped: list[Reject] = []
            rows = _chain_rows(first, reader, lambda error: stopped.append(
                _csv_problem(file, reader.line_num, error, context)))
            yield from RowReader(file, None, record_type, context).items(rows)
            yield from stopped  # the line the reader stopped at, after the rows before it


def _bounded_lines(handle: Any, limit: int) -> Iterator[str]:
    """The file's lines, refusing one longer than `limit` characters before reading the rest of it: a file of
    one endless line must not be read whole into memory (csv's own cell limit applies only after that)."""
    while line := handle.readline(limit + 1):
        if len(line) > limit:
            raise csv.Error(f"a line is longer than {limit:,} characters")
        yield line


def _chain_rows(first: list[str], reader: Any,
                on_error: Callable[[csv.Error], object]) -> Iterator[tuple[int, list[str]]]:
    yield 1, first
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        on_error(error)


def _csv_problem(file: str, line: int, error: csv.Error, context: ImportContext) -> Reject:
    """A line the csv reader cannot pass: a cell over the length limit, or broken quoting. Nothing after it
    is read (the reader cannot find the next row's start), everything before it was."""
    if "a line is longer than" in str(error):
        reason = (f"{error} ({LINE_CELLS} cells of REGISTRY_IMPORT_MAX_CELL_CHARS); this line and the rest of the "
                  "file were not read")
    elif "field larger than field limit" in str(error):
        reason = (f"a cell is longer than {csv.field_size_limit():,} characters; this line and the rest of the file "
                  "were not read")
    else:
        reason = f"unreadable CSV: {error}; this line and the rest of the file were not read"
    return Reject(Location(file, line), "file", reason)


def _utf8_problem(path: Path) -> tuple[int, str] | None:
    """Check the file decodes as UTF-8 before parsing, so the reject names the first bad line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    line += chunk[:error.start].count(b"\n")
                    return line, ("not UTF-8 text (it looks like another encoding, e.g. Windows-1258); "
                                  "save it as 'CSV UTF-8' and import again")
                line += text.count("\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line, "not UTF-8 text: the file ends inside a character"
    except OSError as error:
        return None if error.errno is None else (0, f"cannot read: {error.strerror}")
    return None
