"""Properties, checked on generated input (hypothesis): the metamodel turns any mapping into a record or a
RecordError naming the fields at fault, never another exception, and a valid record survives its native
serialisation; the spreadsheet and native importers give back any cell text exactly, or a reject with its place,
never a crash. Each property is bounded (max_examples) so the module runs in well under a minute."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graph_model import NODE_TYPES, RELATIONSHIP_TYPES, RecordError, parse_record, to_raw
from graph_model.identifiers import ENTITY_ID_PATTERN
from importers import ImportContext, Parsed, Reject, get_importer
from importers.tabular import neutralise_formula, sheet_spec
from registry.export_tabular import xlsx_text
from tests.hostile.workbooks import sheet_xml, write_workbook

BOUNDED = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

FIELD_NAMES = sorted({name for model in (*NODE_TYPES.values(), *RELATIONSHIP_TYPES.values())
                      for name in model.model_fields} | {"from", "to"})
TYPES = [*NODE_TYPES, *RELATIONSHIP_TYPES]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
IDS = st.from_regex(ENTITY_ID_PATTERN, fullmatch=True)
# Cell text: Vietnamese letters, quotes, delimiters, line breaks, control characters, formula starts.
# Always tried, whatever the generator finds: formula starts, quotes before them, the delimiters, line breaks.
KNOWN = ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(1)", "'=x", "''+y", "a,b;c\td", 'say "hi"', "dòng 1\ndòng 2",
         "Ủy ban nhân dân tỉnh Lào Cai", "_x0001_ \x01 \x1f", "\r\n", " ", "x" * 501]
CELL = st.text(alphabet=st.sampled_from(list("aăâđêôơưÀẠỹĐ Ệ ,;\t\"'\r\n=+-@|_x0\x01\x1f\u00a0\u2028")) |
               st.characters(blacklist_categories=("Cs",)), max_size=40)


@BOUNDED
@given(st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), JSON, max_size=8),
       st.sampled_from(TYPES) | st.text(max_size=8) | st.integers() | st.none())
def test_any_mapping_is_a_record_or_a_record_error_naming_fields(raw: dict[str, Any], record_type: Any):
    raw = {**raw, "type": record_type}
    try:
        parse_record(raw)
    except RecordError as error:
        assert error.errors and all(isinstance(problem.field, str) and problem.field for problem in error.errors)


def node_records() -> st.SearchStrategy[dict[str, Any]]:
    """Valid-looking nodes of every type: required fields filled, some optional text fields too."""
    def build(record_type: str) -> st.SearchStrategy[dict[str, Any]]:
        schema = NODE_TYPES[record_type].model_json_schema(by_alias=True)
        fixed: dict[str, Any] = {"type": st.just(record_type), "id": IDS, "name": CELL}
        for name in schema.get("required", []):
            prop = schema["properties"][name]
            ref = prop.get("$ref") or next((o["$ref"] for o in prop.get("anyOf", []) if "$ref" in o), None)
            if name not in fixed and ref:
                fixed[name] = st.sampled_from(schema["$defs"][ref.rsplit("/", 1)[1]]["enum"])
        optional = {"description": CELL, "name_en": CELL, "tags": st.lists(CELL, max_size=3)}
        return st.fixed_dictionaries(fixed, optional=optional)
    return st.sampled_from(list(NODE_TYPES)).flatmap(build)


@BOUNDED
@given(node_records())
def test_a_valid_record_survives_its_native_serialisation(raw: dict[str, Any]):
    try:
        record = parse_record(raw)
    except RecordError:
        return  # e.g. a blank name: the property is about the records that are valid
    assert parse_record(to_raw(record)) == record
    assert to_raw(parse_record(to_raw(record))) == to_raw(record)


# --- importers ---------------------------------------------------------------------------------------------------

SYSTEM = {column.field: column.header for column in sheet_spec("System").columns}


def expected(text: str) -> str | None:
    """What the registry stores for a cell's text, or None when a reject is due (blank, too long, NUL)."""
    stripped = text.strip()
    if not stripped or len(stripped) > 500 or "\x00" in text:
        return None
    return stripped


def check(items: list[Any], texts: list[str], lines_in_file: int) -> None:
    """Each row's system has exactly the name and description its cell held, or the row has located rejects."""
    parsed = {item.record.id: item.record for item in items if isinstance(item, Parsed)}
    rejects = [item for item in items if isinstance(item, Reject)]
    for reject in rejects:
        assert reject.location.line is not None and 1 <= reject.location.line <= lines_in_file, reject
        assert reject.field
    for number, text in enumerate(texts):
        record = parsed.get(f"system:p{number}")
        if record is not None:
            # (Python's strip also takes \x1c-\x1f for spaces, the metamodel's does not: compare stripped.)
            assert record.name.strip() == text.strip() and record.description.strip() == text.strip()
        elif expected(text) is not None:  # a value the registry holds: only a reject of its own row excuses it
            assert any(r.record_id == f"system:p{number}" or r.field == "file" for r in rejects), (text, items)


@FILES
@given(st.lists(CELL, min_size=1, max_size=5))
@example(KNOWN)
@example(["\t", "\r", " \t", "\t'", "'\t"])  # whitespace formula starts: the quote export adds must go too
def test_any_cell_text_in_a_csv_round_trips_or_is_a_located_reject(texts: list[str]):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "he-thong-thong-tin.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([SYSTEM["id"], SYSTEM["name"], SYSTEM["description"]])
            for number, text in enumerate(texts):
                writer.writerow([f"system:p{number}", neutralise_formula(text), neutralise_formula(text)])
        items = list(get_importer("csv").read(path, ImportContext()))
        lines = path.read_text(encoding="utf-8").count("\n") + 1
    check(items, texts, lines)


@FILES
@given(st.lists(CELL, min_size=1, max_size=5))
@example(KNOWN)
@example(["\t", "\r", " \t", "\t'", "'\t"])  # whitespace formula starts: the quote export adds must go too
def test_any_cell_text_in_a_workbook_round_trips_or_is_a_located_reject(texts: list[str]):
    rows = [[SYSTEM["id"], SYSTEM["name"], SYSTEM["description"]]]
    rows += [[f"system:p{n}", xlsx_text(neutralise_formula(t)), xlsx_text(neutralise_formula(t))]
             for n, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(Path(folder) / "inventory.xlsx", {"Hệ thống thông tin": sheet_xml(rows)})
        items = list(get_importer("xlsx").read(path, ImportContext()))
    check(items, texts, len(rows))


@FILES
@given(st.lists(CELL, min_size=1, max_size=5))
@example(KNOWN)
def test_any_text_in_json_lines_round_trips_or_is_a_located_reject(texts: list[str]):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        path.write_text("".join(json.dumps({"type": "System", "id": f"system:p{n}", "name": t, "description": t})
                                + "\n" for n, t in enumerate(texts)), encoding="utf-8")
        items = list(get_importer("native").read(path, ImportContext()))
    check(items, texts, len(texts))
