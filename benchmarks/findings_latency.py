"""Latency of each governance finding on the synthetic registry, at province and nation scale, on each store.

For every scale the synthetic registry is generated once (`registry generate`), imported into an emptied store
(in its own process: import seconds, records/s, peak RSS), and then each rule runs on its own — a fresh analysis
context per rule, so a rule pays for the reads it needs rather than borrowing another's cache — timed in this
process. The whole `registry analyze --json` also runs in its own process for its wall time and peak memory, and
its findings are scored against the generator's ground truth (precision and recall per rule).

`BENCH_SCALES=province` (comma-separated) limits the scales; the default is `province,nation`. `BENCH_NATION_STORES`
narrows the stores of the nation scale (see `benchmarks.common.stores`).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    env_list,
    generate_synthetic,
    machine,
    reset,
    run_registry,
    save,
    stop,
    store_env,
    stores,
)

SEED = 1
TARGET_RULE_SECONDS = 2.0  # every missing-connection rule within 2 s at nation scale (the performance issue)
TARGET_DUPLICATES_SECONDS = 10.0


def scales() -> list[str]:
    return env_list("BENCH_SCALES", "province,nation")


def generate(scale: str, folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    generate_synthetic(scale, folder, SEED)
    return {"seconds": round(time.perf_counter() - started, 1),
            "bytes": sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())}


def time_rules(store: str, data_dir: Path) -> list[dict[str, Any]]:
    """Each packaged rule on its own, in this process, against the store the import filled."""
    from registry.analysis.context import AnalysisContext
    from registry.analysis.rulebook import load_rules
    from registry.analysis.runner import run_rule
    from registry.graph import RegistryGraph
    from registry.settings import RegistrySettings
    from registry.store import open_store

    settings = RegistrySettings(store=store, data_dir=data_dir)  # type: ignore[arg-type]
    graph = RegistryGraph(open_store(settings))
    timings = []
    try:
        for rule in load_rules():
            started = time.perf_counter()
            findings = run_rule(AnalysisContext(graph), rule)
            seconds = time.perf_counter() - started
            target = TARGET_DUPLICATES_SECONDS if rule.check == "duplicate_systems" else TARGET_RULE_SECONDS
            timings.append({"rule": rule.id, "seconds": round(seconds, 3), "findings": len(findings),
                            "target_seconds": target, "met": seconds <= target})
    finally:
        graph.store.close()
    return timings


def measure(scale: str, folder: Path, store: str, data_dir: Path) -> dict[str, Any]:
    from registry.synthetic.truth import evaluate, load

    reset(store, data_dir)
    env = store_env(store, data_dir)
    imported = run_registry(["import", "--json", str(folder)], env)
    outcome = json.loads(imported.stdout)
    if imported.exit_code != 0:
        raise RuntimeError(f"{scale} import into {store} rejected records: {outcome.get('rejects', [])[:3]}")
    records = outcome["nodes"]["created"] + outcome["relationships"]["created"]
    rules = time_rules(store, data_dir)
    analysed = run_registry(["analyze", "--json"], env)
    findings = json.loads(analysed.stdout)
    scores = evaluate(load(folder), findings)
    return {
        "scale": scale, "store": store,
        "import": {"records": records, "seconds": round(imported.seconds, 1),
                   "records_per_s": round(records / imported.seconds), "peak_rss_mib": round(imported.peak_rss_mib)},
        "rules": rules,
        "analyze": {"seconds": round(analysed.seconds, 1), "peak_rss_mib": round(analysed.peak_rss_mib),
                    "findings": len(findings)},
        "quality": [score.as_dict() for score in scores.values()],
    }


def _print(results: list[dict[str, Any]]) -> None:
    for result in results:
        imported, analysed = result["import"], result["analyze"]
        print(f"\n{result['scale']} scale on {result['store']}: import {imported['records']:,} records in "
              f"{imported['seconds']} s ({imported['records_per_s']:,}/s, peak RSS {imported['peak_rss_mib']} MiB); "
              f"analyze {analysed['seconds']} s, peak RSS {analysed['peak_rss_mib']} MiB, "
              f"{analysed['findings']} findings")
        quality = {score["rule"]: score for score in result["quality"]}
        print("| rule | seconds | target | findings | precision | recall |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for rule in result["rules"]:
            score = quality.get(rule["rule"], {})
            print(f"| {rule['rule']} | {rule['seconds']} | {rule['target_seconds']} | {rule['findings']:,} | "
                  f"{score.get('precision', '—')} | {score.get('recall', '—')} |")


def main() -> None:
    results: list[dict[str, Any]] = []
    generated: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-findings-") as tmp:
        for scale in scales():
            folder = Path(tmp) / scale
            generated[scale] = generate(scale, folder)
            for store in stores(scale):
                data_dir = Path(tmp) / f"data-{store}"
                try:
                    results.append(measure(scale, folder, store, data_dir))
                finally:
                    reset(store, data_dir)
                    stop(store, data_dir)
    path = save("findings-latency", {"benchmark": "findings-latency", "machine": machine(), "seed": SEED,
                                     "generated": generated, "results": results})
    _print(results)
    print(f"\nsaved {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
