"""Import throughput of the batched path against a naive one-MERGE-per-record baseline, on each store.

The province-scale synthetic registry is imported twice into an emptied store: by `registry import` (batched
UNWIND upserts, checks per batch, writes pipelined with the checks), and by a naive loader that reads the same
files through the same importers and validation but writes each record with its own MERGE, one round trip and
one transaction each. The naive run writes every node and then relationships until NAIVE_SECONDS have passed
(its rate is steady; a full run would take minutes). Ratios are taken within this one run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    machine,
    on_each_store,
    reset,
    run_registry,
    save,
    store_env,
)

NAIVE_SECONDS = float(os.environ.get("BENCH_NAIVE_SECONDS", "60"))
TARGET_RATIO = 10.0
TARGET_RECORDS_PER_S = 20_000


def naive_import(store_name: str, data_dir: Path, folder: Path) -> dict[str, Any]:
    """One MERGE per record, in this process; returns records written and seconds."""
    from graph_model import DEFAULT_PILLARS, ENTITY_LABEL, Node, Relationship, to_raw
    from importers import ImportContext, Parsed, expand_paths, importer_for
    from registry.graph import RegistryGraph, node_label, relationship_type
    from registry.settings import RegistrySettings
    from registry.store import open_store
    from registry.text_search import search_text

    store = open_store(RegistrySettings(store=store_name, data_dir=data_dir))  # type: ignore[arg-type]
    RegistryGraph(store).ensure_schema()  # the same indexes the batched path has
    context = ImportContext(pillars=DEFAULT_PILLARS)
    files = expand_paths([folder])
    written = 0
    started = time.perf_counter()
    try:
        for wanted in (Node, Relationship):
            for path in files:
                for item in importer_for(path).read(path, context):
                    if not isinstance(item, Parsed) or not isinstance(item.record, wanted):
                        continue
                    record = item.record
                    if isinstance(record, Node):
                        row = to_raw(record)
                        row.pop("type")
                        row["search_text"] = search_text(row)
                        store.write(f"MERGE (n:{ENTITY_LABEL}:{node_label(record.type)} {{id: $id}}) SET n = $row",
                                    {"id": record.id, "row": row})
                    else:
                        assert isinstance(record, Relationship)
                        store.write(f"MATCH (a:{ENTITY_LABEL} {{id: $from}}) MATCH (b:{ENTITY_LABEL} {{id: $to}}) "
                                    f"MERGE (a)-[r:{relationship_type(record.rel_type)}]->(b) SET r = $props",
                                    {"from": record.source_id, "to": record.target_id,
                                     "props": record.properties()})
                    written += 1
                    if wanted is Relationship and time.perf_counter() - started > NAIVE_SECONDS:
                        return {"records": written, "seconds": round(time.perf_counter() - started, 1)}
    finally:
        store.close()
    return {"records": written, "seconds": round(time.perf_counter() - started, 1)}


def measure(store: str, folder: Path, data_dir: Path) -> dict[str, Any]:
    reset(store, data_dir)
    env = store_env(store, data_dir)
    batched = run_registry(["import", "--json", str(folder)], env)
    outcome = json.loads(batched.stdout)
    records = outcome["nodes"]["created"] + outcome["relationships"]["created"]
    batched_rate = records / batched.seconds
    reset(store, data_dir)
    naive = naive_import(store, data_dir, folder)
    naive_rate = naive["records"] / naive["seconds"]
    return {"store": store, "records": records,
            "batched": {"seconds": round(batched.seconds, 1), "records_per_s": round(batched_rate),
                        "peak_rss_mib": round(batched.peak_rss_mib)},
            "naive": {**naive, "records_per_s": round(naive_rate)},
            "ratio": round(batched_rate / naive_rate, 1)}


def main() -> None:
    results = on_each_store("bench-throughput-", "province", measure)
    path = save("import-throughput", {"benchmark": "import-throughput", "machine": machine(),
                                      "targets": {"ratio": TARGET_RATIO, "records_per_s": TARGET_RECORDS_PER_S},
                                      "results": results})
    print("\nImport of the province-scale synthetic registry: batched against one MERGE per record")
    print("| store | records | batched records/s | naive records/s | ratio | batched peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['store']} | {r['records']:,} | {r['batched']['records_per_s']:,} | "
              f"{r['naive']['records_per_s']:,} | {r['ratio']} | {r['batched']['peak_rss_mib']} |")
    print(f"\nsaved {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
