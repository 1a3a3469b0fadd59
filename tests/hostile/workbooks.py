"""Workbooks built part by part for the hostile tests: valid ones, and zip bombs whose deflate stream is written
block by block (a full flush makes every 1 MiB block compress to the same bytes), so a part that inflates to
gigabytes takes milliseconds and a few MiB of disk to make."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
OVERRIDE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}'
            '</sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships">{rels}</Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: list[list[str]] | dict[str, str]) -> str:
    """A worksheet of inline strings: a list of rows from A1, or {cell reference: text} for cells far apart."""
    cells = rows if isinstance(rows, dict) else {
        f"{column_letters(col)}{row}": text for row, values in enumerate(rows, 1) for col, text in enumerate(values, 1)}
    by_row: dict[int, list[str]] = {}
    for reference, text in cells.items():
        number = int(reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        by_row.setdefault(number, []).append(
            f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>')
    body = "".join(f'<row r="{number}">{"".join(cells)}</row>' for number, cells in sorted(by_row.items()))
    return SHEET_HEAD + body + SHEET_TAIL


def workbook_parts(sheets: dict[str, str]) -> dict[str, bytes]:
    """The parts of a workbook with these sheets (name -> worksheet XML)."""
    names = list(sheets)
    parts = {
        "[Content_Types].xml": CONTENT_TYPES.format(
            overrides="".join(OVERRIDE.format(n=n) for n in range(1, len(names) + 1))),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(sheets="".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.format(rels="".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(names) + 1))),
    }
    encoded = {name: text.encode("utf-8") for name, text in parts.items()}
    for n, name in enumerate(names, 1):
        encoded[f"xl/worksheets/sheet{n}.xml"] = sheets[name].encode("utf-8")
    return encoded


def write_workbook(path: Path, sheets: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in workbook_parts(sheets).items():
            archive.writestr(name, data)
    return path


def write_bomb(path: Path, inflated_mib: int, declared_size: int | None = None, extra_parts: int = 0) -> Path:
    """A workbook whose one sheet inflates to `inflated_mib` MiB of whitespace inside valid sheet XML.

    `declared_size` makes the headers lie about it (None: they tell the truth). The CRC is left zero: a bomb's
    CRC is only checked after the whole part is inflated, which is what the importer must never do."""
    parts = workbook_parts({"Hệ thống": "PLACEHOLDER"})
    head, tail = SHEET_HEAD.encode(), SHEET_TAIL.encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block_input = b" " * (1 << 20)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(block_input) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = [first, block * inflated_mib, compressor.compress(tail) + compressor.flush()]
    inflated = len(head) + inflated_mib * len(block_input) + len(tail)
    entries = [(name, data, False) for name, data in parts.items() if not name.endswith("sheet1.xml")]
    entries += [(f"xl/media/padding{n}.bin", b"", False) for n in range(extra_parts)]
    with path.open("wb") as handle:
        directory = []
        for name, data, _ in entries:
            directory.append(_write_entry(handle, name, zlib.compress(data)[2:-4], len(data), zlib.crc32(data)))
        compressed = b"".join(stream)
        directory.append(_write_entry(handle, "xl/worksheets/sheet1.xml", compressed,
                                      inflated if declared_size is None else declared_size, 0))
        start = handle.tell()
        for record in directory:
            handle.write(record)
        handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory),
                                 handle.tell() - start, start, 0))
    return path


def _write_entry(handle, name: str, compressed: bytes, size: int, crc: int) -> bytes:  # type: ignore[no-untyped-def]
    """Write one deflated part's local header and data; return its central directory record."""
    encoded = name.encode("utf-8")
    offset = handle.tell()
    flags = 0x800  # the name is UTF-8
    handle.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, 0x21, crc, len(compressed),
                             min(size, 0xFFFFFFFF), len(encoded), 0) + encoded)
    handle.write(compressed)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, 0, 0x21, crc, len(compressed),
                       min(size, 0xFFFFFFFF), len(encoded), 0, 0, 0, 0, 0, offset) + encoded
