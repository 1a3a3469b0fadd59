"""Rows out as they are made, in the import template's CSV folder layout (`registry template --format csv`).

One CSV per sheet, named and headed exactly as the template writes them, so `registry import DIR` reads the output
as a filled-in template. Rows are written the moment they are generated (nothing is held back), and the writer
counts what it wrote: nodes per type and relationships per type, including those the link columns stand for
(owner → OWNS, parent → PART_OF, master → MASTERS).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from graph_model import NODE_TYPES, RULES, slugify
from graph_model.labels import LINK_COLUMNS
from importers.tabular import RELATIONSHIPS, sheet_spec

SHEETS = (*NODE_TYPES, RELATIONSHIPS)
BUFFER = 1 << 20
_QUOTED = re.compile(r'"([^"]*)"')


def sheet_file_name(record_type: str) -> str:
    """The file the template names for a sheet, e.g. "02-he-thong-thong-tin.csv" (as importers.template does)."""
    position = SHEETS.index(record_type) + 1
    return f"{position:02d}-{slugify(sheet_spec(record_type).label_vi)}.csv"


def cell(value: Any) -> str:
    """A value as a person would type it in the template: lists with "; ", yes/no as "có"/"không"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # Straight double quotes become typographic ones: the CSV importer sniffs its dialect, and the sniffer takes
    # a field with doubled quotes ("" inside "…") for a file without quote doubling, which shifts the row.
    return _QUOTED.sub(r"“\1”", text).replace('"', "”") if '"' in text else text


class TemplateWriter:
    """Streams node and relationship rows into the template's CSV files under one folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.nodes: Counter[str] = Counter()
        self.relationships: Counter[str] = Counter()
        self._handles: dict[str, TextIO] = {}
        self._writers: dict[str, Any] = {}
        self._fields: dict[str, list[str]] = {}
        self._links: dict[str, list[tuple[str, str]]] = {}
        for record_type in SHEETS:
            spec = sheet_spec(record_type)
            handle = (folder / sheet_file_name(record_type)).open("w", encoding="utf-8-sig", newline="",
                                                                  buffering=BUFFER)
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([column.header for column in spec.columns])
            self._handles[record_type] = handle
            self._writers[record_type] = writer
            self._fields[record_type] = [column.field for column in spec.columns]
            self._links[record_type] = [(column.field, LINK_COLUMNS[column.field][0]) for column in spec.columns
                                        if column.kind == "link"]

    def node(self, record_type: str, values: Mapping[str, Any]) -> None:
        """One entity row; `values` by field name (unknown fields are an error), link columns included."""
        fields = self._fields[record_type]
        unknown = set(values) - set(fields)
        if unknown:
            raise ValueError(f"{record_type} has no column for {', '.join(sorted(unknown))}")
        self._writers[record_type].writerow([cell(values.get(name)) for name in fields])
        self.nodes[record_type] += 1
        for field, rel_type in self._links[record_type]:
            if values.get(field):
                self.relationships[rel_type] += 1

    def relationship(self, rel_type: str, source: str, target: str, **properties: Any) -> None:
        """One row of the relationships sheet."""
        if rel_type not in RULES:
            raise ValueError(f"unknown relationship type {rel_type!r}")
        values = {"type": rel_type, "from": source, "to": target, **properties}
        self._writers[RELATIONSHIPS].writerow([cell(values.get(name)) for name in self._fields[RELATIONSHIPS]])
        self.relationships[rel_type] += 1

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()

    def __enter__(self) -> TemplateWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def read_counts(folder: Path) -> tuple[Counter[str], Counter[str]]:
    """Nodes per type and relationships per type in a folder this writer wrote, counted from the files (streaming)."""
    nodes: Counter[str] = Counter()
    relationships: Counter[str] = Counter()
    for record_type in SHEETS:
        path = folder / sheet_file_name(record_type)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            fields = [sheet_spec(record_type).column_for(name).field for name in header]  # type: ignore[union-attr]
            links = [(index, LINK_COLUMNS[name][0]) for index, name in enumerate(fields) if name in LINK_COLUMNS]
            type_index = fields.index("type") if record_type == RELATIONSHIPS else -1
            for row in reader:
                if record_type == RELATIONSHIPS:
                    relationships[row[type_index]] += 1
                    continue
                nodes[record_type] += 1
                for index, rel_type in links:
                    if row[index]:
                        relationships[rel_type] += 1
    return nodes, relationships
