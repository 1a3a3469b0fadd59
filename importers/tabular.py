"""Rows of a sheet or CSV file → raw records: header matching in Vietnamese or English, cell conversion.

Shared by the XLSX and CSV importers and by the template writer, so the template's headers are exactly the
headers the importers accept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from graph_model import NODE_TYPES, RELATIONSHIP_TYPES, RULES
from graph_model.labels import FIELD_LABELS, LINK_COLUMNS, RELATIONSHIPS_LABEL, TYPE_LABELS, VALUE_LABELS
from importers.base import ImportContext, ImportItem, Location, Reject, validate_raw

RELATIONSHIPS = "Relationships"
NOT_IN_TEMPLATES = {"type", "source", "import_run", "created_at", "updated_at"}
README_NAMES = {"readme", "huong dan", "huongdan"}
FORMULA_PREFIX = "="
# What makes a spreadsheet take a cell for a formula (OWASP, CSV injection): exports put a quote before it.
FORMULA_STARTS = frozenset("=+-@\t\r")


def _needs_quote(text: str) -> bool:
    """Whether a text starts, after any quotes, with a formula character: those get one more quote on export,
    so a text that itself starts with a quote survives the round trip too."""
    first = text.lstrip("'")[:1]
    return first != "" and first in FORMULA_STARTS


def neutralise_formula(text: str) -> str:
    """A text safe to put in a spreadsheet cell: "=1+1" becomes "'=1+1" (restore_formula undoes it)."""
    return "'" + text if _needs_quote(text) else text


def restore_formula(text: str) -> str:
    """The text an exported cell stands for: one leading quote dropped when what follows it needed one."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def normalise(text: object) -> str:
    """Lower case, no diacritics (đ → d), words separated by one space: for matching headers and names."""
    value = str(text).replace("đ", "d").replace("Đ", "D")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the field it fills, how it is headed, and what it accepts."""

    field: str
    label_vi: str
    label_en: str
    kind: str  # text, list, boolean, integer, date, enum, link
    required: bool = False
    allowed: tuple[str, ...] = ()
    description: str = ""

    @property
    def header(self) -> str:
        return f"{self.label_vi} ({self.field})"


@dataclass(frozen=True)
class SheetSpec:
    """The columns of one sheet: a node type's, or the relationships sheet's."""

    record_type: str
    label_vi: str
    label_en: str
    columns: tuple[Column, ...]
    by_header: dict[str, Column] = field(default_factory=dict)

    def column_for(self, header: object) -> Column | None:
        text = str(header).strip()
        inner = re.search(r"\(([^()]*)\)\s*$", text)
        for candidate in ([inner.group(1)] if inner else []) + [text]:
            column = self.by_header.get(normalise(candidate))
            if column is not None:
                return column
        return None


def _field_kind(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    options = schema.get("anyOf", [schema])
    for option in options:
        if "$ref" in option:
            enum = defs[option["$ref"].rsplit("/", 1)[1]].get("enum")
            if enum:
                return "enum", tuple(enum)
        kind = option.get("type")
        if kind == "array":
            return "list", ()
        if kind == "boolean":
            return "boolean", ()
        if kind == "integer":
            return "integer", ()
        if option.get("format") == "date":
            return "date", ()
    return "text", ()


def _columns_of(model: type, extra: Iterable[Column] = ()) -> list[Column]:
    schema = model.model_json_schema(by_alias=True)  # type: ignore[attr-defined]
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    columns = []
    for name, prop in schema["properties"].items():
        if name in NOT_IN_TEMPLATES:
            continue
        kind, allowed = _field_kind(prop, defs)
        label_vi, label_en = FIELD_LABELS.get(name, (name, name))
        columns.append(Column(name, label_vi, label_en, kind, name in required, allowed,
                              prop.get("description", "")))
    return columns + list(extra)


def _index(columns: Iterable[Column]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for alias in (column.field, column.label_vi, column.label_en):
            index.setdefault(normalise(alias), column)
    return index


@cache
def sheet_spec(record_type: str) -> SheetSpec:
    """Columns of a node type's sheet (with owner/parent/master link columns), or of the relationships sheet."""
    if record_type == RELATIONSHIPS:
        seen: dict[str, Column] = {}
        type_column = Column("type", *FIELD_LABELS["type"], "enum", True, tuple(RULES),
                             "Relationship type (e.g. OWNS, MASTERS)")
        for model in RELATIONSHIP_TYPES.values():
            for column in _columns_of(model):
                seen.setdefault(column.field, column)
        columns = (type_column, *seen.values())
        return SheetSpec(RELATIONSHIPS, *RELATIONSHIPS_LABEL, columns, _index(columns))
    links = [Column(name, labels[0], labels[1], "link", False, (), f"id of the {rel_type} end")
             for name, (rel_type, types, _, labels) in LINK_COLUMNS.items() if record_type in types.split(",")]
    columns = tuple(_columns_of(NODE_TYPES[record_type], links))
    return SheetSpec(record_type, *TYPE_LABELS[record_type], columns, _index(columns))


@cache
def _sheet_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for record_type in (*NODE_TYPES, RELATIONSHIPS):
        spec = sheet_spec(record_type)
        for alias in (record_type, spec.label_vi, spec.label_en, spec.label_en.rstrip("s"),
                      re.sub(r"(?<!^)(?=[A-Z])", " ", record_type)):
            names[normalise(alias)] = record_type
    names[normalise("Dữ liệu")] = "Dataset"
    names[normalise("Hệ thống")] = "System"
    return names


def sheet_type(name: str) -> str | None:
    """The record type a sheet or file name stands for ('Hệ thống', 'systems', '02-he-thong' …), if any."""
    text = normalise(re.sub(r"^[\d\s._-]+", "", name))
    return _sheet_names().get(text)


def is_readme(name: str) -> bool:
    return normalise(name) in README_NAMES


def _relationship_type(value: str) -> str:
    """A relationship type given by name (OWNS) or by its Vietnamese meaning ('cơ quan chủ quản')."""
    text = str(value).strip()
    if text.upper() in RULES:
        return text.upper()
    for rel_type, rule in RULES.items():
        if normalise(text) == normalise(rule.meaning_vi):
            return rel_type
    return text


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_TRUE = {"true", "yes", "y", "x", "1", "co", "dung"}
_FALSE = {"false", "no", "n", "0", "khong", "sai"}


def convert(column: Column, value: Any) -> Any:
    """A cell's value in the type the field expects; anything unclear passes through for the model to judge."""
    if column.kind == "list":
        return [part.strip() for part in re.split(r"[;\n]", _text(value)) if part.strip()]
    if column.kind == "boolean":
        if isinstance(value, bool):
            return value
        text = normalise(_text(value))
        return True if text in _TRUE else False if text in _FALSE else _text(value)
    if column.kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if column.kind == "integer" and isinstance(value, int):
        return value
    if column.kind == "enum":
        text = _text(value)
        if text in column.allowed:
            return text
        by_label = {normalise(VALUE_LABELS.get(allowed, allowed)): allowed for allowed in column.allowed}
        by_label.update({normalise(allowed): allowed for allowed in column.allowed})
        return by_label.get(normalise(text), text)
    return _text(value)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class RowReader:
    """Turns the rows of one sheet (header first) into import items, streaming."""

    def __init__(self, file: str, sheet: str | None, record_type: str | None, context: ImportContext) -> None:
        self.file = file
        self.sheet = sheet
        self.record_type = record_type  # None: each row says its type in a "type" column
        self.context = context

    def items(self, rows: Iterable[tuple[int, list[Any]]]) -> Iterator[ImportItem]:
        iterator = iter(rows)
        header_row = None
        for number, row in iterator:
            if any(not _is_empty(cell) for cell in row):
                header_row = (number, row)
                break
        if header_row is None:
            return  # an empty sheet holds nothing to load and nothing wrong
        number, header = header_row
        columns, problems = self._map_header(number, header)
        yield from problems
        if any(problem.reason.startswith("required column") for problem in problems):
            return
        limits = self.context.limits
        max_rows, setting = ((limits.max_rows, "REGISTRY_IMPORT_MAX_ROWS") if self.sheet is not None
                             else (limits.max_csv_rows, "REGISTRY_IMPORT_MAX_CSV_ROWS"))
        for number, row in iterator:
            if number > max_rows:
                yield Reject(Location(self.file, number, self.sheet), "file",
                             f"more than {max_rows:,} rows ({setting}): row {number:,} and the "
                             "rows after it were not read")
                return
            if all(_is_empty(cell) for cell in row):
                continue
            yield from self._row_items(number, columns, row)

    def _row_type(self, text: str) -> str:
        """A row's own type: a node type or relationship type, by name or by its Vietnamese label."""
        if self.record_type == RELATIONSHIPS or text.upper() in RULES:
            return _relationship_type(text)
        if text in NODE_TYPES:
            return text
        named = sheet_type(text)
        return named if named in NODE_TYPES else _relationship_type(text)

    def _map_header(self, number: int, header: list[Any]) -> tuple[list[Column | None], list[Reject]]:
        location = Location(self.file, number, self.sheet)
        problems: list[Reject] = []
        if self.record_type is None:
            specs = [sheet_spec(name) for name in (*NODE_TYPES, RELATIONSHIPS)]
        else:
            specs = [sheet_spec(self.record_type)]
        columns: list[Column | None] = []
        for cell in header:
            if _is_empty(cell):
                columns.append(None)
                continue
            column = next((found for spec in specs if (found := spec.column_for(cell)) is not None), None)
            if column is None:
                known = ", ".join(c.header for c in specs[0].columns)
                problems.append(Reject(location, str(cell).strip(), f"unknown column; this sheet takes: {known}"))
            columns.append(column)
        present = {column.field for column in columns if column is not None}
        required = {"type"} if self.record_type is None else {c.field for c in specs[0].columns if c.required}
        for name in sorted(required - present):
            label = FIELD_LABELS.get(name, (name, name))[0]
            problems.append(Reject(location, name, f"required column '{label} ({name})' is missing; "
                                                   "no row of this sheet was loaded"))
        return columns, problems

    def _row_items(self, number: int, columns: list[Column | None], row: list[Any]) -> Iterator[ImportItem]:
        location = Location(self.file, number, self.sheet)
        raw: dict[str, Any] = {}
        links: list[tuple[Column, str]] = []
        max_chars = self.context.limits.max_cell_chars
        for column, value in zip(columns, row, strict=False):
            if column is None or _is_empty(value):
                continue
            if isinstance(value, str) and len(value) > max_chars:
                yield Reject(location, column.field, f"the cell holds {len(value):,} characters, above the limit of "
                             f"{max_chars:,} (REGISTRY_IMPORT_MAX_CELL_CHARS)", self.record_type, raw.get("id"))
                return
            if isinstance(value, str) and value.lstrip().startswith(FORMULA_PREFIX):
                yield Reject(location, column.field, "looks like a spreadsheet formula; enter the value itself",
                             self.record_type, raw.get("id"))
                return
            if isinstance(value, str):
                value = restore_formula(value)  # "'=x" as `registry export` writes "=x"
            if column.kind == "link":
                links.append((column, _text(value)))
            elif column.field == "type":
                raw["type"] = self._row_type(_text(value))
            else:
                raw[column.field] = convert(column, value)
        if self.record_type is not None and self.record_type != RELATIONSHIPS:
            raw["type"] = self.record_type
        yield from validate_raw(raw, location, self.context.pillars)
        entity_id = raw.get("id")
        for column, other in links:
            rel_type, _, entity_is_target, _ = LINK_COLUMNS[column.field]
            ends = {"from": other, "to": entity_id} if entity_is_target else {"from": entity_id, "to": other}
            yield from validate_raw({"type": rel_type, **ends}, location, self.context.pillars)
        if self.context.owner and raw.get("type") in _OWNABLE and not any(c.field == "owner" for c, _ in links):
            yield from validate_raw({"type": "OWNS", "from": self.context.owner, "to": entity_id}, location,
                                    self.context.pillars)


_OWNABLE = RULES["OWNS"].targets
