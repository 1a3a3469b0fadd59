"""Import throughput of a 100,000-row spreadsheet inventory (XLSX and CSV), on each store, side by side.

Each row is one System with its owner column, so a row is two records (the System and its OWNS). Every import
runs in its own process into an emptied store; the no-op re-import is measured too. Figures are rows/s, with
the ratio between formats and stores taken from this same run.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from openpyxl import Workbook

from benchmarks.common import machine, reset, run_registry, save, stop, store_env, stores
from importers.tabular import sheet_spec

ROWS = 100_000
AGENCIES = 100
KINDS = ["sector_application", "document_management", "one_stop_shop", "reporting", "portal"]


def _agency_rows() -> list[list[object]]:
    return [[f"agency:bench.{index:03d}", f"Sở ban ngành số {index}", "unit"] for index in range(AGENCIES)]


def _system_rows() -> list[list[object]]:
    return [[f"system:bench.{index:06d}", f"Hệ thống quản lý nghiệp vụ số {index} của tỉnh",
             "Đang vận hành" if index % 3 else "operational", KINDS[index % len(KINDS)],
             f"agency:bench.{index % AGENCIES:03d}"] for index in range(ROWS)]


def _headers(record_type: str, fields: list[str]) -> list[str]:
    columns = {column.field: column for column in sheet_spec(record_type).columns}
    return [columns[name].header for name in fields]


def write_inputs(folder: Path) -> dict[str, list[Path]]:
    """The same inventory as one workbook and as two CSV files."""
    agency_header = _headers("Agency", ["id", "name", "level"])
    system_header = _headers("System", ["id", "name", "status", "kind", "owner"])
    workbook = Workbook(write_only=True)
    for title, header, rows in (("Cơ quan", agency_header, _agency_rows()),
                                ("Hệ thống thông tin", system_header, _system_rows())):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    xlsx = folder / "inventory.xlsx"
    workbook.save(xlsx)
    csv_folder = folder / "csv"
    csv_folder.mkdir()
    for name, header, rows in (("01-co-quan.csv", agency_header, _agency_rows()),
                               ("02-he-thong-thong-tin.csv", system_header, _system_rows())):
        with (csv_folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return {"xlsx": [xlsx], "csv": sorted(csv_folder.iterdir())}


def main() -> None:
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        inputs = write_inputs(folder)
        rows = ROWS + AGENCIES
        for store in stores():
            data_dir = folder / f"data-{store}"
            for format_name, paths in inputs.items():
                reset(store, data_dir)
                env = store_env(store, data_dir)
                first = run_registry(["import", "--json", *map(str, paths)], env)
                again = run_registry(["import", "--json", *map(str, paths)], env)
                outcome = json.loads(first.stdout)
                assert first.exit_code == 0 and outcome["nodes"]["created"] == rows, outcome.get("rejects", [])[:3]
                assert json.loads(again.stdout)["nodes"]["unchanged"] == rows
                results.append({
                    "store": store, "format": format_name, "rows": rows, "records": rows + ROWS,
                    "seconds": round(first.seconds, 2), "rows_per_s": round(rows / first.seconds),
                    "peak_rss_mib": round(first.peak_rss_mib),
                    "reimport_seconds": round(again.seconds, 2), "reimport_rows_per_s": round(rows / again.seconds),
                })
            stop(store, data_dir)
    baseline = results[0]["rows_per_s"]
    for result in results:
        result["ratio_to_first"] = round(int(result["rows_per_s"]) / int(baseline), 2)  # type: ignore[arg-type]
    path = save("import-spreadsheets", {"benchmark": "import-spreadsheets", "machine": machine(),
                                        "results": results})
    print(f"\nImport of a {ROWS:,}-row inventory (+{AGENCIES} agencies), one process per import "
          f"({path.relative_to(path.parents[2])})")
    print("| store | format | rows/s | seconds | peak RSS MiB | re-import rows/s | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['store']} | {r['format']} | {r['rows_per_s']:,} | {r['seconds']} | {r['peak_rss_mib']} | "
              f"{r['reimport_rows_per_s']:,} | {r['ratio_to_first']} |")
