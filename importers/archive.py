"""Workbooks are zip archives: check one before a spreadsheet reader opens it, so a zip bomb costs nothing.

python-calamine inflates a whole sheet and allocates its whole used range (last row x last column) at once:
a 1.5 KiB workbook naming the cells A1 and XFD1048576 asks it for 512 GiB and aborts the process. So the archive
is checked here first, in constant memory, with the standard library's `zipfile` (which stops inflating a part at
its declared size and checks its CRC): the number of parts, their declared sizes and compression ratios, then
every part inflated in 1 MiB chunks and counted, and the cell references of every worksheet scanned for the used
range. Only a workbook that passes is handed to the reader, and only its sheets whose range fits.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree

from importers.limits import MIB, ImportLimits, size_text

CHUNK = MIB
RATIO_EXEMPT_BYTES = MIB  # parts smaller than this once inflated are not held to the compression ratio
# The `r` attribute of a row (r="12") or a cell (r="AB12"): where the reader will put it in the range.
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'][A-Za-z]{0,3}([0-9]{1,10})["']""")
_COLUMN = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})[0-9]""")
_TAIL = 64  # bytes kept between chunks so a reference split across two chunks is still seen
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_NAME_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
MAX_NAME_PART_BYTES = 16 * MIB


class ArchiveRefused(Exception):
    """The whole workbook is refused; the message says why, with the limit and its setting."""


@dataclass
class SheetRange:
    """The used range of one worksheet part, from its cell references."""

    part: str
    last_row: int = 0
    last_column: int = 0

    @property
    def cells(self) -> int:
        return self.last_row * self.last_column


@dataclass
class CheckedWorkbook:
    """What the check learnt: the used range of each worksheet, by sheet name where the workbook names it."""

    ranges: dict[str, SheetRange] = field(default_factory=dict)  # by worksheet part
    names: dict[str, str] = field(default_factory=dict)  # sheet name -> worksheet part

    def range_of(self, sheet: str) -> SheetRange | None:
        part = self.names.get(sheet)
        return self.ranges.get(part) if part else None

    def sheet_problem(self, sheet: str, limits: ImportLimits) -> str | None:
        """Why a sheet is too large to load, or None."""
        found = self.range_of(sheet)
        return range_problem(found, limits) if found else None

    def unnamed_problem(self, limits: ImportLimits) -> str | None:
        """A worksheet part no sheet name leads to, too large to load (the reader might still reach it)."""
        named = set(self.names.values())
        for part, found in self.ranges.items():
            if part not in named and (problem := range_problem(found, limits)):
                return f"{part}: {problem}"
        return None


def range_problem(found: SheetRange, limits: ImportLimits) -> str | None:
    if found.last_row > limits.max_rows:
        return (f"the sheet reaches row {found.last_row:,}, above the limit of {limits.max_rows:,} rows "
                "(REGISTRY_IMPORT_MAX_ROWS); no row of it was read")
    if found.cells > limits.max_cells:
        return (f"the sheet's used range is {found.last_row:,} rows x {found.last_column:,} columns = "
                f"{found.cells:,} cells, above the limit of {limits.max_cells:,} (REGISTRY_IMPORT_MAX_CELLS); "
                "no row of it was read")
    return None


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def check_workbook(path: Path, limits: ImportLimits) -> CheckedWorkbook:
    """Check a zip-based workbook (XLSX, XLSM, ODS) against the limits; raise ArchiveRefused naming the problem.

    A file that is not a zip archive at all passes (an .xls is not one): the reader names its own problems."""
    if not zipfile.is_zipfile(path):
        return CheckedWorkbook()
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            _check_directory(entries, limits)
            checked = CheckedWorkbook()
            inflated = 0
            for entry in entries:
                if entry.is_dir():
                    continue
                scan = _is_worksheet(entry.filename)
                found = SheetRange(entry.filename)
                tail = b""
                with archive.open(entry) as stream:
                    for chunk in iter(lambda: stream.read(CHUNK), b""):  # noqa: B023 - used at once
                        inflated += len(chunk)
                        if inflated > limits.max_uncompressed_bytes:
                            limit = size_text(limits.max_uncompressed_bytes)
                            raise ArchiveRefused(
                                f"zip bomb refused: its parts inflate beyond {limit} (at {entry.filename}; "
                                "REGISTRY_IMPORT_MAX_UNCOMPRESSED_BYTES); nothing in it was read")
                        if scan:
                            _scan_references(tail + chunk, found)
                            tail = chunk[-_TAIL:]
                if scan:
                    checked.ranges[entry.filename] = found
            checked.names = _sheet_parts(archive)
            return checked
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        # A part that inflates to more or less than it declares, or fails its CRC, is a forged archive.
        raise ArchiveRefused(f"not a readable workbook archive: {error}") from None


def _check_directory(entries: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    """The central directory alone: part count, declared total size and each part's compression ratio."""
    if len(entries) > limits.max_archive_entries:
        raise ArchiveRefused(f"zip archive refused: {len(entries):,} parts, above the limit of "
                             f"{limits.max_archive_entries:,} (REGISTRY_IMPORT_MAX_ARCHIVE_ENTRIES); nothing in it "
                             "was read")
    declared = sum(entry.file_size for entry in entries)
    if declared > limits.max_uncompressed_bytes:
        raise ArchiveRefused(f"zip bomb refused: its parts declare {size_text(declared)} once decompressed, above "
                             f"the limit of {size_text(limits.max_uncompressed_bytes)} "
                             "(REGISTRY_IMPORT_MAX_UNCOMPRESSED_BYTES); nothing in it was read")
    for entry in entries:
        if entry.file_size < RATIO_EXEMPT_BYTES:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            sizes = f"{size_text(entry.compress_size)} → {size_text(entry.file_size)}"
            raise ArchiveRefused(
                f"zip bomb refused: part {entry.filename} compresses {ratio:,.0f} to 1 ({sizes}), above the limit "
                f"of {limits.max_compression_ratio} to 1 (REGISTRY_IMPORT_MAX_COMPRESSION_RATIO); nothing in it was "
                "read")


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _scan_references(data: bytes, found: SheetRange) -> None:
    """Widen `found` to the rows and columns the references in `data` name (two regex passes in C: a sheet of
    100,000 rows is scanned in a fraction of a second)."""
    numbers = _ROW_NUMBER.findall(data)
    if numbers:
        found.last_row = max(found.last_row, max(map(int, numbers)))
    letters = set(_COLUMN.findall(data))
    if letters:
        found.last_column = max(found.last_column, max(column_number(column) for column in letters))
    found.last_column = max(found.last_column, 1 if found.last_row else 0)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part, from xl/workbook.xml and its relationships (parsed with defusedxml, and
    already known to be small: every part was inflated and counted above)."""
    try:
        if max(archive.getinfo(name).file_size for name in _NAME_PARTS) > MAX_NAME_PART_BYTES:
            return {}  # no real workbook lists its sheets in megabytes: leave the names unknown
        workbook = defusedxml.ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = defusedxml.ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - missing, broken or refused (a DTD): every worksheet then counts as unnamed
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter(f"{_RELS}Relationship")}
    names: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID))
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            names[sheet.get("name", "")] = part
    return names
